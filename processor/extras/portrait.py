"""The ``portrait`` extra: the front's photo area, upright, as a base64 JPEG."""

from __future__ import annotations

import base64

import cv2
import numpy as np

from ..card.geometry import crop_box
from ..card.template import PORTRAIT_CROP

PORTRAIT_QUALITY = 90


def portrait(card: np.ndarray) -> str:
    """The template's portrait area of the upright ``card``, JPEG, base64."""
    ok, jpeg = cv2.imencode(
        ".jpg", crop_box(card, PORTRAIT_CROP), [cv2.IMWRITE_JPEG_QUALITY, PORTRAIT_QUALITY]
    )
    if not ok:  # pragma: no cover - imencode of a valid uint8 image does not fail
        raise RuntimeError("could not encode the portrait")
    return base64.b64encode(jpeg.tobytes()).decode("ascii")
