"""Request decoding: body bytes -> the image file bytes the client sent.

Under EAS the processor sees the body only, never the headers, so the format is told
from the bytes: a raw image (by magic bytes), a JSON object, a multipart form, an
``application/x-www-form-urlencoded`` form (what ``requests.post(url, data=...)`` sends)
or bare base64 text, any text after a byte-order mark (UTF-8, -16 or -32, as Windows
tools write them). Limits are checked before anything is decoded.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import dataclasses
import io
import json
import re

import multipart
import numpy as np

from ..errors import bad_request, too_large
from .decode import is_image, unsupported_message

_DATA_URI = re.compile(rb"^data:[\w.+/-]*(;[\w=.+-]+)*;base64,", re.IGNORECASE)
_B64_NORMALISE = bytes.maketrans(b" -_", b"++/")
_B64_DROP = b"\t\n\r\f\v"
_HEX = np.full(256, 255, np.uint8)  # hex digit -> its value; anything else 255
_HEX[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10)
_HEX[np.frombuffer(b"abcdef", np.uint8)] = np.arange(10, 16)
_HEX[np.frombuffer(b"ABCDEF", np.uint8)] = np.arange(10, 16)
_MULTIPART_BOUNDARY = re.compile(rb"^--([^\r\n]{1,200})\r?\n")
#: The extras a request may ask for in its ``options`` field, in the order their keys are
#: added to ``data`` (see :mod:`processor.extras`).
OPTIONS = ("confidence", "location", "portrait", "warnings")
_OPTIONS_SPLIT = re.compile(r"[\s,;|+]+")


@dataclasses.dataclass(frozen=True)
class Request:
    """What the client asked for: the image file bytes, the free-text ``info`` and the
    extras it asked for (:data:`OPTIONS` names, in that order; none by default)."""

    image: bytes
    info: str = ""
    options: tuple[str, ...] = ()


#: Byte-order marks that Windows tools (PowerShell, .NET's encoders, Notepad) write before a
#: text body, and how such a body is decoded (UTF-32's before UTF-16's: FF FE 00 00 starts
#: with FF FE).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def without_bom(body: bytes) -> bytes:
    """A text body without its byte-order mark, as UTF-8 (a JSON body saved by PowerShell
    or Notepad); any other body unchanged."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            try:
                return body.decode(codec).encode("utf-8")
            except UnicodeDecodeError as exc:
                raise bad_request("body starts with a byte-order mark but is no text") from exc
    return body


def parse_request(body: bytes, *, max_base64_bytes: int) -> Request:
    """Decode a request body in any accepted format; raise ApiError(-1) on anything else."""
    if not body or not body.strip():
        raise bad_request("empty request body: send the image as base64 in the form field 'data'")
    max_raw = max_base64_bytes * 3 // 4
    if is_image(body):
        if len(body) > max_raw:
            raise too_large(f"image larger than {max_raw // (1024 * 1024)} MiB")
        return Request(image=body)
    unsupported = unsupported_message(body)
    if unsupported is not None:
        raise bad_request(unsupported)
    body = without_bom(body)
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        fields = _parse_json(body)
    elif _MULTIPART_BOUNDARY.match(body):
        fields = _parse_multipart(body, max_base64_bytes)
    elif b"=" in body.rstrip(b"= \r\n\t"):
        fields = parse_form(body)
    else:
        fields = {"data": body}
    data = fields.get("data")
    if data is None:
        raise bad_request("missing field 'data' (the image, base64-encoded)")
    info = fields.get("info", b"")
    info_text = info.decode("utf-8", "replace") if isinstance(info, bytes) else ""
    options = fields.get("options", b"")
    options_text = options.decode("utf-8", "replace") if isinstance(options, bytes) else ""
    if is_image(data):  # a multipart file upload carries the image itself
        if len(data) > max_raw:
            raise too_large(f"image larger than {max_raw // (1024 * 1024)} MiB")
        image = data
    else:
        image = decode_base64(data, max_base64_bytes=max_base64_bytes)
    # the options last: a body that is wrong is reported as such before an unknown option
    return Request(image=image, info=info_text, options=parse_options(options_text))


def image_request(image: bytes, options: str, *, max_base64_bytes: int) -> Request:
    """An image file's bytes and the extras asked for, as a request (what an in-process
    caller sends: no body to decode), with the limits a body carrying it would meet."""
    if not image:
        raise bad_request("empty image")
    max_raw = max_base64_bytes * 3 // 4
    if len(image) > max_raw:
        raise too_large(f"image larger than {max_raw // (1024 * 1024)} MiB")
    return Request(image=image, options=parse_options(options))


def parse_options(text: str) -> tuple[str, ...]:
    """``"warnings, confidence"`` -> the known names in :data:`OPTIONS` order; ``all`` = every
    one. An unknown name is a bad request (code -1, HTTP 400) naming it."""
    if len(text) > 200:
        raise bad_request("field 'options' is too long")
    names = {n.lower() for n in _OPTIONS_SPLIT.split(text.strip()) if n}
    if "all" in names:
        names = (names - {"all"}) | set(OPTIONS)
    unknown = sorted(names - set(OPTIONS))
    if unknown:
        raise bad_request(
            f"unknown option {', '.join(repr(n) for n in unknown)} in field 'options'; "
            f"known: {', '.join(OPTIONS)}, all"
        )
    return tuple(o for o in OPTIONS if o in names)


def decode_base64(text: bytes, *, max_base64_bytes: int) -> bytes:
    """Standard or URL-safe base64, optional data-URI prefix, whitespace, missing padding."""
    text = text.strip()
    if len(text) >= max_base64_bytes:
        raise too_large(f"base64 data must be smaller than {max_base64_bytes // (1024 * 1024)} MiB")
    text = _DATA_URI.sub(b"", text, count=1)
    # One pass: drop line breaks and tabs; a space is a '+' that was not percent-encoded in
    # a form value; URL-safe '-' and '_' are '+' and '/'.
    text = text.translate(_B64_NORMALISE, _B64_DROP).rstrip(b"=")
    if not text:
        raise bad_request("field 'data' is empty")
    if len(text) % 4 == 1:
        raise bad_request("field 'data' is not valid base64")
    try:  # validate: the alphabet and padding are checked
        return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise bad_request("field 'data' is not valid base64") from exc


def parse_form(body: bytes) -> dict[str, bytes]:
    """``application/x-www-form-urlencoded``, as ``urllib.parse.parse_qsl(strict_parsing=True)``
    reads it, with the percent-decoding done in numpy (a phone photo's base64 has ~450,000
    escaped ``+``, ``/`` and ``=``: 130 ms in ``urllib.parse.unquote_to_bytes``, 20 ms here)."""
    try:
        body.decode("ascii")
        pairs = []
        for pair in body.split(b"&"):
            name, eq, value = pair.partition(b"=")
            if not eq:
                raise ValueError("form field without '='")
            value = _percent_decoded(value)
            value.decode("utf-8")
            pairs.append((_percent_decoded(name).decode("utf-8"), value))
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request(
            "body is not a valid form: expected info=...&data=<base64> "
            "(application/x-www-form-urlencoded), JSON, multipart or an image"
        ) from exc
    return _unique(pairs, "form")


def _percent_decoded(text: bytes) -> bytes:
    """``urllib.parse.unquote_to_bytes`` of a form value (``+`` is a space), vectorised;
    a ``%`` not followed by two hex digits is a ValueError."""
    chars = np.frombuffer(text.replace(b"+", b" "), np.uint8)
    escapes = np.flatnonzero(chars == ord("%"))
    if escapes.size == 0:
        return chars.tobytes()
    if escapes[-1] + 2 >= chars.size:
        raise ValueError("bad percent-encoding")
    high, low = _HEX[chars[escapes + 1]], _HEX[chars[escapes + 2]]
    if max(high.max(), low.max()) > 15:
        raise ValueError("bad percent-encoding")
    decoded = chars.copy()
    decoded[escapes] = high * 16 + low
    keep = np.ones(chars.size, bool)
    keep[escapes + 1] = False
    keep[escapes + 2] = False
    return decoded[keep].tobytes()


def _parse_json(body: bytes) -> dict[str, bytes]:
    try:
        obj = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise bad_request("body starts like JSON but is not valid JSON") from exc
    if not isinstance(obj, dict):
        raise bad_request('JSON body must be an object {"info": ..., "data": "<base64>"}')
    fields: dict[str, bytes] = {}
    options = obj.get("options")
    if isinstance(options, list) and all(isinstance(o, str) for o in options):
        obj = {**obj, "options": ",".join(options)}
    for key in ("data", "info", "options"):
        value = obj.get(key)
        if value is None:
            continue
        if key == "options" and not isinstance(value, str):
            raise bad_request("JSON field 'options' must be a string or a list of strings")
        if not isinstance(value, str):
            raise bad_request(f"JSON field '{key}' must be a string")
        fields[key] = value.encode("utf-8")
    return fields


def _parse_multipart(body: bytes, max_base64_bytes: int) -> dict[str, bytes]:
    match = _MULTIPART_BOUNDARY.match(body)
    assert match is not None
    boundary = match.group(1).rstrip().decode("latin-1")
    try:
        parser = multipart.MultipartParser(
            io.BytesIO(body),
            boundary,
            content_length=len(body),
            disk_limit=0,
            mem_limit=max_base64_bytes + 64 * 1024,
            memfile_limit=max_base64_bytes + 64 * 1024,
        )
        items = [(part.name, part.raw) for part in parser]
    except (multipart.MultipartError, ValueError, UnicodeDecodeError) as exc:
        raise bad_request("body is not a valid multipart/form-data message") from exc
    return _unique(items, "multipart form")


def _unique(pairs: object, what: str) -> dict[str, bytes]:
    fields: dict[str, bytes] = {}
    for key, value in pairs:  # type: ignore[attr-defined]
        if key in fields and key == "data":
            raise bad_request(f"{what} has more than one field 'data'")
        fields.setdefault(key, value)
    return fields
