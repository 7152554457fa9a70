"""The bundle of every model a request uses: text detector, recogniser and card segmenter."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..card.segmenter import MODEL_NAME as CARD_SEG_MODEL
from ..card.segmenter import CardSegmenter
from ..ocr.detect import TextDetector
from ..ocr.models import read_manifest
from ..ocr.recognize import TextRecognizer, load_recognizer
from ..ocr.runtime import REC_FP32, open_session


@dataclasses.dataclass(frozen=True)
class OcrEngine:
    """The models of one set of sessions, loaded once and shared by every request (their
    runs are thread-safe; nothing here keeps per-request state)."""

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
        spin within a run (:func:`~processor.ocr.runtime.session_options`)."""
        detector = TextDetector(open_session(model_dir, "det", intra_op_threads, spin=solo))
        if recognizer is None:
            recognizer = load_recognizer(model_dir, rec, lanes=intra_op_threads)
        segmenter = (
            CardSegmenter.load(model_dir, intra_op_threads=intra_op_threads, spin=solo)
            if CARD_SEG_MODEL in read_manifest(model_dir)
            else None
        )
        return cls(detector, recognizer, segmenter)
