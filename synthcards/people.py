"""Identities for the randomised styles: every county-level place, real address conventions and
names with rare characters. No real person's data: every name and number is drawn at random.

What real cards print and the first renderer never did:

- places from the whole division table (:mod:`synthcards.divisions`), so 淅川县, 颍泉区, 埇桥区,
  溆浦县 and every other county occur, in addresses and in the issuing authority;
- address conventions: hyphenated house numbers (``3-2-401``, ``39-13号``, ``6-6-403``),
  号楼/幢/栋 + 单元 + 室, Shanghai-style 弄, village groups (组), 村民委员会, half-width digits;
- given names with GB2312 level-2 characters (琰, 昶, 婕 ...) and the rarer ethnic groups
  (仫佬 among them), transliterated names with the middle dot, Tibetan and Mongolian names;
- id numbers that carry a historical region code, or the code of another county (people move;
  the number keeps the code of first registration).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final, TypeVar

import numpy as np

from processor.card.facts import ETHNICITIES, MIDDLE_DOT, add_years, validity_years

from . import identity as classic
from .divisions import MUNICIPALITIES, Place, authority, divisions, draw_place
from .identity import Identity, make_id_number

T = TypeVar("T")

#: Address width limit in em (a CJK character is 1, a half-width digit or hyphen about 0.55):
#: three printed lines of about 11.5 em.
ADDRESS_MAX_EM: Final = 34.0
ADDRESS_MIN_CHARS: Final = 10


@lru_cache(maxsize=1)
def gb2312_level2() -> frozenset[str]:
    """The 3,008 characters of GB2312 level 2 (rows 56-87)."""
    out = set()
    for row in range(0xD8, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                out.add(bytes([row, col]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(out)


def in_gb2312(ch: str) -> bool:
    try:
        return len(ch.encode("gb2312")) == 2
    except UnicodeEncodeError:
        return False


def is_rare(ch: str) -> bool:
    """A Han character beyond GB2312 level 1: level 2, or outside GB2312 altogether (埇)."""
    return ch in gb2312_level2() or ("\u4e00" <= ch <= "\u9fff" and not in_gb2312(ch))


def has_rare(text: str) -> bool:
    return any(is_rare(ch) for ch in text)


# Name characters of GB2312 level 2 (filtered against the table at import).
_RARE_NAME_CANDIDATES: Final = (
    "琰昶琨瑛婧婕妤嫣骞翊炜烨珏瑜琦琪璐颢昊昱晗晔煜熠炅钰铖锟韬骅骐骥祺禧恺怿曦曜暄栩桦楠槿樾"
    "潇澍濠瀚灏焱琛璇瑾璋珩玮珈珂芮苡茜荟莜菁萱蕤岚峤崧嵘嵩翕翎羿聿苒蓁芊沅沐泓泠洵淇淼湄滢漪"
    "琬瑗煊焓熹隽雯霁霏靓韫颀馥骁鸾麒黛鼐奕姝娅娉婵媛嫱宸岑峥弋懿戬昕昀晏晖晟杳柘栎歆沣泫洙溥"
    "潼濡瀛璞璀瓒皓睿稷笙筠箐缇缙羲翡胤芷苓荃荀莞菡萼葳蓓藜蘅觐谌逍邈钊铠锴镌镛陟霈颉飒馨鹭麟"
    "淦珞婀婷娴嫦妍姣璎璨琏琮珑琥珀瑭璩骜骊鹂昙曛晁翥翮邺郗郜邶琊玢珙珲琚"
)
#: Rare surnames (level 2 or outside GB2312).
_RARE_SURNAMES: Final = "鄢郦阚邬佘缑靳臧宓郗芮訾逄郏亓禚仉茆隗聂"


@lru_cache(maxsize=1)
def rare_name_chars() -> str:
    l2 = gb2312_level2()
    return "".join(dict.fromkeys(c for c in _RARE_NAME_CANDIDATES if c in l2))


@lru_cache(maxsize=1)
def rare_surnames() -> str:
    return "".join(dict.fromkeys(c for c in _RARE_SURNAMES if is_rare(c)))


def _pick(rng: np.random.Generator, seq: tuple[T, ...] | list[T] | str) -> T:
    return seq[int(rng.integers(len(seq)))]  # type: ignore[return-value]


# --- names -------------------------------------------------------------------------------

_TIBETAN_PARTS: Final = (
    "扎西", "次仁", "格桑", "卓玛", "央宗", "达瓦", "尼玛", "拉姆", "平措", "旺堆", "多吉", "白玛",
    "德吉", "索朗", "曲珍", "普布", "边巴", "米玛", "洛桑", "丹增", "仁青", "巴桑", "旦增", "益西",
)  # fmt: skip
_MONGOL_NAMES: Final = (
    "巴特尔", "其其格", "乌力吉", "斯琴高娃", "额尔敦", "苏日娜", "宝音", "那仁", "阿拉坦",
    "乌兰", "图雅", "朝鲁", "萨仁", "巴雅尔", "孟和", "娜仁花", "哈斯", "毕力格",
)  # fmt: skip


def _given(rng: np.random.Generator, gender: str, rare: bool) -> str:
    pool = classic._MALE_CHARS if gender == "男" else classic._FEMALE_CHARS
    n = 1 if rng.random() < 0.25 else 2
    chars: list[str] = [_pick(rng, pool) for _ in range(n)]
    if rare:
        chars[int(rng.integers(n))] = _pick(rng, rare_name_chars())
    return "".join(chars)


def draw_name(rng: np.random.Generator, gender: str, *, rare: bool, area: str | None) -> str:
    """A name; ``rare`` puts a level-2 character in it (given name or surname)."""
    u = rng.random()
    if area == "tibetan" and u < 0.7:
        return _pick(rng, _TIBETAN_PARTS) + _pick(rng, _TIBETAN_PARTS)
    if area == "mongolian" and u < 0.3:
        return _pick(rng, _MONGOL_NAMES)
    if area == "uyghur" and u < 0.75:
        firsts = classic._TRANSLIT_FIRST_M if gender == "男" else classic._TRANSLIT_FIRST_F
        while True:
            name = _pick(rng, firsts) + MIDDLE_DOT + _pick(rng, classic._TRANSLIT_LAST)
            if len(name) <= 10:
                return name
    rare_surname = rare and rng.random() < 0.25
    surname = _pick(rng, rare_surnames()) if rare_surname else classic._surname(rng)
    return surname + _given(rng, gender, rare and not rare_surname)


#: The bilingual area of a province or prefecture (the script printed beside the Chinese).
AREAS: Final[dict[str, str]] = {
    "广西壮族自治区": "zhuang",
    "新疆维吾尔自治区": "uyghur",
    "西藏自治区": "tibetan",
    "内蒙古自治区": "mongolian",
    "延边朝鲜族自治州": "korean",
    "凉山彝族自治州": "yi",
    "甘孜藏族自治州": "tibetan",
    "阿坝藏族羌族自治州": "tibetan",
    "甘南藏族自治州": "tibetan",
    "迪庆藏族自治州": "tibetan",
    "玉树藏族自治州": "tibetan",
    "果洛藏族自治州": "tibetan",
}
#: Ethnic group most printed in each bilingual area, and its share there.
_AREA_GROUP: Final[dict[str, tuple[str, float]]] = {
    "zhuang": ("壮", 0.3),
    "uyghur": ("维吾尔", 0.5),
    "tibetan": ("藏", 0.85),
    "mongolian": ("蒙古", 0.2),
    "korean": ("朝鲜", 0.35),
    "yi": ("彝", 0.5),
}


def area_of(place: Place) -> str | None:
    return AREAS.get(place.prefecture) or AREAS.get(place.province)


def _race(rng: np.random.Generator, area: str | None, name: str) -> str:
    if MIDDLE_DOT in name:
        return _pick(rng, classic._TRANSLIT_RACES)
    if area is not None:
        group, share = _AREA_GROUP[area]
        if rng.random() < share:
            return group
    u = rng.random()
    if u < 0.90:
        return "汉"
    if u < 0.93:  # every group, uniformly: the rare ones (仫佬, 珞巴 ...) occur too
        return _pick(rng, ETHNICITIES[1:])
    return classic._minority(rng)


# --- addresses ---------------------------------------------------------------------------

_ROADS: Final = (
    *classic._ROADS,
    "兴华", "长安", "和谐", "沿河", "工业", "育才", "金水", "滨河", "秀水", "淮海", "漓江",
    "紫阳", "龙腾", "凤凰", "桃源", "青云", "枫林", "瑞祥", "翠微", "银杏", "梧桐", "芙蓉",
)  # fmt: skip
_ESTATES: Final = (
    *classic._ESTATES,
    "幸福里", "书香门第", "碧桂园", "御景", "滨江花园", "金域", "世纪城", "工人", "铁路", "电厂",
    "水利局", "供电局", "粮食局", "师范", "纺织厂", "机械厂", "化工厂",
)  # fmt: skip
_VILLAGES: Final = (
    *classic._VILLAGES,
    "东庄", "西坡", "大坪", "黄泥", "石板", "桂花", "杨家", "刘庄", "李家", "新华", "和平",
)  # fmt: skip


def _n(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def _house(rng: np.random.Generator) -> str:
    """The part after the street number: building/unit/room in one of the printed forms."""
    u = rng.random()
    if u < 0.22:  # 3-2-401
        return f"{_n(rng, 1, 40)}-{_n(rng, 1, 8)}-{_n(rng, 1, 33)}{_n(rng, 1, 4):02d}"
    if u < 0.32:  # 6-6-403 without the estate, or 1-4-4
        return f"{_n(rng, 1, 20)}-{_n(rng, 1, 9)}-{_n(rng, 1, 9)}"
    if u < 0.55:
        b = _n(rng, 1, 40)
        s = f"{b}" + _pick(rng, ("号楼", "幢", "栋", "号楼"))
        if rng.random() < 0.7:
            s += f"{_n(rng, 1, 8)}单元"
        return s + f"{_n(rng, 1, 33)}{_n(rng, 1, 4):02d}室"
    if u < 0.65:
        return f"{_n(rng, 1, 30)}{_n(rng, 1, 12):02d}室"
    if u < 0.75:
        return f"{_n(rng, 1, 40)}号{_n(rng, 1, 30)}{_n(rng, 1, 6):02d}"
    return ""


def _urban(rng: np.random.Generator) -> str:
    road = _pick(rng, _ROADS) + _pick(rng, classic._ROAD_SUFFIX)
    u = rng.random()
    if u < 0.12:  # Shanghai-style lane: 长乐路123弄45号602室
        return f"{road}{_n(rng, 1, 999)}弄{_n(rng, 1, 80)}号{_n(rng, 1, 20)}{_n(rng, 1, 4):02d}室"
    if u < 0.25:  # 39-13号
        return f"{road}{_n(rng, 1, 199)}-{_n(rng, 1, 40)}号"
    s = f"{road}{_n(rng, 1, 999)}号"
    if rng.random() < 0.45:
        s += _pick(rng, _ESTATES) + _pick(rng, classic._ESTATE_SUFFIX)
    return s + _house(rng)


def _rural(rng: np.random.Generator) -> str:
    town = _pick(rng, classic._TOWNS) + _pick(rng, classic._TOWN_SUFFIX)
    village = _pick(rng, _VILLAGES)
    u = rng.random()
    if u < 0.3:
        return f"{town}{village}村{_n(rng, 1, 15)}组{_n(rng, 1, 150)}号"
    if u < 0.45:
        return f"{town}{village}村民委员会{_pick(rng, '一二三四五六七八')}组"
    if u < 0.6:
        return f"{town}{village}村{_n(rng, 1, 12)}组"
    if u < 0.75:
        return f"{town}{village}村{_n(rng, 1, 400)}号"
    if u < 0.85:
        side = _pick(rng, ("东", "西", "南", "北", "前", "后"))
        return f"{town}{village}村{side}街{_n(rng, 1, 99)}号"
    suffix = _pick(rng, ("屯", "庄", "寨", "坪"))
    if village.endswith(suffix):  # 刘庄 + 庄
        suffix = ""
    return f"{town}{village}{suffix}{_n(rng, 1, 200)}号"


def em_width(text: str) -> float:
    """Printed width in em: half-width characters count about 0.55."""
    return sum(0.55 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def draw_address(rng: np.random.Generator, place: Place) -> str:
    prefix = place.text
    if place.province in MUNICIPALITIES:
        prefix = place.province + place.county
    elif rng.random() < 0.03 and place.prefecture:  # some cards start at the prefecture
        prefix = place.prefecture + place.county
    for _ in range(40):
        detail = _rural(rng) if place.rural and rng.random() < 0.7 else _urban(rng)
        addr = prefix + detail
        if len(addr) >= ADDRESS_MIN_CHARS and em_width(addr) <= ADDRESS_MAX_EM:
            return addr
    return prefix + f"{_pick(rng, _ROADS)}路{_n(rng, 1, 99)}号"


# --- the identity ------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """An identity plus where it was drawn from (for the card's bilingual script)."""

    identity: Identity
    place: Place
    area: str | None  # bilingual area of the place, if any


def _id_region(rng: np.random.Generator, place: Place) -> str:
    u = rng.random()
    d = divisions()
    if u < 0.08 and d.historical_codes:  # first registered under a code no longer in use
        return _pick(rng, d.historical_codes)
    if u < 0.2:  # moved: registered elsewhere first
        return draw_place(rng).code
    return place.code


def draw_person(
    rng: np.random.Generator, *, rare: bool | None = None, province: str | None = None
) -> Person:
    """A random self-consistent identity. ``rare=True`` forces a GB2312 level-2 (or rarer)
    character into the name or the address; None draws one in about one card in eight."""
    gender = "男" if rng.random() < 0.5 else "女"
    want_rare = bool(rng.random() < 0.12) if rare is None else rare
    for _ in range(200):
        place = draw_place(rng, province)
        area = area_of(place)
        name_rare = want_rare and rng.random() < 0.6
        name = draw_name(rng, gender, rare=name_rare, area=area)
        address = draw_address(rng, place)
        if rare is None or has_rare(name + address) == rare:
            break
    race = _race(rng, area, name)
    birth = classic._random_date(rng, classic.BIRTH_MIN, classic.BIRTH_MAX)
    issue_lo = max(add_years(birth, 1), classic.ISSUE_MIN)
    valid_from = classic._random_date(rng, issue_lo, classic.ISSUE_MAX)
    years = validity_years(birth, valid_from)
    valid_to = None if years is None else add_years(valid_from, years)
    ident = Identity(
        name=name,
        gender=gender,
        race=race,
        birth=birth,
        address=address,
        id_no=make_id_number(_id_region(rng, place), birth, gender, rng),
        issued_by=authority(place, rng),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return Person(ident, place, area)
