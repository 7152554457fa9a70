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
import itertools
import math
import re
from collections.abc import Callable, Sequence

import cv2
import numpy as np

from ..ocr.detect import TextDetector
from ..ocr.recognize import REC_HEIGHT, TextRecognizer
from ..values import Quad, TextLine
from .facts import ISSUER_LINE_RE, born_in_holders_years
from .geometry import refine_quad
from .template import ANCHOR_BOXES, CARD_ASPECT

#: Long side of the frame the full-image text detector sees (a multiple of 32).
DETECT_SIDE = 1024
#: At most this many detected boxes are read (largest first). A small card beside printed
#: pages has its lines far down that order (its id number 40th of 81 boxes, its 公民身份号码
#: 73rd, on a 400 px card among three pages); reading 48 instead of 16 costs ~50 ms of CPU
#: (v6 tiny, small crops) in a step that runs only when no outline reads as a card.
MAX_BOXES = 48
#: Boxes longer than this many times their height are body text, not an anchor's line.
MAX_ASPECT = 18.0
#: Only the first this-many line heights of a box are read (the id number is ~10).
READ_WINDOW = 16.0
#: Fewer anchors of a side than this read the first way round: the boxes are read turned too.
MIN_ANCHORS = 2
#: A box read with at least this mean confidence is the right way round (text read the
#: wrong way round scores far lower).
SURE_SCORE = 0.8
#: What an id number cut short by the read window looks like.
_CUT_ID = re.compile(r"^\d{12,17}$")
#: Fewer matched points than this (one box and a label's left edge) leave a homography
#: free to fold the card: a similarity is fitted instead.
MIN_HOMOGRAPHY_POINTS = 8
#: A homography only when the matched anchors span at least this fraction of the card's
#: width and of its height ...
MIN_HOMOGRAPHY_SPAN = 0.45
#: ... and stand on this many rows: the boxes of two rows (thin, their lengths their
#: typefaces') leave a homography free to bend the card to fit them (an id row and the
#: birth's left edge placed a tuned card 25% of its diagonal off; a similarity, 2%).
MIN_HOMOGRAPHY_ROWS = 3
#: A homography whose card has an edge this many times as long as the opposite one is no
#: view of a card (a phone held square to within ~60 degrees foreshortens far less): the
#: anchors' layout differs from the template's (a card printed with its values further
#: right), and the homography bent the card to fit them, swinging its far corners off (one
#: edge 2.1 and the other 3.6 times its opposite, on a clean card on a page). A similarity
#: places that card.
MAX_FORESHORTENING = 1.8
#: A registered outline is also proposed snapped to edges within this fraction of its
#: diagonal (the layout check keeps whichever fits the card's text better).
SNAP_BAND = 0.06
#: Around a rough outline, registration also sees this many card heights on each side.
NEAR_MARGIN = 0.3


@dataclasses.dataclass(frozen=True)
class Anchor:
    """Fixed printed text of the card and where its detected box lies on the card.

    ``box`` is (x0, y0, x1, y1) as fractions of the card's width and height, from the
    template (:data:`processor.card.template.ANCHOR_BOXES`).
    ``left_only``: the box runs on into a value of varying length, so only its left edge is
    a fixed position. ``check``: a further test of the text the pattern matched.
    ``typeface_length``: the text is always as long (18 digits) but its length is the
    typeface's: only its left edge is a fixed position whenever an anchor on another row
    places the card's scale (its length is the only scale of a card that shows nothing
    else).
    """

    name: str
    side: str
    pattern: re.Pattern[str]
    box: tuple[float, float, float, float]
    left_only: bool = False
    check: Callable[[str], bool] | None = None
    typeface_length: bool = False

    @property
    def row(self) -> float:
        """The centre of its box's height."""
        return (self.box[1] + self.box[3]) / 2


def _chars(text: str, least: int, longest: int) -> re.Pattern[str]:
    """Text of at most ``longest`` characters with at least ``least`` of ``text``'s own."""
    cls = "".join(sorted(set(text)))
    return re.compile(rf"^(?=(?:[^{cls}]*[{cls}]){{{least}}}).{{1,{longest}}}$")


#: 18 digits, or 17 (a blurred digit read as none: the box is the number's all the same).
_ID_NUMBER = re.compile(r"^\d{17}[\dXx]?$")
_DATE_RANGE_START = re.compile(r"^\d{4}\.?\d{2}\.?\d{2}-")
_ID_LABEL = _chars("公民身份号码", 4, 8)
#: 公民身份号码 boxed with the number (blurred, or printed close): label, then digits.
_ID_ROW = re.compile(r"^(\D{4,8}?)\d{8}")
#: The printed birth's start: year 年 (the year alone when the items are spaced apart), then
#: month 月 with no leading zero (a page's dates often have one).
_BIRTH_VALUE = re.compile(r"^(?:19|20)\d{2}年(?:[1-9]\d?月|$)")


def _id_row_label(text: str) -> bool:
    """The id number's row read with its label before the number."""
    found = _ID_ROW.match(text)
    return found is not None and _ID_LABEL.match(found.group(1)) is not None


ANCHORS: tuple[Anchor, ...] = (
    Anchor("id_label", "front", _ID_LABEL, ANCHOR_BOXES["id_label"]),
    Anchor(
        "id_value",
        "front",
        _ID_NUMBER,
        ANCHOR_BOXES["id_value"],
        # read upside down, 18 digits are still digits; they rarely hold a birth date
        check=born_in_holders_years,
        typeface_length=True,
    ),
    Anchor("name_label", "front", re.compile("^姓名"), ANCHOR_BOXES["name_label"], True),
    Anchor("gender_label", "front", re.compile("^性别"), ANCHOR_BOXES["gender_label"], True),
    Anchor("birth_label", "front", re.compile("^出生"), ANCHOR_BOXES["birth_label"], True),
    Anchor("address_label", "front", re.compile("^住址"), ANCHOR_BOXES["address_label"], True),
    Anchor("id_row", "front", _ID_ROW, ANCHOR_BOXES["id_row"], True, _id_row_label),
    Anchor("birth_value", "front", _BIRTH_VALUE, ANCHOR_BOXES["birth_value"], True),
    Anchor("title", "back", _chars("中华人民共和国", 5, 9), ANCHOR_BOXES["title"]),
    Anchor("subtitle", "back", _chars("居民身份证", 4, 7), ANCHOR_BOXES["subtitle"]),
    Anchor("issuer_label", "back", _chars("签发机关", 3, 5), ANCHOR_BOXES["issuer_label"]),
    Anchor("validity_label", "back", _chars("有效期限", 3, 5), ANCHOR_BOXES["validity_label"]),
    # a label the detector merged with its value: only its left edge is fixed
    Anchor("issuer_row", "back", re.compile("^签发机关."), ANCHOR_BOXES["issuer_row"], True),
    Anchor("validity_row", "back", re.compile("^有效期限."), ANCHOR_BOXES["validity_row"], True),
    # the values start at a fixed position after their labels
    Anchor("issuer_value", "back", ISSUER_LINE_RE, ANCHOR_BOXES["issuer_value"], True),
    Anchor("validity_value", "back", _DATE_RANGE_START, ANCHOR_BOXES["validity_value"], True),
)


@dataclasses.dataclass(frozen=True)
class AnchorMatch:
    anchor: Anchor
    corners: np.ndarray  # (4, 2) image points of the box, in reading order TL, TR, BR, BL


def match_anchor(text: str) -> Anchor | None:
    """The anchor a box's text reads as, if any (spaces ignored)."""
    compact = text.replace(" ", "")
    for anchor in ANCHORS:
        if anchor.pattern.search(compact) and (anchor.check is None or anchor.check(compact)):
            return anchor
    return None


def reading_orders(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two ways to read an oriented text box: corners TL, TR, BR, BL with TL -> TR along
    the long side, and the same box turned half a turn."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    if np.linalg.norm(pts[1] - pts[0]) < np.linalg.norm(pts[2] - pts[1]):
        pts = np.roll(pts, -1, axis=0)
    return pts, np.roll(pts, 2, axis=0)


#: Anchors whose rows' centres are this far apart (fraction of the card's height) stand on
#: different rows.
ROW_APART = 0.1


def _template_points(match: AnchorMatch, *, left_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """(image points, template points in card units: width CARD_ASPECT, height 1)."""
    x0, y0, x1, y1 = match.anchor.box
    template = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    template[:, 0] *= CARD_ASPECT
    image = match.corners.astype(np.float32)
    if left_only:
        return image[[0, 3]], template[[0, 3]]
    return image, template


def _rows(matches: Sequence[AnchorMatch]) -> int:
    """How many rows of the card ``matches`` stand on."""
    centres = sorted(m.anchor.row for m in matches)
    return 1 + sum(b - a > ROW_APART for a, b in itertools.pairwise(centres))


def _left_only(match: AnchorMatch, matches: Sequence[AnchorMatch], *, lengths: bool) -> bool:
    """Whether only ``match``'s left edge is a fixed position among ``matches``; ``lengths``:
    a typeface-length anchor's whole box counts even when another row gives the scale."""
    anchor = match.anchor
    if anchor.typeface_length and not lengths:
        return any(abs(m.anchor.row - anchor.row) > ROW_APART for m in matches)
    return anchor.left_only


def fit_card_quad(matches: Sequence[AnchorMatch]) -> Quad | None:
    """The card's corners (TL, TR, BR, BL of the upright card) from its anchors on one side.

    With anchors spread over the card, a homography (RANSAC over the box corners); with
    anchors on one row or one side only, a similarity, which cannot see perspective but
    still places the card: turned as the anchors' text runs, and placed and scaled by the
    positions fixed on the card (an id number's length is its typeface's, used only when
    nothing on another row gives the card's scale)."""
    if not matches:
        return None
    src, dst = _points(matches, lengths=True)
    span = (src.max(axis=0) - src.min(axis=0)) / (CARD_ASPECT, 1.0)
    quad: np.ndarray | None = None
    spread = len(src) >= MIN_HOMOGRAPHY_POINTS and span.min() >= MIN_HOMOGRAPHY_SPAN
    if spread and _rows(matches) >= MIN_HOMOGRAPHY_ROWS:
        matrix, _ = cv2.findHomography(src, dst, cv2.RANSAC, 0.02 * _scale(dst))
        quad = _card_corners(matrix)
        if quad is not None and _foreshortening(quad) > MAX_FORESHORTENING:
            quad = None
    if quad is None:
        # anchors bunched on one row or one side (perspective fitted there would swing the
        # far corners), too few points, or a homography that folds or bends the card
        quad = _card_corners(_agreeing_similarity(matches))
    if quad is None:
        return None
    return Quad.from_array(quad, float(len(matches)))


def _points(matches: Sequence[AnchorMatch], *, lengths: bool) -> tuple[np.ndarray, np.ndarray]:
    """(template points, image points) of ``matches`` (``lengths``: see :func:`_left_only`)."""
    pairs = [
        _template_points(m, left_only=_left_only(m, matches, lengths=lengths)) for m in matches
    ]
    return np.concatenate([t for _, t in pairs]), np.concatenate([i for i, _ in pairs])


#: In a similarity fitted to anchors, a box this far (fraction of the card's height) from
#: where the fit puts it is no anchor of that card (a page's date taken for the birth).
MAX_RESIDUAL = 0.12


def _agreeing_similarity(matches: Sequence[AnchorMatch]) -> np.ndarray:
    """The similarity fitted to ``matches`` (in :data:`ANCHORS` order, surest first) less,
    one at a time, the least sure of them while some box lies more than MAX_RESIDUAL off."""
    matches = sorted(matches, key=lambda m: ANCHORS.index(m.anchor))
    while True:
        src, dst = _points(matches, lengths=False)
        matrix = _similarity(src, dst, _text_angle(matches))
        if len(matches) == 1:
            return matrix
        height = float(np.hypot(matrix[0, 0], matrix[1, 0]))  # the card's, in the image
        placed = cv2.perspectiveTransform(src[None].astype(np.float32), matrix)[0]
        if float(np.linalg.norm(placed - dst, axis=1).max()) <= MAX_RESIDUAL * height:
            return matrix
        matches = matches[:-1]


def _text_angle(matches: Sequence[AnchorMatch]) -> float:
    """The angle (radians) the anchors' text runs at in the image: the mean direction of
    their boxes' long edges, each weighted by its length (the template's boxes run level)."""
    runs = np.concatenate(
        [[m.corners[1] - m.corners[0], m.corners[2] - m.corners[3]] for m in matches]
    ).astype(np.float64)
    total = runs.sum(axis=0)
    return float(np.arctan2(total[1], total[0]))


def _similarity(src: np.ndarray, dst: np.ndarray, angle: float) -> np.ndarray:
    """The similarity (3x3) turning by ``angle`` that maps ``src`` onto ``dst`` best (least
    squares on its scale and shift): which way the text runs is read off whole boxes, and
    only positions fixed on the card (left edges, fixed-length texts) place and scale it."""
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    turned = src.astype(np.float64) @ turn.T
    centred = turned - turned.mean(axis=0)
    spread = float((centred**2).sum())
    target = dst.astype(np.float64)
    scale = float((centred * (target - target.mean(axis=0))).sum()) / max(spread, 1e-9)
    shift = target.mean(axis=0) - scale * turned.mean(axis=0)
    return np.vstack([np.hstack([scale * turn, shift[:, None]]), [0.0, 0.0, 1.0]])


def _card_corners(matrix: np.ndarray | None) -> np.ndarray | None:
    """The card's corners under ``matrix`` (template -> image), None unless a convex quad."""
    if matrix is None:
        return None
    corners = np.array([[0, 0], [CARD_ASPECT, 0], [CARD_ASPECT, 1], [0, 1]], np.float32)
    quad: np.ndarray = cv2.perspectiveTransform(corners[None], matrix)[0]
    if not np.all(np.isfinite(quad)) or not cv2.isContourConvex(quad.astype(np.float32)):
        return None
    return quad


def _foreshortening(quad: np.ndarray) -> float:
    """How many times as long as its opposite the longer of each two opposite edges of
    ``quad`` is, the larger of the two pairs."""
    edges = np.maximum(np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1), 1e-6)
    top, right, bottom, left = (float(e) for e in edges)
    return max(max(top, bottom) / min(top, bottom), max(right, left) / min(right, left))


def _scale(points: np.ndarray) -> float:
    span = points.max(axis=0) - points.min(axis=0)
    return float(max(span.max(), 1.0))


def register(image: np.ndarray, detector: TextDetector, recognizer: TextRecognizer) -> list[Quad]:
    """Card quadrilaterals registered from the anchors read in ``image``, best first, each
    also snapped to the card's edges when they can be seen."""
    h, w = image.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(h, w))
    dw, dh = (max(32, round(w * scale / 32) * 32), max(32, round(h * scale / 32) * 32))
    small = cv2.resize(image, (dw, dh), interpolation=cv2.INTER_AREA)
    to_image = np.array([w / dw, h / dh], np.float32)
    boxes = [b * to_image for b in detector.oriented(small) if _line_like(b)]
    boxes.sort(key=lambda b: -float(cv2.contourArea(b)))
    matches = _read_anchors(image, boxes[:MAX_BOXES], recognizer)
    quads = [fit_card_quad(found) for found in matches.values() if found]
    out = []
    for quad in sorted((q for q in quads if q is not None), key=lambda q: -q.score):
        # anchors place the card to a few percent; its edges, where they can be seen, exactly
        snapped = refine_quad(image, quad, band_fraction=SNAP_BAND)
        out.extend([snapped, quad] if snapped != quad else [quad])
    return out


def register_near(
    image: np.ndarray,
    quad: Quad,
    detector: TextDetector,
    recognizer: TextRecognizer,
    *,
    margin: float = NEAR_MARGIN,
) -> list[Quad]:
    """Registration around a rough outline: the region of ``quad`` plus ``margin`` card
    heights on every side is warped to a canvas where the card spans most of the detector's
    input, the anchors are read there, and the quads found are mapped back to ``image``.

    A card small in a big frame has text too small for the whole-frame detector, and an
    outline that is a little off (a rounded corner, the card's shadow, a mask cut by the
    frame) shifts the field rows; in both cases the outline still says where the card is,
    which is all this needs. Which corner comes first does not matter (anchors are read both
    ways round), only that the canvas is not squashed: its long side takes the card's."""
    card_w = DETECT_SIDE / (1.0 + 2.0 * margin / CARD_ASPECT)
    card_h = card_w / CARD_ASPECT
    pad = margin * card_h
    target = np.array(
        [[pad, pad], [pad + card_w, pad], [pad + card_w, pad + card_h], [pad, pad + card_h]],
        np.float32,
    )
    corners = quad.array()
    sides = np.linalg.norm(np.roll(corners, -1, axis=0) - corners, axis=1)
    if sides[0] + sides[2] < sides[1] + sides[3]:
        corners = np.roll(corners, -1, axis=0)  # the card's long side along the canvas's
    matrix = cv2.getPerspectiveTransform(corners, target)
    size = (round(card_w + 2 * pad), round(card_h + 2 * pad))
    canvas = cv2.warpPerspective(
        image, matrix, size, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )
    back = np.linalg.inv(matrix)
    return [
        Quad.from_array(cv2.perspectiveTransform(found.array()[None], back)[0], found.score)
        for found in register(canvas, detector, recognizer)
    ]


def _line_like(box: np.ndarray) -> bool:
    """A box that may hold an anchor: a line, not a blob or a long line of body text."""
    a, b = (float(np.linalg.norm(box[i + 1] - box[i])) for i in range(2))
    short, long = min(a, b), max(a, b)
    return short >= 4 and 1.5 <= long / short <= MAX_ASPECT


def _read_anchors(
    image: np.ndarray, boxes: Sequence[np.ndarray], recognizer: TextRecognizer
) -> dict[str, list[AnchorMatch]]:
    """Read each box the way round its text runs more to the right, then turned half a turn
    where that read is not sure (:data:`SURE_SCORE`), or where it is no anchor and the box is
    steep (:func:`steep`: which way round it runs is then a guess, and an id number read
    upside down can read sure): most boxes are read once. When that finds fewer than
    MIN_ANCHORS anchors of either side, the card may be upside down with its text read sure
    the wrong way round (digits read upside down are digits): every box read once is read
    turned as well."""
    ahead = [rightwards(box) for box in boxes]
    lines = _read_lines(image, ahead, recognizer)
    doubtful = [
        not _sure(line) or (steep(o) and match_anchor(line.text) is None)
        for o, line in zip(ahead, lines, strict=True)
    ]
    turned = [np.roll(o, 2, axis=0) for o, turn in zip(ahead, doubtful, strict=True) if turn]
    orders = [*ahead, *turned]
    lines += _read_lines(image, turned, recognizer)
    matches = _matches(orders, lines)
    if max(len(found) for found in matches.values()) < MIN_ANCHORS:
        rest = [
            np.roll(o, 2, axis=0)
            for o, line, turn in zip(ahead, lines[: len(ahead)], doubtful, strict=True)
            if not turn and match_anchor(line.text) is None
        ]
        matches = _matches([*orders, *rest], lines + _read_lines(image, rest, recognizer))
    return matches


def _matches(
    orders: Sequence[np.ndarray], lines: Sequence[TextLine]
) -> dict[str, list[AnchorMatch]]:
    """Per side, the first box read as each of its anchors."""
    matches: dict[str, list[AnchorMatch]] = {"front": [], "back": []}
    for order, line in zip(orders, lines, strict=True):
        anchor = match_anchor(line.text)
        if anchor is not None and all(m.anchor is not anchor for m in matches[anchor.side]):
            matches[anchor.side].append(AnchorMatch(anchor, order))
    return matches


def rightwards(box: np.ndarray) -> np.ndarray:
    """Of a box's two reading orders, the one whose TL -> TR runs more to the right."""
    ahead, turned = reading_orders(box)
    return ahead if ahead[1][0] - ahead[0][0] >= turned[1][0] - turned[0][0] else turned


#: A box whose text runs more than this many degrees off the horizontal is steep.
STEEP_DEGREES = 45.0


def steep(order: np.ndarray) -> bool:
    """Whether the text of a box (read TL -> TR) runs closer to vertical than horizontal."""
    dx, dy = (order[1] - order[0]).tolist()
    return bool(abs(dy) > abs(dx) * math.tan(math.radians(STEEP_DEGREES)))


def _sure(line: TextLine) -> bool:
    return line.score >= SURE_SCORE and len(line.text.strip()) >= 2


def _read_lines(
    image: np.ndarray, orders: Sequence[np.ndarray], recognizer: TextRecognizer
) -> list[TextLine]:
    if not orders:
        return []
    lines = recognizer([_warp_line(image, order) for order in orders])
    # an id number whose box ran past the window: read that box whole
    cut = [i for i, line in enumerate(lines) if _CUT_ID.match(line.text.replace(" ", ""))]
    if cut:
        whole = recognizer([_warp_line(image, orders[i], window=None) for i in cut])
        for i, line in zip(cut, whole, strict=True):
            lines[i] = line
    return lines


def _warp_line(
    image: np.ndarray, order: np.ndarray, *, window: float | None = READ_WINDOW
) -> np.ndarray:
    """The box's text upright, REC_HEIGHT high; only its first ``window`` heights (every
    anchor is shorter, and prefix anchors start the line); None: all of it."""
    length = float(np.linalg.norm(order[1] - order[0]))
    height = max(float(np.linalg.norm(order[3] - order[0])), 1.0)
    keep = 1.0 if window is None else min(1.0, window * height / max(length, 1.0))
    end_top = order[0] + (order[1] - order[0]) * keep
    end_bottom = order[3] + (order[2] - order[3]) * keep
    source = np.array([order[0], end_top, end_bottom, order[3]], np.float32)
    out_w = max(8, round(REC_HEIGHT * length * keep / height))
    target = np.array([[0, 0], [out_w, 0], [out_w, REC_HEIGHT], [0, REC_HEIGHT]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    return cv2.warpPerspective(image, matrix, (out_w, REC_HEIGHT), flags=cv2.INTER_LINEAR)
