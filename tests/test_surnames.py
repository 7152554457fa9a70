"""processor.surnames: the packaged surname table and the correction from runner-ups.

Pure and fast: no models. Each case writes the recogniser's candidates for a name's first
character, the character read first; the name's other characters are read without doubt.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from processor import surnames


def cands(text: str, first: Sequence[tuple[str, float]]) -> list[list[tuple[str, float]]]:
    assert first[0][0] == text[0], "the first candidate is the character read"
    return [list(first), *([(char, 0.99), ("口", 0.0004)] for char in text[1:])]


@pytest.mark.parametrize(
    ("char", "known"),
    [
        ("王", True),
        ("逄", True),  # of the Hundred Family Surnames, not of the 400 commonest
        ("訾", True),
        ("肖", True),  # the registered form of 萧
        ("付", True),
        ("闫", True),
        ("欧", True),
        ("澹", True),  # 澹台: a compound surname's first character
        ("逢", False),
        ("皆", False),
        ("扎", False),
        ("", False),
    ],
)
def test_surname_known(char: str, known: bool) -> None:
    assert surnames.surname_known(char) is known


@pytest.mark.parametrize(
    ("text", "first", "expected"),
    [
        ("逢华书", [("逢", 0.93), ("逄", 0.07)], "逄"),
        ("皆振福", [("皆", 0.58), ("訾", 0.41), ("背", 0.003)], "訾"),
        # the character read is a surname itself
        ("仇琪", [("仇", 0.53), ("仉", 0.32)], None),
        ("王芳", [("王", 0.6), ("玉", 0.39)], None),
        # no runner-up is a surname, or the one that is is noise
        ("羔美妍", [("羔", 0.99), ("糕", 0.01)], None),
        ("逢华书", [("逢", 0.97), ("逄", 0.03)], None),
        # two surnames fit: nothing decides between them
        ("皆振福", [("皆", 0.4), ("訾", 0.3), ("柴", 0.25)], None),
        # a one-character read is no name to correct
        ("皆", [("皆", 0.58), ("訾", 0.41)], None),
    ],
)
def test_correct_surname(
    text: str, first: Sequence[tuple[str, float]], expected: str | None
) -> None:
    assert surnames.correct_surname(cands(text, first)) == expected


def test_correct_surname_of_nothing() -> None:
    assert surnames.correct_surname([]) is None
    assert surnames.correct_surname([[], [("华", 0.99)]]) is None
