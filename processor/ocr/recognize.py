"""PP-OCR text recognition (CTC) on onnxruntime: line crops -> text with runner-up characters.

A recogniser may be asked to read a crop within an alphabet (constrained decoding: the
digits and X of an id number, the characters of a date), and folds what it reads: classes
that are one character under NFKC (``3`` and fullwidth ``３``), and the traditional forms some
models emit for a simplified character (PP-OCRv6 reads 别 as 別) into the simplified one.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import itertools
import math
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from ..values import CharCandidate, TextLine
from .models import ModelError, load_verified, read_manifest
from .runtime import TRADITIONAL, open_session

REC_HEIGHT = 48
#: Recognition crops wider than this (in model pixels) are squeezed; ~40 CJK characters.
REC_MAX_WIDTH = 1920
#: At most this many crops of about one width share a run (by default).
BATCH_SIZE = 8
#: Crops share a batch only when the widest is at most this much wider than the narrowest.
PAD_TOLERANCE = 1.15

#: How many of a time step's classes a character's runner-ups are taken from.
TOP_CLASSES = 5
#: Where a line's best path passed over less than this (:func:`passed_over`), no character
#: is looked for there (:func:`passed_char`): a line read surely passes over no more.
PASSED_FLOOR = 0.05
#: A set of characters a crop is read within (None: every class of the model).
Alphabet = frozenset[str] | None
#: A line read with fewer time steps than this per character (a digit or a Latin letter
#: counting half) may hold a doubled character read once: CTC needs a step of blank between
#: two alike, and a crop whose text fills a small share of its height (a line boxed tall on
#: an outline askew) leaves about two steps a character (449号 read 49号) ...
DENSE_STEPS = 2.5
#: ... so it is read again stretched to this many (:meth:`TextRecognizer.with_doubles`).
STRETCHED_STEPS = 4.0


class TextRecognizer:
    """CTC recognition of single text lines, batched by width."""

    def __init__(
        self,
        session: ort.InferenceSession,
        *,
        batch_size: int = BATCH_SIZE,
        parallel: concurrent.futures.Executor | None = None,
        lanes: int = 1,
        fold: Mapping[str, str] | None = None,
        keep: frozenset[str] = frozenset(),
        alternatives: int = TOP_CLASSES,
    ) -> None:
        """``parallel`` and ``lanes`` > 1: the batches of one call are split into ``lanes``
        groups of about equal width, run at once (all but one on ``parallel``); for a
        single-threaded session, which then keeps each core busy without a hand-off at
        every op. ``fold``: characters read as another (traditional -> simplified), after
        NFKC. ``keep``: characters a line may be read within again (:meth:`within`)
        without running the model; each line read keeps their probabilities.
        ``alternatives``: how many of a time step's classes each character's runner-ups are
        taken from."""
        self._session = session
        self._alternatives = alternatives
        self._parallel = parallel if lanes > 1 else None
        self._lanes = lanes
        self._input = session.get_inputs()[0].name
        meta = session.get_modelmeta().custom_metadata_map
        if "character" not in meta:
            raise ModelError("recognition model has no 'character' dictionary in its metadata")
        self.charset = ["", *meta["character"].splitlines(), " "]
        fold = fold or {}
        folded = [unicodedata.normalize("NFKC", c) for c in self.charset]
        self.folded = [fold.get(c, c) for c in folded]
        #: The columns that are no character: the blank and a space.
        self._blankish = np.array([i for i, c in enumerate(self.folded) if not c.strip()])
        self.batch_size = batch_size
        wanted = _nfkc(keep)
        kept = [i for i, c in enumerate(self.folded) if i and c in wanted]
        self._keep = np.array([0, *kept], np.int64) if kept else None
        self._keep_classes = [self.folded[i] for i in (0, *kept)] if kept else []
        self._masks: dict[tuple[frozenset[str], bool], np.ndarray] = {}
        self._masks_lock = threading.Lock()

    @property
    def characters(self) -> frozenset[str]:
        """Every character this recogniser can read (as folded)."""
        return frozenset(c for c in self.folded if c)

    def __call__(
        self, crops: Sequence[np.ndarray], alphabets: Sequence[Alphabet] = ()
    ) -> list[TextLine]:
        """Recognise BGR line crops; the result list is in the order of ``crops``. A crop
        with an alphabet in ``alphabets`` is read as the best sequence of those characters
        only (a class outside it can never win, however likely)."""
        widths = [self._width(c) for c in crops]
        limits = [alphabets[i] if i < len(alphabets) else None for i in range(len(crops))]
        results: list[TextLine | None] = [None] * len(crops)
        order = sorted(range(len(crops)), key=lambda i: widths[i])
        batches = self._batches(order, widths)

        def run(group: list[list[int]]) -> None:
            for batch in group:  # each writes only its own crops' slots of ``results``
                self._run(batch, crops, widths, limits, results)

        if self._parallel is None or len(batches) < 2:
            run(batches)
        else:
            first, *rest = deal_lanes(batches, widths, self._lanes)
            pending = [self._parallel.submit(run, group) for group in rest]
            run(first)
            for future in pending:
                future.result()
        return [r for r in results if r is not None]

    def _mask(self, alphabet: frozenset[str], *, kept: bool = False) -> np.ndarray:
        """The classes ``alphabet`` allows (the blank always), of all or (``kept``) of those
        this recogniser keeps; made once per alphabet."""
        key = (alphabet, kept)
        mask = self._masks.get(key)
        if mask is None:
            wanted = _nfkc(alphabet)
            classes = self._keep_classes if kept else self.folded
            mask = np.array([i == 0 or c in wanted for i, c in enumerate(classes)])
            with self._masks_lock:
                self._masks[key] = mask
        return mask

    def _run(
        self,
        batch: list[int],
        crops: Sequence[np.ndarray],
        widths: list[int],
        limits: Sequence[Alphabet],
        results: list[TextLine | None],
    ) -> None:
        max_w = widths[batch[-1]]
        blob = np.zeros((len(batch), 3, REC_HEIGHT, max_w), dtype=np.float32)
        for row, i in enumerate(batch):
            resized = cv2.resize(crops[i], (widths[i], REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
            blob[row, :, :, : widths[i]] = resized.transpose(2, 0, 1) * (2.0 / 255.0) - 1.0
        probs = self._session.run(None, {self._input: blob})[0]
        step = max_w / probs.shape[1]  # model pixels per time step
        for row, i in enumerate(batch):
            alphabet = limits[i]
            line_probs = probs[row] if alphabet is None else probs[row] * self._mask(alphabet)
            line = self._decode(line_probs, step / widths[i], self.folded)
            if self._keep is not None:
                line = dataclasses.replace(line, kept=line_probs[:, self._keep].copy())
            results[i] = line

    def with_doubles(
        self, crops: Sequence[np.ndarray], alphabets: Sequence[Alphabet] = ()
    ) -> list[TextLine]:
        """``crops`` read as by calling this recogniser, each read with fewer than
        :data:`DENSE_STEPS` time steps a character read again stretched wider
        (:data:`STRETCHED_STEPS`) and that read kept where it only doubles characters the
        first read once: a doubled character is printed, never made up."""
        lines = self(crops, alphabets)
        dense = [i for i, line in enumerate(lines) if steps_per_char(line) < DENSE_STEPS]
        if not dense:
            return lines
        wider = [
            cv2.resize(crops[i], None, fx=STRETCHED_STEPS / steps_per_char(lines[i]), fy=1.0)
            for i in dense
        ]
        out = list(lines)
        limits = [alphabets[i] if i < len(alphabets) else None for i in dense]
        for i, again in zip(dense, self(wider, limits), strict=True):
            first = lines[i]
            if len(again.chars) > len(first.chars) and _once(again.text) == _once(first.text):
                out[i] = again
        return out

    def within(self, line: TextLine, alphabet: frozenset[str]) -> TextLine:
        """``line`` read again within ``alphabet`` (a part of the characters this recogniser
        keeps) from what the model saw when it read it: what a constrained run on the same
        crop reads, without running the model again."""
        if line.kept is None or self._keep is None:
            raise ValueError("the line keeps no probabilities to read it again")
        mask = self._mask(alphabet, kept=True)
        return self._decode(line.kept * mask, line.step, self._keep_classes)

    def between(self, line: TextLine, chars: frozenset[str]) -> list[float]:
        """For each two characters of ``line`` read one after the other, the most probability
        the model gave ``chars`` (a part of those this recogniser keeps; added up over the
        classes of a time step) at a time step between where the two were read: a character
        the best path passed over (CTC's blank or a neighbour won each step it showed in).
        Zeros where the line keeps no probabilities."""
        pairs = max(0, len(line.chars) - 1)
        seen = self._seen(line, chars)
        if seen is None or pairs == 0:
            return [0.0] * pairs
        first = _steps(line)
        return [
            float(seen[a + 1 : b].max()) if b > a + 1 else 0.0 for a, b in itertools.pairwise(first)
        ]

    def ends(self, line: TextLine, chars: frozenset[str]) -> tuple[float, float]:
        """The most probability the model gave ``chars`` (as in :meth:`between`) before the
        first character of ``line`` it read, and after the last: a character at an end of
        the crop that the best path passed over (a hyphen where an address wraps, 102-|10号).
        Zeros where the line keeps no probabilities or none was read."""
        seen = self._seen(line, chars)
        if seen is None or not line.chars:
            return 0.0, 0.0
        first = _steps(line)
        before, after = seen[: max(0, first[0])], seen[first[-1] + 1 :]
        return (
            float(before.max()) if before.size else 0.0,
            float(after.max()) if after.size else 0.0,
        )

    def _seen(self, line: TextLine, chars: frozenset[str]) -> np.ndarray | None:
        """Per time step of ``line``, the probability the model gave ``chars`` (a part of those
        this recogniser keeps), added up; None where the line keeps no probabilities."""
        if line.kept is None or line.step <= 0:
            return None
        allowed = self._mask(chars, kept=True)[1:]  # (the blank left out)
        return np.asarray(line.kept[:, 1:][:, allowed].sum(axis=1))

    def _batches(self, order: list[int], widths: list[int]) -> list[list[int]]:
        """Split width-sorted crops into batches whose widths differ by at most
        ``PAD_TOLERANCE``: the model's cost grows with the padded width, so padding a
        short line to the widest one in its batch wastes more than a separate run costs."""
        batches: list[list[int]] = []
        for i in order:
            last = batches[-1] if batches else None
            if (
                last is not None
                and len(last) < self.batch_size
                and widths[i] <= widths[last[0]] * PAD_TOLERANCE
            ):
                last.append(i)
            else:
                batches.append([i])
        return batches

    @staticmethod
    def _width(crop: np.ndarray) -> int:
        h, w = crop.shape[:2]
        return int(min(REC_MAX_WIDTH, max(16, math.ceil(REC_HEIGHT * w / max(h, 1)))))

    def _decode(self, probs: np.ndarray, step: float, classes: Sequence[str]) -> TextLine:
        """Greedy CTC decoding. Classes that are the same character as folded (NFKC: the
        dictionary holds both ``3`` and fullwidth ``３``; traditional forms) count as one,
        their probabilities added; each character keeps the runner-ups of its best time step,
        and where it starts (``step``: the line's width per time step, as a fraction of it).
        ``classes``: the character of each column of ``probs`` (column 0 the blank).
        The probabilities of a constrained read are those of the allowed classes, not
        renormalised: a character forced on an unlike glyph keeps a low one."""
        best = probs.argmax(axis=1)
        chars: list[CharCandidate] = []
        prev = 0
        for t, best_idx in enumerate(best):
            idx = int(best_idx)
            if idx not in (0, prev):
                x = min(1.0, (t + 0.5) * step)
                chars.append(_candidate(probs[t], classes, self._alternatives, x))
            elif idx != 0 and chars:
                cand = _candidate(probs[t], classes, self._alternatives, chars[-1].x)
                if cand.char == chars[-1].char and cand.prob > chars[-1].prob:
                    chars[-1] = cand
            prev = idx
        text = "".join(c.char for c in chars)
        score = float(np.mean([c.prob for c in chars])) if chars else 0.0
        seen = _passed_steps(probs, best, step)
        passed = _most_passed(seen)
        # what was passed over, where a character may have been (not for a read within the
        # kept characters)
        at = (
            _passed_candidate(
                probs,
                seen,
                step=step,
                classes=classes,
                blankish=self._blankish,
                k=self._alternatives,
            )
            if passed >= PASSED_FLOOR and classes is self.folded
            else None
        )
        return TextLine(text, score, tuple(chars), step=step, passed=passed, passed_char=at)


def passed_over(probs: np.ndarray, best: np.ndarray, step: float) -> float:
    """The most probability ``probs`` (time steps x classes, column 0 the blank) give, at a
    step of the crop (``step``: its width per time step, as a fraction of it) where the best
    path ``best`` reads the blank, to any class other than the blank and the classes read
    last before and first after it: a character the path passed over (a thin 1 between two
    characters, a rare one the model is unsure of). A character's own edge steps, where it
    fades into the blank, are not counted; for a read within an alphabet, the classes outside
    it count too (what the model saw, not what the read allowed)."""
    return _most_passed(_passed_steps(probs, best, step))


def _most_passed(seen: tuple[np.ndarray, np.ndarray, np.ndarray] | None) -> float:
    """:func:`passed_over` from what :func:`_passed_steps` found."""
    return 0.0 if seen is None else float(max(0.0, seen[1].max()))


def _passed_steps(
    probs: np.ndarray, best: np.ndarray, step: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Of the crop's steps where ``best`` reads the blank (:func:`passed_over`): their
    indices, what each gave the classes other than the blank and those read either side,
    and those classes (two columns, -1 for none). None where the path reads the blank
    nowhere on the crop."""
    steps = min(len(best), math.ceil(1.0 / step - 1e-6)) if step > 0 else len(best)
    best = best[:steps]
    blank = np.flatnonzero(best == 0)
    if not blank.size:
        return None
    read = best != 0
    pos = np.arange(len(best))
    before = np.maximum.accumulate(np.where(read, pos, -1))[blank]
    after = np.minimum.accumulate(np.where(read, pos, len(best))[::-1])[::-1][blank]
    rest = 1.0 - probs[blank, 0]
    sides = []
    for near in (before, after):
        valid = (near >= 0) & (near < len(best))
        cls = best[np.clip(near, 0, len(best) - 1)]
        rest = rest - np.where(valid, probs[blank, cls], 0.0)
        sides.append(np.where(valid, cls, -1))
    return blank, rest, np.stack(sides, axis=1)


def passed_char(
    probs: np.ndarray,
    best: np.ndarray,
    step: float,
    classes: Sequence[str],
    blankish: np.ndarray,
    *,
    k: int = TOP_CLASSES,
) -> CharCandidate | None:
    """The character the best path passed over where it passed over most
    (:func:`passed_over`): the likeliest class at that step but the blank and a space
    (``blankish``: their columns) and the characters read either side, its runner-ups from
    ``k`` classes, and where it is (as :attr:`CharCandidate.x`); None where nothing was
    passed over. A character the model saw but was too unsure of to read (仫 of 仫佬, 0.14
    beside a blank of 0.48 and a space of 0.29): what it may be, for a value that is not
    one the card can print without it."""
    seen = _passed_steps(probs, best, step)
    return _passed_candidate(probs, seen, step=step, classes=classes, blankish=blankish, k=k)


def _passed_candidate(
    probs: np.ndarray,
    seen: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    *,
    step: float,
    classes: Sequence[str],
    blankish: np.ndarray,
    k: int,
) -> CharCandidate | None:
    """:func:`passed_char` from what :func:`_passed_steps` found."""
    if seen is None:
        return None
    blank, rest, sides = seen
    at = int(rest.argmax())
    if rest[at] <= 0.0:
        return None
    t = int(blank[at])
    row = probs[t].copy()
    row[blankish] = 0.0
    near = {classes[int(c)] for c in sides[at] if c >= 0}
    found = _candidate(row, classes, k + len(near), min(1.0, (t + 0.5) * step))
    ranked = [(c, p) for c, p in found.ranked() if c.strip() and c not in near and p > 0.0]
    if not ranked:
        return None
    (char, prob), rest_ranked = ranked[0], ranked[1:k]
    alt, alt_prob = rest_ranked[0] if rest_ranked else ("", 0.0)
    return CharCandidate(char, prob, alt, alt_prob, x=found.x, alts=tuple(rest_ranked))


def _nfkc(chars: frozenset[str]) -> set[str]:
    """``chars`` as the recogniser's classes are compared: NFKC-normalised (fullwidth ３ is 3)."""
    return {unicodedata.normalize("NFKC", c) for c in chars}


def _candidate(
    row: np.ndarray, classes: Sequence[str], k: int = TOP_CLASSES, x: float = 0.0
) -> CharCandidate:
    """The best character of one time step and its runner-ups, from its ``k`` likeliest
    classes (classes that are one character as folded count as one, their probabilities
    added); ``x``: where it was read."""
    top = top_classes(row, k)
    folded: dict[str, float] = {}
    for j in top[np.argsort(row[top])[::-1]]:
        if int(j) == 0:
            continue
        char = classes[int(j)]
        folded[char] = folded.get(char, 0.0) + float(row[int(j)])
    ranked = [*sorted(folded.items(), key=lambda kv: -kv[1]), ("", 0.0)]
    (char, prob), (alt, alt_prob) = ranked[0], ranked[1]
    return CharCandidate(char, prob, alt, alt_prob, x=x, alts=tuple(ranked[1:-1]))


#: A class this likely or less is never among a time step's top classes when enough are
#: more likely (softmax rows over ~18,700 classes leave almost all far below it).
_UNLIKELY = 1e-6
#: Where fewer than ``k`` classes are above _UNLIKELY, the ``k`` largest are looked for
#: above each of these in turn (a count above a floor costs a few percent of a partition of
#: the whole row).
_FLOORS = (1e-8, 1e-10, 1e-12, 0.0)


def top_classes(row: np.ndarray, k: int = TOP_CLASSES) -> np.ndarray:
    """The indices of the ``k`` largest entries of ``row`` (in no order): those of the few
    entries above _UNLIKELY where there are enough of them (a threshold costs a third of a
    partition of the whole row), else of a partition of the whole row. Where the ``k``
    largest are unique and distinct (none equal to the next largest or to each other), they
    are found without that partition, among the entries above a floor (:data:`_FLOORS`):
    the same indices, which :func:`_candidate` orders the same; equal values are left to
    the partition, which picks among them as it always did."""
    if len(row) <= k:
        return np.arange(len(row))
    likely = np.flatnonzero(row > _UNLIKELY)
    if len(likely) >= k:
        return likely[np.argpartition(row[likely], -k)[-k:]]
    for floor in _FLOORS:
        above = row > floor
        if np.count_nonzero(above) >= k:
            top = _distinct_top(row, np.flatnonzero(above), k)
            if top is not None:
                return top
            break
    return np.argpartition(row, -k)[-k:]


def _distinct_top(row: np.ndarray, among: np.ndarray, k: int) -> np.ndarray | None:
    """The indices of the ``k`` largest entries of ``row``, ``among`` holding them (at least
    ``k`` indices, every entry outside it smaller than every entry in it), largest first;
    None where two of them, or the ``k``-th and the next, are equal."""
    if len(among) > k:
        among = among[np.argpartition(row[among], -(k + 1))[-(k + 1) :]]
    ranked = among[np.argsort(row[among])[::-1]]
    values = row[ranked]
    if np.any(values[:-1] == values[1:]):
        return None
    return ranked[:k]


def deal_lanes(batches: list[list[int]], widths: list[int], lanes: int) -> list[list[list[int]]]:
    """``batches`` dealt into at most ``lanes`` groups of about equal padded width (the cost),
    widest batch first, each to the group with the least so far."""
    groups: list[list[list[int]]] = [[] for _ in range(min(lanes, len(batches)))]
    load = [0] * len(groups)
    for batch in sorted(batches, key=lambda b: -widths[b[-1]] * len(b)):
        k = load.index(min(load))
        groups[k].append(batch)
        load[k] += widths[batch[-1]] * len(batch)
    return groups


def traditional_fold(ts_characters: str, st_characters: str) -> dict[str, str]:
    """Traditional-only character -> its simplified form, from OpenCC's ``TSCharacters.txt``
    (traditional -> simplified candidates) and ``STCharacters.txt`` (simplified ->
    traditional). A character that is itself simplified (a key of ST, e.g. 于) or one of its own
    candidates (於 -> 于 於: a surname in simplified text too) is not folded."""

    def table(text: str) -> dict[str, list[str]]:
        out = {}
        for line in text.splitlines():
            key, sep, values = line.partition("\t")
            if sep and not key.startswith("#"):
                out[key] = values.split()
        return out

    simplified = set(table(st_characters))
    return {
        t: values[0]
        for t, values in table(ts_characters).items()
        if values and t not in simplified and t not in values and len(t) == 1
    }


def load_fold(model_dir: Path) -> dict[str, str]:
    """The traditional -> simplified fold from the OpenCC tables the manifest lists (sha256
    checked); empty where it lists none."""
    ts_name, st_name = TRADITIONAL
    if ts_name not in read_manifest(model_dir):
        return {}
    ts = load_verified(model_dir, ts_name).decode("utf-8")
    st = load_verified(model_dir, st_name).decode("utf-8")
    return traditional_fold(ts, st)


def load_recognizer(
    model_dir: Path,
    name: str,
    *,
    lanes: int = 1,
    fold: Mapping[str, str] | None = None,
    keep: frozenset[str] = frozenset(),
    batch_size: int = BATCH_SIZE,
    alternatives: int = TOP_CLASSES,
) -> TextRecognizer:
    """The recogniser named ``name`` in the manifest on a single-threaded session, a call's
    batches run in ``lanes`` lanes at once: a card's batches are independent, and lanes beat
    splitting each op between threads. One recogniser serves both engines of a service
    (their sessions would only differ in spinning, which lanes do not need).
    ``batch_size``: at most this many crops of about one width share a run; ``alternatives``:
    how many classes a character's runner-ups are taken from."""
    parallel = (
        concurrent.futures.ThreadPoolExecutor(lanes - 1, thread_name_prefix="rec-lane")
        if lanes > 1
        else None
    )
    return TextRecognizer(
        open_session(model_dir, name, 1),
        parallel=parallel,
        lanes=lanes,
        fold=fold,
        keep=keep,
        batch_size=batch_size,
        alternatives=alternatives,
    )


def _steps(line: TextLine) -> list[int]:
    """The time step each character of ``line`` was read at."""
    return [round(c.x / line.step - 0.5) for c in line.chars]


def steps_per_char(line: TextLine) -> float:
    """The time steps ``line`` was read in, per character (a digit or a Latin letter half);
    infinite for a line of fewer than two characters or read in no steps."""
    width = sum(0.5 if c.char.isascii() else 1.0 for c in line.chars)
    if len(line.chars) < 2 or line.step <= 0:
        return math.inf
    return 1.0 / (line.step * width)


def _once(text: str) -> str:
    """``text`` with each run of one character as one."""
    return "".join(char for char, _ in itertools.groupby(text))
