"""Request decoding: every accepted body format, base64 variant, limit and the options field
(no models)."""

from __future__ import annotations

import base64
import codecs
import json
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from processor.errors import ApiError, Code
from processor.io.request import (
    OPTIONS,
    decode_base64,
    parse_form,
    parse_options,
    parse_request,
)
from tests.conftest import HEIC_HEAD, PDF_HEAD

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # '+' and '/' appear in its base64
B64 = base64.b64encode(PNG)
JSON_BODY = json.dumps({"info": "x", "data": B64.decode()}).encode()
LIMIT = 8 * 1024 * 1024


def multipart(fields: dict[str, bytes], *, filename: str | None = None) -> bytes:
    parts = []
    for name, value in fields.items():
        disposition = f'form-data; name="{name}"'
        if filename and name == "data":
            disposition += f'; filename="{filename}"'
        parts.append(
            b"--BOUNDARY\r\nContent-Disposition: "
            + disposition.encode()
            + b"\r\n\r\n"
            + value
            + b"\r\n"
        )
    return b"".join(parts) + b"--BOUNDARY--\r\n"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(urllib.parse.urlencode({"info": "x", "data": B64}).encode(), id="form"),
        pytest.param(urllib.parse.urlencode({"data": B64}).encode(), id="form-without-info"),
        pytest.param(b"info=&data=" + B64, id="form-unescaped-plus"),
        pytest.param(json.dumps({"info": "x", "data": B64.decode()}).encode(), id="json"),
        pytest.param(multipart({"info": b"x", "data": B64}), id="multipart-base64"),
        pytest.param(multipart({"data": PNG}, filename="card.png"), id="multipart-file"),
        pytest.param(PNG, id="raw-image"),
        pytest.param(B64, id="bare-base64"),
        # a byte-order mark before a text body, as PowerShell, .NET and Notepad write them
        pytest.param(codecs.BOM_UTF8 + JSON_BODY, id="json-utf8-bom"),
        pytest.param(JSON_BODY.decode().encode("utf-16"), id="json-utf16-bom"),
        pytest.param(
            codecs.BOM_UTF16_BE + JSON_BODY.decode().encode("utf-16-be"), id="json-utf16be"
        ),
        pytest.param(JSON_BODY.decode().encode("utf-32"), id="json-utf32-bom"),
        pytest.param(codecs.BOM_UTF8 + b"data=" + B64, id="form-utf8-bom"),
        pytest.param(codecs.BOM_UTF8 + B64, id="bare-base64-utf8-bom"),
    ],
)
def test_accepted_formats(body: bytes) -> None:
    assert parse_request(body, max_base64_bytes=LIMIT).image == PNG


def test_a_raw_avif_file_is_taken_as_the_image() -> None:
    avif = b"\x00\x00\x00\x20ftypavif\x00\x00\x00\x00avifmif1miafMA1B" + bytes(64)
    assert parse_request(avif, max_base64_bytes=LIMIT).image == avif


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(B64, id="standard"),
        pytest.param(base64.urlsafe_b64encode(PNG), id="url-safe"),
        pytest.param(B64.rstrip(b"="), id="no-padding"),
        pytest.param(b"data:image/png;base64," + B64, id="data-uri"),
        pytest.param(b"\n".join(B64[i : i + 76] for i in range(0, len(B64), 76)), id="mime-lines"),
        pytest.param(b"  " + B64 + b"\r\n", id="surrounding-whitespace"),
        pytest.param(B64.replace(b"+", b" "), id="plus-as-space"),
    ],
)
def test_base64_variants(text: bytes) -> None:
    assert decode_base64(text, max_base64_bytes=LIMIT) == PNG


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"", 400, "empty request body"),
        (b"   \n", 400, "empty request body"),
        (b"info=hello", 400, "missing field 'data'"),
        (b"info=a&data=", 400, "field 'data' is empty"),
        (b"data=%%%", 400, "not a valid form"),
        (b"data=abc!def", 400, "not valid base64"),
        (b"data=" + B64 + b"&data=" + B64, 400, "more than one field 'data'"),
        (b"not base64 at all!", 400, "not valid base64"),
        (b'{"data": 12}', 400, "must be a string"),
        (b'["data"]', 400, "must be an object"),
        (b'{"data": ', 400, "not valid JSON"),
        (b"[" * 100_000, 400, "not valid JSON"),
        (b"data=" + b"A" * LIMIT, 413, "smaller than 8 MiB"),
        (b"\xff\xd8\xff" + b"\0" * (LIMIT * 3 // 4 + 1), 413, "larger than 6 MiB"),
        (b'--B\r\nContent-Disposition: form-data; name="data"\r\n\r\nAAAA', 400, "multipart"),
        (HEIC_HEAD, 400, "HEIC/HEIF is not supported: send the card's image as JPEG, PNG"),
        (PDF_HEAD, 400, "PDF is not supported: send the card's image as JPEG, PNG"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", 400, "byte-order mark but is no text"),
    ],
)
def test_rejected_bodies(body: bytes, status: int, message: str) -> None:
    with pytest.raises(ApiError) as info:
        parse_request(body, max_base64_bytes=LIMIT)
    assert info.value.code is Code.ERROR
    assert info.value.http_status == status
    assert message in info.value.message


def test_error_messages_never_echo_input() -> None:
    secret = "11010519491231002X张三"
    body = urllib.parse.urlencode({"data": secret}).encode()
    with pytest.raises(ApiError) as info:
        parse_request(body, max_base64_bytes=LIMIT)
    assert "1101" not in info.value.message and "张" not in info.value.message


# -- the options field --------------------------------------------------------------------
def test_parse_options() -> None:
    assert parse_options("") == ()
    assert parse_options("warnings, confidence") == ("confidence", "warnings")
    assert parse_options("LOCATION;portrait location") == ("location", "portrait")
    assert parse_options("all") == OPTIONS
    with pytest.raises(ApiError) as info:
        parse_options("confidence,colour")
    assert info.value.code is Code.ERROR
    assert info.value.http_status == 400
    assert "'colour'" in info.value.message
    assert "known: confidence, location, portrait, warnings" in info.value.message


def test_options_in_every_body_format(scan_front: bytes) -> None:
    b64 = base64.b64encode(scan_front).decode()
    form = urllib.parse.urlencode({"info": "x", "data": b64, "options": "warnings"}).encode()
    assert parse_request(form, max_base64_bytes=LIMIT).options == ("warnings",)
    as_json = json.dumps({"data": b64, "options": ["confidence", "location"]}).encode()
    assert parse_request(as_json, max_base64_bytes=LIMIT).options == ("confidence", "location")
    boundary = "XyZ"
    multipart = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\nportrait\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="c.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + scan_front
        + f"\r\n--{boundary}--\r\n".encode()
    )
    parsed = parse_request(multipart, max_base64_bytes=LIMIT)
    assert parsed.options == ("portrait",)
    assert parsed.image == scan_front
    assert parse_request(scan_front, max_base64_bytes=LIMIT).options == ()
    with pytest.raises(ApiError):
        parse_request(json.dumps({"data": b64, "options": 3}).encode(), max_base64_bytes=LIMIT)


@given(st.dictionaries(st.sampled_from(["info", "data", "options", "名"]), st.text(), min_size=1))
def test_form_fields_decode_as_urllib_reads_them(fields: dict[str, str]) -> None:
    """Every character, percent-escaped or ``+`` for a space, decodes as parse_qsl decodes it."""
    body = urllib.parse.urlencode(fields).encode()
    expected = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
    assert {k: v.encode() for k, v in expected.items()} == parse_form(body)


@pytest.mark.parametrize(
    "body", [b"data=%E5%90%8D+%e5%a7%93%2b%2F%3d", b"info=a+b&data=AB%2BC", b"data=", b"a=%41"]
)
def test_form_escapes_table(body: bytes) -> None:
    expected = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True)
    assert parse_form(body) == {k: v.encode() for k, v in expected}


@pytest.mark.parametrize("body", [b"data=%E5%90", b"data", b"data=a&&info=b", b"data=%4"])
def test_malformed_forms_are_refused(body: bytes) -> None:
    with pytest.raises(ApiError, match="not a valid form"):
        parse_form(body)
