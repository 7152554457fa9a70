"""Cutting a card's text for the recogniser: a segment with a little blank around it, a name
or address line run on as far as its ink goes."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence

import cv2
import numpy as np

from ..card.layout import union
from ..card.template import char_width
from ..values import Box, TextLine

#: A crop reaches this share of its box's height above and below the box.
ROW_PAD = 0.08
#: ... and this share of its height of blank either side (the recogniser often drops a
#: character that touches the crop's edge).
SIDE_PAD = 0.25


def segment_crop(card: np.ndarray, box: Box, x1_extra: int = 0) -> np.ndarray | None:
    """The normalised ``box`` of the upright ``card`` as the recogniser reads it (``x1_extra``
    more pixels on its right); None for a box under 4 px."""
    w = card.shape[1]
    _, _, y0, y1 = _pixels(box, card.shape)
    side = round(SIDE_PAD * (y1 - y0))
    x0 = int(max(0, box.x0 * w - side))
    x1 = int(min(w, box.x1 * w + side + x1_extra))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    return card[y0:y1, x0:x1]


#: A pixel is a coloured mark when its channels spread this much (0-255) ...
COLOURED = 25
#: ... and it is this much darker than the crop's paper (its median, grey levels);
MARKED = 15
#: a crop with this share of such pixels has colour laid over it.
COLOURED_SHARE = 0.02


def _channel_range(crop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The BGR ``crop``'s lightest and darkest channel at each pixel (OpenCV's per-channel
    max and min: ~6x numpy's reductions over the channel axis)."""
    b, g, r = cv2.split(crop)
    return np.asarray(cv2.max(cv2.max(b, g), r)), np.asarray(cv2.min(cv2.min(b, g), r))


def without_colour(crop: np.ndarray) -> np.ndarray:
    """The BGR ``crop`` with colour laid over it (a red or blue watermark across a value)
    faded into the paper: each pixel as light as its lightest channel, which keeps a value's
    black print (it darkens every channel); ``crop`` itself when it holds no coloured mark."""
    lightest, darkest = _channel_range(crop)
    spread = cv2.subtract(lightest, darkest)
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    paper = float(np.median(gray))
    marks = (spread > COLOURED) & (gray < paper - MARKED)
    if marks.mean() < COLOURED_SHARE:
        return crop
    return cv2.merge((lightest, lightest, lightest))


def ink_contrast(gray: np.ndarray, box: Box) -> float:
    """How much darker than its paper the darkest ink of the normalised ``box`` of the grey
    ``gray`` card is (the crop's median minus its 3rd percentile, 0-255; 0 for a box too
    small to crop)."""
    crop = segment_crop(gray, box)
    return 0.0 if crop is None else _contrast(crop)


def _contrast(gray: np.ndarray, ink: float = 3.0) -> float:
    """How much darker than its paper the darkest ink of ``gray`` is (its median minus its
    ``ink``-th percentile, 0-255)."""
    low, mid = np.percentile(gray, (ink, 50))
    return float(mid - low)


#: A value's segment whose ink contrast is under this share of the strongest of its field's
#: is no print of the value: values are printed black, and an overlaid watermark (仅限…使用),
#: a date stamp or a minority-script line stands out less (measured: watermark 30-46 and
#: Tibetan 66 against values 110-175, labels 56-115)...
FAINT_VALUE = 0.6
#: ... unless it continues a line of the value printed plainly: it starts in that line's
#: column (within this share of the line's height), is as tall (within LINE_HEIGHT_RATIO)
#: and follows it directly above or below (a gap under this share of its height). Glare or a
#: fade washes out one line of an address as much as a watermark is faint (contrast 35
#: against its first line's 87); what decides is that it sits where the value's next line is
#: printed. A minority-script line above a value starts in its column too, but is shorter.
COLUMN_SLACK = 0.6
#: ... or, its first characters washed out, starts at most this many characters right of it
#: and ends at the same right column as the line it continues.
WASHED_CHARS = 2.0
LINE_HEIGHT_RATIO = 1.25
LINE_GAP = 0.6


#: A name's last characters, this many or more, each printed fainter than FAINT_VALUE of the
#: faintest before them, are laid over it, not printed (a site's watermark phrase level
#: with the name, boxed with it: 郭发文例图片请勿转载, its characters' ink 33-41 against the
#: name's 177-180; of names printed, read on bench fronts and under glare, none under 0.73).
PALE_TAIL_CHARS = 2
#: ... after at least this many (a surname and a given name) ...
NAME_CHARS = 2
#: ... each character's ink the darkest this percent of its square (a thin character's
#: strokes hold few of its pixels: 一's 2-6%), leaving this share of its width out either
#: side (where it was read says where it starts only roughly; its neighbours' strokes).
STROKE_SHARE = 1.0
CHAR_INSET = 0.15
#: Characters at either end of a name, each read less surely than this and printed fainter
#: than FAINT_VALUE of the faintest of the NAME_CHARS beside them, are no part of it either:
#: the label's last character boxed with the name (名 read 各 at 0.82, its ink 0.24 of the
#: name's; 在 at 0.42, 0.46), the whole label on a photocopy (姓名 read 性员, at 0.81 and
#: 0.64), a speck of a stamp past it (下 at 0.41, 0.50). A name's own character washed out
#: by glare as pale is read surely: of ~3,100 first and last characters of names read
#: whole on bench fronts, the two that pale were read at 0.991 and 1.00 (江, 鹏: 0.40 and
#: 0.44).
EDGE_SURE = 0.9


def printed_span(crop: np.ndarray, line: TextLine, lead: float) -> tuple[int, int]:
    """Which characters of ``line`` (read in the BGR ``crop``, each ``lead`` of a
    character's width right of where it starts) are printed, as ``(start, end)``: all but
    the characters at either end each read unsurely (:data:`EDGE_SURE`) and fainter than
    :data:`FAINT_VALUE` of the faintest of the :data:`NAME_CHARS` beside them, and a tail
    of :data:`PALE_TAIL_CHARS` or more each fainter than that of the faintest before it
    (:func:`char_contrasts`); at least :data:`NAME_CHARS` kept."""
    n = len(line.chars)
    if n <= NAME_CHARS:
        return 0, n
    probs = [c.prob for c in line.chars]
    if min(probs[0], probs[-1]) >= EDGE_SURE and n < NAME_CHARS + PALE_TAIL_CHARS:
        return 0, n  # nothing to measure: both ends read surely, no tail of two
    contrast = inks(crop, line, lead)
    start = _pale_run(probs, contrast)
    end = _pale_tail(contrast, start)
    end -= _pale_run(probs[start:end][::-1], contrast[start:end][::-1])
    return start, end


#: An address line's tail printed fainter is laid over it where it starts at least this many
#: character heights right of the character before it: a tiled watermark's phrase is set on
#: its own pitch (…32号 | 使用: 1.9; …715号 | 供头: 1.6), not the line's (0.8 on these cards;
#: glare fades a line's last characters where they stand: 号 | 2310室, 0.8).
TAIL_BLANK = 1.4


def printed_end(crop: np.ndarray, line: TextLine, lead: float) -> int:
    """How many of the first characters of ``line`` (an address's line, read in the BGR
    ``crop`` as for :func:`printed_span`) are printed: all but a tail of
    :data:`PALE_TAIL_CHARS` or more each fainter than :data:`FAINT_VALUE` of the faintest
    before it, past a blank (:data:`TAIL_BLANK`): a tiled 仅供办理业务使用 read on after
    前进村1组32号 in one box, 使用 at ink 57, the line's own characters 152-172. At least
    :data:`NAME_CHARS` kept."""
    chars, n = line.chars, len(line.chars)
    if n < NAME_CHARS + PALE_TAIL_CHARS:
        return n
    w, size = crop.shape[1], char_size(crop)
    blanks = {k for k in range(1, n) if (chars[k].x - chars[k - 1].x) * w >= TAIL_BLANK * size}
    if not blanks:
        return n  # (the ink measured only where a tail may start)
    end = _pale_tail(inks(crop, line, lead), 0)
    return end if end in blanks else n


#: Characters at the end of a value's line each printed fainter than this share of the
#: fainter of the two before them are laid over the card, not printed
#: (:func:`laid_over_tail`): a site's watermark strokes read on past the value (…1803室|记 at
#: ink 49 against 170, …130-40号|本 at 7 against 172, …2804室|办). Glare fades a line's end
#: with the characters before it: of ~4,000 line ends read right on bench and probe fronts
#: (glare, photocopies, screen photos), the faintest at the end was 0.55 of the two before it
#: (马 ending …湘阴县马). Not a line's start: a wrapped line's first character is washed out
#: alone where a worn print or glare fades it (乡 of 乡上河村 at 0.15 of its ink, read: the
#: failure class ``faint-line-start``), as pale as a watermark's.
PALE_END = 0.4
#: ... but for characters of one or two thin straight strokes, whose few pixels blur paler
#: on a small card (一 starting 一巷209号… on a frame sent 420 px wide measured 0.35 of the
#: two after it; a wrapped line's hyphen 0.48).
THIN_CHARS = frozenset("-一二1·")


def with_ink(crop: np.ndarray, line: TextLine, lead: float) -> TextLine:
    """``line`` (read in the BGR ``crop``, as for :func:`printed_span`) with each character's
    :attr:`~processor.values.CharCandidate.ink` (:func:`char_contrasts`)."""
    if not line.chars:
        return line
    measured = char_contrasts(crop, line, lead)
    chars = tuple(
        dataclasses.replace(c, ink=ink) for c, ink in zip(line.chars, measured, strict=True)
    )
    return dataclasses.replace(line, chars=chars)


def inks(crop: np.ndarray, line: TextLine, lead: float) -> list[float]:
    """Each character's ink in ``line``: as measured (:func:`with_ink`), else measured in
    ``crop`` now (:func:`char_contrasts`)."""
    measured = [c.ink for c in line.chars]
    if all(ink is not None for ink in measured):
        return [float(ink) for ink in measured if ink is not None]
    return char_contrasts(crop, line, lead)


def laid_over_tail(line: TextLine) -> int:
    """How many of the first characters of ``line`` (a value's line, its characters' ink
    measured: :func:`with_ink`) are printed: all but the characters at its end each printed
    fainter than :data:`PALE_END` of the fainter of the two before them, the most that leaves
    those (never one of :data:`THIN_CHARS`, nor a character whose ink was not measured). At
    least two kept."""
    chars, n = line.chars, len(line.chars)
    for start in range(2, n):
        a, b = chars[start - 2].ink, chars[start - 1].ink
        if a is None or b is None:
            continue
        beside = min(a, b)
        if all(
            c.char not in THIN_CHARS and c.ink is not None and c.ink < PALE_END * beside
            for c in chars[start:]
        ):
            return start
    return n


def _pale_tail(contrast: list[float], start: int) -> int:
    """Where a tail of :data:`PALE_TAIL_CHARS` or more characters (their ``contrast``), each
    fainter than :data:`FAINT_VALUE` of the faintest from ``start`` on before it, starts,
    :data:`NAME_CHARS` after ``start`` or later; the line's length where none does."""
    n = len(contrast)
    for k in range(start + NAME_CHARS, n - PALE_TAIL_CHARS + 1):
        if max(contrast[k:]) < FAINT_VALUE * min(contrast[start:k]):
            return k
    return n


def _pale_run(probs: list[float], contrast: list[float]) -> int:
    """How many of the first characters (their ``probs`` and ``contrast``) are each read
    unsurely and printed fainter than :data:`FAINT_VALUE` of the faintest of the
    :data:`NAME_CHARS` after them, the most that leaves those; 0 for none."""
    for k in range(len(probs) - NAME_CHARS, 0, -1):
        beside = min(contrast[k : k + NAME_CHARS])
        if max(probs[:k]) < EDGE_SURE and max(contrast[:k]) < FAINT_VALUE * beside:
            return k
    return 0


def char_size(crop: np.ndarray) -> float:
    """A character's height (and width) in pixels in a line ``crop`` as :func:`segment_crop`
    cuts it (the text's height and :data:`ROW_PAD` above and below)."""
    return float(crop.shape[0]) / (1 + 2 * ROW_PAD)


def char_contrasts(crop: np.ndarray, line: TextLine, lead: float) -> list[float]:
    """How much darker than the paper each character of ``line`` is printed in the BGR
    ``crop`` (a line crop as :func:`segment_crop` cuts it, its characters as wide as its
    text is high): the darkest :data:`STROKE_SHARE` percent of the middle of its square."""
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    w, size = gray.shape[1], char_size(gray)
    inset = CHAR_INSET * size
    squares = []
    for c in line.chars:
        x0 = int(max(0, c.x * w - lead * size + inset))
        x1 = int(min(w, c.x * w + (1 - lead) * size - inset))
        squares.append(gray[:, x0 : max(x0 + 1, x1)])
    # the squares of one width measured in one call (numpy's percentile costs far more per
    # call than per pixel here): the same order statistics, so the same figures
    out = [0.0] * len(squares)
    by_width: dict[int, list[int]] = {}
    for k, square in enumerate(squares):
        by_width.setdefault(square.shape[1], []).append(k)
    for width, ks in by_width.items():
        if width == 0:
            for k in ks:
                out[k] = _contrast(squares[k], STROKE_SHARE)
            continue
        low, mid = np.percentile(
            np.stack([squares[k] for k in ks]), (STROKE_SHARE, 50), axis=(1, 2)
        )
        for k, dark, paper in zip(ks, low, mid, strict=True):
            out[k] = float(paper - dark)
    return out


def continues_line(line: Box, other: Box, size: tuple[int, int]) -> bool:
    """Whether ``other`` is the next (or previous) line of the value printed on ``line``:
    in its column (or ending where it does, :data:`WASHED_CHARS`), as tall, and directly
    below or above it (``size``: the card's (width, height) in pixels, boxes normalised)."""
    w, h = size
    height, other_height = line.height * h, other.height * h
    if not 1 / LINE_HEIGHT_RATIO <= other_height / max(height, 1e-6) <= LINE_HEIGHT_RATIO:
        return False
    slack = COLUMN_SLACK * height
    late = (other.x0 - line.x0) * w
    # a wrapped line ends at the value's right column: its first characters washed out by
    # glare (安 of 安徽省), it starts a little right of the column but ends where the next does
    same_end = abs(other.x1 - line.x1) * w <= slack and -slack < late <= WASHED_CHARS * height
    if abs(late) > slack and not same_end:
        return False
    gap = max(other.y0 - line.y1, line.y0 - other.y1) * h
    return -0.25 * height <= gap <= LINE_GAP * height


def printed_segments(gray: np.ndarray, rows: list[list[Box]]) -> list[list[Box]]:
    """Each row's segments without those printed fainter than the field's value
    (:data:`FAINT_VALUE`), but for one that continues a line of the value kept
    (:func:`continues_line`) or starts one (:func:`runs_on`: a faint phrase after a value,
    level with it, is an overlaid watermark's); a segment alone is kept."""
    contrast = {s: ink_contrast(gray, s) for segments in rows for s in segments}
    if len(contrast) < 2:
        return rows
    floor = FAINT_VALUE * max(contrast.values())
    kept = {s for s in contrast if contrast[s] >= floor}
    alone = [segments[0] for segments in rows if len(segments) == 1]  # lines of their own
    size = (gray.shape[1], gray.shape[0])
    more = True
    while more:  # a third line continues the second, once that is kept
        more = False
        for s in alone:
            if s not in kept and any(k in kept and continues_line(k, s, size) for k in alone):
                kept.add(s)
                more = True
        for segments in rows:  # a line's washed-out start runs on into its kept rest
            for a, b in itertools.pairwise(segments):
                if a not in kept and b in kept and runs_on(a, b, size):
                    kept.add(a)
                    more = True
    return [[s for s in segments if s in kept] for segments in rows]


#: A line's part washed out by glare is boxed lower than the rest (50 px against 63).
RUN_HEIGHT_RATIO = 1.4


def runs_on(left: Box, right: Box, size: tuple[int, int]) -> bool:
    """Whether ``right`` carries on the line printed in ``left``, the segment before it in
    its row: about as tall (:data:`RUN_HEIGHT_RATIO`), level (their middles within a quarter of
    its height) and at most :data:`BRIDGE` line heights after it (``size``: the card's
    (width, height) in pixels, boxes normalised). Glare washes the start of an address's
    line out (安徽省 of 安徽省马鞍山市, contrast under 0.6 of the line after it), and the
    detector boxes it apart; a watermark's phrase is printed at its own size and slant."""
    w, h = size
    height, other = left.height * h, right.height * h
    if not 1 / RUN_HEIGHT_RATIO <= other / max(height, 1e-6) <= RUN_HEIGHT_RATIO:
        return False
    level = abs(left.cy - right.cy) * h <= 0.25 * max(height, other)
    return level and -0.25 * height <= (right.x0 - left.x1) * w <= BRIDGE * max(height, other)


#: Two segments of a value's line this close (line heights) are read as one: the detector
#: splits a line where glare or a fade washes characters out (湖南省 | 市芦淞区 around a
#: faint 株洲), and a person still reads them; a segment's gap wider than this is a value's
#: end and something else after it.
BRIDGE = 2.5


def bridge_gaps(segments: list[Box], others: list[Box], shape: tuple[int, ...]) -> list[Box]:
    """A line's ``segments`` (left to right, normalised to a card of ``shape``) with each two
    neighbours whose gap is at most :data:`BRIDGE` line heights and holds none of ``others``
    (a segment left out: an overlaid watermark) joined into one box."""
    h, w = shape[:2]
    out: list[Box] = []
    for seg in segments:
        if out:
            last = out[-1]
            gap = (seg.x0 - last.x1) * w
            height = max(last.height, seg.height) * h
            between = any(o.x1 > last.x1 and o.x0 < seg.x0 for o in others)
            if gap <= BRIDGE * height and not between:
                out[-1] = union([last, seg])
                continue
        out.append(seg)
    return out


#: A text box this many times as tall as the card's short text boxes (their lower quartile:
#: on a bilingual card most boxes hold two lines) may hold two lines stacked (a minority-
#: script line merged with the label or value below it).
STACKED = 1.4
#: At most this many lines are split out of one box (an address prints at most three).
STACKED_LINES = 3
#: Rows inked at most this share of the box's typical inked row are the blank between them
#: (not none: the card's guilloche crosses it).
BLANK_ROW = 0.25
#: Each line split off has at least this share of the rows from the box's first ink to its
#: last inked (the strokes of 三 or 二 are thinner: a character is never split).
MIN_LINE = 0.25
#: A row inked at most this share has no ink (Otsu's speckle).
NO_INK = 0.01
#: Where scripts touch (a Tibetan line's subjoined letters reach the Chinese line below) no
#: band is blank: a tall box is split where its ink thins to THIN_ROW of its full rows (the
#: FULL_ROW quantile of its inked rows), within NEAR_TOP of a line's height of the top of a
#: box of one line that stands beside it (at most BESIDE of the tall box's heights away) or
#: across it down to its foot, under another such box at its top in the same column: the
#: boxes of the two lines say where one ends and the next starts (give or take the
#: detector's margin).
THIN_ROW = 0.5
FULL_ROW = 0.75
#: A box is a line's when it is at least this many (square) characters long.
LINE_CHARS = 2.0
NEAR_TOP = 0.25
BESIDE = 1.2


def split_stacked(card: np.ndarray, boxes: list[Box]) -> list[Box]:
    """``boxes`` of the ``card`` (BGR or grey) with each that is much taller than the card's
    short text boxes (:data:`STACKED`) and holds two lines split into them: at a blank band
    of rows across it, where its ink thins at the top of the line beside it, or at a blank
    band across its start (:func:`_start_band`: a short line under a long one). A line
    split off that is still that tall is split again (an address's three lines printed
    close, in one box), up to :data:`STACKED_LINES` lines a box."""
    if len(boxes) < 4:
        return boxes
    short = sorted(b.height for b in boxes)[len(boxes) // 4]
    h, w = card.shape[:2]

    def split(box: Box, lines: int) -> list[Box]:
        if lines < 2 or box.height <= STACKED * short:
            return [box]
        ink, y0, x0 = _ink(card, box)
        density = ink.mean(axis=1) if ink.size else np.zeros(0)
        rows = (
            _blank_band(density)
            or _thin_at_line(density, box, boxes, short=short, y0=y0, card_h=h)
            or _start_band(ink, density, short * h)
        )
        if rows is None:
            return [box]
        top, bottom = (y0 + rows[0]) / h, (y0 + rows[1]) / h
        upper = _narrowed(Box(box.x0, box.y0, box.x1, top, box.score), ink[: rows[0]], x0, w)
        lower = _narrowed(Box(box.x0, bottom, box.x1, box.y1, box.score), ink[rows[1] :], x0, w)
        return [*split(upper, lines - 1), *split(lower, lines - 1)]

    return [piece for box in boxes for piece in split(box, STACKED_LINES)]


#: A value's next line starts where its first did: a tall box's ink is also looked at over
#: its first this-many line heights alone, where a short last line under a long one (号, or
#: 二组, an address's last line printed close under the one before) is as dark as the line
#: above it, and the leading between them is blank.
START_STRIP = 2.0


def _start_band(ink: np.ndarray, density: np.ndarray, line_px: float) -> tuple[int, int] | None:
    """The blank band (:func:`_blank_band`) across the first :data:`START_STRIP` line heights
    of a tall box (``ink``; ``line_px``: a line's height in pixels), where it is blank across
    the whole box too (``density``: its rows' ink). Within a strip of two characters a
    character's own parts leave a band (龙 over 共 of 龚): the characters beside it fill it."""
    strip = ink[:, : max(1, round(START_STRIP * line_px))]
    band = _blank_band(strip.mean(axis=1)) if strip.size else None
    level = _light_level(density)
    if band is None or level is None:
        return None
    return band if bool(np.all(density[band[0] : band[1]] <= level)) else None


#: A line split off a tall box is narrowed to its own ink where that spans less than this
#: share of the box's width: 号 under an address's line, boxed with it, is one character
#: wide, and the rest of the width is the card's guilloche, which the recognisers read as
#: characters (V5AXXXX) or as nothing.
NARROW = 0.8


def _narrowed(piece: Box, ink: np.ndarray, x0: int, card_w: int) -> Box:
    """``piece`` (normalised) narrowed to the columns where ``ink`` (its rows of the tall
    box's ink, from pixel column ``x0`` of a card ``card_w`` wide) holds a stroke."""
    height = ink.shape[0]
    if height == 0:
        return piece
    columns = np.flatnonzero(_stroke_columns(ink))
    if columns.size == 0:
        return piece
    left, right = (x0 + columns[0]) / card_w, (x0 + columns[-1] + 1) / card_w
    if right - left >= NARROW * piece.width:
        return piece
    return Box(max(piece.x0, left), piece.y0, min(piece.x1, right), piece.y1, piece.score)


def _ink(card: np.ndarray, box: Box) -> tuple[np.ndarray, int, int]:
    """Where the normalised ``box`` of ``card`` is ink (Otsu; 1 ink, 0 paper; empty for a box
    under 8 px), and the pixel row and column it starts at."""
    x0, x1, y0, y1 = _pixels(box, card.shape, widen=0.0)
    crop = card[y0:y1, x0:x1]
    if crop.shape[0] < 8 or crop.shape[1] < 8:
        return np.zeros((0, 0), np.uint8), y0, x0
    if crop.ndim == 3:  # only the tall boxes are turned grey, not the whole card
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink, y0, x0


def _blank_band(density: np.ndarray) -> tuple[int, int] | None:
    """The rows (start, end) of the widest blank band across the box with a line either
    side: blank is far lighter than its typical inked row or, failing any, no ink at all (a
    short line under a long one, 号 under an address's line, is light beside it: it is
    the far side of the blank band, not a part of it)."""
    light = _light_level(density)
    if light is None:
        return None
    for level in (light, NO_INK):
        band = _widest_band(density, density <= level)
        if band is not None:
            return band
    return None


def _light_level(density: np.ndarray) -> float | None:
    """The ink share at or under which a row of a box (``density``: its rows' ink) is far
    lighter than its typical inked row (:data:`BLANK_ROW` of it, at least :data:`NO_INK`);
    None where no row is inked."""
    inked = density[density > NO_INK]
    return max(NO_INK, BLANK_ROW * float(np.median(inked))) if inked.size else None


def _widest_band(density: np.ndarray, blank: np.ndarray) -> tuple[int, int] | None:
    """The widest run of ``blank`` rows with a line of at least :data:`MIN_LINE` of the
    inked extent on either side (start, end), None when there is none."""
    any_ink = density > NO_INK
    rows = np.flatnonzero(any_ink)
    least = MIN_LINE * (rows[-1] - rows[0] + 1)
    best: tuple[int, int] | None = None
    for start, end in _runs(blank):
        lines = any_ink[:start].sum(), any_ink[end:].sum()
        inside = start > 0 and end < len(blank)
        if inside and min(lines) >= least and (best is None or end - start > best[1] - best[0]):
            best = (start, end)
    return best


def _thin_at_line(
    density: np.ndarray, box: Box, boxes: list[Box], *, short: float, y0: int, card_h: int
) -> tuple[int, int] | None:
    """The row (as a band of one) where the tall ``box`` holds two lines whose boxes stand
    beside it (or across it), one at its top and one at its foot: its ink's thinnest row
    nearest the lower one's top, when it is thin there (:data:`THIN_ROW` of its full rows) and
    leaves a line of :data:`MIN_LINE` either side. ``y0``: the pixel row ``density`` starts
    at, on a card ``card_h`` pixels high."""
    inked = np.flatnonzero(density > NO_INK)
    if inked.size == 0:
        return None
    full = float(np.quantile(density[inked], FULL_ROW))
    least = MIN_LINE * (inked[-1] - inked[0] + 1)
    edge = MIN_LINE * box.height
    near = [
        b
        for b in boxes
        if b is not box
        and b.height <= STACKED * short
        and b.width >= LINE_CHARS * char_width(b)
        and -_x_overlap(box, b) <= BESIDE * char_width(box)  # beside or across
    ]
    uppers = [b for b in near if b.y0 <= box.y0 + edge < b.y1 < box.y1 - edge]
    for lower in (b for b in near if box.y0 + edge < b.y0 < box.y1 - edge <= b.y1):
        reach = NEAR_TOP * lower.height
        if not any(
            lower.y0 - 2 * reach <= upper.y1 <= lower.y0 + reach and _one_column(upper, lower)
            for upper in uppers
        ):
            continue
        top = round(lower.y0 * card_h) - y0
        lo = max(int(inked[0] + least), top - round(reach * card_h))
        hi = min(int(inked[-1] - least), top + round(reach * card_h))
        if lo <= hi:
            row = min(range(lo, hi + 1), key=lambda r: (density[r], abs(r - top)))
            if density[row] <= THIN_ROW * full:
                return row, row
    return None


def off_neighbours(box: Box, others: Sequence[Box]) -> Box:
    """``box`` without the band it shares with a box of the line above or below it in its
    column, cut at the middle of that band: the detector's boxes stand taller than their
    text, so the boxes of closely printed lines overlap, and a crop of one holds the other's
    strokes (an address's 新疆维吾尔 over 地区疏附县, the foot of 吾 with the heads below it,
    read as 责 or 意)."""
    y0, y1 = box.y0, box.y1
    for other in others:
        if _x_overlap(box, other) <= 0:
            continue
        # a line above reaching into its top, or below into its foot (its middle off the
        # box: a segment of its own row, a little higher on a sheared card, is none)
        if other.cy < box.y0 < other.y1 < box.y1:
            y0 = max(y0, (box.y0 + other.y1) / 2)
        elif box.y0 < other.y0 < box.y1 < other.cy:
            y1 = min(y1, (other.y0 + box.y1) / 2)
    return box if (y0, y1) == (box.y0, box.y1) else Box(box.x0, y0, box.x1, y1, box.score)


def _x_overlap(a: Box, b: Box) -> float:
    """How much of the card's width two boxes share (negative: the gap between them)."""
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _one_column(a: Box, b: Box) -> bool:
    """Whether two boxes share at least half the narrower one's width (a column's lines)."""
    return _x_overlap(a, b) >= 0.5 * min(a.width, b.width)


def _pixels(
    box: Box, shape: tuple[int, ...], *, widen: float = ROW_PAD
) -> tuple[int, int, int, int]:
    """The normalised ``box`` in pixels of an image of ``shape`` (x0, x1, y0, y1), its rows
    widened by ``widen`` of its height (:data:`ROW_PAD`, as a line is cropped), clipped to
    the image."""
    h, w = shape[:2]
    pad = box.height * widen
    return (
        int(max(0, box.x0 * w)),
        int(min(w, box.x1 * w)),
        int(max(0, (box.y0 - pad) * h)),
        int(min(h, (box.y1 + pad) * h)),
    )


def ink_past(card: np.ndarray, box: Box, end_x: float, *, flat: bool = False) -> int:
    """How many pixels the text of the normalised ``box`` runs on past its right edge
    (:func:`trailing_ink`), at most one character (:data:`TRAIL`; flat strokes on for
    :data:`FLAT_TRAIL`) and not past ``end_x``."""
    w = card.shape[1]
    x0, x1, y0, y1 = _pixels(box, card.shape)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return 0
    limit = int(min(w, max(x1, end_x * w), x1 + (FLAT_TRAIL if flat else TRAIL) * w))
    flat_after = int(TRAIL * w) if flat else None
    return trailing_ink(card[y0:y1, x0:limit], x1 - x0, flat_after=flat_after)


def ink_before(card: np.ndarray, box: Box, start_x: float) -> float:
    """How far (card widths) the text of the normalised ``box`` runs on left of its left edge
    (:func:`trailing_ink` mirrored), not left of ``start_x``."""
    w = card.shape[1]
    x0, x1, y0, y1 = _pixels(box, card.shape)
    limit = int(max(0, start_x * w))
    if x1 - x0 < 4 or y1 - y0 < 4 or limit >= x0:
        return 0.0
    return trailing_ink(card[y0:y1, limit:x1][:, ::-1], x1 - x0) / float(w)


#: A wrapped value's short last line (号, 502, 八组) is looked for under the line before it
#: this many characters wide from the value's column (:func:`ink_below`) ...
BELOW_CHARS = 4.0
#: ... as far down as this many of its line's heights (the leading between an address's
#: lines varies with the card's print) ...
BELOW_LINES = 1.5
#: ... its ink starting at most this many characters from the column (a wrapped line starts
#: there) ...
BELOW_START = 1.0
#: ... its strokes darker than their paper by this share of the line's print's contrast
#: (Otsu's two classes; faded by glare to a third of it, the card's guilloche a sixth) ...
BELOW_INK = 0.25
#: ... and at least this share of the line's box high (a character, not a speck or a hair
#: of guilloche).
BELOW_HEIGHT = 0.25


def ink_below(card: np.ndarray, line: Box, column: float, limit: float = 1.0) -> Box | None:
    """The box (normalised) of a short line of text printed directly under the value's
    ``line`` of the BGR ``card``, in the band :data:`BELOW_LINES` of its heights deep (above
    ``limit``, where the next row is printed) from half a character left of ``column`` to
    :data:`BELOW_CHARS` right of it: ink darker than its own paper by :data:`BELOW_INK` of
    the line's print's contrast (faded by glare, it is still that dark), starting within
    :data:`BELOW_START` characters of the column as a wrapped line does, running on while
    its gaps are under half a line's height and ending inside the band. None where the band
    is blank there. The detector boxes such a line of one character apart and reads it as
    nothing, or boxes it not at all (号 under …北山村8组4, 2 under …公寓5号50)."""
    step = char_width(line)
    band = Box(
        max(0.0, column - 0.5 * step),
        line.y1,
        min(1.0, column + BELOW_CHARS * step),
        min(limit, line.y1 + BELOW_LINES * line.height),
        line.score,
    )
    # each pixel as light as its lightest channel: the card's coloured guilloche (pale red
    # and blue lines crossing, read as 8 at 0.97) fades into the paper, print does not
    found = _ink_depth(card, line, band)
    if found is None:
        return None  # too small, or the line itself holds no print
    (_, _, ly0, ly1), (bx0, _, by0, _) = found.line, found.band
    ink = found.depth >= BELOW_INK * found.contrast
    runs = _runs(_stroke_columns(ink), gap=max(2, (ly1 - ly0) // 2))
    w = card.shape[1]
    if not runs or runs[0][0] > (column - band.x0 + BELOW_START * step) * w:
        return None
    start, end = runs[0]
    # its rows: the first band of them with ink as high as a character (what stands below
    # it is another line's; a speck, a hair of guilloche)
    least = BELOW_HEIGHT * (ly1 - ly0)
    bands = _runs(np.asarray(ink[:, start:end].any(axis=1)), gap=max(2, (ly1 - ly0) // 4))
    top, foot = next(((a, b) for a, b in bands if b - a >= least), (0, 0))
    if end >= ink.shape[1] or foot == 0:
        return None  # blank, specks, or a line longer than a short last one
    # boxed as high as the line above and at least a character wide, around its ink (a
    # faded character's light side strokes hold too little ink to count)
    middle = (by0 + (top + foot) / 2) / card.shape[0]
    centre, half = (bx0 + (start + end) / 2) / w, max((end - start) / w, step) / 2
    return Box(
        max(0.0, centre - half),
        max(0.0, middle - line.height / 2),
        min(1.0, centre + half),
        min(1.0, middle + line.height / 2),
        line.score,
    )


@dataclasses.dataclass(frozen=True)
class _Depth:
    """How much darker than its own paper each pixel of a band is (:func:`_ink_depth`), the
    contrast of a line's print, and both (pixels: x0, x1, y0, y1)."""

    depth: np.ndarray
    contrast: float
    line: tuple[int, int, int, int]
    band: tuple[int, int, int, int]


def _ink_depth(card: np.ndarray, line: Box, band: Box) -> _Depth | None:
    """How much darker than its own paper (a grey closing a quarter of the ``line``'s height
    wide: glare lightens one part of a band) each pixel of the normalised ``band`` of the BGR
    ``card`` is, each pixel as light as its lightest channel (coloured guilloche, a blue
    label and a red watermark fade into the paper, black print does not); and the contrast
    of the print in ``line`` (Otsu's two classes). None where either is under 8 px or
    ``line`` holds no print."""
    lx0, lx1, ly0, ly1 = line_px = _pixels(line, card.shape, widen=0.0)
    x0, x1, y0, y1 = band_px = _pixels(band, card.shape, widen=0.0)
    if min(lx1 - lx0, ly1 - ly0, x1 - x0, y1 - y0) < 8:
        return None
    _, contrast = _otsu(_channel_range(card[ly0:ly1, lx0:lx1])[0])
    if contrast <= 0:
        return None
    under = _channel_range(card[y0:y1, x0:x1])[0]
    size = max(3, (ly1 - ly0) // 4) | 1
    paper = cv2.morphologyEx(under, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    return _Depth(np.asarray(cv2.subtract(paper, under)), contrast, line_px, band_px)


#: A 民族 value that no box of its row holds is looked for right of the row, up to where the
#: front's values end (:func:`ink_after`): black print, darker than its paper by this share
#: of the row's print's contrast on the lightest channel (the label's blue there is about a
#: fifth of it, a red watermark's less).
AFTER_INK = 0.5
#: ... or of the band's own darkest print, this percentile of it, where that is darker (the
#: row's print faded by glare where the value is not: a red watermark's strokes are as dark
#: as the row's faded print).
AFTER_DARKEST = 99.0
#: ... boxed with this many characters' margin either side, as the recogniser reads a line.
AFTER_MARGIN = 0.25


def ink_after(card: np.ndarray, row: Box, start: float, end: float) -> Box | None:
    """The box (normalised) of the black print on ``row``'s band of the BGR ``card`` from
    ``start`` to ``end`` (card widths): from its first stroke to its last that stands at
    least :data:`BELOW_HEIGHT` of the row high (:data:`AFTER_INK`), as high as the row; None
    where the band holds none, or print that runs on to ``end`` (a line longer than a value
    printed there). The detector boxes the 民族 value with a watermark's strokes across it,
    apart from its row (性别 男 民族 | 苗 and 使用 in one box)."""
    found = _ink_depth(card, row, Box(start, row.y0, end, row.y1, row.score))
    if found is None:
        return None
    bx0, _, by0, by1 = found.band
    depth = found.depth
    ink = depth >= AFTER_INK * max(found.contrast, float(np.percentile(depth, AFTER_DARKEST)))
    high = BELOW_HEIGHT * (by1 - by0)
    runs = [
        (a, b)
        for a, b in _runs(_stroke_columns(ink), gap=max(2, (by1 - by0) // 2))
        if np.count_nonzero(ink[:, a:b].any(axis=1)) >= high
    ]
    if not runs or runs[-1][1] >= ink.shape[1]:
        return None
    w = card.shape[1]
    margin = AFTER_MARGIN * char_width(row)
    return Box(
        max(0.0, (bx0 + runs[0][0]) / w - margin),
        row.y0,
        min(1.0, (bx0 + runs[-1][1]) / w + margin),
        row.y1,
        row.score,
    )


#: A label is printed paler than its value (blue against black): ink is what is darker than
#: the paper by this share of the box's darkest ink's contrast (Otsu's threshold would fall
#: between the label's ink and the value's).
LABEL_INK = 0.33


def blank_between(card: np.ndarray, box: Box, lo: float, hi: float) -> float | None:
    """The middle (card widths) of the last run of blank columns of the normalised ``box`` of
    ``card`` from ``lo`` to halfway to ``hi`` (ink: darker than its paper by
    :data:`LABEL_INK` of its darkest ink's contrast, a paler label's too), None where every
    column there holds ink. Where a label runs into its value in one box, the blank after
    the centre of its last character (``lo``) says where it ends; where the recogniser
    placed the value's first (``hi``) and the box's height say only roughly (止 of 址 was
    read into 重庆市). Not past halfway: the value's first character may hold a blank of its
    own (between 礻 and 焦 of 禚, 氵 and 胡 of 湖)."""
    w = card.shape[1]
    x0, x1, y0, y1 = _pixels(box, card.shape, widen=0.0)  # not widened: other lines are near
    a, b = max(x0, int(lo * w)), min(x1, int((lo + hi) / 2 * w) + 1)
    if b - a < 2 or y1 - y0 < 4:
        return None
    crop = card[y0:y1, x0:x1]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    low, paper = np.percentile(gray, (3, 50))
    threshold = paper - LABEL_INK * (paper - low)
    blank = ~np.asarray((gray[:, a - x0 : b - x0] < threshold).any(axis=0))
    runs = _runs(blank)
    if not runs:
        return None
    start, end = runs[-1]
    return float((a + (start + end) / 2) / w)


#: Rows whose crop may run on past the detected text, as far as ink continues: the
#: detector's box stops short of a thin last character (一 ending a name or an address
#: line). Not into blank space: the recogniser reads a blank tail with the card's guilloche
#: as a character (号).
TRAIL_ROWS = frozenset({"name", "address"})
#: Of those, rows whose crop a flat stroke runs on further (:data:`FLAT_TRAIL`): a name's
#: (an address's doing so lost a held-out card).
FLAT_TRAIL_ROWS = frozenset({"name"})
#: How far (card widths, about one character) ...
TRAIL = 0.035
#: ... and how far a flat stroke goes on after that (two characters: 一一 ending a name, its
#: strokes touching, boxed by no detector).
FLAT_TRAIL = 0.07
#: A tail whose own contrast is this fraction of the text's holds text, however faded.
FADED_INK = 0.45


def trailing_ink(line: np.ndarray, text_end: int, flat_after: int | None = None) -> int:
    """How many columns past ``text_end`` the text of the BGR ``line`` crop runs on: ink
    (darker than Otsu's threshold over the detected text) starting within a character gap
    of the end and continuing without a wider gap (past ``flat_after`` columns, only ink in
    a flat band, :func:`_flat_band`); 0 when the tail is blank."""
    if text_end >= line.shape[1] or text_end < 4:
        return 0
    gray = cv2.cvtColor(line, cv2.COLOR_BGR2GRAY)
    threshold, text_contrast = _otsu(gray[:, :text_end])
    tail = gray[:, text_end:]
    tail_threshold, tail_contrast = _otsu(tail)
    if tail_contrast >= FADED_INK * text_contrast:
        # text faded by glare or light still stands out from its own surroundings
        threshold = max(threshold, tail_threshold)
    height = gray.shape[0]
    ink = tail < threshold
    inked_columns = _stroke_columns(ink) | _flat_stroke(ink)
    if flat_after is not None:
        inked_columns[flat_after:] &= _flat_band(ink[:, flat_after:])
    inked = inked_columns.tolist()
    gap = max(2, int(0.5 * height))
    end = 0
    for col, ink in enumerate(inked):
        if ink:
            end = col + 1
        elif col - end >= gap:
            break
    return min(len(inked), end + height // 8) if end else 0


#: A hyphen's ink spans at most this share of the height of the digit beside it (in the bench's
#: faces 0.05-0.17; the end of a 4's bar, where the stroke above meets it, 0.26-0.45) ...
FLAT_MARK = 0.3
#: ... across the middle of it (its centre within this band, from the digit's top: 0.47-0.62)
HYPHEN_BAND = (0.3, 0.7)
#: ... for at least this share of the digit's height (a hyphen is 0.3-0.8 of it wide; a digit's
#: own flat ends, a 0's sides or a 7's top, are narrower, higher or lower) ...
HYPHEN_WIDTH = 0.2
#: ... its pieces this far apart or less (a share of the digit's height) one mark: a hyphen
#: one or two pixels thick on a noisy print, broken by the threshold (16- at a wrapped
#: line's end, its 11 columns in pieces of 3, 2 and 2 across gaps of 3 and 1, the digit 27
#: high).
HYPHEN_GAP = 0.12


def hyphen_beside(line: np.ndarray, x: float, *, before: bool) -> bool:
    """Whether the BGR ``line`` crop prints a hyphen within a character's width before (or
    after) the digit whose ink holds ``x`` (a share of the crop's width; the ink starting
    right of it where ``x`` is in a gap), touching it or apart: columns of ink (darker than
    Otsu's threshold) as flat and as central as :data:`FLAT_MARK`, :data:`HYPHEN_BAND` and
    :data:`HYPHEN_WIDTH` say. True where no ink is found at or right of ``x``."""
    return _hyphen_at(_InkColumns.of(line), x, before=before)


def hyphen_between(line: np.ndarray, x0: float, x1: float) -> bool:
    """Whether the BGR ``line`` crop prints a hyphen between the digit whose ink holds ``x0``
    and the one whose ink holds ``x1`` (shares of the crop's width): one after the first
    and before the second, as :func:`hyphen_beside` tells each (the crop's ink found once);
    so a flat mark at one digit that does not reach the next (a 4's bar) is no hyphen."""
    ink = _InkColumns.of(line)
    return _hyphen_at(ink, x0, before=False) and _hyphen_at(ink, x1, before=True)


def hyphen_near(line: np.ndarray, x: float) -> bool:
    """Whether the BGR ``line`` crop prints a hyphen within half a character of ``x`` (a share
    of its width; where a mark was read): columns of ink as flat and as central against the
    characters around them as :data:`FLAT_MARK`, :data:`HYPHEN_BAND` and :data:`HYPHEN_WIDTH`
    say, with a character's ink on each side (touching or apart); a dot at the characters'
    foot is none. The recogniser places a character up to half a character off its ink (a
    time step's centre), hence the reach."""
    ink = _InkColumns.of(line)
    at, reach = int(x * ink.width), ink.height // 2  # the crop is a little taller than a character
    lo, hi = max(0, at - 3 * reach), min(ink.width, at + 3 * reach)
    inked = ink.inked[lo:hi]
    if not inked.any():
        return False
    top, bottom = ink.top[lo:hi], ink.bottom[lo:hi]
    high, low = int(top[inked].min()), int(bottom[inked].max())
    height = low - high + 1
    flat = _flat_marks(inked, top, bottom, high, height)
    tall = inked & (bottom - top + 1 > FLAT_MARK * height)
    for a, b in _runs(flat, gap=int(HYPHEN_GAP * height)):
        centre = lo + (a + b) / 2
        if (
            abs(centre - at) <= reach
            and b - a >= HYPHEN_WIDTH * height
            and tall[max(0, a - reach) : a].any()
            and tall[b : b + reach].any()
        ):
            return True
    return False


@dataclasses.dataclass(frozen=True)
class _InkColumns:
    """A line crop's ink (darker than Otsu's threshold), column by column: whether a column
    holds any, and its top and bottom ink row."""

    inked: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    height: int
    width: int

    @classmethod
    def of(cls, line: np.ndarray) -> _InkColumns:
        gray = cv2.cvtColor(line, cv2.COLOR_BGR2GRAY)
        threshold, _ = _otsu(gray)
        ink = gray < threshold
        return cls(np.asarray(ink.any(axis=0)), *_ink_extent(ink), line.shape[0], line.shape[1])


def _hyphen_at(ink: _InkColumns, x: float, *, before: bool) -> bool:
    """:func:`hyphen_beside` on a crop's ``ink``."""
    at = int(x * ink.width)
    mine = [r for r in _runs(ink.inked) if r[1] > at]
    if not mine:
        return True
    start, end = mine[0]
    top, bottom = ink.top, ink.bottom
    digit_top, digit_bottom = int(top[start:end].min()), int(bottom[start:end].max())
    height = digit_bottom - digit_top + 1
    reach = ink.height  # about a character's width: the crop is a little taller than one
    flat = _flat_marks(ink.inked, top, bottom, digit_top, height)
    # the half of the digit on that side, and a character's width past it
    half = (start + end) // 2
    window = flat[max(0, start - reach) : half] if before else flat[half : end + reach]
    marks = _runs(window, gap=int(HYPHEN_GAP * height))
    return max((b - a for a, b in marks), default=0) >= HYPHEN_WIDTH * height


def _flat_marks(
    inked: np.ndarray, top: np.ndarray, bottom: np.ndarray, high: int, height: int
) -> np.ndarray:
    """Which columns hold ink (``inked``; each one's ``top`` and ``bottom`` ink row) as flat
    and as central as a hyphen's (:data:`FLAT_MARK`, :data:`HYPHEN_BAND`) against characters
    whose ink starts at row ``high`` and is ``height`` rows tall."""
    middle = (top + bottom) / 2 - high
    return np.asarray(
        inked
        & (bottom - top + 1 <= FLAT_MARK * height)
        & (middle >= HYPHEN_BAND[0] * height)
        & (middle <= HYPHEN_BAND[1] * height)
    )


def _runs(flags: np.ndarray, gap: int = 0) -> list[tuple[int, int]]:
    """The [start, end) ranges where ``flags`` holds, in order; two ``gap`` or fewer apart
    one."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    runs: list[tuple[int, int]] = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if runs and a - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], int(b))
        else:
            runs.append((int(a), int(b)))
    return runs


def _stroke_columns(ink: np.ndarray) -> np.ndarray:
    """Which columns of the ink mask ``ink`` (rows x columns, 1 or True where ink) hold a
    stroke, not a speck: enough of their pixels (a twelfth of the rows, at least 2) are ink."""
    return np.asarray(ink.sum(axis=0) >= max(2, ink.shape[0] // 12))


#: A run of columns each with a little ink (2 pixels or more), as wide as this share of the
#: line's height, is a flat stroke (一 at a line's end, a few pixels high), not a speck.
FLAT_STROKE = 0.4


def _flat_stroke(ink: np.ndarray) -> np.ndarray:
    """Which columns of the ink mask ``ink`` lie in a run of columns with ink
    (:data:`FLAT_STROKE`): one flat stroke, which no column of holds enough ink for
    :func:`_stroke_columns`."""
    inked = np.asarray(ink.sum(axis=0) >= 2)
    out = np.zeros_like(inked)
    least = max(2, int(FLAT_STROKE * ink.shape[0]))
    for start, end in _runs(inked):
        if end - start >= least:
            out[start:end] = True
    return out


def _flat_band(ink: np.ndarray) -> np.ndarray:
    """Which columns of the ink mask ``ink`` hold ink only in a band at most
    :data:`FLAT_MARK` of its rows high (a flat stroke: 一, a dash)."""
    top, bottom = _ink_extent(ink)
    return np.asarray(ink.any(axis=0) & (bottom - top < FLAT_MARK * ink.shape[0]))


def _ink_extent(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's top and bottom ink row of the ink mask ``ink`` (a column without ink:
    its height and -1)."""
    rows = np.arange(ink.shape[0])[:, None]
    return np.where(ink, rows, ink.shape[0]).min(axis=0), np.where(ink, rows, -1).max(axis=0)


def _otsu(gray: np.ndarray) -> tuple[float, float]:
    """Otsu's threshold of ``gray`` and the gap between its two classes' means."""
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark, light = gray[gray < threshold], gray[gray >= threshold]
    if dark.size == 0 or light.size == 0:
        return float(threshold), 0.0
    return float(threshold), float(light.mean() - dark.mean())
