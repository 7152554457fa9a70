"""``python -m bench.quick``: a quick accuracy check with the processor in-process (no server).

    python -m bench.quick --count 50 --style heldout --scenes scan,photo

Renders (or reuses from ``bench/out``) ``--count`` samples per scene in each requested style
family, hands each image to ``IdCardProcessor.process`` as the documented JSON body, and
prints per scene: code accuracy, the share of cards answered 200, whole-card exact, every
field, and the in-process time per image; then the worst fields per style, the gap between
the families when both were run, and the first failures. Accuracy only: for latency and
throughput use ``python -m bench``.

``--outline`` asks for the ``location`` extra too and prints, per scene, how far the card's
corners answered lie from its true ones (the outline the returned card image is cut along).
"""

from __future__ import annotations

import argparse
import base64
import importlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from . import OUT_DIR
from .dataset import BenchSample, load_dataset
from .metrics import (
    FIELDS,
    OUTLINE_OFF,
    SampleResult,
    failures,
    format_failure,
    outline_error,
    outline_summary,
    score,
    worst_fields,
)
from .report import DASH, gap_table, pct, table
from .service import decode_answer

SCENE_CHOICES = ("scan", "photo", "hard", "rare", "negative")
STYLE_CHOICES = ("tuned", "heldout", "classic")


class Processor(Protocol):
    def process(self, data: bytes) -> tuple[bytes, int]: ...


def request_body(image: bytes, options: str = "") -> bytes:
    """The JSON body a client sends: ``{"data": base64 image}`` (and ``options``, if any)."""
    body = {"data": base64.b64encode(image).decode("ascii")}
    if options:
        body["options"] = options
    return json.dumps(body).encode()


def ask(processor: Processor, sample: BenchSample, *, outline: bool = False) -> SampleResult:
    """One sample through ``processor.process`` and decoded like a client would; ``outline``:
    with the ``location`` extra, whose card corners are compared with the true ones (and
    left out of the result's data)."""
    started = time.perf_counter()
    options = "location" if outline else ""
    body, status = processor.process(request_body(sample.image(), options))
    elapsed = 1000 * (time.perf_counter() - started)
    try:
        text = body.decode("ascii") if isinstance(body, bytes) else str(body)
        code, message, data = decode_answer(text)
    except (ValueError, UnicodeDecodeError) as exc:
        code, message, data = "exception", f"undecodable answer: {exc}", {}
    located = data.pop("location", None) if isinstance(data, dict) else None
    error = None
    if outline and isinstance(located, dict) and located.get("card") and sample.corners:
        error = outline_error(located["card"], sample.corners)
    return SampleResult(
        name=sample.name,
        scene=sample.scene,
        expected_code=sample.expected_code,
        expected=sample.expected,
        code=code,
        data=data,
        latency_ms=elapsed,
        http_status=int(status) if status else 200,
        message=message,
        meta=sample.meta,
        outline=error,
    )


def run(
    processor: Processor,
    samples: Sequence[BenchSample],
    progress: Callable[[int, int], None] | None = None,
    *,
    outline: bool = False,
) -> list[SampleResult]:
    out = []
    for i, sample in enumerate(samples):
        out.append(ask(processor, sample, outline=outline))
        if progress is not None:
            progress(i + 1, len(samples))
    return out


def record(style: str, r: SampleResult) -> dict[str, Any]:
    """One sample's outcome as a JSON-able record (synthetic data only)."""
    return {
        "style": style,
        "scene": r.scene,
        "name": r.name,
        "code": r.code,
        "expected_code": r.expected_code,
        "passed": r.passed,
        "wrong": r.wrong_fields(),
        "expected": r.expected,
        "data": r.data,
        "ms": round(r.latency_ms, 1),
        "outline": r.outline,
        "meta": r.meta,
    }


def summary_table(scores: dict[str, dict[str, Any]]) -> str:
    """Per scene: n, code accuracy, answered 200, whole card, each field, ms per image."""
    fields = [f for f in FIELDS if any(f in s["fields"] for s in scores.values())]
    header = ["scene", "n", "code acc", "answered 200", "whole card", *fields, "ms/image"]
    rows = []
    for scene, s in scores.items():
        row = [scene, str(s["n"]), pct(s["code_acc"]), pct(s["answered_200"]), pct(s["exact"])]
        row += [pct(s["fields"][f]["acc"]) if f in s["fields"] else DASH for f in fields]
        row.append(f"{s['latency']['mean_ms']:.0f}")
        rows.append(row)
    return table(header, rows)


def outline_table(results: dict[str, list[SampleResult]]) -> str:
    """Per scene: the cards answered with their corners, the median corner error and the
    shares within 2% and 4% of the card's diagonal and off by 8% or more."""
    header = ["scene", "outlined", "median", "within 2%", "within 4%", f"≥ {OUTLINE_OFF:.0%}"]
    rows = []
    for scene, rs in results.items():
        s = outline_summary(rs)
        if s is None:
            continue
        within = [pct(share) for share in s["within"].values()]
        rows.append([scene, str(s["n"]), f"{s['median']:.1%}", *within, pct(s["off"])])
    return table(header, rows)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.quick",
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--count", type=int, default=50, help="samples per scene")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--style", default="heldout", help="tuned, heldout, classic, or both (tuned,heldout)"
    )
    p.add_argument("--scenes", default="scan,photo,hard", help="comma-separated scenes")
    p.add_argument(
        "--outline",
        action="store_true",
        help="also ask for the card's corners (location) and print how far they are from the truth",
    )
    p.add_argument("--failures", type=int, default=5, help="failures printed per scene")
    p.add_argument("--jobs", type=int, default=2, help="processes rendering the samples")
    p.add_argument("--out", type=Path, default=OUT_DIR, help="dataset cache directory")
    p.add_argument("--json", type=Path, default=None, help="also write the scores here")
    p.add_argument(
        "--records",
        type=Path,
        default=None,
        help="also write one JSON line per sample (expected, answer, meta) here",
    )
    args = p.parse_args(argv)
    styles = ["tuned", "heldout"] if args.style == "both" else args.style.split(",")
    scenes = [s.strip() for s in args.scenes.split(",") if s.strip()]
    if any(s not in STYLE_CHOICES for s in styles) or not styles:
        p.error(f"--style takes {', '.join(STYLE_CHOICES)} or both")
    if any(s not in SCENE_CHOICES for s in scenes) or not scenes:
        p.error(f"--scenes takes {', '.join(SCENE_CHOICES)}")
    if "classic" in styles and "rare" in scenes:
        p.error("the classic style has no rare scene")
    if args.count < 1:
        p.error("--count must be positive")
    args.styles, args.scene_list = styles, scenes
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # The EAS entry point (app.py), loaded only when asked: the service as deployed. Its
    # per-request INFO lines would drown the tables (IDCARD_LOG_LEVEL=INFO brings them back).
    os.environ.setdefault("IDCARD_LOG_LEVEL", "WARNING")
    app = importlib.import_module("app")
    started = time.perf_counter()
    processor = app.IdCardProcessor()
    processor.initialize()
    print(f"processor ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    all_scores: dict[str, dict[str, dict[str, Any]]] = {}
    all_results: dict[str, dict[str, list[SampleResult]]] = {}
    for style in args.styles:
        data = load_dataset(
            args.scene_list, args.count, args.seed, args.out, workers=args.jobs, style=style
        )
        if data.generated:
            per = 1000 * data.seconds / data.generated
            print(f"{style}: rendered {data.generated} images ({per:.0f} ms each, "
                  f"{args.jobs} processes)", file=sys.stderr)  # fmt: skip
        results = {
            scene: run(processor, samples, outline=args.outline)
            for scene, samples in data.samples.items()
        }
        all_results[style] = results
        all_scores[style] = {scene: score(rs) for scene, rs in results.items()}
    for style, scores in all_scores.items():
        print(f"\n### {style} (seed {args.seed}, {args.count} per scene)\n")
        print(summary_table(scores))
        worst = worst_fields(s for s in scores.values())
        text = ", ".join(f"{f} {pct(acc)} ({n} wrong)" for f, acc, n in worst) or "none"
        print(f"\nworst fields: {text}")
        if args.outline:
            print("\ncard outline answered (corner error, share of the card's diagonal):\n")
            print(outline_table(all_results[style]))
    if len(all_scores) == 2:
        print("\n### gap (tuned − heldout, whole card)\n")
        print(gap_table(all_scores["tuned"], all_scores["heldout"]))
    if args.failures > 0:
        for style, results in all_results.items():
            for scene, rs in results.items():
                bad = failures(rs, args.failures)
                if bad:
                    print(f"\n{style}/{scene}: {sum(not r.passed for r in rs)} of {len(rs)} failed")
                    for rec in bad:
                        print(f"  - {format_failure(rec)}")
    if args.json is not None:
        args.json.write_text(json.dumps(all_scores, ensure_ascii=False, indent=1) + "\n")
    if args.records is not None:
        with args.records.open("w", encoding="utf-8") as fh:
            for style, results in all_results.items():
                for rs in results.values():
                    for r in rs:
                        fh.write(json.dumps(record(style, r), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
