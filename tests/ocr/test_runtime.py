"""Which field recogniser is served (int8 or fp32), from the CPU's flags and the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from processor.ocr.runtime import (
    FIELD_REC_FP32,
    FIELD_REC_INT8,
    cpu_flags,
    field_rec_model,
    session_options,
)


@pytest.mark.parametrize(
    ("precision", "flags", "listed", "served"),
    [
        ("auto", {"avx2", "avx512_vnni"}, True, FIELD_REC_INT8),
        ("auto", {"avx2", "avx_vnni"}, True, FIELD_REC_INT8),
        # no VNNI: fp32 (u8s8 kernels can saturate and ran slower without it)
        ("auto", {"avx2", "fma"}, True, FIELD_REC_FP32),
        ("auto", set(), True, FIELD_REC_FP32),
        # a model directory without the int8 recogniser
        ("auto", {"avx512_vnni"}, False, FIELD_REC_FP32),
        ("fp32", {"avx512_vnni"}, True, FIELD_REC_FP32),
        ("int8", set(), True, FIELD_REC_INT8),
    ],
)
def test_field_rec_model(
    precision: str, flags: set[str], listed: bool, served: str, tmp_path: Path
) -> None:
    entries = {FIELD_REC_FP32: "a.onnx", **({FIELD_REC_INT8: "b.onnx"} if listed else {})}
    models = {
        name: {"file": file, "version": "v", "sha256": "0" * 64, "source": "s"}
        for name, file in entries.items()
    }
    (tmp_path / "manifest.json").write_text(json.dumps({"models": models}), "utf-8")
    assert field_rec_model(precision, tmp_path, frozenset(flags)) == served


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        (
            "processor\t: 0\nflags\t\t: fpu avx2 avx512_vnni\n\nprocessor\t: 1\nflags\t: fpu\n",
            {"fpu", "avx2", "avx512_vnni"},
        ),
        ("processor\t: 0\nFeatures\t: fp asimd asimddp\n", {"fp", "asimd", "asimddp"}),
        ("processor\t: 0\n", set()),
    ],
)
def test_cpu_flags(text: str, flags: set[str], tmp_path: Path) -> None:
    (tmp_path / "cpuinfo").write_text(text, "ascii")
    assert cpu_flags(tmp_path / "cpuinfo") == flags
    assert cpu_flags(tmp_path / "missing") == frozenset()


@pytest.mark.parametrize("threads", [1, 2])
def test_sessions_keep_no_memory_per_input_shape(threads: int) -> None:
    # line crops come in every width: an arena or a memory plan kept per shape grows for good
    options = session_options(threads)
    assert not options.enable_cpu_mem_arena
    assert not options.enable_mem_pattern
    assert options.intra_op_num_threads == threads
