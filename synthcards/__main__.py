"""CLI: ``python -m synthcards write OUTDIR ...`` (``--style tuned|heldout|classic``),
``python -m synthcards golden OUTDIR`` and ``python -m synthcards cases OUTDIR``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .scenes import SCENES, Sample, golden_samples, make_sample
from .styles import DEFAULT_STYLE, STYLES


def _save(outdir: Path, sample: Sample) -> dict[str, object]:
    label = sample.label()
    path = outdir / str(label["file"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sample.image)
    return label


def _make(job: tuple[str, int, int, str]) -> Sample:
    return make_sample(*job)


def _samples(jobs: list[tuple[str, int, int, str]], workers: int) -> Iterable[Sample]:
    if workers <= 1:
        return (make_sample(*j) for j in jobs)
    pool = ProcessPoolExecutor(max_workers=workers)
    return pool.map(_make, jobs, chunksize=4)


def cmd_write(args: argparse.Namespace) -> int:
    outdir = Path(args.outdir)
    scenes = [s.strip() for s in args.scenes.split(",") if s.strip()]
    bad = [s for s in scenes if s not in SCENES]
    if bad:
        print(
            f"unknown scene(s): {', '.join(bad)}; choose from {', '.join(SCENES)}", file=sys.stderr
        )
        return 2
    outdir.mkdir(parents=True, exist_ok=True)
    if args.style == "classic":
        scenes = [s for s in scenes if s != "rare"]
    jobs = [(scene, i, args.seed, args.style) for scene in scenes for i in range(args.count)]
    with (outdir / "labels.jsonl").open("w", encoding="utf-8") as fh:
        for sample in _samples(jobs, args.jobs):
            fh.write(json.dumps(_save(outdir, sample), ensure_ascii=False) + "\n")
    print(f"wrote {len(jobs)} samples to {outdir}")
    return 0


def cmd_golden(args: argparse.Namespace) -> int:
    outdir = Path(args.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    labels = [_save(outdir, s) for s in golden_samples()]
    text = json.dumps(labels, ensure_ascii=False, indent=1) + "\n"
    (outdir / "labels.json").write_text(text, encoding="utf-8")
    print(f"wrote {len(labels)} golden samples to {outdir}")
    return 0


def cmd_cases(args: argparse.Namespace) -> int:
    from .cases import write_cases  # noqa: PLC0415 - only this command needs it

    labels = write_cases(Path(args.outdir))
    print(f"wrote {len(labels)} failure-class cases to {args.outdir}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m synthcards", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="write COUNT samples per scene plus labels.jsonl")
    w.add_argument("outdir")
    w.add_argument("--scenes", default=",".join(SCENES))
    w.add_argument("--count", type=int, default=10)
    w.add_argument("--seed", type=int, default=0)
    w.add_argument("--jobs", type=int, default=1, help="worker processes (output is identical)")
    w.add_argument("--style", default=DEFAULT_STYLE, choices=STYLES, help="style family")
    w.set_defaults(func=cmd_write)
    g = sub.add_parser("golden", help="write the fixed golden set plus labels.json")
    g.add_argument("outdir")
    g.set_defaults(func=cmd_golden)
    c = sub.add_parser("cases", help="write the failure-class cases of issue 16 plus labels.json")
    c.add_argument("outdir")
    c.set_defaults(func=cmd_cases)
    args = p.parse_args(argv)
    rc: int = args.func(args)
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
