"""Judging a rectified card by its text boxes: which side and which way up it is, and where
each field's text lines are.

Works on text boxes normalised to the card (0..1 in x and y), so it is testable without
models. The positions are the template's (:mod:`processor.card.template`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..values import Box
from .template import (
    BACK_FALLBACK,
    BACK_ROWS,
    BACK_SEPARATE_X,
    BACK_VALUE_X,
    FRONT_FALLBACK,
    FRONT_ROW_X,
    FRONT_ROWS,
    ID_LABEL_END_X,
    ID_MIN_WIDTH,
    ID_VALUE_X,
    PORTRAIT_NO_TEXT,
)


@dataclasses.dataclass(frozen=True)
class Hypothesis:
    side: str  # "front" | "back"
    flipped: bool  # True: the rectified card is upside down
    score: float


def flip(box: Box) -> Box:
    """A normalised box seen on the card turned by 180°."""
    return Box(1 - box.x1, 1 - box.y1, 1 - box.x0, 1 - box.y0, box.score)


def _in(box: Box, region: Box) -> bool:
    return region.x0 <= box.cx <= region.x1 and region.y0 <= box.cy <= region.y1


def _split_lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Group boxes into text lines by vertical overlap, top to bottom."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines and abs(box.cy - sum(b.cy for b in lines[-1]) / len(lines[-1])) < 0.035:
            lines[-1].append(box)
        else:
            lines.append([box])
    return lines


def _lines_in(
    boxes: Sequence[Box], y0: float, y1: float, *, x0_min: float = 0.0, x1_min: float = 0.0
) -> int:
    """How many distinct text lines have boxes centred in the band ``y0..y1``."""
    inside = [b for b in boxes if y0 <= b.cy <= y1 and b.x0 >= x0_min and b.x1 >= x1_min]
    return len(_split_lines(inside))


def score_front(boxes: Sequence[Box]) -> float:
    """How much upright normalised ``boxes`` look like the front's text."""
    score = 0.0
    id_line = [
        b for b in boxes if 0.76 <= b.cy <= 0.92 and b.x1 > 0.7 and b.width > 0.3 and b.x0 > 0.2
    ]
    score += 3.0 if id_line else 0.0
    score += 0.5 * min(
        5, len([b for b in boxes if b.x0 < 0.15 and 0.1 <= b.cy <= 0.9 and b.height < 0.12])
    )
    score += 0.4 * min(5, _lines_in(boxes, 0.1, 0.75, x1_min=0.2))
    score -= 1.0 * sum(
        1 for b in boxes if _in(b, PORTRAIT_NO_TEXT) and b.width < 0.25 and b.x0 > 0.6
    )
    # nothing is printed across the portrait: a line running into it is not this card's
    score -= 1.0 * sum(1 for b in boxes if 0.2 < b.cy < 0.7 and b.x0 < 0.5 and b.x1 > 0.75)
    if not id_line:  # without its number a front is not accepted, however many lines it has
        score = min(score, MIN_LAYOUT_SCORE - 1.0)
    score -= 0.5 * sum(1 for b in boxes if b.height > 0.13)
    return score


def score_back(boxes: Sequence[Box]) -> float:
    """How much upright normalised ``boxes`` look like the back's text.

    (No penalty for text in the emblem: the detector fires on the emblem's stars.)
    """
    titles = [b for b in boxes if 0.08 <= b.cy <= 0.5 and b.x0 > 0.2 and b.height > 0.055]
    rows = [b for b in boxes if 0.63 <= b.cy <= 0.93 and b.x1 > 0.5 and b.x0 > 0.1]
    title_lines, row_lines = len(_split_lines(titles)), len(_split_lines(rows))
    score = 1.5 * min(2, title_lines) + 1.5 * min(2, row_lines)
    # a back has exactly these four lines, nothing between them and nothing at the left
    score -= 1.0 * sum(1 for b in boxes if 0.5 < b.cy < 0.62 and b.x0 > 0.2)
    score -= 1.0 * (max(0, row_lines - 2) + max(0, title_lines - 2))
    score -= 1.0 * sum(1 for b in boxes if b.x1 < 0.2 and b.cy > 0.55)
    if title_lines == 0 or row_lines == 0:
        score = min(score, MIN_LAYOUT_SCORE - 1.0)
    if titles and rows:  # the title lines are printed larger than the two rows
        score += 1.0 if max(b.height for b in titles) > 1.15 * max(b.height for b in rows) else -1.0
    return score


def classify(boxes: Sequence[Box]) -> Hypothesis:
    """The best of front/back x upright/upside-down for normalised boxes of a rectified card."""
    flipped = [flip(b) for b in boxes]
    hypotheses = [
        Hypothesis("front", False, score_front(boxes)),
        Hypothesis("front", True, score_front(flipped)),
        Hypothesis("back", False, score_back(boxes)),
        Hypothesis("back", True, score_back(flipped)),
    ]
    return max(hypotheses, key=lambda h: h.score)


#: A side is accepted when its layout score reaches this (a front with its id line and
#: two labels, or a back with both titles and one row).
MIN_LAYOUT_SCORE = 4.0


@dataclasses.dataclass(frozen=True)
class FieldRegions:
    """Crops (normalised boxes on the upright card) to recognise, by row."""

    rows: dict[str, tuple[Box, ...]]


def _row_boxes(boxes: Sequence[Box], band: tuple[float, float]) -> list[Box]:
    return [b for b in boxes if band[0] <= b.cy < band[1]]


def _union(boxes: Sequence[Box], x0: float, x1_max: float = 1.0) -> Box | None:
    boxes = [b for b in boxes if b.x1 > x0 + 0.02]
    if not boxes:
        return None
    return Box(
        max(x0, min(b.x0 for b in boxes)),
        min(b.y0 for b in boxes),
        min(x1_max, max(b.x1 for b in boxes)),
        max(b.y1 for b in boxes),
    )


def id_value_x0(boxes: Sequence[Box]) -> float:
    """Where the id number's crop starts: ``ID_VALUE_X``, or a little before a number box
    found starting left of it (an outline a little off would cut its first digits), but not
    so far left that the label 公民身份号码 comes in (a box starting there is the label, or
    the label merged with the number)."""
    starts = [b.x0 for b in boxes if b.width >= ID_MIN_WIDTH and b.x0 >= ID_LABEL_END_X]
    return min(ID_VALUE_X, min(starts) - 0.01) if starts else ID_VALUE_X


def front_regions(boxes: Sequence[Box]) -> FieldRegions:
    usable = [
        b for b in boxes if not (_in(b, PORTRAIT_NO_TEXT) and b.x0 > PORTRAIT_NO_TEXT.x0 - 0.02)
    ]
    rows: dict[str, tuple[Box, ...]] = {}
    for row, band in FRONT_ROWS.items():
        found = _row_boxes(usable, band)
        if row == "address":
            lines = [
                _union(line, FRONT_ROW_X, PORTRAIT_NO_TEXT.x0 + 0.02)
                for line in _split_lines(found)
            ]
            rows[row] = tuple(b for b in lines[:3] if b is not None and b.width > 0.02)
            continue
        if row == "id_no":
            union = _union(found, id_value_x0(found))
        else:
            union = _union(found, FRONT_ROW_X, PORTRAIT_NO_TEXT.x0 + 0.02)
        if union is None:
            fx0, fx1, fy0, fy1 = FRONT_FALLBACK[row]
            union = Box(fx0, fy0, fx1, fy1, 0.0)
        rows[row] = (union,)
    return FieldRegions(rows)


def back_regions(boxes: Sequence[Box]) -> FieldRegions:
    rows: dict[str, tuple[Box, ...]] = {}
    for row, band in BACK_ROWS.items():
        found = _row_boxes(boxes, band)
        values = [b for b in found if b.x0 >= BACK_SEPARATE_X]
        union = _union(values, BACK_SEPARATE_X) if values else _union(found, BACK_VALUE_X)
        if union is None:
            fx0, fx1, fy0, fy1 = BACK_FALLBACK[row]
            union = Box(fx0, fy0, fx1, fy1, 0.0)
        rows[row] = (union,)
    return FieldRegions(rows)
