"""The recognition pipeline: a decoded image -> the card's side, fields and upright image.

Locate the card (outline candidates, each rectified small and judged by its text layout;
registration from printed anchors when no outline passes), read it on that outline (what
its text says decides its side, which way up and which row is which), and when a field
fails read it again on the image's frame (a tight crop) and on registered outlines, keeping
the best reading. Stateless:
everything expensive lives in the :class:`~processor.read.engine.OcrEngine`.
"""

from __future__ import annotations

import math

import numpy as np

from ..card.geometry import full_frame_quad
from ..card.template import CARD_ASPECT
from ..values import Quad
from .engine import OcrEngine
from .locate import RequestCache, locate
from .outcome import CardReading
from .reading import best_reading, completed, is_complete, read_more, read_outline

#: An image whose aspect is within this (log ratio) of the card's may be the card alone.
TIGHT_ASPECT = 0.08


def tight_crop(shape: tuple[int, ...]) -> Quad | None:
    """The image's frame as the card's outline, when the image has the card's shape."""
    h, w = shape[:2]
    if abs(abs(math.log(w / h)) - math.log(CARD_ASPECT)) > TIGHT_ASPECT:
        return None
    return full_frame_quad(shape)


def read_card(image: np.ndarray, engine: OcrEngine) -> CardReading | None:
    """Read the card in ``image``; None when no card is found.

    When a field fails on the outline that was found, the card is registered from its
    printed anchors as well (around that outline, then over the whole frame) and the reading
    with more valid fields is kept: an outline a little off (a rounded corner, a shadow)
    shifts the field rows, anchors do not. A better reading found over the whole frame is
    refined once more around its own outline, where the anchors are read larger. Fields
    with a real check that the kept reading still misses are taken from another reading of
    the same side that validated them (and checked against the id number again)."""
    cache = RequestCache(image, engine)
    located = locate(cache)
    if located is None:
        return None
    first = read_outline(image, located, engine)
    if is_complete(first):
        return first
    readings = [first] if first is not None else []
    # an image of the card's own shape is most likely the card cropped tight: its frame is
    # the outline (a learned outline may have cut a corner off a card that fills the image)
    tight = tight_crop(image.shape)
    if tight is not None and tight != located.quad:
        read_more(readings, cache, lambda: [tight])
    read_more(readings, cache, lambda: cache.register_near(located.quad))
    read_more(readings, cache, cache.register)
    best = best_reading(readings)
    if best is not None and best.quad != located.quad and not is_complete(best):
        quad = best.quad
        read_more(readings, cache, lambda: cache.register_near(quad))
        best = best_reading(readings)
    return None if best is None else completed(best, readings)
