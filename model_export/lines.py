"""ID-card-style text lines, rendered and cropped as the processor hands them to its recogniser.

The measuring side of issue 14 (``python -m model_export evaluate``): which recogniser reads
which field. A line is drawn the way a card prints that field (value size 0.056 of the card
height, labels in blue, the id number in OCR-B, the birth row's six items at the card's
x positions) onto artwork cut from cards rendered by ``synthcards`` at the processor's
recognition width (1280 px), then cropped as ``processor.read`` does: the detector's box
(the ink with a margin), 8% of its height added above and below, the id number and birth rows
squeezed to 0.7 of their width. Each line comes clean and degraded (blur, JPEG 50-70 at a
lower resolution, noise, low contrast, small text upscaled; one kind each in turn, a second
one at random for some).

Classes: ``name`` (common), ``name_rare`` (GB2312 level-2 characters, 仫, transliterated
names with ·), ``address`` (real counties, rare place characters such as 淅 溆 颍 埇 陉 垅,
hyphenated numbers ``3-2-401``, 号楼/单元/室), ``authority`` (real county-level names as
``XX县公安局`` / ``XX市公安局XX分局``), ``ethnicity`` (the ``民族 X`` row with its label, the 56
in turn), ``gender`` (``性别 X``), ``id_no``, ``birth`` (``1982 年 9 月 25 日``), ``validity``.
Typefaces: the renderer's (Noto Sans/Serif CJK, WenQuanYi Zen Hei, OCR-B) and the other CJK
fonts installed (WenQuanYi Micro Hei, Droid Sans Fallback, AR PL UMing/UKai/SungtiL/KaitiM,
HanaMin, LXGW WenKai), sans-serif most often; a font that lacks a character of the line is
not used for it. Everything is deterministic from the seed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from processor.card.facts import ETHNICITIES, LONG_TERM, MIDDLE_DOT, add_years, check_char
from processor.surnames import LEVEL_ROWS, gb2312_level
from synthcards import make_identity, render_card

U8 = npt.NDArray[np.uint8]

CLASSES: Final = (
    "name",
    "name_rare",
    "address",
    "authority",
    "ethnicity",
    "gender",
    "id_no",
    "birth",
    "validity",
)
DEGRADATIONS: Final = ("blur", "jpeg", "noise", "contrast", "small")
#: The processor's recognition card width (processor.read.reading.REC_CARD_WIDTH) and its height.
CARD_WIDTH: Final = 1280
CARD_HEIGHT: Final = round(CARD_WIDTH * 54.0 / 85.6)
#: The processor's crop: 8% of the box height above and below; digit rows squeezed to 0.7.
CROP_PAD: Final = 0.08
DIGIT_CLASSES: Final = frozenset({"id_no", "birth"})
DIGIT_SQUEEZE: Final = 0.7

# --- fonts ------------------------------------------------------------------------------------

_NOTO = "/usr/share/fonts/opentype/noto/"
_TT = "/usr/share/fonts/truetype/"
#: (file, index in the collection, style family). Sans (黑体-like) is what cards print most.
FONTS: Final[dict[str, tuple[str, int, str]]] = {
    "noto_sans": (_NOTO + "NotoSansCJK-Regular.ttc", 2, "sans"),
    "noto_sans_medium": (_NOTO + "NotoSansCJK-Medium.ttc", 2, "sans"),
    "noto_sans_bold": (_NOTO + "NotoSansCJK-Bold.ttc", 2, "sans"),
    "wqy_zenhei": (_TT + "wqy/wqy-zenhei.ttc", 0, "sans"),
    "wqy_microhei": (_TT + "wqy/wqy-microhei.ttc", 0, "sans"),
    "droid_fallback": (_TT + "droid/DroidSansFallbackFull.ttf", 0, "sans"),
    "noto_serif": (_NOTO + "NotoSerifCJK-Regular.ttc", 2, "song"),
    "uming": (_TT + "arphic/uming.ttc", 0, "song"),
    "gbsn00lp": (_TT + "arphic-gbsn00lp/gbsn00lp.ttf", 0, "song"),
    "hanamin": (_TT + "hanazono/HanaMinA.ttf", 0, "song"),
    "ukai": (_TT + "arphic/ukai.ttc", 0, "kai"),
    "gkai00mp": (_TT + "arphic-gkai00mp/gkai00mp.ttf", 0, "kai"),
    "lxgw_wenkai": (_TT + "lxgw-wenkai/LXGWWenKai-Regular.ttf", 0, "kai"),
    "ocrb": ("/usr/share/fonts/opentype/ocr-b/OCRB.otf", 0, "ocrb"),
}
_FAMILY_P: Final = {"sans": 0.6, "song": 0.3, "kai": 0.1}
_LABEL_FONTS: Final = ("noto_sans", "noto_sans_medium", "wqy_zenhei")
_LABEL_BLUE: Final = (30, 110, 190)  # RGB


@functools.lru_cache(maxsize=512)
def _font(key: str, size: int) -> ImageFont.FreeTypeFont:
    path, index, _ = FONTS[key]
    return ImageFont.truetype(path, size, index=index)


@functools.lru_cache(maxsize=65536)
def has_glyph(key: str, ch: str) -> bool:
    """Whether font ``key`` draws ``ch`` (not its .notdef box, not nothing)."""
    if ch == " ":
        return True
    font = _font(key, 32)
    mask, missing = font.getmask(ch), font.getmask("\U0010fffd")
    if mask.getbbox() is None:
        return False
    return not (mask.size == missing.size and bytes(mask) == bytes(missing))


def available_fonts() -> list[str]:
    return [k for k, (path, _, _) in FONTS.items() if Path(path).is_file()]


# --- GB2312 -----------------------------------------------------------------------------------


@functools.cache
def gb2312_hanzi(level: int) -> str:
    """Every hanzi of GB2312 level 1 (3,755) or level 2 (3,008), in code order."""
    first, last = LEVEL_ROWS[level]
    rows = range(first, last + 1)
    out = []
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                out.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(out)


# --- what a line says -------------------------------------------------------------------------

_SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
_GIVEN: Final = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国峰东亮成志文博宏海鸿晨振"
    "芳娜敏静丽艳娟霞秀英燕玲桂丹萍红玉兰梅琳婷雪慧莉倩颖洁琴云欣悦怡佳雨涵诗梦思紫萱可馨妍晴"
)
#: Name characters outside GB2312 level 1 as parents choose them (filtered to level 2 below).
_RARE_NAME_CANDIDATES: Final = (
    "婧琰玥珺瑾璐祎祺昊旻昕晗晟暄曦炜烨煜熠琛琨瑄璇璋钰铖锴骁骐骞翊翎羿芮芃苒荻莘菁萱蓁"
    "蕊晔珂珈珏琪琦婕娅姝嫣嫱岚峥嵘彧恺懿栩桦楠槿汐沅泓泠洵浚淇淼渝滢澍灏焱煊琮璠皓睿祁"
    "祉稷筠箐翱耘聿芊茗荀莜菡葳蓓蕙蘅衍谌赟轶邈郗钊锟镭阑隽霁靓韬颀颢骅骥鸾麒黛喆犇垚昱"
    "晞玮珩琬瑭璞璨皎笙筱缇翕臻芷茵荃莺蒨蔻藜觐诩谧赓迦邺郦钤铎霆韫飒馥鲲冉劭勖卞叡咏喻"
    "囡圻坤埕堃奂姗娉媛嫒宸峤崧弈忱怿恬惇憬戟斐旸昀昶晁暐朔杞杳柘栎栾桢梓棣椿榕樾欹歆"
    "毓汶沄沣泱洙浔湛溥滟漪潇濛瀚炅烁燊玑玖珀珅珞珮琚瑗瑷璎璩瓒甡皙眸矶磐祐祯穹竺箫篁籁"
    "缈羲翌翡翥聃胤舸芸荟菀萦葭蒹蔓蔺蕤薏訾谞贻赜跹逍邃郅钧铄铮锵镐镛闳阆陟隗雯霏霓鞅飏"
    "馗骜鹂鹭麓鼐亓佘邬眭仉綦"
)
RARE_NAME_CHARS: Final = "".join(
    dict.fromkeys(c for c in _RARE_NAME_CANDIDATES if gb2312_level(c) == 2)
)
_TRANSLIT: Final = (
    "买买提", "艾力", "阿不都热合曼", "木合塔尔", "吐尔逊", "阿迪力", "艾尼瓦尔", "麦尔旦",
    "玉素甫", "阿里木", "亚森", "托合提", "努尔兰", "叶尔兰", "别克", "阿依古丽", "热依拉",
    "古丽娜尔", "迪丽努尔", "帕提古丽", "祖丽菲亚", "米日古丽", "玛依拉", "古再丽", "司马义",
    "艾山", "沙吾提", "依明", "哈力克", "木沙", "扎西", "次仁", "卓玛", "格桑", "央金", "巴特尔",
)  # fmt: skip

#: Real county-level divisions: "province|prefecture|county county ..." (prefecture empty for
#: municipalities' districts and directly administered counties). Weighted towards names with
#: characters outside GB2312 level 1 and those a look-alike replaces (淅川 -> 浙川).
_PLACES: Final = (
    "河南省|南阳市|淅川县 邓州市 镇平县 内乡县 西峡县 南召县 方城县 社旗县 唐河县 桐柏县 宛城区",
    "河南省|南阳市|卧龙区",
    "河南省|平顶山市|郏县 舞钢市 汝州市 宝丰县 叶县 鲁山县 湛河区",
    "河南省|鹤壁市|淇县 浚县 淇滨区 鹤山区",
    "河南省|漯河市|郾城区 召陵区 源汇区 舞阳县 临颍县",
    "河南省|许昌市|鄢陵县 襄城县 禹州市 长葛市 魏都区",
    "河南省|三门峡市|渑池县 陕州区 卢氏县 义马市 灵宝市 湖滨区",
    "河南省|洛阳市|栾川县 嵩县 汝阳县 宜阳县 洛宁县 伊川县 偃师区 孟津区 涧西区 瀍河回族区",
    "河南省|郑州市|荥阳市 巩义市 新郑市 登封市 新密市 中牟县 金水区 管城回族区 惠济区",
    "河南省|信阳市|浉河区 平桥区 潢川县 固始县 商城县 光山县 息县 淮滨县 罗山县",
    "河南省|商丘市|柘城县 睢县 虞城县 夏邑县 宁陵县 民权县 睢阳区 梁园区 永城市",
    "河南省|濮阳市|范县 濮阳县 台前县 南乐县 清丰县 华龙区",
    "河南省|周口市|郸城县 鹿邑县 沈丘县 淮阳区 太康县 扶沟县 西华县 项城市 川汇区",
    "河南省|驻马店市|汝南县 确山县 泌阳县 遂平县 西平县 上蔡县 平舆县 新蔡县 驿城区",
    "湖南省|怀化市|溆浦县 沅陵县 辰溪县 麻阳苗族自治县 芷江侗族自治县 靖州苗族侗族自治县 鹤城区",
    "湖南省|郴州市|汝城县 桂东县 嘉禾县 临武县 宜章县 永兴县 资兴市 北湖区 苏仙区",
    "湖南省|岳阳市|汨罗市 临湘市 湘阴县 平江县 华容县 岳阳楼区 君山区",
    "湖南省|株洲市|醴陵市 攸县 茶陵县 炎陵县 渌口区 荷塘区 芦淞区",
    "湖南省|衡阳市|耒阳市 常宁市 衡南县 衡山县 祁东县 蒸湘区 珠晖区 雁峰区",
    "湖南省|邵阳市|邵东市 隆回县 洞口县 绥宁县 新宁县 城步苗族自治县 武冈市 双清区",
    "湖南省|娄底市|涟源市 冷水江市 双峰县 新化县 娄星区",
    "安徽省|阜阳市|颍泉区 颍州区 颍东区 颍上县 界首市 临泉县 太和县 阜南县",
    "安徽省|宿州市|埇桥区 砀山县 萧县 灵璧县 泗县",
    "安徽省|淮北市|濉溪县 相山区 杜集区 烈山区",
    "安徽省|亳州市|谯城区 涡阳县 蒙城县 利辛县",
    "安徽省|黄山市|歙县 黟县 休宁县 祁门县 屯溪区 徽州区",
    "安徽省|六安市|霍邱县 霍山县 金寨县 舒城县 裕安区 叶集区",
    "安徽省|安庆市|枞阳县 怀宁县 潜山市 宿松县 岳西县 桐城市",
    "安徽省|宣城市|泾县 旌德县 绩溪县 郎溪县 广德市 宁国市",
    "河北省|石家庄市|井陉县 井陉矿区 栾城区 藁城区 鹿泉区 正定县 行唐县 灵寿县 赞皇县 无极县",
    "河北省|石家庄市|深泽县",
    "河北省|保定市|涞水县 涞源县 涿州市 蠡县 博野县 雄县 容城县 安新县 曲阳县 阜平县 满城区",
    "河北省|保定市|竞秀区",
    "河北省|张家口市|蔚县 涿鹿县 怀来县 赤城县 沽源县 尚义县 康保县 张北县 阳原县 崇礼区",
    "河北省|邯郸市|涉县 磁县 邯山区 肥乡区 成安县 魏县 馆陶县 邱县 曲周县 鸡泽县 峰峰矿区",
    "河北省|衡水市|饶阳县 武邑县 枣强县 故城县 景县 阜城县 冀州区 桃城区",
    "山东省|临沂市|郯城县 莒南县 沂水县 沂南县 兰陵县 费县 平邑县 蒙阴县 临沭县 兰山区",
    "山东省|日照市|莒县 五莲县 岚山区 东港区",
    "山东省|菏泽市|鄄城县 郓城县 巨野县 曹县 单县 成武县 东明县 牡丹区",
    "山东省|济宁市|兖州区 曲阜市 邹城市 泗水县 汶上县 嘉祥县 微山县 鱼台县 金乡县 梁山县",
    "山东省|枣庄市|峄城区 滕州市 薛城区 台儿庄区 山亭区",
    "山东省|聊城市|茌平区 莘县 阳谷县 东阿县 冠县 高唐县 临清市 东昌府区",
    "山东省|淄博市|淄川区 临淄区 桓台县 沂源县 博山区 张店区",
    "江苏省|淮安市|盱眙县 涟水县 淮阴区 洪泽区 金湖县 清江浦区",
    "江苏省|宿迁市|沭阳县 泗阳县 泗洪县 宿豫区 宿城区",
    "江苏省|徐州市|邳州市 睢宁县 沛县 丰县 铜山区 贾汪区 新沂市",
    "江苏省|扬州市|邗江区 江都区 宝应县 高邮市 仪征市 广陵区",
    "江苏省|连云港市|赣榆区 灌云县 灌南县 东海县 海州区",
    "江西省|上饶市|婺源县 弋阳县 铅山县 鄱阳县 余干县 万年县 横峰县 玉山县 广丰区 德兴市",
    "江西省|景德镇市|浮梁县 乐平市 昌江区 珠山区",
    "江西省|赣州市|于都县 寻乌县 崇义县 上犹县 大余县 信丰县 瑞金市 会昌县 宁都县 章贡区",
    "江西省|九江市|濂溪区 浔阳区 柴桑区 修水县 湖口县 彭泽县 都昌县 瑞昌市",
    "湖北省|十堰市|郧阳区 郧西县 竹山县 竹溪县 房县 丹江口市 茅箭区 张湾区",
    "湖北省|黄冈市|蕲春县 浠水县 黄梅县 麻城市 武穴市 罗田县 英山县 红安县 黄州区",
    "湖北省|宜昌市|秭归县 猇亭区 夷陵区 枝江市 当阳市 宜都市 兴山县 长阳土家族自治县 西陵区",
    "广西壮族自治区|河池市|罗城仫佬族自治县 环江毛南族自治县 宜州区 金城江区 南丹县",
    "广西壮族自治区|河池市|巴马瑶族自治县",
    "广西壮族自治区|柳州市|融水苗族自治县 三江侗族自治县 融安县 鹿寨县 柳城县 柳江区 鱼峰区",
    "广西壮族自治区|桂林市|龙胜各族自治县 恭城瑶族自治县 阳朔县 灵川县 灌阳县 荔浦市 叠彩区",
    "广西壮族自治区|桂林市|临桂区",
    "广西壮族自治区|玉林市|陆川县 博白县 兴业县 北流市 容县 玉州区",
    "广西壮族自治区|梧州市|岑溪市 藤县 蒙山县 苍梧县 万秀区 龙圩区",
    "广西壮族自治区|百色市|靖西市 那坡县 德保县 凌云县 乐业县 田林县 隆林各族自治县 右江区",
    "广西壮族自治区|崇左市|凭祥市 宁明县 龙州县 大新县 天等县 扶绥县 江州区",
    "广西壮族自治区|南宁市|邕宁区 横州市 宾阳县 上林县 马山县 隆安县 武鸣区 西乡塘区",
    "贵州省|黔东南苗族侗族自治州|黎平县 榕江县 从江县 雷山县 麻江县 丹寨县 岑巩县 锦屏县 凯里市",
    "贵州省|遵义市|道真仡佬族苗族自治县 务川仡佬族苗族自治县 湄潭县 凤冈县 习水县 仁怀市 桐梓县",
    "贵州省|遵义市|播州区",
    "贵州省|铜仁市|碧江区 万山区 玉屏侗族自治县 石阡县 思南县 印江土家族苗族自治县",
    "贵州省|铜仁市|沿河土家族自治县",
    "贵州省|毕节市|威宁彝族回族苗族自治县 赫章县 纳雍县 织金县 黔西市 七星关区",
    "云南省|西双版纳傣族自治州|勐海县 勐腊县 景洪市",
    "云南省|红河哈尼族彝族自治州|泸西县 弥勒市 蒙自市 个旧市 屏边苗族自治县 建水县 元阳县",
    "云南省|红河哈尼族彝族自治州|河口瑶族自治县",
    "云南省|大理白族自治州|漾濞彝族自治县 巍山彝族回族自治县 洱源县 剑川县 鹤庆县 祥云县 宾川县",
    "云南省|大理白族自治州|弥渡县",
    "云南省|临沧市|耿马傣族佤族自治县 沧源佤族自治县 凤庆县 云县 永德县 镇康县 临翔区",
    "四川省|乐山市|犍为县 沐川县 峨边彝族自治县 马边彝族自治县 夹江县 井研县 峨眉山市 沙湾区",
    "四川省|宜宾市|筠连县 珙县 高县 兴文县 屏山县 长宁县 翠屏区 叙州区",
    "四川省|泸州市|叙永县 古蔺县 泸县 合江县 江阳区 纳溪区 龙马潭区",
    "四川省|成都市|郫都区 邛崃市 崇州市 都江堰市 彭州市 蒲江县 大邑县 温江区 龙泉驿区 武侯区",
    "重庆市||綦江区 璧山区 荣昌区 潼南区 铜梁区 黔江区 涪陵区 渝中区 北碚区 渝北区 垫江县 巫溪县",
    "重庆市||彭水苗族土家族自治县 酉阳土家族苗族自治县 秀山土家族苗族自治县 石柱土家族自治县",
    "山西省|忻州市|岢岚县 繁峙县 忻府区 五寨县 神池县 宁武县 静乐县 偏关县 河曲县 保德县 原平市",
    "山西省|临汾市|隰县 汾西县 蒲县 洪洞县 翼城县 襄汾县 曲沃县 乡宁县 侯马市 霍州市 尧都区",
    "山西省|运城市|芮城县 闻喜县 垣曲县 夏县 稷山县 绛县 新绛县 临猗县 万荣县 永济市 盐湖区",
    "山西省|长治市|潞城区 屯留区 壶关县 黎城县 长子县 沁县 沁源县 襄垣县 上党区",
    "甘肃省|临夏回族自治州|积石山保安族东乡族撒拉族自治县 东乡族自治县 和政县 广河县 康乐县",
    "甘肃省|临夏回族自治州|临夏市",
    "甘肃省|张掖市|肃南裕固族自治县 民乐县 临泽县 高台县 山丹县 甘州区",
    "甘肃省|陇南市|宕昌县 礼县 徽县 两当县 西和县 成县 康县 文县 武都区",
    "甘肃省|定西市|岷县 渭源县 临洮县 漳县 陇西县 通渭县 安定区",
    "青海省|海东市|互助土族自治县 化隆回族自治县 循化撒拉族自治县 民和回族土族自治县 乐都区",
    "黑龙江省|齐齐哈尔市|讷河市 富裕县 克山县 拜泉县 依安县 泰来县 梅里斯达斡尔族区 碾子山区",
    "黑龙江省|齐齐哈尔市|昂昂溪区",
    "黑龙江省|大兴安岭地区|漠河市 呼玛县 塔河县",
    "吉林省|延边朝鲜族自治州|珲春市 敦化市 汪清县 和龙市 龙井市 图们市 安图县 延吉市",
    "吉林省|白城市|洮南市 洮北区 镇赉县 通榆县 大安市",
    "辽宁省|朝阳市|喀喇沁左翼蒙古族自治县 凌源市 建平县 北票市 双塔区",
    "辽宁省|丹东市|宽甸满族自治县 凤城市 东港市 振兴区",
    "内蒙古自治区|呼伦贝尔市|鄂伦春自治旗 鄂温克族自治旗 莫力达瓦达斡尔族自治旗 满洲里市",
    "内蒙古自治区|呼伦贝尔市|牙克石市 扎兰屯市 扎赉诺尔区",
    "内蒙古自治区|巴彦淖尔市|磴口县 乌拉特前旗 杭锦后旗 五原县 临河区",
    "浙江省|绍兴市|嵊州市 新昌县 诸暨市 上虞区 越城区 柯桥区",
    "浙江省|舟山市|嵊泗县 岱山县 定海区 普陀区",
    "浙江省|温州市|瓯海区 苍南县 平阳县 瑞安市 乐清市 永嘉县 泰顺县 洞头区 鹿城区",
    "浙江省|丽水市|缙云县 遂昌县 松阳县 云和县 庆元县 景宁畲族自治县 龙泉市 青田县 莲都区",
    "浙江省|金华市|婺城区 金东区 浦江县 磐安县 武义县 永康市 兰溪市 义乌市 东阳市",
    "福建省|福州市|闽侯县 连江县 罗源县 闽清县 永泰县 长乐区 福清市 晋安区",
    "福建省|漳州市|诏安县 漳浦县 云霄县 东山县 平和县 华安县 南靖县 龙海区 芗城区",
    "福建省|宁德市|柘荣县 寿宁县 周宁县 屏南县 古田县 霞浦县 福鼎市 福安市 蕉城区",
    "广东省|梅州市|蕉岭县 大埔县 丰顺县 五华县 平远县 兴宁市 梅江区 梅县区",
    "广东省|潮州市|饶平县 湘桥区 潮安区",
    "广东省|揭阳市|揭西县 惠来县 普宁市 榕城区 揭东区",
    "广东省|肇庆市|怀集县 广宁县 封开县 德庆县 四会市 端州区 鼎湖区 高要区",
    "广东省|韶关市|乳源瑶族自治县 翁源县 始兴县 仁化县 乐昌市 南雄市 浈江区 曲江区",
    "海南省||儋州市 琼中黎族苗族自治县 保亭黎族苗族自治县 陵水黎族自治县 澄迈县 临高县 屯昌县",
    "新疆维吾尔自治区|喀什地区|疏勒县 疏附县 英吉沙县 泽普县 莎车县 叶城县 麦盖提县 岳普湖县",
    "新疆维吾尔自治区|喀什地区|伽师县 巴楚县",
    "西藏自治区|日喀则市|桑珠孜区 南木林县 江孜县 定日县 萨迦县 拉孜县 昂仁县 谢通门县 聂拉木县",
)


@dataclasses.dataclass(frozen=True)
class Place:
    province: str
    prefecture: str
    county: str

    @property
    def address_prefix(self) -> str:
        return self.province + self.prefecture + self.county

    @property
    def authority(self) -> str:
        """The county-level public security organ as printed on the card's back."""
        if self.county.endswith("区") and len(self.county) > 2:
            city = self.prefecture or self.province
            branch = self.county if self.county.endswith("矿区") else self.county[:-1]
            return f"{city}公安局{branch}分局"
        return f"{self.county}公安局"


PLACES: Final = tuple(
    Place(province, prefecture, county)
    for row in _PLACES
    for province, prefecture, counties in [row.split("|")]
    for county in counties.split()
)
_ROADS: Final = (
    "人民", "解放", "建设", "中山", "胜利", "文化", "和平", "新华", "光明", "幸福", "朝阳",
    "滨江", "友谊", "团结", "青年", "迎宾", "淮河", "沂河", "颍河", "汶河", "泗水", "洹河",
)  # fmt: skip
_ESTATES: Final = (
    "阳光", "金色", "翠苑", "锦绣", "桂花", "香榭", "恒大", "万达", "碧桂", "御景", "泓泰",
    "璟园", "樾府", "琨华", "珑湾", "瀚海", "淇水", "溆水",
)  # fmt: skip
_TOWNS: Final = (
    "城关", "石垅", "大垅", "老河口", "马蹬", "仓房", "盛湾", "涉村", "陉山", "埇上", "颍南",
    "溆口", "淅河", "黄庄", "李集", "赵营", "双河", "白庙", "龙泉", "柳林",
)  # fmt: skip
_VILLAGES: Final = (
    "垅上", "大垅", "石垅", "下湾", "东庄", "西坡", "王楼", "李洼", "张寨", "陈岗", "杨庄", "荥口",
    "埇头", "沟北", "淅源", "溆溪", "颍滨", "陉口", "后坪", "新集",
)  # fmt: skip


def _pick(rng: np.random.Generator, seq: Sequence[str]) -> str:
    return seq[int(rng.integers(len(seq)))]


def _han_name(rng: np.random.Generator) -> str:
    n = 1 if rng.random() < 0.3 else 2
    return _pick(rng, _SURNAMES) + "".join(_pick(rng, _GIVEN) for _ in range(n))


def _rare_name(rng: np.random.Generator) -> str:
    """A name with GB2312 level-2 characters (or 仫), or a transliterated one with ·."""
    u = rng.random()
    if u < 0.15:
        name = _pick(rng, _TRANSLIT) + MIDDLE_DOT + _pick(rng, _TRANSLIT)
        return name if len(name) <= 11 else name[:11]
    surname = _pick(rng, _SURNAMES) if rng.random() < 0.85 else _pick(rng, RARE_NAME_CHARS[-6:])
    given = [_pick(rng, RARE_NAME_CHARS)]
    if rng.random() < 0.7:
        given.append(_pick(rng, _GIVEN) if rng.random() < 0.5 else _pick(rng, RARE_NAME_CHARS))
    if u > 0.95:
        given[0] = "仫"
    order = rng.permutation(len(given))
    return surname + "".join(given[int(k)] for k in order)


def _detail(rng: np.random.Generator, rural: bool) -> str:
    if rural:
        s = _pick(rng, _TOWNS) + _pick(rng, ("镇", "乡")) + _pick(rng, _VILLAGES) + "村"
        u = rng.random()
        if u < 0.4:
            return s + f"{int(rng.integers(1, 12))}组{int(rng.integers(1, 120))}号"
        return s + (f"{int(rng.integers(1, 400))}号" if u < 0.8 else "")
    s = _pick(rng, _ROADS) + _pick(rng, ("路", "街", "大道", "东路", "西路"))
    building, unit, room = (
        int(rng.integers(1, 40)),
        int(rng.integers(1, 7)),
        int(rng.integers(1, 33)) * 100 + int(rng.integers(1, 5)),
    )
    u = rng.random()
    if u < 0.35:  # hyphenated, as many cards print it
        return (
            s
            + f"{int(rng.integers(1, 999))}号"
            + _pick(rng, _ESTATES)
            + "小区"
            + (f"{building}-{unit}-{room}")
        )
    if u < 0.5:
        return s + f"{int(rng.integers(1, 99))}-{int(rng.integers(1, 30))}号"
    estate = _pick(rng, _ESTATES) + _pick(rng, ("小区", "花园", "新村", "家园"))
    return s + f"{int(rng.integers(1, 999))}号{estate}{building}号楼{unit}单元{room}室"


def _address_line(rng: np.random.Generator) -> str:
    place = _pick_place(rng)
    address = place.address_prefix + _detail(rng, not place.county.endswith("区"))
    lines = [address[i : i + 11] for i in range(0, len(address), 11)][:3]
    return lines[int(rng.integers(len(lines)))]


def _pick_place(rng: np.random.Generator) -> Place:
    return PLACES[int(rng.integers(len(PLACES)))]


def _random_date(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))


def _id_number(rng: np.random.Generator) -> str:
    region = f"{int(rng.integers(11, 66)):02d}{int(rng.integers(1, 30)):02d}"
    region += f"{int(rng.integers(1, 30)):02d}"
    birth = _random_date(rng, dt.date(1930, 1, 1), dt.date(2015, 12, 31))
    first17 = f"{region}{birth:%Y%m%d}{int(rng.integers(0, 1000)):03d}"
    return first17 + check_char(first17)


def _validity(rng: np.random.Generator) -> str:
    start = _random_date(rng, dt.date(2005, 1, 1), dt.date(2026, 6, 30))
    years = int(rng.choice([5, 10, 20, 0], p=[0.1, 0.35, 0.35, 0.2]))
    end = LONG_TERM if years == 0 else f"{add_years(start, years):%Y.%m.%d}"
    return f"{start:%Y.%m.%d}-{end}"


# --- how a line is laid out -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Item:
    """One printed item of a line, placed as on the card (x in card widths)."""

    text: str
    role: str  # label | value | name | number
    x: float
    align: str = "l"
    spacing_em: float = 0.0


@dataclasses.dataclass(frozen=True)
class Line:
    cls: str
    items: tuple[Item, ...]

    @property
    def text(self) -> str:
        """What a perfect reading gives: the items' text without spaces."""
        return "".join(i.text for i in self.items).replace(" ", "")


def make_line(cls: str, rng: np.random.Generator, index: int) -> Line:
    """The ``index``-th line of class ``cls`` (ethnicity: the 56 in turn)."""
    value_sp = float(rng.uniform(0.0, 0.06))
    if cls == "name":
        return Line(cls, (Item(_han_name(rng), "name", 0.18, spacing_em=value_sp),))
    if cls == "name_rare":
        return Line(cls, (Item(_rare_name(rng), "name", 0.18, spacing_em=value_sp),))
    if cls == "address":
        return Line(cls, (Item(_address_line(rng), "value", 0.18, spacing_em=value_sp),))
    if cls == "authority":
        return Line(cls, (Item(_pick_place(rng).authority, "value", 0.40, spacing_em=value_sp),))
    if cls == "ethnicity":
        race = ETHNICITIES[index % len(ETHNICITIES)]
        return Line(cls, (Item("民族", "label", 0.30, spacing_em=0.55), Item(race, "value", 0.395)))
    if cls == "gender":
        gender = "男" if rng.random() < 0.5 else "女"
        return Line(
            cls, (Item("性别", "label", 0.08, spacing_em=0.55), Item(gender, "value", 0.18))
        )
    if cls == "id_no":
        spacing = float(rng.uniform(0.03, 0.10))
        return Line(cls, (Item(_id_number(rng), "number", 0.35, spacing_em=spacing),))
    if cls == "birth":
        b = _random_date(rng, dt.date(1930, 1, 1), dt.date(2015, 12, 31))
        return Line(
            cls,
            (
                Item(f"{b.year}", "value", 0.18),
                Item("年", "value", 0.265),
                Item(f"{b.month}", "value", 0.345, "r"),
                Item("月", "value", 0.355),
                Item(f"{b.day}", "value", 0.445, "r"),
                Item("日", "value", 0.455),
            ),
        )
    if cls == "validity":
        return Line(cls, (Item(_validity(rng), "value", 0.40, spacing_em=value_sp),))
    raise ValueError(f"unknown line class {cls!r}")


# --- backgrounds ------------------------------------------------------------------------------

#: Text-free bands of a rendered card (fractions: x0, y0, x1, y1): above the front's name row,
#: and between the back's title and its 签发机关 row.
_BANDS: Final = {"front": (0.05, 0.015, 0.95, 0.125), "back": (0.05, 0.47, 0.95, 0.65)}
_BACK_CLASSES: Final = frozenset({"authority", "validity"})


@functools.cache
def backgrounds(seed: int, per_side: int = 12) -> dict[str, tuple[U8, ...]]:
    """Artwork bands cut from cards rendered by synthcards (BGR, at CARD_WIDTH)."""
    rng = np.random.default_rng([seed, 7919])
    out: dict[str, list[U8]] = {"front": [], "back": []}
    for side, (x0, y0, x1, y1) in _BANDS.items():
        for _ in range(per_side):
            card = render_card(make_identity(rng), side, width=CARD_WIDTH, rng=rng)
            h, w = card.shape[:2]
            band = card[round(y0 * h) : round(y1 * h), round(x0 * w) : round(x1 * w)]
            out[side].append(np.ascontiguousarray(band))
    return {side: tuple(bands) for side, bands in out.items()}


def _tile(bands: Sequence[U8], w: int, h: int, rng: np.random.Generator) -> U8:
    band = bands[int(rng.integers(len(bands)))]
    bh, bw = band.shape[:2]
    if bw > w:
        x = int(rng.integers(0, bw - w + 1))
        band = band[:, x : x + w]
    if bh > h:
        y = int(rng.integers(0, bh - h + 1))
        band = band[y : y + h]
    if rng.random() < 0.5:
        band = band[:, ::-1]
    return np.ascontiguousarray(resize(band, w, h))


# --- drawing ----------------------------------------------------------------------------------


def _choose_font(rng: np.random.Generator, text: str, role: str, fonts: Sequence[str]) -> str:
    if role == "number":
        return "ocrb"
    if role == "label":
        pool = [k for k in _LABEL_FONTS if k in fonts]
    else:
        families = list(_FAMILY_P)
        family = families[int(rng.choice(len(families), p=list(_FAMILY_P.values())))]
        pool = [k for k in fonts if FONTS[k][2] == family]
        pool = pool or [k for k in fonts if FONTS[k][2] != "ocrb"]
    order = [pool[int(i)] for i in rng.permutation(len(pool))]
    for key in order:
        if all(has_glyph(key, ch) for ch in text):
            return key
    for key in fonts:  # any font that has every character
        if FONTS[key][2] != "ocrb" and all(has_glyph(key, ch) for ch in text):
            return key
    raise ValueError(f"no installed font draws {text!r}")


@dataclasses.dataclass(frozen=True)
class Drawn:
    """A line drawn on its artwork: the image, its ink mask and the font of its main item."""

    image: U8  # BGR
    ink: npt.NDArray[np.bool_]
    font: str


def draw_line(line: Line, rng: np.random.Generator, bands: Sequence[U8]) -> Drawn:
    w, h = CARD_WIDTH, CARD_HEIGHT
    scale = float(rng.uniform(0.95, 1.05))
    sizes = {"label": 0.050, "value": 0.056, "name": 0.056 * 1.08, "number": 0.066}
    fonts = available_fonts()
    values = "".join(i.text for i in line.items if i.role in ("value", "name"))
    value_font = _choose_font(rng, values, "value", fonts) if values else "ocrb"
    ink = int(rng.uniform(5, 55))
    label_rgb = np.clip(np.array(_LABEL_BLUE) + rng.uniform(-20, 25, 3), 0, 255).astype(int)
    placed = []
    for item in line.items:
        size = max(8, round(sizes[item.role] * h * scale))
        key = value_font
        if item.role not in ("value", "name"):
            key = _choose_font(rng, item.text, item.role, fonts)
        font = _font(key, size)
        gap = item.spacing_em * size
        advances = [font.getlength(ch) for ch in item.text]
        total = sum(advances) + gap * max(0, len(item.text) - 1)
        x = (item.x + float(rng.uniform(-0.004, 0.004))) * w - (total if item.align == "r" else 0)
        dy = float(rng.uniform(-0.006, 0.006)) * h
        placed.append((item, font, key, gap, advances, x, dy, size, total))
    x_min = min(p[5] for p in placed)
    x_max = max(p[5] + p[8] for p in placed)
    top = max(p[7] for p in placed)
    tw, th = round(x_max - x_min + 1.6 * top), round(2.1 * top)
    image = Image.fromarray(_tile(bands, tw, th, rng)[..., ::-1].copy())
    mask = Image.new("L", (tw, th), 0)
    draw, mdraw = ImageDraw.Draw(image), ImageDraw.Draw(mask)
    for item, font, _, gap, advances, x, dy, size, _ in placed:
        fill = (
            (int(label_rgb[0]), int(label_rgb[1]), int(label_rgb[2]))
            if item.role == "label"
            else (ink, ink, ink + int(rng.integers(0, 8)))
        )
        cx = x - x_min + 0.8 * top
        base = th / 2 + dy + 0.37 * size
        for ch, adv in zip(item.text, advances, strict=True):
            if ch != " ":
                draw.text((cx, base), ch, font=font, fill=fill, anchor="ls")
                mdraw.text((cx, base), ch, font=font, fill=255, anchor="ls")
            cx += adv + gap
    rgb = np.asarray(image)
    sigma = 0.35 * w / 1000 * float(rng.uniform(0.7, 1.4))
    rgb = cv2.GaussianBlur(rgb, (0, 0), sigma)
    main = value_font if values else "ocrb"
    return Drawn(np.ascontiguousarray(rgb[..., ::-1]), np.asarray(mask) > 96, main)


# --- degradations and the processor's crop ----------------------------------------------------


def resize(image: U8, w: int, h: int, interpolation: int = cv2.INTER_LINEAR) -> U8:
    return np.asarray(cv2.resize(image, (w, h), interpolation=interpolation), np.uint8)


def degrade(image: U8, kind: str, rng: np.random.Generator) -> U8:
    """``image`` (BGR, at the recognition card width) as a poorer capture would give it."""
    h, w = image.shape[:2]
    if kind == "blur":
        return np.asarray(cv2.GaussianBlur(image, (0, 0), float(rng.uniform(1.2, 2.6))), np.uint8)
    if kind == "jpeg":  # a phone JPEG at a lower resolution, rectified up to the card width
        f = float(rng.uniform(0.5, 0.8))
        small = resize(image, max(8, round(w * f)), max(8, round(h * f)), cv2.INTER_AREA)
        quality = int(rng.integers(50, 71))
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:  # pragma: no cover - OpenCV always encodes a BGR image
            raise RuntimeError("JPEG encoding failed")
        return resize(np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR), np.uint8), w, h)
    if kind == "noise":
        noise = rng.normal(0.0, float(rng.uniform(8, 18)), image.shape)
        return np.asarray(np.clip(image + noise, 0, 255), np.uint8)
    if kind == "contrast":
        mean = image.reshape(-1, 3).mean(axis=0)
        out = mean + (image - mean) * float(rng.uniform(0.25, 0.45)) + float(rng.uniform(-20, 30))
        return np.asarray(np.clip(out, 0, 255), np.uint8)
    if kind == "small":  # a card 320-575 px wide, rectified up to the card width
        f = float(rng.uniform(0.25, 0.45))
        small = resize(image, max(8, round(w * f)), max(8, round(h * f)), cv2.INTER_AREA)
        return resize(small, w, h)
    raise ValueError(f"unknown degradation {kind!r}")


def crop_box(ink: npt.NDArray[np.bool_], rng: np.random.Generator) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the crop the processor would cut: the detector's box (the ink and a
    margin of 0.1-0.4 of its height at the ends, 0.05-0.2 above and below) plus 8% of the
    box's height above and below."""
    ys, xs = np.nonzero(ink)
    if not len(xs):
        raise ValueError("nothing was drawn")
    ih = float(ys.max() - ys.min() + 1)
    x0 = xs.min() - rng.uniform(0.1, 0.4) * ih
    x1 = xs.max() + 1 + rng.uniform(0.1, 0.4) * ih
    y0 = ys.min() - rng.uniform(0.05, 0.2) * ih
    y1 = ys.max() + 1 + rng.uniform(0.05, 0.2) * ih
    pad = (y1 - y0) * CROP_PAD
    h, w = ink.shape
    return (
        int(max(0, x0)),
        int(max(0, y0 - pad)),
        int(min(w, x1)),
        int(min(h, y1 + pad)),
    )


def cut(image: U8, box: tuple[int, int, int, int], cls: str, squeeze: float = DIGIT_SQUEEZE) -> U8:
    """The crop of ``box`` as the recogniser gets it (digit rows squeezed, as the processor)."""
    x0, y0, x1, y1 = box
    crop = image[y0:y1, x0:x1]
    if cls in DIGIT_CLASSES and squeeze != 1.0:
        h, w = crop.shape[:2]
        crop = resize(crop, max(4, round(w * squeeze)), h, cv2.INTER_AREA)
    return np.ascontiguousarray(crop)


@dataclasses.dataclass(frozen=True)
class LineSample:
    """One line of one class: what it says, its crop clean and degraded, and how."""

    cls: str
    index: int
    text: str
    font: str
    clean: U8
    degraded: U8
    degradation: str  # the kinds applied, "+"-joined

    @property
    def rare(self) -> bool:
        """Whether the line holds a character outside GB2312 level 1 (other than · and ASCII)."""
        return any(
            gb2312_level(c) != 1
            and not c.isascii()
            and c != MIDDLE_DOT
            and unicodedata.category(c).startswith("L")
            for c in self.text
        )


def make_sample(cls: str, index: int, seed: int, squeeze: float = DIGIT_SQUEEZE) -> LineSample:
    """The ``index``-th sample of class ``cls`` for ``seed`` (deterministic); ``squeeze``:
    the digit rows' width factor (the processor's by default)."""
    rng = np.random.default_rng([seed, CLASSES.index(cls), index])
    line = make_line(cls, rng, index)
    bands = backgrounds(seed)["back" if cls in _BACK_CLASSES else "front"]
    drawn = draw_line(line, rng, bands)
    box = crop_box(drawn.ink, rng)
    kinds = [DEGRADATIONS[index % len(DEGRADATIONS)]]
    if rng.random() < 0.3:
        kinds.append(_pick(rng, [k for k in DEGRADATIONS if k != kinds[0]]))
    degraded = drawn.image
    for kind in kinds:
        degraded = degrade(degraded, kind, rng)
    return LineSample(
        cls,
        index,
        line.text,
        drawn.font,
        cut(drawn.image, box, cls, squeeze),
        cut(degraded, box, cls, squeeze),
        "+".join(kinds),
    )


def make_samples(
    count: int, seed: int, classes: Sequence[str] = CLASSES, squeeze: float = DIGIT_SQUEEZE
) -> list[LineSample]:
    """``count`` samples of each class, in class order."""
    return [make_sample(cls, i, seed, squeeze) for cls in classes for i in range(count)]
