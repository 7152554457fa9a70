"""Minority-script lines of bilingual cards (Guangxi, Xinjiang, Tibet, Inner Mongolia, Yanbian,
Liangshan): the label translations and made-up value lines in each script.

Cards issued in autonomous regions print a line in the minority script above (or beside) every
label and value. The reader never has to read these lines, only to not be confused by them, so
their words need to look right, not mean the card's values: value lines are random words of the
script, drawn from the card's seed. The Chinese text of the card is unchanged.
"""

from __future__ import annotations

from typing import Final

import numpy as np

SCRIPTS: Final = ("zhuang", "uyghur", "tibetan", "mongolian", "korean", "yi")
#: Scripts written right to left (drawn with raqm's bidi; aligned to the right of a column).
RTL: Final = frozenset({"uyghur"})
#: Scripts whose lines are set vertically beside a label (rotated glyph runs).
VERTICAL: Final = frozenset({"mongolian"})

ROLES: Final = (
    "name", "gender", "race", "birth", "address", "id_no",
    "country", "card", "issued_by", "valid_date",
)  # fmt: skip

LABELS: Final[dict[str, dict[str, str]]] = {
    "zhuang": {
        "name": "Coh mingz", "gender": "Singqbied", "race": "Minzcuz", "birth": "Ok seng",
        "address": "Dieg youq", "id_no": "Gunghminz saenfwn hauhmaj",
        "country": "Cunghvaz Yinzminz Gunghozgoz", "card": "Gihminz saenfwnceng",
        "issued_by": "Giggvan hai ceng", "valid_date": "Geizhanh mizyauq",
    },
    "uyghur": {
        "name": "ئىسمى", "gender": "جىنسى", "race": "مىللىتى", "birth": "تۇغۇلغان ۋاقتى",
        "address": "ئادرېسى", "id_no": "پۇقرالىق كىملىك نومۇرى",
        "country": "جۇڭخۇا خەلق جۇمھۇرىيىتى", "card": "ئاھالىلەر كىملىكى",
        "issued_by": "تارقاتقان ئورگان", "valid_date": "ئىناۋەتلىك مۇددىتى",
    },
    "tibetan": {
        "name": "མིང་།", "gender": "ཕོ་མོ།", "race": "མི་རིགས།", "birth": "སྐྱེས་ཚེས།",
        "address": "སྡོད་གནས།", "id_no": "སྤྱི་དམངས་ཐོབ་ཐང་ལག་ཁྱེར་ཨང་རྟགས།",
        "country": "ཀྲུང་ཧྭ་མི་དམངས་སྤྱི་མཐུན་རྒྱལ་ཁབ།", "card": "སྡོད་དམངས་ཐོབ་ཐང་ལག་ཁྱེར།",
        "issued_by": "ལག་ཁྱེར་སྤྲོད་མཁན་ལས་ཁུངས།", "valid_date": "ནུས་ལྡན་དུས་ཚོད།",
    },
    "mongolian": {
        "name": "ᠨᠡᠷ᠎ᠡ", "gender": "ᠬᠦᠢᠰᠦ", "race": "ᠦᠨᠳᠦᠰᠦᠲᠡᠨ", "birth": "ᠲᠥᠷᠥᠭᠰᠡᠨ",
        "address": "ᠰᠠᠭᠤᠭ᠎ᠠ ᠭᠠᠵᠠᠷ", "id_no": "ᠢᠷᠭᠡᠨ ᠦ ᠪᠡᠶ᠎ᠡ ᠶᠢᠨ ᠦᠨᠡᠮᠯᠡᠯ ᠦᠨ ᠨᠣᠮᠧᠷ",
        "country": "ᠳᠤᠮᠳᠠᠳᠤ ᠠᠷᠠᠳ ᠤᠨ ᠪᠦᠭᠦᠳᠡ ᠨᠠᠶᠢᠷᠠᠮᠳᠠᠬᠤ ᠤᠯᠤᠰ",
        "card": "ᠠᠷᠠᠳ ᠤᠨ ᠪᠡᠶ᠎ᠡ ᠶᠢᠨ ᠦᠨᠡᠮᠯᠡᠯ", "issued_by": "ᠣᠯᠭᠣᠭᠰᠠᠨ ᠪᠠᠶᠢᠭᠤᠯᠭ᠎ᠠ",
        "valid_date": "ᠬᠦᠴᠦᠨ ᠲᠡᠢ ᠬᠤᠭᠤᠴᠠᠭ᠎ᠠ",
    },
    "korean": {
        "name": "성명", "gender": "성별", "race": "민족", "birth": "출생", "address": "주소",
        "id_no": "공민신분번호", "country": "중화인민공화국", "card": "주민신분증",
        "issued_by": "발급기관", "valid_date": "유효기간",
    },
}  # fmt: skip

_ZH_ONSETS: Final = ("b", "mb", "m", "f", "v", "d", "nd", "n", "l", "g", "gv", "ng", "h", "c",
                     "s", "y", "ny", "r", "bw", "gy", "")  # fmt: skip
_ZH_VOWELS: Final = ("a", "e", "i", "o", "u", "w", "aw", "ae", "ai", "au", "ei", "ou", "ie",
                     "oe", "ue", "wn", "aen")  # fmt: skip
_ZH_CODAS: Final = ("", "", "n", "ng", "m", "p", "t", "k")
_ZH_TONES: Final = ("", "z", "j", "x", "q", "h")

_UY_WORDS: Final = (
    "ئۈرۈمچى", "شەھىرى", "يولى", "نومۇر", "مەھەللە", "ناھىيىسى", "يېزىسى", "كەنتى", "مۇھەممەت",
    "ئابدۇللا", "گۈلنار", "ئەر", "ئايال", "ئۇيغۇر", "قەشقەر", "خوتەن", "ئاقسۇ", "كوچىسى",
    "ئاھالىلەر", "كومىتېتى", "جامائەت", "خەۋپسىزلىك", "ئىدارىسى", "تۇرسۇن", "ئەخمەت", "مەرىيەم",
    "يىل", "ئاي", "كۈنى", "قورۇ", "ئۆي", "بىنا",
)  # fmt: skip
_BO_SYLLABLES: Final = (
    "བཀྲ", "ཤིས", "ཚེ", "རིང", "སྒྲོལ", "མ", "ལྷ", "ས", "གྲོང", "ཁྱེར", "ཆུ", "ཤུལ", "རྫོང",
    "ཞིང", "ཆེན", "ལམ", "ཁང", "ཨང", "བདེ", "སྐྱིད", "ཡུལ", "ཚོ", "པ", "སྐྱེས", "ལོ", "ཟླ", "ཚེས",
    "བོད", "རང", "སྐྱོང", "ལྗོངས", "ནོར", "བུ", "གླིང", "པད", "དཀར", "དབང", "ཕྱུག",
)  # fmt: skip
_MN_WORDS: Final = (
    "ᠬᠣᠲᠠ", "ᠬᠣᠰᠢᠭᠤ", "ᠰᠤᠮᠤ", "ᠭᠠᠴᠠᠭ᠎ᠠ", "ᠵᠠᠮ", "ᠨᠣᠮᠧᠷ", "ᠪᠠᠲᠤ", "ᠴᠢᠴᠢᠭ", "ᠮᠣᠩᠭᠣᠯ",
    "ᠬᠡᠷᠡᠭ", "ᠠᠶᠢᠯ", "ᠥᠷᠭᠡᠨ", "ᠭᠡᠷ", "ᠤᠯᠠᠭᠠᠨ", "ᠬᠥᠬᠡ", "ᠰᠠᠷ᠎ᠠ", "ᠡᠳᠦᠷ", "ᠣᠨ",
)  # fmt: skip
_KO_SYLLABLES: Final = (
    "연길시", "룡정시", "화룡시", "도문시", "훈춘시", "돈화시", "거리", "번지", "동", "촌", "김",
    "리", "박", "최", "정", "강", "조", "윤", "장", "림", "한", "오", "신", "철", "수", "영",
    "남", "녀", "조선족", "년", "월", "일", "아파트", "단원", "호",
)  # fmt: skip


def _zhuang_word(rng: np.random.Generator) -> str:
    n = 1 + int(rng.integers(3))
    parts = []
    for _ in range(n):
        parts.append(
            _ZH_ONSETS[int(rng.integers(len(_ZH_ONSETS)))]
            + _ZH_VOWELS[int(rng.integers(len(_ZH_VOWELS)))]
            + _ZH_CODAS[int(rng.integers(len(_ZH_CODAS)))]
            + _ZH_TONES[int(rng.integers(len(_ZH_TONES)))]
        )
    word = "".join(parts) or "a"
    return word[0].upper() + word[1:] if rng.random() < 0.6 else word


def _yi_word(rng: np.random.Generator) -> str:
    return "".join(chr(0xA000 + int(rng.integers(0x48C))) for _ in range(1 + int(rng.integers(3))))


def words(script: str, rng: np.random.Generator, n_words: int) -> str:
    """``n_words`` made-up words in ``script`` (spaces between them; Tibetan joins syllables
    with the tsheg)."""
    n = max(1, n_words)
    if script == "zhuang":
        return " ".join(_zhuang_word(rng) for _ in range(n))
    if script == "uyghur":
        return " ".join(_UY_WORDS[int(rng.integers(len(_UY_WORDS)))] for _ in range(n))
    if script == "tibetan":
        syl = [_BO_SYLLABLES[int(rng.integers(len(_BO_SYLLABLES)))] for _ in range(n * 2)]
        return "་".join(syl) + "།"
    if script == "mongolian":
        return " ".join(_MN_WORDS[int(rng.integers(len(_MN_WORDS)))] for _ in range(n))
    if script == "korean":
        return " ".join(_KO_SYLLABLES[int(rng.integers(len(_KO_SYLLABLES)))] for _ in range(n))
    if script == "yi":
        return " ".join(_yi_word(rng) for _ in range(n))
    raise ValueError(f"unknown script {script!r}")


def label(script: str, role: str) -> str:
    """The minority-script text printed with the Chinese label of ``role``."""
    if script == "yi":  # fixed made-up syllables per label (seeded by the role's name)
        seed = sum(ord(c) * (i + 1) for i, c in enumerate(role))
        return _yi_word(np.random.default_rng(seed)) + _yi_word(np.random.default_rng(seed + 1))
    return LABELS[script][role]
