"""Style families of the synthetic cards: what is randomised, and which family owns what.

The service read 99.5% of the first renderer's photos and 64% of real cards: everything had been
tuned on one rendering style. So cards are now drawn in two families that share nothing but
the card's facts (size, fields, the order of the rows):

``tuned`` (the default; used for training and tuning)
    Value, name and label typefaces: Noto Sans CJK SC (DemiLight, Regular, Medium, Bold,
    Black), WenQuanYi Zen Hei (plain and emboldened), Noto Serif CJK SC (a small share);
    titles also AR PL UMing and AR PL SungtiL GB (emboldened); the id number in OCR-B (plain
    and emboldened) or Noto Sans Mono CJK. Minority scripts: Noto Sans (Zhuang), Noto Naskh
    Arabic (Uyghur), Noto Serif Tibetan, Noto Sans Mongolian, Noto Sans CJK KR (Korean),
    Noto Sans Yi. Artwork generators ``waves``, ``lattice``, ``rosette`` (guilloche),
    ``ridge`` (the back's wall), ``classic`` emblem, ``silhouette`` portrait, ``tiles``
    hologram, ``segments`` date stamps. Labels blue with hue 200-215°.

``heldout`` (never used for training or tuning; reported as its own split)
    Droid Sans Fallback and WenQuanYi Micro Hei (plain and emboldened; one design lineage, so
    both are held out) with DejaVu Sans for Latin digits; titles also HanaMin (emboldened);
    the id number in DejaVu Sans Mono or Noto Sans Mono. Minority scripts: DejaVu Sans
    (Zhuang), UKIJ Tuz / Noto Sans Arabic / Noto Kufi Arabic (Uyghur), Tibetan Machine Uni,
    WenQuanYi Micro Hei (Korean); Mongolian and Yi have no second font on Debian, so held-out
    cards of those areas are printed in Chinese only. Artwork generators ``contour``,
    ``spiral``, ``mesh``, ``towers`` wall, ``flat`` emblem, ``blob`` portrait, ``seal``
    hologram, ``hershey`` date stamps. Labels blue with hue 186-199° or 216-228°, other
    background palettes (ivory/green, lavender/mauve, grey-cyan/peach), and its own layout
    spreads (values and the number further right, rows lower, wider letter spacing).

``classic``
    The first renderer, unchanged (its output is byte-identical, so ``make golden`` reproduces
    the committed golden set). It is the style everything was tuned on, so it counts as
    tuned: it uses only tuned fonts (Noto Sans/Serif CJK, Zen Hei, OCR-B).

No face or generator is shared between ``tuned`` and ``heldout``
(:func:`family_faces`, :func:`family_generators`; the tests check it). Scenes (desks,
clutter, camera and scanner effects) are shared: they are not part of a card's style.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from typing import Final

import numpy as np

RGB = tuple[int, int, int]

FAMILIES: Final = ("tuned", "heldout")
STYLES: Final = ("tuned", "heldout", "classic")
DEFAULT_STYLE: Final = "tuned"

Chain = tuple[str, ...]


@dataclass(frozen=True)
class FamilySpec:
    """What one family may draw with; every pool is (choice, weight) pairs."""

    name: str
    #: (value chain, name chain): the name is printed a little heavier than the values.
    values: tuple[tuple[Chain, Chain, float], ...]
    labels: tuple[tuple[Chain, float], ...]
    titles: tuple[tuple[Chain, float], ...]
    numbers: tuple[tuple[Chain, float], ...]
    overlay_text: tuple[Chain, ...]
    minority: dict[str, tuple[str, ...]]
    front_art: tuple[str, ...]
    back_art: tuple[str, ...]
    walls: tuple[str, ...]
    emblems: tuple[str, ...]
    portraits: tuple[str, ...]
    holograms: tuple[str, ...]
    stamps: tuple[str, ...]
    label_hues: tuple[tuple[float, float], ...]  # degrees
    #: (base, lines, accent) RGB palettes of the front and of the back.
    front_palettes: tuple[tuple[RGB, RGB, RGB], ...]
    back_palettes: tuple[tuple[RGB, RGB, RGB], ...]
    layout: dict[str, tuple[float, float]]


_T_FALLBACK: Final = "noto_sans"
_H_FALLBACK: Final = "hanamin"

TUNED: Final = FamilySpec(
    name="tuned",
    values=(
        (("noto_sans",), ("noto_sans_medium",), 0.22),
        (("noto_sans_demilight",), ("noto_sans",), 0.08),
        (("noto_sans_medium",), ("noto_sans_bold",), 0.14),
        (("noto_sans_bold",), ("noto_sans_black",), 0.06),
        (("wqy_zenhei", _T_FALLBACK), ("wqy_zenhei_bold", _T_FALLBACK), 0.30),
        (("wqy_zenhei_bold", _T_FALLBACK), ("wqy_zenhei_bold", _T_FALLBACK), 0.08),
        (("noto_serif",), ("noto_serif_semibold",), 0.07),
        (("noto_sans_mono",), ("noto_sans_medium",), 0.05),
    ),
    labels=(
        (("noto_sans",), 0.3),
        (("noto_sans_demilight",), 0.12),
        (("noto_sans_medium",), 0.15),
        (("noto_sans_bold",), 0.05),
        (("wqy_zenhei", _T_FALLBACK), 0.33),
        (("noto_serif",), 0.05),
    ),
    titles=(
        (("noto_sans_bold",), 0.22),
        (("noto_sans_black",), 0.14),
        (("noto_serif_bold",), 0.2),
        (("noto_serif_semibold",), 0.1),
        (("wqy_zenhei_bold", _T_FALLBACK), 0.18),
        (("uming", _T_FALLBACK), 0.08),
        (("gbsn", _T_FALLBACK), 0.08),
    ),
    numbers=(
        (("ocrb",), 0.5),
        (("ocrb_heavy",), 0.3),
        (("noto_sans_mono",), 0.1),
        (("noto_sans_mono_bold",), 0.1),
    ),
    overlay_text=(("noto_sans_bold",), ("noto_sans",), ("wqy_zenhei", _T_FALLBACK)),
    minority={
        "zhuang": ("noto_latin",),
        "uyghur": ("noto_naskh",),
        "tibetan": ("noto_tibetan",),
        "mongolian": ("noto_mongolian",),
        "korean": ("noto_sans_kr",),
        "yi": ("noto_yi",),
    },
    front_art=("waves", "lattice", "rosette"),
    back_art=("waves", "lattice", "rosette"),
    walls=("ridge",),
    emblems=("classic",),
    portraits=("silhouette",),
    holograms=("tiles",),
    stamps=("segments",),
    label_hues=((200.0, 215.0),),
    front_palettes=(
        ((232, 238, 236), (150, 190, 200), (215, 170, 180)),
        ((228, 238, 240), (140, 185, 205), (225, 180, 175)),
        ((236, 240, 234), (160, 195, 185), (220, 175, 190)),
    ),
    back_palettes=(
        ((236, 238, 232), (165, 195, 185), (225, 185, 160)),
        ((232, 238, 238), (155, 190, 200), (220, 190, 170)),
    ),
    layout={
        "label_x": (0.055, 0.105),
        "value_x": (0.16, 0.21),
        "label_size": (0.040, 0.056),
        "label_spacing": (0.25, 1.1),
        "value_size": (0.048, 0.064),
        "value_spacing": (-0.03, 0.10),
        "name_scale": (1.0, 1.18),
        "name_y": (0.14, 0.20),
        "pitch_gender": (0.115, 0.145),
        "pitch_birth": (0.10, 0.125),
        "pitch_address": (0.105, 0.135),
        "address_pitch": (0.072, 0.095),
        "number_y": (0.80, 0.87),
        "number_x": (0.32, 0.39),
        "number_size": (0.056, 0.074),
        "number_spacing": (0.0, 0.14),
        "race_label_x": (0.27, 0.34),
        "photo_x": (0.60, 0.665),
        "photo_w": (0.25, 0.29),
        "photo_y": (0.12, 0.20),
        "photo_h": (0.52, 0.60),
        "back_label_x": (0.17, 0.23),
        "back_value_x": (0.37, 0.43),
        "issue_y": (0.68, 0.74),
        "valid_y": (0.80, 0.86),
        "emblem_x": (0.12, 0.17),
        "emblem_y": (0.21, 0.28),
        "emblem_r": (0.14, 0.17),
        "title1_x": (0.32, 0.37),
        "title1_y": (0.16, 0.23),
        "title1_size": (0.068, 0.085),
        "title2_y": (0.34, 0.41),
        "title2_size": (0.10, 0.125),
    },
)

HELDOUT: Final = FamilySpec(
    name="heldout",
    values=(
        (("droid", "dejavu_latin", _H_FALLBACK), ("droid_bold", "dejavu_latin", _H_FALLBACK), 0.4),
        (("wqy_microhei", _H_FALLBACK), ("wqy_microhei_bold", _H_FALLBACK), 0.4),
        (("droid", "wqy_microhei", _H_FALLBACK), ("wqy_microhei_bold", _H_FALLBACK), 0.2),
    ),
    labels=(
        (("droid", "dejavu_latin", _H_FALLBACK), 0.5),
        (("wqy_microhei", _H_FALLBACK), 0.5),
    ),
    titles=(
        (("droid_bold", _H_FALLBACK), 0.4),
        (("wqy_microhei_bold", _H_FALLBACK), 0.35),
        (("hanamin_bold",), 0.25),
    ),
    numbers=(
        (("dejavu_mono_bold",), 0.4),
        (("dejavu_mono",), 0.3),
        (("noto_mono",), 0.3),
    ),
    overlay_text=(("droid_bold", "dejavu_latin"), ("wqy_microhei",)),
    minority={
        "zhuang": ("dejavu_latin",),
        "uyghur": ("ukij_tuz", "noto_sans_arabic", "noto_kufi"),
        "tibetan": ("tibetan_machine",),
        "korean": ("wqy_microhei",),
    },
    front_art=("contour", "spiral", "mesh"),
    back_art=("contour", "spiral", "mesh"),
    walls=("towers",),
    emblems=("flat",),
    portraits=("blob",),
    holograms=("seal",),
    stamps=("hershey",),
    label_hues=((186.0, 199.0), (216.0, 228.0)),
    front_palettes=(
        ((240, 238, 228), (175, 200, 170), (232, 192, 150)),
        ((236, 235, 242), (172, 180, 215), (222, 186, 204)),
        ((234, 240, 240), (160, 196, 204), (236, 200, 160)),
    ),
    back_palettes=(
        ((240, 237, 226), (180, 198, 168), (226, 196, 160)),
        ((236, 236, 242), (176, 184, 212), (218, 190, 206)),
    ),
    layout={
        "label_x": (0.07, 0.115),
        "value_x": (0.185, 0.23),
        "label_size": (0.042, 0.054),
        "label_spacing": (0.6, 1.3),
        "value_size": (0.050, 0.062),
        "value_spacing": (0.02, 0.14),
        "name_scale": (1.05, 1.2),
        "name_y": (0.16, 0.215),
        "pitch_gender": (0.12, 0.145),
        "pitch_birth": (0.105, 0.13),
        "pitch_address": (0.11, 0.14),
        "address_pitch": (0.075, 0.092),
        "number_y": (0.82, 0.88),
        "number_x": (0.34, 0.41),
        "number_size": (0.054, 0.068),
        "number_spacing": (0.04, 0.16),
        "race_label_x": (0.30, 0.36),
        "photo_x": (0.62, 0.675),
        "photo_w": (0.24, 0.28),
        "photo_y": (0.10, 0.18),
        "photo_h": (0.55, 0.63),
        "back_label_x": (0.19, 0.25),
        "back_value_x": (0.40, 0.45),
        "issue_y": (0.70, 0.76),
        "valid_y": (0.82, 0.88),
        "emblem_x": (0.13, 0.18),
        "emblem_y": (0.22, 0.29),
        "emblem_r": (0.15, 0.175),
        "title1_x": (0.34, 0.39),
        "title1_y": (0.17, 0.24),
        "title1_size": (0.064, 0.08),
        "title2_y": (0.36, 0.43),
        "title2_size": (0.095, 0.118),
    },
)

SPECS: Final[dict[str, FamilySpec]] = {"tuned": TUNED, "heldout": HELDOUT}

#: Faces and generators of the classic style (render.py), which belongs to the tuned side.
CLASSIC_FACES: Final = frozenset(
    {"noto_sans", "noto_sans_bold", "noto_serif", "noto_serif_bold", "wqy_zenhei", "ocrb"}
)
CLASSIC_GENERATORS: Final = frozenset({"classic-waves", "classic-wall", "classic-emblem"})


def family_faces(family: str) -> frozenset[str]:
    """Every face key a family may draw with."""
    spec = SPECS[family]
    keys: set[str] = set()
    for value, name, _ in spec.values:
        keys.update(value + name)
    for pool in (spec.labels, spec.titles, spec.numbers):
        for chain, _ in pool:
            keys.update(chain)
    for chain in spec.overlay_text:
        keys.update(chain)
    for faces in spec.minority.values():
        keys.update(faces)
    return frozenset(keys)


def family_generators(family: str) -> frozenset[str]:
    spec = SPECS[family]
    return frozenset(
        spec.front_art
        + spec.back_art
        + spec.walls
        + spec.emblems
        + spec.portraits
        + spec.holograms
        + spec.stamps
    )


def check_style(style: str) -> str:
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")
    return style


# --- sampling ----------------------------------------------------------------------------


def _weighted(rng: np.random.Generator, pool: tuple[tuple[Chain, float], ...]) -> Chain:
    w = np.array([p[1] for p in pool])
    return pool[int(rng.choice(len(pool), p=w / w.sum()))][0]


def _pick(rng: np.random.Generator, seq: tuple[str, ...]) -> str:
    return seq[int(rng.integers(len(seq)))]


def _u(rng: np.random.Generator, spec: FamilySpec, key: str) -> float:
    lo, hi = spec.layout[key]
    return float(rng.uniform(lo, hi))


def _jitter_rgb(rng: np.random.Generator, c: RGB, amp: float) -> RGB:
    v = np.clip(np.array(c, np.float64) + rng.uniform(-amp, amp, 3), 0, 255)
    return (int(v[0]), int(v[1]), int(v[2]))


def _hsv(h_deg: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h_deg / 360.0, s, v)
    return (round(r * 255), round(g * 255), round(b * 255))


@dataclass(frozen=True)
class Faces:
    value: Chain
    name: Chain
    label: Chain
    title: Chain
    number: Chain
    overlay: Chain
    minority: str | None  # face for the minority script (bilingual cards only)


@dataclass(frozen=True)
class Palette:
    base: RGB
    lines: RGB
    accent: RGB
    label: RGB  # front labels (blue)
    back_label: RGB  # back labels (dark, sometimes blue-black)
    ink: RGB  # values
    title: RGB
    line_strength: float
    accent_strength: float


@dataclass(frozen=True)
class Art:
    background: str
    variant: int
    wall: str
    emblem: str
    portrait: str
    hologram: str | None  # None: no visible hologram on this card
    hologram_strength: float
    stamp: str


@dataclass(frozen=True)
class CardStyle:
    """Everything one card side is drawn with, sampled once (so the card is reproducible)."""

    family: str
    side: str
    faces: Faces
    palette: Palette
    art: Art
    layout: dict[str, float]
    script: str | None  # minority script of a bilingual card
    blur: float  # print softness in px per 1000 px of card width


def sample_style(
    rng: np.random.Generator, family: str, side: str, *, script: str | None = None
) -> CardStyle:
    """A random style of ``family`` for one side; ``script`` makes the card bilingual (when the
    family has a face for it)."""
    spec = SPECS[family]
    vi = np.array([v[2] for v in spec.values])
    value, name, _ = spec.values[int(rng.choice(len(spec.values), p=vi / vi.sum()))]
    if script is not None and script not in spec.minority:
        script = None
    minority = _pick(rng, spec.minority[script]) if script is not None else None
    faces = Faces(
        value=value,
        name=name,
        label=_weighted(rng, spec.labels),
        title=_weighted(rng, spec.titles),
        number=_weighted(rng, spec.numbers),
        overlay=spec.overlay_text[int(rng.integers(len(spec.overlay_text)))],
        minority=minority,
    )
    lo, hi = spec.label_hues[int(rng.integers(len(spec.label_hues)))]
    label = _hsv(
        float(rng.uniform(lo, hi)), float(rng.uniform(0.55, 0.9)), float(rng.uniform(0.55, 0.85))
    )
    palettes = spec.front_palettes if side == "front" else spec.back_palettes
    base, lines, accent = palettes[int(rng.integers(len(palettes)))]
    ink_v = int(rng.integers(5, 60))
    tint = rng.integers(-6, 10, 3) if family == "heldout" else rng.integers(0, 8, 3)
    ink = tuple(int(np.clip(ink_v + t, 0, 255)) for t in tint)
    back_label = ink if rng.random() < 0.8 else _hsv(float(rng.uniform(205, 225)), 0.5, 0.35)
    palette = Palette(
        base=_jitter_rgb(rng, base, 7),
        lines=_jitter_rgb(rng, lines, 18),
        accent=_jitter_rgb(rng, accent, 18),
        label=label,
        back_label=(back_label[0], back_label[1], back_label[2]),
        ink=(ink[0], ink[1], ink[2]),
        title=(ink[0], ink[1], ink[2]) if rng.random() < 0.7 else (20, 20, 24),
        line_strength=float(rng.uniform(0.35, 0.75)),
        accent_strength=float(rng.uniform(0.25, 0.6)),
    )
    art_pool = spec.front_art if side == "front" else spec.back_art
    holo = _pick(rng, spec.holograms) if rng.random() < 0.55 else None
    art = Art(
        background=_pick(rng, art_pool),
        variant=int(rng.integers(6)),
        wall=_pick(rng, spec.walls),
        emblem=_pick(rng, spec.emblems),
        portrait=_pick(rng, spec.portraits),
        hologram=holo,
        hologram_strength=float(rng.uniform(0.04, 0.16)),
        stamp=_pick(rng, spec.stamps),
    )
    layout = {key: _u(rng, spec, key) for key in spec.layout}
    return CardStyle(
        family=family,
        side=side,
        faces=faces,
        palette=palette,
        art=art,
        layout=layout,
        script=script,
        blur=float(rng.uniform(0.2, 0.6)),
    )
