"""A rectified card's text boxes as a layout: how much they look like either side either way
up (a prior, before anything is read), and the rows and segments they form.

Works on text boxes normalised to the card (0..1 in x and y), so it is testable without
models. The positions are the template's (:mod:`processor.card.template`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence

from ..values import Box
from .template import (
    CARD_ASPECT,
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
    # the number's boxes together (the detector may break it, at the hologram or a wide gap)
    pieces = [b for b in boxes if 0.76 <= b.cy <= 0.92 and b.x0 > 0.2 and b.height < 0.13]
    id_line = bool(pieces) and max(b.x1 for b in pieces) > 0.7
    id_line = id_line and max(b.x1 for b in pieces) - min(b.x0 for b in pieces) > 0.3
    score += 3.0 if id_line else 0.0
    score += 0.5 * min(
        5, len([b for b in boxes if b.x0 < 0.15 and 0.1 <= b.cy <= 0.9 and b.height < 0.12])
    )
    score += 0.4 * min(5, _lines_in(boxes, 0.1, 0.75, x1_min=0.2))
    # the portrait is no text (a real photo's edges may be taken for some: at most 2 count)
    score -= 1.0 * min(
        2, sum(1 for b in boxes if _in(b, PORTRAIT_NO_TEXT) and b.width < 0.25 and b.x0 > 0.6)
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


# -- rows -------------------------------------------------------------------------------
#: Two boxes share a row when their vertical overlap is at least this share of the taller one.
ROW_OVERLAP = 0.45
#: Boxes of a row closer than this many row heights are one segment.
SEGMENT_GAP = 1.2


@dataclasses.dataclass(frozen=True)
class Row:
    """A line of print on the card: its segments left to right, each the union of the boxes
    of a run of text with no gap wider than a few character heights (a label and its value
    usually form one segment; 公民身份号码 and the number, or 性别 男 and 民族 汉, two).
    ``members``: the text boxes its segments were made of (empty: the segments themselves)."""

    segments: tuple[Box, ...]
    members: tuple[Box, ...] = ()

    def within(self, segment: Box, x0: float, *, cut: bool = False) -> Box:
        """``segment`` (one of this row's) made of only its text boxes that reach right of
        ``x0``, a value's column (``cut``: and cut at ``x0``, where its value starts). A
        segment is the union of a run of boxes, so it is as tall as the tallest and lowest
        of them: a speck at the card's edge (the page under it) run into a label, or a label
        printed lower, stretches it over the top of the next line, and a crop of it reads
        two lines as one. The segment itself where no box is known."""
        inside = [
            b for b in self.members if b.x0 >= segment.x0 and b.x1 <= segment.x1 and b.x1 > x0
        ]
        part = union(inside) if inside else segment
        return dataclasses.replace(part, x0=max(segment.x0, x0)) if cut else part

    @property
    def box(self) -> Box:
        return union(self.segments)

    @property
    def cy(self) -> float:
        return self.box.cy

    @property
    def height(self) -> float:
        return median_height(self.segments)


def median_height(boxes: Sequence[Box]) -> float:
    """The height of the middle box of ``boxes`` by height (the upper one of an even count)."""
    return sorted(b.height for b in boxes)[len(boxes) // 2]


def union(boxes: Sequence[Box]) -> Box:
    """The smallest box holding ``boxes`` (the best score of theirs)."""
    return Box(
        min(b.x0 for b in boxes),
        min(b.y0 for b in boxes),
        max(b.x1 for b in boxes),
        max(b.y1 for b in boxes),
        max(b.score for b in boxes),
    )


def _overlap(a: Box, b: Box) -> float:
    """Vertical overlap of two boxes as a share of the taller one's height."""
    inter = min(a.y1, b.y1) - max(a.y0, b.y0)
    return inter / max(a.height, b.height, 1e-6)


#: Two boxes one over the other are the detector's two halves of one character (号 boxed as
#: 口 over 亏, a lone character on an address's last line) when each is at most this many
#: characters wide (the card's median box height taken for a character's width) ...
GLYPH_WIDTH = 1.2
#: ... the narrower lies across this share of its width under or over the other ...
GLYPH_OVERLAP = 0.7
#: ... and together they stand no taller than this many characters (:func:`character_height`).
GLYPH_HEIGHT = 1.15
#: Boxes taller than this many median boxes are no line of print's: a back's emblem and its
#: titles (0.19 of the card's height, its lines 0.06-0.10).
PRINT_HEIGHT = 2.0


def character_height(boxes: Sequence[Box]) -> float:
    """How tall a character of the card's print is: the upper quartile of the heights of
    ``boxes`` no taller than :data:`PRINT_HEIGHT` median boxes. Not the median: on a
    bilingual card the minority script's lines, lower than its characters, are about half
    the boxes; nor the emblem's or the titles' height."""
    limit = PRINT_HEIGHT * median_height(boxes)
    heights = sorted(b.height for b in boxes if b.height <= limit)
    return heights[3 * len(heights) // 4]


def joined_halves(boxes: Sequence[Box]) -> list[Box]:
    """``boxes`` with each two that are halves of one character (:data:`GLYPH_WIDTH`,
    :data:`GLYPH_OVERLAP`, :data:`GLYPH_HEIGHT`) made one box. A minority script's word over
    a value is wider or, with it, taller; two lines of print are taller."""
    if len(boxes) < 2:
        return list(boxes)
    tall = character_height(boxes)
    # a character's width from the median box (heights are fractions of the card's height)
    glyph = GLYPH_WIDTH * median_height(boxes) / CARD_ASPECT
    out = sorted(boxes, key=lambda b: b.y0)
    i = 0
    while i < len(out):
        a = out[i]
        for j in range(i + 1, len(out)):
            b = out[j]
            narrower = min(a.width, b.width)
            across = min(a.x1, b.x1) - max(a.x0, b.x0)
            if (
                max(a.width, b.width) <= glyph
                and across >= GLYPH_OVERLAP * narrower
                and max(a.y1, b.y1) - min(a.y0, b.y0) <= GLYPH_HEIGHT * tall
            ):
                out[i] = union([a, b])
                del out[j]
                break
        else:
            i += 1
    return out


def group_rows(boxes: Sequence[Box]) -> list[Row]:
    """Rows top to bottom. A box joins the row it overlaps most (at least ``ROW_OVERLAP`` with
    each of the row's boxes), so that a tall box does not chain two rows; two rows side by
    side, of one line, are then joined (:func:`_side_by_side`). Two halves of one character
    are first made one box (:func:`joined_halves`)."""
    rows: list[list[Box]] = []
    for box in sorted(joined_halves(boxes), key=lambda b: (b.cy, b.x0)):
        best, best_overlap = None, ROW_OVERLAP
        for row in rows:
            overlap = min(_overlap(box, other) for other in row)
            if overlap >= best_overlap:
                best, best_overlap = row, overlap
        if best is None:
            rows.append([box])
        else:
            best.append(box)
    rows.sort(key=lambda row: sum(b.cy for b in row) / len(row))
    typical = median_height(boxes) if boxes else 0.0
    merged = rows[:1]
    for row in rows[1:]:
        if _side_by_side(merged[-1], row, typical):
            merged[-1] = merged[-1] + row
        else:
            merged.append(row)
    return sorted((Row(_segments(row), tuple(row)) for row in merged), key=lambda r: r.cy)


#: Boxes of two rows overlapping across at most this share of the card's width stand side by
#: side, not one over the other.
SIDE_BY_SIDE_X = 0.01
#: ... and their boxes that run on into each other are of a line's height: at most this many
#: times the card's median box (a watermark's phrase boxed with the value under it is taller).
LINE_HEIGHT = 1.4


def _side_by_side(upper: list[Box], lower: list[Box], typical: float) -> bool:
    """Whether two rows, next in height, are one line's: none of their boxes stands over the
    other's (:data:`SIDE_BY_SIDE_X`) and, left to right, a box of one runs on into the
    other's next, as a row's boxes do (level with it by :data:`ROW_OVERLAP`, within
    :data:`SEGMENT_GAP`), both of a line's height (:data:`LINE_HEIGHT` of ``typical``, the
    card's median box). A watermark's strokes across a line pull one of its boxes up or down,
    and the grouping took the raised part, and the rest of the line level with it, for a
    row of its own (李露 霞 over 姓名 and a sliver of 霞: the name read 霞)."""
    for a in upper:
        for b in lower:
            if min(a.x1, b.x1) - max(a.x0, b.x0) > SIDE_BY_SIDE_X:
                return False
    line = sorted(
        [(b.x0, 0, b) for b in upper] + [(b.x0, 1, b) for b in lower], key=lambda t: t[:2]
    )
    return any(
        r != s
        and _overlap(a, b) >= ROW_OVERLAP
        and max(a.height, b.height) <= LINE_HEIGHT * typical
        and b.x0 - a.x1 <= SEGMENT_GAP * min(a.height, b.height) / CARD_ASPECT
        for (_, r, a), (_, s, b) in itertools.pairwise(line)
    )


def _segments(boxes: list[Box]) -> tuple[Box, ...]:
    ordered = sorted(boxes, key=lambda b: b.x0)
    # heights are fractions of the card's height, gaps of its width
    height = median_height(ordered) / CARD_ASPECT
    runs: list[list[Box]] = [[ordered[0]]]
    for box in ordered[1:]:
        end = max(b.x1 for b in runs[-1])
        if box.x0 - end <= SEGMENT_GAP * height:
            runs[-1].append(box)
        else:
            runs.append([box])
    return tuple(union(run) for run in runs)
