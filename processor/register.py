"""Card registration from recognised text: the fallback when no card outline is found.

When the card's edge cannot be seen (a white card on a white desk, a card half under other
papers) its printed text still can. Text is detected over the whole frame with oriented
boxes; each box is read both ways round; boxes that read as one of the card's fixed printed
anchors (公民身份号码, the id number and the row labels on the front; 中华人民共和国,
居民身份证, 签发机关, 有效期限 on the back) are matched to the anchors' template positions,
and the transform that maps the template onto the image gives the card's four corners.

The geometry (:func:`match_anchor`, :func:`fit_card_quad`) is pure and model-free; only
:func:`register` runs the models. The quadrilaterals it returns are proposals: the pipeline
verifies them against the layout exactly like outline candidates.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import cv2
import numpy as np

from .card import Quad
from .cardfacts import CARD_ASPECT
from .ocr import REC_HEIGHT, OcrEngine

#: Long side of the frame the full-image text detector sees (a multiple of 32).
DETECT_SIDE = 1024
#: At most this many detected boxes are read (largest first), each both ways round.
MAX_BOXES = 12
#: Boxes longer than this many times their height are body text, not an anchor's line.
MAX_ASPECT = 18.0
#: Only the first this-many line heights of a box are read (the id number is ~10).
READ_WINDOW = 14.0


@dataclasses.dataclass(frozen=True)
class Anchor:
    """Fixed printed text of the card and where its detected box lies on the card.

    ``box`` is (x0, y0, x1, y1) as fractions of the card's width and height, measured from
    detector boxes on rectified cards. ``left_only``: the box runs on into a value of
    varying length, so only its left edge is a fixed position.
    """

    name: str
    side: str
    pattern: re.Pattern[str]
    box: tuple[float, float, float, float]
    left_only: bool = False


def _chars(text: str, least: int, longest: int) -> re.Pattern[str]:
    """Text of at most ``longest`` characters with at least ``least`` of ``text``'s own."""
    cls = "".join(sorted(set(text)))
    return re.compile(rf"^(?=(?:[^{cls}]*[{cls}]){{{least}}}).{{1,{longest}}}$")


ANCHORS: tuple[Anchor, ...] = (
    Anchor("id_label", "front", _chars("公民身份号码", 4, 8), (0.076, 0.812, 0.275, 0.874)),
    Anchor("id_value", "front", re.compile(r"^\d{17}[\dXx]$"), (0.361, 0.802, 0.955, 0.867)),
    Anchor("name_label", "front", re.compile("^姓名"), (0.066, 0.128, 0.288, 0.199), True),
    Anchor("gender_label", "front", re.compile("^性别"), (0.068, 0.267, 0.214, 0.332), True),
    Anchor("birth_label", "front", re.compile("^出生"), (0.074, 0.381, 0.489, 0.441), True),
    Anchor("address_label", "front", re.compile("^住址"), (0.075, 0.503, 0.571, 0.564), True),
    Anchor("title", "back", _chars("中华人民共和国", 5, 9), (0.342, 0.144, 0.787, 0.230)),
    Anchor("subtitle", "back", _chars("居民身份证", 4, 7), (0.319, 0.310, 0.835, 0.437)),
    Anchor("issuer_label", "back", _chars("签发机关", 3, 5), (0.192, 0.688, 0.334, 0.752)),
    Anchor("validity_label", "back", _chars("有效期限", 3, 5), (0.198, 0.815, 0.339, 0.877)),
)


@dataclasses.dataclass(frozen=True)
class AnchorMatch:
    anchor: Anchor
    corners: np.ndarray  # (4, 2) image points of the box, in reading order TL, TR, BR, BL


def match_anchor(text: str) -> Anchor | None:
    """The anchor a box's text reads as, if any (spaces ignored)."""
    compact = text.replace(" ", "")
    for anchor in ANCHORS:
        if anchor.pattern.search(compact):
            return anchor
    return None


def reading_orders(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two ways to read an oriented text box: corners TL, TR, BR, BL with TL -> TR along
    the long side, and the same box turned half a turn."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    if np.linalg.norm(pts[1] - pts[0]) < np.linalg.norm(pts[2] - pts[1]):
        pts = np.roll(pts, -1, axis=0)
    return pts, np.roll(pts, 2, axis=0)


def _template_points(match: AnchorMatch) -> tuple[np.ndarray, np.ndarray]:
    """(image points, template points in card units: width CARD_ASPECT, height 1)."""
    x0, y0, x1, y1 = match.anchor.box
    template = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    template[:, 0] *= CARD_ASPECT
    image = match.corners.astype(np.float32)
    if match.anchor.left_only:
        return image[[0, 3]], template[[0, 3]]
    return image, template


def fit_card_quad(matches: Sequence[AnchorMatch]) -> Quad | None:
    """The card's corners (TL, TR, BR, BL of the upright card) from its anchors on one side.

    With anchors on at least two rows, a homography (RANSAC over the box corners); with one
    row only, a similarity, which cannot see perspective but still places the card."""
    if not matches:
        return None
    pairs = [_template_points(m) for m in matches]
    src = np.concatenate([t for _, t in pairs])
    dst = np.concatenate([i for i, _ in pairs])
    rows = {round(m.anchor.box[1], 1) for m in matches}
    corners = np.array([[0, 0], [CARD_ASPECT, 0], [CARD_ASPECT, 1], [0, 1]], np.float32)
    matrix: np.ndarray | None = None
    if len(rows) >= 2 and len(src) >= 6:
        matrix, _ = cv2.findHomography(src, dst, cv2.RANSAC, 0.02 * _scale(dst))
    if matrix is None:
        affine: np.ndarray | None = cv2.estimateAffinePartial2D(src, dst)[0]
        if affine is None:
            return None
        matrix = np.vstack([affine, [0.0, 0.0, 1.0]])
    quad = cv2.perspectiveTransform(corners[None], matrix)[0]
    if not np.all(np.isfinite(quad)) or not cv2.isContourConvex(quad.astype(np.float32)):
        return None
    return Quad(tuple((float(x), float(y)) for x, y in quad), float(len(matches)))


def _scale(points: np.ndarray) -> float:
    span = points.max(axis=0) - points.min(axis=0)
    return float(max(span.max(), 1.0))


def register(image: np.ndarray, engine: OcrEngine) -> list[Quad]:
    """Card quadrilaterals registered from the anchors read in ``image``, best first."""
    h, w = image.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(h, w))
    dw, dh = (max(32, round(w * scale / 32) * 32), max(32, round(h * scale / 32) * 32))
    small = cv2.resize(image, (dw, dh), interpolation=cv2.INTER_AREA)
    to_image = np.array([w / dw, h / dh], np.float32)
    boxes = [b * to_image for b in engine.detector.oriented(small) if _line_like(b)]
    boxes.sort(key=lambda b: -float(cv2.contourArea(b)))
    orders = [order for b in boxes[:MAX_BOXES] for order in reading_orders(b)]
    matches = _read_anchors(image, orders, engine)
    quads = [fit_card_quad(found) for found in matches.values() if found]
    return sorted((q for q in quads if q is not None), key=lambda q: -q.score)


def _line_like(box: np.ndarray) -> bool:
    """A box that may hold an anchor: a line, not a blob or a long line of body text."""
    a, b = (float(np.linalg.norm(box[i + 1] - box[i])) for i in range(2))
    short, long = min(a, b), max(a, b)
    return short >= 4 and 1.5 <= long / short <= MAX_ASPECT


def _read_anchors(
    image: np.ndarray, orders: Sequence[np.ndarray], engine: OcrEngine
) -> dict[str, list[AnchorMatch]]:
    crops = [_warp_line(image, order) for order in orders]
    lines = engine.recognizer(crops) if crops else []
    matches: dict[str, list[AnchorMatch]] = {"front": [], "back": []}
    for order, line in zip(orders, lines, strict=True):
        anchor = match_anchor(line.text)
        if anchor is not None and all(m.anchor is not anchor for m in matches[anchor.side]):
            matches[anchor.side].append(AnchorMatch(anchor, order))
    return matches


def _warp_line(image: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The box's text upright, REC_HEIGHT high; only its first READ_WINDOW heights (every
    anchor is shorter, and prefix anchors start the line)."""
    length = float(np.linalg.norm(order[1] - order[0]))
    height = max(float(np.linalg.norm(order[3] - order[0])), 1.0)
    keep = min(1.0, READ_WINDOW * height / max(length, 1.0))
    end_top = order[0] + (order[1] - order[0]) * keep
    end_bottom = order[3] + (order[2] - order[3]) * keep
    source = np.array([order[0], end_top, end_bottom, order[3]], np.float32)
    out_w = max(8, round(REC_HEIGHT * length * keep / height))
    target = np.array([[0, 0], [out_w, 0], [out_w, REC_HEIGHT], [0, REC_HEIGHT]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    return cv2.warpPerspective(image, matrix, (out_w, REC_HEIGHT), flags=cv2.INTER_LINEAR)
