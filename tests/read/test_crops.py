"""Crops without models: a segment with blank around it, a line run on as far as its ink goes."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from processor.card.layout import Row
from processor.card.template import PORTRAIT_TEXT_X0
from processor.read.assign import CHAR_LEAD, Assignment, ReadRow
from processor.read.crops import (
    CHAR_INSET,
    FAINT_VALUE,
    STROKE_SHARE,
    blank_between,
    bridge_gaps,
    char_contrasts,
    char_size,
    continues_line,
    hyphen_beside,
    hyphen_between,
    hyphen_near,
    ink_after,
    ink_before,
    ink_below,
    ink_contrast,
    ink_past,
    laid_over_tail,
    off_neighbours,
    printed_end,
    printed_segments,
    printed_span,
    segment_crop,
    split_stacked,
    trailing_ink,
    with_ink,
    without_colour,
)
from processor.read.fields import PASSED_HYPHEN
from processor.read.reading import (
    address_tail,
    card_text,
    marks_as_hyphens,
    printed_between,
    printed_ends,
    race_after,
    race_tail,
    short_tail,
)
from processor.values import Box, CharCandidate, TextLine
from synthcards.fonts import font
from tests.conftest import text_line


def _line_image(tail: str) -> tuple[np.ndarray, int]:
    """A 48 px text line: dark blocks for characters up to ``text_end``, then ``tail``."""
    rng = np.random.default_rng(0)
    line = np.full((48, 400, 3), 225, np.uint8)
    for x in range(0, 290, 44):  # "characters": dark blocks with gaps, the last to x 302
        line[10:38, x + 4 : x + 38] = 40
    line[:, :, :] = np.clip(line + rng.integers(-6, 6, line.shape), 0, 255).astype(np.uint8)
    if tail == "yi":  # 一: one thin horizontal stroke a small gap after the last character
        line[22:27, 316:350] = 40
    elif tail == "flat_yi":  # ... printed thinner (3 px: fewer than a twelfth of the rows)
        line[23:26, 316:350] = 40
    elif tail == "yi_yi":  # 一一 printed touching: one stroke two characters long
        line[22:27, 316:392] = 40
    elif tail == "two_chars":  # two more characters the detector's box left out
        line[10:38, 310:344] = 40
        line[10:38, 354:388] = 40
    elif tail == "specks":  # dust: dots of a few pixels
        for x in (318, 334, 352):
            line[20:23, x : x + 3] = 40
    elif tail == "guilloche":  # the card's light wavy pattern only
        for x in range(306, 400):
            y = int(24 + 10 * np.sin(x / 6))
            line[y : y + 2, x] = 190
    return line, 306  # the detector's box ends a little after the last ink


@pytest.mark.parametrize(
    ("tail", "runs_on"),
    [("yi", True), ("flat_yi", True), ("blank", False), ("guilloche", False), ("specks", False)],
)
def test_trailing_ink(tail: str, runs_on: bool) -> None:
    line, end = _line_image(tail)
    extra = trailing_ink(line, end)
    if runs_on:
        assert 44 <= extra <= 56  # to the stroke's end (x 350), and a little margin
    else:
        assert extra == 0


@pytest.mark.parametrize(
    ("tail", "flat", "end"),
    [
        # a name's flat stroke runs on for two characters (44 px each here) ...
        ("yi_yi", True, 392),
        ("yi", True, 350),
        # ... other ink for one: a character left out past that is not the value's tail
        ("two_chars", True, 350),
        # an address's tail stops after one character, flat or not (at TRAIL: 44 px)
        ("yi_yi", False, 350),
        ("blank", True, 306),
    ],
)
def test_ink_past_runs_a_flat_stroke_on_further(tail: str, flat: bool, end: int) -> None:
    line, box_end = _line_image(tail)
    card = np.full((400, 1257, 3), 225, np.uint8)  # a character 44 px: TRAIL of 1257 px
    card[176:224, :400] = line
    box = Box(0.0, 180 / 400, box_end / 1257, 220 / 400)
    extra = ink_past(card, box, 0.6, flat=flat)
    assert end - box_end - 3 <= extra <= end - box_end + 8


def _name_line(glyphs: Sequence[tuple[int, str, float]]) -> tuple[np.ndarray, TextLine]:
    """A name's line crop (48 px high, its characters 40 px square and 44 px apart on paper
    at 225), each character drawn at its grey level as a square's strokes (three bars across
    and one down) or as one thin bar (一), or left blank (a space: nothing read there), read
    at its probability where the recogniser reads (0.75 of its width from its start)."""
    line = np.full((48, 44 * len(glyphs) + 8, 3), 225, np.uint8)
    chars = []
    for k, (level, shape, prob) in enumerate(glyphs):
        x0 = 8 + 44 * k
        if shape == " ":
            continue
        if shape in ("一", "-"):  # a flat stroke
            line[23:25, x0 : x0 + 36] = level
        else:
            for y in (6, 22, 38):
                line[y : y + 4, x0 : x0 + 36] = level
            line[6:42, x0 + 16 : x0 + 20] = level
        chars.append(CharCandidate(shape, prob, "", 0.0, x=(x0 + 30) / line.shape[1]))
    return line, TextLine("".join(c.char for c in chars), 0.99, tuple(chars))


@pytest.mark.parametrize(
    ("glyphs", "printed"),
    [
        # a name, then a watermark's phrase boxed with it, printed pale: left off
        ("DDDPPPP", (0, 3)),
        ("DDPP", (0, 2)),
        # a name printed alike, or fading under glare, or its first character pale: whole
        ("DDDD", (0, 4)),
        ("DdpP", (0, 4)),
        ("PDDD", (0, 4)),
        ("PDD", (0, 3)),
        # one pale character at the end may be the name's own, washed out: kept
        ("DDDP", (0, 4)),
        # a name is two characters at least: what follows its first is never all cut
        ("DPPP", (0, 4)),
        # a thin character is no paler for its few strokes (张一一)
        ("D一一", (0, 3)),
        ("DD一一", (0, 4)),
        # one pale character at either end, read unsurely: the label's last character
        # before the name, a speck after it; left off
        ("P?DDD", (1, 4)),
        ("DDP?", (0, 2)),
        ("P?DDP?", (1, 3)),
        ("P?DDDPPP", (1, 4)),
        # ... or more: the whole label boxed with the name on a photocopy (姓名 read 性员, a
        # comma for the gap after it), specks after it
        ("P?P?DDD", (2, 5)),
        ("P?P?P?DD", (3, 5)),
        ("DDDP?P?", (0, 3)),
        ("P?D?DD", (1, 4)),
        # ... but not one printed as dark as the name, nor a name's own read unsurely
        ("D?DD", (0, 3)),
        ("DDd?", (0, 3)),
        # ... and a name keeps two characters
        ("DP?", (0, 2)),
    ],
)
def test_printed_span_leaves_pale_ends_off(glyphs: str, printed: tuple[int, int]) -> None:
    # D d p P: ink from dark to pale; a glyph followed by ? is read unsurely (0.4)
    levels = {"D": (40, "字"), "d": (90, "字"), "p": (130, "字"), "P": (190, "字")}
    shapes = re.findall(r".\??", glyphs)
    line, text = _name_line(
        [(*levels.get(g[0], (40, g[0])), 0.4 if g.endswith("?") else 0.99) for g in shapes]
    )
    assert printed_span(line, text, CHAR_LEAD) == printed


@pytest.mark.parametrize(
    ("glyphs", "printed"),
    [
        # an address line, then a watermark's phrase read on in its box, printed pale on
        # its own pitch (a blank before it)
        ("DDDDDD_PP", 6),
        ("DDDDdD_P_P", 6),
        ("DDDDdD__PPP", 6),
        # ... not a tail as pale where the line's characters stand: glare fading its end
        ("DDDDDDPP", 8),
        ("DDDDDdpPP", 9),
        # a line printed alike, or one pale character at its end: whole
        ("DDDDDD", 6),
        ("DDDDD_P", 6),
        # a line crossed by the watermark mid-way (its characters paler): the tail measured
        # against those, and kept
        ("DDpPDD_PP", 8),
        # the first two characters stay, however pale what follows
        ("DD_PPP", 2),
        ("DPPP", 4),
        ("P_PPP", 4),
    ],
)
def test_printed_end_leaves_a_pale_tail_past_a_blank_off(glyphs: str, printed: int) -> None:
    # D d p P: ink from dark to pale, as for the name; _ a blank a character wide
    levels = {"D": 40, "d": 90, "p": 130, "P": 190}
    shape = {"_": " "}
    line, text = _name_line([(levels.get(g, 0), shape.get(g, "字"), 0.99) for g in glyphs])
    assert printed_end(line, text, CHAR_LEAD) == printed


@pytest.mark.parametrize(
    ("glyphs", "printed"),
    [
        # a watermark's character read at an address line's or a name's end, far fainter
        # than the two before it (…1803室|记, …2804室|办): left off ...
        ("DDDDDW", 5),
        ("DDW", 2),
        ("dDDW", 3),
        # ... or several: a watermark's phrase read on past the value
        ("DDDDWW", 4),
        ("DDDDDWWW", 5),
        # a line fading under glare: its end as faint as the characters before it, or a
        # little fainter, is printed
        ("DDDdpp", 6),
        ("DDDDDp", 6),
        ("DDDdW", 5),
        ("DDDDpW", 6),
        # a line's start is not this rule's (a wrapped line's first character washed out
        # alone is printed), nor a pale character mid-line
        ("WDDDDD", 6),
        ("DDWDDD", 6),
        ("DDWDDW", 5),
        # a hyphen or 一 is thin by nature: kept however pale (…路33-, 八一)
        ("DD-", 3),
        ("DDD一", 4),
        # too short to tell: whole
        ("DW", 2),
    ],
)
def test_laid_over_tail_leaves_far_fainter_end_characters_off(glyphs: str, printed: int) -> None:
    # D d p: ink from dark (185 below the paper) to pale under glare (95); W a watermark's
    # stroke (55: 0.3 of the darkest); - and 一 as pale
    levels = {
        "D": (40, "字"),
        "d": (90, "字"),
        "p": (130, "字"),
        "W": (170, "字"),
        "-": (170, "-"),
        "一": (170, "一"),
    }
    line, text = _name_line([(*levels[g], 0.99) for g in glyphs])
    assert laid_over_tail(with_ink(line, text, CHAR_LEAD)) == printed


@pytest.mark.parametrize(("tail", "runs_on"), [("yi", True), ("blank", False)])
def test_ink_before_a_box_is_trailing_ink_mirrored(tail: str, runs_on: bool) -> None:
    line, end = _line_image(tail)
    card = np.full((400, 400, 3), 225, np.uint8)
    card[176:224] = line[:, ::-1]  # the 一 now left of the characters, the box from x 94
    box = Box((400 - end) / 400, 186 / 400, 1.0, 214 / 400)
    lead = ink_before(card, box, 0.0) * 400
    if runs_on:
        assert 44 <= lead <= 60  # to the stroke's start (x 50)
    else:
        assert lead == 0
    assert ink_before(card, box, box.x0) == 0  # not left of where it may start


@pytest.mark.parametrize(
    ("box", "extra", "expected"),
    [
        # 1280 x 807 card; a box 0.06 high reads 0.08 of that above and below (y 238-294)
        # and a quarter of the crop's 56 px height either side (14 px)
        (Box(0.10, 0.30, 0.40, 0.36), 0, (238, 294, 114, 526)),
        (Box(0.10, 0.30, 0.40, 0.36), 30, (238, 294, 114, 556)),  # its ink runs on
        (Box(0.00, 0.30, 1.00, 0.36), 0, (238, 294, 0, 1280)),  # clipped to the card
        (Box(0.50, 0.30, 0.501, 0.301), 0, None),  # under 4 px high
    ],
)
def test_segment_crop(box: Box, extra: int, expected: tuple[int, int, int, int] | None) -> None:
    card = np.arange(807 * 1280, dtype=np.int64).reshape(807, 1280)
    crop = segment_crop(np.dstack([card] * 3), box, extra)
    if expected is None:
        assert crop is None
        return
    assert crop is not None
    y0, y1, x0, x1 = expected
    assert crop.shape[:2] == (y1 - y0, x1 - x0)
    assert crop[0, 0, 0] == y0 * 1280 + x0  # the crop's top-left pixel is (x0, y0)


def _card_with(inks: list[int]) -> np.ndarray:
    """A grey card 1000 x 600 with one row of text boxes, the i-th drawn in grey ``inks[i]``
    (strokes 10 px wide) on paper 230."""
    card = np.full((600, 1000), 230, np.uint8)
    for i, ink in enumerate(inks):
        x0 = 100 + 250 * i
        for x in range(x0 + 10, x0 + 190, 40):
            card[310:350, x : x + 10] = ink
    return card


def _box(i: int) -> Box:
    return Box((100 + 250 * i) / 1000, 0.5, (300 + 250 * i) / 1000, 0.6)


def test_ink_contrast_is_how_much_darker_than_its_paper_the_ink_is() -> None:
    card = _card_with([20, 180])
    assert ink_contrast(card, _box(0)) == pytest.approx(210)
    assert ink_contrast(card, _box(1)) == pytest.approx(50)
    assert ink_contrast(card, Box(0.5, 0.5, 0.5005, 0.5005)) == 0.0


def test_printed_segments_leaves_out_what_is_printed_fainter_than_the_value() -> None:
    # black value text, a light watermark beside it, a continuation row in black
    card = _card_with([20, 180, 40])
    rows = [[_box(0), _box(1)], [_box(2)]]
    assert printed_segments(card, rows) == [[_box(0)], [_box(2)]]
    # a value alone is kept however faint; so are values printed alike
    assert printed_segments(card, [[_box(1)]]) == [[_box(1)]]
    assert printed_segments(card, [[_box(0)], [_box(2)]]) == [[_box(0)], [_box(2)]]


def _card_lines(lines: list[tuple[Box, int]]) -> np.ndarray:
    """A grey card 1280 x 808 with a text line drawn in grey ``ink`` in each box."""
    card = np.full((808, 1280), 235, np.uint8)
    for box, ink in lines:
        x0, x1 = int(box.x0 * 1280), int(box.x1 * 1280)
        y0, y1 = int(box.y0 * 808), int(box.y1 * 808)
        for x in range(x0 + 6, x1 - 6, 24):
            card[y0 + 4 : y1 - 4, x : x + 8] = ink
    return card


FIRST = Box(0.198, 0.592, 0.619, 0.671)  # an address's first line
NEXT = Box(0.194, 0.679, 0.359, 0.753)  # its next line, in its column, as tall
SHORT = Box(0.196, 0.679, 0.500, 0.720)  # a minority-script line: in the column, shorter
ASIDE = Box(0.400, 0.679, 0.600, 0.753)  # a watermark: as tall, not in the column
AFAR = Box(0.194, 0.860, 0.359, 0.934)  # in the column, as tall, but a line further down


@pytest.mark.parametrize(
    ("faint", "kept"),
    [(NEXT, True), (SHORT, False), (ASIDE, False), (AFAR, False)],
    ids=["next-line", "shorter-line", "not-in-column", "not-next"],
)
def test_a_faint_line_is_kept_where_the_value_continues(faint: Box, kept: bool) -> None:
    # glare washes out an address's second line to a watermark's contrast (87 against 35)
    card = _card_lines([(FIRST, 148), (faint, 200)])
    assert ink_contrast(card, faint) < FAINT_VALUE * ink_contrast(card, FIRST)
    assert printed_segments(card, [[FIRST], [faint]]) == [[FIRST], [faint] if kept else []]


SECOND = Box(0.198, 0.679, 0.619, 0.753)  # an address's second line, as long as the first
WASHED = Box(0.240, 0.592, 0.619, 0.671)  # its first line, 安 washed out: a character late
LATE = Box(0.330, 0.592, 0.619, 0.671)  # starting three characters late: no wrapped line


@pytest.mark.parametrize(
    ("faint", "kept"),
    [(WASHED, True), (LATE, False)],
    ids=["first-characters-washed-out", "starts-too-late"],
)
def test_a_faint_first_line_is_kept_where_it_ends_at_the_values_column(
    faint: Box, kept: bool
) -> None:
    # sheen over an address's first line (contrast 43 against 74): glare took its first
    # character too, so it starts right of the column; it ends where the next line does
    card = _card_lines([(faint, 200), (SECOND, 148)])
    assert ink_contrast(card, faint) < FAINT_VALUE * ink_contrast(card, SECOND)
    assert printed_segments(card, [[faint], [SECOND]]) == [[faint] if kept else [], [SECOND]]


def test_a_third_faint_line_continues_the_second() -> None:
    third = Box(0.194, 0.761, 0.300, 0.835)
    card = _card_lines([(FIRST, 148), (NEXT, 200), (third, 200)])
    assert printed_segments(card, [[FIRST], [NEXT], [third]]) == [[FIRST], [NEXT], [third]]
    assert continues_line(FIRST, NEXT, (1280, 808)) and continues_line(NEXT, FIRST, (1280, 808))


REST = Box(0.217, 0.464, 0.425, 0.542)  # 马鞍山市雨山区, after a washed-out 安徽省


@pytest.mark.parametrize(
    ("faint", "kept"),
    [
        (Box(0.084, 0.474, 0.135, 0.536), True),  # before it, level, boxed lower
        (Box(0.020, 0.474, 0.071, 0.536), False),  # more than a segment's gap before it
        (Box(0.084, 0.420, 0.135, 0.482), False),  # before it but not level with it
        (Box(0.084, 0.452, 0.135, 0.554), True),  # before it, level, a little taller
        (Box(0.084, 0.418, 0.135, 0.588), False),  # before it, level, twice as tall
    ],
    ids=["washed-start", "too-far", "not-level", "taller", "twice-as-tall"],
)
def test_a_lines_washed_out_start_is_kept_before_its_rest(faint: Box, kept: bool) -> None:
    # glare over an address's first line on a third-family photo (probe seed 52, hard #54):
    # 安徽省 (contrast 29) boxed apart from 马鞍山市雨山区 (50), and left out: 鞍山市雨山区
    card = _card_lines([(faint, 205), (REST, 150)])
    assert ink_contrast(card, faint) < FAINT_VALUE * ink_contrast(card, REST)
    assert printed_segments(card, [[faint, REST]]) == [[faint, REST] if kept else [REST]]
    # a faint phrase after a value, level with it, is an overlaid watermark's: left out
    after = Box(0.45, 0.474, 0.55, 0.536)
    card = _card_lines([(REST, 150), (after, 205)])
    assert printed_segments(card, [[REST, after]]) == [[REST]]


def _label_run_into_value(gap: int) -> np.ndarray:
    """A grey card 1000 px wide: a label's last character (two parts 4 px apart, as 土 and 止
    of 址) at x 96-134, then ``gap`` blank columns, then the value's first character (two
    parts, as 礻 and 焦 of 禚, 4 px apart 12 px into it)."""
    card = np.full((200, 1000), 230, np.uint8)
    card[70:130, 96:113] = 120
    card[70:130, 117:134] = 120
    card[70:130, 134 + gap : 180 + gap] = 30
    card[70:130, 146 + gap : 150 + gap] = 230
    return card


@pytest.mark.parametrize(
    ("gap", "expected"),
    [(6, 136.0), (0, 116.0)],
    ids=["apart", "touching: the label's own blank"],
)
def test_a_label_run_into_its_value_is_cut_at_the_blank_between(gap: int, expected: float) -> None:
    # 住址 printed close before 重庆市 in one box (probe seed 52, hard #98): the last blank
    # from the label's last centre (115) halfway to the value's first (157 + gap / 2); not
    # the blank within the value's first character past halfway (禚 read 焦, tuned seed 23
    # rare #3, where the cut went to the blank nearest halfway)
    card = _label_run_into_value(gap)
    box = Box(0.05, 0.3, 0.6, 0.7)
    cut = blank_between(card, box, 0.115, (157 + gap / 2) / 1000)
    assert cut is not None
    assert cut * 1000 == pytest.approx(expected, abs=1.0)
    # no blank column between them: no cut
    assert blank_between(card, box, 0.100, 0.110) is None


def _stacked_card(gap: int, noise: bool) -> tuple[np.ndarray, list[Box]]:
    """Four ordinary line boxes and one box over two lines: a short line (a minority script)
    above a line of characters, ``gap`` px apart, on paper crossed by faint guilloche."""
    card = np.full((808, 1280), 235, np.uint8)
    if noise:
        card[::7, :] = 200  # faint lines across everything, the blank between the lines too
    for x in range(130, 330, 40):  # the big line: 30 px tall strokes
        card[300:330, x : x + 20] = 40
    for x in range(130, 250, 20):  # the small line above it
        card[300 - gap - 14 : 300 - gap, x : x + 10] = 90
    stacked = Box(120 / 1280, (300 - gap - 18) / 808, 340 / 1280, 334 / 808)
    lines = [Box(0.1, y, 0.4, y + 40 / 808) for y in (0.05, 0.55, 0.7, 0.85)]
    return card, [*lines, stacked]


@pytest.mark.parametrize("noise", [False, True], ids=["clean", "guilloche"])
def test_a_box_over_two_stacked_lines_is_read_as_two(noise: bool) -> None:
    card, boxes = _stacked_card(gap=8, noise=noise)
    out = split_stacked(card, boxes)
    assert out[:4] == boxes[:4] and len(out) == 6
    top, bottom = out[4:]
    # split in the blank between them (rows 292-300)
    assert 291 <= top.y1 * 808 <= bottom.y0 * 808 <= 301 < bottom.y1 * 808


@pytest.mark.parametrize("noise", [False, True], ids=["clean", "guilloche"])
def test_a_short_line_under_a_long_one_is_split_off(noise: bool) -> None:
    """An address's last line of one character (号) that the detector boxed with the line
    above: its rows are light beside the long line's, yet they are a line, not the blank."""
    card = np.full((808, 1280), 235, np.uint8)
    if noise:
        card[::7, :] = 200
    for x in range(130, 730, 40):  # the long line: 30 px tall strokes
        card[300:330, x : x + 20] = 40
    card[346:376, 130:136] = card[346:376, 154:160] = 40  # one character below it: 口
    for y in (346, 372):
        card[y : y + 4, 130:160] = 40
    tall = Box(120 / 1280, 296 / 808, 740 / 1280, 380 / 808)
    lines = [Box(0.1, y, 0.6, y + 40 / 808) for y in (0.05, 0.15, 0.7, 0.85)]
    out = split_stacked(card, [*lines, tall])
    assert out[:4] == lines and len(out) == 6
    top, bottom = out[4:]
    assert 329 <= top.y1 * 808 <= bottom.y0 * 808 <= 347  # in the blank rows 330-346
    # the long line keeps the box's width; the character is cut to its own (口, 130-160 px),
    # not read with the guilloche across the rest of the width
    assert (top.x0, top.x1) == (tall.x0, tall.x1)
    assert (bottom.x0 * 1280, bottom.x1 * 1280) == pytest.approx((130, 160))


def _sparse_character(card: np.ndarray, x: int, y: int) -> None:
    """号 in thin strokes, 30 px tall: across a wide box most of its rows hold less ink than
    the paper's speckle (a vertical stroke 2 px wide), only its horizontals more."""
    for yy in (y, y + 10, y + 17, y + 27):
        card[yy : yy + 3, x : x + 30] = 40
    card[y : y + 10, x : x + 2] = card[y : y + 10, x + 28 : x + 30] = 40
    card[y + 17 : y + 30, x + 26 : x + 28] = 40


def _long_line(card: np.ndarray, y: int) -> None:
    for x in range(130, 730, 40):  # 30 px tall strokes
        card[y : y + 30, x : x + 20] = 40


def _close_lines(*lines: int, tall: tuple[int, int]) -> tuple[np.ndarray, list[Box], Box]:
    """A card with long lines at the rows ``lines`` then 号 alone, 8 px under the last, the
    box over them spanning the rows ``tall``, and four ordinary line boxes elsewhere."""
    card = np.full((808, 1280), 235, np.uint8)
    for y in lines:
        _long_line(card, y)
    _sparse_character(card, 130, lines[-1] + 38)
    others = [Box(0.1, y, 0.6, y + 40 / 808) for y in (0.05, 0.15, 0.7, 0.85)]
    return card, others, Box(120 / 1280, tall[0] / 808, 740 / 1280, tall[1] / 808)


@pytest.mark.parametrize("noise", [False, True], ids=["clean", "guilloche"])
def test_a_thin_last_line_printed_close_under_a_long_one_is_split_off(noise: bool) -> None:
    """号 alone on an address's last line, 8 px under the line before, in one box: over the
    box's width most of its rows look blank, so no band leaves a line under it; over the
    box's start (where a value's lines start) it is a line as dark as the one above."""
    card, lines, tall = _close_lines(300, tall=(296, 372))
    if noise:
        card[::7, :] = np.minimum(card[::7, :], 200)  # faint lines across the paper
    out = split_stacked(card, [*lines, tall])
    assert out[:4] == lines and len(out) == 6
    top, bottom = out[4:]
    assert 329 <= top.y1 * 808 <= bottom.y0 * 808 <= 339  # in the blank rows 330-338
    assert (bottom.x0 * 1280, bottom.x1 * 1280) == pytest.approx((130, 160))


def test_three_lines_printed_close_in_one_box_are_split_into_three() -> None:
    """An address's three lines, the last 号 alone, the detector's one box over all three:
    each line split off that is still two lines tall is split again."""
    card, lines, tall = _close_lines(260, 298, tall=(256, 370))
    out = split_stacked(card, [*lines, tall])
    assert out[:4] == lines and len(out) == 7
    first, second, third = (round(b.y0 * 808) for b in out[4:])
    assert first == 256 and 290 <= second <= 298 and 328 <= third <= 336


def test_a_character_of_two_parts_at_a_tall_lines_start_is_not_split() -> None:
    """龚 (龙 over 共) starting a name printed larger than the other lines: the strip over
    the line's start is blank between its parts, but the characters beside it are not."""
    card = np.full((808, 1280), 235, np.uint8)
    card[300:322, 130:170:4] = card[330:358, 130:170:4] = 40  # the two parts, 8 px apart
    for x in range(215, 415, 50):
        card[300:358, x : x + 40 : 4] = 40
    tall = Box(120 / 1280, 296 / 808, 420 / 1280, 362 / 808)
    lines = [Box(0.1, y, 0.6, y + 40 / 808) for y in (0.05, 0.15, 0.7, 0.85)]
    assert split_stacked(card, [*lines, tall]) == [*lines, tall]


def test_a_line_of_characters_with_gaps_across_them_is_kept_whole() -> None:
    """三 三 三: blank rows between the strokes of every character are not a line's end."""
    card = np.full((808, 1280), 235, np.uint8)
    for x in range(130, 530, 40):
        for y in (300, 313, 326):
            card[y : y + 4, x : x + 30] = 40
    tall = Box(120 / 1280, 296 / 808, 540 / 1280, 334 / 808)
    lines = [Box(0.1, y, 0.6, y + 20 / 808) for y in (0.05, 0.15, 0.7, 0.85)]
    assert split_stacked(card, [*lines, tall]) == [*lines, tall]


def _touching_label(beside: bool) -> tuple[np.ndarray, list[Box], Box]:
    """A label box over a thin script's line (a head stroke, stems reaching down into the
    line below: no blank row between them) and the label's characters; ``beside``: with the
    boxes of the value's script line and of its characters' line right of it."""
    card = np.full((808, 1280), 235, np.uint8)
    card[262:266, 130:210] = 60  # the script's head stroke
    for x in range(132, 210, 12):
        card[262:302, x : x + 2] = 60  # thin stems, down into the characters' top
    for x in (130, 170):  # two characters of strokes 28 px tall
        card[302:330, x : x + 30 : 3] = 40
        for y in range(302, 330, 6):
            card[y : y + 3, x : x + 30] = 40
    label = Box(125 / 1280, 258 / 808, 215 / 1280, 334 / 808)
    lines = [Box(0.1, y, 0.6, y + 36 / 808) for y in (0.05, 0.15, 0.7, 0.85)]
    value = [Box(250 / 1280, y0 / 808, 700 / 1280, y1 / 808) for y0, y1 in ((258, 296), (298, 334))]
    value = value if beside else []
    return card, [*lines, *value], label


def test_a_label_whose_script_line_touches_it_is_split_where_the_value_beside_starts() -> None:
    card, boxes, label = _touching_label(beside=True)
    out = split_stacked(card, [*boxes, label])
    assert out[:6] == boxes and len(out) == 8
    top, bottom = out[6:]
    assert 294 <= top.y1 * 808 == bottom.y0 * 808 <= 303  # the stems' thin rows, 266-302


def test_a_label_with_touching_lines_and_nothing_beside_is_kept_whole() -> None:
    card, boxes, label = _touching_label(beside=False)
    assert split_stacked(card, [*boxes, label]) == [*boxes, label]


def test_a_tall_line_is_not_split_at_the_top_of_a_smaller_label_beside_it() -> None:
    """A value in a bigger type than its label, bottoms aligned: its ink is full at the
    label's top, so that top is no line's start within it."""
    card = np.full((808, 1280), 235, np.uint8)
    for x in range(300, 500, 50):
        card[280:334, x : x + 44 : 4] = 40
        for y in range(280, 334, 7):
            card[y : y + 3, x : x + 44] = 40
    value = Box(295 / 1280, 276 / 808, 500 / 1280, 338 / 808)
    label = Box(120 / 1280, 300 / 808, 260 / 1280, 338 / 808)
    lines = [Box(0.1, y, 0.6, y + 36 / 808) for y in (0.05, 0.15, 0.7, 0.85)]
    assert split_stacked(card, [*lines, label, value]) == [*lines, label, value]


def test_a_tall_single_line_and_a_lone_box_are_kept_whole() -> None:
    card, boxes = _stacked_card(gap=0, noise=False)
    assert split_stacked(card, boxes) == boxes  # no blank band across it
    card, boxes = _stacked_card(gap=8, noise=False)
    assert split_stacked(card, boxes[-3:]) == boxes[-3:]  # too few boxes to know a line's height


@pytest.mark.parametrize("tall_x0", [0.90, 0.30])
def test_the_part_of_a_split_box_beside_the_portrait_is_no_text(tall_x0: float) -> None:
    """A box the detector drew down the card's right edge, from beside the portrait to its
    bottom (a shadow, the artwork's edge): split in two, its part beside the portrait is left
    out like any box there (it read as a stray 明 after an address). The same box left of
    the portrait is text and stays, both parts. A box above the portrait is no text either
    (nothing is printed there: a paper under the card, read 货 and taken for the name)."""
    card = np.full((808, 1280), 235, np.uint8)
    x0 = int(tall_x0 * 1280)
    card[490:600, x0 + 5 : x0 + 60] = 40  # beside the portrait (it ends at 0.78 = 630 px)
    card[640:795, x0 + 5 : x0 + 60] = 40  # below it
    tall = Box(tall_x0, 485 / 808, tall_x0 + 0.05, 800 / 808)
    lines = [Box(0.1, y, 0.5, y + 40 / 808) for y in (0.05, 0.15, 0.3, 0.45)]
    # a paper's line under the card, above the portrait, on an outline grown over it
    above = Box(0.85, 0.04, 1.0, 0.19)
    out = card_text(card, [*lines, tall, above])
    assert out[:4] == lines
    pieces = out[4:]
    if tall_x0 > PORTRAIT_TEXT_X0:
        assert len(pieces) == 1 and pieces[0].y0 * 808 >= 600  # the part below it only
    else:
        assert len(pieces) == 2


LINE_H = 56 / 808  # a value line 56 px high on the 1280 x 808 card


def _seg(x0: float, x1: float) -> Box:
    return Box(x0, 0.5, x1, 0.5 + LINE_H)


@pytest.mark.parametrize(
    ("segments", "others", "joined"),
    [
        # a gap of two characters (faint under glare): one line
        ([_seg(0.07, 0.32), _seg(0.40, 0.61)], [], [(0.07, 0.61)]),
        # ... unless a segment left out (a watermark) lies in it
        ([_seg(0.07, 0.32), _seg(0.40, 0.61)], [_seg(0.33, 0.39)], [(0.07, 0.32), (0.40, 0.61)]),
        # a gap of four line heights: the value ended, something else follows
        ([_seg(0.07, 0.32), _seg(0.52, 0.61)], [], [(0.07, 0.32), (0.52, 0.61)]),
        # three pieces, the first two close: those two joined
        ([_seg(0.1, 0.2), _seg(0.22, 0.3), _seg(0.6, 0.7)], [], [(0.1, 0.3), (0.6, 0.7)]),
        ([_seg(0.1, 0.2)], [], [(0.1, 0.2)]),
    ],
)
def test_bridge_gaps(
    segments: list[Box], others: list[Box], joined: list[tuple[float, float]]
) -> None:
    out = bridge_gaps(segments, others, (808, 1280, 3))
    assert [(b.x0, b.x1) for b in out] == joined
    assert all(b.y0 == 0.5 and b.y1 == 0.5 + LINE_H for b in out)


def _value_crop(overlay: tuple[int, int, int] | None) -> np.ndarray:
    """A value's line: black blocks on a pale card, a watermark's strokes in ``overlay``
    (BGR, at a third of its strength) across it."""
    crop = np.full((48, 300, 3), (214, 222, 228), np.uint8)
    for x in range(0, 200, 44):
        crop[10:38, x + 4 : x + 38] = (38, 36, 40)
    if overlay is not None:
        for x in range(0, 300, 12):  # diagonal strokes over print and paper alike
            for y in range(48):
                xs = slice(x + y // 2, x + y // 2 + 4)
                crop[y, xs] = (crop[y, xs] * 0.66 + np.array(overlay) * 0.34).astype(np.uint8)
    return crop


@pytest.mark.parametrize("overlay", [(40, 40, 200), (200, 80, 40)])  # red, blue
def test_colour_laid_over_a_value_fades_into_the_paper(overlay: tuple[int, int, int]) -> None:
    crop = _value_crop(overlay)
    clean = without_colour(crop)
    # right of the print the watermark's strokes, as grey as 190, are all but paper ...
    assert cv2.cvtColor(crop[:, 220:], cv2.COLOR_BGR2GRAY).min() < 190
    assert clean[:, 220:].min() >= 205
    assert clean[10:38, 4:38].max() <= 100  # ... and the black print stays ink where crossed
    assert (clean == clean[..., :1]).all()  # one grey in all three channels


@pytest.mark.parametrize("overlay", [None, (128, 128, 128), (60, 60, 60)])
def test_a_crop_without_colour_is_read_as_it_is(overlay: tuple[int, int, int] | None) -> None:
    crop = _value_crop(overlay)
    assert without_colour(crop) is crop


LINE = Box(0.18, 0.61, 0.57, 0.69)


@pytest.mark.parametrize(
    ("others", "expected"),
    [
        # an address's lines boxed taller than their text: the box above reaches into its
        # top, the box below into its foot; each keeps its half of the shared band
        ([Box(0.08, 0.56, 0.57, 0.64)], Box(0.18, 0.625, 0.57, 0.69)),
        ([Box(0.18, 0.68, 0.45, 0.75)], Box(0.18, 0.61, 0.57, 0.685)),
        (
            [Box(0.08, 0.56, 0.57, 0.64), Box(0.18, 0.68, 0.45, 0.75)],
            Box(0.18, 0.625, 0.57, 0.685),
        ),
        # beside it (another column), apart from it, or over all of it: as it is
        ([Box(0.6, 0.56, 0.9, 0.64)], LINE),
        ([Box(0.18, 0.50, 0.57, 0.58)], LINE),
        ([Box(0.10, 0.58, 0.60, 0.72)], LINE),
        ([LINE], LINE),
        # a segment of its own row (a label), a little higher on a sheared card: no line
        ([Box(0.06, 0.595, 0.17, 0.675)], LINE),
    ],
)
def test_a_line_leaves_the_band_it_shares_with_the_lines_above_and_below(
    others: list[Box], expected: Box
) -> None:
    got = off_neighbours(LINE, others)
    assert (got.x0, got.y0, got.x1, got.y1) == pytest.approx(
        (expected.x0, expected.y0, expected.x1, expected.y1)
    )


def _digits(
    text: str, hyphen: str, gap: int, *, guilloche: bool
) -> tuple[np.ndarray, float, float]:
    """A 64 px line crop of the digits ``text`` (OpenCV's Hershey face) with a hyphen drawn
    ``gap`` px "before" or "after" them (0: touching) or "none", over the card's pale wavy
    pattern or on plain paper; and where its first and its last digit start (shares of it)."""
    line = np.full((64, 260, 3), 230, np.uint8)
    if guilloche:
        for x in range(260):
            for base in (14, 44):
                y = int(base + 8 * np.sin(x / 7))
                line[y : y + 2, x] = 200
    font, scale, weight = cv2.FONT_HERSHEY_SIMPLEX, 1.4, 3
    (width, height), _ = cv2.getTextSize(text, font, scale, weight)
    x0 = 60
    cv2.putText(line, text, (x0, 32 + height // 2), font, scale, (40, 40, 40), weight, cv2.LINE_AA)
    if hyphen == "after":
        cv2.line(line, (x0 + width + gap, 32), (x0 + width + gap + 16, 32), (40, 40, 40), 4)
    elif hyphen == "before":
        cv2.line(line, (x0 - gap - 16, 32), (x0 - gap, 32), (40, 40, 40), 4)
    (head, _), _ = cv2.getTextSize(text[:-1], font, scale, weight)
    return line, x0 / 260, (x0 + head) / 260


@pytest.mark.parametrize("guilloche", [False, True], ids=["plain", "guilloche"])
@pytest.mark.parametrize("gap", [0, 5], ids=["touching", "apart"])
@pytest.mark.parametrize("hyphen", ["none", "before", "after"])
# 0 and 8 are round at both sides, 4's bar and 7's top are flat at one (low or high), 1 thin
@pytest.mark.parametrize("text", ["04", "16", "40", "47", "74", "71", "88"])
def test_hyphen_beside_a_digit_is_a_flat_mark_across_its_middle(
    text: str, hyphen: str, gap: int, guilloche: bool
) -> None:
    line, first, last = _digits(text, hyphen, gap, guilloche=guilloche)
    assert hyphen_beside(line, first, before=True) == (hyphen == "before")
    assert hyphen_beside(line, last, before=False) == (hyphen == "after")


@pytest.mark.parametrize(
    ("pieces", "printed"),
    [
        # a hyphen two pixels thick on a noisy print, broken by the threshold into pieces
        # narrower than a hyphen (16- at a wrapped address line's end: 3, 2 and 2 columns
        # across gaps of 3 and 1): one mark
        (((0, 4), (7, 10), (11, 15)), True),
        (((0, 16),), True),
        # specks in a row with wider gaps, or one piece alone: none
        (((0, 3), (9, 12), (18, 21)), False),
        (((0, 4),), False),
    ],
)
def test_a_hyphen_broken_in_pieces_is_one_mark(
    pieces: tuple[tuple[int, int], ...], printed: bool
) -> None:
    line, _, last = _digits("16", "none", 0, guilloche=False)
    (width, _), _ = cv2.getTextSize("16", cv2.FONT_HERSHEY_SIMPLEX, 1.4, 3)
    start = 60 + width + 4
    for a, b in pieces:
        line[31:33, start + a : start + b] = 40
    assert hyphen_beside(line, last, before=False) is printed


def test_hyphen_beside_is_taken_as_printed_where_no_ink_is_found() -> None:
    # nothing to decide from: the model's word stands
    blank = np.full((64, 260, 3), 230, np.uint8)
    assert hyphen_beside(blank, 0.3, before=True)
    line, _, _ = _digits("16", "none", 0, guilloche=False)
    assert hyphen_beside(line, 0.95, before=False)


def _printed(text: str, face: str, size: int) -> tuple[np.ndarray, float, float]:
    """``text`` set in the bench's ``face`` at ``size`` px on paper (BGR), and where its first
    and its last digit start (shares of the crop)."""
    typeface = font(face, size)
    image = Image.new("RGB", (8 * size, size + size // 2), (230, 230, 230))
    draw = ImageDraw.Draw(image)
    draw.text((size, size // 8), text, font=typeface, fill=(40, 40, 40))
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    first, last = (size + draw.textlength(text[: digits[i]], font=typeface) for i in (0, -1))
    line = np.asarray(image)[:, :, ::-1].copy()
    if size < 30:
        line = cv2.GaussianBlur(line, (0, 0), 0.8)
    return line, first / image.width, last / image.width


@pytest.mark.parametrize("size", [44, 24])
@pytest.mark.parametrize("face", ["noto_sans", "noto_serif", "wqy_zenhei", "uming", "gbsn"])
@pytest.mark.parametrize(
    ("text", "before", "after"),
    # a 4's bar reaches out left of it, as low as a hyphen in these faces (0.55-0.64 of the
    # digit's height, against 0.47-0.62) but taller where the stroke above it meets it
    [("42", False, False), ("-42", True, False), ("16-", False, True), ("01", False, False)],
)
def test_hyphen_beside_a_digit_in_the_bench_faces(
    face: str, size: int, text: str, before: bool, after: bool
) -> None:
    line, first, last = _printed(text, face, size)
    assert hyphen_beside(line, first, before=True) == before
    assert hyphen_beside(line, last, before=False) == after


def _kerned(text: str, face: str, size: int, kern: float) -> tuple[np.ndarray, list[float]]:
    """``text`` set in the bench's ``face`` at ``size`` px, a hyphen drawn ``kern`` of ``size``
    nearer the character before it (0.12: touching it, as a photo's blur or a tight face
    prints it), and where each character starts (shares of the crop)."""
    typeface = font(face, size)
    image = Image.new("RGB", (8 * size, size + size // 2), (230, 230, 230))
    draw = ImageDraw.Draw(image)
    x, starts = float(size), []
    for char in text:
        if char == "-":
            x -= kern * size
        starts.append(x / image.width)
        draw.text((x, size // 8), char, font=typeface, fill=(40, 40, 40))
        x += draw.textlength(char, font=typeface)
    line = np.asarray(image)[:, :, ::-1].copy()
    if size < 30:
        line = cv2.GaussianBlur(line, (0, 0), 0.8)
    return line, starts


@pytest.mark.parametrize("size", [44, 24])
@pytest.mark.parametrize("face", ["noto_sans", "noto_serif", "wqy_zenhei", "uming", "gbsn"])
@pytest.mark.parametrize("kern", [0.0, 0.12], ids=["spaced", "touching"])
@pytest.mark.parametrize(
    ("text", "pair", "printed"),
    [
        ("64-15", (1, 3), True),
        ("6415", (1, 2), False),  # a 4's bar reaches right of its stem, towards the 1
        ("14-02", (1, 3), True),
        ("1402", (1, 2), False),
        ("77-10", (1, 3), True),
        ("7710", (1, 2), False),  # a 7's top is flat, but high
        ("80-8", (1, 3), True),
        ("808", (1, 2), False),
    ],
)
def test_hyphen_between_two_digits_in_the_bench_faces(
    face: str, size: int, kern: float, text: str, *, pair: tuple[int, int], printed: bool
) -> None:
    line, starts = _kerned(text, face, size, kern)
    # where the recogniser reads a character: a little into it
    x0, x1 = (starts[i] + 0.2 * size / line.shape[1] for i in pair)
    assert hyphen_between(line, x0, x1) is printed


@pytest.mark.parametrize("size", [44, 20, 14])
@pytest.mark.parametrize("face", ["noto_sans", "noto_serif", "wqy_zenhei", "uming", "gbsn"])
# where the recogniser places the mark it read: at its start, in it, or past it
@pytest.mark.parametrize("lead", [0.0, 0.3, 0.6])
@pytest.mark.parametrize(
    ("text", "mark", "printed"),
    [
        # a hyphen between digits: a flat mark at their middle
        ("15-1-7", 2, True),
        ("15-1-7", 4, True),
        ("147-15", 3, True),
        # a dot at their foot, or nothing between them (only a mark read there is looked at:
        # at 14 px a 4's bar, blurred, has a hyphen's shape)
        ("15.1.7", 2, False),
        ("15.1.7", 4, False),
        ("147.15", 3, False),
        ("1517", 2, False),
        ("8808", 2, False),
    ],
)
def test_hyphen_near_a_mark_read_between_digits(
    face: str, size: int, lead: float, text: str, mark: int, *, printed: bool
) -> None:
    # on a card ~200 px wide the recogniser reads a hyphen as a dot (147-15 as 147.15): what
    # the crop prints there says which it is
    line, starts = _kerned(text, face, size, 0.0)
    assert hyphen_near(line, starts[mark] + lead * size / line.shape[1]) is printed


def _digits_read(text: str, *, kern: float) -> tuple[np.ndarray, TextLine]:
    """``text`` set at 44 px (:func:`_kerned`), and what the recogniser reads of it: its
    digits without the hyphens, each a little into its ink."""
    line, starts = _kerned(text, "noto_sans", 44, kern)
    digits = [i for i, c in enumerate(text) if c != "-"]
    chars = tuple(
        CharCandidate(text[i], 1.0, "", 0.0, x=starts[i] + 0.2 * 44 / line.shape[1]) for i in digits
    )
    return line, TextLine("".join(c.char for c in chars), 1.0, chars)


@pytest.mark.parametrize(
    ("text", "seen", "expected"),
    [
        # passed over at 0.0026 where the hyphen is printed, touching the 4: kept
        ("64-15", [0.0, 0.0026, 0.0], [0.0, PASSED_HYPHEN, 0.0]),
        # as little where nothing is printed: the model's word stands
        ("6415", [0.0, 0.0026, 0.0], [0.0, 0.0026, 0.0]),
        # too little to look (below FAINT_HYPHEN), or enough already: as seen
        ("64-15", [0.0, 0.0005, 0.0], [0.0, 0.0005, 0.0]),
        ("64-15", [0.0, 0.3, 0.0], [0.0, 0.3, 0.0]),
    ],
)
def test_a_faint_hyphen_between_digits_is_kept_where_the_crop_prints_one(
    text: str, seen: list[float], expected: list[float]
) -> None:
    line, read = _digits_read(text, kern=0.12)
    assert printed_between(line, read, seen) == expected


@pytest.mark.parametrize(
    ("printed", "read", "expected"),
    [
        # hyphens read as dots on a small card: what the crop prints there says they are
        ("15-1-7", "15.1.7", "15-1-7"),
        ("147-15号", "147.15号", "147-15号"),
        # dots printed (or specks at the foot) stay dots, which no address keeps
        ("15.1.7", "15.1.7", "15.1.7"),
        # a mark not between two digits is left as read
        ("号-15", "号.15", "号.15"),
    ],
)
def test_a_mark_read_between_digits_is_the_hyphen_the_crop_prints(
    printed: str, read: str, expected: str
) -> None:
    crop, starts = _kerned(printed, "noto_sans", 20, 0.0)
    chars = tuple(
        CharCandidate(c, 0.9, "", 0.0, x=starts[i] + 0.3 * 20 / crop.shape[1])
        for i, c in enumerate(read)
    )
    assert marks_as_hyphens(crop, TextLine(read, 0.9, chars)).text == expected


@pytest.mark.parametrize(
    ("text", "seen", "expected"),
    [
        # a wrapped line's leading hyphen seen at 0.0018 where it is printed: kept
        ("-46", (0.0018, 0.0), (PASSED_HYPHEN, 0.0)),
        ("19-", (0.0, 0.0018), (0.0, PASSED_HYPHEN)),
        # as little where nothing is printed, or too little to look: as seen
        ("56", (0.0018, 0.0018), (0.0018, 0.0018)),
        ("-46", (0.0005, 0.0), (0.0005, 0.0)),
        # seen surely where nothing is printed (the guilloche at a line's end): none
        ("56", (0.013, 0.0), (0.0, 0.0)),
        ("-46", (0.3, 0.0), (0.3, 0.0)),
    ],
)
def test_a_faint_hyphen_at_a_wrapped_lines_end_is_kept_where_the_crop_prints_one(
    text: str, seen: tuple[float, float], expected: tuple[float, float]
) -> None:
    line, read = _digits_read(text, kern=0.0)
    assert printed_ends(line, read, seen) == expected


WRAPPED = Box(120 / 1280, 296 / 808, 740 / 1280, 334 / 808)  # a long line's box, strokes 300-330


def _wrapped(under: str, ink: int = 40) -> np.ndarray:
    """A BGR card with a long line of 30 px strokes (WRAPPED) and ``under`` it, at ``ink``: a
    character at the line's column (its box starts at 120 px, its ink at 130), 16 px lower."""
    card = np.full((808, 1280), 235, np.uint8)
    _long_line(card, 300)
    if under in ("hao", "faded", "after_gap", "and_number"):
        _sparse_character(card, 130, 346)
    if under == "faded":  # glare over its top: only its foot keeps ``ink``
        fade = np.linspace(235, ink, 30)[:, None]
        card[346:376, 130:160] = np.where(card[346:376, 130:160] < 235, fade, 235)
    elif under == "far_right":  # starts two characters right of the column
        _sparse_character(card, 210, 346)
    elif under == "long":  # a whole line the detector missed, past a short one's width
        _long_line(card, 346)
    elif under == "speck":
        card[350:354, 134:138] = 40
    elif under == "guilloche":  # faint wavy lines across the paper
        for x in range(1280):
            for y0 in range(330, 420, 12):
                y = int(y0 + 4 * np.sin(x / 9))
                card[y : y + 2, x] = 205
    if under == "and_number":  # the id number's row's strokes close under it
        card[384:414, 130:600:24] = 40
    if ink != 40 and under != "faded":
        card[346:420][card[346:420] < 235] = ink
    noise = np.random.default_rng(0).integers(-6, 6, card.shape)
    bgr = np.dstack([np.clip(card + noise, 0, 255).astype(np.uint8)] * 3)
    if under == "coloured_guilloche":  # pale red and blue lines crossing where 号 would be
        for t in range(36):
            bgr[344 + t, 128 + t : 131 + t] = (170, 170, 235)
            bgr[344 + t, 162 - t : 165 - t] = (235, 170, 170)
    return bgr


@pytest.mark.parametrize(
    ("under", "ink", "found"),
    [
        ("hao", 40, (130, 160, 346)),
        # as faded as a watermark (a sixth of the print's contrast) or only its foot dark: the
        # paper around its strokes says they are print (the foot's from row 363)
        ("hao", 190, (130, 160, 346)),
        ("faded", 150, (130, 160, 363)),
        ("and_number", 40, (130, 160, 346)),
        ("blank", 40, None),
        ("guilloche", 40, None),
        ("coloured_guilloche", 40, None),
        ("speck", 40, None),
        ("hao", 215, None),  # fainter than a quarter of the print's contrast: no print
        ("far_right", 40, None),
        ("long", 40, None),
    ],
)
def test_ink_below_finds_a_short_last_line_under_a_wrapped_one(
    under: str, ink: int, found: tuple[int, int, int] | None
) -> None:
    # the number's row starts at 384 px
    box = ink_below(_wrapped(under, ink), WRAPPED, 130 / 1280, limit=384 / 808)
    if found is None:
        assert box is None
        return
    assert box is not None
    # at least a character wide (38 px, the line's height) around its ink, as high as the
    # line above, around the rows of the character's ink (to 376)
    x0, x1, y0 = found
    assert box.x0 * 1280 <= x0 and box.x1 * 1280 >= x1
    assert box.width * 1280 == pytest.approx(38, abs=1)
    assert box.height == pytest.approx(WRAPPED.height)
    assert box.y0 * 808 < y0 and box.y1 * 808 > 376


ABOVE = Box(120 / 1280, 246 / 808, 740 / 1280, 284 / 808)  # the address's line above WRAPPED
NUMBER = Box(290 / 1280, 384 / 808, 1200 / 1280, 420 / 808)
PART = Box(110 / 1280, 290 / 808, 240 / 1280, 330 / 808)  # WRAPPED's start boxed again


def _with_number(top: float | None) -> Assignment:
    rows = () if top is None else (ReadRow(Row((dataclasses.replace(NUMBER, y0=top),)), ()),)
    return Assignment("front", {"id_no": rows}, 1.0)


@pytest.mark.parametrize(
    ("per_row", "number_top", "found"),
    [
        ([[ABOVE], [WRAPPED]], 384 / 808, True),
        ([[WRAPPED]], None, True),  # one line: wrapped or not, the band under it says
        # one line boxed twice (a part of it again, a little higher): the widest says
        ([[ABOVE], [PART], [WRAPPED]], 384 / 808, True),
        # the last line ends three characters short of the widest: the address ends there
        ([[ABOVE], [dataclasses.replace(WRAPPED, x1=626 / 1280)]], 384 / 808, False),
        # three lines found: an address prints no more
        ([[Box(0.09, 0.2, 0.58, 0.25)], [ABOVE], [WRAPPED]], 384 / 808, False),
        # the number's row starts where the character is
        ([[ABOVE], [WRAPPED]], 360 / 808, False),
        ([[ABOVE], [WRAPPED], []], 384 / 808, True),  # the row under it left out (faint)
    ],
)
def test_an_address_short_last_line_is_looked_for_under_its_wrapped_line(
    per_row: list[list[Box]], number_top: float | None, found: bool
) -> None:
    tail = address_tail(_wrapped("hao"), per_row, _with_number(number_top))
    assert (tail is not None) is found
    if tail is not None:
        assert tail.x0 * 1280 <= 130 and tail.x1 * 1280 >= 160


@pytest.mark.parametrize(
    ("line", "tail"),
    [
        (text_line("号", 0.98), True),
        (text_line("2", 0.95), True),
        (text_line("室", 0.91), True),
        (text_line("-3", 0.99), True),
        (text_line("12号楼", 0.99), True),
        (text_line("号", 0.6), False),  # guilloche or a stray stroke reads unsure
        (text_line("2号楼5室", 0.99), False),  # longer than a short last line
        (text_line("Soq", 0.99), False),  # a bilingual card's Zhuang line
        (text_line(" ", 0.99), False),
        (text_line("", 0.99), False),
    ],
)
def test_an_address_short_last_line_is_read_surely_and_short(line: TextLine, tail: bool) -> None:
    assert short_tail(line) is tail


#: A front's gender row's box (性别 男 民族, strokes 204-234), its values' end, the race's
#: place (its character's ink at 420-450 px).
GENDER_ROW = Box(100 / 1280, 200 / 808, 360 / 1280, 238 / 808)
VALUES_END = 787 / 1280
BLUE, RED = (210, 150, 90), (110, 110, 200)  # BGR


def _gender_row(value: str, row_ink: int = 40) -> np.ndarray:
    """A BGR card with a gender row (blue labels 性别 and 民族 as strokes, 男 black at
    ``row_ink``) and right of it ``value``: a black character (miao), three (three), one
    with a red watermark's strokes crossing the band past it (watermarked), the watermark
    alone (watermark), a blue label (label), a black line running on past the values' end
    (long), or nothing (blank)."""
    gray = np.full((808, 1280), 235, np.uint8)
    for x in range(200, 230, 8):
        gray[204:234, x : x + 3] = row_ink  # 男
    if value in ("miao", "watermarked"):
        _sparse_character(gray, 420, 204)
    elif value == "three":
        for x in (420, 460, 500):
            _sparse_character(gray, x, 204)
    elif value == "long":
        _long_line(gray, 204)
        gray[204:234, 700:900] = 40
    noise = np.random.default_rng(1).integers(-6, 6, gray.shape)
    card = np.dstack([np.clip(gray + noise, 0, 255).astype(np.uint8)] * 3)
    for x in (100, 130, 300, 330):  # the labels
        card[206:232, x : x + 24 : 6] = BLUE
    if value == "label":
        card[206:232, 420:450:6] = BLUE
    if value in ("watermarked", "watermark"):  # a large phrase's strokes, from the top down
        for t in range(80):
            card[170 + t, 455 + 3 * t : 461 + 3 * t] = RED
            card[180 + t // 2, 520 + 2 * t : 526 + 2 * t] = RED
    return card


@pytest.mark.parametrize(
    ("value", "row_ink", "found"),
    [
        ("miao", 40, (420, 450)),
        ("three", 40, (420, 530)),  # 维吾尔: its characters' gaps are within one word
        # the watermark's red strokes cross the band right of it: on the lightest channel
        # they are paper, against the value's black (as dark as the row's faded print)
        ("watermarked", 40, (420, 450)),
        ("watermarked", 170, (420, 450)),
        ("watermark", 40, None),
        ("label", 40, None),  # a blue label is no value
        ("blank", 40, None),
        ("long", 40, None),  # print running on past the values' end: no value printed there
    ],
)
def test_ink_after_finds_the_black_print_right_of_a_row(
    value: str, row_ink: int, found: tuple[int, int] | None
) -> None:
    card = _gender_row(value, row_ink)
    box = ink_after(card, GENDER_ROW, GENDER_ROW.x1, VALUES_END)
    if found is None:
        assert box is None
        return
    assert box is not None
    # around its ink with a quarter of a character's margin (38 px / 1.585 wide), as high
    # as the row
    x0, x1 = found
    assert x0 - 12 <= box.x0 * 1280 <= x0 and x1 <= box.x1 * 1280 <= x1 + 12
    assert (box.y0, box.y1) == (GENDER_ROW.y0, GENDER_ROW.y1)


def _gender_rows(*texts: str) -> list[ReadRow]:
    segments = [
        Box(GENDER_ROW.x0 + 0.05 * i, GENDER_ROW.y0, GENDER_ROW.x0 + 0.05 * (i + 1), GENDER_ROW.y1)
        for i in range(len(texts))
    ]
    segments[-1] = dataclasses.replace(segments[-1], x1=GENDER_ROW.x1)
    return [ReadRow(Row(tuple(segments)), tuple(text_line(t) for t in texts))]


@pytest.mark.parametrize(
    ("texts", "looked_for"),
    [
        (("性别男", "民族"), True),  # the value boxed apart from the row (with a watermark)
        (("性别女民族",), True),
        (("男",), True),  # faint labels, the value far right
        (("性别男", "民族汉"), False),  # the row holds it
        (("性别男", "民族中"), False),  # ... misread: the second opinion reads it again
        (("性别", "民族"), False),  # no gender read: not this row's value alone missing
    ],
)
def test_the_race_is_looked_for_right_of_a_row_that_reads_only_its_gender_and_labels(
    texts: tuple[str, ...], looked_for: bool
) -> None:
    box = race_after(_gender_row("miao"), _gender_rows(*texts))
    assert (box is not None) is looked_for


@pytest.mark.parametrize(
    ("line", "race"),
    [
        (text_line("苗", 0.99), True),
        (text_line("维吾尔", 0.95), True),
        (text_line("汉族", 0.99), True),  # as listed: without 族
        (text_line("民族 汉", 0.99), True),  # its label boxed with it, apart from the row
        (text_line("民汉", 0.99), False),
        (text_line("苗牛", 0.99), False),  # a watermark's character read after it
        (text_line("中", 0.99), False),  # none of the 56
        (text_line("苗", 0.7), False),
        (text_line("", 0.99), False),
    ],
)
def test_the_race_read_right_of_its_row_is_one_of_the_56_read_surely(
    line: TextLine, race: bool
) -> None:
    assert race_tail(line) is race


def test_laid_over_tail_keeps_characters_whose_ink_was_not_measured() -> None:
    line, text = _name_line([(40, "字", 0.99)] * 4 + [(170, "字", 0.99)])
    assert laid_over_tail(text) == 5
    assert laid_over_tail(with_ink(line, text, CHAR_LEAD)) == 4


@pytest.mark.parametrize("seed", range(6))
def test_char_contrasts_measures_each_square_alone_as_one_call_does(seed: int) -> None:
    # squares of one width are measured in one percentile call: the figures of one call a
    # square (ties of a posterised crop, squares cut by the crop's edges included)
    rng = np.random.default_rng(seed)
    crop = rng.integers(0, 255, (int(rng.integers(20, 90)), int(rng.integers(40, 700)), 3))
    crop = (crop // (64 if seed % 2 else 1) * (64 if seed % 2 else 1)).astype(np.uint8)
    xs = sorted(rng.uniform(-0.05, 1.05, int(rng.integers(1, 16))))
    line = TextLine("字" * len(xs), 0.9, tuple(CharCandidate("字", 0.9, "", 0.0, x=x) for x in xs))
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    w, size = gray.shape[1], char_size(gray)
    alone = []
    for c in line.chars:
        x0 = int(max(0, c.x * w - CHAR_LEAD * size + CHAR_INSET * size))
        x1 = int(min(w, c.x * w + (1 - CHAR_LEAD) * size - CHAR_INSET * size))
        low, mid = np.percentile(gray[:, x0 : max(x0 + 1, x1)], (STROKE_SHARE, 50))
        alone.append(float(mid - low))
    assert char_contrasts(crop, line, CHAR_LEAD) == alone
