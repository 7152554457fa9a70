"""Generic geometry without models: corner order and rectification."""

from __future__ import annotations

import numpy as np
import pytest

from processor.card.geometry import order_corners, rectify
from processor.values import Quad
from tests.conftest import card_on_desk


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


def test_rectify_maps_quad_to_canonical_card() -> None:
    frame, corners = card_on_desk(30)
    quad = Quad(tuple((float(x), float(y)) for x, y in corners))
    card = rectify(frame, quad, 428)
    assert card.shape == (270, 428, 3)
    assert card[40:54, 40:300].mean() < 60  # the first text bar is where it was drawn
    assert card[100:110, 330:420].mean() > 200
