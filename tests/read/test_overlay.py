"""A tiled watermark's text, told from a value's by being read more than once: no models."""

from __future__ import annotations

import dataclasses

import pytest

from processor.read.overlay import repeated_text, without_overlay
from tests.conftest import text_line

WATERMARK = "示例图片请勿转载"
PIECES = frozenset({"示例图片", "勿转载"})


@pytest.mark.parametrize(
    ("groups", "phrases"),
    [
        # the phrase read twice between the rows (two rows of no field), and its end again
        # after an address
        (
            [[WATERMARK], ["示例图片请勿转"], ["住址上海市", "号2804室片请勿转载"]],
            {"示例图片请勿转", "片请勿转载", "片请勿转"},
        ),
        # read once only (one large watermark; a title the card prints): nothing repeats
        ([["中华人民共和国"], ["居民身份证"], ["签发机关揭西县公安局"]], set()),
        # a place name repeated within one field is the field's own
        ([["住址广西壮族自治区柳州市融水苗族自治", "县太平乡西湾村1组92号"]], set()),
        # digits repeat by design (the birth inside the number), marks join nothing
        ([["出生1958年11月3日"], ["公民身份号码310118195811033047"]], set()),
        ([["仅供 银行"], ["仅供 银行"]], set()),
        # two characters alike is chance
        ([["北京路"], ["北京市"]], set()),
        ([["姓名王建国"], ["住址建国路12号"]], set()),
        # ... but not in three places: a specimen's tiled 样本 over the name's row, the
        # address's ends and the number's (read so on a 435 px scan)
        (
            [
                ["姓名周涵子个", "样本样本"],
                ["住址山东省枣庄市台儿庄区凤", "样本起大街321号样本"],
                ["样公民身份号码", "370405199104157802样本"],
            ],
            {"样本"},
        ),
    ],
)
def test_repeated_text_is_what_two_fields_or_rows_share(
    groups: list[list[str]], phrases: set[str]
) -> None:
    assert repeated_text(groups) == phrases


@pytest.mark.parametrize(
    ("read", "kept"),
    [
        ("上海市青浦区北京路569号2804室片请勿转载", "上海市青浦区北京路569号2804室"),
        ("勿转载号2804室", "号2804室"),  # an address's second line, the phrase before it
        ("赵梦云图片", "赵梦云"),
        ("赵梦云", "赵梦云"),  # nothing of the phrase
        ("赵梦云转", "赵梦云转"),  # one character alike is chance: kept
        ("图片请勿", "图片请勿"),  # all of it the phrase's: no value's end, kept
        ("示例区北京路", "区北京路"),
        # a phrase read in pieces, left off piece by piece; all of it but one: kept
        ("王庄村9组示例图片勿转载", "王庄村9组"),
        ("示例图片勿转载", "示例图片勿转载"),
        # a mark read between or after its pieces joins no phrase: passed over, and left off
        # with them (员会三组jz,example.)
        ("王庄村9组示例图片.", "王庄村9组"),
        ("王庄村9组示例图片,勿转载.", "王庄村9组"),
        ("王庄村9组.", "王庄村9组."),  # no phrase: as read
    ],
)
def test_a_repeated_phrase_is_left_off_a_value_lines_ends(read: str, kept: str) -> None:
    line = without_overlay(text_line(read), frozenset({WATERMARK}) | PIECES)
    assert line.text == kept
    assert "".join(c.char for c in line.chars) == kept


@pytest.mark.parametrize(
    ("read", "kept"),
    [
        ("样本起大街321号样本", "起大街321号"),
        ("山东省枣庄市台儿庄区凤", "山东省枣庄市台儿庄区凤"),
        ("样本村3组", "村3组"),
        ("本村3组", "本村3组"),  # one character alike is chance
    ],
)
def test_a_two_character_phrase_is_left_off_a_value_lines_ends(read: str, kept: str) -> None:
    assert without_overlay(text_line(read), frozenset({"样本"})).text == kept


def test_a_line_without_phrases_is_itself() -> None:
    line = text_line("上海市青浦区北京路569号")
    assert without_overlay(line, frozenset()) is line
    assert without_overlay(line, frozenset({WATERMARK})) is line


@pytest.mark.parametrize(
    ("runner_up", "prob", "kept"),
    [
        # the phrase's 转 read 轩 (0.34) at the line's end, 转 its runner-up (0.25)
        ("转", 0.25, "赵梦云"),
        # a runner-up not really probable, or not the phrase's: the line as read
        ("转", 0.01, "赵梦云图片请勿轩"),
        ("车", 0.25, "赵梦云图片请勿轩"),
    ],
)
def test_a_phrases_character_read_as_a_look_alike_is_the_phrases_by_its_runner_up(
    runner_up: str, prob: float, kept: str
) -> None:
    read = text_line("赵梦云图片请勿轩")
    last = dataclasses.replace(
        read.chars[-1], prob=0.34, alt=runner_up, alt_prob=prob, alts=((runner_up, prob),)
    )
    line = dataclasses.replace(read, chars=(*read.chars[:-1], last))
    assert without_overlay(line, frozenset({"图片请勿转", "片请勿转载"})).text == kept
