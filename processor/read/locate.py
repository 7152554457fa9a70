"""Locating the card: which outline (learned, classical or registered from printed anchors)
carries text laid out as a card's, which side it is and which way up.

A :class:`RequestCache` holds one request's image and its expensive steps (layout checks,
registrations), each done at most once; :func:`locate` searches the outlines for the one
whose layout scores best, stopping at the first confident one.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..card.candidates import LEARNED_MIN_SCORE, find_card_candidates
from ..card.geometry import rectify, turned_quad
from ..card.layout import Hypothesis, classify, flip
from ..card.register import register, register_near
from ..values import Box, Quad
from .engine import OcrEngine

#: Size of the rectified card the detector sees (multiples of 32, aspect ~1.6).
DET_SIZE = (512, 320)
#: Text lines tilted this much (degrees) on a rectified outline are levelled (less is noise;
#: more is no tilt of an outline a little off but text at an angle of its own).
MIN_SKEW = 1.5
MAX_SKEW = 15.0
#: A layout score at which a candidate is taken without trying the rest.
CONFIDENT_SCORE = 6.0
#: An outline whose layout scores this much (some text where a card's would be) is read, and
#: what its text says decides whether it is a card: the layout score is only a prior (it
#: reaches 6 on some images without a card, and stays below 4 on cards whose photo or
#: hologram the detector takes for text).
TEXT_CHECK_SCORE = 1.0
#: When no outline is confident, registration is also tried around this many of them, those
#: whose layout scored at least NEAR_MIN_SCORE (some text where a card's would be), and
#: around the segmenter's surest outline.
NEAR_CANDIDATES = 2
NEAR_MIN_SCORE = 2.0


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A card outline with its layout: the side and orientation it looks like (and how much)
    and the text boxes, normalised to the rectified outline, it was judged on."""

    quad: Quad
    hypothesis: Hypothesis
    boxes: tuple[Box, ...]

    @property
    def score(self) -> float:
        return self.hypothesis.score

    def upright(self) -> Candidate:
        """The outline and its boxes turned half a turn when the layout says the card is
        upside down (its corners then start at the card's printed top-left)."""
        if self.hypothesis.flipped:
            turned = tuple(flip(b) for b in self.boxes)
            return Candidate(self.quad.rotated(2), self.hypothesis, turned)
        return self


@dataclasses.dataclass
class RequestCache:
    """One request's image and its expensive steps on it, each done at most once: reading
    the card asks again for registrations and layout checks that locating it may already
    have made (all deterministic). Lives only as long as the request."""

    image: np.ndarray
    engine: OcrEngine
    _verified: dict[tuple[Quad, bool], Candidate] = dataclasses.field(
        default_factory=dict, init=False
    )
    _near: dict[Quad, list[Quad]] = dataclasses.field(default_factory=dict, init=False)
    _whole: list[Quad] | None = dataclasses.field(default=None, init=False)
    _learned: list[Quad] | None = dataclasses.field(default=None, init=False)
    _shapes: list[Quad] | None = dataclasses.field(default=None, init=False)
    #: Outlines read (in every corner order) whose text was legible and holds nothing a card
    #: prints: read surely, with no label, title, id number, date range or authority (a
    #: business card, a page).
    wordless: set[Quad] = dataclasses.field(default_factory=set, init=False)
    #: Outlines read whose text showed what only a card prints (a whole label or title, a
    #: date range, an authority: :data:`~processor.read.reading.HINT_EVIDENCE`) but too little
    #: to be taken for one, with that evidence: the card may lie around them, the outline off.
    hinted: dict[Quad, float] = dataclasses.field(default_factory=dict, init=False)

    def learned(self) -> list[Quad]:
        """The segmenter's outlines, surest first (none without a segmenter)."""
        if self._learned is None:
            segmenter = self.engine.segmenter
            self._learned = segmenter(self.image) if segmenter is not None else []
        return self._learned

    def shapes(self) -> list[Quad]:
        """Every outline found from the image's shapes (learned and classical), best first."""
        if self._shapes is None:
            learned = self.learned()
            self._shapes = find_card_candidates(self.image, segmenter=lambda _: learned)
        return self._shapes

    def verify(self, quad: Quad, *, level: bool = True) -> Candidate:
        """A candidate's layout: its rectified text boxes scored against the card's layout.
        An outline whose text comes out tilted (by 1.5-15 degrees: an outline a little off, a
        registration from few anchors) is turned so that it comes out level, once."""
        key = (quad, level)
        if key not in self._verified:
            w, h = DET_SIZE
            small = rectify(self.image, quad, w, h)
            found, skew = self.engine.detector.detect(small)
            boxes = tuple(b.scaled(1 / w, 1 / h) for b in found)
            candidate = Candidate(quad, classify(boxes), boxes)
            if level and MIN_SKEW <= abs(skew) <= MAX_SKEW:
                levelled = self.verify(turned_quad(quad, skew, DET_SIZE), level=False)
                if levelled.score >= candidate.score:
                    candidate = levelled
            self._verified[key] = candidate
        return self._verified[key]

    def register(self) -> list[Quad]:
        """Outlines registered from the printed anchors read over the whole image."""
        if self._whole is None:
            self._whole = register(self.image, self.engine.anchor_detector, self.engine.recognizer)
        return self._whole

    def register_near(self, quad: Quad) -> list[Quad]:
        """Outlines registered from the anchors read around the rough outline ``quad``; none
        around a :attr:`wordless` one: registration there reads the same legible text again,
        a little larger. (An outline read unsure may be a card's, off: rectified askew, its
        text reads as nothing, and registering around it finds the card.)"""
        if quad in self.wordless:
            return []
        if quad not in self._near:
            self._near[quad] = register_near(
                self.image, quad, self.engine.anchor_detector, self.engine.recognizer
            )
        return self._near[quad]


def locate(cache: RequestCache, *, registered: bool = False) -> list[Candidate]:
    """The outlines that may be the card, upright as their layouts suggest, most plausible
    first: a learned outline the segmenter is sure of, then the rest by how much their text
    boxes look like a card's; none whose layout shows no text where a card's would be. Which
    of them is the card, what its text says decides (the layout score is only a prior).

    ``registered``: the card registered from its printed anchors too (over the whole frame,
    then, until a registered outline's layout is confident, around the outlines whose text
    looked most like a card's and around the segmenter's surest), whatever the outlines'
    layouts scored. Registration costs more than reading a card, so the pipeline asks for it
    only when no outline found without it reads as a (complete) card."""
    tried: list[Candidate] = []
    sure = _sure(cache)
    if sure is not None:
        # the learned outline is usually right: the classical candidates are not even computed
        tried.append(sure)
    best = sure
    if best is None or best.score < CONFIDENT_SCORE:
        for quad in cache.shapes():
            if any(quad == t.quad for t in tried):
                continue
            tried.append(cache.verify(quad))
            best = better(best, tried[-1])
            if best.score >= CONFIDENT_SCORE:
                break
    if registered:
        # a layout that scored confident may still not read as a card (a page's text, part
        # of the card): it does not stand in for registration
        laid_out = sorted(tried, key=lambda t: -t.score)[:NEAR_CANDIDATES]
        near = [candidate.quad for candidate in laid_out if candidate.score >= NEAR_MIN_SCORE]
        learned = cache.learned()
        if learned and learned[0] not in near:
            # where the segmenter saw the card most surely, however the layout of that
            # outline's rough rectification scored: a pale card on a page of text, the page's
            # outline scoring higher, the card's cut into the page
            near.append(learned[0])
        anchored: Candidate | None = None
        for quad in cache.register():
            tried.append(cache.verify(quad))
            anchored = better(anchored, tried[-1])
        for rough in near:
            if anchored is not None and anchored.score >= CONFIDENT_SCORE:
                break
            for found in cache.register_near(rough):
                tried.append(cache.verify(found))
                anchored = better(anchored, tried[-1])
    ranked = sorted(tried, key=lambda t: -t.score)
    if sure is not None:
        ranked = [sure, *(t for t in ranked if t is not sure)]
    unique: list[Candidate] = []
    for candidate in ranked:
        if candidate.score >= TEXT_CHECK_SCORE and all(candidate.quad != u.quad for u in unique):
            unique.append(candidate)
    return [candidate.upright() for candidate in unique]


def _sure(cache: RequestCache) -> Candidate | None:
    """The segmenter's surest outline with its layout, when the segmenter is sure of it."""
    learned = cache.learned()
    if learned and learned[0].score >= LEARNED_MIN_SCORE:
        return cache.verify(learned[0])
    return None


def first_outline(cache: RequestCache) -> Candidate | None:
    """The outline :func:`locate` puts first whenever there is one the segmenter is sure of
    (and its layout shows text where a card's would be), found without locating the rest:
    a card that reads complete on it needs no other outline verified (each costs a
    detection)."""
    sure = _sure(cache)
    if sure is None or sure.score < TEXT_CHECK_SCORE:
        return None
    return sure.upright()


def better(best: Candidate | None, new: Candidate) -> Candidate:
    """``new`` when it scores higher than ``best`` (or there is none), else ``best``."""
    return new if best is None or new.score > best.score else best
