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

    def _boxes(self, pred: np.ndarray) -> list[Box]:
        h, w = pred.shape
        boxes = []
        for contour, score, d in self._regions(pred, self._mask(pred)):
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
