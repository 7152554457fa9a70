"""The recognisers: batching and lanes (pure tables, and the lanes reading exactly what one run
reads on the real model), reading within an alphabet, traditional forms folded to simplified,
and the int8 field recogniser reading what the fp32 one reads."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from processor.card.layout import FieldRegions
from processor.io.decode import decode_image
from processor.ocr.recognize import (
    TOP_CLASSES,
    deal_lanes,
    passed_char,
    passed_over,
    steps_per_char,
    top_classes,
    traditional_fold,
)
from processor.ocr.runtime import FIELD_REC_INT8
from processor.read.crops import hyphen_beside
from processor.read.engine import FIELD_ALTERNATIVES, OcrEngine
from processor.read.fields import HYPHENS, PASSED_HYPHEN
from processor.read.pipeline import read_card
from processor.values import CharCandidate, TextLine
from synthcards.fonts import font

MODELS = Path(__file__).resolve().parents[2] / "models"
DATA = Path(__file__).resolve().parent / "data"
NOTO_SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


@pytest.mark.parametrize(
    ("batches", "widths", "lanes", "loads"),
    [
        # one batch cannot be split
        ([[0]], [300], 2, [300]),
        # the widest goes first, each next to the lighter lane
        ([[0], [1], [2]], [100, 200, 300], 2, [300, 300]),
        ([[0], [1], [2], [3]], [50, 60, 400, 420], 2, [470, 460]),
        # a batch costs its widest crop times its size (the padding is paid too)
        ([[0, 1], [2]], [90, 100, 250], 2, [250, 200]),
        # more lanes than batches: one lane each
        ([[0], [1]], [100, 120], 4, [120, 100]),
        # one lane: everything in it
        ([[0], [1], [2]], [10, 20, 30], 1, [60]),
    ],
)
def test_lanes_balance_the_padded_width(
    batches: list[list[int]], widths: list[int], lanes: int, loads: list[int]
) -> None:
    groups = deal_lanes(batches, widths, lanes)
    assert [sum(widths[b[-1]] * len(b) for b in g) for g in groups] == loads
    dealt = sorted(i for g in groups for b in g for i in b)
    assert dealt == sorted(i for b in batches for i in b)  # every crop exactly once


@pytest.mark.parametrize(
    ("classes", "concentration", "kept"),
    [
        (18710, 0.001, 1.0),  # a confident step: few classes above the threshold
        (18710, 1.0, 1.0),  # a flat one: all of them
        (18710, 0.01, 0.0003),  # read within a small alphabet: the rest masked to zero
        (6625, 0.05, 1.0),
        (4, 1.0, 1.0),  # fewer classes than are taken
    ],
)
@pytest.mark.parametrize("k", [TOP_CLASSES, FIELD_ALTERNATIVES])
def test_top_classes_are_the_largest(
    classes: int, concentration: float, kept: float, k: int
) -> None:
    rng = np.random.default_rng(classes)
    for _ in range(50):
        row = rng.dirichlet(np.full(classes, concentration)).astype(np.float32)
        row *= rng.random(classes) < kept
        expected = np.sort(row)[::-1][:k]
        np.testing.assert_array_equal(np.sort(row[top_classes(row, k)])[::-1], expected)


@pytest.mark.parametrize("k", [TOP_CLASSES, FIELD_ALTERNATIVES])
def test_top_classes_below_the_threshold_are_those_of_a_whole_partition(k: int) -> None:
    """Where fewer than ``k`` classes are likely, the ``k`` largest are those a partition of
    the whole row finds (and where two of them, or the ``k``-th and the next, are equal, the
    very ones it picks, in its order)."""
    rng = np.random.default_rng(k)
    for copies in range(20):
        row = rng.uniform(1e-13, 1e-7, 6625).astype(np.float32)
        row[rng.choice(len(row), k // 2, replace=False)] = rng.uniform(0.01, 0.3, k // 2)
        row[rng.choice(len(row), copies % 3, replace=False)] = np.sort(row)[-k + copies % 2]
        partition = np.argpartition(row, -k)[-k:]
        largest = np.sort(row)[::-1][: k + 1]
        if np.any(largest[:-1] == largest[1:]):
            np.testing.assert_array_equal(top_classes(row, k), partition)
        else:
            assert set(top_classes(row, k).tolist()) == set(partition.tolist())


def _steps(*rows: dict[int, float], classes: int = 4) -> np.ndarray:
    """Time steps over ``classes`` classes (0 the blank), each the given classes'
    probabilities and the rest on the blank."""
    out = np.zeros((len(rows), classes), np.float32)
    for t, row in enumerate(rows):
        for k, p in row.items():
            out[t, k] = p
        out[t, 0] = 1.0 - sum(row.values())
    return out


@pytest.mark.parametrize(
    ("probs", "step", "passed"),
    [
        # two characters (1, 2) and blanks that saw nothing else
        (_steps({1: 0.99}, {}, {2: 0.99}, {}), 0.25, 0.0),
        # a blank step that saw class 3 at 0.3: a character passed over between 1 and 2
        (_steps({1: 0.99}, {3: 0.3}, {2: 0.99}, {}), 0.25, 0.3),
        # the read characters' own edges fading into the blank are not passed over
        (_steps({1: 0.99}, {1: 0.3, 2: 0.25}, {2: 0.99}, {2: 0.45}), 0.25, 0.0),
        # before the first character read and after the last
        (_steps({3: 0.2}, {1: 0.99}, {}, {}), 0.25, 0.2),
        (_steps({1: 0.99}, {}, {2: 0.99}, {3: 0.1}), 0.25, 0.1),
        # steps past the crop (a batch's padding) are not the crop's
        (_steps({1: 0.99}, {}, {2: 0.99}, {3: 0.6}), 1 / 3, 0.0),
        # nothing read: anything seen counts
        (_steps({}, {3: 0.15}), 0.5, 0.15),
        # no blank step
        (_steps({1: 0.99}, {2: 0.99}), 0.5, 0.0),
    ],
)
def test_passed_over_is_what_a_blank_step_saw_of_another_character(
    probs: np.ndarray, step: float, passed: float
) -> None:
    assert passed_over(probs, probs.argmax(axis=1), step) == pytest.approx(passed, abs=1e-6)


#: The classes of :func:`_spaced_steps`: the blank, two characters, a space and a third.
_CLASSES = ["", "甲", "乙", " ", "丙"]


def _spaced_steps(*rows: dict[int, float]) -> np.ndarray:
    """Time steps over :data:`_CLASSES` (:func:`_steps`)."""
    return _steps(*rows, classes=len(_CLASSES))


@pytest.mark.parametrize(
    ("probs", "char", "prob", "x"),
    [
        # nothing passed over
        (_spaced_steps({1: 0.99}, {}, {2: 0.99}, {}), None, 0.0, 0.0),
        # the likeliest character where the most was passed over, and where it was
        (_spaced_steps({1: 0.99}, {4: 0.3}, {2: 0.99}, {4: 0.1}), "丙", 0.3, 0.375),
        # a space is no character, however likely: the next class is what was seen
        (_spaced_steps({1: 0.99}, {3: 0.3, 4: 0.14}, {2: 0.99}, {}), "丙", 0.14, 0.375),
        # the characters read either side are their own edges, not what was passed over
        (_spaced_steps({1: 0.99}, {1: 0.2, 2: 0.15, 4: 0.25}, {2: 0.99}, {}), "丙", 0.25, 0.375),
        # before the first character read
        (_spaced_steps({4: 0.2}, {1: 0.99}, {}, {2: 0.99}), "丙", 0.2, 0.125),
        # only spaces and the neighbours seen: no character
        (_spaced_steps({1: 0.99}, {3: 0.4, 2: 0.3}, {2: 0.99}, {}), None, 0.0, 0.0),
    ],
)
def test_passed_char_is_the_likeliest_character_where_most_was_passed_over(
    probs: np.ndarray, char: str | None, prob: float, x: float
) -> None:
    found = passed_char(probs, probs.argmax(axis=1), 0.25, _CLASSES, np.array([0, 3]))
    if char is None:
        assert found is None
    else:
        assert found is not None
        assert (found.char, found.x) == (char, x)
        assert found.prob == pytest.approx(prob)


@pytest.fixture(scope="module")
def engines() -> tuple[OcrEngine, OcrEngine]:
    if not (MODELS / "manifest.json").is_file():
        pytest.skip("models not fetched (make models)")
    # one lane (every batch in the caller's thread), and two lanes with spinning det pools
    return (
        OcrEngine.load(MODELS, intra_op_threads=1),
        OcrEngine.load(MODELS, intra_op_threads=2, solo=True),
    )


def _line_crops(card_image: np.ndarray, regions: FieldRegions) -> list[np.ndarray]:
    """Every text line crop of a read card (its detected boxes, unpadded)."""
    h, w = card_image.shape[:2]
    return [
        card_image[int(b.y0 * h) : int(b.y1 * h), int(b.x0 * w) : int(b.x1 * w)]
        for boxes in regions.rows.values()
        for b in boxes
    ]


@pytest.mark.e2e
def test_lanes_read_what_one_run_reads(
    engines: tuple[OcrEngine, OcrEngine], scan_front: bytes
) -> None:
    shared, solo = engines
    image = decode_image(scan_front, max_pixels=50_000_000, min_side=64)
    card = read_card(image, shared)
    assert card is not None and card.lines is not None
    assert card.regions is not None
    # every line crop of the card, in one call: several batches, dealt over two lanes
    crops = _line_crops(card.card_image, card.regions)
    assert len(crops) >= 5
    one, laned = shared.recognizer(crops), solo.recognizer(crops)
    assert [t.text for t in laned] == [t.text for t in one]
    np.testing.assert_allclose([t.score for t in laned], [t.score for t in one], atol=1e-4)
    assert read_card(image, solo) is not None


@pytest.mark.e2e
def test_between_and_ends_are_the_most_a_kept_character_got_where_none_was_read(
    engines: tuple[OcrEngine, OcrEngine],
) -> None:
    recognizer = engines[0].field_recognizer  # keeps the hyphens' classes
    read = recognizer([_text_crop("28-35")])[0]
    assert read.kept is not None  # what it saw of the blank and the hyphens' classes
    columns = read.kept.shape[1]
    kept = np.zeros((10, columns), np.float32)
    kept[4, 1], kept[5, -1] = 0.25, 0.125  # two hyphen classes, between the 2nd and 3rd
    kept[7, 1] = 0.9  # the 3rd's own step: not between
    chars = tuple(
        CharCandidate(c, 0.99, "", 0.0, x=(t + 0.5) / 10)
        for c, t in zip("123", (1, 3, 7), strict=True)
    )
    line = TextLine("123", 0.99, chars, kept=kept, step=0.1)
    assert recognizer.between(line, frozenset("-－–—")) == [0.0, 0.25]
    assert recognizer.between(dataclasses.replace(line, kept=None), frozenset("-")) == [0.0, 0.0]
    kept[0, 1], kept[9, -1] = 0.03, 0.5  # before the 1st and after the 3rd
    lead, tail = recognizer.ends(line, frozenset("-－–—"))
    assert (round(lead, 6), tail) == (0.03, 0.5)
    assert recognizer.ends(dataclasses.replace(line, kept=None), frozenset("-")) == (0.0, 0.0)
    assert recognizer.ends(dataclasses.replace(line, chars=()), frozenset("-")) == (0.0, 0.0)


@pytest.mark.e2e
@pytest.mark.parametrize("crop", ["wrapped-line-04-room.png", "wrapped-line-01-number.png"])
def test_a_hyphen_seen_where_a_line_starts_is_printed_only_where_its_ink_says(
    engines: tuple[OcrEngine, OcrEngine], crop: str
) -> None:
    # second address lines as the reader cut them from two rendered fronts in a style it was
    # never tuned on (a light sans and a serif over wavy artwork): 27号楼5|04室 and
    # 青年路4|01号 wrapped with no hyphen, the recogniser gave one 0.012-0.014 over the
    # pattern before the first digit, and they came back 5-04室 and 4-01号
    image = cv2.imread(str(DATA / crop))
    assert image is not None
    recognizer = engines[0].recognizer
    line = recognizer([image])[0]
    assert line.text.startswith("0")
    lead, _ = recognizer.ends(line, HYPHENS)
    assert lead >= PASSED_HYPHEN  # what the model saw
    assert not hyphen_beside(image, line.chars[0].x, before=True)  # what is printed


@pytest.fixture(scope="module")
def int8_engine(engines: tuple[OcrEngine, OcrEngine]) -> OcrEngine:
    return OcrEngine.load(MODELS, intra_op_threads=1, field_rec=FIELD_REC_INT8)


def _text_crop(text: str, font: str = NOTO_SANS) -> np.ndarray:
    """``text`` drawn black on white, 48 px high, as a line crop."""
    face = ImageFont.truetype(font, 36, index=2 if font.endswith(".ttc") else 0)
    width = round(face.getlength(text)) + 24
    image = Image.new("RGB", (width, 48), "white")
    ImageDraw.Draw(image).text((12, 6), text, font=face, fill="black")
    return np.asarray(image)[:, :, ::-1].copy()


@pytest.mark.e2e
def test_a_crop_is_read_within_its_alphabet(engines: tuple[OcrEngine, OcrEngine]) -> None:
    recognizer = engines[0].recognizer
    crops = [_text_crop("公民身份号码 110105194912310015"), _text_crop("性别 男")]
    plain = recognizer(crops)
    digits = frozenset("0123456789X")
    within = recognizer(crops, [digits, digits])
    assert plain[0].text.replace(" ", "").endswith("110105194912310015")
    assert within[0].text == "110105194912310015"  # the label cannot be read: no digits
    assert set(within[1].text) <= digits  # whatever a crop holds, only its alphabet comes out
    assert any(not c.isdigit() for c in plain[1].text)  # (read free, it is no number)


def test_traditional_fold_keeps_characters_that_are_also_simplified() -> None:
    ts = "別\t别\n於\t于 於\n乾\t干 乾\n悅\t悦\n"
    st = "于\t於 于\n干\t幹 乾 干\n"
    assert traditional_fold(ts, st) == {"別": "别", "悅": "悦"}


@pytest.mark.e2e
def test_the_field_recogniser_reads_simplified_labels(engines: tuple[OcrEngine, OcrEngine]) -> None:
    # PP-OCRv6 small reads 别 as the traditional 別 in these fonts; the fold gives 别 back
    lines = engines[0].field_recognizer([_text_crop("性别男"), _text_crop("姓名张悦")])
    assert [line.text for line in lines] == ["性别男", "姓名张悦"]


@pytest.mark.e2e
def test_int8_field_recogniser_reads_what_fp32_reads(
    engines: tuple[OcrEngine, OcrEngine], int8_engine: OcrEngine, scan_front: bytes
) -> None:
    fp32, int8 = engines[0], int8_engine
    image = decode_image(scan_front, max_pixels=50_000_000, min_side=64)
    want, got = read_card(image, fp32), read_card(image, int8)
    assert want is not None and got is not None
    values = {name: field.value for name, field in got.fields.items()}
    assert values == {name: field.value for name, field in want.fields.items()}
    assert all(field.ok for field in got.fields.values())

    # every line the same but for spaces (where a gap reads as one is a coin toss)
    def texts(lines: dict[str, list[TextLine]]) -> list[str]:
        return [line.text.replace(" ", "") for found in lines.values() for line in found]

    assert texts(got.lines) == texts(want.lines)
    # int8 is not the fp32 model (else the check above could not fail)
    crops = _line_crops(got.card_image, got.regions)
    assert [t.score for t in int8.field_recognizer(crops)] != [
        t.score for t in fp32.field_recognizer(crops)
    ]


def _tall_line(text: str, face: str) -> np.ndarray:
    """``text`` set in the bench's ``face`` at 40 px in a crop 3.4 times as tall, blurred
    (sigma 1): a line boxed tall on an outline askew."""
    size = 40
    typeface = font(face, size)
    width = int(ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(text, font=typeface))
    height = int(3.4 * size)
    image = Image.new("RGB", (width + size // 2, height), (230, 230, 230))
    ImageDraw.Draw(image).text((size // 4, (height - size) // 2), text, font=typeface, fill=40)
    return cv2.GaussianBlur(np.asarray(image)[:, :, ::-1].copy(), (0, 0), 1.0)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("text", "face", "reader"),
    [
        # read with about two time steps a character, a doubled one was read once (probe
        # photo 78 of seed 92: 449号 read 49号 at 200); read again stretched, both are read
        ("东路449号锦绣花园", "noto_sans", "line"),
        ("东路449号锦绣花园", "uming", "field"),
        ("1199号", "noto_serif", "line"),
        ("振兴路33号", "uming", "field"),
        ("中村11组", "noto_serif", "field"),
    ],
)
def test_a_doubled_character_read_once_in_a_tall_crop_is_read_twice(
    engines: tuple[OcrEngine, OcrEngine], text: str, face: str, reader: str
) -> None:
    engine = engines[0]
    recognizer = engine.recognizer if reader == "line" else engine.field_recognizer
    assert recognizer.with_doubles([_tall_line(text, face)])[0].text == text


@pytest.mark.parametrize(
    ("text", "step", "steps"),
    [
        # 20 time steps over 东路449号 (three characters and three digits at half)
        ("东路449号", 0.05, 20 / 4.5),
        ("11", 0.25, 4.0),
        # a line of one character, or read in no steps, has none to double
        ("4", 0.5, math.inf),
        ("东路", 0.0, math.inf),
    ],
)
def test_steps_per_char_counts_a_digit_as_half(text: str, step: float, steps: float) -> None:
    chars = tuple(CharCandidate(c, 0.9, "", 0.0) for c in text)
    assert steps_per_char(TextLine(text, 0.9, chars, step=step)) == pytest.approx(steps)
