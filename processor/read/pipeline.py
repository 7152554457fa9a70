"""The recognition pipeline: a decoded image -> the card's side, fields and upright image.

Locate the card (outline candidates, each rectified small and judged by its text layout;
registration from printed anchors when no outline passes), read it on that outline (what
its text says decides its side, which way up and which row is which), and when a field
fails read it again on the image's frame (a tight crop) and on registered outlines, keeping
the best reading. Stateless:
everything expensive lives in the :class:`~processor.read.engine.OcrEngine`.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np

from ..card.geometry import corner_offsets, full_frame_quad, grown, shared_area
from ..card.template import CARD_ASPECT
from ..values import Quad
from .engine import OcrEngine
from .locate import TEXT_CHECK_SCORE, Candidate, RequestCache, first_outline, locate
from .outcome import CardReading
from .reading import (
    best_reading,
    beyond_edges,
    completed,
    is_complete,
    read_more,
    read_on,
)

#: The card is looked for on this many of the most plausible outlines, in turn, until what
#: one says is a card's (and, where none does, on the image's frame when it has the card's
#: shape).
READ_OUTLINES = 3
#: An image whose aspect is within this (log ratio) of the card's may be the card alone.
TIGHT_ASPECT = 0.08
#: On an image of the card's shape, a learned outline with two adjacent corners this near
#: the frame's (fraction of the image's height) has found the card's edge on the frame's: the
#: card fills the image ...
FRAME_CORNER = 0.03
#: ... and another of its corners this far from the frame's has been cut off (a card's
#: rounded corner or pale artwork meeting the frame, where the segmenter sees no edge).
CUT_CORNER = 0.05
#: A back read whole where the segmenter sees this much card outside it (a share of the
#: back's area, in one outline) may lie beside its front (a photocopy of both sides, the
#: two cards on a table).
BESIDE_CARD = 0.6
#: The back is covered a little past its outline before the front is looked for (a share of
#: the card's size beyond each edge: its shadow and a rounded corner's rim).
COVER_MARGIN = 0.03


def tight_crop(shape: tuple[int, ...]) -> Quad | None:
    """The image's frame as the card's outline, when the image has the card's shape."""
    h, w = shape[:2]
    if abs(abs(math.log(w / h)) - math.log(CARD_ASPECT)) > TIGHT_ASPECT:
        return None
    return full_frame_quad(shape)


def cuts_corner(quad: Quad, frame: Quad, height: int) -> bool:
    """Whether ``quad`` (a learned outline) lies on two adjacent corners of ``frame`` (the
    frame of an image of the card's shape, ``height`` pixels high) and cuts another off. A
    corner beyond the frame is taken where the frame cuts it off (the card's edge runs on
    past the image's: a corner 12 px left of a 285 px tight scan's, on its top edge)."""
    bounds = frame.array()
    inside = np.clip(quad.array(), bounds.min(axis=0), bounds.max(axis=0))
    off = [d / height for d in corner_offsets(Quad.from_array(inside, quad.score), frame)]
    on_edge = any(off[i] < FRAME_CORNER and off[(i + 1) % 4] < FRAME_CORNER for i in range(4))
    return on_edge and max(off) > CUT_CORNER


def cut_frame(shape: tuple[int, ...], learned: list[Quad]) -> Quad | None:
    """The frame of an image of the card's ``shape`` when one of its ``learned`` outlines
    lies on two adjacent frame corners and cuts another off: the card fills the image, and
    that outline would shear it (the surest outline may be a piece of the card, the address
    block, taken for one)."""
    tight = tight_crop(shape)
    if tight is None or not any(cuts_corner(q, tight, shape[0]) for q in learned):
        return None
    return tight


#: How many of the outlines that hinted at a card (:attr:`RequestCache.hinted`) the card is
#: registered around, where no outline reads as one.
HINTS_FOLLOWED = 2

#: How many times an outline a field's line runs out of is grown past that edge
#: (:func:`~processor.read.reading.beyond_edges`), each time from the grown outline's
#: reading: an outline turned off the card cuts more of it than one growth gives back.
GROWTHS = 2


def _first_card(
    cache: RequestCache, outlines: list[Candidate]
) -> tuple[CardReading | None, Candidate | None]:
    """The first of ``outlines`` on which what is read is a card, and that reading."""
    for located in outlines:
        reading = read_on(cache, located)
        if reading is not None:
            return reading, located
    return None, None


def around_hints(
    cache: RequestCache, outlines: list[Candidate]
) -> tuple[CardReading | None, Candidate | None]:
    """Where no outline read as a card but some showed a label or title only a card prints
    (:attr:`~processor.read.locate.RequestCache.hinted`), the card lies around them, those
    outlines off (too small, askew: a registration from anchors placed where this card
    does not print them): the first card read on the outlines registered from the anchors
    read larger around them (:data:`HINTS_FOLLOWED`, those that showed the most first), and
    its outline; each outline tried is added to ``outlines``. (None, None) where none
    reads as a card."""
    hints = sorted(cache.hinted, key=lambda quad: -cache.hinted[quad])[:HINTS_FOLLOWED]
    for hint in hints:
        near = [cache.verify(quad) for quad in cache.register_near(hint)]
        around = [c.upright() for c in near if c.score >= TEXT_CHECK_SCORE]
        outlines.extend(around)
        first, located = _first_card(cache, around)
        if first is not None:
            return first, located
    return None, None


def _read_frame(cache: RequestCache, frame: Quad) -> tuple[CardReading | None, Candidate | None]:
    """The card read on the image's ``frame`` as its outline, and that outline upright;
    (None, None) where the frame's layout shows no text where a card's would be."""
    framed = cache.verify(frame)
    if framed.score < TEXT_CHECK_SCORE:
        return None, None
    located = framed.upright()
    return read_on(cache, located), located


def _unread(found: list[Candidate], read: list[Candidate]) -> list[Quad]:
    """The outlines of ``found`` not among those ``read``."""
    return [f.quad for f in found if all(f.quad != r.quad for r in read)]


def covered(image: np.ndarray, quad: Quad) -> np.ndarray:
    """A copy of ``image`` with ``quad`` (grown by :data:`COVER_MARGIN`) painted over in the
    image's median colour outside it: what else the image shows, without that card."""
    mask = np.zeros(image.shape[:2], np.uint8)
    around = grown(quad, *(COVER_MARGIN,) * 4).array()
    cv2.fillPoly(mask, [np.round(around * 4).astype(np.int32)], 255, cv2.LINE_8, shift=2)
    step = max(1, round(max(image.shape[:2]) / 256))
    colour = np.median(image[::step, ::step][mask[::step, ::step] == 0], axis=0)
    out = image.copy()
    out[mask > 0] = colour.astype(image.dtype)
    return out


def front_beside(
    image: np.ndarray, engine: OcrEngine, back: CardReading, learned: list[Quad]
) -> CardReading | None:
    """A front read whole beside ``back`` (a card's back read whole in ``image``), where
    the segmenter's ``learned`` outlines see as much card again outside it
    (:data:`BESIDE_CARD`): both sides of a card in one image, photocopied onto one page or
    laid side by side, answer the front (its holder's name and number, what such an image
    is sent for); which side read whole first is chance. The front is looked for on the
    image with the back painted over (:func:`covered`), where the segmenter sees it alone:
    on the segmenter's outlines there, each that reads as a front also registered from the
    anchors around it; no other outline and no registration over the whole frame (they
    cost up to a second, and the segmenter also sees a bank card beside a back as card)."""
    area = back.quad.area
    beside = (q.area - shared_area(q, back.quad) for q in learned)
    if area <= 0 or not any(outside >= BESIDE_CARD * area for outside in beside):
        return None
    cache = RequestCache(covered(image, back.quad), engine)
    readings: list[CardReading] = []
    for outline in cache.learned():
        candidate = cache.verify(outline)
        if candidate.score < TEXT_CHECK_SCORE:
            continue
        located = candidate.upright()
        reading = read_on(cache, located)
        if reading is None or reading.side != "front":
            continue
        readings.append(reading)
        read_more(readings, cache, functools.partial(cache.register_near, located.quad))
        best = best_reading([r for r in readings if r.side == "front"])
        front = None if best is None else completed(best, readings)
        if front is not None and is_complete(front):
            return front
    return None


def read_card(image: np.ndarray, engine: OcrEngine) -> CardReading | None:
    """Read the card in ``image``; None when no card is found. A back read whole beside
    its front read whole gives way to the front (:func:`front_beside`)."""
    cache = RequestCache(image, engine)
    reading = _read_card(cache)
    if reading is not None and reading.side == "back" and is_complete(reading):
        return front_beside(image, engine, reading, cache.learned()) or reading
    return reading


def _read_card(cache: RequestCache) -> CardReading | None:
    """Read the card in the ``cache``'s image; None when no card is found.

    The card is read on the most plausible outlines in turn until what one says is a card's:
    those found from the image's shapes, then, when none is, those registered from its printed
    anchors. An image of the card's shape with a learned outline that lies on the frame's
    corners but cuts another off is the card cropped tight: it is read on its frame first; so
    is one where the segmenter is sure of no outline.
    Where none reads as a card but one showed a label or title only a card prints, the card
    is registered from the anchors around that one.
    When a field fails on it, the card is read on the other outlines and registered from its
    printed anchors as well (around that outline, then over the whole frame) and the reading
    with more valid fields is kept: an outline a little off (a rounded corner, a shadow)
    shifts the field rows, anchors do not. A better reading found over the whole frame is
    refined once more around its own outline, where the anchors are read larger. Fields
    with a real check that the kept reading still misses are taken from another reading of
    the same side that validated them (and checked against the id number again)."""
    image = cache.image
    tight = tight_crop(image.shape)
    frame = cut_frame(image.shape, cache.learned())
    on_frame: tuple[CardReading | None, Candidate | None] | None = None  # read once
    if frame is not None:
        # the card fills the image but a learned outline cuts a corner off, shearing the
        # rows near it (an address's last line read into the id number's row): read the frame
        on_frame = _read_frame(cache, frame)
        if is_complete(on_frame[0]):
            return on_frame[0]
    # the learned outline is read before the others are even verified: mostly it is the card
    sure = first_outline(cache)
    early = None if sure is None else read_on(cache, sure)
    if is_complete(early):
        return early
    if sure is None and tight is not None and frame is None:
        # the segmenter is sure of no outline on an image of the card's own shape: most
        # likely the card cropped tight (artwork the segmenter takes for the desk), its frame
        # the outline; an outline it is unsure of may shear the rows (an address's last
        # lines lost)
        on_frame = _read_frame(cache, tight)
        if is_complete(on_frame[0]):
            return on_frame[0]
    outlines = locate(cache)[:READ_OUTLINES]
    tight_untried = tight is not None and all(o.quad != tight for o in outlines)
    if sure is None:
        first, located = _first_card(cache, outlines)
    elif early is not None:
        first, located = early, outlines[0]
    else:  # locate puts the sure outline first
        first, located = _first_card(cache, outlines[1:])
    if first is None and tight is not None and tight_untried:
        tight_untried = False
        # an image of the card's own shape is most likely the card cropped tight: its frame
        # is the outline too (a learned outline may cut a corner off a card filling it)
        reading, framed = _read_frame(cache, tight) if on_frame is None else on_frame
        if framed is not None:
            outlines.append(framed)
            first, located = (reading, framed) if reading is not None else (None, None)
    if first is None:
        # no outline found by its shape reads as a card: register it from its printed anchors
        registered = [
            o for o in locate(cache, registered=True) if all(o.quad != r.quad for r in outlines)
        ][:READ_OUTLINES]
        outlines.extend(registered)
        first, located = _first_card(cache, registered)
    if first is None:
        first, located = around_hints(cache, outlines)
    if first is None or located is None:
        return None
    if is_complete(first):
        return first
    readings = [first]
    # the outlines after it (those before it read as no card), and the image's frame
    rest = [o.quad for o in outlines[outlines.index(located) + 1 :]]
    if tight is not None and tight_untried:
        rest.append(tight)
    read_more(readings, cache, lambda: rest)
    read_more(readings, cache, lambda: cache.register_near(located.quad))
    # registered outlines, best layout first (those already read left out)
    read_more(readings, cache, lambda: _unread(locate(cache, registered=True), outlines))
    read_more(readings, cache, cache.register)
    best = best_reading(readings)
    if best is not None and best.quad != located.quad and not is_complete(best):
        quad = best.quad
        read_more(readings, cache, lambda: cache.register_near(quad))
        best = best_reading(readings)
    if best is not None and not is_complete(best):
        # a field's line runs into the kept outline's edge: the card goes on past it (and
        # past the grown one's, while a line still runs into it)
        edged = best
        for _ in range(GROWTHS):
            wider = beyond_edges(edged)
            if wider is None:
                break
            count = len(readings)
            read_more(readings, cache, functools.partial(list, (wider,)))
            if len(readings) == count:
                break
            edged = readings[-1]
        best = best_reading(readings)
    return None if best is None else completed(best, readings)
