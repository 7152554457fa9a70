"""What a rectified card says decides what it is: its side, which way up, which row is which.

Pure functions over recognised rows (:class:`ReadRow`, text lines with their boxes on the
upright card); no models, no images. The printed labels and titles (姓名 … 公民身份号码 on the
front, 中华人民共和国, 居民身份证, 签发机关, 有效期限 on the back) and the shapes of what only
an ID card prints (an 18-character id number whose check character holds, a validity range, an
authority ending in 公安局) are the evidence; the card's template only says where a row is
expected, a weak prior that breaks ties. Rows are matched to the side's fields in order, top to
bottom (:func:`assign`), so a card whose rows sit elsewhere than ours still reads, and a row
that is not a field (a minority-script line, a watermark, a date stamp) is left out.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import statistics
from collections.abc import Mapping, Sequence

from ..card.facts import ETHNICITIES, id_number_valid
from ..card.layout import Row, union
from ..card.template import (
    FIELD_LABELS,
    FIELD_ROWS,
    FRONT_LABEL_X1,
    VALUE_START_X,
    char_width,
)
from ..card.template import FRONT_LABELS as ROW_LABELS
from ..places import begins_with_province
from ..values import Box, CharCandidate, TextLine
from .fields import BLANK_JOINT, HAN_CHAR, JOINT, validity_value

#: The printed labels and titles, by side: (key, text).
FRONT_LABELS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("race", "民族"),
    ("birth", "出生"),
    ("address", "住址"),
    ("id_no", "公民身份号码"),
)
BACK_LABELS: tuple[tuple[str, str], ...] = (
    ("title", "中华人民共和国"),
    ("subtitle", "居民身份证"),
    ("issued_by", "签发机关"),
    ("valid_date", "有效期限"),
)
SIDES = ("front", "back")


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """A field's rows in printing order: how many rows it may take, where the template expects
    its first row (fraction of the card's height) and the pitch of the next ones."""

    name: str
    rows: int
    cy: float
    pitch: float = 0.0


#: The fields of each side top to bottom, as the template places them (a prior).
FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    side: tuple(FieldSpec(*spec) for spec in specs) for side, specs in FIELD_ROWS.items()
}
_ALL_LABELS = tuple(dict.fromkeys(t for _, t in (*FRONT_LABELS, *BACK_LABELS)))


@dataclasses.dataclass(frozen=True)
class ReadRow:
    """A row of the card and what its segments read (one line per segment, left to right)."""

    row: Row
    lines: tuple[TextLine, ...]

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)

    @property
    def line(self) -> TextLine:
        """The row's segments as one line (segments joined by a space)."""
        return join_lines(self.lines)


def join_lines(lines: Sequence[TextLine], apart: Sequence[bool] = ()) -> TextLine:
    """``lines``, a row's segments left to right, as one line: a space between each two
    (a joint: no position, no runner-up), at probability 0 where ``apart`` says they leave
    a blank where a character may be that no box held
    (:data:`~processor.read.fields.BLANK_JOINT`)."""
    chars: list[CharCandidate] = []
    for i, line in enumerate(lines):
        if i:
            blank = i - 1 < len(apart) and apart[i - 1]
            chars.append(BLANK_JOINT if blank else JOINT)
        chars.extend(line.chars)
    text = " ".join(line.text for line in lines)
    scored = [c.prob for c in chars if c.char.strip()]
    return TextLine(text, sum(scored) / len(scored) if scored else 0.0, tuple(chars))


#: What is no letter of a text: spaces and punctuation (a character class's inside).
NOT_TEXT_CHARS = r"\s,，.。:：;；'\"“”‘’`!！?？、|｜_\-—()（）\[\]【】<>《》·"
_NOT_TEXT = re.compile(f"[{NOT_TEXT_CHARS}]")


def _compact(chars: Sequence[CharCandidate]) -> list[CharCandidate]:
    return [c for c in chars if not _NOT_TEXT.fullmatch(c.char or " ")]


def label_match(line: TextLine, label: str, starts: Sequence[int] = (0, 1)) -> float:
    """How surely ``line`` starts with the printed ``label``: the share of the label's
    characters found in order (the recogniser's runner-up counts for a character in doubt)
    at the line's start, 0 when fewer than a whole short label or most of a long one are
    there. The match starts at the line's first or second character (a speck before it)."""
    n = len(label)
    found, _, _ = _at_start(_compact(line.chars), label, starts)
    needed = n if n <= 2 else max(2, n - n // 3)
    return found / n if found >= needed else 0.0


def _is(c: CharCandidate, char: str) -> bool:
    return c.char == char or (c.alt == char and c.prob < 0.9)


def _in_order(chars: Sequence[CharCandidate], label: str) -> int:
    """How many of ``label``'s characters ``chars`` holds in order, the first of ``chars``
    being one of the label's first two (the longest common subsequence, so anchored)."""
    table = _common(chars, label)
    return table[-1][-1] if table else 0


def _at_start(
    chars: Sequence[CharCandidate], label: str, starts: Sequence[int] = (0, 1)
) -> tuple[int, int, list[list[int]]]:
    """``label`` matched at the start of ``chars`` (from one of ``starts``: a speck may come
    first): how many of its characters, from which start (the first on ties), and the
    longest-common-subsequence table of that match (empty when none)."""
    best: tuple[int, int, list[list[int]]] = (0, 0, [])
    for start in starts:
        table = _common(chars[start : start + len(label) + 1], label)
        if table and table[-1][-1] > best[0]:
            best = (table[-1][-1], start, table)
    return best


def _common(chars: Sequence[CharCandidate], label: str) -> list[list[int]]:
    """The longest-common-subsequence table of ``chars`` and ``label`` (empty unless the first
    of ``chars`` is one of the label's first two)."""
    if not chars or not any(_is(chars[0], ch) for ch in label[:2]):
        return []
    table = [[0] * (len(label) + 1) for _ in range(len(chars) + 1)]
    for i, c in enumerate(chars):
        for j, ch in enumerate(label):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if _is(c, ch) else max(table[i][j + 1], table[i + 1][j])
            )
    return table


def label_end(chars: Sequence[CharCandidate], label: str) -> int:
    """Where in ``chars`` (a line starting with ``label``, as :func:`label_match` finds it)
    the label ends: past its last character read, and past as many characters as the label
    has after that one (misread). A label's first character misread (姜发机关) is no speck
    before it, and one it lost (签机关) no character of the value."""
    found, start, table = _at_start(chars, label)
    if not found:
        return 0
    i, j = len(table) - 1, len(label)
    while table[i][j] == table[i - 1][j]:  # the last character of chars matched
        i -= 1
    while table[i][j] == table[i][j - 1]:  # the label character it matched
        j -= 1
    return start + i + (len(label) - j)


def row_label(row: ReadRow) -> tuple[str, float] | None:
    """The printed label that starts one of ``row``'s segments (its best match), if any; a
    two-character one with a character misread where the row starts in the labels' column
    (:func:`misread_label`)."""
    best: tuple[str, float] | None = None
    for line in row.lines:
        for label in _ALL_LABELS:
            strength = label_match(line, label)
            if strength and (best is None or strength > best[1]):
                best = (label, strength)
    if best is None and _in_label_column(row):
        return misread_label(row.lines[0]) or headless_label(row.lines[0])
    return best


def headless_label(line: TextLine) -> tuple[str, float] | None:
    """The row label (:data:`~processor.card.template.FRONT_LABELS`) whose second character
    alone starts ``line``, followed by more, its first not read at all (姓 of 姓名 lost to a
    blur: 名庞轩金), at :data:`MISREAD_LABEL`; None otherwise."""
    chars = _compact(line.chars)
    found = [label for label in ROW_LABELS if _half_label(chars, (label,))]
    return (found[0], MISREAD_LABEL) if len(found) == 1 else None


#: How surely a two-character label with one character misread is its label: 健名 for 姓名 and
#: 在址 for 住址 on a bilingual card in another typeface (the value's line read whole), where
#: the Korean line above the name, unlabelled, was taken for the name. The other character,
#: at its own place, and the column it starts in say which label it is.
MISREAD_LABEL = 0.5


def misread_label(line: TextLine) -> tuple[str, float] | None:
    """The row label (two characters each, :data:`~processor.card.template.FRONT_LABELS`)
    ``line`` starts with, one of its characters misread (as a Chinese character) and the
    other read at its own place, if any; where two fit, the one whose character in place was
    read as itself rather than as a runner-up, and None where that does not decide."""
    chars = _compact(line.chars)
    if len(chars) < 2 or not all(HAN_CHAR.fullmatch(c.char) for c in chars[:2]):
        return None
    found: list[tuple[bool, str]] = []  # (the character in place read as itself, label)
    for label in ROW_LABELS:
        first, second = _in_place(chars, label)
        if first != second:
            k = 0 if first else 1
            found.append((chars[k].char == label[k], label))
    # a character read as itself says more than one whose runner-up it is (住北: 住址, though
    # 住's runner-up is 性 of 性别); two labels equally likely say neither
    labels = [label for read, label in found if read] or [label for _, label in found]
    return (labels[0], MISREAD_LABEL) if len(labels) == 1 else None


def _in_place(chars: Sequence[CharCandidate], label: str) -> tuple[bool, bool]:
    """Whether the first and the second of ``chars`` are the two-character ``label``'s own, at
    their places (as read or as the runner-up of a character in doubt)."""
    return _is(chars[0], label[0]), _is(chars[1], label[1])


_ID_READS = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "x": "X"})


def id_like(text: str) -> str:
    """The id-number characters of ``text`` (common misreads mapped), CJK dropped."""
    mapped = text.translate(_ID_READS)
    return "".join(c for c in mapped if c.isascii() and (c.isdigit() or c == "X"))


def id_run(text: str) -> str:
    """The longest unbroken run of id-number characters in ``text`` (spaces dropped, common
    misreads mapped): a number is printed as one run, while a line of words and figures
    (Invoice No. 2024-0815 Total due: 1,280.00) maps to 18 scattered ones."""
    runs = _ID_RUN.findall(text.replace(" ", "").translate(_ID_READS))
    return max(runs, key=len, default="")


_BIRTH = re.compile(r"\d{4}\s*年?\s*\D{0,2}\d{1,2}\s*\D{0,2}\d{1,2}")
_VALIDITY = re.compile(r"\d{4}\D?\d{2}\D?\d{2}\s*[-—–一~]+\s*(?:\d{4}|长期)")
_AUTHORITY = re.compile(r"公安局|分局")
_ID_RUN = re.compile(r"[0-9X]+")
_PLACE_WORDS = re.compile(r"[省市区县镇乡村路街道号室组栋幢楼单元弄巷里旗盟州]")


def _validity_like(text: str) -> bool:
    """Whether ``text`` looks like a validity range: shaped like one (its end may be cut), or
    one that validates with its dots and dash lost (2021112820261128)."""
    return bool(_VALIDITY.search(text)) or validity_value(text) is not None


def content_score(field: str, row: ReadRow, index: int = 0) -> float:
    """How much what ``row`` reads looks like ``field``'s value (its ``index``-th row)."""
    text = row.text.replace(" ", "")
    digits = id_like(text)
    cjk = len(HAN_CHAR.findall(text))
    if field == "id_no":
        if len(digits) == 18 and id_number_valid(digits):
            return 5.0
        return 3.0 if len(digits) >= 15 else 0.0
    if len(digits) >= 15 and not _validity_like(text):
        return -3.0  # an id number is never another field (a validity range's 16 digits are none)
    if field == "name":
        return 1.0 if 1 <= cjk <= 12 and len(digits) == 0 else 0.0
    if field == "gender_race":
        score = 1.5 if re.search("[男女]", text) else 0.0
        return score + (1.0 if any(e in text for e in ETHNICITIES if len(e) > 1) else 0.0)
    if field == "birth":
        return 2.5 if _BIRTH.search(text) else 0.0
    if field == "address":
        if cjk < 2 and index == 0:
            return 0.0
        # a first line that begins with a province is the address wherever it is printed (a
        # bilingual card's rows lower than ours, each under a line of its script)
        known = PROVINCE_WEIGHT if index == 0 and begins_with_province(text) else 0.0
        return (0.5 if cjk >= 4 else 0.0) + (1.0 if _PLACE_WORDS.search(text) else 0.0) + known
    if field == "issued_by":
        return 2.5 if _AUTHORITY.search(text) else 0.0
    if field == "valid_date":
        return 3.0 if _validity_like(text) else 0.0
    if field in ("title", "subtitle"):
        return 0.0
    raise ValueError(f"unknown field {field!r}")


#: Weight of an address's first line that begins with a province's name
#: (:func:`~processor.places.begins_with_province`).
PROVINCE_WEIGHT = 1.5
#: Weight of a printed label at a row's start, for its own field and against another's.
LABEL_WEIGHT = 4.0
OTHER_LABEL_PENALTY = 3.0
#: The template prior: a row this far (card heights) from where its field is expected costs 1.
PRIOR_SIGMA = 0.09
PRIOR_MAX_COST = 3.0
#: A row counts for a field only when its score reaches this (else it is left out).
MIN_ROW_SCORE = 0.5


def row_score(
    spec: FieldSpec,
    index: int,
    row: ReadRow,
    label: tuple[str, float] | None,
    previous: ReadRow | None = None,
    *,
    shift: float = 0.0,
) -> float:
    """How well ``row`` fits the ``index``-th row of field ``spec`` (``previous``: the row
    above it, the field's ``index - 1``-th, for a field of several rows; ``shift``: how far
    below the template's place a field's first row is expected, from the rows above)."""
    if spec.name == "gender_race" and index == 1 and not (label and label[0] == "民族"):
        return -1.0  # its second row only ever starts with 民族
    if previous is None and label is None and row.row.box.x1 < VALUE_START_X.get(spec.name, 0):
        # it ends where the labels stand and reads none: no field's first line (a
        # minority-script line over a label on a bilingual card, 성명 read as 健证, beside
        # the name's row). A next line may: an address's last 号 on an outline that cut the
        # labels' column off
        return -1.0
    if previous is not None and spec.name != "gender_race" and _left_of(row, previous, spec.name):
        return -1.0
    score = content_score(spec.name, row, index)
    own = FIELD_LABELS[spec.name]
    if label is not None:
        text, strength = label
        if text in own:
            # beside a next line it counts neither way: joined to it from the line above on
            # an outline askew (住址 lower than the address's first line, level with its next)
            if index == 0 or spec.name == "gender_race":
                score += LABEL_WEIGHT * strength
        elif text != "民族" or spec.name != "gender_race":
            score -= OTHER_LABEL_PENALTY * strength
    expected = spec.cy + shift if previous is None else previous.row.cy + spec.pitch
    if previous is not None and _continues(previous, row):
        score += CONTINUATION
    score -= min(PRIOR_MAX_COST, ((row.row.cy - expected) / PRIOR_SIGMA) ** 2)
    return score


#: A row that starts more than this many :data:`LINE_ALIGN` left of where the line above
#: starts its value, and ends within a character of it, lies in the labels' column.
LEFT_OF_LINE = 2.0


def _left_of(row: ReadRow, previous: ReadRow, name: str) -> bool:
    """Whether ``row`` lies wholly left of where ``previous`` (the line above, of field
    ``name``) starts its value (:data:`LEFT_OF_LINE`): text in the labels' column (a
    minority-script line over the next label, read 5君2盟胃室月房习然 and taken for an
    address's third line over its 2004), no next line of the value. (On an outline that cut
    the labels off, the value's lines all start further left alike.) A row with a segment
    starting where the value does is not: what is boxed left of it is beside the card (a
    piece of the emblem at the card's edge, in the row of an address's last line, 组)."""
    start = _value_start(previous, FIELD_LABELS[name])
    if _starts_at(row, [start]):
        return False
    box = row.row.box
    return box.x0 < start - LEFT_OF_LINE * LINE_ALIGN and box.x1 < start + char_width(box)


def _value_start(row: ReadRow, labels: Sequence[str]) -> float:
    """Where ``row`` starts its value (:func:`value_box`; its box's start where it reads
    nothing)."""
    return value_box(row, labels).x0 if row.lines else row.row.box.x0


#: A row that starts where the previous row's value started continues it (an address's last
#: line may be a few digits: 504, 02室); so does one with a segment starting there, after
#: text boxed left of the labels' column (beside the card, on a frame read as a card).
CONTINUATION = 1.5
#: Lines of a value start this near each other (card widths): a next line starting so near
#: where the line above starts continues it (on a card rectified a little askew, each line
#: starts further left or right than the one above).
LINE_ALIGN = 0.04
#: A row's first segment this many characters or more left of the next is no part of its
#: line (a label is printed closer to its value: a Tibetan line's 住 beside it, 1.5).
APART_CHARS = 3.0


def _continues(previous: ReadRow, row: ReadRow) -> bool:
    labels = FIELD_LABELS["address"]
    starts = [_value_start(previous, labels)]
    unlabelled = starts[0] == previous.row.box.x0  # no label read on it
    misread = misread_label_end(previous, labels) if unlabelled else None
    if misread is not None:
        # its label read with a character wrong (住址 read 住业): its value may start after it
        # (no values' column is known yet to tell the label's second character from the
        # value's first: a next line starting there is one more candidate start)
        starts.append(misread)
    if unlabelled and _in_label_column(previous):
        # no label read on it, and it starts in the labels' column: its label may be read as
        # other characters, as one, or as none (住址 read 在 or 住, its 址 lost: 在杭州市…
        # 303号1 over 2-6), so its value may start at any of its first characters
        starts.extend(_char_starts(previous.row.segments[0], previous.lines[0]))
    segments = previous.row.segments
    if len(previous.lines) > 1 and (
        not previous.lines[0].text.strip()
        or segments[1].x0 - segments[0].x1 >= APART_CHARS * char_width(segments[1])
    ):
        # its first segment read as nothing (a faint label, or one under a minority-script
        # line), or far left of the rest (on a frame wider than the card, text beside the
        # card boxed in its row): its value may start at the next
        starts.append(segments[1].x0)
    step = row.row.cy - previous.row.cy
    return _starts_at(row, starts) and 0 < step < 2.2 * previous.row.height


def _starts_at(row: ReadRow, starts: Sequence[float]) -> bool:
    """Whether a segment of ``row`` starts at one of ``starts`` (within :data:`LINE_ALIGN`):
    where a value's line above starts its value, wherever the row's box starts."""
    return any(abs(seg.x0 - start) < LINE_ALIGN for seg in row.row.segments for start in starts)


#: A row whose label is not read may start its value at any of this many of its first
#: characters (a two-character label read as one, two or no characters).
UNREAD_LABEL_CHARS = 3
#: A character starts this many character widths before where the recogniser placed it (the
#: centre of its first time step).
CHAR_LEAD = 0.75


def _char_starts(segment: Box, line: TextLine) -> list[float]:
    """Where the first :data:`UNREAD_LABEL_CHARS` characters of ``line`` (read in ``segment``)
    start, in card widths (:data:`CHAR_LEAD`)."""
    lead = CHAR_LEAD * char_width(segment)
    return [_card_x(segment, c) - lead for c in _compact(line.chars)[:UNREAD_LABEL_CHARS]]


@dataclasses.dataclass(frozen=True)
class Assignment:
    """Which rows hold which field (top to bottom) and the evidence the side rests on."""

    side: str
    rows: Mapping[str, tuple[ReadRow, ...]]
    score: float


def assign(side: str, rows: Sequence[ReadRow]) -> Assignment:
    """The rows of each field of ``side``: the best order-preserving match of rows (top to
    bottom) to the fields, each row taken by one field or left out, a field taking at most its
    number of rows. Exhaustive over the few rows a card has (a dynamic programme over rows,
    fields and the field's last row). Labels printed off their value's line are joined to it
    first (:func:`join_labels`)."""
    specs = FIELDS[side]
    rows = join_labels(rows)
    labels = [row_label(r) for r in rows]
    n = len(rows)

    @functools.cache
    def best(
        i: int, k: int, used: int, last: int, shift: float
    ) -> tuple[float, tuple[tuple[int, int], ...]]:
        """From row ``i`` on, field ``k`` having ``used`` rows so far, the last being row
        ``last``, fields' first rows expected ``shift`` below the template's places:
        (score, [(row, field)])."""
        if i == n or k == len(specs):
            return 0.0, ()
        options = [best(i + 1, k, used, last, shift)]  # row i is no field
        for kk in range(k, len(specs)):
            u = used if kk == k else 0
            if u >= specs[kk].rows:
                continue
            previous = rows[last] if u else None
            gain = row_score(specs[kk], u, rows[i], labels[i], previous, shift=shift)
            if gain < MIN_ROW_SCORE:
                continue
            # the fields below are expected as far off the template's places as the last
            # field whose printed label placed its first row (an outline a little off, a
            # card printed lower); a row that merely fits is no such evidence
            found = rows[i].row.cy - specs[kk].cy if not u and own_label(i, kk) else shift
            score, rest = best(i + 1, kk, u + 1, i, found)
            options.append((gain + score, ((i, kk), *rest)))
        return max(options, key=lambda o: o[0])

    def own_label(i: int, kk: int) -> bool:
        """Whether row ``i`` starts with a label of field ``kk``'s own."""
        label = labels[i]
        return label is not None and label[0] in FIELD_LABELS[specs[kk].name]

    score, pairs = best(0, 0, 0, -1, 0.0)
    out: dict[str, list[ReadRow]] = {spec.name: [] for spec in specs}
    for i, k in pairs:
        out[specs[k].name].append(rows[i])
    if side == "front":
        _unshear_address(out, next(s.rows for s in specs if s.name == "address"))
    return Assignment(side, {k: tuple(v) for k, v in out.items()}, score)


#: How far (fraction of the card's width) a line may start from where the address's next
#: lines start and still be one of them.
COLUMN_SLACK = 0.03
#: How much higher than the id number (a fraction of its height) an address line sheared into
#: its row sits: one level with the number is printed on its row (the rest of its label,
#: 码, where the outline cut the label off).
SHEAR_RISE = 0.15


def _unshear_address(out: dict[str, list[ReadRow]], most: int) -> None:
    """The address's last line taken back from the id number's row, where an outline a little
    off shears the rows so that it falls in with the number (四组 left of the number, a little
    higher): a segment of that row before the number, reading Chinese but no label, that
    starts where the address's next lines start, higher than the number (by
    :data:`SHEAR_RISE`). ``most``: the address's most lines."""
    address, ids = out["address"], out["id_no"]
    if not 2 <= len(address) < most or not ids or len(ids[0].lines) < 2:
        return
    column = min(r.row.segments[0].x0 for r in address[1:])
    row = ids[0]
    number = row.row.segments[-1]
    for k, (seg, line) in enumerate(zip(row.row.segments[:-1], row.lines[:-1], strict=True)):
        if (
            abs(seg.x0 - column) < COLUMN_SLACK
            and seg.cy < number.cy - SHEAR_RISE * number.height
            and HAN_CHAR.search(line.text)
            and _in_order(_compact(line.chars), "公民身份号码") < 2
        ):
            address.append(ReadRow(Row((seg,)), (line,)))
            keep = [i for i in range(len(row.lines)) if i != k]
            segments = tuple(row.row.segments[i] for i in keep)
            out["id_no"] = [ReadRow(Row(segments), tuple(row.lines[i] for i in keep)), *ids[1:]]
            return


def _label_only(row: ReadRow) -> bool:
    """A row of one segment that reads as a printed label or a part of one (住 of 住址)."""
    if len(row.lines) != 1:
        return False
    text = "".join(c.char for c in _compact(row.lines[0].chars))
    return 0 < len(text) <= 6 and any(
        _in_order(_compact(row.lines[0].chars), lab) == len(text)
        for lab in _ALL_LABELS
        if len(text) <= len(lab)
    )


def join_labels(rows: Sequence[ReadRow]) -> list[ReadRow]:
    """``rows`` with each row that is only a label (or a part of one) joined to the row beside
    it, a little above or below, that has text right of it: a label printed off its value's
    line (or split from it by the detector: 住 | 址江苏省..., 住 辽宁省... | 址) still labels
    it. The joined row's segments are in reading order."""
    out = list(rows)
    for row in rows:
        if row not in out or not _label_only(row):
            continue
        near = [
            r
            for r in out
            if r is not row
            and abs(r.row.cy - row.row.cy) < 0.9 * max(r.row.height, row.row.height)
            and any(s.x0 >= row.row.box.x1 - 0.01 for s in r.row.segments)
            and not any(label_match(r.lines[0], lab, starts=(0,)) for lab in _ALL_LABELS)
        ]
        if not near:
            continue
        value = min(near, key=lambda r: abs(r.row.cy - row.row.cy))
        pairs = sorted(
            zip((*row.row.segments, *value.row.segments), (*row.lines, *value.lines), strict=True),
            key=lambda pair: pair[0].x0,
        )
        joined = ReadRow(Row(tuple(s for s, _ in pairs)), tuple(line for _, line in pairs))
        out[out.index(value)] = joined
        out.remove(row)
    return out


def side_evidence(rows: Sequence[ReadRow]) -> dict[str, float]:
    """Per side, how much of what only that side prints was read: each label or title found
    counts its strength, a valid id number 2 (a run of 15 id characters 1), a validity range
    and an authority 1 each."""
    found: dict[str, float] = {}
    for row in rows:
        for line in row.lines:
            for _key, label in (*FRONT_LABELS, *BACK_LABELS):
                found[label] = max(found.get(label, 0.0), label_match(line, label))
    front = sum(found.get(label, 0.0) for _, label in FRONT_LABELS)
    back = sum(found.get(label, 0.0) for _, label in BACK_LABELS)
    texts = [row.text.replace(" ", "") for row in rows]
    ids = [id_run(t) for t in texts]
    if any(len(d) == 18 and id_number_valid(d) for d in ids):
        front += 2.0
    elif any(len(d) >= 15 for d in ids):
        front += 1.0
    if any(_VALIDITY.search(t) for t in texts):
        back += 1.0
    if any(_AUTHORITY.search(t) for t in texts):
        back += 1.0
    return {"front": front, "back": back}


def value_box(row: ReadRow, labels: Sequence[str]) -> Box:
    """Where ``row``'s value is printed: the row without a leading label (a segment that is
    only the label, or the part of one before its value's first character, found from where
    the recogniser read that character)."""
    split = _label_split(row, labels)
    if split is None:
        return row.row.box
    k, seg = split.k, split.segment
    segments = list(row.row.segments)
    if split.alone:  # the value is in the segments after it
        rest = segments[k + 1 :]
        return union(rest) if rest else seg
    x0 = split.x(split.head) - 0.5 * char_width(seg)
    segments[k] = Box(max(seg.x0, min(x0, seg.x1)), seg.y0, seg.x1, seg.y1, seg.score)
    return union(segments[k:])


def label_right(row: ReadRow, labels: Sequence[str]) -> float | None:
    """Where ``row``'s leading label (one of ``labels``), as read, ends on the right: its box's
    end where it stands alone, else its last character's centre and half a character (the
    recogniser places a character at its centre); None where no label is read."""
    split = _label_split(row, labels)
    if split is None:
        return None
    if split.alone:
        return split.segment.x1
    return split.x(split.head - 1) + 0.5 * char_width(split.segment)


def label_value_span(row: ReadRow, labels: Sequence[str]) -> tuple[Box, float, float] | None:
    """Where ``row``'s leading label (one of ``labels``) and its value share a segment: the
    segment, and the centres (card widths) of the label's last character and the value's
    first, as the recogniser placed them; None elsewhere."""
    split = _label_split(row, labels)
    if split is None or split.alone or split.head == 0:
        return None
    return split.segment, split.x(split.head - 1), split.x(split.head)


def _card_x(segment: Box, c: CharCandidate) -> float:
    """Where the recogniser placed ``c``, read in ``segment``, in card widths."""
    return segment.x0 + c.x * segment.width


def _in_label_column(row: ReadRow) -> bool:
    """Whether ``row`` reads something and starts in the front's labels' column."""
    return bool(row.lines) and row.row.segments[0].x0 < FRONT_LABEL_X1


@dataclasses.dataclass(frozen=True)
class _LabelSplit:
    """Where a row's leading label ends: in its ``k``-th segment ``segment``, whose
    characters (spaces and punctuation left out) are ``chars``, before ``chars[head]``."""

    k: int
    segment: Box
    chars: list[CharCandidate]
    head: int

    def x(self, i: int) -> float:
        """Where the recogniser placed ``chars[i]``, its centre, in card widths."""
        return _card_x(self.segment, self.chars[i])

    @property
    def alone(self) -> bool:
        """Whether the segment holds the label alone (the value is in the segments after)."""
        return self.head >= len(self.chars)


def _label_split(row: ReadRow, labels: Sequence[str]) -> _LabelSplit | None:
    """Where ``row``'s leading label ends (:class:`_LabelSplit`); None where none of
    ``labels`` is read."""
    for k, line in enumerate(row.lines):
        chars = _compact(line.chars)
        found = max((label_match(line, label), label) for label in labels)
        head = None
        if found[0]:
            head = label_end(chars, found[1])
        elif k == 0 and _half_label(chars, labels):
            head = 1  # 址 of 住址, its first character not read: the value starts after it
        elif k == 0 and _head_apart(chars, labels, row.row.segments[0]):
            head = 1  # 住 of 住址, its second not read: the value starts at the next
        elif k == 0 and len(row.lines) > 1 and (not chars or _label_head_alone(chars, labels)):
            # 住 of 住址 boxed alone, 址 not read, or a pale label read as nothing: the value
            # is in the segments after it
            head = len(chars)
        if head is not None:
            return _LabelSplit(k, row.row.segments[k], chars, head)
    return None


def misread_label_end(
    row: ReadRow, labels: Sequence[str], column: float | None = None
) -> float | None:
    """Where ``row``'s value starts when it begins with one of the two-character ``labels``
    read with one character wrong or as a letter (a watermark's character over 名 read 姓各 or
    姓N, 住 read 生): the row starts in the labels' column, one of its first two characters
    is the label's at its place, and the second lies left of the side's values' ``column``
    (else it is the value's first, the label's second not read: 姓金霞琳; None: no column
    known, the second not checked). Between the second and the third, no further than half a
    character past the second; None where the row does not begin so."""
    if not _in_label_column(row):
        return None
    seg, chars = row.row.segments[0], _compact(row.lines[0].chars)
    if len(chars) < 3 or not any(
        len(label) == 2 and any(_in_place(chars, label)) for label in labels
    ):
        return None
    second, third = (_card_x(seg, c) for c in chars[1:3])
    if column is not None and second >= column:
        return None
    return min((second + third) / 2, second + 0.5 * char_width(seg))


#: A character read this many characters or more left of the side's values' column, on a row
#: whose label is not read, is no part of the value (:func:`unread_label_end`): a value's
#: first character is read half a character right of it.
LEFT_OF_COLUMN = 0.5
#: ... unless it is read no further before the next than this many of the value's own
#: character pitches (those read right of the column): a value's characters are printed
#: evenly, and a label stands a blank apart from its value.
VALUE_PITCH = 1.4


def unread_label_end(row: ReadRow, column: float, labels: Sequence[str]) -> float | None:
    """Where ``row``'s value starts when no label is read on it, it starts in the labels'
    column and characters are read right of the side's values' ``column``
    (:data:`LEFT_OF_COLUMN`): three quarters of a character before the first of them (the
    label unread before it).

    - Where characters are read left of the column too (paper beyond an outline wider than
      the card read 喧 in the labels' column, before a faint label read as nothing and the
      name 张卫军), at least half a character past the last of those.
    - Characters read left of the column at the value's own pitch (:data:`VALUE_PITCH`)
      are the value's, not paper's or a label's (but for one of the field's ``labels``' own
      characters: 姓 of 姓金霞琳, its 名 not read).
    - Where nothing is read left of it (a pale label boxed with the value and read as
      nothing, then read 社。 by the field recogniser: 社。王嘉晓), no further right than
      half a character before the column: a value's first character the line recogniser
      left unread (a rare surname) is kept.

    None where the row does not start in the labels' column, reads nothing right of the
    column, or starts there (its box its value's)."""
    if not _in_label_column(row):
        return None
    placed = sorted(
        (_card_x(seg, c), char_width(seg), c.char)
        for seg, line in zip(row.row.segments, row.lines, strict=True)
        for c in _compact(line.chars)
    )
    char = char_width(row.row.segments[0])
    left = [(x, ch) for x, width, ch in placed if x < column - LEFT_OF_COLUMN * width]
    right = [x for x, width, _ in placed if x >= column - LEFT_OF_COLUMN * width]
    if not right:
        return None
    if len(right) >= 2:
        # what is read left of the column at the value's own pitch is the value's: its
        # first characters (an outline askew puts a name's first left of the column the
        # rows below start their values at: 姚 of 姚宁强)
        pitch = statistics.median(b - a for a, b in itertools.pairwise(right))
        own = "".join(labels)
        while left and left[-1][1] not in own and right[0] - left[-1][0] <= VALUE_PITCH * pitch:
            right.insert(0, left.pop()[0])
    first = right[0] - CHAR_LEAD * char
    if left:
        return max(left[-1][0] + 0.5 * char, first)
    start = min(column - LEFT_OF_COLUMN * char, first)
    return start if start > row.row.segments[0].x0 else None


def bare_label(row: ReadRow, labels: Sequence[str]) -> Box | None:
    """``row``'s box when it holds only one of ``labels``, nothing after it: the value
    beside the label was found as no text of its own (a watermark's box swallowed it)."""
    if not row.lines or not label_alone(row.lines[-1], labels):
        return None
    return row.row.box


def label_alone(line: TextLine, labels: Sequence[str]) -> bool:
    """Whether ``line`` reads one of ``labels`` and nothing after it."""
    chars = _compact(line.chars)
    found = max((label_match(line, label), label) for label in labels)
    return bool(found[0]) and label_end(chars, found[1]) >= len(chars)


def _label_head_alone(chars: Sequence[CharCandidate], labels: Sequence[str]) -> bool:
    """Whether ``chars``, a row's first segment of more, are the first character of a
    two-character label alone (its second faint or lost to the artwork): the value is in the
    segments after it."""
    return len(chars) == 1 and _two_char_label(chars[0], labels, 0)


#: A two-character label's first character with the next character read this many character
#: widths or more to its right is the label, its second lost (住 … 上海市, 址 faint in the
#: artwork): a value's characters follow one another about a width apart.
LABEL_HEAD_APART = 2.5


def _head_apart(chars: Sequence[CharCandidate], labels: Sequence[str], segment: Box) -> bool:
    """Whether ``chars`` (a row's first ``segment``, starting in the labels' column) start
    with the first character of a two-character label of ``labels`` and the next character
    lies :data:`LABEL_HEAD_APART` widths or more after it."""
    if len(chars) < 2 or segment.x0 >= FRONT_LABEL_X1:
        return False
    if not _two_char_label(chars[0], labels, 0):
        return False
    return (chars[1].x - chars[0].x) * segment.width >= LABEL_HEAD_APART * char_width(segment)


def _half_label(chars: Sequence[CharCandidate], labels: Sequence[str]) -> bool:
    """Whether ``chars`` start with the second character of a two-character label alone (its
    first lost to the artwork or a blur), followed by more: those labels' second characters
    (名, 别, 生, 址) begin no value of theirs."""
    return len(chars) > 1 and _two_char_label(chars[0], labels, 1)


def _two_char_label(c: CharCandidate, labels: Sequence[str], i: int) -> bool:
    """Whether ``c`` reads as the ``i``-th character of a two-character label of ``labels``."""
    return any(len(lab) == 2 and _is(c, lab[i]) for lab in labels)


def mean_score(rows: Sequence[ReadRow]) -> float:
    """The recogniser's mean confidence over every character read (0 when nothing was)."""
    probs = [c.prob for row in rows for line in row.lines for c in line.chars if c.char.strip()]
    return sum(probs) / len(probs) if probs else 0.0
