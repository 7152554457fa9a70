"""The in-process API, ``processor.Recognizer``: the same answers as the HTTP API on every
golden image, thread-safe, pickled as its settings; and the batch CLI and the EAS processor
answer through it."""

from __future__ import annotations

import concurrent.futures
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import processor
from bench.service import FORM_HEADERS, PREDICT_PATH, form_body
from processor.serve.api import Recognizer
from processor.serve.eas import IdCardProcessor
from processor.settings import Settings
from tests.conftest import GOLDEN, Running, decode

pytestmark = [pytest.mark.e2e, pytest.mark.server]

IMAGES = sorted(p for p in GOLDEN.rglob("*") if p.suffix in (".png", ".jpg"))


@pytest.fixture(scope="module")
def recognizer() -> Iterator[Recognizer]:
    """A Recognizer of its own (not the server's), two images at once."""
    with Recognizer(Settings.from_env({}), workers=2).load() as rec:
        yield rec


def _http(server: Running, body: bytes) -> dict[str, Any]:
    reply = requests.post(server.url + PREDICT_PATH, data=body, headers=FORM_HEADERS, timeout=60)
    return decode(reply.content)


def test_the_package_exports_it() -> None:
    assert processor.Recognizer is Recognizer
    with pytest.raises(AttributeError):
        _ = processor.Nothing


def test_recognize_answers_as_the_http_api_on_every_golden_image(
    recognizer: Recognizer, server: Running
) -> None:
    assert len(IMAGES) == 25
    codes = set()
    for path in IMAGES:
        image = path.read_bytes()
        ours = recognizer.recognize(image)
        assert ours == _http(server, form_body(image)), path.name
        assert isinstance(ours["data"], dict)
        codes.add(ours["code"])
    assert {"200", "201"} <= codes
    # the extras too, on a front and a back
    for name in ("scan/scan-0000-front.png", "scan/scan-0001-back.jpg"):
        image = (GOLDEN / name).read_bytes()
        ours = recognizer.recognize(image, options=["confidence", "location", "warnings"])
        body = form_body(image) + b"&options=confidence,location,warnings"
        assert ours == _http(server, body) and "confidence" in ours["data"]


def test_bad_input_is_the_api_error(recognizer: Recognizer, server: Running) -> None:
    ours = recognizer.recognize(b"plain text, not an image")
    assert ours == _http(server, form_body(b"plain text, not an image"))
    assert ours["code"] == "-1" and "not a decodable image" in ours["message"]
    unknown = recognizer.recognize((GOLDEN / "scan/scan-0000-front.png").read_bytes(), "nope")
    assert unknown["code"] == "-1" and "unknown option 'nope'" in unknown["message"]
    assert recognizer.recognize(b"")["code"] == "-1"


def test_threads_share_one_recognizer(recognizer: Recognizer) -> None:
    images = [p.read_bytes() for p in IMAGES[:6]]
    alone = [recognizer.recognize(image) for image in images]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        together = list(pool.map(recognizer.recognize, images))
    assert together == alone


def test_pickled_as_its_settings(recognizer: Recognizer, tmp_path: Path) -> None:
    raw = pickle.dumps(recognizer)
    assert len(raw) < 2000  # the settings, not the models
    copy = pickle.loads(raw)
    assert isinstance(copy, Recognizer) and copy.settings == recognizer.settings
    assert copy._service is None  # loads its own models when first used
    built = Recognizer(Settings.from_env({}), model_dir=tmp_path, threads=1, precision="fp32")
    assert (built.settings.model_dir, built.settings.intra_op_threads) == (tmp_path, 1)
    assert built.settings.rec_precision == "fp32"
    assert "threads=1" in repr(built)
    image = (GOLDEN / "scan/scan-0000-front.png").read_bytes()
    try:
        assert copy.recognize(image) == recognizer.recognize(image)
        assert copy.models == recognizer.models and len(copy.models) >= 5
        assert all(len(sha) == 64 for sha in copy.models.values())
    finally:
        copy.close()


def test_the_eas_processor_answers_through_a_recognizer(processor: IdCardProcessor) -> None:
    assert isinstance(processor.recognizer, Recognizer)
    assert processor.service is processor.recognizer.service
