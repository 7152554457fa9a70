"""A local stand-in for Alibaba's ``allspark.BaseProcessor`` with the same contract.

The real SDK is not on PyPI (the PyPI package of that name is unrelated). Contract:
``BaseProcessor(worker_threads=5, io_threads=4, worker_processes=1, endpoint=None)``;
``initialize()`` runs once before the port opens; ``process(data: bytes)`` returns
``(body, status)`` where status 0 or 200 means HTTP 200; ``run()`` serves. Here ``run``
serves through :mod:`processor.serve.server` (waitress).
"""

from __future__ import annotations

import os


class BaseProcessor:
    def __init__(
        self,
        worker_threads: int = 5,
        io_threads: int = 4,
        worker_processes: int = 1,
        endpoint: str | None = None,
    ) -> None:
        self.worker_threads = worker_threads
        self.io_threads = io_threads
        self.worker_processes = worker_processes
        self.endpoint = endpoint
        model_path = os.environ.get("IDCARD_MODEL_DIR", "")
        self._model_path = model_path.encode() if model_path else b""

    def initialize(self) -> None:
        """Load everything; runs once before the port opens."""

    def process(self, data: bytes) -> tuple[bytes, int]:
        raise NotImplementedError

    def run(self) -> None:
        from .server import serve_processor  # noqa: PLC0415 - the server is the stand-in's own

        self.initialize()
        serve_processor(self)
