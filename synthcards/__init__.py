"""Deterministic synthetic Chinese resident identity cards for tests and benchmarks.

No real person's data or image is used: identities are random and self-consistent, portraits
are drawn silhouettes, the emblem is an abstract drawing. Cards come in style families
(:mod:`synthcards.styles`): ``tuned`` (the default, for training and tuning), ``heldout``
(never tuned on; the generalisation split) and ``classic`` (the first renderer, unchanged).
"""

from .identity import Identity, make_identity, wrap_address
from .render import card_height, render_card, render_card_rgba
from .scenes import SCENES, Sample, golden_samples, iter_samples, make_sample
from .styles import DEFAULT_STYLE, FAMILIES, STYLES

__all__ = [
    "DEFAULT_STYLE",
    "FAMILIES",
    "SCENES",
    "STYLES",
    "Identity",
    "Sample",
    "card_height",
    "golden_samples",
    "iter_samples",
    "make_identity",
    "make_sample",
    "render_card",
    "render_card_rgba",
    "wrap_address",
]
