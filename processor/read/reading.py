"""Reading the card on one outline, from what it says, and choosing among the readings of one
image.

On an outline: rectify the card, read every row's segments in one batch, decide the side and
which way up from the printed labels and titles (reading the card turned round when they do
not show), match the rows to the side's fields (:mod:`processor.read.assign`), read the name
and address rows again with their tails, parse and validate.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Callable, Sequence

import cv2
import numpy as np

from ..card.facts import ETHNICITIES, GENDERS
from ..card.geometry import grown, rectify
from ..card.layout import FieldRegions, Row, flip, group_rows, union
from ..card.template import (
    BACK_FALLBACK,
    FIELD_LABELS,
    FRONT_FALLBACK,
    FRONT_LABEL_X1,
    GENDER_VALUE_X1,
    PORTRAIT_NO_TEXT,
    PORTRAIT_TEXT_X0,
    VALUE_END_X,
    char_width,
)
from ..ocr.recognize import TextRecognizer
from ..places import address_begins_known, authority_known, authority_opens
from ..values import Box, Quad, TextLine
from . import fields as fp
from .assign import (
    CHAR_LEAD,
    FIELDS,
    LINE_ALIGN,
    SIDES,
    Assignment,
    ReadRow,
    assign,
    bare_label,
    content_score,
    join_lines,
    label_alone,
    label_match,
    label_right,
    label_value_span,
    mean_score,
    misread_label_end,
    side_evidence,
    unread_label_end,
    value_box,
)
from .crops import (
    BELOW_CHARS,
    FLAT_TRAIL_ROWS,
    TRAIL_ROWS,
    blank_between,
    bridge_gaps,
    hyphen_beside,
    hyphen_between,
    hyphen_near,
    ink_after,
    ink_before,
    ink_below,
    ink_past,
    laid_over_tail,
    off_neighbours,
    printed_end,
    printed_segments,
    printed_span,
    segment_crop,
    split_stacked,
    with_ink,
    without_colour,
)
from .engine import OcrEngine
from .locate import TEXT_CHECK_SCORE, Candidate, RequestCache
from .outcome import CardReading
from .overlay import repeated_text, without_overlay
from .rows import looks_like_card, parse_rows

#: Width of the rectified card the recogniser crops from (text ~44 px high).
REC_CARD_WIDTH = 1280


#: Stands for the characters a card may print (:attr:`OcrEngine.printed`, made once).
PRINTED: frozenset[str] = frozenset({"<printed>"})


@dataclasses.dataclass(frozen=True)
class FieldRead:
    """How a field is read in the end: by which recogniser (``line``: the fast one, ``field``:
    the one with the whole dictionary), within which alphabet (:data:`PRINTED`: what a card
    may print), and by which again when that reading does not validate (None: no second
    opinion; a second opinion reads what a card may print)."""

    reader: str
    alphabet: frozenset[str] | None = PRINTED
    again: str | None = None
    #: A reading that validates with a digit read below this is read ``again`` too: where
    #: that validates, it is kept (:func:`second_opinion`).
    unsure: float = 0.0
    #: A recogniser that reads the field first: its read is kept where it is sure of every
    #: character (:func:`~processor.read.fields.read_surely`), else ``reader`` reads it.
    first: str | None = None
    #: Whether a read is one of the field's closed list: a character the recogniser passed
    #: over is kept where the read is one with it and none without
    #: (:func:`~processor.read.fields.passed_if`). None: no list.
    listed: Callable[[TextLine], bool] | None = None


#: A validity's digit the line recogniser reads below this is as likely misread as not (on
#: cards whose whole frame is sent 420-600 px wide, 12 of 54 ranges that validated so were
#: wrong, none read surer: 2010.03.24 read 2010.03.21 twice, 4 at 0.24 and 0.36 against 1):
#: the field recogniser reads the range again.
UNSURE_DIGIT = 0.8

#: Names, addresses and authorities run to rare characters: the field recogniser, whose
#: dictionary has them. An address's or authority's line is read by the line recogniser
#: first (a fifth of the field recogniser's time a pixel) and kept where it reads every
#: character surely and passed over none: a rare character it lacks, it reads unsure or
#: leaves a blank for. Not a name: it reads a rare surname as its common look-alike surely
#: (仉 read 仇 at 0.93). The number and dates: the line recogniser within their characters
#: (their labels' too, which a crop may hold); the validity, which nothing else on the card
#: checks, the field one where that does not validate (a photocopy's specks and a slant:
#: 2008.12.15-长期 read 208.1,15长期); not the number or birth: each checks the other, and
#: a reading they fail on is read on other outlines (a second opinion that mended them made
#: readings whole whose address had lost a line). The gender and 民族 row: the line recogniser
#: within its characters, the field one where that does not validate (a passthrough value
#: such as 穿青人 outside the list) or reads an ethnicity the line recogniser may read for
#: one it cannot spell (仡佬 for 仫佬:
#: :attr:`~processor.read.engine.OcrEngine.stand_in_ethnicities`).
FIELD_READS: dict[str, FieldRead] = {
    "name": FieldRead("field"),
    "address": FieldRead("field", first="line"),
    "issued_by": FieldRead("field", first="line", listed=fp.authority_listed),
    "gender_race": FieldRead("line", fp.GENDER_RACE_ALPHABET, again="field", listed=fp.race_listed),
    "id_no": FieldRead("line", fp.ID_ALPHABET),
    "birth": FieldRead("line", fp.BIRTH_ALPHABET),
    "valid_date": FieldRead("line", fp.VALIDITY_ALPHABET, again="field", unsure=UNSURE_DIGIT),
}
#: The fields a row holds (what validates them, for a second opinion).
ROW_FIELDS = {"gender_race": ("gender", "race")}
#: Fields whose first row is read from where its value starts (the label left out: it is
#: known, and the field recogniser's time grows with the crop's width).
VALUE_ONLY = frozenset({"name", "address", "issued_by"})
#: Fields read again (their second opinion) as one line from their label to their value's
#: end: a single line of a fixed form, whose value the detector may box short of where it
#: starts.
ONE_LINE_AGAIN = frozenset({"valid_date"})


#: Evidence (:func:`~processor.read.assign.side_evidence`) at which an orientation is taken
#: without reading the card turned round.
SURE_EVIDENCE = 2.5
#: Evidence at which what was read is a card even when no checked field is valid (two
#: labels, or a label and the number's shape).
CARD_EVIDENCE = 2.0
#: Evidence below that at which an outline is noted as a hint of a card nearby (one whole
#: label or title, a date range or an authority; :attr:`RequestCache.hinted`).
HINT_EVIDENCE = 1.0
#: Text read the right way round scores ~0.95 and more, upside down ~0.5: rows read this
#: surely are upright whatever they say (no need to read them turned round).
UPRIGHT_SCORE = 0.88
#: Fields whose area is their whole rows (two values, or a value continued on the next rows).
WHOLE_ROWS = frozenset({"gender_race", "address"})
#: A value's row this near the outline's edge (fraction of the card) runs on beyond it: the
#: outline cuts the card (printed text keeps ~5% from a card's edges).
CUT_EDGE = 0.01
#: ... for a line that starts in the front's left part (a value's line; one that starts
#: right of this and reaches the edge is a stray beside it: the portrait's place, the
#: hologram). The back prints nothing right of its values, which start near its middle.
CUT_LINE_X0 = 0.5
#: The fields a side's rows must all be found for (else the outline may be a row off).
REQUIRED = {
    "front": ("name", "gender_race", "birth", "address", "id_no"),
    "back": ("issued_by", "valid_date"),
}


def read_outline(
    image: np.ndarray,
    located: Candidate,
    engine: OcrEngine,
    *,
    wordless: set[Quad] | None = None,
    hinted: dict[Quad, float] | None = None,
) -> CardReading | None:
    """The card read on the upright outline ``located``; None when what it says is no evidence
    of an ID card (see :func:`~processor.read.rows.looks_like_card`). ``wordless``: where its
    text reads surely (:data:`UPRIGHT_SCORE`) and holds nothing of either side (no
    evidence, :func:`~processor.read.assign.side_evidence`), the outline is added to it
    in every corner order (:attr:`~processor.read.locate.RequestCache.wordless`).
    ``hinted``: where what it says is no card but holds at least :data:`HINT_EVIDENCE` of
    one, the outline is added to it with that evidence
    (:attr:`~processor.read.locate.RequestCache.hinted`)."""
    quad, boxes = located.quad, located.boxes
    card = rectify(image, quad, REC_CARD_WIDTH)
    rows = read_rows(card, boxes, engine.recognizer)
    evidence = side_evidence(rows)
    if max(evidence.values()) < SURE_EVIDENCE and mean_score(rows) < UPRIGHT_SCORE:
        turned = cv2.rotate(card, cv2.ROTATE_180)
        turned_boxes = tuple(flip(b) for b in boxes)
        other = read_rows(turned, turned_boxes, engine.recognizer)
        other_evidence = side_evidence(other)
        if max(other_evidence.values()) > max(evidence.values()):
            card, rows, evidence, quad = turned, other, other_evidence, quad.rotated(2)
    if wordless is not None and max(evidence.values()) <= 0.0 and mean_score(rows) >= UPRIGHT_SCORE:
        # legible, and not a card's: no closer look around it (RequestCache.register_near)
        wordless.update(located.quad.rotated(k) for k in range(4))
    side = max(SIDES, key=lambda s: (evidence[s], s == located.hypothesis.side))
    assignment = assign(side, rows)
    overlaid = overlay_phrases(rows, assignment)
    lines = printed_only(field_lines(card, assignment, engine), overlaid)
    parsed = parse_rows(side, lines)
    failed = [
        name
        for name, read in FIELD_READS.items()
        if read.again is not None
        and assignment.rows.get(name)
        and (
            not all(parsed[f].sure for f in ROW_FIELDS.get(name, (name,)) if f in parsed)
            or (name == "gender_race" and parsed["race"].value in engine.stand_in_ethnicities)
            or unsure_digit(lines.get(name, []), read.unsure)
        )
    ]
    if failed:  # a second opinion on the rows that did not validate (or only corrected, or
        # read a stand-in)
        again = field_lines(card, assignment, engine, only=failed, again=True)
        lines.update(printed_only(again, overlaid))
        parsed = second_opinion(parsed, parse_rows(side, lines), failed)
    if not looks_like_card(parsed, lines) and evidence[side] < CARD_EVIDENCE:
        if hinted is not None and evidence[side] >= HINT_EVIDENCE:
            hinted[located.quad] = max(evidence[side], hinted.get(located.quad, 0.0))
        return None
    for name in VALUE_ONLY:  # their lines hold the value only: a blank there is a character
        if name in parsed:
            unlabelled = [ln for ln in lines.get(name, []) if not _starts_labelled(ln)]
            parsed[name] = fp.unless_unread(parsed[name], unlabelled)
    return CardReading(
        side,
        parsed,
        card,
        quad,
        located.score,
        regions=field_regions(assignment, parsed),
        lines=lines,
        aligned=all(assignment.rows[name] for name in REQUIRED[side]) and not cuts_rows(assignment),
    )


def unsure_digit(lines: Sequence[TextLine], below: float) -> bool:
    """Whether a digit of ``lines`` was read below ``below``."""
    return any(c.prob < below and c.char.isdigit() for line in lines for c in line.chars)


def second_opinion(
    first: dict[str, fp.Field], again: dict[str, fp.Field], rows: Sequence[str]
) -> dict[str, fp.Field]:
    """The fields parsed with the second opinion's lines of ``rows`` (``again``), but for a
    field of those rows the first read validated and the second does not, or the first as
    read and the second only corrected (:attr:`~processor.read.fields.Field.sure`): the
    first's. The two reads of a row differ (a stand-in read beside a label alone read
    性别女民族, the row's own segments 性别 民族汉: 女 was too faint for the detector), and
    each keeps what it read right."""
    out = dict(again)
    for name in rows:
        for field in ROW_FIELDS.get(name, (name,)):
            kept, other = first.get(field, fp.MISSING), out.get(field, fp.MISSING)
            if (kept.ok, kept.sure) > (other.ok, other.sure):
                out[field] = kept
    return out


def read_on(cache: RequestCache, located: Candidate) -> CardReading | None:
    """:func:`read_outline` on the request's image with its models, an outline whose legible
    text says nothing of a card noted in the request's
    :attr:`~processor.read.locate.RequestCache.wordless`, one whose text hints at a card in
    its :attr:`~processor.read.locate.RequestCache.hinted`."""
    return read_outline(
        cache.image, located, cache.engine, wordless=cache.wordless, hinted=cache.hinted
    )


def overlay_phrases(rows: Sequence[ReadRow], assignment: Assignment) -> frozenset[str]:
    """The text read more than once on the card (:func:`~processor.read.overlay.repeated_text`)
    by the boxes of each field's rows (as ``assignment`` gave them) and of each of ``rows`` it
    gave no field (a row on its own): a tiled watermark's phrase."""
    held = [[line.text for row in mine for line in row.lines] for mine in assignment.rows.values()]
    placed = {s for mine in assignment.rows.values() for row in mine for s in row.row.segments}
    stray = [
        [line.text for line in row.lines]
        for row in rows
        if not placed.intersection(row.row.segments)
    ]
    return repeated_text([*held, *stray])


def without_overlay_text(
    lines: dict[str, list[TextLine]], phrases: frozenset[str]
) -> dict[str, list[TextLine]]:
    """``lines`` with a repeated phrase's characters left off the ends of each line of a
    name, address or authority (:func:`~processor.read.overlay.without_overlay`)."""
    if not phrases:
        return lines
    return {
        name: [without_overlay(line, phrases) for line in held] if name in VALUE_ONLY else held
        for name, held in lines.items()
    }


def printed_only(
    lines: dict[str, list[TextLine]], phrases: frozenset[str]
) -> dict[str, list[TextLine]]:
    """``lines`` without what is laid over the card at the ends of a name's, address's or
    authority's lines: a repeated phrase's characters (:func:`without_overlay_text`), then
    characters at their end printed far fainter than those before them
    (:func:`without_laid_over`: a watermark's strokes; names and addresses, whose ink is
    measured). In that order: a phrase's character laid over dark print (the portrait's) is
    taken with its pale others as the phrase's, not left behind. (An address's short last
    line was judged without such characters already, :func:`field_lines`: again, it is
    unchanged.)"""
    return {
        name: [without_laid_over(line) for line in held] if name in VALUE_ONLY else held
        for name, held in without_overlay_text(lines, phrases).items()
    }


def without_laid_over(line: TextLine) -> TextLine:
    """``line`` without the characters at its end printed far fainter than those before them
    (:func:`~processor.read.crops.laid_over_tail`: a site's watermark strokes read on past a
    value, …1803室记)."""
    return _sliced(line, (0, laid_over_tail(line)))


def cuts_rows(assignment: Assignment) -> bool:
    """Whether the outline may cut a name, an address or an authority short (no check says
    when they are): a line of one runs from the card's left half to the outline's right
    edge, or a line after its first (which begins with no label) starts at its left edge. A
    pale card on a pale page, its outline found inside the card: 柳树村|北街 read 柳树北街,
    the 村 outside. (A speck at the left edge, read as one character or none, and a segment
    only at the right edge are strays, not a value's lines.) Or an address's last line
    read ends with a hyphen after a digit (847号36-): its next line, which the number goes
    on on, was not found (an outline askew took 6-2004 for no line of the address's). Or
    a line of one reaches the outline's top or bottom edge (a card prints none there). Or
    another row's line was read into the id number's row (:func:`sheared_into_number`)."""
    address = assignment.rows.get("address", ())
    if address and fp.runs_on(address[-1].lines[-1].text):
        return True
    if sheared_into_number(assignment):
        return True
    for name in VALUE_ONLY:
        for k, row in enumerate(assignment.rows.get(name, ())):
            first = row.lines[0].text.replace(" ", "")
            if k > 0 and row.row.segments[0].x0 < CUT_EDGE and len(first) > 1:
                return True
            if any(_runs_out_right(s, assignment.side) for s in row.row.segments):
                return True
            if row.row.box.y0 < CUT_EDGE or row.row.box.y1 > 1 - CUT_EDGE:
                return True  # its characters' tops or feet cut off (于铭帅 read 子铭师)
    return False


#: The characters of the id number's label (公民身份号码).
ID_LABEL_CHARS = frozenset(FIELD_LABELS["id_no"][0])
#: The id number as its row reads it: a run of this many digits or more.
NUMBER_RUN = re.compile(r"\d{15}")


def sheared_into_number(assignment: Assignment) -> bool:
    """Whether the id number's row starts right of the labels' column
    (:data:`~processor.card.template.FRONT_LABEL_X1`) with Han characters before the
    number, none of them its label's: another row's line read into it, on an outline that
    shears the card (its rows run askew, and a line of one meets the next row's: an
    address's last line 元503室 read before 3590…, its address answered without it). The
    label stands in the labels' column, and read however badly it keeps some of its
    characters (公民份号锅, 公民56号); cut off, it leaves none before the number."""
    for row in assignment.rows.get("id_no", ()):
        if row.row.segments[0].x0 < FRONT_LABEL_X1:
            continue
        text = row.text.replace(" ", "")
        number = NUMBER_RUN.search(text)
        if number is None:
            continue
        before = text[: number.start()]
        if fp.HAN_CHAR.search(before) and ID_LABEL_CHARS.isdisjoint(before):
            return True
    return False


def _runs_out_right(box: Box, side: str) -> bool:
    """Whether ``box`` on ``side`` runs to the outline's right edge, a value's line cut
    there: on a front, from its left part (one that starts right of :data:`CUT_LINE_X0` is
    a stray beside the values); on a back, from anywhere (an outline shifted off its far
    end: the authority 宁波市公安局|海曙分局 read whole as a known one)."""
    return box.x1 > 1 - CUT_EDGE and (box.x0 < CUT_LINE_X0 or side == "back")


#: How far (fraction of the card's width or height) an outline is grown past an edge that
#: a field's line runs into (:func:`beyond_edges`).
GROW = 0.2


def beyond_edges(reading: CardReading) -> Quad | None:
    """The outline of ``reading`` grown past each edge a field's line runs into (a value's
    line from the card's left half to its right edge, or one of a field that did not
    validate from anywhere; any at its left, top or bottom edge): the card goes on there
    (its far end pale on a white page, on a photo tilted 25-40 degrees: an id number read
    to its 14th digit at the outline's right edge; an outline shifted off a back's far end,
    its validity from 0.58 read 2023.12.26-20). None where no line meets an edge."""
    rows = reading.regions.rows
    boxes = [b for found in rows.values() for b in found]
    failed = [b for name, found in rows.items() if not _validated(reading, name) for b in found]
    left = any(b.x0 < CUT_EDGE for b in boxes)
    right = any(_runs_out_right(b, reading.side) for b in boxes) or any(
        b.x1 > 1 - CUT_EDGE for b in failed
    )
    above, below = _rows_off(reading)
    top = above or any(b.y0 < CUT_EDGE for b in boxes)
    bottom = below or any(b.y1 > 1 - CUT_EDGE for b in boxes)
    if not (left or right or top or bottom):
        return None
    return grown(reading.quad, *(GROW if cut else 0.0 for cut in (left, top, right, bottom)))


#: A row whose centre lies nearer the outline's top or bottom edge than this (card heights,
#: about a row's height) is cut by it.
EDGE_ROW = 0.07
#: Where each side's fields' first rows are printed (:data:`~processor.read.assign.FIELDS`).
_CENTRES = {side: {spec.name: spec.cy for spec in specs} for side, specs in FIELDS.items()}


def _rows_off(reading: CardReading) -> tuple[bool, bool]:
    """Whether a row the side requires, not found on ``reading`` and its field not valid,
    lies off (or on) its outline's top edge, and whether one lies off its bottom edge: where
    the rows found place it (the found row nearest it in the side's order, as far from it
    as the card prints them, :data:`~processor.read.assign.FIELDS`). An outline a row
    short of an upside-down front's top: its gender's row at 0.16 of it, where the card
    prints it at 0.30, put the name's at 0.03 (204)."""
    centres = _CENTRES[reading.side]
    found = {
        name: boxes[0].cy
        for name, boxes in reading.regions.rows.items()
        if boxes and name in centres
    }
    above = below = False
    for name in REQUIRED[reading.side]:
        if name in found or not found or _validated(reading, name):
            continue
        near = min(found, key=lambda f: abs(centres[f] - centres[name]))
        at = centres[name] + found[near] - centres[near]
        above |= at < EDGE_ROW
        below |= at > 1 - EDGE_ROW
    return above, below


def _validated(reading: CardReading, name: str) -> bool:
    """Whether every field of row ``name`` read on ``reading`` validated."""
    fields = reading.fields
    return all(fields[f].ok for f in ROW_FIELDS.get(name, (name,)) if f in fields)


def read_rows(card: np.ndarray, boxes: Sequence[Box], recognizer: TextRecognizer) -> list[ReadRow]:
    """Every row of the upright ``card`` (``boxes``: its text, normalised), each segment read,
    in one call; text in the portrait's place is no row of the card's. A box holding two
    lines stacked (a minority-script line above a label) is read as two."""
    usable = card_text(card, boxes)
    rows = group_rows(usable) if usable else []
    crops: list[np.ndarray] = []
    owners: list[int] = []
    for i, row in enumerate(rows):
        for segment in row.segments:
            crop = segment_crop(card, segment)
            if crop is not None:
                crops.append(crop)
                owners.append(i)
    found = recognizer(crops) if crops else []
    per_row: list[list[TextLine]] = [[] for _ in rows]
    for i, line in zip(owners, found, strict=True):
        per_row[i].append(line)
    # a row whose segments were all too small to read is left out
    return [
        ReadRow(row, tuple(lines))
        for row, lines in zip(rows, per_row, strict=True)
        if len(lines) == len(row.segments)
    ]


def card_text(card: np.ndarray, boxes: Sequence[Box]) -> list[Box]:
    """The text boxes of the upright ``card`` (``boxes``: normalised) that hold its lines: a
    box holding two lines stacked split in two (:func:`~processor.read.crops.split_stacked`),
    none in the portrait's place (a box reaching below the portrait, split, leaves its part
    beside it out too)."""
    return _off_portrait(split_stacked(card, _off_portrait(boxes)))


def _off_portrait(boxes: Sequence[Box]) -> list[Box]:
    """``boxes`` without those in the portrait's place, or above it: nothing is printed
    there but the photo (a paper under the card read there, on an outline grown over it,
    was taken for the name's row)."""
    return [b for b in boxes if not (b.x0 > PORTRAIT_TEXT_X0 and b.cy < PORTRAIT_NO_TEXT.y1)]


def field_lines(
    card: np.ndarray,
    assignment: Assignment,
    engine: OcrEngine,
    *,
    only: Sequence[str] | None = None,
    again: bool = False,
) -> dict[str, list[TextLine]]:
    """Each field's lines (``only`` those fields), every segment of its rows read again by
    the recogniser that reads that field best, within the field's alphabet
    (:data:`FIELD_READS`; ``again``: by its second opinion); a name, address or authority
    from where its value starts; a name or address line with its tail (the detector's box
    stops short of a thin last character); a field without a row read where the template
    places it, kept when it reads like that field; a validity's second opinion read as one line
    from its label (:data:`ONE_LINE_AGAIN`)."""
    jobs: list[tuple[str, int, np.ndarray]] = []  # (field, row index or -1, crop)
    spans: dict[int, Box] = {}  # where each job's crop of a row's segment lies
    placed = [s for rows in assignment.rows.values() for row in rows for s in row.row.segments]
    within: dict[str, list[TextLine]] = {}  # fields read again from what was seen
    gray: np.ndarray | None = None
    front_column = value_column(assignment)
    back = back_column(assignment)
    for name, rows in assignment.rows.items():
        if name not in FIELD_READS or (only is not None and name not in only):
            continue
        read = FIELD_READS[name]
        seen = read.reader == "line" and read.alphabet not in (None, PRINTED) and not again
        # the line recogniser read these crops already: read them within the alphabet from
        # what it saw (what a constrained run on the same crops reads)
        alphabet = read.alphabet if seen else None
        beside = beside_label(rows[0], name) if rows and (seen or name in VALUE_ONLY) else None
        if beside is not None:
            # the label alone: read beside it, kept when it reads like the field (a stand-in);
            # the gender row's labels with its values (what tells 男 from 汉 apart), in colour
            crop = segment_crop(card, beside)
            if crop is not None:
                jobs.append((name, -1, crop if name in ROW_FIELDS else without_colour(crop)))
        if alphabet is not None:
            within[name] = [
                join_lines([engine.recognizer.within(line, alphabet) for line in row.lines])
                for row in rows
            ]
            continue
        if name in VALUE_ONLY:
            gray = gray if gray is not None else cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
            values = value_rows(rows, name, front_column)
            per_row = [
                bridge_gaps(kept, [b for b in row if b not in kept], card.shape)
                for kept, row in zip(printed_segments(gray, values), values, strict=True)
            ]
            if beside is not None:
                per_row[0] = []  # read beside the label instead
            # where its lines start (:func:`from_column`): its first at the side's values'
            # column (never left of its label's end), the next where its first line's value
            # starts after its label (:func:`next_lines_column`)
            label_x1 = label_right(rows[0], FIELD_LABELS[name]) if rows else None
            side_column = front_column if back is None else back
            first_column = (
                None if side_column is None or label_x1 is None else max(side_column, label_x1)
            )
            blank = _label_blank(card, rows[0], name, per_row[0]) if rows else None
            if blank is not None:  # the value starts after the blank that ends its label
                per_row[0][0] = dataclasses.replace(per_row[0][0], x0=blank)
                first_column = blank if first_column is None else max(first_column, blank)
            next_column = next_lines_column(
                values[0] if values else [], label_x1, first_column, front_column
            )
        elif again and name in ONE_LINE_AGAIN:
            # its rows as one line each, from the first segment's start to the last's end:
            # the detector's boxes may leave out what lies between (a watermark's strokes
            # over a validity's first digits: 有效期限 .07-长期)
            per_row = [[union(row.row.segments)] if row.row.segments else [] for row in rows]
            first_column = next_column = None
        else:
            per_row = [list(row.row.segments) for row in rows]
            first_column = next_column = None
        for k, segments in enumerate(per_row):
            for j, detected in enumerate(segments):
                # a name's, address's or authority's line without the strokes of the lines
                # above and below it
                segment = off_neighbours(detected, placed) if name in VALUE_ONLY else detected
                column = first_column if k == 0 else next_column
                if j == 0 and column is not None:
                    # a back's values all start at the column: its authority's first line
                    # from there, however much of it the detector's box left out
                    lead = math.inf if back is not None and k == 0 else LEAD_CHARS
                    segment = _from_column(card, segment, column, first=k == 0, lead=lead)
                trail = j == len(segments) - 1 and name in TRAIL_ROWS
                flat = name in FLAT_TRAIL_ROWS
                extra = ink_past(card, segment, VALUE_END_X[name], flat=flat) if trail else 0
                crop = segment_crop(card, segment, extra)
                if crop is not None:
                    spans[len(jobs)] = segment
                    jobs.append((name, k, without_colour(crop) if name in VALUE_ONLY else crop))
        tail = None
        if name == "address" and not again:
            tail = address_tail(card, per_row, assignment)
        elif name == "gender_race" and again:
            tail = race_after(card, rows)
        crop = segment_crop(card, tail) if tail is not None else None
        if crop is not None:
            jobs.append((name, TAIL_ROW, without_colour(crop)))
    fallbacks = _FALLBACK[assignment.side] if only is None else {}
    for name in fallbacks:
        if not assignment.rows.get(name):
            x0, x1, y0, y1 = fallbacks[name]
            if held_by_another(assignment, name, y0, y1):
                continue
            crop = segment_crop(card, Box(x0, y0, x1, y1))
            if crop is not None:
                jobs.append((name, -1, crop))
    found = _read_jobs(jobs, engine, again=again)
    out: dict[str, list[TextLine]] = {
        name: [] for name in assignment.rows if only is None or name in only
    }
    out.update(within)
    by_row: dict[tuple[str, int], list[int]] = {}
    for i, (name, k, _) in enumerate(jobs):
        by_row.setdefault((name, k), []).append(i)
    for (name, k), indices in by_row.items():
        lines = [found[i] for i in indices]
        if k == TAIL_ROW:
            past = without_laid_over(lines[0])
            if TAILS[name](past):
                out[name].append(past)
        elif k < 0:
            if _reads_as(name, lines[0]):
                out[name] = [lines[0]]
        elif name in VALUE_ONLY:
            keep = not_strays(lines)
            kept = [line for line, k in zip(lines, keep, strict=True) if k]
            boxes = [spans[i] for i, k in zip(indices, keep, strict=True) if k]
            out[name].append(join_lines(kept, apart=blanks_between(boxes)))
        else:
            out[name].append(join_lines(lines))
    return out


#: The job of what a field's rows left out past them: an address's short last line found
#: under its last line read (:func:`address_tail`), a 民族 value right of its gender row
#: (:func:`race_after`).
TAIL_ROW = -2
#: The most lines an address prints (:data:`~processor.read.assign.FIELDS`).
ADDRESS_LINES = next(spec.rows for spec in FIELDS["front"] if spec.name == "address")
#: An address's line that ends within this many characters of its widest line's end
#: wrapped (a line of half-width digits ends up to a character short of the column).
WRAPPED_SLACK = 1.5


def address_tail(
    card: np.ndarray, per_row: Sequence[Sequence[Box]], assignment: Assignment
) -> Box | None:
    """Where an address's short last line that none of its rows holds is printed (``per_row``:
    each row's value segments): under its lowest line, where that line wrapped (it ends
    where the widest does) and fewer than :data:`ADDRESS_LINES` lines were found, from that
    line's column (:func:`~processor.read.crops.ink_below`), above the id number's row. The
    detector leaves a line of one or two characters out, or boxes it apart and reads it as
    nothing, or it is faded by glare and left out as fainter than the value (号 under
    …北山村8组4)."""
    lines: list[Sequence[Box]] = []
    for segments in filter(None, per_row):  # one per printed line, the widest row of those
        # that box it (two rows may box one line: a part of it again)
        same = [i for i, o in enumerate(lines) if abs(segments[0].cy - o[0].cy) < o[0].height / 2]
        if not same:
            lines.append(segments)
        elif _extent(segments) > _extent(lines[same[0]]):
            lines[same[0]] = segments
    if not lines or len(lines) >= ADDRESS_LINES:
        return None
    last = max(lines, key=lambda segments: segments[0].cy)
    right = max(segments[-1].x1 for segments in lines)
    if last[-1].x1 < right - WRAPPED_SLACK * char_width(last[-1]):
        return None  # it ends short: the address ends there
    number = [s.y0 for row in assignment.rows.get("id_no", ()) for s in row.row.segments]
    top = min(number, default=FRONT_FALLBACK["id_no"][2])
    below = ink_below(card, union(last), last[0].x0, top)
    return below if below is not None and below.y1 <= top else None


def race_after(card: np.ndarray, rows: Sequence[ReadRow]) -> Box | None:
    """Where the 民族 value is printed that the gender row's first of ``rows`` does not hold:
    its black print right of the row, up to where the front's values end
    (:func:`~processor.read.crops.ink_after`), where the row reads its gender and nothing
    else but its labels. A watermark's strokes across the value, boxed with it apart from
    the row (性别 男 民族 | 苗 and 使用 in one box), or a value printed far right of a faint
    label (男 … 京), leave the row without it (205)."""
    if not rows:
        return None
    row = rows[0]
    rest = row.text.replace(" ", "")
    for label in FIELD_LABELS["gender_race"]:
        rest = rest.replace(label, "")
    if rest not in GENDERS:
        return None
    box = row.row.box
    return ink_after(card, box, box.x1, VALUE_END_X["gender_race"])


def race_tail(line: TextLine) -> bool:
    """Whether ``line``, read right of the gender row (:func:`race_after`), is its 民族
    value: one of the 56 (as listed, :func:`~processor.read.fields.as_listed`), after its
    label where that was boxed with it, every character read at least
    :data:`~processor.read.fields.SURE_LINE` probable."""
    text = line.text.replace(" ", "").removeprefix(RACE_LABEL)
    return fp.as_listed(text) in ETHNICITIES and all(
        c.prob >= fp.SURE_LINE for c in line.chars if c.char.strip()
    )


#: The 民族 label.
RACE_LABEL = FIELD_LABELS["gender_race"][1]


def _extent(segments: Sequence[Box]) -> float:
    return segments[-1].x1 - segments[0].x0


def short_tail(line: TextLine) -> bool:
    """Whether ``line``, read under an address's last line (:func:`address_tail`), is its
    short last line: at most :data:`~processor.read.crops.BELOW_CHARS` characters, each read
    at least :data:`~processor.read.fields.SURE_LINE` probable (guilloche or a stray stroke
    reads 0.1-0.7), none a space or a Latin letter (a bilingual card's Zhuang line over the
    number's row)."""
    chars = line.chars
    return 0 < len(chars) <= BELOW_CHARS and all(
        c.prob >= fp.SURE_LINE and (c.char in "-0123456789" or not c.char.isascii()) for c in chars
    )


#: What a field's job found past its rows (:data:`TAIL_ROW`) must read as to be kept.
TAILS: dict[str, Callable[[TextLine], bool]] = {"address": short_tail, "gender_race": race_tail}


def blanks_between(segments: Sequence[Box]) -> list[bool]:
    """For each two of a value's line's ``segments`` (left to right), whether they leave a
    blank wider than a character between them (:data:`~processor.read.fields.UNREAD_GAP`):
    glare washed characters out of an address and the detector boxed the line either side
    of them (东 | 河村1组40号 for 东关街道小河村1组40号), so a character may be missing."""
    return [b.x0 - a.x1 > fp.UNREAD_GAP * char_width(a) for a, b in itertools.pairwise(segments)]


def without_strays(lines: Sequence[TextLine]) -> list[TextLine]:
    """The lines of a row's segments without those read as nothing but
    :data:`~processor.read.fields.STRAY`
    characters, where another is read as more; all of them where none is."""
    return [line for line, keep in zip(lines, not_strays(lines), strict=True) if keep]


def not_strays(lines: Sequence[TextLine]) -> list[bool]:
    """Which of ``lines`` :func:`without_strays` keeps."""
    keep = [not all(c.prob < fp.STRAY for c in line.chars if c.char.strip()) for line in lines]
    return keep if any(keep) and not all(keep) else [True] * len(lines)


#: The front's fields whose values start at one column, right of their labels.
COLUMN_FIELDS = ("name", "gender_race", "birth", "address")


def value_column(assignment: Assignment) -> float | None:
    """Where a front's values start: the median of where the first rows of
    :data:`COLUMN_FIELDS` that hold their leading label start their values (from where the
    recogniser read the first character after the label; the gender row's 民族 is no leading
    label: its value is right of the column); where fewer than two labels are read (faint
    labels, left unboxed), with where the rows boxed from their values start (between the
    labels' column and the gender value's end); None on a back, or where fewer than two rows
    tell."""
    if assignment.side != "front":
        return None
    starts, unlabelled = [], []
    for name in COLUMN_FIELDS:
        rows = assignment.rows.get(name)
        if rows:
            start = _after_label(rows[0], FIELD_LABELS[name][:1])
            first = rows[0].row.segments[0].x0
            if start is not None:
                starts.append(start)
            elif FRONT_LABEL_X1 <= first < GENDER_VALUE_X1:  # its box starts at the value
                unlabelled.append(first)
    starts = starts if len(starts) >= 2 else starts + unlabelled
    return float(np.median(starts)) if len(starts) >= 2 else None


def back_column(assignment: Assignment) -> float | None:
    """Where a back's values start: the back's values are printed in one column, and a
    detector's box may start late (a watermark's strokes over an authority's first
    characters: 苏州 of 苏州市公安局吴江分局 left out) but a value does not start early: the
    leftmost of where the authority's and the validity's values start after their labels
    read (from where the recogniser read the first character after a label boxed with its
    value); None on a front, or where neither label is read."""
    if assignment.side != "back":
        return None
    starts = []
    for name in ("issued_by", "valid_date"):
        rows = assignment.rows.get(name)
        start = _after_label(rows[0], FIELD_LABELS[name]) if rows else None
        if start is not None:
            starts.append(start)
    return min(starts) if starts else None


def _after_label(row: ReadRow, labels: Sequence[str]) -> float | None:
    """Where ``row``'s value starts after its leading label (one of ``labels``) as read;
    None where no label is read."""
    box = value_box(row, labels)
    return box.x0 if box != row.row.box else None


#: A value's line whose box starts right of its column by at most this many characters is
#: read from the column (:func:`from_column`).
LEAD_CHARS = 1.5


def _label_blank(card: np.ndarray, row: ReadRow, name: str, first: list[Box]) -> float | None:
    """Where the value of ``name`` starts on its first ``row`` when its label runs into it in
    one box and the cut made from where the recogniser placed their characters (``first``:
    the row's value segments) lies left of the value's first: at the blank between it and
    the label's last (:func:`~processor.read.crops.blank_between`), where that is right
    of the cut; None otherwise."""
    span = label_value_span(row, FIELD_LABELS[name])
    if span is None or not first:
        return None
    segment, lo, hi = span
    if not first[0].x0 < hi:
        return None
    blank = blank_between(card, segment, lo, hi)
    return blank if blank is not None and blank > first[0].x0 else None


def next_lines_column(
    first: Sequence[Box],
    label_x1: float | None,
    first_column: float | None,
    column: float | None = None,
) -> float | None:
    """Where a value's next lines are read from (:func:`from_column`): where its ``first``
    line's segments start after its label (which ends at ``label_x1``), not left of where
    that line is read from (``first_column``: a speck boxed before the value, read as
    nothing there, would widen the next lines onto the card's artwork, read as a letter:
    钦M南区). Where no label was read, the side's values' ``column`` (None on a back, or
    where too few rows tell): the first line's start may be the label's, and a next line
    read from there takes in the labels' column (东风住东路); a pale label (a photocopy faded
    at its left) leaves the next line's first characters as faint, out of its box (67号 of
    67号2-7-1701)."""
    if label_x1 is None or not first:
        return column
    return first[0].x0 if first_column is None else max(first[0].x0, first_column)


def from_column(
    segment: Box, column: float, shape: tuple[int, ...], lead: float = LEAD_CHARS
) -> Box:
    """A value's line ``segment`` (on a card image of ``shape``) read from the value's
    ``column``, where its lines all start: where the detector's box starts within ``lead``
    characters right of it (:data:`LEAD_CHARS`), the box left a first character out, or part
    of one (a faint 乡 of 乡上河村 under glare; a rare 禚 the line recogniser could not read,
    cut to 羔); the segment itself where it starts there, or further right (no line of the
    value)."""
    char = segment.height * shape[0] / shape[1]  # a character is as wide as it is high
    if column < segment.x0 <= column + lead * char:
        return dataclasses.replace(segment, x0=column)
    return segment


def _from_column(
    card: np.ndarray, segment: Box, column: float, *, first: bool, lead: float = LEAD_CHARS
) -> Box:
    """:func:`from_column` on ``card``; a value's ``first`` line only as far as its ink runs on
    towards the column (:func:`~processor.read.crops.ink_before`): a crop widened into blank
    paper may read a character that is not printed (a value printed a little right of the
    others' column)."""
    start = from_column(segment, column, card.shape, lead)
    if not first or start == segment:
        return start
    return dataclasses.replace(segment, x0=segment.x0 - ink_before(card, segment, start.x0))


#: Fields read beside their label when its row holds the label alone: those whose value a
#: stand-in read is told by (an authority's 公安局, an address's place words, a number's or a
#: date's digits, the gender's 男 or 女), not a name's.
BESIDE_LABEL = frozenset({"address", "issued_by", "id_no", "birth", "valid_date", "gender_race"})
#: ... over the label's band widened by this share of its height each way (a value is
#: printed larger than its label).
BESIDE_PAD = 0.25


def beside_label(row: ReadRow, name: str) -> Box | None:
    """Where ``name``'s value is printed when its first ``row`` holds its label alone: right
    of the label as far as the value may run, on the label's band (the value's own text was
    not found: a watermark's box across the card swallowed it, or it is faint), or for the
    gender and 民族 row the whole row on the band of its label read alone; None when the row
    holds more than its label, or for a field not in :data:`BESIDE_LABEL`."""
    if name not in BESIDE_LABEL:
        return None
    if name in ROW_FIELDS:
        # two labels and their values on one row (性别 男 民族 汉): where either label stands
        # alone and a value was not read, the row is read whole, labels included, as its own
        # lines would be, on that label's band: the values are printed level with it, and a
        # row's box may reach up into a line above (a bilingual card's script over 男, boxed
        # with it)
        labels = FIELD_LABELS[name]
        if fp.parse_gender(row.line).ok and fp.parse_race(row.line).ok:
            return None
        alone = [
            seg
            for seg, line in zip(row.row.segments, row.lines, strict=True)
            if label_alone(line, labels)
        ]
        if not alone:
            return None
        box, band = row.row.box, union(alone)
        pad = BESIDE_PAD * band.height
        return Box(box.x0, band.y0 - pad, max(box.x1, VALUE_END_X[name]), band.y1 + pad)
    label = bare_label(row, FIELD_LABELS[name])
    if label is None or label.x1 >= VALUE_END_X[name]:
        return None
    pad = BESIDE_PAD * label.height
    return Box(label.x1, label.y0 - pad, VALUE_END_X[name], label.y1 + pad)


def _starts_labelled(line: TextLine) -> bool:
    return any(label_match(line, label) for labels in FIELD_LABELS.values() for label in labels)


def value_rows(rows: Sequence[ReadRow], name: str, column: float | None = None) -> list[list[Box]]:
    """The segments of a name's, address's or authority's ``rows`` that hold its value: the
    first row's from where its value starts (its label, as read, left out; with a character
    misread, where the side's values' ``column`` says so: :func:`_value_segments`), the next
    rows' that reach right of that start or start where the line above does
    (:data:`~processor.read.assign.LINE_ALIGN`: a card rectified askew; a speck at the card's
    edge or a piece of a minority-script label in the label column, read as 3 or 4 before an
    address's next line, is no part of it: the value's lines start at its column); none
    that starts where the
    value cannot run (:data:`~processor.card.template.VALUE_END_X`) and
    :data:`VALUE_GAP_CHARS` or more past the segment before it (a speck in the portrait's
    column, on an outline cut at the card's top, read 上 after a name); a name is printed
    in one run, so for a name none that far past the one before it wherever it starts (the
    other card's emblem, on an outline drawn over a front and a back lying side by side,
    read 蒙 after 丁新)."""
    if not rows:
        return []
    first = _value_segments(rows[0], name, column)
    start = first[0].x0 if first else 0.0
    out = [first]
    above = start  # where the line above starts
    for row in rows[1:]:
        line = [
            row.row.within(s, start)
            for s in row.row.segments
            if s.x1 > start or abs(s.x0 - above) < LINE_ALIGN
        ]
        above = line[0].x0 if line else above
        out.append(line)
    reach = start if name in ONE_RUN else VALUE_END_X[name]
    return [_within_reach(segments, reach) for segments in out]


#: A value's segment this many characters or more past the one before it, where the value
#: cannot run, is no part of it (:func:`value_rows`); a last 号 a little past a value's usual
#: end is.
VALUE_GAP_CHARS = 3.0
#: Values printed in one run (letter spacing at most a tenth of a character), so that such a
#: segment is no part of them wherever it starts; not an address, where glare may wash
#: characters out and the blank marks the value unsure.
ONE_RUN = frozenset({"name"})


def _within_reach(segments: list[Box], end: float) -> list[Box]:
    """A row's value ``segments`` without those that start past ``end`` far from the one
    before them (:data:`VALUE_GAP_CHARS`)."""
    kept = segments[:1]
    for s in segments[1:]:
        if s.x0 < end or s.x0 - kept[-1].x1 < VALUE_GAP_CHARS * char_width(s):
            kept.append(s)
    return kept


def _value_segments(row: ReadRow, name: str, column: float | None = None) -> list[Box]:
    """``row``'s segments from where its value starts: its label, as read, left out; where no
    label is read, one read with a character wrong left of the side's values' ``column``
    (:func:`~processor.read.assign.misread_label_end`; a watermark's character over 名 read
    姓各申才华), or anything read left of it (:func:`~processor.read.assign.unread_label_end`:
    paper beyond the card's edge read 喧 before a faint label read as nothing)."""
    start = value_box(row, FIELD_LABELS[name])
    if start == row.row.box:  # no label read
        x0 = None
        if column is not None:
            x0 = misread_label_end(row, FIELD_LABELS[name], column)
            x0 = unread_label_end(row, column, FIELD_LABELS[name]) if x0 is None else x0
        if x0 is None:
            return list(row.row.segments)
        start = dataclasses.replace(start, x0=x0)
    kept = [s for s in row.row.segments if s.x1 > start.x0]
    if kept and kept[0].x0 < start.x0:
        kept[0] = row.row.within(kept[0], start.x0, cut=True)
    return kept or list(row.row.segments)


#: An address line whose recogniser passed over this much (:attr:`TextLine.passed`) saw a
#: character there that it read as nothing (:func:`addresses_passed`).
PASSED_PRINTED = 0.5


def addresses_passed(
    jobs: Sequence[tuple[str, int, np.ndarray]], out: list[TextLine | None]
) -> None:
    """Each address line in ``out`` (read from ``jobs``, in the order printed) whose
    recogniser saw a character it passed over (:data:`PASSED_PRINTED`) with it where it
    makes a word with one read beside it, the line above's last for one at a line's start
    (:func:`~processor.read.fields.address_passed`). A name has no list and no words to
    say which character it is; the number and dates have checks, and are read again
    elsewhere where those fail."""
    before = ""
    for i, (name, _, _) in enumerate(jobs):
        line = out[i]
        if name != "address" or line is None:
            continue
        if line.passed >= PASSED_PRINTED:
            out[i] = line = fp.address_passed(line, before)
        before = line.chars[-1].char if line.chars else before


def _read_jobs(
    jobs: Sequence[tuple[str, int, np.ndarray]], engine: OcrEngine, *, again: bool = False
) -> list[TextLine]:
    """The crops of ``jobs`` read, each by its field's recogniser within its alphabet (one
    call per recogniser; a field read by another first, by its own only where that read is
    not sure; ``again``: by the field's second opinion, with every character), in the order
    of ``jobs``; an address line as its crop prints it (:func:`printed_address`), an
    address's short last line read after the line above (:func:`last_line_in_context`); a
    character the recogniser passed over kept where the field says it is printed
    (:attr:`FieldRead.listed`, :func:`addresses_passed`)."""
    out: list[TextLine | None] = [None] * len(jobs)
    readers: list[TextRecognizer | None] = [None] * len(jobs)
    turns = [_readers(job[0], engine, again) for job in jobs]
    for recognizer in (engine.recognizer, engine.field_recognizer):
        mine = [i for i in range(len(jobs)) if out[i] is None and recognizer in turns[i]]
        if not mine:
            continue
        wanted = [PRINTED if again else FIELD_READS[jobs[i][0]].alphabet for i in mine]
        alphabets = [engine.printed if a is PRINTED else a for a in wanted]
        lines = recognizer.with_doubles([jobs[i][2] for i in mine], alphabets)
        for i, read in zip(mine, lines, strict=True):
            if recognizer is not turns[i][-1] and not fp.read_surely(read):
                continue  # read again by the field's own recogniser
            listed = FIELD_READS[jobs[i][0]].listed
            line = read if listed is None else fp.passed_if(read, listed)
            out[i], readers[i] = line, recognizer
            if jobs[i][0] == "address":
                out[i] = printed_address(jobs[i][2], line, recognizer)
            elif jobs[i][0] == "name":
                # a watermark's phrase boxed with the name, a label's character before it or
                # a speck after it, printed fainter: left off
                inked = with_ink(jobs[i][2], line, CHAR_LEAD)
                out[i] = _sliced(inked, printed_span(jobs[i][2], inked, CHAR_LEAD))
    addresses_passed(jobs, out)
    if not again:
        last_line_in_context(jobs, out, engine)
    _merged_again(
        jobs,
        out,
        readers,
        engine,
        wanted=_surname_in_doubt,
        recognizer=engine.name_recognizer,
        merge=fp.surname_voted,
    )
    _merged_again(
        jobs, out, readers, engine, wanted=_gapped, recognizer=engine.recognizer, merge=fp.fill_gaps
    )
    return [line for line in out if line is not None]


def printed_address(crop: np.ndarray, line: TextLine, recognizer: TextRecognizer) -> TextLine:
    """An address ``line`` as ``recognizer`` read it from ``crop``, as the crop prints it: with
    the hyphens the model saw between digits or at the line's ends but passed over
    (:func:`printed_between`, :func:`printed_ends`) or read as dots (:func:`marks_as_hyphens`),
    and without a watermark's phrase read on past its end, printed fainter
    (:func:`~processor.read.crops.printed_end`); each character's ink measured
    (:func:`~processor.read.crops.with_ink`)."""
    between = printed_between(crop, line, recognizer.between(line, fp.HYPHENS))
    ends = printed_ends(crop, line, recognizer.ends(line, fp.HYPHENS))
    restored = marks_as_hyphens(crop, fp.restore_hyphens(line, between, ends))
    inked = with_ink(crop, restored, CHAR_LEAD)
    return _sliced(inked, (0, printed_end(crop, inked, CHAR_LEAD)))


def _sliced(line: TextLine, span: tuple[int, int]) -> TextLine:
    """``line``'s characters ``span`` (start, end); ``line`` itself where that is all of them."""
    start, end = span
    if (start, end) == (0, len(line.chars)):
        return line
    return fp.with_chars(line, line.chars[start:end])


#: An address's last line of this many characters or fewer, read unsurely, is read again
#: after the end of the line above (:func:`last_line_in_context`) ...
SHORT_LINE = 2
#: ... that end this many of the line's heights long (about three characters).
CONTEXT_HEIGHTS = 3.0


def last_line_in_context(
    jobs: Sequence[tuple[str, int, np.ndarray]], out: list[TextLine | None], engine: OcrEngine
) -> None:
    """An address's last line of a character or two (:data:`SHORT_LINE`) that was not read
    surely, read again by the field recogniser set after the end of the line above
    (:data:`CONTEXT_HEIGHTS`), as the card prints it but for the break: alone on its crop
    a character is read without the characters around it, in the ~250 px card's blur 号
    after 8组139 was read 哥 at 0.37, and 号 at 0.53 after 139. Kept where it reads as many
    characters, more probably."""
    lines = [i for i, job in enumerate(jobs) if job[0] == "address"]
    if len(lines) < 2:
        return
    above, last = lines[-2], lines[-1]
    line = out[last]
    if line is None or not 1 <= len(line.text.strip()) <= SHORT_LINE or fp.read_surely(line):
        return
    before, crop = jobs[above][2], jobs[last][2]
    height = before.shape[0]
    if min(height, crop.shape[0], crop.shape[1]) == 0:
        return
    end = before[:, max(0, before.shape[1] - round(CONTEXT_HEIGHTS * height)) :]
    scaled = cv2.resize(crop, (max(1, round(crop.shape[1] * height / crop.shape[0])), height))
    joined = np.hstack([end, scaled])
    share = end.shape[1] / joined.shape[1]
    (read,) = engine.field_recognizer([joined], [engine.printed])
    # read where the line's crop starts (a character's first time step is a little into it)
    mine = [
        dataclasses.replace(c, x=(c.x - share) / (1.0 - share))
        for c in read.chars
        if c.x >= share and c.char.strip()
    ]
    alone = fp.with_chars(line, [c for c in line.chars if c.char.strip()])
    # the line's share of what was read: its width per time step
    step = read.step / (1.0 - share)
    again = fp.with_chars(TextLine("", 0.0, (), step=step, passed=read.passed), mine)
    if len(mine) == len(alone.chars) and again.score > alone.score:
        out[last] = again


def _surname_in_doubt(name: str, row: int, line: TextLine) -> bool:
    """A name whose first character the field recogniser read unsurely
    (:func:`~processor.read.fields.surname_unsure`): read again by the name recogniser, its
    surname the one both make likeliest (:func:`~processor.read.fields.surname_voted`): a
    rare surname v6 small takes for its common look-alike (仉 read 仇 at 0.59) v5 mobile
    reads."""
    return name == "name" and fp.surname_unsure(line)


def _gapped(name: str, row: int, line: TextLine) -> bool:
    """A name, address or authority line where the field recogniser left a blank wider than a
    character, or the whole line blank (it emits nothing for characters it is unsure of; a
    line read as nothing where a row was found, not at a template place): read again by the
    line recogniser, what it reads there kept (:func:`~processor.read.fields.fill_gaps`): a
    printed character is kept, never dropped."""
    return name in VALUE_ONLY and (fp.unread_gap(line) or (row >= 0 and fp.unread_line(line)))


def _merged_again(
    jobs: Sequence[tuple[str, int, np.ndarray]],
    out: list[TextLine | None],
    readers: Sequence[TextRecognizer | None],
    engine: OcrEngine,
    *,
    wanted: Callable[[str, int, TextLine], bool],
    recognizer: TextRecognizer,
    merge: Callable[[TextLine, TextLine], TextLine],
) -> None:
    """The crops of the ``jobs`` whose lines in ``out`` the field recogniser read and that are
    ``wanted`` (given the job's field, row and line) read again by ``recognizer`` within
    what a card may print, each read merged into its line by ``merge``."""
    picked = [
        i
        for i, line in enumerate(out)
        if line is not None
        and readers[i] is engine.field_recognizer
        and wanted(jobs[i][0], jobs[i][1], line)
    ]
    if not picked:
        return
    others = recognizer([jobs[i][2] for i in picked], [engine.printed] * len(picked))
    for i, other in zip(picked, others, strict=True):
        line = out[i]
        if line is not None:
            out[i] = merge(line, other)


def printed_between(crop: np.ndarray, line: TextLine, seen: list[float]) -> list[float]:
    """``seen``, a hyphen's probability between each two characters of ``line``
    (:meth:`~processor.ocr.recognize.TextRecognizer.between`), raised to
    :data:`~processor.read.fields.PASSED_HYPHEN` between two digits where the model gave one
    less but at least :data:`~processor.read.fields.FAINT_HYPHEN` and the ``crop`` prints a
    hyphen between them (:func:`~processor.read.crops.hyphen_between`): a hyphen kerned into
    the digit before it (64-15 read 6415, the hyphen at 0.0026)."""
    out = list(seen)
    for k, (a, b) in enumerate(itertools.pairwise(line.chars)):
        if (
            fp.FAINT_HYPHEN <= seen[k] < fp.PASSED_HYPHEN
            and fp.is_digit(a.char)
            and fp.is_digit(b.char)
            and hyphen_between(crop, a.x, b.x)
        ):
            out[k] = fp.PASSED_HYPHEN
    return out


def marks_as_hyphens(crop: np.ndarray, line: TextLine) -> TextLine:
    """``line`` (an address line read from ``crop``) with each dot or comma read between two
    digits taken for a hyphen where the ``crop`` prints one there
    (:func:`~processor.read.crops.hyphen_near`: a flat mark at the digits' middle, not a
    speck at their foot): on a card ~200 px wide a hyphen is a few pixels, and 147-15号 and
    15-1-7 were read 147.15号 and 15.1.7, a dash no runner-up. No address prints a decimal
    point: a mark not taken stays dropped (:func:`~processor.read.fields.address_text`)."""
    chars = list(line.chars)
    for k in range(1, len(chars) - 1):
        before, mark, after = chars[k - 1], chars[k], chars[k + 1]
        if (
            mark.char in fp.DOT_MARKS
            and fp.is_digit(before.char)
            and fp.is_digit(after.char)
            and hyphen_near(crop, mark.x)
        ):
            chars[k] = dataclasses.replace(mark, char="-")
    return line if chars == list(line.chars) else fp.with_chars(line, chars)


def printed_ends(
    crop: np.ndarray, line: TextLine, ends: tuple[float, float]
) -> tuple[float, float]:
    """``ends``, the hyphen the model saw before ``line``'s first character and after its
    last (:meth:`~processor.ocr.recognize.TextRecognizer.ends`), kept only where the ``crop``
    prints a hyphen there: the guilloche or a speck at a line's end gave as much as a
    wrapped hyphen (0.012-0.014 before 01号 and 04室, where nothing is printed). As between
    two digits (:func:`printed_between`), one the model gave less than
    :data:`~processor.read.fields.PASSED_HYPHEN` but at least
    :data:`~processor.read.fields.FAINT_HYPHEN` is raised to it where the crop prints one: a
    wrapped hyphen at a line's very start (-4-6 under …小区19, read 46 with it at 0.0018)."""
    if not line.chars:
        return ends
    return (
        _printed_end(crop, line.chars[0].x, ends[0], before=True),
        _printed_end(crop, line.chars[-1].x, ends[1], before=False),
    )


def _printed_end(crop: np.ndarray, x: float, seen: float, *, before: bool) -> float:
    """:func:`printed_ends` at one end: ``seen`` there, the character's ink at ``x``."""
    if seen < fp.FAINT_HYPHEN:
        return seen
    printed = hyphen_beside(crop, x, before=before)
    if seen < fp.PASSED_HYPHEN:
        return fp.PASSED_HYPHEN if printed else seen
    return seen if printed else 0.0


def _readers(name: str, engine: OcrEngine, again: bool) -> tuple[TextRecognizer, ...]:
    """The recognisers that read field ``name``, in turn (the last one's read is kept)."""
    read = FIELD_READS[name]
    if again and read.again is not None:
        return (_recognizer(read.again, engine),)
    if again or read.first is None:
        return (_recognizer(read.reader, engine),)
    return (_recognizer(read.first, engine), _recognizer(read.reader, engine))


def _recognizer(which: str, engine: OcrEngine) -> TextRecognizer:
    return engine.field_recognizer if which == "field" else engine.recognizer


_FALLBACK = {"front": FRONT_FALLBACK, "back": BACK_FALLBACK}


#: A row of another field that covers this much of the band where the template places a
#: field's row is that field's row, not a stand-in for the one detection missed.
HELD_BAND = 0.5


def held_by_another(assignment: Assignment, name: str, y0: float, y1: float) -> bool:
    """Whether a row assigned to another field covers most of the band ``y0``-``y1`` where the
    template places ``name``'s row: on an outline that cut the card's top off, the gender
    row sits in the name's band (女 民族 汉 read 女星汉 and taken for the name)."""
    return any(
        min(y1, r.row.box.y1) - max(y0, r.row.box.y0) > HELD_BAND * (y1 - y0)
        for other, rows in assignment.rows.items()
        if other != name
        for r in rows
    )


def _reads_as(name: str, line: TextLine) -> bool:
    """Whether a line read where the template places field ``name`` reads like it."""
    return content_score(name, ReadRow(Row((Box(0, 0, 1, 1),)), (line,))) > 0


def field_regions(assignment: Assignment, parsed: dict[str, fp.Field]) -> FieldRegions:
    """Each field's value area: its rows without their labels (whole rows for two-value and
    several-row fields), widened to where its value may run for a field that failed (text
    not found may be washed out by glare, or faint)."""
    out: dict[str, tuple[Box, ...]] = {}
    for name, found in assignment.rows.items():
        if name not in VALUE_END_X:
            continue
        boxes = [
            r.row.box if name in WHOLE_ROWS else value_box(r, FIELD_LABELS[name]) for r in found
        ]
        failed = name in parsed and not parsed[name].ok
        out[name] = tuple(
            dataclasses.replace(b, x1=max(b.x1, VALUE_END_X[name])) if failed else b for b in boxes
        )
    return FieldRegions(out)


def is_complete(reading: CardReading | None) -> bool:
    """A reading with every field valid, on an outline where every field's rows were found."""
    return reading is not None and reading.complete


def read_more(
    readings: list[CardReading], cache: RequestCache, outlines: Callable[[], list[Quad]]
) -> None:
    """Add to ``readings`` the card read on each of ``outlines()`` whose layout passes, until
    one of them is complete; nothing (not even the outlines) once one already is."""
    if any(is_complete(r) for r in readings):
        return
    for quad in outlines():
        candidate = cache.verify(quad)
        if candidate.score < TEXT_CHECK_SCORE:
            continue
        reading = read_on(cache, candidate.upright())
        if reading is not None:
            readings.append(reading)
            if is_complete(reading):
                return


def best_reading(readings: list[CardReading]) -> CardReading | None:
    """A complete reading, else the one with the most valid fields (ties: an aligned one, then
    the earlier). Complete first: a page with both sides on it (a photocopy, two cards on a
    table) read the back whole and the front with its name lost; a front's five valid fields
    outnumber a back's two, and the front was answered 204."""
    return max(readings, key=lambda r: (r.complete, r.valid_fields, r.aligned), default=None)


#: Fields the place list knows, each with what says its value names a known place (a
#: known authority; an address beginning with a known province, prefecture and county) and
#: how many of its last characters another reading's value must end with (alike,
#: :func:`_ends_alike`) to stand in for it (an address: the same address read whole, not
#: another line taken for one; 0: none), and
#: what says a value of its may be one as long misread, which no other reading's cut short
#: stands in for (an authority: :func:`~processor.places.authority_opens`).
PLACED: dict[str, tuple[Callable[[str], bool], int, Callable[[str], bool]]] = {
    "issued_by": (authority_known, 0, authority_opens),
    "address": (lambda value: address_begins_known(fp.address_text(value)), 4, lambda _: False),
}


def _from_others(
    best: CardReading,
    readings: list[CardReading],
    name: str,
    known: Callable[[str], bool] | None = None,
    *,
    ending: str = "",
    whole: str = "",
) -> fp.Field | None:
    """The first of the other ``readings`` of ``best``'s side whose ``name`` has a value, one
    ``known`` says names a known place (None: any), that ends alike with ``ending``
    (:func:`_ends_alike`) and is not ``whole`` with its first characters cut off."""
    for theirs in _read_elsewhere(best, readings, name):
        value = theirs.value or ""
        cut = len(value) < len(whole) and whole.endswith(value)
        if (known is None or known(value)) and _ends_alike(value, ending) and not cut:
            return theirs
    return None


def _ends_alike(value: str, ending: str) -> bool:
    """Whether ``value`` ends with ``ending`` but for at most one character (one reading's
    runner-ups mended a character there that another's did not: 粮食局苑 and 租食局苑 end the
    same address)."""
    if len(value) < len(ending):
        return False
    tail = value[len(value) - len(ending) :]
    return sum(a != b for a, b in zip(tail, ending, strict=True)) <= 1


def _read_elsewhere(best: CardReading, readings: list[CardReading], name: str) -> list[fp.Field]:
    """``name`` as the other readings of ``best``'s side read it (those that read a value)."""
    found = []
    for other in readings:
        field = other.fields.get(name) if other is not best and other.side == best.side else None
        if field is not None and field.value is not None:
            found.append(field)
    return found


#: Other readings that must read a name or address alike for it to stand in for one the
#: best reading did not read (:func:`completed`): text one outline reads may be any line.
AGREED_READINGS = 2


def _agreed(
    best: CardReading, readings: list[CardReading], name: str, *, sure: bool = False
) -> fp.Field | None:
    """The value of ``name`` the other readings of ``best``'s side read, where at least
    :data:`AGREED_READINGS` of them read it and all those that read one read the same
    (``sure``: and read it sure, :attr:`~processor.read.fields.Field.sure`)."""
    found = _read_elsewhere(best, readings, name)
    return None if sure and not all(f.sure for f in found) else _alike(found)


#: Fields of the best reading (valid) that another reading must read valid and alike, none
#: otherwise, for its name or address to stand in for one the best did not read at all
#: (:func:`_vouched`).
VOUCHED_FIELDS = 3


def _vouched(best: CardReading, readings: list[CardReading], name: str) -> fp.Field | None:
    """The value of ``name`` that the other readings of ``best``'s side read alike, where
    one of them read at least :data:`VOUCHED_FIELDS` of ``best``'s other valid fields valid
    and as ``best`` did, and none of them otherwise: the same card on an outline that kept
    the row ``best``'s cut off (林桂 read on the one outline that did not cut a tilted
    card's top, its gender, birth and address as on the outline that read the rest)."""
    found = [
        other
        for other in readings
        if other is not best
        and other.side == best.side
        and other.fields.get(name, fp.MISSING).value is not None
    ]
    if len({other.fields[name].value for other in found}) != 1:
        return None
    for other in found:
        shared = [
            key
            for key, field in best.fields.items()
            if key != name and field.ok and other.fields.get(key, fp.MISSING).ok
        ]
        if len(shared) >= VOUCHED_FIELDS and all(
            other.fields[key].value == best.fields[key].value for key in shared
        ):
            return other.fields[name]
    return None


def _alike(found: list[fp.Field]) -> fp.Field | None:
    """The first of ``found`` where there are :data:`AGREED_READINGS` or more, all alike."""
    return (
        found[0] if len(found) >= AGREED_READINGS and len({f.value for f in found}) == 1 else None
    )


def _continued(best: CardReading, readings: list[CardReading], own: fp.Field) -> fp.Field:
    """``own``, ``best``'s address, or where :data:`AGREED_READINGS` or more of the other
    readings of its side read it on, all alike, their longer address: what one outline lost
    (a last line under a photocopy's watermark: …大营街道 for …大营街道下湾村4组115号) is
    printed, never dropped."""
    if own.value is None:
        return own
    found = _read_elsewhere(best, readings, "address")
    longer = [
        f for f in found if f.value and f.value != own.value and f.value.startswith(own.value)
    ]
    return _alike(longer) or own


def completed(best: CardReading, readings: list[CardReading]) -> CardReading:
    """``best`` with its failed fields that have a real check (not name or address, which
    almost any text passes) taken from another reading of the same side that validated
    them; a name or address it did not read at all, from the others where
    :data:`AGREED_READINGS` of them read it alike and none otherwise (a bilingual front
    whose 姓 stands below 名: the outline that read the number did not read the name,
    four others read 魏惠月 and no number) or where one of them read the rest of the card
    alike (:func:`_vouched`), or read unsure where the others read it alike and
    sure (膨龟湾 at 0.28 on an outline a thumb pulled askew, 次仁拉姆 on three others); an
    issuing authority or an address that names no known place (:data:`PLACED`) taken from
    one that does (a character misread past what its runner-ups correct: 马山首公安局 on one
    outline, 马山县公安局 on another; an address's first line read as 盟 on one, 江西省抚州市
    资溪县 on another); an address other readings read on, alike, taken
    whole (:func:`_continued`); a front is cross-checked against its id number again."""
    fields = dict(best.fields)
    for name, found in best.fields.items():
        if not found.ok:
            # a name or address where others agree, or where one other reading read the
            # rest of the card alike; a field with a real check from any other
            if name in fp.WEAK_FIELDS:
                taken = _agreed(best, readings, name) or _vouched(best, readings, name)
            else:
                taken = _from_others(best, readings, name)
            fields[name] = taken or found
        elif name in fp.WEAK_FIELDS and not found.sure:
            # a name or address read unsure, where the others read it alike and sure; never
            # an address naming a known place by one that names none (波西路65弄… read sure
            # on two outlines that cut its first line, 广东省珠海市斗门区花招西路65弄… unsure)
            agreed = _agreed(best, readings, name, sure=True)
            if agreed is not None and name in PLACED and found.value is not None:
                known = PLACED[name][0]
                if known(found.value) and not known(agreed.value or ""):
                    agreed = None
            fields[name] = agreed or found
    for name, (known, tail, misread_whole) in PLACED.items():
        own = fields.get(name)
        if own is None or own.value is None or known(own.value):
            continue
        ending = own.value[-tail:] if tail else ""
        # not a value another outline cut short where this one may be one as long misread
        # (玛南县公安局 here, 南县公安局 on an outline that cut off its 玛)
        whole = own.value if misread_whole(own.value) else ""
        fields[name] = _from_others(best, readings, name, known, ending=ending, whole=whole) or own
    if "address" in fields:
        fields["address"] = _continued(best, readings, fields["address"])
    if fields == best.fields:
        return best
    if best.side == "front":
        fields = fp.reconcile_front(fields)
    return dataclasses.replace(best, fields=fields)
