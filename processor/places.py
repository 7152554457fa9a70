"""Place knowledge: which administrative divisions exist, and what their cards print.

The packaged table ``processor/data/divisions.tsv`` (compiled by ``model_export places`` from
pinned PyPI data, see ``processor/data/SOURCES.md``) lists every GB/T 2260 code, current and
historical. This module answers three questions with it:

- whether an id number's region code is real (``by_code``, ``region_known``): historical
  codes count, as the first six digits are the code at registration;
- which issuing authorities exist (``authorities_for``, ``authority_known``): the county-level
  public security bureau of each place, ``XX县公安局``, ``XX市公安局``, ``XX市公安局XX分局``;
- how to correct a misread place name from the recogniser's runner-up characters
  (``correct_authority``, ``correct_address_prefix``), only where exactly one real place fits.

The known places and authorities are a prior, never a gate: a read that fits none is kept as
read by the caller. The tables are loaded once and cached (:func:`load`, at initialize).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

#: One entry per printed character, in reading order: the recogniser's candidates for it,
#: best first, as (character, probability); the first is what was read.
Candidates = Sequence[Sequence[tuple[str, float]]]

#: Second-generation cards are issued from 2004; a place name last used before 2003 (one
#: year's slack for registers updated late) is never printed on one.
PRINTED_SINCE = 2003
#: A top candidate at least this probable is taken as read ...
SURE = 0.9
#: ... unless a runner-up is at least this probable.
REAL = 0.05
#: Where the top candidate is not sure, runner-ups below this are noise, not alternatives.
FLOOR = 0.001

MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
#: GB/T 2260 summary rows (市辖区: "the city's districts"): codes, but not places.
SUMMARY_NAMES = frozenset(
    {
        "市辖区",
        "市区",
        "县",
        "市",
        "林区",
        "省直辖县级行政单位",
        "省直辖行政单位",
        "自治区直辖县级行政单位",
        "澳门特别行政区直辖",
    }
)
#: County-level units whose name ends in 区 but that are not a city's district: their
#: bureau is ``{name}公安局`` (神农架林区公安局, 六枝特区公安局).
_NOT_DISTRICTS = ("林区", "特区")


@dataclass(frozen=True)
class Division:
    """One administrative-division code and its names (empty where the level does not exist:
    the districts of 北京市 have no prefecture)."""

    code: str
    province: str
    prefecture: str
    county: str
    current: bool

    @property
    def level(self) -> int:
        """1 province, 2 prefecture, 3 county-level."""
        if self.code.endswith("0000"):
            return 1
        return 2 if self.code.endswith("00") else 3

    @property
    def name(self) -> str:
        """The name of the division itself (its own level's name)."""
        return (self.county, self.prefecture, self.province)[3 - self.level]


@dataclass(frozen=True)
class _Place:
    """A county-level name printed on cards since 2003, with the names its parents had."""

    code: str
    name: str
    province: str
    prefectures: tuple[str, ...]


def read_table(name: str) -> Iterator[list[str]]:
    """The rows (cells split at tabs) of the packaged table ``processor/data/<name>``, its
    header left out, one at a time (a table of 114,134 rows held as lists at once stays in
    the process's memory, ~25 MiB, after its dict is built)."""
    text = (resources.files("processor") / "data" / name).read_text(encoding="utf-8")
    return (line.split("\t") for line in text.splitlines()[1:] if line)


@functools.cache
def divisions() -> Mapping[str, Division]:
    """Every code in the packaged table, by code."""
    return {
        code: Division(code, province, prefecture, county, status == "current")
        for code, province, prefecture, county, status in read_table("divisions.tsv")
    }


@functools.cache
def _name_periods() -> Mapping[str, Mapping[str, int]]:
    """code -> {name it no longer has: last year in use} (9999: in use until recently)."""
    out: dict[str, dict[str, int]] = {}
    for code, name, until in read_table("name_periods.tsv"):
        out.setdefault(code, {})[name] = int(until) if until else 9999
    return out


def by_code(code6: str) -> Division | None:
    """The division of a 6-digit code (current or historical), None if there is none."""
    return divisions().get(code6) if len(code6) == 6 and code6.isdigit() else None


def region_known(code6: str) -> bool:
    """Whether ``code6`` (an id number's first six digits) is a real division code, current
    or historical: the code at registration stays in the number for life."""
    return by_code(code6) is not None


def _printed_names(division: Division) -> list[str]:
    """The names ``division`` has had on cards since PRINTED_SINCE."""
    if division.name in SUMMARY_NAMES:
        return []
    periods = _name_periods().get(division.code, {})
    names = [division.name] if division.current else []
    names += [n for n, until in sorted(periods.items()) if until >= PRINTED_SINCE]
    return list(dict.fromkeys(n for n in names if n not in SUMMARY_NAMES))


@functools.cache
def _places() -> tuple[tuple[_Place, ...], tuple[_Place, ...]]:
    """County-level places, and prefecture-level places with no county-level unit under
    them (东莞市), printed since PRINTED_SINCE."""
    table = divisions()
    counties: list[_Place] = []
    with_counties: set[str] = set()
    for division in table.values():
        if division.level != 3:
            continue
        names = _printed_names(division)
        if not names:
            continue
        parent = table.get(division.code[:4] + "00")
        prefectures = tuple(_printed_names(parent)) if parent and division.prefecture else ()
        if prefectures:
            with_counties.add(division.code[:4])
        counties.extend(_Place(division.code, n, division.province, prefectures) for n in names)
    childless = [
        _Place(d.code, n, d.province, ())
        for d in table.values()
        if d.level == 2 and d.code[:4] not in with_counties
        for n in _printed_names(d)
    ]
    return tuple(counties), tuple(childless)


def _is_district(name: str) -> bool:
    return name.endswith("区") and not name.endswith(_NOT_DISTRICTS)


def _authorities(place: _Place, municipality: bool) -> list[str]:
    """What a county-level place's cards print as the issuing authority, usual form first."""
    cities = (place.province,) if municipality else place.prefectures
    if _is_district(place.name) and cities:
        # 浦东新区 -> 上海市公安局浦东分局; 城区 keeps its 区: 阳泉市公安局城区分局
        stem = place.name[:-2] if place.name.endswith("新区") else place.name[:-1]
        stems = [stem] if len(stem) >= 2 else []
        return [f"{city}公安局{branch}分局" for city in cities for branch in (*stems, place.name)]
    forms = [f"{place.name}公安局"]
    if municipality:
        forms.append(f"{place.province}{place.name}公安局")  # 重庆市巫山县公安局
    return forms


@functools.cache
def _authority_index() -> tuple[Mapping[str, tuple[str, ...]], frozenset[str]]:
    """code -> its authorities (usual form first), and the set of all of them."""
    counties, childless = _places()
    by_code_: dict[str, list[str]] = {}
    for place in counties:
        forms = _authorities(place, place.code[:2] in MUNICIPALITIES)
        by_code_.setdefault(place.code, []).extend(forms)
    for place in childless:
        by_code_.setdefault(place.code, []).append(f"{place.name}公安局")
    # a prefecture-level city's own bureau also issues cards (深圳市公安局)
    for division in divisions().values():
        if division.level == 2:
            for name in _printed_names(division):
                if name.endswith("市"):
                    by_code_.setdefault(division.code, []).append(f"{name}公安局")
    index = {code: tuple(dict.fromkeys(forms)) for code, forms in by_code_.items()}
    return index, frozenset(f for forms in index.values() for f in forms)


def authorities_for(code6: str) -> tuple[str, ...]:
    """The issuing authorities a division's cards print, usual form first (南京市公安局玄武分局,
    then 南京市公安局玄武区分局); empty for a province, a summary code or an unknown code."""
    return _authority_index()[0].get(code6, ())


def authority_known(text: str) -> bool:
    """Whether ``text`` is the authority of a place printed on cards since 2004."""
    return text in _authority_index()[1]


def authority_placed(text: str) -> bool:
    """Whether ``text`` names a known place: a known authority (:func:`authority_known`), or
    a branch of a known city's bureau the division list does not name (西安市公安局高新分局: a
    development zone's, no county)."""
    city, bureau, branch = text.partition("公安局")
    return authority_known(text) or (
        bool(bureau)
        and authority_known(city + bureau)
        and len(branch) > 2
        and branch.endswith("分局")
    )


def authority_begun(text: str) -> bool:
    """Whether ``text`` is how a known authority (:func:`authority_known`) begins, or one."""
    return text in _known_authorities().prefixes


def authority_opens(text: str) -> bool:
    """Whether a known authority as long as ``text`` begins with its first character: what
    reads so may be that authority with a character misread (玛南县公安局, 玛曲县's 曲 read 南),
    not another's characters before a shorter one (南县公安局)."""
    return (text[:1], len(text)) in _authority_openings()


@functools.cache
def _authority_openings() -> frozenset[tuple[str, int]]:
    return frozenset((known[:1], len(known)) for known in _authority_index()[1])


def authority_ends(text: str) -> bool:
    """Whether ``text`` is how a longer known authority ends, and no known one itself
    (阳县公安局 of 饶阳县公安局, 山壮族瑶族自治县公安局 of 连山壮族瑶族自治县公安局): that
    authority read with its first characters lost."""
    return text in _authority_endings()


@functools.cache
def _authority_endings() -> frozenset[str]:
    known = _authority_index()[1]
    return frozenset(k[i:] for k in known for i in range(1, len(k))) - known


@functools.cache
def _address_prefixes() -> frozenset[str]:
    """How addresses begin: province + prefecture + county, or with one of the first two left
    out (河南省淅川县, 南阳市淅川县); a municipality's 北京市朝阳区; 广东省东莞市."""
    counties, childless = _places()
    out: set[str] = set()
    for place in counties:
        out.add(place.province + place.name)
        for prefecture in place.prefectures:
            out.add(place.province + prefecture + place.name)
            out.add(prefecture + place.name)
    for place in childless:
        out.add(place.province + place.name)
        out.add(place.name)
    return frozenset(out)


@dataclass(frozen=True)
class _Known:
    """A set of known strings and every prefix of them, to walk the read character by
    character and stop as soon as no known string continues that way."""

    strings: frozenset[str]
    prefixes: frozenset[str]
    #: The longest string's length (25: 甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县).
    longest: int


def _known(strings: frozenset[str]) -> _Known:
    prefixes = frozenset(s[:k] for s in strings for k in range(1, len(s) + 1))
    return _Known(strings, prefixes, max(map(len, strings), default=0))


@functools.cache
def _known_authorities() -> _Known:
    return _known(_authority_index()[1])


@functools.cache
def _known_address_prefixes() -> _Known:
    return _known(_address_prefixes())


#: How far a read's runner-ups are taken, surest first (:func:`_options`): ``real``, only those
#: at least :data:`REAL` probable; ``unsure``, also any above the noise floor where the read is
#: not sure; ``loose``, any above the noise floor, however sure the read.
LEVELS = ("real", "unsure", "loose")


def _options(cands: Candidates, *, level: str = "unsure") -> list[tuple[str, tuple[str, ...]]]:
    """Per position, the character read and the runner-ups it may be replaced by, as far as
    ``level`` takes them (:data:`LEVELS`)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for ranked in cands:
        top, top_prob = ranked[0] if ranked else ("", 0.0)
        floor = level == "loose" or (level == "unsure" and top_prob < SURE)
        alts = tuple(
            char
            for char, prob in ranked[1:]
            if len(char) == 1 and char != top and (prob >= REAL or (floor and prob >= FLOOR))
        )
        out.append((top, alts))
    return out


def real_runner_up(ranked: Sequence[tuple[str, float]], fits: Callable[[str], bool]) -> str | None:
    """The one runner-up of ``ranked`` (a character's candidates, what was read first) at
    least :data:`REAL` probable that ``fits``; None where none or several are."""
    found = {char for char, prob in ranked[1:] if prob >= REAL and fits(char)}
    return found.pop() if len(found) == 1 else None


def _fits(known: _Known, options: Sequence[tuple[str, tuple[str, ...]]]) -> list[str]:
    """Every known string that the read becomes by replacing characters with allowed
    runner-ups, as a prefix of the read or all of it."""
    found: list[str] = []
    stack = [""]
    while stack:
        text = stack.pop()
        if text in known.strings:
            found.append(text)
        if len(text) == len(options):
            continue
        top, alts = options[len(text)]
        stack.extend(
            longer
            for longer in dict.fromkeys(text + char for char in (top, *alts))
            if longer in known.prefixes
        )
    return found


def _reached(known: _Known, cands: Candidates, *, whole: bool = False) -> list[str]:
    """The known strings :func:`_fits` reaches from the runner-ups in doubt (``whole``: only
    those as long as the read), or, where none is, from every runner-up above the noise
    floor: a sure misread that names no place (昭党县 at 0.97, 觉 its runner-up at 0.02)
    has a certainty that says nothing."""
    for level in LEVELS[1:]:
        found = _fits(known, _options(cands, level=level))
        found = [text for text in found if len(text) == len(cands)] if whole else found
        if found:
            return found
    return []


def _one(fits: set[str], known: _Known, cands: Candidates) -> str | None:
    """The one of ``fits`` (known strings :func:`_reached` reached from ``cands``), or where
    several are, the one reached by real runner-ups alone (:data:`LEVELS`): 郓, a runner-up
    at 0.30 behind 军 at 0.58, makes 郓城县, and 鄄 at 0.002 makes 鄄城县; None where none
    or several are."""
    if len(fits) > 1:
        real = set(_fits(known, _options(cands, level="real")))
        fits = {f for f in fits if f in real}
    return fits.pop() if len(fits) == 1 else None


def _read_alike(cands: Candidates) -> Candidates:
    """``cands`` with the runner-ups of a character read at several positions offered at each
    of them, at the most any gave it: a character printed twice is read alike twice, and where
    one print is misread surely and the other unsurely, the unsure one's runner-ups are the
    sure one's too (湖南省委底市委星区 of 娄底市娄星区: 娄 the first 委's runner-up at 0.0006,
    the second's at 0.32)."""
    pooled: dict[str, dict[str, float]] = {}
    for ranked in cands:
        if ranked:
            pool = pooled.setdefault(ranked[0][0], {})
            for char, prob in ranked[1:]:
                pool[char] = max(pool.get(char, 0.0), prob)
    out: list[Sequence[tuple[str, float]]] = []
    for ranked in cands:
        if not ranked:
            out.append(ranked)
            continue
        top = ranked[0]
        alts = sorted(pooled[top[0]].items(), key=lambda kv: -kv[1])
        out.append([top, *((char, prob) for char, prob in alts if char != top[0])])
    return out


def _as_read(cands: Candidates) -> str:
    """What the recogniser read: each position's first candidate."""
    return "".join(ranked[0][0] if ranked else "" for ranked in cands)


def correct_authority(cands: Candidates) -> str | None:
    """The issuing authority the recogniser read, corrected from its runner-ups.

    The read itself when it is a known authority; else the one known authority that replacing
    characters by their runner-ups reaches (浙川县公安局 -> 淅川县公安局 when 淅 is the runner-up
    of 浙; of several, the one real runner-ups reach, :func:`_one`; at most
    :data:`NOISE_CHANGES` place characters from runner-ups under :data:`REAL`); where none is,
    the one that also takes one character no candidate offered, where the rest of its place
    names says which (:func:`_guessed`); None when none or several are (the caller keeps the
    read).
    Characters are only replaced, never added or dropped: a character the recogniser lost
    cannot be recovered.
    """
    read = _as_read(cands)
    if authority_known(read):
        return read
    known = _known_authorities()
    cands = _read_alike(cands)
    reached = {
        fit
        for fit in _reached(known, cands, whole=True)
        if _noise_changes(fit, cands) <= NOISE_CHANGES
    }
    return _one(reached or set(_guessed(cands)), known, cands)


#: At most this many of an authority's place characters may be runner-ups under :data:`REAL`
#: (noise that happens to make a place): of 武国市公安司 (武冈市), 沈 at 0.005 and 阳 at 0.016
#: make 沈阳市 from the sixteen runner-ups of each of three unsure characters.
NOISE_CHANGES = 1


def _noise_changes(fit: str, cands: Candidates) -> int:
    """How many place characters (not :data:`FORM_CHARS`) ``fit`` takes from runner-ups of
    ``cands`` under :data:`REAL`."""
    return sum(
        1
        for char, ranked in zip(fit, cands, strict=True)
        if char not in FORM_CHARS
        and ranked
        and char != ranked[0][0]
        and max((p for c, p in ranked if c == char), default=0.0) < REAL
    )


#: A character read less surely than this may be one that none of its candidates offers ...
GUESSED = 0.7
#: ... where at least this many other place characters of an address's beginning (not the
#: words of its form, :data:`PREFIX_FORM_CHARS`) are read, each as itself or as a runner-up
#: (the free text after it may begin with anything, so a short beginning fits by chance) ...
GUESS_SUPPORT = 3
#: ... or of an authority (not :data:`FORM_CHARS`): one, where the whole read, its form
#: included, is one known authority but that character. Of the 1,939 authorities with two
#: place characters, 993 of the 3,878 ways to lose one leave only that authority (赞?县公安局:
#: 赞皇县, 皇 read 蛋 at 0.40 with no runner-up near it, on a back ~230 px wide); the rest
#: leave several (?川县公安局), and none is taken (:func:`_one`).
AUTHORITY_GUESS_SUPPORT = 1
#: A character read surely may be one that none of its candidates offers where at least this
#: many other place characters fit: a province, a prefecture and a county read as printed
#: around it (四川省凉山舞族自治州西昌市, 舞 read surely for 彝 by both recognisers on a card 250
#: px wide: only 四川省凉山彝族自治州西昌市 is all of that but one character), or an
#: autonomous county's authority (威宁彝族回族苗族自治县公安局).
SURE_GUESS_SUPPORT = 8
#: The characters of an authority's form, which name no place: 市, 县, 区, 旗, 公安局, 分局.
FORM_CHARS = frozenset("市县区旗公安局分")


def _guessed(cands: Candidates) -> list[str]:
    """The known authorities as long as the read that it becomes with its runner-ups in doubt
    (:func:`_options`) and one character read unsurely (:data:`GUESSED`) taken as any other,
    where :data:`AUTHORITY_GUESS_SUPPORT` other place characters fit: 学通市公安局学南分局, 通
    read at 0.59 with no 感 among its runner-ups and 孝 a runner-up of both 学, is only
    孝感市公安局孝南分局 (孝, 孝, 南 fit); 赞蛋县公安局 is only 赞皇县公安局. Where several fit
    (浙川县公安局, 浙 read unsurely with no 淅 among its runner-ups: 汶川县, 武川县, 淅川县 ...),
    none is taken."""
    return _guessed_among(_authority_table(), cands, whole=True, support=AUTHORITY_GUESS_SUPPORT)


def _guessed_among(
    table: _Table, cands: Candidates, *, whole: bool, support: int = GUESS_SUPPORT
) -> list[str]:
    """The strings of ``table`` that :func:`_guessed` takes from ``cands``: every character
    one the read allows but one, read unsurely, that names a place, with ``support`` place
    characters or more besides it (read surely, :data:`SURE_GUESS_SUPPORT`).
    ``whole``: only strings as long as the read, else any that the read begins with."""
    n = min(len(cands), table.codes.shape[1])
    if n == 0:
        return []
    # where each known string's character is one the read allows (every position at once)
    fits = np.stack(
        [
            np.isin(table.codes[:, k], [ord(c) for c in (top, *alts)])
            for k, (top, alts) in enumerate(_options(cands[:n]))
        ],
        axis=1,
    )
    held = np.arange(n) < table.lengths[:, None]
    missing = held & ~fits
    unsure = np.array([bool(ranked) and ranked[0][1] < GUESSED for ranked in cands[:n]])
    # one miss, at a character read unsurely that names a place, and enough place characters
    # besides it (the missed one is a place character, so one fewer than the string holds);
    # a character read surely, where many more do
    missed = np.argmax(missing, axis=1)
    others = table.places - 1
    chosen = (
        (table.lengths == len(cands) if whole else table.lengths <= n)
        & (missing.sum(axis=1) == 1)
        & ((unsure[missed] & (others >= support)) | (others >= SURE_GUESS_SUPPORT))
        & table.place[np.arange(len(table.texts)), missed]
    )
    return [table.texts[i] for i in np.flatnonzero(chosen)]


@dataclass(frozen=True)
class _Table:
    """Known strings as arrays: their code points (rows x characters, 0 past a string's
    end), which of their characters name a place (not a word of the form), their lengths,
    and how many of their characters name a place."""

    texts: tuple[str, ...]
    codes: np.ndarray
    place: np.ndarray
    lengths: np.ndarray
    places: np.ndarray


def _table(strings: frozenset[str], form: frozenset[str]) -> _Table:
    texts = tuple(sorted(strings))
    width = max(map(len, texts), default=0)
    codes = np.zeros((len(texts), width), dtype=np.uint32)
    place = np.zeros((len(texts), width), dtype=bool)
    for i, text in enumerate(texts):
        codes[i, : len(text)] = [ord(c) for c in text]
        place[i, : len(text)] = [c not in form for c in text]
    return _Table(texts, codes, place, np.array([len(t) for t in texts]), place.sum(axis=1))


@functools.cache
def _authority_table() -> _Table:
    return _table(_authority_index()[1], FORM_CHARS)


#: The characters of an address beginning's form, which name no place: 省, 市, 县, 区, 旗.
PREFIX_FORM_CHARS = frozenset("省市县区旗")


@functools.cache
def _address_prefix_table() -> _Table:
    return _table(_address_prefixes(), PREFIX_FORM_CHARS)


def _guessed_prefix(cands: Candidates) -> str | None:
    """The known place an address begins with, where its runner-ups make none: as
    :func:`_guessed` takes an authority, one character read unsurely taken as any other where
    enough place characters fit, of every known beginning the read may start with; the
    longest, where one is longest (山东省易城市高唐县, 易 at 0.19 with no 聊 among its
    runner-ups, is only 山东省聊城市高唐县; 山东省邹城市 and 山东省诸城市 fit fewer of its
    characters)."""
    found = _guessed_among(_address_prefix_table(), cands, whole=False)
    longest = max(map(len, found), default=0)
    at_longest = [text for text in found if len(text) == longest]
    return at_longest[0] if len(at_longest) == 1 else None


def address_begins_known(text: str) -> bool:
    """Whether ``text`` begins with a known place as addresses begin with one (province +
    prefecture + county, or one of the first two left out)."""
    return known_beginning(text) > 0


def known_beginning(text: str) -> int:
    """How many characters of ``text`` the longest known place it begins with takes, as
    addresses begin with one (:func:`address_begins_known`); 0 where it begins with none."""
    known = _known_address_prefixes()
    return max(
        (k for k in range(2, min(len(text), known.longest) + 1) if text[:k] in known.strings),
        default=0,
    )


def begins_with_province(text: str) -> bool:
    """Whether ``text`` begins with a province's whole name (甘肃省, 广西壮族自治区, 北京市): an
    address's first line, wherever it breaks."""
    return any(text.startswith(p) for p in _provinces())


#: At most this many characters of a province's name are looked for as read (西壮族自治区).
PROVINCE_TAIL = 7


@functools.cache
def _provinces() -> frozenset[str]:
    return frozenset(p.province for group in _places() for p in group)


def load() -> None:
    """Build every table the lookups use (~160 ms), so that no request pays for it."""
    _known_address_prefixes()
    _known_authorities()
    _authority_openings()
    _authority_endings()
    _authority_table()
    _address_prefix_table()
    _provinces()


def province_restored(text: str) -> str | None:
    """An address whose province's name was read only in part, at its front (南省迪庆藏族自治州
    …, 西壮族自治区柳州市…: the rest cut by a crop or lost under an overlaid line), with that
    name whole: the one province whose name ends with what was read of it and holds the place
    that follows. None when the address begins with a known place, or no such province or
    several fit (南省 before a place that no 云南/河南/湖南/海南 county ... holds)."""
    if address_begins_known(text):
        return None
    provinces = _provinces()
    for k in range(1, min(PROVINCE_TAIL, len(text) - 1) + 1):
        fragment, rest = text[:k], text[k:]
        if not address_begins_known(rest):
            continue
        fits = {
            p
            for p in provinces
            if p.endswith(fragment) and p != fragment and address_begins_known(p + rest)
        }
        if len(fits) == 1:
            return fits.pop() + rest
    return None


def gaps_filled(text: str, room: Mapping[int, Sequence[int]]) -> str | None:
    """An address that begins with no known place, with the characters its line had room
    for put back where they stood: glare or a fold washes two characters out of a place's
    name, and the recogniser reads the line on past them (安徽省芜湖湖区 for 安徽省芜湖市镜湖区,
    a blank two characters wide after 芜湖). ``room``: at a position of ``text``, how many
    characters may be missing before it. The filled address, where exactly one known place
    (as addresses begin: :func:`address_begins_known`) is what was read before the gap, that
    many characters, then at least one character read after it; None where none or several
    fit, or the address begins with a known place already."""
    if address_begins_known(text):
        return None
    known = _known_address_prefixes()
    fits: dict[str, str] = {}  # the known place -> the address filled
    for i, counts in room.items():
        head = text[:i]
        if not head or head not in known.prefixes:
            continue
        begun = [place for place in known.strings if place.startswith(head)]
        for count in counts:
            for place in begun:
                after = len(place) - i - count
                if after >= 1 and text[i : i + after] == place[-after:]:
                    fits[place] = text[:i] + place[i : i + count] + text[i:]
    # a place that a longer one extends (芜湖市, in 芜湖市镜湖区) says less: keep the longest
    longest = {v for f, v in fits.items() if not any(g != f and g.startswith(f) for g in fits)}
    return longest.pop() if len(longest) == 1 else None


def authority_gaps_filled(text: str, room: Mapping[int, Sequence[int]]) -> str | None:
    """An authority that names no known place, with the characters its line had room for
    put back where they stood (宝鸡公安局陈仓分局: 市 of 宝鸡市 washed out by glare, a blank a
    character wide after 宝鸡). ``room`` as for :func:`gaps_filled`. The one known authority
    that is what was read with that many characters at one of those positions; None where
    none or several are, or ``text`` names a known place already."""
    if authority_placed(text):
        return None
    table = _authority_table()
    fits = {
        known
        for i, counts in room.items()
        if 0 < i < len(text)
        for count in counts
        for known in (table.texts[k] for k in np.flatnonzero(table.lengths == len(text) + count))
        if known.startswith(text[:i]) and known.endswith(text[i:])
    }
    return fits.pop() if len(fits) == 1 else None


def province_misread(cut: str, rest: str) -> bool:
    """Whether ``cut``, read before a known place (``rest`` begins with one), is a
    province's name with one of its characters misread, the province holding that place
    (安蒙省 before 亳州市蒙城县: 安徽省): its name, not a label's residue."""
    return any(
        len(p) == len(cut)
        and sum(a != b for a, b in zip(p, cut, strict=True)) == 1
        and address_begins_known(p + rest)
        for p in _provinces()
    )


def correct_address_prefix(cands: Candidates) -> str | None:
    """The address the recogniser read, with its leading place names corrected.

    Addresses begin with province + prefecture + county (or leave one of the first two out).
    Returns the read unchanged when it begins with a known place; the read with its beginning
    replaced when exactly one known place is reached by replacing characters with their
    runner-ups (河南省南阳市浙川县… -> 河南省南阳市淅川县…), or where several are, the one
    real runner-ups reach (:func:`_one`); where none is, the one that also takes one character
    no candidate offered, where the rest of its place names says which (:func:`_guessed_prefix`);
    None when none is, or several that disagree (a county name found in two provinces fits
    only with its own province).
    """
    read = _as_read(cands)
    known = _known_address_prefixes()
    cands = _read_alike(cands)
    fits = set(_reached(known, cands))
    # a fit that a longer one extends (河南省南阳市 a county-level city of old, inside
    # 河南省南阳市淅川县) says less: keep the longest
    longest = {f for f in fits if not any(g != f and g.startswith(f) for g in fits)}
    begins = _one(longest, known, cands) if fits else _guessed_prefix(cands)
    return None if begins is None else begins + read[len(begins) :]
