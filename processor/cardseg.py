"""Learned card localisation: the ``card_seg`` model's mask -> the card's quadrilateral.

``CardSegmenter`` runs the small segmentation network (models/card_seg.onnx, trained on the
synthetic generator by ``python -m model_export cardseg``) on a SIDE x SIDE squashed copy of
the image. The geometry that follows is pure and model-free: ``quads_from_mask`` turns a
probability mask into quadrilaterals (one per plausible blob), each side fitted as a line to
the blob's outline, and ``refine_quad`` snaps each side to the strongest parallel edge in a
narrow band around it in a ~1000 px copy, so that rectification is accurate.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from .card import _hull_to_quad, downscaled, order_corners
from .cardfacts import CARD_ASPECT
from .ocr.runtime import open_session
from .values import Quad

MODEL_NAME = "card_seg"
#: The model's input side (the image is squashed to SIDE x SIDE).
SIDE = 256
#: Blobs smaller than this fraction of the mask are ignored.
MIN_BLOB_FRACTION = 0.006
#: Refinement works on a copy whose long side is this many pixels.
REFINE_SIDE = 1000


class CardSegmenter:
    """The card-segmentation model; one session shared by all threads (``run`` is thread-safe)."""

    def __init__(self, session: ort.InferenceSession, *, max_quads: int = 2) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self.max_quads = max_quads

    @classmethod
    def load(
        cls, model_dir: Path, *, intra_op_threads: int = 1, spin: bool = False
    ) -> CardSegmenter:
        return cls(open_session(model_dir, MODEL_NAME, intra_op_threads, spin=spin))

    def probabilities(self, image: np.ndarray) -> np.ndarray:
        """The card probability of each pixel of the SIDE x SIDE squashed image."""
        small = cv2.resize(image, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
        blob = small.astype(np.float32).transpose(2, 0, 1)[None]
        logits = self._session.run(None, {self._input: blob})[0][0, 0]
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)

    def __call__(self, image: np.ndarray) -> list[Quad]:
        """The card's quadrilateral(s) in ``image`` pixels, most plausible first."""
        # one downscaled copy serves both the model input and the edge refinement
        work, scale = downscaled(image, REFINE_SIDE)
        quads = quads_from_mask(self.probabilities(work), limit=self.max_quads)
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
        return out


def quads_from_mask(prob: np.ndarray, *, limit: int = 2, thresh: float = 0.5) -> list[Quad]:
    """Quadrilaterals (in mask pixels) of the blobs of ``prob > thresh``, largest first.

    Each side is a line fitted to the outline points between two corners of the blob's
    polygonal approximation, so corners are intersections of sub-pixel lines, not outline
    pixels; the score is the blob's mean probability times its fill of the quadrilateral."""
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
        coarse = _hull_to_quad(hull)
        if coarse is None:
            continue
        quad = _fit_sides(contour.reshape(-1, 2).astype(np.float32), order_corners(coarse))
        quad_area = float(abs(cv2.contourArea(quad)))
        if quad_area <= 0:
            continue
        fill = min(area / quad_area, quad_area / area)
        blob = np.zeros_like(mask)
        cv2.drawContours(blob, [contour], -1, 1, thickness=-1)
        ordered = order_corners(quad)
        score = float(prob[blob > 0].mean()) * fill * shape_plausibility(ordered)
        out.append(Quad.from_array(ordered, score))
    return out


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


def _fit_sides(outline: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Refit each side of ``corners`` to the outline points near it (away from the corners)."""
    lines = []
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        pts = _points_near_segment(outline, a, b, band=max(1.5, 0.04 * _dist(a, b)))
        line = _fit_line(pts) if len(pts) >= 5 else None
        lines.append(line if line is not None else _line_through(a, b))
    # Outline points are the blob's boundary pixels; the polygon the mask was drawn from (pixel
    # i is on when its centre, coordinate i, is inside) runs half a pixel further out.
    center = corners.mean(axis=0)
    shifted = []
    for p, d in lines:
        n = np.array([-d[1], d[0]], np.float32)
        if float((p - center) @ n) < 0:
            n = -n
        shifted.append((p + 0.5 * n, d))
    return _intersect_all(shifted, fallback=corners)


def refine_quad(image: np.ndarray, quad: Quad, *, band_fraction: float = 0.03) -> Quad:
    """Snap each side of ``quad`` to the strongest edge parallel to it within a band of
    ``band_fraction`` x the quad's diagonal; sides without a clear edge stay as they are, and
    a result that moves a corner further than two bands is discarded."""
    small, scale = downscaled(image, REFINE_SIDE)
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    gray = cv2.GaussianBlur(gray, (3, 3), 0).astype(np.float32)
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    corners = quad.array() * scale
    diag = max(_dist(corners[0], corners[2]), _dist(corners[1], corners[3]))
    band = max(3.0, band_fraction * diag)
    lines = []
    found: list[tuple[np.ndarray, np.ndarray] | None] = []
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        line = _edge_line(gx, gy, a, b, band)
        found.append(line)
        lines.append(line if line is not None else _line_through(a, b))
    if all(line is None for line in found):
        return quad
    refined = _intersect_all(lines, fallback=corners)
    moved = float(np.linalg.norm(refined - corners, axis=1).max())
    if moved > 2 * band or not cv2.isContourConvex(refined.reshape(-1, 1, 2)):
        return quad
    return Quad.from_array(refined / scale, quad.score)


def _edge_line(
    gx: np.ndarray, gy: np.ndarray, a: np.ndarray, b: np.ndarray, band: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """The line through the strongest gradient (across the side) at samples along a..b."""
    h, w = gx.shape
    length = _dist(a, b)
    if length < 8:
        return None
    d = (b - a) / length
    n = np.array([-d[1], d[0]], np.float32)
    ts = np.linspace(0.12, 0.88, max(8, min(60, int(length / 4))))
    offsets = np.arange(-band, band + 0.5, 1.0, dtype=np.float32)
    base = a[None, :] + ts[:, None] * (b - a)[None, :]  # samples x 2
    pts = base[:, None, :] + offsets[None, :, None] * n[None, None, :]  # samples x offs x 2
    xs = np.clip(pts[..., 0], 0, w - 1).astype(np.float32)
    ys = np.clip(pts[..., 1], 0, h - 1).astype(np.float32)
    inside = (
        (pts[..., 0] >= 0) & (pts[..., 0] <= w - 1) & (pts[..., 1] >= 0) & (pts[..., 1] <= h - 1)
    )
    sgx = cv2.remap(gx, xs, ys, cv2.INTER_LINEAR)
    sgy = cv2.remap(gy, xs, ys, cv2.INTER_LINEAR)
    signed = (sgx * n[0] + sgy * n[1]) * inside
    rows = np.arange(len(ts))
    best_fit: tuple[float, np.ndarray] | None = None
    # The card is consistently lighter or darker than what surrounds it along one side: take
    # the polarity whose strongest responses carry the most gradient.
    for across in (np.maximum(signed, 0), np.maximum(-signed, 0)):
        best = across.argmax(axis=1)
        strength = across[rows, best]
        if not np.any(strength > 0):
            continue
        keep = strength > max(8.0, 0.35 * float(np.median(strength[strength > 0])))
        if keep.sum() < max(5, len(ts) // 3):
            continue
        total = float(strength[keep].sum())
        if best_fit is None or total > best_fit[0]:
            best_fit = (total, pts[rows, best][keep])
    if best_fit is None:
        return None
    chosen = best_fit[1]
    line = _fit_line(chosen)
    if line is None:
        return None
    point, direction = line
    if abs(float(direction @ d)) < math.cos(math.radians(6)):
        return None  # not the side we were refining
    normal = np.array([-direction[1], direction[0]], np.float32)
    inliers = np.abs((chosen - point) @ normal) < 2.0
    if inliers.mean() < 0.5:
        return None  # scattered responses: no single edge
    return _fit_line(chosen[inliers])


def _points_near_segment(pts: np.ndarray, a: np.ndarray, b: np.ndarray, band: float) -> np.ndarray:
    length = _dist(a, b)
    if length < 1e-6:
        return pts[:0]
    d = (b - a) / length
    rel = pts - a
    t = rel @ d
    off = np.abs(rel @ np.array([-d[1], d[0]], np.float32))
    keep = (t > 0.15 * length) & (t < 0.85 * length) & (off < band)
    return np.asarray(pts[keep])


def _fit_line(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    if len(pts) < 2:
        return None
    vx, vy, x0, y0 = cv2.fitLine(pts.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    point = np.array([x0, y0], np.float32)
    direction = np.array([vx, vy], np.float32)
    return point, direction


def _line_through(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = b - a
    return a.astype(np.float32), (d / max(float(np.linalg.norm(d)), 1e-6)).astype(np.float32)


def _intersect_all(
    lines: list[tuple[np.ndarray, np.ndarray]], *, fallback: np.ndarray
) -> np.ndarray:
    """Corner i is where side i-1 meets side i (side i runs from corner i to corner i+1)."""
    out = np.array(fallback, np.float32).copy()
    for i in range(4):
        p = _intersect(lines[(i - 1) % 4], lines[i])
        if p is not None:
            out[i] = p
    return out


def _intersect(
    l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]
) -> np.ndarray | None:
    (p, r), (q, s) = l1, l2
    cross = float(r[0] * s[1] - r[1] * s[0])
    if abs(cross) < math.sin(math.radians(20)):
        return None  # near-parallel sides: not a corner
    t = float((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / cross
    return (p + t * r).astype(np.float32)


def _dist(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(b, np.float64) - np.asarray(a, np.float64)))
