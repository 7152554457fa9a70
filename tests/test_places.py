"""processor.places: division lookups, issuing authorities, corrections from runner-ups.

Pure and fast: the packaged table, no models. The recogniser's candidates are written out per
case: the text read, with the top probability and the runner-ups of the positions in doubt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from processor import places
from tests.conftest import candidates as cands

# ---- lookups ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("411326", places.Division("411326", "河南省", "南阳市", "淅川县", True)),
        ("110105", places.Division("110105", "北京市", "", "朝阳区", True)),
        ("411300", places.Division("411300", "河南省", "南阳市", "", True)),
        ("410000", places.Division("410000", "河南省", "", "", True)),
        ("110103", places.Division("110103", "北京市", "", "崇文区", False)),
        ("341422", places.Division("341422", "安徽省", "巢湖市", "无为县", False)),
        ("830000", None),
        ("999999", None),
        ("41132", None),
        ("4113260", None),
        ("4113a6", None),
        ("", None),
    ],
)
def test_by_code(code: str, expected: places.Division | None) -> None:
    assert places.by_code(code) == expected


@pytest.mark.parametrize(
    ("code", "level", "name"),
    [("411326", 3, "淅川县"), ("411300", 2, "南阳市"), ("410000", 1, "河南省")],
)
def test_division_level_and_name(code: str, level: int, name: str) -> None:
    division = places.by_code(code)
    assert division is not None
    assert (division.level, division.name) == (level, name)


@pytest.mark.parametrize(
    ("code", "known"),
    [
        ("411326", True),  # 淅川县
        ("341302", True),  # 埇桥区
        ("441900", True),  # 东莞市: a prefecture-level city without counties
        ("110103", True),  # 崇文区, merged into 东城区 in 2010: old numbers keep it
        ("110203", True),  # 通县 of 1981
        ("130101", True),  # 石家庄市 市辖区: a summary code old numbers carry
        ("830000", False),  # Taiwan residents' residence permits: not a division
        ("411399", False),
        ("000000", False),
        ("12345", False),
    ],
)
def test_region_known(code: str, known: bool) -> None:
    assert places.region_known(code) is known


# ---- issuing authorities -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("411326", ("淅川县公安局",)),
        ("130131", ("平山县公安局",)),
        ("130121", ("井陉县公安局",)),
        ("152921", ("阿拉善左旗公安局",)),
        ("522301", ("兴义市公安局",)),
        ("320102", ("南京市公安局玄武分局", "南京市公安局玄武区分局")),
        ("110105", ("北京市公安局朝阳分局", "北京市公安局朝阳区分局")),
        ("310115", ("上海市公安局浦东分局", "上海市公安局浦东新区分局")),
        ("341204", ("阜阳市公安局颍泉分局", "阜阳市公安局颍泉区分局")),
        ("140302", ("阳泉市公安局城区分局",)),  # the stem 城 alone is no name
        ("500237", ("巫山县公安局", "重庆市巫山县公安局")),
        ("429021", ("神农架林区公安局",)),  # a 林区, not a district
        ("520203", ("六枝特区公安局",)),  # a 特区, not a district
        ("441900", ("东莞市公安局",)),
        ("110103", ("北京市公安局崇文分局", "北京市公安局崇文区分局")),  # until 2010
        # renamed in 2020 under the same code: cards of 2004-2019 print the old name
        (
            "130502",
            (
                "邢台市公安局襄都分局",
                "邢台市公安局襄都区分局",
                "邢台市公安局桥东分局",
                "邢台市公安局桥东区分局",
            ),
        ),
        ("410000", ()),  # a province
        ("130101", ()),  # 市辖区: a summary code, no bureau
        ("110223", ()),  # 通县, gone in 1997: never on a second-generation card
        ("999999", ()),
    ],
)
def test_authorities_for(code: str, expected: tuple[str, ...]) -> None:
    assert places.authorities_for(code) == expected


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("淅川县公安局", True),
        ("南京市公安局玄武分局", True),
        ("南京市公安局玄武区分局", True),
        ("深圳市公安局", True),  # a prefecture-level city's own bureau
        ("浙川县公安局", False),
        ("颖泉县公安局", False),
        ("通县公安局", False),
        ("南京市公安局", True),
        ("南京市公安局长安分局", False),
        ("", False),
    ],
)
def test_authority_known(text: str, known: bool) -> None:
    assert places.authority_known(text) is known


@pytest.mark.parametrize(
    ("text", "placed"),
    [
        ("南京市公安局玄武分局", True),  # known
        ("淅川县公安局", True),
        ("西安市公安局高新分局", True),  # a known city's branch no division names
        ("温博市公安局临事分局", False),  # no known city
        ("类川县公安局", False),
        ("西安市公安局分局", False),  # a branch without its name
        ("西安市公安局高新", False),  # no branch
    ],
)
def test_authority_placed(text: str, placed: bool) -> None:
    assert places.authority_placed(text) is placed


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("阳县公安局", True),  # 饶阳县, 安阳县, 汝阳县 ... without their first character
        ("山壮族瑶族自治县公安局", True),  # 连山壮族瑶族自治县公安局
        ("州市公安局鼓楼分局", True),  # 徐州市公安局鼓楼分局
        ("南县公安局", False),  # a known authority itself (南县, Hunan), not only 辉南县's end
        ("饶阳县公安局", False),  # known, whole
        ("城瞄最公安局", False),  # no known authority ends so
        ("", False),
    ],
)
def test_authority_ends(text: str, ends: bool) -> None:
    assert places.authority_ends(text) is ends


@pytest.mark.parametrize(
    ("read", "doubts", "expected"),
    [
        # known as read: unchanged
        ("淅川县公安局", {}, "淅川县公安局"),
        ("南京市公安局玄武分局", {}, "南京市公安局玄武分局"),
        ("北京市公安局朝阳分局", {}, "北京市公安局朝阳分局"),
        ("上海市公安局浦东分局", {}, "上海市公安局浦东分局"),
        ("南京市公安局玄武区分局", {}, "南京市公安局玄武区分局"),
        # a known authority wins even when a runner-up would make another one
        ("通山县公安局", {1: [("山", 0.6), ("城", 0.35)]}, "通山县公安局"),  # 通城县 too
        # rare characters read as their common look-alikes, the right one the runner-up
        ("浙川县公安局", {0: [("浙", 0.62), ("淅", 0.31)]}, "淅川县公安局"),
        ("激浦县公安局", {0: [("激", 0.55), ("溆", 0.4)]}, "溆浦县公安局"),
        ("阜阳市公安局颖泉分局", {6: [("颖", 0.7), ("颍", 0.25)]}, "阜阳市公安局颍泉分局"),
        ("南京市公安局玄式分局", {7: [("式", 0.5), ("武", 0.45)]}, "南京市公安局玄武分局"),
        # several positions in doubt, one place fits
        (
            "淅州县公安局",
            {0: [("淅", 0.5), ("浙", 0.4)], 1: [("州", 0.5), ("川", 0.3)]},
            "淅川县公安局",
        ),
        # a sure read that names no place takes the one place its runner-ups make
        ("浙川县公安局", {0: [("浙", 0.97), ("淅", 0.02)]}, "淅川县公安局"),
        ("浙川县公安局", {0: [("浙", 0.93), ("淅", 0.06)]}, "淅川县公安局"),
        # ... but a sure read of a known place is kept, whatever its runner-ups make
        ("淅川县公安局", {0: [("淅", 0.97), ("浙", 0.02)]}, "淅川县公安局"),
        (
            "南京市公安局玄武分局",
            {6: [("玄", 0.97), ("鼓", 0.02)], 7: [("武", 0.97), ("楼", 0.02)]},
            "南京市公安局玄武分局",
        ),
        # noise is no alternative, even where the read is in doubt
        ("浙川县公安局", {0: [("浙", 0.5), ("淅", 0.0005)]}, None),
        # never a character no candidate offered
        ("浙川县公安局", {0: [("浙", 0.6), ("湖", 0.3)]}, None),
        # a dropped character cannot be recovered (埇 lost from 宿州市公安局埇桥分局)
        ("宿州市公安局桥分局", {6: [("桥", 0.8), ("侨", 0.1)]}, None),
        ("桥区公安局", {0: [("桥", 0.8), ("侨", 0.1)]}, None),
        # two places fit: 南京市 and 徐州市 both have a 鼓楼区
        (
            "南州市公安局鼓楼分局",
            {0: [("南", 0.5), ("徐", 0.4)], 1: [("州", 0.5), ("京", 0.4)]},
            None,
        ),
        ("南州市公安局鼓楼分局", {1: [("州", 0.5), ("京", 0.4)]}, "南京市公安局鼓楼分局"),
        # of two places the runner-ups make, the one a real runner-up makes (郓城县 and
        # 鄄城县 of 菏泽市, 郓 at 0.30 and 鄄 at 0.002), and none where neither is real
        ("军城县公安局", {0: [("军", 0.58), ("郓", 0.3), ("鄄", 0.002)]}, "郓城县公安局"),
        ("军城县公安局", {0: [("军", 0.58), ("郓", 0.03), ("鄄", 0.02)]}, None),
        # two place characters taken from noise are no evidence (沈阳市 of 武国市, read for
        # 武冈市: 沈 at 0.005, 阳 at 0.016 among three unsure characters' runner-ups) ...
        (
            "武国市公安局",
            {0: [("武", 0.59), ("汉", 0.13), ("沈", 0.005)], 1: [("国", 0.53), ("阳", 0.016)]},
            None,
        ),
        # ... one is (浙 read for 淅, its runner-up at 0.002, where 川 is read)
        ("浙川县公安局", {0: [("浙", 0.6), ("淅", 0.002)]}, "淅川县公安局"),
        # one character no candidate offers, read unsurely, where three place characters
        # say which authority it is (孝, 孝 and 南 of 孝感市公安局孝南分局)
        (
            "学通市公安局学南分局",
            {
                0: [("学", 0.44), ("孝", 0.15)],
                1: [("通", 0.59), ("德", 0.09)],
                6: [("学", 0.45), ("孝", 0.09)],
            },
            "孝感市公安局孝南分局",
        ),
        # ... never a character read surely, nor two characters, nor a form's word
        (
            "学通市公安局学南分局",
            {
                0: [("学", 0.44), ("孝", 0.15)],
                1: [("通", 0.95), ("德", 0.04)],
                6: [("学", 0.45), ("孝", 0.09)],
            },
            None,
        ),
        (
            "学通市公安局学南分局",
            {1: [("通", 0.59), ("德", 0.09)], 6: [("学", 0.45), ("李", 0.09)]},
            None,
        ),
        # a character read alike twice offers each print the other's runner-ups: 孝 of the
        # second 学 stands in for the first, read surely, and 感 is the one character guessed
        (
            "学通市公安局学南分局",
            {1: [("通", 0.59), ("德", 0.09)], 6: [("学", 0.45), ("孝", 0.09)]},
            "孝感市公安局孝南分局",
        ),
        ("孝感市公安局孝南公局", {8: [("公", 0.5), ("么", 0.3)]}, None),
        # a county's authority whose other place character says which county alone: one
        # county's name begins with 赞 (皇 read 蛋 at 0.40 on a back 230 px wide) ...
        ("赞蛋县公安局", {1: [("蛋", 0.40), ("张", 0.37), ("强", 0.14)]}, "赞皇县公安局"),
        ("赞蛋县公安局", {0: [("赞", 0.98)], 1: [("蛋", 0.40), ("张", 0.37)]}, "赞皇县公安局"),
        # ... not where it was read surely (nor where several fit: 浙川县 above)
        ("赞蛋县公安局", {1: [("蛋", 0.95), ("张", 0.03)]}, None),
        # ... but a character read surely where eight place characters or more say which
        # (an autonomous county's: 彝 read 舞, as on a card 250 px wide)
        ("威宁舞族回族苗族自治县公安局", {}, "威宁彝族回族苗族自治县公安局"),
        # a well-formed authority we do not know (a town's 分局): kept by the caller
        ("东莞市公安局长安分局", {}, None),
        ("", {}, None),
    ],
)
def test_correct_authority(
    read: str, doubts: Mapping[int, Sequence[tuple[str, float]]], expected: str | None
) -> None:
    assert places.correct_authority(cands(read, doubts)) == expected


# ---- addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("read", "doubts", "expected"),
    [
        # a known place as read: unchanged
        ("河北省石家庄市平山县平山镇", {}, "河北省石家庄市平山县平山镇"),
        ("北京市朝阳区建国路88号", {}, "北京市朝阳区建国路88号"),
        ("河南省淅川县上集镇", {}, "河南省淅川县上集镇"),
        ("南阳市淅川县上集镇", {}, "南阳市淅川县上集镇"),
        ("广东省东莞市长安镇", {}, "广东省东莞市长安镇"),
        ("湖北省仙桃市沙嘴街道", {}, "湖北省仙桃市沙嘴街道"),
        # rare characters read as their look-alikes
        (
            "河南省南阳市浙川县上集镇",
            {6: [("浙", 0.62), ("淅", 0.31)]},
            "河南省南阳市淅川县上集镇",
        ),
        ("河南省浙川县上集镇", {3: [("浙", 0.62), ("淅", 0.31)]}, "河南省淅川县上集镇"),
        ("南阳市浙川县上集镇", {3: [("浙", 0.62), ("淅", 0.31)]}, "南阳市淅川县上集镇"),
        (
            "湖南省怀化市激浦县卢峰镇",
            {6: [("激", 0.55), ("溆", 0.4)]},
            "湖南省怀化市溆浦县卢峰镇",
        ),
        (
            "安徽省阜阳市颖泉区中市街道",
            {6: [("颖", 0.7), ("颍", 0.25)]},
            "安徽省阜阳市颍泉区中市街道",
        ),
        # only the place names are corrected: the rest stays as read
        (
            "河南省南阳市浙川县上集镇6-6-403",
            {6: [("浙", 0.62), ("淅", 0.31)], 11: [("镇", 0.6), ("填", 0.3)]},
            "河南省南阳市淅川县上集镇6-6-403",
        ),
        # a dropped character cannot be recovered
        ("安徽省宿州市桥区道东街道", {6: [("桥", 0.8), ("侨", 0.1)]}, None),
        # a sure read that names no place: the one place its runner-ups make (昭党县)
        ("河南省南阳市浙川县上集镇", {6: [("浙", 0.97), ("淅", 0.02)]}, "河南省南阳市淅川县上集镇"),
        (
            "四川省凉山彝族自治州昭党县城关镇",
            {11: [("党", 0.972), ("觉", 0.018), ("覚", 0.006)]},
            "四川省凉山彝族自治州昭觉县城关镇",
        ),
        # ... but a sure read of a known place is kept (南关区 is in 长春市 too)
        (
            "吉林省长春市朝阳区",
            {6: [("朝", 0.97), ("南", 0.02)], 7: [("阳", 0.97), ("关", 0.02)]},
            "吉林省长春市朝阳区",
        ),
        # ... and two places made of sure reads' runner-ups are none
        (
            "南州市鼓楼区中山路",
            {0: [("南", 0.97), ("徐", 0.02)], 1: [("州", 0.97), ("京", 0.02)]},
            None,
        ),
        # a character printed twice and misread alike twice: the sure read's runner-ups are
        # the unsure one's too (娄 of 娄底市娄星区, 0.0006 behind the first 委, 0.32 the second)
        (
            "湖南省委底市委星区秀水南路",
            {3: [("委", 0.999), ("娄", 0.0006)], 6: [("委", 0.67), ("娄", 0.317)]},
            "湖南省娄底市娄星区秀水南路",
        ),
        (
            "湖南省委底市委星区秀水南路",
            {3: [("委", 0.999), ("娄", 0.0006)], 6: [("委", 0.67), ("姜", 0.3)]},
            None,
        ),
        # a county name alone is no address beginning (朝阳区: 北京市 and 长春市)
        ("朝阳区建国路", {}, None),
        ("朝限区建国路", {1: [("限", 0.5), ("阳", 0.4)]}, None),
        # the province must fit the county: 朝阳区 is in 北京市 and in 吉林省 长春市
        ("北京市朝限区建国路", {4: [("限", 0.5), ("阳", 0.4)]}, "北京市朝阳区建国路"),
        (
            "吉林省长春市朝限区",
            {7: [("限", 0.5), ("阳", 0.4)]},
            "吉林省长春市朝阳区",
        ),
        # 鼓楼区 is in 南京市 and 徐州市: both fit when both cities are offered
        (
            "南州市鼓楼区中山路",
            {0: [("南", 0.5), ("徐", 0.4)], 1: [("州", 0.5), ("京", 0.4)]},
            None,
        ),
        ("南州市鼓楼区中山路", {1: [("州", 0.5), ("京", 0.4)]}, "南京市鼓楼区中山路"),
        # ... and of two places the runner-ups make, the one a real runner-up makes
        (
            "山东省菏泽市军城县大营街道",
            {6: [("军", 0.58), ("郓", 0.3), ("鄄", 0.002)]},
            "山东省菏泽市郓城县大营街道",
        ),
        ("山东省菏泽市军城县大营街道", {6: [("军", 0.58), ("郓", 0.03), ("鄄", 0.02)]}, None),
        # the longest place wins: 巢湖市 (county-level today) inside 巢湖市无为县 (until 2011)
        ("安徽省巢湖市无力县", {7: [("力", 0.5), ("为", 0.4)]}, "安徽省巢湖市无为县"),
        # one character no candidate offers, read unsurely, where the rest of the place names
        # says which: 高唐县 of 山东省 is in 聊城市 alone, 鱼台县 is 济宁市's one 某台县; the
        # longest place wins (山东省邹城市 and 山东省诸城市 fit five of its characters)
        (
            "山东省易城市高唐县沿河路607号",
            {3: [("易", 0.19), ("琴", 0.13), ("华", 0.09)]},
            "山东省聊城市高唐县沿河路607号",
        ),
        ("山东省济宁市象台县沙河镇", {6: [("象", 0.45), ("最", 0.19)]}, "山东省济宁市鱼台县沙河镇"),
        # ... never a character read surely, nor two, nor where too few place characters fit
        ("山东省易城市高唐县沿河路607号", {3: [("易", 0.92), ("琴", 0.03)]}, None),
        (
            "山东省易城市高磨县沿河路607号",
            {3: [("易", 0.19), ("琴", 0.13)], 7: [("磨", 0.5), ("店", 0.2)]},
            None,
        ),
        ("山东省易城市", {3: [("易", 0.19), ("琴", 0.13)]}, None),
        # ... but a character read surely, where a province, a prefecture and a county are
        # read around it (彝 read 舞 at 1.00 by both recognisers on a card 250 px wide)
        ("四川省凉山舞族自治州西昌市南街乡", {}, "四川省凉山彝族自治州西昌市南街乡"),
        ("云南省楚雄舞族自治州牟定县南街乡", {}, "云南省楚雄彝族自治州牟定县南街乡"),
        # ... not a short one (山东省 聊城 高唐: five place characters besides), nor two
        ("山东省易城市高唐县沿河路607号", {}, None),
        ("四川省凉山舞族自治州西昌布南街乡", {}, None),
        # not a known beginning at all
        ("苏州工业园区星海街", {}, None),
        ("", {}, None),
    ],
)
def test_correct_address_prefix(
    read: str, doubts: Mapping[int, Sequence[tuple[str, float]]], expected: str | None
) -> None:
    assert places.correct_address_prefix(cands(read, doubts)) == expected


def test_runner_up_of_several_characters_is_ignored() -> None:
    read = cands("浙川县公安局", {0: [("浙", 0.6), ("淅川", 0.3)]})
    assert places.correct_authority(read) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the province's name read only in part: the one province holding what follows
        (
            "南省迪庆藏族自治州香格里拉市幸福大道241号",
            "云南省迪庆藏族自治州香格里拉市幸福大道241号",
        ),
        ("西壮族自治区柳州市柳南区金水路462号", "广西壮族自治区柳州市柳南区金水路462号"),
        ("省迪庆藏族自治州香格里拉市", "云南省迪庆藏族自治州香格里拉市"),
        # nothing to restore: a known beginning, a label's residue, no province that fits
        ("云南省迪庆藏族自治州香格里拉市", None),
        ("南阳市淅川县城关镇", None),
        ("址河南省鹤壁市淇滨区", None),
        ("南省长沙市", None),
    ],
)
def test_province_restored(text: str, expected: str | None) -> None:
    assert places.province_restored(text) == expected


@pytest.mark.parametrize(
    ("text", "room", "expected"),
    [
        # two characters washed out of a place's name, the blank two characters wide
        ("安徽省芜湖湖区光明街961号", {5: (2,)}, "安徽省芜湖市镜湖区光明街961号"),
        ("河北省邯郸市峰区朝阳大街250号", {7: (2,)}, "河北省邯郸市峰峰矿区朝阳大街250号"),
        ("河北省邯郸市峰区朝阳大街250号", {7: (1, 2)}, "河北省邯郸市峰峰矿区朝阳大街250号"),
        # a blank of another width, or where no place has room: nothing is put in
        ("河北省邯郸市峰区朝阳大街250号", {7: (1,)}, None),
        ("安徽省芜湖湖区光明街961号", {3: (2,)}, None),
        # no character read after the gap is the place's: 市 alone is no evidence
        ("安徽省芜湖经济技术开发区", {5: (1,)}, None),
        # a known beginning already: the blank is the address's own
        ("安徽省芜湖市镜湖区光明 街", {11: (1,)}, None),
        # nothing before the gap: a leading character lost is not this
        ("湖区光明街", {0: (2,)}, None),
    ],
)
def test_gaps_filled(text: str, room: dict[int, tuple[int, ...]], expected: str | None) -> None:
    assert places.gaps_filled(text, room) == expected


@pytest.mark.parametrize(
    ("text", "room", "expected"),
    [
        # 市 of 宝鸡市 washed out by glare, the blank a character wide
        ("宝鸡公安局陈仓分局", {2: (1,)}, "宝鸡市公安局陈仓分局"),
        ("宝鸡公安局陈仓分局", {2: (1, 2)}, "宝鸡市公安局陈仓分局"),
        # no blank, or one where no known authority has room: nothing is put in
        ("宝鸡公安局陈仓分局", {}, None),
        ("宝鸡公安局陈仓分局", {4: (1,)}, None),
        # a known authority already: the blank is the line's own
        ("宝鸡市公安局", {2: (1,)}, None),
        # nothing before the first character read or after the last (a place's own
        # beginning or a branch's end is no washed-out character)
        ("州市公安局", {0: (1,)}, None),
        ("宝鸡市公安局陈仓", {8: (2,)}, None),
    ],
)
def test_authority_gaps_filled(
    text: str, room: dict[int, tuple[int, ...]], expected: str | None
) -> None:
    assert places.authority_gaps_filled(text, room) == expected


@pytest.mark.parametrize(
    ("cut", "rest", "expected"),
    [
        ("安蒙省", "亳州市蒙城县白塔镇", True),
        ("广东首", "肇庆市高要区", True),
        # the province as printed, or one that does not hold the place: no misread of it
        ("安徽省", "亳州市蒙城县", False),
        ("河蒙省", "亳州市蒙城县", False),
        # a label's residue
        ("住址", "亳州市蒙城县", False),
        ("止", "甘肃省天水市", False),
    ],
)
def test_province_misread(cut: str, rest: str, expected: bool) -> None:
    assert places.province_misread(cut, rest) == expected


def test_load_builds_every_table_a_lookup_uses() -> None:
    tables = (places._known_address_prefixes, places._known_authorities, places._provinces)
    for table in tables:
        table.cache_clear()
    places.load()  # what the service's initialize runs, so that no request builds them
    assert all(table.cache_info().currsize == 1 for table in tables)
    hits = [table.cache_info().hits for table in tables]
    assert (
        places.province_restored("南省迪庆藏族自治州香格里拉市") == "云南省迪庆藏族自治州香格里拉市"
    )
    misread = [[("浙", 0.6), ("淅", 0.3)], *([(c, 0.99)] for c in "川县公安局")]
    assert places.correct_authority(misread) == "淅川县公安局"
    assert all(t.cache_info().misses == 1 for t in tables)  # nothing built again
    assert all(t.cache_info().hits > h for t, h in zip(tables, hits, strict=True))  # but used


@pytest.mark.parametrize(
    ("ranked", "expected"),
    [
        ([("逢", 0.93), ("逄", 0.07)], "逄"),
        ([("逢", 0.97), ("逄", 0.03)], None),  # under places.REAL: noise
        ([("皆", 0.4), ("訾", 0.3), ("柴", 0.25)], None),  # two fit: neither
        ([("逄", 0.93), ("逢", 0.07)], None),  # what was read is no runner-up
    ],
)
def test_real_runner_up(ranked: list[tuple[str, float]], expected: str | None) -> None:
    assert places.real_runner_up(ranked, "逄訾柴".__contains__) == expected


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("河南省南阳市淅川县城关镇", True),
        ("南阳市淅川县城关镇", True),
        # the longest beginning there is (25 characters): a county of 15
        ("甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县龙泉街道陈家村3组", True),
        ("苏州工业园区星海街", False),
    ],
)
def test_address_begins_known(text: str, known: bool) -> None:
    assert places.address_begins_known(text) is known


@pytest.mark.parametrize(
    ("text", "begins"),
    [
        ("甘肃省甘南藏族自治州卓", True),  # a first line broken mid-county
        ("广西壮族自治区柳州市", True),
        ("北京市", True),
        ("甘南藏族自治州卓尼县", False),  # no province
        ("西壮族自治区柳州市", False),  # a province's name cut
        ("", False),
    ],
)
def test_begins_with_province(text: str, begins: bool) -> None:
    assert places.begins_with_province(text) is begins


@pytest.mark.parametrize(
    ("text", "begun"),
    [
        ("湘潭市公安局岳", True),  # 湘潭市公安局岳塘分局 goes on from it
        ("湘潭市公安局岳塘分局", True),
        ("湘潭市公安局", True),
        ("息县公安局样", False),  # a specimen's 样本 after the authority
        ("浙川县", False),
    ],
)
def test_authority_begun(text: str, begun: bool) -> None:
    assert places.authority_begun(text) is begun
