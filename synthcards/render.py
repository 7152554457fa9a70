"""Draw the front and back of a synthetic resident identity card, from the renderer's own layout.

Everything is drawn in code: a guilloche-like background, a synthetic head-and-shoulders
silhouette (no real face), an abstract emblem, CJK text from system fonts and the id number in
OCR-B. With ``rng=None`` the nominal template is drawn; with a generator the positions, sizes,
fonts, colours and ink vary by a few percent so that nothing is pixel-perfect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from .identity import Identity

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]

CARD_HEIGHT_PER_WIDTH: Final = 54.0 / 85.6  # the card is 85.6 x 54 mm
CORNER_RADIUS_MM: Final = 3.18
SIDES: Final = ("front", "back")

_NOTO = "/usr/share/fonts/opentype/noto/"
FONT_FILES: Final[dict[str, tuple[str, int]]] = {
    "sans": (_NOTO + "NotoSansCJK-Regular.ttc", 2),
    "sans_bold": (_NOTO + "NotoSansCJK-Bold.ttc", 2),
    "serif": (_NOTO + "NotoSerifCJK-Regular.ttc", 2),
    "serif_bold": (_NOTO + "NotoSerifCJK-Bold.ttc", 2),
    "wqy": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "ocrb": ("/usr/share/fonts/opentype/ocr-b/OCRB.otf", 0),
}
#: Value fonts and the matching face for the (slightly bolder) name.
_VALUE_FONTS: Final = (("sans", "sans_bold"), ("wqy", "wqy"), ("serif", "serif_bold"))
_VALUE_FONT_P: Final = (0.55, 0.25, 0.20)

_LABEL_BLUE: Final = (30, 110, 190)  # RGB
#: Where the visual centre of a CJK glyph sits above the baseline, in em.
_CENTRE_ABOVE_BASELINE: Final = 0.37


def card_height(width: int) -> int:
    return round(width * CARD_HEIGHT_PER_WIDTH)


@lru_cache(maxsize=1024)
def font(key: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = FONT_FILES[key]
    return ImageFont.truetype(path, max(4, size), index=index)


@lru_cache(maxsize=65536)
def advance(key: str, size: int, ch: str) -> float:
    """Horizontal advance of one character (cached; PIL's getlength is slow)."""
    return float(font(key, size).getlength(ch))


# --- background --------------------------------------------------------------------------

_REF_W: Final = 856
_REF_H: Final = card_height(_REF_W)


@lru_cache(maxsize=16)
def _pattern(side: str, variant: int) -> tuple[F32, F32]:
    """Two line-density maps in [0, 1] at reference size: fine waves and rosette rings."""
    prng = np.random.default_rng([7, SIDES.index(side), variant])
    yy, xx = np.mgrid[0:_REF_H, 0:_REF_W].astype(np.float32)
    x = xx / _REF_W
    y = yy / _REF_W  # same scale on both axes
    ph = prng.uniform(0, 2 * np.pi, 6).astype(np.float32)
    f1 = float(prng.uniform(55, 75))
    waves = np.sin(
        2 * np.pi * (y * f1 + 0.45 * np.sin(2 * np.pi * x * 2.3 + ph[0]))
        + 1.7 * np.sin(2 * np.pi * x * 6.1 + ph[1])
    )
    waves2 = np.sin(
        2 * np.pi * ((x + y) * f1 * 0.7 + 0.3 * np.sin(2 * np.pi * (x - y) * 3.7 + ph[2]))
    )
    lines = 0.6 * ((waves + 1) / 2) ** 10 + 0.4 * ((waves2 + 1) / 2) ** 12
    cx, cy = float(prng.uniform(0.35, 0.6)), float(prng.uniform(0.25, 0.4))
    r = np.hypot(x - cx, y - cy)
    th = np.arctan2(y - cy, x - cx)
    rings = np.sin(2 * np.pi * (r * 55 + 0.25 * np.sin(14 * th + ph[3]) + 0.1 * np.sin(5 * th)))
    falloff = np.exp(-((r / 0.45) ** 2))
    rose = ((rings + 1) / 2) ** 8 * falloff
    return lines.astype(np.float32), rose.astype(np.float32)


def _smooth_field(rng: np.random.Generator, w: int, h: int, cells: int = 4) -> F32:
    small = rng.uniform(-1, 1, (cells, cells)).astype(np.float32)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float32)


def _background(side: str, w: int, h: int, rng: np.random.Generator | None) -> U8:
    """The card's printed background (RGB uint8), composed at reference size and scaled."""
    variant = 0 if rng is None else int(rng.integers(4))
    lines, rose = _pattern(side, variant)
    if side == "front":
        base = np.array([232, 238, 236], np.float32)
        c_lines = np.array([150, 190, 200], np.float32)
        c_rose = np.array([215, 170, 180], np.float32)
    else:
        base = np.array([236, 238, 232], np.float32)
        c_lines = np.array([165, 195, 185], np.float32)
        c_rose = np.array([225, 185, 160], np.float32)
    k_lines, k_rose = 0.55, 0.45
    if rng is not None:
        base = base + rng.uniform(-8, 6, 3).astype(np.float32)
        c_lines = c_lines + rng.uniform(-15, 15, 3).astype(np.float32)
        c_rose = c_rose + rng.uniform(-15, 15, 3).astype(np.float32)
        k_lines *= float(rng.uniform(0.6, 1.2))
        k_rose *= float(rng.uniform(0.6, 1.2))
    img = np.empty((_REF_H, _REF_W, 3), np.float32)
    img[:] = base
    img += (k_lines * lines)[..., None] * (c_lines - base)
    img += (k_rose * rose)[..., None] * (c_rose - base)
    # Smooth tint: bluish/greenish towards one side, a bit warmer in the middle.
    tint_rng = rng if rng is not None else np.random.default_rng(0)
    field = _smooth_field(tint_rng, _REF_W, _REF_H)
    img += field[..., None] * np.array([-6, 3, 6], np.float32)
    if side == "back":
        _great_wall(img, tint_rng)
    small = np.clip(img, 0, 255).astype(np.uint8)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), np.uint8)


def _great_wall(img: F32, rng: np.random.Generator) -> None:
    """A faint ridge-line band across the lower middle of the back, like the printed wall."""
    h, w = img.shape[:2]
    xs = np.arange(w, dtype=np.float32) / w
    ph = float(rng.uniform(0, 6.3))
    ridge = 0.52 + 0.06 * np.sin(2 * np.pi * xs * 1.3 + ph)
    ridge += 0.025 * np.sin(2 * np.pi * xs * 5 + ph)
    yy = np.arange(h, dtype=np.float32)[:, None] / h
    band = np.clip((yy - ridge[None, :]) / 0.12, 0, 1) * np.clip((0.68 - yy) / 0.08, 0, 1)
    crenel = ((np.sin(2 * np.pi * xs * 60) > 0.3).astype(np.float32) * 0.4 + 0.6)[None, :]
    edge = np.exp(-(((yy - ridge[None, :]) / 0.006) ** 2)) * crenel
    dark = 0.07 * band + 0.12 * edge
    img *= (1 - dark)[..., None]


def rounded_mask(w: int, h: int, radius: float) -> U8:
    """255 inside the card's rounded rectangle, anti-aliased edge."""
    s = 2  # supersample for a smooth edge
    big = np.zeros((h * s, w * s), np.uint8)
    r = max(1, round(radius * s))
    W, H = w * s, h * s
    cv2.rectangle(big, (r, 0), (W - 1 - r, H - 1), 255, -1)
    cv2.rectangle(big, (0, r), (W - 1, H - 1 - r), 255, -1)
    for cx, cy in ((r, r), (W - 1 - r, r), (W - 1 - r, H - 1 - r), (r, H - 1 - r)):
        cv2.circle(big, (cx, cy), r, 255, -1)
    return np.asarray(cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA), np.uint8)


# --- drawn pictures ----------------------------------------------------------------------


def _draw_portrait(
    img: U8, box: tuple[int, int, int, int], rng: np.random.Generator | None, gender: str
) -> None:
    """A synthetic head-and-shoulders silhouette (muted colours, no facial detail)."""
    x0, y0, x1, y1 = box
    pw, ph = x1 - x0, y1 - y0
    r = rng if rng is not None else np.random.default_rng(1)
    region = img[y0:y1, x0:x1].astype(np.float32)
    bg = np.array([246, 246, 246], np.float32) + r.uniform(-10, 4, 3).astype(np.float32)
    region *= 0.35
    region += 0.65 * bg
    canvas = np.zeros((ph, pw, 3), np.uint8)
    alpha = np.zeros((ph, pw), np.uint8)
    skin = tuple(int(v) for v in (np.array([200, 170, 150]) + r.uniform(-25, 15, 3)))
    hair = tuple(int(v) for v in float(r.uniform(20, 55)) + r.uniform(-6, 6, 3))
    cloth = tuple(int(v) for v in float(r.uniform(35, 150)) + r.uniform(-28, 28, 3))
    cx = pw // 2 + int(r.uniform(-0.03, 0.03) * pw)
    head_cy = int(ph * r.uniform(0.42, 0.46))
    head_ax, head_ay = int(pw * r.uniform(0.19, 0.23)), int(ph * r.uniform(0.19, 0.22))
    long_hair = gender == "女" and r.random() < 0.8

    # Shoulders and body.
    sh_cy = int(ph * 1.0)
    sh_ax = (int(pw * r.uniform(0.5, 0.56)), int(ph * 0.27))
    cv2.ellipse(canvas, (cx, sh_cy), sh_ax, 0, 0, 360, cloth, -1, cv2.LINE_AA)
    cv2.ellipse(alpha, (cx, sh_cy), sh_ax, 0, 0, 360, 255, -1, cv2.LINE_AA)
    # Hair behind the head (long hair reaches the shoulders).
    if long_hair:
        pts = np.array(
            [
                [cx - head_ax * 1.25, head_cy],
                [cx + head_ax * 1.25, head_cy],
                [cx + head_ax * 1.35, head_cy + head_ay * 1.9],
                [cx - head_ax * 1.35, head_cy + head_ay * 1.9],
            ],
            np.int32,
        )
        cv2.fillPoly(canvas, [pts], hair, cv2.LINE_AA)
        cv2.fillPoly(alpha, [pts], 255, cv2.LINE_AA)
    # Neck.
    nw = int(head_ax * 0.55)
    cv2.rectangle(canvas, (cx - nw, head_cy), (cx + nw, int(ph * 0.8)), skin, -1)
    cv2.rectangle(alpha, (cx - nw, head_cy), (cx + nw, int(ph * 0.8)), 255, -1)
    # Collar (V) over the neck base.
    collar = np.array(
        [
            [cx - int(pw * 0.2), int(ph * 0.78)],
            [cx, int(ph * 0.9)],
            [cx + int(pw * 0.2), int(ph * 0.78)],
            [cx + int(pw * 0.5), ph],
            [cx - int(pw * 0.5), ph],
        ],
        np.int32,
    )
    cv2.fillPoly(canvas, [collar], cloth, cv2.LINE_AA)
    # Hair cap then face.
    cv2.ellipse(
        canvas,
        (cx, head_cy - int(head_ay * 0.12)),
        (int(head_ax * 1.12), int(head_ay * 1.05)),
        0,
        180,
        360,
        hair,
        -1,
        cv2.LINE_AA,
    )
    cv2.ellipse(
        alpha,
        (cx, head_cy - int(head_ay * 0.12)),
        (int(head_ax * 1.12), int(head_ay * 1.05)),
        0,
        180,
        360,
        255,
        -1,
        cv2.LINE_AA,
    )
    for side in () if long_hair else (-1, 1):  # ears
        ear = (
            (cx + side * head_ax, head_cy + head_ay // 10),
            (max(2, head_ax // 6), max(3, head_ay // 4)),
        )
        cv2.ellipse(canvas, ear[0], ear[1], 0, 0, 360, skin, -1, cv2.LINE_AA)
        cv2.ellipse(alpha, ear[0], ear[1], 0, 0, 360, 255, -1, cv2.LINE_AA)
    cv2.ellipse(canvas, (cx, head_cy), (head_ax, head_ay), 0, 0, 360, skin, -1, cv2.LINE_AA)
    shade = tuple(max(0, v - 25) for v in skin)
    cv2.ellipse(
        canvas, (cx, head_cy + head_ay), (nw, head_ay // 5), 0, 0, 180, shade, -1, cv2.LINE_AA
    )
    cv2.ellipse(alpha, (cx, head_cy), (head_ax, head_ay), 0, 0, 360, 255, -1, cv2.LINE_AA)
    # Fringe over the forehead.
    cv2.ellipse(
        canvas,
        (cx, head_cy - int(head_ay * 0.55)),
        (int(head_ax * 1.02), int(head_ay * 0.5)),
        0,
        180,
        360,
        hair,
        -1,
        cv2.LINE_AA,
    )
    # Soft, slightly out-of-focus photo.
    k = max(3, (pw // 60) | 1)
    canvas = np.asarray(cv2.GaussianBlur(canvas, (k, k), 0), np.uint8)
    a = np.asarray(cv2.GaussianBlur(alpha, (k, k), 0), np.float32)[..., None] / 255.0
    a *= 0.9  # the printed photo lets a little of the card show through
    region *= 1 - a
    region += a * canvas.astype(np.float32)
    img[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)


def _star(cx: float, cy: float, r: float, rot: float = -math.pi / 2) -> npt.NDArray[np.int32]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.38
        a = rot + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return np.array(pts, np.float64).round().astype(np.int32)


def _draw_emblem(img: U8, cx: int, cy: int, radius: int, rng: np.random.Generator | None) -> None:
    """An abstract red/gold round emblem: ring, disc, five stars, a gate-like band."""
    s = 2
    size = radius * 2 + 4
    canvas = np.zeros((size * s, size * s, 3), np.uint8)
    alpha = np.zeros((size * s, size * s), np.uint8)
    c = size * s / 2
    R = radius * s
    red: tuple[int, ...] = (196, 32, 38)
    gold = (232, 186, 66)
    if rng is not None:
        red = tuple(int(v) for v in np.clip(np.array(red) + rng.uniform(-15, 15, 3), 0, 255))
    ci = (round(c), round(c))
    cv2.circle(canvas, ci, R, gold, -1, cv2.LINE_AA)
    cv2.circle(alpha, ci, R, 255, -1, cv2.LINE_AA)
    cv2.circle(canvas, ci, int(R * 0.86), red, -1, cv2.LINE_AA)
    # Ring of grain-like ticks.
    for i in range(40):
        a = i * 2 * math.pi / 40
        p = (round(c + R * 0.93 * math.cos(a)), round(c + R * 0.93 * math.sin(a)))
        cv2.circle(canvas, p, max(1, int(R * 0.04)), red, -1, cv2.LINE_AA)
    # Stars: one big, four small on an arc.
    big = (c - R * 0.28, c - R * 0.38)
    cv2.fillPoly(canvas, [_star(big[0], big[1], R * 0.22)], gold, cv2.LINE_AA)
    for i in range(4):
        a = -0.9 + i * 0.45
        sx = big[0] + R * 0.45 * math.cos(a)
        sy = big[1] + R * 0.45 * math.sin(a)
        rot = math.atan2(big[1] - sy, big[0] - sx)
        cv2.fillPoly(canvas, [_star(sx, sy, R * 0.08, rot)], gold, cv2.LINE_AA)
    # Gate-like band: roof, pillars, base.
    roof = np.array(
        [
            [c - R * 0.5, c + R * 0.12],
            [c + R * 0.5, c + R * 0.12],
            [c + R * 0.42, c - R * 0.0],
            [c - R * 0.42, c - R * 0.0],
        ],
        np.int32,
    )
    cv2.fillPoly(canvas, [roof], gold, cv2.LINE_AA)
    cv2.rectangle(
        canvas,
        (int(c - R * 0.45), int(c + R * 0.15)),
        (int(c + R * 0.45), int(c + R * 0.42)),
        gold,
        -1,
        cv2.LINE_AA,
    )
    for i in range(5):
        gx = c - R * 0.32 + i * R * 0.16
        cv2.rectangle(
            canvas,
            (int(gx - R * 0.035), int(c + R * 0.22)),
            (int(gx + R * 0.035), int(c + R * 0.42)),
            red,
            -1,
            cv2.LINE_AA,
        )
    cv2.rectangle(
        canvas,
        (int(c - R * 0.62), int(c + R * 0.5)),
        (int(c + R * 0.62), int(c + R * 0.58)),
        gold,
        -1,
        cv2.LINE_AA,
    )
    small = np.asarray(cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA), np.uint8)
    am = np.asarray(cv2.resize(alpha, (size, size), interpolation=cv2.INTER_AREA), np.float32)
    am = am[..., None] / 255.0 * 0.95
    x0, y0 = cx - size // 2, cy - size // 2
    h, w = img.shape[:2]
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(w, x0 + size), min(h, y0 + size)
    if xa >= xb or ya >= yb:
        return
    sub = img[ya:yb, xa:xb].astype(np.float32)
    aa = am[ya - y0 : yb - y0, xa - x0 : xb - x0]
    sub *= 1 - aa
    sub += aa * small[ya - y0 : yb - y0, xa - x0 : xb - x0].astype(np.float32)
    img[ya:yb, xa:xb] = np.clip(sub, 0, 255).astype(np.uint8)


# --- text --------------------------------------------------------------------------------


@dataclass
class _Style:
    value_font: str
    name_font: str
    label_font: str
    title_font: str
    ink: tuple[int, int, int]
    label: tuple[int, int, int]
    jitter: float  # positional jitter amplitude in card-width fractions


class _Writer:
    def __init__(
        self, img: Image.Image, rng: np.random.Generator | None, *, dx: float, dy: float
    ) -> None:
        w, h = img.size
        self.draw = ImageDraw.Draw(img)
        self.w, self.h = w, h
        self.rng = rng
        self.dx, self.dy = dx, dy

    def j(self, amp: float) -> float:
        return 0.0 if self.rng is None else float(self.rng.uniform(-amp, amp))

    def text(  # noqa: PLR0917 - a drawing primitive, called positionally throughout
        self,
        fx: float,
        fy: float,
        text: str,
        font_key: str,
        size_h: float,
        fill: tuple[int, int, int],
        spacing_em: float = 0.0,
        *,
        jit: float = 0.004,
        align: str = "l",
    ) -> float:
        """Draw ``text`` with its left edge at ``fx``·W and visual centre at ``fy``·H.

        Returns the right edge as a fraction of W. ``align="r"`` right-aligns at ``fx``.
        """
        size = max(4, round(size_h * self.h))
        f = font(font_key, size)
        gap = spacing_em * size
        advances = [advance(font_key, size, ch) for ch in text]
        total = sum(advances) + gap * max(0, len(text) - 1)
        x = (fx + self.dx + self.j(jit)) * self.w
        if align == "r":
            x -= total
        base = (fy + self.dy + self.j(jit * 0.6)) * self.h + _CENTRE_ABOVE_BASELINE * size
        for ch, adv in zip(text, advances, strict=True):
            if ch != " ":
                self.draw.text((x, base), ch, font=f, fill=fill, anchor="ls")
            x += adv + gap
        return x / self.w


def _style(rng: np.random.Generator | None) -> _Style:
    if rng is None:
        return _Style("sans", "sans_bold", "sans", "sans_bold", (20, 20, 20), _LABEL_BLUE, 0.0)
    vf, nf = _VALUE_FONTS[int(rng.choice(len(_VALUE_FONTS), p=_VALUE_FONT_P))]
    ink = int(rng.uniform(5, 55))
    lb = np.array(_LABEL_BLUE) + rng.uniform(-20, 25, 3)
    label = tuple(int(v) for v in np.clip(lb, 0, 255))
    label_font = "sans" if rng.random() < 0.7 else "wqy"
    title_font = "sans_bold" if rng.random() < 0.6 else "serif_bold"
    return _Style(
        vf,
        nf,
        label_font,
        title_font,
        (ink, ink, ink + int(rng.integers(0, 8))),
        (label[0], label[1], label[2]),
        1.0,
    )


def _front_text(wr: _Writer, ident: Identity, st: _Style, rng: np.random.Generator | None) -> None:
    def sz(v: float) -> float:
        return v * (1.0 if rng is None else float(rng.uniform(0.95, 1.05)))

    lab = sz(0.050)
    val = sz(0.056)
    lx = 0.08
    vx = 0.18
    lab_sp = 0.55
    wr.text(lx, 0.17, "姓名", st.label_font, lab, st.label, lab_sp)
    wr.text(vx, 0.17, ident.name, st.name_font, val * 1.08, st.ink)
    wr.text(lx, 0.30, "性别", st.label_font, lab, st.label, lab_sp)
    wr.text(vx, 0.30, ident.gender, st.value_font, val, st.ink)
    wr.text(0.30, 0.30, "民族", st.label_font, lab, st.label, lab_sp)
    wr.text(0.395, 0.30, ident.race, st.value_font, val, st.ink)
    wr.text(lx, 0.41, "出生", st.label_font, lab, st.label, lab_sp)
    b = ident.birth
    wr.text(vx, 0.41, f"{b.year}", st.value_font, val, st.ink)
    wr.text(0.265, 0.41, "年", st.value_font, val, st.ink)
    wr.text(0.345, 0.41, f"{b.month}", st.value_font, val, st.ink, align="r")
    wr.text(0.355, 0.41, "月", st.value_font, val, st.ink)
    wr.text(0.445, 0.41, f"{b.day}", st.value_font, val, st.ink, align="r")
    wr.text(0.455, 0.41, "日", st.value_font, val, st.ink)
    wr.text(lx, 0.53, "住址", st.label_font, lab, st.label, lab_sp)
    for i, line in enumerate(ident.address_lines[:3]):
        wr.text(vx, 0.53 + 0.085 * i, line, st.value_font, val, st.ink, jit=0.002)
    wr.text(lx, 0.83, "公民身份号码", st.label_font, lab, st.label, 0.02)
    num = sz(0.066)
    spacing = 0.06 if rng is None else float(rng.uniform(0.03, 0.10))
    wr.text(0.35, 0.83, ident.id_no, "ocrb", num, st.ink, spacing)


def _back_text(wr: _Writer, ident: Identity, st: _Style, rng: np.random.Generator | None) -> None:
    def sz(v: float) -> float:
        return v * (1.0 if rng is None else float(rng.uniform(0.95, 1.05)))

    dark = (25, 25, 25) if rng is None else st.ink
    wr.text(0.345, 0.20, "中华人民共和国", st.title_font, sz(0.078), dark, 0.32)
    wr.text(0.32, 0.38, "居民身份证", st.title_font, sz(0.118), dark, 0.42)
    lab = sz(0.050)
    val = sz(0.056)
    wr.text(0.20, 0.71, "签发机关", st.label_font, lab, dark, 0.08)
    wr.text(0.40, 0.71, ident.issued_by, st.value_font, val, st.ink)
    wr.text(0.20, 0.83, "有效期限", st.label_font, lab, dark, 0.08)
    wr.text(0.40, 0.83, ident.valid_date, st.value_font, val, st.ink)


# --- public ------------------------------------------------------------------------------


def render_card_rgba(
    identity: Identity, side: str, *, width: int = 1712, rng: np.random.Generator | None = None
) -> U8:
    """The card as BGRA uint8; alpha is 0 outside the rounded corners."""
    if side not in SIDES:
        raise ValueError(f"side must be 'front' or 'back', not {side!r}")
    w = int(width)
    h = card_height(w)
    img = _background(side, w, h, rng)
    st = _style(rng)
    dx = dy = 0.0
    if rng is not None:
        dx, dy = float(rng.uniform(-0.008, 0.008)), float(rng.uniform(-0.01, 0.01))
    if side == "front":
        px0 = 0.64 + dx + (0.0 if rng is None else float(rng.uniform(-0.005, 0.005)))
        py0 = 0.17 + dy
        box = (round(px0 * w), round(py0 * h), round((px0 + 0.27) * w), round((py0 + 0.56) * h))
        _draw_portrait(img, box, rng, identity.gender)
    else:
        _draw_emblem(img, round((0.15 + dx) * w), round((0.25 + dy) * h), round(0.155 * h), rng)
    pil = Image.fromarray(img)
    wr = _Writer(pil, rng, dx=dx, dy=dy)
    if side == "front":
        _front_text(wr, identity, st, rng)
    else:
        _back_text(wr, identity, st, rng)
    rgb = np.asarray(pil)
    # Printed text is a little soft.
    sigma = 0.35 * w / 1000 * (1.0 if rng is None else float(rng.uniform(0.7, 1.4)))
    rgb = np.asarray(cv2.GaussianBlur(rgb, (0, 0), sigma), np.uint8)
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = rgb[..., ::-1]
    out[..., 3] = rounded_mask(w, h, CORNER_RADIUS_MM / 54.0 * h)
    return out


def render_card(
    identity: Identity, side: str, *, width: int = 1712, rng: np.random.Generator | None = None
) -> U8:
    """The upright card filling a BGR uint8 image of ``width`` × round(width·54/85.6).

    Outside the rounded corners the image is white.
    """
    rgba = render_card_rgba(identity, side, width=width, rng=rng)
    a = rgba[..., 3:4].astype(np.float32) / 255.0
    bgr = rgba[..., :3].astype(np.float32) * a + 255.0 * (1 - a)
    return np.asarray(np.round(bgr), np.uint8)
