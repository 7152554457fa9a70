"""A small Python client: sends the documented request, returns the decoded result.

>>> from processor.serve.client import recognize_file
>>> result = recognize_file("card.jpg", "http://127.0.0.1:8080/api/predict/idcard_ocr")
>>> result["code"], result["data"].get("name")

``data`` is returned as a dict whether the service sends it as a JSON string (the
default) or as an object.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import requests

from ..io.response import decode_response


def recognize(
    image: bytes,
    url: str,
    *,
    token: str | None = None,
    info: str = "",
    options: str = "",
    timeout: float = 30.0,
    session: requests.Session | None = None,
) -> dict[str, Any]:
    """POST ``image`` (file bytes) as the API document's form and decode the answer;
    ``options`` (e.g. ``"confidence,warnings"``) asks for the extras."""
    headers = {"Authorization": token} if token else {}
    form: dict[str, str | bytes] = {"info": info, "data": base64.b64encode(image)}
    if options:
        form["options"] = options
    post = session.post if session is not None else requests.post
    reply = post(url, data=form, headers=headers, timeout=timeout)
    result = decode_response(reply.text)
    result["http_status"] = reply.status_code
    return result


def recognize_file(path: str | Path, url: str, **kwargs: Any) -> dict[str, Any]:
    return recognize(Path(path).read_bytes(), url, **kwargs)
