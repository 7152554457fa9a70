"""Local HTTP server: a WSGI app on waitress in front of a processor's ``process(bytes)``.

Routes: ``POST /api/predict/<service_name>`` and ``POST /`` -> process; ``GET /health``;
``GET /`` the demo page (one static file, ``processor/static/demo.html``, which calls the
predict route itself). With a token configured, every route but health and the page (which
holds no data and asks for the token) needs ``Authorization``: the raw token
(what curl and requests users send) or the ``EAS <signature>`` of Alibaba's eas-prediction
SDK; both compared in constant time. The body limit is enforced while reading.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ..errors import ApiError, Code
from ..io.response import error_body
from ..settings import PACKAGE_DIR, Settings

log = logging.getLogger("idcard_ocr.server")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
}
_CHUNK = 64 * 1024
DEMO_PAGE = PACKAGE_DIR / "static" / "demo.html"
#: The page may load nothing from elsewhere and talk to this server only.
_PAGE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def demo_page(predict_path: str, token_required: bool) -> bytes:
    """The demo page with this server's predict path filled in."""
    text = DEMO_PAGE.read_text("utf-8")
    text = text.replace("__PREDICT_PATH__", html.escape(predict_path, quote=True))
    text = text.replace("__TOKEN_REQUIRED__", "true" if token_required else "false")
    return text.encode("utf-8")


class Processor(Protocol):
    def process(self, data: bytes) -> tuple[bytes, int]: ...


class App:
    """The WSGI application (no framework: four routes and a body reader)."""

    def __init__(self, processor: Processor, settings: Settings) -> None:
        self.processor = processor
        self.settings = settings
        self.predict_path = f"/api/predict/{settings.service_name}"
        self._page: bytes | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/health":
            return self._reply(start_response, 200, b'{"status":"ok"}', "application/json")
        if path == "/" and method in ("GET", "HEAD"):
            return self._demo(start_response, head=method == "HEAD")
        if self.settings.token and not self._authorized(environ, path):
            return self._error(
                start_response,
                ApiError(Code.ERROR, "missing or wrong Authorization token", http_status=401),
            )
        if path not in ("/", self.predict_path):
            return self._error(
                start_response,
                ApiError(Code.ERROR, f"unknown path; POST to {self.predict_path}", http_status=404),
            )
        if method != "POST":
            return self._error(start_response, ApiError(Code.ERROR, "use POST", http_status=405))
        try:
            body = self._read_body(environ)
        except ApiError as exc:
            return self._error(start_response, exc)
        out, status = self.processor.process(body)
        return self._reply(start_response, 200 if status in (0, 200) else status, out, "text/plain")

    def _demo(self, start_response: StartResponse, *, head: bool) -> Iterable[bytes]:
        if self._page is None:
            self._page = demo_page(self.predict_path, bool(self.settings.token))
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(self._page))),
                ("Content-Security-Policy", _PAGE_CSP),
                ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-cache"),
            ],
        )
        return [] if head else [self._page]

    def _read_body(self, environ: dict[str, Any]) -> bytes:
        limit = self.settings.max_body_bytes
        too_big = ApiError(
            Code.ERROR, f"request body larger than {limit // (1024 * 1024)} MiB", http_status=413
        )
        try:
            declared = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError as exc:
            raise ApiError(Code.ERROR, "bad Content-Length") from exc
        if declared > limit:
            raise too_big
        stream = environ["wsgi.input"]
        chunks, size = [], 0
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)

    def _authorized(self, environ: dict[str, Any], path: str) -> bool:
        given = environ.get("HTTP_AUTHORIZATION", "")
        token = self.settings.token
        if hmac.compare_digest(given.encode(), token.encode()):
            return True
        if given.startswith("EAS "):  # eas-prediction's signed form (the body is not read twice:
            # the SDK sends Content-MD5, which the signature covers)
            message = "\n".join(
                [
                    environ.get("REQUEST_METHOD", ""),
                    environ.get("HTTP_CONTENT_MD5", ""),
                    environ.get("CONTENT_TYPE", ""),
                    environ.get("HTTP_DATE", ""),
                    path,
                ]
            )
            digest = hmac.new(token.encode(), message.encode(), hashlib.sha1).digest()
            expected = "EAS " + base64.b64encode(digest).decode()
            return hmac.compare_digest(given.encode(), expected.encode())
        return False

    def _error(self, start_response: StartResponse, error: ApiError) -> Iterable[bytes]:
        return self._reply(
            start_response,
            error.http_status,
            error_body(error, data_format=self.settings.data_format),
            "text/plain",
        )

    @staticmethod
    def _reply(
        start_response: StartResponse, status: int, body: bytes, ctype: str
    ) -> Iterable[bytes]:
        start_response(
            f"{status} {_REASONS.get(status, 'Error')}",
            [("Content-Type", ctype), ("Content-Length", str(len(body)))],
        )
        return [body]


def _envelope_channel(data_format: str) -> type:
    """waitress's channel, with its own protocol errors (oversized body, bad chunking, bad
    request line) answered as our base64 envelope instead of its plain-text page."""
    from waitress.channel import HTTPChannel  # noqa: PLC0415
    from waitress.task import ErrorTask  # noqa: PLC0415

    class EnvelopeErrorTask(ErrorTask):  # type: ignore[misc]
        def execute(self) -> None:
            error = self.request.error
            code = int(getattr(error, "code", 400))
            body = error_body(
                ApiError(Code.ERROR, f"bad HTTP request: {error.reason}", http_status=code),
                data_format=data_format,
            )
            self.status = f"{code} {error.reason}"
            self.response_headers.append(("Content-Type", "text/plain"))
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class EnvelopeChannel(HTTPChannel):  # type: ignore[misc]
        error_task_class = EnvelopeErrorTask

    return EnvelopeChannel


def make_server(
    processor: Processor,
    settings: Settings,
    *,
    port: int | None = None,
    connections: dict[int, Any] | None = None,
) -> Any:
    """A waitress server (not yet serving); ``port=0`` picks a free port. ``connections``:
    the socket map its loop keeps the listener and every open connection in (see
    :func:`drain`); a fresh one when not given.

    waitress reads a request's body before the app runs; it stops at the body limit (so a
    huge upload is refused while reading) and keeps bodies in memory (no temporary files).
    """
    from waitress.server import create_server  # noqa: PLC0415

    server = create_server(
        App(processor, settings),
        map={} if connections is None else connections,
        host=settings.host,
        port=settings.port if port is None else port,
        # waiting threads are cheap: enough for the busy check to answer beyond the workers
        threads=settings.worker_threads + settings.max_queue + 4,
        max_request_body_size=settings.max_body_bytes + 1,
        channel_timeout=max(60, int(settings.request_timeout * 3)),
        ident="idcard-ocr",
        clear_untrusted_proxy_headers=True,
        inbuf_overflow=settings.max_body_bytes + 1,
    )
    server.channel_class = _envelope_channel(settings.data_format)
    return server


#: After the last answer went out, how long idle keep-alive clients may stay connected.
DRAIN_GRACE_S = 2.0


def drain(server: Any, connections: dict[int, Any], service: Any, timeout: float) -> None:
    """Stop accepting connections, let the requests in flight (received in part or whole)
    finish and their answers go out (up to ``timeout`` seconds), then close every connection
    so that ``run()`` returns. ``connections`` is the socket map ``server`` was made with."""
    from waitress import wasyncore  # noqa: PLC0415

    wasyncore.dispatcher.close(server)  # the listening socket only; the loop keeps running
    deadline = time.monotonic() + timeout
    idle_since: float | None = None
    while time.monotonic() < deadline:
        channels = [ch for ch in list(connections.values()) if hasattr(ch, "requests")]
        # in flight: a request still arriving (its body uploading), queued or being
        # processed, or an answer not yet sent
        pending = any(
            ch.request is not None or ch.requests or ch.total_outbufs_len for ch in channels
        )
        if pending or (service is not None and service.inflight):
            idle_since = None
        else:
            # answers are out; give clients a moment to read them and hang up themselves
            # (closing a socket the peer is still reading from can reset the connection)
            idle_since = idle_since or time.monotonic()
            if not channels or time.monotonic() - idle_since > DRAIN_GRACE_S:
                break
        time.sleep(0.05)
    log.info(
        "drained in %.1f s; closing %d connection(s)",
        timeout - (deadline - time.monotonic()),
        len([ch for ch in list(connections.values()) if hasattr(ch, "requests")]),
    )
    server.task_dispatcher.shutdown(timeout=1)
    wasyncore.close_all(connections)


def serve_processor(processor: Any) -> None:
    """Serve ``processor`` (initialised) until SIGTERM/SIGINT; used by the allspark stand-in."""
    settings: Settings = getattr(processor, "settings", None) or Settings.from_env()
    if processor.endpoint:
        host, _, port = str(processor.endpoint).rpartition(":")
        settings = Settings.from_env(host=host or settings.host, port=int(port))
    connections: dict[int, Any] = {}
    server = make_server(processor, settings, connections=connections)
    stop = threading.Event()
    drainer = threading.Thread(
        target=drain,
        args=(
            server,
            connections,
            getattr(processor, "service", None),
            settings.request_timeout + 5,
        ),
        daemon=True,
    )

    def _shutdown(signum: int, _frame: Any) -> None:
        if not stop.is_set():
            stop.set()
            log.info("signal %d: draining requests in flight, then exiting", signum)
            drainer.start()

    signal.signal(signal.SIGTERM, _shutdown)
    signal.signal(signal.SIGINT, _shutdown)
    log.info(
        "serving on http://%s:%s%s (health: /health)",
        settings.host,
        server.effective_port,
        App(processor, settings).predict_path,
    )
    while True:
        try:
            server.run()  # returns once the drain has closed every connection
            break
        except OSError:
            # the drain closed the listening socket under the loop's poll: keep serving the
            # connections still open until the drain is done with them
            if not stop.is_set():
                raise
            if not drainer.is_alive() and not connections:
                break
    if drainer.is_alive():
        drainer.join()
    service = getattr(processor, "service", None)
    if service is not None:
        service.close()
