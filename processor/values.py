"""The value types every stage passes on: text boxes, card outlines and recognised text.

A leaf: numpy only (no OpenCV, no onnxruntime), so that pure code (the layout, the field
parser) can use these types without loading any model runtime.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Box:
    """An axis-aligned text box in the pixel coordinates of the image it was found in (or,
    normalised, as fractions of the card's width and height)."""

    x0: float
    y0: float
    x1: float
    y1: float
    score: float = 1.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def scaled(self, sx: float, sy: float) -> Box:
        return Box(self.x0 * sx, self.y0 * sy, self.x1 * sx, self.y1 * sy, self.score)

    def corners(self) -> list[tuple[float, float]]:
        """Top-left, top-right, bottom-right, bottom-left."""
        return [(self.x0, self.y0), (self.x1, self.y0), (self.x1, self.y1), (self.x0, self.y1)]


@dataclasses.dataclass(frozen=True)
class Quad:
    """Four corners in image pixels, clockwise, ``p0 -> p1`` along a long side."""

    points: tuple[tuple[float, float], ...]
    score: float = 0.0

    def __post_init__(self) -> None:
        if len(self.points) != 4:
            raise ValueError("a quadrilateral has four corners")

    @classmethod
    def from_array(cls, pts: np.ndarray, score: float = 0.0) -> Quad:
        """The quadrilateral with the corners of a (4, 2) array, in that order."""
        corners = np.asarray(pts).reshape(4, 2)
        return cls(tuple((float(x), float(y)) for x, y in corners), score)

    def array(self) -> np.ndarray:
        return np.asarray(self.points, dtype=np.float32)

    def scaled(self, factor: float) -> Quad:
        return Quad.from_array(self.array() * factor, self.score)

    def rotated(self, quarter_turns: int) -> Quad:
        """The same quadrilateral with its corner order shifted: the card turned by 90° steps."""
        pts = list(self.points)
        k = quarter_turns % 4
        return Quad.from_array(np.asarray(pts[k:] + pts[:k], dtype=np.float32), self.score)

    @property
    def width(self) -> float:
        """The mean length of its two long sides (p0 -> p1 and p3 -> p2), in pixels."""
        pts = self.array()
        return float(np.linalg.norm(pts[1] - pts[0]) + np.linalg.norm(pts[2] - pts[3])) / 2

    @property
    def area(self) -> float:
        """The enclosed area (shoelace formula over the float32 corners, summed in double
        precision from the last corner on, as OpenCV's ``contourArea`` sums it)."""
        xs, ys = (self.array()[:, i].tolist() for i in (0, 1))
        total, prev_x, prev_y = 0.0, xs[-1], ys[-1]
        for x, y in zip(xs, ys, strict=True):
            total += prev_x * y - prev_y * x
            prev_x, prev_y = x, y
        return abs(total * 0.5)


@dataclasses.dataclass(frozen=True)
class CharCandidate:
    """One recognised character, with the recogniser's runner-ups at the same position."""

    char: str
    prob: float
    alt: str
    alt_prob: float
    #: Where it was read: the centre of its first time step, as a fraction of the line's width.
    x: float = 0.0
    #: Every runner-up at that time step, best first (``alt`` is the first), with probabilities.
    alts: tuple[tuple[str, float], ...] = ()
    #: How much darker than its paper it is printed (0-255), where that was measured in the
    #: crop it was read from (:func:`~processor.read.crops.with_ink`); None where it was not.
    ink: float | None = None

    def ranked(self) -> list[tuple[str, float]]:
        """What was read and its runner-ups, best first."""
        rest = self.alts or ((self.alt, self.alt_prob),)
        return [(self.char, self.prob), *((c, p) for c, p in rest if c)]


@dataclasses.dataclass(frozen=True)
class TextLine:
    """One recognised line: its text, the mean character probability and each character.

    ``kept``: what the recogniser saw at each time step for the characters it keeps (those
    a line may be read within again, :meth:`~processor.ocr.recognize.TextRecognizer.within`,
    or looked for between two it read, :meth:`~processor.ocr.recognize.TextRecognizer.between`),
    and ``step``, the line's width per time step; neither compares. ``passed``: the most
    probability the recogniser gave, at a time step where it read nothing, to a character
    other than those read either side (a character it may have passed over; 0 for a line not
    read by a recogniser)."""

    text: str
    score: float
    chars: tuple[CharCandidate, ...]
    kept: np.ndarray | None = dataclasses.field(default=None, compare=False, repr=False)
    step: float = dataclasses.field(default=0.0, compare=False, repr=False)
    passed: float = dataclasses.field(default=0.0, compare=False)
    #: What the recogniser may have passed over where ``passed`` was seen
    #: (:func:`~processor.ocr.recognize.passed_char`); None where nothing was, or for a line
    #: not read by a recogniser or read within the characters it keeps.
    passed_char: CharCandidate | None = dataclasses.field(default=None, compare=False)
