"""The layout of normalised text boxes, without models: side and orientation as a prior, and
the rows and segments the boxes form."""

from __future__ import annotations

import numpy as np
import pytest

from processor.card.layout import (
    MIN_LAYOUT_SCORE,
    Row,
    classify,
    flip,
    group_rows,
    joined_halves,
)
from processor.values import Box

FRONT = [
    Box(0.07, 0.13, 0.30, 0.21),  # 姓名 value
    Box(0.07, 0.26, 0.24, 0.34),  # 性别
    Box(0.29, 0.26, 0.45, 0.34),  # 民族
    Box(0.07, 0.37, 0.50, 0.45),  # 出生
    Box(0.07, 0.49, 0.60, 0.57),  # 住址 line 1
    Box(0.18, 0.58, 0.50, 0.65),  # line 2
    Box(0.07, 0.79, 0.29, 0.86),  # 公民身份号码
    Box(0.35, 0.79, 0.95, 0.86),  # the number
]
BACK = [
    Box(0.33, 0.16, 0.80, 0.24),  # 中华人民共和国
    Box(0.30, 0.28, 0.84, 0.39),  # 居民身份证 (larger)
    Box(0.19, 0.68, 0.33, 0.75),
    Box(0.39, 0.68, 0.72, 0.75),
    Box(0.19, 0.80, 0.33, 0.87),
    Box(0.39, 0.80, 0.78, 0.87),
    Box(0.06, 0.10, 0.20, 0.30, 0.6),  # the emblem's stars, as the detector sees them
]


@pytest.mark.parametrize(
    ("boxes", "side", "flipped"),
    [
        (FRONT, "front", False),
        ([flip(b) for b in FRONT], "front", True),
        (BACK, "back", False),
        ([flip(b) for b in BACK], "back", True),
    ],
)
def test_classify_side_and_orientation(boxes: list[Box], side: str, flipped: bool) -> None:
    hyp = classify(boxes)
    assert (hyp.side, hyp.flipped) == (side, flipped)
    assert hyp.score >= MIN_LAYOUT_SCORE


@pytest.mark.parametrize(
    "boxes",
    [
        [],
        [Box(0.05, y, 0.95, y + 0.04) for y in np.arange(0.05, 0.95, 0.06)],  # a document page
        [Box(0.1, 0.55, 0.9, 0.65), Box(0.1, 0.75, 0.4, 0.8)],  # a bank card's number
    ],
)
def test_classify_rejects_non_cards(boxes: list[Box]) -> None:
    assert classify(boxes).score < MIN_LAYOUT_SCORE


def test_classify_still_sees_a_front_whose_number_is_broken_and_photo_busy() -> None:
    # the hologram breaks the number in two; a real photo's edges read as small boxes
    broken = [*FRONT[:-1], Box(0.35, 0.79, 0.62, 0.86), Box(0.66, 0.79, 0.95, 0.86)]
    busy = [Box(0.66 + 0.05 * i, 0.2 + 0.1 * i, 0.7 + 0.05 * i, 0.25 + 0.1 * i) for i in range(5)]
    hyp = classify(broken + busy)
    assert (hyp.side, hyp.flipped) == ("front", False)


# -- rows -------------------------------------------------------------------------------
def test_group_rows_splits_lines_and_segments() -> None:
    boxes = [
        Box(0.07, 0.13, 0.30, 0.21),  # 姓名 张三
        Box(0.07, 0.26, 0.22, 0.34),  # 性别 男
        Box(0.29, 0.26, 0.44, 0.34),  # 民族 汉: a gap of ~1.5 row heights
        Box(0.07, 0.49, 0.58, 0.56),  # 住址 ... first line
        Box(0.17, 0.57, 0.40, 0.64),  # its second line, close below
        Box(0.07, 0.79, 0.28, 0.86),  # 公民身份号码
        Box(0.35, 0.79, 0.62, 0.86),  # the number, broken in two by the detector
        Box(0.625, 0.79, 0.96, 0.86),
    ]
    rows = group_rows(boxes)
    assert [len(r.segments) for r in rows] == [1, 2, 1, 1, 2]
    assert rows[-1].segments[1] == Box(0.35, 0.79, 0.96, 0.86, 1.0)
    assert rows[1].box == Box(0.07, 0.26, 0.44, 0.34, 1.0)


def test_group_rows_does_not_chain_rows_through_a_tall_box() -> None:
    boxes = [Box(0.1, 0.10, 0.3, 0.16), Box(0.1, 0.20, 0.3, 0.26), Box(0.5, 0.08, 0.55, 0.28)]
    assert len(group_rows(boxes)) == 3


# the name's row of a third-family photo (hard; probe seed 52, #130) under a vertical site
# watermark: its strokes over 霞 pulled that box up, and 李露 joined it in a row of its own,
# above 姓 名 and a sliver of 霞 (the name came back 霞)
XIA, LILU, SLIVER = (
    Box(0.317, 0.058, 0.384, 0.148),
    Box(0.192, 0.101, 0.291, 0.193),
    Box(0.290, 0.123, 0.316, 0.177),
)
XING, MING = Box(0.060, 0.114, 0.102, 0.189), Box(0.117, 0.119, 0.156, 0.187)
BELOW = [Box(0.062, 0.234, 0.100, 0.316), Box(0.119, 0.222, 0.164, 0.309)]  # 性 别
# a watermark's phrase boxed with the gender's value, and another beside it, both tall
TALL_VALUE, TALL_MARK = Box(0.175, 0.196, 0.495, 0.344), Box(0.575, 0.198, 0.736, 0.365)
GENDER = [Box(0.078, 0.241, 0.142, 0.309), Box(0.129, 0.244, 0.187, 0.315)]


@pytest.mark.parametrize(
    ("boxes", "rows"),
    [
        # the line's parts side by side, at a line's height: one row
        ([XIA, LILU, SLIVER, XING, MING, *BELOW], [5, 2]),
        # one over the other, however close (a line and the next, tight): two
        ([LILU, XIA, Box(0.192, 0.15, 0.291, 0.24), *BELOW], [2, 1, 2]),
        # a tall watermark's box beside a row whose value is boxed with one: apart
        ([*GENDER, TALL_VALUE, TALL_MARK, XING, MING, Box(0.2, 0.4, 0.3, 0.47)], [2, 3, 1, 1]),
    ],
)
def test_a_lines_parts_side_by_side_are_one_row(boxes: list[Box], rows: list[int]) -> None:
    assert [len(r.members) for r in group_rows(boxes)] == rows


# the address's last line of a hand-held photo (a scratch probe), 号 alone: the detector boxed
# its 口 and the rest apart, and each made a row (read O and 亏: the address ended 亏)
KOU, KUI = Box(0.202, 0.686, 0.223, 0.704), Box(0.198, 0.708, 0.227, 0.754)
ADDRESS_LINE = Box(0.191, 0.602, 0.645, 0.668)
NUMBER = [Box(0.067, 0.79, 0.249, 0.856), Box(0.339, 0.79, 0.704, 0.856)]
UYGHUR_WORD = Box(0.150, 0.728, 0.260, 0.760)  # a word as wide as three characters
# a Zhuang card shot from far (a scratch probe): its script lines, lower than its
# characters, are half its boxes; 号 alone on the address's last line boxed as 口 and 亏
ZHUANG = [
    Box(0.097, 0.10, 0.317, 0.143),  # the name's Zhuang line
    Box(0.092, 0.15, 0.293, 0.225),  # 姓名赵桂倩
    Box(0.095, 0.24, 0.276, 0.281),
    Box(0.319, 0.24, 0.447, 0.281),
    Box(0.093, 0.29, 0.223, 0.362),  # 性别女
    Box(0.313, 0.29, 0.443, 0.362),  # 民族汉
    Box(0.176, 0.37, 0.464, 0.412),
    Box(0.093, 0.42, 0.479, 0.49),  # 出生
    Box(0.176, 0.50, 0.498, 0.546),
    Box(0.091, 0.615, 0.618, 0.692),  # 住址 ... 184-16
    Box(0.094, 0.80, 0.285, 0.837),
    *NUMBER,
]
ZHUANG_KOU, ZHUANG_KUI = Box(0.189, 0.695, 0.21, 0.726), Box(0.186, 0.729, 0.213, 0.773)
# a back: the titles twice as tall as its lines, and the labels 签发机关 over 有效期限
BACK_TITLES = [Box(0.30, 0.10, 0.80, 0.29), Box(0.30, 0.31, 0.85, 0.50)]
ISSUER_LABEL, VALIDITY_LABEL = Box(0.197, 0.676, 0.337, 0.743), Box(0.197, 0.799, 0.337, 0.862)
BACK_VALUES = [Box(0.398, 0.677, 0.742, 0.742), Box(0.398, 0.802, 0.76, 0.858)]


@pytest.mark.parametrize(
    ("boxes", "joined"),
    [
        # two halves of one character: one box, one row
        ([ADDRESS_LINE, KOU, KUI, *NUMBER], Box(0.198, 0.686, 0.227, 0.754)),
        # a word of a minority script under it is wider: apart
        ([ADDRESS_LINE, KOU, UYGHUR_WORD, *NUMBER], None),
        # two characters of two lines, one over the other, are taller together: apart
        ([ADDRESS_LINE, Box(0.198, 0.62, 0.227, 0.668), KUI, *NUMBER], None),
        # side by side: apart
        ([ADDRESS_LINE, KUI, Box(0.228, 0.708, 0.257, 0.754), *NUMBER], None),
        # on a bilingual card, as tall as its characters (not as its median box): one box
        ([*ZHUANG, ZHUANG_KOU, ZHUANG_KUI], Box(0.186, 0.695, 0.213, 0.773)),
        # a back's labels one over the other are two lines of print, whatever the titles'
        # height (the upper quartile of all its boxes is theirs)
        ([*BACK_TITLES, ISSUER_LABEL, VALIDITY_LABEL, *BACK_VALUES], None),
    ],
)
def test_two_halves_of_one_character_are_one_box(boxes: list[Box], joined: Box | None) -> None:
    out = joined_halves(boxes)
    if joined is None:
        assert sorted(out, key=lambda b: (b.y0, b.x0)) == sorted(boxes, key=lambda b: (b.y0, b.x0))
    else:
        assert joined in out and len(out) == len(boxes) - 1
        # the halves make one row of their own
        assert len(group_rows(boxes)) == len(group_rows([b for b in boxes if b in out])) + 1


# the address's first row of a tuned bench photo (seed 11, photo 136) at the card's left
# edge: a character of the page under the card (清) ran into the labels 住 址 and stretched
# the row's one segment over the top of the next line
STRAY = Box(0.000, 0.631, 0.025, 0.694)
ZHU, ZHI = Box(0.069, 0.601, 0.114, 0.661), Box(0.112, 0.607, 0.156, 0.661)
LINE_1 = Box(0.200, 0.598, 0.593, 0.667)


@pytest.mark.parametrize(
    ("x0", "cut", "expected"),
    [
        # from where the value starts: its line's own height
        (0.2, True, LINE_1),
        (0.25, True, Box(0.25, 0.598, 0.593, 0.667)),
        # the boxes reaching right of a column, uncut: the line and the labels, not the speck
        (0.05, False, Box(0.069, 0.598, 0.593, 0.667)),
        # every box reaches right of the card's edge: the whole segment
        (0.0, False, Box(0.0, 0.598, 0.593, 0.694)),
    ],
)
def test_a_row_within_a_column_is_made_of_its_boxes_there(
    x0: float, cut: bool, expected: Box
) -> None:
    (row,) = group_rows([STRAY, ZHU, ZHI, LINE_1])
    (segment,) = row.segments
    assert segment.y1 == STRAY.y1  # the speck stretches the segment
    part = row.within(segment, x0, cut=cut)
    assert (part.x0, part.y0, part.x1, part.y1) == pytest.approx(
        (expected.x0, expected.y0, expected.x1, expected.y1)
    )


def test_a_row_of_segments_only_is_cut_as_it_is() -> None:
    row = Row((Box(0.07, 0.5, 0.6, 0.6),))  # its boxes not known
    assert row.within(row.segments[0], 0.2, cut=True) == Box(0.2, 0.5, 0.6, 0.6)
    assert row.within(row.segments[0], 0.2) == row.segments[0]
