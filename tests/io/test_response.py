"""Answers and their envelope, without models: the code of the first failing field in the
documented precedence, the documented field order, extras last, and the envelope both ways."""

from __future__ import annotations

import base64
import json

import pytest

from processor.errors import ApiError, Code
from processor.io.response import (
    NO_CARD,
    card_answer,
    decode_response,
    encode,
    envelope,
    error_body,
)

FRONT = {
    "name": "张三",
    "gender": "男",
    "race": "汉",
    "birth": "1949.12.31",
    "address": "北京市东城区",
    "id_no": "11010519491231002X",
}


def test_a_complete_front_is_200_in_the_documented_order() -> None:
    answer = card_answer("front", FRONT, "QUJD", {})
    assert (answer.code, answer.message) == (Code.OK, "success")
    assert list(answer.data) == [
        "type",
        "id_no",
        "address",
        "gender",
        "race",
        "name",
        "birth",
        "idcard_image",
    ]
    assert answer.data["type"] == "front" and answer.data["idcard_image"] == "QUJD"


@pytest.mark.parametrize(
    ("missing", "code"),
    [
        ({"name"}, "204"),
        ({"gender"}, "209"),
        ({"race", "address"}, "205"),  # the first in the precedence name, gender, race, ...
        ({"birth", "id_no"}, "208"),
        ({"address", "id_no"}, "206"),
        ({"id_no"}, "207"),
    ],
)
def test_the_first_failing_front_field_gives_the_code(missing: set[str], code: str) -> None:
    values = {k: v for k, v in FRONT.items() if k not in missing}
    answer = card_answer("front", values, "QUJD", {})
    assert answer.code.value == code
    assert set(answer.data) == {"type", "idcard_image"} | set(values)


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"issued_by": "南京市公安局玄武分局", "valid_date": "2013.03.21-2033.03.21"}, "200"),
        ({"valid_date": "2013.03.21-2033.03.21"}, "202"),
        ({"issued_by": "南京市公安局玄武分局"}, "203"),
        ({}, "202"),
    ],
)
def test_back_codes(values: dict[str, str], code: str) -> None:
    assert card_answer("back", values, "QUJD", {}).code.value == code


def test_extras_come_after_the_documented_keys() -> None:
    answer = card_answer("back", {"valid_date": "2013.03.21-长期"}, "QUJD", {"confidence": {}})
    assert list(answer.data) == ["type", "valid_date", "idcard_image", "confidence"]


def test_envelope_data_as_a_string_and_as_an_object() -> None:
    answer = card_answer("back", {"issued_by": "海口市公安局"}, "QUJD", {})
    as_string = json.loads(base64.b64decode(encode(answer, data_format="string")))
    assert as_string == {
        "code": "203",
        "message": "expiry not detected or rec",
        "data": '{"type": "back", "issued_by": "海口市公安局", "idcard_image": "QUJD"}',
    }
    as_object = json.loads(base64.b64decode(encode(answer, data_format="object")))
    assert as_object["data"] == {
        "type": "back",
        "issued_by": "海口市公安局",
        "idcard_image": "QUJD",
    }
    for body in (encode(answer, data_format="string"), encode(answer, data_format="object")):
        assert decode_response(body)["data"] == as_object["data"]


def test_no_card_and_errors_carry_empty_data() -> None:
    body = encode(NO_CARD, data_format="string")
    assert json.loads(base64.b64decode(body)) == {
        "code": "201",
        "message": "id card not detected",
        "data": "{}",
    }
    error = json.loads(base64.b64decode(error_body(ApiError(Code.ERROR, "bad"), data_format="x")))
    assert error == {"code": "-1", "message": "bad", "data": "{}"}
    assert decode_response(envelope(Code.ERROR, "bad", {}, data_format="object"))["data"] == {}
