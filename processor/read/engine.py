"""The bundle of every model a request uses: text detector, recognisers and card segmenter."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from ..card.facts import ETHNICITIES
from ..card.segmenter import LIGHT_MODEL_NAME as CARD_SEG_LIGHT_MODEL
from ..card.segmenter import MODEL_NAME as CARD_SEG_MODEL
from ..card.segmenter import CardSegmenter
from ..ocr.detect import TextDetector
from ..ocr.models import read_manifest
from ..ocr.recognize import TextRecognizer, load_fold, load_recognizer
from ..ocr.runtime import (
    ANCHOR_DETECTOR,
    DETECTOR,
    DETECTOR_UNCLIP,
    FIELD_REC_FP32,
    FIELD_REC_INT8,
    LINE_REC,
    NAME_REC,
    TRADITIONAL,
    open_session,
)
from .fields import HYPHENS, NOT_PRINTED, WITHIN_ALPHABETS, stand_ins

#: The manifest entries the service loads (what a deployment ships): the detectors, the three
#: recognisers (the field one in fp32 and int8, chosen per CPU), the card segmenter and its
#: second look under casts and shadows, and the traditional -> simplified tables. The other
#: entries (sources, candidates) are for model_export only.
SERVED_MODELS: tuple[str, ...] = (
    DETECTOR,
    ANCHOR_DETECTOR,
    LINE_REC,
    FIELD_REC_FP32,
    FIELD_REC_INT8,
    NAME_REC,
    CARD_SEG_MODEL,
    CARD_SEG_LIGHT_MODEL,
    *TRADITIONAL,
)


@dataclasses.dataclass(frozen=True)
class OcrEngine:
    """The models of one set of sessions, loaded once and shared by every request (their
    runs are thread-safe; nothing here keeps per-request state)."""

    detector: TextDetector
    #: Finds the printed anchors registration places a card by (see ``ANCHOR_DETECTOR``).
    anchor_detector: TextDetector
    #: Reads every line first (what the card says, where), and digits and dates.
    recognizer: TextRecognizer
    #: Reads the fields that run to rare characters: names, addresses, authorities, 民族.
    field_recognizer: TextRecognizer
    #: Reads a name again where the field recogniser is unsure of its surname (``NAME_REC``).
    name_recognizer: TextRecognizer
    #: The learned card localiser; None: classical candidates only.
    segmenter: CardSegmenter | None = None

    @functools.cached_property
    def printed(self) -> frozenset[str]:
        """Every character the field recogniser reads that a card may print (not kana or
        Hangul, :data:`~processor.read.fields.NOT_PRINTED`): what text fields are read
        within."""
        return self.field_recognizer.characters - NOT_PRINTED

    @functools.cached_property
    def stand_in_ethnicities(self) -> frozenset[str]:
        """The ethnicities the line recogniser may read in place of one it cannot spell
        (:func:`~processor.read.fields.stand_ins`: 仡佬 for 仫佬): read by it, the 民族 row is
        read again by the field recogniser."""
        return stand_ins(ETHNICITIES, self.recognizer.characters)

    @classmethod
    def load(
        cls,
        model_dir: Path,
        *,
        intra_op_threads: int = 1,
        solo: bool = False,
        field_rec: str = FIELD_REC_FP32,
        recognizers: Recognizers | None = None,
    ) -> OcrEngine:
        """The detector, the three recognisers (``recognizers``, else :func:`load_recognizers`
        with the field recogniser ``field_rec``) and card_seg when the manifest lists it
        (each sha256-checked).

        ``solo``: for a request that has the machine to itself: the detectors' and card_seg's
        pools spin within a run (:func:`~processor.ocr.runtime.session_options`)."""
        detector = TextDetector(
            open_session(model_dir, DETECTOR, intra_op_threads, spin=solo),
            unclip_ratio=DETECTOR_UNCLIP,
        )
        anchors = TextDetector(
            open_session(model_dir, ANCHOR_DETECTOR, intra_op_threads, spin=solo)
        )
        if recognizers is None:
            recognizers = load_recognizers(model_dir, field_rec, lanes=intra_op_threads)
        segmenter = (
            CardSegmenter.load(model_dir, intra_op_threads=intra_op_threads, spin=solo)
            if CARD_SEG_MODEL in read_manifest(model_dir)
            else None
        )
        return cls(detector, anchors, *recognizers, segmenter)


#: The field recogniser's characters keep their runner-ups from this many classes (the line
#: recogniser's, 5): a place's rare character misread can rank lower (犍 of 犍为县 read 键 at
#: 0.56 on a 600 px photo, 犍 its 12th class at 0.0017), and the place knowledge corrects a
#: place name only from the runner-ups (``places.correct_authority``).
FIELD_ALTERNATIVES = 16
#: The field recogniser reads one crop per run: PP-OCRv6 small takes longer per crop in a
#: batch (4 crops of 480 px: 61 ms each against 53 alone; v6 tiny gains ~5% batched), and
#: single crops share out over the lanes (a front's address lines and name at once).
FIELD_BATCH = 1


#: The line, field and name recognisers (one set shared by a service's engines).
Recognizers = tuple[TextRecognizer, TextRecognizer, TextRecognizer]


def load_recognizers(
    model_dir: Path, field_rec: str = FIELD_REC_FP32, *, lanes: int = 1
) -> Recognizers:
    """The line recogniser, the field recogniser ``field_rec`` and the name recogniser, each
    folding traditional forms to simplified (:func:`~processor.ocr.recognize.load_fold`); the
    line recogniser's lines keep what any field is read within
    (:data:`~processor.read.fields.WITHIN_ALPHABETS`); the name recogniser reads as the field
    recogniser does (a crop a run, runner-ups from as many classes: they are added up, per
    character, with its)."""
    fold = load_fold(model_dir)
    as_field = functools.partial(
        load_recognizer,
        model_dir,
        lanes=lanes,
        fold=fold,
        batch_size=FIELD_BATCH,
        alternatives=FIELD_ALTERNATIVES,
    )
    return (
        load_recognizer(model_dir, LINE_REC, lanes=lanes, fold=fold, keep=WITHIN_ALPHABETS),
        as_field(field_rec, keep=HYPHENS),
        as_field(NAME_REC),
    )
