"""The ``location`` extra: the card's corners, its rotation and each returned field's
quadrilateral, in pixels of the image file as stored (before its EXIF orientation)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..card.geometry import map_points
from ..io.decode import ImageTransform
from ..read.outcome import CardReading
from ..values import Box

#: The whole upright card, normalised.
WHOLE_CARD = Box(0, 0, 1, 1)


def _quad_out(points: np.ndarray, transform: ImageTransform) -> list[list[float]]:
    return [[round(v, 1) for v in transform.to_original(float(x), float(y))] for x, y in points]


def location(
    result: CardReading, names: Sequence[str], transform: ImageTransform
) -> dict[str, Any]:
    """The card's corners (clockwise from its printed top-left), ``rotation`` (0/90/180/270)
    and ``angle`` in the stored grid, the grid's size and EXIF orientation, and the
    quadrilateral of each field in ``names``."""
    to_image = result.card_to_image
    card = _quad_out(map_points(to_image, WHOLE_CARD.corners()), transform)
    dx, dy = card[1][0] - card[0][0], card[1][1] - card[0][1]
    angle = math.degrees(math.atan2(dy, dx)) % 360.0
    boxes = result.boxes
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
            n: _quad_out(map_points(to_image, boxes[n].corners()), transform)
            for n in names
            if n in boxes
        },
    }
