"""Faults: a request past its deadline, SIGTERM with a request in flight, and personal data
kept out of every log line."""

from __future__ import annotations

import base64
import json
import logging
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from bench.service import ServerProcess, form_body
from processor.serve.eas import IdCardProcessor
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


def test_sigterm_drains_the_request_in_flight(tmp_path: Path) -> None:
    photo = make_sample("photo", 2, seed=5).image
    with ServerProcess(tmp_path / "server.log", worker_threads=1, intra_op_threads=1) as server:
        server.wait_healthy()
        replies: list[requests.Response] = []
        sender = threading.Thread(
            target=lambda: replies.append(
                requests.post(server.url, data=form_body(photo), timeout=60)
            )
        )
        sender.start()
        time.sleep(0.15)  # the request is being processed (a photo takes > 0.2 s)
        server.proc.send_signal(signal.SIGTERM)
        sender.join(timeout=60)
        exit_code = server.proc.wait(timeout=30)
        log = server.log_tail(60)
    assert replies, f"no answer to the request in flight; server log:\n{log}"
    assert replies[0].status_code == 200
    assert json.loads(base64.b64decode(replies[0].text))["code"] in {"200", "201"}
    assert exit_code == 0, log
    assert "draining" in log and "drained in" in log


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
