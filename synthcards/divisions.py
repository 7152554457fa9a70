"""Every county-level division a card can name, with the authority that issues its cards.

The division list is the project's compiled table ``processor/data/divisions.tsv`` (a fact
table: code, province, prefecture, county, status). What an address prints and which police
organ signs the back are the renderer's own rules (FACTS.md): a county or county-level city
prints ``XX县公安局`` / ``XX市公安局``, a city district ``XX市公安局XX分局``, a municipality's
district ``北京市公安局朝阳分局``. Real cards also show variants (``XX区分局`` with 区 kept);
:func:`authority` draws those at a small rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final

import numpy as np

#: Provinces whose districts have no prefecture level.
MUNICIPALITIES: Final = ("北京市", "天津市", "上海市", "重庆市")
#: Code prefixes of places whose residents do not hold the resident identity card.
_NOT_MAINLAND: Final = ("71", "81", "82")

#: Rough population in millions per province (2020 census, rounded): regions are drawn in
#: proportion, then a county uniformly within the province.
PROVINCE_WEIGHT: Final[dict[str, float]] = {
    "北京市": 21.9, "天津市": 13.9, "河北省": 74.6, "山西省": 34.9, "内蒙古自治区": 24.0,
    "辽宁省": 42.6, "吉林省": 24.1, "黑龙江省": 31.9, "上海市": 24.9, "江苏省": 84.7,
    "浙江省": 64.6, "安徽省": 61.0, "福建省": 41.5, "江西省": 45.2, "山东省": 101.5,
    "河南省": 99.4, "湖北省": 57.8, "湖南省": 66.4, "广东省": 126.0, "广西壮族自治区": 50.1,
    "海南省": 10.1, "重庆市": 32.1, "四川省": 83.7, "贵州省": 38.6, "云南省": 47.2,
    "西藏自治区": 3.6, "陕西省": 39.5, "甘肃省": 25.0, "青海省": 5.9, "宁夏回族自治区": 7.2,
    "新疆维吾尔自治区": 25.9,
}  # fmt: skip


@dataclass(frozen=True)
class Place:
    """A county-level unit (or a prefecture-level city without counties) of the mainland."""

    code: str
    province: str
    prefecture: str  # "" for a municipality's district or a province-administered unit
    county: str  # "" for a prefecture-level city without counties (东莞市)

    @property
    def text(self) -> str:
        """Province + prefecture + county, as an address starts."""
        return self.province + self.prefecture + self.county

    @property
    def is_district(self) -> bool:
        return self.county.endswith("区") and not self.county.endswith(("林区", "特区"))

    @property
    def rural(self) -> bool:
        """Counties, banners and county-level cities: village-style addresses are common."""
        return not self.is_district and self.county != ""


def _short_district(name: str) -> str:
    """The district as its police branch is usually named: 玄武区 -> 玄武, 浦东新区 -> 浦东."""
    for suffix in ("新区", "区"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if not stem.endswith(("矿", "郊", "城")):
                return stem
    return name


def authority(place: Place, rng: np.random.Generator | None = None) -> str:
    """The issuing authority printed on the back of a card registered at ``place``."""
    if not place.county:
        return f"{place.prefecture}公安局"
    if place.is_district:
        city = place.prefecture or place.province
        keep = rng is not None and rng.random() < 0.12
        branch = place.county if keep else _short_district(place.county)
        return f"{city}公安局{branch}分局"
    return f"{place.county}公安局"


@dataclass(frozen=True)
class Divisions:
    places: tuple[Place, ...]  # current units, sorted by code
    historical_codes: tuple[str, ...]  # county-level codes no longer in use
    by_province: dict[str, tuple[int, ...]]  # province -> indexes into places

    def region(self, province: str) -> tuple[Place, ...]:
        return tuple(self.places[i] for i in self.by_province.get(province, ()))


def _rows() -> list[list[str]]:
    text = (resources.files("processor") / "data" / "divisions.tsv").read_text(encoding="utf-8")
    lines = text.splitlines()
    return [line.split("\t") for line in lines[1:] if line]


@lru_cache(maxsize=1)
def divisions() -> Divisions:
    """The mainland's current county-level units (plus cities without counties)."""
    rows = [r for r in _rows() if not r[0].startswith(_NOT_MAINLAND)]
    current = [r for r in rows if r[4] == "current"]
    counties = [r for r in current if r[3] and r[3] != "市辖区"]
    with_counties = {r[0][:4] for r in counties}
    cities = [
        r
        for r in current
        if r[2] and not r[3] and r[0][4:] == "00" and r[0][:4] not in with_counties
    ]
    places = sorted(
        (Place(r[0], r[1], r[2], r[3]) for r in counties + cities), key=lambda p: p.code
    )
    hist = tuple(
        r[0]
        for r in rows
        if r[4] == "historical" and r[3] and r[3] != "市辖区" and r[0][4:] != "00"
    )
    by_prov: dict[str, list[int]] = {}
    for i, p in enumerate(places):
        by_prov.setdefault(p.province, []).append(i)
    return Divisions(tuple(places), hist, {k: tuple(v) for k, v in by_prov.items()})


def draw_place(rng: np.random.Generator, province: str | None = None) -> Place:
    """A place: province in proportion to its population (or ``province``), then a county
    uniformly, so every county-level unit occurs."""
    d = divisions()
    if province is None:
        names = [p for p in PROVINCE_WEIGHT if p in d.by_province]
        w = np.array([PROVINCE_WEIGHT[p] for p in names])
        province = names[int(rng.choice(len(names), p=w / w.sum()))]
    idx = d.by_province[province]
    return d.places[idx[int(rng.integers(len(idx)))]]
