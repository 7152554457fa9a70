"""The recognition pipeline: a decoded image -> the card's side, fields and upright image.

Locate the card (outline candidates, each rectified small and judged by its text layout;
registration from printed anchors when no outline passes), read it on that outline
(rectified at full resolution, its rows recognised in one batch, parsed and validated), and
when a field fails read it again on registered outlines, keeping the best reading. Stateless:
everything expensive lives in the :class:`~processor.read.engine.OcrEngine`.
"""

from __future__ import annotations

import numpy as np

from .engine import OcrEngine
from .locate import RequestCache, locate
from .outcome import CardReading
from .reading import best_reading, completed, is_complete, read_more, read_outline


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
    read_more(readings, cache, lambda: cache.register_near(located.quad))
    read_more(readings, cache, cache.register)
    best = best_reading(readings)
    if best is not None and best.quad != located.quad and not is_complete(best):
        quad = best.quad
        read_more(readings, cache, lambda: cache.register_near(quad))
        best = best_reading(readings)
    return None if best is None else completed(best, readings)
