"""onnxruntime sessions: their options, opening a verified model, and which recogniser to serve.

Sessions are created once (in ``initialize``) and shared: ``InferenceSession.run`` is
thread-safe, and nothing here keeps per-request state.
"""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

from .models import ModelError, load_verified

#: Manifest entries of the served models. The detector: PP-OCRv6 tiny (~0.6x PP-OCRv4's time,
#: as many cards read on both style families; docs/recognisers.md). The recogniser every line
#: is read by first (the
#: layout, registration anchors, digits and dates, within their alphabets): PP-OCRv6 tiny,
#: ~0.3x PP-OCRv4's time a line. The one that reads names, addresses, authorities and the
#: 民族 row: PP-OCRv6 small, whose dictionary holds all but ~60 of GB2312's level-2
#: characters and every ethnicity (v4 and v6 tiny lack ~1,300 and 仫), in fp32 or int8
#: (static per-channel int8 of its pointwise convs: ~0.6x its fp32 time, the same reads;
#: docs/recognisers.md).
DETECTOR = "det_v6_tiny"
#: How far its text regions are grown into boxes (DB's unclip ratio): 1.4, its own setting,
#: gives the boxes PP-OCRv4's did at 1.6 (within half a pixel at 512x320), the extents the
#: registration anchors were measured with.
DETECTOR_UNCLIP = 1.4
#: The detector registration reads printed anchors with (PP-OCRv4, folded): the anchors'
#: places on the card (card.template.ANCHOR_BOXES) are its oriented boxes; v6 tiny's, at
#: the same extent, placed one card in eight off by 14% of its diagonal (tests/card).
ANCHOR_DETECTOR = "det"
LINE_REC = "rec_v6_tiny"
FIELD_REC_FP32 = "rec_v6_small"
FIELD_REC_INT8 = "rec_v6_small_int8"
#: The recogniser a name is read by again where the field recogniser is unsure of its first
#: character: PP-OCRv5 mobile, trained apart from v6, reads rare surnames v6 small takes for
#: their common look-alikes (仉 for 仇, 亓 for 元, 缑 for 缘), and the surname is the known one
#: both make likeliest (``fields.surname_voted``).
NAME_REC = "rec_v5"
#: OpenCC's character tables, for folding the traditional forms v6 emits (別 for 别).
TRADITIONAL = ("t2s_ts", "t2s_st")
#: CPU flags (Linux /proc/cpuinfo) of int8 dot-product instructions.
VNNI_FLAGS = frozenset({"avx512_vnni", "avx_vnni"})


def session_options(intra_op_threads: int, *, spin: bool = False) -> ort.SessionOptions:
    """Options of every session. ``spin``: the pool's threads spin between the parallel
    sections of a run instead of sleeping (no wake-up at every op), and stop when it ends."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = intra_op_threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    # Inputs vary in shape (frames, line widths): onnxruntime's arena keeps the largest
    # blocks it has ever handed out per shape mix, so memory creeps up under varied load.
    # Plain malloc (with MALLOC_ARENA_MAX=2) gives it back.
    options.enable_cpu_mem_arena = False
    # ... and it plans every new input shape's memory once and keeps that plan for good: with
    # line crops of every width, the plans alone grew a server by ~10% over 1,000 requests.
    options.enable_mem_pattern = False
    if intra_op_threads > 1:
        # Requests run at once share the cores: a pool that spins waiting for work burns the
        # CPU another request's run needs; a request alone gains by spinning within a run.
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        if spin:
            options.add_session_config_entry("session.force_spinning_stop", "1")
    return options


def open_session(
    model_dir: Path, name: str, intra_op_threads: int, *, spin: bool = False
) -> ort.InferenceSession:
    """The manifest's model ``name`` (sha256-checked) in a session with :func:`session_options`;
    raises ModelError naming the model when onnxruntime cannot load it."""
    blob = load_verified(model_dir, name)
    try:
        return ort.InferenceSession(
            blob,
            sess_options=session_options(intra_op_threads, spin=spin),
            providers=["CPUExecutionProvider"],
        )
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelError(f"model {name!r} in {model_dir} cannot be loaded: {exc}") from exc


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The first processor's feature flags; empty where the file is missing (not Linux)."""
    try:
        with cpuinfo.open(encoding="ascii", errors="replace") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() in ("flags", "Features"):
                    return frozenset(value.split())
    except OSError:
        pass
    return frozenset()


def field_rec_model(precision: str) -> str:
    """The manifest entry of the field recogniser to serve: ``int8`` asks for the int8 one,
    anything else (``fp32``) for the fp32 one. fp32 is the default on every CPU: int8 saves
    ~25% of a scan card's time only where the CPU has VNNI, and it loses rare characters."""
    return FIELD_REC_INT8 if precision == "int8" else FIELD_REC_FP32


def slow_int8(flags: frozenset[str]) -> bool:
    """Whether a CPU with these flags lacks the int8 dot products (VNNI) that make the int8
    recogniser pay: without them onnxruntime's u8s8 kernels ran slower than fp32."""
    return not flags & VNNI_FLAGS
