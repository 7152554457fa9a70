"""The layout of normalised text boxes, without models: side and orientation as a prior, and
the rows and segments the boxes form."""

from __future__ import annotations

import numpy as np
import pytest

from processor.card.layout import MIN_LAYOUT_SCORE, classify, flip, group_rows
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
