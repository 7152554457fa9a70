"""Side and rows decided from what the card says (no models): label matching, the
row-to-field alignment and the side evidence."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from processor.card.layout import Row
from processor.card.template import CARD_ASPECT
from processor.read.assign import (
    FIELDS,
    MIN_ROW_SCORE,
    ReadRow,
    assign,
    label_end,
    label_match,
    label_right,
    misread_label,
    row_label,
    row_score,
    side_evidence,
    value_box,
)
from processor.values import Box, CharCandidate, TextLine


def line(text: str, prob: float = 0.98, alts: dict[int, str] | None = None) -> TextLine:
    alts = alts or {}
    chars = tuple(CharCandidate(c, prob, alts.get(i, ""), 0.01) for i, c in enumerate(text))
    return TextLine(text, prob, chars)


def row(cy: float, *texts: str, x0: float = 0.07, h: float = 0.07, w: float = 0.25) -> ReadRow:
    """A row at height ``cy`` whose segments (``w`` wide) read ``texts``, left to right."""
    segments = tuple(
        Box(x0 + 0.3 * i, cy - h / 2, x0 + 0.3 * i + w, cy + h / 2) for i in range(len(texts))
    )
    return ReadRow(Row(segments), tuple(line(t) for t in texts))


def fields(side: str, rows: Sequence[ReadRow]) -> dict[str, list[str]]:
    found = assign(side, rows).rows
    return {name: [r.text for r in got] for name, got in found.items() if got}


# -- labels ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "label", "alts", "expected"),
    [
        ("姓名张三", "姓名", None, 1.0),
        ("姓 名 张三", "姓名", None, 1.0),
        (".姓名张三", "姓名", None, 1.0),  # a speck before the label
        ("生名张三", "姓名", None, 0.0),  # one of two characters is not a label
        ("生名张三", "姓名", {0: "姓"}, 1.0),  # ... unless the runner-up says so
        ("张三姓名", "姓名", None, 0.0),  # a label starts its segment
        ("公民身份号码", "公民身份号码", None, 1.0),
        ("公民身份号吗", "公民身份号码", None, 5 / 6),
        ("公民号", "公民身份号码", None, 0.0),
        ("中华人民共和国", "中华人民共和国", None, 1.0),
        ("中华人民共和", "中华人民共和国", None, 6 / 7),
        ("签发机美", "签发机关", None, 0.75),
        ("有效期限2013.03.21-2033.03.21", "有效期限", None, 1.0),
    ],
)
def test_label_match(text: str, label: str, alts: dict[int, str] | None, expected: float) -> None:
    assert label_match(line(text, 0.7 if alts else 0.98, alts), label) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("姓名张三", "姓名", "张三"),
        (".姓名张三", "姓名", "张三"),  # a speck before the label
        ("从姓名张三", "姓名", "张三"),
        ("签发机关湖州市公安局", "签发机关", "湖州市公安局"),
        ("姜发机关湖州市公安局", "签发机关", "湖州市公安局"),  # its first character misread
        ("签发机美湖州市公安局", "签发机关", "湖州市公安局"),  # its last character misread
        ("签机关湖州市公安局", "签发机关", "湖州市公安局"),  # a character of it lost
        ("发机关湖州市公安局", "签发机关", "湖州市公安局"),  # its first character lost
        ("公民身份号吗330106198209250013", "公民身份号码", "330106198209250013"),
    ],
)
def test_label_end(text: str, label: str, value: str) -> None:
    chars = line(text).chars
    assert label_match(line(text), label)  # the line starts with the label
    assert "".join(c.char for c in chars[label_end(chars, label) :]) == value


# -- the row-to-field alignment ---------------------------------------------------------------
FRONT = [
    row(0.17, "姓名张三"),
    row(0.30, "性别男", "民族汉"),
    row(0.41, "出生1982年9月25日"),
    row(0.53, "住址浙江省杭州市西湖区文三路"),
    row(0.615, "1-4-401室"),
    row(0.83, "公民身份号码", "330106198209250013"),
]


def test_assign_reads_a_front_by_its_labels() -> None:
    assert fields("front", FRONT) == {
        "name": ["姓名张三"],
        "gender_race": ["性别男 民族汉"],
        "birth": ["出生1982年9月25日"],
        "address": ["住址浙江省杭州市西湖区文三路", "1-4-401室"],
        "id_no": ["公民身份号码 330106198209250013"],
    }


def test_assign_follows_the_labels_where_the_rows_are_not_where_our_template_puts_them() -> None:
    # a card printed lower and with a larger row pitch than the template's
    shifted = [
        row(0.24, "姓名张三"),
        row(0.38, "性别男", "民族汉"),
        row(0.50, "出生1982年9月25日"),
        row(0.63, "住址浙江省杭州市西湖区文三路"),
        row(0.71, "1-4-401室"),
        row(0.88, "公民身份号码", "330106198209250013"),
    ]
    assert fields("front", shifted) == fields("front", FRONT)


def test_rows_below_are_expected_where_the_labels_above_place_them() -> None:
    """An outline a little off: every row 0.11 card heights lower than the template's and
    the address's label unread (住 | 址 lost to glare). The labelled rows above say how far
    off the card is, so its address rows are where they should be; without them, nothing
    does (and rows that merely fit do not move the template)."""
    low = [row(r.row.cy + 0.11, *(ln.text.removeprefix("住址") for ln in r.lines)) for r in FRONT]
    assert fields("front", low)["address"] == ["浙江省杭州市西湖区文三路", "1-4-401室"]
    # (a line that begins with a province is the address wherever it stands: not this one)
    unlabelled = [row(0.52, "1982年9月25日"), row(0.64, "杭州市西湖区文三路")]
    assert "address" not in fields("front", unlabelled)


def test_assign_leaves_out_rows_that_are_no_field() -> None:
    # a bilingual card: a Zhuang line above each row; a watermark across the middle
    bilingual = [
        row(0.12, "Coenmingz"),
        row(0.17, "姓名张三"),
        row(0.25, "Singq"),
        row(0.30, "性别男", "民族汉"),
        row(0.41, "出生1982年9月25日"),
        row(0.47, "样本"),
        row(0.53, "住址浙江省杭州市西湖区文三路"),
        row(0.615, "1-4-401室"),
        row(0.78, "Gunghmingz"),
        row(0.83, "公民身份号码", "330106198209250013"),
    ]
    got = fields("front", bilingual)
    assert got["name"] == ["姓名张三"]
    assert got["address"] == ["住址浙江省杭州市西湖区文三路", "1-4-401室"]
    assert got["id_no"] == ["公民身份号码 330106198209250013"]


def test_assign_places_unlabelled_rows_by_what_they_say() -> None:
    # labels too faint to read: the values alone, in order
    bare = [
        row(0.17, "张三", x0=0.18),
        row(0.30, "男", "汉", x0=0.18),
        row(0.41, "1982年9月25日", x0=0.18),
        row(0.53, "浙江省杭州市西湖区文三路", x0=0.18),
        row(0.83, "330106198209250013", x0=0.35),
    ]
    assert fields("front", bare) == {
        "name": ["张三"],
        "gender_race": ["男 汉"],
        "birth": ["1982年9月25日"],
        "address": ["浙江省杭州市西湖区文三路"],
        "id_no": ["330106198209250013"],
    }


def test_an_address_that_begins_with_a_province_is_found_below_the_template_place() -> None:
    # a small bilingual card (a line of its script over every row) with no label read: its
    # rows sit lower than the template's places; the address's first line breaks mid-county
    low = [
        row(0.19, "巴桑白玛", x0=0.21),
        row(0.34, "女藏", x0=0.21),
        row(0.49, "1973年8月6日", x0=0.21),
        row(0.65, "甘肃省甘南藏族自治州卓", x0=0.21),
        row(0.714, "尼县花园街221号", x0=0.21),
        row(0.845, "130403197308063289", x0=0.35),
    ]
    assert fields("front", low)["address"] == ["甘肃省甘南藏族自治州卓", "尼县花园街221号"]
    # the same line not beginning with a province is not taken so far from its place
    unplaced = [*low[:3], row(0.65, "甘南藏族自治州卓", x0=0.21), *low[4:]]
    assert "address" not in fields("front", unplaced)


BACK = [
    row(0.20, "中华人民共和国", x0=0.35),
    row(0.38, "居民身份证", x0=0.32),
    row(0.71, "签发机关淅川县公安局", x0=0.2),
    row(0.83, "有效期限2013.03.21-2033.03.21", x0=0.2),
]


def test_assign_reads_a_back() -> None:
    assert fields("back", BACK) == {
        "title": ["中华人民共和国"],
        "subtitle": ["居民身份证"],
        "issued_by": ["签发机关淅川县公安局"],
        "valid_date": ["有效期限2013.03.21-2033.03.21"],
    }


def test_a_validity_range_is_found_without_its_label() -> None:
    """有效期限 unread (blur, a script line over it): the range's 16 digits are no id number."""
    back = [*BACK[:3], row(0.86, "电2020.12.23-2040.12.23", x0=0.2)]
    assert fields("back", back)["valid_date"] == ["电2020.12.23-2040.12.23"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("南意期服2021112820261128", True),  # dots and dash lost, label misread
        ("有效期限 20110618长期", True),
        ("南意期服2021112820261129", False),  # 16 digits that are no range: never a validity
    ],
)
def test_a_validity_range_is_found_without_its_dots(text: str, found: bool) -> None:
    """A blurred or small back: the dots and dash are lost; the 16 digits whose two dates
    keep a legal term are the validity range, not an id number's row."""
    back = [*BACK[:3], row(0.86, text, x0=0.2)]
    assert (fields("back", back).get("valid_date") == [text]) is found


# -- side evidence ----------------------------------------------------------------------------
def test_side_evidence_comes_from_labels_and_the_number() -> None:
    front = side_evidence(FRONT)
    assert front["front"] >= 7 and front["back"] == 0
    garbage = side_evidence([row(0.3, "丨丨一"), row(0.5, "口口")])
    assert garbage == {"front": 0.0, "back": 0.0}
    badge = side_evidence([row(0.2, "姓名李四"), row(0.4, "部门研发部")])
    assert badge["front"] == 1.0  # one label: not enough to be a card by itself


@pytest.mark.parametrize(
    ("text", "front"),
    [
        ("公民身份号码 11010519491231002X", 3.0),  # the label, and a number that checks
        ("11010519491231002X", 2.0),
        ("1101051949123100", 1.0),  # a number's shape, cut
        ("110105 1949 1231 002X", 2.0),  # read in pieces
        ("11O1O519491231OO2X", 2.0),  # O for 0: the recogniser's misreads
        # words and figures whose letters map to 18 id characters that happen to check
        ("InvoiceAa.2024-0815Tslaldu:1,280.0D", 0.0),
    ],
)
def test_an_id_number_is_evidence_when_read_as_one_run(text: str, front: float) -> None:
    assert side_evidence([row(0.86, text)])["front"] == front


def _segments(*parts: tuple[str, float, float, float]) -> ReadRow:
    """A row of segments (text, x0, x1, cy), 0.07 high."""
    boxes = tuple(Box(x0, cy - 0.035, x1, cy + 0.035) for _, x0, x1, cy in parts)
    return ReadRow(Row(boxes), tuple(line(text) for text, *_ in parts))


@pytest.mark.parametrize(
    ("id_row", "address", "id_no"),
    [
        # a tilted outline: the address's last line (四组) falls in with the number, a little
        # higher, where the address's next lines start
        (
            _segments(("四组", 0.21, 0.30, 0.86), ("500242197209282905", 0.44, 0.92, 0.91)),
            ["住址重庆市酉阳土家族苗族自治", "县河口街道杨家村民委员会", "四组"],
            ["500242197209282905"],
        ),
        (
            _segments(
                ("公民身份号码", 0.07, 0.28, 0.91),
                ("四组", 0.21, 0.30, 0.86),
                ("500242197209282905", 0.44, 0.92, 0.91),
            ),
            ["住址重庆市酉阳土家族苗族自治", "县河口街道杨家村民委员会", "四组"],
            ["公民身份号码 500242197209282905"],
        ),
        # the number's own label, read in part, stays with it; so does Chinese elsewhere
        (
            _segments(("公民身份号", 0.21, 0.38, 0.86), ("500242197209282905", 0.44, 0.92, 0.91)),
            ["住址重庆市酉阳土家族苗族自治", "县河口街道杨家村民委员会"],
            ["公民身份号 500242197209282905"],
        ),
        (
            _segments(("四组", 0.07, 0.16, 0.86), ("500242197209282905", 0.44, 0.92, 0.91)),
            ["住址重庆市酉阳土家族苗族自治", "县河口街道杨家村民委员会"],
            ["四组 500242197209282905"],
        ),
        # the rest of the number's label (码) where the outline cut the label off: at the
        # address's column too, but level with the number
        (
            _segments(("码", 0.21, 0.25, 0.905), ("500242197209282905", 0.44, 0.92, 0.91)),
            ["住址重庆市酉阳土家族苗族自治", "县河口街道杨家村民委员会"],
            ["码 500242197209282905"],
        ),
    ],
)
def test_an_address_line_sheared_into_the_number_row_is_the_address(
    id_row: ReadRow, address: list[str], id_no: list[str]
) -> None:
    rows = [
        row(0.17, "姓名白琳"),
        row(0.30, "性别女", "民族汉"),
        row(0.41, "出生1972年9月28日"),
        row(0.53, "住址重庆市酉阳土家族苗族自治", w=0.5),
        _segments(("县河口街道杨家村民委员会", 0.21, 0.69, 0.62)),
        id_row,
    ]
    got = fields("front", rows)
    assert (got["address"], got["id_no"]) == (address, id_no)


def test_assign_joins_labels_printed_off_their_values_line() -> None:
    # labels set lower than their values (and 住 split from 址 by the detector)
    offset = [
        row(0.146, "姓名潘宁豪"),
        row(0.256, "男民族汉", x0=0.23),
        row(0.308, "性别", x0=0.08, w=0.11),
        row(0.377, "1998年12月9日", x0=0.23),
        row(0.423, "出生", x0=0.08, w=0.11),
        row(0.521, "址江苏省泰州市靖江市柳林", x0=0.148),
        ReadRow(Row((Box(0.08, 0.54, 0.121, 0.58),)), (line("住"),)),
        row(0.620, "镇杨树庄122号", x0=0.23),
        row(0.861, "公民身份号码", "32128219981209691X"),
    ]
    got = fields("front", offset)
    assert got["gender_race"] == ["性别 男民族汉"]
    assert got["birth"] == ["出生 1998年12月9日"]
    assert got["address"] == ["住 址江苏省泰州市靖江市柳林", "镇杨树庄122号"]


def test_assign_takes_an_address_line_after_a_row_that_is_no_field() -> None:
    rows = [*FRONT[:4], row(0.57, "样本", x0=0.5), FRONT[4], FRONT[5]]
    assert fields("front", rows)["address"] == ["住址浙江省杭州市西湖区文三路", "1-4-401室"]


def test_assign_takes_a_nation_row_of_its_own() -> None:
    # a card a little off level: 民族 苗 falls on a row of its own, right of and below 性别
    tilted = [
        row(0.17, "姓名宋宁超"),
        row(0.28, "性别男", w=0.2),
        row(0.33, "民族苗", x0=0.32, w=0.2),
        row(0.41, "出生1970年2月7日"),
        row(0.53, "住址山西省忻州市静乐县"),
        row(0.83, "公民身份号码", "14092619700207697X"),
    ]
    assert fields("front", tilted)["gender_race"] == ["性别男", "民族苗"]


def test_assign_joins_a_label_fragment_to_the_row_it_stands_in() -> None:
    # 住 read with the value's row, 址 as a row of its own beside them
    rows = [
        *FRONT[:3],
        ReadRow(
            Row((Box(0.085, 0.564, 0.122, 0.614), Box(0.212, 0.552, 0.573, 0.623))),
            (line("住"), line("辽宁省沈阳市于洪区")),
        ),
        ReadRow(Row((Box(0.114, 0.561, 0.183, 0.611),)), (line("址"),)),
        row(0.663, "翠微大街968号", x0=0.216),
        FRONT[5],
    ]
    assert fields("front", rows)["address"] == ["住 址 辽宁省沈阳市于洪区", "翠微大街968号"]


def _placed(cy: float, text: str, x0: float, x1: float, h: float = 0.07) -> ReadRow:
    """A row of one segment whose characters are read evenly spaced across it."""
    chars = tuple(
        CharCandidate(c, 0.98, "", 0.0, x=(i + 0.5) / len(text)) for i, c in enumerate(text)
    )
    return ReadRow(Row((Box(x0, cy - h / 2, x1, cy + h / 2),)), (TextLine(text, 0.98, chars),))


def test_an_address_line_continues_a_row_whose_label_lost_its_first_character() -> None:
    # 住 of 住址 not read: the value still starts after 址, where the next line starts
    rows = [
        *FRONT[:3],
        _placed(0.565, "址上海市杨浦区漓江巷7号", 0.096, 0.613),
        _placed(0.65, "阳光花园7-3-7", 0.222, 0.469),
        FRONT[5],
    ]
    assert fields("front", rows)["address"] == ["址上海市杨浦区漓江巷7号", "阳光花园7-3-7"]
    start = value_box(rows[3], ("住址",))
    assert start.x0 == pytest.approx(0.096 + 1.5 / 12 * 0.517 - 0.5 * 0.07 / CARD_ASPECT)


@pytest.mark.parametrize(
    ("row_", "right"),
    [
        # the label and its value in one box, read evenly spaced: its 名's centre and half
        # a character (0.07 high on the card: 0.07 / CARD_ASPECT wide)
        (_placed(0.15, "姓名美妍", 0.1, 0.3), 0.1 + 1.5 / 4 * 0.2 + 0.5 * 0.07 / CARD_ASPECT),
        # the label in a box of its own
        (
            row(0.15, "姓名", "禚美妍", x0=0.1, w=0.1),
            0.2,
        ),
        # its second character alone read (址 of 住址)
        (_placed(0.57, "址上海市", 0.1, 0.3), 0.1 + 0.5 / 4 * 0.2 + 0.5 * 0.07 / CARD_ASPECT),
        # no label read
        (_placed(0.15, "美妍", 0.2, 0.3), None),
        # its first character alone in a box of its own, the second not read (probe seed
        # 52, photo #54: the address's next line did not continue 住 | 重庆市…979号2)
        (row(0.57, "住", "重庆市合川区", x0=0.1, w=0.1), 0.2),
        # a pale label in a box of its own read as nothing (probe seed 52, hard #114: it was
        # read into the name, 年王新永)
        (row(0.15, "", "王新永", x0=0.1, w=0.1), 0.2),
        # ... but a value of one character, or one box of the value, is no label
        (_placed(0.15, "住", 0.2, 0.25), None),
        (row(0.15, "美", "妍", x0=0.2, w=0.04), None),
    ],
)
def test_where_a_label_ends(row_: ReadRow, right: float | None) -> None:
    labels = ("住址",) if {"住", "址"} & set(row_.text) else ("姓名",)
    assert label_right(row_, labels) == pytest.approx(right)


def test_an_address_line_continues_a_row_whose_label_was_read_with_a_character_wrong() -> None:
    # 住址 read 住业 (probe seed 62, photo 34): no label read, the value's start was the row's,
    # in the labels' column, and the next line 民村246号, at the value's column, was left out
    first = _placed(0.565, "住业安徽省蚌埠市固镇县黄庄乡新", 0.05, 0.52)
    rows = [*FRONT[:3], first, _placed(0.65, "民村246号", 0.12, 0.26), FRONT[5]]
    assert fields("front", rows)["address"] == [first.text, "民村246号"]


def _label_unread(cy: float, label: str, value: str, x0: float, start: float) -> ReadRow:
    """A row of one segment from ``x0``: ``label`` (what was read of a label, or nothing) at
    the labels' column, then ``value`` from ``start`` at one character's pitch (0.07 high on
    the card: 0.07 / CARD_ASPECT wide)."""
    char, h = 0.07 / CARD_ASPECT, 0.07
    x1 = start + len(value) * char
    centres = [x0 + (i + 0.5) * char for i in range(len(label))]
    centres += [start + (i + 0.5) * char for i in range(len(value))]
    text = label + value
    chars = tuple(
        CharCandidate(c, 0.98, "", 0.0, x=(x - x0) / (x1 - x0))
        for c, x in zip(text, centres, strict=True)
    )
    return ReadRow(Row((Box(x0, cy - h / 2, x1, cy + h / 2),)), (TextLine(text, 0.98, chars),))


@pytest.mark.parametrize(
    "label",
    [
        # 住址 read 在, its 址 lost on a 300 px photo of a card in a thin typeface (probe seed
        # 88, hard 12 at 600 px: 杭州市上城区青云南路303号1, its 2-6 left out)
        "在",
        # ... read 住 alone, in one box with the value (tuned seed 0, hard 10 at 600 px:
        # 梧州市龙圩区金沙巷353号, its 21-2-2201 left out)
        "住",
        # ... read as two other characters (电4: probe seed 87, hard 166 at 600 px)
        "电4",
    ],
)
def test_an_address_line_continues_a_row_whose_label_was_misread_in_its_box(label: str) -> None:
    first = _label_unread(0.565, label, "杭州市上城区青云南路303号1", 0.08, 0.18)
    rows = [*FRONT[:3], first, _placed(0.65, "2-6", 0.18, 0.26), FRONT[5]]
    assert fields("front", rows)["address"] == [first.text, "2-6"]


def test_a_line_in_the_labels_column_is_no_next_line_of_the_address() -> None:
    # a bilingual Tibetan card (probe seed 83 rare 10): the Tibetan line over 公民身份号码,
    # in the labels' column, read 5君2盟胃室月房习然 (a place word, 室) and was taken for the
    # address's third line over its last, 2004, which starts where the line above does
    rows = [
        *FRONT[:3],
        _placed(0.53, "住址四川省甘孜藏族自治州乡城县", 0.09, 0.575),
        _placed(0.60, "芙蓉北路589号锦绣花园14-8-", 0.208, 0.585),
        _placed(0.665, "2004", 0.208, 0.28),
        _placed(0.73, "5君2盟胃室月房习然", 0.091, 0.21),
        FRONT[5],
    ]
    got = fields("front", rows)["address"]
    assert got == ["住址四川省甘孜藏族自治州乡城县", "芙蓉北路589号锦绣花园14-8-", "2004"]
    address = next(spec for spec in FIELDS["front"] if spec.name == "address")
    assert row_score(address, 2, rows[6], None, rows[4]) < MIN_ROW_SCORE
    assert row_score(address, 2, rows[5], None, rows[4]) >= MIN_ROW_SCORE


def test_an_address_line_continues_a_row_whose_label_was_read_as_nothing() -> None:
    # a bilingual Tibetan card at 520 px, its outline a little left of the card: 住址 under
    # its Tibetan line was boxed alone and read as nothing; the next line, 厂花园7-4-1003,
    # starts where the value's box does, and was left out (no place word)
    first = ReadRow(
        Row((Box(0.07, 0.495, 0.14, 0.565), Box(0.2, 0.49, 0.6, 0.57))),
        (line(""), line("昌都市左贡县中山街514号纺织")),
    )
    rows = [*FRONT[:3], first, _placed(0.62, "厂花园7-4-1003", 0.2, 0.44), FRONT[5]]
    assert fields("front", rows)["address"] == [first.text, "厂花园7-4-1003"]


def test_an_address_line_continues_the_address_past_text_boxed_beside_the_card() -> None:
    # a photo read on the whole frame (the card a part of it, registered from its printed
    # anchors): a character of the page beside the card was boxed in the address's second
    # row, left of the labels; that row and the third, 4-502, start where the value does,
    # and both were left out (黑龙江省佳木斯市东风区4-502, the middle line lost)
    first = _placed(0.53, "住址黑龙江省佳木斯市东风区", 0.07, 0.6)
    second = ReadRow(
        Row((Box(0.0, 0.585, 0.03, 0.645), Box(0.155, 0.585, 0.6, 0.645))),
        (line("服"), line("龙腾东路846号桂花家园7-")),
    )
    third = _placed(0.70, "4-502", 0.155, 0.26)
    rows = [*FRONT[:3], first, second, third, FRONT[5]]
    assert fields("front", rows)["address"] == [first.text, second.text, third.text]


def test_an_address_last_line_of_one_character_continues_past_a_speck_at_the_cards_edge() -> None:
    # probe seed 91 hard 78: a piece of the emblem at the card's left edge was boxed in the
    # row of the address's last line, 组; the row, from the edge to just past the value's
    # column, was taken for text in the labels' column and left out (…大刘村9 answered)
    first = _placed(0.54, "住址吉林省辽源市东辽县永安乡大刘村9", 0.092, 0.83)
    last = ReadRow(
        Row((Box(0.006, 0.61, 0.031, 0.675), Box(0.18, 0.581, 0.215, 0.644))),
        (line("O"), line("组")),
    )
    rows = [*FRONT[:3], first, last, FRONT[5]]
    assert fields("front", rows)["address"] == [first.text, last.text]


@pytest.mark.parametrize(
    ("text", "x0", "expected"),
    [
        ("姓名袁然泽", 0.063, ("姓名", 1.0)),
        # one character of a two-character label misread, in the labels' column
        ("健名袁然泽", 0.063, ("姓名", 0.5)),
        ("在址吉林省延边朝鲜族自治州延", 0.072, ("住址", 0.5)),
        ("性列男", 0.07, ("性别", 0.5)),
        # its first character not read at all, in the labels' column (a blurred 姓 lost:
        # 名庞轩金, probe seed 53, hard #46, 204)
        ("名庞轩金", 0.063, ("姓名", 0.5)),
        ("生1976年12月27日", 0.07, ("出生", 0.5)),
        # ... not in the values' column (a value or an address's next line)
        ("健名袁然泽", 0.2, None),
        ("名庞轩金", 0.2, None),
        ("苗族自治州", 0.2, None),
        # a misread that is no Chinese character, or one character alone: no label
        ("1名袁然泽", 0.063, None),
        ("吧", 0.074, None),
        ("吧想丕季", 0.074, None),
    ],
)
def test_a_label_with_a_character_misread_in_the_labels_column(
    text: str, x0: float, expected: tuple[str, float] | None
) -> None:
    assert row_label(_placed(0.2, text, x0, x0 + 0.25)) == expected


def test_a_minority_script_line_above_the_name_is_not_the_name() -> None:
    # a tuned bench photo (seed 23, photo 142) of a bilingual card: the Korean line above
    # 姓名 (read 吧 想丕季, unlabelled) sits nearer the name's place than the name's row, whose
    # label was read 健名; it was taken for the name, and the card came back 204
    korean = ReadRow(
        Row((Box(0.074, 0.138, 0.110, 0.188), Box(0.170, 0.129, 0.265, 0.187))),
        (line("吧", 0.26), line("想丕季", 0.42)),
    )
    rows = [korean, _placed(0.208, "健名袁然泽", 0.063, 0.294), *FRONT[1:]]
    assert fields("front", rows)["name"] == ["健名袁然泽"]


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        # 住 read in doubt with 性's runner-up: 住北 is 住址 (住 read as itself), not 性别; the
        # row was taken for no field and the address lost its first line (200, wrong)
        (CharCandidate("住", 0.6, "性", 0.3), ("住址", 0.5)),
        (CharCandidate("住", 0.98, "", 0.0), ("住址", 0.5)),
        # read as neither label's character, a runner-up of one: that one
        (CharCandidate("佳", 0.6, "性", 0.3), ("性别", 0.5)),
    ],
)
def test_a_misread_label_is_the_one_whose_character_is_read_as_itself(
    first: CharCandidate, expected: tuple[str, float]
) -> None:
    text = "北京市西城区长安西路76"
    chars = (first, *(CharCandidate(c, 0.98, "", 0.0) for c in text))
    assert misread_label(TextLine(first.char + text, 0.9, chars)) == expected


@pytest.mark.parametrize(
    ("x1", "name"),
    [
        # the Korean 성명 over 姓名 (a bilingual Yanbian card at 520 px, read 健证) ends where
        # the labels stand: no value; it sat nearer the name's place than the name's row
        # (whose label was not read), and the name came back as its read (包)
        (0.12, "韩帆宏"),
        # reaching into the values' column, it may be the name (the prior decides)
        (0.25, "健证"),
    ],
)
def test_a_row_ending_in_the_labels_column_reading_no_label_holds_no_value(
    x1: float, name: str
) -> None:
    above = _placed(0.15, "健证", 0.06, x1, h=0.046)
    rows = [above, _placed(0.205, "韩帆宏", 0.06, 0.21, h=0.09), *FRONT[1:]]
    assert fields("front", rows)["name"] == [name]


def test_an_address_line_ending_in_the_labels_column_may_continue_the_address() -> None:
    # an outline that cut the labels' column off (a tuned rare front, seed 0): the values
    # start at 0.11, and the address's last line, 号, ends where the labels would stand
    rows = [
        *FRONT[:3],
        _placed(0.555, "止河南省三门峡市渑池县", 0.0, 0.53),
        _placed(0.64, "白塔街道黄泥村9组135", 0.11, 0.54),
        _placed(0.735, "号", 0.10, 0.15),
        FRONT[5],
    ]
    assert fields("front", rows)["address"] == [r.text for r in rows[3:6]]


def test_an_address_line_its_own_label_joined_to_still_continues_the_address() -> None:
    # a tight scan at 600 px of a bilingual card, its outline a little askew (the left lower):
    # 住址 stands lower than the address's first line, level with its next, and is joined to
    # that one; its own label on a next line had counted against it as another field's, and
    # the address lost 巷276号31-6-1702
    rows = [
        _segments(("姓名", 0.026, 0.128, 0.19), ("项菁", 0.227, 0.308, 0.18)),
        _segments(
            ("性别", 0.031, 0.137, 0.37), ("女民族", 0.228, 0.432, 0.35), ("汉", 0.51, 0.56, 0.34)
        ),
        _segments(("出生", 0.035, 0.137, 0.56), ("1933年8月9日", 0.235, 0.53, 0.525)),
        _segments(("广西壮族自治区桂林市临桂区友谊", 0.239, 0.70, 0.676)),
        _segments(("住址", 0.04, 0.148, 0.742)),
        _segments(("巷276号31-6-1702", 0.246, 0.504, 0.80)),
        _segments(("450312193308091340", 0.466, 0.968, 0.918)),
    ]
    got = fields("front", rows)
    assert got["address"] == ["广西壮族自治区桂林市临桂区友谊", "住址 巷276号31-6-1702"]
    assert got["id_no"] == ["450312193308091340"]
