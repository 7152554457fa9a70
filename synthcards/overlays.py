"""What lies over the print: the laser hologram on the card, and over a whole image the
watermarks that websites and copy shops add and the date stamps of cameras.

Generators (each owned by one style family, see :mod:`synthcards.styles`): holograms
``tiles`` (rows of 中国CHINA in a rainbow sheen) and ``seal`` (ring seals and CHINA in a
green-magenta sheen); date stamps ``segments`` (drawn seven-segment digits) and ``hershey``
(OpenCV's stroke font). Watermarks are drawn in the family's overlay face.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from .fonts import font

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
IBox = tuple[int, int, int, int]

WATERMARKS: Final = (
    "样本", "仅供办理业务使用", "仅供银行开户使用", "仅供入职登记使用 他用无效", "复印无效",
    "此证件仅供实名认证使用", "仅限本次使用", "再次复印无效", "仅供租房登记使用",
    "www.example-idphoto.com", "@某某网", "证件照素材网 zjz.example.cn", "示例图片 请勿转载",
    "仅供学习交流", "SAMPLE",
)  # fmt: skip


def _rainbow(h: int, w: int, rng: np.random.Generator, palette: str) -> F32:
    """An iridescent colour field (RGB float 0-255) that changes along a random direction."""
    sw, sh = 48, max(2, round(48 * h / max(1, w)))
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    ang = float(rng.uniform(0, math.pi))
    t = (xx * math.cos(ang) + yy * math.sin(ang)) / sw * float(rng.uniform(1.5, 3.5))
    t += float(rng.uniform(0, 1))
    if palette == "tiles":
        hue = (t % 1.0) * 179
        hsv = np.stack([hue, np.full_like(hue, 160), np.full_like(hue, 235)], axis=-1)
    else:  # seal: a green-magenta sheen
        hue = np.where(np.sin(2 * np.pi * t) > 0, 60.0, 150.0) + 15 * np.sin(6 * t)
        hsv = np.stack([hue % 180, np.full_like(hue, 130), np.full_like(hue, 225)], axis=-1)
    rgb = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB).astype(np.float32)
    return np.asarray(cv2.resize(rgb, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)


def _pattern_tiles(
    w: int, h: int, size: int, faces: tuple[str, ...], rng: np.random.Generator
) -> U8:
    layer = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(layer)
    f = font(faces[0], size)
    text = "中国CHINA"
    step_x = f.getlength(text) + size * float(rng.uniform(0.6, 1.4))
    step_y = size * float(rng.uniform(1.6, 2.4))
    slant = float(rng.uniform(-0.4, 0.4)) * step_x
    row = 0
    y = -size + float(rng.uniform(0, step_y))
    while y < h + size:
        x = -step_x + (row * slant) % step_x
        while x < w + step_x:
            d.text((x, y), text, font=f, fill=255)
            x += step_x
        y += step_y
        row += 1
    return np.asarray(layer, np.uint8)


def _pattern_seal(
    w: int, h: int, size: int, faces: tuple[str, ...], rng: np.random.Generator
) -> U8:
    layer = np.zeros((h, w), np.uint8)
    step = int(size * float(rng.uniform(2.6, 3.4)))
    r = max(3, int(size * 0.8))
    for j, y in enumerate(range(-step, h + step, step)):
        for x in range(-step + (j % 2) * step // 2, w + step, step):
            cv2.circle(layer, (x, y), r, 255, max(1, size // 10), cv2.LINE_AA)
            cv2.circle(layer, (x, y), r // 2, 255, max(1, size // 14), cv2.LINE_AA)
    pil = Image.fromarray(layer)
    d = ImageDraw.Draw(pil)
    f = font(faces[0], max(6, int(size * 0.7)))
    for j, y in enumerate(range(-step // 2, h + step, step)):
        for x in range(-step + (j % 2) * step // 2, w + step, step):
            d.text((x + step // 4, y), "CHINA", font=f, fill=255)
    return np.asarray(pil, np.uint8)


def hologram(
    rgb: U8,
    kind: str,
    boxes: Sequence[IBox],
    *,
    strength: float,
    faces: tuple[str, ...],
    rng: np.random.Generator,
) -> None:
    """Blend the laser hologram over ``boxes`` (portrait and number; sometimes the whole
    card) of the RGB card image, in place."""
    h, w = rgb.shape[:2]
    size = max(6, round(h * float(rng.uniform(0.03, 0.05))))
    maker = _pattern_tiles if kind == "tiles" else _pattern_seal
    pattern = maker(w, h, size, faces, rng).astype(np.float32) / 255.0
    # Where the sheen shows: the boxes, feathered (drawn and blurred at a quarter size).
    q = 4
    region = np.zeros((max(1, h // q), max(1, w // q)), np.float32)
    if rng.random() < 0.25:
        region[:] = 0.6
    pad = 0.02 * w
    for x0, y0, x1, y1 in boxes:
        cv2.rectangle(
            region,
            (int((x0 - pad) / q), int((y0 - pad) / q)),
            (int((x1 + pad) / q), int((y1 + pad) / q)),
            1.0,
            -1,
        )
    region = np.asarray(cv2.GaussianBlur(region, (0, 0), 0.02 * w / q), np.float32)
    region = np.asarray(cv2.resize(region, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
    alpha = (strength * pattern * region)[..., None]
    colour = _rainbow(h, w, rng, kind)
    out = rgb.astype(np.float32)
    out += alpha * (colour - out)
    rgb[:] = np.clip(out, 0, 255).astype(np.uint8)


def watermark(frame: U8, faces: tuple[str, ...], rng: np.random.Generator) -> str:
    """Semi-transparent text across the image (tiled diagonally or one large line), as
    sites and copy shops add; returns the text. ``frame`` is BGR, changed in place."""
    h, w = frame.shape[:2]
    text = WATERMARKS[int(rng.integers(len(WATERMARKS)))]
    tiled = rng.random() < 0.6
    size = max(
        10, round(min(w, h) * float(rng.uniform(0.05, 0.09) if tiled else rng.uniform(0.08, 0.16)))
    )
    f = font(faces[0], size)
    tw = int(f.getlength(text)) + 4
    th = int(size * 1.4)
    tile = Image.new("L", (tw, th), 0)
    ImageDraw.Draw(tile).text((2, size * 0.1), text, font=f, fill=255)
    angle = float(rng.uniform(20, 40)) * (1 if rng.random() < 0.5 else -1)
    if rng.random() < 0.2:
        angle = 0.0
    rot = tile.rotate(angle, expand=True, resample=Image.Resampling.BILINEAR)
    layer = Image.new("L", (w, h), 0)
    if tiled:
        sx = int(rot.width + size * float(rng.uniform(1, 3)))
        sy = int(rot.height + size * float(rng.uniform(0.5, 2)))
        for j, y in enumerate(range(-sy // 2, h, sy)):
            for x in range(-sx + (j % 2) * sx // 2, w, sx):
                layer.paste(255, (x, y), rot)
    else:
        layer.paste(255, ((w - rot.width) // 2, (h - rot.height) // 2), rot)
    mask = np.asarray(layer, np.float32)[..., None] / 255.0
    colours = ((128, 128, 128), (40, 40, 200), (200, 80, 40), (255, 255, 255), (60, 60, 60))
    bgr = np.array(colours[int(rng.integers(len(colours)))], np.float32)
    a = float(rng.uniform(0.15, 0.4))
    out = frame.astype(np.float32)
    out += a * mask * (bgr - out)
    frame[:] = np.clip(out, 0, 255).astype(np.uint8)
    return text


_SEGMENTS: Final[dict[str, str]] = {
    "0": "abcdef", "1": "bc", "2": "abged", "3": "abgcd", "4": "fgbc", "5": "afgcd",
    "6": "afgedc", "7": "abc", "8": "abcdefg", "9": "abcdfg",
}  # fmt: skip


def _seven_segment(
    img: U8, x: int, y: int, text: str, *, height: int, colour: tuple[int, int, int]
) -> None:
    """Draw digits (and ':' '/' ' ') as seven-segment glyphs, top-left at (x, y)."""
    w = int(height * 0.55)
    t = max(1, height // 9)
    half = height // 2
    for ch in text:
        if ch in _SEGMENTS:
            seg = {
                "a": ((x, y), (x + w, y)),
                "b": ((x + w, y), (x + w, y + half)),
                "c": ((x + w, y + half), (x + w, y + height)),
                "d": ((x, y + height), (x + w, y + height)),
                "e": ((x, y + half), (x, y + height)),
                "f": ((x, y), (x, y + half)),
                "g": ((x, y + half), (x + w, y + half)),
            }
            for s in _SEGMENTS[ch]:
                cv2.line(img, seg[s][0], seg[s][1], colour, t, cv2.LINE_AA)
            x += w + t * 3
        elif ch == ":":
            cv2.circle(img, (x + t, y + height // 3), t, colour, -1, cv2.LINE_AA)
            cv2.circle(img, (x + t, y + 2 * height // 3), t, colour, -1, cv2.LINE_AA)
            x += t * 4
        else:
            x += w // 2 + t * 2


def date_stamp(frame: U8, kind: str, rng: np.random.Generator) -> str:
    """A camera date stamp at the bottom right (orange, slightly glowing); returns its text."""
    h, w = frame.shape[:2]
    year = int(rng.integers(2008, 2026))
    month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
    if rng.random() < 0.5:
        text = f"{year} {month:02d} {day:02d}"
    else:
        hh, mm = int(rng.integers(0, 24)), int(rng.integers(0, 60))
        text = f"{year}/{month:02d}/{day:02d} {hh:02d}:{mm:02d}"
    height = max(8, round(min(w, h) * float(rng.uniform(0.03, 0.05))))
    colour = (0, int(rng.integers(110, 170)), 255)  # BGR orange
    x = int(w * float(rng.uniform(0.5, 0.7)))
    # Cameras print it near the bottom edge: on a card that fills the frame that is below
    # the number row (which ends by 0.91 H), so the card stays readable to a person.
    y = int(h * float(rng.uniform(0.965, 0.985)))
    # Work in the stamp's own strip of the frame (a 12 MP frame is mostly untouched).
    y0, y1 = max(0, y - 2 * height), min(h, y + height)
    layer = np.zeros((y1 - y0, w, 3), np.uint8)
    if kind == "segments":
        _seven_segment(layer, x, y - y0 - height, text, height=height, colour=colour)
    else:
        scale = height / 22.0
        cv2.putText(
            layer,
            text,
            (x, y - y0),
            cv2.FONT_HERSHEY_DUPLEX,
            scale,
            colour,
            max(1, height // 10),
            cv2.LINE_AA,
        )
    glow = cv2.GaussianBlur(layer, (0, 0), max(1.0, height / 10))
    strip = frame[y0:y1]
    out = cv2.addWeighted(strip, 1.0, glow, 0.6, 0)
    mask = layer.max(axis=2) > 0
    out[mask] = layer[mask]
    strip[:] = out
    return text
