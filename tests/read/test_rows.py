"""A card's rows as read, without models: relabelled by their printed labels, and judged as
evidence of a card (or of none: 201)."""

from __future__ import annotations

import pytest

from processor.read import fields as fp
from processor.read.rows import looks_like_card, relabel_rows
from tests.conftest import text_line as line

_OK, _BAD = fp.Field("x"), fp.MISSING


@pytest.mark.parametrize(
    ("parsed", "texts", "expected"),
    [
        ({"issued_by": _OK, "valid_date": _BAD}, [], True),
        ({"issued_by": _BAD, "valid_date": _BAD}, ["VISA 4000 1234"], False),
        ({"name": _BAD, "id_no": _BAD}, ["姓名 张三", "性别 男 民族 汉"], True),
        ({"name": _BAD, "id_no": _BAD}, ["姓名 张三"], False),
        ({"name": _BAD, "id_no": _OK}, [], True),
        ({"name": _OK, "address": _OK, "id_no": _BAD}, ["本公司定于下周"], False),
        ({"name": _BAD}, ["住 址 某地", "出生 1990"], True),
        ({}, [], False),
    ],
)
def test_looks_like_card(parsed: dict[str, fp.Field], texts: list[str], expected: bool) -> None:
    lines = {"row": [line(t) for t in texts]}
    assert looks_like_card(parsed, lines) is expected


def test_relabel_rows_moves_labelled_lines() -> None:
    rows = {
        "name": [line("")],
        "gender_race": [line("姓名 东方振晓")],
        "birth": [line("性别男民族汉")],
        "address": [line("出生1965年5月30日"), line("住址福建省福州市"), line("南路687号")],
        "id_no": [line("350102196505308090")],
    }
    got = {row: [x.text for x in found] for row, found in relabel_rows(rows).items()}
    assert got == {
        "name": ["姓名 东方振晓", ""],
        "gender_race": ["性别男民族汉"],
        "birth": ["出生1965年5月30日"],
        "address": ["住址福建省福州市", "南路687号"],
        "id_no": ["350102196505308090"],
    }
