"""The recognition pipeline: decoded image -> the card's side, fields and upright image.

find card candidates -> rectify each to a small canonical image -> detect text -> decide
side and orientation from the layout (the first candidate that looks like a card wins) ->
rectify the winner at full resolution -> recognise the field rows in one batch -> parse
and validate. Stateless: everything expensive lives in the :class:`OcrEngine`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import cv2
import numpy as np

from . import fields as fp
from .card.candidates import LEARNED_MIN_SCORE, find_card_candidates
from .card.geometry import rectify
from .card.layout import (
    MIN_LAYOUT_SCORE,
    FieldRegions,
    Hypothesis,
    back_regions,
    classify,
    flip,
    front_regions,
)
from .card.register import register, register_near
from .card.template import FRONT_LABELS, FRONT_TEXT_END_X, ROW_OF_LABEL
from .read.engine import OcrEngine
from .values import Box, Quad, TextLine

#: Size of the rectified card the detector sees (multiples of 32, aspect ~1.6).
DET_SIZE = (512, 320)
#: Width of the rectified card the recogniser crops from (text ~44 px high).
REC_CARD_WIDTH = 1280
#: A layout score at which a candidate is taken without trying the rest.
CONFIDENT_SCORE = 6.0
#: When no outline is confident, registration is also tried around this many of them, those
#: whose layout scored at least NEAR_MIN_SCORE (some text where a card's would be).
NEAR_CANDIDATES = 2
NEAR_MIN_SCORE = 2.0


@dataclasses.dataclass(frozen=True)
class CardResult:
    side: str
    fields: dict[str, fp.Field]
    card_image: np.ndarray  # upright, REC_CARD_WIDTH wide
    quad: Quad  # in the decoded image's pixels; p0 is the card's top-left corner
    layout_score: float
    #: Optional extras for ``options`` (processor.extras): the recognised crops (normalised
    #: boxes on the upright card) and the raw recogniser lines, by row.
    regions: FieldRegions | None = None
    lines: dict[str, list[TextLine]] | None = None
    #: False when lines had to be moved to the row their printed label names: the outline
    #: is a row off, and a line may have fallen out of the crops (an address's last).
    aligned: bool = True


#: A candidate outline with its layout: (quad, side/orientation hypothesis, text boxes).
Candidate = tuple[Quad, Hypothesis, list[Box]]


@dataclasses.dataclass
class _Frame:
    """One decoded image and its expensive steps within one request, each done at most once:
    reading the card asks again for registrations and layout checks that locating it may
    already have made (all deterministic). Lives only as long as the request."""

    image: np.ndarray
    engine: OcrEngine
    _verified: dict[Quad, Candidate] = dataclasses.field(default_factory=dict)
    _near: dict[Quad, list[Quad]] = dataclasses.field(default_factory=dict)
    _whole: list[Quad] | None = None

    def verify(self, quad: Quad) -> Candidate:
        """A candidate's layout: its rectified text boxes scored against the card's layout."""
        if quad not in self._verified:
            w, h = DET_SIZE
            small = rectify(self.image, quad, w, h)
            boxes = [b.scaled(1 / w, 1 / h) for b in self.engine.detector(small)]
            self._verified[quad] = (quad, classify(boxes), boxes)
        return self._verified[quad]

    def register(self) -> list[Quad]:
        if self._whole is None:
            self._whole = register(self.image, self.engine.detector, self.engine.recognizer)
        return self._whole

    def register_near(self, quad: Quad) -> list[Quad]:
        if quad not in self._near:
            self._near[quad] = register_near(
                self.image, quad, self.engine.detector, self.engine.recognizer
            )
        return self._near[quad]


def locate(image: np.ndarray, engine: OcrEngine) -> Candidate | None:
    """The card's quadrilateral (upright corner order), side and normalised text boxes."""
    return _locate(_Frame(image, engine))


def _locate(frame: _Frame) -> Candidate | None:
    best: Candidate | None = None
    segmenter = frame.engine.segmenter
    learned = segmenter(frame.image) if segmenter is not None else []
    tried: list[Candidate] = []
    if learned and learned[0].score >= LEARNED_MIN_SCORE:
        # the learned outline is usually right: the classical candidates are not even computed
        tried.append(frame.verify(learned[0]))
        best = tried[0]
    if best is None or best[1].score < CONFIDENT_SCORE:
        for quad in find_card_candidates(frame.image, segmenter=lambda _: learned):
            if any(quad == t[0] for t in tried):
                continue
            tried.append(frame.verify(quad))
            best = _better(best, tried[-1])
            if best[1].score >= CONFIDENT_SCORE:
                break
    if best is None or best[1].score < CONFIDENT_SCORE:
        # No outline passed: register the card from its printed anchors instead, over the
        # whole frame, then around the outlines whose text looked most like a card's.
        for quad in frame.register():
            best = _better(best, frame.verify(quad))
        near = sorted(tried, key=lambda t: -t[1].score)[:NEAR_CANDIDATES]
        for quad, hyp, _ in near:
            confident = best is not None and best[1].score >= CONFIDENT_SCORE
            if confident or hyp.score < NEAR_MIN_SCORE:
                break
            for found in frame.register_near(quad):
                best = _better(best, frame.verify(found))
    if best is None or best[1].score < MIN_LAYOUT_SCORE:
        return None
    return _upright(*best)


def _upright(quad: Quad, hyp: Hypothesis, boxes: list[Box]) -> Candidate:
    """The quad and boxes turned half a turn when the layout says the card is upside down."""
    if hyp.flipped:
        return quad.rotated(2), hyp, [flip(b) for b in boxes]
    return quad, hyp, boxes


def _better(best: Candidate | None, new: Candidate) -> Candidate:
    return new if best is None or new[1].score > best[1].score else best


def read_card(image: np.ndarray, engine: OcrEngine) -> CardResult | None:
    """Read the card in ``image``; None when no card is found.

    When a field fails on the outline that was found, the card is registered from its
    printed anchors as well (around that outline, then over the whole frame) and the reading
    with more valid fields is kept: an outline a little off (a rounded corner, a shadow)
    shifts the field rows, anchors do not. A better reading found over the whole frame is
    refined once more around its own outline, where the anchors are read larger. Fields
    with a real check that the kept reading still misses are taken from another reading of
    the same side that validated them (and checked against the id number again)."""
    frame = _Frame(image, engine)
    located = _locate(frame)
    if located is None:
        return None
    first = _read(image, *located, engine)
    if _complete(first):
        return first
    readings = [first] if first is not None else []
    _read_more(readings, frame, lambda: frame.register_near(located[0]))
    _read_more(readings, frame, frame.register)
    best = _best(readings)
    if best is not None and best.quad != located[0] and not _complete(best):
        quad = best.quad
        _read_more(readings, frame, lambda: frame.register_near(quad))
        best = _best(readings)
    return None if best is None else _completed(best, readings)


def _complete(result: CardResult | None) -> bool:
    """Every field valid, on an outline whose rows were where their labels say."""
    return result is not None and result.aligned and all(f.ok for f in result.fields.values())


def _read_more(
    readings: list[CardResult], frame: _Frame, outlines: Callable[[], list[Quad]]
) -> None:
    """Add to ``readings`` the card read on each of ``outlines()`` whose layout passes, until
    one of them is complete; nothing (not even the outlines) once one already is."""
    if any(_complete(r) for r in readings):
        return
    for quad in outlines():
        candidate = frame.verify(quad)
        if candidate[1].score < MIN_LAYOUT_SCORE:
            continue
        reading = _read(frame.image, *_upright(*candidate), frame.engine)
        if reading is not None:
            readings.append(reading)
            if _complete(reading):
                return


def _best(readings: list[CardResult]) -> CardResult | None:
    """The reading with the most valid fields (ties: an aligned one, then the earlier)."""
    return max(readings, key=lambda r: (_valid(r), r.aligned), default=None)


def _completed(best: CardResult, readings: list[CardResult]) -> CardResult:
    """``best`` with its failed fields that have a real check (not name or address, which
    almost any text passes) taken from another reading of the same side that validated
    them; a front is cross-checked against its id number again."""
    fields = dict(best.fields)
    for name, found in best.fields.items():
        if found.ok or name in _WEAK_FIELDS:
            continue
        for other in readings:
            if other.side == best.side and name in other.fields and other.fields[name].ok:
                fields[name] = other.fields[name]
                break
    if fields == best.fields:
        return best
    if best.side == "front":
        fields = fp.reconcile_front(fields)
    return dataclasses.replace(best, fields=fields)


def _valid(result: CardResult) -> int:
    return sum(f.ok for f in result.fields.values())


def _read(
    image: np.ndarray, quad: Quad, hyp: Hypothesis, boxes: list[Box], engine: OcrEngine
) -> CardResult | None:
    card = rectify(image, quad, REC_CARD_WIDTH)
    regions = front_regions(boxes) if hyp.side == "front" else back_regions(boxes)
    lines = _recognise(card, regions, engine)
    parsed = _parse_front(lines) if hyp.side == "front" else _parse_back(lines)
    if not looks_like_card(parsed, lines):
        return None
    aligned = hyp.side != "front" or relabel_rows(lines) == lines
    return CardResult(hyp.side, parsed, card, quad, hyp.score, regions, lines, aligned)


#: Fields whose validation almost any line of Chinese text passes: no evidence of a card.
_WEAK_FIELDS = frozenset({"name", "address"})


def looks_like_card(parsed: dict[str, fp.Field], lines: dict[str, list[TextLine]]) -> bool:
    """Whether what was read is evidence of an ID card rather than a document, a bank card or
    a texture whose text happened to fall into the card's rows: at least one field with a
    real check (not name or address, which most Chinese text passes) passed its validation,
    or (front) two of the printed labels were read. Otherwise the answer is 201
    (no card), not a field code for a card that is not there."""
    if any(f.ok for name, f in parsed.items() if name not in _WEAK_FIELDS):
        return True
    text = "".join(line.text.replace(" ", "") for found in lines.values() for line in found)
    return sum(label in text for label in FRONT_LABELS) >= 2


def _recognise(
    card: np.ndarray, regions: FieldRegions, engine: OcrEngine
) -> dict[str, list[TextLine]]:
    h, w = card.shape[:2]
    keys: list[str] = []
    crops: list[np.ndarray] = []
    for row, boxes in regions.rows.items():
        for box in boxes:
            pad = box.height * 0.08
            x0, x1 = int(max(0, box.x0 * w)), int(min(w, box.x1 * w))
            y0, y1 = int(max(0, (box.y0 - pad) * h)), int(min(h, (box.y1 + pad) * h))
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            if row in TRAIL_ROWS:
                limit = int(min(w, max(x1, FRONT_TEXT_END_X * w), x1 + TRAIL * w))
                x1 += trailing_ink(card[y0:y1, x0:limit], x1 - x0)
            keys.append(row)
            crops.append(squeezed(row, card[y0:y1, x0:x1]))
    out: dict[str, list[TextLine]] = {row: [] for row in regions.rows}
    exact = [key in EXACT_ROWS for key in keys]
    found = engine.recognizer(crops, exact) if crops else []
    for key, line in zip(keys, found, strict=True):
        out[key].append(line)
    return out


#: Rows read by the fp32 recogniser where the served one is int8 (``IDCARD_REC_PRECISION``):
#: nothing checks a name (an address at least has its place names), and person names run to
#: the dictionary's rare characters, where int8 flipped the only readings it changed (two
#: names in 1,100 held-out and benchmark cards: 钧 -> 钓). One short crop per front.
EXACT_ROWS = frozenset({"name"})


#: Rows of digits (the id number, the birth date with its 年/月/日) are read squeezed to this
#: share of their width: they are about 45% of a front's recognition columns, and the
#: recogniser reads them as well narrower (seed 0, 200 per scene: the same cards at 0.65; on
#: held-out seeds 7 and 11 two more cards at 0.7).
DIGIT_ROWS = frozenset({"id_no", "birth"})
DIGIT_SQUEEZE = 0.7


def squeezed(row: str, crop: np.ndarray) -> np.ndarray:
    """``crop`` as the recogniser gets it: narrowed by DIGIT_SQUEEZE for the digit rows."""
    if row not in DIGIT_ROWS:
        return crop
    h, w = crop.shape[:2]
    return cv2.resize(crop, (max(4, round(w * DIGIT_SQUEEZE)), h), interpolation=cv2.INTER_AREA)


#: Rows whose crop may run on past the detected text, as far as ink continues: the
#: detector's box stops short of a thin last character (一 ending a name or an address
#: line). Not into blank space: the recogniser reads a blank tail with the card's guilloche
#: as a character (号).
TRAIL_ROWS = frozenset({"name", "address"})
#: How far (card widths, about one character); not past the template's FRONT_TEXT_END_X.
TRAIL = 0.035
#: A tail whose own contrast is this fraction of the text's holds text, however faded.
FADED_INK = 0.45


def trailing_ink(line: np.ndarray, text_end: int) -> int:
    """How many columns past ``text_end`` the text of the BGR ``line`` crop runs on: ink
    (darker than Otsu's threshold over the detected text) starting within a character gap
    of the end and continuing without a wider gap; 0 when the tail is blank."""
    if text_end >= line.shape[1] or text_end < 4:
        return 0
    gray = cv2.cvtColor(line, cv2.COLOR_BGR2GRAY)
    threshold, text_contrast = _otsu(gray[:, :text_end])
    tail = gray[:, text_end:]
    tail_threshold, tail_contrast = _otsu(tail)
    if tail_contrast >= FADED_INK * text_contrast:
        # text faded by glare or light still stands out from its own surroundings
        threshold = max(threshold, tail_threshold)
    height = gray.shape[0]
    # a column holds ink when enough of its pixels are text-dark: a stroke, not a speck
    inked = ((tail < threshold).sum(axis=0) >= max(2, height // 12)).tolist()
    gap = max(2, int(0.5 * height))
    end = 0
    for col, ink in enumerate(inked):
        if ink:
            end = col + 1
        elif col - end >= gap:
            break
    return min(len(inked), end + height // 8) if end else 0


def _otsu(gray: np.ndarray) -> tuple[float, float]:
    """Otsu's threshold of ``gray`` and the gap between its two classes' means."""
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark, light = gray[gray < threshold], gray[gray >= threshold]
    if dark.size == 0 or light.size == 0:
        return float(threshold), 0.0
    return float(threshold), float(light.mean() - dark.mean())


def _first(lines: dict[str, list[TextLine]], row: str) -> TextLine | None:
    found = lines.get(row) or []
    return found[0] if found else None


def relabel_rows(lines: dict[str, list[TextLine]]) -> dict[str, list[TextLine]]:
    """Put each line that starts with a printed label into that label's row, ahead of the
    row's unlabelled lines: when rectification is off by a row's height, the text itself
    still says which row it is (an address's continuation lines keep their place)."""
    labelled: dict[str, list[TextLine]] = {row: [] for row in lines}
    rest: dict[str, list[TextLine]] = {row: [] for row in lines}
    for row, found in lines.items():
        for line in found:
            target = ROW_OF_LABEL.get(line.text.replace(" ", "")[:2])
            if target is not None and target in labelled:
                labelled[target].append(line)
            else:
                rest[row].append(line)
    return {row: labelled[row] + rest[row] for row in lines}


def _parse_front(lines: dict[str, list[TextLine]]) -> dict[str, fp.Field]:
    lines = relabel_rows(lines)
    gender_race = _first(lines, "gender_race")
    parsed = {
        "name": fp.parse_name(_first(lines, "name")),
        "gender": fp.parse_gender(gender_race),
        "race": fp.parse_race(gender_race),
        "birth": fp.parse_birth(_first(lines, "birth")),
        "address": fp.parse_address(lines.get("address", [])),
        "id_no": fp.parse_id_number(_first(lines, "id_no")),
    }
    return fp.reconcile_front(parsed)


def _parse_back(lines: dict[str, list[TextLine]]) -> dict[str, fp.Field]:
    return {
        "issued_by": fp.parse_issuer(_first(lines, "issued_by")),
        "valid_date": fp.parse_validity(_first(lines, "valid_date")),
    }
