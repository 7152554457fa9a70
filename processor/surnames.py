"""Name knowledge: which surnames exist, and which characters given names are written with.

The packaged table ``processor/data/surnames.tsv`` (compiled by ``model_export surnames`` from
pinned PyPI data, see ``processor/data/SURNAMES.md``) lists the 400 most common surnames and
the *Hundred Family Surnames*. The recogniser, trained on running text, prefers a common
character to the rare surname it resembles (逄 read 逢, 訾 read 皆), and keeps the surname as
its runner-up. :func:`correct_surname` takes that runner-up where the character read is no
surname and exactly one real runner-up is one. A prior, never a gate: a name whose first
character is no known surname (a Tibetan or Mongolian name, a surname too rare for the
table) is kept as read.

The packaged table ``processor/data/given_chars.tsv`` (compiled by ``model_export given_names``,
see ``processor/data/GIVEN_CHARS.md``) counts how often each character stands in real given
names. The recogniser reads a blurred 祥 as 样, 宇 as 字, 倩 as 情, and keeps the name's
character as a runner-up: :func:`correct_given` weighs each unsure character's candidates by
how often given names hold them. Pure standard library; the tables are loaded once and cached.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

from .places import REAL, Candidates, read_table, real_runner_up


@functools.cache
def _surnames() -> frozenset[str]:
    """Every known surname, compound ones (欧阳, 夏侯) too."""
    return frozenset(row[0] for row in read_table("surnames.tsv"))


@functools.cache
def _first_characters() -> frozenset[str]:
    """Every surname's first character (a compound surname's too: 欧 of 欧阳)."""
    return frozenset(surname[0] for surname in _surnames())


@functools.cache
def _compounds() -> frozenset[str]:
    """The compound surnames (欧阳, 夏侯)."""
    return frozenset(surname for surname in _surnames() if len(surname) == 2)


@functools.cache
def _given_counts() -> Mapping[str, int]:
    """How often each character stands in real given names."""
    return {char: int(count) for char, count in read_table("given_chars.tsv")}


def load() -> None:
    """Read the tables, so that no request pays for them."""
    _first_characters()
    _compounds()
    _given_counts()


def surname_known(char: str) -> bool:
    """Whether ``char`` is a known surname, or begins a compound one."""
    return char in _first_characters()


def correct_surname(cands: Candidates) -> str | None:
    """The first character of a name the recogniser read, corrected from its runner-ups.

    ``cands``: the name's characters, each with its candidates best first. None where the
    character read is a known surname, or where not exactly one runner-up at least
    ``places.REAL`` probable is one (:func:`~processor.places.real_runner_up`): 逄 at 0.07
    under 逢 at 0.93 is; a character's runner-up at 0.01 is noise, and a Tibetan name's first
    syllable keeps its read.
    """
    if len(cands) < 2 or not cands[0]:
        return None
    if surname_known(cands[0][0][0]):
        return None
    return real_runner_up(cands[0], surname_known)


def correct_compound(cands: Candidates) -> str | None:
    """The compound surname of a name of four characters (``cands``: each character's
    candidates, best first) whose second character was misread: where the first two read
    are no compound surname, the one that the first and a runner-up of the second at least
    ``places.REAL`` probable make (夏供成豪: 侯 at 0.38, 夏侯). Four characters are how a
    compound surname and a given name of two are written; a single surname's given name
    of three is rare. None where none or several are."""
    if len(cands) != 4 or not all(cands):
        return None
    first, second = cands[0][0][0], cands[1][0][0]
    compounds = _compounds()
    if first + second in compounds:
        return None
    fit = real_runner_up(cands[1], lambda char: first + char in compounds)
    return None if fit is None else first + fit


#: A given name's character read at least this surely is taken as read ...
SURE_GIVEN = 0.97
#: ... else a runner-up at least :data:`~processor.places.REAL` probable that given names hold
#: at least this many times as often may take its place (an order of magnitude and more: 睿
#: read at 0.50 over 春 at 0.30, held 14 times as often, is a name's own character) ...
GIVEN_RATIO = 20.0
#: ... where it is likelier, its probability weighed by how often given names hold it to this
#: power (its read counts for more than the prior: a name may be written with any character).
GIVEN_WEIGHT = 0.75


#: GB2312's levels of hanzi, by the first byte of their code: level 1 rows 16-55, level 2
#: rows 56-87.
LEVEL_ROWS = {1: (0xB0, 0xD7), 2: (0xD8, 0xF7)}


def gb2312_level(char: str) -> int:
    """1 or 2 for a GB2312 level-1 / level-2 hanzi, 0 for anything else."""
    try:
        code = char.encode("gb2312")
    except UnicodeEncodeError:
        return 0
    if len(code) != 2:
        return 0
    return next((level for level, (lo, hi) in LEVEL_ROWS.items() if lo <= code[0] <= hi), 0)


def common(char: str) -> bool:
    """Whether ``char`` is one of running text's common characters: GB2312's level 1 (its
    3,755 most frequent)."""
    return gb2312_level(char) == 1


def given_char(ranked: Sequence[tuple[str, float]]) -> str:
    """Of a given name's character's candidates (best first, what was read first), the one
    likeliest to be printed: the read, unless it is unsure (:data:`SURE_GIVEN`), one of
    running text's common characters (:func:`common`: the recogniser, trained on running
    text, reads a name's character as a common word's; a rare character read, 炅 or 怿, it
    saw), and a real runner-up that given names hold at least :data:`GIVEN_RATIO` times as
    often is likelier with each candidate's probability weighed by how often given names
    hold it (:data:`GIVEN_WEIGHT`): 样 read at 0.60 with 祥 at 0.31 (720 and 109,814 times)
    is 祥; 柘 at 0.60 with 柜 at 0.30 (34 and 150 times: neither a given name's) stays 柘,
    and 炅 at 0.61 with 灵 at 0.30 stays 炅."""
    top, top_prob = ranked[0]
    if top_prob >= SURE_GIVEN or not common(top):
        return top
    counts = _given_counts()

    def weighed(char: str, prob: float) -> float:
        return math.log(prob) + GIVEN_WEIGHT * math.log(counts.get(char, 0) + 1)

    best, best_score = top, weighed(top, top_prob)
    floor = GIVEN_RATIO * (counts.get(top, 0) + 1)
    for char, prob in ranked[1:]:
        if prob < REAL or len(char) != 1 or counts.get(char, 0) + 1 < floor:
            continue
        score = weighed(char, prob)
        if score > best_score:
            best, best_score = char, score
    return best


def correct_given(cands: Candidates) -> str | None:
    """A Han name of two or three characters (``cands``: each character's candidates, best
    first) with each given-name character the one :func:`given_char` takes; None where none
    changes. Longer names (a Tibetan or Mongolian name transliterated, 索朗边巴) are written
    with characters chosen for their sound, which given-name counts say nothing about, and a
    surname is corrected by :func:`correct_surname` alone."""
    if not 2 <= len(cands) <= 3 or not all(cands):
        return None
    read = "".join(ranked[0][0] for ranked in cands)
    given = "".join(given_char(ranked) for ranked in cands[1:])
    return None if given == read[1:] else read[0] + given
