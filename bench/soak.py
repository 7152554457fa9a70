"""Load and soak: concurrent clients mixing valid cards and hostile bodies against the server.

``python -m bench.soak --seconds 300 --clients 4`` (``make soak``) starts ``python -m processor
serve``, warms it up, then sends the mix for the given time (or ``--requests`` in all) and
prints: inputs tried, requests served, errors (unexpected 5xx, dropped connections, answers that
are not a well-formed envelope), latency p50/p99 and the server's RSS before and after. The
bounded load test of the suite (tests/serve/test_load.py) runs the same code for a fixed count.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import struct
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import requests
from PIL import Image

from . import OUT_DIR
from .metrics import percentile
from .service import ServerProcess, form_body, memory_bytes

#: Codes the API documents; anything else in an envelope is an error.
DOCUMENTED = {"200", "201", "202", "203", "204", "205", "206", "207", "208", "209", "-1"}


@dataclass(frozen=True)
class Body:
    kind: str
    data: bytes
    #: HTTP statuses that are a correct answer to this body.
    statuses: frozenset[int]


def bomb_png(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` pixels."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def mix(seed: int = 11) -> list[Body]:
    """Valid synthetic cards (scan and photo, both sides) and hostile bodies."""
    from synthcards import make_sample  # noqa: PLC0415 - the generator is a test/bench tool

    ok = frozenset({200})
    bad = frozenset({400, 413})
    # The classic style: cards today's reader reads, since the load test counts the 200s (it
    # measures errors and memory under load, not accuracy; bench measures that per style).
    cards = [
        make_sample(scene, i, seed, style="classic").image
        for scene in ("scan", "photo")
        for i in range(2)
    ]
    rng = np.random.default_rng(seed)
    noise = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)).save(noise, "PNG")
    bodies = [Body(f"card-{i}", form_body(c), ok) for i, c in enumerate(cards)]
    bodies += [
        Body("noise-image", form_body(noise.getvalue()), ok),  # a decodable image, no card: 201
        Body("random-bytes", rng.bytes(2048), bad),
        Body("truncated-jpeg", form_body(cards[0][: len(cards[0]) // 3]), frozenset({200, 400})),
        Body("bomb-png", form_body(bomb_png()), bad),
        Body("garbage-base64", b"info=x&data=%%%not-base64***", bad),
        Body("empty", b"", bad),
        Body("wrong-field", b"info=x&image=" + base64.b64encode(cards[0])[:64], bad),
        Body("deep-json", b"[" * 50_000 + b"]" * 50_000, bad),
        Body("json-wrong-type", json.dumps({"data": 12345}).encode(), bad),
    ]
    return bodies


@dataclass
class Figures:
    inputs: int = 0
    served: int = 0
    errors: int = 0
    dropped: int = 0
    busy: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    codes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        lat = self.latencies_ms
        return {
            "inputs_tried": self.inputs,
            "requests_served": self.served,
            "errors": self.errors,
            "dropped_connections": self.dropped,
            "busy_answers": self.busy,
            "p50_ms": round(percentile(lat, 50), 1) if lat else None,
            "p99_ms": round(percentile(lat, 99), 1) if lat else None,
            "codes": dict(sorted(self.codes.items())),
            "problems": self.problems[:10],
        }

    def merge(self, other: Figures) -> None:
        """Add another run's counts (of the same bodies) to these."""
        self.served += other.served
        self.errors += other.errors
        self.dropped += other.dropped
        self.busy += other.busy
        self.latencies_ms += other.latencies_ms
        self.codes.update(other.codes)
        self.problems += other.problems


def check_answer(body: Body, status: int, text: str) -> str | None:
    """What is wrong with an answer, or None."""
    try:
        envelope = json.loads(base64.b64decode(text, validate=True))
    except ValueError:
        return f"{body.kind}: answer is not base64 JSON"
    if not isinstance(envelope, dict) or set(envelope) != {"code", "message", "data"}:
        return f"{body.kind}: not an envelope of code, message and data"
    if envelope["code"] not in DOCUMENTED:
        return f"{body.kind}: undocumented code {envelope['code']!r}"
    if status not in body.statuses and not (status == 500 and "busy" in envelope["message"]):
        return f"{body.kind}: HTTP {status} (code {envelope['code']})"
    return None


def run(
    url: str,
    bodies: Sequence[Body],
    *,
    clients: int,
    requests_total: int | None = None,
    seconds: float | None = None,
    timeout: float = 60.0,
) -> Figures:
    """Send ``bodies`` round-robin from ``clients`` threads until ``requests_total`` were sent
    or ``seconds`` passed."""
    figures = Figures(inputs=len(bodies))
    lock = threading.Lock()
    counter = iter(range(requests_total if requests_total is not None else sys.maxsize))
    deadline = time.monotonic() + seconds if seconds is not None else None

    def client() -> None:
        with requests.Session() as session:
            while deadline is None or time.monotonic() < deadline:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                body = bodies[index % len(bodies)]
                started = time.perf_counter()
                try:
                    reply = session.post(url, data=body.data, timeout=timeout)
                except requests.RequestException as exc:
                    with lock:
                        figures.dropped += 1
                        figures.errors += 1
                        figures.problems.append(f"{body.kind}: {type(exc).__name__}")
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                problem = check_answer(body, reply.status_code, reply.text)
                with lock:
                    figures.served += 1
                    figures.latencies_ms.append(elapsed)
                    if problem is not None:
                        figures.errors += 1
                        figures.problems.append(problem)
                    elif reply.status_code == 500:
                        figures.busy += 1
                    with contextlib.suppress(ValueError, KeyError, TypeError):
                        figures.codes[json.loads(base64.b64decode(reply.text))["code"]] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return figures


def rss_bytes(pid: int) -> int | None:
    """VmRSS of a process (Linux)."""
    return memory_bytes(pid, "VmRSS")


def warm_up(url: str, pid: int, bodies: list[Body], *, clients: int, rounds: int = 4) -> int:
    """Send the mix ``rounds`` x 4 times; the peak RSS meanwhile (bytes: the process's
    high-water mark, which catches the peaks between samples). malloc's footprint moves up and
    down by several percent with the shapes in flight, so a leak is growth past this peak,
    not past one sample of it."""
    for _ in range(rounds):
        run(url, bodies, clients=clients, requests_total=4 * len(bodies))
    return max(rss_bytes(pid) or 0, memory_bytes(pid, "VmHWM") or 0)


def soak(
    *,
    seconds: float | None,
    requests_total: int | None,
    clients: int,
    worker_threads: int = 2,
    intra_op_threads: int = 2,
    log_path: Path = OUT_DIR / "soak-server.log",
) -> dict[str, Any]:
    bodies = mix()
    with ServerProcess(
        log_path, worker_threads=worker_threads, intra_op_threads=intra_op_threads
    ) as server:
        server.wait_healthy()
        before = warm_up(server.url, server.proc.pid, bodies, clients=clients)
        started = time.perf_counter()
        figures = run(
            server.url, bodies, clients=clients, requests_total=requests_total, seconds=seconds
        )
        wall = time.perf_counter() - started
        after = rss_bytes(server.proc.pid)
    out = figures.summary()
    out.update(
        clients=clients,
        seconds=round(wall, 1),
        requests_per_s=round(figures.served / wall, 2) if wall else None,
        rss_before_mib=round(before / 2**20, 1) if before else None,
        rss_after_mib=round(after / 2**20, 1) if after else None,
        rss_growth=round(after / before - 1, 4) if before and after else None,
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    p.add_argument("--seconds", type=float, default=300.0, help="how long to send")
    p.add_argument("--requests", type=int, help="send this many instead of --seconds")
    p.add_argument("--clients", type=int, default=4, help="concurrent clients")
    args = p.parse_args(argv)
    figures = soak(
        seconds=None if args.requests else args.seconds,
        requests_total=args.requests,
        clients=args.clients,
    )
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
