"""The recognition pipeline: decoded image -> the card's side, fields and upright image.

find card candidates -> rectify each to a small canonical image -> detect text -> decide
side and orientation from the layout (the first candidate that looks like a card wins) ->
rectify the winner at full resolution -> recognise the field rows in one batch -> parse
and validate. Stateless: everything expensive lives in the :class:`OcrEngine`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import fields as fp
from .card import Quad, find_card_candidates, rectify
from .layout import (
    MIN_LAYOUT_SCORE,
    FieldRegions,
    Hypothesis,
    back_regions,
    classify,
    flip,
    front_regions,
)
from .ocr import Box, OcrEngine, TextLine

#: Size of the rectified card the detector sees (multiples of 32, aspect ~1.6).
DET_SIZE = (512, 320)
#: Width of the rectified card the recogniser crops from (text ~44 px high).
REC_CARD_WIDTH = 1280
#: A layout score at which a candidate is taken without trying the rest.
CONFIDENT_SCORE = 6.0


@dataclasses.dataclass(frozen=True)
class CardResult:
    side: str
    fields: dict[str, fp.Field]
    card_image: np.ndarray  # upright, REC_CARD_WIDTH wide
    quad: Quad  # in the decoded image's pixels; p0 is the card's top-left corner
    layout_score: float


def locate(image: np.ndarray, engine: OcrEngine) -> tuple[Quad, Hypothesis, list[Box]] | None:
    """The card's quadrilateral (upright corner order), side and normalised text boxes."""
    best: tuple[Quad, Hypothesis, list[Box]] | None = None
    w, h = DET_SIZE
    for quad in find_card_candidates(image, segmenter=engine.segmenter):
        small = rectify(image, quad, w, h)
        boxes = [b.scaled(1 / w, 1 / h) for b in engine.detector(small)]
        hyp = classify(boxes)
        if best is None or hyp.score > best[1].score:
            best = (quad, hyp, boxes)
        if hyp.score >= CONFIDENT_SCORE:
            break
    if best is None or best[1].score < MIN_LAYOUT_SCORE:
        return None
    quad, hyp, boxes = best
    if hyp.flipped:
        quad = quad.rotated(2)
        boxes = [flip(b) for b in boxes]
    return quad, hyp, boxes


def read_card(image: np.ndarray, engine: OcrEngine) -> CardResult | None:
    """Read the card in ``image``; None when no card is found."""
    located = locate(image, engine)
    if located is None:
        return None
    quad, hyp, boxes = located
    card = rectify(image, quad, REC_CARD_WIDTH)
    regions = front_regions(boxes) if hyp.side == "front" else back_regions(boxes)
    lines = _recognise(card, regions, engine)
    parsed = _parse_front(lines) if hyp.side == "front" else _parse_back(lines)
    return CardResult(hyp.side, parsed, card, quad, hyp.score)


def _recognise(
    card: np.ndarray, regions: FieldRegions, engine: OcrEngine
) -> dict[str, list[TextLine]]:
    h, w = card.shape[:2]
    keys: list[str] = []
    crops: list[np.ndarray] = []
    for row, boxes in regions.rows.items():
        for box in boxes:
            pad = box.height * 0.08
            x0, x1 = int(max(0, box.x0 * w)), int(min(w, box.x1 * w))
            y0, y1 = int(max(0, (box.y0 - pad) * h)), int(min(h, (box.y1 + pad) * h))
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            keys.append(row)
            crops.append(card[y0:y1, x0:x1])
    out: dict[str, list[TextLine]] = {row: [] for row in regions.rows}
    for key, line in zip(keys, engine.recognizer(crops) if crops else [], strict=True):
        out[key].append(line)
    return out


def _first(lines: dict[str, list[TextLine]], row: str) -> TextLine | None:
    found = lines.get(row) or []
    return found[0] if found else None


def _parse_front(lines: dict[str, list[TextLine]]) -> dict[str, fp.Field]:
    gender_race = _first(lines, "gender_race")
    parsed = {
        "name": fp.parse_name(_first(lines, "name")),
        "gender": fp.parse_gender(gender_race),
        "race": fp.parse_race(gender_race),
        "birth": fp.parse_birth(_first(lines, "birth")),
        "address": fp.parse_address(lines.get("address", [])),
        "id_no": fp.parse_id_number(_first(lines, "id_no")),
    }
    return fp.reconcile_front(parsed)


def _parse_back(lines: dict[str, list[TextLine]]) -> dict[str, fp.Field]:
    return {
        "issued_by": fp.parse_issuer(_first(lines, "issued_by")),
        "valid_date": fp.parse_validity(_first(lines, "valid_date")),
    }
