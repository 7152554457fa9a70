"""Which field recogniser is served (fp32 unless int8 is asked for), the CPU flags that make
int8 pay, and the options of every session."""

from __future__ import annotations

from pathlib import Path

import pytest

from processor.ocr.runtime import (
    FIELD_REC_FP32,
    FIELD_REC_INT8,
    cpu_flags,
    field_rec_model,
    session_options,
    slow_int8,
)


@pytest.mark.parametrize(
    ("precision", "served"),
    [
        # fp32 on every CPU: int8 loses rare characters (docs/decisions.md, 2026-12-02)
        ("fp32", FIELD_REC_FP32),
        ("int8", FIELD_REC_INT8),
    ],
)
def test_field_rec_model(precision: str, served: str) -> None:
    assert field_rec_model(precision) == served


@pytest.mark.parametrize(
    ("flags", "slow"),
    [
        ({"avx2", "avx512_vnni"}, False),
        ({"avx2", "avx_vnni"}, False),
        # without VNNI onnxruntime's u8s8 kernels can saturate and ran slower than fp32
        ({"avx2", "fma"}, True),
        (set(), True),
    ],
)
def test_slow_int8(flags: set[str], slow: bool) -> None:
    assert slow_int8(frozenset(flags)) is slow


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
