"""A card's fields from the lines of their rows, and whether what was read is evidence of an
ID card."""

from __future__ import annotations

from ..card.template import FRONT_LABELS
from ..values import TextLine
from . import fields as fp
from .assign import join_lines


def first_line(lines: dict[str, list[TextLine]], row: str) -> TextLine | None:
    """The first line read in ``row``; None when it has none."""
    found = lines.get(row) or []
    return found[0] if found else None


def parse_front(lines: dict[str, list[TextLine]]) -> dict[str, fp.Field]:
    found = lines.get("gender_race") or []
    gender_race = join_lines(found) if found else None  # 民族 may be on a row of its own
    parsed = {
        "name": fp.parse_name(first_line(lines, "name")),
        "gender": fp.parse_gender(gender_race),
        "race": fp.parse_race(gender_race),
        "birth": fp.parse_birth(first_line(lines, "birth")),
        "address": fp.parse_address(lines.get("address", [])),
        "id_no": fp.parse_id_number(first_line(lines, "id_no")),
    }
    parsed["id_no"] = fp.id_with_birth(parsed["id_no"], first_line(lines, "id_no"), parsed["birth"])
    parsed["birth"] = fp.complete_birth(
        parsed["birth"], first_line(lines, "birth"), parsed["id_no"]
    )
    return fp.reconcile_front(parsed)


def parse_back(lines: dict[str, list[TextLine]]) -> dict[str, fp.Field]:
    return {
        "issued_by": fp.parse_issuer(first_line(lines, "issued_by")),
        "valid_date": fp.parse_validity(first_line(lines, "valid_date")),
    }


def parse_rows(side: str, lines: dict[str, list[TextLine]]) -> dict[str, fp.Field]:
    """The side's fields from its rows' lines."""
    return parse_front(lines) if side == "front" else parse_back(lines)


#: Fields whose check is no evidence of a card: a name and an address pass for almost any
#: line of Chinese text, and the gender and 民族 row is read within its few characters, where
#: a row of anything else comes out as 男 or 女 (a staff badge's 部门 row read as 女).
NO_EVIDENCE = fp.WEAK_FIELDS | {"gender", "race"}


def looks_like_card(parsed: dict[str, fp.Field], lines: dict[str, list[TextLine]]) -> bool:
    """Whether what was read is evidence of an ID card rather than a document, a bank card or
    a texture whose text happened to fall into the card's rows: at least one field with a
    check that is evidence (:data:`NO_EVIDENCE`) passed its validation, or (front) two of the
    printed labels were read. Otherwise the answer is 201 (no card), not a field code for a
    card that is not there."""
    if any(f.ok for name, f in parsed.items() if name not in NO_EVIDENCE):
        return True
    text = "".join(line.text.replace(" ", "") for found in lines.values() for line in found)
    return sum(label in text for label in FRONT_LABELS) >= 2
