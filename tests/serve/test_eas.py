"""Contract of the EAS processor: process(bytes) -> (bytes, int), never raises, always
answers a base64 JSON envelope with a documented code."""

from __future__ import annotations

import base64
import io
import json
import threading

import numpy as np
import pytest
from PIL import Image

from bench.service import form_body
from processor.errors import Code
from processor.ocr.runtime import FIELD_REC_FP32, FIELD_REC_INT8
from processor.serve.eas import IdCardProcessor
from tests.conftest import HEIC_HEAD, PDF_HEAD, decode

pytestmark = pytest.mark.e2e

DOCUMENTED = {c.value for c in Code}


def _png(width: int, height: int, colour: tuple[int, int, int] = (200, 200, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        (b"", 400, "empty request body"),
        (b"info=x&data=%%%%", 400, "not a valid form"),
        (b"info=x&data=not*base64", 400, "not valid base64"),
        (form_body(b"plain text, not an image"), 400, "not a decodable image"),
        (form_body(_png(40, 40)), 400, "short side"),
        (form_body(_png(10, 10)[:30]), 400, "not a decodable image"),
        (HEIC_HEAD, 400, "HEIC/HEIF is not supported"),
        (form_body(HEIC_HEAD), 400, "HEIC/HEIF is not supported"),
        (form_body(PDF_HEAD), 400, "PDF is not supported"),
        (b"data=" + b"A" * (8 * 1024 * 1024), 413, "smaller than 8 MiB"),
    ],
)
def test_bad_input_gets_minus_one_with_a_message(
    processor: IdCardProcessor, body: bytes, status: int, fragment: str
) -> None:
    out, http_status = processor.process(body)
    result = decode(out)
    assert (result["code"], http_status) == ("-1", status)
    assert fragment in result["message"]
    assert result["data"] == {}


def test_no_card_is_201(processor: IdCardProcessor) -> None:
    rng = np.random.default_rng(3)
    noise = Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8))
    buf = io.BytesIO()
    noise.save(buf, "JPEG")
    for image in (buf.getvalue(), _png(640, 480)):
        out, status = processor.process(form_body(image))
        result = decode(out)
        assert (result["code"], status, result["message"]) == ("201", 200, "id card not detected")
        assert result["data"] == {}


def test_envelope_is_always_base64_json(processor: IdCardProcessor) -> None:
    for body in (b"", b"\x00\xff" * 100, b"{}", b"data=AAAA", form_body(_png(300, 200))):
        out, status = processor.process(body)
        assert isinstance(out, bytes) and isinstance(status, int)
        result = json.loads(base64.b64decode(out, validate=True))
        assert set(result) == {"code", "message", "data"}
        assert result["code"] in DOCUMENTED


def test_object_data_format(processor: IdCardProcessor) -> None:
    from processor.serve.service import OcrService
    from processor.settings import Settings

    service = OcrService(Settings.from_env({}, data_format="object"), processor.service.engine)
    try:
        result = json.loads(base64.b64decode(service.handle(b"").body))
        assert result["data"] == {} and result["code"] == "-1"
    finally:
        service.close()


def test_a_request_alone_runs_on_the_solo_engine_which_reads_the_same(
    processor: IdCardProcessor, scan_front: bytes
) -> None:
    from processor.io.decode import decode_image
    from processor.read.pipeline import read_card

    service = processor.service
    assert service.settings.solo_spin and service.settings.intra_op_threads > 1
    assert service.solo_engine is not None and service.solo_engine is not service.engine
    assert service.engine_for(0) is service.solo_engine  # called outside handle()
    assert service.engine_for(1) is service.solo_engine
    assert service.engine_for(2) is service.engine
    image = decode_image(scan_front, max_pixels=50_000_000, min_side=64)
    alone, shared = read_card(image, service.solo_engine), read_card(image, service.engine)
    assert alone is not None and shared is not None
    assert alone.fields == shared.fields and all(f.ok for f in alone.fields.values())


def test_one_set_of_sessions_without_solo_spin(processor: IdCardProcessor) -> None:
    from processor.serve.service import OcrService
    from processor.settings import Settings

    settings = Settings.from_env({"IDCARD_SOLO_SPIN": "0"})
    service = OcrService.create(settings)
    try:
        assert service.solo_engine is None and service.engine_for(1) is service.engine
    finally:
        service.close()


@pytest.mark.parametrize(
    ("precision", "flags", "served", "warned"),
    [
        ("fp32", "fpu avx2", FIELD_REC_FP32, False),
        ("int8", "fpu avx2 avx512_vnni", FIELD_REC_INT8, False),
        # int8 where it runs slower than fp32: served as asked, with a warning at start
        ("int8", "fpu avx2", FIELD_REC_INT8, True),
    ],
)
def test_the_field_recogniser_served_and_the_int8_warning(
    precision: str,
    flags: str,
    served: str,
    warned: bool,
    *,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from processor.serve import service as module
    from processor.settings import Settings

    # the CPU's flags as /proc/cpuinfo gives them, for a CPU with and without VNNI
    monkeypatch.setattr(module, "cpu_flags", lambda: frozenset(flags.split()))
    settings = Settings.from_env({"IDCARD_REC_PRECISION": precision, "IDCARD_SOLO_SPIN": "0"})
    with caplog.at_level("WARNING", logger="idcard_ocr"):
        service = module.OcrService.create(settings)
    try:
        other = ({FIELD_REC_FP32, FIELD_REC_INT8} - {served}).pop()
        assert served in service.models and other not in service.models
        assert any("without VNNI" in r.getMessage() for r in caplog.records) is warned
    finally:
        service.close()


def test_process_is_thread_safe_and_idempotent(
    processor: IdCardProcessor, scan_front: bytes
) -> None:
    body = form_body(scan_front)
    first = processor.process(body)
    results: list[tuple[bytes, int]] = []

    def call() -> None:
        results.append(processor.process(body))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert all(r == first for r in results)  # same bytes for the same request, in parallel too


def test_missing_model_fails_loudly_naming_the_file(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from processor.ocr.models import ModelError
    from tests.conftest import ROOT

    model_dir = Path(str(tmp_path))
    for path in (ROOT / "models").iterdir():  # every other file intact
        (model_dir / path.name).symlink_to(path)
    (model_dir / "ch_PP-OCRv4_det_fold.onnx").unlink()
    (model_dir / "ch_PP-OCRv4_det_fold.onnx").write_bytes(b"corrupted")
    monkeypatch.setenv("IDCARD_MODEL_DIR", str(model_dir))
    proc = IdCardProcessor()
    with pytest.raises(ModelError, match=r"ch_PP-OCRv4_det_fold\.onnx does not match its manifest"):
        proc.initialize()
    (model_dir / "ch_PP-OCRv4_det_fold.onnx").unlink()
    with pytest.raises(ModelError, match=r"ch_PP-OCRv4_det_fold\.onnx cannot be read"):
        proc.initialize()
