"""Facts about the Chinese resident identity card (GB 11643-1999, GB 3304-1991, the Resident
Identity Card Law): its size, the id number's check character and contents, ethnicities,
validity terms and the issuing authority's shape.

Pure functions and constants, no I/O: shared by the reader (registration, the field parser),
the synthetic card generator and the tests. Where things are printed is the template's
(:mod:`processor.card.template`), not a fact here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

#: Card size in millimetres (ISO/IEC 7810 ID-1).
CARD_WIDTH_MM: Final = 85.6
CARD_HEIGHT_MM: Final = 54.0

_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS: Final = "10X98765432"

#: The 56 ethnic groups in GB 3304-1991 code order 01-56, printed without 族.
# fmt: off
ETHNICITIES: Final[tuple[str, ...]] = (
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
    "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
    "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
    "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
# fmt: on

#: Old names still printed on some cards or produced by copied code, mapped to today's.
ETHNICITY_ALIASES: Final[dict[str, str]] = {"毛难": "毛南", "崩龙": "德昂"}

#: Values outside the 56 that appear on real cards or chip readers.
ETHNICITY_EXTRAS: Final[tuple[str, ...]] = ("穿青人", "其他", "外国血统中国籍人士")

GENDERS: Final = ("男", "女")
LONG_TERM: Final = "长期"
MIDDLE_DOT: Final = "\u00b7"

#: The CJK unified ideographs, as a regular-expression character range.
HAN: Final = "\u4e00-\u9fff"
#: An issuing authority as printed: a place, then 公安局, and a district's 分局 after it
#: (XX县公安局, XX市公安局, XX市公安局XX分局; every one of the 4,611 known authorities).
ISSUER_RE: Final = re.compile(rf"^[{HAN}]{{2,}}公安局(?:[{HAN}]{{1,8}}分局)?$")
#: What a line of it looks like as read: that, or a place and 分局 (公安局 misread).
ISSUER_LINE_RE: Final = re.compile(rf"^[{HAN}]{{2,}}(?:公安局(?:[{HAN}]{{1,8}}分局)?|分局)$")


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of an id number."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def id_number_valid(id_no: str) -> bool:
    """True if ``id_no`` is 18 characters with a correct check character and a real birth date."""
    if len(id_no) != 18 or not id_no[:17].isdigit() or not id_no[:17].isascii():
        return False
    if check_char(id_no[:17]) != id_no[17]:
        return False
    return birth_from_id(id_no) is not None


def calendar_date(year: str, month: str, day: str) -> dt.date | None:
    """The date these digits print, or None where they make no calendar date."""
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def birth_from_id(id_no: str) -> dt.date | None:
    """The birth date encoded in digits 7-14, or None if it is not a calendar date."""
    return calendar_date(id_no[6:10], id_no[10:12], id_no[12:14])


#: The years a card holder's birth can fall in.
BIRTH_YEARS: Final = (1900, 2099)


def born_in_holders_years(id_no: str) -> bool:
    """Whether digits 7-14 of ``id_no`` are a calendar date in :data:`BIRTH_YEARS` (18
    digits read upside down, or a label's characters read as digits before the number,
    rarely are)."""
    born = birth_from_id(id_no)
    return born is not None and holders_birth(born)


def holders_birth(day: dt.date) -> bool:
    """Whether a card holder can be born on ``day`` (:data:`BIRTH_YEARS`)."""
    return BIRTH_YEARS[0] <= day.year <= BIRTH_YEARS[1]


def gender_from_id(id_no: str) -> str:
    """男 when the order code (digit 17) is odd, else 女."""
    return "男" if int(id_no[16]) % 2 == 1 else "女"


#: The terms a card is valid for, in years (Resident Identity Card Law art. 5; 长期 beyond).
VALIDITY_TERMS: Final = (5, 10, 20)


def add_years(day: dt.date, years: int) -> dt.date:
    """Same month and day ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validity_years(birth: dt.date, issued: dt.date) -> int | None:
    """Term of validity by age at issue (Resident Identity Card Law art. 5); None means 长期."""
    age = issued.year - birth.year - ((issued.month, issued.day) < (birth.month, birth.day))
    if age < 16:
        return 5
    if age <= 25:
        return 10
    if age <= 45:
        return 20
    return None


def format_date(day: dt.date) -> str:
    """``YYYY.MM.DD``, zero-padded, as the API returns dates."""
    return f"{day.year:04d}.{day.month:02d}.{day.day:02d}"
