"""The settings object: defaults, environment, validation of names and types."""

from __future__ import annotations

from pathlib import Path

import pytest

from processor.settings import Settings, SettingsError


def test_defaults() -> None:
    s = Settings.from_env({})
    assert (s.host, s.port, s.service_name, s.data_format) == (
        "127.0.0.1",
        8080,
        "idcard_ocr",
        "string",
    )
    assert s.max_base64_bytes == 8 * 1024 * 1024
    assert s.max_body_bytes > s.max_base64_bytes


@pytest.mark.parametrize(
    ("env", "field", "value"),
    [
        ({"PORT": "9000"}, "port", 9000),
        ({"HOST": "0.0.0.0"}, "host", "0.0.0.0"),
        ({"IDCARD_OCR_TOKEN": "t"}, "token", "t"),
        ({"IDCARD_DATA_FORMAT": "object"}, "data_format", "object"),
        ({"IDCARD_MODEL_DIR": "/m"}, "model_dir", Path("/m")),
        ({"IDCARD_REQUEST_TIMEOUT": "2.5"}, "request_timeout", 2.5),
        ({"UNRELATED": "1"}, "port", 8080),
        ({}, "solo_spin", True),
        ({"IDCARD_SOLO_SPIN": "0"}, "solo_spin", False),
        ({"IDCARD_SOLO_SPIN": "off"}, "solo_spin", False),
        ({"IDCARD_SOLO_SPIN": " True "}, "solo_spin", True),
        ({"IDCARD_SOLO_SPIN": "yes"}, "solo_spin", True),
        ({}, "rec_precision", "fp32"),
        ({"IDCARD_REC_PRECISION": "fp32"}, "rec_precision", "fp32"),
        ({"IDCARD_REC_PRECISION": "int8"}, "rec_precision", "int8"),
    ],
)
def test_from_env(env: dict[str, str], field: str, value: object) -> None:
    assert getattr(Settings.from_env(env), field) == value


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IDCARD_PROT": "1"}, "unknown setting IDCARD_PROT"),
        ({"PORT": "eighty"}, "PORT must be a int"),
        ({"IDCARD_DATA_FORMAT": "xml"}, "IDCARD_DATA_FORMAT"),
        ({"IDCARD_WORKER_THREADS": "0"}, "worker_threads must be positive"),
        ({"IDCARD_REQUEST_TIMEOUT": "-1"}, "request_timeout"),
        ({"IDCARD_SERVICE_NAME": "a/b"}, "service_name"),
        ({"IDCARD_SOLO_SPIN": "maybe"}, "IDCARD_SOLO_SPIN must be one of 1/0"),
        ({"IDCARD_SOLO_SPIN": ""}, "IDCARD_SOLO_SPIN must be one of 1/0"),
        ({"IDCARD_REC_PRECISION": "fp16"}, "IDCARD_REC_PRECISION must be"),
        # retired: int8 is served only when asked for
        ({"IDCARD_REC_PRECISION": "auto"}, "IDCARD_REC_PRECISION must be .fp32. or .int8."),
    ],
)
def test_invalid(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_overrides_win_and_are_checked() -> None:
    assert Settings.from_env({"PORT": "1"}, port=2).port == 2
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.from_env({}, colour="blue")
