"""Word knowledge: which two or three Chinese characters stand side by side as a word.

The packaged table ``processor/data/words.tsv`` (compiled by ``model_export words`` from
jieba's dictionary, see ``processor/data/WORDS.md``) counts how often each word of two
characters, and each of three counted at least 20 times, stands in running text (芙蓉 755,
漓江 127, 供电局 46; 美蓉 is none). The names an address
holds between its place names and its numbers (streets, villages, estates) are mostly such
words: a recogniser that read a small card's 芙 as 美 keeps 芙 as a runner-up, and only 芙
makes a word with 蓉 (:func:`~processor.read.fields.words_restored`). Pure standard library;
the table is loaded once and cached.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from .places import read_table


@functools.cache
def _counts() -> Mapping[str, int]:
    return {word: int(count) for word, count in read_table("words.tsv")}


def load() -> None:
    """Read the table, so that no request pays for it."""
    _counts()


def word_count(word: str) -> int:
    """How often ``word`` (two or three characters) stands in running text; 0 where it is no
    word (or a word of three characters counted fewer than 20 times)."""
    return _counts().get(word, 0)
