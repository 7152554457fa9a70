"""The shared value types: a quadrilateral's corners, turns and area; a box's corners."""

from __future__ import annotations

import numpy as np
import pytest

from processor.values import Box, Quad


def test_quad_rotation_shifts_corners() -> None:
    q = Quad(((0, 0), (2, 0), (2, 1), (0, 1)))
    assert q.rotated(2).points == ((2, 1), (0, 1), (0, 0), (2, 0))
    assert q.rotated(4) == q
    with pytest.raises(ValueError, match="four corners"):
        Quad(((0, 0), (1, 1)))


@pytest.mark.parametrize(
    ("points", "area"),
    [
        (((0, 0), (2, 0), (2, 1), (0, 1)), 2.0),
        (((0, 1), (2, 1), (2, 0), (0, 0)), 2.0),  # the other way round: still positive
        (((10, 10), (170, 20), (165, 120), (5, 110)), 16050.0),
        (((0, 0), (4, 0), (4, 0), (0, 0)), 0.0),  # folded flat
    ],
)
def test_quad_area(points: tuple[tuple[float, float], ...], area: float) -> None:
    assert Quad(points).area == area


def test_quad_from_array_keeps_the_corner_order_and_score() -> None:
    pts = np.array([[1.5, 2.0], [9.0, 2.5], [8.5, 7.0], [1.0, 6.5]], np.float32)
    quad = Quad.from_array(pts, 0.7)
    assert quad.points == ((1.5, 2.0), (9.0, 2.5), (8.5, 7.0), (1.0, 6.5))
    assert quad.score == 0.7
    assert quad.scaled(2).points == ((3.0, 4.0), (18.0, 5.0), (17.0, 14.0), (2.0, 13.0))


def test_box_corners_run_clockwise_from_top_left() -> None:
    assert Box(1, 2, 5, 4).corners() == [(1, 2), (5, 2), (5, 4), (1, 4)]
