"""Self-consistent synthetic identities (names, ids, dates, addresses). No real person's data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, TypeVar

import numpy as np

from processor.card.facts import (
    ETHNICITIES,
    LONG_TERM,
    MIDDLE_DOT,
    add_years,
    check_char,
    format_date,
    validity_years,
)

from .regions import REGIONS, XINJIANG, Region

T = TypeVar("T")

#: Characters per printed address line on the front of the card.
ADDRESS_LINE_CHARS: Final = 11
ADDRESS_MIN_CHARS: Final = 12
ADDRESS_MAX_CHARS: Final = 33

BIRTH_MIN: Final = dt.date(1930, 1, 1)
BIRTH_MAX: Final = dt.date(2015, 12, 31)
ISSUE_MIN: Final = dt.date(2005, 1, 1)
ISSUE_MAX: Final = dt.date(2026, 6, 30)


@dataclass(frozen=True)
class Identity:
    name: str
    gender: str
    race: str
    birth: dt.date
    address: str
    id_no: str
    issued_by: str
    valid_from: dt.date
    valid_to: dt.date | None  # None = 长期

    def front_fields(self) -> dict[str, str]:
        return {
            "name": self.name,
            "gender": self.gender,
            "race": self.race,
            "birth": format_date(self.birth),
            "address": self.address,
            "id_no": self.id_no,
        }

    def back_fields(self) -> dict[str, str]:
        return {"issued_by": self.issued_by, "valid_date": self.valid_date}

    @property
    def valid_date(self) -> str:
        end = LONG_TERM if self.valid_to is None else format_date(self.valid_to)
        return f"{format_date(self.valid_from)}-{end}"

    @property
    def address_lines(self) -> list[str]:
        return wrap_address(self.address)


def wrap_address(address: str, width: int = ADDRESS_LINE_CHARS) -> list[str]:
    """Split the joined address into the printed lines (at most ``width`` characters each)."""
    return [address[i : i + width] for i in range(0, len(address), width)] or [""]


# --- names -------------------------------------------------------------------------------

_SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
)
_DOUBLE_SURNAMES: Final = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "令狐", "慕容", "司徒", "夏侯",
)  # fmt: skip
_MALE_CHARS: Final = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国峰东亮成志文博宏海鸿晨振"
    "家子轩睿铭天宸泽昊然一诚航嘉毅德荣春生庆永新兵福忠才发顺祥金元正卫民利中光瑞豪钧晓云彬书"
)
_FEMALE_CHARS: Final = (
    "芳娜敏静丽艳娟霞秀英燕玲桂丹萍红玉兰梅琳婷雪慧莉倩颖洁琴云欣悦怡佳雨涵诗梦思紫萱可馨妍晴"
    "蕾璐瑶月凤珍彤露薇琪淑惠美秋菲蓉翠晓小春子文嘉"
)
# Transliterated (Uyghur/Kazakh-style) given names and patronyms, joined with the middle dot.
_TRANSLIT_FIRST_M: Final = (
    "买买提", "艾力", "阿不都热合曼", "木合塔尔", "吐尔逊", "伊力哈木", "阿迪力", "艾尼瓦尔",
    "麦尔旦", "阿卜杜拉", "玉素甫", "阿里木", "亚森", "托合提", "努尔兰", "叶尔兰", "别克",
)  # fmt: skip
_TRANSLIT_FIRST_F: Final = (
    "阿依古丽", "热依拉", "古丽娜尔", "迪丽努尔", "帕提古丽", "祖丽菲亚", "热孜万古丽", "米日古丽",
    "阿依努尔", "再努尔", "玛依拉", "古再丽",
)  # fmt: skip
_TRANSLIT_LAST: Final = (
    "买买提", "艾力", "吐尔逊", "阿不都拉", "热合曼", "玉素甫", "司马义", "艾山", "沙吾提",
    "依明", "托合提", "努尔", "哈力克", "阿布都外力", "木沙",
)  # fmt: skip
_TRANSLIT_RACES: Final = ("维吾尔", "维吾尔", "维吾尔", "维吾尔", "哈萨克", "哈萨克", "乌孜别克",
                          "柯尔克孜", "塔吉克", "塔塔尔")  # fmt: skip

# Rough population weights (millions) for the larger minorities; every group gets at least 0.3.
_MINORITY_WEIGHT: Final[dict[str, float]] = {
    "壮": 19.6, "回": 11.4, "满": 10.4, "苗": 11.1, "彝": 9.8, "土家": 9.6, "藏": 7.1,
    "蒙古": 6.3, "布依": 3.6, "侗": 3.5, "瑶": 3.3, "白": 2.1, "哈尼": 1.7, "朝鲜": 1.7,
    "黎": 1.6, "傣": 1.3, "畲": 0.75, "傈僳": 0.76, "东乡": 0.77, "仡佬": 0.68,
}  # fmt: skip
_HAN_SHARE_PLAIN: Final = 0.945  # among non-transliterated names; ~90% overall


def _pick(rng: np.random.Generator, seq: tuple[T, ...] | list[T]) -> T:
    return seq[int(rng.integers(len(seq)))]


def _pick_chars(rng: np.random.Generator, chars: str, n: int) -> str:
    return "".join(chars[int(rng.integers(len(chars)))] for _ in range(n))


def _surname(rng: np.random.Generator) -> str:
    if rng.random() < 0.02:
        return _pick(rng, _DOUBLE_SURNAMES)
    # Zipf-like: common surnames much more frequent.
    ranks = np.arange(len(_SURNAMES), dtype=np.float64)
    weights = 1.0 / (ranks + 6.0)
    return _SURNAMES[int(rng.choice(len(_SURNAMES), p=weights / weights.sum()))]


def _han_name(rng: np.random.Generator, gender: str) -> str:
    chars = _MALE_CHARS if gender == "男" else _FEMALE_CHARS
    u = rng.random()
    n = 1 if u < 0.3 else (2 if u < 0.97 else 3)
    return _surname(rng) + _pick_chars(rng, chars, n)


def random_name(rng: np.random.Generator, gender: str) -> str:
    """A random Han-style name (for distractor cards)."""
    return _han_name(rng, gender)


def _translit_name(rng: np.random.Generator, gender: str) -> str:
    firsts = _TRANSLIT_FIRST_M if gender == "男" else _TRANSLIT_FIRST_F
    while True:
        name = _pick(rng, firsts) + MIDDLE_DOT + _pick(rng, _TRANSLIT_LAST)
        if len(name) <= 10:
            return name


def _minority(rng: np.random.Generator) -> str:
    groups = [e for e in ETHNICITIES if e not in {"汉", "维吾尔"}]
    w = np.array([max(_MINORITY_WEIGHT.get(g, 0.0), 0.3) for g in groups])
    return groups[int(rng.choice(len(groups), p=w / w.sum()))]


# --- addresses ---------------------------------------------------------------------------

_ROADS: Final = (
    "人民", "解放", "中山", "建设", "和平", "文化", "新华", "胜利", "长江", "黄河", "光明", "幸福",
    "朝阳", "青年", "东风", "团结", "友谊", "滨江", "文三", "学院", "花园", "迎宾", "延安", "湖滨",
    "天目山", "凤起", "庆春", "体育场", "工农", "红旗", "振兴", "创业", "复兴", "府前",
    "健康", "五一", "八一", "北京", "南京", "环城", "望江", "金沙", "世纪",
)  # fmt: skip
_ROAD_SUFFIX: Final = ("路", "路", "路", "街", "大街", "大道", "东路", "西路", "南路", "北路", "巷")
_ESTATES: Final = (
    "阳光", "金色家园", "翠苑", "碧水", "锦绣", "华府", "桂花", "绿洲", "和谐", "东方", "紫金",
    "丽都", "名苑", "枫林", "新城", "春江", "金桥", "香榭",
)  # fmt: skip
_ESTATE_SUFFIX: Final = ("小区", "花园", "新村", "公寓", "苑", "家园", "里")
_TOWNS: Final = (
    "城关", "北店头", "太平", "新兴", "龙泉", "永安", "石桥", "马集", "黄庄", "清河", "白塔",
    "河口", "高桥", "大营", "东关", "柳林", "双庙", "南街", "杨柳", "李集", "沙河", "三里",
)  # fmt: skip
_TOWN_SUFFIX: Final = ("镇", "镇", "乡", "街道")
_VILLAGES: Final = (
    "前进", "葛堡", "王庄", "小河", "张家", "后营", "西湾", "东岗", "杨树", "三官", "柳树", "新民",
    "红星", "大刘", "马坊", "上河", "下湾", "北山", "南洼", "陈家", "高家", "石门",
)  # fmt: skip


def _urban_detail(rng: np.random.Generator) -> str:
    s = _pick(rng, _ROADS) + _pick(rng, _ROAD_SUFFIX) + f"{int(rng.integers(1, 999))}号"
    u = rng.random()
    if u < 0.55:
        s += _pick(rng, _ESTATES) + _pick(rng, _ESTATE_SUFFIX)
        s += f"{int(rng.integers(1, 40))}" + _pick(rng, ("幢", "栋", "号楼"))
        if rng.random() < 0.6:
            s += f"{int(rng.integers(1, 7))}单元"
        s += f"{int(rng.integers(1, 33))}{int(rng.integers(1, 5)):02d}室"
    elif u < 0.8:
        s += f"{int(rng.integers(1, 30))}{int(rng.integers(1, 13)):02d}室"
    return s


def _rural_detail(rng: np.random.Generator) -> str:
    s = _pick(rng, _TOWNS) + _pick(rng, _TOWN_SUFFIX) + _pick(rng, _VILLAGES) + "村"
    u = rng.random()
    if u < 0.4:
        s += f"{int(rng.integers(1, 12))}组{int(rng.integers(1, 120))}号"
    elif u < 0.8:
        s += f"{int(rng.integers(1, 400))}号"
    else:
        s += _pick(rng, ("一", "二", "三", "四", "五", "六")) + "组"
    return s


def make_address(rng: np.random.Generator, region: Region) -> str:
    for _ in range(50):
        detail = _rural_detail(rng) if region.rural and rng.random() < 0.75 else _urban_detail(rng)
        addr = region.text + detail
        if ADDRESS_MIN_CHARS <= len(addr) <= ADDRESS_MAX_CHARS:
            return addr
    return (region.text + "人民路1号")[:ADDRESS_MAX_CHARS]


# --- dates and the id number -------------------------------------------------------------


def _random_date(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))


def make_id_number(region_code: str, birth: dt.date, gender: str, rng: np.random.Generator) -> str:
    order = int(rng.integers(0, 500)) * 2 + (1 if gender == "男" else 0)
    first17 = f"{region_code}{birth:%Y%m%d}{order:03d}"
    return first17 + check_char(first17)


def make_identity(rng: np.random.Generator) -> Identity:
    """A random, self-consistent identity (deterministic for a given generator state)."""
    gender = "男" if rng.random() < 0.5 else "女"
    if rng.random() < 0.05:
        name = _translit_name(rng, gender)
        race = _pick(rng, _TRANSLIT_RACES)
        region = _pick(rng, XINJIANG) if rng.random() < 0.8 else _pick(rng, REGIONS)
    else:
        name = _han_name(rng, gender)
        race = "汉" if rng.random() < _HAN_SHARE_PLAIN else _minority(rng)
        region = _pick(rng, REGIONS)
    birth = _random_date(rng, BIRTH_MIN, BIRTH_MAX)
    issue_lo = max(add_years(birth, 1), ISSUE_MIN)
    valid_from = _random_date(rng, issue_lo, ISSUE_MAX)
    years = validity_years(birth, valid_from)
    valid_to = None if years is None else add_years(valid_from, years)
    return Identity(
        name=name,
        gender=gender,
        race=race,
        birth=birth,
        address=make_address(rng, region),
        id_no=make_id_number(region.code, birth, gender, rng),
        issued_by=region.issued_by,
        valid_from=valid_from,
        valid_to=valid_to,
    )
