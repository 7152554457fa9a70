"""``python -m bench``: accuracy, latency, throughput, memory and cold start of the service,
against a RapidOCR-plus-regex baseline on the same synthetic images.

Every card scene is rendered in two style families (``synthcards.styles``): ``tuned``, the
styles the service is trained and tuned on, and ``heldout``, fonts, artwork and colours no
model, threshold or template ever saw; the gap between the two is the team's own measure of
generalisation. ``rare`` is a scene of fronts whose name or address has a GB2312 level-2
character; ``negative`` (images without a card) is rendered once.

Steps: render (or reuse) the dataset; start ``python -m processor serve`` on a free loopback
port and time its cold start; send every image once with one client, in a fixed order (the
accuracy figures come from this pass only, so they do not depend on timing); the paired
pass: the first ``--baseline-count`` images of each scene, each sent to the service and then
given to the baseline (in-process) back to back, for the latency ratio; measure throughput
with 1, 2 and 4 concurrent clients; read the server's peak RSS; stop it; write
``bench/out/results.json``, ``results.md`` and ``samples.jsonl`` and print the report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from processor.settings import Settings

from . import OUT_DIR, ROOT
from .baseline import Baseline
from .dataset import BenchSample, load_dataset
from .metrics import SampleResult, failures, format_failure, score
from .report import git_commit, machine, render, update_readme, utc_now
from .service import (
    ServerError,
    ServerProcess,
    run_inprocess,
    run_paired,
    run_sequential,
    run_throughput,
)

ALL_SCENES = ("scan", "photo", "hard", "rare", "negative")
ALL_STYLES = ("tuned", "heldout")
#: Scenes rendered once, in the tuned family only (no card, so no style to compare).
STYLELESS = frozenset({"negative"})
HELDOUT_PREFIX = "heldout/"


def set_key(style: str, scene: str) -> str:
    """The results key of one (style, scene) set: ``scan`` for tuned, ``heldout/scan``."""
    return scene if style == "tuned" else f"{style}/{scene}"


def split_key(key: str) -> tuple[str, str]:
    """``heldout/scan`` -> ("heldout", "scan"); ``scan`` -> ("tuned", "scan")."""
    style, _, scene = key.rpartition("/")
    return style or "tuned", scene


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--count", type=int, default=200, help="images per scene")
    p.add_argument("--seed", type=int, default=0, help="dataset seed")
    p.add_argument("--scenes", default=",".join(ALL_SCENES), help="comma-separated scenes")
    p.add_argument(
        "--styles",
        default=",".join(ALL_STYLES),
        help="style families to render each card scene in (tuned, heldout)",
    )
    p.add_argument(
        "--baseline-count", type=int, default=30, help="baseline images per scene (0: skip)"
    )
    p.add_argument(
        "--throughput-count", type=int, default=40, help="images per concurrency level (0: skip)"
    )
    p.add_argument("--throughput-clients", default="1,2,4", help="concurrency levels")
    p.add_argument("--throughput-scene", default="photo", help="scene used for throughput")
    p.add_argument(
        "--inprocess-workers",
        default="1,2",
        help="in-process throughput levels (processor.Recognizer, no HTTP; empty: skip)",
    )
    p.add_argument(
        "--worker-threads",
        type=int,
        default=_int_env("IDCARD_WORKER_THREADS", Settings.worker_threads),
        help="IDCARD_WORKER_THREADS of the server",
    )
    p.add_argument(
        "--intra-op-threads",
        type=int,
        default=_int_env("IDCARD_INTRA_OP_THREADS", Settings.intra_op_threads),
        help="IDCARD_INTRA_OP_THREADS of the server",
    )
    p.add_argument("--jobs", type=int, default=2, help="processes rendering the dataset")
    p.add_argument(
        "--failures", type=int, default=0, metavar="N", help="print the N worst failures per scene"
    )
    p.add_argument(
        "--keep-failures", type=int, default=50, help="failures per scene kept in results.json"
    )
    p.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    p.add_argument(
        "--update-readme",
        action="store_true",
        help="replace the <!-- bench:start/end --> block of README.md with the report",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = p.parse_args(argv)
    args.scene_list = [s.strip() for s in args.scenes.split(",") if s.strip()]
    bad = [s for s in args.scene_list if s not in ALL_SCENES]
    if bad or not args.scene_list:
        p.error(f"unknown scene(s) {bad}; choose from {', '.join(ALL_SCENES)}")
    args.style_list = [s.strip() for s in args.styles.split(",") if s.strip()]
    bad = [s for s in args.style_list if s not in ALL_STYLES]
    if bad or not args.style_list:
        p.error(f"unknown style(s) {bad}; choose from {', '.join(ALL_STYLES)}")
    try:
        args.client_levels = [int(x) for x in args.throughput_clients.split(",") if x.strip()]
        args.inprocess_levels = [int(x) for x in args.inprocess_workers.split(",") if x.strip()]
    except ValueError:
        p.error("--throughput-clients and --inprocess-workers take comma-separated integers")
    if args.count < 1 or any(c < 1 for c in args.client_levels + args.inprocess_levels):
        p.error("--count and client levels must be positive")
    return args


class Progress:
    """Progress lines on stderr (stdout carries only the report)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.t0 = time.perf_counter()

    def say(self, text: str) -> None:
        if not self.quiet:
            print(f"[bench {time.perf_counter() - self.t0:6.1f}s] {text}", file=sys.stderr)

    def counter(self, label: str) -> Callable[[int, int], None]:
        def tick(done: int, total: int) -> None:
            step = max(1, total // 5)
            if done == total or done % step == 0:
                self.say(f"{label} {done}/{total}")

        return tick


def _warmup_images(seed: int) -> list[bytes]:
    """Clean scans outside the dataset's index range, for the cold start and warm-ups: in the
    classic style, so that "first code 200" times the start, not the reader's accuracy."""
    from synthcards import make_sample  # noqa: PLC0415

    return [make_sample("scan", 1_000_000 + i, seed, style="classic").image for i in range(4)]


def _cycle(samples: Sequence[BenchSample], n: int) -> list[bytes]:
    return [samples[i % len(samples)].image() for i in range(n)] if samples else []


def load_sets(
    args: argparse.Namespace, progress: Progress
) -> tuple[dict[str, list[BenchSample]], dict[str, Any]]:
    """Every (style, scene) set in report order, and how the rendering went."""
    sets: dict[str, list[BenchSample]] = {}
    info: dict[str, Any] = {"generated": 0, "seconds": 0.0, "directories": {}}
    for style in args.style_list:
        scenes = [s for s in args.scene_list if style == args.style_list[0] or s not in STYLELESS]
        if not scenes:
            continue
        data = load_dataset(scenes, args.count, args.seed, args.out, workers=args.jobs, style=style)
        info["generated"] += data.generated
        info["seconds"] += data.seconds
        info["directories"][style] = str(data.directory)
        for scene, samples in data.samples.items():
            sets[set_key(style, scene)] = samples
        if data.generated:
            progress.say(
                f"{style}: rendered {data.generated} images in {data.seconds:.1f} s "
                f"({1000 * data.seconds / data.generated:.0f} ms/image, {args.jobs} processes)"
            )
        else:
            progress.say(f"{style}: dataset from cache {data.directory}")
    return sets, info


def measure_service(
    args: argparse.Namespace,
    data: dict[str, list[BenchSample]],
    warmups: list[bytes],
    progress: Progress,
    baseline: Baseline | None = None,
) -> dict[str, Any]:
    """Start the server, time its cold start, run the accuracy pass, the paired pass against
    ``baseline`` (when given) and throughput."""
    out: dict[str, Any] = {}
    progress.say(
        f"starting the server (IDCARD_WORKER_THREADS={args.worker_threads}, "
        f"IDCARD_INTRA_OP_THREADS={args.intra_op_threads})"
    )
    server = ServerProcess(
        args.out / "server.log",
        worker_threads=args.worker_threads,
        intra_op_threads=args.intra_op_threads,
    )
    try:
        out["health_s"] = server.wait_healthy()
        out["cold_start_s"], out["warmup_requests"] = server.first_success(warmups)
        progress.say(
            f"server healthy after {out['health_s']:.1f} s, first 200 after "
            f"{out['cold_start_s']:.1f} s"
        )
        started = time.perf_counter()
        results: dict[str, list[SampleResult]] = {}
        for key, samples in data.items():
            results[key] = run_sequential(server, samples, progress.counter(f"service {key}"))
        out["pass_seconds"] = time.perf_counter() - started
        out["results"] = results
        if baseline is not None:
            started = time.perf_counter()
            out["paired"] = {
                scene: run_paired(
                    server.url,
                    baseline,
                    samples[: args.baseline_count],
                    progress.counter(f"paired {scene}"),
                    server.check_alive,
                )
                for scene, samples in data.items()
            }
            out["paired_seconds"] = time.perf_counter() - started
        levels = []
        started = time.perf_counter()
        tp_samples = data.get(args.throughput_scene, [])
        if args.throughput_count > 0 and tp_samples:
            images = _cycle(tp_samples, args.throughput_count)
            for clients in args.client_levels:
                level = run_throughput(server.url, images, clients)
                server.check_alive()
                progress.say(
                    f"throughput {clients} client(s): {level['cards_per_s']:.2f} cards/s, "
                    f"{level['errors']} errors"
                )
                levels.append(level)
        out["throughput_seconds"] = time.perf_counter() - started
        out["throughput"] = levels
        rss = server.peak_rss_bytes()
        out["peak_rss_mib"] = None if rss is None else rss / 2**20
    finally:
        out["exit_status"] = server.stop()
    return out


def measure_inprocess(
    args: argparse.Namespace, images: list[bytes], warmups: list[bytes], progress: Progress
) -> list[dict[str, Any]]:
    """The throughput levels without HTTP: one :class:`processor.Recognizer` (the server's
    settings, as many workers as the largest level) in this process, after the server has
    stopped."""
    from processor import Recognizer  # noqa: PLC0415 - loads the models

    settings = Settings.from_env(
        {},
        worker_threads=max(args.inprocess_levels),
        intra_op_threads=args.intra_op_threads,
        request_timeout=120.0,
    )
    levels = []
    with Recognizer(settings).load() as recognizer:
        for image in warmups:
            recognizer.recognize(image)
        for workers in args.inprocess_levels:
            level = run_inprocess(recognizer, images, workers)
            progress.say(
                f"in-process {workers} worker(s): {level['cards_per_s']:.2f} cards/s, "
                f"{level['cpu_ms_per_card']:.0f} CPU ms/card"
            )
            levels.append(level)
    return levels


def load_baseline(
    args: argparse.Namespace, warmups: list[bytes], progress: Progress
) -> tuple[Baseline | None, dict[str, Any]]:
    """The baseline, created and warmed up, or None and why it was skipped."""
    if args.baseline_count <= 0:
        return None, {"skipped": "--baseline-count 0"}
    try:
        baseline = Baseline()
        version = metadata.version("rapidocr-onnxruntime")
    except ImportError as exc:
        progress.say(f"baseline skipped: {exc}")
        return None, {"skipped": f"rapidocr_onnxruntime not importable: {exc}"}
    baseline.recognize(warmups[0])  # first call pays one-off costs; not counted
    return baseline, {"version": version, "count": args.baseline_count}


def score_paired(
    info: dict[str, Any],
    paired: dict[str, tuple[list[SampleResult], list[SampleResult]]],
    seconds: float,
    init_seconds: float,
) -> dict[str, Any]:
    """Baseline vs ours per scene, from the paired pass."""
    scenes: dict[str, Any] = {}
    results: dict[str, list[SampleResult]] = {}
    for scene, (ours, base) in paired.items():
        results[scene] = base
        b, o = score(base), score(ours)
        ob, oo = b["latency"]["p50_ms"], o["latency"]["p50_ms"]
        scenes[scene] = {"baseline": b, "ours": o, "p50_ratio": ob / oo if oo > 0 else None}
    return {
        **info,
        "paired": True,
        "init_seconds": init_seconds,
        "seconds": seconds,
        "scenes": scenes,
        "results": results,
    }


def _sample_records(system: str, results: dict[str, list[SampleResult]]) -> list[str]:
    return [
        json.dumps(
            {
                "system": system,
                "name": r.name,
                "scene": r.scene,
                "style": split_key(key)[0],
                "code": r.code,
                "expected_code": r.expected_code,
                "passed": r.passed,
                "latency_ms": round(r.latency_ms, 1),
                "data": r.data,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        for key, rs in results.items()
        for r in rs
    ]


def split_scores(scores: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(tuned scores by scene, held-out scores by scene, gap in points by scene)."""
    tuned = {k: v for k, v in scores.items() if split_key(k)[0] == "tuned"}
    held = {split_key(k)[1]: v for k, v in scores.items() if split_key(k)[0] == "heldout"}
    gaps = {
        scene: 100 * (tuned[scene]["exact"] - h["exact"])
        for scene, h in held.items()
        if scene in tuned and tuned[scene]["exact"] is not None and h["exact"] is not None
    }
    return tuned, held, gaps


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    progress = Progress(args.quiet)
    t_start = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)

    progress.say(
        f"dataset: {args.count} per scene, seed {args.seed}, scenes {args.scenes}, "
        f"styles {args.styles}"
    )
    data, rendering = load_sets(args, progress)
    warmups = _warmup_images(args.seed)

    baseline, base = load_baseline(args, warmups, progress)
    try:
        svc = measure_service(args, data, warmups, progress, baseline)
    except ServerError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    images = _cycle(data.get(args.throughput_scene, []), args.throughput_count)
    if images and args.inprocess_levels:
        svc["throughput"] += measure_inprocess(args, images, warmups, progress)
    ours: dict[str, list[SampleResult]] = svc.pop("results")
    if baseline is not None:
        base = score_paired(
            base, svc.pop("paired"), svc.pop("paired_seconds"), baseline.init_seconds
        )
    base_results: dict[str, list[SampleResult]] = base.pop("results", {})

    all_scores = {key: score(rs) for key, rs in ours.items()}
    scores, heldout_scores, gaps = split_scores(all_scores)
    n_images = sum(len(rs) for rs in ours.values())
    n_base = sum(len(rs) for rs in base_results.values())
    total = time.perf_counter() - t_start
    results: dict[str, Any] = {
        "meta": {
            "date": utc_now(),
            "machine": machine(),
            "commit": git_commit(ROOT),
            "seed": args.seed,
            "count": args.count,
            "scenes": args.scene_list,
            "styles": args.style_list,
            "worker_threads": args.worker_threads,
            "intra_op_threads": args.intra_op_threads,
            "dataset": rendering["directories"],
        },
        "timing": {
            "total_s": total,
            "generation_s": rendering["seconds"],
            "generated_images": rendering["generated"],
            "generation_ms_per_image": 1000 * rendering["seconds"] / rendering["generated"]
            if rendering["generated"]
            else None,
            "service_pass_s": svc["pass_seconds"],
            "service_ms_per_image": 1000 * svc["pass_seconds"] / n_images if n_images else None,
            "throughput_s": svc["throughput_seconds"],
            "baseline_s": base.get("seconds"),
            "baseline_ms_per_image": 1000 * base["seconds"] / n_base if n_base else None,
        },
        "service": {
            "cold_start_s": svc["cold_start_s"],
            "health_s": svc["health_s"],
            "warmup_requests": svc["warmup_requests"],
            "peak_rss_mib": svc["peak_rss_mib"],
            "exit_status": svc["exit_status"],
            "scenes": scores,
            "heldout": heldout_scores,
            "gap_points": gaps,
        },
        "throughput": {"scene": args.throughput_scene, "levels": svc["throughput"]}
        if svc["throughput"]
        else None,
        "baseline": base,
        "failures": {key: failures(rs, args.keep_failures) for key, rs in ours.items()},
        "baseline_failures": {
            scene: failures(rs, args.keep_failures) for scene, rs in base_results.items()
        },
    }

    md = render(results)
    (args.out / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8"
    )
    (args.out / "results.md").write_text(md, encoding="utf-8")
    lines = _sample_records("service", ours) + _sample_records("baseline", base_results)
    (args.out / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    print(md)
    if args.failures > 0:
        print("Failures (worst first):\n")
        for scene, rs in ours.items():
            worst = failures(rs, args.failures)
            print(f"- {scene}: {sum(not r.passed for r in rs)} of {len(rs)} failed")
            for rec in worst:
                print(f"  - {format_failure(rec)}")
        print()
    if args.update_readme:
        readme = ROOT / "README.md"
        if update_readme(readme, md):
            progress.say(f"updated the bench block of {readme}")
        else:
            progress.say(f"{readme} has no <!-- bench:start/end --> markers; not updated")
    progress.say(f"done in {total:.0f} s; results in {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
