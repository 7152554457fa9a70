"""Row crops without models: a line run on as far as its ink goes, digit rows squeezed."""

from __future__ import annotations

import numpy as np
import pytest

from processor.read.crops import squeezed, trailing_ink


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
        ("id_no", 780, 546),  # 0.7 of the width
        ("birth", 535, 374),
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
