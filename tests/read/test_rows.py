"""A card's rows as read, without models: parsed into fields, and judged as evidence of a card
(or of none: 201)."""

from __future__ import annotations

import pytest

from processor.read import fields as fp
from processor.read.rows import looks_like_card, parse_front
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
        # a staff badge: its 部门 row read within the gender row's characters comes out 女
        ({"name": _OK, "gender": _OK, "race": _BAD}, ["姓名 宋月可", "部门 财务部"], False),
        ({"name": _BAD, "race": _OK, "birth": _BAD}, ["工号 83873"], False),
        ({"name": _BAD, "birth": _OK}, [], True),
        ({"name": _BAD}, ["住 址 某地", "出生 1990"], True),
        ({}, [], False),
    ],
)
def test_looks_like_card(parsed: dict[str, fp.Field], texts: list[str], expected: bool) -> None:
    lines = {"row": [line(t) for t in texts]}
    assert looks_like_card(parsed, lines) is expected


def test_parse_front_reads_nation_from_a_row_of_its_own() -> None:
    lines = {
        "name": [line("姓名宋宁超")],
        "gender_race": [line("性别男"), line("民族苗")],
        "birth": [line("出生1970年2月7日")],
        "address": [line("住址山西省忻州市静乐县")],
        "id_no": [line("公民身份号码14092619700207697X")],
    }
    parsed = parse_front(lines)
    assert (parsed["gender"].value, parsed["race"].value) == ("男", "苗")
