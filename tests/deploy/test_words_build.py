"""model_export.words: compiling the word table from the pinned package.

The compile steps run on tiny hand-written inputs (no network). When the pinned source
archive is in the local cache (after ``make words``), the committed files are also rebuilt
from it and compared byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from model_export import words

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "wheels"


def test_parse_dict_keeps_two_character_words_and_adds_a_word_listed_twice() -> None:
    text = "AT&T 3 nz\n芙蓉 755 n\n漓江 127 ns\n中 20 f\n中华人民 5 nt\n花园 10\n花园 4 ns\n"
    assert words.parse_dict(text) == {"芙蓉": 755, "漓江": 127, "花园": 14}


def test_parse_dict_keeps_three_character_words_counted_often_enough() -> None:
    text = "供电局 46 n\n天目山 19 ns\n天目山 1 n\n芙蓉路 3 ns\n天目 121 ns\n"
    assert words.THREE_MIN_COUNT == 20
    assert words.parse_dict(text) == {"供电局": 46, "天目山": 20, "天目": 121}


@pytest.mark.parametrize(
    "text",
    [
        "芙蓉\n",  # no count
        "芙蓉 many n\n",
        "芙蓉 -3 n\n",
        "芙蓉 3 n extra\n",
    ],
)
def test_parse_dict_rejects_what_it_does_not_expect(text: str) -> None:
    with pytest.raises(ValueError):
        words.parse_dict(text)


def test_render_tsv_most_frequent_first_then_by_word() -> None:
    assert (
        words.render_tsv({"漓江": 5, "芙蓉": 9, "梧桐": 5})
        == "word\tcount\n芙蓉\t9\n梧桐\t5\n漓江\t5\n"
    )


def test_licence_of_reads_the_archives_metadata() -> None:
    pkg_info = "Metadata-Version: 1.1\nName: jieba\nAuthor: Sun, Junyi\nLicense: MIT\n"
    assert words.licence_of(pkg_info) == "MIT, author Sun, Junyi"
    with pytest.raises(ValueError):
        words.licence_of("Name: jieba\n")


@pytest.mark.skipif(
    not all((CACHE / pin.wheel).is_file() for pin in words.PINS),
    reason="the pinned archive is not in .cache/wheels (run make words)",
)
def test_committed_files_are_what_the_pinned_archive_compiles_to(tmp_path: Path) -> None:
    words.build(tmp_path, CACHE)
    for name in ("words.tsv", "WORDS.md"):
        assert (tmp_path / name).read_bytes() == (ROOT / "processor" / "data" / name).read_bytes()
