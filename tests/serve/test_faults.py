"""Faults: a request past its deadline, SIGTERM with a request in flight, and personal data
kept out of every log line."""

from __future__ import annotations

import base64
import json
import logging
import signal
import socket
import time
from pathlib import Path

import pytest
import requests

from bench.service import PREDICT_PATH, ServerProcess, form_body
from processor.serve.eas import IdCardProcessor
from processor.serve.server import DRAIN_GRACE_S
from processor.serve.service import OcrService
from processor.settings import Settings
from synthcards import make_sample
from tests.conftest import FIGURES

pytestmark = pytest.mark.slow


def test_deadline_answers_minus_one_and_frees_the_worker(scan_front: bytes) -> None:
    service = OcrService.create(Settings.from_env({}, request_timeout=0.01, worker_threads=1))
    try:
        late = service.handle(form_body(scan_front))
        envelope = json.loads(base64.b64decode(late.body))
        assert (late.status, envelope["code"]) == (500, "-1")
        assert "longer than" in envelope["message"]
    finally:
        service.close()
    # the same engine with a sane deadline: the worker that timed out is free again
    relaxed = OcrService(Settings.from_env({}, worker_threads=1), service.engine)
    try:
        assert relaxed.handle(form_body(scan_front)).code == "200"
    finally:
        relaxed.close()


def _http_reply(sock: socket.socket) -> tuple[int, bytes]:
    """Read one HTTP response (status and body, by its Content-Length) from ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(x.split(":")[1]) for x in lines if x.lower().startswith("content-length:"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed in the middle of the body"
        body += chunk
    return int(lines[0].split()[1]), body


def test_sigterm_drains_the_request_in_flight(tmp_path: Path) -> None:
    """SIGTERM while a request is arriving: the server stops accepting connections, waits
    for that request (longer than it keeps an idle connection), answers it, then exits 0.
    The test holds the request in flight itself: its body is sent only after the signal."""
    body = form_body(make_sample("photo", 2, seed=5).image)
    with ServerProcess(tmp_path / "server.log", worker_threads=1, intra_op_threads=1) as server:
        server.wait_healthy()
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
            sock.sendall(
                (
                    f"POST {PREDICT_PATH} HTTP/1.1\r\nHost: test\r\n"
                    f"Content-Length: {len(body)}\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    "Expect: 100-continue\r\n\r\n"
                ).encode()
            )
            # the server has read the request's head and waits for its body
            assert sock.recv(64).startswith(b"HTTP/1.1 100 Continue")
            server.proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 30
            while "draining" not in server.log_tail(60):
                assert time.monotonic() < deadline, server.log_tail(60)
                time.sleep(0.05)
            time.sleep(DRAIN_GRACE_S + 1.0)  # an idle connection would be closed by now
            assert server.proc.poll() is None, "the server left before the request came"
            with socket.socket() as other:  # no new connections meanwhile
                assert other.connect_ex(("127.0.0.1", server.port)) != 0
            sock.sendall(body)
            status, reply = _http_reply(sock)
        exit_code = server.proc.wait(timeout=30)
        log = server.log_tail(60)
    assert status == 200, log
    assert json.loads(base64.b64decode(reply))["code"] == "200"
    assert exit_code == 0, log
    assert "drained in" in log


def test_no_personal_data_in_logs(
    processor: IdCardProcessor, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    samples = [make_sample(scene, i, seed=3) for scene in ("scan", "photo") for i in range(2)]
    secrets: list[str] = []
    for s in samples:
        secrets += [v for k, v in s.expected.items() if k in {"name", "id_no", "address"}]
        secrets.append(base64.b64encode(s.image).decode()[:40])
    caplog.set_level(logging.DEBUG)
    answers = [processor.process(form_body(s.image)) for s in samples]
    with ServerProcess(tmp_path / "server.log", worker_threads=1, intra_op_threads=1) as server:
        server.wait_healthy()
        for s in samples:
            requests.post(server.url, data=form_body(s.image), timeout=60)
        server.stop()
        server_log = server.log_path.read_text(encoding="utf-8", errors="replace")
    assert sum(json.loads(base64.b64decode(a))["code"] == "200" for a, _ in answers) >= 3
    logs = caplog.text + server_log
    leaked = [s for s in secrets if s and s in logs]
    FIGURES["privacy"] = {"log_lines": logs.count("\n"), "secrets_checked": len(secrets)}
    assert not leaked
    assert "request bytes=" in logs  # the log is there, just without the data
