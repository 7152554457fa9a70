"""processor.surnames: the packaged surname table and the correction from runner-ups.

Pure and fast: no models. Each case writes the recogniser's candidates for a name's first
character, the character read first; the name's other characters are read without doubt.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from processor import surnames
from tests.conftest import candidates


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


@pytest.mark.parametrize(
    ("text", "second", "expected"),
    [
        # a compound surname's second character misread, the printed one its runner-up
        ("夏供成豪", [("供", 0.62), ("侯", 0.38)], "夏侯"),
        ("欧杨明轩", [("杨", 0.7), ("阳", 0.2)], "欧阳"),
        # read as a compound surname already, or the runner-up makes none, or is noise
        ("夏侯成豪", [("侯", 0.62), ("候", 0.38)], None),
        ("夏供成豪", [("供", 0.62), ("佚", 0.38)], None),
        ("夏供成豪", [("供", 0.97), ("侯", 0.03)], None),
        # not four characters: a single surname and a given name of two (夏侯 a surname too)
        ("夏供豪", [("供", 0.62), ("侯", 0.38)], None),
    ],
)
def test_correct_compound(
    text: str, second: Sequence[tuple[str, float]], expected: str | None
) -> None:
    read = [[(text[0], 0.99)], list(second), *([(char, 0.99)] for char in text[2:])]
    assert surnames.correct_compound(read) == expected


def test_correct_surname_of_nothing() -> None:
    assert surnames.correct_surname([]) is None
    assert surnames.correct_surname([[], [("华", 0.99)]]) is None


@pytest.mark.parametrize(
    ("char", "common"),
    [
        *(("样", True), ("字", True), ("啊", True), ("座", True)),  # GB2312's first and last rows
        *(("亍", False), ("炅", False), ("杳", False)),  # level 2
        *(("埇", False), ("A", False), ("", False)),  # neither
    ],
)
def test_common_characters_are_gb2312_level_1(char: str, common: bool) -> None:
    assert surnames.common(char) is common


@pytest.mark.parametrize(
    ("text", "doubts", "expected"),
    [
        # a given name's character read as a look-alike names seldom hold, the name's own a
        # real runner-up (candidates as v6 small read them on 600 px photos)
        ("杜利样", {2: [("样", 0.6), ("祥", 0.31)]}, "杜利祥"),
        ("李一字", {2: [("字", 0.55), ("宇", 0.4)]}, "李一宇"),
        ("张艳屏", {2: [("屏", 0.356), ("琳", 0.293), ("界", 0.072), ("群", 0.035)]}, "张艳琳"),
        ("陶欣情", {2: [("情", 0.613), ("倩", 0.385), ("清", 0.002)]}, "陶欣倩"),
        ("王姆", {1: [("姆", 0.818), ("娟", 0.085), ("姻", 0.049)]}, "王娟"),
        # every given character is weighed, each by its own candidates
        ("李字样", {1: [("字", 0.55), ("宇", 0.4)], 2: [("样", 0.6), ("祥", 0.31)]}, "李宇祥"),
        # ... a runner-up given names hold only a few times as often stays one (展 8,479 times,
        # 晨 57,777)
        ("杨毅展", {2: [("展", 0.6), ("晨", 0.3)]}, None),
        # a read sure enough stays, whatever its runner-ups
        ("杨敦展", {2: [("展", 0.987), ("晨", 0.012)]}, None),
        ("杜利样", {2: [("样", 0.97), ("祥", 0.03)]}, None),
        # a runner-up under REAL is noise: 倩 at 0.04 under 情 is no reading of the name
        ("任情", {1: [("情", 0.39), ("偶", 0.19), ("俏", 0.14), ("倩", 0.041)]}, None),
        # a rare given name's character stays where its runner-up is no given name's either
        # (柘 34 times, 柜 150) or only a few times likelier (翮 351, 翻 686; 睿 19,106 and 春
        # 265,994: a name's own character read over a common one)
        ("黄月柘", {2: [("柘", 0.6), ("柜", 0.3)]}, None),
        ("刘可翮", {2: [("翮", 0.6), ("翻", 0.35)]}, None),
        ("马睿杰", {1: [("睿", 0.503), ("春", 0.299), ("鲁", 0.05)]}, None),
        # ... and a rare character read (GB2312 level 2), however seldom names hold it: the
        # recogniser reads a name's character as a common word's, a rare one it saw (炅 123
        # times, 灵 18,615; 杳 14, 杏 5,990)
        ("庞炅佳", {1: [("炅", 0.61), ("灵", 0.3)]}, None),
        ("唐杳", {1: [("杳", 0.85), ("查", 0.06), ("杏", 0.05)]}, None),
        # ... and one read as likely as its common look-alike stays: the read counts most
        ("王琰", {1: [("琰", 0.7), ("谈", 0.25)]}, None),
        # the surname is not a given name's character (correct_surname's)
        ("冉霞", {0: [("冉", 0.5), ("再", 0.45)]}, None),
        # a name of four characters or more is transliterated, written for its sound
        ("索朗边巴", {1: [("朗", 0.6), ("明", 0.35)]}, None),
        ("赵", {}, None),
    ],
)
def test_correct_given(
    text: str, doubts: dict[int, Sequence[tuple[str, float]]], expected: str | None
) -> None:
    assert surnames.correct_given(candidates(text, doubts)) == expected
