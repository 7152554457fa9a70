"""The benchmark behind ``make bench``: accuracy, latency, throughput, memory, cold start.

``python -m bench`` renders the synthetic card scenes (``synthcards``), starts the service as
a subprocess on a loopback port, sends every image as a client would, scores the answers per
scene and compares against a naive RapidOCR-plus-regex baseline run on the same images.
Results go to stdout (markdown), ``bench/out/results.json`` and ``bench/out/results.md``.
"""

from __future__ import annotations

from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
