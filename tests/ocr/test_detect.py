"""The detector's text-line skew, from region contours (no model)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from processor.ocr.detect import line_skew


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
    assert line_skew(_lines(angles)) == pytest.approx(expected, abs=0.6)


def test_line_skew_ignores_blobs() -> None:
    # squares (a photo's edges, an emblem's stars) have no direction
    blobs = [
        cv2.boxPoints(((50.0 * i, 50.0), (20.0, 18.0), 30.0)).astype(np.int32) for i in range(5)
    ]
    assert line_skew([b.reshape(-1, 1, 2) for b in blobs]) == 0.0
