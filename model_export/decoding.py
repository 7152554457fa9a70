"""Greedy CTC decoding of a PP-OCR recogniser's output, optionally over a field's own alphabet.

A field whose alphabet is known (the id number: digits and X; the validity period: digits,
``.``, ``-`` and 长期; the birth row: digits and 年月日) can be read as an argmax over only the
classes of that alphabet and the CTC blank, instead of over every class and filtering
afterwards: a 0 that the full argmax calls O or 〇 is then read as the best digit, and a blank
stays a blank. Classes that are the same character under NFKC (the dictionaries hold both
``3`` and fullwidth ``３``) count as that character, their probabilities added, as the
processor's recogniser does.

The PP-OCRv5/v6 dictionaries also hold traditional characters, and those models read some
simplified ones printed in a mainland font as their traditional form (别 as 別, 悦 as 悅).
A card prints simplified characters only, so ``traditional_fold`` (from OpenCC's character
tables) can fold a traditional-only class into its simplified character the same way, its
probability added: the plain argmax, and any alphabet, then see one character.

This is the measuring copy (``python -m model_export evaluate``); the processor gets its own.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from processor.card.facts import ETHNICITIES, LONG_TERM

F32 = npt.NDArray[np.float32]

#: Field alphabets (characters as read, after NFKC). ``x`` is read as the check character X.
ALPHABETS: Final[dict[str, str]] = {
    "id_no": "0123456789Xx",
    "validity": "0123456789.-" + LONG_TERM,
    "birth": "0123456789年月日",
    # beyond the three the issue names: rows whose every possible value is on a list
    "ethnicity": "民族" + "".join(dict.fromkeys("".join(ETHNICITIES))),
    "gender": "性别男女",
}


def charset(character: str) -> list[str]:
    """The classes of a model whose metadata ``character`` is ``character``: the CTC blank,
    one per line, then the space (PP-OCR's ``use_space_char``)."""
    return ["", *character.splitlines(), " "]


@dataclasses.dataclass(frozen=True)
class Reading:
    text: str
    #: Mean probability of the characters read (0 for an empty reading).
    score: float


def traditional_fold(ts_characters: str, st_characters: str) -> dict[str, str]:
    """Traditional-only character -> its simplified form, from OpenCC's ``TSCharacters.txt``
    (traditional -> simplified candidates) and ``STCharacters.txt`` (simplified ->
    traditional). A character that is itself simplified (a key of ST, e.g. 于) or one of its own
    candidates (於 -> 于 於: a surname in simplified text too) is not folded."""

    def table(text: str) -> dict[str, list[str]]:
        out = {}
        for line in text.splitlines():
            key, sep, values = line.partition("\t")
            if sep and not key.startswith("#"):
                out[key] = values.split()
        return out

    simplified = set(table(st_characters))
    return {
        t: values[0]
        for t, values in table(ts_characters).items()
        if values and t not in simplified and t not in values and len(t) == 1
    }


class CtcDecoder:
    """Greedy decoding for one model's classes, with alphabets prepared once. ``fold``: more
    characters to count as another (e.g. :func:`traditional_fold`), after NFKC."""

    def __init__(self, classes: Sequence[str], fold: dict[str, str] | None = None) -> None:
        self.classes = list(classes)
        fold = fold or {}
        folded = [unicodedata.normalize("NFKC", c) for c in self.classes]
        folded = [fold.get(c, c) for c in folded]
        self._chars = sorted({c for c in folded[1:] if c})
        index = {c: k for k, c in enumerate(self._chars)}
        # class -> folded character column (+1: column 0 is the blank); the first class of a
        # column is gathered, the others (fullwidth forms and the like) added to it
        column = [0] + [index[c] + 1 if c else 0 for c in folded[1:]]
        first: dict[int, int] = {}
        extra: list[tuple[int, int]] = []
        for cls, col in enumerate(column):
            if col in first:
                extra.append((cls, col))
            else:
                first[col] = cls
        self._primary = np.array([first[col] for col in range(len(self._chars) + 1)], np.int64)
        self._extra_cls = np.array([e[0] for e in extra], np.int64)
        self._extra_col = np.array([e[1] for e in extra], np.int64)
        self._groups: dict[str, npt.NDArray[np.int64]] = {}

    def _group(self, alphabet: str) -> npt.NDArray[np.int64]:
        """Columns of ``alphabet``'s characters that the model has (the blank first)."""
        if alphabet not in self._groups:
            wanted = {unicodedata.normalize("NFKC", c) for c in alphabet}
            cols = [0] + [k + 1 for k, c in enumerate(self._chars) if c in wanted]
            self._groups[alphabet] = np.array(cols, np.int64)
        return self._groups[alphabet]

    def folded_probs(self, probs: F32) -> F32:
        """(T, classes) -> (T, 1 + characters): the blank, then each character's probability
        summed over the classes that fold to it."""
        out = np.ascontiguousarray(probs[:, self._primary], dtype=np.float32)
        if len(self._extra_cls):
            np.add.at(out.T, self._extra_col, probs[:, self._extra_cls].T)
        return out

    def decode(self, probs: F32, alphabet: str | None = None) -> Reading:
        """Greedy CTC over the folded characters, or only over ``alphabet``'s and the blank."""
        folded = self.folded_probs(probs)
        cols = np.arange(folded.shape[1]) if alphabet is None else self._group(alphabet)
        sub = folded[:, cols]
        best = cols[sub.argmax(axis=1)]
        best_p = sub.max(axis=1)
        chars: list[str] = []
        scores: list[float] = []
        prev = 0
        for t, col in enumerate(best):
            c = int(col)
            if c not in (0, prev):
                chars.append(self._chars[c - 1])
                scores.append(float(best_p[t]))
            prev = c
        text = "".join(chars)
        if alphabet is not None and "X" in alphabet:
            text = text.upper()
        return Reading(text, float(np.mean(scores)) if scores else 0.0)

    def missing(self, alphabet: str) -> str:
        """The characters of ``alphabet`` this model cannot read at all."""
        have = set(self._chars)
        return "".join(c for c in alphabet if unicodedata.normalize("NFKC", c) not in have)
