"""Generic geometry without models: corner order and rectification."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from processor.card.geometry import (
    corner_offsets,
    grown,
    order_corners,
    rectify,
    turned_quad,
    window_gradients,
)
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


@pytest.mark.parametrize(("width", "bicubic"), [(160, False), (320, True), (480, True)])
def test_rectify_enlarges_a_small_card_bicubically(width: int, bicubic: bool) -> None:
    # strokes 3 px wide, grey 60 on 200: linear interpolation never leaves that range,
    # bicubic overshoots at the edges (a stroke kept sharp instead of blurred into the next)
    image = np.full((64, 100, 3), 200, np.uint8)
    image[:, 10:90:6] = 60
    image[:, 11:90:6] = 60
    image[:, 12:90:6] = 60
    quad = Quad(((0.0, 0.0), (100.0, 0.0), (100.0, 64.0), (0.0, 64.0)))
    card = rectify(image, quad, width)
    overshoots = int(card.min()) < 60 or int(card.max()) > 200
    assert overshoots is bicubic  # enlarged 1.6x: linear; 3.2x and more: bicubic


@pytest.mark.parametrize("degrees", [3.0, -2.0, 8.0])
def test_turned_quad_levels_a_tilted_line(degrees: float) -> None:
    # a dark line tilted by ``degrees`` (clockwise) across a light 512 x 320 image
    image = np.full((320, 512, 3), 230, np.uint8)
    centre = np.array([256.0, 160.0])
    direction = np.array([np.cos(np.radians(degrees)), np.sin(np.radians(degrees))])
    a, b = centre - 200 * direction, centre + 200 * direction
    cv2.line(image, tuple(int(v) for v in a), tuple(int(v) for v in b), (20, 20, 20), 9)
    frame = Quad(((0.0, 0.0), (512.0, 0.0), (512.0, 320.0), (0.0, 320.0)))
    level = rectify(image, turned_quad(frame, degrees, (512, 320)), 512, 320)
    dark = np.argwhere(level[:, :, 0] < 100)
    rows_at = {
        int(x) // 64: float(np.mean(dark[dark[:, 1] // 64 == x // 64][:, 0])) for x in (128, 384)
    }
    assert abs(rows_at[2] - rows_at[6]) < 2.0  # the line's height the same left and right


FRAME = Quad(((0.0, 0.0), (800.0, 0.0), (800.0, 500.0), (0.0, 500.0)))


@pytest.mark.parametrize(
    ("quad", "offsets"),
    [
        (FRAME, [0.0, 0.0, 0.0, 0.0]),
        # the same corners in another order: each frame corner finds its own
        (FRAME.rotated(2), [0.0, 0.0, 0.0, 0.0]),
        # one corner cut off: only that corner of the frame is far
        (Quad(((3.0, 4.0), (800.0, 0.0), (800.0, 500.0), (30.0, 420.0))), [5.0, 0.0, 0.0, 85.44]),
        # a card inside a margin: every corner 10 px in both directions
        (Quad(((10.0, 10.0), (790.0, 10.0), (790.0, 490.0), (10.0, 490.0))), [14.142] * 4),
    ],
)
def test_corner_offsets_measure_each_frame_corner_to_the_nearest(
    quad: Quad, offsets: list[float]
) -> None:
    assert corner_offsets(quad, FRAME) == pytest.approx(offsets, abs=1e-3)


def test_turned_quad_by_nothing_is_the_quad() -> None:
    quad = Quad(((10.0, 20.0), (510.0, 30.0), (500.0, 340.0), (5.0, 330.0)))
    turned = turned_quad(quad, 0.0, (512, 320))
    np.testing.assert_allclose(turned.array(), quad.array(), atol=1e-3)


@pytest.mark.parametrize(
    "window",
    [(40, 30, 90, 45), (0, 0, 25, 120), (150, 70, 200, 120), (0, 100, 200, 120), (5, 5, 6, 6)],
)
def testwindow_gradients_of_a_window_are_the_whole_images(
    window: tuple[int, int, int, int],
) -> None:
    # refine_quad filters only the bands it samples: what it samples there must be what
    # filtering the whole image gives (at the image's own edges too)
    gray = np.random.default_rng(3).integers(0, 256, (120, 200), dtype=np.uint8)
    blurred = cv2.GaussianBlur(gray, (3, 3), 0).astype(np.float32)
    whole = (
        cv2.Sobel(blurred, cv2.CV_32F, 1, 0, ksize=3),
        cv2.Sobel(blurred, cv2.CV_32F, 0, 1, ksize=3),
    )
    x0, y0, x1, y1 = window
    gx, gy, ox, oy = window_gradients(gray, x0, y0, x1, y1)
    for part, full in zip((gx, gy), whole, strict=True):
        inside = part[y0 - int(oy) : y1 - int(oy), x0 - int(ox) : x1 - int(ox)]
        np.testing.assert_array_equal(inside, full[y0:y1, x0:x1])


def test_grown_extends_a_quad_in_the_cards_own_plane() -> None:
    square = Quad(((10, 20), (110, 20), (110, 70), (10, 70)), 0.8)
    wider = grown(square, 0.1, 0.2, 0.3, 0.0)
    assert np.allclose(wider.array(), [[0, 10], [140, 10], [140, 70], [0, 70]], atol=1e-4)
    assert wider.score == 0.8
    # a quad in perspective grows along its own sides (the far end shorter)
    trapezoid = Quad(((0, 0), (100, 20), (100, 60), (0, 80)))
    right = grown(trapezoid, 0.0, 0.0, 0.5, 0.0).array()
    top, bottom = right[1] - right[0], right[2] - right[3]
    assert abs(top[0] * 20 - top[1] * 100) < 1e-3  # on the line of the top side
    assert abs(bottom[0] * -20 - bottom[1] * 100) < 1e-3  # and of the bottom one
    assert right[2][1] - right[1][1] < 40  # shorter than the quad's far side
    assert np.allclose(grown(trapezoid, 0, 0, 0, 0).array(), trapezoid.array(), atol=1e-4)
