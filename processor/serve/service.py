"""The service: a request -> its answer, with the one error boundary.

``OcrService.create`` loads and verifies everything once (models, checksums, warm-up).
``respond`` is the only place where exceptions become answers: an :class:`ApiError`
becomes its code and message, anything else a logged -1 / HTTP 500 whose message reveals
nothing of the request. Work runs on a bounded pool so that a request has a deadline and
a full queue is answered at once with "busy" instead of hanging. ``handle`` (request bytes
-> the wire envelope, for EAS and the server) and
:class:`~processor.serve.api.Recognizer` (image bytes -> the answer as a dict, in-process)
both go through ``respond``.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .. import places, surnames, words
from ..errors import ApiError, Code
from ..extras.build import build_extras
from ..io.decode import decode_image_with_transform
from ..io.request import Request, parse_request
from ..io.response import NO_CARD, Answer, card_answer, encode_card_image, envelope
from ..ocr.models import read_manifest
from ..ocr.runtime import (
    FIELD_REC_FP32,
    FIELD_REC_INT8,
    cpu_flags,
    field_rec_model,
    slow_int8,
)
from ..read.engine import SERVED_MODELS, OcrEngine, load_recognizers
from ..read.locate import DET_SIZE
from ..read.pipeline import read_card
from ..settings import Settings

log = logging.getLogger("idcard_ocr")


@dataclasses.dataclass(frozen=True)
class Response:
    """What the boundary hands the transport (EAS or the local server)."""

    body: bytes  # base64 of the UTF-8 JSON envelope
    status: int  # HTTP status
    code: str  # API code, for logs and metrics


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What the boundary decided: the API code, message and ``data``, and the HTTP status."""

    code: Code
    message: str
    data: Mapping[str, Any]
    status: int


class OcrService:
    """Request bytes -> response bytes: the models, a bounded pool with a deadline per request,
    and the one place where errors become answers."""

    def __init__(
        self, settings: Settings, engine: OcrEngine, solo_engine: OcrEngine | None = None
    ) -> None:
        self.settings = settings
        self.engine = engine
        #: The same models tuned for a request alone in the server (``OcrEngine.load(solo=
        #: True)``, ``Settings.solo_spin``); None: ``engine`` serves every request.
        self.solo_engine = solo_engine
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=settings.worker_threads, thread_name_prefix="ocr"
        )
        self._capacity = settings.worker_threads + settings.max_queue
        self._inflight = 0
        self._lock = threading.Lock()
        #: The manifest entries this service reads with, name -> sha256 (set by ``create``;
        #: every file was checked against it when loaded).
        self.models: dict[str, str] = {}

    @classmethod
    def create(cls, settings: Settings, model_dir: Path | None = None) -> OcrService:
        """Load and verify the models, then warm them up; raises
        :class:`~processor.ocr.models.ModelError` naming the file."""
        directory = model_dir or settings.model_dir
        started = time.perf_counter()
        threads = settings.intra_op_threads
        rec = field_rec_model(settings.rec_precision)
        if rec == FIELD_REC_INT8 and slow_int8(cpu_flags()):
            log.warning(
                "IDCARD_REC_PRECISION=int8 on a CPU without VNNI dot products: the int8 field "
                "recogniser runs slower here than fp32"
            )
        recognizers = load_recognizers(directory, rec, lanes=threads)
        engine = OcrEngine.load(directory, intra_op_threads=threads, recognizers=recognizers)
        solo = (
            OcrEngine.load(directory, intra_op_threads=threads, solo=True, recognizers=recognizers)
            if settings.solo_spin and threads > 1
            else None
        )
        service = cls(settings, engine, solo)
        manifest = read_manifest(directory)
        # the served models but the field recogniser not chosen
        served = [n for n in SERVED_MODELS if n not in (FIELD_REC_FP32, FIELD_REC_INT8) or n == rec]
        service.models = {name: manifest[name].sha256 for name in served if name in manifest}
        service.warm_up()
        log.info(
            "models loaded from %s (field recogniser %r, IDCARD_REC_PRECISION=%s) and warmed up in "
            "%.2f s",
            directory,
            rec,
            settings.rec_precision,
            time.perf_counter() - started,
        )
        return service

    def warm_up(self) -> None:
        """Run every model once at the shapes requests use and build the place, surname and
        word tables, so the first request is not slow."""
        places.load()
        surnames.load()
        words.load()
        blank = np.full((DET_SIZE[1], DET_SIZE[0], 3), 255, np.uint8)
        engines = [e for e in (self.engine, self.solo_engine) if e is not None]
        for engine in engines:
            _ = engine.printed, engine.stand_in_ethnicities  # made once, not by a request
            engine.detector(blank)
            engine.anchor_detector(blank)
            if engine.segmenter is not None:
                engine.segmenter(blank)
        # each recogniser once (create gives both engines the same ones)
        recognizers = [
            r for e in engines for r in (e.recognizer, e.field_recognizer, e.name_recognizer)
        ]
        for recognizer in {id(r): r for r in recognizers}.values():
            recognizer([blank[:48, :480], blank[:48, :160]])

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    # -- the boundary ---------------------------------------------------------------
    @property
    def inflight(self) -> int:
        """Requests being processed now."""
        with self._lock:
            return self._inflight

    def handle(self, body: bytes) -> Response:
        """Answer one request body with the wire envelope. Never raises; thread-safe; keeps
        no per-request state."""
        s = self.settings
        outcome = self.respond(
            lambda: parse_request(body, max_base64_bytes=s.max_base64_bytes), size=len(body)
        )
        wire = envelope(outcome.code, outcome.message, outcome.data, data_format=s.data_format)
        return Response(wire, outcome.status, outcome.code.value)

    def respond(self, request: Callable[[], Request], *, size: int) -> Outcome:
        """The boundary: run ``request`` (which parses what was sent, raising ApiError for
        bad input) and the pipeline on the pool, with the deadline; every error becomes its
        outcome. Never raises; thread-safe. ``size``: bytes received, for the log."""
        started = time.perf_counter()
        try:
            answer = self._run_with_deadline(request)
            outcome = Outcome(answer.code, answer.message, answer.data, 200)
        except ApiError as exc:
            outcome = Outcome(exc.code, exc.message, exc.data, exc.http_status)
        except Exception:  # the boundary: log the type and stack, never the request
            log.exception("internal error while processing a request")
            err = ApiError(Code.ERROR, "internal error", http_status=500)
            outcome = Outcome(err.code, err.message, err.data, 500)
        log.info(
            "request bytes=%d code=%s status=%d ms=%.0f",
            size,
            outcome.code.value,
            outcome.status,
            (time.perf_counter() - started) * 1000,
        )
        return outcome

    def _run_with_deadline(self, request: Callable[[], Request]) -> Answer:
        with self._lock:
            if self._inflight >= self._capacity:
                raise ApiError(
                    Code.ERROR, "server busy: too many requests in progress, retry", http_status=500
                )
            self._inflight += 1
        try:
            future = self._pool.submit(lambda: self.read(request()))
            try:
                return future.result(timeout=self.settings.request_timeout)
            except concurrent.futures.TimeoutError as exc:
                future.cancel()
                raise ApiError(
                    Code.ERROR,
                    f"processing took longer than {self.settings.request_timeout:g} s",
                    http_status=500,
                ) from exc
        finally:
            with self._lock:
                self._inflight -= 1

    # -- the pipeline ----------------------------------------------------------------
    def recognize(self, body: bytes) -> Answer:
        """request body -> decode -> pipeline -> the answer (with the extras asked for);
        raises ApiError for bad input. No deadline, no pool: :meth:`handle` has them."""
        return self.read(parse_request(body, max_base64_bytes=self.settings.max_base64_bytes))

    def read(self, request: Request) -> Answer:
        """A parsed request -> decode -> pipeline -> the answer (with the extras asked for);
        raises ApiError for bad input."""
        s = self.settings
        today = dt.date.today()  # the request date, for the validity warning
        image, transform = decode_image_with_transform(
            request.image, max_pixels=s.max_pixels, min_side=s.min_side
        )
        result = read_card(image, self.engine_for(self.inflight))
        if result is None:
            return NO_CARD
        card_b64 = encode_card_image(
            result.card_image, width=s.card_image_width, quality=s.card_image_quality
        )
        extras = build_extras(request.options, result, image, transform, today=today)
        return card_answer(result.side, result.values, card_b64, extras)

    def engine_for(self, inflight: int) -> OcrEngine:
        """The solo sessions for a request alone in the server (``inflight`` counts it: it
        has the cores to itself), else the sleeping ones concurrent requests share well."""
        if self.solo_engine is not None and inflight <= 1:
            return self.solo_engine
        return self.engine
