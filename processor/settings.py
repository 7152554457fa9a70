"""One settings object, built once from packaged defaults plus the environment.

Every name the service reads is a field here. ``Settings.from_env`` validates names and
types: an unknown ``IDCARD_*`` variable (a typo) or a value of the wrong type stops the
start-up with a message naming the variable.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

MIB = 1024 * 1024
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_DIR = PACKAGE_DIR.parent / "models"

#: Environment variables read without the IDCARD_ prefix (conventional names).
_PLAIN_NAMES = {"HOST": "host", "PORT": "port", "IDCARD_OCR_TOKEN": "token"}


class SettingsError(ValueError):
    """A configuration value is unknown or malformed."""


@dataclasses.dataclass(frozen=True)
class Settings:
    #: Local server address (the custom image listens on 0.0.0.0:8000).
    host: str = "127.0.0.1"
    port: int = 8080
    #: Service name in ``/api/predict/<service_name>``.
    service_name: str = "idcard_ocr"
    #: When set, the local server requires this exact ``Authorization`` header.
    token: str = ""
    #: Where the ONNX models and manifest.json live (EAS: the mounted model path wins).
    model_dir: Path = DEFAULT_MODEL_DIR
    #: ``string``: ``data`` is a JSON-encoded string (the reference client); ``object``: nested.
    data_format: Literal["string", "object"] = "string"
    #: HTTP worker threads of the local server (requests processed at once).
    worker_threads: int = 2
    #: onnxruntime intra-op threads per session run (the pools do not spin; the figures
    #: behind the defaults are in docs/decisions.md).
    intra_op_threads: int = 2
    #: A request alone in the server runs on a second set of detector (text and anchors) and
    #: card_seg sessions tuned for it: their pools spin within a run (and stop at its end)
    #: instead of sleeping. Concurrent requests keep the sleeping pools, which leave the
    #: cores to each other. Both share the recognisers (single-threaded sessions, a card's
    #: batches in ``intra_op_threads`` lanes at once). Off: one set of sessions, less memory.
    solo_spin: bool = True
    #: The field recogniser's weights (PP-OCRv6 small: names, addresses, authorities):
    #: ``fp32``, or ``int8`` (its backbone's pointwise convs quantised per channel): ~25% less
    #: time a scan card where the CPU has VNNI dot products, slower where it has not, and it
    #: misreads or drops rare characters that fp32 reads (docs/decisions.md, 2026-12-02).
    rec_precision: Literal["fp32", "int8"] = "fp32"
    #: Connections the local server queues beyond the busy workers before it answers "busy".
    max_queue: int = 32
    #: Largest accepted base64 text (the API document: "less than 8M").
    max_base64_bytes: int = 8 * MIB
    #: Largest accepted decoded image, in pixels, and smallest short side.
    max_pixels: int = 50_000_000
    min_side: int = 64
    #: Seconds a request may take before it is answered with code -1.
    request_timeout: float = 20.0
    #: Width of the rectified card returned as ``idcard_image``, and its JPEG quality.
    card_image_width: int = 856
    card_image_quality: int = 90
    #: Log level of the service's own logger.
    log_level: str = "INFO"

    @property
    def max_body_bytes(self) -> int:
        """Largest request body: the base64 limit plus form/JSON/multipart overhead."""
        return self.max_base64_bytes + self.max_base64_bytes // 8 + 64 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``IDCARD_<FIELD>`` (and HOST, PORT, IDCARD_OCR_TOKEN), then overrides."""
        env = os.environ if environ is None else environ
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for var, raw in env.items():
            if var in _PLAIN_NAMES:
                name = _PLAIN_NAMES[var]
            elif var.startswith("IDCARD_"):
                name = var.removeprefix("IDCARD_").lower()
                if name not in fields:
                    known = ", ".join("IDCARD_" + n.upper() for n in fields)
                    raise SettingsError(f"unknown setting {var}; known: {known}")
            else:
                continue
            values[name] = _parse(var, raw, fields[name].type)
        for name, value in overrides.items():
            if name not in fields:
                raise SettingsError(f"unknown setting {name!r}")
            values[name] = (
                _parse(name, value, fields[name].type) if isinstance(value, str) else value
            )
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.data_format not in ("string", "object"):
            raise SettingsError("IDCARD_DATA_FORMAT must be 'string' or 'object'")
        if self.rec_precision not in ("fp32", "int8"):
            raise SettingsError("IDCARD_REC_PRECISION must be 'fp32' or 'int8'")
        positive = (
            "port",
            "worker_threads",
            "intra_op_threads",
            "max_base64_bytes",
            "max_pixels",
            "min_side",
            "card_image_width",
        )
        for name in positive:
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be positive")
        if not 0 < self.request_timeout <= 600:
            raise SettingsError("request_timeout must be in (0, 600] seconds")
        if not 1 <= self.card_image_quality <= 100:
            raise SettingsError("card_image_quality must be 1..100")
        if not self.service_name.replace("_", "").replace("-", "").isalnum():
            raise SettingsError("service_name may hold letters, digits, '-' and '_'")


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _parse(var: str, raw: str, annotation: Any) -> Any:
    kind = str(annotation)
    if kind == "bool":
        flag = raw.strip().lower()
        if flag in _TRUE or flag in _FALSE:
            return flag in _TRUE
        raise SettingsError(f"{var} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
    except ValueError as exc:
        raise SettingsError(f"{var} must be a {kind}, got {raw!r}") from exc
    return raw
