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
from ..card.geometry import rectify
from ..card.layout import Hypothesis, classify, flip
from ..card.register import register, register_near
from ..values import Box, Quad
from .engine import OcrEngine

#: Size of the rectified card the detector sees (multiples of 32, aspect ~1.6).
DET_SIZE = (512, 320)
#: A layout score at which a candidate is taken without trying the rest.
CONFIDENT_SCORE = 6.0
#: An outline whose layout scores this much (some text where a card's would be) is read, and
#: what its text says decides whether it is a card: the layout score is only a prior (it
#: reaches 6 on some images without a card, and stays below 4 on cards whose photo or
#: hologram the detector takes for text).
TEXT_CHECK_SCORE = 1.0
#: When no outline is confident, registration is also tried around this many of them, those
#: whose layout scored at least NEAR_MIN_SCORE (some text where a card's would be).
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
    _verified: dict[Quad, Candidate] = dataclasses.field(default_factory=dict, init=False)
    _near: dict[Quad, list[Quad]] = dataclasses.field(default_factory=dict, init=False)
    _whole: list[Quad] | None = dataclasses.field(default=None, init=False)

    def verify(self, quad: Quad) -> Candidate:
        """A candidate's layout: its rectified text boxes scored against the card's layout."""
        if quad not in self._verified:
            w, h = DET_SIZE
            small = rectify(self.image, quad, w, h)
            boxes = tuple(b.scaled(1 / w, 1 / h) for b in self.engine.detector(small))
            self._verified[quad] = Candidate(quad, classify(boxes), boxes)
        return self._verified[quad]

    def register(self) -> list[Quad]:
        """Outlines registered from the printed anchors read over the whole image."""
        if self._whole is None:
            self._whole = register(self.image, self.engine.detector, self.engine.recognizer)
        return self._whole

    def register_near(self, quad: Quad) -> list[Quad]:
        """Outlines registered from the anchors read around the rough outline ``quad``."""
        if quad not in self._near:
            self._near[quad] = register_near(
                self.image, quad, self.engine.detector, self.engine.recognizer
            )
        return self._near[quad]


def locate(cache: RequestCache) -> Candidate | None:
    """The outline most like a card's (upright corner order as its layout suggests), with its
    normalised text boxes; None when no outline has text where a card's would be."""
    best: Candidate | None = None
    segmenter = cache.engine.segmenter
    learned = segmenter(cache.image) if segmenter is not None else []
    tried: list[Candidate] = []
    if learned and learned[0].score >= LEARNED_MIN_SCORE:
        # the learned outline is usually right: the classical candidates are not even computed
        tried.append(cache.verify(learned[0]))
        best = tried[0]
    if best is None or best.score < CONFIDENT_SCORE:
        for quad in find_card_candidates(cache.image, segmenter=lambda _: learned):
            if any(quad == t.quad for t in tried):
                continue
            tried.append(cache.verify(quad))
            best = better(best, tried[-1])
            if best.score >= CONFIDENT_SCORE:
                break
    if best is None or best.score < CONFIDENT_SCORE:
        # No outline passed: register the card from its printed anchors instead, over the
        # whole frame, then around the outlines whose text looked most like a card's.
        for quad in cache.register():
            best = better(best, cache.verify(quad))
        near = sorted(tried, key=lambda t: -t.score)[:NEAR_CANDIDATES]
        for candidate in near:
            confident = best is not None and best.score >= CONFIDENT_SCORE
            if confident or candidate.score < NEAR_MIN_SCORE:
                break
            for found in cache.register_near(candidate.quad):
                best = better(best, cache.verify(found))
    if best is None or best.score < TEXT_CHECK_SCORE:
        return None
    return best.upright()


def better(best: Candidate | None, new: Candidate) -> Candidate:
    """``new`` when it scores higher than ``best`` (or there is none), else ``best``."""
    return new if best is None or new.score > best.score else best
