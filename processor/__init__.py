"""idcard-ocr: an OCR service for Chinese resident ID cards on Alibaba Cloud PAI-EAS.

Stages, one module each: :mod:`.request` (body -> image bytes), :mod:`.decode` (bytes ->
pixels), :mod:`.card` (localisation, rectification), :mod:`.layout` (side, orientation,
field regions), :mod:`.ocr` (ONNX detection and recognition), :mod:`.fields` (parsing and
validation), :mod:`.response` (envelope). :mod:`.pipeline` chains them, :mod:`.service`
is the error boundary, :mod:`.eas` the EAS adapter and :mod:`.server` the local server.
"""

__version__ = "0.1.0"
