"""The service under test: a ``python -m processor serve`` subprocess, and HTTP clients for it;
and the same service in-process (:class:`processor.Recognizer`), to show what HTTP costs."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import requests

from . import ROOT
from .baseline import Baseline, baseline_result
from .dataset import BenchSample
from .metrics import SampleResult, percentile

PREDICT_PATH = "/api/predict/idcard_ocr"


class ServerError(RuntimeError):
    """The server did not start or died while being measured."""


@dataclass(frozen=True)
class Reply:
    code: str  # "exception" when nothing decodable came back
    message: str
    data: dict[str, Any]
    http_status: int  # 0 when the request itself failed
    latency_ms: float


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def decode_answer(text: str) -> tuple[str, str, dict[str, Any]]:
    """base64(JSON) envelope -> (code, message, data dict); ``data`` may be a JSON string."""
    result = json.loads(base64.b64decode(text).decode("utf-8"))
    data = result.get("data")
    if isinstance(data, str):
        data = json.loads(data) if data else {}
    if not isinstance(data, dict):
        data = {}
    data.pop("idcard_image", None)  # large, never scored
    return str(result.get("code")), str(result.get("message", "")), data


FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def form_body(image: bytes, info: str = "bench") -> bytes:
    """The documented form (``info`` + base64 ``data``), percent-encoded as the API document's
    reference client (requests) sends it."""
    return urllib.parse.urlencode({"info": info, "data": base64.b64encode(image)}).encode()


def call(session: requests.Session, url: str, body: bytes, timeout: float = 60.0) -> Reply:
    """POST an encoded form body (:func:`form_body`) and decode the answer. The latency runs
    from sending the body to the decoded answer: encoding the body is the client's own work
    before it sends anything (Python's urlencode takes ~6 ms for a 200 KB card, as much as
    a tenth of the service's answer, and the baseline pays nothing like it)."""
    started = time.perf_counter()
    try:
        reply = session.post(url, data=body, headers=FORM_HEADERS, timeout=timeout)
        text = reply.text
        status = reply.status_code
    except requests.RequestException as exc:
        ms = (time.perf_counter() - started) * 1000
        return Reply("exception", type(exc).__name__, {}, 0, ms)
    ms = (time.perf_counter() - started) * 1000
    try:
        code, message, data = decode_answer(text)
    except (ValueError, UnicodeDecodeError) as exc:
        return Reply("exception", f"undecodable answer: {type(exc).__name__}", {}, status, ms)
    return Reply(code, message, data, status, ms)


def memory_bytes(pid: int, field: str = "VmRSS") -> int | None:
    """A memory figure of a running process from /proc/<pid>/status (Linux): ``VmRSS`` (resident
    now) or ``VmHWM`` (its high-water mark); None where there is no such file."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return None


class ServerProcess:
    """``python -m processor serve`` on a free loopback port, its log in ``log_path``."""

    def __init__(
        self,
        log_path: Path,
        *,
        worker_threads: int,
        intra_op_threads: int,
        python: str = sys.executable,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = self.base + PREDICT_PATH
        env = {k: v for k, v in os.environ.items() if not k.startswith("IDCARD_")}
        env.update(
            HOST="127.0.0.1",
            PORT=str(self.port),
            IDCARD_WORKER_THREADS=str(worker_threads),
            IDCARD_INTRA_OP_THREADS=str(intra_op_threads),
            # as in the container image: a few malloc arenas, not one per server thread
            MALLOC_ARENA_MAX=env.get("MALLOC_ARENA_MAX", "2"),
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        )
        env.update(environment or {})
        env.pop("IDCARD_OCR_TOKEN", None)
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log: IO[bytes] = log_path.open("wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [python, "-m", "processor", "serve"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise ServerError(
                f"server exited with status {self.proc.returncode}; log tail:\n{self.log_tail()}"
            )

    def wait_healthy(self, timeout: float = 180.0) -> float:
        """Seconds from process start until ``GET /health`` answers 200."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            self.check_alive()
            try:
                if requests.get(self.base + "/health", timeout=2).status_code == 200:
                    return time.perf_counter() - self.started
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise ServerError(f"no healthy answer within {timeout:.0f} s; log:\n{self.log_tail()}")

    def first_success(self, images: Sequence[bytes], timeout: float = 180.0) -> tuple[float, int]:
        """Send warm-up cards until one answers code 200.

        Returns (seconds from process start to that answer, requests sent). Connection errors
        while the port is not open yet are retried.
        """
        deadline = self.started + timeout
        sent = 0
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                self.check_alive()
                reply = call(session, self.url, form_body(images[sent]))
                if reply.http_status == 0:  # not listening yet
                    time.sleep(0.05)
                    continue
                sent += 1
                if reply.code == "200":
                    return time.perf_counter() - self.started, sent
                if sent >= len(images):
                    raise ServerError("no warm-up card was answered with code 200")
        raise ServerError(f"no code 200 within {timeout:.0f} s; log:\n{self.log_tail()}")

    def peak_rss_bytes(self) -> int | None:
        """The server's resident-memory high-water mark (VmHWM), while it still runs."""
        return memory_bytes(self.proc.pid, "VmHWM")

    def stop(self, timeout: float = 20.0) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        self._log.close()
        return self.proc.returncode

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def to_result(sample: BenchSample, reply: Reply) -> SampleResult:
    return SampleResult(
        name=sample.name,
        scene=sample.scene,
        expected_code=sample.expected_code,
        expected=sample.expected,
        code=reply.code,
        data=reply.data,
        latency_ms=reply.latency_ms,
        http_status=reply.http_status,
        message=reply.message,
        meta=sample.meta,
    )


def run_sequential(
    server: ServerProcess,
    samples: Sequence[BenchSample],
    progress: Callable[[int, int], None] | None = None,
) -> list[SampleResult]:
    """One client, one request at a time, in the given (fixed) order."""
    out = []
    with requests.Session() as session:
        for i, sample in enumerate(samples):
            out.append(ask(session, server.url, sample, server.check_alive))
            if progress is not None:
                progress(i + 1, len(samples))
    return out


def ask(
    session: requests.Session,
    url: str,
    sample: BenchSample,
    check_alive: Callable[[], None] | None = None,
) -> SampleResult:
    """One sample sent to the service and scored; ``check_alive`` when nothing answered."""
    reply = call(session, url, form_body(sample.image()))
    if reply.http_status == 0 and check_alive is not None:
        check_alive()
    return to_result(sample, reply)


#: Pause before each timed call of the paired pass: the baseline's onnxruntime pools spin
#: for a while after a run and would slow the service's next answer (no pause: our scan p50
#: 71 ms against 61 back to back), while a long idle makes either side start cold (0.2 s:
#: 62 against 58). 50 ms: 59 against 58.
PAIR_SETTLE_S = 0.05


def run_paired(
    url: str,
    baseline: Baseline,
    samples: Sequence[BenchSample],
    progress: Callable[[int, int], None] | None = None,
    check_alive: Callable[[], None] | None = None,
) -> tuple[list[SampleResult], list[SampleResult]]:
    """Each image to the service and then to the baseline, back to back: a shared machine
    that slows down for a minute slows both, so their ratio is measured on the same
    machine state (the two passes used to run minutes apart). (ours, baseline) results."""
    ours: list[SampleResult] = []
    base: list[SampleResult] = []
    with requests.Session() as session:
        for i, sample in enumerate(samples):
            time.sleep(PAIR_SETTLE_S)
            ours.append(ask(session, url, sample, check_alive))
            time.sleep(PAIR_SETTLE_S)
            base.append(baseline_result(baseline, sample))
            if progress is not None:
                progress(i + 1, len(samples))
    return ours, base


#: One image read by a drain thread: its index -> (latency ms, API code, whether an error).
Read = Callable[[int], tuple[float, str, bool]]


def _drain(
    count: int, threads: int, reader: Callable[[], AbstractContextManager[Read]]
) -> dict[str, Any]:
    """``threads`` threads, each with its own ``reader()`` (entered before the clock starts),
    drain a shared queue of ``count`` image indices: wall and CPU time, codes, latencies."""
    work: queue.Queue[int] = queue.Queue()
    for i in range(count):
        work.put(i)
    latencies: list[float] = []
    codes: dict[str, int] = {}
    errors = 0
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def drain() -> None:
        nonlocal errors
        with reader() as read:
            barrier.wait()
            while True:
                try:
                    i = work.get_nowait()
                except queue.Empty:
                    return
                ms, code, error = read(i)
                with lock:
                    latencies.append(ms)
                    codes[code] = codes.get(code, 0) + 1
                    errors += error

    pool = [threading.Thread(target=drain, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    cpu0 = time.process_time()
    started = time.perf_counter()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    return {
        "images": count,
        "seconds": seconds,
        "cards_per_s": count / seconds if seconds > 0 else 0.0,
        "cpu_ms_per_card": 1000 * cpu / count if count else 0.0,
        "errors": errors,
        "codes": dict(sorted(codes.items())),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
    }


def run_throughput(url: str, images: Sequence[bytes], clients: int) -> dict[str, Any]:
    """``clients`` threads, each with its own session, drain a shared queue of ``images``
    (encoded before the clock starts)."""
    bodies = [form_body(image) for image in images]

    @contextlib.contextmanager
    def connected() -> Iterator[Read]:
        with requests.Session() as session:
            with contextlib.suppress(requests.RequestException):  # connect before the clock
                session.get(url.rsplit("/api/", 1)[0] + "/health", timeout=10)

            def read(i: int) -> tuple[float, str, bool]:
                reply = call(session, url, bodies[i])
                return reply.latency_ms, reply.code, reply.http_status != 200

            yield read

    level = _drain(len(images), clients, connected)
    del level["cpu_ms_per_card"]  # the client's, not the server's
    return {"clients": clients, **level}


def run_inprocess(recognizer: Any, images: Sequence[bytes], workers: int) -> dict[str, Any]:
    """:func:`run_throughput` without HTTP: ``workers`` threads drain a shared queue of
    ``images`` through one in-process ``recognizer`` (:class:`processor.Recognizer`, made
    with at least ``workers`` workers). Also the process's CPU seconds per card."""

    def read(i: int) -> tuple[float, str, bool]:
        started = time.perf_counter()
        answer = recognizer.recognize(images[i])
        return (time.perf_counter() - started) * 1000, answer["code"], answer["code"] == "-1"

    level = _drain(len(images), workers, lambda: contextlib.nullcontext(read))
    return {"clients": workers, "path": "in-process", **level}
