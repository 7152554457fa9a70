"""Response encoding: an :class:`Answer` -> the ``base64(UTF-8 JSON)`` envelope, for every
outcome; the returned card image; and, for clients, the envelope decoded back.

``{"code": "<string>", "message": "...", "data": ...}``; by default ``data`` is a
JSON-encoded string (what the API document's reference client ``json.loads``), or a
nested object with ``data_format="object"``.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import types
from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np

from ..errors import FIELD_CODES, ApiError, Code

#: Each side's fields in the order of the documented examples.
FIELD_ORDER: dict[str, tuple[str, ...]] = {
    "front": ("id_no", "address", "gender", "race", "name", "birth"),
    "back": ("issued_by", "valid_date"),
}


@dataclasses.dataclass(frozen=True)
class Answer:
    """What a request is answered with: the API code, its message and ``data``."""

    code: Code
    message: str
    data: Mapping[str, Any]


#: The answer when no card is found.
NO_CARD = Answer(Code.NO_CARD, Code.NO_CARD.message, types.MappingProxyType({}))


def card_answer(
    side: str, values: Mapping[str, str], card_image_b64: str, extras: Mapping[str, Any]
) -> Answer:
    """A read card's answer: 200 when every field of its side has a value, else the code of
    the first field without one (in the documented precedence); ``data`` carries the type,
    the fields that have values (in the documented order), the card image, then ``extras``."""
    data: dict[str, Any] = {"type": side}
    data.update((name, values[name]) for name in FIELD_ORDER[side] if name in values)
    data["idcard_image"] = card_image_b64
    data.update(extras)
    for name, code in FIELD_CODES[side]:
        if name not in values:
            return Answer(code, code.message, data)
    return Answer(Code.OK, Code.OK.message, data)


def envelope(code: Code, message: str, data: Mapping[str, Any], *, data_format: str) -> bytes:
    payload = dict(data)
    body = {
        "code": code.value,
        "message": message,
        "data": payload if data_format == "object" else json.dumps(payload, ensure_ascii=False),
    }
    return base64.b64encode(json.dumps(body, ensure_ascii=False).encode("utf-8"))


def encode(answer: Answer, *, data_format: str) -> bytes:
    """The envelope of ``answer``."""
    return envelope(answer.code, answer.message, answer.data, data_format=data_format)


def error_body(error: ApiError, *, data_format: str) -> bytes:
    return envelope(error.code, error.message, error.data, data_format=data_format)


#: The card is rectified at 1280 px for OCR and returned at ~856: a reduction this mild is
#: interpolated linearly (a pixel of the result still falls within about two of the source);
#: area averaging adds nothing visible at this factor and costs more (docs/decisions.md).
LINEAR_DOWNSCALE_MIN = 0.5


def encode_card_image(card: np.ndarray, *, width: int, quality: int) -> str:
    h, w = card.shape[:2]
    if w != width:
        mode = cv2.INTER_LINEAR if width / w >= LINEAR_DOWNSCALE_MIN else cv2.INTER_AREA
        card = cv2.resize(card, (width, round(h * width / w)), interpolation=mode)
    ok, jpeg = cv2.imencode(".jpg", card, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - imencode of a valid uint8 image does not fail
        raise ApiError(Code.ERROR, "could not encode the card image", http_status=500)
    return base64.b64encode(jpeg.tobytes()).decode("ascii")


def decode_response(text: str | bytes) -> dict[str, Any]:
    """base64(JSON) envelope -> dict, with ``data`` always a dict."""
    result: dict[str, Any] = json.loads(base64.b64decode(text).decode("utf-8"))
    data = result.get("data")
    if isinstance(data, str):
        result["data"] = json.loads(data) if data else {}
    elif data is None:
        result["data"] = {}
    return result
