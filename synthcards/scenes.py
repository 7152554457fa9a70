"""Scenes: scans, phone photos, degraded photos and images without a card (all deterministic)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from . import clutter, effects, overlays
from .card import RenderedCard, render_styled
from .identity import Identity, make_identity
from .people import Person, draw_person, has_rare
from .render import CARD_HEIGHT_PER_WIDTH, card_height, render_card_rgba
from .styles import DEFAULT_STYLE, SPECS, check_style, sample_style

U8 = npt.NDArray[np.uint8]
Quad = npt.NDArray[np.float64]

SCENES: Final = ("scan", "photo", "hard", "negative", "rare")
#: The scenes of the first renderer (the classic style has no ``rare`` scene).
CLASSIC_SCENES: Final = ("scan", "photo", "hard", "negative")
NEGATIVE_KINDS: Final = ("texture", "document", "blank", "bank", "business", "badge", "shapes")
_NEG_P: Final = (0.14, 0.18, 0.1, 0.18, 0.14, 0.1, 0.16)
HARD_EFFECTS: Final = ("blur", "noise", "jpeg", "light", "glare", "small")
#: Hard effects of the randomised styles: the classic ones plus photocopies, screen photos,
#: strong lamination glare, watermarks and date stamps.
STYLED_HARD_EFFECTS: Final = (*HARD_EFFECTS, "copy", "screen", "sheen", "watermark", "stamp")
#: Scan captures of the randomised styles and their shares: flatbed scans with a margin,
#: tight crops (the image is the card), small web images, photocopies.
SCAN_KINDS: Final = ("flatbed", "tight", "web", "copy")
_SCAN_P: Final = (0.5, 0.25, 0.15, 0.10)
#: Share of phone-sized frames (12 MP, 3-5 MB JPEG) in the randomised photo scene.
PHONE_SHARE: Final = 0.15
MAX_RENDER_WIDTH: Final = 1712


@dataclass(frozen=True)
class Sample:
    name: str  # stable file stem, e.g. "photo-0007-front"
    scene: str
    side: str | None  # "front" | "back" | None for negatives
    image: bytes  # encoded file bytes (JPEG mostly; some PNG in scan)
    expected_code: str  # "200" for cards, "201" for negatives
    expected: dict[str, str]  # API fields incl. "type"; {} for negatives
    corners: tuple[tuple[float, float], ...] | None  # card's own TL, TR, BR, BL in image px
    #: What was drawn (frame size, rotation, effects ...), for debugging and slicing results.
    meta: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def ext(self) -> str:
        return "png" if self.image[:8] == b"\x89PNG\r\n\x1a\n" else "jpg"

    def label(self) -> dict[str, object]:
        """The labels.jsonl record (without the image)."""
        return {
            "name": self.name,
            "scene": self.scene,
            "side": self.side,
            "file": f"{self.scene}/{self.name}.{self.ext}",
            "expected_code": self.expected_code,
            "expected": self.expected,
            "corners": None if self.corners is None else [list(p) for p in self.corners],
            "meta": self.meta,
        }


@dataclass(frozen=True)
class _Options:
    """Overrides used by the golden set; None means 'draw at random'."""

    rotation: float | None = None
    max_long: int | None = None
    negative_kind: str | None = None
    effects: tuple[str, ...] | None = None
    png: bool | None = None


# --- encoding ----------------------------------------------------------------------------


def _jpeg(img: U8, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return bytes(buf.tobytes())


def _png(img: U8) -> bytes:
    ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise RuntimeError("PNG encoding failed")
    return bytes(buf.tobytes())


def _corners(quad: Quad) -> tuple[tuple[float, float], ...]:
    return tuple((round(float(x), 2), round(float(y), 2)) for x, y in quad)


# --- geometry ----------------------------------------------------------------------------


def _frame_size(
    rng: np.random.Generator, lo: int, hi: int, big_p: float, max_long: int | None
) -> tuple[int, int]:
    long = int(rng.integers(lo, hi + 1)) if rng.random() >= big_p else int(rng.integers(hi, 4001))
    if max_long is not None:
        long = min(long, max_long)
    aspect = (4 / 3, 3 / 4, 16 / 9, 9 / 16, 1.0, 4 / 3, 3 / 4)[int(rng.integers(7))]
    if aspect >= 1:
        return long, round(long / aspect)
    return round(long * aspect), long


def _pose(
    rng: np.random.Generator,
    fw: int,
    fh: int,
    aspect: float,
    *,
    rotation: float | None = None,
    edge_px: float | None = None,
    frac: tuple[float, float] = (0.3, 0.85),
    max_tilt: float = 25.0,
    min_edge: float = 0.0,
) -> Quad:
    """A perspective quad (TL, TR, BR, BL of the upright object) fully inside the frame.

    ``aspect`` is height/width of the object. Out-of-plane tilt up to ``max_tilt`` degrees,
    in-plane rotation ``rotation`` degrees clockwise (random if None, sometimes an exact
    multiple of 90). The object's bounding box spans ``frac`` of the frame (or its top edge is
    ``edge_px`` long). The top edge is made at least ``min_edge`` px long if the frame allows.
    """
    if rotation is None:
        if rng.random() < 0.3:
            rotation = float(90 * int(rng.integers(4)))
            max_tilt = max_tilt if rng.random() < 0.5 else 6.0
        else:
            rotation = float(rng.uniform(0, 360))
    tilt = math.radians(float(rng.uniform(0, max_tilt)))
    phi = float(rng.uniform(0, 2 * math.pi))
    tx, ty = tilt * math.cos(phi), tilt * math.sin(phi)
    rx = np.array([[1, 0, 0], [0, math.cos(tx), -math.sin(tx)], [0, math.sin(tx), math.cos(tx)]])
    ry = np.array([[math.cos(ty), 0, math.sin(ty)], [0, 1, 0], [-math.sin(ty), 0, math.cos(ty)]])
    a = aspect
    pts = np.array([[-0.5, -a / 2, 0], [0.5, -a / 2, 0], [0.5, a / 2, 0], [-0.5, a / 2, 0]])
    p = pts @ (rx @ ry).T
    d = float(rng.uniform(1.8, 4.5))
    xy = p[:, :2] * (d / (d + p[:, 2:3]))
    r = math.radians(rotation)
    rot = np.array([[math.cos(r), -math.sin(r)], [math.sin(r), math.cos(r)]])
    xy = xy @ rot.T
    xy -= xy.min(axis=0)
    bw, bh = float(xy[:, 0].max()), float(xy[:, 1].max())
    margin = 0.012
    fit = min(fw * (1 - 2 * margin) / bw, fh * (1 - 2 * margin) / bh)
    if edge_px is not None:
        scale = min(edge_px / float(np.linalg.norm(xy[1] - xy[0])), fit)
    else:
        scale = float(rng.uniform(*frac)) * min(fw / bw, fh / bh)
        edge = float(np.linalg.norm(xy[1] - xy[0]))
        scale = min(max(scale, min_edge / edge), fit)
    xy *= scale
    bw, bh = bw * scale, bh * scale
    ox = fw * margin + float(rng.random()) * max(0.0, fw * (1 - 2 * margin) - bw)
    oy = fh * margin + float(rng.random()) * max(0.0, fh * (1 - 2 * margin) - bh)
    return np.asarray(xy + np.array([ox, oy]), np.float64)


def _render_width(quad: Quad) -> int:
    edge = max(float(np.linalg.norm(quad[1] - quad[0])), float(np.linalg.norm(quad[2] - quad[3])))
    side = max(float(np.linalg.norm(quad[3] - quad[0])), float(np.linalg.norm(quad[2] - quad[1])))
    need = max(edge, side / CARD_HEIGHT_PER_WIDTH) * 1.1
    return int(min(MAX_RENDER_WIDTH, max(360, math.ceil(need))))


def _scene_background(rng: np.random.Generator, fw: int, fh: int, clutter_max: int = 6) -> U8:
    """Textured background with clutter, drawn at ≤1400 px and scaled up (slightly soft)."""
    s = min(1.0, 1400 / max(fw, fh))
    ww, wh = max(8, round(fw * s)), max(8, round(fh * s))
    bg = clutter.background(ww, wh, rng)
    clutter.add_clutter(bg, rng, int(rng.integers(0, clutter_max + 1)))
    if s < 1.0:
        bg = np.asarray(cv2.resize(bg, (fw, fh), interpolation=cv2.INTER_LINEAR), np.uint8)
    return bg


# --- scenes ------------------------------------------------------------------------------


def _scan(
    identity: Identity, side: str, rng: np.random.Generator, opts: _Options, meta: dict[str, object]
) -> tuple[bytes, Quad]:
    img_w = int(rng.integers(856, 1401))
    if opts.max_long is not None:
        img_w = min(img_w, opts.max_long)
    ml, mr, mt, mb = (float(v) for v in rng.uniform(0, 0.03, 4))
    card_w = round(img_w / (1 + ml + mr))
    card_h = card_height(card_w)
    img_h = round(card_h * (1 + mt + mb))
    bed_v = int(rng.integers(215, 256))
    bed = np.full((img_h, img_w, 3), bed_v, np.uint8)
    bed = np.clip(bed.astype(np.int16) + rng.integers(-4, 5, 3).astype(np.int16), 0, 255)
    frame = np.ascontiguousarray(bed.astype(np.uint8))
    angle = math.radians(float(rng.uniform(-0.8, 0.8))) if rng.random() < 0.3 else 0.0
    cx, cy = img_w * ml / (1 + ml + mr) + card_w / 2, img_h * mt / (1 + mt + mb) + card_h / 2
    quad = clutter.rect_quad(cx, cy, card_w, card_h, angle)
    if angle and (quad.min() < 0 or (quad[:, 0] > img_w).any() or (quad[:, 1] > img_h).any()):
        angle = 0.0
        quad = clutter.rect_quad(cx, cy, card_w, card_h, 0.0)
    card = render_card_rgba(identity, side, width=card_w, rng=rng)
    clutter.paste_quad(frame, card, quad)
    gain, bias = float(rng.uniform(0.95, 1.06)), float(rng.uniform(-8, 6))
    frame = np.asarray(cv2.convertScaleAbs(frame, alpha=gain, beta=bias), np.uint8)
    png = rng.random() < 0.2 if opts.png is None else opts.png
    sigma = float(rng.uniform(0.3, 1.8))
    frame = clutter.add_noise(frame, sigma * (0.4 if png else 1.0), rng)
    q = int(rng.integers(85, 96))
    meta.update(
        width=img_w,
        height=img_h,
        skew_deg=round(math.degrees(angle), 3),
        format="png" if png else f"jpeg{q}",
    )
    return (_png(frame) if png else _jpeg(frame, q)), quad


def _glare(frame: U8, quad: Quad, rng: np.random.Generator) -> None:
    """A bright, soft ellipse somewhere on the card (never opaque)."""
    u, v = float(rng.uniform(0.15, 0.85)), float(rng.uniform(0.15, 0.85))
    top = quad[0] + u * (quad[1] - quad[0])
    bot = quad[3] + u * (quad[2] - quad[3])
    c = top + v * (bot - top)
    edge = float(np.linalg.norm(quad[1] - quad[0]))
    ax = edge * float(rng.uniform(0.06, 0.14))
    ay = ax * float(rng.uniform(0.35, 0.9))
    fh, fw = frame.shape[:2]
    pad = int(ax * 1.6) + 2
    x0, y0 = max(0, int(c[0]) - pad), max(0, int(c[1]) - pad)
    x1, y1 = min(fw, int(c[0]) + pad), min(fh, int(c[1]) + pad)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.float32)
    cv2.ellipse(
        mask,
        (int(c[0]) - x0, int(c[1]) - y0),
        (max(1, int(ax)), max(1, int(ay))),
        float(rng.uniform(0, 180)),
        0,
        360,
        1.0,
        -1,
        cv2.LINE_AA,
    )
    mask = np.asarray(cv2.GaussianBlur(mask, (0, 0), max(1.0, ax * 0.3)), np.float32)
    mask /= max(1e-6, float(mask.max()))
    peak = float(rng.uniform(0.6, 0.9))
    roi = frame[y0:y1, x0:x1].astype(np.float32)
    roi += (peak * mask)[..., None] * (255.0 - roi)
    frame[y0:y1, x0:x1] = np.clip(roi, 0, 255).astype(np.uint8)


def _blur(frame: U8, edge: float, rng: np.random.Generator, meta: dict[str, object]) -> U8:
    if rng.random() < 0.6:
        sigma = float(rng.uniform(0.4, 0.9)) * edge / 500
        meta["blur_sigma"] = round(sigma, 2)
        return np.asarray(cv2.GaussianBlur(frame, (0, 0), max(0.3, sigma)), np.uint8)
    length = max(3, round(float(rng.uniform(0.004, 0.009)) * edge))
    ang = float(rng.uniform(0, math.pi))
    k = np.zeros((length, length), np.float32)
    c = (length - 1) / 2
    dx, dy = math.cos(ang) * c, math.sin(ang) * c
    cv2.line(k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1, cv2.LINE_AA)
    k /= float(k.sum())
    meta["motion_blur_px"] = length
    return np.asarray(cv2.filter2D(frame, -1, k, borderType=cv2.BORDER_REFLECT), np.uint8)


def _photo(
    identity: Identity,
    side: str,
    rng: np.random.Generator,
    opts: _Options,
    *,
    meta: dict[str, object],
    hard: bool,
) -> tuple[bytes, Quad]:
    effects: tuple[str, ...] = ()
    if hard:
        if opts.effects is not None:
            effects = opts.effects
        else:
            n = 1 if rng.random() < 0.55 else 2
            idx = rng.choice(len(HARD_EFFECTS), size=n, replace=False)
            effects = tuple(HARD_EFFECTS[int(i)] for i in sorted(idx))
    if hard:
        fw, fh = _frame_size(rng, 1000, 2000, 0.0, opts.max_long)
    else:
        fw, fh = _frame_size(rng, 1000, 2000, 0.1, opts.max_long)
    edge_px = float(rng.uniform(350, 450)) if "small" in effects else None
    quad = _pose(
        rng,
        fw,
        fh,
        CARD_HEIGHT_PER_WIDTH,
        rotation=opts.rotation,
        edge_px=edge_px,
        frac=(0.3, 0.85),
        min_edge=float(rng.uniform(450, 650) if hard else rng.uniform(520, 800)),
    )
    frame = _scene_background(rng, fw, fh)
    card = render_card_rgba(identity, side, width=_render_width(quad), rng=rng)
    clutter.drop_shadow(frame, quad, rng, float(rng.uniform(0.15, 0.5)))
    clutter.paste_quad(frame, card, quad)
    edge = float(np.linalg.norm(quad[1] - quad[0]))
    if "glare" in effects:
        _glare(frame, quad, rng)
    if "light" in effects:
        frame = clutter.apply_light(frame, rng, float(rng.uniform(0.35, 0.6)))
        frame = clutter.vignette(frame, float(rng.uniform(0.25, 0.55)))
    else:
        frame = clutter.apply_light(frame, rng, float(rng.uniform(0.05, 0.22)))
    if "blur" in effects:
        frame = _blur(frame, edge, rng, meta)
    if "noise" in effects:
        sigma = float(rng.uniform(6, 14))
        meta["noise_sigma"] = round(sigma, 1)
        frame = clutter.add_noise(frame, sigma, rng)
    elif max(fw, fh) <= 2400:
        frame = clutter.add_noise(frame, float(rng.uniform(0.5, 2.5)), rng)
    q = int(rng.integers(30, 61)) if "jpeg" in effects else int(rng.integers(80, 93))
    meta.update(
        width=fw, height=fh, card_edge_px=round(edge, 1), effects=list(effects), format=f"jpeg{q}"
    )
    return _jpeg(frame, q), quad


def _negative(rng: np.random.Generator, opts: _Options, meta: dict[str, object]) -> bytes:
    kind = opts.negative_kind
    if kind is None:
        kind = NEGATIVE_KINDS[int(rng.choice(len(NEGATIVE_KINDS), p=_NEG_P))]
    fw, fh = _frame_size(rng, 800, 2000, 0.0, opts.max_long)
    if kind == "blank":
        c = np.array(clutter.color(rng, 0, 255), np.float32)
        f = clutter.smooth_field(rng, fw, fh, 3, 3)
        img = c[None, None, :] * (1 + 0.04 * f[..., None])
        frame = np.clip(img, 0, 255).astype(np.uint8)
    elif kind == "texture":
        frame = clutter.background(fw, fh, rng)
    elif kind == "shapes":
        frame = _scene_background(rng, fw, fh, clutter_max=0)
        clutter.add_clutter(frame, rng, int(rng.integers(6, 14)))
    elif kind == "document":
        if rng.random() < 0.4:
            frame = clutter.paper_patch(rng, fw, fh, dense=True)
        else:
            frame = _scene_background(rng, fw, fh, clutter_max=2)
            pw = int(min(fw, fh / 1.414) * 0.9)
            page = clutter.paper_patch(rng, pw, int(pw * 1.414), dense=True)
            quad = _pose(rng, fw, fh, 1.414, frac=(0.6, 0.95), max_tilt=15)
            clutter.drop_shadow(frame, quad, rng, 0.3)
            clutter.paste_quad(frame, page, quad)
    else:
        frame = _scene_background(rng, fw, fh)
        aspect = 0.6 if kind == "business" else CARD_HEIGHT_PER_WIDTH
        quad = _pose(rng, fw, fh, aspect)
        width = _render_width(quad)
        maker = {
            "bank": clutter.bank_card,
            "business": clutter.business_card,
            "badge": clutter.badge_card,
        }[kind]
        card = maker(rng, width)
        clutter.drop_shadow(frame, quad, rng, float(rng.uniform(0.15, 0.5)))
        clutter.paste_quad(frame, card, quad)
    frame = clutter.apply_light(frame, rng, float(rng.uniform(0.05, 0.25)))
    frame = clutter.add_noise(frame, float(rng.uniform(0.5, 3.0)), rng)
    q = int(rng.integers(75, 93))
    meta.update(kind=kind, width=fw, height=fh, format=f"jpeg{q}")
    return _jpeg(frame, q)


# --- the randomised styles --------------------------------------------------------------


def _styled_card(
    person: Person,
    side: str,
    family: str,
    rng: np.random.Generator,
    *,
    width: int,
    meta: dict[str, object],
) -> RenderedCard:
    """The card in a freshly sampled style of ``family`` (bilingual in its area, mostly)."""
    script = person.area if person.area is not None and rng.random() < 0.75 else None
    style = sample_style(rng, family, side, script=script)
    card = render_styled(person.identity, style, width=width, rng=rng)
    meta.update(
        family=family,
        value_face=style.faces.value[0],
        number_face=style.faces.number[0],
        artwork=style.art.background,
        bilingual=style.script,
        hologram=style.art.hologram,
    )
    return card


def _encode(
    frame: U8, rng: np.random.Generator, lo: int, hi: int, meta: dict[str, object]
) -> bytes:
    q = int(rng.integers(lo, hi + 1))
    meta["format"] = f"jpeg{q}"
    return _jpeg(frame, q)


def _tight(card: U8, rng: np.random.Generator, bg: tuple[int, int, int]) -> tuple[U8, Quad]:
    """The image is the card: each edge cut or padded by up to two pixels; the rounded
    corners show ``bg``."""
    h, w = card.shape[:2]
    a = card[..., 3:4].astype(np.float32) / 255.0
    flat = card[..., :3].astype(np.float32) * a + np.array(bg, np.float32) * (1 - a)
    cut = [int(rng.integers(-2, 3)) for _ in range(4)]  # left, top, right, bottom (+ = cut)
    pad = max(0, -min(cut))
    canvas = np.empty((h + 2 * pad, w + 2 * pad, 3), np.float32)
    canvas[:] = np.array(bg, np.float32)
    canvas[pad : pad + h, pad : pad + w] = flat
    x0, y0 = pad + cut[0], pad + cut[1]
    x1, y1 = pad + w - cut[2], pad + h - cut[3]
    img = np.ascontiguousarray(np.clip(canvas[y0:y1, x0:x1] + 0.5, 0, 255).astype(np.uint8))
    quad = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64) + np.array([pad - x0, pad - y0])
    return img, quad


def _scan_styled(
    person: Person,
    side: str,
    family: str,
    rng: np.random.Generator,
    meta: dict[str, object],
    *,
    kind: str | None = None,
) -> tuple[bytes, Quad]:
    kind = kind or SCAN_KINDS[int(rng.choice(len(SCAN_KINDS), p=_SCAN_P))]
    meta["capture"] = kind
    if kind == "tight":
        width = int(rng.integers(450, 1401))
        card = _styled_card(person, side, family, rng, width=width, meta=meta)
        bg = (255, 255, 255) if rng.random() < 0.6 else clutter.color(rng, 40, 230)
        frame, quad = _tight(card.bgra, rng, bg)
        frame = clutter.add_noise(frame, float(rng.uniform(0.3, 1.5)), rng)
        meta.update(width=frame.shape[1], height=frame.shape[0])
        if rng.random() < 0.2:
            meta["format"] = "png"
            return _png(frame), quad
        return _encode(frame, rng, 80, 95, meta), quad
    if kind == "web":
        width = int(rng.integers(300, 521))
        render_w = min(MAX_RENDER_WIDTH, width * int(rng.integers(2, 4)))
        card = _styled_card(person, side, family, rng, width=render_w, meta=meta)
        bg = (255, 255, 255) if rng.random() < 0.7 else clutter.color(rng, 40, 230)
        big, quad = _tight(card.bgra, rng, bg)
        scale = width / big.shape[1]
        frame = np.asarray(
            cv2.resize(big, (width, round(big.shape[0] * scale)), interpolation=cv2.INTER_AREA),
            np.uint8,
        )
        quad = quad * scale
        if rng.random() < 0.4:
            meta["watermark"] = overlays.watermark(frame, family_overlay(family, rng), rng)
        meta.update(width=frame.shape[1], height=frame.shape[0])
        return _encode(frame, rng, 60, 92, meta), quad
    # Flatbed scan (also the photocopy): the card on the glass with a margin.
    img_w = int(rng.integers(700, 1401))
    ml, mr, mt, mb = (float(v) for v in rng.uniform(0, 0.04, 4))
    if kind == "copy":
        ml, mr, mt, mb = (float(v) for v in rng.uniform(0.03, 0.3, 4))
    card_w = round(img_w / (1 + ml + mr))
    card_h = card_height(card_w)
    img_h = round(card_h * (1 + mt + mb))
    bed = np.full((img_h, img_w, 3), int(rng.integers(215, 256)), np.uint8)
    frame = np.ascontiguousarray(
        np.clip(bed.astype(np.int16) + rng.integers(-4, 5, 3).astype(np.int16), 0, 255).astype(
            np.uint8
        )
    )
    angle = math.radians(float(rng.uniform(-1.0, 1.0))) if rng.random() < 0.3 else 0.0
    cx = img_w * ml / (1 + ml + mr) + card_w / 2
    cy = img_h * mt / (1 + mt + mb) + card_h / 2
    quad = clutter.rect_quad(cx, cy, card_w, card_h, angle)
    if quad.min() < 0 or (quad[:, 0] > img_w).any() or (quad[:, 1] > img_h).any():
        quad = clutter.rect_quad(cx, cy, card_w, card_h, 0.0)
    card = _styled_card(person, side, family, rng, width=card_w, meta=meta)
    clutter.paste_quad(frame, card.bgra, quad)
    if kind == "copy":
        frame = effects.photocopy(frame, rng)
    else:
        gain, bias = float(rng.uniform(0.95, 1.06)), float(rng.uniform(-8, 6))
        frame = np.asarray(cv2.convertScaleAbs(frame, alpha=gain, beta=bias), np.uint8)
        frame = clutter.add_noise(frame, float(rng.uniform(0.3, 1.8)), rng)
    meta.update(width=img_w, height=img_h, skew_deg=round(math.degrees(angle), 3))
    if kind == "flatbed" and rng.random() < 0.2:
        meta["format"] = "png"
        return _png(frame), quad
    return _encode(frame, rng, 82, 95, meta), quad


def family_overlay(family: str, rng: np.random.Generator) -> tuple[str, ...]:
    """A face chain for frame overlays (watermarks) owned by ``family``."""
    pool = SPECS[family].overlay_text
    return pool[int(rng.integers(len(pool)))]


def _photo_styled(
    person: Person,
    side: str,
    family: str,
    rng: np.random.Generator,
    meta: dict[str, object],
    *,
    hard: bool,
    effects_: tuple[str, ...] | None = None,
) -> tuple[bytes, Quad]:
    fx: tuple[str, ...] = ()
    if hard:
        if effects_ is not None:
            fx = effects_
        else:
            n = 1 if rng.random() < 0.55 else 2
            idx = rng.choice(len(STYLED_HARD_EFFECTS), size=n, replace=False)
            fx = tuple(STYLED_HARD_EFFECTS[int(i)] for i in sorted(idx))
    phone = not hard and rng.random() < PHONE_SHARE
    if phone:
        fw, fh = (4000, 3000) if rng.random() < 0.5 else (3000, 4000)
    else:
        fw, fh = _frame_size(rng, 1000, 2000, 0.0 if hard else 0.08, None)
    edge_px = float(rng.uniform(330, 450)) if "small" in fx else None
    min_edge = float(rng.uniform(450, 650) if hard else rng.uniform(520, 800))
    if phone:
        min_edge = float(rng.uniform(1100, 2400))
    quad = _pose(
        rng, fw, fh, CARD_HEIGHT_PER_WIDTH, edge_px=edge_px, frac=(0.3, 0.85), min_edge=min_edge
    )
    frame = _scene_background(rng, fw, fh)
    card = _styled_card(person, side, family, rng, width=_render_width(quad), meta=meta)
    clutter.drop_shadow(frame, quad, rng, float(rng.uniform(0.15, 0.5)))
    clutter.paste_quad(frame, card.bgra, quad)
    edge = float(np.linalg.norm(quad[1] - quad[0]))
    if "glare" in fx:
        _glare(frame, quad, rng)
    if "sheen" in fx:
        effects.sheen(frame, quad, rng, float(rng.uniform(0.45, 0.75)))
    elif rng.random() < 0.25:
        effects.sheen(frame, quad, rng, float(rng.uniform(0.15, 0.4)))
        meta["sheen"] = True
    if "light" in fx:
        frame = clutter.apply_light(frame, rng, float(rng.uniform(0.35, 0.6)))
        frame = clutter.vignette(frame, float(rng.uniform(0.25, 0.55)))
    else:
        frame = clutter.apply_light(frame, rng, float(rng.uniform(0.05, 0.22)))
    if "screen" in fx:
        frame = effects.screen_photo(frame, rng)
    if "copy" in fx:
        frame = effects.photocopy(frame, rng)
    if "blur" in fx:
        frame = _blur(frame, edge, rng, meta)
    if "watermark" in fx:
        meta["watermark"] = overlays.watermark(frame, family_overlay(family, rng), rng)
    if "stamp" in fx or (not hard and rng.random() < 0.08):
        meta["date_stamp"] = overlays.date_stamp(frame, card.style.art.stamp, rng)
    if "noise" in fx:
        sigma = float(rng.uniform(6, 14))
        meta["noise_sigma"] = round(sigma, 1)
        frame = clutter.add_noise(frame, sigma, rng)
    elif phone:
        # Sensor noise at the strength that gives a phone's 3-5 MB JPEG at quality 93-95.
        frame = clutter.add_noise(frame, float(rng.uniform(4.5, 6.0)), rng)
    elif max(fw, fh) <= 2400:
        frame = clutter.add_noise(frame, float(rng.uniform(0.5, 2.5)), rng)
    meta.update(width=fw, height=fh, card_edge_px=round(edge, 1), effects=list(fx), phone=phone)
    if phone:
        return _encode(frame, rng, 93, 95, meta), quad
    if "jpeg" in fx:
        return _encode(frame, rng, 30, 60, meta), quad
    return _encode(frame, rng, 80, 92, meta), quad


def _build_styled(
    scene: str, index: int, seed: int, family: str, *, opts: _Options, name: str | None
) -> Sample:
    rng = np.random.default_rng([seed, SCENES.index(scene), index, 1 + FAMILY_INDEX[family]])
    meta: dict[str, object] = {"seed": seed, "index": index, "style": family}
    if scene == "negative":
        image = _negative(rng, opts, meta)
        return Sample(name or f"negative-{index:04d}", scene, None, image, "201", {}, None, meta)
    side = "front" if scene == "rare" or index % 2 == 0 else "back"
    person = draw_person(rng, rare=True if scene == "rare" else None)
    ident = person.identity
    meta["rare"] = (
        has_rare(ident.name + ident.address) if side == "front" else has_rare(ident.issued_by)
    )
    if scene in ("scan", "rare"):
        kind = None if scene == "scan" else ("flatbed" if rng.random() < 0.6 else "tight")
        image, quad = _scan_styled(person, side, family, rng, meta, kind=kind)
    else:
        image, quad = _photo_styled(
            person, side, family, rng, meta, hard=scene == "hard", effects_=opts.effects
        )
    fields = ident.front_fields() if side == "front" else ident.back_fields()
    return Sample(
        name or f"{scene}-{index:04d}-{side}",
        scene,
        side,
        image,
        "200",
        {"type": side, **fields},
        _corners(quad),
        meta,
    )


FAMILY_INDEX: Final = {"tuned": 0, "heldout": 1}


# --- public ------------------------------------------------------------------------------


def _build(
    scene: str,
    index: int,
    seed: int,
    opts: _Options,
    name: str | None = None,
    *,
    style: str = "classic",
) -> Sample:
    if scene not in SCENES:
        raise ValueError(f"unknown scene {scene!r}; expected one of {SCENES}")
    check_style(style)
    if style != "classic":
        return _build_styled(scene, index, seed, style, opts=opts, name=name)
    if scene not in CLASSIC_SCENES:
        raise ValueError(f"the classic style has no {scene!r} scene")
    rng = np.random.default_rng([seed, SCENES.index(scene), index])
    meta: dict[str, object] = {"seed": seed, "index": index}
    if scene == "negative":
        image = _negative(rng, opts, meta)
        return Sample(name or f"negative-{index:04d}", scene, None, image, "201", {}, None, meta)
    side = "front" if index % 2 == 0 else "back"
    identity = make_identity(rng)
    if scene == "scan":
        image, quad = _scan(identity, side, rng, opts, meta)
    else:
        image, quad = _photo(identity, side, rng, opts, meta=meta, hard=scene == "hard")
    fields = identity.front_fields() if side == "front" else identity.back_fields()
    expected = {"type": side, **fields}
    return Sample(
        name or f"{scene}-{index:04d}-{side}",
        scene,
        side,
        image,
        "200",
        expected,
        _corners(quad),
        meta,
    )


def make_sample(scene: str, index: int, seed: int = 0, style: str = DEFAULT_STYLE) -> Sample:
    """One sample, deterministic from (scene, index, seed, style). Even index: front, odd:
    back (``rare``: always a front whose name or address has a GB2312 level-2 character).

    ``style`` is ``tuned`` (the default, for training and tuning), ``heldout`` (never for
    tuning: the generalisation split) or ``classic`` (the first renderer, unchanged)."""
    return _build(scene, index, seed, _Options(), style=style)


def iter_samples(
    scene: str, count: int, seed: int = 0, style: str = DEFAULT_STYLE
) -> Iterator[Sample]:
    for i in range(count):
        yield make_sample(scene, i, seed, style)


GOLDEN_SEED: Final = 20240601


def golden_samples() -> list[Sample]:
    """The small fixed golden set: scan/photo/hard fronts and backs, rotations, negatives.

    Drawn in the classic style, so ``make golden`` reproduces the committed set exactly."""
    s = GOLDEN_SEED
    cap = _Options(max_long=1280)
    out = [_build("scan", 0, s, _Options(max_long=1000, png=True))]
    out += [_build("scan", i, s, _Options(max_long=1400, png=False)) for i in range(1, 4)]
    out += [_build("photo", i, s, cap) for i in range(6)]
    out.append(
        _build("photo", 100, s, _Options(rotation=180.0, max_long=1280), "photo-rot180-front")
    )
    out.append(_build("photo", 101, s, _Options(rotation=90.0, max_long=1280), "photo-rot090-back"))
    out.append(
        _build("photo", 102, s, _Options(rotation=270.0, max_long=1280), "photo-rot270-front")
    )
    hard_fx: tuple[tuple[str, ...], ...] = (
        ("blur",),
        ("noise",),
        ("jpeg",),
        ("light",),
        ("glare",),
        ("small",),
        ("blur", "jpeg"),
        ("glare", "noise"),
    )
    for i, fx in enumerate(hard_fx):
        out.append(
            _build(
                "hard",
                i,
                s,
                _Options(max_long=1280, effects=fx),
                f"hard-{i:04d}-{'front' if i % 2 == 0 else 'back'}-{'_'.join(fx)}",
            )
        )
    for i, kind in enumerate(("bank", "document", "blank", "business")):
        out.append(
            _build(
                "negative",
                i,
                s,
                _Options(max_long=1280, negative_kind=kind),
                f"negative-{i:04d}-{kind}",
            )
        )
    return out
