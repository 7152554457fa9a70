"""Cutting a card's row crops for the recogniser: a little padding, a name or address line
run on as far as its ink goes, and the digit rows squeezed."""

from __future__ import annotations

import cv2
import numpy as np

from ..card.layout import FieldRegions
from ..card.template import FRONT_TEXT_END_X

#: A crop reaches this share of its box's height above and below the box.
ROW_PAD = 0.08


def row_crops(card: np.ndarray, regions: FieldRegions) -> list[tuple[str, np.ndarray]]:
    """Each recognisable box of ``regions`` cut from the upright ``card``, with its row's
    name, in the order of the rows and their boxes (boxes under 4 px are left out)."""
    h, w = card.shape[:2]
    out: list[tuple[str, np.ndarray]] = []
    for row, boxes in regions.rows.items():
        for box in boxes:
            pad = box.height * ROW_PAD
            x0, x1 = int(max(0, box.x0 * w)), int(min(w, box.x1 * w))
            y0, y1 = int(max(0, (box.y0 - pad) * h)), int(min(h, (box.y1 + pad) * h))
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            if row in TRAIL_ROWS:
                limit = int(min(w, max(x1, FRONT_TEXT_END_X * w), x1 + TRAIL * w))
                x1 += trailing_ink(card[y0:y1, x0:limit], x1 - x0)
            out.append((row, squeezed(row, card[y0:y1, x0:x1])))
    return out


#: Rows of digits (the id number, the birth date with its 年/月/日) are read squeezed to this
#: share of their width: they are much of a front's recognition columns, and the recogniser
#: reads them as well narrower (docs/decisions.md).
DIGIT_ROWS = frozenset({"id_no", "birth"})
DIGIT_SQUEEZE = 0.7


def squeezed(row: str, crop: np.ndarray) -> np.ndarray:
    """``crop`` as the recogniser gets it: narrowed by DIGIT_SQUEEZE for the digit rows."""
    if row not in DIGIT_ROWS:
        return crop
    h, w = crop.shape[:2]
    return cv2.resize(crop, (max(4, round(w * DIGIT_SQUEEZE)), h), interpolation=cv2.INTER_AREA)


#: Rows whose crop may run on past the detected text, as far as ink continues: the
#: detector's box stops short of a thin last character (一 ending a name or an address
#: line). Not into blank space: the recogniser reads a blank tail with the card's guilloche
#: as a character (号).
TRAIL_ROWS = frozenset({"name", "address"})
#: How far (card widths, about one character); not past the template's FRONT_TEXT_END_X.
TRAIL = 0.035
#: A tail whose own contrast is this fraction of the text's holds text, however faded.
FADED_INK = 0.45


def trailing_ink(line: np.ndarray, text_end: int) -> int:
    """How many columns past ``text_end`` the text of the BGR ``line`` crop runs on: ink
    (darker than Otsu's threshold over the detected text) starting within a character gap
    of the end and continuing without a wider gap; 0 when the tail is blank."""
    if text_end >= line.shape[1] or text_end < 4:
        return 0
    gray = cv2.cvtColor(line, cv2.COLOR_BGR2GRAY)
    threshold, text_contrast = _otsu(gray[:, :text_end])
    tail = gray[:, text_end:]
    tail_threshold, tail_contrast = _otsu(tail)
    if tail_contrast >= FADED_INK * text_contrast:
        # text faded by glare or light still stands out from its own surroundings
        threshold = max(threshold, tail_threshold)
    height = gray.shape[0]
    # a column holds ink when enough of its pixels are text-dark: a stroke, not a speck
    inked = ((tail < threshold).sum(axis=0) >= max(2, height // 12)).tolist()
    gap = max(2, int(0.5 * height))
    end = 0
    for col, ink in enumerate(inked):
        if ink:
            end = col + 1
        elif col - end >= gap:
            break
    return min(len(inked), end + height // 8) if end else 0


def _otsu(gray: np.ndarray) -> tuple[float, float]:
    """Otsu's threshold of ``gray`` and the gap between its two classes' means."""
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark, light = gray[gray < threshold], gray[gray >= threshold]
    if dark.size == 0 or light.size == 0:
        return float(threshold), 0.0
    return float(threshold), float(light.mean() - dark.mean())
