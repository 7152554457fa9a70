"""The service: request bytes -> response bytes, with the one error boundary.

``OcrService.create`` loads and verifies everything once (models, checksums, warm-up).
``handle`` is the only place where exceptions become responses: an :class:`ApiError`
becomes its code and message, anything else a logged -1 / HTTP 500 whose message reveals
nothing of the request. Work runs on a bounded pool so that a request has a deadline and
a full queue is answered at once with "busy" instead of hanging.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import logging
import threading
import time
from pathlib import Path

import numpy as np

from ..errors import ApiError, Code
from ..extras.build import build_extras
from ..io.decode import decode_image_with_transform
from ..io.request import parse_request
from ..io.response import NO_CARD, Answer, card_answer, encode, encode_card_image, error_body
from ..ocr.runtime import cpu_flags, field_rec_model
from ..read.engine import OcrEngine, load_recognizers
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

    @classmethod
    def create(cls, settings: Settings, model_dir: Path | None = None) -> OcrService:
        """Load and verify the models, then warm them up; raises
        :class:`~processor.ocr.models.ModelError` naming the file."""
        directory = model_dir or settings.model_dir
        started = time.perf_counter()
        threads = settings.intra_op_threads
        rec = field_rec_model(settings.rec_precision, directory, cpu_flags())
        recognizers = load_recognizers(directory, rec, lanes=threads)
        engine = OcrEngine.load(directory, intra_op_threads=threads, recognizers=recognizers)
        solo = (
            OcrEngine.load(directory, intra_op_threads=threads, solo=True, recognizers=recognizers)
            if settings.solo_spin and threads > 1
            else None
        )
        service = cls(settings, engine, solo)
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
        """Run every model once at the shapes requests use, so the first request is not slow."""
        blank = np.full((DET_SIZE[1], DET_SIZE[0], 3), 255, np.uint8)
        engines = [e for e in (self.engine, self.solo_engine) if e is not None]
        for engine in engines:
            engine.detector(blank)
            engine.anchor_detector(blank)
            if engine.segmenter is not None:
                engine.segmenter(blank)
        # each recogniser once (create gives both engines the same ones)
        recognizers = [r for e in engines for r in (e.recognizer, e.field_recognizer)]
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
        """Answer one request. Never raises; thread-safe; keeps no per-request state."""
        started = time.perf_counter()
        fmt = self.settings.data_format
        try:
            answer = self._run_with_deadline(body)
            response = Response(encode(answer, data_format=fmt), 200, answer.code.value)
        except ApiError as exc:
            response = Response(error_body(exc, data_format=fmt), exc.http_status, exc.code.value)
        except Exception:  # the boundary: log the type and stack, never the request
            log.exception("internal error while processing a request")
            err = ApiError(Code.ERROR, "internal error", http_status=500)
            response = Response(error_body(err, data_format=fmt), 500, err.code.value)
        log.info(
            "request bytes=%d code=%s status=%d ms=%.0f",
            len(body),
            response.code,
            response.status,
            (time.perf_counter() - started) * 1000,
        )
        return response

    def _run_with_deadline(self, body: bytes) -> Answer:
        with self._lock:
            if self._inflight >= self._capacity:
                raise ApiError(
                    Code.ERROR, "server busy: too many requests in progress, retry", http_status=500
                )
            self._inflight += 1
        try:
            future = self._pool.submit(self.recognize, body)
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
        """decode -> pipeline -> the answer (with the extras asked for); raises ApiError for
        bad input."""
        s = self.settings
        today = dt.date.today()  # the request date, for the validity warning
        request = parse_request(body, max_base64_bytes=s.max_base64_bytes)
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
