"""Crops without models: a segment with blank around it, a line run on as far as its ink goes."""

from __future__ import annotations

import numpy as np
import pytest

from processor.read.crops import segment_crop, trailing_ink
from processor.values import Box


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
    ("box", "extra", "expected"),
    [
        # 1280 x 807 card; a box 0.06 high reads 0.08 of that above and below (y 238-294)
        # and a quarter of the crop's 56 px height either side (14 px)
        (Box(0.10, 0.30, 0.40, 0.36), 0, (238, 294, 114, 526)),
        (Box(0.10, 0.30, 0.40, 0.36), 30, (238, 294, 114, 556)),  # its ink runs on
        (Box(0.00, 0.30, 1.00, 0.36), 0, (238, 294, 0, 1280)),  # clipped to the card
        (Box(0.50, 0.30, 0.501, 0.301), 0, None),  # under 4 px high
    ],
)
def test_segment_crop(box: Box, extra: int, expected: tuple[int, int, int, int] | None) -> None:
    card = np.arange(807 * 1280, dtype=np.int64).reshape(807, 1280)
    crop = segment_crop(np.dstack([card] * 3), box, extra)
    if expected is None:
        assert crop is None
        return
    assert crop is not None
    y0, y1, x0, x1 = expected
    assert crop.shape[:2] == (y1 - y0, x1 - x0)
    assert crop[0, 0, 0] == y0 * 1280 + x0  # the crop's top-left pixel is (x0, y0)
