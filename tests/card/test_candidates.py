"""Classical card outline candidates on drawn frames, without models."""

from __future__ import annotations

import numpy as np
import pytest

from processor.card.candidates import find_card_candidates
from tests.conftest import card_on_desk


@pytest.mark.parametrize("angle", [0, 17, 90, 163, 250])
def test_find_card_candidates_finds_the_card(angle: float) -> None:
    frame, corners = card_on_desk(angle)
    best = find_card_candidates(frame)[0]
    found = np.array(best.points)
    # same corners up to the 180-degree ambiguity the layout resolves
    errors = [np.abs(np.roll(found, k, axis=0) - corners).max() for k in (0, 2)]
    assert min(errors) < 6
