"""Card outline candidates: quadrilaterals that may be the card, most plausible first.

``find_card_candidates`` puts the learned segmenter's quadrilaterals first and the classical
edge/brightness ones after them; the pipeline verifies each against the card's text layout.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np

from ..values import Quad
from .geometry import downscaled, full_frame_quad, hull_to_quad, iou, order_corners
from .template import CARD_ASPECT

#: Localisation works on a copy whose long side is this many pixels.
WORK_SIDE = 640
_MIN_AREA_FRACTION = 0.03
#: Learned quads scoring below this (shape or mask confidence) come after the classical ones.
LEARNED_MIN_SCORE = 0.5
#: Learned quads scoring at least this are tried even when the classical ones fill the list.
LEARNED_KEEP_SCORE = 0.2


def find_card_candidates(
    image: np.ndarray,
    *,
    limit: int = 5,
    segmenter: Callable[[np.ndarray], list[Quad]] | None = None,
) -> list[Quad]:
    """Quadrilaterals that may be the card, in ``image`` pixels, most plausible first.

    With a ``segmenter`` (the learned card model, :class:`processor.card.segmenter.CardSegmenter`)
    its quadrilaterals come first; the classical edge/brightness candidates follow as a
    fallback, minus those that duplicate one already proposed, up to ``limit`` of them, and
    the full frame comes last. A learned quad scoring below ``LEARNED_MIN_SCORE`` is put
    after the classical candidates; one scoring at least ``LEARNED_KEEP_SCORE`` is never
    dropped (a mask whose shape is doubted, often one cut by the frame, is still more often
    the card than a classical outline is)."""
    learned = [q for q in segmenter(image) if q.area > 0] if segmenter is not None else []
    classical = _classical_candidates(image, limit=limit)
    picked: list[Quad] = []

    def add(quad: Quad) -> None:
        if all(iou(quad, p) < 0.85 for p in picked):
            picked.append(quad)

    for quad in learned:
        if quad.score >= LEARNED_MIN_SCORE:
            add(quad)
    for quad in classical[:-1]:
        if len(picked) < limit - 1:
            add(quad)
    # a learned quad of doubtful shape (a mask that leaked) goes after the classical ones;
    # one of implausible shape only where there is room
    for quad in learned:
        if LEARNED_KEEP_SCORE <= quad.score < LEARNED_MIN_SCORE or (
            quad.score < LEARNED_KEEP_SCORE and len(picked) < limit - 1
        ):
            add(quad)
    return [*picked, classical[-1]]


def _classical_candidates(image: np.ndarray, *, limit: int) -> list[Quad]:
    small, scale = downscaled(image, WORK_SIDE)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    quads = [q for mask in _masks(small, gray) for q in _quads_from_mask(mask)]
    quads.sort(key=lambda q: -q.score)
    picked: list[Quad] = []
    for quad in quads:
        if all(iou(quad, p) < 0.85 for p in picked):
            picked.append(quad)
        if len(picked) == limit - 1:
            break
    picked = [q.scaled(1 / scale) for q in picked]
    picked.append(full_frame_quad(image.shape))
    return picked


def _masks(small: np.ndarray, gray: np.ndarray) -> list[np.ndarray]:
    """Binary images in which the card may show as one blob: edges closed into outlines,
    and brightness/colour segmentations."""
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    masks = []
    median = float(np.median(blur))
    for lo, hi in ((0.5 * median, 1.2 * median), (20.0, 60.0), (8.0, 24.0)):
        edges = cv2.Canny(blur, max(5.0, lo), max(15.0, hi))
        edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
        masks.append(edges)
    _, otsu = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    kernel = np.ones((7, 7), np.uint8)
    masks.append(cv2.morphologyEx(otsu, cv2.MORPH_OPEN, kernel))
    return masks


def _quads_from_mask(mask: np.ndarray) -> list[Quad]:
    h, w = mask.shape[:2]
    frame = float(h * w)
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for contour in contours:
        hull = cv2.convexHull(contour)
        hull_area = float(cv2.contourArea(hull))
        if hull_area < _MIN_AREA_FRACTION * frame or hull_area > 0.98 * frame:
            continue
        quad = hull_to_quad(hull)
        quad_area = float(abs(cv2.contourArea(quad)))
        if quad_area <= 0:
            continue
        fill = min(hull_area / quad_area, quad_area / hull_area)
        ordered = order_corners(quad)
        sides = [float(np.linalg.norm(ordered[(i + 1) % 4] - ordered[i])) for i in range(4)]
        aspect = (sides[0] + sides[2]) / max(sides[1] + sides[3], 1.0)
        aspect_fit = math.exp(-abs(math.log(aspect / CARD_ASPECT)) * 4)
        if aspect_fit < 0.2 or fill < 0.85:
            continue
        score = fill**4 * aspect_fit * math.sqrt(hull_area / frame)
        out.append(Quad.from_array(ordered, score))
    return out
