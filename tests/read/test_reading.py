"""How the pipeline chooses between readings of one card (no models): the reading with the
most valid fields, an aligned one on ties, and checked fields filled from other readings."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from processor.card.facts import check_char, id_number_valid
from processor.card.geometry import grown
from processor.card.layout import FieldRegions, Row, group_rows
from processor.card.template import CARD_ASPECT, FRONT_FALLBACK, VALUE_END_X
from processor.read.assign import Assignment, ReadRow
from processor.read.fields import CORRECTED, MISSING, Field
from processor.read.outcome import CardReading
from processor.read.reading import (
    BESIDE_PAD,
    GROW,
    PASSED_PRINTED,
    addresses_passed,
    beside_label,
    best_reading,
    beyond_edges,
    blanks_between,
    completed,
    cuts_rows,
    from_column,
    held_by_another,
    is_complete,
    last_line_in_context,
    next_lines_column,
    second_opinion,
    sheared_into_number,
    value_column,
    value_rows,
    without_strays,
)
from processor.values import Box, CharCandidate, Quad, TextLine
from synthcards.fonts import font
from tests.conftest import text_line

ID_NO = "11010519491231001" + check_char("11010519491231001")  # born 1949-12-31; 男 (odd)
QUAD = Quad(((0, 0), (856, 0), (856, 540), (0, 540)))


def front(values: Mapping[str, str | None], *, aligned: bool = True) -> CardReading:
    fields = {
        name: Field(values.get(name), 0.9) if values.get(name) else MISSING
        for name in ("name", "gender", "race", "birth", "address", "id_no")
    }
    return CardReading("front", fields, np.zeros((4, 4, 3), np.uint8), QUAD, 7.0, aligned=aligned)


FULL = {
    "name": "张三",
    "gender": "男",
    "race": "汉",
    "birth": "1949.12.31",
    "address": "北京市东城区",
    "id_no": ID_NO,
}


def test_the_id_number_is_valid() -> None:
    assert id_number_valid(ID_NO)


def test_complete_needs_every_field_and_aligned_rows() -> None:
    assert is_complete(front(FULL))
    assert not is_complete(front(FULL, aligned=False))
    assert not is_complete(front({**FULL, "race": None}))
    assert not is_complete(None)
    # an address beginning with no known place may have lost its first line
    assert not is_complete(front({**FULL, "address": "自治县新兴镇柳树村8组"}))
    assert is_complete(front({**FULL, "address": "云南省普洱市澜沧拉祜族自治县新兴镇柳树村8组"}))
    # and an authority naming no known place may be misread (other outlines may read it)
    assert is_complete(back("北京市公安局东城分局"))
    assert not is_complete(back("源博市公安局周村分局"))  # 淄博市 blurred
    assert not is_complete(back("郑城县公安局"))  # 郸城县 on a 360 px photo
    # ... but a known city's branch the division list does not name (a development zone's)
    assert is_complete(back("西安市公安局高新分局"))


def test_best_prefers_more_valid_fields_then_aligned_rows() -> None:
    off = front(FULL, aligned=False)
    on = front(FULL)
    fewer = front({**FULL, "race": None})
    assert best_reading([fewer, off, on]) is on
    assert best_reading([fewer, on]) is on
    assert best_reading([]) is None


def test_best_prefers_a_complete_reading_to_more_valid_fields() -> None:
    # both sides on one page: the back read whole, the front with its name lost
    whole_back = back("北京市公安局东城分局")
    front_without_name = front({**FULL, "name": None})
    assert is_complete(whole_back) and not is_complete(front_without_name)
    assert front_without_name.valid_fields > whole_back.valid_fields
    assert best_reading([front_without_name, whole_back]) is whole_back


@pytest.mark.parametrize(
    ("best", "other", "expected"),
    [
        # a checked field missing from the best reading is taken from another
        ({**FULL, "race": None}, {"race": "汉"}, {"race": "汉"}),
        # name and address are not: almost any text passes them
        ({**FULL, "name": None}, {"name": "李四"}, {"name": None}),
        ({**FULL, "address": None}, {"address": "上海市"}, {"address": None}),
        # a gender taken from elsewhere still has to agree with the id number
        ({**FULL, "gender": None}, {"gender": "女"}, {"gender": None}),
        # an id number taken from elsewhere corrects a birth one digit off
        ({**FULL, "id_no": None, "birth": "1949.12.21"}, {"id_no": ID_NO}, {"birth": "1949.12.31"}),
    ],
)
def test_completed_fills_checked_fields_from_other_readings(
    best: dict[str, str | None], other: dict[str, str | None], expected: dict[str, str | None]
) -> None:
    merged = completed(front(best), [front(best), front(other)])
    assert {name: merged.fields[name].value for name in expected} == expected


@pytest.mark.parametrize(
    ("others", "expected"),
    [
        # two other readings read the name alike: it stands in for the one not read
        (["魏惠月", "魏惠月"], "魏惠月"),
        (["魏惠月", None, "魏惠月"], "魏惠月"),
        # two that disagree do not
        (["魏惠月", "魏惠丹"], None),
        (["魏惠月", "魏惠月", "贾增学"], None),
    ],
)
def test_completed_takes_a_name_not_read_where_other_readings_agree(
    others: list[str | None], expected: str | None
) -> None:
    best = front({**FULL, "name": None})
    merged = completed(best, [best, *(front({**FULL, "name": n}) for n in others)])
    assert merged.fields["name"].value == expected


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        # one other reading that read the rest of the card alike: the same card on an
        # outline that kept the name's row
        ({**FULL, "name": "林桂"}, "林桂"),
        ({**FULL, "name": "林桂", "race": None, "id_no": None}, "林桂"),  # gender, birth, address
        # ... but not one that read fewer of its fields (any line passes for a name) ...
        ({"name": "林桂", "gender": "男", "birth": "1949.12.31"}, None),
        ({**FULL, "name": "林桂", "race": None, "id_no": None, "address": None}, None),
        # ... or one field otherwise (another card, or rows taken for others)
        ({**FULL, "name": "林桂", "birth": "1949.12.30"}, None),
    ],
)
def test_completed_takes_a_name_not_read_from_a_reading_of_the_rest_alike(
    other: dict[str, str | None], expected: str | None
) -> None:
    best = front({**FULL, "name": None})
    merged = completed(best, [best, front(other)])
    assert merged.fields["name"].value == expected


@pytest.mark.parametrize(
    ("own", "others", "expected"),
    [
        # a name read unsure (an outline askew read another line for it) gives way to the
        # one two other readings read alike and sure
        (("膨龟湾", 0.28), [("次仁拉姆", 1.0), ("次仁拉姆", 0.95)], "次仁拉姆"),
        # not to one other reading, to others that disagree, or to others read unsure too
        (("膨龟湾", 0.28), [("次仁拉姆", 1.0)], "膨龟湾"),
        (("膨龟湾", 0.28), [("次仁拉姆", 1.0), ("次仁拉", 1.0)], "膨龟湾"),
        (("膨龟湾", 0.28), [("次仁拉姆", 1.0), ("次仁拉姆", 0.4)], "膨龟湾"),
        # a name read sure stays, whatever the others read
        (("吕淑子", 0.9), [("吕源子", 1.0), ("吕源子", 1.0)], "吕淑子"),
    ],
)
def test_completed_takes_a_name_read_unsure_where_other_readings_agree_sure(
    own: tuple[str, float], others: list[tuple[str, float]], expected: str
) -> None:
    best = read_as("name", *own)
    merged = completed(best, [best, *(read_as("name", *o) for o in others)])
    assert merged.fields["name"].value == expected


def read_as(name: str, value: str, confidence: float) -> CardReading:
    """A whole front whose field ``name`` was read as ``value``, as surely as ``confidence``."""
    base = front(FULL)
    return dataclasses.replace(base, fields={**base.fields, name: Field(value, confidence)})


@pytest.mark.parametrize(
    ("own", "others", "expected"),
    [
        # an address read unsure gives way to the one two others read alike and sure ...
        (
            ("盟高桥镇西坡村7组", 0.5),
            [("江西省抚州市资溪县高桥镇西坡村7组", 0.95)] * 2,
            "江西省抚州市资溪县高桥镇西坡村7组",
        ),
        # ... but one that names a known place never to one that names none (two outlines
        # that cut its first line off)
        (
            ("广东省珠海市斗门区花招西路65弄51号102室", 0.5),
            [("波西路65弄51号102室", 0.9)] * 2,
            "广东省珠海市斗门区花招西路65弄51号102室",
        ),
    ],
)
def test_completed_takes_an_address_read_unsure_only_where_it_names_a_place_no_less(
    own: tuple[str, float], others: list[tuple[str, float]], expected: str
) -> None:
    best = read_as("address", *own)
    merged = completed(best, [best, *(read_as("address", *o) for o in others)])
    assert merged.fields["address"].value == expected


def back(issued_by: str | None) -> CardReading:
    fields = {
        "issued_by": Field(issued_by, 0.9) if issued_by else MISSING,
        "valid_date": Field("2015.03.02-2035.03.02", 0.9),
    }
    return CardReading("back", fields, np.zeros((4, 4, 3), np.uint8), QUAD, 7.0)


@pytest.mark.parametrize(
    ("best", "others", "expected"),
    [
        # an authority that names no place gives way to another reading's known one
        ("马山首公安局", ["马山县公安局"], "马山县公安局"),
        ("马山首公安局", ["马山昌公安局", "马山县公安局"], "马山县公安局"),
        # a known authority stays, whatever the others read
        ("马山县公安局", ["淅川县公安局"], "马山县公安局"),
        # none known: the best reading's own
        ("马山首公安局", ["马山昌公安局"], "马山首公安局"),
        # not one another outline cut short, where the best may be one as long misread (an
        # outline that cut off 玛 of 玛南县公安局, read for 玛曲县公安局) ...
        ("玛南县公安局", ["南县公安局"], "玛南县公安局"),
        # ... but where what was read before it may be an overlay's, as the best's own read
        # would drop it
        ("复印无揭西县公安局", ["揭西县公安局"], "揭西县公安局"),
        # a missing one is filled as any checked field is
        (None, ["马山昌公安局"], "马山昌公安局"),
    ],
)
def test_completed_takes_a_known_authority_over_one_that_names_no_place(
    best: str | None, others: list[str], expected: str
) -> None:
    first = back(best)
    assert completed(first, [first, *(back(o) for o in others)]).fields["issued_by"].value == (
        expected
    )


@pytest.mark.parametrize(
    ("best", "other", "expected"),
    [
        # a first line misread as one character gives way to the same address read whole
        (
            "盟高桥镇西坡村7组",
            "江西省抚州市资溪县高桥镇西坡村7组",
            "江西省抚州市资溪县高桥镇西坡村7组",
        ),
        # ... one whose runner-ups mended a character of its end that the best's did not
        (
            "蒙古自的区包头市九原区花西路98号租食局苑",
            "内蒙古自治区包头市九原区花西路98号粮食局苑",
            "内蒙古自治区包头市九原区花西路98号粮食局苑",
        ),
        # not to an address that ends otherwise (another line taken for the address)
        ("盟高桥镇西坡村7组", "江西省抚州市资溪县高桥镇", "盟高桥镇西坡村7组"),
        ("盟高桥镇西坡村7组", "江西省抚州市资溪县高桥镇西坡路8号", "盟高桥镇西坡村7组"),
        # an address that begins with a known place stays
        ("江西省抚州市资溪县高桥镇西坡村7组", "江西省抚州市资溪县高桥镇西坡村1组", None),
    ],
)
def test_completed_takes_an_address_that_begins_with_a_known_place(
    best: str, other: str, expected: str | None
) -> None:
    first = front({**FULL, "address": best})
    merged = completed(first, [first, front({**FULL, "address": other})])
    assert merged.fields["address"].value == (expected or best)


SHORT = "辽宁省锦州市黑山县大营街道"
WHOLE = "辽宁省锦州市黑山县大营街道下湾村4组115号"


@pytest.mark.parametrize(
    ("others", "expected"),
    [
        # two other readings read the address on, alike (its last line lost under a
        # photocopy's watermark on the best outline): printed, never dropped
        ([WHOLE, WHOLE], WHOLE),
        ([WHOLE, SHORT, WHOLE], WHOLE),
        # one alone, or two that go on otherwise, do not
        ([WHOLE], SHORT),
        ([WHOLE, SHORT + "下湾村4组"], SHORT),
        # nor others that read another address
        (["辽宁省锦州市黑山县大虎山镇", "辽宁省锦州市黑山县大虎山镇"], SHORT),
    ],
)
def test_completed_takes_an_address_other_readings_read_on_alike(
    others: list[str], expected: str
) -> None:
    best = front({**FULL, "address": SHORT})
    merged = completed(best, [best, *(front({**FULL, "address": a}) for a in others)])
    assert merged.fields["address"].value == expected


def test_completed_takes_nothing_from_the_other_side() -> None:
    best = front({**FULL, "race": None})
    back = CardReading("back", {"race": Field("汉", 0.9)}, np.zeros((4, 4, 3), np.uint8), QUAD, 7.0)
    assert completed(best, [best, back]) is best


@pytest.mark.parametrize(
    ("boxes", "expected"),
    [
        # the id number from 0.4 to the outline's right edge: grown past the right edge
        ([Box(0.4, 0.8, 0.999, 0.87)], (0.0, 0.0, GROW, 0.0)),
        # an address's next line from its left edge, a name's row at the top
        ([Box(0.005, 0.6, 0.5, 0.66), Box(0.2, 0.0, 0.4, 0.08)], (GROW, GROW, 0.0, 0.0)),
        ([Box(0.3, 0.92, 0.9, 0.995)], (0.0, 0.0, 0.0, GROW)),
        # a segment only at the right edge (a stray beside the values), or lines inside
        ([Box(0.7, 0.3, 1.0, 0.36)], None),
        ([Box(0.165, 0.15, 0.5, 0.2), Box(0.29, 0.8, 0.93, 0.87)], None),
    ],
)
def test_beyond_edges_grows_the_outline_past_the_edges_lines_run_into(
    boxes: list[Box], expected: tuple[float, float, float, float] | None
) -> None:
    base = front(FULL, aligned=False)
    read = dataclasses.replace(base, regions=FieldRegions({"address": tuple(boxes)}))
    wider = beyond_edges(read)
    if expected is None:
        assert wider is None
    else:
        assert wider == grown(QUAD, *expected)


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        # a front's validated value from right of its middle at the right edge: a stray
        (front(FULL, aligned=False), None),
        # ... the same box of a field that did not validate: the card goes on past the edge
        (front({**FULL, "address": None}, aligned=False), (0.0, 0.0, GROW, 0.0)),
        # a back's value reaching the right edge, validated or not (nothing stands beside it)
        (
            CardReading(
                "back",
                {"issued_by": Field("宁波市公安局", 0.9)},
                np.zeros((4, 4, 3), np.uint8),
                QUAD,
                7.0,
            ),
            (0.0, 0.0, GROW, 0.0),
        ),
    ],
)
def test_beyond_edges_grows_past_the_right_edge_a_value_from_right_of_the_middle_runs_into(
    reading: CardReading, expected: tuple[float, float, float, float] | None
) -> None:
    name = "address" if reading.side == "front" else "issued_by"
    read = dataclasses.replace(reading, regions=FieldRegions({name: (Box(0.6, 0.5, 1.0, 0.57),)}))
    wider = beyond_edges(read)
    assert wider == (None if expected is None else grown(QUAD, *expected))


@pytest.mark.parametrize(
    ("gender_row", "expected"),
    [
        # the name's row not found, the gender's at 0.16 of the outline where the card
        # prints it at 0.30: the name's lies at its top edge (an outline a row short)
        (Box(0.05, 0.12, 0.45, 0.20), (0.0, GROW, 0.0, 0.0)),
        # ... the gender's where the card prints it: the name is unread, not off the outline
        (Box(0.05, 0.26, 0.45, 0.34), None),
    ],
)
def test_beyond_edges_grows_past_the_edge_a_missing_row_lies_off(
    gender_row: Box, expected: tuple[float, float, float, float] | None
) -> None:
    offset = gender_row.cy - 0.30
    rows: dict[str, tuple[Box, ...]] = {
        "gender_race": (gender_row,),
        "birth": (Box(0.05, 0.38 + offset, 0.45, 0.44 + offset),),
        "id_no": (Box(0.3, 0.80 + offset, 0.93, 0.86 + offset),),
    }
    reading = front({**FULL, "name": None}, aligned=False)
    wider = beyond_edges(dataclasses.replace(reading, regions=FieldRegions(rows)))
    assert wider == (None if expected is None else grown(QUAD, *expected))


def _segment_row(cy: float, *segments: tuple[float, float, str]) -> ReadRow:
    """A row at ``cy`` of ``segments`` (x0, x1, text), each character placed evenly."""
    boxes, lines = [], []
    for x0, x1, text in segments:
        chars = tuple(
            CharCandidate(c, 0.98, "", 0.0, x=(i + 0.5) / len(text)) for i, c in enumerate(text)
        )
        boxes.append(Box(x0, cy - 0.035, x1, cy + 0.035))
        lines.append(TextLine(text, 0.98, chars))
    return ReadRow(Row(tuple(boxes)), tuple(lines))


FIRST = _segment_row(0.57, (0.07, 0.62, "住址辽宁省朝阳市北票市柳林镇"))


@pytest.mark.parametrize(
    ("next_row", "kept"),
    [
        # a speck at the card's edge before the next line (read as 3): left out
        (_segment_row(0.65, (0.005, 0.036, "3"), (0.207, 0.473, "黄泥村15组128号")), [1]),
        # a minority-script label piece in the label column: left out
        (_segment_row(0.65, (0.066, 0.135, "Dieg youq"), (0.205, 0.43, "五组")), [1]),
        # a next line starting a little left of the value's column: kept whole
        (_segment_row(0.65, (0.13, 0.45, "黄泥村15组128号")), [0]),
        # two pieces of the value: both kept
        (_segment_row(0.65, (0.2, 0.3, "黄泥村"), (0.32, 0.45, "15组128号")), [0, 1]),
    ],
)
def test_an_address_next_line_is_what_reaches_its_value_column(
    next_row: ReadRow, kept: list[int]
) -> None:
    first, second = value_rows([FIRST, next_row], "address")
    assert first[0].x0 == pytest.approx(0.07 + 2.5 / 14 * 0.55 - 0.5 * 0.07 / CARD_ASPECT)
    assert second == [next_row.row.segments[i] for i in kept]


#: An address's first line on a card rectified a little askew: each next line starts further
#: left than the one above (value from 0.157).
ASKEW = _segment_row(0.48, (0.07, 0.55, "住址贵州省铜仁市石阡县"))
ASKEW_SECOND = _segment_row(0.57, (0.13, 0.45, "金沙巷422号18号300"))


@pytest.mark.parametrize(
    ("third", "kept"),
    [
        # its last line, one digit, starting near where the line above starts: kept, though
        # it ends left of where the first line's value starts (it was dropped: …300)
        (_segment_row(0.66, (0.11, 0.135, "2")), [0]),
        # a speck in the labels' column: left out
        (_segment_row(0.66, (0.05, 0.075, "2")), []),
    ],
)
def test_an_address_line_starting_where_the_line_above_starts_is_kept(
    third: ReadRow, kept: list[int]
) -> None:
    first, second, last = value_rows([ASKEW, ASKEW_SECOND, third], "address")
    assert first[0].x0 < 0.16 < second[0].x1
    assert last == [third.row.segments[i] for i in kept]


def test_a_label_whose_second_character_is_lost_in_its_values_box_is_left_out() -> None:
    # 住 of 住址 boxed with the value, 址 faint in the artwork and not read: the value starts
    # at the next character read, far right of 住 (it started at 住, and the address's next
    # line, starting at the value's column, was not taken as its continuation)
    text = "住上海市普陀区花园路676号"
    xs = [0.03, *(0.3 + 0.65 * i / (len(text) - 2) for i in range(len(text) - 1))]
    chars = tuple(CharCandidate(c, 0.95, "", 0.0, x=x) for c, x in zip(text, xs, strict=True))
    segment = Box(0.07, 0.52, 0.6, 0.59)
    row = ReadRow(Row((segment,)), (TextLine(text, 0.95, chars),))
    ((value, *_),) = value_rows([row], "address")
    assert value.x0 == pytest.approx(0.07 + 0.3 * 0.53 - 0.5 * 0.07 / CARD_ASPECT)


@pytest.mark.parametrize(
    ("first_x0", "label_x1", "first_column", "column"),
    [
        # its next lines from where its first line's value starts after the label ...
        (0.19, 0.15, 0.18, 0.19),
        # ... not left of where that line is read from: a speck boxed before the value (read
        # as nothing) widened the next line onto the artwork, read as M (钦M南区)
        (0.157, 0.15, 0.191, 0.191),
        (0.157, 0.15, None, 0.157),
        # no label read: its first line's start may be the label's
        (0.07, None, None, None),
    ],
)
def test_a_values_next_lines_are_read_from_where_its_first_line_is(
    first_x0: float, label_x1: float | None, first_column: float | None, column: float | None
) -> None:
    first = [Box(first_x0, 0.5, 0.6, 0.57)]
    assert next_lines_column(first, label_x1, first_column) == column
    assert next_lines_column([], label_x1, first_column) is None


@pytest.mark.parametrize("first_x0", [0.07, 0.19, 0.25])
def test_a_values_next_lines_without_a_label_read_are_read_from_the_sides_column(
    first_x0: float,
) -> None:
    # a pale label (a photocopy faded at its left): the next line's first characters are as
    # faint, out of its box (67号 of 67号2-7-1701); the first line's start may be the label's
    first = [Box(first_x0, 0.5, 0.6, 0.57)]
    assert next_lines_column(first, None, None, 0.19) == 0.19
    assert next_lines_column([], None, None, 0.19) == 0.19
    # with its label read, the side's column is no reason to start elsewhere
    assert next_lines_column(first, 0.15, 0.18, 0.3) == max(first_x0, 0.18)


@pytest.mark.parametrize(
    ("reads", "kept"),
    [
        # a stray stroke boxed apart before an address's next line, read 2 at 0.08 (李2集街道)
        ([("2", 0.08), ("集街道高家村民委员会", 0.99)], [1]),
        # print read a little unsure, or strays alone: kept (what the row holds is its own)
        ([("2", 0.4), ("集街道高家村民委员会", 0.99)], [0, 1]),
        ([("2", 0.08), ("乡", 0.2)], [0, 1]),
    ],
)
def test_a_stray_strokes_segment_is_no_part_of_a_value(
    reads: list[tuple[str, float]], kept: list[int]
) -> None:
    lines = [text_line(text, prob) for text, prob in reads]
    assert without_strays(lines) == [lines[i] for i in kept]


@pytest.mark.parametrize(
    ("segments", "apart"),
    [
        # a line boxed in one, or in two touching or a little apart (a character's width
        # is 0.044 of a card's on a line 0.07 high): nothing missing
        ([Box(0.2, 0.5, 0.5, 0.57)], []),
        ([Box(0.2, 0.5, 0.3, 0.57), Box(0.3, 0.5, 0.5, 0.57)], [False]),
        ([Box(0.2, 0.5, 0.3, 0.57), Box(0.33, 0.5, 0.5, 0.57)], [False]),
        # glare washed four characters out between the two boxes (东 | 河村1组40号)
        ([Box(0.2, 0.5, 0.25, 0.57), Box(0.42, 0.5, 0.5, 0.57)], [True]),
        (
            [Box(0.2, 0.5, 0.25, 0.57), Box(0.3, 0.5, 0.4, 0.57), Box(0.42, 0.5, 0.5, 0.57)],
            [True, False],
        ),
    ],
)
def test_a_blank_wider_than_a_character_between_segments_may_hold_one(
    segments: list[Box], apart: list[bool]
) -> None:
    assert blanks_between(segments) == apart


#: Where a front's values start (:func:`value_column`), for the tests below.
COLUMN = 0.2


@pytest.mark.parametrize(
    ("row", "x0"),
    [
        # its label with a character misread (a watermark over 名: 姓各, 姓N), the row in the
        # labels' column: the value from between the second and third characters read
        (_segment_row(0.18, (0.08, 0.28, "姓各申才华")), 0.08 + 0.2 * 0.4),
        (_segment_row(0.18, (0.08, 0.28, "姓N申才华")), 0.08 + 0.2 * 0.4),
        (_segment_row(0.18, (0.08, 0.28, "健名申才华")), 0.08 + 0.2 * 0.4),
        # ... no further than half a character past the second (a character not read
        # between them)
        (_segment_row(0.18, (0.08, 0.44, "姓各申才华")), 0.08 + 0.36 * 0.3 + 0.035 / CARD_ASPECT),
        # its label's second character not read: the second read is the value's first,
        # at the column (姓金霞琳): from three quarters of a character before it
        (_segment_row(0.18, (0.08, 0.4, "姓金霞琳")), 0.2 - 0.75 * 0.07 / CARD_ASPECT),
        # a row right of the labels' column (an outline that cut the labels off: 名 is a
        # name's second character here), or no label read at all: the whole row
        (_segment_row(0.18, (0.14, 0.32, "李名扬")), 0.14),
        (_segment_row(0.18, (0.02, 0.2, "徐骐")), 0.02),
        # no label read (faint, read as nothing) and something read left of the column
        # before the value (paper beyond an outline wider than the card, read 喧): the value
        # from three quarters of a character before its first
        (_segment_row(0.18, (0.0, 0.35, "喧   张卫军")), 0.225 - 0.75 * 0.07 / CARD_ASPECT),
        # ... and at least half a character past what was read left of it
        (_segment_row(0.18, (0.12, 0.22, "喧张")), 0.145 + 0.5 * 0.07 / CARD_ASPECT),
        # ... unless it is read at the value's own pitch: the value's first character, left
        # of the column on an outline askew (姚 of 姚宁强): the whole row
        (_segment_row(0.18, (0.12, 0.30, "姚宁强")), 0.12),
        # ... after what is read further off (喧)
        (_segment_row(0.18, (0.0, 0.30, "喧  姚宁强")), 0.175 - 0.75 * 0.07 / CARD_ASPECT),
        # a pale label boxed with the value and read as nothing (the field recogniser read
        # it 社。: 社。王嘉晓): the value from half a character before the column ...
        (_segment_row(0.18, (0.08, 0.32, "   王嘉晓")), 0.2 - 0.5 * 0.07 / CARD_ASPECT),
        # ... where its first character is not read either (a rare surname): kept
        (_segment_row(0.18, (0.08, 0.32, "    嘉晓")), 0.2 - 0.5 * 0.07 / CARD_ASPECT),
        # ... or from three quarters of a character before the first read, nearer the column
        (
            _segment_row(0.18, (0.08, 0.32, "  王嘉晓 ")),
            0.08 + 2.5 / 6 * 0.24 - 0.75 * 0.07 / CARD_ASPECT,
        ),
        # its label read: cut after it, whatever the column
        (_segment_row(0.18, (0.08, 0.32, "姓名申才华")), 0.08 + 0.24 * 0.5 - 0.035 / CARD_ASPECT),
    ],
)
def test_a_first_line_with_its_label_misread_starts_after_the_label(
    row: ReadRow, x0: float
) -> None:
    ((first, *_),) = value_rows([row], "name", COLUMN)
    assert first.x0 == pytest.approx(x0)


def test_a_misread_label_is_told_only_by_the_values_column() -> None:
    row = _segment_row(0.18, (0.08, 0.32, "姓各申才华"))
    assert value_rows([row], "name") == [list(row.row.segments)]


@pytest.mark.parametrize(
    ("field", "segments", "kept"),
    [
        # an outline cut at the card's top: a speck at its right edge, in the portrait's
        # column, on the name's row (read 上 after 金泽帅)
        ("name", ((0.06, 0.28, "姓名金泽帅"), (0.98, 0.998, "上")), 1),
        # an address's last 号, a little past where a value usually ends: kept
        ("address", ((0.06, 0.6, "住址青海省海北藏族自治州刚察县"), (0.62, 0.66, "号")), 2),
        # a name is printed in one run: an outline over a front and a back side by side,
        # the back's emblem read 蒙 five characters after 丁新, where a value may still run
        ("name", ((0.107, 0.298, "姓名丁新"), (0.567, 0.622, "蒙")), 1),
        # ... but a name boxed in two at its middle dot is one
        ("name", ((0.06, 0.3, "姓名阿卜杜"), (0.33, 0.45, "·热合曼")), 2),
        # an address's line is no run: what glare washed out between two of its segments
        # leaves a blank the field is told of (BLANK_JOINT)
        ("address", ((0.06, 0.2, "住址东"), (0.4, 0.58, "河村1组40号")), 2),
    ],
)
def test_no_value_segment_stands_far_out_where_the_value_cannot_run(
    field: str, segments: tuple[tuple[float, float, str], ...], kept: int
) -> None:
    row = _segment_row(0.05, *segments)
    (value,) = value_rows([row], field)
    assert len(value) == kept
    assert VALUE_END_X["name"] < 0.62


#: A recognition card (1280 x 807): a line 0.08 of its height is 0.0504 of its width.
CARD_SHAPE = (807, 1280, 3)


@pytest.mark.parametrize(
    ("x0", "read_from"),
    [
        # its first character left out by the detector's box (a faint 乡 of 乡上河村)
        (0.26, 0.23),
        (0.23 + 1.4 * 0.0504, 0.23),
        # it starts at the column, or left of it (the box's own margin): as detected
        (0.23, 0.23),
        (0.22, 0.22),
        # further right than a character and a half: no line of the value's start
        (0.23 + 1.6 * 0.0504, 0.23 + 1.6 * 0.0504),
    ],
)
def test_a_value_next_line_is_read_from_the_value_column(x0: float, read_from: float) -> None:
    segment = Box(x0, 0.61, 0.61, 0.69)
    read = from_column(segment, 0.23, CARD_SHAPE)
    assert read.x0 == pytest.approx(read_from)
    assert read == dataclasses.replace(segment, x0=read.x0)


def _labelled(cy: float, label: str, x0: float, value: str) -> tuple[ReadRow]:
    """A front's first row of a field: its label in the labels' column, its value from ``x0``."""
    return (_segment_row(cy, (0.07, 0.16, label), (x0, x0 + 0.05 * len(value), value)),)


@pytest.mark.parametrize(
    ("rows", "column"),
    [
        # the name's first character left out by the detector (敏秋 of 李敏秋): the other rows
        # tell where the values start
        (
            {
                "name": _labelled(0.17, "姓名", 0.25, "敏秋"),
                "gender_race": _labelled(0.3, "性别", 0.2, "男"),
                "birth": _labelled(0.4, "出生", 0.2, "1990年1月1日"),
            },
            0.2,
        ),
        (
            {
                "name": _labelled(0.17, "姓名", 0.2, "李敏秋"),
                "birth": _labelled(0.4, "出生", 0.22, "1990年"),
            },
            0.21,
        ),
        # one row alone does not tell
        ({"name": _labelled(0.17, "姓名", 0.25, "敏秋")}, None),
        # ... nor does the gender row's 民族 (its value is right of the column), its 性别
        # not read: where its box starts, at 女, does
        (
            {
                "name": _labelled(0.17, "姓名", 0.2, "田蓉雪"),
                "gender_race": (_segment_row(0.3, (0.22, 0.48, "女民族汉")),),
            },
            0.21,
        ),
        # where fewer than two labels are read (faint labels, not boxed), the rows boxed from
        # their values tell
        (
            {
                "name": (_segment_row(0.17, (0.21, 0.3, "李敏秋")),),
                "birth": (_segment_row(0.4, (0.2, 0.5, "1990年")),),
            },
            0.205,
        ),
        (
            {
                "name": (_segment_row(0.17, (0.0, 0.3, "喧李敏秋")),),
                "gender_race": _labelled(0.3, "性别", 0.21, "男"),
                "birth": (_segment_row(0.4, (0.2, 0.5, "1990年")),),
            },
            0.205,
        ),
        # ... but not rows starting in the labels' column (a label read wrong) or past the
        # gender's value (民族 汉 alone)
        (
            {
                "name": (_segment_row(0.17, (0.07, 0.3, "娃各李敏秋")),),
                "gender_race": (_segment_row(0.3, (0.3, 0.5, "民族汉")),),
                "birth": (_segment_row(0.4, (0.2, 0.5, "1990年")),),
            },
            None,
        ),
    ],
)
def test_a_front_values_column_is_where_its_labelled_rows_start_their_values(
    rows: dict[str, tuple[ReadRow, ...]], column: float | None
) -> None:
    assert value_column(Assignment("front", rows, 1.0)) == pytest.approx(column)
    assert value_column(Assignment("back", rows, 1.0)) is None


def _assigned(*segments: Box, text: str = "北街66号") -> Assignment:
    rows = tuple(ReadRow(Row((seg,)), (TextLine(text, 0.9, ()),)) for seg in segments)
    return Assignment("front", {"name": rows[:1], "address": rows[1:3], "id_no": rows[3:]}, 1.0)


NAME = Box(0.07, 0.10, 0.30, 0.17)
ADDRESS = Box(0.07, 0.50, 0.58, 0.57)


@pytest.mark.parametrize(
    ("segments", "cut"),
    [
        # a card's rows keep ~5% from its edges (the number ends at ~95% of the width)
        ((NAME, ADDRESS, Box(0.17, 0.58, 0.40, 0.65)), False),
        ((NAME, ADDRESS, Box(0.17, 0.58, 0.40, 0.65), Box(0.30, 0.84, 0.95, 0.90)), False),
        # labels cut off the first rows: their values start after them
        ((Box(0.0, 0.10, 0.25, 0.17), Box(0.0, 0.50, 0.58, 0.57)), False),
        # a checked field cut short fails its check: no need to say
        ((NAME, ADDRESS, Box(0.17, 0.58, 0.40, 0.65), Box(0.30, 0.84, 1.0, 0.93)), False),
        # an address's next line begins at the outline's left edge (its first character out)
        ((NAME, ADDRESS, Box(0.005, 0.58, 0.30, 0.65)), True),
        # a name or address line reaches its right edge
        ((Box(0.07, 0.10, 0.995, 0.17), ADDRESS), True),
        ((NAME, Box(0.07, 0.50, 1.0, 0.57)), True),
        # ... but a stray at the edge beside a value is no line of it
        ((NAME, Box(0.07, 0.50, 0.58, 0.57), Box(0.952, 0.78, 1.0, 0.845)), False),
        # a name's line at the outline's top edge (its characters' tops cut off)
        ((Box(0.07, 0.0, 0.30, 0.06), ADDRESS), True),
        ((NAME, ADDRESS, Box(0.17, 0.93, 0.40, 0.999)), True),
    ],
)
def test_an_outline_that_cuts_a_value(segments: tuple[Box, ...], cut: bool) -> None:
    assert cuts_rows(_assigned(*segments)) is cut


@pytest.mark.parametrize(
    ("value", "cut"),
    [
        # a back prints nothing right of its values: its authority from right of the middle
        # (an outline shifted off the card's far end) to the right edge is cut there
        (Box(0.62, 0.66, 1.0, 0.75), True),
        (Box(0.45, 0.66, 0.8, 0.75), False),
    ],
)
def test_an_outline_that_cuts_a_backs_value(value: Box, cut: bool) -> None:
    label = Box(0.36, 0.66, 0.51, 0.75)
    row = ReadRow(
        Row((label, value)), (TextLine("签发机关", 0.9, ()), TextLine("宁波市公安局", 0.9, ()))
    )
    assert cuts_rows(Assignment("back", {"issued_by": (row,)}, 1.0)) is cut


@pytest.mark.parametrize(
    ("texts", "x0", "sheared"),
    [
        (("公民身份号码", "110101199001020011"), 0.08, False),
        (("公民身份号码110101199001020011",), 0.08, False),
        # the label misread keeps some of its characters, or stands in the labels' column
        (("公民份号锅652828201301196961",), 0.08, False),
        (("公民56号", "652828201301196961"), 0.2, False),
        (("心H海业利料411224193010119906",), 0.08, False),
        # the label cut off by the outline, or not read
        (("110101199001020011",), 0.35, False),
        # a bilingual card's label in the minority script, the Chinese label cut off
        (("كىملىك نومۇرى", "652828201301196961"), 0.2, False),
        # an address's last line read into the number's row (an outline shearing the card)
        (("元503室359006201310299536",), 0.23, True),
        (("8组", "110101199001020011"), 0.2, True),
        # no number in the row: nothing read into it
        (("元503室",), 0.23, False),
    ],
)
def test_another_rows_line_read_into_the_numbers_row(
    texts: tuple[str, ...], x0: float, sheared: bool
) -> None:
    boxes = [Box(x0 + 0.3 * i, 0.8, x0 + 0.25 + 0.3 * i, 0.86) for i in range(len(texts))]
    row = ReadRow(Row(tuple(boxes)), tuple(TextLine(t, 0.9, ()) for t in texts))
    assignment = Assignment("front", {"id_no": (row,)}, 1.0)
    assert sheared_into_number(assignment) is sheared
    assert cuts_rows(assignment) is sheared


@pytest.mark.parametrize(("text", "cut"), [("北街66号", True), ("用", False), ("", False)])
def test_a_speck_at_the_left_edge_is_no_cut_line(text: str, cut: bool) -> None:
    segments = (NAME, ADDRESS, Box(0.001, 0.58, 0.07, 0.70))
    assert cuts_rows(_assigned(*segments, text=text)) is cut


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        # an address's last line read ends with a hyphen after its number: the line the
        # number goes on on (6-2004 of 847号36-6-2004) was not found
        ("朝阳街847号36-", True),
        ("朝阳街847号36 －", True),
        ("3B-", True),
        # a hyphen inside the line, or one after no number, says nothing
        ("朝阳街847号36-6-2004", False),
        ("北街66号-", False),
    ],
)
def test_an_address_whose_last_line_runs_on_is_cut(text: str, cut: bool) -> None:
    assert cuts_rows(_assigned(NAME, ADDRESS, text=text)) is cut


def test_an_address_value_is_cropped_to_its_own_line_not_a_speck_run_into_its_label() -> None:
    # a tuned bench photo (seed 11, photo 136): a character of the page under the card's left
    # edge ran into the labels 住 址, stretching the row's segment over the top of the next
    # line; the value's crop held a line and a half and read 南宁市马山 as 南民马
    stray, zhu, zhi = (
        Box(0.0, 0.631, 0.025, 0.694),
        Box(0.069, 0.601, 0.114, 0.661),
        Box(0.112, 0.607, 0.156, 0.661),
    )
    line_1 = Box(0.200, 0.598, 0.593, 0.667)
    (row,) = group_rows([stray, zhu, zhi, line_1])
    text = "清住址广西壮族自治区南宁市马山"
    # where the recogniser read each character of the segment (0..1 of its width)
    xs = [0.02, 0.16, 0.22, *(0.36 + 0.6 * i / 11 for i in range(12))]
    chars = tuple(CharCandidate(c, 0.95, "", 0.0, x=x) for c, x in zip(text, xs, strict=True))
    first = ReadRow(row, (TextLine(text, 0.95, chars),))
    second = ReadRow(Row((Box(0.199, 0.650, 0.592, 0.725),)), (TextLine("县北店头镇", 0.9, ()),))
    (value,), (next_line,) = value_rows([first, second], "address")
    assert (value.y0, value.y1) == (line_1.y0, line_1.y1)
    assert zhi.x1 < value.x0 < line_1.x0 + 0.01
    assert next_line == second.row.segments[0]


def _gender_row_at(y0: float, y1: float) -> Assignment:
    row = ReadRow(Row((Box(0.06, y0, 0.5, y1),)), (TextLine("性别女民族汉", 0.9, ()),))
    return Assignment("front", {"name": (), "gender_race": (row,)}, 1.0)


@pytest.mark.parametrize(
    ("y0", "y1", "held"),
    [
        # an outline that cut the card's top: the gender row where the name's band is
        (0.15, 0.27, True),
        (0.10, 0.20, True),
        # the gender row where it belongs, or only grazing the band
        (0.26, 0.34, False),
        (0.18, 0.27, False),
    ],
)
def test_the_name_band_held_by_another_row_is_no_stand_in(y0: float, y1: float, held: bool) -> None:
    band = FRONT_FALLBACK["name"][2:]
    assert held_by_another(_gender_row_at(y0, y1), "name", *band) is held
    assert not held_by_another(_gender_row_at(y0, y1), "gender_race", *band)


@pytest.mark.parametrize(
    ("row", "name", "beside"),
    [
        # the authority's label alone (a watermark's box swallowed its value): right of it
        (_segment_row(0.71, (0.19, 0.34, "签发机关")), "issued_by", True),
        (_segment_row(0.57, (0.07, 0.14, "住址")), "address", True),
        # the number's, the birth's and the validity's: their digits tell a stand-in read
        (_segment_row(0.82, (0.07, 0.3, "公民身份号码")), "id_no", True),
        (_segment_row(0.41, (0.07, 0.14, "出生")), "birth", True),
        (_segment_row(0.82, (0.19, 0.34, "有效期限")), "valid_date", True),
        (
            _segment_row(0.82, (0.07, 0.3, "公民身份号码"), (0.35, 0.9, "500228197601023740")),
            "id_no",
            False,
        ),
        # the label and its value, in one segment or two: the value was found
        (_segment_row(0.71, (0.19, 0.62, "签发机关崇仁县公安局")), "issued_by", False),
        (
            _segment_row(0.71, (0.19, 0.34, "签发机关"), (0.4, 0.62, "崇仁县公安局")),
            "issued_by",
            False,
        ),
        # no label read: the row is the value
        (_segment_row(0.71, (0.4, 0.62, "崇仁县公安局")), "issued_by", False),
        # a name is not read beside its label: a stand-in read cannot tell a name from noise
        (_segment_row(0.15, (0.07, 0.14, "姓名")), "name", False),
    ],
)
def test_a_value_is_read_beside_its_label_when_the_row_holds_the_label_alone(
    row: ReadRow, name: str, beside: bool
) -> None:
    box = beside_label(row, name)
    if not beside:
        assert box is None
        return
    label = row.row.box
    pad = BESIDE_PAD * label.height
    assert box == Box(label.x1, label.y0 - pad, VALUE_END_X[name], label.y1 + pad)


@pytest.mark.parametrize(
    ("row", "beside"),
    [
        # both labels alone (a watermark's box swallowed 女 and 汉), or either
        (_segment_row(0.33, (0.07, 0.14, "性别"), (0.24, 0.31, "民族")), True),
        (_segment_row(0.33, (0.07, 0.17, "性别女"), (0.24, 0.31, "民族")), True),
        (_segment_row(0.33, (0.07, 0.14, "性别"), (0.24, 0.36, "民族汉")), True),
        # both values read, in the labels' segments or their own
        (_segment_row(0.33, (0.07, 0.17, "性别女"), (0.24, 0.36, "民族汉")), False),
        (_segment_row(0.33, (0.07, 0.36, "性别女民族汉")), False),
        (
            _segment_row(0.33, (0.07, 0.14, "性别"), (0.19, 0.21, "女"), (0.24, 0.36, "民族汉")),
            False,
        ),
        # a label alone and a value read that is none: the other value is not there
        (_segment_row(0.33, (0.07, 0.14, "性别"), (0.24, 0.36, "民族火星")), True),
    ],
)
def test_the_gender_row_holding_a_label_alone_is_read_whole(row: ReadRow, beside: bool) -> None:
    # the row's band from its start, labels and all, to where its values may run: its two
    # values are read as one line, the way the row's own segments are
    box = beside_label(row, "gender_race")
    if not beside:
        assert box is None
        return
    band = row.row.box
    pad = BESIDE_PAD * band.height
    assert box == Box(band.x0, band.y0 - pad, VALUE_END_X["gender_race"], band.y1 + pad)


def test_the_gender_row_is_read_on_the_band_of_its_label_alone() -> None:
    # a bilingual card: 男 and the minority-script line printed close above it were boxed as
    # one (read as 9), so the row reaches up into that line; the values are printed level
    # with their labels, and the script above them is not read with them
    row = _segment_row(0.33, (0.07, 0.13, "性别"), (0.17, 0.22, "9"), (0.33, 0.47, "民族汉"))
    label, merged, race = row.row.segments
    row = dataclasses.replace(
        row, row=Row((label, Box(merged.x0, 0.24, merged.x1, merged.y1), race))
    )
    pad = BESIDE_PAD * label.height
    assert beside_label(row, "gender_race") == Box(
        label.x0, label.y0 - pad, VALUE_END_X["gender_race"], label.y1 + pad
    )


READ_GENDER, READ_RACE, READ_NAME = Field("女", 0.9), Field("汉", 0.9), Field("张三", 0.9)


@pytest.mark.parametrize(
    ("first", "again", "rows", "kept"),
    [
        # the gender read by the first (a stand-in beside the label alone), the ethnicity by
        # the second (the row's segments; 女 too faint for the detector): both kept
        (
            {"gender": READ_GENDER, "race": MISSING},
            {"gender": MISSING, "race": READ_RACE},
            ["gender_race"],
            {"gender": READ_GENDER, "race": READ_RACE},
        ),
        # what the second validated stands, whatever the first read
        (
            {"gender": Field("男", 0.5), "race": MISSING},
            {"gender": READ_GENDER, "race": READ_RACE},
            ["gender_race"],
            {"gender": READ_GENDER, "race": READ_RACE},
        ),
        # a validity read as printed is kept over one only corrected (a digit taken as its
        # runner-up), whichever read it ...
        (
            {"valid_date": Field("2014.08.23-2019.08.23", 0.99)},
            {"valid_date": Field("2014.08.28-2019.08.28", CORRECTED)},
            ["valid_date"],
            {"valid_date": Field("2014.08.23-2019.08.23", 0.99)},
        ),
        (
            {"valid_date": Field("2014.08.28-2019.08.28", CORRECTED)},
            {"valid_date": Field("2014.08.23-2019.08.23", 0.99)},
            ["valid_date"],
            {"valid_date": Field("2014.08.23-2019.08.23", 0.99)},
        ),
        # ... and of two corrected, the second's
        (
            {"valid_date": Field("2014.08.28-2019.08.28", CORRECTED)},
            {"valid_date": Field("2014.08.23-2019.08.23", CORRECTED)},
            ["valid_date"],
            {"valid_date": Field("2014.08.23-2019.08.23", CORRECTED)},
        ),
        # neither validated it: not valid
        (
            {"gender": MISSING, "race": READ_RACE},
            {"gender": MISSING, "race": MISSING},
            ["gender_race"],
            {"gender": MISSING, "race": READ_RACE},
        ),
        # a field of a row read once only is the second parse's, as it is
        (
            {"gender": MISSING, "race": MISSING, "name": READ_NAME},
            {"gender": READ_GENDER, "race": READ_RACE, "name": MISSING},
            ["gender_race"],
            {"gender": READ_GENDER, "race": READ_RACE, "name": MISSING},
        ),
    ],
)
def test_a_second_opinion_keeps_what_either_read_validated(
    first: dict[str, Field], again: dict[str, Field], rows: list[str], kept: dict[str, Field]
) -> None:
    assert second_opinion(first, again, rows) == kept


def _printed(text: str, size: int = 40) -> np.ndarray:
    """``text`` set in Noto Sans at ``size`` px on a card's pale paper: a BGR line crop."""
    typeface = font("noto_sans", size)
    width = round(ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(text, font=typeface))
    image = Image.new("RGB", (width + size, round(1.5 * size)), (222, 228, 225))
    ImageDraw.Draw(image).text((size // 2, size // 5), text, font=typeface, fill=(35, 35, 35))
    return np.asarray(image)[:, :, ::-1].copy()


def _alone(text: str, prob: float) -> TextLine:
    chars = tuple(
        CharCandidate(c, prob, "", 0.0, x=(i + 0.5) / len(text)) for i, c in enumerate(text)
    )
    return TextLine(text, prob, chars)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("last", "alone", "expected"),
    [
        # read alone unsurely (on a ~250 px card 号 was read 哥 at 0.37): read after the line
        # above's end, as printed, 号
        ("号", _alone("哥", 0.37), "号"),
        ("室", _alone("宝", 0.5), "室"),
        # read surely alone, or three characters or more: as read
        ("号", _alone("号", 0.999), "号"),
        ("号", _alone("哥", 0.999), "哥"),
        ("12号", _alone("12哥", 0.37), "12哥"),
    ],
)
def test_an_addresss_short_last_line_is_read_again_after_the_line_above(
    processor: Any, last: str, alone: TextLine, expected: str
) -> None:
    jobs = [("address", 0, _printed("石桥镇高家村8组139")), ("address", 1, _printed(last))]
    out: list[TextLine | None] = [_alone("石桥镇高家村8组139", 0.99), alone]
    last_line_in_context(jobs, out, processor.service.engine)
    got = out[1]
    assert got is not None and got.text == expected
    assert all(0.0 <= c.x <= 1.0 for c in got.chars)


def _address_line(text: str, passed: float = 0.0, seen: str = "") -> TextLine:
    """An address line read surely, evenly across its crop, ``seen`` passed over at its
    start with ``passed`` seen there in all."""
    chars = tuple(
        CharCandidate(c, 0.99, "", 0.0, x=(i + 1.5) / (len(text) + 1)) for i, c in enumerate(text)
    )
    at = CharCandidate(seen, 0.04, "", 0.0, x=0.01) if seen else None
    return TextLine(text, 0.99, chars, passed=passed, passed_char=at)


@pytest.mark.parametrize(
    ("passed", "lines"),
    [
        # the model saw a character at the wrapped line's start: 才, a word with 育 above it
        (0.82, ["河南省洛阳市偃师区育", "才北路477号"]),
        # it saw too little there to say a character is printed
        (PASSED_PRINTED - 0.1, ["河南省洛阳市偃师区育", "北路477号"]),
    ],
)
def test_addresses_passed_keeps_a_wrapped_lines_first_character_passed_over(
    passed: float, lines: list[str]
) -> None:
    crop = np.zeros((8, 8, 3), np.uint8)
    jobs = [("name", 0, crop), ("address", 0, crop), ("address", 1, crop)]
    out: list[TextLine | None] = [
        _address_line("刘超志"),
        _address_line("河南省洛阳市偃师区育"),
        _address_line("北路477号", passed, "才"),
    ]
    addresses_passed(jobs, out)
    assert [line.text for line in out[1:] if line is not None] == lines
