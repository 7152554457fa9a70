"""The recogniser's batching and its lanes: pure tables, and the lanes reading exactly what one
run reads on the real model; the int8 recogniser reading what the fp32 one reads, and the
crops flagged exact read by the fp32 one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from processor.card.layout import FieldRegions
from processor.io.decode import decode_image
from processor.ocr.recognize import deal_lanes
from processor.ocr.runtime import REC_INT8
from processor.read.engine import OcrEngine
from processor.read.pipeline import read_card
from processor.values import TextLine

MODELS = Path(__file__).resolve().parents[2] / "models"


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


@pytest.fixture(scope="module")
def int8_engines(engines: tuple[OcrEngine, OcrEngine]) -> tuple[OcrEngine, OcrEngine]:
    return (
        OcrEngine.load(MODELS, intra_op_threads=1, rec=REC_INT8),
        OcrEngine.load(MODELS, intra_op_threads=2, solo=True, rec=REC_INT8),
    )


@pytest.mark.e2e
@pytest.mark.parametrize("solo", [False, True])
def test_exact_crops_are_read_by_the_fp32_model(
    engines: tuple[OcrEngine, OcrEngine],
    int8_engines: tuple[OcrEngine, OcrEngine],
    scan_front: bytes,
    solo: bool,
) -> None:
    fp32, int8 = engines[0], int8_engines[solo]
    card = read_card(decode_image(scan_front, max_pixels=50_000_000, min_side=64), fp32)
    assert card is not None and card.regions is not None
    crops = _line_crops(card.card_image, card.regions)
    exact = [i % 2 == 0 for i in range(len(crops))]
    got = int8.recognizer(crops, exact)
    # each crop read by the model its flag names (batched with its own kind), in order
    by_fp32 = iter(fp32.recognizer([c for c, flag in zip(crops, exact, strict=True) if flag]))
    rest = [c for c, flag in zip(crops, exact, strict=True) if not flag]
    by_int8 = iter(int8.recognizer(rest))
    want = [next(by_fp32) if flag else next(by_int8) for flag in exact]
    assert [t.text for t in got] == [t.text for t in want]
    np.testing.assert_allclose([t.score for t in got], [t.score for t in want], atol=1e-4)
    # int8 is not the fp32 model (else the check above could not fail)
    all_int8 = [t.score for t in int8.recognizer(crops)]
    assert all_int8 != [t.score for t in fp32.recognizer(crops)]


@pytest.mark.e2e
def test_int8_recogniser_reads_what_fp32_reads(
    engines: tuple[OcrEngine, OcrEngine],
    int8_engines: tuple[OcrEngine, OcrEngine],
    scan_front: bytes,
) -> None:
    fp32, int8 = engines[0], int8_engines[0]
    image = decode_image(scan_front, max_pixels=50_000_000, min_side=64)
    want, got = read_card(image, fp32), read_card(image, int8)
    assert want is not None and got is not None
    values = {name: field.value for name, field in got.fields.items()}
    assert values == {name: field.value for name, field in want.fields.items()}
    assert all(field.ok for field in got.fields.values())
    assert got.lines is not None and want.lines is not None

    # every line the same but for spaces (where a gap reads as one is a coin toss)
    def texts(lines: dict[str, list[TextLine]]) -> list[str]:
        return [line.text.replace(" ", "") for found in lines.values() for line in found]

    assert texts(got.lines) == texts(want.lines)
