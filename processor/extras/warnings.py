"""The ``warnings`` extra: ``{"value": bool, "score": 0-1}`` per check.

Image checks judged on the card rectified at its own resolution (blur, glare over a field,
the card cut off by the frame, a black-and-white copy) and the card's consistency (the
validity expired on the request date; the id number's check character, birth and gender).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from ..card.facts import LONG_TERM, birth_from_id, check_char, format_date, gender_from_id
from ..card.geometry import crop_box, map_points, rectify
from ..card.template import CARD_ASPECT
from ..places import region_known
from ..read.outcome import CardReading
from ..values import Box
from .location import WHOLE_CARD

#: Width of the rectified card the image-quality checks look at.
QUALITY_WIDTH = 640


def _warning(value: bool, score: float, **more: Any) -> dict[str, Any]:
    return {"value": bool(value), "score": round(max(0.0, min(1.0, score)), 3), **more}


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 at ``lo``, 1 at ``hi`` (either order), linear between."""
    if hi == lo:
        return 1.0 if x >= hi else 0.0
    return max(0.0, min(1.0, (x - lo) / (hi - lo)))


#: Thresholds, calibrated on synthetic cards (tests/extras/test_extras.py has the positive and
#: negative examples): a warning's value is ``score >= 0.5``.
BLUR_SHARP, BLUR_SOFT = 0.42, 0.30  # text edge steepness (99th pct gradient / contrast)
GLARE_CLEAN, GLARE_BAD = 0.05, 0.2  # share of a field's character cells washed out
GLARE_BRIGHT, GLARE_CONTRAST = 247.0, 60.0  # a washed-out cell: mean above, contrast below
BORDER_MARGIN = 0.004  # of the image's long side: corners closer than this touch the frame
BORDER_ASPECT_OK, BORDER_ASPECT_BAD = 0.03, 0.08  # |log(outline aspect / card aspect)|
GRAY_COLOURED, GRAY_FLAT = 3.0, 1.0  # chroma spread (Lab units, 90th percentile)


def quality_card(result: CardReading, image: np.ndarray) -> np.ndarray:
    """The card rectified at :data:`QUALITY_WIDTH` from the decoded image (never enlarged
    beyond the card's own resolution, so a small card is judged at its own sharpness).

    Not the recognition copy (``card_image``, 1280 px wide, enlarged from any card that is
    narrower in the photo): the image checks judge sharpness and washed-out cells at the
    photo's own resolution, and their thresholds are calibrated on this view."""
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
        region = crop_box(gray, box).astype(np.float32)
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
        region = crop_box(gray, box)
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
    corners = map_points(result.card_to_image, WHOLE_CARD.corners())
    margin = BORDER_MARGIN * max(h, w)
    distance = min(
        min(float(x), float(y), w - float(x), h - float(y)) for x, y in corners
    )  # negative: outside
    touching = _ramp(distance, margin, 0.0)
    if distance < -margin:  # a corner clearly outside the frame: the card is cut off
        return 1.0
    pts = result.quad.array()
    long = 2 * result.quad.width
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


def id_warnings(result: CardReading) -> dict[str, dict[str, Any]]:
    """The id number against itself (check character) and against the printed birth and
    gender, on what was read before any correction (:attr:`CardReading.as_read`), and its
    region code against the known divisions; a score is the confidence of the reads the
    finding rests on."""
    read = result.as_read
    id_field = result.fields.get("id_no")
    raw, id_score = read["id_no"].value or "", read["id_no"].score
    id_no = id_field.value if id_field is not None and id_field.value is not None else None
    check_bad = (
        id_no is None and len(raw) == 18 and raw[:17].isdigit() and check_char(raw[:17]) != raw[17]
    )
    number = id_no or (raw if len(raw) == 18 and raw[:17].isdigit() else None)
    out = {"id_check_char": _warning(check_bad, id_score if check_bad else 0.0)}
    birth_bad, birth_score = False, 0.0
    printed_birth = read["birth"].value
    id_birth = birth_from_id(number) if number else None
    if printed_birth is not None and id_birth is not None:
        birth_bad = printed_birth != format_date(id_birth)
        birth_score = min(id_score, read["birth"].score) if birth_bad else 0.0
    out["id_birth_mismatch"] = _warning(birth_bad, birth_score)
    gender_bad, gender_score = False, 0.0
    printed_gender = read["gender"].value
    if printed_gender is not None and number is not None and number[16].isdigit():
        gender_bad = printed_gender != gender_from_id(number)
        gender_score = min(id_score, read["gender"].score) if gender_bad else 0.0
    out["id_gender_mismatch"] = _warning(gender_bad, gender_score)
    # the first six digits are a division code at registration (current or historical): one
    # that no list knows is worth a look, never a rewrite
    unknown = id_no is not None and not region_known(id_no[:6])
    out["id_region_unknown"] = _warning(
        unknown, id_field.confidence if unknown and id_field else 0.0
    )
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


def card_warnings(result: CardReading, image: np.ndarray, *, today: dt.date) -> dict[str, Any]:
    """Every warning of the card's side: the image checks, then the consistency checks (a
    back's expiry on ``today``, a front's id number against itself, birth and gender)."""
    card = quality_card(result, image)
    gray = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    boxes = result.boxes
    blur = blur_score(gray, list(boxes.values()))
    glare = glare_fields(card, boxes)
    glare_worst = max(glare.values(), default=0.0)
    glare_score = _ramp(glare_worst, GLARE_CLEAN, GLARE_BAD)
    border = border_score(result, image.shape)
    grayness = gray_score(card)
    out: dict[str, Any] = {
        "blur": _warning(blur >= 0.5, blur),
        "glare": _warning(
            glare_score >= 0.5,
            glare_score,
            fields=sorted(n for n, v in glare.items() if _ramp(v, GLARE_CLEAN, GLARE_BAD) >= 0.5),
        ),
        "border_incomplete": _warning(border >= 0.5, border),
        "black_and_white": _warning(grayness >= 0.5, grayness),
    }
    if result.side == "back":
        out["expired"] = expired_warning(result, today)
    else:
        out.update(id_warnings(result))
    return out
