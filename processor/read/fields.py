"""Field parsing and validation: recognised text -> API field values.

Pure functions over :class:`~processor.values.TextLine`; no models, no images. The card's
own redundancy (check character, birth inside the id number, gender parity, ethnicity
list, validity rules, authority shape) rejects wrong reads, and corrects them only where
the evidence is unambiguous. A field that was not read is never invented.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence

from ..card.facts import (
    ETHNICITIES,
    ETHNICITY_ALIASES,
    ETHNICITY_EXTRAS,
    HAN,
    ISSUER_RE,
    LONG_TERM,
    MIDDLE_DOT,
    add_years,
    birth_from_id,
    format_date,
    gender_from_id,
    id_number_valid,
)
from ..values import CharCandidate, TextLine

_NAME_RE = re.compile(rf"^[{HAN}]+(?:{MIDDLE_DOT}[{HAN}]+)*$")
_DOTS = re.compile(r"[.．・•∙⋅°·]")
#: 一 is one thin stroke: the recogniser often reads it as a dash (sometimes two). A run of
#: dashes after a Chinese character, before another one or at the line's end, is 一.
_DASHES_AS_YI = re.compile(rf"(?<=[{HAN}])[—―─－\-_~]+(?=[{HAN}]|$)")
_PUNCT = re.compile(r"[\s,，.。:：;；'\"“”‘’`~!！?？、|｜_\-—()（）\[\]【】<>《》]")
#: What the recogniser returns for an id number's digits and X that is never anything else in
#: that row: an id number as read (:func:`id_as_read`) maps these and no more.
_ID_LOOKALIKES = {
    "O": "0",
    "o": "0",
    "D": "0",
    "Q": "0",
    "I": "1",
    "l": "1",
    "|": "1",
    "x": "X",
    "×": "X",
    "Ⅹ": "X",
}
_ID_AS_READ = str.maketrans(_ID_LOOKALIKES)
#: ... and what it may also return for them, which the parser maps where the check character
#: then confirms the number.
_ID_CONFUSIONS = str.maketrans(
    {
        **_ID_LOOKALIKES,
        "i": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "b": "6",
        "G": "6",
        "g": "9",
        "K": "X",
        "T": "7",
    }
)
_RACE_PASSTHROUGH = re.compile(rf"^[{HAN}]{{1,6}}人$")
_MIN_CLEAN_SCORE = 0.9
_DATE = r"(\d{4})\s*[.,·]?\s*(\d{2})\s*[.,·]?\s*(\d{2})"
_VALIDITY_RE = re.compile(rf"{_DATE}\s*[-—–一~]*\s*(?:{_DATE}|(长期|長期|长朗|长明))")


@dataclasses.dataclass(frozen=True)
class Field:
    """A parsed field: ``value`` None means not detected, not recognised or not valid."""

    value: str | None
    confidence: float = 0.0

    @property
    def ok(self) -> bool:
        return self.value is not None


MISSING = Field(None)

#: Fields whose validation almost any line of Chinese text passes: no evidence of a card, and
#: nothing to take from another reading.
WEAK_FIELDS = frozenset({"name", "address"})


def strip_label(text: str, *labels: str) -> str:
    """Remove a leading printed label (and fragments of it that the recogniser merged)."""
    text = _PUNCT.sub("", text)
    for label in labels:
        n = len(label)
        if MIDDLE_DOT in text[:n]:  # a speck read inside the spaced label (住·址)
            head = text[: n + 1].replace(MIDDLE_DOT, "")
            if head.startswith(label):
                return text[n + 1 :]
        if text.startswith(label):
            return text[n:]
        if n == 2 and len(text) > 3 and text[0] == label[0]:  # its second character misread
            return text[2:]
        for cut in range(n - 1, 0, -1):  # a label clipped at the crop's left edge
            if text.startswith(label[-cut:]):
                return text[cut:]
        # its first character misread (佳址); not for 姓名: 名 is common in given names
        if label != "姓名" and len(text) > n and text[1:n] == label[1:]:
            return text[n:]
        if n >= 4 and len(text) > 2 and text[1] == label[-1]:  # its tail, misread (几关)
            return text[2:]
    return text


def parse_name(line: TextLine | None) -> Field:
    if line is None:
        return MISSING
    text = _DOTS.sub(MIDDLE_DOT, _yi(line.text.replace(" ", "")))
    if len(text) > 3 and text[0] == "姓" and text[1] != "名" and not _misread(line, 1, "名"):
        text = "姓名" + text[1:]  # 名 not read at all, rather than read as another character
    elif (
        len(text) > 3
        and text[1] == "名"
        and (text[0] in _LOOKS_LIKE_XING or _misread(line, 0, "姓"))
    ):
        text = "姓" + text[1:]  # 姓 misread (生名): 名 is rarely second of four or more
    text = strip_label(text.strip(MIDDLE_DOT), "姓名").strip(MIDDLE_DOT)
    if not 1 <= len(text) <= 20 or not _NAME_RE.match(text):
        return MISSING
    return Field(text, line.score)


#: A character read with less confidence than this may be a printed label misread.
MISREAD_PROB = 0.8


#: What the recogniser reads the 族 of the label 民族 as.
_LOOKS_LIKE_ZU = frozenset("旅施挨")
#: What the recogniser reads 姓 as, where the label's colour or a crop edge hides its 女.
_LOOKS_LIKE_XING = frozenset("生性牲胜星娃")


def _yi(text: str) -> str:
    # a dash right after a 一 is the same stroke, read twice
    return _DASHES_AS_YI.sub(lambda m: "" if m.string[m.start() - 1] == "一" else "一", text)


def _misread(line: TextLine, index: int, char: str) -> bool:
    """Whether the ``index``-th non-space character of ``line`` may be ``char`` misread: it
    is the runner-up, or the character read was itself in doubt."""
    chars = [c for c in line.chars if c.char.strip()]
    if index >= len(chars):
        return True
    return chars[index].alt == char or chars[index].prob < MISREAD_PROB


def parse_gender(line: TextLine | None) -> Field:
    if line is None:
        return MISSING
    text = strip_label(line.text, "性别")
    if text[:1] in ("男", "女"):
        return Field(text[0], line.chars[0].prob if line.chars else line.score)
    return MISSING


def parse_race(line: TextLine | None) -> Field:
    """民族 value: one of the 56, an old alias, or a clean non-list value (e.g. 穿青人)."""
    if line is None:
        return MISSING
    text = strip_label(line.text, "民族")
    if "民族" not in text:
        # the label's 族 misread (民旅): a look-alike, or a character with 族 as runner-up
        misread = {c.char for c in line.chars if c.alt == "族"} | _LOOKS_LIKE_ZU
        chars = "".join(re.escape(c) for c in sorted(misread))
        text = re.sub(f"民[{chars}]", "民族", text, count=1)
    if "民族" in text:
        text = text.split("民族", 1)[1]
    if len(text) > 1 and text.endswith("族"):
        text = text[:-1]
    text = ETHNICITY_ALIASES.get(text, text)
    if text in ETHNICITIES or text in ETHNICITY_EXTRAS:
        return Field(text, line.score)
    known = _runner_up_reading(text, line.chars)
    if known is not None:
        return Field(known, line.score)
    if _RACE_PASSTHROUGH.match(text) and line.score >= _MIN_CLEAN_SCORE:
        return Field(text, line.score)
    return MISSING


def _runner_up_reading(text: str, chars: Sequence[CharCandidate]) -> str | None:
    """The one ethnicity that ``text`` becomes when a single character is replaced by the
    recogniser's runner-up for it (士家 -> 土家); None when none or several do."""
    alts = {c.char: c.alt for c in chars if c.alt}
    found = {
        text[:i] + alts[ch] + text[i + 1 :]
        for i, ch in enumerate(text)
        if ch in alts and (text[:i] + alts[ch] + text[i + 1 :]) in ETHNICITIES
    }
    return found.pop() if len(found) == 1 else None


def parse_birth(line: TextLine | None) -> Field:
    """``1982 年 9 月 25 日`` (labels optional) -> ``1982.09.25``."""
    if line is None:
        return MISSING
    text = strip_label(line.text, "出生")
    match = re.search(r"(\d{4})\D{0,3}?(\d{1,2})\D{1,3}?(\d{1,2})", text)
    if not match:
        return MISSING
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return MISSING
    return Field(format_date(day), line.score)


#: Misreads of the fixed words of addresses that are never right as read: 白治 is no place
#: name, 自治 (区, 州, 县, 旗) is in hundreds.
ADDRESS_MISREADS = (("白治", "自治"),)


def parse_address(lines: Sequence[TextLine]) -> Field:
    parts = [_PUNCT.sub("", _yi(ln.text)) for ln in lines]
    # the label starts the address: what a row off put before it is another row's
    labelled = [i for i, part in enumerate(parts) if "住址" in part]
    if labelled:
        parts = parts[labelled[-1] :]
        parts[0] = parts[0][parts[0].find("住址") :]
    if parts:
        parts[0] = strip_label(parts[0], "住址")
    text = "".join(parts)
    for wrong, right in ADDRESS_MISREADS:
        text = text.replace(wrong, right)
    if len(text) < 2 or not re.search(f"[{HAN}]", text):
        return MISSING
    return Field(text, min(ln.score for ln in lines))


def parse_id_number(line: TextLine | None) -> Field:
    """18 characters with a valid check character; a single low-confidence character may be
    replaced by the recogniser's runner-up when exactly one such replacement validates."""
    if line is None:
        return MISSING
    chars = [c for c in _id_chars(line.chars) if c.char.isdigit() or c.char == "X"]
    if len(chars) != 18:
        return MISSING
    text = "".join(c.char for c in chars)
    if id_number_valid(text):
        return Field(text, min(c.prob for c in chars))
    fixes = set()
    for i, cand in enumerate(chars):
        alt = cand.alt.translate(_ID_CONFUSIONS)
        if alt and (alt.isdigit() or (alt == "X" and i == 17)):
            fixed = text[:i] + alt + text[i + 1 :]
            if id_number_valid(fixed):
                fixes.add(fixed)
    if len(fixes) == 1:
        return Field(fixes.pop(), 0.5)
    if not text[:17].isdigit():
        return MISSING
    # The check character itself misread: rejected, never recomputed (that would invent it).
    return MISSING


def id_as_read(line: TextLine | None) -> str:
    """The id number as ``line`` reads: its digits and X, the unambiguous look-alikes mapped,
    nothing checked or corrected ("" without a line)."""
    if line is None:
        return ""
    text = line.text.translate(_ID_AS_READ)
    return "".join(c for c in text if c.isascii() and (c.isdigit() or c == "X"))


def _id_chars(chars: Sequence[CharCandidate]) -> list[CharCandidate]:
    out = []
    for cand in chars:
        mapped = cand.char.translate(_ID_CONFUSIONS)
        if mapped.strip():
            out.append(dataclasses.replace(cand, char=mapped) if mapped != cand.char else cand)
    # Labels merged into the crop (公民身份号码) leave CJK characters in front: drop them.
    return [c for c in out if c.char.isascii()]


def parse_issuer(line: TextLine | None) -> Field:
    if line is None:
        return MISSING
    raw = _PUNCT.sub("", _yi(line.text))
    # 关岭 (a county in Guizhou) starts like the label's last character; keep it whole.
    text = raw if raw.startswith("关岭") else strip_label(raw, "签发机关")
    if not ISSUER_RE.match(text):
        return MISSING
    return Field(text, line.score)


def parse_validity(line: TextLine | None) -> Field:
    """``YYYY.MM.DD-YYYY.MM.DD`` (5, 10 or 20 years, same month and day) or ``YYYY.MM.DD-长期``."""
    if line is None:
        return MISSING
    text = strip_label(line.text, "有效期限").replace(" ", "")
    match = _VALIDITY_RE.search(text)
    if not match:
        return MISSING
    try:
        start = dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match[7]:
            return Field(f"{format_date(start)}-{LONG_TERM}", line.score)
        end = dt.date(int(match[4]), int(match[5]), int(match[6]))
    except ValueError:
        return MISSING
    if end not in {add_years(start, years) for years in (5, 10, 20)}:
        return MISSING
    return Field(f"{format_date(start)}-{format_date(end)}", line.score)


def reconcile_front(fields: dict[str, Field]) -> dict[str, Field]:
    """Cross-check birth and gender against a valid id number.

    The id number passed its check character, so where the printed birth or gender
    disagrees with it, the printed read is taken as wrong: corrected when the read differs
    in at most two digits (an OCR slip), else rejected.
    """
    out = dict(fields)
    id_no = fields["id_no"].value
    if id_no is None or not id_number_valid(id_no):
        return out
    id_birth = birth_from_id(id_no)
    birth = fields["birth"].value
    if birth is not None and id_birth is not None and birth != format_date(id_birth):
        expected = format_date(id_birth)
        diff = sum(a != b for a, b in zip(birth, expected, strict=True))
        out["birth"] = Field(expected, 0.5) if diff <= 2 else MISSING
    gender = fields["gender"].value
    if gender is not None and gender != gender_from_id(id_no):
        out["gender"] = MISSING
    return out


__all__ = [
    "MISSING",
    "WEAK_FIELDS",
    "Field",
    "id_as_read",
    "parse_address",
    "parse_birth",
    "parse_gender",
    "parse_id_number",
    "parse_issuer",
    "parse_name",
    "parse_race",
    "parse_validity",
    "reconcile_front",
    "strip_label",
]
