"""Image decoding: file bytes -> an upright 8-bit BGR array, within the pixel limits.

Pillow reads the header first, so an oversized image (or a decompression bomb that
declares 50000 x 50000 pixels) is refused before its pixels are allocated. Large JPEGs
are decoded at reduced size (the DCT scaling of ``Image.draft``): card localisation and
OCR never need more than ``target_long_side`` pixels. The EXIF orientation tag is honoured.
"""

from __future__ import annotations

import io
import warnings

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import bad_request, too_large

#: Decoded images are reduced (never enlarged) so that the long side is at most this.
TARGET_LONG_SIDE = 2048

Image.MAX_IMAGE_PIXELS = None  # our own limit, checked from the header, replaces Pillow's


def decode_image(
    data: bytes, *, max_pixels: int, min_side: int, target_long_side: int = TARGET_LONG_SIDE
) -> np.ndarray:
    """Decode ``data`` to a contiguous ``uint8`` BGR array of shape (H, W, 3)."""
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
                scale = target_long_side / max(width, height)
                image.draft("RGB", (int(width * scale) + 1, int(height * scale) + 1))
            image.seek(0)  # first frame of animations and multi-page files
            image.load()
            image = ImageOps.exif_transpose(image)
            rgb = _to_rgb(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise bad_request(
            "data is not a decodable image (JPEG, PNG, BMP, WebP, GIF or TIFF expected)"
        ) from exc
    except Image.DecompressionBombError as exc:  # pragma: no cover - limit disabled above
        raise too_large("image declares too many pixels") from exc
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    long_side = max(bgr.shape[:2])
    if long_side > target_long_side:
        scale = target_long_side / long_side
        size = (round(bgr.shape[1] * scale), round(bgr.shape[0] * scale))
        bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    return bgr


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
    return np.asarray(image.convert("RGB"), dtype=np.uint8)
