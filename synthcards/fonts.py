"""Font faces for the styled renderer: where each face lives, and which characters it has.

A face is a file plus a face index (``.ttc`` collections hold several). Every face belongs to
exactly one style family (see :mod:`synthcards.styles`); the registry below is the single
place where a font file is named. :func:`covers` reads the face's own character map (the
``cmap`` table), so the renderer never draws a missing glyph (a box or a blank) while the
label says a character is there.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from PIL import ImageFont

_NOTO_CJK: Final = "/usr/share/fonts/opentype/noto/"
_NOTO: Final = "/usr/share/fonts/truetype/noto/"
_DEJAVU: Final = "/usr/share/fonts/truetype/dejavu/"


@dataclass(frozen=True)
class Face:
    """One font face: file, index inside a collection, and a synthetic-bold stroke."""

    key: str
    path: str
    index: int = 0
    #: Extra stroke width in em/100 drawn around every glyph (a heavier print of a light face).
    embolden: float = 0.0
    #: Debian package that ships the file (for ``make fonts``).
    package: str = ""


def _f(key: str, path: str, index: int = 0, embolden: float = 0.0, package: str = "") -> Face:
    return Face(key, path, index, embolden, package)


# Face indexes in the Noto CJK collections: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK, then the Mono faces
# (5 JP, 6 KR, 7 SC ...) in the Regular and Bold collections.
FACES: Final[dict[str, Face]] = {
    f.key: f
    for f in (
        # --- tuned family ------------------------------------------------------------------
        _f("noto_sans", _NOTO_CJK + "NotoSansCJK-Regular.ttc", 2, package="fonts-noto-cjk"),
        _f("noto_sans_demilight", _NOTO_CJK + "NotoSansCJK-DemiLight.ttc", 2,
           package="fonts-noto-cjk-extra"),
        _f("noto_sans_medium", _NOTO_CJK + "NotoSansCJK-Medium.ttc", 2,
           package="fonts-noto-cjk-extra"),
        _f("noto_sans_bold", _NOTO_CJK + "NotoSansCJK-Bold.ttc", 2, package="fonts-noto-cjk"),
        _f("noto_sans_black", _NOTO_CJK + "NotoSansCJK-Black.ttc", 2,
           package="fonts-noto-cjk-extra"),
        _f("noto_sans_kr", _NOTO_CJK + "NotoSansCJK-Regular.ttc", 1, package="fonts-noto-cjk"),
        _f("noto_sans_mono", _NOTO_CJK + "NotoSansCJK-Regular.ttc", 7, package="fonts-noto-cjk"),
        _f("noto_sans_mono_bold", _NOTO_CJK + "NotoSansCJK-Bold.ttc", 7,
           package="fonts-noto-cjk"),
        _f("noto_serif", _NOTO_CJK + "NotoSerifCJK-Regular.ttc", 2, package="fonts-noto-cjk"),
        _f("noto_serif_semibold", _NOTO_CJK + "NotoSerifCJK-SemiBold.ttc", 2,
           package="fonts-noto-cjk-extra"),
        _f("noto_serif_bold", _NOTO_CJK + "NotoSerifCJK-Bold.ttc", 2, package="fonts-noto-cjk"),
        _f("wqy_zenhei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0,
           package="fonts-wqy-zenhei"),
        _f("wqy_zenhei_bold", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, 1.6,
           package="fonts-wqy-zenhei"),
        _f("uming", "/usr/share/fonts/truetype/arphic/uming.ttc", 0, 1.8,
           package="fonts-arphic-uming"),
        _f("gbsn", "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0, 1.8,
           package="fonts-arphic-gbsn00lp"),
        _f("ocrb", "/usr/share/fonts/opentype/ocr-b/OCRB.otf", 0, package="fonts-ocr-b"),
        _f("ocrb_heavy", "/usr/share/fonts/opentype/ocr-b/OCRB.otf", 0, 1.5,
           package="fonts-ocr-b"),
        _f("noto_latin", _NOTO + "NotoSans-Regular.ttf", package="fonts-noto-core"),
        _f("noto_naskh", _NOTO + "NotoNaskhArabic-Regular.ttf", package="fonts-noto-core"),
        _f("noto_tibetan", _NOTO + "NotoSerifTibetan-Regular.ttf", package="fonts-noto-core"),
        _f("noto_mongolian", _NOTO + "NotoSansMongolian-Regular.ttf", package="fonts-noto-core"),
        _f("noto_yi", _NOTO + "NotoSansYi-Regular.ttf", package="fonts-noto-core"),
        # --- held-out family ---------------------------------------------------------------
        _f("droid", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
           package="fonts-droid-fallback"),
        _f("droid_bold", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0, 2.2,
           package="fonts-droid-fallback"),
        _f("wqy_microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0,
           package="fonts-wqy-microhei"),
        _f("wqy_microhei_bold", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, 2.0,
           package="fonts-wqy-microhei"),
        _f("hanamin", "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", package="fonts-hanazono"),
        _f("hanamin_bold", "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", 0, 2.4,
           package="fonts-hanazono"),
        _f("dejavu_mono", _DEJAVU + "DejaVuSansMono.ttf", package="fonts-dejavu-core"),
        _f("dejavu_mono_bold", _DEJAVU + "DejaVuSansMono-Bold.ttf", package="fonts-dejavu-core"),
        _f("noto_mono", _NOTO + "NotoSansMono-Regular.ttf", package="fonts-noto-mono"),
        _f("dejavu_latin", _DEJAVU + "DejaVuSans.ttf", package="fonts-dejavu-core"),
        _f("noto_sans_arabic", _NOTO + "NotoSansArabic-Regular.ttf", package="fonts-noto-core"),
        _f("noto_kufi", _NOTO + "NotoKufiArabic-Regular.ttf", package="fonts-noto-core"),
        _f("ukij_tuz", "/usr/share/fonts/truetype/fonts-ukij-uyghur/UKIJTuz.ttf",
           package="fonts-ukij-uyghur"),
        _f("tibetan_machine", "/usr/share/fonts/truetype/tibetan-machine/TibetanMachineUni.ttf",
           package="fonts-tibetan-machine"),
    )
}  # fmt: skip


def face(key: str) -> Face:
    return FACES[key]


@lru_cache(maxsize=2048)
def font(key: str, size: int) -> ImageFont.FreeTypeFont:
    """The PIL font of face ``key`` at ``size`` px (raqm layout where PIL has it, so Arabic,
    Tibetan and Mongolian are shaped)."""
    f = FACES[key]
    return ImageFont.truetype(f.path, max(4, int(size)), index=f.index)


@lru_cache(maxsize=262144)
def advance(key: str, size: int, ch: str) -> float:
    """Horizontal advance of one character in px (cached; PIL's getlength is slow)."""
    return float(font(key, size).getlength(ch))


def stroke_px(key: str, size: int) -> int:
    """The synthetic-bold stroke of face ``key`` at ``size`` px, in whole pixels."""
    return round(FACES[key].embolden * size / 100)


# --- character maps ----------------------------------------------------------------------


def _table_dir(data: bytes, offset: int) -> dict[bytes, tuple[int, int]]:
    (num,) = struct.unpack_from(">H", data, offset + 4)
    out = {}
    for i in range(num):
        tag, _, off, length = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
        out[tag] = (off, length)
    return out


def _cmap_format4(data: bytes, off: int) -> set[int]:
    seg2 = struct.unpack_from(">H", data, off + 6)[0]
    n = seg2 // 2
    ends = struct.unpack_from(f">{n}H", data, off + 14)
    starts = struct.unpack_from(f">{n}H", data, off + 16 + seg2)
    deltas = struct.unpack_from(f">{n}h", data, off + 16 + 2 * seg2)
    ro_pos = off + 16 + 3 * seg2
    ranges = struct.unpack_from(f">{n}H", data, ro_pos)
    out: set[int] = set()
    for i in range(n):
        for c in range(starts[i], ends[i] + 1):
            if c == 0xFFFF:
                continue
            if ranges[i] == 0:
                gid = (c + deltas[i]) & 0xFFFF
            else:
                p = ro_pos + 2 * i + ranges[i] + 2 * (c - starts[i])
                gid = struct.unpack_from(">H", data, p)[0]
                if gid:
                    gid = (gid + deltas[i]) & 0xFFFF
            if gid:
                out.add(c)
    return out


def _cmap_format12(data: bytes, off: int) -> set[int]:
    (ngroups,) = struct.unpack_from(">I", data, off + 12)
    out: set[int] = set()
    for g in range(ngroups):
        start, end, gid = struct.unpack_from(">III", data, off + 16 + 12 * g)
        out.update(range(start + (1 if gid == 0 else 0), end + 1))
    return out


@lru_cache(maxsize=64)
def _codepoints(path: str, index: int) -> frozenset[int]:
    data = Path(path).read_bytes()
    offset = 0
    if data[:4] == b"ttcf":
        (offset,) = struct.unpack_from(">I", data, 12 + 4 * index)
    tables = _table_dir(data, offset)
    cmap_off, _ = tables[b"cmap"]
    (num,) = struct.unpack_from(">H", data, cmap_off + 2)
    subtables = []
    for i in range(num):
        pid, eid, sub = struct.unpack_from(">HHI", data, cmap_off + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, cmap_off + sub)[0]
        subtables.append((pid, eid, fmt, cmap_off + sub))
    best: set[int] = set()
    for _pid, _eid, fmt, off in subtables:
        got = (
            _cmap_format12(data, off)
            if fmt == 12
            else _cmap_format4(data, off)
            if fmt == 4
            else set()
        )
        if len(got) > len(best):
            best = got
    return frozenset(best)


def codepoints(key: str) -> frozenset[int]:
    """Every code point face ``key`` maps to a glyph."""
    f = FACES[key]
    return _codepoints(f.path, f.index)


def covers(key: str, text: str) -> bool:
    """True when face ``key`` has a glyph for every non-space character of ``text``."""
    cps = codepoints(key)
    return all(ord(ch) in cps for ch in text if not ch.isspace())


def missing(key: str, text: str) -> str:
    """The characters of ``text`` that face ``key`` cannot draw."""
    cps = codepoints(key)
    return "".join(sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cps}))


def packages() -> tuple[str, ...]:
    """The Debian packages that ship every registered face (for ``make fonts``)."""
    return tuple(sorted({f.package for f in FACES.values() if f.package}))
