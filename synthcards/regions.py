"""Real GB/T 2260 county-level division codes with their printed names and issuing authorities.

Each entry is ``(code, province, city, county, issued_by)``. ``city`` or ``county`` may be empty
(municipality districts have no prefecture; 东莞市 has no county level). The issuing authority is
the county-level public security organ as printed on the back of the card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Region:
    code: str
    province: str
    city: str
    county: str
    issued_by: str
    #: True for a county, county-level city or county-like unit (rural-style addresses).
    rural: bool = False
    #: True in Xinjiang (used to pair transliterated names with plausible places).
    xinjiang: bool = False

    @property
    def text(self) -> str:
        """Province + city + county as printed at the start of an address."""
        return self.province + self.city + self.county


def _district(code: str, province: str, city: str, district: str) -> Region:
    """A city district: XX市公安局YY分局 (district name without 区)."""
    short = district[:-1] if district.endswith("区") and len(district) > 2 else district
    short = short.removesuffix("新")  # 浦东新区 -> 浦东分局
    police_city = city or province
    return Region(code, province, city, district, f"{police_city}公安局{short}分局")


def _county(code: str, province: str, city: str, county: str) -> Region:
    """A county or county-level city: 'XX县公安局' / 'XX市公安局'."""
    return Region(code, province, city, county, f"{county}公安局", rural=True)


_XJ = "新疆维吾尔自治区"

REGIONS: Final[tuple[Region, ...]] = (
    _district("110101", "北京市", "", "东城区"),
    _district("110102", "北京市", "", "西城区"),
    _district("110105", "北京市", "", "朝阳区"),
    _district("110106", "北京市", "", "丰台区"),
    _district("110108", "北京市", "", "海淀区"),
    _district("120101", "天津市", "", "和平区"),
    _district("120104", "天津市", "", "南开区"),
    _district("130102", "河北省", "石家庄市", "长安区"),
    _district("130104", "河北省", "石家庄市", "桥西区"),
    _county("130627", "河北省", "保定市", "唐县"),
    _district("140105", "山西省", "太原市", "小店区"),
    _district("150102", "内蒙古自治区", "呼和浩特市", "新城区"),
    _district("150202", "内蒙古自治区", "包头市", "东河区"),
    _district("210102", "辽宁省", "沈阳市", "和平区"),
    _district("210202", "辽宁省", "大连市", "中山区"),
    _county("210381", "辽宁省", "鞍山市", "海城市"),
    _district("220102", "吉林省", "长春市", "南关区"),
    _county("220581", "吉林省", "通化市", "梅河口市"),
    _district("230103", "黑龙江省", "哈尔滨市", "南岗区"),
    _district("230202", "黑龙江省", "齐齐哈尔市", "龙沙区"),
    _district("310101", "上海市", "", "黄浦区"),
    _district("310104", "上海市", "", "徐汇区"),
    _district("310115", "上海市", "", "浦东新区"),
    _district("320102", "江苏省", "南京市", "玄武区"),
    _district("320106", "江苏省", "南京市", "鼓楼区"),
    _county("320322", "江苏省", "徐州市", "沛县"),
    _district("320505", "江苏省", "苏州市", "虎丘区"),
    _county("320582", "江苏省", "苏州市", "张家港市"),
    _county("320583", "江苏省", "苏州市", "昆山市"),
    _district("330102", "浙江省", "杭州市", "上城区"),
    _district("330106", "浙江省", "杭州市", "西湖区"),
    _district("330203", "浙江省", "宁波市", "海曙区"),
    _district("330302", "浙江省", "温州市", "鹿城区"),
    _county("330381", "浙江省", "温州市", "瑞安市"),
    _county("330424", "浙江省", "嘉兴市", "海盐县"),
    _county("330782", "浙江省", "金华市", "义乌市"),
    _district("340102", "安徽省", "合肥市", "瑶海区"),
    _district("340104", "安徽省", "合肥市", "蜀山区"),
    _county("341221", "安徽省", "阜阳市", "临泉县"),
    _district("350102", "福建省", "福州市", "鼓楼区"),
    _district("350203", "福建省", "厦门市", "思明区"),
    _county("350322", "福建省", "莆田市", "仙游县"),
    _county("350582", "福建省", "泉州市", "晋江市"),
    _district("360102", "江西省", "南昌市", "东湖区"),
    _county("360731", "江西省", "赣州市", "于都县"),
    _district("370102", "山东省", "济南市", "历下区"),
    _district("370202", "山东省", "青岛市", "市南区"),
    _county("370781", "山东省", "潍坊市", "青州市"),
    _county("371326", "山东省", "临沂市", "平邑县"),
    _district("410102", "河南省", "郑州市", "中原区"),
    _district("410105", "河南省", "郑州市", "金水区"),
    _county("410323", "河南省", "洛阳市", "新安县"),
    _county("411721", "河南省", "驻马店市", "西平县"),
    _district("420102", "湖北省", "武汉市", "江岸区"),
    _district("420106", "湖北省", "武汉市", "武昌区"),
    _county("421122", "湖北省", "黄冈市", "红安县"),
    _district("430102", "湖南省", "长沙市", "芙蓉区"),
    _county("430121", "湖南省", "长沙市", "长沙县"),
    _county("431023", "湖南省", "郴州市", "永兴县"),
    _district("440103", "广东省", "广州市", "荔湾区"),
    _district("440106", "广东省", "广州市", "天河区"),
    _district("440304", "广东省", "深圳市", "福田区"),
    _district("440305", "广东省", "深圳市", "南山区"),
    _district("440513", "广东省", "汕头市", "潮阳区"),
    Region("441900", "广东省", "东莞市", "", "东莞市公安局"),
    _county("445122", "广东省", "潮州市", "饶平县"),
    _district("450103", "广西壮族自治区", "南宁市", "青秀区"),
    _district("460105", "海南省", "海口市", "秀英区"),
    Region("500103", "重庆市", "", "渝中区", "重庆市公安局渝中区分局"),
    _district("510104", "四川省", "成都市", "锦江区"),
    _district("510107", "四川省", "成都市", "武侯区"),
    _county("510681", "四川省", "德阳市", "广汉市"),
    _county("513221", "四川省", "阿坝藏族羌族自治州", "汶川县"),
    _district("520102", "贵州省", "贵阳市", "南明区"),
    _county("522301", "贵州省", "黔西南布依族苗族自治州", "兴义市"),
    _district("530102", "云南省", "昆明市", "五华区"),
    _county("532901", "云南省", "大理白族自治州", "大理市"),
    _district("540102", "西藏自治区", "拉萨市", "城关区"),
    _district("610103", "陕西省", "西安市", "碑林区"),
    _district("610113", "陕西省", "西安市", "雁塔区"),
    _district("620102", "甘肃省", "兰州市", "城关区"),
    _district("620502", "甘肃省", "天水市", "秦州区"),
    _district("630102", "青海省", "西宁市", "城东区"),
    _district("640104", "宁夏回族自治区", "银川市", "兴庆区"),
    Region("650102", _XJ, "乌鲁木齐市", "天山区", "乌鲁木齐市公安局天山分局", xinjiang=True),
    Region("650104", _XJ, "乌鲁木齐市", "新市区", "乌鲁木齐市公安局新市分局", xinjiang=True),
    Region("652901", _XJ, "阿克苏地区", "阿克苏市", "阿克苏市公安局", rural=True, xinjiang=True),
    Region("653101", _XJ, "喀什地区", "喀什市", "喀什市公安局", rural=True, xinjiang=True),
)

XINJIANG: Final[tuple[Region, ...]] = tuple(r for r in REGIONS if r.xinjiang)
