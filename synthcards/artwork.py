"""Procedural card artwork: guilloche backgrounds, the back's wall band, emblems and portraits.

Each generator has a name; :mod:`synthcards.styles` assigns every name to exactly one style
family. Background generators return two line-density maps in [0, 1] (fine guilloche lines
and an accent pattern) at a reference size; they are cached per (generator, side, variant)
and coloured per card, so a card pays only for the colouring and the resize.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from .render import _draw_emblem, _draw_portrait, card_height

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
RGB = tuple[int, int, int]
RGBf = tuple[float, float, float]

REF_W: Final = 856
REF_H: Final = card_height(REF_W)
_SIDES: Final = ("front", "back")


def _grid() -> tuple[F32, F32]:
    yy, xx = np.mgrid[0:REF_H, 0:REF_W].astype(np.float32)
    return xx / REF_W, yy / REF_W  # same scale on both axes


def _sharp(wave: F32, power: float) -> F32:
    """Thin bright lines where a sine is near its crest."""
    return np.asarray(((wave + 1) * 0.5) ** power, np.float32)


# --- tuned generators --------------------------------------------------------------------


def _waves(prng: np.random.Generator) -> tuple[F32, F32]:
    x, y = _grid()
    ph = prng.uniform(0, 2 * np.pi, 6).astype(np.float32)
    f1 = float(prng.uniform(50, 80))
    a = float(prng.uniform(0.3, 0.6))
    w1 = np.sin(
        2 * np.pi * (y * f1 + a * np.sin(2 * np.pi * x * prng.uniform(1.5, 3.0) + ph[0]))
        + float(prng.uniform(1.0, 2.2)) * np.sin(2 * np.pi * x * prng.uniform(4, 8) + ph[1])
    )
    w2 = np.sin(2 * np.pi * ((x + y) * f1 * 0.7 + 0.3 * np.sin(2 * np.pi * (x - y) * 3.7 + ph[2])))
    lines = 0.6 * _sharp(w1, 10) + 0.4 * _sharp(w2, 12)
    cx, cy = float(prng.uniform(0.3, 0.6)), float(prng.uniform(0.2, 0.42))
    r = np.hypot(x - cx, y - cy)
    th = np.arctan2(y - cy, x - cx)
    rings = np.sin(2 * np.pi * (r * prng.uniform(45, 65) + 0.25 * np.sin(14 * th + ph[3])))
    accent = _sharp(rings, 8) * np.exp(-((r / prng.uniform(0.35, 0.55)) ** 2))
    return lines, accent.astype(np.float32)


def _lattice(prng: np.random.Generator) -> tuple[F32, F32]:
    x, y = _grid()
    out = np.zeros_like(x)
    for sign in (1.0, -1.0):
        ang = math.radians(float(prng.uniform(20, 40))) * sign
        u = x * math.cos(ang) + y * math.sin(ang)
        v = -x * math.sin(ang) + y * math.cos(ang)
        f = float(prng.uniform(40, 65))
        wave = np.sin(2 * np.pi * (u * f + 0.35 * np.sin(2 * np.pi * v * prng.uniform(2, 5))))
        out += 0.5 * _sharp(wave, 14)
    # A band of fine horizontal microlines across the middle, fading out.
    band_y = float(prng.uniform(0.2, 0.45))
    micro = _sharp(np.sin(2 * np.pi * y * 180 + 2 * np.sin(2 * np.pi * x * 9)), 6)
    micro *= np.exp(-(((y - band_y) / 0.06) ** 2))
    cx, cy = float(prng.uniform(0.25, 0.7)), float(prng.uniform(0.2, 0.45))
    r = np.hypot(x - cx, y - cy)
    glow = np.exp(-((r / prng.uniform(0.25, 0.45)) ** 2))
    accent = 0.6 * glow * _sharp(np.sin(2 * np.pi * r * 70), 4) + 0.4 * micro
    return out.astype(np.float32), accent.astype(np.float32)


def _rosette(prng: np.random.Generator) -> tuple[F32, F32]:
    x, y = _grid()
    lines = np.zeros_like(x)
    accent = np.zeros_like(x)
    n = int(prng.integers(2, 5))
    for _ in range(n):
        cx, cy = float(prng.uniform(-0.1, 1.1)), float(prng.uniform(-0.1, 0.75))
        r = np.hypot(x - cx, y - cy)
        th = np.arctan2(y - cy, x - cx)
        k = int(prng.integers(8, 24))
        wave = np.sin(2 * np.pi * r * prng.uniform(35, 60) + 0.8 * np.sin(k * th))
        lines = np.maximum(lines, _sharp(wave, 12) * np.exp(-((r / 0.9) ** 2)))
        petals = np.sin(k * th + 6 * r) * np.sin(2 * np.pi * r * 25)
        accent += _sharp(petals, 6) * np.exp(-((r / prng.uniform(0.2, 0.4)) ** 2)) / n
    return lines.astype(np.float32), np.clip(accent, 0, 1).astype(np.float32)


# --- held-out generators -----------------------------------------------------------------


def _field(prng: np.random.Generator, x: F32, y: F32, n: int = 7) -> F32:
    f = np.zeros_like(x)
    for _ in range(n):
        kx, ky = prng.normal(0, 3.0, 2)
        f += np.sin(2 * np.pi * (kx * x + ky * y) + prng.uniform(0, 2 * np.pi)).astype(np.float32)
    return f / math.sqrt(n)


def _contour(prng: np.random.Generator) -> tuple[F32, F32]:
    x, y = _grid()
    f = _field(prng, x, y)
    k = float(prng.uniform(14, 22))
    d = np.abs(((f * k) % 1.0) - 0.5)
    lines = np.exp(-((d / 0.09) ** 2))
    g = _field(prng, x, y, 4)
    d2 = np.abs(((g * k * 0.5) % 1.0) - 0.5)
    accent = np.exp(-((d2 / 0.06) ** 2)) * np.clip(g + 0.3, 0, 1)
    return lines.astype(np.float32), accent.astype(np.float32)


def _spiral(prng: np.random.Generator) -> tuple[F32, F32]:
    x, y = _grid()
    cx, cy = float(prng.uniform(-0.3, 1.3)), float(prng.uniform(-0.3, 0.9))
    r = np.hypot(x - cx, y - cy)
    th = np.arctan2(y - cy, x - cx)
    arms = int(prng.integers(3, 9))
    s1 = np.sin(2 * np.pi * (r * prng.uniform(30, 50)) + arms * th)
    s2 = np.sin(2 * np.pi * (r * prng.uniform(30, 50)) - arms * th)
    lines = 0.55 * _sharp(s1, 12) + 0.45 * _sharp(s2, 12)
    ex, ey = float(prng.uniform(0.2, 0.8)), float(prng.uniform(0.15, 0.5))
    e = np.hypot((x - ex) * 1.0, (y - ey) * 1.6)
    accent = _sharp(np.sin(2 * np.pi * e * 40), 10) * np.exp(-((e / 0.4) ** 2))
    return lines.astype(np.float32), accent.astype(np.float32)


def _mesh(prng: np.random.Generator) -> tuple[F32, F32]:
    x, y = _grid()
    warp = 0.02 * _field(prng, x, y, 3)
    f = float(prng.uniform(28, 45))
    out = np.zeros_like(x)
    for ang in (0.0, 60.0, 120.0):
        a = math.radians(ang + float(prng.uniform(-8, 8)))
        u = (x + warp) * math.cos(a) + (y - warp) * math.sin(a)
        out += _sharp(np.sin(2 * np.pi * u * f), 16) / 3
    cx, cy = float(prng.uniform(0.2, 0.8)), float(prng.uniform(0.15, 0.5))
    r = np.hypot(x - cx, y - cy)
    th = np.arctan2(y - cy, x - cx)
    dash = (np.sin(th * 90) > 0).astype(np.float32)
    accent = _sharp(np.sin(2 * np.pi * r * 22), 20) * dash * np.exp(-((r / 0.5) ** 2))
    return np.clip(out * 1.6, 0, 1).astype(np.float32), accent.astype(np.float32)


BACKGROUNDS: Final[dict[str, Callable[[np.random.Generator], tuple[F32, F32]]]] = {
    "waves": _waves,
    "lattice": _lattice,
    "rosette": _rosette,
    "contour": _contour,
    "spiral": _spiral,
    "mesh": _mesh,
}


@lru_cache(maxsize=96)
def pattern(name: str, side: str, variant: int) -> tuple[F32, F32]:
    """The (lines, accent) maps of generator ``name`` at the reference size (cached)."""
    prng = np.random.default_rng(
        [101, sorted(BACKGROUNDS).index(name), _SIDES.index(side), variant]
    )
    lines, accent = BACKGROUNDS[name](prng)
    lines.setflags(write=False)
    accent.setflags(write=False)
    return lines, accent


def smooth_field(rng: np.random.Generator, w: int, h: int, cells: int = 4) -> F32:
    small = rng.uniform(-1, 1, (cells, cells)).astype(np.float32)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), np.float32)


def background(
    name: str,
    side: str,
    variant: int,
    *,
    base: RGB,
    lines_rgb: RGB,
    accent_rgb: RGB,
    k_lines: float,
    k_accent: float,
    rng: np.random.Generator,
) -> F32:
    """The printed background at reference size, RGB float32 (0-255)."""
    lines, accent = pattern(name, side, variant)
    b = np.array(base, np.float32)
    img = np.empty((REF_H, REF_W, 3), np.float32)
    img[:] = b
    img += (k_lines * lines)[..., None] * (np.array(lines_rgb, np.float32) - b)
    img += (k_accent * accent)[..., None] * (np.array(accent_rgb, np.float32) - b)
    field = smooth_field(rng, REF_W, REF_H)
    tint = rng.uniform(-8, 8, 3).astype(np.float32)
    img += field[..., None] * tint
    return img


# --- the back's wall band ----------------------------------------------------------------


def wall_ridge(img: F32, rng: np.random.Generator) -> None:
    """A faint ridge line with crenels across the lower middle (the printed Great Wall)."""
    h, w = img.shape[:2]
    xs = np.arange(w, dtype=np.float32) / w
    ph = float(rng.uniform(0, 6.3))
    y0 = float(rng.uniform(0.46, 0.58))
    amp = float(rng.uniform(0.03, 0.08))
    ridge = y0 + amp * np.sin(2 * np.pi * xs * rng.uniform(0.9, 1.8) + ph)
    ridge += 0.025 * np.sin(2 * np.pi * xs * rng.uniform(3, 7) + ph)
    yy = np.arange(h, dtype=np.float32)[:, None] / h
    depth = float(rng.uniform(0.1, 0.16))
    band = np.clip((yy - ridge[None, :]) / depth, 0, 1) * np.clip((0.7 - yy) / 0.08, 0, 1)
    crenel = (np.sin(2 * np.pi * xs * rng.uniform(45, 75)) > 0.3).astype(np.float32) * 0.4 + 0.6
    edge = np.exp(-(((yy - ridge[None, :]) / 0.006) ** 2)) * crenel[None, :]
    k = float(rng.uniform(0.6, 1.3))
    dark = k * (0.07 * band + 0.12 * edge)
    img *= (1 - dark)[..., None]


def wall_towers(img: F32, rng: np.random.Generator) -> None:
    """A wall with battlements and watchtowers along a mountain ridge, the slope below it
    hatched (held-out generator)."""
    h, w = img.shape[:2]
    xs = np.arange(w, dtype=np.float32)
    ph = rng.uniform(0, 2 * np.pi, 3)
    y0 = float(rng.uniform(0.45, 0.56)) * h
    ridge = y0 + h * (
        0.06 * np.sin(2 * np.pi * xs / w * rng.uniform(0.8, 1.6) + ph[0])
        + 0.03 * np.sin(2 * np.pi * xs / w * rng.uniform(2.5, 4.5) + ph[1])
    )
    yy = np.arange(h, dtype=np.float32)[:, None]
    below = yy - ridge[None, :]
    thick = 0.025 * h
    wall = ((below > -thick) & (below < 0)).astype(np.float32)
    merlon = (np.sin(2 * np.pi * xs / float(rng.uniform(7, 11))) > 0).astype(np.float32)
    wall += ((below > -thick * 1.5) & (below <= -thick)).astype(np.float32) * merlon[None, :]
    step = int(rng.integers(90, 150))
    for x in range(int(rng.integers(20, step)), w, step):
        top = int(ridge[min(x, w - 1)] - thick * 3)
        wall[top : int(ridge[min(x, w - 1)]), max(0, x - 9) : x + 9] = 1.0
    hatch = (((yy + xs[None, :] * 0.5) % 6) < 1.5).astype(np.float32)
    slope = np.clip(below / (0.18 * h), 0, 1) * np.clip((0.72 * h - yy) / (0.06 * h), 0, 1)
    dark = float(rng.uniform(0.1, 0.16)) * np.clip(wall, 0, 1)
    dark += float(rng.uniform(0.04, 0.07)) * (1 - slope) * (below > 0) * hatch
    img *= (1 - dark)[..., None]


WALLS: Final[dict[str, Callable[[F32, np.random.Generator], None]]] = {
    "ridge": wall_ridge,
    "towers": wall_towers,
}


# --- emblems -----------------------------------------------------------------------------


def emblem_classic(img: U8, cx: int, cy: int, radius: int, rng: np.random.Generator) -> None:
    """The first renderer's abstract emblem (ring, disc, five stars, gate), colour-varied."""
    _draw_emblem(img, cx, cy, radius, rng)


def emblem_flat(img: U8, cx: int, cy: int, radius: int, rng: np.random.Generator) -> None:
    """A flat emblem: wheat-grain ring of ellipses, red disc, star arc, tiered gate, cog."""
    s = 2
    size = radius * 2 + 4
    canvas = np.zeros((size * s, size * s, 3), np.uint8)
    alpha = np.zeros((size * s, size * s), np.uint8)
    c = size * s / 2
    R = radius * s
    red = tuple(int(v) for v in np.clip(np.array([200, 40, 36]) + rng.uniform(-18, 18, 3), 0, 255))
    gold = tuple(
        int(v) for v in np.clip(np.array([238, 190, 70]) + rng.uniform(-15, 15, 3), 0, 255)
    )
    ci = (round(c), round(c))
    cv2.circle(canvas, ci, int(R * 0.8), red, -1, cv2.LINE_AA)
    cv2.circle(alpha, ci, int(R * 0.8), 255, -1, cv2.LINE_AA)
    grains = int(rng.integers(22, 34))
    for side in (-1, 1):
        for i in range(grains):
            a = math.pi / 2 + side * (0.25 + i * 2.6 / grains)
            p = (round(c + R * 0.9 * math.cos(a)), round(c + R * 0.9 * math.sin(a)))
            ax = (max(2, int(R * 0.09)), max(1, int(R * 0.045)))
            ang = math.degrees(a) + 90
            cv2.ellipse(canvas, p, ax, ang, 0, 360, gold, -1, cv2.LINE_AA)
            cv2.ellipse(alpha, p, ax, ang, 0, 360, 255, -1, cv2.LINE_AA)
    for i in range(5):
        a = -math.pi * 0.85 + i * math.pi * 0.175
        rr = R * (0.22 if i == 2 else 0.1)
        sx = c + R * 0.5 * math.cos(a)
        sy = c - R * 0.05 + R * 0.5 * math.sin(a)
        pts = []
        for k in range(10):
            rad = rr if k % 2 == 0 else rr * 0.4
            t = -math.pi / 2 + k * math.pi / 5
            pts.append((sx + rad * math.cos(t), sy + rad * math.sin(t)))
        cv2.fillPoly(canvas, [np.array(pts).round().astype(np.int32)], gold, cv2.LINE_AA)
    for tier in range(3):
        half = R * (0.45 - 0.1 * tier)
        top = c + R * (0.18 - 0.11 * tier)
        cv2.rectangle(
            canvas, (int(c - half), int(top)), (int(c + half), int(top + R * 0.07)), gold, -1
        )
    cv2.rectangle(
        canvas,
        (int(c - R * 0.42), int(c + R * 0.26)),
        (int(c + R * 0.42), int(c + R * 0.4)),
        gold,
        -1,
    )
    cv2.circle(canvas, (round(c), round(c + R * 0.62)), int(R * 0.12), gold, -1, cv2.LINE_AA)
    small = np.asarray(cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA), np.uint8)
    am = np.asarray(cv2.resize(alpha, (size, size), interpolation=cv2.INTER_AREA), np.float32)
    _blend(img, small, am[..., None] / 255.0 * 0.93, cx - size // 2, cy - size // 2)


def _blend(img: U8, patch: U8, alpha: F32, x0: int, y0: int) -> None:
    h, w = img.shape[:2]
    ph, pw = patch.shape[:2]
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(w, x0 + pw), min(h, y0 + ph)
    if xa >= xb or ya >= yb:
        return
    sub = img[ya:yb, xa:xb].astype(np.float32)
    a = alpha[ya - y0 : yb - y0, xa - x0 : xb - x0]
    sub += a * (patch[ya - y0 : yb - y0, xa - x0 : xb - x0].astype(np.float32) - sub)
    img[ya:yb, xa:xb] = np.clip(sub, 0, 255).astype(np.uint8)


EMBLEMS: Final[dict[str, Callable[[U8, int, int, int, np.random.Generator], None]]] = {
    "classic": emblem_classic,
    "flat": emblem_flat,
}


# --- portraits ---------------------------------------------------------------------------


def portrait_silhouette(
    img: U8, box: tuple[int, int, int, int], rng: np.random.Generator, gender: str
) -> None:
    _draw_portrait(img, box, rng, gender)


def portrait_blob(
    img: U8, box: tuple[int, int, int, int], rng: np.random.Generator, gender: str
) -> None:
    """A desaturated head-and-shoulders made of soft blobs on a pale blue backdrop."""
    x0, y0, x1, y1 = box
    pw, ph = x1 - x0, y1 - y0
    if pw < 8 or ph < 8:
        return
    region = img[y0:y1, x0:x1].astype(np.float32)
    backdrop = np.array([228, 236, 246], np.float32) + rng.uniform(-12, 6, 3).astype(np.float32)
    region *= 0.25
    region += 0.75 * backdrop
    layer = np.zeros((ph, pw, 3), np.float32)
    a = np.zeros((ph, pw), np.float32)
    grey = float(rng.uniform(0.3, 0.7))

    def col(rgb: npt.NDArray[np.float64]) -> RGBf:
        m = float(rgb.mean())
        return (m + (rgb[0] - m) * grey, m + (rgb[1] - m) * grey, m + (rgb[2] - m) * grey)

    skin = col(np.array([205.0, 175.0, 155.0]) + rng.uniform(-25, 15, 3))
    hair = col(np.array([40.0, 35.0, 32.0]) + rng.uniform(-10, 10, 3))
    cloth = col(rng.uniform(30, 170, 3))
    cx = pw // 2 + int(rng.uniform(-0.04, 0.04) * pw)
    hy = int(ph * rng.uniform(0.4, 0.46))
    ax, ay = int(pw * rng.uniform(0.22, 0.26)), int(ph * rng.uniform(0.19, 0.23))

    def ellipse(
        centre: tuple[int, int], axes: tuple[int, int], arc: tuple[int, int], colour: RGBf
    ) -> None:
        cv2.ellipse(layer, centre, axes, 0, arc[0], arc[1], colour, -1, cv2.LINE_AA)
        cv2.ellipse(a, centre, axes, 0, arc[0], arc[1], 1.0, -1, cv2.LINE_AA)

    sh_top = int(ph * rng.uniform(0.74, 0.8))
    if gender == "女" and rng.random() < 0.75:  # long hair: behind the shoulders and neck
        top, bottom = hy - ay // 2, min(ph - 1, hy + int(ay * 1.7))
        cv2.rectangle(layer, (cx - int(ax * 1.2), top), (cx + int(ax * 1.2), bottom), hair, -1)
        cv2.rectangle(a, (cx - int(ax * 1.2), top), (cx + int(ax * 1.2), bottom), 1.0, -1)
    ellipse((cx, ph + ph // 6), (int(pw * 0.52), ph + ph // 6 - sh_top), (180, 360), cloth)
    nw = int(ax * 0.62)
    cv2.rectangle(layer, (cx - nw, hy + ay // 2), (cx + nw, sh_top + ph // 20), skin, -1)
    cv2.rectangle(a, (cx - nw, hy + ay // 2), (cx + nw, sh_top + ph // 20), 1.0, -1)
    ellipse((cx, hy), (ax, ay), (0, 360), skin)
    ellipse((cx, hy - ay // 4), (int(ax * 1.06), int(ay * 0.85)), (180, 360), hair)
    k = max(3, (pw // 40) | 1)
    soft = np.asarray(cv2.GaussianBlur(layer, (k, k), 0), np.float32)
    a3 = np.asarray(cv2.GaussianBlur(a, (k, k), 0), np.float32)[..., None] * 0.88
    region += a3 * (soft - region)
    img[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)


PORTRAITS: Final[
    dict[str, Callable[[U8, tuple[int, int, int, int], np.random.Generator, str], None]]
] = {"silhouette": portrait_silhouette, "blob": portrait_blob}
