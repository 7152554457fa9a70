"""The benchmark set: synthetic samples rendered deterministically and cached on disk.

The cache lives in ``bench/out/data-<style>-<seed>-<count>-<hash>/<scene>/`` where ``hash``
covers the ``synthcards`` sources, so a change to the generator never reuses stale images;
``style`` is the card style family (``tuned``, ``heldout``). Each scene
directory holds the image files plus ``labels.jsonl``, written last (its presence marks a
complete scene). Rendering uses worker processes; ``Pool.map`` keeps the order, and each
sample depends only on (scene, index, seed), so the output is identical for any worker count.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ROOT


@dataclass(frozen=True)
class BenchSample:
    """A sample's labels plus where its image is; the bytes are read on demand."""

    name: str
    scene: str
    side: str | None
    expected_code: str
    expected: dict[str, str]
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    style: str = "tuned"
    #: The card's true corners (its own TL, TR, BR, BL in image pixels); None without a card
    #: (and in a cache written before they were recorded).
    corners: tuple[tuple[float, float], ...] | None = None

    def image(self) -> bytes:
        return self.path.read_bytes()


@dataclass
class Dataset:
    samples: dict[str, list[BenchSample]]  # scene -> samples in index order
    directory: Path
    style: str = "tuned"
    generated: int = 0  # samples rendered by this run (0: all from the cache)
    seconds: float = 0.0  # time spent rendering and writing them

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.samples.values())


#: What ``labels.jsonl`` records; a new version renders the cache afresh (2: the corners).
LABELS_VERSION = 2


def generator_hash() -> str:
    """Short hash of the synthcards sources and data and of :data:`LABELS_VERSION` (the cache
    key's version part)."""
    h = hashlib.sha256(f"labels {LABELS_VERSION}".encode())
    base = ROOT / "synthcards"
    for p in sorted(base.rglob("*")):
        if p.is_file() and p.suffix not in (".pyc",) and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(base)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:10]


def _init_worker() -> None:
    # Two processes on two cores: keep OpenCV from spawning its own thread pool in each.
    import cv2  # noqa: PLC0415

    cv2.setNumThreads(1)


#: One rendered sample as a worker returns it: name, side, expected code, expected fields,
#: image bytes, meta and the card's true corners (None without a card).
Rendered = tuple[
    str, str | None, str, dict[str, str], bytes, dict[str, Any], list[list[float]] | None
]


def _render(job: tuple[str, int, int, str]) -> Rendered:
    from synthcards import make_sample  # noqa: PLC0415

    scene, index, seed, style = job
    s = make_sample(scene, index, seed, style)
    corners = None if s.corners is None else [[float(x), float(y)] for x, y in s.corners]
    return s.name, s.side, s.expected_code, dict(s.expected), s.image, dict(s.meta), corners


def _ext(image: bytes) -> str:
    return "png" if image[:8] == b"\x89PNG\r\n\x1a\n" else "jpg"


def _load_scene(scene_dir: Path, scene: str, style: str) -> list[BenchSample]:
    out = []
    with (scene_dir / "labels.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            corners = rec.get("corners")
            out.append(
                BenchSample(
                    rec["name"],
                    scene,
                    rec["side"],
                    rec["expected_code"],
                    rec["expected"],
                    scene_dir / rec["file"],
                    rec.get("meta", {}),
                    style,
                    None if corners is None else tuple((x, y) for x, y in corners),
                )
            )
    return out


def _generate_scene(
    scene_dir: Path,
    scene: str,
    count: int,
    seed: int,
    pool: ProcessPoolExecutor | None,
    *,
    style: str,
) -> list[BenchSample]:
    scene_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(scene, i, seed, style) for i in range(count)]
    rendered = pool.map(_render, jobs, chunksize=2) if pool is not None else map(_render, jobs)
    lines = []
    for name, side, code, expected, image, meta, corners in rendered:
        file = f"{name}.{_ext(image)}"
        (scene_dir / file).write_bytes(image)
        rec = {
            "name": name,
            "side": side,
            "expected_code": code,
            "expected": expected,
            "file": file,
            "meta": meta,
            "corners": corners,
        }
        lines.append(json.dumps(rec, ensure_ascii=False, sort_keys=True))
    tmp = scene_dir / "labels.jsonl.tmp"
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(scene_dir / "labels.jsonl")
    return _load_scene(scene_dir, scene, style)


def load_dataset(
    scenes: Sequence[str],
    count: int,
    seed: int,
    out_dir: Path,
    *,
    workers: int | None = None,
    style: str = "tuned",
) -> Dataset:
    """The samples of ``scenes`` (``count`` each) in ``style``, from the cache or freshly
    rendered."""
    directory = out_dir / f"data-{style}-{seed}-{count}-{generator_hash()}"
    missing = [s for s in scenes if not (directory / s / "labels.jsonl").exists()]
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    samples: dict[str, list[BenchSample]] = {}
    started = time.perf_counter()
    pool = None
    if missing and workers > 1 and count * len(missing) > 4:
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded parent
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker)
    try:
        for scene in scenes:
            scene_dir = directory / scene
            if scene in missing:
                samples[scene] = _generate_scene(scene_dir, scene, count, seed, pool, style=style)
            else:
                samples[scene] = _load_scene(scene_dir, scene, style)
    finally:
        if pool is not None:
            pool.shutdown()
    elapsed = time.perf_counter() - started if missing else 0.0
    generated = count * len(missing)
    return Dataset(samples, directory, style, generated, elapsed)
