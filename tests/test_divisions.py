"""The committed administrative-division table (processor/data/divisions.tsv) is well-formed.

Read straight from the file, not through processor.places, so that an error in the loader
cannot hide one in the data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TABLE = Path(__file__).resolve().parent.parent / "processor" / "data" / "divisions.tsv"
HEADER = "code\tprovince\tprefecture\tcounty\tstatus"
MUNICIPALITIES = ("11", "12", "31", "50")

Row = tuple[str, str, str, str, str]


def _rows() -> dict[str, Row]:
    text = TABLE.read_bytes().decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == HEADER
    assert lines[-1] == "", "the file ends with one newline"
    rows: dict[str, Row] = {}
    for line in lines[1:-1]:
        cells = line.split("\t")
        assert len(cells) == 5, line
        code, province, prefecture, county, status = cells
        assert code not in rows, f"duplicate code {code}"
        rows[code] = (code, province, prefecture, county, status)
    return rows


ROWS = _rows()


def _level(code: str) -> int:
    return 1 if code.endswith("0000") else 2 if code.endswith("00") else 3


def test_file_is_small_lf_and_sorted() -> None:
    data = TABLE.read_bytes()
    assert len(data) < 400_000
    assert b"\r" not in data
    assert list(ROWS) == sorted(ROWS)


def test_cells_are_well_formed() -> None:
    for code, province, prefecture, county, status in ROWS.values():
        assert re.fullmatch(r"[1-8]\d{5}", code), code
        assert status in ("current", "historical"), code
        assert province, code
        for cell in (province, prefecture, county):
            assert cell == cell.strip(), code
        if _level(code) == 1:
            assert (prefecture, county) == ("", ""), code
        elif _level(code) == 2:
            assert prefecture and not county, code
        else:
            assert county, code


def test_every_row_has_its_province_and_prefecture_rows() -> None:
    for code, province, prefecture, _county, status in ROWS.values():
        province_row = ROWS.get(code[:2] + "0000")
        assert province_row is not None, code
        if status == "current":
            assert province_row[1] == province, code
        if _level(code) == 3 and prefecture:
            prefecture_row = ROWS.get(code[:4] + "00")
            assert prefecture_row is not None, code
            if status == "current":
                assert prefecture_row[2] == prefecture, code


def test_municipality_districts_have_no_prefecture() -> None:
    for code, _province, prefecture, _county, _status in ROWS.values():
        if code[:2] in MUNICIPALITIES and _level(code) == 3:
            assert prefecture == "", code


def test_counts_by_level() -> None:
    current = [c for c, *_rest, s in ROWS.values() if s == "current"]
    assert sum(_level(c) == 1 for c in current) == 34
    assert 330 <= sum(_level(c) == 2 for c in current) <= 340
    assert 2_800 <= sum(_level(c) == 3 for c in current) <= 2_900
    assert len(ROWS) - len(current) > 3_000


@pytest.mark.parametrize(
    "row",
    [
        ("110000", "北京市", "", "", "current"),
        ("110105", "北京市", "", "朝阳区", "current"),
        ("310115", "上海市", "", "浦东新区", "current"),
        ("130131", "河北省", "石家庄市", "平山县", "current"),
        ("130121", "河北省", "石家庄市", "井陉县", "current"),
        ("152921", "内蒙古自治区", "阿拉善盟", "阿拉善左旗", "current"),
        ("320102", "江苏省", "南京市", "玄武区", "current"),
        ("320106", "江苏省", "南京市", "鼓楼区", "current"),
        ("320302", "江苏省", "徐州市", "鼓楼区", "current"),
        ("341204", "安徽省", "阜阳市", "颍泉区", "current"),
        ("341302", "安徽省", "宿州市", "埇桥区", "current"),
        ("411326", "河南省", "南阳市", "淅川县", "current"),
        ("411300", "河南省", "南阳市", "", "current"),
        ("410000", "河南省", "", "", "current"),
        ("431224", "湖南省", "怀化市", "溆浦县", "current"),
        ("429004", "湖北省", "", "仙桃市", "current"),
        ("441900", "广东省", "东莞市", "", "current"),
        ("522301", "贵州省", "黔西南布依族苗族自治州", "兴义市", "current"),
        ("810000", "香港特别行政区", "", "", "current"),
        # codes no longer in use, with the names they had
        ("110103", "北京市", "", "崇文区", "historical"),
        ("110104", "北京市", "", "宣武区", "historical"),
        ("330103", "浙江省", "杭州市", "下城区", "historical"),
        ("341400", "安徽省", "巢湖市", "", "historical"),
        ("341422", "安徽省", "巢湖市", "无为县", "historical"),
        ("371200", "山东省", "莱芜市", "", "historical"),
        ("130101", "河北省", "石家庄市", "市辖区", "historical"),
    ],
)
def test_known_rows(row: Row) -> None:
    assert ROWS.get(row[0]) == row


@pytest.mark.parametrize("code", ["830000", "990000", "710100", "820001", "000000", "411399"])
def test_codes_that_are_not_divisions_are_absent(code: str) -> None:
    assert code not in ROWS


PERIODS = Path(__file__).resolve().parent.parent / "processor" / "data" / "name_periods.tsv"


def _periods() -> list[tuple[str, str, str]]:
    lines = PERIODS.read_bytes().decode("utf-8").split("\n")
    assert lines[0] == "code\tname\tuntil"
    assert lines[-1] == ""
    out = []
    for line in lines[1:-1]:
        code, name, until = line.split("\t")
        out.append((code, name, until))
    return out


def test_name_periods_refer_to_table_codes() -> None:
    periods = _periods()
    assert len(periods) == len(set(periods))
    for code, name, until in periods:
        assert code in ROWS, code
        assert name, code
        assert until == "" or (until.isdigit() and 1980 <= int(until) <= 2025), (code, until)
    historical = {c for c, *_rest, s in ROWS.values() if s == "historical"}
    named = {c for c, _n, _u in periods}
    # every historical place (not the GB/T 2260 summary codes such as 市辖区) says when it stopped
    summary = {"市辖区", "市区", "县", "市", "林区", "省直辖县级行政单位", "省直辖行政单位"}
    summary |= {"自治区直辖县级行政单位"}
    places = {c for c in historical if not {ROWS[c][2], ROWS[c][3]} & summary}
    assert len(places) > 3_000
    assert places <= named


@pytest.mark.parametrize(
    "period",
    [
        ("110103", "崇文区", "2009"),
        ("130502", "桥东区", "2019"),
        ("420600", "襄樊市", "2009"),
        ("341422", "无为县", "2010"),
        ("110203", "通县", "1981"),
    ],
)
def test_known_name_periods(period: tuple[str, str, str]) -> None:
    assert period in _periods()
