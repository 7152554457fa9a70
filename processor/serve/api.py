"""The in-process API: :class:`Recognizer`, image bytes -> the answer, no HTTP.

Built once per worker (a thread pool, a Ray actor, a Spark executor) from a
:class:`~processor.settings.Settings` or its main knobs; ``recognize`` goes through the same
boundary as the HTTP API (:meth:`~processor.serve.service.OcrService.respond`), so its answer
is what the API answers, decoded: ``{"code", "message", "data"}`` with ``data`` an object.
A Recognizer pickles as its settings: the copy loads its own models when first used.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from ..io.request import image_request
from ..settings import Settings
from .service import OcrService, Response


class Recognizer:
    """Reads ID card images in this process; thread-safe (up to ``workers`` at once, more
    wait in the service's queue).

    ``Recognizer()`` takes the settings from the environment (as the server does);
    ``settings`` replaces them; ``model_dir``, ``threads`` (onnxruntime threads per image,
    ``IDCARD_INTRA_OP_THREADS``), ``precision`` (``IDCARD_REC_PRECISION``) and ``workers``
    (images read at once, ``IDCARD_WORKER_THREADS``) override single fields. The models are
    loaded, checked against their manifest and warmed up by :meth:`load` or the first
    :meth:`recognize`.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        model_dir: Path | str | None = None,
        threads: int | None = None,
        precision: str | None = None,
        workers: int | None = None,
    ) -> None:
        base = settings if settings is not None else Settings.from_env()
        overrides: dict[str, Any] = {
            "model_dir": None if model_dir is None else Path(model_dir),
            "intra_op_threads": threads,
            "rec_precision": precision,
            "worker_threads": workers,
        }
        changed = {k: v for k, v in overrides.items() if v is not None}
        if changed:
            base = dataclasses.replace(base, **changed)
            base.validate()
        #: Everything this recognizer is built from (and pickled as).
        self.settings = base
        self._service: OcrService | None = None
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[type[Recognizer], tuple[Settings]]:
        """Pickled as its construction parameters: the copy loads its own models."""
        return (Recognizer, (self.settings,))

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"Recognizer(model_dir={str(s.model_dir)!r}, threads={s.intra_op_threads}, "
            f"precision={s.rec_precision!r}, workers={s.worker_threads})"
        )

    @property
    def service(self) -> OcrService:
        """The loaded service (loading it on first use)."""
        service = self._service
        if service is None:
            with self._lock:
                if self._service is None:
                    self._service = OcrService.create(self.settings)
                service = self._service
        return service

    def load(self) -> Recognizer:
        """Load, verify and warm up the models now (else the first call does); ``self``."""
        _ = self.service
        return self

    @property
    def models(self) -> dict[str, str]:
        """The model files read with: manifest entry -> sha256 (each checked when loaded)."""
        return dict(self.service.models)

    def recognize(self, image: bytes, options: str | Iterable[str] = "") -> dict[str, Any]:
        """One image file's bytes (JPEG, PNG, ...) -> ``{"code", "message", "data"}``: the
        HTTP API's answer decoded, ``data`` an object (empty on 201 and -1). ``options``:
        the extras (``"confidence,location"``, a list of names, or ``"all"``). Never
        raises for what the image holds: a bad image is code -1 with its message."""
        text = options if isinstance(options, str) else ",".join(options)
        limit = self.settings.max_base64_bytes
        outcome = self.service.respond(
            lambda: image_request(image, text, max_base64_bytes=limit), size=len(image)
        )
        # through JSON, as on the wire: tuples become lists, and nothing is shared
        data: dict[str, Any] = json.loads(json.dumps(dict(outcome.data), ensure_ascii=False))
        return {"code": outcome.code.value, "message": outcome.message, "data": data}

    def handle(self, body: bytes) -> Response:
        """A request body as the HTTP API receives it -> the wire envelope and status."""
        return self.service.handle(body)

    def close(self) -> None:
        """Stop the service's pool (waiting for the work in it)."""
        with self._lock:
            if self._service is not None:
                self._service.close()
                self._service = None

    def __enter__(self) -> Recognizer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
