"""The ``confidence`` extra: per returned field, how far to trust it (0-1)."""

from __future__ import annotations

from ..read.outcome import CardReading

#: Validation factor of a field no independent check could confirm (name, address; birth and
#: gender when the id number was not read).
UNCHECKED = 0.9


def field_confidence(result: CardReading, name: str) -> float:
    """The recogniser's score of the field times a validation factor: 1.0 when the card's own
    redundancy confirms the value, :data:`UNCHECKED` when nothing could check it."""
    field = result.fields.get(name)
    if field is None or field.value is None:
        return 0.0
    factor = 1.0
    if name in ("name", "address"):
        factor = UNCHECKED
    elif name in ("birth", "gender"):
        id_field = result.fields.get("id_no")
        factor = 1.0 if id_field is not None and id_field.value is not None else UNCHECKED
    return max(0.0, min(1.0, field.confidence * factor))
