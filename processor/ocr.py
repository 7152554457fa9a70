"""OCR engine: PP-OCR text detection (DB) and recognition (CTC) on onnxruntime.

Sessions are created once (in ``initialize``) and shared: ``InferenceSession.run`` is
thread-safe, and nothing here keeps per-request state.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from .cardseg import MODEL_NAME as CARD_SEG_MODEL
from .cardseg import CardSegmenter
from .models import ModelError, load_verified, read_manifest
from .values import Box, CharCandidate, TextLine

REC_HEIGHT = 48
#: Manifest entries of the recogniser: fp32, and int8 (``model_export optimize --quantize
#: static --per-channel --convs pointwise``; see models/manifest.json).
REC_FP32 = "rec"
REC_INT8 = "rec_int8"
#: CPU flags (Linux /proc/cpuinfo) of int8 dot-product instructions.
VNNI_FLAGS = frozenset({"avx512_vnni", "avx_vnni"})
#: Recognition crops wider than this (in model pixels) are squeezed; ~40 CJK characters.
REC_MAX_WIDTH = 1920
#: Crops share a batch only when the widest is at most this much wider than the narrowest.
PAD_TOLERANCE = 1.15


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
    if intra_op_threads > 1:
        # Requests run at once share the cores: a pool that spins waiting for work burns the
        # CPU another request's run needs. Alone, spinning only within a run is ~10% faster.
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        if spin:
            options.add_session_config_entry("session.force_spinning_stop", "1")
    return options


def _session(
    model_dir: Path, name: str, intra_op_threads: int, *, spin: bool = False
) -> ort.InferenceSession:
    blob = load_verified(model_dir, name)
    try:
        return ort.InferenceSession(
            blob,
            sess_options=session_options(intra_op_threads, spin=spin),
            providers=["CPUExecutionProvider"],
        )
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelError(f"model {name!r} in {model_dir} cannot be loaded: {exc}") from exc


class TextDetector:
    """DB text detection; returns axis-aligned boxes (inputs are rectified, upright-ish cards)."""

    def __init__(
        self,
        session: ort.InferenceSession,
        *,
        thresh: float = 0.3,
        box_thresh: float = 0.5,
        unclip_ratio: float = 1.6,
    ) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self.thresh = thresh
        self.box_thresh = box_thresh
        self.unclip_ratio = unclip_ratio

    def __call__(self, image: np.ndarray) -> list[Box]:
        """Detect text in a BGR image whose sides are multiples of 32."""
        return self._boxes(self._predict(image))

    def oriented(self, image: np.ndarray) -> list[np.ndarray]:
        """Detect text lines at any angle: each a (4, 2) array of the corners of its
        rotated rectangle, in ``image`` pixels (sides multiples of 32)."""
        pred = self._predict(image)
        mask = self._mask(pred)
        out = []
        for contour, _, d in self._regions(pred, mask):
            (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
            rect = ((cx, cy), (rw + 2 * d, rh + 2 * d), angle)
            out.append(cv2.boxPoints(rect).astype(np.float32))
        return out

    def _predict(self, image: np.ndarray) -> np.ndarray:
        h, w = image.shape[:2]
        if h % 32 or w % 32:
            raise ValueError("detector input sides must be multiples of 32")
        blob = (image.astype(np.float32) * (2.0 / 255.0) - 1.0).transpose(2, 0, 1)[None]
        pred: np.ndarray = self._session.run(None, {self._input: blob})[0][0, 0]
        return pred

    def _mask(self, pred: np.ndarray) -> np.ndarray:
        return cv2.dilate((pred > self.thresh).astype(np.uint8), np.ones((2, 2), np.uint8))

    def _regions(self, pred: np.ndarray, mask: np.ndarray) -> list[tuple[np.ndarray, float, float]]:
        """Text regions of the probability map: (contour, score, unclip distance)."""
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        found = []
        for contour in contours:
            x, y, bw, bh = cv2.boundingRect(contour)
            if min(bw, bh) < 3:
                continue
            region = mask[y : y + bh, x : x + bw]
            score = float(pred[y : y + bh, x : x + bw][region > 0].mean())
            if score < self.box_thresh:
                continue
            area = float(cv2.contourArea(contour))
            length = float(cv2.arcLength(contour, closed=True))
            found.append((contour, score, area * self.unclip_ratio / max(length, 1.0)))
        return found

    def _boxes(self, pred: np.ndarray) -> list[Box]:
        h, w = pred.shape
        boxes = []
        for contour, score, d in self._regions(pred, self._mask(pred)):
            x, y, bw, bh = cv2.boundingRect(contour)
            boxes.append(
                Box(
                    max(0.0, x - d),
                    max(0.0, y - d),
                    min(float(w), x + bw + d),
                    min(float(h), y + bh + d),
                    score,
                )
            )
        return boxes


class TextRecognizer:
    """CTC recognition of single text lines, batched by width."""

    def __init__(
        self,
        session: ort.InferenceSession,
        *,
        batch_size: int = 8,
        parallel: concurrent.futures.Executor | None = None,
        lanes: int = 1,
        exact: ort.InferenceSession | None = None,
    ) -> None:
        """``parallel`` and ``lanes`` > 1: the batches of one call are split into ``lanes``
        groups of about equal width, run at once (all but one on ``parallel``); for a
        single-threaded session, which then keeps each core busy without a hand-off at
        every op. ``exact``: the fp32 model's session, for the crops a call flags as needing
        it when ``session`` is the int8 one (the same dictionary)."""
        self._session = session
        self._exact = exact or session
        self._parallel = parallel if lanes > 1 else None
        self._lanes = lanes
        self._input = session.get_inputs()[0].name
        meta = session.get_modelmeta().custom_metadata_map
        if "character" not in meta:
            raise ModelError("recognition model has no 'character' dictionary in its metadata")
        self.charset = ["", *meta["character"].splitlines(), " "]
        self.folded = [unicodedata.normalize("NFKC", c) for c in self.charset]
        self.batch_size = batch_size

    def __call__(self, crops: Sequence[np.ndarray], exact: Sequence[bool] = ()) -> list[TextLine]:
        """Recognise BGR line crops; the result list is in the order of ``crops``. The crops
        flagged in ``exact`` are read by the fp32 model (where the served one is int8)."""
        widths = [self._width(c) for c in crops]
        flagged = [i < len(exact) and exact[i] for i in range(len(crops))]
        results: list[TextLine | None] = [None] * len(crops)
        # the two models' crops are batched apart, each kind by width
        order = sorted(range(len(crops)), key=lambda i: (flagged[i], widths[i]))
        batches = [
            batch
            for kind in (False, True)
            for batch in self._batches([i for i in order if flagged[i] == kind], widths)
        ]

        def run(group: list[list[int]]) -> None:
            for batch in group:  # each writes only its own crops' slots of ``results``
                session = self._exact if flagged[batch[0]] else self._session
                self._run(session, batch, crops, widths, results)

        if self._parallel is None or len(batches) < 2:
            run(batches)
        else:
            first, *rest = _lanes(batches, widths, self._lanes)
            pending = [self._parallel.submit(run, group) for group in rest]
            run(first)
            for future in pending:
                future.result()
        return [r for r in results if r is not None]

    def _run(
        self,
        session: ort.InferenceSession,
        batch: list[int],
        crops: Sequence[np.ndarray],
        widths: list[int],
        results: list[TextLine | None],
    ) -> None:
        max_w = widths[batch[-1]]
        blob = np.zeros((len(batch), 3, REC_HEIGHT, max_w), dtype=np.float32)
        for row, i in enumerate(batch):
            resized = cv2.resize(crops[i], (widths[i], REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
            blob[row, :, :, : widths[i]] = resized.transpose(2, 0, 1) * (2.0 / 255.0) - 1.0
        probs = session.run(None, {self._input: blob})[0]
        for row, i in enumerate(batch):
            results[i] = self._decode(probs[row])

    def _batches(self, order: list[int], widths: list[int]) -> list[list[int]]:
        """Split width-sorted crops into batches whose widths differ by at most
        ``PAD_TOLERANCE``: the model's cost grows with the padded width, so padding a
        short line to the widest one in its batch wastes more than a separate run costs."""
        batches: list[list[int]] = []
        for i in order:
            last = batches[-1] if batches else None
            if (
                last is not None
                and len(last) < self.batch_size
                and widths[i] <= widths[last[0]] * PAD_TOLERANCE
            ):
                last.append(i)
            else:
                batches.append([i])
        return batches

    @staticmethod
    def _width(crop: np.ndarray) -> int:
        h, w = crop.shape[:2]
        return int(min(REC_MAX_WIDTH, max(16, math.ceil(REC_HEIGHT * w / max(h, 1)))))

    def _decode(self, probs: np.ndarray) -> TextLine:
        """Greedy CTC decoding. Classes that are the same character under NFKC (the
        dictionary holds both ``3`` and fullwidth ``３``) are folded into one, their
        probabilities added; each character keeps the runner-up of its best time step."""
        best = probs.argmax(axis=1)
        chars: list[CharCandidate] = []
        prev = 0
        for t, best_idx in enumerate(best):
            idx = int(best_idx)
            if idx not in (0, prev):
                chars.append(self._candidate(probs[t]))
            elif idx != 0 and chars:
                cand = self._candidate(probs[t])
                if cand.char == chars[-1].char and cand.prob > chars[-1].prob:
                    chars[-1] = cand
            prev = idx
        text = "".join(c.char for c in chars)
        score = float(np.mean([c.prob for c in chars])) if chars else 0.0
        return TextLine(text, score, tuple(chars))

    def _candidate(self, row: np.ndarray) -> CharCandidate:
        top = np.argpartition(row, -5)[-5:]
        folded: dict[str, float] = {}
        for j in top[np.argsort(row[top])[::-1]]:
            if int(j) == 0:
                continue
            char = self.folded[int(j)]
            folded[char] = folded.get(char, 0.0) + float(row[int(j)])
        ranked = [*sorted(folded.items(), key=lambda kv: -kv[1]), ("", 0.0)]
        (char, prob), (alt, alt_prob) = ranked[0], ranked[1]
        return CharCandidate(char, prob, alt, alt_prob)


def _lanes(batches: list[list[int]], widths: list[int], lanes: int) -> list[list[list[int]]]:
    """``batches`` dealt into at most ``lanes`` groups of about equal padded width (the cost),
    widest batch first, each to the group with the least so far."""
    groups: list[list[list[int]]] = [[] for _ in range(min(lanes, len(batches)))]
    load = [0] * len(groups)
    for batch in sorted(batches, key=lambda b: -widths[b[-1]] * len(b)):
        k = load.index(min(load))
        groups[k].append(batch)
        load[k] += widths[batch[-1]] * len(batch)
    return groups


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


def rec_model(precision: str, model_dir: Path, flags: frozenset[str]) -> str:
    """The manifest entry of the recogniser to serve: ``int8`` asks for the int8 one,
    ``fp32`` for the fp32 one, ``auto`` for int8 where the manifest lists it and the CPU has
    VNNI (``flags``), else fp32."""
    if precision == "int8":
        return REC_INT8
    if precision == "auto" and flags & VNNI_FLAGS and REC_INT8 in read_manifest(model_dir):
        return REC_INT8
    return REC_FP32


@dataclasses.dataclass(frozen=True)
class OcrEngine:
    detector: TextDetector
    recognizer: TextRecognizer
    #: The learned card localiser; None: classical candidates only.
    segmenter: CardSegmenter | None = None

    @classmethod
    def load(
        cls,
        model_dir: Path,
        *,
        intra_op_threads: int = 1,
        solo: bool = False,
        rec: str = REC_FP32,
        recognizer: TextRecognizer | None = None,
    ) -> OcrEngine:
        """The det model, a recogniser (``recognizer``, else :func:`load_recognizer` of the
        model named ``rec``) and card_seg when the manifest lists it (each sha256-checked).

        ``solo``: for a request that has the machine to itself: the det and card_seg pools
        spin within a run (:func:`session_options`)."""
        detector = TextDetector(_session(model_dir, "det", intra_op_threads, spin=solo))
        if recognizer is None:
            recognizer = load_recognizer(model_dir, rec, lanes=intra_op_threads)
        segmenter = (
            CardSegmenter.load(model_dir, intra_op_threads=intra_op_threads, spin=solo)
            if CARD_SEG_MODEL in read_manifest(model_dir)
            else None
        )
        return cls(detector, recognizer, segmenter)


def load_recognizer(model_dir: Path, rec: str = REC_FP32, *, lanes: int = 1) -> TextRecognizer:
    """The recogniser named ``rec`` in the manifest (see :func:`rec_model`) on single-threaded
    sessions, a call's batches run in ``lanes`` lanes at once: a card's batches are
    independent, and lanes beat splitting each op between threads (36 vs 40 ms for a front's
    crops). One recogniser serves both engines of a service (their sessions would only differ
    in spinning, which lanes do not need). With the int8 recogniser the fp32 one is loaded
    too, for the crops a call flags as exact."""
    parallel = (
        concurrent.futures.ThreadPoolExecutor(lanes - 1, thread_name_prefix="rec-lane")
        if lanes > 1
        else None
    )
    return TextRecognizer(
        _session(model_dir, rec, 1),
        parallel=parallel,
        lanes=lanes,
        exact=_session(model_dir, REC_FP32, 1) if rec != REC_FP32 else None,
    )
