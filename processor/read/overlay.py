"""Text laid over the card, not printed on it: a site's watermark tiled across the image
(示例图片 请勿转载, 仅供银行开户使用) runs into the rows of the values, and the recogniser reads
its characters on at a value's ends (上海市青浦区北京路569号2804室片请勿转载).

What tells it from print is what the card says: a tiled watermark repeats, so its phrase is
read more than once across the card (between the rows, after the values, over the labels);
a card prints each field once (its digits aside: the birth is in the id number, so digits
are no phrase). A phrase of two characters (样本, 样张 on a specimen's picture) is one only
when read in three places at least: two characters alike in two places are chance (建国 in a
name and in its address). Only that repeated text is taken off, and only at a value line's
ends; a phrase's character read as a look-alike there (请勿轩 for 请勿转) is the phrase's
where its runner-up makes it so.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Final

from ..places import REAL
from ..values import CharCandidate, TextLine
from .assign import NOT_TEXT_CHARS

#: Text read this many characters alike in two places is one phrase read twice ...
REPEATED: Final = 3
#: ... and this many (a tiled 样本) in this many places (texts of different groups).
SHORT: Final = 2
SHORT_PLACES: Final = 3
#: A value line's end is taken for the overlay when this many of its characters, or more,
#: are a piece of a repeated phrase (one character alike is chance).
OVERLAY_RUN: Final = 2

#: What breaks a phrase: a card's digits are read twice by design (the birth inside the id
#: number), and marks and spaces join nothing.
_BREAK = re.compile(rf"[\d{NOT_TEXT_CHARS}]+")
#: A mark or a space: no letter of a phrase.
_MARK = re.compile(rf"[{NOT_TEXT_CHARS}]")


def _pieces(text: str) -> list[str]:
    return [p for p in _BREAK.split(text) if len(p) >= SHORT]


def _shared(a: str, b: str) -> Iterable[str]:
    """The longest runs of at least :data:`SHORT` characters that ``a`` and ``b`` share
    (one per place in ``a`` where a run ends)."""
    best = [0] * (len(b) + 1)
    ends: dict[int, int] = {}
    for i, ca in enumerate(a, 1):
        row = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                row[j] = best[j - 1] + 1
                if row[j] >= SHORT:
                    ends[i] = max(ends.get(i, 0), row[j])
        best = row
    for i, n in ends.items():
        if ends.get(i + 1, 0) != n + 1:  # the run goes no further
            yield a[i - n : i]


def repeated_text(groups: Sequence[Sequence[str]]) -> frozenset[str]:
    """The phrases read more than once on a card: each run of :data:`REPEATED` or more
    letters that two texts of different ``groups`` share (what the boxes of one field's rows
    read, or of one row that holds no field: a place name repeats within an address, 广西壮族
    自治区…融水苗族自治县, a watermark across the card), and each of :data:`SHORT` letters
    that texts of :data:`SHORT_PLACES` groups or more share."""
    pieces = [(g, p) for g, texts in enumerate(groups) for text in texts for p in _pieces(text)]
    found: set[str] = set()
    short: dict[str, set[int]] = {}
    for k, (group, piece) in enumerate(pieces):
        for other_group, other in pieces[k + 1 :]:
            if other_group == group:
                continue
            for run in _shared(piece, other):
                if len(run) >= REPEATED:
                    found.add(run)
                else:
                    short.setdefault(run, set()).update((group, other_group))
    found.update(run for run, places in short.items() if len(places) >= SHORT_PLACES)
    return frozenset(found)


#: What each character of a line may be: what was read, and its runner-ups at least
#: :data:`~processor.places.REAL` probable.
_Options = tuple[frozenset[str], ...]


def _options(chars: Sequence[CharCandidate]) -> _Options:
    return tuple(frozenset(c for c, p in ch.ranked()[1:] if p >= REAL) | {ch.char} for ch in chars)


def _in_phrase(run: _Options, phrase: str) -> bool:
    n = len(run)
    return any(all(phrase[i + k] in run[k] for k in range(n)) for i in range(len(phrase) - n + 1))


def _overlaid(run: _Options, phrases: frozenset[str]) -> bool:
    return len(run) >= OVERLAY_RUN and any(_in_phrase(run, phrase) for phrase in phrases)


def _run(text: _Options, phrases: frozenset[str], *, end: bool) -> int:
    """How many characters at the start (``end``: the end) of ``text`` are pieces of
    ``phrases`` one after another (a phrase is read in pieces: 仅供银行开 | 户使用), leaving
    at least one."""
    n = 0
    while True:
        rest = text[: len(text) - n] if end else text[n:]
        more = max(
            (
                k
                for k in range(OVERLAY_RUN, len(rest))
                if _overlaid(rest[-k:] if end else rest[:k], phrases)
            ),
            default=0,
        )
        if not more:
            return n
        n += more


def without_overlay(line: TextLine, phrases: frozenset[str]) -> TextLine:
    """``line`` with the characters at its start and at its end that are pieces of
    ``phrases`` (:func:`repeated_text`; runs of :data:`OVERLAY_RUN` characters or more) left
    out; ``line`` itself when there are none, or when all of it (but a character) is a
    phrase's: what holds a field's place is kept whole rather than taken away."""
    if not phrases:
        return line
    chars = list(line.chars)
    # a mark joins no phrase (:data:`_BREAK`): one read between or after its pieces (员会三组
    # jz,example.) is passed over, and goes with them
    letters = [i for i, c in enumerate(chars) if not _MARK.fullmatch(c.char)]
    text = _options([chars[i] for i in letters])
    if len(letters) <= OVERLAY_RUN or _overlaid(text, phrases):
        return line
    head = _run(text, phrases, end=False)
    tail = _run(text[head:], phrases, end=True)
    if (not head and not tail) or len(text) - head - tail < OVERLAY_RUN:
        return line
    start = letters[head] if head else 0
    stop = letters[len(letters) - tail - 1] + 1 if tail else len(chars)
    kept = tuple(chars[start:stop])
    scored = [c.prob for c in kept if c.char.strip()]
    return dataclasses.replace(
        line,
        text="".join(c.char for c in kept),
        score=sum(scored) / len(scored) if scored else 0.0,
        chars=kept,
    )
