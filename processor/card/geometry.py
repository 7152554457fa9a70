"""Generic geometry on images and quadrilaterals (no models): corner order, rectification,
hull -> quadrilateral, overlap, downscaling, and fitting or snapping a quadrilateral's sides
to the edges around it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from ..values import Box, Quad
from .template import CARD_ASPECT

#: Refinement works on a copy whose long side is this many pixels.
REFINE_SIDE = 1000
#: A quad enlarged this many times or more is rectified bicubically: bilinear interpolation
#: blurs strokes a few pixels wide into each other (犍/键, 钧/钩 on a 300-420 px card).
BICUBIC_ENLARGEMENT = 3.0
#: :func:`enclosing_quad` starts from the hull's polygonal approximation to this fraction of
#: its perimeter.
ENCLOSE_EPS = 0.01


def order_corners(pts: np.ndarray) -> np.ndarray:
    """Clockwise order (in image coordinates, y down) starting at a long side's first corner,
    picking of the two long sides the one nearer the top of the image."""
    pts = np.asarray(pts, dtype=np.float32).reshape(4, 2)
    center = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - center[1], pts[:, 0] - center[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen (y axis points down)
    sides = [float(np.linalg.norm(pts[(i + 1) % 4] - pts[i])) for i in range(4)]
    start = 0 if sides[0] + sides[2] >= sides[1] + sides[3] else 1
    # of the two long sides (start, start+2) take the one whose midpoint is higher
    mid_a = (pts[start] + pts[(start + 1) % 4]) / 2
    mid_b = (pts[(start + 2) % 4] + pts[(start + 3) % 4]) / 2
    if mid_b[1] < mid_a[1]:
        start += 2
    return np.roll(pts, -start, axis=0)


def rectify(image: np.ndarray, quad: Quad, width: int, height: int | None = None) -> np.ndarray:
    """Warp ``quad`` to an upright ``width`` x ``height`` image (default: the card's aspect),
    bicubically where that enlarges it :data:`BICUBIC_ENLARGEMENT` times or more."""
    if height is None:
        height = round(width / CARD_ASPECT)
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.array(), dst)
    enlarged = width >= BICUBIC_ENLARGEMENT * quad.width
    return cv2.warpPerspective(
        image,
        matrix,
        (width, height),
        flags=cv2.INTER_CUBIC if enlarged else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def card_homography(quad: Quad) -> np.ndarray:
    """The perspective transform from the unit square (the upright card, 0..1 in x and y) to
    ``quad`` (its corner 0 the card's top-left)."""
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float32)
    return np.asarray(cv2.getPerspectiveTransform(unit, quad.array()), np.float64)


def map_points(matrix: np.ndarray, points: Sequence[tuple[float, float]]) -> np.ndarray:
    """``points`` through the perspective transform ``matrix``, as an (N, 2) array."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 1, 2)
    return np.asarray(cv2.perspectiveTransform(pts, matrix), np.float64).reshape(-1, 2)


def grown(quad: Quad, left: float, top: float, right: float, bottom: float) -> Quad:
    """``quad`` (corner 0 the card's top-left) grown outwards by these fractions of the card's
    width (left, right) and height (top, bottom), in the card's own plane."""
    corners = ((-left, -top), (1 + right, -top), (1 + right, 1 + bottom), (-left, 1 + bottom))
    return Quad.from_array(map_points(card_homography(quad), corners), quad.score)


def crop_box(image: np.ndarray, box: Box) -> np.ndarray:
    """The part of ``image`` under ``box`` (normalised to the image), pixels it touches
    included."""
    h, w = image.shape[:2]
    x0, x1 = max(0, int(box.x0 * w)), min(w, math.ceil(box.x1 * w))
    y0, y1 = max(0, int(box.y0 * h)), min(h, math.ceil(box.y1 * h))
    return image[y0:y1, x0:x1]


def full_frame_quad(shape: tuple[int, ...]) -> Quad:
    h, w = shape[:2]
    return Quad.from_array(order_corners(np.array([[0, 0], [w, 0], [w, h], [0, h]])), 0.1)


def corner_offsets(quad: Quad, frame: Quad) -> list[float]:
    """For each corner of ``frame``, in its order, how far (pixels) the nearest corner of
    ``quad`` is."""
    corners = quad.array().astype(np.float64)
    return [float(np.hypot(*(corners - c).T).min()) for c in frame.array()]


def downscaled(image: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """``image`` reduced (never enlarged) to a long side of at most ``long_side``, and the
    factor applied."""
    scale = min(1.0, long_side / max(image.shape[:2]))
    if scale >= 1.0:
        return image, 1.0
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def hull_to_quad(hull: np.ndarray) -> np.ndarray:
    """Four corners for a convex hull: its polygonal approximation where that has four
    corners, else its minimum-area rectangle."""
    perimeter = cv2.arcLength(hull, closed=True)
    for eps in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * perimeter, closed=True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
        if len(approx) < 4:
            break
    box = cv2.boxPoints(cv2.minAreaRect(hull))
    return np.asarray(box, dtype=np.float32)


def enclosing_quad(hull: np.ndarray) -> np.ndarray | None:
    """Four corners around a convex hull where its sides meet: from the hull's fine polygonal
    approximation, the side whose removal adds the least area (its two neighbours extended
    to meet) is removed until four are left. A corner the hull lost (faded into the
    background, cut by what lies over it) is put back where the card's sides meet, where
    :func:`hull_to_quad` cuts it off. None where no side can be removed so."""
    perimeter = cv2.arcLength(hull, closed=True)
    pts = cv2.approxPolyDP(hull, ENCLOSE_EPS * perimeter, closed=True).reshape(-1, 2)
    pts = pts.astype(np.float64)
    while len(pts) > 4:
        n = len(pts)
        best: tuple[float, int, np.ndarray] | None = None
        for k in range(n):
            a, b, c, d = pts[k - 1], pts[k], pts[(k + 1) % n], pts[(k + 2) % n]
            corner = _meet(a, b, c, d)
            # the neighbours must meet beyond the side, not behind it
            if corner is None or np.dot(corner - b, b - a) < 0 or np.dot(corner - c, c - d) < 0:
                continue
            (ux, uy), (vx, vy) = c - b, corner - b
            added = abs(float(ux * vy - uy * vx)) / 2
            if best is None or added < best[0]:
                best = (added, k, corner)
        if best is None:
            return None
        _, k, corner = best
        pts[k] = corner
        pts = np.delete(pts, (k + 1) % n, axis=0)
    return pts.astype(np.float32) if len(pts) == 4 else None


def _meet(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray | None:
    """Where the line through ``a``, ``b`` meets the line through ``c``, ``d`` (None if
    parallel)."""
    return _crossing(a, b - a, c, d - c, least=1e-9)


def shared_area(a: Quad, b: Quad) -> float:
    """The area two convex quadrilaterals have in common."""
    inter, _ = cv2.intersectConvexConvex(a.array(), b.array())
    return float(inter)


def iou(a: Quad, b: Quad) -> float:
    """Intersection over union of two convex quadrilaterals."""
    inter = shared_area(a, b)
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def fit_sides(outline: np.ndarray, corners: np.ndarray) -> np.ndarray:
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
    corners = quad.array() * scale
    diag = max(_dist(corners[0], corners[2]), _dist(corners[1], corners[3]))
    band = max(3.0, band_fraction * diag)
    lines = []
    found: list[tuple[np.ndarray, np.ndarray] | None] = []
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        line = _edge_line(gray, a, b, band)
        found.append(line)
        lines.append(line if line is not None else _line_through(a, b))
    if all(line is None for line in found):
        return quad
    refined = _intersect_all(lines, fallback=corners)
    moved = float(np.linalg.norm(refined - corners, axis=1).max())
    if moved > 2 * band or not cv2.isContourConvex(refined.reshape(-1, 1, 2)):
        return quad
    return Quad.from_array(refined / scale, quad.score)


#: Pixels around a side's band whose gradients are computed too: the blur and the Sobel
#: filter each reach one pixel, bilinear sampling one more.
_GRADIENT_MARGIN = 3


def window_gradients(
    gray: np.ndarray, x0: int, y0: int, x1: int, y1: int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The x and y Sobel gradients of the blurred ``gray`` over [x0, x1) x [y0, y1), as the
    whole image's would be there (the window grown by the filters' reach, within the image)."""
    h, w = gray.shape
    m = _GRADIENT_MARGIN
    wx0, wy0, wx1, wy1 = max(0, x0 - m), max(0, y0 - m), min(w, x1 + m), min(h, y1 + m)
    blurred = cv2.GaussianBlur(gray[wy0:wy1, wx0:wx1], (3, 3), 0).astype(np.float32)
    gx = cv2.Sobel(blurred, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(blurred, cv2.CV_32F, 0, 1, ksize=3)
    return gx, gy, wx0, wy0


def _edge_line(
    gray: np.ndarray, a: np.ndarray, b: np.ndarray, band: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """The line through the strongest gradient (across the side) at samples along a..b of
    the grey image ``gray`` (its gradients computed only around the side's band)."""
    h, w = gray.shape
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
    gx, gy, ox, oy = window_gradients(
        gray, int(xs.min()), int(ys.min()), int(xs.max()) + 2, int(ys.max()) + 2
    )
    sgx = cv2.remap(gx, xs - ox, ys - oy, cv2.INTER_LINEAR)
    sgy = cv2.remap(gy, xs - ox, ys - oy, cv2.INTER_LINEAR)
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
    # near-parallel sides (unit directions within 20 degrees): not a corner
    point = _crossing(p, r, q, s, least=math.sin(math.radians(20)))
    return None if point is None else point.astype(np.float32)


def _crossing(
    p: np.ndarray, r: np.ndarray, q: np.ndarray, s: np.ndarray, *, least: float
) -> np.ndarray | None:
    """Where the line through ``p`` along ``r`` meets the line through ``q`` along ``s``, in
    their dtype; None where the cross product of ``r`` and ``s`` is below ``least``."""
    cross = float(r[0] * s[1] - r[1] * s[0])
    if abs(cross) < least:
        return None
    t = float((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / cross
    return np.asarray(p + t * r)


def _dist(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(b, np.float64) - np.asarray(a, np.float64)))


def turned_quad(quad: Quad, degrees: float, size: tuple[int, int]) -> Quad:
    """``quad`` turned so that what its rectification (``size``: width, height) shows
    tilted by ``degrees`` (clockwise) comes out level: the rectified frame's corners turned
    by that angle about its centre, mapped back into the image."""
    w, h = size
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    to_image = cv2.getPerspectiveTransform(frame, quad.array())
    theta = math.radians(degrees)
    c, s = math.cos(theta), math.sin(theta)
    centre = np.array([w / 2, h / 2], dtype=np.float32)
    turned = (frame - centre) @ np.array([[c, s], [-s, c]], dtype=np.float32) + centre
    pts = cv2.perspectiveTransform(turned[None].astype(np.float32), to_image)[0]
    return Quad.from_array(pts, quad.score)
