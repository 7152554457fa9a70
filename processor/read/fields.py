"""Field parsing and validation: recognised text -> API field values.

Pure functions over :class:`~processor.values.TextLine`; no models, no images. The card's
own redundancy (check character, birth inside the id number, gender parity, ethnicity
list, validity rules, authority shape) rejects wrong reads, and corrects them only where
the evidence is unambiguous. A field that was not read is never invented.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import string
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Final

from ..card.facts import (
    ETHNICITIES,
    ETHNICITY_ALIASES,
    ETHNICITY_EXTRAS,
    HAN,
    ISSUER_RE,
    LONG_TERM,
    MIDDLE_DOT,
    VALIDITY_TERMS,
    add_years,
    birth_from_id,
    born_in_holders_years,
    calendar_date,
    format_date,
    gender_from_id,
    holders_birth,
    id_number_valid,
)
from ..card.template import FIELD_LABELS
from ..places import (
    FORM_CHARS,
    PREFIX_FORM_CHARS,
    REAL,
    SURE,
    address_begins_known,
    authority_begun,
    authority_ends,
    authority_gaps_filled,
    authority_known,
    authority_opens,
    authority_placed,
    correct_address_prefix,
    correct_authority,
    gaps_filled,
    known_beginning,
    province_misread,
    province_restored,
    real_runner_up,
    region_known,
)
from ..surnames import correct_compound, correct_given, correct_surname, surname_known
from ..values import CharCandidate, TextLine
from ..words import word_count

#: The characters a row of each kind may hold (its label's included): what the recogniser
#: reads it within.
ID_ALPHABET: Final = frozenset("0123456789X公民身份号码")
BIRTH_ALPHABET: Final = frozenset("0123456789年月日出生")
VALIDITY_ALPHABET: Final = frozenset("0123456789.-—－~长期有效限")
GENDER_RACE_ALPHABET: Final = frozenset(
    "性别民族男女·" + "".join(ETHNICITIES) + "".join(ETHNICITY_EXTRAS) + "".join(ETHNICITY_ALIASES)
)

#: Characters a mainland card never prints that PP-OCRv6's dictionary holds, read for a
#: look-alike (ハ for 八, ロ for 口): Japanese kana (but ・, which v6 reads the middle dot as)
#: and Hangul. Text fields are read without them.
NOT_PRINTED: Final = frozenset(
    chr(c)
    for lo, hi in ((0x3041, 0x30FA), (0x30FC, 0x30FF), (0x1100, 0x11FF), (0x3130, 0x318F))
    for c in range(lo, hi + 1)
) | frozenset(chr(c) for c in range(0xAC00, 0xD7A4))

#: Every character a field is read within: what a line recogniser's lines keep.
WITHIN_ALPHABETS: Final = ID_ALPHABET | BIRTH_ALPHABET | VALIDITY_ALPHABET | GENDER_RACE_ALPHABET

#: One Han character (the range of :data:`~processor.card.facts.HAN`).
HAN_CHAR = re.compile(f"[{HAN}]")
_NAME_RE = re.compile(rf"^[{HAN}]+(?:{MIDDLE_DOT}[{HAN}]+)*$")
_DOTS = re.compile(r"[.．・•∙⋅°·]")
#: Up to three digits or Latin letters before a name's first character.
_NOT_NAME_HEAD = re.compile(rf"^[0-9A-Za-z]{{1,3}}(?=[{HAN}])")
#: Dashes as the recogniser reads them (as a regular expression's class).
_DASHES = "—―─－\\-_~"
#: 一 is one thin stroke: the recogniser often reads it as a dash (sometimes two). A run of
#: dashes after a Chinese character, before another one or at the line's end, is 一 (in a
#: name read from one crop, as many as the strokes it was read at: :func:`_name_yi`).
_DASHES_AS_YI = re.compile(rf"(?<=[{HAN}])[{_DASHES}]+(?=[{HAN}]|$)")
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

    @property
    def sure(self) -> bool:
        """Whether it validated as read, not only once corrected (a character taken as its
        runner-up: :data:`CORRECTED`)."""
        return self.ok and self.confidence > CORRECTED


MISSING = Field(None)

#: Fields whose validation almost any line of Chinese text passes: no evidence of a card, and
#: nothing to take from another reading.
WEAK_FIELDS = frozenset({"name", "address"})


def strip_label(text: str, *labels: str, starts: str = "") -> str:
    """Remove a leading printed label (and fragments of it that the recogniser merged), and
    every space and punctuation mark. ``starts``: characters the value may begin with that no
    label character is read as (see :func:`label_value`)."""
    return _PUNCT.sub("", label_value(text, *labels, starts=starts))


#: What the recogniser reads the blank between a label and its value as.
GAP_CHARS = " \t—―─－-_~.,，:：·/\\|｜"


def label_value(text: str, *labels: str, starts: str = "") -> str:
    """``text`` after a leading printed label (or fragments of it that the recogniser merged)
    and the blank after it, every character of the value kept as read. A character of
    ``starts`` (a digit of a date, 男 or 女) where the label's last character stands is the
    value's first: the recogniser dropped the label's last character (出1957年, 性女), it did
    not read it as that."""
    kept = [i for i, c in enumerate(text) if not _PUNCT.fullmatch(c)]
    compact = "".join(text[i] for i in kept)
    rest = _after_label(compact, labels, starts)
    cut = len(compact) - len(rest)
    if cut == 0:
        return text.lstrip(GAP_CHARS) if not kept or kept[0] > 0 else text
    start = kept[cut] if cut < len(kept) else len(text)
    return text[start:].lstrip(GAP_CHARS)


def _after_label(text: str, labels: Sequence[str], starts: str = "") -> str:
    """The suffix of ``text`` (no spaces or punctuation) after a leading label (``starts``:
    see :func:`label_value`)."""
    for label in labels:
        n = len(label)
        if (
            len(text) >= n
            and text[n - 1] in starts
            and label[: n - 1] == text[: n - 1]
            and text[n - 1] not in label
        ):
            return text[n - 1 :]  # the label's last character dropped, not misread
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
        if n >= 4 and len(text) > n and text[n - 2 : n] == label[-2:]:  # its head misread
            return text[n:]  # (整策机关: 签发 read as two other characters)
        if n >= 4 and len(text) > n + 1 and text[n - 1] == label[-1]:  # all but its last
            return text[n:]  # character misread (圣女积关 on a 420 px photo)
        # a long label with one character misread (签发机美)
        if (
            n >= 4
            and len(text) > n
            and sum(a != b for a, b in zip(text[:n], label, strict=True)) <= 1
        ):
            return text[n:]
    return text


def _from_label(text: str, label: str) -> str:
    """``text`` from its field's whole printed label on (spaces in it ignored), where
    something was read before the label (a speck, the edge of another row: 从姓名唐诗珑,
    供学签发机关叶城县公安局, a row off before 住址); no value contains its own label. A
    two-character label whose first character was read as its look-alike
    (:data:`_LABEL_HEAD_LOOKS`) counts a few characters in (他用往址海北…; for 姓名, whose 名
    given names hold, see :func:`parse_name`)."""
    kept = [i for i, c in enumerate(text) if c != " "]
    compact = "".join(text[i] for i in kept)
    at = compact.find(label)
    if at >= 0:
        return text[kept[at] :]
    looks = _LABEL_HEAD_LOOKS.get(label, frozenset())
    misread = _misread_label_at(compact, label, lambda i: compact[i] in looks)
    return text if misread is None else text[kept[misread] :]


def _misread_label_at(text: str, label: str, head: Callable[[int], bool]) -> int | None:
    """Where ``label`` starts in ``text`` after at most :data:`LABEL_PREFIX` characters read
    before it, its first character misread: its other characters follow, and ``head`` of the
    position says what was read there may be the first."""
    return next(
        (
            i
            for i in range(1, LABEL_PREFIX + 1)
            if text[i + 1 : i + len(label)] == label[1:] and head(i)
        ),
        None,
    )


#: The front's other printed labels: no name holds one.
_NOT_IN_NAMES: Final = tuple(
    label for row in ("gender_race", "birth", "address", "id_no") for label in FIELD_LABELS[row]
)


def _race_below(text: str) -> int:
    """How many characters at the end of the name ``text`` are 族 and an ethnicity (the 民族
    row's label end and value, read on after the name: 陆然鹏族汉); 0 where none are."""
    value = _ethnicity_ending(text)
    return len(value) + 1 if value and text[: -len(value)].endswith("族") else 0


def _gender_row(text: str) -> bool:
    """Whether ``text`` reads as the gender row's values alone, its labels unread: an
    ethnicity, after the gender or alone (男汉, 汉: a bilingual card's rows taken one row up,
    a photocopy's faint 性别 and name). 男 and 女 are no surnames, and a name is no
    ethnicity."""
    return as_listed(text[1:] if text[:1] in ("男", "女") else text) in ETHNICITIES


def as_listed(value: str) -> str:
    """An ethnicity's value as read, as the list names it: without 族 (汉族), an old name
    mapped to today's (毛难 -> 毛南)."""
    value = value[:-1] if len(value) > 1 and value.endswith("族") else value
    return ETHNICITY_ALIASES.get(value, value)


def parse_name(line: TextLine | None) -> Field:
    if line is None:
        return MISSING
    text = _from_label(_DOTS.sub(MIDDLE_DOT, _name_yi(line)), "姓名")
    if (
        (len(text) > 3 or (len(text) == 3 and surname_known(text[1])))
        and text[0] == "姓"
        and text[1] != "名"
        and not _misread(line, 1, "名")
        and (surname_known(text[1]) or not surname_known(text[2]))
    ):
        # 名 not read at all, rather than read as another character (姓赵荣: 姓 is no
        # surname of the list, 赵 is); but where the character after 姓 begins no name and
        # the next one does, that one is 名 read surely as another (姓书吕琪琴)
        text = "姓名" + text[1:]
    elif (
        len(text) > 3
        and text[1] == "名"
        and (text[0] in _LOOKS_LIKE_XING or _misread(line, 0, "姓"))
    ):
        text = "姓" + text[1:]  # 姓 misread (生名): 名 is rarely second of four or more
    else:
        # ... after a watermark's or a speck's characters (专娃名赵梦云): only where the
        # recogniser doubted the character (a given name's 星名 or 生名 is read sure)
        at = _misread_label_at(
            text, "姓名", lambda i: len(text) > i + 3 and _misread(line, i, "姓")
        )
        if at is not None:
            text = "姓" + text[at + 1 :]
    text = strip_label(text.strip(MIDDLE_DOT), "姓名").strip(MIDDLE_DOT)
    # a name prints no digit or Latin letter: a few before it are its blurred label's
    # (13马静雨 for a pale 姓名 out of focus), no part of it
    text = _NOT_NAME_HEAD.sub("", text)
    if not 2 <= len(text) <= 20 or not _NAME_RE.match(text):
        return MISSING  # (a surname and a given name: one character is a piece of a name)
    if any(label in text for label in _NOT_IN_NAMES) or _gender_row(text):
        return MISSING  # another field's row (男民族藏, 男汉) taken for the name's
    below = _race_below(text)
    if below:
        # the 民族 row's 族 and value read on after the name (the two rows in one crop, on an
        # outline askew): no name holds them
        rest = text[:-below]
        return Field(rest, min(line.score, CORRECTED)) if len(rest) >= 2 else MISSING
    chars = chars_of(line, text) if MIDDLE_DOT not in text else None
    apart = _apart(line, chars) if chars is not None else 0
    if apart:
        # the label read as a character or two where it stands, a blank before the name (过
        # 叶浩林 for 姓名 叶浩林 on a 560 px image): a name is printed as one word
        return Field(text[apart:], min(line.score, CORRECTED))
    if chars is not None:
        cands = _candidates(text, chars)
        # a rare surname read as the common character it resembles (逄 as 逢), kept as its
        # runner-up: where the character read is no surname and one runner-up is (逄华书);
        # a given name's character read as a look-alike that names seldom hold (杜利样)
        compound = correct_compound(cands)
        if compound is not None:
            # a compound surname's second character misread (夏供成豪: 侯 its runner-up)
            return Field(compound + text[2:], CORRECTED)
        surname, given = correct_surname(cands), correct_given(cands)
        if surname is not None or given is not None:
            return Field((surname or text[0]) + (given or text)[1:], CORRECTED)
    return Field(text, line.score)


#: Characters before a blank this many of a name's characters wide are no part of it.
NAME_APART = 1.8


def _apart(line: TextLine, chars: Sequence[CharCandidate]) -> int:
    """How many of a name's first characters (one or two; ``chars``, as :func:`chars_of`
    matched them to its ``line``: these very characters, all on its last segment, :func:`_runs`)
    stand apart from the rest, which are two or more: a blank at least :data:`NAME_APART`
    characters wide after them, at the pitch of the characters after it (their mean
    distance), and none of them read surely (:data:`~processor.places.SURE`: a label misread
    is read in doubt; a name's first character sure was cut where the time step its
    neighbour was read at came late, 江 0.11, 阳 0.25, 东 0.30)."""
    last = [line.chars[k] for k in _runs(line)[-1]][-len(chars) :]
    if len(last) < len(chars) or any(a is not b for a, b in zip(last, chars, strict=True)):
        return 0
    for cut in (1, 2):
        if len(chars) - cut < 2:
            break
        if any(c.prob >= SURE for c in chars[:cut]):
            continue  # read surely: a character of the name (where each was read may jitter)
        pitch = (chars[-1].x - chars[cut].x) / (len(chars) - cut - 1)
        if pitch > 0 and (chars[cut].x - chars[cut - 1].x) / pitch - 1.0 >= NAME_APART:
            return cut
    return 0


def surname_unsure(line: TextLine) -> bool:
    """Whether the first character of a name's ``line`` was read less surely than
    :data:`SURE_CHAR` (it may be a rare surname read as its look-alike)."""
    return bool(line.chars) and line.chars[0].prob < SURE_CHAR


def surname_voted(line: TextLine, other: TextLine) -> TextLine:
    """A name's ``line`` (read by the field recogniser, its first character unsure) with its
    first character the one that it and ``other`` (the name recogniser's read of the same
    crop) make likeliest together, their probabilities added up, where that is a known
    surname; as read where it is the character read, or no known surname (a rare surname the
    list lacks, 禚, read by v6 small stays), or where the two read different numbers of
    characters (they do not say which is the first's). Two models trained apart take
    different rare surnames for their look-alikes: v6 small reads 仉 as 仇 (0.59, 仉 0.28)
    and 亓 as 元 where v5 mobile reads 仉 and 亓; the correction from runner-ups
    (:func:`~processor.surnames.correct_surname`) cannot mend these, 仇 and 元 being surnames
    too. Only the surname, where the list of surnames says which characters may stand:
    voting every character also changed given names, wrongly as often (v5 mobile reads 怿
    as 怪). The character changed is as sure as the mean of its two probabilities, its
    runner-ups the others by their means."""
    if not line.chars or len(line.chars) != len(other.chars):
        return line
    mine, theirs = line.chars[0], other.chars[0]
    totals: dict[str, float] = {}
    for char, prob in (*mine.ranked(), *theirs.ranked()):
        totals[char] = totals.get(char, 0.0) + prob
    best = max(totals, key=lambda char: totals[char])  # the first read, on a tie
    if (
        best == mine.char
        or not surname_known(best)
        or not (mine.char.strip() and theirs.char.strip())
    ):
        return line
    rest = sorted(
        ((char, total / 2) for char, total in totals.items() if char != best),
        key=lambda item: -item[1],
    )
    first = dataclasses.replace(
        mine,
        char=best,
        prob=totals[best] / 2,
        alt=rest[0][0],
        alt_prob=rest[0][1],
        alts=tuple(rest),
    )
    return with_chars(line, (first, *line.chars[1:]))


#: A character read with less confidence than this may be a printed label misread.
MISREAD_PROB = 0.8


#: What the recogniser reads the 族 of the label 民族 as.
_LOOKS_LIKE_ZU = frozenset("旅施挨")
#: What the recogniser reads 姓 as, where the label's colour or a crop edge hides its 女.
_LOOKS_LIKE_XING = frozenset("生性牲胜星娃")
#: What it reads a label's first character as, where an overlay over the label hides part
#: of it (a look-alike alone is no label: its second character must follow)...
_LABEL_HEAD_LOOKS: Final = {"住址": frozenset("往佳注柱在")}
#: ... after at most this many characters read before it (a watermark's 他用, a speck).
LABEL_PREFIX = 3


def _yi(text: str) -> str:
    # a dash right after a 一 is the same stroke, read twice
    return _DASHES_AS_YI.sub(lambda m: "" if m.string[m.start() - 1] == "一" else "一", text)


#: A dash or 一 read less than this share of a line's character pitch after the stroke before
#: it is that stroke read again; one further on is another 一.
SAME_STROKE = 0.6
#: A run of strokes after a Chinese character that holds a dash: 一 read as a dash, once or
#: more, and the 一 read among them.
_STROKES = re.compile(rf"(?<=[{HAN}])[{_DASHES}一]*[{_DASHES}][{_DASHES}一]*(?=[{HAN}]|$)")
_STROKE_CHARS = frozenset(_DASHES.replace("\\", "") + "一")


def _name_yi(line: TextLine) -> str:
    """A name's ``line`` as text (spaces left out), each run of dashes after a Chinese
    character, with the 一 read among them, read as the 一 strokes it was read at: a dash or
    一 :data:`SAME_STROKE` of a character's pitch or more after the one before is another 一
    (李一一 read 李—— or 李一—, the strokes a character apart), a nearer one the same stroke
    read again (郝——一涵: the second stroke read — and 一). Where the line keeps no positions
    (its characters are not read left to right, as from one crop), a run of dashes is one 一
    (:func:`_yi`)."""
    chars = [c for c in line.chars if c.char.strip()]
    text = "".join(c.char for c in chars)
    if text != line.text.replace(" ", "") or not all(
        a.x < b.x for a, b in itertools.pairwise(chars)
    ):
        return _yi(line.text.replace(" ", ""))
    pairs = list(itertools.pairwise(chars))
    # the pitch: of characters read side by side, no stroke among them where there are such
    pitches = [b.x - a.x for a, b in pairs if not {a.char, b.char} & _STROKE_CHARS]
    pitches = pitches or [b.x - a.x for a, b in pairs]
    pitch = sorted(pitches)[len(pitches) // 2] if pitches else 0.0

    def strokes(m: re.Match[str]) -> str:
        run = chars[m.start() : m.end()]
        apart = [b.x - a.x >= SAME_STROKE * pitch for a, b in itertools.pairwise(run)]
        return "一" * (1 + sum(apart))

    return _STROKES.sub(strokes, text)


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
    # from the printed label on: a watermark's or a speck's characters read before it
    # (使用性别男) are no value; no value holds 性别
    text = strip_label(_from_label(line.text, "性别"), "性别", starts="男女")
    if text[:1] in ("男", "女"):
        return Field(text[0], line.chars[0].prob if line.chars else line.score)
    # the label read as other characters, no more than its own (性别 as 鲜 on a 300 px
    # image, as 性刖): the value is the 男 or 女 right after them; the id number's parity
    # checks it
    compact = _PUNCT.sub("", line.text)
    if "性别" not in compact:
        at = next((i for i, c in enumerate(compact[: len("性别") + 1]) if c in "男女"), 0)
        if at:
            return Field(compact[at], line.score * UNLABELLED)
    return MISSING


def parse_race(line: TextLine | None) -> Field:
    """民族 value: one of the 56, an old alias, or a clean non-list value (e.g. 穿青人)."""
    if line is None:
        return MISSING
    # a speck inside the spaced label is read as a dot (民·族); no ethnicity has one
    text = strip_label(line.text.replace(MIDDLE_DOT, ""), "民族")
    if "民族" not in text:
        # the label's 族 misread (民旅): a look-alike, or a character with 族 as runner-up
        misread = {c.char for c in line.chars if c.alt == "族"} | _LOOKS_LIKE_ZU
        chars = "".join(re.escape(c) for c in sorted(misread))
        text = re.sub(f"民[{chars}]", "民族", text, count=1)
    labelled = "民族" in text
    if labelled:
        text = text.split("民族", 1)[1]
    text = as_listed(text)
    if text in ETHNICITIES or text in ETHNICITY_EXTRAS:
        return Field(text, line.score)
    known = (
        _runner_up_reading(text, line.chars)
        or _spelled_by_runner_ups(text, line)
        or _one_misread(text, line)
    )
    if known is not None:
        return Field(known, line.score)
    trimmed = _listed_before_unsure(line)
    if trimmed is not None:
        return trimmed
    if _RACE_PASSTHROUGH.match(text) and line.score >= _MIN_CLEAN_SCORE:
        # a listed name, then a blank, then words ending in 人 (汉 示例图人: a watermark's
        # words after the value): the listed name; a value off the list is one word
        listed = _listed_before_blank(line.text)
        # no card prints a listed name with 人 (汉人: a crossing watermark's stroke read after
        # 汉), and no group off the list is named so (穿青人, 革家人): the listed name
        stem = as_listed(text[:-1])
        return Field(listed or (stem if stem in ETHNICITIES else text), line.score)
    if not labelled:
        # the label itself unreadable (民族 read as 健旗): the row ends with the value, so
        # the longest ethnicity that ends it, after the gender and at least a character;
        # or the label not read at all (glare): the value alone after the gender's blank
        spaced = label_value(line.text, "性别")  # the gender on, blanks as read
        after = _PUNCT.sub("", spaced)[1:]
        ending = _ethnicity_ending(after)
        blank = len(spaced) > 1 and spaced[0] in "男女" and spaced[1] in GAP_CHARS
        if ending is None and blank and after in ETHNICITIES:
            ending = after  # 男 汉: the blank where 民族 stands
        if ending is None and len(after) >= 2 and after not in ETHNICITIES:
            # the value misread (男 维音尔, 安东会): only where runner-ups likely enough spell
            # a listed name, or one character of a long one is off; no label says a value
            # stands here, and one character's runner-ups often hold one of the many listed
            # names of one character (女 饰: 白 among them, 彝 printed)
            ending = _spelled_by_runner_ups(after, line) or _one_misread(after, line)
        if ending is not None:
            return Field(ending, line.score * UNLABELLED)
    return MISSING


#: A value found without its label is trusted this much less.
UNLABELLED = 0.8
#: A segment of a value's row whose every character is read less surely than this is a
#: stray stroke boxed apart (a piece of the line above, read 2 at 0.08: 李2集街道), not
#: print: a box over guilloche or stray strokes reads 0.1-0.7, print beside a line read
#: surely is read surely too.
#: Characters read so at the end of the gender row, after its 民族 value, are a
#: watermark's strokes read within the row's characters (汉 then 仅 read 女 at 0.10).
STRAY = 0.3


def _listed_before_unsure(line: TextLine) -> Field | None:
    """The 民族 value of the gender row ``line`` that ends with characters read less
    probably than :data:`STRAY`, read without them, where that is listed and no other
    listed name begins with it (土 of 土家: a character of the value read unsurely)."""
    chars = list(line.chars)
    while chars and (not chars[-1].char.strip() or chars[-1].prob < STRAY):
        chars.pop()
    if len(chars) == len(line.chars) or not chars:
        return None
    found = parse_race(with_chars(line, chars))
    value = found.value
    if value is None or any(e != value and e.startswith(value) for e in ETHNICITIES):
        return None
    return found


def stand_ins(values: Iterable[str], characters: frozenset[str]) -> frozenset[str]:
    """The ``values`` a recogniser that reads ``characters`` may read in place of another it
    cannot spell: those it can, one character from a value of the same length that has a
    character it lacks (仡佬 for 仫佬 where it lacks 仫). Such a read is no proof."""
    listed = list(values)
    unspellable = [v for v in listed if not set(v) <= characters]
    return frozenset(
        v
        for v in listed
        if set(v) <= characters
        and any(
            len(u) == len(v) and sum(a != b for a, b in zip(u, v, strict=True)) == 1
            for u in unspellable
        )
    )


def _listed_before_blank(text: str) -> str | None:
    """The ethnicity of the 56 (or an old alias's) that follows the 民族 label in ``text``
    (as read, blanks kept) and ends its word; None where the word after the label is none."""
    for word in text.split():
        if "民族" in word:
            value = word.split("民族", 1)[1]
            value = ETHNICITY_ALIASES.get(value, value)
            return value if value in ETHNICITIES else None
    return None


def _ethnicity_ending(text: str) -> str | None:
    """The longest of the 56 that ends ``text`` with at least one character before it."""
    for size in range(min(4, len(text) - 1), 0, -1):
        tail = text[-size:]
        if tail in ETHNICITIES:
            return tail
    return None


def _runner_up_reading(text: str, chars: Sequence[CharCandidate]) -> str | None:
    """The one ethnicity that ``text`` becomes when a single character is replaced by the
    recogniser's runner-up for it, one at least :data:`RACE_RUNNER_UP` probable (士家 ->
    土家); None when none or several do. A runner-up below it is noise: 佬 of 仫佬 (the line
    recogniser has no 仫) had 傣 at 0.0003, and 傣 was answered at 0.9997."""
    alts = {c.char: c.alt for c in chars if c.alt and c.alt_prob >= RACE_RUNNER_UP}
    found = {
        text[:i] + alts[ch] + text[i + 1 :]
        for i, ch in enumerate(text)
        if ch in alts and (text[:i] + alts[ch] + text[i + 1 :]) in ETHNICITIES
    }
    return found.pop() if len(found) == 1 else None


#: A runner-up at least this probable may stand for its character in an ethnicity spelled
#: from runner-ups (:func:`_spelled_by_runner_ups`).
RACE_RUNNER_UP = 0.05
#: An ethnicity's character read less probably than this may be a misread one of a listed
#: name of three or more characters (:func:`_one_misread`).
RACE_UNSURE = 0.9


def _one_misread(text: str, line: TextLine) -> str | None:
    """The one listed ethnicity of three or more characters that ``text`` is but for one
    character, read less probably than :data:`RACE_UNSURE` on ``line`` (维音尔: 音 at 0.38,
    吾 none of its runner-ups): the value is one of a closed list, and no two of its long
    names are one character apart. None where none or several are, or where ``text``'s
    characters are not found on ``line``."""
    if len(text) < 3:
        return None
    read = chars_of(line, text)
    if read is None:
        return None
    found: set[str] = set()
    for name in ETHNICITIES:
        if len(name) != len(text):
            continue
        differ = [c for want, c in zip(name, read, strict=True) if want != c.char]
        if len(differ) == 1 and differ[0].prob < RACE_UNSURE:
            found.add(name)
    return found.pop() if len(found) == 1 else None


def _spelled_by_runner_ups(text: str, line: TextLine) -> str | None:
    """The one listed ethnicity of ``text``'s length that each of its characters, as read or
    as a runner-up (:data:`RACE_RUNNER_UP`), spells: a blurred 傈僳 read 保集, 傈 (0.13) and
    僳 (0.07) their runner-ups; the value is one of a closed list. None when none or several
    do, or where ``text``'s characters are not found on ``line``."""
    read = chars_of(line, text)
    if read is None:
        return None
    options = [
        {c.char} | {alt for alt, prob in c.ranked()[1:] if prob >= RACE_RUNNER_UP} for c in read
    ]
    found = {
        name
        for name in ETHNICITIES
        if len(name) == len(text) and all(ch in opt for ch, opt in zip(name, options, strict=True))
    }
    return found.pop() if len(found) == 1 else None


def parse_birth(line: TextLine | None) -> Field:
    """``1982 年 9 月 25 日`` (labels optional) -> ``1982.09.25``."""
    if line is None:
        return MISSING
    text = strip_label(line.text, "出生", starts=string.digits)
    # the first run that is a date of this or the last century: a label character read as a
    # digit before the year (出72007年) is no part of it
    for match in _matches(_BIRTH_RE, text):
        day = calendar_date(match[1], match[2], match[3])
        if day is not None and holders_birth(day):
            return Field(format_date(day), line.score)
    return MISSING


def _matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern`` matched from each position of ``text`` in turn (overlapping, unlike
    ``finditer``: a run that starts inside a rejected one is still tried)."""
    return (match for at in range(len(text)) if (match := pattern.match(text, at)))


_BIRTH_RE = re.compile(r"(\d{4})\D{0,3}?(\d{1,2})\D{1,3}?(\d{1,2})")


#: Misreads of the fixed words of addresses that are never right as read: 白治 is no place
#: name, 自治 (区, 州, 县, 旗) is in hundreds.
ADDRESS_MISREADS = (("白治", "自治"),)


#: Between two digits or letters a dash (:data:`_DASHES`) is a printed hyphen (``3-2-401``,
#: ``39-13号``), kept as ``-``.
_HYPHEN = re.compile(rf"(?<=[0-9A-Za-z])\s*[{_DASHES}]+\s*(?=[0-9A-Za-z])")
_WRAPPED_HYPHEN = re.compile(rf"(?<=[0-9A-Za-z])\s*[{_DASHES}]+\s*$")
_LEADING_HYPHEN = re.compile(rf"\s*[{_DASHES}]+\s*(?=[0-9A-Za-z])")
_ADDRESS_DROP = re.compile(rf"[\s,，.。:：;；'\"“”‘’`!！?？、|｜\[\]【】<>《》{_DASHES}]")


def runs_on(text: str) -> bool:
    """Whether an address line as read ends with a hyphen after a digit or letter: its
    number goes on, on a next line (102-|10号); no address ends so."""
    return _WRAPPED_HYPHEN.search(text) is not None


def address_text(text: str) -> str:
    """One address line as printed: 一 read as a dash restored, hyphens between digits kept,
    spaces and marks that are not printed dropped."""
    text = _HYPHEN.sub("\x00", _yi(text))
    # a hyphen at the end of a line, after a digit, wrapped with its number (18-5-|1202)
    text = _WRAPPED_HYPHEN.sub("\x00", text)
    return _ADDRESS_DROP.sub("", text).replace("\x00", "-")


#: A dash read less surely than this is a speck or a line of the artwork, not a hyphen.
HYPHEN_MIN_PROB = 0.5


#: The characters a hyphen is read as; the field recogniser keeps their probabilities.
HYPHENS: Final = frozenset("-－–—")
#: A hyphen between two digits that the recogniser's best path passed over (a blank or a digit
#: won every time step it showed in) is printed when it got at least this probability at a
#: step between them. On tuned hard fronts (seeds 0 and 11): 556 pairs of digits printed
#: without one, at most 0.0017; hyphens passed over 0.034 and 0.42 (and one 0.0003, lost).
PASSED_HYPHEN = 0.01
#: Less than that but at least this, it is printed where the crop shows a hyphen's ink
#: between the two digits (``reading.printed_between``): a hyphen kerned into the digit
#: before it, 64-15 read 6415 with the hyphen at 0.0026.
FAINT_HYPHEN = 0.001
_DIGIT = re.compile("[0-9０-９]")


def is_digit(char: str) -> bool:
    """Whether ``char`` is a digit, half or full width."""
    return _DIGIT.fullmatch(char) is not None


def restore_hyphens(
    line: TextLine, seen: Sequence[float], ends: tuple[float, float] = (0.0, 0.0)
) -> TextLine:
    """``line`` with a hyphen between two digits read one after the other where the model saw
    one between them (``seen``: for each two characters, the most probability it gave a hyphen
    between them, :meth:`~processor.ocr.recognize.TextRecognizer.between`; at least
    :data:`PASSED_HYPHEN`): blurred or tight, 28-35 is read 2835 though the hyphen shows.
    Likewise before a first digit and after a last one where it saw one there (``ends``,
    :meth:`~processor.ocr.recognize.TextRecognizer.ends`): an address wraps at a hyphen
    (102-|10号), and :func:`parse_address` keeps it only where the next line goes on with the
    number. It counts as read at :data:`HYPHEN_MIN_PROB`, the least a hyphen read is kept at."""
    if not line.chars:
        return line
    chars: list[CharCandidate] = []
    for i, c in enumerate(line.chars):
        if i and seen[i - 1] >= PASSED_HYPHEN and is_digit(chars[-1].char) and is_digit(c.char):
            chars.append(_hyphen((chars[-1].x + c.x) / 2))
        chars.append(c)
    first, last = line.chars[0], line.chars[-1]
    if ends[0] >= PASSED_HYPHEN and is_digit(first.char):
        chars.insert(0, _hyphen(max(0.0, first.x - line.step)))
    if ends[1] >= PASSED_HYPHEN and is_digit(last.char):
        chars.append(_hyphen(min(1.0, last.x + line.step)))
    return line if len(chars) == len(line.chars) else with_chars(line, chars)


def _hyphen(x: float) -> CharCandidate:
    """A hyphen the model saw at ``x`` but passed over, as if read at the least it is kept."""
    return CharCandidate("-", HYPHEN_MIN_PROB, "", 0.0, x=x)


def _passed_at(line: TextLine, seen: CharCandidate) -> int:
    """Where among ``line``'s characters ``seen``, passed over, stands (by where each was
    read)."""
    return sum(1 for c in line.chars if c.x <= seen.x)


def with_passed(line: TextLine) -> TextLine:
    """``line`` with the character its recogniser passed over where it passed over most
    (:attr:`~processor.values.TextLine.passed_char`) put in where it was seen, at its own
    probability; ``line`` where none was."""
    seen = line.passed_char
    if seen is None:
        return line
    at = _passed_at(line, seen)
    return dataclasses.replace(
        with_chars(line, (*line.chars[:at], seen, *line.chars[at:])), passed_char=None
    )


def passed_if(line: TextLine, reads: Callable[[TextLine], bool]) -> TextLine:
    """``line`` with the character its recogniser passed over (:func:`with_passed`) where
    the line then ``reads`` as a value the card can print and does not without it: a value of
    a closed list (the 56 ethnicities, :func:`race_listed`; the known authorities,
    :func:`authority_listed`) is read whole where the model saw a character of it but was
    too unsure of it to read it (佬 read, 仫 passed over at 0.14 beside a blank of 0.48 and a
    space of 0.29, is 仫佬; 阳县公安局 read, 饶 passed over at 0.69, is 饶阳县公安局). Only a
    character at least ``places.REAL`` probable, as for a runner-up: below it, one of the
    many short values of such a list is made of noise (县公安局 and a faint 道, 道县公安局).
    ``line`` otherwise."""
    seen = line.passed_char
    if seen is None or seen.prob < REAL or reads(line):
        return line
    passed = with_passed(line)
    return passed if reads(passed) else line


def race_listed(line: TextLine) -> bool:
    """Whether the gender row ``line``'s 民族 value is one of the 56."""
    return parse_race(line).value in ETHNICITIES


def authority_listed(line: TextLine) -> bool:
    """Whether the authority ``line`` reads is a known one."""
    return authority_known(parse_issuer(line).value or "")


def address_passed(line: TextLine, before: str = "") -> TextLine:
    """An address's ``line`` with the character passed over (:func:`with_passed`) where it
    makes a word with a character read beside it (:func:`~processor.words.word_count`;
    ``before``: the last one read on the line above, for a character passed over at this
    one's start): the model saw a character there (what the caller asks of
    ``line.passed``) and the word says which. 才 passed over at the start of a wrapped line
    under …偃师区育 (0.04 of 0.82 seen, over a blank of 0.17) is 育才北路; a stroke beside the
    value (交 after 32-7-902) makes none. ``line`` otherwise."""
    seen = line.passed_char
    if seen is None:
        return line
    at = _passed_at(line, seen)
    prev = line.chars[at - 1].char if at > 0 else before
    after = line.chars[at].char if at < len(line.chars) else ""
    if (prev and word_count(prev + seen.char)) or (after and word_count(seen.char + after)):
        return with_passed(line)
    return line


def with_chars(line: TextLine, chars: Sequence[CharCandidate]) -> TextLine:
    """``line`` made of ``chars`` instead: its text theirs, its score their mean probability
    (blanks left out), where each was read and what the model saw kept."""
    scored = [c.prob for c in chars if c.char.strip()]
    return dataclasses.replace(
        line,
        text="".join(c.char for c in chars),
        score=sum(scored) / len(scored) if scored else 0.0,
        chars=tuple(chars),
    )


#: A dot or comma read between two digits or letters (or before or after one at a line's
#: break) whose runner-up is a dash at least this sure is that hyphen (57-2号 read 57.2号):
#: no address prints a decimal point. :func:`parse_address` keeps one at a break only where
#: the number goes on across it.
HYPHEN_AS_DOT_PROB = 0.2
#: The marks a hyphen is read as (blurred, or on a card ~200 px wide, a few pixels).
DOT_MARKS: Final = frozenset(".·,，。")
_ALNUM = re.compile("[0-9A-Za-z]")


def _sure_text(line: TextLine) -> str:
    """``line``'s text without the dashes read in doubt, with the hyphens read as dots."""
    if not line.chars:
        return line.text
    chars = [c for c in line.chars if not (c.char in _DASHES and c.prob < HYPHEN_MIN_PROB)]
    out = []
    for i, c in enumerate(chars):
        # at a line's start or end, the number may go on across the break (16|.29号)
        before = i == 0 or _ALNUM.fullmatch(chars[i - 1].char)
        after = i == len(chars) - 1 or _ALNUM.fullmatch(chars[i + 1].char)
        if (
            c.char in DOT_MARKS
            and c.alt in _DASHES
            and c.alt_prob >= HYPHEN_AS_DOT_PROB
            and len(chars) > 1
            and before
            and after
        ):
            out.append(c.alt)
        else:
            out.append(c.char)
    return "".join(out)


#: A line the next one starts with again, this many letters or more, was read twice.
READ_TWICE = 4


def read_once(lines: Sequence[TextLine]) -> list[TextLine]:
    """``lines`` less each whose text (READ_TWICE letters or more, its label aside) the next
    line starts with again: two boxes over one printed line (a bilingual card's 住址 boxed
    with the line above it, reaching into the value's first line) read its start twice
    (四川省甘孜藏族自 | 四川省甘孜藏族自治州道孚县). A card prints no line twice."""

    def letters(line: TextLine) -> str:
        return "".join(line.text.split()).removeprefix("住址")

    return [
        line
        for k, line in enumerate(lines)
        if k + 1 == len(lines)
        or len(letters(line)) < READ_TWICE
        or not letters(lines[k + 1]).startswith(letters(line))
    ]


#: Latin letters (marks between them) ending an address line after a Chinese character:
#: an address prints a capital letter with a number or a unit (A座, 3B室, 12-B), never a
#: word or a small letter; two or more, one of them small, or three or more, are a site
#: watermark's address read on at the line's end (员会三组jz, of zjz.example.cn), not printed;
#: letters with marks too, and a line of nothing else (a Zhuang line under a bilingual card's
#: address, read as its next line: Curotmnésaanian).
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af"
_FOREIGN_TAIL = re.compile(rf"(?:(?<=[{HAN}])|^)[{_LATIN}][{_LATIN}\s.,，。:：;；'_\-]*$")
_LATIN_LETTER = re.compile(f"[{_LATIN}]")
FOREIGN_LETTERS = 3


def _without_foreign_tail(text: str) -> str:
    """``text`` without the Latin word that ends it (:data:`_FOREIGN_TAIL`)."""
    tail = _FOREIGN_TAIL.search(text)
    if tail is None:
        return text
    letters = [c for c in tail.group() if c.isalpha()]
    small = any(c.islower() for c in letters)
    if len(letters) < FOREIGN_LETTERS and not (small and len(letters) > 1):
        return text
    return text[: tail.start()]


def _without_tails(
    lines: Sequence[TextLine], read: Sequence[str], kept: Sequence[str]
) -> list[TextLine]:
    """``lines`` (each ``read`` as its text) without the characters of the Latin words left off
    their ends (``kept``: what is left of each; a line left off whole is dropped), so that the
    address's characters match what was read of it (:func:`chars_of` matches from the end)."""
    out = []
    for ln, text, part in zip(lines, read, kept, strict=True):
        letters = len(_LATIN_LETTER.findall(text[len(part) :]))
        if letters == 0:
            out.append(ln)
            continue
        end = len(ln.chars)
        while letters and end:
            end -= 1
            letters -= _LATIN_LETTER.fullmatch(ln.chars[end].char) is not None
        if end:
            out.append(with_chars(ln, ln.chars[:end]))
    return out


#: A card prints an address's brackets full width, as Chinese text is set (…村（集体户）); the
#: recogniser reads them as ASCII (its classes are folded under NFKC).
_FULL_WIDTH_BRACKETS = str.maketrans("()", "（）")


def parse_address(lines: Sequence[TextLine]) -> Field:
    """The address its ``lines`` print, its brackets as printed (full width)."""
    found = _parse_address(lines)
    if found.value is None:
        return found
    return dataclasses.replace(found, value=found.value.translate(_FULL_WIDTH_BRACKETS))


def _parse_address(lines: Sequence[TextLine]) -> Field:
    lines = read_once(lines)
    read = [_sure_text(ln) for ln in lines]
    kept = [_without_foreign_tail(part) for part in read]
    parts = list(kept)
    # the label starts the address: what a row off put before it is another row's
    labelled = [i for i, part in enumerate(parts) if "住址" in part.replace(" ", "")]
    if labelled:
        parts = parts[labelled[-1] :]
    if parts:
        parts[0] = _address_start(_from_label(parts[0], "住址"), "".join(parts[1:]))
    texts: list[str] = []
    for part in parts:
        text = address_text(part)
        if texts and _ALNUM.search(texts[-1][-1:]) and _LEADING_HYPHEN.match(part):
            text = "-" + text  # a hyphen wrapped to the start of the next line (14-|8号 as 14|-8号)
        if texts and texts[-1].endswith("-") and not _ALNUM.match(text):
            texts[-1] = texts[-1][:-1]  # a line's last hyphen, the number not going on after it
        texts.append(text)
    text = "".join(texts).removesuffix("-")
    for wrong, right in ADDRESS_MISREADS:
        text = text.replace(wrong, right)
    if len(text) < 2 or not re.search(f"[{HAN}]", text):
        return MISSING
    # (a line left off whole, a minority-script line read as Latin, no measure of the rest)
    score = min(ln.score for ln, part in zip(lines, kept, strict=True) if part)
    if parts != read:  # a watermark's word left off: not as read
        score = min(score, CORRECTED)
    chars = chars_of(join_chars(_without_tails(lines, read, kept)), text)
    if chars is not None:
        digits = digits_restored(text, chars)
        digits = units_restored(digits, chars)
        digits = town_restored(digits, chars)
        digits = words_restored(digits, chars)
        if digits != text:
            text, score = digits, min(score, CORRECTED)
    restored = province_restored(text)
    if restored is not None:
        return Field(restored, CORRECTED)
    if chars is not None:
        # the province, prefecture and county the runner-ups make of the beginning, where
        # exactly one real place fits (颖泉区 -> 颍泉区)
        fixed = correct_address_prefix(_candidates(text, chars))
        if fixed is not None and fixed != text:
            if len(fixed) == len(text):
                # the names after a place known only now (甘常省…天目出大道: 天目山)
                fixed = words_restored(town_restored(fixed, chars), chars)
            return Field(fixed, CORRECTED)
        # characters washed out of a place's name, where the line left room for them (the
        # blanks measured only for an address that begins with no known place)
        filled = None if address_begins_known(text) else gaps_filled(text, _room(lines, chars))
        if filled is not None:
            return Field(filled, CORRECTED)
    return Field(text, score)


#: A blank between two characters of a line is room for as many characters as it is wide,
#: give or take this share of one ...
ROOM_SLACK = 0.6
#: ... measured against the line's pitch where it has this many pairs of characters side by
#: side (:func:`_room`).
ROOM_PAIRS = 3


def _room(lines: Sequence[TextLine], chars: Sequence[CharCandidate]) -> dict[int, tuple[int, ...]]:
    """At each position of an address's ``chars`` (as :func:`chars_of` matched them to its
    ``lines``: these very characters), how many characters may be missing before it: where
    it and the one before it are Chinese, read on one segment (:func:`_runs`), and stand
    further apart than its pitch (the median distance of its Chinese characters side by
    side), as many as fill that blank to within :data:`ROOM_SLACK`. Where each was read
    (:attr:`CharCandidate.x`) is a share of its own segment's width: the joined lines of a
    row (:func:`~processor.read.assign.join_lines`) keep no one time step to measure in."""
    at = {id(c): i for i, c in enumerate(chars)}
    room: dict[int, tuple[int, ...]] = {}
    for ln in lines:
        for run in _runs(ln):
            han = [ln.chars[k] for k in run if HAN_CHAR.match(ln.chars[k].char)]
            steps = sorted(b.x - a.x for a, b in itertools.pairwise(han))
            pitch = steps[len(steps) // 2] if len(steps) >= ROOM_PAIRS else 0.0
            if pitch <= 0.0:
                continue
            for a, b in itertools.pairwise(han):
                i = at.get(id(b), 0)
                if not i or chars[i - 1] is not a:
                    continue
                blank = (b.x - a.x) / pitch - 1.0  # in characters
                counts = tuple(k for k in (1, 2, 3) if abs(blank - k) <= ROOM_SLACK)
                if counts:
                    room[i] = counts
    return room


#: Latin letters an address's digits are read as, and the digit each looks like. Addresses
#: number with digits and the letters of buildings (A座, 3B室), never with O or I among
#: the digits: a 0 at a line's start read O (村1|O组) is that 0.
DIGIT_LOOKALIKES: Final = {"O": "0", "o": "0", "I": "1", "l": "1"}


#: Units counted with digits only (a village's 7组, a production team's 3队, a lane's 474弄),
#: never a building's letter (A座, B栋, 3B室): a letter in their number is a digit misread
#: (7组 read T组, 7 the runner-up).
DIGITS_ONLY_UNITS: Final = frozenset("组队弄")
#: A run of digits and letters up to such a unit (from where it is matched).
_COUNTED = re.compile(f"[0-9A-Za-z]*[{''.join(sorted(DIGITS_ONLY_UNITS))}]")


def digits_restored(text: str, chars: Sequence[CharCandidate]) -> str:
    """``text`` (an address, as parsed, ``chars`` the characters it was read from) with each
    letter of :data:`DIGIT_LOOKALIKES` that stands next to a digit (a hyphen between them or
    not), or an I or l right before a unit (:data:`UNITS`: 12号楼I单元, 1 its runner-up at
    0.34), replaced by the digit it looks like, and any other letter in the number of a unit
    counted with digits only (:data:`DIGITS_ONLY_UNITS`), or read unsurely between two
    hyphens among digits (1-S-1702, 8 its runner-up at 0.15), by its digit runner-up, where
    the recogniser gave that digit at least ``places.REAL`` there (the only such one,
    :func:`~processor.places.real_runner_up`)."""
    out = list(text)
    for i, (char, read) in enumerate(zip(text, chars, strict=True)):
        if not (char.isascii() and char.isalpha()):
            continue
        digit = DIGIT_LOOKALIKES.get(char)
        if digit is not None:
            beside = text[:i].rstrip("-")[-1:] + text[i + 1 :].lstrip("-")[:1]
            # alone before a unit it is a number of its own, which never starts with 0
            alone = text[i + 1 : i + 2] in UNITS and digit != "0"
            numbered = any(c.isdigit() for c in beside) or alone
            if numbered and real_runner_up(read.ranked(), digit.__eq__):
                out[i] = digit
            continue
        if _COUNTED.match(text, i) or (
            i >= 2 and _HYPHENATED.match(text, i - 2) and read.prob < SURE
        ):
            out[i] = real_runner_up(read.ranked(), str.isdigit) or char
    return "".join(out)


#: A letter between two hyphens with a digit on each side (1-S-1702: building, unit, room),
#: matched from the digit before it.
_HYPHENATED = re.compile(r"\d-[A-Za-z]-\d")


#: What an address prints right after a number: the unit it counts (70号, 1603室, 2组, 474弄,
#: 3单元, 12幢 ...).
UNITS: Final = frozenset("号室栋幢楼层组队弄巷单户排座期院")


#: What a place's name ends in right before its house number (…文化大道147号, …新民村11组,
#: …建设巷36号, …锦绣花园3栋, …滨江小区5幢).
NAMED_UNITS: Final = frozenset("路街道巷弄里村屯庄园苑区城")
#: The rest of a house number after its first digit: digits (and dashes), then 号.
_HOUSE_NUMBER = re.compile(r"[0-9][0-9-]*号")


def units_restored(text: str, chars: Sequence[CharCandidate]) -> str:
    """``text`` (an address, as parsed from ``chars``) with a Chinese character right after a
    digit that is no unit (:data:`UNITS`) replaced by its one runner-up at least
    ``places.REAL`` probable that is one (1603台 -> 1603室, 室 at 0.08); and one right before
    a digit that ends no place's name there (:data:`NAMED_UNITS`), read unsurely (below
    ``places.SURE``), by its one such runner-up that does (文化大通147号 -> 文化大道147号: 通
    at 0.43, 道 at 0.16; 港 of 海港 read surely stays); and the first digit of a house number
    (…号) right after a name that ends in none, read unsurely, by its one such runner-up
    (八一8224号 -> 八一巷224号: 8 at 0.23, 巷 at 0.11)."""
    out = list(text)
    for i, (char, read) in enumerate(zip(text, chars, strict=True)):
        if char.isdigit():
            if (
                i > 0
                and HAN_CHAR.fullmatch(text[i - 1])
                and text[i - 1] not in NAMED_UNITS
                and text[i - 1] not in UNITS
                and _HOUSE_NUMBER.match(text, i + 1)
                and read.prob < SURE
            ):
                out[i] = real_runner_up(read.ranked(), NAMED_UNITS.__contains__) or char
            continue
        if char in UNITS or not HAN_CHAR.fullmatch(char):
            continue
        if i > 0 and text[i - 1].isdigit():
            out[i] = real_runner_up(read.ranked(), UNITS.__contains__) or char
        elif text[i + 1 : i + 2].isdigit() and char not in NAMED_UNITS and read.prob < SURE:
            out[i] = real_runner_up(read.ranked(), NAMED_UNITS.__contains__) or char
    return "".join(out)


#: The words a town's name ends in that a misread character may be (:func:`town_restored`);
#: 街道, a town's urban peer, is two characters and only counts where read.
TOWN_WORDS: Final = frozenset("镇乡")
_TOWN = re.compile(f"[{''.join(sorted(TOWN_WORDS))}]|街道")


def town_restored(text: str, chars: Sequence[CharCandidate]) -> str:
    """``text`` (an address, as parsed from ``chars``) with its town's word restored: a
    rural address names its county (a known place, :func:`~processor.places.known_beginning`),
    then its town (…镇, …乡, …街道), then its village (…村); where no town's word stands
    between the county and the village, the one character there read unsurely (below
    ``places.SURE``) whose one runner-up at least ``places.REAL`` probable is a town's word
    is that word (北店头腾新民村 -> 北店头镇新民村: 腾 at 0.53, 镇 at 0.08)."""
    start = known_beginning(text)
    village = text.find("村", start)
    if not start or village < 0 or _TOWN.search(text, start, village):
        return text
    found = [
        (i, town)
        for i in range(start + 1, village - 1)  # a town's name before it, a village's after
        if chars[i].prob < SURE
        and (town := real_runner_up(chars[i].ranked(), TOWN_WORDS.__contains__)) is not None
    ]
    if len(found) != 1:
        return text
    i, town = found[0]
    return text[:i] + town + text[i + 1 :]


#: The characters of an address's form (its units, the words that end a place's name, a
#: town's, a prefix's): decided by the address's own rules (:func:`units_restored`,
#: :func:`town_restored`, the place knowledge), never by the word prior, which counts running
#: text (新华巷 is no 新华县 because 华县 is a county).
ADDRESS_FORM: Final = UNITS | NAMED_UNITS | TOWN_WORDS | PREFIX_FORM_CHARS | frozenset("州盟")
#: A runner-up at least this probable may be what a name's character in an address is ...
WORD_RUNNER_UP = 0.01
#: ... where it makes a word with a neighbour at least this many times as frequent as any the
#: character read makes (its count plus one) ...
WORD_RATIO = 20
#: ... and is likelier, each candidate's probability weighed by its word's count (plus one) to
#: this power (as a given name's candidates are, :data:`~processor.surnames.GIVEN_WEIGHT`).
WORD_POWER = 0.75


def words_restored(text: str, chars: Sequence[CharCandidate]) -> str:
    """``text`` (an address, as parsed from ``chars``) with the names it holds after its known
    place (:func:`~processor.places.known_beginning`: streets, villages, estates) mended from
    the runner-ups where only a runner-up makes a word: a character read unsurely (below
    ``places.SURE``) becomes the runner-up (at least :data:`WORD_RUNNER_UP` probable) that
    makes a word of two characters with a neighbour, or of three with its neighbours
    (:func:`~processor.words.word_count`), at least :data:`WORD_RATIO` times as frequent as
    the read makes, where that is likelier, weighed by :data:`WORD_POWER` (美蓉街 -> 芙蓉街:
    芙 a runner-up, 芙蓉 a word, 美蓉 none; 供电易花园 -> 供电局花园: 供电局 a word).
    Left to right, each character beside those already decided. A neighbour that makes a
    two-character word at least as frequent on its other side is that word's (幸福里: 福星
    is no evidence for 星). The address's form (:data:`ADDRESS_FORM`) is neither changed nor
    put in."""
    start = known_beginning(text)
    if not start:
        return text
    out = list(text)

    def support(i: int, char: str) -> int:
        left = word_count(out[i - 1] + char) if i - 1 >= start else 0
        if left and i - 2 >= start and word_count(out[i - 2] + out[i - 1]) >= left:
            left = 0
        right = word_count(char + text[i + 1]) if i + 1 < len(text) else 0
        if right and i + 2 < len(text) and word_count(text[i + 1] + text[i + 2]) >= right:
            right = 0
        # the words of three characters it stands in: at the end, in the middle, first
        three = [
            "".join(out[i - 2 : i]) + char if i - 2 >= start else "",
            out[i - 1] + char + text[i + 1] if i - 1 >= start and i + 1 < len(text) else "",
            char + text[i + 1 : i + 3] if i + 2 < len(text) else "",
        ]
        return max(left, right, *(word_count(word) for word in three if word))

    for i in range(start, len(text)):
        read = chars[i]
        if read.prob >= SURE or read.char != text[i] or not _is_name_char(text[i]):
            continue
        own = support(i, text[i])
        best, weight = text[i], read.prob * (own + 1) ** WORD_POWER
        for alt, prob in read.ranked()[1:]:
            if prob < WORD_RUNNER_UP or not _is_name_char(alt):
                continue
            count = support(i, alt)
            if count >= WORD_RATIO * (own + 1) and prob * (count + 1) ** WORD_POWER > weight:
                best, weight = alt, prob * (count + 1) ** WORD_POWER
        out[i] = best
    return "".join(out)


def _is_name_char(char: str) -> bool:
    """Whether ``char`` is a Chinese character that may stand in a name of an address (none of
    its form's)."""
    return bool(HAN_CHAR.fullmatch(char)) and char not in ADDRESS_FORM


def _address_start(first: str, rest: str = "") -> str:
    """The address's first line without its label: where the label ends is in doubt when it
    was read in part (住 辽宁省: 址 lost, or a stray character before it), so where a known
    place begins within the label's length, that is the value. ``rest``: the lines after
    the first (a county's name may wrap onto the second: 甘肃省天水市张家川回族自治|县)."""
    value = label_value(first, "住址")
    if address_begins_known(address_text(value + rest)):
        return value
    compact = first.replace(" ", "")
    if province_restored(address_text(compact + rest)) is not None:
        return compact  # the tail of the province's name (南省迪庆…): restored, not cut
    for start in range(4):
        after = address_text(compact[start:] + rest)
        if address_begins_known(after):
            if start and province_misread(compact[:start], after):
                return compact  # its province, a character misread: corrected, not cut
            return compact[start:]
    return value


def join_chars(lines: Sequence[TextLine]) -> TextLine:
    """``lines`` as one line (for matching a value that runs over several)."""
    chars = tuple(c for ln in lines for c in ln.chars)
    return TextLine("".join(c.char for c in chars), 0.0, chars)


def parse_id_number(line: TextLine | None) -> Field:
    """18 characters with a valid check character; a single low-confidence character may be
    replaced by the recogniser's runner-up when exactly one such replacement validates and
    names a real region (:func:`~processor.places.region_known`). Digits before a unit an
    address counts (8号: its last line run into the row) are not the number's. More
    than 18 (the label read as a digit, 1公民身份号码 1507…): the one run of 18 that validates
    and encodes a calendar date, when exactly one does."""
    if line is None:
        return MISSING
    chars = _id_chars(line.chars)
    if len(chars) > 18:
        chars = _valid_run(chars)
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
    # one only, and never into a number of no real region (one digit too many before it and
    # one changed made a check character fit: 852302199309245728)
    if len(fixes) == 1 and region_known((fix := fixes.pop())[:6]):
        return Field(fix, 0.5)
    if not text[:17].isdigit():
        return MISSING
    # The check character itself misread: rejected, never recomputed (that would invent it).
    return MISSING


def id_with_birth(id_no: Field, line: TextLine | None, birth: Field) -> Field:
    """``id_no``, or where the number read on ``line`` did not validate with its birth's
    digits a slip or two (:data:`BIRTH_SLIPS`) off the ``birth`` read on its own row
    (360429199711650707 read for 360429199711050707, 1997年11月5日 printed above it), the number
    with that birth's digits: where it then validates and names a known region (at 0.5).
    The card prints the birth twice; the check character decides."""
    if id_no.ok or line is None or birth.value is None or not birth.ok:
        return id_no
    chars = _id_chars(line.chars)
    if len(chars) != 18:
        return id_no
    text = "".join(c.char for c in chars)
    digits = birth.value.replace(".", "")
    fixed = text[:6] + digits + text[14:]
    if (
        fixed != text
        and _slips(text[6:14], digits) <= BIRTH_SLIPS
        and id_number_valid(fixed)
        and region_known(fixed[:6])
    ):
        return Field(fixed, 0.5)
    return id_no


def _valid_run(chars: list[CharCandidate]) -> list[CharCandidate]:
    """The only run of 18 of ``chars`` that is a valid id number with a calendar date in
    :data:`~processor.card.facts.BIRTH_YEARS` for its birth, else ``chars`` unchanged (身份
    read 99 before 440305198101258964: 944030519810125896 validates too, born in 5198)."""
    runs = [chars[i : i + 18] for i in range(len(chars) - 17)]
    valid = [
        run
        for run in runs
        if id_number_valid(text := "".join(c.char for c in run)) and born_in_holders_years(text)
    ]
    return valid[0] if len(valid) == 1 else chars


def id_as_read(line: TextLine | None) -> str:
    """The id number as ``line`` reads: its digits and X, the unambiguous look-alikes mapped,
    nothing checked or corrected ("" without a line)."""
    if line is None:
        return ""
    text = line.text.translate(_ID_AS_READ)
    return "".join(c for c in text if c.isascii() and (c.isdigit() or c == "X"))


def _id_chars(chars: Sequence[CharCandidate]) -> list[CharCandidate]:
    """The digits and X of an id number's row as read, look-alikes mapped (what the number
    is made of)."""
    out: list[CharCandidate] = []
    for cand in chars:
        if cand.char in UNITS:
            # an address's last line run into the number's row (8号 before it): the digits
            # before a unit it counts are the address's
            while out and out[-1].char.isascii():
                out.pop()
        mapped = cand.char.translate(_ID_CONFUSIONS)
        if mapped.strip():
            out.append(dataclasses.replace(cand, char=mapped) if mapped != cand.char else cand)
    # Labels merged into the crop (公民身份号码) leave CJK characters in front: drop them,
    # and whatever else is no digit or X
    return [c for c in out if c.char.isascii() and (c.char.isdigit() or c.char == "X")]


def parse_issuer(line: TextLine | None) -> Field:
    """签发机关: a known authority as read, else the one known authority the recogniser's
    runner-ups make of it (浙川县 -> 淅川县), else the read when it has an authority's shape."""
    if line is None:
        return MISSING
    raw = _from_label(line.text.replace(" ", ""), "签发机关")
    # 关岭 (a county in Guizhou) starts like the label's last character; keep it whole.
    value = raw if _PUNCT.sub("", raw).startswith("关岭") else label_value(raw, "签发机关")
    # no place name starts with 一: one there is the blank after the label, read as a stroke
    text = _PUNCT.sub("", _yi(value)).lstrip("一")
    # a label read only in part leaves its cut in doubt (发机玛沁县…: 签 and 关 lost): where a
    # known authority starts within the label's length, that is the value: as read (a city
    # whose name's second character is 关: 韶关市… read without its label), or the one known
    # authority its runner-ups make of what starts there (韶关市公安局淡江分局). The earliest
    # start is taken, so that every character read is kept where one is: 潭南县公安局 read
    # without its label is 灌南县公安局 (灌 a runner-up of 潭), not 南县公安局, a known county
    # one character in. Where the whole label was read, the cut is not in doubt.
    compact = _PUNCT.sub("", _yi(raw))
    if compact.startswith(_ISSUER_LABEL):
        tails = [text]
    else:
        # longest first; among as long, the label's own cut (sorted is stable, a set's
        # order is the hash seed's)
        cuts = dict.fromkeys([text, *(compact[start:] for start in ISSUER_STARTS)])
        tails = sorted(cuts, key=len, reverse=True)
    for tail in tails:
        if len(tail) < len(text) and not _label_like(compact[: len(compact) - len(tail)], tail):
            # past the label's cut, characters read are dropped: a known authority as read (an
            # overlay's characters before it: 他用于宁津县公安局), at CORRECTED, and never one
            # made of what is left by runner-ups too (资端县公安局 is no 兴县公安局), but where
            # what is dropped is the label misread (警发杭关沈阳市…, 警案机展北京市…); nor where
            # the read may be an authority as long misread (:func:`_overlaid`)
            if authority_known(tail) and not authority_opens(text):
                return Field(tail, CORRECTED)
            continue
        chars = chars_of(line, tail) if tail else None
        known = None if chars is None else correct_authority(_candidates(tail, chars))
        if known is not None:
            return Field(known, line.score if known == tail else CORRECTED)
    # an overlay's characters read between the label and the value (复印无揭西县公安局: a
    # site watermark's 复印无效 across the row), or after it: a known authority that starts
    # or ends within a few characters is the value, where the whole read is none
    overlaid = _overlaid(line, text)
    if overlaid is not None:
        return Field(overlaid, CORRECTED)
    # a known authority read as a word of its own, after a blank: what stands before it is
    # the label's or another script's (签发机关 under a Zhuang line read 簇抛和izyaug)
    words = line.text.split()
    if len(words) > 1 and authority_known(words[-1]):
        return Field(words[-1], CORRECTED)
    # characters washed out of a place's name, where the line left room for them (the
    # blanks measured only for an authority that names no known place)
    chars = None if not text or authority_placed(text) else chars_of(line, text)
    filled = None if chars is None else authority_gaps_filled(text, _room([line], chars))
    if filled is not None:
        return Field(filled, CORRECTED)
    shaped = _LABEL_PART.sub("", text)
    if not ISSUER_RE.match(shaped) or place_lost(shaped):
        # (签发 公安局: what stands before 公安局 is the label's, the place's characters not
        # read: no authority; nor 阳县公安局, its first character not read: the authority is
        # never returned shorter)
        return MISSING
    return Field(text, line.score)


def _label_like(read: str, rest: str) -> bool:
    """Whether ``read`` (characters read before an authority, ``rest`` after them) may be the
    label 签发机关 misread: half its characters or more are the label's (警发杭关, 发机; not
    资, nor an overlay's 他用于); or as many as the label has (and a blank after it read as a
    stroke), where a known authority begins after them (塞震轨集北京市公安局…: the label
    fills a line's first four characters, however it is read)."""
    if 2 * sum(char in _ISSUER_LABEL for char in read) >= len(read) > 0:
        return True
    return len(read.rstrip("一")) == len(_ISSUER_LABEL) and authority_begun(rest[:2])


def place_lost(authority: str) -> bool:
    """Whether ``authority`` (of an authority's shape) is read without its place, or its
    place's first characters: what stands before its first 公安局 (where it has none, its
    分局) is under two characters or holds 局, a piece of 公安局 (公安局普陀分局, 安局普陀分局 of
    舟山市公安局普陀分局: the city's characters under a watermark's strokes); or it is how a
    longer known authority ends, no known one itself (:func:`~processor.places.authority_ends`:
    阳县公安局, how 饶阳县公安局 and 54 others end, 饶 faint at the crop's edge). Such a read is
    the authority returned shorter."""
    head, bureau, _ = authority.partition("公安局")
    place = head if bureau else authority.rpartition("分局")[0]
    return len(place) < 2 or "局" in place or authority_ends(authority)


#: Two or more of the label 签发机关's characters in a row (longest first): no place name
#: starts so.
_ISSUER_LABEL = FIELD_LABELS["issued_by"][0]
_LABEL_PART = re.compile(
    "^(?:"
    + "|".join(
        sorted(
            {
                _ISSUER_LABEL[i:j]
                for i in range(len(_ISSUER_LABEL))
                for j in range(i + 2, len(_ISSUER_LABEL) + 1)
            },
            key=lambda part: (-len(part), part),
        )
    )
    + ")"
)


#: Where the label 签发机关 was read only in part, the value may start this many characters
#: into what was read (the label's remnants, and a character of it read twice).
ISSUER_STARTS = range(len(_ISSUER_LABEL) + 2)
#: At most this many characters read before an authority are taken for an overlay's (a
#: watermark's phrase between the label and the value; 复印无效, 仅供…使用).
OVERLAY_CHARS = 4


#: ... and at most this many after it (a specimen's 样本 stamped over the row's end: 息县公安局
#: 样木; a site's tiled 仅供办理业务使用 leaves three or four: 杭州市公安局钱塘区分局件昭表), none
#: of them a word of an authority's form and not a branch's name (南京市公安局玄武, its 分局
#: lost, is no overlay: what is printed is never cut off).
OVERLAY_TAIL_CHARS = 4


def _overlaid(line: TextLine, text: str) -> str | None:
    """The known authority ``text`` (the value read on ``line``) holds where an overlay's
    characters were read before it (:data:`OVERLAY_CHARS`) or after it
    (:data:`OVERLAY_TAIL_CHARS`, :func:`_known_upto`), as read (复印无揭西县公安局); after it,
    also the one known authority the runner-ups make of what is left (浙川县公安局样木: a
    specimen's 样本 after 淅川县公安局, read without 淅); None when none is. Characters cut
    before it must leave a known authority as read: where the runner-ups also changed what
    is left, any two characters and 县公安局 after them make some county."""
    ends = range(1, OVERLAY_TAIL_CHARS + 1)
    # not before a known authority where the read may be another as long misread (玛南县公安局
    # is no overlay's 玛 before 南县公安局: 玛曲县's 曲 read 南)
    starts = () if authority_opens(text) else range(1, OVERLAY_CHARS + 1)
    known = _known_from(text, starts) or _known_upto(text, ends)
    chars = chars_of(line, text) if known is None and text else None
    if chars is None:
        return known
    cands = _candidates(text, chars)
    cuts = [cands[:-k] for k in ends if _cut_off(text, k)]
    return next((c for c in map(correct_authority, cuts) if c is not None), None)


def _cut_off(text: str, k: int) -> bool:
    """Whether the last ``k`` characters of ``text`` may be an overlay's, not the authority's:
    none of them a word of an authority's form (:data:`~processor.places.FORM_CHARS`), and
    ``text`` no branch's name with its 分局 lost; nor the known authority with the first of
    them how a longer one begins: the authority goes on, its branch's name misread and cut
    (湘潭市公安局岳城, 岳塘分局 under a watermark's stroke)."""
    return (
        k < len(text)
        and not FORM_CHARS & set(text[-k:])
        and not authority_known(text + "分局")
        and not authority_begun(text[: len(text) - k + 1])
    )


def _known_upto(text: str, tails: Iterable[int]) -> str | None:
    """The first known authority, as read, that ``text`` holds from its start to one of
    ``tails`` characters before its end, where those may be an overlay's (:func:`_cut_off`);
    None when none does."""
    return next(
        (text[:-k] for k in tails if _cut_off(text, k) and authority_known(text[:-k])), None
    )


def _known_from(text: str, starts: Iterable[int]) -> str | None:
    """The first known authority, as read, that ``text`` holds from one of ``starts`` on to
    its end; None when none does."""
    return next((text[k:] for k in starts if authority_known(text[k:])), None)


#: The confidence of a value corrected from the recogniser's runner-ups.
CORRECTED = 0.5
#: The most confidence a value may have where a character may be missing from it (a blank
#: between two characters read, wider than a character: one the recogniser could not read).
UNREAD = 0.3
#: That blank, beyond the characters' own widths, in character widths.
UNREAD_GAP = 0.8
#: A line one recogniser reads as nothing is taken as another reads it when it does so this
#: surely (an address's last line of one character, 号, left blank by PP-OCRv6 small on a
#: crop mostly guilloche, read 0.98 by v6 tiny); a box over guilloche or another line's
#: stray strokes reads unsure (0.1-0.7 on the tuned cards of seeds 0 and 11).
SURE_LINE = 0.9


def _width(char: str) -> float:
    """A character's printed width in ems (a Chinese character 1, a digit or a hyphen half)."""
    return 1.0 if HAN_CHAR.match(char) else 0.55


def unread_gaps(line: TextLine) -> list[tuple[int, int, float]]:
    """Where the characters of ``line`` leave a blank between two of them wider than a
    character (:data:`UNREAD_GAP`): a character may be there that the recogniser did not
    read. Each as the indices in :attr:`TextLine.chars` of the characters either side and
    the line's character pitch (as a fraction of its width). Measured from where each was
    read (:attr:`CharCandidate.x`), in ems from the line's own spacing of Chinese characters;
    a space the recogniser read is a blank (no card prints one inside a value), a space
    joined between segments starts a new run."""
    if line.step <= 0:
        return []
    runs = _runs(line)
    chars = line.chars
    pitches = [
        (chars[b].x - chars[a].x) / line.step
        for run in runs
        for a, b in itertools.pairwise(run)
        if _width(chars[a].char) == _width(chars[b].char) == 1.0
    ]
    if len(pitches) < 2:
        return []
    em = sorted(pitches)[len(pitches) // 2]
    gaps: list[tuple[int, int, float]] = []
    for run in runs:
        for a, b in itertools.pairwise(run):
            expected = em * (_width(chars[a].char) + _width(chars[b].char)) / 2
            if (chars[b].x - chars[a].x) / line.step > expected + UNREAD_GAP * em:
                gaps.append((a, b, em * line.step))
    return gaps


#: The space :func:`~processor.read.assign.join_lines` puts between two segments of a row
#: (not read: no position, no runner-up) ...
JOINT: Final = CharCandidate(" ", 1.0, "", 0.0)
#: ... and between two that leave a blank wider than a character between them (glare washed
#: characters out, and the detector boxed the line either side of them).
BLANK_JOINT: Final = CharCandidate(" ", 0.0, "", 0.0)


def _runs(line: TextLine) -> list[list[int]]:
    """The indices in :attr:`TextLine.chars` of what ``line`` read, by the segment each was
    read on (a space :func:`~processor.read.assign.join_lines` put between segments starts
    the next; a space read is no character)."""
    runs: list[list[int]] = [[]]
    for i, c in enumerate(line.chars):
        if c.char.strip():
            runs[-1].append(i)
        elif _joint(c):
            runs.append([])
    return runs


def _joint(c: CharCandidate) -> bool:
    """Whether ``c`` is the space :func:`~processor.read.assign.join_lines` puts between the
    lines of segments (not read: no position, no runner-up)."""
    return c.char == " " and not c.alt and c.x == 0.0


def unread_gap(line: TextLine) -> bool:
    """Whether a character may be missing between two read in ``line``: a blank wider than
    a character within a segment (:func:`unread_gaps`), or between two segments
    (:data:`BLANK_JOINT`)."""
    return bool(unread_gaps(line)) or BLANK_JOINT in line.chars


def unread_line(line: TextLine) -> bool:
    """Whether ``line`` holds no character at all: a blank as wide as its crop."""
    return not line.text.strip()


#: A line is read surely when every character it read is at least this probable ...
SURE_CHAR = 0.99
#: ... and the recogniser passed over nothing more probable than this
#: (:attr:`~processor.values.TextLine.passed`).
SURE_PASSED = 0.05


def read_surely(line: TextLine) -> bool:
    """Whether ``line`` was read surely: something read, every character at least
    :data:`SURE_CHAR` probable and none a space (no value prints one: the recogniser read
    one where it saw something it could not read, 8-2804 read 8 2804), nothing passed over
    more than :data:`SURE_PASSED` probable (a thin 1 between two characters), and no blank
    between two characters wider than a character (:func:`unread_gap`: one the recogniser
    could not read at all)."""
    return (
        bool(line.chars)
        and all(c.char.strip() and c.prob >= SURE_CHAR for c in line.chars)
        and line.passed <= SURE_PASSED
        and not unread_gap(line)
    )


def fill_gaps(line: TextLine, other: TextLine) -> TextLine:
    """``line`` with the blanks wider than a character that it leaves (:func:`unread_gaps`)
    filled with what ``other``, a reading of the same crop by another recogniser, read
    there: a recogniser may emit nothing for characters it is unsure of (CTC's blank wins)
    where another reads them. Only characters read well inside a blank (half a character
    from either neighbour) are taken; ``line`` as it is when there is none. A line read as
    nothing at all (:func:`unread_line`) is ``other`` where that reads it surely
    (:data:`SURE_LINE`)."""
    if unread_line(line):
        return other if other.text.strip() and other.score >= SURE_LINE else line
    gaps = unread_gaps(line)
    if not gaps:
        return line
    inserts: dict[int, list[CharCandidate]] = {}
    for a, b, pitch in gaps:
        lo, hi = line.chars[a].x + pitch / 2, line.chars[b].x - pitch / 2
        found = [c for c in other.chars if c.char.strip() and lo < c.x < hi]
        if found:
            inserts[b] = sorted(found, key=lambda c: c.x)
    if not inserts:
        return line
    filled = [range(a + 1, b) for a, b, _ in gaps if b in inserts]
    chars: list[CharCandidate] = []
    for i, c in enumerate(line.chars):
        chars.extend(inserts.get(i, ()))
        if not any(i in span for span in filled):  # blanks read where characters are
            chars.append(c)
    return with_chars(line, chars)


def unless_unread(field: Field, lines: Sequence[TextLine]) -> Field:
    """``field`` at :data:`UNREAD` confidence at most when a character may be missing from
    one of its value's ``lines`` (lines of the value only: a spaced label has wide gaps)."""
    if field.value is not None and any(unread_gap(line) for line in lines):
        return Field(field.value, min(field.confidence, UNREAD))
    return field


def chars_of(line: TextLine, text: str) -> list[CharCandidate] | None:
    """The characters of ``line`` that ``text`` (its value, as parsed: a suffix of what was
    read, marks dropped) was made of, matched from the end; None when they do not match."""
    read = [c for c in line.chars if c.char.strip()]
    out: list[CharCandidate] = []
    i = len(read) - 1
    for want in reversed(text):
        while i >= 0 and not _same(read[i].char, want):
            if not _PUNCT.fullmatch(read[i].char) and read[i].char not in _DASHES:
                return None
            i -= 1
        if i < 0:
            return None
        out.append(read[i])
        i -= 1
    return out[::-1]


def _candidates(text: str, chars: Sequence[CharCandidate]) -> list[list[tuple[str, float]]]:
    """Per character of the parsed ``text``: it (as parsed) and the runner-ups of the
    character it was read as, best first."""
    return [[(want, c.prob), *c.ranked()[1:]] for want, c in zip(text, chars, strict=True)]


def _same(read: str, want: str) -> bool:
    """Whether a character read becomes ``want`` in a parsed value (a dash -> 一 or -)."""
    return read == want or (read in _DASHES and want in "一-")


#: Of the ranges a validity line reads with one digit taken as a runner-up, the likeliest is
#: taken where its runner-up is this many times likelier, against the digit read, than any
#: other range's.
LIKELIER = 2.0


def parse_validity(line: TextLine | None) -> Field:
    """``YYYY.MM.DD-YYYY.MM.DD`` (5, 10 or 20 years, same month and day) or ``YYYY.MM.DD-长期``;
    where the line reads no such range, the range it reads with a single digit taken as one
    of its runner-ups (at least ``places.REAL``): 0019.12.05-长期, 2 a runner-up of the
    first 0. Where several ranges are read so (2014.08.28-2019.08.23: 8 -> 3 in the first
    date, or 3 -> 8 in the second), the one whose runner-up is :data:`LIKELIER` against the
    digit read than any other's: the digit read least surely is the one misread. At
    :data:`CORRECTED`."""
    if line is None:
        return MISSING
    value = validity_value(line.text)
    if value is not None:
        return Field(value, line.score)
    read = [c.char for c in line.chars]
    odds: dict[str, float] = {}
    for i, c in enumerate(line.chars):
        if not c.char.isdigit():
            continue
        for alt, prob in c.ranked()[1:]:
            if prob < REAL or not alt.isdigit() or alt == c.char:
                continue
            fixed = validity_value("".join([*read[:i], alt, *read[i + 1 :]]))
            if fixed is not None:
                odds[fixed] = max(odds.get(fixed, 0.0), prob / max(c.prob, prob))
    ranked = sorted(odds.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[0][1] < LIKELIER * ranked[1][1]):
        cut = _cut_validity(line.text)
        return MISSING if cut is None else Field(cut, CORRECTED)
    return Field(ranked[0][0], CORRECTED)


#: At most this many of a validity's digits may be lost (a thin 1 past the detector's box,
#: a day under glare) for the range the validity rules give to complete it.
VALIDITY_LOST_DIGITS = 2
#: A validity range's digits: the start's eight and the end's eight.
_RANGE_DIGITS = 16


def _cut_validity(text: str) -> str | None:
    """The range ``text`` prints where at most :data:`VALIDITY_LOST_DIGITS` of its digits were
    lost: of the ranges that its first eight digits read as a start, or its last eight as an
    end, give with a legal term (5, 10 or 20 years, the same month and day), the one whose
    digits hold all those read, in order; None where none or several do. The end's thin 1
    past the detector's box (2026.03.31-2046.03.3), the start's day and the dash under glare
    (2019.07.2024.07.08). Nothing read is against it; what was lost, the card's validity
    rules fix."""
    digits = "".join(c for c in text if c.isascii() and c.isdigit())
    if not _RANGE_DIGITS - VALIDITY_LOST_DIGITS <= len(digits) < _RANGE_DIGITS:
        return None
    ranges: set[tuple[dt.date, dt.date]] = set()
    start = _validity_start(digits[:4], digits[4:6], digits[6:8])
    if start is not None:
        ranges.update((start, add_years(start, years)) for years in VALIDITY_TERMS)
    end = calendar_date(digits[-8:-4], digits[-4:-2], digits[-2:])
    if end is not None:
        begun = (add_years(end, -years) for years in VALIDITY_TERMS)
        ranges.update((day, end) for day in begun if _may_start(day))
    found = {
        f"{format_date(a)}-{format_date(b)}"
        for a, b in ranges
        if _holds(f"{a:%Y%m%d}{b:%Y%m%d}", digits)
    }
    return found.pop() if len(found) == 1 else None


def _holds(printed: str, read: str) -> bool:
    """Whether the digits ``read`` are ``printed``'s, in order, some left out."""
    rest = iter(printed)
    return all(d in rest for d in read)


#: The years a card's validity can start in: resident identity cards were first issued in
#: 1984.
VALIDITY_YEARS: Final = (1984, 2099)
#: A validity starts on the day its card is issued, which is no later than the day it is read;
#: this many days later still, for a clock behind the issuing office's (China is UTC+8).
ISSUED_SLACK: Final = dt.timedelta(days=1)


def issued_by_now(start: dt.date, today: dt.date | None = None) -> bool:
    """Whether a validity may start on ``start``: not after ``today`` (the clock's date),
    :data:`ISSUED_SLACK` allowed. A start read in the future is misread (2035.05.24-长期 for
    2015.05.24-长期, 1 read 3 on a back 420 px wide)."""
    return start <= (today or dt.date.today()) + ISSUED_SLACK


def _validity_start(year: str, month: str, day: str) -> dt.date | None:
    """The date a validity read as starting on ``year``, ``month``, ``day`` starts on, where a
    card's can (:data:`VALIDITY_YEARS`, :func:`issued_by_now`); None otherwise."""
    start = calendar_date(year, month, day)
    return start if start is not None and _may_start(start) else None


def _may_start(day: dt.date) -> bool:
    """Whether a card's validity can start on ``day`` (:data:`VALIDITY_YEARS`,
    :func:`issued_by_now`)."""
    return VALIDITY_YEARS[0] <= day.year <= VALIDITY_YEARS[1] and issued_by_now(day)


def validity_value(text: str) -> str | None:
    """The validity range that ``text`` prints (its label, a misread of it, blanks and
    separators around; the dots and the dash may be lost: 2021112820261128), formatted;
    None when it prints none. The first run from which the two dates validate is taken, so
    a label character read as a digit (有效期1 2011…) is no part of it."""
    compact = _PUNCT.sub("", text)
    for match in _matches(_VALIDITY_RE, compact):
        start = _validity_start(match[1], match[2], match[3])
        if start is None:
            continue
        if match[7]:
            return f"{format_date(start)}-{LONG_TERM}"
        end = calendar_date(match[4], match[5], match[6])
        if end in {add_years(start, years) for years in VALIDITY_TERMS}:
            return f"{format_date(start)}-{format_date(end)}"
    return None


#: At most this many of a birth's printed digits may be lost (under a watermark, a glare
#: spot) for the valid id number's birth to complete it.
BIRTH_LOST_DIGITS = 2


def complete_birth(birth: Field, line: TextLine | None, id_no: Field) -> Field:
    """``birth``, or where it did not parse (1963年1 6日: 1月 lost under a watermark), the
    birth of a valid ``id_no`` when the digits read on its ``line`` are that date's as printed
    (1963年11月6日), in order, but for at most :data:`BIRTH_LOST_DIGITS` lost and one 1 read
    where a stray stroke stands (at :data:`CORRECTED`): what was read agrees with the
    number, nothing is read against it."""
    if birth.ok or line is None or id_no.value is None or not id_number_valid(id_no.value):
        return birth
    born = birth_from_id(id_no.value)
    if born is None:
        return birth
    value = strip_label(line.text, "出生", starts=string.digits)
    read = re.sub(r"\D", "", value)
    printed = f"{born.year}{born.month}{born.day}"
    # a stray vertical stroke before a digit (the guilloche's, a watermark's) reads as a 1
    # (1968年 3月 read 1968年13月): one 1 read may be none of the date's
    reads = [read, *(read[:i] + read[i + 1 :] for i, d in enumerate(read) if d == "1")]
    for digits in reads:
        if len(printed) - len(digits) <= BIRTH_LOST_DIGITS and _holds(printed, digits):
            return Field(format_date(born), CORRECTED)
    # a date read whole but no possible one (1977年 read 1077年): a slip of a digit or two,
    # as :func:`reconcile_front` takes one that makes a possible date
    whole = _BIRTH_RE.search(value)
    if whole is not None:
        year, month, day = whole.groups()
        read_date = f"{year}.{int(month):02d}.{int(day):02d}"
        if _slips(read_date, format_date(born)) <= BIRTH_SLIPS:
            return Field(format_date(born), CORRECTED)
    return birth


#: A birth read differing from a valid id number's in at most this many digits is that
#: birth, read with a slip; in more, it is no reading of it.
BIRTH_SLIPS = 2


def _slips(read: str, expected: str) -> int:
    """In how many places two dates formatted alike (or two runs of digits) differ; in all
    where their lengths do."""
    if len(read) != len(expected):
        return len(expected)
    return sum(a != b for a, b in zip(read, expected, strict=True))


def reconcile_front(fields: dict[str, Field]) -> dict[str, Field]:
    """Cross-check birth and gender against a valid id number.

    The id number passed its check character, so where the printed birth or gender
    disagrees with it, the printed read is taken as wrong: corrected when the read differs
    in at most :data:`BIRTH_SLIPS` digits (an OCR slip), else rejected.
    """
    out = dict(fields)
    id_no = fields["id_no"].value
    if id_no is None or not id_number_valid(id_no):
        return out
    id_birth = birth_from_id(id_no)
    birth = fields["birth"].value
    if birth is not None and id_birth is not None and birth != format_date(id_birth):
        expected = format_date(id_birth)
        out["birth"] = Field(expected, 0.5) if _slips(birth, expected) <= BIRTH_SLIPS else MISSING
    gender = fields["gender"].value
    if gender is not None and gender != gender_from_id(id_no):
        out["gender"] = MISSING
    return out


__all__ = [
    "BIRTH_ALPHABET",
    "CORRECTED",
    "GENDER_RACE_ALPHABET",
    "HAN_CHAR",
    "ID_ALPHABET",
    "MISSING",
    "NOT_PRINTED",
    "SURE_CHAR",
    "SURE_PASSED",
    "UNREAD",
    "VALIDITY_ALPHABET",
    "WEAK_FIELDS",
    "WITHIN_ALPHABETS",
    "Field",
    "address_passed",
    "authority_listed",
    "complete_birth",
    "fill_gaps",
    "id_as_read",
    "id_with_birth",
    "parse_address",
    "parse_birth",
    "parse_gender",
    "parse_id_number",
    "parse_issuer",
    "parse_name",
    "parse_race",
    "parse_validity",
    "passed_if",
    "race_listed",
    "read_surely",
    "reconcile_front",
    "stand_ins",
    "strip_label",
    "unless_unread",
    "unread_gap",
    "unread_gaps",
    "validity_value",
    "with_passed",
]
