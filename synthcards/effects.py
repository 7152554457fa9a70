"""Capture effects of the randomised scenes: photocopies, photos of a screen, lamination sheen.

Each takes a BGR frame (and the card's quad where it matters) and returns or changes the
frame; all randomness comes from the generator passed in.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from . import clutter

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
Floats = npt.NDArray[np.floating]
Quad = npt.NDArray[np.float64]


def photocopy(frame: U8, rng: np.random.Generator) -> U8:
    """A black-and-white photocopy: grey, steep contrast, toner speckles, a little blur."""
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)
    k = float(rng.uniform(1.3, 2.0))
    paper = float(rng.uniform(225, 250))
    mid = float(rng.uniform(140, 185))
    out = (gray - mid) * k + mid
    out = np.where(out > paper - 25, paper + (out - paper) * 0.2, out)  # the paper washes out
    h, w = out.shape
    n = int(h * w * float(rng.uniform(0.0005, 0.003)))
    ys = rng.integers(0, h, n)
    xs = rng.integers(0, w, n)
    out[ys, xs] = rng.uniform(20, 120, n)
    field = clutter.smooth_field(rng, w, h, 5, 4)
    out += field * float(rng.uniform(4, 12))
    out = np.clip(out, 0, 255).astype(np.uint8)
    sigma = float(rng.uniform(0.4, 1.0)) * max(1.0, w / 1200)
    out = np.asarray(cv2.GaussianBlur(out, (0, 0), sigma), np.uint8)
    return np.asarray(cv2.cvtColor(out, cv2.COLOR_GRAY2BGR), np.uint8)


def screen_photo(frame: U8, rng: np.random.Generator) -> U8:
    """A phone photo of a screen showing the picture: pixel-grid moiré, a colour cast, raised
    black level, slight blur."""
    h, w = frame.shape[:2]
    img = frame.astype(np.float32)
    gains = np.array(
        [rng.uniform(1.0, 1.2), rng.uniform(0.92, 1.08), rng.uniform(0.8, 1.0)], np.float32
    )
    img = img * gains[None, None, :] * float(rng.uniform(0.8, 0.95)) + float(rng.uniform(8, 30))
    gamma = float(rng.uniform(0.8, 1.2))
    img = 255.0 * (np.clip(img, 0, 255) / 255.0) ** gamma
    # Moiré: the screen's pixel grid beating against the camera's, slightly rotated.
    sw, sh = max(8, w // 2), max(8, h // 2)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    ang = math.radians(float(rng.uniform(-12, 12)))
    u = xx * math.cos(ang) + yy * math.sin(ang)
    v = -xx * math.sin(ang) + yy * math.cos(ang)
    p1, p2 = float(rng.uniform(2.2, 6.0)), float(rng.uniform(2.2, 6.0))
    wave = np.sin(2 * np.pi * u / p1) * np.sin(2 * np.pi * v / p2)
    beat = 0.5 + 0.5 * np.sin(2 * np.pi * (u / float(rng.uniform(40, 160))))
    moire = 1.0 + float(rng.uniform(0.05, 0.14)) * wave * beat
    big = np.asarray(cv2.resize(moire.astype(np.float32), (w, h)), np.float32)
    img *= big[..., None]
    out = np.clip(img, 0, 255).astype(np.uint8)
    return np.asarray(cv2.GaussianBlur(out, (0, 0), float(rng.uniform(0.5, 1.2))), np.uint8)


def sheen(frame: U8, quad: Quad, rng: np.random.Generator, strength: float) -> None:
    """Lamination glare: a soft bright band across the card (specular, slightly tinted)."""
    fh, fw = frame.shape[:2]
    x0 = max(0, int(quad[:, 0].min()))
    y0 = max(0, int(quad[:, 1].min()))
    x1 = min(fw, math.ceil(quad[:, 0].max()))
    y1 = min(fh, math.ceil(quad[:, 1].max()))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return
    h, w = y1 - y0, x1 - x0
    sw, sh = 64, max(2, round(64 * h / w))
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    ang = float(rng.uniform(0, math.pi))
    d = (xx / sw - float(rng.uniform(0.2, 0.8))) * math.cos(ang) + (
        yy / sw - float(rng.uniform(0.1, 0.5)) * sh / sw
    ) * math.sin(ang)
    width = float(rng.uniform(0.05, 0.18))
    band = np.exp(-((d / width) ** 2)).astype(np.float32)
    band = np.asarray(cv2.resize(band, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
    mask = np.zeros((fh, fw), np.uint8)
    cv2.fillPoly(mask, [quad.round().astype(np.int32)], 255)
    m = band * (mask[y0:y1, x0:x1].astype(np.float32) / 255.0) * strength
    tint = np.array([255, 250, 240], np.float32) - rng.uniform(0, 20, 3).astype(np.float32)
    roi = frame[y0:y1, x0:x1].astype(np.float32)
    roi += m[..., None] * (tint - roi)
    frame[y0:y1, x0:x1] = np.clip(roi, 0, 255).astype(np.uint8)


#: White-balance gains (per BGR channel) of :func:`white_balance`: a phone under tungsten light
#: (blue down, red up) or in shade (the other way).
CAST_GAINS = (0.78, 1.12)
#: How much darker :func:`cast_shadow` leaves the shaded side (share of the light taken).
SHADOW_DEPTH = (0.3, 0.65)


def white_balance(img: Floats, rng: np.random.Generator) -> Floats:
    """``img`` (float BGR) with a random gain in :data:`CAST_GAINS` on each channel."""
    gains: Floats = rng.uniform(*CAST_GAINS, size=3).astype(np.float32)
    return img * gains


def cast_shadow(img: Floats, rng: np.random.Generator, *, soft_px: tuple[float, float]) -> Floats:
    """``img`` (float BGR) under the shadow of something held over it (a phone, a hand): a
    straight edge at a random angle within 35% of the longer side of the middle, blurred over
    ``soft_px`` pixels, everything beyond it :data:`SHADOW_DEPTH` darker."""
    h, w = img.shape[:2]
    angle = float(rng.uniform(0, 2 * np.pi))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    across = (xx - w / 2) * np.cos(angle) + (yy - h / 2) * np.sin(angle)
    edge = float(rng.uniform(-0.35, 0.35)) * max(h, w)
    soft = float(rng.uniform(*soft_px))
    beyond = 1.0 / (1.0 + np.exp(np.clip((edge - across) / soft, -50.0, 50.0)))
    light: Floats = 1.0 - float(rng.uniform(*SHADOW_DEPTH)) * beyond
    return img * light[..., None]
