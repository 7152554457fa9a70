"""The recogniser's batching and its lanes: pure tables, and the lanes reading exactly what one
run reads on the real model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from processor.decode import decode_image
from processor.ocr import OcrEngine, _lanes
from processor.pipeline import read_card

MODELS = Path(__file__).resolve().parents[1] / "models"


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
    groups = _lanes(batches, widths, lanes)
    assert [sum(widths[b[-1]] * len(b) for b in g) for g in groups] == loads
    dealt = sorted(i for g in groups for b in g for i in b)
    assert dealt == sorted(i for b in batches for i in b)  # every crop exactly once


@pytest.fixture(scope="module")
def engines() -> tuple[OcrEngine, OcrEngine]:
    if not (MODELS / "manifest.json").is_file():
        pytest.skip("models not fetched (make models)")
    return (
        OcrEngine.load(MODELS, intra_op_threads=2),
        OcrEngine.load(MODELS, intra_op_threads=2, solo=True),
    )


def test_lanes_read_what_one_run_reads(
    engines: tuple[OcrEngine, OcrEngine], scan_front: bytes
) -> None:
    shared, solo = engines
    image = decode_image(scan_front, max_pixels=50_000_000, min_side=64)
    card = read_card(image, shared)
    assert card is not None and card.lines is not None
    assert card.regions is not None
    # every line crop of the card, in one call: several batches, dealt over two lanes
    h, w = card.card_image.shape[:2]
    crops = [
        card.card_image[int(b.y0 * h) : int(b.y1 * h), int(b.x0 * w) : int(b.x1 * w)]
        for boxes in card.regions.rows.values()
        for b in boxes
    ]
    assert len(crops) >= 5
    one, laned = shared.recognizer(crops), solo.recognizer(crops)
    assert [t.text for t in laned] == [t.text for t in one]
    np.testing.assert_allclose([t.score for t in laned], [t.score for t in one], atol=1e-4)
    assert read_card(image, solo) is not None
