"""Registration from printed anchors: text matching and the geometry, without models."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from processor.cardfacts import CARD_ASPECT
from processor.register import ANCHORS, AnchorMatch, fit_card_quad, match_anchor, reading_orders


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公民身份号码", "id_label"),
        ("公民身份号", "id_label"),
        ("11010519491231002X", "id_value"),
        ("110105194912310021", "id_value"),
        ("1101051949123100", None),
        ("姓名 张三", "name_label"),
        ("性别男 民族汉", "gender_label"),
        ("出生1990年1月1日", "birth_label"),
        ("住址北京市东城区", "address_label"),
        ("中华人民共和国", "title"),
        ("中华人民共和", "title"),
        ("居民身份证", "subtitle"),
        ("签发机关", "issuer_label"),
        ("有效期限", "validity_label"),
        ("本公司定于下周", None),
        ("中华人民共和国成立七十周年纪念大会", None),
        ("", None),
    ],
)
def test_match_anchor(text: str, expected: str | None) -> None:
    anchor = match_anchor(text)
    assert (anchor.name if anchor else None) == expected


def test_reading_orders_start_on_a_long_side() -> None:
    tall = np.array([[10, 0], [10, 100], [0, 100], [0, 0]], np.float32)  # vertical line
    ahead, back = reading_orders(tall)
    assert np.linalg.norm(ahead[1] - ahead[0]) == pytest.approx(100)
    assert np.array_equal(back, np.roll(ahead, 2, axis=0))


def _project(matrix: np.ndarray, pts: np.ndarray) -> np.ndarray:
    out: np.ndarray = cv2.perspectiveTransform(pts[None].astype(np.float32), matrix)[0]
    return out


def _matches(matrix: np.ndarray, names: list[str]) -> list[AnchorMatch]:
    found = []
    for anchor in ANCHORS:
        if anchor.name in names:
            x0, y0, x1, y1 = anchor.box
            box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
            box[:, 0] *= CARD_ASPECT
            found.append(AnchorMatch(anchor, _project(matrix, box)))
    return found


CARD = np.array([[0, 0], [CARD_ASPECT, 0], [CARD_ASPECT, 1], [0, 1]], np.float32)


@pytest.mark.parametrize(
    ("corners", "names", "tolerance"),
    [
        # the back's four anchors under perspective and a quarter turn: a homography
        (
            [[900, 100], [950, 820], [420, 800], [380, 140]],
            ["title", "subtitle", "issuer_label", "validity_label"],
            1.0,
        ),
        # the front's labels (left edges only) and the id row
        (
            [[100, 100], [700, 120], [690, 500], [110, 470]],
            ["id_label", "id_value", "name_label", "birth_label"],
            1.0,
        ),
        # one row only: a similarity, exact when the card is seen square on
        (
            [
                [300, 200],
                [300 + 160 * CARD_ASPECT, 200],
                [300 + 160 * CARD_ASPECT, 360],
                [300, 360],
            ],
            ["id_label", "id_value"],
            1.0,
        ),
    ],
)
def test_fit_card_quad_recovers_the_corners(
    corners: list[list[float]], names: list[str], tolerance: float
) -> None:
    matrix = cv2.getPerspectiveTransform(CARD, np.array(corners, np.float32))
    quad = fit_card_quad(_matches(matrix, names))
    assert quad is not None
    assert np.abs(quad.array() - np.array(corners, np.float32)).max() < tolerance


def test_fit_card_quad_without_anchors() -> None:
    assert fit_card_quad([]) is None
