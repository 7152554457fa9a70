"""Image decoding: the transform from the decoded pixels back to the file's own grid, the
formats read and those named as not read."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from processor.errors import ApiError, Code
from processor.io.decode import (
    FORMATS,
    decode_image,
    decode_image_with_transform,
    ftyp_brands,
    is_image,
    unsupported_format,
)
from tests.conftest import HEIC_HEAD, PDF_HEAD, exif_jpeg, stored_point


def test_transform_back_to_the_stored_grid() -> None:
    """A dot in every EXIF orientation, and through the reduced decode of a large JPEG (a
    phone frame turned by its EXIF tag and halved in the DCT: 4050 px -> 2025)."""
    upright = np.full((600, 900, 3), 255, np.uint8)
    upright[100:110, 200:210] = 0  # centre (205, 105)
    for orientation, scale in (
        (1, 1.0),
        (3, 1.0),
        (6, 1.0),
        (8, 1.0),
        (6, 3.0),
        (1, 3.5),
        (6, 4.5),
    ):
        data = exif_jpeg(upright, orientation, scale)
        image, transform = decode_image_with_transform(data, max_pixels=10**8, min_side=64)
        assert max(image.shape) <= 2048
        ys, xs = np.nonzero(image[:, :, 0] < 100)
        x, y = transform.to_original(float(xs.mean()) + 0.5, float(ys.mean()) + 0.5)
        ex, ey = stored_point(205, 105, 900, 600, orientation)
        assert abs(x - ex * scale) < 2 * scale and abs(y - ey * scale) < 2 * scale, orientation


@pytest.mark.parametrize(
    ("stored", "fmt", "decoded"),
    [
        ((4000, 3000), "JPEG", (2000, 1500)),  # a 12 MP phone frame: halved in the DCT, no resize
        ((3000, 4000), "JPEG", (1500, 2000)),
        ((8000, 6000), "JPEG", (2000, 1500)),  # quartered
        ((3000, 2000), "JPEG", (2048, 1365)),  # halved would be under 1536: decoded whole, resized
        ((2048, 1536), "JPEG", (2048, 1536)),  # never touched at the target
        ((1000, 600), "JPEG", (1000, 600)),  # nor enlarged
        ((4000, 3000), "PNG", (2048, 1536)),  # no DCT: resized
    ],
)
def test_large_images_are_decoded_at_reduced_size(
    stored: tuple[int, int], fmt: str, decoded: tuple[int, int]
) -> None:
    """The DCT scale is the smallest that keeps the long side at 1536 or more; then <= 2048."""
    buf = io.BytesIO()
    Image.new("RGB", stored, (200, 180, 160)).save(buf, fmt)
    image, transform = decode_image_with_transform(buf.getvalue(), max_pixels=10**8, min_side=64)
    assert (image.shape[1], image.shape[0]) == decoded == transform.decoded
    assert image.flags["C_CONTIGUOUS"] and image.dtype == np.uint8


def test_avif_is_decoded() -> None:
    """AVIF (what web pages increasingly serve) is read like the other formats; its file
    lists ``mif1`` among its brands, as HEIF does, and is not taken for HEIF."""
    image = Image.new("RGB", (320, 200), (30, 160, 220))
    out = io.BytesIO()
    image.save(out, "AVIF", quality=90)
    data = out.getvalue()
    assert b"mif1" in ftyp_brands(data) and unsupported_format(data) is None
    decoded = decode_image(data, max_pixels=10**8, min_side=64)
    assert decoded.shape == (200, 320, 3)
    assert np.abs(decoded.reshape(-1, 3).mean(axis=0) - (220, 160, 30)).max() < 8  # BGR


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param(HEIC_HEAD, "HEIC/HEIF", id="heic"),
        pytest.param(PDF_HEAD, "PDF", id="pdf"),
    ],
)
def test_an_unsupported_format_is_named(data: bytes, name: str) -> None:
    """A format clients send that the service does not read is named in the answer (code
    -1, HTTP 400), with the formats that are read; not 'not a decodable image'."""
    assert unsupported_format(data) == name
    with pytest.raises(ApiError) as info:
        decode_image(data, max_pixels=10**8, min_side=64)
    assert info.value.code is Code.ERROR and info.value.http_status == 400
    assert info.value.message == f"{name} is not supported: send the card's image as {FORMATS}"


def test_undecodable_bytes_say_which_formats_are_read() -> None:
    with pytest.raises(ApiError) as info:
        decode_image(b"\xff\xd8\xff\xe0" + b"\x00" * 64, max_pixels=10**8, min_side=64)
    assert info.value.message == f"data is not a decodable image ({FORMATS} expected)"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0", True),
        (b"\x89PNG\r\n\x1a\n", True),
        (b"RIFF\0\0\0\0WEBPVP8 ", True),
        (b"RIFF\0\0\0\0WAVEfmt ", False),
        (b"II*\x00", True),
        (b"GIF89a", True),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", True),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avif", True),
        (HEIC_HEAD, False),
        (b"data=", False),
    ],
)
def test_is_image(head: bytes, expected: bool) -> None:
    assert is_image(head) is expected
