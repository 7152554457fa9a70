"""idcard-ocr: an OCR service for Chinese resident ID cards on Alibaba Cloud PAI-EAS.

A subpackage per stage, each importing only from those before it: :mod:`.io` (request body
-> image bytes -> pixels; answer -> envelope), :mod:`.ocr` (ONNX detection and recognition),
:mod:`.card` (the card's facts and printed template; finding, rectifying and judging it),
:mod:`.read` (the pipeline: locate, read, parse and validate; the typed outcome),
:mod:`.extras` (the opt-in extras) and :mod:`.serve` (the error boundary, the in-process
API, the EAS adapter, the local server, batch, bulk, CLI and client). Leaves shared by all:
:mod:`.values`, :mod:`.errors`, :mod:`.settings`, :mod:`.places`.

The public in-process API is :class:`processor.Recognizer` (imported on first use, so that
``import processor.values`` loads no model runtime).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .serve.api import Recognizer

__version__ = "0.1.0"
__all__ = ["Recognizer", "__version__"]


def __getattr__(name: str) -> object:
    if name == "Recognizer":
        from .serve.api import Recognizer  # noqa: PLC0415 - loaded on first use

        return Recognizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
