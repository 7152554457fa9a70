"""The EAS processor: a thin adapter from allspark's contract to the in-process API
(:class:`~processor.serve.api.Recognizer`, whose service is the one error boundary).

Usable as ``processor_entry`` (see ``app.py``). Imports Alibaba's real ``allspark`` SDK
when it is installed, else the local stand-in with the same contract.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..settings import Settings
from .api import Recognizer
from .service import OcrService

try:  # Alibaba's SDK, present on EAS processor images
    from allspark import BaseProcessor  # type: ignore[import-not-found, unused-ignore]

    USING_ALLSPARK = True
except ImportError:
    from .standin import BaseProcessor

    USING_ALLSPARK = False

log = logging.getLogger("idcard_ocr")


class IdCardProcessor(BaseProcessor):  # type: ignore[misc, unused-ignore]
    """``initialize()`` loads and verifies once; ``process()`` is decode -> pipeline -> encode."""

    recognizer: Recognizer
    service: OcrService

    def initialize(self) -> None:
        settings = Settings.from_env()
        logging.basicConfig(
            level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
        self.settings = settings
        self.recognizer = Recognizer(settings, model_dir=self.model_dir(settings)).load()
        # the server's drain watches the service's requests in flight
        self.service = self.recognizer.service

    def model_dir(self, settings: Settings) -> Path:
        """``get_model_path()`` where EAS provides it, else ``_model_path``, else our setting."""
        for candidate in (
            getattr(self, "get_model_path", None),
            getattr(self, "_model_path", None),
        ):
            value = candidate() if callable(candidate) else candidate
            if isinstance(value, bytes):
                value = value.decode()
            if value and (Path(value) / "manifest.json").is_file():
                return Path(value)
        return settings.model_dir

    def process(self, data: bytes) -> tuple[bytes, int]:
        response = self.recognizer.handle(data)
        return response.body, response.status
