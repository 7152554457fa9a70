"""The randomised card renderer: one side of a card drawn in a sampled :class:`CardStyle`.

The renderer keeps its own geometry (fractions of the card's width W and height H, nominal
positions from the physical card as in DESIGN.md §4, spreads per family in
:mod:`synthcards.styles`); it never imports the reader's template. Every text run it draws is
recorded (:class:`DrawnText`: role, text, box, faces), so tests can check that the labels
say what was drawn and that no glyph was missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from . import artwork, bilingual
from .fonts import advance, covers, font, stroke_px
from .identity import Identity
from .overlays import hologram
from .render import CORNER_RADIUS_MM, card_height, rounded_mask
from .styles import CardStyle

U8 = npt.NDArray[np.uint8]
Box = tuple[float, float, float, float]

#: Where the visual centre of a CJK glyph sits above the baseline, in em.
_CENTRE: Final = 0.37
_LABELS: Final[dict[str, str]] = {
    "name": "姓名", "gender": "性别", "race": "民族", "birth": "出生", "address": "住址",
    "id_no": "公民身份号码", "issued_by": "签发机关", "valid_date": "有效期限",
}  # fmt: skip
COUNTRY: Final = "中华人民共和国"
CARD_TITLE: Final = "居民身份证"


@dataclass(frozen=True)
class DrawnText:
    """One text run as drawn: ``role`` is a field (``name`` ...), ``label:<field>``,
    ``title:country`` / ``title:card``, or ``minority:<what>``."""

    role: str
    text: str
    box: Box  # x0, y0, x1, y1 in card pixels
    faces: tuple[str, ...]  # the faces that drew its characters


@dataclass(frozen=True)
class RenderedCard:
    bgra: U8
    texts: tuple[DrawnText, ...]
    style: CardStyle
    portrait: tuple[int, int, int, int] | None = None  # the photo's box on a front

    def field_text(self, field: str) -> str:
        """The field's value as drawn (address lines joined)."""
        return "".join(t.text for t in self.texts if t.role == field)

    def boxes(self, role: str) -> list[Box]:
        return [t.box for t in self.texts if t.role == role]


def pick_face(chain: tuple[str, ...], ch: str) -> str:
    """The first face of ``chain`` that has ``ch`` (the last one when none has it)."""
    for key in chain:
        if covers(key, ch):
            return key
    return chain[-1]


class Pen:
    def __init__(self, img: Image.Image) -> None:
        self.img = img
        self.draw = ImageDraw.Draw(img)
        self.w, self.h = img.size
        self.texts: list[DrawnText] = []

    def width(self, text: str, chain: tuple[str, ...], size: int, spacing: float) -> float:
        adv = [advance(pick_face(chain, ch), size, ch) for ch in text]
        return sum(adv) + spacing * size * max(0, len(text) - 1)

    def run(  # noqa: PLR0917 - a drawing primitive, called positionally
        self,
        role: str,
        x: float,
        yc: float,
        text: str,
        chain: tuple[str, ...],
        size: int,
        fill: tuple[int, int, int],
        spacing: float = 0.0,
        *,
        align: str = "l",
    ) -> Box:
        """Draw ``text`` character by character (letter spacing in em), left edge at ``x``
        (right edge with ``align="r"``), visual centre at ``yc``; returns its box."""
        size = max(4, int(size))
        total = self.width(text, chain, size, spacing)
        if align == "r":
            x -= total
        base = yc + _CENTRE * size
        used: list[str] = []
        cx = x
        for ch in text:
            key = pick_face(chain, ch)
            if ch != " ":
                sw = stroke_px(key, size)
                self.draw.text(
                    (cx, base), ch, font=font(key, size), fill=fill, anchor="ls",
                    stroke_width=sw, stroke_fill=fill if sw else None,
                )  # fmt: skip
                if key not in used:
                    used.append(key)
            cx += advance(key, size, ch) + spacing * size
        box = (x, yc - 0.5 * size, x + total, yc + 0.5 * size)
        self.texts.append(DrawnText(role, text, box, tuple(used)))
        return box

    def shaped(  # noqa: PLR0917 - a drawing primitive, called positionally
        self,
        role: str,
        x: float,
        yc: float,
        text: str,
        key: str,
        size: int,
        fill: tuple[int, int, int],
        *,
        align: str = "l",
        vertical: bool = False,
        max_len: float | None = None,
    ) -> Box | None:
        """Draw a shaped run (Arabic, Tibetan, Mongolian ...) in one face; ``vertical`` sets
        it top to bottom (the run rotated a quarter turn clockwise), ``x`` its left edge.
        A run longer than ``max_len`` px is set smaller (down to 0.65×), then loses words."""
        size = max(4, int(size))
        words = text.split(" ")
        while True:
            f = font(key, size)
            x0, y0, x1, y1 = f.getbbox(text, anchor="ls")
            if max_len is None or x1 - x0 <= max_len:
                break
            smaller = max(round(size * max_len / (x1 - x0)), 6)
            if smaller < size and smaller >= 0.65 * size:
                size = smaller
                continue
            if len(words) > 1:
                words = words[:-1]
                text = " ".join(words)
                continue
            return None
        tw, th = max(1, math.ceil(x1 - x0) + 2), max(1, math.ceil(y1 - y0) + 2)
        layer = Image.new("L", (tw, th), 0)
        ImageDraw.Draw(layer).text((1 - x0, 1 - y0), text, font=f, fill=255, anchor="ls")
        if vertical:
            layer = layer.transpose(Image.Transpose.ROTATE_270)
            tw, th = th, tw
            left, top = x, yc - th / 2
        else:
            left = x - tw if align == "r" else x
            top = yc - th / 2
        colour = Image.new("RGB", layer.size, fill)
        self.img.paste(colour, (round(left), round(top)), layer)
        box = (left, top, left + tw, top + th)
        self.texts.append(DrawnText(role, text, box, (key,)))
        return box


def wrap_by_width(
    text: str, pen: Pen, chain: tuple[str, ...], *, size: int, spacing: float, max_w: float
) -> list[str]:
    """Break ``text`` into lines no wider than ``max_w`` px (any character may end a line)."""
    lines: list[str] = []
    cur = ""
    for ch in text:
        if cur and pen.width(cur + ch, chain, size, spacing) > max_w:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur or not lines:
        lines.append(cur)
    return lines


# --- front -------------------------------------------------------------------------------


def _front(
    pen: Pen, ident: Identity, st: CardStyle, rng: np.random.Generator
) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    """Lay out and draw the front; returns the portrait box and the number's box."""
    W, H = pen.w, pen.h
    L = st.layout
    f, p = st.faces, st.palette
    script = st.script
    bil = script is not None and f.minority is not None
    vertical = bil and script in bilingual.VERTICAL
    above = bil and not vertical
    shrink = 0.86 if above else 1.0
    val = round(L["value_size"] * H * shrink)
    lab = round(min(L["label_size"], 0.97 * L["value_size"]) * H * shrink)  # labels print smaller
    msize = round(val * float(rng.uniform(0.55, 0.68)))
    lab_sp = L["label_spacing"]
    val_sp = L["value_spacing"]
    label_x = L["label_x"] * W
    if vertical:
        label_x += msize * 1.3
    label_w = pen.width("姓名", f.label, lab, lab_sp)
    value_x = max(L["value_x"] * W, label_x + label_w + 0.02 * W)
    gap = value_x - (label_x + label_w)
    extra = (msize * 1.15) if above else 0.0
    name_y = L["name_y"] * H + (extra * 0.6 if above else 0.0)
    ys = {"name": name_y}
    ys["gender"] = ys["name"] + L["pitch_gender"] * H + extra * 0.8
    ys["birth"] = ys["gender"] + L["pitch_birth"] * H + extra * 0.8
    ys["address"] = ys["birth"] + L["pitch_address"] * H + extra * 0.8
    number_y = max(L["number_y"] * H, H * 0.84 if above else 0.0)
    num_size = round(L["number_size"] * H * (0.94 if above else 1.0))

    # Portrait.
    px0 = L["photo_x"] * W
    pw = L["photo_w"] * W
    py0 = L["photo_y"] * H
    ph = L["photo_h"] * H
    px1 = min(px0 + pw, 0.955 * W)
    py1 = min(py0 + ph, number_y - 0.5 * num_size - 0.03 * H)
    pbox = (round(px0), round(py0), round(px1), round(py1))

    # Address: wrap by printed width, at most three lines, fitting above the number.
    right = px0 - float(rng.uniform(0.006, 0.03)) * W
    max_w = right - value_x
    lines = wrap_by_width(ident.address, pen, f.value, size=val, spacing=val_sp, max_w=max_w)
    while len(lines) > 3:
        if val_sp > -0.02:
            val_sp = max(-0.02, val_sp - 0.03)
        else:
            val = max(8, round(val * 0.95))
        lines = wrap_by_width(ident.address, pen, f.value, size=val, spacing=val_sp, max_w=max_w)
    pitch = max(L["address_pitch"] * H, val * 1.12)
    limit = number_y - 0.5 * max(num_size, lab) - (extra + 0.03 * H)
    for _ in range(40):
        bottom = ys["address"] + (len(lines) - 1) * pitch + 0.5 * val
        if bottom <= limit:
            break
        if pitch > val * 1.06:
            pitch *= 0.97
        else:
            for k in ys:
                ys[k] -= 0.004 * H * (0.5 if k == "name" else 1.0)
            ys["address"] -= 0.002 * H

    def minority(
        role: str, x: float, yc: float, size: int, text: str, *, right: float, room: float
    ) -> None:
        if not above or f.minority is None or script is None:
            return
        my = yc - 0.5 * size - 0.5 * msize - 0.12 * msize
        if script in bilingual.RTL:
            pen.shaped(f"minority:{role}", right, my, text, f.minority, msize, p.label,
                       align="r", max_len=room)  # fmt: skip
        else:
            pen.shaped(f"minority:{role}", x, my, text, f.minority, msize, p.label, max_len=room)

    def label(role: str, x: float, yc: float, spacing: float) -> Box:
        text = _LABELS[role]
        box = pen.run(f"label:{role}", x, yc, text, f.label, lab, p.label, spacing)
        if bil and script is not None and f.minority is not None:
            mt = bilingual.label(script, role)
            if vertical:
                pen.shaped(f"minority:label:{role}", x - msize * 1.25, yc, mt, f.minority,
                           msize, p.label, vertical=True, max_len=0.11 * H)  # fmt: skip
            else:
                room = max(box[2] - x, value_x - x - 0.01 * W)
                minority(f"label:{role}", x, yc, lab, mt, right=box[2], room=room)
        return box

    def mwords(n: int) -> str:
        return bilingual.words(script or "zhuang", rng, n)

    # Name.
    label("name", label_x, ys["name"], lab_sp)
    nsize = round(val * L["name_scale"])
    name_sp = max(val_sp, 0.0)
    name_room = px0 - 0.012 * W - value_x
    while pen.width(ident.name, f.name, nsize, name_sp) > name_room and nsize > 8:
        if name_sp > 0:  # a long (transliterated) name is set tighter, then smaller
            name_sp = max(0.0, name_sp - 0.03)
        else:
            nsize = round(nsize * 0.95)
    box = pen.run("name", value_x, ys["name"], ident.name, f.name, nsize, p.ink, name_sp)
    minority("name", value_x, ys["name"], nsize, mwords(2), right=box[2], room=px0 - value_x)
    # Gender and ethnicity.
    label("gender", label_x, ys["gender"], lab_sp)
    gbox = pen.run("gender", value_x, ys["gender"], ident.gender, f.value, val, p.ink)
    room = max(gbox[2] - value_x, 0.09 * W)
    race_w = pen.width(ident.race, f.value, val, val_sp)
    race_lw = pen.width("民族", f.label, lab, lab_sp)
    rx = max(L["race_label_x"] * W, gbox[2] + 0.035 * W)
    overflow = rx + race_lw + gap + race_w - (px0 - 0.008 * W)
    if overflow > 0:
        rx = max(gbox[2] + 0.02 * W, rx - overflow)
    minority("gender", value_x, ys["gender"], val, mwords(1), right=gbox[2],
             room=min(room, rx - value_x - 0.015 * W))  # fmt: skip
    label("race", rx, ys["gender"], lab_sp)
    rbox = pen.run(
        "race", rx + race_lw + gap, ys["gender"], ident.race, f.value, val, p.ink, val_sp
    )
    minority("race", rbox[0], ys["gender"], val, mwords(1), right=rbox[2],
             room=px0 - 0.01 * W - rbox[0])  # fmt: skip
    # Birth: year 年 month 月 day 日 in columns (no leading zeros).
    label("birth", label_x, ys["birth"], lab_sp)
    b = ident.birth
    yb = ys["birth"]
    x = value_x
    g = float(rng.uniform(0.12, 0.5)) * val
    ybox = pen.run("birth:year", x, yb, f"{b.year}", f.value, val, p.ink, val_sp)
    x = ybox[2] + g
    x = pen.run("birth:unit", x, yb, "年", f.value, val, p.ink)[2] + g
    slot = pen.width("00", f.value, val, val_sp)
    pen.run("birth:month", x + slot, yb, f"{b.month}", f.value, val, p.ink, val_sp, align="r")
    x = x + slot + g
    x = pen.run("birth:unit", x, yb, "月", f.value, val, p.ink)[2] + g
    pen.run("birth:day", x + slot, yb, f"{b.day}", f.value, val, p.ink, val_sp, align="r")
    dbox = pen.run("birth:unit", x + slot + g, yb, "日", f.value, val, p.ink)
    minority("birth", value_x, yb, val, mwords(2), right=dbox[2], room=dbox[2] - value_x)
    # Address.
    label("address", label_x, ys["address"], lab_sp)
    for i, line in enumerate(lines):
        abox = pen.run(
            "address", value_x, ys["address"] + i * pitch, line, f.value, val, p.ink, val_sp
        )
        if i == 0:
            minority("address", value_x, ys["address"], val, mwords(3), right=abox[2],
                     room=max_w)  # fmt: skip
    # The number.
    nl_sp = float(rng.uniform(0.0, 0.15))
    nlbox = label("id_no", label_x, number_y, nl_sp)
    nx = max(L["number_x"] * W, nlbox[2] + 0.02 * W)
    sp = L["number_spacing"]
    for _ in range(30):
        if nx + pen.width(ident.id_no, f.number, num_size, sp) <= 0.965 * W:
            break
        if sp > 0.0:
            sp = max(0.0, sp - 0.02)
        else:
            num_size = max(8, round(num_size * 0.96))
    x0, y0, x1, y1 = pen.run("id_no", nx, number_y, ident.id_no, f.number, num_size, p.ink, sp)
    return pbox, (round(x0), round(y0), round(x1), round(y1))


# --- back --------------------------------------------------------------------------------


def _back(
    pen: Pen, ident: Identity, st: CardStyle, rng: np.random.Generator
) -> tuple[int, int, int]:
    """Lay out and draw the back's text; returns the emblem's centre and radius (drawn later,
    on the pixels: no text overlaps it)."""
    W, H = pen.w, pen.h
    L = st.layout
    f, p = st.faces, st.palette
    bil = st.script is not None and f.minority is not None and st.script not in bilingual.VERTICAL
    msize = round(L["value_size"] * H * float(rng.uniform(0.5, 0.62)))

    def minority(role: str, box: Box, text: str) -> None:
        if not bil or f.minority is None:
            return
        my = box[1] - 0.62 * msize
        room = max(box[2] - box[0], 0.2 * W)
        if st.script in bilingual.RTL:
            pen.shaped(f"minority:{role}", box[2], my, text, f.minority, msize, p.title,
                       align="r", max_len=room)  # fmt: skip
        else:
            pen.shaped(f"minority:{role}", box[0], my, text, f.minority, msize, p.title,
                       max_len=min(room, 0.96 * W - box[0]))  # fmt: skip

    er = L["emblem_r"] * H
    ex, ey = L["emblem_x"] * W, L["emblem_y"] * H
    t1 = round(L["title1_size"] * H)
    sp1 = float(rng.uniform(0.15, 0.45))
    x1 = max(L["title1_x"] * W, ex + er + 0.03 * W)
    while x1 + pen.width(COUNTRY, f.title, t1, sp1) > 0.95 * W and sp1 > 0:
        sp1 -= 0.05
    y1 = L["title1_y"] * H + (msize * 0.5 if bil else 0.0)
    b1 = pen.run("title:country", x1, y1, COUNTRY, f.title, t1, p.title, sp1)
    t2 = round(L["title2_size"] * H)
    sp2 = float(rng.uniform(0.25, 0.6))
    x2 = x1 - float(rng.uniform(0.0, 0.04)) * W
    while x2 + pen.width(CARD_TITLE, f.title, t2, sp2) > 0.95 * W and sp2 > 0:
        sp2 -= 0.05
    y2 = max(L["title2_y"] * H + (msize if bil else 0.0), b1[3] + 0.5 * t2 + 0.02 * H)
    b2 = pen.run("title:card", x2, y2, CARD_TITLE, f.title, t2, p.title, sp2)
    if bil and st.script is not None:
        minority("title:country", b1, bilingual.label(st.script, "country"))
        minority("title:card", b2, bilingual.label(st.script, "card"))

    lab = round(min(L["label_size"], 0.97 * L["value_size"]) * H * (0.9 if bil else 1.0))
    val = round(L["value_size"] * H * (0.9 if bil else 1.0))
    lsp = float(rng.uniform(0.0, 0.25))
    lx = L["back_label_x"] * W
    lw = pen.width("签发机关", f.label, lab, lsp)
    vx = max(L["back_value_x"] * W, lx + lw + 0.02 * W)
    vsp = max(0.0, L["value_spacing"])
    rows = (
        ("issued_by", ident.issued_by, L["issue_y"]),
        ("valid_date", ident.valid_date, L["valid_y"]),
    )
    for role, text, fy in rows:
        yc = fy * H + (msize * 0.4 if bil else 0.0)
        size, sp = val, vsp
        while vx + pen.width(text, f.value, size, sp) > 0.965 * W:
            if sp > -0.02:
                sp -= 0.02
            else:
                size = max(8, round(size * 0.96))
        lbox = pen.run(f"label:{role}", lx, yc, _LABELS[role], f.label, lab, p.back_label, lsp)
        vbox = pen.run(role, vx, yc, text, f.value, size, p.ink, sp)
        if bil and st.script is not None:
            minority(f"label:{role}", lbox, bilingual.label(st.script, role))
            if role == "issued_by":
                minority(role, vbox, bilingual.words(st.script, rng, 3))
    return round(ex), round(ey), round(er)


# --- public ------------------------------------------------------------------------------


def render_styled(
    ident: Identity, style: CardStyle, *, width: int, rng: np.random.Generator
) -> RenderedCard:
    """One side of the card in ``style``, as BGRA (alpha 0 outside the rounded corners)."""
    w = int(width)
    h = card_height(w)
    p = style.palette
    bg = artwork.background(
        style.art.background,
        style.side,
        style.art.variant,
        base=p.base,
        lines_rgb=p.lines,
        accent_rgb=p.accent,
        k_lines=p.line_strength,
        k_accent=p.accent_strength,
        rng=rng,
    )
    if style.side == "back":
        artwork.WALLS[style.art.wall](bg, rng)
    small = np.clip(bg, 0, 255).astype(np.uint8)
    img = np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), np.uint8)
    pen = Pen(Image.fromarray(img))
    holo_boxes: list[tuple[int, int, int, int]] = []
    if style.side == "front":
        pbox, nbox = _front(pen, ident, style, rng)
        rgb = np.asarray(pen.img).copy()
        # The portrait box holds no text: draw it after the text, on the pixels.
        artwork.PORTRAITS[style.art.portrait](rgb, pbox, rng, ident.gender)
        holo_boxes = [pbox, nbox]
    else:
        ex, ey, er = _back(pen, ident, style, rng)
        rgb = np.asarray(pen.img).copy()
        artwork.EMBLEMS[style.art.emblem](rgb, ex, ey, er, rng)
    if style.art.hologram is not None and holo_boxes:
        hologram(
            rgb,
            style.art.hologram,
            holo_boxes,
            strength=style.art.hologram_strength,
            faces=style.faces.overlay,
            rng=rng,
        )
    sigma = style.blur * w / 1000
    if sigma > 0.15:
        rgb = np.asarray(cv2.GaussianBlur(rgb, (0, 0), sigma), np.uint8)
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = rgb[..., ::-1]
    out[..., 3] = rounded_mask(w, h, CORNER_RADIUS_MM / 54.0 * h)
    return RenderedCard(out, tuple(pen.texts), style, holo_boxes[0] if holo_boxes else None)
