"""PP-OCR text detection (DB) on onnxruntime: axis-aligned or oriented text boxes."""

from __future__ import annotations

import cv2
import numpy as np
import onnxruntime as ort

from ..values import Box


class TextDetector:
    """DB text detection; returns axis-aligned boxes (inputs are rectified, upright-ish cards)."""

    def __init__(
        self,
        session: ort.InferenceSession,
        *,
        thresh: float = 0.3,
        box_thresh: float = 0.5,
        unclip_ratio: float = 1.6,
    ) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self.thresh = thresh
        self.box_thresh = box_thresh
        self.unclip_ratio = unclip_ratio

    def __call__(self, image: np.ndarray) -> list[Box]:
        """Detect text in a BGR image whose sides are multiples of 32."""
        return self._boxes(self._predict(image))

    def detect(self, image: np.ndarray) -> tuple[list[Box], float]:
        """Axis-aligned text boxes and the text lines' skew, from one run: the angle (degrees,
        clockwise, -45..45) of the lines' long sides, the median of the long regions weighted
        by length; 0 when fewer than :data:`SKEW_LINES` long regions agree within
        :data:`SKEW_SPREAD` degrees."""
        pred = self._predict(image)
        mask = self._mask(pred)
        regions = self._regions(pred, mask)
        return self._boxes(pred, regions), line_skew([r for r, _, _ in regions])

    def oriented(self, image: np.ndarray) -> list[np.ndarray]:
        """Detect text lines at any angle: each a (4, 2) array of the corners of its
        rotated rectangle, in ``image`` pixels (sides multiples of 32)."""
        pred = self._predict(image)
        mask = self._mask(pred)
        out = []
        for contour, _, d in self._regions(pred, mask):
            (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
            rect = ((cx, cy), (rw + 2 * d, rh + 2 * d), angle)
            out.append(cv2.boxPoints(rect).astype(np.float32))
        return out

    def _predict(self, image: np.ndarray) -> np.ndarray:
        h, w = image.shape[:2]
        if h % 32 or w % 32:
            raise ValueError("detector input sides must be multiples of 32")
        blob = (image.astype(np.float32) * (2.0 / 255.0) - 1.0).transpose(2, 0, 1)[None]
        pred: np.ndarray = self._session.run(None, {self._input: blob})[0][0, 0]
        return pred

    def _mask(self, pred: np.ndarray) -> np.ndarray:
        return cv2.dilate((pred > self.thresh).astype(np.uint8), np.ones((2, 2), np.uint8))

    def _regions(self, pred: np.ndarray, mask: np.ndarray) -> list[tuple[np.ndarray, float, float]]:
        """Text regions of the probability map: (contour, score, unclip distance)."""
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        found = []
        for contour in contours:
            x, y, bw, bh = cv2.boundingRect(contour)
            if min(bw, bh) < 3:
                continue
            region = mask[y : y + bh, x : x + bw]
            score = float(pred[y : y + bh, x : x + bw][region > 0].mean())
            if score < self.box_thresh:
                continue
            area = float(cv2.contourArea(contour))
            length = float(cv2.arcLength(contour, closed=True))
            found.append((contour, score, area * self.unclip_ratio / max(length, 1.0)))
        return found

    def _boxes(
        self,
        pred: np.ndarray,
        regions: list[tuple[np.ndarray, float, float]] | None = None,
    ) -> list[Box]:
        h, w = pred.shape
        if regions is None:
            regions = self._regions(pred, self._mask(pred))
        boxes = []
        for contour, score, d in regions:
            x, y, bw, bh = cv2.boundingRect(contour)
            boxes.append(
                Box(
                    max(0.0, x - d),
                    max(0.0, y - d),
                    min(float(w), x + bw + d),
                    min(float(h), y + bh + d),
                    score,
                )
            )
        return boxes


#: A text region whose long side is this many times its short one is a line (has a direction).
LINE_ASPECT = 4.0
#: At least this many lines, and half of their length within this many degrees of their
#: median, for a skew to be measured.
SKEW_LINES = 3
SKEW_SPREAD = 2.0


def line_skew(contours: list[np.ndarray]) -> float:
    """The angle (degrees, clockwise in image coordinates, -45..45) of the long regions of
    ``contours``: their length-weighted median, or 0 when they do not agree."""
    angles: list[tuple[float, float]] = []
    for contour in contours:
        (_, _), (rw, rh), _ = rect = cv2.minAreaRect(contour)
        long_side, short_side = max(rw, rh), min(rw, rh)
        if short_side <= 0 or long_side < LINE_ASPECT * short_side:
            continue
        pts = cv2.boxPoints(rect)
        edges = [pts[(i + 1) % 4] - pts[i] for i in range(2)]
        dx, dy = max(edges, key=lambda e: float(np.hypot(e[0], e[1])))
        angle = float(np.degrees(np.arctan2(dy, dx)))
        angle = (angle + 90.0) % 180.0 - 90.0  # a direction, not a vector
        if abs(angle) <= 45.0:
            angles.append((angle, long_side))
    if len(angles) < SKEW_LINES:
        return 0.0
    angles.sort()
    total = sum(w for _, w in angles)
    running, median = 0.0, 0.0
    for angle, weight in angles:
        running += weight
        if running >= total / 2:
            median = angle
            break
    near = sum(w for a, w in angles if abs(a - median) <= SKEW_SPREAD)
    return median if near >= total / 2 else 0.0
