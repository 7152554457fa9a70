"""``python -m bench.capacity``: what one instance reads, for sizing (docs/DEPLOY.md, Capacity).

For each configuration ``PxWxT`` (P processes, each reading W images at once, each image on T
onnxruntime threads; ``WxT`` is one process) P fresh processes each load one
:class:`processor.Recognizer` (as a server instance, a batch worker or a Ray actor does),
warm it up, wait for the others, and read the same ``--count`` generated cards with W
threads, no HTTP. Per configuration: cards per second (all the processes' cards over the
longest run), CPU milliseconds per card (each process's, all its threads), resident memory
per process after the run (VmRSS) and its high-water mark (VmHWM), and the instance-hours
ten million cards take at that rate on this machine. The machine may be shared: run it
twice and compare.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from processor.settings import Settings

from . import OUT_DIR, ROOT
from .dataset import load_dataset
from .report import git_commit, machine, table, utc_now
from .service import memory_bytes, run_inprocess

CARDS = 10_000_000


def parse_config(text: str) -> tuple[int, int, int]:
    """``PxWxT`` or ``WxT`` -> (processes, workers, threads)."""
    parts = [int(x) for x in text.split("x")]
    if len(parts) == 2:
        return 1, parts[0], parts[1]
    processes, workers, threads = parts
    return processes, workers, threads


def measure(
    workers: int, threads: int, paths: Sequence[Path], start: Path | None = None
) -> dict[str, Any]:
    """In this process: load a Recognizer, warm it up, (wait for ``start`` to exist,) read
    ``paths`` with ``workers`` threads."""
    from processor import Recognizer  # noqa: PLC0415 - loads the models

    images = [p.read_bytes() for p in paths]
    started = time.perf_counter()
    settings = Settings.from_env(
        {}, worker_threads=workers, intra_op_threads=threads, request_timeout=300.0
    )
    with Recognizer(settings).load() as recognizer:
        load_s = time.perf_counter() - started
        for image in images[:2]:
            recognizer.recognize(image)
        if start is not None:
            Path(f"{start}.ready.{os.getpid()}").touch()
            while not start.exists():
                time.sleep(0.01)
        level = run_inprocess(recognizer, images, workers)
        pid = os.getpid()
        rss, hwm = memory_bytes(pid, "VmRSS"), memory_bytes(pid, "VmHWM")
    return {
        **level,
        "workers": workers,
        "threads": threads,
        "load_s": load_s,
        "rss_mib": None if rss is None else rss / 2**20,
        "hwm_mib": None if hwm is None else hwm / 2**20,
    }


def run_config(
    processes: int, workers: int, threads: int, paths: Sequence[Path], scratch: Path
) -> dict[str, Any]:
    """:func:`measure` in ``processes`` fresh interpreters at once (each figure is one worker
    process's; throughput is theirs together)."""
    scratch.mkdir(parents=True, exist_ok=True)
    start = scratch / f"start-{os.getpid()}-{time.monotonic_ns()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDCARD_")}
    cmd = [sys.executable, "-m", "bench.capacity", "--child", f"{workers}x{threads}"]
    children = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [*cmd, "--start", str(start)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
            env=env,
        )
        for _ in range(processes)
    ]
    for child in children:
        assert child.stdin is not None
        child.stdin.write("\n".join(map(str, paths)))
        child.stdin.close()
    while len(list(scratch.glob(f"{start.name}.ready.*"))) < processes:
        if any(c.poll() not in (None, 0) for c in children):
            raise RuntimeError("a capacity worker process failed")
        time.sleep(0.05)
    start.touch()
    results = []
    for child in children:
        assert child.stdout is not None
        out = child.stdout.read()
        if child.wait() != 0:
            raise RuntimeError("a capacity worker process failed")
        results.append(json.loads(out.strip().splitlines()[-1]))
    for path in scratch.glob(f"{start.name}*"):
        path.unlink()
    images = sum(r["images"] for r in results)
    seconds = max(r["seconds"] for r in results)
    first = results[0]
    return {
        **first,
        "processes": processes,
        "images": images,
        "seconds": seconds,
        "cards_per_s": images / seconds,
        "cpu_ms_per_card": sum(r["cpu_ms_per_card"] * r["images"] for r in results) / images,
        "p95_ms": max(r["p95_ms"] for r in results),
        "rss_mib": max(r["rss_mib"] for r in results),
        "hwm_mib": max(r["hwm_mib"] for r in results),
    }


def render(meta: dict[str, Any], rows: Sequence[dict[str, Any]]) -> str:
    cores = meta["machine"]["cores"]
    body = []
    for r in rows:
        cps = r["cards_per_s"]
        body.append(
            [
                f"{r['processes']} × {r['workers']} × {r['threads']}",
                f"{cps:.2f}",
                f"{cps / cores:.2f}",
                f"{r['cpu_ms_per_card']:.0f}",
                f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f}",
                f"{r['rss_mib']:.0f} / {r['hwm_mib']:.0f}",
                f"{CARDS / cps / 3600:,.0f}" if cps > 0 else "–",
            ]
        )
    header = [
        "processes × workers × threads",
        "cards/s (instance)",
        "cards/s per core",
        "CPU ms/card",
        "p50 / p95 ms",
        "RSS / peak MiB per process",
        "instance-hours per 10 M",
    ]
    return (
        f"**Capacity** {meta['date']} · {meta['machine']['cpu']}, {cores} cores · "
        f"commit `{meta['commit']}` · scenes `{meta['scenes']}`, {meta['count']} cards, "
        f"seed {meta['seed']}\n\n" + table(header, body, "l" + "r" * (len(header) - 1)) + "\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__)
    p.add_argument("--count", type=int, default=60, help="cards (split over the scenes)")
    p.add_argument("--scenes", default="photo", help="comma-separated synthcards scenes")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--configs",
        default="1x2,2x2,2x1x1",
        help="[PxT]WxT: processes x images at once per process x onnxruntime threads",
    )
    p.add_argument("--out", type=Path, default=OUT_DIR)
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    p.add_argument("--start", type=Path, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _, workers, threads = parse_config(args.child)
        paths = [Path(line) for line in sys.stdin.read().splitlines() if line]
        print(json.dumps(measure(workers, threads, paths, args.start)))
        return 0
    scenes = [s for s in args.scenes.split(",") if s]
    per_scene = max(1, args.count // len(scenes))
    data = load_dataset(scenes, per_scene, args.seed, args.out, workers=2)
    paths = [s.path for scene in scenes for s in data.samples[scene]]
    rows = []
    for config in args.configs.split(","):
        processes, workers, threads = parse_config(config)
        row = run_config(processes, workers, threads, paths, args.out / "capacity-run")
        print(
            f"[capacity] {config}: {row['cards_per_s']:.2f} cards/s, "
            f"{row['cpu_ms_per_card']:.0f} CPU ms/card, RSS {row['rss_mib']:.0f} MiB",
            file=sys.stderr,
        )
        rows.append(row)
    meta = {
        "date": utc_now(),
        "machine": machine(),
        "commit": git_commit(ROOT),
        "scenes": args.scenes,
        "count": len(paths),
        "seed": args.seed,
    }
    md = render(meta, rows)
    (args.out / "capacity.json").write_text(
        json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n", encoding="utf-8"
    )
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
