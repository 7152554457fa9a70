"""Hostile input: whatever arrives, ``process()`` answers with a base64 envelope carrying a
documented code and a clear message, within its deadline, and never echoes the input."""

from __future__ import annotations

import base64
import io
import json
import time
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from bench.service import form_body
from bench.soak import DOCUMENTED, bomb_png
from processor.serve.eas import IdCardProcessor
from tests.conftest import FIGURES, decode

pytestmark = pytest.mark.slow

_TRIED: dict[str, int] = {}


def _answer(processor: IdCardProcessor, body: bytes, kind: str) -> tuple[dict[str, object], int]:
    _TRIED[kind] = _TRIED.get(kind, 0) + 1
    FIGURES["hostile inputs tried"] = dict(_TRIED)
    out, status = processor.process(body)
    assert isinstance(out, bytes) and isinstance(status, int)
    envelope: dict[str, object] = json.loads(base64.b64decode(out, validate=True))
    assert set(envelope) == {"code", "message", "data"}
    assert envelope["code"] in DOCUMENTED
    assert isinstance(envelope["message"], str) and envelope["message"]
    assert "Traceback" not in envelope["message"]
    assert status in (200, 400, 413, 500)
    return envelope, status


def _no_echo(message: object, body: bytes) -> None:
    text = body.decode("latin-1")
    for start in range(0, max(0, len(text) - 12), 7):
        piece = text[start : start + 12]
        if piece.strip() and not piece.isspace():
            assert piece not in str(message)


@given(st.binary(max_size=4096))
def test_random_bytes(processor: IdCardProcessor, body: bytes) -> None:
    envelope, _ = _answer(processor, body, "random bytes")
    _no_echo(envelope["message"], body)


@given(
    st.dictionaries(
        st.sampled_from(["data", "info", "image", "options", "DATA", "", "data[]"]),
        st.text(max_size=200),
        max_size=4,
    ),
    st.booleans(),
)
def test_random_forms_and_json(
    processor: IdCardProcessor, fields: dict[str, str], as_json: bool
) -> None:
    import urllib.parse

    body = json.dumps(fields).encode() if as_json else urllib.parse.urlencode(fields).encode()
    envelope, status = _answer(processor, body, "random form/JSON")
    assert envelope["code"] in ("-1", "201") and status in (200, 400, 413)
    _no_echo(envelope["message"], body)


@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=8),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
    )
)
def test_json_of_any_shape(processor: IdCardProcessor, value: object) -> None:
    envelope, _ = _answer(processor, json.dumps({"data": value}).encode(), "JSON shapes")
    assert envelope["code"] == "-1"


def _encode(image: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


def _rgb(w: int, h: int) -> Image.Image:
    rng = np.random.default_rng(w * 7 + h)
    return Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8))


def _jpeg_truncated() -> bytes:
    data = _encode(_rgb(640, 480), "JPEG")
    return data[: len(data) // 2]


def _png_corrupt() -> bytes:
    data = bytearray(_encode(_rgb(320, 240), "PNG"))
    data[60:80] = b"\x00" * 20
    return bytes(data)


def _sixteen_bit() -> bytes:
    arr = (np.arange(300 * 400, dtype=np.uint32).reshape(300, 400) % 65535).astype(np.uint16)
    return _encode(Image.fromarray(arr), "PNG")


def _animated(fmt: str) -> bytes:
    frames = [_rgb(200, 150), _rgb(201, 150).resize((200, 150))]
    return _encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)


def _tiff_pages() -> bytes:
    return _encode(_rgb(300, 200), "TIFF", save_all=True, append_images=[_rgb(300, 201)])


HOSTILE_IMAGES: list[tuple[str, Callable[[], bytes], set[str]]] = [
    ("truncated JPEG", _jpeg_truncated, {"-1", "201"}),
    ("corrupt PNG", _png_corrupt, {"-1", "201"}),
    ("PNG declaring 50000x50000", bomb_png, {"-1"}),
    ("grayscale", lambda: _encode(_rgb(400, 300).convert("L"), "PNG"), {"201"}),
    ("16-bit", _sixteen_bit, {"201"}),
    ("CMYK JPEG", lambda: _encode(_rgb(400, 300).convert("CMYK"), "JPEG"), {"201"}),
    ("alpha", lambda: _encode(_rgb(400, 300).convert("RGBA"), "PNG"), {"201"}),
    ("palette", lambda: _encode(_rgb(400, 300).convert("P"), "PNG"), {"201"}),
    ("animated GIF", lambda: _animated("GIF"), {"201"}),
    ("animated WebP", lambda: _animated("WEBP"), {"201"}),
    ("multi-page TIFF", _tiff_pages, {"201"}),
    ("1x1", lambda: _encode(_rgb(1, 1), "PNG"), {"-1"}),
    ("100000x10", lambda: _encode(Image.new("L", (100_000, 10)), "PNG"), {"-1"}),
]


@pytest.mark.parametrize(
    ("kind", "make", "codes"), HOSTILE_IMAGES, ids=[h[0] for h in HOSTILE_IMAGES]
)
def test_hostile_images(
    processor: IdCardProcessor, kind: str, make: Callable[[], bytes], codes: set[str]
) -> None:
    started = time.perf_counter()
    envelope, _ = _answer(processor, form_body(make()), "hostile images")
    assert envelope["code"] in codes, envelope["message"]
    assert time.perf_counter() - started < 10


def test_bomb_is_refused_from_its_header(processor: IdCardProcessor) -> None:
    started = time.perf_counter()
    envelope, status = _answer(processor, form_body(bomb_png()), "hostile images")
    assert (envelope["code"], status) == ("-1", 413)
    assert "megapixels" in str(envelope["message"])
    assert time.perf_counter() - started < 1.0  # 2.5 G pixels were never allocated


def test_exif_rotated_card_reads_upright(processor: IdCardProcessor, scan_front: bytes) -> None:
    """A card stored turned a quarter, with EXIF orientation 6 (as phones save it)."""
    card = Image.open(io.BytesIO(scan_front)).convert("RGB")
    stored = card.transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns it back
    exif = Image.Exif()
    exif[0x0112] = 6
    body = form_body(_encode(stored, "JPEG", quality=92, exif=exif.tobytes()))
    plain = decode(processor.process(form_body(scan_front))[0])
    rotated = decode(processor.process(body)[0])
    assert rotated["code"] == plain["code"] == "200"
    strip = {k: v for k, v in rotated["data"].items() if k != "idcard_image"}
    assert strip == {k: v for k, v in plain["data"].items() if k != "idcard_image"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"data=a&data=b", "-1"),
        (b"info=only", "-1"),
        (b"image=aGVsbG8=", "-1"),
        (b"info=x&data=%E4%B8", "-1"),
        (b"info=x&data=%zz%", "-1"),
        (b"[" * 100_000 + b"]" * 100_000, "-1"),
        (b'{"data": ' * 5000 + b"1" + b"}" * 5000, "-1"),
        (json.dumps({"data": ["not", "a", "string"]}).encode(), "-1"),
    ],
    ids=[
        "repeated data",
        "missing data",
        "wrong field",
        "bad utf-8",
        "bad percent",
        "deep list",
        "deep object",
        "wrong type",
    ],
)
def test_malformed_bodies(processor: IdCardProcessor, body: bytes, code: str) -> None:
    envelope, status = _answer(processor, body, "malformed bodies")
    assert (envelope["code"], status) == (code, 400)
    _no_echo(envelope["message"], body)
