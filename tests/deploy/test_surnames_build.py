"""model_export.surnames: compiling the surname table from the two pinned wheels' data.

The compile steps run on tiny hand-written inputs (no network). When the pinned wheels are
in the local cache (after ``make surnames``), the committed files are also rebuilt from them
and compared byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from model_export import surnames

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "wheels"

FAKER_SOURCE = """
from collections import OrderedDict

class Provider:
    first_names = ["伟", "芳"]
    last_names = OrderedDict(
        (
            ("王", 7.170),
            ("李", 7.000),
            ("萧", 0.60),
            ("傅", 0.30),
            ("阎", 0.20),
            ("欧阳", 0.046),
        )
    )
"""


def test_parse_ranking_reads_the_literal_without_running_it() -> None:
    assert surnames.parse_ranking(FAKER_SOURCE) == {
        "王": "7.17",
        "李": "7.0",
        "萧": "0.6",
        "傅": "0.3",
        "阎": "0.2",
        "欧阳": "0.046",
    }


@pytest.mark.parametrize(
    "source",
    [
        "last_names = ['王']",
        'last_names = OrderedDict((("Wang", 7.1),))',
        'last_names = OrderedDict((("王", -1.0),))',
        "first_names = ['伟']",
    ],
)
def test_parse_ranking_rejects_what_it_does_not_expect(source: str) -> None:
    with pytest.raises(ValueError):
        surnames.parse_ranking(source)


def test_parse_baijiaxing_keeps_order_and_drops_repeats() -> None:
    assert surnames.parse_baijiaxing("赵 钱 孙 李\n逄 欧阳 钱\n") == [
        "赵",
        "钱",
        "孙",
        "李",
        "逄",
        "欧阳",
    ]
    with pytest.raises(ValueError):
        surnames.parse_baijiaxing("赵 Qian")


def test_compile_rows_ranked_first_then_the_old_list_then_the_modern_forms() -> None:
    rows = surnames.compile_rows(
        surnames.parse_ranking(FAKER_SOURCE), ["王", "李", "逄", "欧阳", "訾"]
    )
    assert [row.cells() for row in rows] == [
        ("王", "7.17", "ranking+baijiaxing"),
        ("李", "7.0", "ranking+baijiaxing"),
        ("萧", "0.6", "ranking"),
        ("傅", "0.3", "ranking"),
        ("阎", "0.2", "ranking"),
        ("欧阳", "0.046", "ranking+baijiaxing"),
        ("訾", "", "baijiaxing"),
        ("逄", "", "baijiaxing"),
        ("肖", "", "modern"),
        ("付", "", "modern"),
        ("闫", "", "modern"),
    ]
    assert surnames.render_tsv(rows[:1]) == "surname\tshare\tsource\n王\t7.17\tranking+baijiaxing\n"


def test_compile_rows_needs_the_older_form_of_each_modern_one() -> None:
    with pytest.raises(ValueError, match="萧"):
        surnames.compile_rows({"王": "7.17"}, ["王"])


@pytest.mark.skipif(
    not all((CACHE / pin.wheel).is_file() for pin in surnames.PINS),
    reason="the pinned wheels are not in .cache/wheels (run make surnames)",
)
def test_committed_files_are_what_the_pinned_wheels_compile_to(tmp_path: Path) -> None:
    surnames.build(tmp_path, CACHE)
    for name in ("surnames.tsv", "SURNAMES.md"):
        assert (tmp_path / name).read_bytes() == (ROOT / "processor" / "data" / name).read_bytes()
