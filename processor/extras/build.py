"""The extras a request asked for, added to ``data`` after the documented keys.

Requested with the optional ``options`` request field (parsed with the request:
:func:`processor.io.request.parse_options`). Without it the response is exactly the
documented one; the extras come only when a card was read (codes 200-209):

- ``confidence``: per returned field, 0-1 (:mod:`.confidence`).
- ``location``: the card's corners and each returned field's quadrilateral in pixels of the
  image file as stored, and the card's rotation (:mod:`.location`).
- ``portrait``: the front's photo area, upright, JPEG, base64 (``null`` on a back).
- ``warnings``: image quality and the card's consistency (:mod:`.warnings`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..io.decode import ImageTransform
from ..read.outcome import CardReading
from .confidence import field_confidence
from .location import location
from .portrait import portrait
from .warnings import card_warnings


def build_extras(
    options: Sequence[str],
    result: CardReading,
    image: np.ndarray,
    transform: ImageTransform,
    *,
    today: dt.date,
) -> dict[str, Any]:
    """The extras named in ``options`` (in that order) for a read card; ``image`` is the
    decoded image and ``transform`` its way back to the file's own pixels."""
    names = list(result.values)
    out: dict[str, Any] = {}
    for option in options:
        if option == "confidence":
            out["confidence"] = {n: round(field_confidence(result, n), 3) for n in names}
        elif option == "location":
            out["location"] = location(result, names, transform)
        elif option == "portrait":
            out["portrait"] = portrait(result.card_image) if result.side == "front" else None
        elif option == "warnings":
            out["warnings"] = card_warnings(result, image, today=today)
    return out
