"""Name knowledge: which surnames exist.

The packaged table ``processor/data/surnames.tsv`` (compiled by ``model_export surnames`` from
pinned PyPI data, see ``processor/data/SURNAMES.md``) lists the 400 most common surnames and
the *Hundred Family Surnames*. The recogniser, trained on running text, prefers a common
character to the rare surname it resembles (逄 read 逢, 訾 read 皆), and keeps the surname as
its runner-up. :func:`correct_surname` takes that runner-up where the character read is no
surname and exactly one real runner-up is one. A prior, never a gate: a name whose first
character is no known surname (a Tibetan or Mongolian name, a surname too rare for the
table) is kept as read. Pure standard library; the table is loaded once and cached.
"""

from __future__ import annotations

import functools
from importlib import resources

from .places import Candidates, real_runner_up


@functools.cache
def _first_characters() -> frozenset[str]:
    """Every surname's first character (a compound surname's too: 欧 of 欧阳)."""
    text = resources.files("processor").joinpath("data/surnames.tsv").read_text("utf-8")
    return frozenset(line.split("\t", 1)[0][0] for line in text.splitlines()[1:] if line)


def load() -> None:
    """Read the table, so that no request pays for it."""
    _first_characters()


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
