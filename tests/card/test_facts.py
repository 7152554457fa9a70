"""Card facts: the check character, birth inside the number, parity, validity terms."""

from __future__ import annotations

import datetime as dt

import pytest

from processor.card.facts import (
    ETHNICITIES,
    add_years,
    birth_from_id,
    check_char,
    gender_from_id,
    id_number_valid,
    validity_years,
)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),
        ("44052418800101001", "4"),
        ("11010519900307007", "6"),
        ("33010619820925123", "8"),
        ("32010219900307281", "3"),
        ("51010419850718663", "1"),
    ],
)
def test_check_char(first17: str, expected: str) -> None:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    assert "10X98765432"[total % 11] == expected
    assert check_char(first17) == expected


@pytest.mark.parametrize(
    "bad", ["", "1234", "1101051949123100X", "１１０１０５１９４９１２３１００２"]
)
def test_check_char_rejects_non_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        check_char(bad)


@pytest.mark.parametrize(
    ("id_no", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", False),  # the check character is upper case
        ("110105194912310021", False),  # wrong check character
        ("11010519491331002X", False),  # month 13
        ("1101051949123100", False),
        ("11010519491231002XX", False),
    ],
)
def test_id_number_valid(id_no: str, valid: bool) -> None:
    assert id_number_valid(id_no) is valid


def test_birth_and_gender_from_id() -> None:
    assert birth_from_id("11010519491231002X") == dt.date(1949, 12, 31)
    assert gender_from_id("11010519491231002X") == "女"
    assert gender_from_id("110105194912310010") == "男"


@pytest.mark.parametrize(
    ("birth", "issued", "years"),
    [
        (dt.date(2010, 5, 1), dt.date(2020, 5, 1), 5),
        (dt.date(2004, 5, 2), dt.date(2020, 5, 1), 5),  # 15 the day before the birthday
        (dt.date(2004, 5, 1), dt.date(2020, 5, 1), 10),
        (dt.date(1995, 1, 1), dt.date(2020, 12, 31), 10),
        (dt.date(1994, 1, 1), dt.date(2020, 1, 1), 20),
        (dt.date(1975, 1, 1), dt.date(2020, 1, 1), 20),
        (dt.date(1974, 1, 1), dt.date(2020, 1, 1), None),
    ],
)
def test_validity_years(birth: dt.date, issued: dt.date, years: int | None) -> None:
    assert validity_years(birth, issued) == years


def test_add_years_leap_day() -> None:
    assert add_years(dt.date(2012, 2, 29), 5) == dt.date(2017, 2, 28)
    assert add_years(dt.date(2013, 3, 21), 20) == dt.date(2033, 3, 21)


def test_ethnicity_list() -> None:
    assert len(ETHNICITIES) == 56 == len(set(ETHNICITIES))
    assert ETHNICITIES[0] == "汉" and ETHNICITIES[-1] == "基诺"
    assert all(not name.endswith("族") for name in ETHNICITIES)
