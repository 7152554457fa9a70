"""Side, orientation and field rows judged from normalised text boxes, without models."""

from __future__ import annotations

import numpy as np
import pytest

from processor.card.layout import (
    MIN_LAYOUT_SCORE,
    back_regions,
    classify,
    flip,
    front_regions,
    id_value_x0,
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


def test_front_regions_rows() -> None:
    rows = front_regions(FRONT).rows
    assert rows["name"][0].x0 == pytest.approx(0.07)
    assert len(rows["address"]) == 2
    assert rows["id_no"][0].x0 >= 0.29  # the label is left out of the number's crop


@pytest.mark.parametrize(
    ("boxes", "x0"),
    [
        ([Box(0.08, 0.8, 0.27, 0.86), Box(0.36, 0.8, 0.94, 0.86)], 0.29),  # label | number
        ([Box(0.02, 0.8, 0.2, 0.86), Box(0.25, 0.8, 0.85, 0.86)], 0.24),  # outline off: cut
        ([Box(0.08, 0.8, 0.94, 0.86)], 0.29),  # label and number in one box
        ([], 0.29),
    ],
)
def test_id_value_x0(boxes: list[Box], x0: float) -> None:
    assert id_value_x0(boxes) == pytest.approx(x0)


def test_regions_fall_back_to_template_bands() -> None:
    rows = front_regions([]).rows
    assert rows["name"][0].score == 0.0 and rows["address"] == ()
    back = back_regions([]).rows
    assert set(back) == {"issued_by", "valid_date"}
