"""The batch CLI: discovery, JSONL and CSV output, resuming, progress and the code summary.

Most tests drive :func:`processor.serve.batch.run` with a stand-in recognizer (no models); one
runs the real command on golden images."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from processor.errors import Code
from processor.serve import batch
from tests.conftest import GOLDEN, ROOT


class FakeService:
    """A stand-in for :class:`processor.Recognizer`: answers by file content, b"front" ->
    200, b"none" -> 201, anything else -> -1."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self.lock = threading.Lock()

    def recognize(self, image: bytes, options: str = "") -> dict[str, Any]:
        with self.lock:
            self.seen.append(image)
        if image == b"front":
            data: dict[str, Any] = {"type": "front", "name": "张三", "idcard_image": "QUJD"}
            if options:
                data["confidence"] = {"name": 0.9}
            return {"code": Code.OK.value, "message": "success", "data": data}
        if image == b"none":
            return {"code": Code.NO_CARD.value, "message": Code.NO_CARD.message, "data": {}}
        return {"code": Code.ERROR.value, "message": "not an image", "data": {}}


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.jpg").write_bytes(b"front")
    (root / "b.PNG").write_bytes(b"none")
    (root / "sub" / "c.jpeg").write_bytes(b"junk")
    (root / "notes.txt").write_bytes(b"front")  # not an image suffix: ignored
    return root


def test_discover(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / "sub" / "d.avif").write_bytes(b"front")
    found = batch.discover([root, root / "a.jpg", root / "notes.txt"])
    assert [p.name for p in found] == ["a.jpg", "b.PNG", "c.jpeg", "d.avif", "notes.txt"]


def test_output_format() -> None:
    assert batch.output_format(Path("r.JSONL")) == "jsonl"
    assert batch.output_format(Path("r.csv")) == "csv"
    with pytest.raises(batch.BatchError):
        batch.output_format(Path("r.txt"))


def test_jsonl_run_summary_and_resume(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    out = tmp_path / "results.jsonl"
    files = batch.discover([root])
    err = io.StringIO()
    service = FakeService()
    summary = batch.run(service, files, out, workers=2, options="confidence", stream=err)
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["file"] for r in records) == sorted(str(p) for p in files)
    by_name = {Path(r["file"]).name: r for r in records}
    assert by_name["a.jpg"]["data"]["name"] == "张三"
    assert by_name["a.jpg"]["data"]["idcard_image"] == "<4 base64 chars>"
    assert by_name["a.jpg"]["data"]["confidence"] == {"name": 0.9}
    assert summary.codes == {"200": 1, "201": 1, "-1": 1}
    text = summary.text(out)
    assert "processed 3 image(s)" in text
    assert "200  success" in text and "201  id card not detected" in text
    assert "(last: not an image)" in text
    assert "3/3 100%" in err.getvalue()  # the progress line (plain lines: not a terminal)

    # an interrupted write left half a record: resuming keeps the rest, redoes that file
    (root / "d.jpg").write_bytes(b"front")
    with out.open("a", encoding="utf-8") as handle:
        handle.write('{"file": "' + str(root / "d.jpg") + '", "co')
    service = FakeService()
    summary = batch.run(service, batch.discover([root]), out, workers=2, stream=io.StringIO())
    assert service.seen == [b"front"]
    assert summary.skipped == 3
    assert "skipped 3 already in" in summary.text(out)
    lines = out.read_text("utf-8").splitlines()
    good = [json.loads(line) for line in lines if line.endswith("}")]
    assert len(good) == 4
    assert batch.done_files(out, "jsonl") == {str(p.resolve()) for p in batch.discover([root])}


def test_csv_run_and_resume(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    out = tmp_path / "results.csv"
    batch.run(FakeService(), [root / "a.jpg"], out, workers=1, stream=io.StringIO())
    service = FakeService()
    batch.run(service, batch.discover([root]), out, workers=2, stream=io.StringIO())
    assert len(service.seen) == 2
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["file"] == str(root / "a.jpg")
    assert len(rows) == 3
    assert tuple(rows[0]) == batch.CSV_COLUMNS
    assert rows[0]["name"] == "张三" and rows[0]["type"] == "front" and rows[0]["extras"] == ""


def test_unreadable_files_are_reported_not_recorded(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    err = io.StringIO()
    summary = batch.run(FakeService(), [tmp_path / "missing.jpg"], out, workers=1, stream=err)
    assert summary.unreadable == [str(tmp_path / "missing.jpg")]
    assert out.read_text("utf-8") == ""
    assert "cannot read" in err.getvalue()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_redraws_in_place_on_a_terminal() -> None:
    stream = _Tty()
    progress = batch.Progress(2, stream, width=10)
    progress.advance()
    progress._last = 0.0
    progress.advance()
    progress.finish()
    text = stream.getvalue()
    assert text.startswith("\r[#####.....] 1/2")
    assert "\r[##########] 2/2 100%" in text
    assert text.endswith("\n") and text.count("\n") == 1


@pytest.mark.e2e
def test_the_command_on_golden_images(tmp_path: Path) -> None:
    out = tmp_path / "golden.jsonl"
    images = [GOLDEN / "scan" / "scan-0000-front.png", GOLDEN / "negative"]
    cmd = [sys.executable, "-m", "processor", "recognize", *map(str, images)]
    proc = subprocess.run(
        [*cmd, "--out", str(out), "--workers", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "processed 5 image(s)" in proc.stderr
    assert "200  success" in proc.stderr and "201  id card not detected" in proc.stderr
    records: list[dict[str, Any]] = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert sorted(r["code"] for r in records) == ["200", "201", "201", "201", "201"]
    again = subprocess.run(
        [*cmd, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "skipped 5 already in" in again.stderr
    assert len(out.read_text("utf-8").splitlines()) == 5
    bad = subprocess.run(
        [*cmd, "--out", str(tmp_path / "r.txt")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and ".jsonl or .csv" in bad.stderr
