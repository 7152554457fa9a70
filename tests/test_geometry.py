"""Card localisation, rectification and layout decisions, without models."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from processor.card.candidates import find_card_candidates
from processor.card.geometry import order_corners, rectify
from processor.card.layout import (
    MIN_LAYOUT_SCORE,
    back_regions,
    classify,
    flip,
    front_regions,
    id_value_x0,
)
from processor.read.crops import DIGIT_SQUEEZE, squeezed, trailing_ink
from processor.values import Box, Quad


@pytest.mark.parametrize("shift", range(4))
@pytest.mark.parametrize("reverse", [False, True])
def test_order_corners_is_clockwise_from_top_long_side(shift: int, reverse: bool) -> None:
    pts = [[10, 10], [170, 20], [165, 120], [5, 110]]
    pts = pts[shift:] + pts[:shift]
    if reverse:
        pts = pts[::-1]
    assert order_corners(np.array(pts)).tolist() == [[10, 10], [170, 20], [165, 120], [5, 110]]


def test_order_corners_portrait_starts_on_a_long_side() -> None:
    out = order_corners(np.array([[0, 0], [60, 0], [60, 100], [0, 100]]))
    sides = [np.linalg.norm(out[(i + 1) % 4] - out[i]) for i in range(4)]
    assert sides[0] == 100 and sides[1] == 60


def test_quad_rotation_shifts_corners() -> None:
    q = Quad(((0, 0), (2, 0), (2, 1), (0, 1)))
    assert q.rotated(2).points == ((2, 1), (0, 1), (0, 0), (2, 0))
    assert q.rotated(4) == q
    with pytest.raises(ValueError, match="four corners"):
        Quad(((0, 0), (1, 1)))


def _card_on_desk(angle: float) -> tuple[np.ndarray, np.ndarray]:
    """A light card with dark 'text' bars on a dark textured desk, rotated by ``angle``."""
    rng = np.random.default_rng(0)
    frame = rng.integers(40, 90, (600, 800, 3), dtype=np.uint8)
    card = np.full((270, 428, 3), 225, np.uint8)
    for y in range(40, 240, 40):
        card[y : y + 14, 40:300] = 30
    matrix = cv2.getRotationMatrix2D((214, 135), 0, 1.0)
    matrix[:, 2] += (186, 165)
    rot = cv2.getRotationMatrix2D((400, 300), angle, 1.0)
    full = np.vstack([rot, [0, 0, 1]]) @ np.vstack([matrix, [0, 0, 1]])
    warped = cv2.warpAffine(card, full[:2], (800, 600))
    mask = cv2.warpAffine(np.full((270, 428), 255, np.uint8), full[:2], (800, 600))
    frame[mask > 0] = warped[mask > 0]
    corners = np.array([[0, 0, 1], [428, 0, 1], [428, 270, 1], [0, 270, 1]]) @ full[:2].T
    return frame, corners


@pytest.mark.parametrize("angle", [0, 17, 90, 163, 250])
def test_find_card_candidates_finds_the_card(angle: float) -> None:
    frame, corners = _card_on_desk(angle)
    best = find_card_candidates(frame)[0]
    found = np.array(best.points)
    # same corners up to the 180-degree ambiguity the layout resolves
    errors = [np.abs(np.roll(found, k, axis=0) - corners).max() for k in (0, 2)]
    assert min(errors) < 6


def test_rectify_maps_quad_to_canonical_card() -> None:
    frame, corners = _card_on_desk(30)
    quad = Quad(tuple((float(x), float(y)) for x, y in corners))
    card = rectify(frame, quad, 428)
    assert card.shape == (270, 428, 3)
    assert card[40:54, 40:300].mean() < 60  # the first text bar is where it was drawn
    assert card[100:110, 330:420].mean() > 200


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


# --- trailing ink: where a name or address line really ends ----------------------------


def _line_image(tail: str) -> tuple[np.ndarray, int]:
    """A 48 px text line: dark blocks for characters up to ``text_end``, then ``tail``."""
    rng = np.random.default_rng(0)
    line = np.full((48, 400, 3), 225, np.uint8)
    for x in range(0, 290, 44):  # "characters": dark blocks with gaps, the last to x 302
        line[10:38, x + 4 : x + 38] = 40
    line[:, :, :] = np.clip(line + rng.integers(-6, 6, line.shape), 0, 255).astype(np.uint8)
    if tail == "yi":  # 一: one thin horizontal stroke a small gap after the last character
        line[22:27, 316:350] = 40
    elif tail == "guilloche":  # the card's light wavy pattern only
        for x in range(306, 400):
            y = int(24 + 10 * np.sin(x / 6))
            line[y : y + 2, x] = 190
    return line, 306  # the detector's box ends a little after the last ink


@pytest.mark.parametrize(
    ("tail", "runs_on"), [("yi", True), ("blank", False), ("guilloche", False)]
)
def test_trailing_ink(tail: str, runs_on: bool) -> None:
    line, end = _line_image(tail)
    extra = trailing_ink(line, end)
    if runs_on:
        assert 44 <= extra <= 56  # to the stroke's end (x 350), and a little margin
    else:
        assert extra == 0


@pytest.mark.parametrize(
    ("row", "width", "expected"),
    [
        ("id_no", 780, round(780 * DIGIT_SQUEEZE)),
        ("birth", 535, round(535 * DIGIT_SQUEEZE)),
        ("name", 298, 298),
        ("address", 636, 636),
        ("gender_race", 471, 471),
        ("id_no", 3, 4),  # never below 4 columns
    ],
)
def test_digit_rows_are_read_squeezed(row: str, width: int, expected: int) -> None:
    crop = np.full((67, width, 3), 255, np.uint8)
    crop[20:45, : width // 2] = 0
    out = squeezed(row, crop)
    assert out.shape == (67, expected, 3)
    if expected == width:
        assert out is crop
