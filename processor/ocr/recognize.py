"""PP-OCR text recognition (CTC) on onnxruntime: line crops -> text with runner-up characters."""

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

from ..values import CharCandidate, TextLine
from .models import ModelError
from .runtime import REC_FP32, open_session

REC_HEIGHT = 48
#: Recognition crops wider than this (in model pixels) are squeezed; ~40 CJK characters.
REC_MAX_WIDTH = 1920
#: Crops share a batch only when the widest is at most this much wider than the narrowest.
PAD_TOLERANCE = 1.15


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
            first, *rest = deal_lanes(batches, widths, self._lanes)
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
        step = max_w / probs.shape[1]  # model pixels per time step
        for row, i in enumerate(batch):
            results[i] = self._decode(probs[row], step / widths[i])

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

    def _decode(self, probs: np.ndarray, step: float = 0.0) -> TextLine:
        """Greedy CTC decoding. Classes that are the same character under NFKC (the
        dictionary holds both ``3`` and fullwidth ``３``) are folded into one, their
        probabilities added; each character keeps the runner-ups of its best time step, and
        where it starts (``step``: the line's width per time step, as a fraction of it)."""
        best = probs.argmax(axis=1)
        chars: list[CharCandidate] = []
        prev = 0
        for t, best_idx in enumerate(best):
            idx = int(best_idx)
            if idx not in (0, prev):
                x = min(1.0, (t + 0.5) * step)
                chars.append(dataclasses.replace(self._candidate(probs[t]), x=x))
            elif idx != 0 and chars:
                cand = self._candidate(probs[t])
                if cand.char == chars[-1].char and cand.prob > chars[-1].prob:
                    chars[-1] = dataclasses.replace(cand, x=chars[-1].x)
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
        return CharCandidate(char, prob, alt, alt_prob, alts=tuple(ranked[1:-1]))


def deal_lanes(batches: list[list[int]], widths: list[int], lanes: int) -> list[list[list[int]]]:
    """``batches`` dealt into at most ``lanes`` groups of about equal padded width (the cost),
    widest batch first, each to the group with the least so far."""
    groups: list[list[list[int]]] = [[] for _ in range(min(lanes, len(batches)))]
    load = [0] * len(groups)
    for batch in sorted(batches, key=lambda b: -widths[b[-1]] * len(b)):
        k = load.index(min(load))
        groups[k].append(batch)
        load[k] += widths[batch[-1]] * len(batch)
    return groups


def load_recognizer(model_dir: Path, rec: str = REC_FP32, *, lanes: int = 1) -> TextRecognizer:
    """The recogniser named ``rec`` in the manifest (see :func:`rec_model`) on single-threaded
    sessions, a call's batches run in ``lanes`` lanes at once: a card's batches are
    independent, and lanes beat splitting each op between threads. One recogniser serves both
    engines of a service (their sessions would only differ in spinning, which lanes do not
    need). With the int8 recogniser the fp32 one is loaded too, for the crops a call flags as
    exact."""
    parallel = (
        concurrent.futures.ThreadPoolExecutor(lanes - 1, thread_name_prefix="rec-lane")
        if lanes > 1
        else None
    )
    return TextRecognizer(
        open_session(model_dir, rec, 1),
        parallel=parallel,
        lanes=lanes,
        exact=open_session(model_dir, REC_FP32, 1) if rec != REC_FP32 else None,
    )
