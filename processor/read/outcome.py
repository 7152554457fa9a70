"""The typed outcome of reading a card: what the pipeline hands to the response and the extras."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from ..card.geometry import card_homography
from ..card.layout import FieldRegions
from ..card.template import FRONT_VALUE_X, GENDER_VALUE_X1, RACE_VALUE_X
from ..io.response import FIELD_ORDER
from ..places import address_begins_known, authority_placed
from ..values import Box, Quad, TextLine
from . import fields as fp
from .rows import first_line


@dataclasses.dataclass(frozen=True)
class AsRead:
    """A field as the first line of its row reads on its own, before the card's cross-checks
    correct or reject it (the id number: its digits and X as read); ``score`` is that line's
    recogniser score, 0 without a line."""

    value: str | None
    score: float


@dataclasses.dataclass(frozen=True)
class CardReading:
    """A card read on one outline: its side, its fields, and what they were read from.

    ``card_image`` is the upright card as rectified for recognition; ``quad`` its outline in
    the decoded image's pixels (corner 0 the card's printed top-left); ``regions`` the boxes
    recognised, normalised to the upright card, by row; ``lines`` the recogniser's lines, by
    row, in the order of the boxes. ``aligned`` is False when some field's row was not found
    on the card (the outline may be off, or cut a row), or a name's, address's or authority's
    line runs into the outline's edge (:func:`~processor.read.reading.cuts_rows`).
    """

    side: str
    fields: dict[str, fp.Field]
    card_image: np.ndarray
    quad: Quad
    layout_score: float
    regions: FieldRegions = dataclasses.field(default_factory=lambda: FieldRegions({}))
    lines: dict[str, list[TextLine]] = dataclasses.field(default_factory=dict)
    aligned: bool = True

    @property
    def valid_fields(self) -> int:
        """How many fields passed their validation."""
        return sum(f.ok for f in self.fields.values())

    @property
    def complete(self) -> bool:
        """Every field valid, on an outline where every field's rows were found, a front's
        address beginning with a known place (:func:`~processor.places.address_begins_known`)
        and a back's authority naming one (:func:`~processor.places.authority_placed`). An
        address that does not may have lost its first line to an outline that cut it off
        (自治县新兴镇柳树村8组, 云南省普洱市澜沧拉祜族 cut), an authority may be misread
        (源博市公安局周村分局 for 淄博市…); so the card is read on other outlines too, and a
        value naming a known place is taken from one of them
        (:func:`~processor.read.reading.completed`)."""
        return (
            self.aligned
            and all(f.ok for f in self.fields.values())
            and (
                self.side != "front"
                or address_begins_known(self.fields.get("address", fp.MISSING).value or "")
            )
            and (
                self.side != "back"
                or authority_placed(self.fields.get("issued_by", fp.MISSING).value or "")
            )
        )

    @property
    def values(self) -> dict[str, str]:
        """The fields that have a value, in the documented order."""
        found = {name: f.value for name, f in self.fields.items() if f.value is not None}
        return {name: found[name] for name in FIELD_ORDER[self.side] if name in found}

    @functools.cached_property
    def boxes(self) -> dict[str, Box]:
        """Each field's value area on the upright card (normalised), from the recognised crops."""
        return field_boxes(self.side, self.regions)

    @functools.cached_property
    def card_to_image(self) -> np.ndarray:
        """The perspective transform from the upright card (0..1 in x and y) to the decoded
        image's pixels."""
        return card_homography(self.quad)

    @functools.cached_property
    def as_read(self) -> dict[str, AsRead]:
        """The id number, birth and gender as the first line of their rows (as recognised,
        before relabelling) reads: what the front's consistency warnings judge."""
        id_line = first_line(self.lines, "id_no")
        birth_line = first_line(self.lines, "birth")
        gender_line = first_line(self.lines, "gender_race")
        return {
            "id_no": AsRead(fp.id_as_read(id_line), _score(id_line)),
            "birth": AsRead(fp.parse_birth(birth_line).value, _score(birth_line)),
            "gender": AsRead(fp.parse_gender(gender_line).value, _score(gender_line)),
        }


def _score(line: TextLine | None) -> float:
    return line.score if line is not None else 0.0


def field_boxes(side: str, regions: FieldRegions) -> dict[str, Box]:
    """Each field's value area on the upright card (normalised), from the boxes recognised
    in its row and the template's value columns."""
    rows = regions.rows
    out: dict[str, Box] = {}

    def first(row: str) -> Box | None:
        found = rows.get(row) or ()
        return found[0] if found else None

    if side == "front":
        for name in ("name", "birth"):
            box = first(name)
            if box is not None:  # (a label read alone leaves no value width: keep a minimum)
                x1 = max(box.x1, FRONT_VALUE_X + 0.08)
                out[name] = Box(max(box.x0, FRONT_VALUE_X), box.y0, x1, box.y1)
        row = first("gender_race")
        if row is not None:
            out["gender"] = Box(max(row.x0, FRONT_VALUE_X), row.y0, GENDER_VALUE_X1, row.y1)
            out["race"] = Box(RACE_VALUE_X, row.y0, max(row.x1, RACE_VALUE_X + 0.05), row.y1)
        lines = rows.get("address") or ()
        if lines:
            out["address"] = Box(
                max(min(b.x0 for b in lines), FRONT_VALUE_X),
                min(b.y0 for b in lines),
                max(b.x1 for b in lines),
                max(b.y1 for b in lines),
            )
        box = first("id_no")
        if box is not None:
            out["id_no"] = box
    else:
        for name in ("issued_by", "valid_date"):
            box = first(name)
            if box is not None:
                out[name] = box
    return out
