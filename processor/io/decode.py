"""Image decoding: file bytes -> an upright 8-bit BGR array, within the pixel limits.

Pillow reads the header first, so an oversized image (or a decompression bomb that
declares 50000 x 50000 pixels) is refused before its pixels are allocated. Large JPEGs
are decoded at reduced size (the DCT scaling of ``Image.draft``): card localisation and
OCR never need more than ``target_long_side`` pixels, and a 4000 x 3000 phone frame halved to
2000 x 1500 serves as well as one decoded whole and resized to 2048 x 1536, at a third of the
time. The EXIF orientation tag is honoured.
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import bad_request, too_large

#: Decoded images are reduced (never enlarged) so that the long side is at most this.
TARGET_LONG_SIDE = 2048
#: A large JPEG is decoded at the smallest DCT scale (1/2, 1/4, 1/8) whose long side is at
#: least this share of ``target_long_side``, then reduced to ``target_long_side`` if still larger.
DRAFT_SHARE = 0.75

Image.MAX_IMAGE_PIXELS = None  # our own limit, checked from the header, replaces Pillow's

#: The image formats the service reads, as its messages name them ...
FORMATS = "JPEG, PNG, BMP, WebP, GIF, TIFF or AVIF"
#: ... and how a raw body is told to be one of them (WebP and AVIF: :func:`is_image`).
IMAGE_MAGIC: tuple[bytes, ...] = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",  # PNG
    b"BM",  # BMP
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF little endian
    b"MM\x00*",  # TIFF big endian
)
#: Brands of an ISO base media file (its leading ``ftyp`` box) that say AVIF, which Pillow
#: reads, and HEIF/HEIC (an iPhone's photos), which it does not.
AVIF_BRANDS = frozenset({b"avif", b"avis"})
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})


#: EXIF orientation tag -> how a point (u, v) of the upright image maps back to the stored
#: pixel grid of size (W, H): ``(x, y) = f(u, v, W, H)`` (ImageOps.exif_transpose inverted).
_EXIF_INVERSE: dict[int, Callable[[float, float, int, int], tuple[float, float]]] = {
    1: lambda u, v, w, h: (u, v),
    2: lambda u, v, w, h: (w - u, v),
    3: lambda u, v, w, h: (w - u, h - v),
    4: lambda u, v, w, h: (u, h - v),
    5: lambda u, v, w, h: (v, u),
    6: lambda u, v, w, h: (v, h - u),
    7: lambda u, v, w, h: (w - v, h - u),
    8: lambda u, v, w, h: (w - v, u),
}


def ftyp_brands(data: bytes) -> frozenset[bytes]:
    """The major and compatible brands of the ``ftyp`` box an ISO base media file (AVIF,
    HEIF, MP4) starts with; empty for any other data."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return frozenset()
    end = min(int.from_bytes(data[:4], "big"), len(data), 256)
    return frozenset({data[8:12], *(data[i : i + 4] for i in range(16, end - 3, 4))})


def is_image(data: bytes) -> bool:
    """Whether ``data`` starts as a file of one of the :data:`FORMATS` does."""
    return (
        data.startswith(IMAGE_MAGIC)
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or bool(ftyp_brands(data) & AVIF_BRANDS)
    )


def unsupported_format(data: bytes) -> str | None:
    """The name of a format clients send a card in that the service does not read, told
    from the leading bytes: HEIC/HEIF (an iPhone's photos; an AVIF file may list ``mif1``
    too, and is read) or PDF (a scanned copy); None for anything else."""
    if data.startswith(b"%PDF-"):
        return "PDF"
    brands = ftyp_brands(data)
    if brands & HEIF_BRANDS and not brands & AVIF_BRANDS:
        return "HEIC/HEIF"
    return None


@dataclasses.dataclass(frozen=True)
class ImageTransform:
    """How the decoded array relates to the image file's own pixel grid.

    ``width`` x ``height`` is the file's stored size (before its EXIF orientation is applied),
    ``orientation`` the EXIF tag (1 = none), ``decoded`` the decoded array's (width, height)
    after orientation and any reduction.
    """

    width: int
    height: int
    orientation: int
    decoded: tuple[int, int]

    def to_original(self, x: float, y: float) -> tuple[float, float]:
        """A point of the decoded array (pixel edges at integers) -> the file's stored grid."""
        swapped = self.orientation in (5, 6, 7, 8)
        up_w, up_h = (self.height, self.width) if swapped else (self.width, self.height)
        u, v = x * up_w / self.decoded[0], y * up_h / self.decoded[1]
        inverse = _EXIF_INVERSE.get(self.orientation, _EXIF_INVERSE[1])
        ox, oy = inverse(u, v, self.width, self.height)
        return float(ox), float(oy)


def decode_image(
    data: bytes, *, max_pixels: int, min_side: int, target_long_side: int = TARGET_LONG_SIDE
) -> np.ndarray:
    """Decode ``data`` to a contiguous ``uint8`` BGR array of shape (H, W, 3)."""
    return decode_image_with_transform(
        data, max_pixels=max_pixels, min_side=min_side, target_long_side=target_long_side
    )[0]


def decode_image_with_transform(
    data: bytes, *, max_pixels: int, min_side: int, target_long_side: int = TARGET_LONG_SIDE
) -> tuple[np.ndarray, ImageTransform]:
    """:func:`decode_image`, plus the transform back to the file's pixel grid."""
    orientation = 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise too_large(
                    f"image has {width}x{height} pixels; at most {max_pixels / 1e6:.0f} megapixels"
                )
            if min(width, height) < min_side:
                raise bad_request(
                    f"image is {width}x{height}; the short side must be >= {min_side}"
                )
            if image.format == "JPEG" and max(width, height) > target_long_side:
                scale = DRAFT_SHARE * target_long_side / max(width, height)
                image.draft("RGB", (int(width * scale) + 1, int(height * scale) + 1))
            image.seek(0)  # first frame of animations and multi-page files
            image.load()
            orientation = _orientation(image)
            if orientation != 1:  # (exif_transpose would copy the image even when upright)
                image = ImageOps.exif_transpose(image)
            rgb = _to_rgb(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        message = unsupported_message(data) or f"data is not a decodable image ({FORMATS} expected)"
        raise bad_request(message) from exc
    except Image.DecompressionBombError as exc:  # pragma: no cover - limit disabled above
        raise too_large("image declares too many pixels") from exc
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    long_side = max(bgr.shape[:2])
    if long_side > target_long_side:
        scale = target_long_side / long_side
        size = (round(bgr.shape[1] * scale), round(bgr.shape[0] * scale))
        bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    transform = ImageTransform(width, height, orientation, (bgr.shape[1], bgr.shape[0]))
    return bgr, transform


def unsupported_message(data: bytes) -> str | None:
    """What to tell a client who sent ``data`` in a format the service does not read
    (:func:`unsupported_format`); None for any other data."""
    name = unsupported_format(data)
    return None if name is None else f"{name} is not supported: send the card's image as {FORMATS}"


def _orientation(image: Image.Image) -> int:
    try:
        value = int(image.getexif().get(0x0112, 1))
    except (TypeError, ValueError):
        return 1
    return value if value in _EXIF_INVERSE else 1


def _to_rgb(image: Image.Image) -> np.ndarray:
    """Any Pillow mode (1, L, P, LA, RGBA, CMYK, I;16, I, F, ...) -> uint8 RGB."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or arr.max() > 255 else 255.0
        gray = np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return np.asarray(image if image.mode == "RGB" else image.convert("RGB"), dtype=np.uint8)
