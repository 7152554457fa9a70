"""The pipeline end to end on tuned bench cards changed as real images are (cropped tight,
shrunk, compressed, turned, noisy): which outline it reads, and what it keeps of each field."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from typing import Any

import cv2
import numpy as np
import pytest

from processor.card.geometry import card_homography, grown, map_points, rectify
from processor.card.register import register_near
from processor.card.template import char_width
from processor.ocr.recognize import TextRecognizer
from processor.read import locate, pipeline, reading
from processor.read.assign import assign
from processor.read.engine import OcrEngine
from processor.read.fields import CORRECTED, VALIDITY_ALPHABET, Field, with_chars
from processor.read.locate import RequestCache
from processor.read.pipeline import (
    COVER_MARGIN,
    READ_OUTLINES,
    covered,
    cut_frame,
    cuts_corner,
    read_card,
    tight_crop,
)
from processor.read.reading import FIELD_READS, HINT_EVIDENCE, read_outline
from processor.values import Quad, TextLine
from synthcards import Sample, make_sample, overlays
from synthcards.card import render_styled
from synthcards.identity import Identity
from synthcards.people import draw_person
from synthcards.styles import sample_style

FRAME = Quad(((0.0, 0.0), (1000.0, 0.0), (1000.0, 630.0), (0.0, 630.0)))


@pytest.mark.parametrize(
    ("corners", "cut"),
    [
        # the frame itself, and a learned outline a few pixels inside it
        (((0, 0), (1000, 0), (1000, 630), (0, 630)), False),
        (((8, 1), (994, 3), (990, 624), (6, 627)), False),
        # on the top corners, the bottom-left one 120 px up: cut
        (((8, 1), (1000, 1), (1000, 630), (29, 510)), True),
        # on the right corners (adjacent), the top-left one far in: cut
        (((150, 60), (1000, 0), (1000, 630), (10, 625)), True),
        # on the top corners, one 25 px beyond the frame's left edge (where the frame cuts
        # the card's edge off: on it), the bottom-left one far in: cut
        (((-25, 4), (996, 8), (975, 629), (180, 512)), True),
        # on two opposite corners only: no edge of the card on the frame's
        (((0, 0), (960, 60), (1000, 630), (40, 560)), False),
        # a card with a margin all round (a flatbed scan): nothing on the frame
        (((40, 40), (960, 40), (960, 590), (40, 590)), False),
        # on the top corners, the others 25 px off (under the cut): the outline stands
        (((0, 0), (1000, 0), (990, 606), (10, 606)), False),
    ],
)
def test_cuts_corner(corners: tuple[tuple[float, float], ...], cut: bool) -> None:
    quad = Quad(tuple((float(x), float(y)) for x, y in corners))
    assert cuts_corner(quad, FRAME, 630) is cut


def _quad(*corners: tuple[float, float]) -> Quad:
    return Quad(tuple((float(x), float(y)) for x, y in corners))


#: A 702 x 441 tight scan's learned outlines (rendered in a style family of neither split's
#: fonts): surest a piece of the card (the address block), next the card with its
#: bottom-left corner cut off, which sheared the two address lines into one box.
PIECE = _quad((64, 184), (386, 186), (392, 400), (1, 407))
CUT = _quad((1, 4), (694, 7), (688, 449), (1, 329))
WHOLE = _quad((2, 2), (699, 3), (699, 438), (2, 439))


@pytest.mark.parametrize(
    ("shape", "learned", "framed"),
    [
        ((441, 702, 3), [PIECE, CUT], True),  # any outline that cuts a corner, not only the surest
        ((441, 702, 3), [CUT], True),
        ((441, 702, 3), [PIECE, WHOLE], False),  # nothing cut: the outlines stand
        ((441, 702, 3), [], False),
        ((702, 702, 3), [PIECE, CUT], False),  # not the card's shape: no tight crop
    ],
)
def test_a_tight_crop_is_read_on_its_frame_when_any_outline_cuts_a_corner(
    shape: tuple[int, int, int], learned: list[Quad], framed: bool
) -> None:
    frame = cut_frame(shape, learned)
    assert (frame == tight_crop(shape)) if framed else frame is None


def _jpeg(image: np.ndarray, quality: int) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return bytes(data)


def _answer(processor: Any, image: np.ndarray | bytes) -> tuple[str, dict[str, Any]]:
    """The code and the fields (the card image left out) answered for ``image`` (a file's
    bytes as they are, or pixels saved as JPEG 92)."""
    data = image if isinstance(image, bytes) else _jpeg(image, 92)
    body = json.dumps({"data": base64.b64encode(data).decode()}).encode()
    answer, _ = processor.process(body)
    result = json.loads(base64.b64decode(answer))
    data = json.loads(result["data"]) if result["code"] == "200" else {}
    return result["code"], {k: v for k, v in data.items() if k != "idcard_image"}


def _decoded(scene: str, index: int, seed: int = 11) -> tuple[Sample, np.ndarray]:
    """A tuned bench sample and its image, decoded."""
    sample = make_sample(scene, index, seed=seed)
    image = cv2.imdecode(np.frombuffer(sample.image, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return sample, image


def _front(scene: str, index: int) -> tuple[Sample, np.ndarray, Quad]:
    """A tuned bench front (seed 11), its image decoded and the card's outline in it (a sure
    one, as the segmenter's)."""
    sample, image = _decoded(scene, index)
    assert sample.side == "front" and sample.corners is not None
    return sample, image, Quad.from_array(np.asarray(sample.corners, np.float32), 0.9)


def _shrunk(image: np.ndarray, width: int) -> np.ndarray:
    height = round(width * image.shape[0] / image.shape[1])
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def _watermarked(
    processor: Any, index: int, key: tuple[int, ...], width: int = 500
) -> tuple[Sample, str, dict[str, Any]]:
    """A tuned bench scan (seed 11) shrunk to ``width`` px under a site watermark drawn by
    ``np.random.default_rng(key)``, sent as PNG: the sample, and the code and fields
    answered."""
    sample, image = _decoded("scan", index)
    small = _shrunk(image, width)
    overlays.watermark(small, ("noto_sans_bold",), np.random.default_rng(list(key)))
    ok, png = cv2.imencode(".png", small)
    assert ok
    code, data = _answer(processor, bytes(png))
    return sample, code, data


def test_a_card_covered_is_painted_over_in_the_images_colour_and_nothing_else_is() -> None:
    """What :func:`~processor.read.pipeline.front_beside` reads a front beside a back on: the
    back painted over (a little past its outline), the rest of the image as it was."""
    rng = np.random.default_rng(0)
    image = np.full((400, 600, 3), (200, 210, 220), np.uint8)
    image[50:150, 40:200] = rng.integers(0, 255, (100, 160, 3), dtype=np.uint8)  # the back
    image[220:360, 300:560] = rng.integers(0, 255, (140, 260, 3), dtype=np.uint8)  # the front
    back = Quad(((40.0, 50.0), (200.0, 50.0), (200.0, 150.0), (40.0, 150.0)))
    before = image.copy()
    out = covered(image, back)
    assert np.array_equal(image, before)  # a copy is painted
    margin_x, margin_y = round(COVER_MARGIN * 160), round(COVER_MARGIN * 100)
    assert (
        out[50 - margin_y + 1 : 150 + margin_y - 1, 40 - margin_x + 1 : 200 + margin_x - 1]
        == (200, 210, 220)
    ).all()
    assert np.array_equal(out[200:, 250:], image[200:, 250:])


@pytest.mark.e2e
def test_a_tight_crop_whose_outline_cuts_a_corner_reads_whole(processor: Any) -> None:
    # a tuned bench card (seed 11, scan 30) on which the segmenter cut the bottom-left corner
    # off: the sheared rows put the address's last line into the id number's row, and
    # the card still read complete, one line short. (Rare 136 was the other: its outline now
    # ends where the card's sides meet, tests/card/test_segmenter.py.)
    sample, image = _decoded("scan", 30)
    tight = tight_crop(image.shape)
    assert tight is not None
    learned = RequestCache(image, processor.service.engine).learned()
    assert learned and cuts_corner(learned[0], tight, image.shape[0])
    assert _answer(processor, sample.image) == ("200", sample.expected)


@pytest.mark.e2e
@pytest.mark.parametrize(("index", "field"), [(20, "gender"), (24, "birth"), (71, "valid_date")])
def test_a_label_whose_last_character_is_lost_keeps_its_value_whole(
    processor: Any, index: int, field: str
) -> None:
    # tuned bench scans (seed 11) saved at JPEG quality 25, as web images are: the recogniser
    # drops the label's last character (性女, 出1957年, 有效期2010.11.10) and the value's
    # first was cut off in its place, so the field failed (209, 208, 203)
    sample, image = _decoded("scan", index)
    squeezed = cv2.imdecode(np.frombuffer(_jpeg(image, 25), np.uint8), cv2.IMREAD_COLOR)
    assert squeezed is not None
    assert _answer(processor, squeezed) == ("200", sample.expected), field


@pytest.mark.e2e
@pytest.mark.parametrize("index", [8, 26, 126])
def test_a_small_card_is_enlarged_sharp_enough_to_read(processor: Any, index: int) -> None:
    # tuned bench scans (seed 11) shrunk to 300 px wide, as web images are: enlarged bilinearly
    # to the 1280 px reading copy, strokes blurred into look-alikes (颍州 → 颖州, 下湾 → 下清,
    # 翠苑 → 攀苑) and the card came back 200 with its address wrong
    sample, image = _decoded("scan", index)
    assert _answer(processor, _shrunk(image, 300)) == ("200", sample.expected)


@pytest.mark.e2e
@pytest.mark.parametrize("index", [130, 192])
def test_what_a_sharp_small_copy_makes_legible_is_no_card(processor: Any, index: int) -> None:
    # tuned bench negatives (seed 0): a staff badge (姓名 and a 部门 row read within the gender
    # row's characters as 女) and a page whose invoice line maps to 18 id characters that
    # happen to check; neither is an ID card
    sample = make_sample("negative", index, seed=0)
    assert _answer(processor, sample.image)[0] == "201"


@pytest.mark.e2e
def test_a_sure_misread_that_names_no_place_takes_the_place_its_runner_ups_make(
    processor: Any,
) -> None:
    # a tuned bench photo (seed 11) shrunk to 1000 px wide: 昭觉县 read as 昭党县 at 0.97
    # (觉 the runner-up at 0.02), a county that does not exist; the card came back 200 with it.
    # (Its 彝, small at this size, is read 募, 林 or 妹 on every outline since registration
    # places cards by fixed positions (f146022): one registered at 24025c9 happened to read
    # it. That is another class; the answer is 205, and the address is checked here.)
    sample, image = _decoded("photo", 114)
    sent = cv2.imdecode(np.frombuffer(_jpeg(_shrunk(image, 1000), 92), np.uint8), cv2.IMREAD_COLOR)
    assert sent is not None
    reading = read_card(sent, processor.service.engine)
    assert reading is not None
    assert reading.fields["address"].value == sample.expected["address"]


def _turned(image: np.ndarray, degrees: float) -> np.ndarray:
    """``image`` turned by ``degrees`` on a canvas that holds all of it (a pale page)."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (int(h * sin + w * cos), int(h * cos + w * sin))
    matrix[:, 2] += (size[0] - w) / 2, (size[1] - h) / 2
    return cv2.warpAffine(image, matrix, size, borderValue=(235, 235, 235))


@pytest.mark.e2e
@pytest.mark.parametrize(("index", "degrees"), [(110, 45), (128, 135)])
def test_an_outline_inside_the_card_is_not_the_card(
    processor: Any, index: int, degrees: float
) -> None:
    # tuned bench scans (seed 11) turned on a pale page: the learned outline lay inside the
    # pale card, cutting the labels and the first character of the address's second line off
    # (柳树村|北街 read 柳树北街, 石桥镇上|河坪 read 石桥镇河坪), and the card read complete
    sample, image = _decoded("scan", index)
    assert _answer(processor, _turned(image, degrees)) == ("200", sample.expected)


@pytest.mark.e2e
def test_an_address_line_sheared_into_the_number_row_stays_in_the_address(
    processor: Any,
) -> None:
    # a tuned bench scan (seed 11) with sensor noise (sigma 15): on an outline a little off
    # the address's last line (四组) fell into the id number's row, and the card came back 200
    # with the address one line short
    sample, image = _decoded("scan", 30)
    noise = np.random.default_rng(3).normal(0, 15, image.shape)
    noisy = np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    assert _answer(processor, noisy) == ("200", sample.expected)


@pytest.mark.e2e
def test_a_small_card_beside_a_page_is_found_by_looking_closer(processor: Any) -> None:
    # a tuned bench photo (seed 0, hard): a back a fifth of a 1971 px frame's width on a desk
    # beside a printed page; the segmenter saw no card in the whole frame, the outlines
    # registered from its anchors were askew, and it came back 201
    sample, image = _decoded("hard", 117, seed=0)
    segmenter = processor.service.engine.segmenter
    assert not segmenter.outlines(image)
    assert segmenter(image), "the closer look finds the card"
    assert _answer(processor, sample.image) == ("200", sample.expected)


@pytest.mark.e2e
def test_no_closer_look_around_an_outline_whose_text_says_nothing_of_a_card(
    processor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a tuned bench negative (seed 0): a business card on a desk. Its outline's text reads
    # surely and holds no label, title, number or date: registering around it would read
    # the same text again (~0.2 s a look); it was looked around once
    sample, image = _decoded("negative", 15, seed=0)
    engine = processor.service.engine
    cache = RequestCache(image, engine)
    outlines = locate.locate(cache)[:READ_OUTLINES]
    assert outlines
    for found in outlines:
        assert read_outline(image, found, engine, wordless=cache.wordless) is None
    assert outlines[0].quad in cache.wordless and outlines[0].quad.rotated(2) in cache.wordless
    looks: list[Quad] = []

    def looked(image: np.ndarray, quad: Quad, *args: Any) -> list[Quad]:
        looks.append(quad)
        return register_near(image, quad, *args)

    monkeypatch.setattr("processor.read.locate.register_near", looked)
    assert cache.register_near(outlines[0].quad) == [] and not looks
    assert read_card(image, engine) is None and not looks
    assert _answer(processor, sample.image) == ("201", {})


@pytest.mark.e2e
def test_the_rest_of_a_cut_label_level_with_the_number_is_no_address_line(
    processor: Any,
) -> None:
    # a tuned bench scan (seed 11) printed 372 px wide on a white page: the outline cut the
    # labels off but 码, level with the number at the address's column, and it came back 200
    # with 码 as the address's last line
    sample, image = _decoded("scan", 16)
    page = np.full((1754, 1240, 3), 245, np.uint8)
    page[855 : 855 + 241, 465 : 465 + 372] = cv2.resize(
        image, (372, 241), interpolation=cv2.INTER_AREA
    )
    assert _answer(processor, page) == ("200", sample.expected)


@pytest.mark.e2e
def test_an_address_wrapped_at_a_hyphen_keeps_it(processor: Any) -> None:
    # a tuned bench photo (seed 0, hard: small and glared): the address wraps after 16 of
    # 16-8-2804; the recogniser saw the hyphen at the line's end but its best path passed
    # over it, and the card came back 200 with 168-2804
    sample = make_sample("hard", 120, seed=0)
    assert "16-8-2804" in sample.expected["address"]
    assert _answer(processor, sample.image) == ("200", sample.expected)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("scene", "index", "seed"),
    [
        # a bilingual card on a page: a character of the page at the card's left edge ran
        # into the labels 住 址, the row's segment reached over the next line, and the
        # address's first line was read 南民马 for 南宁市马山 (200)
        pytest.param("photo", 136, 11, id="a value on its own boxes"),
        # a bilingual Korean card: 姓名 read 健名 was no label, the Korean line above it
        # (unlabelled) sat nearer the name's place and was taken for the name (204)
        pytest.param("photo", 142, 23, id="a label misread in one character"),
        # a clean card on a page that the segmenter saw in two pieces: registered from its
        # anchors, a homography bent it (one edge 2.1 times its opposite), the rows read
        # askew (208)
        pytest.param("photo", 88, 23, id="a registration not bent to its anchors"),
        # rare surnames read as the common characters they resemble, each its runner-up:
        # 逄 as 逢 (0.93 against 0.07) and 訾 as 皆 (0.58 against 0.41); came back 200
        pytest.param("rare", 134, 0, id="a surname among the runner-ups"),
        pytest.param("scan", 10, 23, id="a surname in doubt"),
        # 亓 read as 元 by v6 small (元 is a surname too, so no runner-up may stand in); v5
        # mobile reads 亓, and the name is voted character by character (200, 元毅鑫)
        pytest.param("rare", 116, 0, id="a surname the name recogniser reads"),
        # sheen washed out an address's first line (and its 安) below the faint-segment floor;
        # it starts right of the value's column, so it was dropped (200, 集街道… alone)
        pytest.param("hard", 138, 37, id="a washed-out first line that ends at the column"),
        # 住址 read 住北, 住's runner-up 性: taken for 性别, the row was no field's and the
        # address lost its first line (200)
        pytest.param("hard", 188, 37, id="a misread label read as itself"),
        # 1603室 read 1603台, 室 its runner-up at 0.08 (200)
        pytest.param("photo", 78, 37, id="a unit after a number"),
    ],
)
def test_tuned_bench_cards_that_read_wrong_read_whole(
    processor: Any, scene: str, index: int, seed: int
) -> None:
    sample = make_sample(scene, index, seed=seed)
    assert _answer(processor, sample.image) == ("200", sample.expected)


@pytest.mark.e2e
def test_an_authority_misread_is_corrected_from_a_runner_up_ranked_low(processor: Any) -> None:
    # a tuned bench photo (seed 11) sent at 600 px wide: 犍 of 犍为县公安局 read 键 (0.56),
    # 犍 only the 12th class at that step, beyond the runner-ups kept (5)
    sample, image = _decoded("photo", 33)
    assert sample.expected["issued_by"] == "犍为县公安局"
    assert _answer(processor, _shrunk(image, 600)) == ("200", sample.expected)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("index", "width", "quality"),
    [
        # sent as JPEG 30: on an outline that cut the card's top off, the gender row sat in
        # the name's band, its read 女星汉 stood in for the name, and that reading won (200)
        pytest.param(20, None, 30, id="the name's band held by the gender row"),
        # sent 600 px wide: 10组 wrapped as 1|0组 and the 0 read O, 0 its runner-up (200)
        pytest.param(96, 600, 92, id="a digit read as a letter"),
        # sent 600 px wide: 16-29号 wrapped as 16|-29号 and the hyphen read as a dot, its dash
        # runner-up at 0.36 (200, 1629号)
        pytest.param(66, 600, 92, id="a hyphen at a break read as a dot"),
    ],
)
def test_tuned_bench_cards_sent_smaller_read_whole(
    processor: Any, index: int, width: int | None, quality: int
) -> None:
    sample, image = _decoded("hard", index, seed=23)
    sent = image if width is None else _shrunk(image, width)
    assert _answer(processor, _jpeg(sent, quality)) == ("200", sample.expected)


@pytest.mark.e2e
@pytest.mark.parametrize(("index", "draw"), [(61, 0), (57, 1), (33, 1)])
def test_an_authority_under_a_site_watermark_reads_whole(
    processor: Any, index: int, draw: int
) -> None:
    # tuned bench backs (seed 11) shrunk to 414 px wide under a site watermark, sent as PNG:
    # the detector's box for the watermark swallowed 台州市公安局椒江分局 and the row held
    # 签发机关 alone (the authority came back 州市公安局椒江分局); the watermark's 复印无效 or
    # 他用无效 between the label and the value was read into it (复印无揭西县公安局)
    sample, code, data = _watermarked(processor, index, (index, draw), width=414)
    assert (code, data) == ("200", sample.expected)


@pytest.mark.e2e
def test_a_minority_script_line_beside_a_label_is_not_where_the_address_starts(
    processor: Any,
) -> None:
    # a bilingual Tibetan front (tuned seed 23, photo 138): 住 was boxed with the Tibetan line
    # over the address, 址 with its first line. The Tibetan line starts at the values'
    # column, as the second line does; taken for the first line, with the second continuing
    # it, it lost 西藏自治区那曲市聂荣县府前大 (a first version of the rule that a row's
    # first segment far left of the rest is no part of its line)
    sample = make_sample("photo", 138, seed=23)
    assert _answer(processor, sample.image) == ("200", sample.expected)


@pytest.mark.e2e
def test_a_birth_half_hidden_by_a_watermark_is_completed_from_the_number(processor: Any) -> None:
    # a tuned bench scan (seed 11) shrunk to 500 px wide under a tiled site watermark (PNG):
    # 图片 over 11月 left 1963年1 6日 (208), beside a valid number whose birth agrees
    sample, code, data = _watermarked(processor, 10, (10, 0, 7))
    # (its address's second line, under the watermark too, is another class: not asserted)
    assert (code, data["birth"], data["id_no"]) == ("200", "1963.11.06", sample.expected["id_no"])


@pytest.mark.e2e
@pytest.mark.parametrize(("index", "draw"), [(24, 1), (28, 0)])
def test_a_coloured_watermark_over_a_value_is_not_read(
    processor: Any, index: int, draw: int
) -> None:
    # tuned bench scans (seed 11) shrunk to 500 px wide under a blue tiled (24) or a red
    # single (28) site watermark, sent as PNG: its 户使用 and 号勿转 were read on after the
    # addresses (…庆春路158-22号户使用)
    sample, code, data = _watermarked(processor, index, (index, draw, 7))
    assert (code, data) == ("200", sample.expected)


@pytest.mark.e2e
def test_a_validity_a_watermark_boxed_short_is_read_again_as_one_line(processor: Any) -> None:
    # a tuned bench back scan (seed 11) shrunk to 600 px under a red tiled SAMPLE across the
    # validity's first digits: the detector boxed the label and the value's end apart, the
    # digits between left out of both, and the back came back 203 (probe family seed 84 hard
    # 15 likewise, 有效期限 .07-长期 of 2020.09.07-长期)
    sample, code, data = _watermarked(processor, 147, (147, 1, 7), width=600)
    assert sample.side == "back"
    assert (code, data) == ("200", sample.expected)


@pytest.mark.e2e
@pytest.mark.parametrize(("index", "draw", "field"), [(0, 1, "name"), (112, 1, "address")])
def test_a_tiled_watermarks_phrase_is_left_off_a_values_end(
    processor: Any, index: int, draw: int, field: str
) -> None:
    # tuned bench scans (seed 11) at 500 px under a tiled site watermark (PNG), read on
    # after a value: 常勇某网 (@某某网), …2804室片请勿转载 (示例图片 请勿转载); the phrase is
    # read again and again across the card, the value once
    sample, code, data = _watermarked(processor, index, (index, draw, 7))
    assert (code, data[field]) == ("200", sample.expected[field])


@pytest.mark.e2e
def test_a_watermarks_phrase_boxed_with_the_address_is_left_off(processor: Any) -> None:
    # a tuned bench scan (seed 11) at 500 px under a site watermark (PNG): its 供头 boxed
    # with the address's last line and read on after it, once (…望江路715号供头); it is
    # printed fainter than the line (probe family: …前进村1组32号使用, ink 57 against 152-172)
    sample, code, data = _watermarked(processor, 6, (6, 2, 7))
    assert (code, data["address"]) == ("200", sample.expected["address"])


@pytest.mark.e2e
def test_a_watermarks_character_far_fainter_at_a_values_end_is_left_off(processor: Any) -> None:
    # a tuned bench scan (seed 11) at 500 px under a site watermark (PNG): one of its
    # characters read after the address's end (…2804室办), once and not as a phrase the card
    # repeats; printed far fainter than the two characters before it
    sample, code, data = _watermarked(processor, 112, (112, 0, 7))
    assert (code, data) == ("200", sample.expected)


@pytest.mark.e2e
def test_a_watermarks_phrase_boxed_with_the_name_is_left_off(processor: Any) -> None:
    # a tuned bench scan (seed 11) at 500 px under a tiled site watermark (PNG): its 证照
    # boxed with the name and read on after it, once (刘露欣证照); it is printed fainter
    sample, code, data = _watermarked(processor, 8, (8, 2, 7))
    assert (code, data["name"]) == ("200", sample.expected["name"])


@pytest.mark.e2e
@pytest.mark.parametrize(("seed", "index"), [(23, 36), (0, 134)])
def test_a_labels_character_boxed_with_the_name_is_left_off(
    processor: Any, seed: int, index: int
) -> None:
    # tuned bench hard fronts sent 600 px wide as JPEG 75: the label's last character,
    # printed paler than the name, was boxed with it and read before it unsurely (各杨旭光,
    # 名 read 各 at 0.82; 北宗春德)
    sample, image = _decoded("hard", index, seed)
    code, data = _answer(processor, _jpeg(_shrunk(image, 600), 75))
    assert (code, data["name"]) == ("200", sample.expected["name"])


@pytest.mark.e2e
def test_a_number_whose_box_a_watermark_swallowed_is_read_beside_its_label(
    processor: Any,
) -> None:
    # a tuned bench scan (seed 11) at 500 px under a dark tiled site watermark (PNG): the
    # detector's box for the watermark took the number's digits and the row held
    # 公民身份号码 alone (207); the digits are read beside the label
    sample, code, data = _watermarked(processor, 18, (18, 0, 7))
    # (its address, under the watermark too, is another class: not asserted)
    assert (code, data["id_no"]) == ("200", sample.expected["id_no"])


@pytest.mark.e2e
@pytest.mark.parametrize(("index", "draw"), [(40, 0), (32, 0)])
def test_a_gender_row_under_a_watermark_reads(processor: Any, index: int, draw: int) -> None:
    # tuned bench scans (seed 11) at 500 px under a tiled site watermark (PNG): its 使用 read
    # before the label (使用性别男, 40), or its box swallowed both values and the row held
    # 性别 and 民族 alone (32); each came back without a gender
    sample, code, data = _watermarked(processor, index, (index, draw, 7))
    assert (code, data) == ("200", sample.expected)


@pytest.mark.e2e
@pytest.mark.parametrize(("index", "draw", "field"), [(112, 1, "name"), (48, 0, "address")])
def test_a_label_misread_after_a_watermarks_characters_starts_its_value(
    processor: Any, index: int, draw: int, field: str
) -> None:
    # tuned bench scans (seed 11) at 500 px under a tiled site watermark (PNG): its
    # characters read before the label, whose first character was misread too (专娃名赵梦云,
    # 他用往址海北藏族自治州…)
    sample, code, data = _watermarked(processor, index, (index, draw, 7))
    assert (code, data[field]) == ("200", sample.expected[field])


class _DamagedValidity(TextRecognizer):
    """The line recogniser, its read of a validity within its alphabet damaged
    (:meth:`damaged`): every other read is the real model's."""

    def __init__(self, real: TextRecognizer) -> None:
        self.__dict__.update(real.__dict__)

    def within(self, line: TextLine, alphabet: frozenset[str]) -> TextLine:
        read = super().within(line, alphabet)
        return self.damaged(read) if alphabet is VALIDITY_ALPHABET else read

    def damaged(self, read: TextLine) -> TextLine:
        raise NotImplementedError


class _MisreadingValidity(_DamagedValidity):
    """Each date's first digit left out (as PP-OCRv6 tiny read a photocopied 2008.12.15-长期
    as 208.1,15长期): neither date read whole, so the validity rules cannot complete it."""

    def damaged(self, read: TextLine) -> TextLine:
        digits = [i for i, c in enumerate(read.chars) if c.char.isdigit()]
        firsts = {*digits[:1], *digits[8:9]}  # the start's first digit and the end's
        return with_chars(read, [c for i, c in enumerate(read.chars) if i not in firsts])


class _SwappingValidityDigit(_DamagedValidity):
    """The last digit of its first date misread (0.48; the printed digit its runner-up at
    0.26), and the second date's last digit read surely with the misread digit its
    runner-up (0.16), as PP-OCRv6 tiny read a slanted 2014.08.23-2019.08.23 as
    2014.0828-2019.08.23."""

    def damaged(self, read: TextLine) -> TextLine:
        digits = [i for i, c in enumerate(read.chars) if c.char.isdigit()]
        if len(digits) != 16:
            return read
        chars = list(read.chars)
        first, second = chars[digits[7]], chars[digits[15]]
        printed, wrong = first.char, str((int(first.char) + 5) % 10)
        chars[digits[7]] = dataclasses.replace(
            first, char=wrong, prob=0.48, alt=printed, alt_prob=0.26,
            alts=((printed, 0.26), (str((int(printed) + 1) % 10), 0.12)),
        )  # fmt: skip
        chars[digits[15]] = dataclasses.replace(
            second, prob=0.83, alt=wrong, alt_prob=0.16, alts=((wrong, 0.16),)
        )
        return with_chars(read, chars)


class _UnsureValidityDigit(_DamagedValidity):
    """The last digit of both dates misread alike, unsurely (0.6 and 0.55; the printed digit
    each one's runner-up), as PP-OCRv6 tiny read a 390 px photo's 2010.03.24-2030.03.24 as
    2010.03.21-2030.03.21: a range the validity rules pass."""

    def damaged(self, read: TextLine) -> TextLine:
        digits = [i for i, c in enumerate(read.chars) if c.char.isdigit()]
        if len(digits) != 16:
            return read
        chars = list(read.chars)
        printed = chars[digits[7]].char
        wrong = str((int(printed) + 3) % 10)
        for i, prob in ((digits[7], 0.6), (digits[15], 0.55)):
            chars[i] = dataclasses.replace(
                chars[i], char=wrong, prob=prob, alt=printed, alt_prob=0.3,
                alts=((printed, 0.3),),
            )  # fmt: skip
        return with_chars(read, chars)


def _validity_read_with(
    processor: Any,
    damage: type[_DamagedValidity],
    monkeypatch: pytest.MonkeyPatch,
    *,
    second_opinion: bool = True,
    unsure: bool = True,
) -> tuple[Sample, Field]:
    """A tuned scan back (seed 7, index 1) read with the line recogniser's validity read
    damaged by ``damage``; without the field recogniser's ``second_opinion`` on request, or
    without it for a validated read with an ``unsure`` digit."""
    engine = processor.service.engine
    misreading = dataclasses.replace(engine, recognizer=damage(engine.recognizer))
    read = FIELD_READS["valid_date"]
    if not second_opinion:
        read = dataclasses.replace(read, again=None)
    if not unsure:
        read = dataclasses.replace(read, unsure=0.0)
    monkeypatch.setitem(FIELD_READS, "valid_date", read)
    sample, image = _decoded("scan", 1, seed=7)
    reading = read_card(image, misreading)
    assert reading is not None
    return sample, reading.fields["valid_date"]


@pytest.mark.e2e
def test_a_validity_the_line_recogniser_misreads_is_read_again_by_the_field_recogniser(
    processor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample, read = _validity_read_with(processor, _MisreadingValidity, monkeypatch)
    assert read.value == sample.expected["valid_date"]
    # without the second opinion, the damaged read is all there is: the validity fails
    _, alone = _validity_read_with(
        processor, _MisreadingValidity, monkeypatch, second_opinion=False
    )
    assert alone.value is None


@pytest.mark.e2e
def test_a_validity_digit_misread_is_the_one_read_least_surely(
    processor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample, read = _validity_read_with(processor, _SwappingValidityDigit, monkeypatch)
    assert not sample.expected["valid_date"].endswith("长期")  # two dates to disagree
    assert read.value == sample.expected["valid_date"]
    # without the field recogniser's second opinion, the correction alone reads it
    _, alone = _validity_read_with(
        processor, _SwappingValidityDigit, monkeypatch, second_opinion=False
    )
    assert alone == Field(sample.expected["valid_date"], CORRECTED)


@pytest.mark.e2e
def test_a_validity_read_with_an_unsure_digit_is_read_again_by_the_field_recogniser(
    processor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample, read = _validity_read_with(processor, _UnsureValidityDigit, monkeypatch)
    assert not sample.expected["valid_date"].endswith("长期")  # the misread range validates
    assert read.value == sample.expected["valid_date"]
    # a validated read is otherwise kept, however unsure its digits
    _, alone = _validity_read_with(processor, _UnsureValidityDigit, monkeypatch, unsure=False)
    assert alone.ok and alone.value != sample.expected["valid_date"]


@pytest.mark.e2e
@pytest.mark.parametrize("late", [0.0, 1.0, 2.5])
def test_a_backs_authority_is_read_from_where_the_validity_starts(
    processor: Any, monkeypatch: pytest.MonkeyPatch, late: float
) -> None:
    # a tuned bench back (seed 11, scan 5) whose authority the detector boxed apart from
    # its label, its box started ``late`` characters late (a watermark's strokes over its
    # first characters: 苏州 of 苏州市公安局吴江分局 was left out, on a probe card): the
    # back's values start in one column, so it is read from where the validity's does
    sample, image = _decoded("scan", 5)
    assert sample.side == "back"
    engine = processor.service.engine
    located = locate.first_outline(RequestCache(image, engine))
    assert located is not None

    def late_authority(side: str, rows: Any) -> Any:
        out = assign(side, rows)
        row = out.rows["issued_by"][0]
        *label, value = row.row.segments
        assert label, "the label boxed apart from its value"
        moved = dataclasses.replace(value, x0=value.x0 + late * char_width(value))
        segments = (*label, moved)
        shifted = dataclasses.replace(
            row, row=dataclasses.replace(row.row, segments=segments, members=())
        )
        return dataclasses.replace(out, rows={**out.rows, "issued_by": (shifted,)})

    monkeypatch.setattr(reading, "assign", late_authority)
    found = read_outline(image, located, engine)
    assert found is not None and found.side == "back"
    assert found.fields["issued_by"].value == sample.expected["issued_by"]


def _only_outline(monkeypatch: pytest.MonkeyPatch, quad: Quad) -> None:
    """``quad`` the only outline the segmenter and the classical finders find."""
    monkeypatch.setattr(RequestCache, "learned", lambda self: [quad])
    monkeypatch.setattr(RequestCache, "shapes", lambda self: [quad])


#: The outline the segmenter was unsure of (score 0.25) on a tight crop of a probe card
#: (spiral artwork it took for the desk), as fractions of the image's sides: sheared, its
#: bottom-left corner far in.
UNSURE = ((-0.027, 0.074), (0.604, 0.183), (0.923, 0.930), (0.189, 1.029))


@pytest.mark.e2e
@pytest.mark.parametrize("index", [0, 2, 4])
def test_a_tight_crop_with_no_sure_outline_is_read_on_its_frame(
    processor: Any, monkeypatch: pytest.MonkeyPatch, index: int
) -> None:
    # tuned bench fronts (seed 11) cropped tight to the card, where the segmenter is sure of
    # no outline and its surest shears the rows (an address read to its first line's end,
    # 浙江省宁波市鄞州区人 of …人民南路973号8幢3单元3104室)
    sample, image, card = _front("scan", index)
    tight = rectify(image, card, 856)
    h, w = tight.shape[:2]
    sheared = Quad.from_array(np.array(UNSURE, np.float32) * (w, h), 0.25)
    # the segmenter's and the classical finders' only outline (the card's artwork hid its
    # edges from both)
    _only_outline(monkeypatch, sheared)
    read: list[Quad] = []

    def read_on(cache: RequestCache, located: locate.Candidate) -> Any:
        read.append(located.quad)
        return reading.read_on(cache, located)

    monkeypatch.setattr(pipeline, "read_on", read_on)
    assert _answer(processor, tight) == ("200", sample.expected)
    frame = tight_crop(tight.shape)
    assert frame is not None
    assert read[0] in {frame.rotated(k) for k in range(4)}, "the frame is read first"


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("index", "cut"),
    [
        # tuned bench photos of fronts (seed 11; 771-1,856 px, read at their own size)
        # whose only outline stops 15% short of the card's right edge (a card's far end pale
        # on a white page, shot tilted: the segmenter saw the near part only): the id number
        # runs into the outline's right edge, read short
        (2, (0.0, 0.0, -0.15, 0.0)),
        (4, (0.0, 0.0, -0.15, 0.0)),
        (14, (0.0, 0.0, -0.15, 0.0)),
        # ... whose only outline leaves the card's top 18% out (probe family, scratch, hard
        # 54 of seed 94: an upside-down front's outlines a row short of its top, the name's
        # row off them): 204, or the name's row at its edge with its characters' tops cut
        # off (于铭帅 read 子铭师) before
        (4, (0.0, -0.18, 0.0, 0.0)),
        (10, (0.0, -0.18, 0.0, 0.0)),
        (14, (0.0, -0.18, 0.0, 0.0)),
        # backs whose only outline starts a tenth of the card before it and stops 30% short
        # of its right edge (probe photo 183 of seed 93: an upside-down back's outlines
        # shifted off its far end; the validity, from 0.58 of the outline, right of the
        # front's stray bound, ran out of it, 203; one growth read it to 2043.12 only): 203
        # and 202 before
        (9, (0.1, 0.0, -0.3, 0.0)),
        (11, (0.1, 0.0, -0.3, 0.0)),
        (19, (0.1, 0.0, -0.3, 0.0)),
    ],
)
def test_an_outline_that_cuts_the_card_is_grown_until_its_lines_end(
    processor: Any,
    monkeypatch: pytest.MonkeyPatch,
    index: int,
    cut: tuple[float, float, float, float],
) -> None:
    sample, image = _decoded("photo", index)
    assert sample.corners is not None
    card = Quad.from_array(np.asarray(sample.corners, np.float32), 0.9)
    _only_outline(monkeypatch, grown(card, *cut))
    # and no anchors registered (they read nothing more)
    monkeypatch.setattr(RequestCache, "register", lambda self: [])
    monkeypatch.setattr(RequestCache, "register_near", lambda self, quad: [])
    assert _answer(processor, image) == ("200", sample.expected)


def _turned_outline(card: Quad, degrees: float, score: float, *, scale: float = 1.0) -> Quad:
    """``card`` scaled by ``scale`` and turned ``degrees`` about its centre."""
    centre = card.array().mean(axis=0)
    turn = np.radians(degrees)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    turned = (card.array() - centre) * scale @ rotation.T + centre
    return Quad.from_array(turned.astype(np.float32), score)


@dataclasses.dataclass(frozen=True)
class HintedBack:
    """A tuned bench back photo (seed 11), its image decoded, an outline over its subtitle
    alone (居民身份证: a title only a card prints, too little to be taken for one), an outline
    off the card as registration from misplaced anchors gives one (the card shrunk to 0.8
    about its centre and turned 8 degrees: its rows askew, its validity cut), and the engine."""

    sample: Sample
    image: np.ndarray
    title: Quad
    off: Quad
    engine: OcrEngine


@pytest.fixture(params=[1, 7])
def hinted_back(request: pytest.FixtureRequest, processor: Any) -> HintedBack:
    sample, image = _decoded("photo", request.param)
    assert sample.side == "back" and sample.corners is not None
    card = Quad.from_array(np.asarray(sample.corners, np.float32), 0.9)
    subtitle = [(0.25, 0.29), (0.86, 0.29), (0.86, 0.47), (0.25, 0.47)]
    title = Quad.from_array(map_points(card_homography(card), subtitle).astype(np.float32), 0.5)
    off = _turned_outline(card, 8.0, 0.5, scale=0.8)
    return HintedBack(sample, image, title, off, processor.service.engine)


@pytest.mark.e2e
def test_an_outline_that_shows_a_title_alone_is_noted_as_a_hint_of_a_card(
    hinted_back: HintedBack,
) -> None:
    image, engine = hinted_back.image, hinted_back.engine
    cache = RequestCache(image, engine)
    candidate = cache.verify(hinted_back.title).upright()
    assert read_outline(image, candidate, engine, hinted=cache.hinted) is None
    assert cache.hinted == {candidate.quad: HINT_EVIDENCE}


@pytest.mark.e2e
def test_the_card_is_registered_around_an_outline_that_hinted_at_it(
    hinted_back: HintedBack,
) -> None:
    # probe family (scratch) hard 95 of seed 82: a back lying on a page, every learned
    # outline off and the whole frame's registration (its anchors placed where that card
    # does not print them) 0.8 of the card, askew; on it the subtitle read, no field: 201.
    # Registered around that outline, the card read whole
    cache = RequestCache(hinted_back.image, hinted_back.engine)
    tried: list[locate.Candidate] = []
    assert pipeline.around_hints(cache, tried) == (None, None) and not tried
    cache.hinted[hinted_back.off] = HINT_EVIDENCE
    first, located = pipeline.around_hints(cache, tried)
    assert first is not None and located in tried and first.complete
    assert {name: f.value for name, f in first.fields.items()} == {
        name: hinted_back.sample.expected[name] for name in ("issued_by", "valid_date")
    }


#: How far (degrees) the segmenter's rough outline is turned off the card in the tests below:
#: its rows come out askew past levelling (MAX_SKEW), and its layout scores below
#: NEAR_MIN_SCORE on these fronts.
ROUGH_TURN = 30.0


@pytest.mark.e2e
@pytest.mark.parametrize("index", [2, 18, 30])
def test_the_card_is_registered_around_the_segmenters_surest_outline_whatever_its_layout(
    processor: Any, monkeypatch: pytest.MonkeyPatch, index: int
) -> None:
    # probe family (scratch) hard 48 and 82 of seed 81: a pale card lying on a page of text,
    # the segmenter's surest outline rough (0.12, 0.21: the card with part of the page), the
    # whole frame's text too small to register; the pages' outlines had the better layouts,
    # registration was tried around them only, and the cards came back 201. Here: tuned
    # bench fronts (seed 11; 1,432-1,648 px, read at their own size) whose only outline is
    # the card turned 30 degrees
    sample, image, card = _front("photo", index)
    rough = _turned_outline(card, ROUGH_TURN, 0.15)
    _only_outline(monkeypatch, rough)
    monkeypatch.setattr(RequestCache, "register", lambda self: [])
    cache = RequestCache(image, processor.service.engine)
    assert cache.verify(rough).score < locate.NEAR_MIN_SCORE
    assert _answer(processor, image) == ("200", sample.expected)


def _altered_front(
    seed: int, *, given: str | None = None, address_end: str | None = None, width: int = 600
) -> tuple[Identity, np.ndarray]:
    """A tuned-family front of a person drawn by ``seed``, renamed to their surname and
    ``given`` and their address cut before its first digit and ended with ``address_end``
    (each where given), rendered 900 px wide and shrunk to ``width``: who it shows, and the
    image."""
    rng = np.random.default_rng([seed, 4243])
    ident = draw_person(rng).identity
    if given is not None:
        ident = dataclasses.replace(ident, name=ident.name[0] + given)
    if address_end is not None:
        ident = dataclasses.replace(ident, address=re.split(r"\d", ident.address)[0] + address_end)
    style = sample_style(rng, "tuned", "front")
    card = render_styled(ident, style, width=900, rng=rng)
    return ident, _shrunk(cv2.cvtColor(card.bgra, cv2.COLOR_BGRA2BGR), width)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("seed", "given"),
    [
        (2, "一一"),
        (4, "一一"),
        (6, "一一"),
        (0, "一一"),  # its strokes touch: a name's box ends before them (霍 | 一一)
        (0, "一一涵"),
        (1, "一一涵"),
        (9, "一一涵"),
        (0, "一"),  # a 一 alone stays one
        (5, "一鸣"),
    ],
)
def test_a_name_of_two_strokes_keeps_both(processor: Any, seed: int, given: str) -> None:
    # 一一 printed as two strokes a character apart, read 赵—— or 赵一— (the field
    # recogniser's 一 is a dash as often as not): each stroke is a 一; they were taken for
    # one 一 read twice, and the name came back 赵一 (tuned fronts at 600 px: 34 of 48
    # names of 一一, 一一涵, 一 and 一鸣 read before, 45 after)
    ident, image = _altered_front(seed, given=given)
    code, data = _answer(processor, _jpeg(image, 80))
    assert (code, data.get("name")) == ("200", ident.name)


@pytest.mark.e2e
@pytest.mark.parametrize("seed", [0, 1])
def test_an_address_keeps_its_brackets_as_printed(processor: Any, seed: int) -> None:
    # a collective household's address, …西坡村民委员会七组（集体户）: its brackets are printed
    # full width and were answered as ASCII (…七组(集体户))
    ident, image = _altered_front(seed, address_end="（集体户）")
    code, data = _answer(processor, _jpeg(image, 80))
    assert (code, data.get("address")) == ("200", ident.address)
