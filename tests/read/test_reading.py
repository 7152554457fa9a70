"""How the pipeline chooses between readings of one card (no models): the reading with the
most valid fields, an aligned one on ties, and checked fields filled from other readings."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

from processor.card.facts import check_char, id_number_valid
from processor.read.fields import MISSING, Field
from processor.read.outcome import CardReading
from processor.read.reading import best_reading, completed, is_complete
from processor.values import Quad

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


def test_best_prefers_more_valid_fields_then_aligned_rows() -> None:
    off = front(FULL, aligned=False)
    on = front(FULL)
    fewer = front({**FULL, "race": None})
    assert best_reading([fewer, off, on]) is on
    assert best_reading([fewer, on]) is on
    assert best_reading([]) is None


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


def test_completed_takes_nothing_from_the_other_side() -> None:
    best = front({**FULL, "race": None})
    back = CardReading("back", {"race": Field("汉", 0.9)}, np.zeros((4, 4, 3), np.uint8), QUAD, 7.0)
    assert completed(best, [best, back]) is best
