"""Reading the card on one outline (rectify, crop its rows, recognise them in one batch,
parse), and choosing among the readings of one image."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ..card.geometry import rectify
from ..card.layout import MIN_LAYOUT_SCORE, FieldRegions, back_regions, front_regions
from ..ocr.recognize import TextRecognizer
from ..values import Quad, TextLine
from . import fields as fp
from .crops import row_crops
from .engine import OcrEngine
from .locate import Candidate, RequestCache
from .outcome import CardReading
from .rows import looks_like_card, parse_rows, relabel_rows

#: Width of the rectified card the recogniser crops from (text ~44 px high).
REC_CARD_WIDTH = 1280
#: Rows read by the fp32 recogniser where the served one is int8 (``IDCARD_REC_PRECISION``):
#: nothing checks a name (an address at least has its place names), and person names run to
#: the dictionary's rare characters, the only readings int8 was seen to change (see
#: docs/decisions.md). One short crop per front.
EXACT_ROWS = frozenset({"name"})


def read_outline(image: np.ndarray, located: Candidate, engine: OcrEngine) -> CardReading | None:
    """The card read on the upright outline ``located``; None when what it reads is no
    evidence of an ID card (see :func:`~processor.read.rows.looks_like_card`)."""
    side = located.hypothesis.side
    card = rectify(image, located.quad, REC_CARD_WIDTH)
    regions = front_regions(located.boxes) if side == "front" else back_regions(located.boxes)
    lines = recognise_rows(card, regions, engine.recognizer)
    parsed = parse_rows(side, lines)
    if not looks_like_card(parsed, lines):
        return None
    aligned = side != "front" or relabel_rows(lines) == lines
    return CardReading(
        side,
        parsed,
        card,
        located.quad,
        located.score,
        regions=regions,
        lines=lines,
        aligned=aligned,
    )


def recognise_rows(
    card: np.ndarray, regions: FieldRegions, recognizer: TextRecognizer
) -> dict[str, list[TextLine]]:
    """The lines of every row of ``regions``, recognised in one call (the name by the exact
    model, see :data:`EXACT_ROWS`), by row in the order of its boxes."""
    crops = row_crops(card, regions)
    out: dict[str, list[TextLine]] = {row: [] for row in regions.rows}
    exact = [row in EXACT_ROWS for row, _ in crops]
    found = recognizer([crop for _, crop in crops], exact) if crops else []
    for (row, _), line in zip(crops, found, strict=True):
        out[row].append(line)
    return out


def is_complete(reading: CardReading | None) -> bool:
    """A reading with every field valid, on an outline whose rows were where their labels say."""
    return reading is not None and reading.complete


def read_more(
    readings: list[CardReading], cache: RequestCache, outlines: Callable[[], list[Quad]]
) -> None:
    """Add to ``readings`` the card read on each of ``outlines()`` whose layout passes, until
    one of them is complete; nothing (not even the outlines) once one already is."""
    if any(is_complete(r) for r in readings):
        return
    for quad in outlines():
        candidate = cache.verify(quad)
        if candidate.score < MIN_LAYOUT_SCORE:
            continue
        reading = read_outline(cache.image, candidate.upright(), cache.engine)
        if reading is not None:
            readings.append(reading)
            if is_complete(reading):
                return


def best_reading(readings: list[CardReading]) -> CardReading | None:
    """The reading with the most valid fields (ties: an aligned one, then the earlier)."""
    return max(readings, key=lambda r: (r.valid_fields, r.aligned), default=None)


def completed(best: CardReading, readings: list[CardReading]) -> CardReading:
    """``best`` with its failed fields that have a real check (not name or address, which
    almost any text passes) taken from another reading of the same side that validated
    them; a front is cross-checked against its id number again."""
    fields = dict(best.fields)
    for name, found in best.fields.items():
        if found.ok or name in fp.WEAK_FIELDS:
            continue
        for other in readings:
            if other.side == best.side and name in other.fields and other.fields[name].ok:
                fields[name] = other.fields[name]
                break
    if fields == best.fields:
        return best
    if best.side == "front":
        fields = fp.reconcile_front(fields)
    return dataclasses.replace(best, fields=fields)
