"""The local HTTP server: routes, token, status codes, body limit, envelope."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
from email.utils import formatdate

import pytest
import requests

from bench.service import form_body
from tests.conftest import Running

pytestmark = pytest.mark.server
PREDICT = "/api/predict/idcard_ocr"


def envelope(reply: requests.Response) -> dict[str, object]:
    result: dict[str, object] = json.loads(base64.b64decode(reply.content, validate=True))
    return result


def test_health(server: Running) -> None:
    reply = requests.get(server.url + "/health", timeout=5)
    assert reply.status_code == 200 and reply.json() == {"status": "ok"}


@pytest.mark.parametrize("path", [PREDICT, "/"])
def test_predict_routes(server: Running, path: str, scan_front: bytes) -> None:
    reply = requests.post(server.url + path, data=form_body(scan_front), timeout=60)
    assert reply.status_code == 200
    assert envelope(reply)["code"] == "200"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", PREDICT, 405), ("POST", "/api/predict/other", 404), ("PUT", "/", 405)],
)
def test_other_routes_get_an_envelope(server: Running, method: str, path: str, status: int) -> None:
    reply = requests.request(method, server.url + path, data=b"x", timeout=5)
    assert reply.status_code == status
    assert envelope(reply)["code"] == "-1"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"data=!!!", 400),
        (b"info=x", 400),
        (form_body(b"GIF89a not really"), 400),
    ],
)
def test_malformed_bodies(server: Running, body: bytes, status: int) -> None:
    reply = requests.post(server.url + PREDICT, data=body, timeout=10)
    assert reply.status_code == status
    result = envelope(reply)
    assert result["code"] == "-1" and result["message"]


def test_oversized_body_is_refused_from_its_content_length(server: Running) -> None:
    """413 is answered from the header, before the body is read."""
    with socket.create_connection(
        ("127.0.0.1", int(server.url.rsplit(":", 1)[1])), timeout=10
    ) as sock:
        sock.sendall(
            f"POST {PREDICT} HTTP/1.1\r\nHost: x\r\nContent-Length: {20 * 1024 * 1024}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\ndata=AAAA".encode()
        )
        head = sock.recv(65536).decode("latin-1")
    assert head.startswith("HTTP/1.1 413")


def test_oversized_chunked_body_is_capped_while_reading(server: Running) -> None:
    def chunks() -> object:
        yield b"data="
        for _ in range(10):
            yield b"A" * (1024 * 1024)

    reply = requests.post(server.url + PREDICT, data=chunks(), timeout=30)  # type: ignore[arg-type]
    assert reply.status_code == 413
    assert envelope(reply)["code"] == "-1"


def test_server_keeps_serving_after_bad_requests(server: Running, scan_front: bytes) -> None:
    for body in (b"", b"\xff" * 1000, b"data=" + b"A" * (9 * 1024 * 1024)):
        requests.post(server.url + PREDICT, data=body, timeout=30)
    reply = requests.post(server.url + PREDICT, data=form_body(scan_front), timeout=60)
    assert envelope(reply)["code"] == "200"


@pytest.mark.parametrize(
    ("header", "status"),
    [(None, 401), ("wrong", 401), ("S3CRET-TOKEN", 401), ("s3cret-token", 200)],
)
def test_token(token_server: Running, header: str | None, status: int, scan_front: bytes) -> None:
    headers = {"Authorization": header} if header is not None else {}
    reply = requests.post(
        token_server.url + PREDICT, data=form_body(scan_front), headers=headers, timeout=60
    )
    assert reply.status_code == status
    assert envelope(reply)["code"] == ("200" if status == 200 else "-1")


def test_token_not_needed_for_health(token_server: Running) -> None:
    assert requests.get(token_server.url + "/health", timeout=5).status_code == 200


def test_eas_sdk_signature_is_accepted(token_server: Running) -> None:
    """The eas-prediction SDK signs: base64 HMAC-SHA1(token, method, md5, type, date, path)."""
    body = b"data=!!!"  # any body: the signature is what is checked
    md5 = hashlib.md5(body).hexdigest()
    date = formatdate(usegmt=True)
    ctype = "application/octet-stream"
    message = "\n".join(["POST", md5, ctype, date, PREDICT])
    signature = base64.b64encode(hmac.new(b"s3cret-token", message.encode(), hashlib.sha1).digest())
    headers = {"Authorization": "EAS " + signature.decode(), "Content-MD5": md5, "Date": date,
               "Content-Type": ctype}  # fmt: skip
    reply = requests.post(token_server.url + PREDICT, data=body, headers=headers, timeout=10)
    assert reply.status_code == 400  # authorised, then rejected for its body
    headers["Date"] = formatdate(usegmt=True, timeval=0)
    assert (
        requests.post(
            token_server.url + PREDICT, data=body, headers=headers, timeout=10
        ).status_code
        == 401
    )
