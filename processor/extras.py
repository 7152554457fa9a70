"""Opt-in extras beyond the documented response: ``options=confidence,location,portrait,warnings``.

Requested with the optional ``options`` request field (form, multipart or JSON; in JSON also a
list of names). Without it the response is exactly the documented one. The extras are added to
``data`` after the documented keys, only when a card was read (codes 200-209):

- ``confidence``: per returned field, 0-1: the recogniser's score (mean character probability;
  the weakest character for the id number) times a validation factor (1.0 when the card's own
  redundancy confirms the value, :data:`UNCHECKED` when nothing could check it).
- ``location``: the card's corners and each returned field's quadrilateral in pixels of the
  image file as stored (before its EXIF orientation is applied), and the card's rotation.
- ``portrait``: the front's photo area, upright, JPEG, base64 (``null`` on a back).
- ``warnings``: ``{"value": bool, "score": 0-1}`` per check: image quality (blur, glare over a
  field, card cut off by the frame, black-and-white copy) and the card's consistency (validity
  expired on the request date; id number check character, birth and gender).
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from .card.facts import (
    LONG_TERM,
    birth_from_id,
    check_char,
    format_date,
    gender_from_id,
)
from .card.geometry import rectify
from .card.template import (
    CARD_ASPECT,
    FRONT_VALUE_X,
    GENDER_VALUE_X1,
    PORTRAIT_CROP,
    RACE_VALUE_X,
)
from .decode import ImageTransform
from .errors import bad_request
from .read import fields as fp
from .read.outcome import CardReading
from .values import Box, TextLine

#: The option names, in the order their keys are added to ``data``.
OPTIONS = ("confidence", "location", "portrait", "warnings")
#: Validation factor of a field no independent check could confirm (name, address; birth and
#: gender when the id number was not read).
UNCHECKED = 0.9
#: Width of the rectified card the image-quality checks look at.
QUALITY_WIDTH = 640
PORTRAIT_QUALITY = 90

_SPLIT = re.compile(r"[\s,;|+]+")
#: Look-alikes in a read id number (as the field parser maps them).
_ID_READS = str.maketrans("×ⅩxOoDQIl|", "XXX0000111")


# -- options -----------------------------------------------------------------------------
def parse_options(text: str) -> tuple[str, ...]:
    """``"warnings, confidence"`` -> the known names in :data:`OPTIONS` order; ``all`` = every
    one. An unknown name is a bad request (code -1, HTTP 400) naming it."""
    if len(text) > 200:
        raise bad_request("field 'options' is too long")
    names = {n.lower() for n in _SPLIT.split(text.strip()) if n}
    if "all" in names:
        names = (names - {"all"}) | set(OPTIONS)
    unknown = sorted(names - set(OPTIONS))
    if unknown:
        raise bad_request(
            f"unknown option {', '.join(repr(n) for n in unknown)} in field 'options'; "
            f"known: {', '.join(OPTIONS)}, all"
        )
    return tuple(o for o in OPTIONS if o in names)


def build_extras(
    options: Sequence[str],
    result: CardReading,
    data: dict[str, Any],
    image: np.ndarray,
    transform: ImageTransform,
    *,
    today: dt.date,
) -> dict[str, Any]:
    """The requested extras for a read card (``data`` is the documented payload)."""
    names = [k for k in data if k not in ("type", "idcard_image")]
    out: dict[str, Any] = {}
    for option in options:
        if option == "confidence":
            out["confidence"] = {n: round(field_confidence(result, n), 3) for n in names}
        elif option == "location":
            out["location"] = location(result, names, transform)
        elif option == "portrait":
            out["portrait"] = portrait(result.card_image) if result.side == "front" else None
        elif option == "warnings":
            out["warnings"] = warnings(result, image, transform, today=today)
    return out


# -- confidence ----------------------------------------------------------------------------
def field_confidence(result: CardReading, name: str) -> float:
    field = result.fields.get(name)
    if field is None or field.value is None:
        return 0.0
    factor = 1.0
    if name in ("name", "address"):
        factor = UNCHECKED
    elif name in ("birth", "gender"):
        id_field = result.fields.get("id_no")
        factor = 1.0 if id_field is not None and id_field.value is not None else UNCHECKED
    return max(0.0, min(1.0, field.confidence * factor))


# -- location ------------------------------------------------------------------------------
def _card_homography(result: CardReading) -> np.ndarray:
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float32)
    return np.asarray(cv2.getPerspectiveTransform(unit, result.quad.array()), np.float64)


def card_to_image(result: CardReading, points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Points normalised to the upright card (0..1) -> the decoded image's pixels."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 1, 2)
    return np.asarray(cv2.perspectiveTransform(pts, _card_homography(result)), np.float64).reshape(
        -1, 2
    )


def _box_corners(box: Box) -> list[tuple[float, float]]:
    return [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]


def field_boxes(result: CardReading) -> dict[str, Box]:
    """Each field's value area on the upright card (normalised), from the recognised crops."""
    rows = result.regions.rows
    out: dict[str, Box] = {}

    def first(row: str) -> Box | None:
        found = rows.get(row) or ()
        return found[0] if found else None

    if result.side == "front":
        for name in ("name", "birth"):
            box = first(name)
            if box is not None:  # (a label read alone leaves no value width: keep a minimum)
                x1 = max(box.x1, FRONT_VALUE_X + 0.08)
                out[name] = Box(max(box.x0, FRONT_VALUE_X), box.y0, x1, box.y1)
        row = first("gender_race")
        if row is not None:
            out["gender"] = Box(max(row.x0, FRONT_VALUE_X), row.y0, GENDER_VALUE_X1, row.y1)
            out["race"] = Box(RACE_VALUE_X, row.y0, max(row.x1, RACE_VALUE_X + 0.05), row.y1)
        lines = rows.get("address") or ()
        if lines:
            out["address"] = Box(
                max(min(b.x0 for b in lines), FRONT_VALUE_X),
                min(b.y0 for b in lines),
                max(b.x1 for b in lines),
                max(b.y1 for b in lines),
            )
        box = first("id_no")
        if box is not None:
            out["id_no"] = box
    else:
        for name in ("issued_by", "valid_date"):
            box = first(name)
            if box is not None:
                out[name] = box
    return out


def _quad_out(points: np.ndarray, transform: ImageTransform) -> list[list[float]]:
    return [[round(v, 1) for v in transform.to_original(float(x), float(y))] for x, y in points]


def location(
    result: CardReading, names: Sequence[str], transform: ImageTransform
) -> dict[str, Any]:
    card = _quad_out(card_to_image(result, _box_corners(Box(0, 0, 1, 1))), transform)
    dx, dy = card[1][0] - card[0][0], card[1][1] - card[0][1]
    angle = math.degrees(math.atan2(dy, dx)) % 360.0
    boxes = field_boxes(result)
    return {
        "card": card,
        "rotation": round(angle / 90.0) % 4 * 90,
        "angle": round(angle, 1),
        "image": {
            "width": transform.width,
            "height": transform.height,
            "orientation": transform.orientation,
        },
        "fields": {
            n: _quad_out(card_to_image(result, _box_corners(boxes[n])), transform)
            for n in names
            if n in boxes
        },
    }


# -- portrait ------------------------------------------------------------------------------
def crop(card: np.ndarray, box: Box) -> np.ndarray:
    h, w = card.shape[:2]
    x0, x1 = max(0, int(box.x0 * w)), min(w, math.ceil(box.x1 * w))
    y0, y1 = max(0, int(box.y0 * h)), min(h, math.ceil(box.y1 * h))
    return card[y0:y1, x0:x1]


def portrait(card: np.ndarray) -> str:
    ok, jpeg = cv2.imencode(
        ".jpg", crop(card, PORTRAIT_CROP), [cv2.IMWRITE_JPEG_QUALITY, PORTRAIT_QUALITY]
    )
    if not ok:  # pragma: no cover - imencode of a valid uint8 image does not fail
        raise RuntimeError("could not encode the portrait")
    return base64.b64encode(jpeg.tobytes()).decode("ascii")


# -- warnings ------------------------------------------------------------------------------
def _warning(value: bool, score: float, **more: Any) -> dict[str, Any]:
    return {"value": bool(value), "score": round(max(0.0, min(1.0, score)), 3), **more}


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 at ``lo``, 1 at ``hi`` (either order), linear between."""
    if hi == lo:
        return 1.0 if x >= hi else 0.0
    return max(0.0, min(1.0, (x - lo) / (hi - lo)))


#: Thresholds, calibrated on synthetic cards (tests/test_extras.py has the positive and
#: negative examples): a warning's value is ``score >= 0.5``.
BLUR_SHARP, BLUR_SOFT = 0.42, 0.30  # text edge steepness (99th pct gradient / contrast)
GLARE_CLEAN, GLARE_BAD = 0.05, 0.2  # share of a field's character cells washed out
GLARE_BRIGHT, GLARE_CONTRAST = 247.0, 60.0  # a washed-out cell: mean above, contrast below
BORDER_MARGIN = 0.004  # of the image's long side: corners closer than this touch the frame
BORDER_ASPECT_OK, BORDER_ASPECT_BAD = 0.03, 0.08  # |log(outline aspect / card aspect)|
GRAY_COLOURED, GRAY_FLAT = 3.0, 1.0  # chroma spread (Lab units, 90th percentile)


def quality_card(result: CardReading, image: np.ndarray) -> np.ndarray:
    """The card rectified at :data:`QUALITY_WIDTH` from the decoded image (never enlarged
    beyond the card's own resolution, so a small card is judged at its own sharpness)."""
    pts = result.quad.array()
    native = float(max(np.linalg.norm(pts[1] - pts[0]), np.linalg.norm(pts[2] - pts[3])))
    width = max(64, min(QUALITY_WIDTH, round(native)))
    card = rectify(image, result.quad, width)
    if width < QUALITY_WIDTH:
        h = round(QUALITY_WIDTH * card.shape[0] / card.shape[1])
        card = cv2.resize(card, (QUALITY_WIDTH, h), interpolation=cv2.INTER_LINEAR)
    return card


def blur_score(gray: np.ndarray, boxes: Sequence[Box]) -> float:
    """0 sharp .. 1 blurred: how steep the text edges are for their contrast."""
    values = []
    for box in boxes:
        region = crop(gray, box).astype(np.float32)
        if region.size < 64:
            continue
        gx = cv2.Sobel(region, cv2.CV_32F, 1, 0, ksize=3) / 8.0
        gy = cv2.Sobel(region, cv2.CV_32F, 0, 1, ksize=3) / 8.0
        grad = float(np.percentile(np.hypot(gx, gy), 99))
        contrast = float(np.percentile(region, 95) - np.percentile(region, 5))
        if contrast < 20:
            continue
        values.append(grad / contrast)
    if not values:
        return 1.0
    return _ramp(float(np.median(values)), BLUR_SHARP, BLUR_SOFT)


def glare_fields(card: np.ndarray, boxes: dict[str, Box]) -> dict[str, float]:
    """Per field, the share of its character cells that are washed out: bright and without
    the contrast of print (a brightly lit card keeps dark print; glare lifts it)."""
    gray = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    out = {}
    for name, box in boxes.items():
        region = crop(gray, box)
        h, w = region.shape[:2]
        if h < 4 or w < 4:
            continue
        cells = [region[:, x : x + h] for x in range(0, w - h // 2, h)] or [region]
        washed = [
            float(c.mean()) >= GLARE_BRIGHT
            and float(np.percentile(c, 95) - np.percentile(c, 5)) < GLARE_CONTRAST
            for c in cells
        ]
        out[name] = sum(washed) / len(washed)
    return out


def border_score(result: CardReading, image_shape: tuple[int, ...]) -> float:
    """0 the whole card is inside the frame .. 1 it runs out of it.

    A corner on (or beyond) the frame's edge, together with a card outline whose aspect is
    not the card's (the localiser then found the visible part only), means it is cut off.
    """
    h, w = image_shape[:2]
    corners = card_to_image(result, _box_corners(Box(0, 0, 1, 1)))
    margin = BORDER_MARGIN * max(h, w)
    distance = min(
        min(float(x), float(y), w - float(x), h - float(y)) for x, y in corners
    )  # negative: outside
    touching = _ramp(distance, margin, 0.0)
    if distance < -margin:  # a corner clearly outside the frame: the card is cut off
        return 1.0
    pts = result.quad.array()
    long = float(np.linalg.norm(pts[1] - pts[0]) + np.linalg.norm(pts[2] - pts[3]))
    short = float(np.linalg.norm(pts[3] - pts[0]) + np.linalg.norm(pts[2] - pts[1]))
    aspect_off = abs(math.log(long / max(short, 1.0) / CARD_ASPECT))
    return touching * _ramp(aspect_off, BORDER_ASPECT_OK, BORDER_ASPECT_BAD)


def gray_score(card: np.ndarray) -> float:
    """0 coloured .. 1 black-and-white: the spread of the card's chroma around its median
    (a colour cast of a photographed copy does not count as colour)."""
    lab = cv2.cvtColor(card, cv2.COLOR_BGR2LAB).astype(np.float32)
    a, b = lab[..., 1], lab[..., 2]
    spread = np.hypot(a - np.median(a), b - np.median(b))
    return _ramp(float(np.percentile(spread, 90)), GRAY_COLOURED, GRAY_FLAT)


def _raw_id(line: TextLine | None) -> str:
    if line is None:
        return ""
    text = line.text.translate(_ID_READS)
    return "".join(c for c in text if c.isascii() and (c.isdigit() or c == "X"))


def id_warnings(result: CardReading) -> dict[str, dict[str, Any]]:
    """The id number against itself (check character) and against the printed birth and
    gender, on what was read before any correction; a score is the confidence of the reads
    the inconsistency rests on."""
    lines = result.lines or {}

    def first(row: str) -> TextLine | None:
        found = lines.get(row) or []
        return found[0] if found else None

    id_field = result.fields.get("id_no")
    id_line = first("id_no")
    raw = _raw_id(id_line)
    id_no = id_field.value if id_field is not None and id_field.value is not None else None
    id_score = id_line.score if id_line is not None else 0.0
    check_bad = (
        id_no is None and len(raw) == 18 and raw[:17].isdigit() and check_char(raw[:17]) != raw[17]
    )
    number = id_no or (raw if len(raw) == 18 and raw[:17].isdigit() else None)
    out = {"id_check_char": _warning(check_bad, id_score if check_bad else 0.0)}
    birth_bad, birth_score = False, 0.0
    birth_line = first("birth")
    printed_birth = fp.parse_birth(birth_line).value
    id_birth = birth_from_id(number) if number else None
    if printed_birth is not None and id_birth is not None:
        birth_bad = printed_birth != format_date(id_birth)
        birth_score = min(id_score, birth_line.score if birth_line else 0.0) if birth_bad else 0.0
    out["id_birth_mismatch"] = _warning(birth_bad, birth_score)
    gender_bad, gender_score = False, 0.0
    gender_line = first("gender_race")
    printed_gender = fp.parse_gender(gender_line).value
    if printed_gender is not None and number is not None and number[16].isdigit():
        gender_bad = printed_gender != gender_from_id(number)
        gender_score = (
            min(id_score, gender_line.score if gender_line else 0.0) if gender_bad else 0.0
        )
    out["id_gender_mismatch"] = _warning(gender_bad, gender_score)
    return out


def expired_warning(result: CardReading, today: dt.date) -> dict[str, Any]:
    field = result.fields.get("valid_date")
    if field is None or field.value is None:
        return _warning(False, 0.0)
    end = field.value.split("-", 1)[1]
    if end == LONG_TERM:
        return _warning(False, 0.0)
    year, month, day = (int(p) for p in end.split("."))
    expired = dt.date(year, month, day) < today
    return _warning(expired, field.confidence if expired else 0.0, until=end)


def warnings(
    result: CardReading, image: np.ndarray, transform: ImageTransform, *, today: dt.date
) -> dict[str, Any]:
    del transform  # judged on the decoded image; kept for symmetry with location()
    card = quality_card(result, image)
    gray = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    boxes = field_boxes(result)
    blur = blur_score(gray, list(boxes.values()))
    glare = glare_fields(card, boxes)
    glare_worst = max(glare.values(), default=0.0)
    glare_score = _ramp(glare_worst, GLARE_CLEAN, GLARE_BAD)
    out: dict[str, Any] = {
        "blur": _warning(blur >= 0.5, blur),
        "glare": _warning(
            glare_score >= 0.5,
            glare_score,
            fields=sorted(n for n, v in glare.items() if _ramp(v, GLARE_CLEAN, GLARE_BAD) >= 0.5),
        ),
        "border_incomplete": _warning(
            border_score(result, image.shape) >= 0.5, border_score(result, image.shape)
        ),
        "black_and_white": _warning(gray_score(card) >= 0.5, gray_score(card)),
    }
    if result.side == "back":
        out["expired"] = expired_warning(result, today)
    else:
        out.update(id_warnings(result))
    return out
