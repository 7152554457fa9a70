"""How the detector's text lines lie (skew, bend), from region contours (no model)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from processor.ocr.detect import Detection, line_directions, line_skew, line_tilt


def _lines(angles: list[float], length: float = 200.0, height: float = 14.0) -> list[np.ndarray]:
    """A contour per angle: a line's rotated rectangle (degrees clockwise)."""
    return [
        cv2.boxPoints(((100.0 + 5 * i, 40.0 * i + 30), (length, height), a))
        .astype(np.int32)
        .reshape(-1, 1, 2)
        for i, a in enumerate(angles)
    ]


@pytest.mark.parametrize(
    ("angles", "expected"),
    [
        ([3.0, 3.2, 2.8, 3.1], 3.0),  # lines tilted alike: their skew
        ([-2.0, -2.1, -1.9], -2.0),
        ([0.0, 0.0, 0.0], 0.0),
        ([3.0, 3.0], 0.0),  # too few lines to say
        ([3.0, -20.0, 25.0, 40.0], 0.0),  # lines that do not agree: no skew
    ],
)
def test_line_skew(angles: list[float], expected: float) -> None:
    assert line_skew(line_directions(_lines(angles))) == pytest.approx(expected, abs=0.6)


def test_line_skew_ignores_blobs() -> None:
    # squares (a photo's edges, an emblem's stars) have no direction
    blobs = [
        cv2.boxPoints(((50.0 * i, 50.0), (20.0, 18.0), 30.0)).astype(np.int32) for i in range(5)
    ]
    assert line_directions([b.reshape(-1, 1, 2) for b in blobs]) == []


#: The rectified card the detector sees (pixels, height by width).
SHAPE = (320, 512)


@pytest.mark.parametrize(
    ("angles", "expected"),
    [
        ([0.0, 0.0, 0.0, 0.0, 0.0], 0.0),  # parallel and level: an outline that fits
        ([4.0, 4.0, 4.0, 4.0, 4.0], 0.0),  # parallel but tilted: a turn, not a bend
        ([-2.5, -4.0, -5.0, -6.0, -7.5], 10.0),  # turning towards the bottom: a corner off
        ([6.0, 4.5, 3.0, 1.5, 0.0], 12.0),  # the other way
        ([0.0, 0.0], 0.0),  # too few lines to say
    ],
)
def test_bend(angles: list[float], expected: float) -> None:
    # lines from y 30 to 190, half the height: the bend is twice their turn (over the whole)
    lines = line_directions(_lines(angles))
    found = Detection([], tilt=line_tilt(lines, SHAPE))
    assert found.bend == pytest.approx(expected, abs=0.8)


def test_bend_counts_long_lines_only() -> None:
    # short labels (a fifth of the width or less) tilt by a pixel's rounding: not a bend
    long = line_directions(_lines([0.0, 0.0, 0.0]))
    short = line_directions(_lines([-9.0, 0.0, 9.0, 0.0], length=80.0))
    assert Detection([], tilt=line_tilt(long + short, SHAPE)).bend == pytest.approx(0.0, abs=0.3)


def test_tilt_needs_lines_across_the_card() -> None:
    # three lines within a tenth of the height: their angles cannot show a turn over it
    near = [
        cv2.boxPoints(((200.0, 100.0 + 10 * i), (200.0, 6.0), a)).astype(np.int32).reshape(-1, 1, 2)
        for i, a in enumerate([0.0, 3.0, 6.0])
    ]
    assert line_tilt(line_directions(near), SHAPE) is None
