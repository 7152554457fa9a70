"""Field parsing and validation tables (no models)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from processor.places import region_known
from processor.read import fields as fp
from processor.read.assign import join_lines
from processor.values import CharCandidate, TextLine
from tests.conftest import text_line as line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张三", "张三"),
        ("姓名张三", "张三"),
        ("姓名 欧阳娜娜", "欧阳娜娜"),
        ("从姓名唐诗珑", "唐诗珑"),  # a speck read before the label
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("张3", None),
        # a name has a surname and a given name: one character read is a piece of one (以 of
        # 马刚卫 on a photocopy's outline cut at the name's row)
        ("以", None),
        ("姓名马", None),
        # a pale 姓名 out of focus read as digits or letters: no part of the name
        ("13马静雨", "马静雨"),
        ("13 马静雨", "马静雨"),
        ("xn王芳", "王芳"),
        ("1234马静雨", None),  # more than a label's worth
        ("", None),
        ("Zhang San", None),
        # another field's row taken for the name's (a bilingual card's name row cut off):
        # its label is in no name
        ("男民族藏", None),
        ("性别女民族汉", None),
        ("出生1990年1月20日", None),
        ("姓名格桑拉姆性别男", None),
        ("住址四川省阿坝", None),
        ("公民身份号码", None),
        # ... or the gender row's values with its labels unread (男汉), or its ethnicity alone
        ("男汉", None),
        ("女维吾尔族", None),
        ("汉", None),
        ("白", None),
        # (an ethnicity's character in a name is no ethnicity)
        ("白云", "白云"),
        ("汉明", "汉明"),
        # the 民族 row's 族 and value read on after the name (two rows in one crop): left off
        ("陆然鹏族汉", "陆然鹏"),
        ("王芳族维吾尔", "王芳"),
        ("族汉", None),
    ],
)
def test_parse_name(text: str, expected: str | None) -> None:
    assert fp.parse_name(line(text)).value == expected


@pytest.mark.parametrize(
    ("text", "prob", "alts", "expected"),
    [
        ("姓名许——", 0.99, None, "许一"),  # 一 read as a dash, twice
        ("姓名许—", 0.99, None, "许一"),
        ("姓许泽诚", 0.99, None, "许泽诚"),  # 名 not read: a confident 许 is the surname
        ("姓赵荣", 0.99, None, "赵荣"),  # ... of a two-character name (姓 is no surname)
        ("姓荣", 0.99, None, "姓荣"),  # too short for a label and a name
        # 名 read surely as a character no surname is, before one that is (a 420 px photo)
        ("姓书吕琪琴", 0.99, None, "吕琪琴"),
        ("姓各崔涵诗", 0.99, {1: "名"}, "崔涵诗"),  # 名 misread, with 名 as runner-up
        ("姓各崔涵诗", 0.6, None, "崔涵诗"),  # 名 misread, in doubt
        ("生名鲁彬明", 0.99, None, "鲁彬明"),  # 姓 misread
        ("李名扬", 0.99, None, "李名扬"),  # 名 in a given name
        # 姓 misread after a watermark's characters: where the recogniser doubted it
        ("专娃名赵梦云", 0.99, {1: "姓"}, "赵梦云"),
        ("使用胜名李英瑶", 0.6, None, "李英瑶"),
        ("王星名远航", 0.99, None, "王星名远航"),  # read sure: a given name's 星名
        ("赵光一—", 0.99, None, "赵光一"),  # 一 read, then its dash too
    ],
)
def test_parse_name_recovers_the_thin_and_the_missing(
    text: str, prob: float, alts: dict[int, str] | None, expected: str
) -> None:
    assert fp.parse_name(line(text, prob, alts)).value == expected


def _placed(text: str, xs: tuple[float, ...], probs: tuple[float, ...] = ()) -> TextLine:
    """A line read from one crop: ``text``'s characters sure (or as ``probs`` says), each
    where ``xs`` says (as a fraction of the crop's width)."""
    ps = probs or (0.99,) * len(text)
    chars = tuple(CharCandidate(c, p, "", 0.0, x=x) for c, x, p in zip(text, xs, ps, strict=True))
    return TextLine(text, 0.99, chars)


@pytest.mark.parametrize(
    ("text", "xs", "expected"),
    [
        # the label read in doubt as a character where it stands, a blank before the name
        ("过叶浩林", (0.14, 0.58, 0.70, 0.86), "叶浩林"),
        ("过鲁娜", (0.146, 0.688, 0.813), "鲁娜"),
        ("补外赵蓉露", (0.05, 0.12, 0.55, 0.68, 0.81), "赵蓉露"),
        # a name's characters side by side, or a blank of one character (one not read): kept
        ("过叶浩林", (0.1, 0.3, 0.5, 0.7), "过叶浩林"),
        ("张伟明", (0.1, 0.4, 0.55), "张伟明"),
        # two characters left after the blank at least
        ("过鲁", (0.1, 0.7), "过鲁"),
    ],
)
def test_parse_name_leaves_out_what_stands_apart_before_it(
    text: str, xs: tuple[float, ...], expected: str
) -> None:
    probs = tuple(0.6 if i < 2 and c in "过补外" else 0.99 for i, c in enumerate(text))
    got = fp.parse_name(_placed(text, xs, probs))
    assert got.value == expected
    assert got.sure == (got.value == text)


@pytest.mark.parametrize(
    ("xs", "expected"),
    [
        # a blank a character wide where glare washed 市 of 宝鸡市 out: put back
        ((0.05, 0.15, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95), "宝鸡市公安局陈仓分局"),
        # the characters side by side: kept as read
        ((0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85), "宝鸡公安局陈仓分局"),
    ],
)
def test_parse_issuer_puts_back_a_character_where_its_line_has_room(
    xs: tuple[float, ...], expected: str
) -> None:
    assert fp.parse_issuer(_placed("宝鸡公安局陈仓分局", xs)).value == expected


@pytest.mark.parametrize(
    ("text", "xs", "expected"),
    [
        # the strokes of 一一 a character apart, read as dashes or as 一 and a dash
        ("李——", (0.2, 0.45, 0.7), "李一一"),
        ("李一—", (0.2, 0.45, 0.7), "李一一"),
        ("谢——薇", (0.15, 0.35, 0.55, 0.75), "谢一一薇"),
        # one stroke read twice: the second read within a character of the first
        ("李——", (0.2, 0.45, 0.52), "李一"),
        ("赵光一—", (0.15, 0.35, 0.55, 0.62), "赵光一"),
        # the second stroke read as a dash and a 一 at once
        ("郝——一涵", (0.167, 0.357, 0.548, 0.595, 0.786), "郝一一涵"),
        ("王一鸣", (0.2, 0.45, 0.7), "王一鸣"),  # no dash: as read
        ("姓名马—", (0.05, 0.2, 0.45, 0.7), "马一"),
    ],
)
def test_a_names_dashes_are_as_many_yi_as_strokes_read(
    text: str, xs: tuple[float, ...], expected: str
) -> None:
    assert fp.parse_name(_placed(text, xs)).value == expected


def _name_line(text: str, first: tuple[float, str, float]) -> TextLine:
    """A name row whose value's first character is read at ``first[0]`` with ``first[1]``
    its runner-up at ``first[2]``; every other character sure."""
    start = text.index("名") + 1 if "名" in text[:2] else 0
    prob, alt, alt_prob = first
    chars = tuple(
        CharCandidate(c, prob, alt, alt_prob) if i == start else CharCandidate(c, 0.99, "", 0.0)
        for i, c in enumerate(text)
    )
    return TextLine(text, 0.9, chars)


@pytest.mark.parametrize(
    ("text", "first", "expected"),
    [
        # a rare surname read as the common character it resembles, kept as its runner-up
        ("姓名逢华书", (0.93, "逄", 0.07), "逄华书"),
        ("姓名皆振福", (0.58, "訾", 0.41), "訾振福"),
        # the character read is a surname itself: kept (仇 is far commoner than 仉)
        ("姓名仇琪", (0.53, "仉", 0.32), "仇琪"),
        ("姓名元毅鑫", (0.54, "亓", 0.45), "元毅鑫"),
        # the runner-up is no surname, or is noise
        ("姓名羔美妍", (0.99, "糕", 0.01), "羔美妍"),
        ("姓名逢华书", (0.97, "逄", 0.03), "逢华书"),
        # a Tibetan name's first syllable is no surname and keeps its read
        ("姓名扎西次仁", (0.9, "札", 0.08), "扎西次仁"),
        # a transliterated name (a middle dot) has no surname first
        ("姓名皆丽·买买提", (0.58, "訾", 0.41), "皆丽·买买提"),
    ],
)
def test_parse_name_takes_the_surname_among_the_runner_ups(
    text: str, first: tuple[float, str, float], expected: str
) -> None:
    field = fp.parse_name(_name_line(text, first))
    assert field.value == expected
    assert field.confidence == (fp.CORRECTED if expected != text[2:] else 0.9)


def _ranked(text: str, *ranked: tuple[tuple[str, float], ...] | None) -> TextLine:
    """A line read as ``text``, each character sure (0.99) unless ``ranked`` gives its
    candidates, best first."""
    chars = []
    for i, c in enumerate(text):
        given = ranked[i] if i < len(ranked) else None
        (top, prob), *rest = given or ((c, 0.99),)
        alt, alt_prob = rest[0] if rest else ("", 0.0)
        chars.append(CharCandidate(top, prob, alt, alt_prob, alts=tuple(rest)))
    return TextLine(text, 0.9, tuple(chars))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # a given name's character read as a look-alike names seldom hold (样 720 times, 祥
        # 109,814), its own a real runner-up: corrected, the surname's read kept
        (_ranked("姓名杜利样", None, None, None, None, (("样", 0.6), ("祥", 0.31))), "杜利祥"),
        # ... and both corrected where both are
        (
            _ranked(
                "姓名皆利样",
                None,
                None,
                (("皆", 0.58), ("訾", 0.41)),
                None,
                (("样", 0.6), ("祥", 0.31)),
            ),
            "訾利祥",
        ),
        # a read sure enough, or a look-alike names hold too, is kept
        (_ranked("姓名杜利样", None, None, None, None, (("样", 0.98), ("祥", 0.02))), "杜利样"),
        (_ranked("姓名马睿杰", None, None, None, (("睿", 0.503), ("春", 0.299))), "马睿杰"),
        # a compound surname's second character misread, the printed one its runner-up
        (_ranked("姓名夏供成豪", None, None, None, (("供", 0.62), ("侯", 0.38))), "夏侯成豪"),
    ],
)
def test_parse_name_takes_a_given_names_character_among_the_runner_ups(
    line: TextLine, expected: str
) -> None:
    field = fp.parse_name(line)
    assert field.value == expected
    assert field.confidence == (fp.CORRECTED if expected != line.text[2:] else 0.9)


@pytest.mark.parametrize(
    ("field", "name", "expected"),
    [
        # v6 small reads 仉 as its look-alike 仇, v5 mobile reads 仉: 0.28 + 0.62 against 0.59
        (
            _ranked("仇涛林", (("仇", 0.59), ("仉", 0.28))),
            _ranked("仉涛林", (("仉", 0.62), ("仇", 0.30))),
            "仉涛林",
        ),
        # a surname the field recogniser did not rank at all
        (
            _ranked("元毅鑫", (("元", 0.54),)),
            _ranked("亓毅鑫", (("亓", 0.85), ("元", 0.1))),
            "亓毅鑫",
        ),
        # the other way round, the field recogniser's read stands (0.9 + 0.3 against 0.55)
        (
            _ranked("缑凤彤", (("缑", 0.9), ("缘", 0.05))),
            _ranked("缘凤彤", (("缘", 0.55), ("缑", 0.3))),
            "缑凤彤",
        ),
        # a tie keeps the field recogniser's read
        (
            _ranked("仇琪", (("仇", 0.5), ("仉", 0.5))),
            _ranked("仉琪", (("仉", 0.5), ("仇", 0.5))),
            "仇琪",
        ),
        # only a known surname may stand: 字 is none
        (
            _ranked("李志波", (("李", 0.48), ("字", 0.4))),
            _ranked("字志波", (("字", 0.9), ("李", 0.05))),
            "李志波",
        ),
        # a rare surname the list lacks stays as read, though a known one is among the reads
        (
            _ranked("禚斌宏", (("禚", 0.45), ("从", 0.1))),
            _ranked("从斌宏", (("从", 0.3), ("禚", 0.2))),
            "禚斌宏",
        ),
        # ... and so does a character that is no name's, however the surnames rank
        (
            _ranked("1雷光一", (("1", 0.6), ("乌", 0.2))),
            _ranked("1雷光一", (("1", 0.5),)),
            "1雷光一",
        ),
        # ... and only the surname is voted: a given name's character is left as read
        (
            _ranked("徐红怿", None, None, (("怿", 0.6), ("怪", 0.3))),
            _ranked("徐红怪", None, None, (("怪", 0.9), ("怿", 0.05))),
            "徐红怿",
        ),
        # as many characters read, or the reads do not say which character is the first
        (_ranked("仇涛", (("仇", 0.59), ("仉", 0.28))), _ranked("仉涛林", (("仉", 0.9),)), "仇涛"),
        # a blank read first in either is left as it is
        (_ranked("仇涛林", (("仇", 0.59), ("仉", 0.28))), _ranked(" 涛林"), "仇涛林"),
    ],
)
def test_a_names_surname_is_voted_by_two_recognisers(
    field: TextLine, name: TextLine, expected: str
) -> None:
    voted = fp.surname_voted(field, name)
    assert voted.text == expected
    if expected == field.text:
        assert voted == field
    else:
        assert voted.chars[1:] == field.chars[1:]
        first, mine, theirs = voted.chars[0], field.chars[0], name.chars[0]
        # as sure as the mean of its two probabilities, the one read first now a runner-up
        both = dict(mine.ranked()).get(first.char, 0.0) + dict(theirs.ranked())[first.char]
        assert first.prob == pytest.approx(both / 2)
        assert mine.char in dict(first.ranked())


@pytest.mark.parametrize(
    ("field", "unsure"), [(_ranked("仇涛林", (("仇", 0.59),)), True), (_ranked("李志波"), False)]
)
def test_a_surname_read_unsurely_is_voted(field: TextLine, unsure: bool) -> None:
    assert fp.surname_unsure(field) is unsure


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # printed full width, as Chinese text is set; read as ASCII (the classes fold under NFKC)
        (["住址福建省莆田市荔城区东风北路(集体户)"], "福建省莆田市荔城区东风北路（集体户）"),
        (
            ["住址江西省九江市庐山市白塔镇马坊村西", "街(集体户)"],
            "江西省九江市庐山市白塔镇马坊村西街（集体户）",
        ),
        (["住址福建省莆田市荔城区东风北路（集体户）"], "福建省莆田市荔城区东风北路（集体户）"),
    ],
)
def test_parse_address_keeps_its_brackets_full_width(lines: list[str], expected: str) -> None:
    assert fp.parse_address([line(t) for t in lines]).value == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # hyphens are printed on real cards and kept (they were deleted: 6-6-403 -> 66403)
        (["住址辽宁省大连市中山区人民路6-6-403"], "辽宁省大连市中山区人民路6-6-403"),
        (["住址江苏省南京市鼓楼区中山路39-13号"], "江苏省南京市鼓楼区中山路39-13号"),
        (["住址四川省成都市武侯区", "科华路1-4-4号"], "四川省成都市武侯区科华路1-4-4号"),
        (["住址湖北省武汉市江岸区解放路3—2—401"], "湖北省武汉市江岸区解放路3-2-401"),
        (["住址上海市黄浦区南京路1 - 2号"], "上海市黄浦区南京路1-2号"),
        # the blank between the label and the value is no hyphen
        (["住址—北京市东城区和平路1号"], "北京市东城区和平路1号"),
        (["住址 A-3栋201室"], "A-3栋201室"),
    ],
)
def test_parse_address_keeps_printed_hyphens(lines: list[str], expected: str) -> None:
    assert fp.parse_address([line(t) for t in lines]).value == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a bilingual card's 住址 boxed with the Tibetan line above it reached into the
        # value's first line: its start read twice
        (
            ["四川省甘孜藏族自", "四川省甘孜藏族自治州道孚县", "柳林乡黄泥坪54号"],
            "四川省甘孜藏族自治州道孚县柳林乡黄泥坪54号",
        ),
        (
            ["住址四川省甘孜藏族", "四川省甘孜藏族自治州", "道孚县54号"],
            "四川省甘孜藏族自治州道孚县54号",
        ),
        # a line the next goes on from, not starts with again, is the address's own
        (["北京市东城区", "北京东路5号"], "北京市东城区北京东路5号"),
        # three letters and less may well start the next line
        (
            ["江苏省南京市江宁区东山街道", "东山路", "东山路12号"],
            "江苏省南京市江宁区东山街道东山路东山路12号",
        ),
    ],
)
def test_parse_address_reads_a_line_read_twice_once(lines: list[str], expected: str) -> None:
    assert fp.parse_address([line(t) for t in lines]).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("签发机关—于都县公安局", "于都县公安局"),  # the gap after the label read as a dash
        ("签发机关 一天津市公安局和平分局", "天津市公安局和平分局"),
        ("签发机关关岭布依族苗族自治县公安局", "关岭布依族苗族自治县公安局"),
        ("签发机美温州市公安局鹿城分局", "温州市公安局鹿城分局"),  # one label character misread
    ],
)
def test_parse_issuer_drops_the_gap_after_its_label(text: str, expected: str) -> None:
    assert fp.parse_issuer(line(text)).value == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["住址浙江省温州市鹿城区八—", "路766号"], "浙江省温州市鹿城区八一路766号"),
        (["住址河南省郑州市五——东路1号"], "河南省郑州市五一东路1号"),
        (["住址北京市朝阳区8-2号"], "北京市朝阳区8-2号"),  # between digits: a printed hyphen
        # a county of 15 characters: its province is no label's residue
        (
            ["住址甘肃省临夏回族自治州积", "石山保安族东乡族撒拉族", "自治县龙泉街道陈家村3组"],
            "甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县龙泉街道陈家村3组",
        ),
        (["住址广西壮族白治区南宁市"], "广西壮族自治区南宁市"),
        # the label's 住 misread after a watermark's characters (他用往址): from the label on
        (
            ["他用往址海北藏族自治州祁连县", "高桥乡红星庄160号"],
            "海北藏族自治州祁连县高桥乡红星庄160号",
        ),
        (["用在址海北藏族自治州祁连县"], "海北藏族自治州祁连县"),
        (["住址吉林省长春市往址路8号"], "吉林省长春市往址路8号"),  # far in: the value's
        (["二月15日2住址云南省昆明市", "五华区"], "云南省昆明市五华区"),  # a row off
        (["住址二月15日2", "住址云南省昆明市", "五华区"], "云南省昆明市五华区"),
    ],
)
def test_parse_address_reads_dashes_after_chinese_as_yi(lines: list[str], expected: str) -> None:
    assert fp.parse_address([line(t) for t in lines]).value == expected


@pytest.mark.parametrize(
    ("lines", "expected", "confidence"),
    [
        # a site watermark's address read on at a line's end (zjz.example.cn): not printed
        (
            ["湖北省恩施土家族苗族自治", "州来凤县黄庄镇柳树村民委", "员会三组jzie"],
            "湖北省恩施土家族苗族自治州来凤县黄庄镇柳树村民委员会三组",
            fp.CORRECTED,
        ),
        (
            ["湖北省恩施市舞阳街道", "解放路8号www.example.cn"],
            "湖北省恩施市舞阳街道解放路8号",
            fp.CORRECTED,
        ),
        # a Zhuang line under a bilingual card's address, read as its next line (probe seed
        # 88, photo 148 at 600 px), or on after it; letters with marks among them
        (
            ["广西壮族自治区梧州市苍梧县河口乡北山", "村东街5号", "Curotmnésaanian"],
            "广西壮族自治区梧州市苍梧县河口乡北山村东街5号",
            fp.CORRECTED,
        ),
        (
            ["广西壮族自治区梧州市苍梧县河口乡北山", "村东街5号Curotmnésaanian"],
            "广西壮族自治区梧州市苍梧县河口乡北山村东街5号",
            fp.CORRECTED,
        ),
        (
            ["湖北省来凤县黄庄镇柳树村民委员会三组jz"],
            "湖北省来凤县黄庄镇柳树村民委员会三组",
            fp.CORRECTED,
        ),
        # a building's letter with its number or unit is printed
        (
            ["北京市朝阳区建国路88号", "SOHO现代城A座1201"],
            "北京市朝阳区建国路88号SOHO现代城A座1201",
            0.99,
        ),
        (["北京市朝阳区建国路88号3B室"], "北京市朝阳区建国路88号3B室", 0.99),
        (["北京市朝阳区建国路88号B"], "北京市朝阳区建国路88号B", 0.99),
        (["北京市朝阳区建国路88号AB"], "北京市朝阳区建国路88号AB", 0.99),
        (["北京市朝阳区建国路88号", "B座"], "北京市朝阳区建国路88号B座", 0.99),
    ],
)
def test_parse_address_leaves_a_latin_word_ending_a_line_off(
    lines: list[str], expected: str, confidence: float
) -> None:
    got = fp.parse_address([line(t) for t in lines])
    assert got.value == expected
    assert got.confidence == pytest.approx(confidence)


@pytest.mark.parametrize("label", ["", "住址", "住业"])
@pytest.mark.parametrize(
    "lines",
    [
        ["村东街5号", "Curotmnésaanian"],
        ["村东街5号Curotm"],
        ["村东街5号"],
    ],
)
def test_the_runner_ups_correct_an_address_whose_latin_words_were_left_off(
    label: str, lines: list[str]
) -> None:
    # 苍梧县 read 签柜县 (苍 and 梧 the runner-ups) on the Zhuang card read with its Zhuang line
    # (probe seed 88, photo 148 at 600 px): the runner-ups of the characters kept correct it,
    # the Latin letters left off matched to none of them (nor the label cut off the first
    # line: 住业, its 址 misread)
    at = len(label) + 10
    first = line(label + "广西壮族自治区梧州市签柜县河口乡北山", 0.9, {at: "苍", at + 1: "梧"})
    got = fp.parse_address([first, *(line(t, 0.9) for t in lines)])
    assert got.value == "广西壮族自治区梧州市苍梧县河口乡北山村东街5号"


def test_a_line_left_off_whole_does_not_measure_the_address() -> None:
    # the Zhuang line, read in doubt, is no part of the address: its score is no measure of
    # the lines that are (they set the confidence, at most CORRECTED for what was left off)
    lines = [line("广西壮族自治区梧州市苍梧县河口乡北山", 0.9), line("村东街5号", 0.9)]
    got = fp.parse_address([*lines, line("Curotmnésaanian", 0.43)])
    assert (got.value, got.confidence) == (
        "广西壮族自治区梧州市苍梧县河口乡北山村东街5号",
        fp.CORRECTED,
    )


@pytest.mark.parametrize(
    ("text", "gender", "race"),
    [
        ("男民族汉", "男", "汉"),
        ("别女民旅汉", "女", "汉"),  # 族 misread as a look-alike
        # the label unreadable: the row still ends with the value (trusted less, see below)
        ("女民]汉", "女", "汉"),
        ("性别女健旗汉", "女", "汉"),
        ("性别男民旗土家", "男", "土家"),
        ("性别男民旗火星", "男", None),
        # a watermark's characters read before the label: the value is after it
        ("使用性别男次民丽汉", "男", "汉"),
        ("更用性别女民族汉", "女", "汉"),
        # the label's 别 dropped: the value right after 性 is the gender, not a misread 别
        ("性女民族壮", "女", "壮"),
        # the label not read at all (glare): the value alone after the gender's blank
        ("性别男 汉", "男", "汉"),
        ("女  土家", "女", "土家"),
        ("性别男汉", "男", None),  # no blank: not where a value stands
        ("性别男 火星", "男", None),
        ("女 民族 维吾尔", "女", "维吾尔"),
        ("性别女民族蒙古", "女", "蒙古"),
        ("男民族汉族", "男", "汉"),
        ("男民族毛难", "男", "毛南"),
        ("男民族崩龙", "男", "德昂"),
        ("女民族穿青人", "女", "穿青人"),
        # a watermark's words after the value, a blank between them: the listed value
        ("性别 安列民族汉 示例图人", None, "汉"),
        ("男民族回 样本人", "男", "回"),
        # ... but a value off the list is one word
        ("男民族革家人", "男", "革家人"),
        # ... and a listed name with 人 after it is the listed name (a watermark's stroke)
        ("性别女 民族汉人", "女", "汉"),
        ("男民族土家人", "男", "土家"),
        ("男民族火星", "男", None),
        ("民族汉", None, "汉"),
        ("", None, None),
        # the label read as one character, or two others (a 300 px web image): the value
        # right after them
        ("鲜男西南汉", "男", "汉"),
        ("性刖女民族汉", "女", "汉"),
        # ... but not past where the label's two characters end
        ("鲜红色男", None, None),
    ],
)
def test_parse_gender_and_race(text: str, gender: str | None, race: str | None) -> None:
    assert fp.parse_gender(line(text)).value == gender
    assert fp.parse_race(line(text)).value == race


@pytest.mark.parametrize(
    ("values", "characters", "expected"),
    [
        # 仫 out of the dictionary: 仡佬, a character from 仫佬, may be read for it
        (("仫佬", "仡佬", "汉", "布依"), "仡佬汉布依", {"仡佬"}),
        # every character readable: no value stands in for another
        (("仫佬", "仡佬", "汉"), "仫仡佬汉", set()),
        # a character away only at the same length (佬 alone is no stand-in for 仫佬)
        (("仫佬", "佬", "汉"), "佬汉", set()),
        # two characters away is not one
        (("仫佬", "汉族"), "汉族", set()),
    ],
)
def test_stand_ins(values: tuple[str, ...], characters: str, expected: set[str]) -> None:
    assert fp.stand_ins(values, frozenset(characters)) == expected


def _passed(text: str, xs: tuple[float, ...], seen: tuple[str, float, float] | None) -> TextLine:
    """``text`` read surely where ``xs`` says, and ``seen`` (a character, its probability and
    where it was) passed over."""
    passed = None if seen is None else CharCandidate(seen[0], seen[1], "", 0.0, x=seen[2])
    return dataclasses.replace(_placed(text, xs), passed_char=passed)


@pytest.mark.parametrize(
    ("text", "xs", "seen", "expected"),
    [
        # put in where it was seen: first, between two, last
        ("北路", (0.2, 0.3), ("才", 0.04, 0.1), "才北路"),
        ("民族佬", (0.6, 0.7, 0.9), ("仫", 0.14, 0.83), "民族仫佬"),
        ("育才", (0.1, 0.2), ("北", 0.3, 0.35), "育才北"),
        # nothing passed over
        ("北路", (0.2, 0.3), None, "北路"),
    ],
)
def test_with_passed_puts_the_character_in_where_it_was_seen(
    text: str, xs: tuple[float, ...], seen: tuple[str, float, float] | None, expected: str
) -> None:
    line = fp.with_passed(_passed(text, xs, seen))
    assert line.text == expected
    assert line.passed_char is None  # once
    if seen is not None:
        assert [c.prob for c in line.chars if c.char == seen[0]] == [seen[1]]


@pytest.mark.parametrize(
    ("text", "xs", "seen", "race"),
    [
        # 仫 passed over (v6 small, 0.14 beside a blank of 0.48): the one listed value
        ("性别女民族佬", (0.1, 0.2, 0.3, 0.6, 0.7, 0.9), ("仫", 0.14, 0.83), "仫佬"),
        # a listed value read is kept, whatever was passed over
        ("性别女民族汉", (0.1, 0.2, 0.3, 0.6, 0.7, 0.9), ("仫", 0.14, 0.83), "汉"),
        ("性别女民族佬", (0.1, 0.2, 0.3, 0.6, 0.7, 0.9), ("仡", 0.1, 0.95), None),
        # a character that spells no listed value is not put in
        ("性别女民族佬", (0.1, 0.2, 0.3, 0.6, 0.7, 0.9), ("化", 0.3, 0.83), None),
    ],
)
def test_race_passed_puts_in_a_character_passed_over_only_to_spell_a_listed_value(
    text: str, xs: tuple[float, ...], seen: tuple[str, float, float], race: str | None
) -> None:
    assert fp.parse_race(fp.passed_if(_passed(text, xs, seen), fp.race_listed)).value == race


def _even(text: str) -> tuple[float, ...]:
    """Where each of ``text``'s characters was read, evenly across the crop."""
    return tuple((i + 0.5) / (len(text) + 1) for i in range(len(text)))


@pytest.mark.parametrize(
    ("text", "seen", "before", "expected"),
    [
        # 才 passed over at a wrapped line's start: a word with the line above's last, 育
        ("北路477号", ("才", 0.04, 0.01), "育", "才北路477号"),
        # ... which alone it makes with nothing
        ("北路477号", ("才", 0.04, 0.01), "", "北路477号"),
        # at a line's end, a word with the character before it
        ("粮育局家", ("园", 0.2, 0.99), "", "粮育局家园"),
        # a stroke beside the value makes no word
        ("32-7-902", ("交", 0.1, 0.99), "", "32-7-902"),
    ],
)
def test_address_passed_keeps_a_character_passed_over_where_it_makes_a_word(
    text: str, seen: tuple[str, float, float], before: str, expected: str
) -> None:
    assert fp.address_passed(_passed(text, _even(text), seen), before).text == expected


@pytest.mark.parametrize(
    ("text", "seen", "expected"),
    [
        # 饶 passed over at the crop's edge: 饶阳县公安局 is known, 阳县公安局 is not
        ("阳县公安局", ("饶", 0.3, 0.01), "饶阳县公安局"),
        # no known authority with it
        ("阳县公安局", ("化", 0.3, 0.01), "阳县公安局"),
        # a character seen below a real runner-up's probability is noise: 道县 is a county
        ("县公安局", ("道", 0.01, 0.01), "县公安局"),
        ("县公安局", ("道", 0.2, 0.01), "道县公安局"),
        # a known authority read is kept, whatever was passed over
        ("饶阳县公安局", ("化", 0.3, 0.99), "饶阳县公安局"),
    ],
)
def test_authority_passed_keeps_a_character_passed_over_that_makes_a_known_authority(
    text: str, seen: tuple[str, float, float], expected: str
) -> None:
    assert fp.passed_if(_passed(text, _even(text), seen), fp.authority_listed).text == expected


def test_parse_race_label_misread_with_zu_as_runner_up() -> None:
    assert fp.parse_race(line("女民挟汉", alts={2: "族"})) == fp.Field("汉", 0.99)
    # without the runner-up the label is unread: the value found without it counts less
    assert fp.parse_race(line("女民挟汉")) == fp.Field("汉", 0.99 * fp.UNLABELLED)


def _unsure_end(text: str, probs: dict[int, float]) -> TextLine:
    """``text`` read surely (0.99 a character) but at ``probs``'s positions, no runner-ups."""
    chars = tuple(CharCandidate(c, probs.get(i, 0.99), "", 0.01) for i, c in enumerate(text))
    return TextLine(text, 0.9, chars)


@pytest.mark.parametrize(
    ("text", "probs", "race"),
    [
        # a watermark's strokes after the value, read within the row's characters unsurely
        ("性别女民族汉女", {6: 0.10}, "汉"),
        ("性别女民族汉汉", {6: 0.0}, "汉"),
        ("男民族苗女女", {4: 0.2, 5: 0.05}, "苗"),
        ("男民族汉女", {4: 0.5}, None),  # read as surely as print: no stroke left off
        # a listed name read whole is kept, its unsure character too
        ("男民族土家", {4: 0.1}, "土家"),
        ("男民族维吾尔", {5: 0.1}, "维吾尔"),
        # ... and none is taken where what is left begins another (土 of 土家 and a stroke)
        ("男民族土女", {4: 0.1}, None),
    ],
)
def test_parse_race_leaves_off_an_unsure_tail_after_a_listed_value(
    text: str, probs: dict[int, float], race: str | None
) -> None:
    assert fp.parse_race(_unsure_end(text, probs)).value == race


def test_parse_race_passthrough_needs_a_clean_read() -> None:
    assert fp.parse_race(line("男民族穿青人", prob=0.6)).value == "穿青人"  # in the known extras
    assert fp.parse_race(line("男民族革家人", prob=0.95)).value == "革家人"
    assert fp.parse_race(line("男民族革家人", prob=0.6)).value is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1982年9月25日", "1982.09.25"),
        ("出生1982年9月25日", "1982.09.25"),
        ("2001 年 12 月 1 日", "2001.12.01"),
        ("出1957年6月1日", "1957.06.01"),  # the label's 生 dropped: its 1 is the year's
        ("出72007年8月2日", "2007.08.02"),  # ... or 生 read as a digit: no year 7200
        ("1982年9月", None),
        ("1982年13月25日", None),
        ("1982年2月30日", None),
        ("年月日", None),
    ],
)
def test_parse_birth(text: str, expected: str | None) -> None:
    assert fp.parse_birth(line(text)).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("公民身份号码11010519491231002X", "11010519491231002X"),
        ("1101 0519 4912 3100 2X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("11O10519491231002X", "11010519491231002X"),  # O in a number is a 0
        ("11O10519491231003X", None),  # ... but only a valid number is accepted
        ("110105194912310021", None),  # wrong check character is never recomputed
        ("1101051949123100", None),
        # the label read as a digit before the number: the one valid run of 18 is the number
        ("1公民身份号码 150784195503283665", "150784195503283665"),
        ("150784195503283665 1", "150784195503283665"),
        # ... born in a card holder's years (身份 read 99: 944030519810125896 validates too,
        # born in 5198)
        ("民99码 440305198101258964", "440305198101258964"),
        ("1150784195503283664", None),  # no valid run of 18
        ("11010519491231002X11010519491231002X", None),  # two: which one is not known
    ],
)
def test_parse_id_number(text: str, expected: str | None) -> None:
    assert fp.parse_id_number(line(text)).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("公民身份号码 110105 19491231 002x", "11010519491231002X"),
        ("1I0lO5l949|231OO2×", "11010519491231002X"),  # the look-alikes never anything else
        ("S1010519491231002X", "1010519491231002X"),  # not these: the parser's business
        ("", ""),
    ],
)
def test_id_as_read(text: str, expected: str) -> None:
    assert fp.id_as_read(line(text)) == expected
    assert fp.id_as_read(None) == ""


def test_parse_id_number_takes_no_digits_an_address_counts() -> None:
    # an address's last line (8号) run into the number's row: its 8 and the 17 digits read
    # after it made a check character fit with 6 taken as its runner-up 9 (852302199309245728)
    assert fp.parse_id_number(line("8号52302196309245728", alts={9: "9"})).value is None
    assert fp.parse_id_number(line("8号 11010519491231002X")).value == "11010519491231002X"


def test_parse_id_number_rewrites_no_number_of_an_unknown_region() -> None:
    assert not region_known("852302")
    read = "852302196309245728"  # 852302199309245728 validates, with 9 for the 6
    assert fp.parse_id_number(line(read, alts={8: "9"})).value is None


def test_parse_id_number_corrects_with_runner_up_when_unambiguous() -> None:
    # position 9 read as 3 with runner-up 4: only the runner-up makes the check valid
    read = "11010519391231002X"
    assert fp.parse_id_number(line(read)).value is None
    assert fp.parse_id_number(line(read, alts={8: "4"})).value == "11010519491231002X"


def test_parse_address_joins_lines_and_strips_label() -> None:
    lines = [line("住址浙江省杭州市西湖区文"), line("三路 100 号 1 幢 101 室")]
    assert fp.parse_address(lines).value == "浙江省杭州市西湖区文三路100号1幢101室"
    assert fp.parse_address([]).value is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("南京市公安局玄武分局", "南京市公安局玄武分局"),
        ("签发机关桐庐县公安局", "桐庐县公安局"),
        ("供学签发机关叶城县公安局", "叶城县公安局"),  # another row's edge before the label
        ("义乌市公安局", "义乌市公安局"),
        ("关乌鲁木齐市公安局天山分局", "乌鲁木齐市公安局天山分局"),  # the label's tail
        ("关岭布依族苗族自治县公安局", "关岭布依族苗族自治县公安局"),
        ("整策机关修武县公安局", "修武县公安局"),  # a small card: the label's 签发 misread
        ("圣女积关九寨沟县公安局", "九寨沟县公安局"),  # ... and 机 too
        # a known authority after a blank: the label under a Zhuang line read before it
        ("簇抛和izyaug 龙州县公安局", "龙州县公安局"),
        # (a word that is no known authority keeps the read whole)
        ("簇抛和izyaug 龙州县公安", None),
        # a watermark's characters between the label and the value: not the authority's
        ("复印签发机关复印无揭西县公安局", "揭西县公安局"),
        ("他用于宁津县公安局", "宁津县公安局"),
        # ... but no more of them than a watermark's phrase leaves there
        ("仅供办理业务宁津县公安局", "仅供办理业务宁津县公安局"),
        # ... nor where the read may be an authority as long with a character misread: every
        # character read is kept (玛曲县's 曲 read 南 is no 玛 before 南县公安局; 九寨沟县 read
        # 九卷南县 under a half-read label)
        ("玛南县公安局", "玛南县公安局"),
        ("圣女机关九卷南县公安局", "九卷南县公安局"),
        # a specimen's 样本 stamped after the value (read 样木): not the authority's ...
        ("签发机关息县公安局样木", "息县公安局"),
        ("息县公安局本", "息县公安局"),
        # a site's tiled phrase leaves more after it (仅供办理业务使用 over a 400 px back)
        ("签发机关杭州市公安局钱塘区分局件昭表", "杭州市公安局钱塘区分局"),
        ("杭州市公安局钱塘区分局仅供办理", "杭州市公安局钱塘区分局"),
        # ... but a branch's name, its 分局 lost, or a word of an authority's form is: no
        # authority is cut out of it
        ("南京市公安局玄武", None),
        ("南京市公安局玄武分", None),
        # ... nor one misread and cut (岳塘分局 under a watermark's stroke: the authority goes
        # on as 岳 begins a branch's name)
        ("签发机关湘潭市公安局岳城", None),
        ("南京市玄武区", None),
        ("公安局", None),
        # the label's characters before 公安局, the place's not read: no authority
        ("签发 公安局", None),
        ("签发机公安局", None),
        # the place lost under a watermark's strokes (舟山市 of 舟山市公安局普陀分局): a
        # branch's shape, and the authority returned shorter
        ("签发机关公安局普陀分局", None),
        ("安局普陀分局", None),
        # every authority prints 公安局 (XX市公安局XX分局): a branch's shape without it is a
        # garbled read (西安市公安局鄠邑分局 on a 320 px card under a tiled watermark)
        ("签发机关西安吏分案展帮员分局", None),
        ("南京市玄武分局", None),
        # how a known authority ends, its place's first character not read (饶 of 饶阳县, faint
        # at a 420 px back's crop edge): the authority is never returned shorter ...
        ("签发机关阳县公安局", None),
        ("山壮族瑶族自治县公安局", None),
        ("州市公安局鼓楼分局", None),
        # ... but a known one that ends another is as read (南县 of 辉南县 is a county too)
        ("签发机关南县公安局", "南县公安局"),
    ],
)
def test_parse_issuer(text: str, expected: str | None) -> None:
    assert fp.parse_issuer(line(text)).value == expected


@pytest.mark.parametrize(
    ("authority", "lost"),
    [
        ("舟山市公安局普陀分局", False),
        ("和县公安局", False),  # a place of two characters
        ("关岭布依族苗族自治县公安局", False),
        ("正镶白旗公安局", False),
        ("公安局普陀分局", True),  # nothing before 公安局
        ("安局普陀分局", True),  # 局 of 公安局 before the branch
        ("局普陀分局", True),
        ("县公安局", True),  # one character: no place's name
    ],
)
def test_place_lost(authority: str, lost: bool) -> None:
    assert fp.place_lost(authority) is lost


def test_parse_issuer_keeps_a_city_whose_second_character_is_the_labels_last() -> None:
    # no label read, and 浈 read as 淡: 韶关 was cut as the label's misread tail (几关)
    read = "韶关市公安局淡江分局"
    assert fp.parse_issuer(line(read, 0.8, alts={6: "浈"})) == fp.Field(
        "韶关市公安局浈江分局", fp.CORRECTED
    )
    assert (
        fp.parse_issuer(line("签发机关" + read, 0.8, alts={10: "浈"})).value
        == "韶关市公安局浈江分局"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013.03.21-2033.03.21", "2013.03.21-2033.03.21"),
        ("有效期限2013.03.21-2023.03.21", "2013.03.21-2023.03.21"),
        ("2013.03.21-2018.03.21", "2013.03.21-2018.03.21"),
        ("2013.03.21-长期", "2013.03.21-长期"),
        ("2013.03.21一长期", "2013.03.21-长期"),
        ("2013.03.21-2034.03.21", None),  # 21 years is no legal term
        ("2013.03.21-2033.03.22", None),  # end must keep month and day
        ("2013.02.30-2033.02.30", None),
        ("2016.02.29-2021.02.28", "2016.02.29-2021.02.28"),
        # the label's 限 dropped: the first digit is the year's, not the label's
        ("有效期2010.11.10-2015.11.10", "2010.11.10-2015.11.10"),
        # the dots and the dash lost (a blurred or small card), the label misread
        ("南意期服2021112820261128", "2021.11.28-2026.11.28"),
        ("有效期限 20110618 长期", "2011.06.18-长期"),
        # a label character read as a digit before the range is no part of it
        ("有效期1 2011.06.18-2016.06.18", "2011.06.18-2016.06.18"),
        ("有效期限 2021112820261129", None),
        ("有效期限", None),
        # the end's last digits lost (a thin 1 past the detector's box): the one end the
        # start and a legal term give, where what was read of it agrees
        ("有效期限 2026.03.31-2046.03.3", "2026.03.31-2046.03.31"),
        ("2016.02.29-2021.02.2", "2016.02.29-2021.02.28"),
        ("2026.03.31-2046.03.", "2026.03.31-2046.03.31"),
        ("2026.03.31-2046.04.3", None),  # a month against it
        ("2026.03.31-2047.03.3", None),  # 21 years
        ("2026.03.31-2046.0", None),  # three digits lost
        ("1026.03.31-1046.03.3", None),  # before cards were issued
        # the start's day and the dash lost under glare: the one start the end and a legal
        # term give; a 9 lost, and the dot after it read as nothing
        ("有效期限 2019.07.2024.07.08", "2019.07.08-2024.07.08"),
        ("有效期限20102.05-2039.02.05", "2019.02.05-2039.02.05"),
        ("2019.07.08-20.07.08", None),  # 2024, 2029 and 2039 each hold what was read
        ("2019.07.2024.08.08", None),  # the months disagree
    ],
)
def test_parse_validity(text: str, expected: str | None) -> None:
    assert fp.parse_validity(line(text)).value == expected


@pytest.mark.parametrize(
    ("read", "runner_ups", "expected"),
    [
        # no card was valid from year 19: the first digit's runner-up makes it 2019
        ("0019.12.05-长期", {0: ("2", 0.35)}, fp.Field("2019.12.05-长期", fp.CORRECTED)),
        ("有效期限1013.03.21-2023.03.21", {4: ("2", 0.2)}, fp.Field("2013.03.21-2023.03.21", 0.5)),
        # a runner-up too weak to be a reading
        ("0019.12.05-长期", {0: ("2", 0.02)}, fp.MISSING),
        # two runner-ups each make a valid range: no telling which
        ("2013.03.21-2024.03.21", {14: ("3", 0.3), 3: ("4", 0.3)}, fp.MISSING),
        # a range read as printed is kept however its runner-ups read
        ("2013.03.21-长期", {0: ("1", 0.4)}, fp.Field("2013.03.21-长期", 0.99)),
        # a runner-up that is no digit is no reading of a digit
        ("0019.12.05-长期", {0: ("Z", 0.4)}, fp.MISSING),
    ],
)
def test_parse_validity_takes_the_one_runner_up_digit_that_makes_a_range(
    read: str, runner_ups: dict[int, tuple[str, float]], expected: fp.Field
) -> None:
    chars = tuple(
        CharCandidate(c, 0.4, *runner_ups[i])
        if i in runner_ups
        else CharCandidate(c, 0.99, "", 0.0)
        for i, c in enumerate(read)
    )
    got = fp.parse_validity(TextLine(read, 0.99, chars))
    assert (got.value, got.confidence) == (expected.value, expected.confidence)


def _validity_read(
    read: str, doubts: dict[int, tuple[float, tuple[tuple[str, float], ...]]]
) -> TextLine:
    """``read`` as a validity line, each character at 0.99 but those of ``doubts`` (index:
    the probability read and the runner-ups)."""
    chars = tuple(
        CharCandidate(c, doubts[i][0], doubts[i][1][0][0], doubts[i][1][0][1], alts=doubts[i][1])
        if i in doubts
        else CharCandidate(c, 0.99, "", 0.0)
        for i, c in enumerate(read)
    )
    return TextLine(read, 0.95, chars)


@pytest.mark.parametrize(
    ("doubts", "expected"),
    [
        # the two dates disagree by a digit (2014.0828-2019.08.23, skewed): the one read less
        # surely is the misread one (8 at 0.48, 3 its runner-up at 0.26; 3 at 0.83, 8 at 0.16)
        (
            {8: (0.48, (("3", 0.26), ("2", 0.12))), 19: (0.83, (("8", 0.16), ("2", 0.01)))},
            "2014.08.23-2019.08.23",
        ),
        (
            {8: (0.83, (("3", 0.16),)), 19: (0.48, (("8", 0.26), ("2", 0.12)))},
            "2014.08.28-2019.08.28",
        ),
        # either as likely: no telling which
        ({8: (0.6, (("3", 0.3),)), 19: (0.6, (("8", 0.2),))}, None),
        # a digit's second runner-up may be the one that makes the range
        ({8: (0.5, (("2", 0.2), ("3", 0.15)))}, "2014.08.23-2019.08.23"),
    ],
)
def test_parse_validity_takes_the_likeliest_runner_up_digit(
    doubts: dict[int, tuple[float, tuple[tuple[str, float], ...]]], expected: str | None
) -> None:
    got = fp.parse_validity(_validity_read("2014.0828-2019.08.23", doubts))
    assert got.value == expected
    assert got.confidence == (fp.CORRECTED if expected else 0.0)


@pytest.mark.parametrize("year", ["0019", "1983", "1019"])
def test_no_validity_starts_before_the_first_cards(year: str) -> None:
    assert fp.validity_value(f"{year}.12.05-长期") is None


@pytest.mark.parametrize(
    ("start", "today", "issued"),
    [
        (dt.date(2015, 5, 24), dt.date(2026, 12, 6), True),
        (dt.date(2026, 12, 6), dt.date(2026, 12, 6), True),
        # a card issued in Beijing on the 7th, read by a clock still on the 6th (UTC)
        (dt.date(2026, 12, 7), dt.date(2026, 12, 6), True),
        (dt.date(2026, 12, 8), dt.date(2026, 12, 6), False),
        (dt.date(2035, 5, 24), dt.date(2026, 12, 6), False),
    ],
)
def test_a_validity_starts_no_later_than_the_day_it_is_read(
    start: dt.date, today: dt.date, issued: bool
) -> None:
    assert fp.issued_by_now(start, today) is issued


def test_a_validity_read_to_start_in_the_future_is_misread() -> None:
    # 1 of 2015 read 3 on a back shrunk to 420 px (tuned seed 0, photo 143: 2035.05.24-长期):
    # no card is issued in the future; the runner-up makes the range (a year far enough
    # ahead that the test holds for decades, the rule reading the clock)
    assert fp.validity_value("2085.05.24-长期") is None
    got = fp.parse_validity(_validity_read("2085.05.24-长期", {2: (0.55, (("1", 0.4),))}))
    assert (got.value, got.confidence) == ("2015.05.24-长期", fp.CORRECTED)
    assert fp.parse_validity(_validity_read("2085.05.24-2095.05.24", {})) == fp.MISSING


def _front(**values: str | None) -> dict[str, fp.Field]:
    return {k: fp.Field(v, 0.9) for k, v in values.items()}


@pytest.mark.parametrize(
    ("birth", "gender", "birth_out", "gender_out"),
    [
        ("1949.12.31", "女", "1949.12.31", "女"),  # consistent
        ("1949.12.81", "女", "1949.12.31", "女"),  # one digit slipped: corrected from the number
        ("1975.06.01", "女", None, "女"),  # a different date: rejected, not replaced
        ("1949.12.31", "男", "1949.12.31", None),  # parity says 女: rejected
    ],
)
def test_reconcile_front(
    birth: str, gender: str, birth_out: str | None, gender_out: str | None
) -> None:
    out = fp.reconcile_front(_front(id_no="11010519491231002X", birth=birth, gender=gender))
    assert out["birth"].value == birth_out
    assert out["gender"].value == gender_out


def test_reconcile_front_leaves_fields_alone_without_a_valid_number() -> None:
    fields = _front(id_no=None, birth="1949.12.81", gender="男")
    assert fp.reconcile_front(fields) == fields


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("住址北京市", "住址", "北京市"),
        ("址北京市", "住址", "北京市"),  # the label's first character clipped
        ("佳址北京市", "住址", "北京市"),  # ... or misread
        ("名张勇林", "姓名", "张勇林"),
        ("关乌鲁木齐市公安局", "签发机关", "乌鲁木齐市公安局"),
        ("几关合肥市公安局", "签发机关", "合肥市公安局"),
        ("整策机关修武县公安局", "签发机关", "修武县公安局"),  # its head misread, 机关 read
        ("李名扬", "姓名", "李名扬"),
        ("姓各崔涵诗", "姓名", "崔涵诗"),
        ("住·址黑龙江省齐齐哈尔市", "住址", "黑龙江省齐齐哈尔市"),
        ("码350102196505308090", "公民身份号码", "350102196505308090"),
        ("身份号码11010", "公民身份号码", "11010"),
        ("北京市", "住址", "北京市"),
        ("张三", "姓名", "张三"),
    ],
)
def test_strip_label(text: str, label: str, expected: str) -> None:
    assert fp.strip_label(text, label) == expected


@pytest.mark.parametrize(
    ("text", "label", "starts", "expected"),
    [
        ("出1957年", "出生", "0123456789", "1957年"),  # 生 dropped: the 1 is the value's
        ("出生1957年", "出生", "0123456789", "1957年"),
        ("出土1957年", "出生", "0123456789", "1957年"),  # 生 misread: still the label's
        ("有效期2010.11.10", "有效期限", "0123456789", "20101110"),
        ("有效期限2010.11.10", "有效期限", "0123456789", "20101110"),
        ("性女", "性别", "男女", "女"),
        ("性别女", "性别", "男女", "女"),
        ("性女民族", "性别", "", "民族"),  # without ``starts``: 女 taken for a misread 别
    ],
)
def test_strip_label_value_start(text: str, label: str, starts: str, expected: str) -> None:
    assert fp.strip_label(text, label, starts=starts) == expected


@pytest.mark.parametrize(
    ("text", "alts", "race"),
    [
        ("性别女民族士家", {5: ("土", 0.3)}, "土家"),  # 士 read for 土, its runner-up fixes it
        ("性别女民族士家", {}, None),
        ("性别女民族满家", {5: ("苗", 0.3)}, None),  # the runner-up does not make a listed name
        # a runner-up that is noise spells nothing (仫佬 read 佬 by a recogniser without 仫)
        ("性别男民族佬", {5: ("傣", 0.0003)}, None),
    ],
)
def test_parse_race_runner_up(
    text: str, alts: dict[int, tuple[str, float]], race: str | None
) -> None:
    chars = tuple(
        CharCandidate(c, 0.98, *alts.get(i, ("", 0.0)), alts=(alts[i],) if i in alts else ())
        for i, c in enumerate(text)
    )
    assert fp.parse_race(TextLine(text, 0.98, chars)).value == race


def _read_with(text: str, runner_ups: dict[int, list[tuple[str, float]]]) -> TextLine:
    """``text`` read at 0.6 a character, with ``runner_ups`` at some of its positions."""
    chars = tuple(
        CharCandidate(
            c, 0.6, *(runner_ups.get(i) or [("", 0.0)])[0], alts=tuple(runner_ups.get(i, ()))
        )
        for i, c in enumerate(text)
    )
    return TextLine(text, 0.6, chars)


@pytest.mark.parametrize(
    ("text", "runner_ups", "race"),
    [
        # a blurred 傈僳: both characters misread, each the listed one among its runner-ups
        (
            "性别男民族保集",
            {5: [("杰", 0.18), ("傈", 0.13)], 6: [("康", 0.41), ("僳", 0.07)]},
            "傈僳",
        ),
        # a runner-up too unlikely to stand for its character (a shape seen in noise)
        ("性别男民族保集", {5: [("傈", 0.13)], 6: [("康", 0.41), ("僳", 0.02)]}, None),
        # two listed names spelled (仫佬 and 仡佬): none taken
        ("性别男民族亿老", {5: [("仫", 0.2), ("仡", 0.2)], 6: [("佬", 0.3)]}, None),
        ("性别男民族亿老", {5: [("仫", 0.2), ("仡", 0.02)], 6: [("佬", 0.3)]}, "仫佬"),
    ],
)
def test_parse_race_spelled_by_runner_ups(
    text: str, runner_ups: dict[int, list[tuple[str, float]]], race: str | None
) -> None:
    assert fp.parse_race(_read_with(text, runner_ups)).value == race


@pytest.mark.parametrize(
    ("text", "probs", "race"),
    [
        # one character of a long name misread, none of its runner-ups the printed one
        ("性别男民族维音尔", {6: 0.38}, "维吾尔"),
        ("男 维当尔", {3: 0.53}, "维吾尔"),  # the label unread, the value after the gender
        ("性别女民族塔吉充", {7: 0.5}, "塔吉克"),
        # ... read surely: what the card prints, not a misread
        ("性别男民族维音尔", {}, None),
        # ... two characters off, or a short name (one character from several): no name
        ("性别男民族维音示", {6: 0.38, 7: 0.4}, None),
        ("性别女民族士多", {5: 0.4}, None),
        # a group off the list that is no listed name but for one character stays as read
        ("性别男民族穿青人", {}, "穿青人"),
    ],
)
def test_parse_race_one_character_misread(
    text: str, probs: dict[int, float], race: str | None
) -> None:
    assert fp.parse_race(_unsure_end(text, probs)).value == race


@pytest.mark.parametrize(
    ("text", "runner_ups", "race"),
    [
        # the gender row's labels unread: the value after the gender, its 乡 a runner-up
        ("安东会", {0: [("女", 0.15)], 2: [("台", 0.1), ("乡", 0.08)]}, "东乡"),
        ("安东会", {0: [("女", 0.15)], 2: [("台", 0.1)]}, None),
        # one character after the gender, a listed one among its runner-ups: no label says
        # a value stands there, and 19 listed names are one character (女 饰: 白 among them)
        ("女饰", {1: [("锦", 0.17), ("白", 0.06)]}, None),
        ("男中", {1: [("京", 0.03)]}, None),
    ],
)
def test_parse_race_unlabelled_spelled_by_runner_ups(
    text: str, runner_ups: dict[int, list[tuple[str, float]]], race: str | None
) -> None:
    assert fp.parse_race(_read_with(text, runner_ups)).value == race


@pytest.mark.parametrize(
    ("text", "alts", "expected", "confidence"),
    [
        # the one real county the runner-up makes of it (淅 is missing from a small dictionary)
        ("签发机关浙川县公安局", {4: "淅"}, "淅川县公安局", 0.5),
        ("签发机关激浦县公安局", {4: "溆"}, "溆浦县公安局", 0.5),
        ("签发机关阜阳市公安局颖泉分局", {10: "颍"}, "阜阳市公安局颍泉分局", 0.5),
        # a known authority as read stays, whatever its runner-ups say
        ("签发机关淅川县公安局", {4: "浙"}, "淅川县公安局", 0.6),
        # an authority not in the table but of the right shape is kept as read
        ("签发机关东莞市公安局长安分局", None, "东莞市公安局长安分局", 0.6),
        # no runner-up that makes a real place of it: kept as read, never guessed
        ("签发机关浙川县公安局", None, "浙川县公安局", 0.6),
        # every character read is kept where a known authority does so: 灌 a runner-up of 潭
        # makes 灌南县 of the whole read, whatever 南县 (a county too) one character in says
        ("签发机关潭南县公安局", {4: "灌"}, "灌南县公安局", 0.5),
        ("潭南县公安局", {0: "灌"}, "灌南县公安局", 0.5),
        # ... and where none does, the one a character in is a correction: a character dropped
        ("潭南县公安局", None, "南县公安局", 0.5),
        ("签发机关潭南县公安局", None, "南县公安局", 0.5),
        # ... but never one made by dropping a character and changing another (资 dropped, 端
        # taken as its runner-up 兴: 兴县公安局): as read
        ("资端县公安局", {1: "兴"}, "资端县公安局", 0.6),
        # ... but where what is dropped is the label misread (half its characters the label's:
        # 警发杭关 for 签发机关), what is left is corrected
        ("警发杭关沈阳市公安局库南分局", {10: "浑"}, "沈阳市公安局浑南分局", 0.5),
        # ... or as many characters as the label has, where a known authority begins after
        # them (the label fills the line's first four, however misread; a blank after it)
        ("塞震轨集北京市公安局石策山区分局", {11: "景"}, "北京市公安局石景山区分局", 0.5),
        ("要复科美一上思具公安局", {7: "县"}, "上思县公安局", 0.5),
        # an overlay's characters read after the value (a specimen's 样本), its place misread:
        # cut, then corrected
        ("签发机关浙川县公安局样木", {4: "淅"}, "淅川县公安局", 0.5),
    ],
)
def test_parse_issuer_corrects_from_known_places(
    text: str, alts: dict[int, str] | None, expected: str, confidence: float
) -> None:
    field = fp.parse_issuer(line(text, 0.6, alts))
    assert (field.value, field.confidence) == (expected, confidence)


@pytest.mark.parametrize(
    ("lines", "alts", "expected"),
    [
        (["住址安徽省阜阳市颖泉区人民路1号"], {8: "颍"}, "安徽省阜阳市颍泉区人民路1号"),
        (["住址河南省南阳市浙川县", "城关镇1-2号"], {8: "淅"}, "河南省南阳市淅川县城关镇1-2号"),
        # the beginning is a real place already: nothing changes
        (["住址河南省南阳市淅川县城关镇"], {8: "浙"}, "河南省南阳市淅川县城关镇"),
    ],
)
def test_parse_address_corrects_the_place_prefix(
    lines: list[str], alts: dict[int, str], expected: str
) -> None:
    first = line(lines[0], 0.6, alts)
    rest = [line(t, 0.6) for t in lines[1:]]
    assert fp.parse_address([first, *rest]).value == expected


@pytest.mark.parametrize(
    ("first", "xs", "expected"),
    [
        # glare washed 市镜 out: a blank two characters wide after 芜湖
        (
            "住址安徽省芜湖湖",
            (0.02, 0.12, 0.25, 0.36, 0.47, 0.58, 0.69, 0.99),
            "安徽省芜湖市镜湖区光明街961号",
        ),
        # the characters side by side: no room, the address as read
        (
            "住址安徽省芜湖湖",
            (0.02, 0.12, 0.25, 0.36, 0.47, 0.58, 0.69, 0.80),
            "安徽省芜湖湖区光明街961号",
        ),
    ],
)
def test_parse_address_fills_a_place_where_its_line_has_room(
    first: str, xs: tuple[float, ...], expected: str
) -> None:
    got = fp.parse_address([_placed(first, xs), line("区光明街961号")])
    assert got.value == expected
    if "镜" in expected:  # characters put in that were not read: corrected, not as read
        assert got.confidence == fp.CORRECTED


def test_parse_name_keeps_a_first_character_read_surely() -> None:
    # 阳 read at a late time step: 江 looks apart, but it was read surely (a probe photo)
    got = fp.parse_name(_placed("江阳东", (0.114, 0.25, 0.295), (0.995, 1.0, 1.0)))
    assert got.value == "江阳东"


def test_parse_address_measures_room_on_one_segment_only() -> None:
    # two segments of a row joined: where each was read is a share of its own crop, so the
    # distance from 湖 at the end of the first to 湖 at the start of the second is no blank
    first = _placed("住址安徽省芜湖", (0.02, 0.06, 0.1, 0.14, 0.18, 0.22, 0.26))
    second = _placed("湖区光明街961号", (0.38, 0.42, 0.46, 0.5, 0.54, 0.56, 0.58, 0.6, 0.62))
    got = fp.parse_address([join_lines([first, second])])
    assert got.value == "安徽省芜湖湖区光明街961号"


def test_parse_address_keeps_a_hyphen_at_a_line_break() -> None:
    got = fp.parse_address([line("住址辽宁省沈阳市于洪区翠微大街968号18-5-"), line("1202")])
    assert got.value == "辽宁省沈阳市于洪区翠微大街968号18-5-1202"


def test_parse_address_drops_a_dash_read_in_doubt() -> None:
    first = TextLine(
        "住址安徽省滁州市琅琊区庆春大街99-",
        0.95,
        tuple(
            CharCandidate(c, 0.33 if c == "-" else 0.99, "", 0.0)
            for c in "住址安徽省滁州市琅琊区庆春大街99-"
        ),
    )
    assert fp.parse_address([first, line("6号40栋")]).value == "安徽省滁州市琅琊区庆春大街996号40栋"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发机玛沁县公安局", "玛沁县公安局"),  # 签 lost and 关 misread: the known place decides
        ("签发机关玛沁县公安局", "玛沁县公安局"),
        ("机关关岭布依族苗族自治县公安局", "关岭布依族苗族自治县公安局"),
    ],
)
def test_parse_issuer_cuts_a_half_read_label_where_a_known_authority_starts(
    text: str, expected: str
) -> None:
    assert fp.parse_issuer(line(text)).value == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # 址 lost from the label: 住辽 is no misread 住址, as 辽宁省 is a place
        (["住 辽宁省沈阳市于洪区", "翠微大街968号"], "辽宁省沈阳市于洪区翠微大街968号"),
        # the label's last character read twice, as the place's first
        (["住址广广东省肇庆市高要区"], "广东省肇庆市高要区"),
        (["址河南省鹤壁市淇滨区育才路"], "河南省鹤壁市淇滨区育才路"),
        # the province's name half lost under an overlaid line: restored, not cut off
        (
            ["南省迪庆藏族自治州香格", "里拉市幸福大道241号"],
            "云南省迪庆藏族自治州香格里拉市幸福大道241号",
        ),
        # the province's name a character misread: its runner-up, not a label's residue
        (["安蒙省亳州市蒙城县白塔", "镇葛堡村399号"], "安徽省亳州市蒙城县白塔镇葛堡村399号"),
        # 住 lost, 址 read 止, and the county's name wraps onto the next line
        (
            ["止甘肃省天水市张家川回族自治", "县漓江西路212号"],
            "甘肃省天水市张家川回族自治县漓江西路212号",
        ),
    ],
)
def test_parse_address_starts_where_a_known_place_does(lines: list[str], expected: str) -> None:
    alts = {1: "徽"} if lines[0].startswith("安蒙") else None
    first = line(lines[0], 0.6, alts) if alts else line(lines[0])
    assert fp.parse_address([first, *(line(t) for t in lines[1:])]).value == expected


def _spaced(text: str, xs: list[float], step: float = 0.01) -> TextLine:
    chars = tuple(CharCandidate(c, 0.99, "", 0.0, x=x) for c, x in zip(text, xs, strict=True))
    return TextLine(text, 0.99, chars, step=step)


@pytest.mark.parametrize(
    ("text", "xs", "gap"),
    [
        # Chinese characters 5 time steps apart: one step of 0.01 is 1/5 of a character
        ("北京市东城区", [0.05, 0.10, 0.15, 0.20, 0.25, 0.30], False),
        ("北京市城区", [0.05, 0.10, 0.15, 0.25, 0.30], True),  # a character's blank
        ("和平路1-2号", [0.05, 0.10, 0.15, 0.195, 0.22, 0.245, 0.29], False),  # half widths
        ("和平路12号", [0.05, 0.10, 0.15, 0.245, 0.27, 0.315], True),  # 东 lost before 1
        ("张三", [0.1, 0.15], False),  # too few to know the spacing
    ],
)
def test_unread_gap(text: str, xs: list[float], gap: bool) -> None:
    assert fp.unread_gap(_spaced(text, xs)) is gap


_EVEN = [0.05, 0.10, 0.15, 0.20, 0.25, 0.30]


@pytest.mark.parametrize(
    ("text", "xs", "probs", "passed", "sure"),
    [
        ("北京市东城区", _EVEN, [0.999] * 6, 0.0, True),
        ("北京市东城区", _EVEN, [0.999] * 6, fp.SURE_PASSED, True),
        # one character under SURE_CHAR: a rare one read as its look-alike, unsure
        ("安徽省毫州市", _EVEN, [0.999, 0.999, 0.999, 0.6, 0.999, 0.999], 0.0, False),
        ("北京市东城区", _EVEN, [0.999] * 5 + [fp.SURE_CHAR - 0.001], 0.0, False),
        # every character sure, but something passed over: 村1组 read 村组 (1 at 0.3)
        ("冈市麻城市沿", _EVEN, [0.999] * 6, 0.29, False),
        # a character's blank between two read surely
        ("北京市城区", [0.05, 0.10, 0.15, 0.25, 0.30], [0.999] * 5, 0.0, False),
        # a space read where a hyphen is printed (8-2804 read 8 2804), however surely
        ("8 2804", [0.05, 0.08, 0.11, 0.14, 0.17, 0.2], [0.999, 0.366] + [0.999] * 4, 0.0, False),
        ("8 2804", [0.05, 0.08, 0.11, 0.14, 0.17, 0.2], [0.999] * 6, 0.0, False),
        # nothing read
        ("", [], [], 0.0, False),
        ("  ", [0.1, 0.2], [0.999, 0.999], 0.0, False),
    ],
)
def test_a_line_is_read_surely(
    text: str, xs: list[float], probs: list[float], passed: float, sure: bool
) -> None:
    chars = tuple(
        CharCandidate(c, p, "", 0.0, x=x) for c, x, p in zip(text, xs, probs, strict=True)
    )
    read = TextLine(text, 0.99, chars, step=0.01, passed=passed)
    assert fp.read_surely(read) is sure


def test_a_blank_read_inside_a_value_is_a_gap_and_a_joint_is_not() -> None:
    # the recogniser read two spaces where 自治 are printed: a blank, not a new run
    read = _spaced("藏族  州夏", [0.05, 0.10, 0.15, 0.2, 0.25, 0.30])
    assert fp.unread_gap(dataclasses.replace(read, chars=read.chars[:2] + read.chars[4:]))
    assert fp.unread_gap(read)
    # the space join_lines puts between two segments' lines starts a new run
    joined = join_lines([_spaced("藏族自治", [0.1, 0.15, 0.2, 0.25]), _spaced("州夏", [0.6, 0.65])])
    assert not fp.unread_gap(dataclasses.replace(joined, step=0.01))
    # ... unless the two segments leave a blank between them (glare washed 自治 out)
    apart = join_lines([_spaced("藏族", [0.1, 0.15]), _spaced("州夏", [0.6, 0.65])], [True])
    assert fp.unread_gap(dataclasses.replace(apart, step=0.01))
    assert apart.text == "藏族 州夏"


@pytest.mark.parametrize(
    ("field_read", "xs", "other_read", "other_xs", "expected"),
    [
        # 治州 left blank (two spaces read) by one recogniser, read by the other
        (
            "甘南藏族自  夏",
            [0.05, 0.10, 0.15, 0.20, 0.25, 0.28, 0.32, 0.40],
            "其南藏族息治州夏",
            [0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40],
            "甘南藏族自治州夏",
        ),
        # a character missing with nothing read in its place: as it was
        (
            "北京市城区",
            [0.05, 0.10, 0.15, 0.25, 0.30],
            "北京市城区",
            [0.05, 0.10, 0.15, 0.25, 0.30],
            "北京市城区",
        ),
        # no gap: the other reading is not consulted (its extra character is noise)
        (
            "北京市东城区",
            [0.05, 0.10, 0.15, 0.20, 0.25, 0.30],
            "北京市一东城区",
            [0.05, 0.10, 0.15, 0.175, 0.20, 0.25, 0.30],
            "北京市东城区",
        ),
        # what the other read next to a neighbour (within half a character) is that neighbour
        (
            "北京市城区",
            [0.05, 0.10, 0.15, 0.25, 0.30],
            "北京市市城区",
            [0.05, 0.10, 0.15, 0.17, 0.25, 0.30],
            "北京市城区",
        ),
    ],
)
def test_fill_gaps_keeps_what_another_recogniser_read_in_a_blank(
    field_read: str, xs: list[float], other_read: str, other_xs: list[float], expected: str
) -> None:
    filled = fp.fill_gaps(_spaced(field_read, xs), _spaced(other_read, other_xs))
    assert filled.text == expected
    assert "".join(c.char for c in filled.chars) == expected


@pytest.mark.parametrize(
    ("other_read", "score", "expected"),
    [
        ("号", 0.98, "号"),  # an address's last line of one character, left blank by one
        ("尹号", 0.36, ""),  # another line's stray strokes read unsure: nothing is made up
        ("", 0.0, ""),
    ],
)
def test_a_line_read_as_nothing_is_what_another_recogniser_reads_surely(
    other_read: str, score: float, expected: str
) -> None:
    blank = TextLine("", 0.0, (), step=0.02)
    xs = [0.05 + 0.1 * i for i in range(len(other_read))]
    other = dataclasses.replace(_spaced(other_read, xs), score=score)
    assert fp.fill_gaps(blank, other).text == expected


@pytest.mark.parametrize(
    ("text", "seen", "expected"),
    [
        ("北京南路2835号", [0, 0, 0, 0, 0, 0.42, 0, 0], "北京南路28-35号"),
        ("140号486", [0, 0, 0, 0, 0.034, 0.0003], "140号4-86"),  # one seen, one not
        ("1602室", [0.0017, 0.001, 0.0009, 0], "1602室"),  # as much as 556 pairs without one
        ("路2号", [0.5, 0.5], "路2号"),  # only between two digits
        ("28-35号", [0, 0.9, 0.9, 0, 0], "28-35号"),  # read already: no digits either side
    ],
)
def test_restore_hyphens_between_digits_where_the_model_saw_one(
    text: str, seen: list[float], expected: str
) -> None:
    restored = fp.restore_hyphens(_spaced(text, [0.05 * (i + 1) for i in range(len(text))]), seen)
    assert restored.text == expected
    assert "".join(c.char for c in restored.chars) == expected
    assert fp.parse_address([restored]).value == expected


@pytest.mark.parametrize(
    ("lines", "ends", "expected"),
    [
        # an address wrapped at a hyphen the model saw after the first line's last digit
        # (tuned bench hard fronts: 0.013-0.18, against at most 0.0008 after 189 lines ending
        # in a digit with no hyphen printed after it)
        (
            ["蓝田县延安街102", "10号"],
            [(0, 0.018), (0, 0)],
            "蓝田县延安街102-10号",
        ),
        # ... or before the next line's first digit
        (["东路368号家园16", "8-2804"], [(0, 0), (0.05, 0)], "东路368号家园16-8-2804"),
        # seen at both: one hyphen
        (["东路368号家园16", "8-2804"], [(0, 0.2), (0.05, 0)], "东路368号家园16-8-2804"),
        # below what a speck of the artwork gets: none
        (
            ["蓝田县延安街102", "10号"],
            [(0, 0.0008), (0, 0)],
            "蓝田县延安街10210号",
        ),
        # the number not going on after it (a Chinese character next, or the address's end)
        (["西陵区幸福路35", "号"], [(0, 0.3), (0, 0)], "西陵区幸福路35号"),
        (
            ["西陵区幸福路35号", "17-9-8"],
            [(0, 0), (0, 0.3)],
            "西陵区幸福路35号17-9-8",
        ),
        # before a line's first character that is no digit, or after its last: none
        (
            ["西陵区幸福路", "35号"],
            [(0.3, 0.3), (0, 0.3)],
            "西陵区幸福路35号",
        ),
    ],
)
def test_restore_hyphens_where_an_address_wraps_at_one(
    lines: list[str], ends: list[tuple[float, float]], expected: str
) -> None:
    restored = [
        fp.restore_hyphens(_spaced(t, [0.05 * (i + 1) for i in range(len(t))]), [0.0] * len(t), e)
        for t, e in zip(lines, ends, strict=True)
    ]
    assert fp.parse_address(restored).value == expected


def test_a_value_with_a_missing_character_is_not_returned_sure() -> None:
    line_ = _spaced("北京市城区", [0.05, 0.10, 0.15, 0.25, 0.30])
    field = fp.unless_unread(fp.Field("北京市城区", 0.97), [line_])
    assert field == fp.Field("北京市城区", fp.UNREAD)


def test_a_value_read_either_side_of_a_blank_between_segments_is_not_returned_sure() -> None:
    sure = [_spaced("宁夏", [0.1, 0.2]), _spaced("治区银川市", [0.1, 0.2, 0.3, 0.4, 0.5])]
    field = fp.Field("宁夏治区银川市", 0.97)
    assert fp.unless_unread(field, [join_lines(sure, [True])]) == fp.Field(field.value, fp.UNREAD)
    assert fp.unless_unread(field, [join_lines(sure, [False])]) == field


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a hyphen wrapped to the start of the next line, after a number
        (["湖南省株洲市芦淞区凤起南路14", "-8号"], "湖南省株洲市芦淞区凤起南路14-8号"),
        (
            ["山东省青岛市崂山区望江东路896号35-5", "-2902"],
            "山东省青岛市崂山区望江东路896号35-5-2902",
        ),
        # ... but a line starting with a dash after a Chinese character does not make one
        (["湖南省株洲市芦淞区凤起南路", "-8号"], "湖南省株洲市芦淞区凤起南路8号"),
    ],
)
def test_parse_address_keeps_a_hyphen_wrapped_to_the_next_line(
    lines: list[str], expected: str
) -> None:
    assert fp.parse_address([line(t) for t in lines]).value == expected


@pytest.mark.parametrize(
    ("alt", "alt_prob", "expected"),
    [
        ("-", 0.41, "河北省邢台市任泽区幸福街57-2号"),  # a hyphen read as a dot
        ("-", 0.05, "河北省邢台市任泽区幸福街572号"),  # a speck: the dash barely considered
        (",", 0.41, "河北省邢台市任泽区幸福街572号"),  # no dash in doubt
    ],
)
def test_parse_address_reads_a_dot_between_digits_as_the_hyphen_it_may_be(
    alt: str, alt_prob: float, expected: str
) -> None:
    text = "河北省邢台市任泽区幸福街57.2号"
    chars = tuple(
        CharCandidate(c, 0.59, alt, alt_prob) if c == "." else CharCandidate(c, 0.99, "", 0.0)
        for c in text
    )
    assert fp.parse_address([TextLine(text, 0.9, chars)]).value == expected


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        # the hyphen of 16-29号 wrapped to the next line and read as a dot (its dash 0.36)
        (".29号", "江苏省淮安市淮安区复兴街16-29号"),
        # a dot before no number across the break: no hyphen
        (".人民路1号", "江苏省淮安市淮安区复兴街16人民路1号"),
    ],
)
def test_parse_address_reads_a_dot_at_a_break_as_the_hyphen_it_may_be(
    second: str, expected: str
) -> None:
    first = "住址江苏省淮安市淮安区复兴街16"
    lines = [
        TextLine(first, 0.95, _read_as(first, {})),
        TextLine(second, 0.8, _read_as(second, {0: (0.58, "-", 0.36)})),
    ]
    assert fp.parse_address(lines).value == expected


def _read_as(text: str, doubts: dict[int, tuple[float, str, float]]) -> tuple[CharCandidate, ...]:
    """``text``'s characters read surely, but those in ``doubts``: (prob, runner-up, its prob)."""
    return tuple(
        CharCandidate(c, *doubts[i]) if i in doubts else CharCandidate(c, 0.99, "", 0.0)
        for i, c in enumerate(text)
    )


@pytest.mark.parametrize(
    ("text", "doubts", "expected"),
    [
        # a 0 read O after a digit, its runner-up the 0 (村1|O组 at a line's break)
        ("东庄村1O组", {4: (0.51, "0", 0.19)}, "东庄村10组"),
        ("人民路l2号", {3: (0.6, "1", 0.3)}, "人民路12号"),
        ("3-O-401", {2: (0.7, "0", 0.2)}, "3-0-401"),
        # the digit too little probable there, or not the one the letter looks like
        ("东庄村1O组", {4: (0.9, "0", 0.02)}, "东庄村1O组"),
        ("东庄村1O组", {4: (0.51, "8", 0.4)}, "东庄村1O组"),
        # no digit beside it: a building's letter
        ("A座O层", {2: (0.6, "0", 0.3)}, "A座O层"),
        # ... but an I alone before a unit is its number (no number starts with 0)
        ("12号楼I单元", {4: (0.48, "1", 0.34)}, "12号楼1单元"),
        ("12号楼I单元", {4: (0.48, "!", 0.34)}, "12号楼I单元"),
        # letters that buildings use stay, whatever their runner-ups
        ("3B室", {1: (0.6, "8", 0.3)}, "3B室"),
        ("B栋", {0: (0.6, "8", 0.3)}, "B栋"),
        # a village's group, a team, a lane are counted with digits only: a letter in their
        # number is the digit it was read for (7组 read T组), any letter, beside a digit or not
        ("前进村T组", {3: (0.57, "7", 0.32)}, "前进村7组"),
        ("城关镇S队", {3: (0.6, "5", 0.3)}, "城关镇5队"),
        ("长乐路1Z弄", {4: (0.6, "2", 0.3)}, "长乐路12弄"),
        # a letter read unsurely between two hyphens among digits: building, unit, room
        ("南京北路412号1-S-1702", {10: (0.85, "8", 0.15)}, "南京北路412号1-8-1702"),
        # ... but one read surely (a building's letter), or not between two numbers
        ("南京北路412号1-A-1702", {10: (0.95, "4", 0.05)}, "南京北路412号1-A-1702"),
        ("南京北路412号S-1702", {8: (0.85, "8", 0.15)}, "南京北路412号S-1702"),
        ("南京北路412号1-S", {10: (0.85, "8", 0.15)}, "南京北路412号1-S"),
        # ... where the digit is real (and the only one)
        ("前进村T组", {3: (0.9, "7", 0.02)}, "前进村T组"),
        ("前进村T组", {3: (0.57, "工", 0.32)}, "前进村T组"),
    ],
)
def test_digits_restored(
    text: str, doubts: dict[int, tuple[float, str, float]], expected: str
) -> None:
    assert fp.digits_restored(text, _read_as(text, doubts)) == expected


def test_parse_address_reads_a_letter_among_digits_as_the_digit_it_may_be() -> None:
    first = "住址云南省西双版纳傣族自治州勐海县北店头乡东庄村1"
    lines = [
        TextLine(first, 0.95, _read_as(first, {})),
        TextLine("O组", 0.75, _read_as("O组", {0: (0.51, "0", 0.19)})),
    ]
    field = fp.parse_address(lines)
    assert (field.value, field.confidence) == (
        "云南省西双版纳傣族自治州勐海县北店头乡东庄村10组",
        fp.CORRECTED,
    )


@pytest.mark.parametrize(
    ("text", "doubts", "expected"),
    [
        # a unit after a number misread, the unit its runner-up
        ("瑞祥东路474弄70号1603台", {15: (0.85, "室", 0.08)}, "瑞祥东路474弄70号1603室"),
        ("高家村2地88号", {4: (0.7, "组", 0.2)}, "高家村2组88号"),
        # a unit read: kept, whatever its runner-ups
        ("人民路12号", {5: (0.6, "弓", 0.3)}, "人民路12号"),
        # the runner-up too little probable, or no unit
        ("瑞祥东路1603台", {8: (0.97, "室", 0.02)}, "瑞祥东路1603台"),
        ("第18中学", {3: (0.6, "申", 0.3)}, "第18中学"),
        # not after a digit
        ("台北路", {0: (0.6, "室", 0.3)}, "台北路"),
        # before a number, what ends a place's name, misread unsurely: its runner-up
        ("文化大通147-15号", {3: (0.43, "道", 0.16)}, "文化大道147-15号"),
        ("锦绣花圆3栋", {3: (0.6, "园", 0.3)}, "锦绣花园3栋"),
        ("建设卷36号", {2: (0.7, "巷", 0.2)}, "建设巷36号"),
        # ... read surely, or as one, or with no such runner-up: kept
        ("海港5号", {1: (0.95, "巷", 0.06)}, "海港5号"),
        ("人民路5号", {2: (0.5, "街", 0.3)}, "人民路5号"),
        ("金桂大厦12层", {3: (0.6, "夏", 0.3)}, "金桂大厦12层"),
        # not before a digit
        ("通达路8号", {0: (0.5, "道", 0.3)}, "通达路8号"),
        # a number's first digit, unsure, after a name that ends in no unit: the unit
        ("八一8224号", {2: (0.23, "巷", 0.11)}, "八一巷224号"),
        # ... read surely, or after a unit, or alone, or with no such runner-up: kept
        ("八一8224号", {2: (0.95, "巷", 0.05)}, "八一8224号"),
        ("人民路8224号", {3: (0.23, "巷", 0.11)}, "人民路8224号"),
        ("金桂大厦1201室", {4: (0.5, "里", 0.2)}, "金桂大厦1201室"),  # no house number
        ("八一8号", {2: (0.23, "巷", 0.11)}, "八一8号"),
        ("北山1374号", {2: (0.29, "8", 0.24)}, "北山1374号"),
    ],
)
def test_units_restored(
    text: str, doubts: dict[int, tuple[float, str, float]], expected: str
) -> None:
    assert fp.units_restored(text, _read_as(text, doubts)) == expected


@pytest.mark.parametrize(
    ("text", "doubts", "expected"),
    [
        # the town's word between the county and the village misread: its runner-up
        (
            "福建省福州市平潭县北店头腾新民村11组",
            {12: (0.53, "镇", 0.08)},
            "福建省福州市平潭县北店头镇新民村11组",
        ),
        (
            "河南省南阳市淅川县上集多张营村3组",
            {11: (0.6, "乡", 0.2)},
            "河南省南阳市淅川县上集乡张营村3组",
        ),
        # a town's word read: kept
        (
            "福建省福州市平潭县北店头镇新民村",
            {14: (0.5, "乡", 0.3)},
            "福建省福州市平潭县北店头镇新民村",
        ),
        # read surely, two of them unsure, or no village after it: kept
        (
            "福建省福州市平潭县北店头腾新民村",
            {12: (0.95, "镇", 0.05)},
            "福建省福州市平潭县北店头腾新民村",
        ),
        (
            "福建省福州市平潭县北填头腾新民村",
            {10: (0.5, "镇", 0.2), 12: (0.53, "镇", 0.08)},
            "福建省福州市平潭县北填头腾新民村",
        ),
        (
            "福建省福州市平潭县北店头腾新民路8号",
            {12: (0.53, "镇", 0.08)},
            "福建省福州市平潭县北店头腾新民路8号",
        ),
        # no known county before it
        ("北店头腾新民村", {3: (0.53, "镇", 0.08)}, "北店头腾新民村"),
    ],
)
def test_town_restored(
    text: str, doubts: dict[int, tuple[float, str, float]], expected: str
) -> None:
    assert fp.town_restored(text, _read_as(text, doubts)) == expected


@pytest.mark.parametrize(
    ("text", "doubts", "expected"),
    [
        # a name's character after the known place misread: the runner-up that makes a word
        (
            "江苏省南京市栖霞区美蓉街623弄3号",
            {9: (0.6, "芙", 0.03)},
            "江苏省南京市栖霞区芙蓉街623弄3号",
        ),
        ("天津市宁河区充明街291号", {6: (0.5, "光", 0.2)}, "天津市宁河区光明街291号"),
        (
            "河北省衡水市桃城区牌江巷994号",
            {9: (0.33, "漓", 0.045)},
            "河北省衡水市桃城区漓江巷994号",
        ),
        # ... or a word of three characters with its neighbours: last, or in the middle
        (
            "山西省临汾市大宁县秀水北路518号供电易花园",
            {19: (0.54, "局", 0.44)},
            "山西省临汾市大宁县秀水北路518号供电局花园",
        ),
        (
            "河南省三门峡市灵宝市马集街道三官村民委员公七组",
            {20: (0.81, "会", 0.13)},
            "河南省三门峡市灵宝市马集街道三官村民委员会七组",
        ),
        ("甘肃省张掖市山丹县天目出大道", {11: (0.84, "山", 0.14)}, "甘肃省张掖市山丹县天目山大道"),
        # ... beside a neighbour already mended (美 first, then 蓉 beside 芙: 美容 says nothing)
        (
            "江苏省南京市栖霞区美蓉街623弄3号",
            {9: (0.6, "芙", 0.03), 10: (0.7, "容", 0.2)},
            "江苏省南京市栖霞区芙蓉街623弄3号",
        ),
        # the read makes a word too, and the runner-up's not twenty times as frequent: kept
        ("湖南省邵阳市新宁县高家村8组", {9: (0.6, "画", 0.3)}, "湖南省邵阳市新宁县高家村8组"),
        # a neighbour its other side claims (幸福 before 里): 福星 is no evidence for 星
        (
            "浙江省温州市文成县幸福里花园",
            {11: (0.5, "星", 0.3)},
            "浙江省温州市文成县幸福里花园",
        ),
        # the address's form is never put in (华县 a county) nor changed
        ("江苏省徐州市泉山区新华巷222号", {11: (0.6, "县", 0.3)}, "江苏省徐州市泉山区新华巷222号"),
        ("江苏省徐州市泉山区新华县222号", {11: (0.6, "巷", 0.3)}, "江苏省徐州市泉山区新华县222号"),
        # read surely, the runner-up too little probable, or no known place before it: kept
        (
            "江苏省南京市栖霞区美蓉街623弄3号",
            {9: (0.95, "芙", 0.04)},
            "江苏省南京市栖霞区美蓉街623弄3号",
        ),
        (
            "江苏省南京市栖霞区美蓉街623弄3号",
            {9: (0.6, "芙", 0.005)},
            "江苏省南京市栖霞区美蓉街623弄3号",
        ),
        ("美蓉街623弄3号", {0: (0.6, "芙", 0.3)}, "美蓉街623弄3号"),
        # the known place itself is the place knowledge's, not the word prior's
        ("江苏省南京市栖霞区美蓉街", {7: (0.6, "夏", 0.3)}, "江苏省南京市栖霞区美蓉街"),
    ],
)
def test_words_restored(
    text: str, doubts: dict[int, tuple[float, str, float]], expected: str
) -> None:
    assert fp.words_restored(text, _read_as(text, doubts)) == expected


def test_parse_address_mends_names_after_a_place_it_corrected() -> None:
    # the province misread (常 for 肃, its runner-up): the place known only once corrected,
    # and the street's name after it mended then (天目山 a word, 天目出 none)
    text = "住址甘常省张掖市山丹县天目出大道161号"
    doubts = {3: (0.33, "肃", 0.29), 13: (0.84, "山", 0.14)}
    field = fp.parse_address([TextLine(text, 0.9, _read_as(text, doubts))])
    assert (field.value, field.confidence) == ("甘肃省张掖市山丹县天目山大道161号", fp.CORRECTED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 1月 of 1963年11月6日 lost under a watermark: the number's birth, the rest agreeing
        ("出生1963年1 6日", "1963.11.06"),
        ("1963年11 6", "1963.11.06"),
        # read whole: as read (reconcile_front checks it against the number)
        ("出生1963年11月6日", "1963.11.06"),
        # a guilloche's stroke before a digit read as 1 (1968年 3月 read 13月; probe seed 53,
        # scan #58), once: one 1 that is none of the date's
        ("出生1963年111月6日", "1963.11.06"),
        # ... where it makes a date, as read (reconcile_front weighs it against the number)
        ("出生1963年11月16日", "1963.11.16"),
        # more than two digits lost, a digit that is not the number's where one is lost, or
        # two 1s too many: not completed
        ("出生1963年日", None),
        ("出生1963年12 6日", None),
        ("出生1963年1111月6日", None),
        ("", None),
        # read whole but no possible date (1963 read 1063, 11月 read 71月, 6日 read 36日): a
        # slip of a digit or two, the number's birth, as reconcile_front takes a possible
        # date's; three digits off: no reading of it
        ("出生1063年11月6日", "1963.11.06"),
        ("出生1963年11月36日", "1963.11.06"),
        ("出生1963年71月6日", "1963.11.06"),
        ("出生1063年71月6日", "1963.11.06"),
        ("出生1063年71月9日", None),
    ],
)
def test_complete_birth_from_a_valid_number_that_agrees_with_what_was_read(
    text: str, expected: str | None
) -> None:
    id_no = fp.Field("35042519631106317X", 0.9)
    birth = fp.complete_birth(fp.parse_birth(line(text)), line(text), id_no)
    assert birth.value == expected
    # without a valid number there is nothing to complete it from
    alone = fp.complete_birth(
        fp.parse_birth(line(text)), line(text), fp.Field("350425196311063170")
    )
    assert alone.value == fp.parse_birth(line(text)).value


@pytest.mark.parametrize(
    ("read", "birth", "expected"),
    [
        # a day's 0 read as 6: the birth read on its own row puts it back; the check decides
        ("360429199711650707", "1997.11.05", "360429199711050707"),
        ("公民身份号码 360429199711650707", "1997.11.05", "360429199711050707"),
        # the birth's digits put in do not validate (another digit wrong): not read
        ("360429199711650708", "1997.11.05", None),
        # three of the birth's digits off: no slip, another number or another birth
        ("360429199812650707", "1997.11.05", None),
        # read valid: as read, whatever the birth says (reconcile_front weighs them)
        ("360429199711050707", "1997.11.06", "360429199711050707"),
        # not 18 characters: nothing to put the birth in
        ("36042919971165070", "1997.11.05", None),
    ],
)
def test_id_with_birth_mends_a_birth_digit_from_the_birth_row(
    read: str, birth: str, expected: str | None
) -> None:
    id_line = line(read)
    got = fp.id_with_birth(fp.parse_id_number(id_line), id_line, fp.Field(birth, 0.9))
    assert got.value == expected
    # with no birth read there is nothing to mend it from
    assert fp.id_with_birth(fp.parse_id_number(id_line), id_line, fp.MISSING).value == (
        expected if expected == read else None
    )
