"""Defects applied on purpose, for the tests of the service's quality and consistency warnings.

``card_on_desk`` renders a card on a plain desk with a margin (a clean, complete picture);
the other functions each add one defect: blur, glare over a point of the card, a black-and-
white copy, the frame cutting the card off. Identities with inconsistent numbers come from
:func:`inconsistent`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from processor.card.facts import check_char

from .identity import Identity, make_identity
from .render import card_height, render_card

U8 = npt.NDArray[np.uint8]

#: Card width and desk margin of :func:`card_on_desk`, in pixels.
CARD_WIDTH: Final = 1000
MARGIN: Final = 80


def identity(seed: int) -> Identity:
    return make_identity(np.random.default_rng(seed))


def card_on_desk(ident: Identity, side: str, seed: int = 0) -> tuple[U8, npt.NDArray[np.float64]]:
    """The card, upright, on a grey-brown desk; returns the BGR frame and the card's corners
    (TL, TR, BR, BL) in its pixels."""
    rng = np.random.default_rng(seed)
    card = render_card(ident, side, width=CARD_WIDTH, rng=rng)
    h, w = card_height(CARD_WIDTH), CARD_WIDTH
    frame = np.full((h + 2 * MARGIN, w + 2 * MARGIN, 3), (92, 104, 118), np.uint8)
    frame = np.clip(frame + rng.integers(-6, 7, frame.shape), 0, 255).astype(np.uint8)
    frame[MARGIN : MARGIN + h, MARGIN : MARGIN + w] = card
    corners = np.array(
        [[MARGIN, MARGIN], [MARGIN + w, MARGIN], [MARGIN + w, MARGIN + h], [MARGIN, MARGIN + h]],
        np.float64,
    )
    return frame, corners


def blur(frame: U8, sigma: float) -> U8:
    return np.asarray(cv2.GaussianBlur(frame, (0, 0), sigma), np.uint8)


def glare(frame: U8, corners: npt.NDArray[np.float64], u: float, v: float, radius: float) -> U8:
    """A bright, soft reflection centred at (u, v) of the card (fractions of its width and
    height), ``radius`` a fraction of the card's width; it washes the print out near its centre."""
    top = corners[0] + u * (corners[1] - corners[0])
    bottom = corners[3] + u * (corners[2] - corners[3])
    cx, cy = top + v * (bottom - top)
    r = radius * float(np.linalg.norm(corners[1] - corners[0]))
    yy, xx = np.mgrid[0 : frame.shape[0], 0 : frame.shape[1]].astype(np.float32)
    d = np.hypot(xx - cx, yy - cy) / max(r, 1.0)
    mask = np.clip(1.3 - d * d, 0.0, 1.0)[..., None]
    out = frame.astype(np.float32)
    out += mask * (255.0 - out)
    return np.clip(out, 0, 255).astype(np.uint8)


def grayscale(frame: U8) -> U8:
    """A black-and-white copy (still three channels, as a scanner or phone would save it)."""
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return np.asarray(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), np.uint8)


def cut(frame: U8, corners: npt.NDArray[np.float64], side: str, fraction: float) -> U8:
    """The frame cropped so that ``fraction`` of the card's width (left/right) or height
    (top/bottom) falls outside it."""
    x0, y0 = corners[0]
    x1, y1 = corners[2]
    if side == "right":
        return frame[:, : int(x1 - fraction * (x1 - x0))].copy()
    if side == "left":
        return frame[:, int(x0 + fraction * (x1 - x0)) :].copy()
    if side == "bottom":
        return frame[: int(y1 - fraction * (y1 - y0))].copy()
    if side == "top":
        return frame[int(y0 + fraction * (y1 - y0)) :].copy()
    raise ValueError(f"side must be left, right, top or bottom, not {side!r}")


def inconsistent(ident: Identity, what: str) -> Identity:
    """The identity with one inconsistency printed on the card: ``check`` (wrong check
    character), ``birth`` (printed birth differs from the number's by years), ``gender``
    (printed gender contradicts the number's parity), ``region`` (a valid number whose first
    six digits, 990000, are no division code)."""
    if what == "check":
        good = ident.id_no[17]
        bad = "0" if good != "0" else "1"
        return dataclasses.replace(ident, id_no=ident.id_no[:17] + bad)
    if what == "birth":
        birth = ident.birth
        moved = birth.replace(year=birth.year - 7 if birth.year > 1950 else birth.year + 7)
        return dataclasses.replace(ident, birth=moved)
    if what == "gender":
        return dataclasses.replace(ident, gender="女" if ident.gender == "男" else "男")
    if what == "region":
        first17 = "990000" + ident.id_no[6:17]
        return dataclasses.replace(ident, id_no=first17 + check_char(first17))
    raise ValueError(f"unknown inconsistency {what!r}")


def with_validity(ident: Identity, start: dt.date, end: dt.date | None) -> Identity:
    return dataclasses.replace(ident, valid_from=start, valid_to=end)


def jpeg(frame: U8, quality: int = 92) -> bytes:
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return bytes(buf.tobytes())
