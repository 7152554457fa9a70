"""model_export.given_names: compiling the given-name character table from the pinned package.

The compile steps run on tiny hand-written inputs (no network). When the pinned source
archive is in the local cache (after ``make given-names``), the committed
files are also rebuilt from it and compared byte for byte.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from model_export import given_names
from model_export.places import read_member

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "wheels"


def test_parse_charfreq_adds_men_and_women() -> None:
    text = "char,male,female\n明,378860,63221\n娟,318,163808\n"
    assert given_names.parse_charfreq(text) == {"明": 442081, "娟": 164126}


@pytest.mark.parametrize(
    "text",
    [
        "char,male,female\nA,1,2\n",  # not a Han character
        "char,male,female\n明明,1,2\n",
        "char,male,female\n明,-1,2\n",
        "char,male,female\n明,1,\n",
        "char,male,female\n明,1,2\n明,3,4\n",  # twice
    ],
)
def test_parse_charfreq_rejects_what_it_does_not_expect(text: str) -> None:
    with pytest.raises(ValueError):
        given_names.parse_charfreq(text)


def test_render_tsv_most_frequent_first_then_by_character() -> None:
    assert (
        given_names.render_tsv({"娟": 5, "明": 9, "丽": 5}) == "char\tcount\n明\t9\n丽\t5\n娟\t5\n"
    )


def test_read_member_reads_a_source_archive_as_a_wheel() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = "char,male,female\n明,1,2\n".encode()
        info = tarfile.TarInfo("pkg-0.1/pkg/charfreq.csv")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    archive = buffer.getvalue()
    assert read_member(archive, "pkg-0.1/pkg/charfreq.csv") == "char,male,female\n明,1,2\n"
    with pytest.raises(KeyError):
        read_member(archive, "pkg-0.1/missing.csv")


@pytest.mark.skipif(
    not all((CACHE / pin.wheel).is_file() for pin in given_names.PINS),
    reason="the pinned archive is not in .cache/wheels (run make given-names)",
)
def test_committed_files_are_what_the_pinned_archive_compiles_to(tmp_path: Path) -> None:
    given_names.build(tmp_path, CACHE)
    for name in ("given_chars.tsv", "GIVEN_CHARS.md"):
        assert (tmp_path / name).read_bytes() == (ROOT / "processor" / "data" / name).read_bytes()
