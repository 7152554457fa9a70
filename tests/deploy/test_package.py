"""`make build`'s package, end to end: unpacked into an empty directory, installed into a fresh
virtualenv from its own requirements.txt, served by `python app.py` with no repository on the
path, answering a synthetic card and its own warm-up request; and its batch CLI reading the
golden set there."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import tarfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"


@dataclass(frozen=True)
class Unpacked:
    archive: Path
    root: Path
    python: Path


@dataclass(frozen=True)
class Served:
    url: str
    package: Unpacked


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Unpacked:
    from model_export.package import build

    archive = build(tmp_path_factory.mktemp("dist"))
    root = tmp_path_factory.mktemp("unpacked")
    assert not any(root.iterdir())
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(root / "requirements.txt"),
        ],
        check=True,
        timeout=900,
        cwd=root,
    )
    return Unpacked(archive, root, python)


def _bare_env(unpacked: Unpacked) -> dict[str, str]:
    """An environment with nothing of the repository's or the user's on the path."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(unpacked.root),
        "PYTHONPATH": "",
        "PYTHONNOUSERSITE": "1",
    }


@pytest.fixture(scope="session")
def served(unpacked: Unpacked) -> Iterator[Served]:
    port = _free_port()
    env = {**_bare_env(unpacked), "HOST": "127.0.0.1", "PORT": str(port)}
    proc = subprocess.Popen(
        [str(unpacked.python), "app.py"],
        cwd=unpacked.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    pytest.fail(f"app.py did not come up:\n{out[-4000:]}")
                time.sleep(0.3)
        yield Served(url, unpacked)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def _post(url: str, body: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(f"{url}/api/predict/idcard_ocr", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=60) as r:
        result: dict[str, Any] = json.loads(base64.b64decode(r.read()))
        if isinstance(result.get("data"), str) and result["data"]:
            result["data"] = json.loads(result["data"])
        return r.status, result


def test_package_contents(unpacked: Unpacked) -> None:
    names = {p.relative_to(unpacked.root).as_posix() for p in unpacked.root.rglob("*")}
    assert {
        "app.py",
        "processor/serve/eas.py",
        "processor/static/demo.html",
        "models/manifest.json",
        "requirements.txt",
        "warmup.txt",
        "BUILD_INFO.json",
    } <= names
    assert not any(n.split("/")[0] in {"tests", "synthcards", "bench", ".venv"} for n in names)
    assert not any("__pycache__" in n for n in names if "ENV/" not in n)
    requirements = (unpacked.root / "requirements.txt").read_text().splitlines()
    assert "setuptools<82" in requirements
    assert any(r.startswith("opencv-python-headless==") for r in requirements)
    assert not any(
        r.split("==")[0] in ("opencv-python", "opencv-contrib-python") for r in requirements
    )
    info = json.loads((unpacked.root / "BUILD_INFO.json").read_text())
    assert unpacked.archive.name == f"idcard_ocr-{info['version']}.tar.gz"


def test_fresh_env_has_headless_opencv_only(unpacked: Unpacked) -> None:
    out = subprocess.run(
        [str(unpacked.python), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    installed = {p["name"].lower() for p in json.loads(out.stdout)}
    assert "opencv-python-headless" in installed
    assert not installed & {"opencv-python", "opencv-contrib-python"}


def test_serves_a_card_from_the_package_alone(served: Served) -> None:
    synthcards = pytest.importorskip("synthcards")
    sample = synthcards.make_sample("scan", 0, 0)
    body = urllib.parse.urlencode(
        {"info": "package test", "data": base64.b64encode(sample.image)}
    ).encode()
    status, result = _post(served.url, body)
    assert (status, result["code"]) == (200, "200"), result.get("message")
    fields = {k: v for k, v in result["data"].items() if k != "idcard_image"}
    assert fields == sample.expected


def test_warmup_requests_succeed(served: Served) -> None:
    lines = (served.package.root / "warmup.txt").read_text().splitlines()
    assert lines and all(line.startswith("info=warmup&data=") for line in lines)
    for line in lines:
        status, result = _post(served.url, line.encode())
        assert (status, result["code"]) == (200, "200"), result.get("message")


def test_batch_cli_reads_the_golden_set_in_the_package_alone(
    unpacked: Unpacked, tmp_path: Path
) -> None:
    """``python -m processor recognize DIR --out out.jsonl`` with the package's runtime
    requirements only (no ``requests``: that is the client's)."""
    env = _bare_env(unpacked)
    no_requests = subprocess.run(
        [str(unpacked.python), "-c", "import requests"],
        cwd=unpacked.root,
        env=env,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert no_requests.returncode != 0, "requests is installed: the test proves nothing"
    out = tmp_path / "out.jsonl"
    run = subprocess.run(
        [str(unpacked.python), "-m", "processor", "recognize", str(GOLDEN), "--out", str(out)],
        cwd=unpacked.root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    records = {
        Path(r["file"]).relative_to(GOLDEN).as_posix(): r
        for r in map(json.loads, out.read_text("utf-8").splitlines())
    }
    labels: list[dict[str, Any]] = json.loads((GOLDEN / "labels.json").read_text("utf-8"))
    assert sorted(records) == sorted(label["file"] for label in labels)
    for label in labels:
        record = records[label["file"]]
        assert record["code"] == label["expected_code"], (label["name"], record["message"])
        found = {k: record["data"].get(k) for k in label["expected"]}
        assert found == label["expected"], label["name"]
    assert f"processed {len(labels)} image(s)" in run.stderr
