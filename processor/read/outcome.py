"""The typed outcome of reading a card: what the pipeline hands to the response and the extras."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..card.layout import FieldRegions
from ..values import Quad, TextLine
from .fields import Field


@dataclasses.dataclass(frozen=True)
class CardReading:
    """A card read on one outline: its side, its fields, and what they were read from.

    ``card_image`` is the upright card as rectified for recognition; ``quad`` its outline in
    the decoded image's pixels (corner 0 the card's printed top-left); ``regions`` the boxes
    recognised, normalised to the upright card, by row; ``lines`` the recogniser's lines, by
    row, in the order of the boxes. ``aligned`` is False when lines had to be moved to the
    row their printed label names: the outline is a row off, and a line may have fallen out
    of the crops (an address's last).
    """

    side: str
    fields: dict[str, Field]
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
        """Every field valid, on an outline whose rows were where their labels say."""
        return self.aligned and all(f.ok for f in self.fields.values())
