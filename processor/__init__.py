"""idcard-ocr: an OCR service for Chinese resident ID cards on Alibaba Cloud PAI-EAS.

A subpackage per stage, each importing only from those before it: :mod:`.io` (request body
-> image bytes -> pixels; answer -> envelope), :mod:`.ocr` (ONNX detection and recognition),
:mod:`.card` (the card's facts and printed template; finding, rectifying and judging it),
:mod:`.read` (the pipeline: locate, read, parse and validate; the typed outcome),
:mod:`.extras` (the opt-in extras) and :mod:`.serve` (the error boundary, the EAS adapter,
the local server, batch, CLI and client). Leaves shared by all: :mod:`.values`,
:mod:`.errors`, :mod:`.settings`, :mod:`.places`.
"""

__version__ = "0.1.0"
