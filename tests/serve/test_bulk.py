"""Bulk recognition on Ray Data (``python -m processor.bulk``): the inputs and resuming, and the
job itself on a local Ray cluster with 2 actors over the golden set, whose records are the
batch CLI's (``make test-ray``, in .venv-ray; skipped where ray is not installed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from processor.serve import bulk
from tests.conftest import GOLDEN, ROOT

IMAGES = sorted(p for p in GOLDEN.rglob("*") if p.suffix in (".png", ".jpg"))


def test_inputs_from_directories_files_and_manifests(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.txt"
    first = IMAGES[0]
    manifest.write_text(
        f"# cards\n\n{first}\noss://bucket/cards/a.jpg\n{GOLDEN / 'scan'}\n  {first}  \n",
        encoding="utf-8",
    )
    names = bulk.collect([first], [manifest])
    scans = [str(p) for p in IMAGES if p.parent.name == "scan"]
    assert names == [str(first), "oss://bucket/cards/a.jpg", *scans]
    assert bulk.is_uri("oss://b/x.jpg") and bulk.is_uri("s3://b/x.jpg")
    assert not bulk.is_uri("file:///tmp/x.jpg") and not bulk.is_uri("cards/x.jpg")
    assert bulk.key("oss://b/x.jpg") == "oss://b/x.jpg"
    assert bulk.key("file://" + str(first)) == bulk.key(str(first)) == str(first.resolve())


def test_done_files_and_reading(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert bulk.done_files(out) == set()
    out.write_text(
        json.dumps({"file": "a.jpg", "code": "200"})
        + "\n"
        + json.dumps({"file": "oss://b/c.jpg", "code": "201"})
        + '\n{"file": "half',
        encoding="utf-8",
    )
    assert bulk.done_files(out) == {os.path.abspath("a.jpg"), "oss://b/c.jpg"}
    assert bulk.read_image(str(IMAGES[0])) == IMAGES[0].read_bytes()
    with pytest.raises(OSError):
        bulk.read_image(str(tmp_path / "missing.jpg"))


def test_without_ray_the_command_says_how_to_get_it(tmp_path: Path) -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("ray is installed here")
    out = tmp_path / "out.jsonl"
    assert bulk.main([str(IMAGES[0]), "--out", str(out)]) == 2
    assert not out.exists()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "RAY_AUTH_MODE": "disabled"},
    )


def _records(path: Path) -> dict[str, dict[str, Any]]:
    lines = path.read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    by_file = {r["file"]: r for r in records}
    assert len(by_file) == len(records), "a file recorded twice"
    return by_file


@pytest.mark.ray
@pytest.mark.e2e
def test_the_ray_job_matches_the_batch_cli_and_resumes(tmp_path: Path) -> None:
    if not os.environ.get("REQUIRE_RAY"):
        pytest.importorskip("ray", reason="the ray extra is not installed (make test-ray)")
    started = time.monotonic()
    golden = str(GOLDEN.relative_to(ROOT))
    batch_out = tmp_path / "batch.jsonl"
    proc = _run("-m", "processor", "recognize", golden, "--out", str(batch_out), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    batch_seconds = time.monotonic() - started

    # first a manifest of 10 of the images, then the directory: the rest only
    out = tmp_path / "bulk.jsonl"
    manifest = tmp_path / "manifest.txt"
    first = [str(p.relative_to(ROOT)) for p in IMAGES[:10]]
    manifest.write_text("\n".join(first) + "\n", encoding="utf-8")
    flags = ["--out", str(out), "--actors", "2", "--threads", "1", "--num-cpus", "2"]
    proc = _run("-m", "processor.bulk", "--manifest", str(manifest), *flags)
    assert proc.returncode == 0, proc.stderr
    assert "processed 10 image(s)" in proc.stderr
    proc = _run("-m", "processor.bulk", golden, *flags)
    assert proc.returncode == 0, proc.stderr
    assert "processed 15 image(s)" in proc.stderr and "skipped 10 already in" in proc.stderr

    expected = _records(batch_out)
    got = _records(out)
    assert sorted(got) == sorted(expected) and len(got) == len(IMAGES)
    for name, rec in got.items():
        models = rec.pop("models")
        assert rec == expected[name], name
        assert models and all(len(sha) == 64 for sha in models.values())
    manifest_json = json.loads((ROOT / "models" / "manifest.json").read_text("utf-8"))
    for name, sha in models.items():
        assert manifest_json["models"][name]["sha256"] == sha

    # a second run over everything processes nothing (and starts no Ray job); its Parquet
    # copy holds every record
    parquet = tmp_path / "bulk.parquet"
    again = _run(
        "-m",
        "processor.bulk",
        golden,
        "--manifest",
        str(manifest),
        *flags,
        "--parquet",
        str(parquet),
    )
    assert again.returncode == 0, again.stderr
    assert "processed 0 image(s)" in again.stderr and "skipped 25 already in" in again.stderr
    assert len(out.read_text("utf-8").splitlines()) == len(IMAGES)
    from pyarrow import parquet as pq

    table = pq.read_table(parquet).to_pylist()
    assert sorted(row["file"] for row in table) == sorted(expected)
    for row in table:
        rec = expected[row["file"]]
        assert (row["code"], row["message"]) == (rec["code"], rec["message"])
        assert json.loads(row["data"]) == rec["data"]
        assert row["name"] == rec["data"].get("name", "")
    print(
        f"\nbulk test: batch CLI {batch_seconds:.0f} s, whole test "
        f"{time.monotonic() - started:.0f} s"
    )


def test_the_serving_environment_does_not_carry_ray() -> None:
    """Ray is the optional extra: the runtime pins (what `make build`'s requirements.txt and
    the Dockerfile install) name none of it."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = {d.split("=")[0].split("[")[0].strip().lower() for d in project["dependencies"]}
    assert not runtime & {"ray", "pyarrow", "pandas", "fsspec"}
    assert any(d.startswith("ray[data]==") for d in project["optional-dependencies"]["ray"])
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert "['project']['dependencies']" in dockerfile and "optional-dependencies" not in dockerfile
