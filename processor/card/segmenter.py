"""Learned card localisation: the ``card_seg`` model's mask -> the card's quadrilateral.

``CardSegmenter`` runs the small segmentation network (models/card_seg.onnx, trained on the
synthetic generator by ``python -m model_export cardseg``) on a SIDE x SIDE squashed copy of
the image; where it is not sure of the card, the same network trained on from it under
white-balance casts and cast shadows (models/card_seg_light.onnx) looks again. The geometry
that follows is pure and model-free: ``quads_from_mask`` turns a probability mask into
quadrilaterals (one per plausible blob), each side fitted as a line to the blob's outline,
and :func:`~processor.card.geometry.refine_quad` snaps each side to the strongest parallel
edge in a narrow band around it in a ~1000 px copy, so that rectification is accurate.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from ..ocr.models import read_manifest
from ..ocr.runtime import open_session
from ..values import Quad
from .candidates import LEARNED_KEEP_SCORE, LEARNED_MIN_SCORE
from .geometry import (
    REFINE_SIDE,
    downscaled,
    enclosing_quad,
    fit_sides,
    hull_to_quad,
    order_corners,
    refine_quad,
)
from .template import CARD_ASPECT

MODEL_NAME = "card_seg"
#: card_seg trained on under white-balance casts and cast shadows (``model_export.cardseg
#: _lighting``): it looks again where card_seg is not sure of the card. It outlines shadowed
#: and tinted photos as card_seg outlines plain ones, but moves the outlines of plain cards a
#: little (see docs/decisions.md), so it does not replace card_seg.
LIGHT_MODEL_NAME = "card_seg_light"
#: The model's input side (the image is squashed to SIDE x SIDE).
SIDE = 256
#: A pixel of the mask is card where the model gives it more than this probability.
MASK_THRESHOLD = 0.5
#: Blobs smaller than this fraction of the mask are ignored.
MIN_BLOB_FRACTION = 0.006
#: Where the whole frame shows no card the model is sure of, it looks closer: at 2 x 2
#: overlapping windows of this fraction of the frame's sides. A card a fifth of a large
#: frame's width (on a desk beside a page) is ~50 px wide at SIDE, and the model does not
#: see it; in a window it is ~80 px, and it does.
CLOSER_WINDOW = 0.6
#: An outline within this fraction of a window's side of an edge the window cuts through the
#: frame is a card the window cut, not a card.
CLOSER_MARGIN = 0.01
#: Where the model sees card over this share of the frame, the card is large (mostly the
#: frame itself: a tight scan whose outline the model draws askew) and no window holds it
#: whole: no closer look (what it would find is a piece of the card).
FILLED = 0.5


class CardSegmenter:
    """The card-segmentation model; one session shared by all threads (``run`` is thread-safe)."""

    def __init__(
        self,
        session: ort.InferenceSession,
        *,
        max_quads: int = 2,
        light: ort.InferenceSession | None = None,
    ) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self.max_quads = max_quads
        #: :data:`LIGHT_MODEL_NAME`'s session (None: no second look)
        self._light = light

    @classmethod
    def load(
        cls, model_dir: Path, *, intra_op_threads: int = 1, spin: bool = False
    ) -> CardSegmenter:
        """card_seg and, where the manifest lists it, card_seg_light (both sha256-checked)."""
        light = (
            open_session(model_dir, LIGHT_MODEL_NAME, intra_op_threads, spin=spin)
            if LIGHT_MODEL_NAME in read_manifest(model_dir)
            else None
        )
        return cls(open_session(model_dir, MODEL_NAME, intra_op_threads, spin=spin), light=light)

    def probabilities(self, image: np.ndarray, *, light: bool = False) -> np.ndarray:
        """The card probability of each pixel of the SIDE x SIDE squashed image (``light``: as
        card_seg_light sees it)."""
        small = cv2.resize(image, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
        blob = small.astype(np.float32).transpose(2, 0, 1)[None]
        session = self._light if light and self._light is not None else self._session
        logits = session.run(None, {self._input: blob})[0][0, 0]
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)

    def __call__(self, image: np.ndarray) -> list[Quad]:
        """The card's quadrilateral(s) in ``image`` pixels, most plausible first. Where the
        whole frame shows none the model is sure of, it looks closer (:data:`CLOSER_WINDOW`):
        what it sees there at the keep score, in a window that does not cut it, is ranked
        with the rest (at that size its scores are unsteady; the text read on it decides);
        not where it sees card over most of the frame (:data:`FILLED`). Before that,
        card_seg_light looks at the whole frame: an outline it is sure of (a card under a
        shadow or a tint) is ranked with card_seg's, and nothing closer is looked at."""
        # one downscaled copy serves both models' looks at the whole frame
        whole = downscaled(image, REFINE_SIDE)
        out, covered = self._look(*whole)
        if covered >= FILLED or any(q.score >= LEARNED_MIN_SCORE for q in out):
            return out
        if self._light is not None:
            lit, _ = self._look(*whole, light=True)
            if any(q.score >= LEARNED_MIN_SCORE for q in lit):
                return sorted(lit + out, key=lambda q: -q.score)[: self.max_quads]
        h, w = image.shape[:2]
        for x0, y0, x1, y1 in closer_windows(w, h):
            for quad in self.outlines(image[y0:y1, x0:x1]):
                if quad.score >= LEARNED_KEEP_SCORE and inside_window(quad, (x0, y0, x1, y1), w, h):
                    shift = np.array([x0, y0], np.float32)
                    out.append(Quad.from_array(quad.array() + shift, quad.score))
        out.sort(key=lambda q: -q.score)
        return out[: self.max_quads]

    def outlines(self, image: np.ndarray) -> list[Quad]:
        """The card's quadrilateral(s) the model sees in the whole of ``image``, most
        plausible first."""
        return self._look(*downscaled(image, REFINE_SIDE))[0]

    def _look(
        self, work: np.ndarray, scale: float, *, light: bool = False
    ) -> tuple[list[Quad], float]:
        """:meth:`outlines` (``light``: card_seg_light's) of the image ``work`` is a copy of,
        downscaled by ``scale`` (:func:`~processor.card.geometry.downscaled`), and the share
        of it the model sees as card. One downscaled copy serves both the model input and the
        edge refinement."""
        prob = self.probabilities(work, light=light)
        quads = quads_from_mask(prob, limit=self.max_quads)
        wh, ww = work.shape[:2]
        to_work = np.array([ww / SIDE, wh / SIDE], np.float32)
        out = []
        for quad in quads:
            pts = order_corners(quad.array() * to_work)
            # the mask is squashed: judge the shape again in image pixels
            mask_shape = shape_plausibility(quad.array())
            score = quad.score / max(mask_shape, 1e-6) * shape_plausibility(pts)
            refined = refine_quad(work, Quad.from_array(pts, score))
            out.append(refined.scaled(1 / scale))
        out.sort(key=lambda q: -q.score)
        return out, float(np.mean(prob > MASK_THRESHOLD))


def closer_windows(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """The 2 x 2 overlapping windows ``(x0, y0, x1, y1)`` of a closer look at a frame, each
    :data:`CLOSER_WINDOW` of its sides (they overlap by a fifth of the frame: a card a fifth
    wide lies whole in one of them)."""
    ww, wh = round(width * CLOSER_WINDOW), round(height * CLOSER_WINDOW)
    return [(x0, y0, x0 + ww, y0 + wh) for y0 in (0, height - wh) for x0 in (0, width - ww)]


def inside_window(quad: Quad, window: tuple[int, int, int, int], width: int, height: int) -> bool:
    """Whether ``quad`` (in window pixels) stays clear of every edge of ``window`` that cuts
    through the frame (``width`` x ``height``): one that reaches such an edge is a card the
    window cut. The frame's own edges may cut a card: the whole frame's look judged that."""
    x0, y0, x1, y1 = window
    pts = quad.array()
    mx, my = CLOSER_MARGIN * (x1 - x0), CLOSER_MARGIN * (y1 - y0)
    return not (
        (x0 > 0 and pts[:, 0].min() < mx)
        or (y0 > 0 and pts[:, 1].min() < my)
        or (x1 < width and pts[:, 0].max() > x1 - x0 - mx)
        or (y1 < height and pts[:, 1].max() > y1 - y0 - my)
    )


def quads_from_mask(
    prob: np.ndarray, *, limit: int = 2, thresh: float = MASK_THRESHOLD
) -> list[Quad]:
    """Quadrilaterals (in mask pixels) of the blobs of ``prob > thresh``, largest first.

    Each side is a line fitted to the outline points between two corners of the blob's
    polygonal approximation, so corners are intersections of sub-pixel lines, not outline
    pixels. Of the corners that approximation cuts (:func:`hull_to_quad`) and those where
    its sides meet (:func:`enclosing_quad`: a corner the blob lost put back), the quadrilateral
    that overlaps the blob best is kept; the score is the blob's mean probability times its
    fill of the quadrilateral."""
    mask = (prob > thresh).astype(np.uint8)
    h, w = mask.shape[:2]
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contours = sorted(contours, key=cv2.contourArea, reverse=True)
    out: list[Quad] = []
    for contour in contours[:limit]:
        area = float(cv2.contourArea(contour))
        if area < MIN_BLOB_FRACTION * h * w:
            break
        hull = cv2.convexHull(contour)
        blob = np.zeros_like(mask)
        cv2.drawContours(blob, [contour], -1, 1, thickness=-1)
        outline = contour.reshape(-1, 2).astype(np.float32)
        fitted = [
            order_corners(fit_sides(outline, order_corners(coarse)))
            for coarse in (hull_to_quad(hull), enclosing_quad(hull))
            if coarse is not None
        ]
        fitted = [quad for quad in fitted if abs(cv2.contourArea(quad)) > 0]
        if not fitted:
            continue
        # max keeps the first of equals: the cut corners, as before
        ordered = max(fitted, key=lambda quad: blob_overlap(quad, blob))
        quad_area = float(abs(cv2.contourArea(ordered)))
        fill = min(area / quad_area, quad_area / area)
        score = float(prob[blob > 0].mean()) * fill * shape_plausibility(ordered)
        out.append(Quad.from_array(ordered, score))
    return out


def blob_overlap(corners: np.ndarray, blob: np.ndarray) -> float:
    """Intersection over union of the quadrilateral ``corners`` (mask pixels) and ``blob`` (a
    0/1 mask)."""
    quad = np.zeros_like(blob)
    cv2.fillPoly(quad, [np.round(corners * 16).astype(np.int32)], 1, cv2.LINE_8, shift=4)
    union = np.count_nonzero(quad | blob)
    return np.count_nonzero(quad & blob) / union if union else 0.0


def shape_plausibility(corners: np.ndarray) -> float:
    """1 for a quadrilateral that can be a card seen with moderate perspective, falling towards
    0 for the wrong aspect or opposite sides of very different lengths (a blob that leaked
    onto a neighbouring object). Independent of the scale of the coordinates (the aspect is
    meant for equal x and y scales)."""
    pts = np.asarray(corners, np.float64).reshape(4, 2)
    sides = [float(np.linalg.norm(pts[(i + 1) % 4] - pts[i])) for i in range(4)]
    if min(sides) <= 0:
        return 0.0
    long_sides, short_sides = sides[0] + sides[2], sides[1] + sides[3]
    if long_sides < short_sides:
        long_sides, short_sides = short_sides, long_sides
    # a card photographed with up to 25 degrees of tilt keeps its aspect within ~10% and
    # opposite sides within a factor 0.8 of each other
    aspect_fit = math.exp(
        -max(0.0, abs(math.log(long_sides / short_sides / CARD_ASPECT)) - 0.1) * 6
    )
    balance = min(
        min(sides[0], sides[2]) / max(sides[0], sides[2]),
        min(sides[1], sides[3]) / max(sides[1], sides[3]),
    )
    return aspect_fit * min(1.0, balance / 0.8) ** 8
