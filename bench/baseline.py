"""The baseline: RapidOCR's default pipeline plus the regex parsing a typical user would write.

Deliberately simple and honest: the whole image goes to ``RapidOCR()`` with its default
settings (full-frame detection, direction classifier, recognition of every line), the text
lines are concatenated and fields are cut out with regular expressions between the printed
labels. No card localisation, no layout knowledge, no validation. It runs in-process on the
same image bytes the service receives (so it pays no HTTP or base64 cost).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any, Final, cast

from .dataset import BenchSample
from .metrics import SampleResult

FRONT_LABELS: Final = ("姓名", "性别", "民族", "出生", "住址", "公民身份号码")
BACK_LABELS: Final = ("签发机关", "有效期限")
ID_RE: Final = re.compile(r"\d{17}[\dXx]")

_FRONT: Final = {
    "name": re.compile(r"姓名(.*?)(?=性别|民族|出生|住址|公民身份号码|$)"),
    "gender": re.compile(r"性别(男|女)"),
    "race": re.compile(r"民族(.*?)(?=出生|住址|公民身份号码|姓名|性别|$)"),
    "birth": re.compile(r"出生(\d{4})年(\d{1,2})月(\d{1,2})日"),
    "address": re.compile(r"住址(.*?)(?=公民身份号码|$)"),
}
_BACK: Final = {
    "issued_by": re.compile(r"签发机关(.*?)(?=有效期限|$)"),
    "valid_date": re.compile(r"(\d{4}\.\d{2}\.\d{2})[-—~至]+(\d{4}\.\d{2}\.\d{2}|长期)"),
}
#: The API's first-failing-field codes, in its precedence order.
_CODES: Final = {
    "front": (
        ("name", "204"),
        ("gender", "209"),
        ("race", "205"),
        ("birth", "208"),
        ("address", "206"),
        ("id_no", "207"),
    ),
    "back": (("issued_by", "202"), ("valid_date", "203")),
}


def parse_lines(lines: Sequence[str]) -> tuple[str, dict[str, str]]:
    """OCR text lines -> (API code, fields incl. ``type``), the naive way."""
    text = re.sub(r"\s+", "", "".join(lines))
    if any(label in text for label in BACK_LABELS):
        side = "back"
    elif any(label in text for label in FRONT_LABELS) or ID_RE.search(text):
        side = "front"
    else:
        return "201", {}
    fields: dict[str, str] = {"type": side}
    if side == "front":
        for key, rx in _FRONT.items():
            m = rx.search(text)
            if m is None:
                continue
            if key == "birth":
                y, mo, d = m.groups()
                fields[key] = f"{y}.{int(mo):02d}.{int(d):02d}"
            elif m.group(1):
                fields[key] = m.group(1)
        m = ID_RE.search(text)
        if m is not None:
            fields["id_no"] = m.group(0).upper()
    else:
        m = _BACK["issued_by"].search(text)
        if m is not None and m.group(1):
            fields["issued_by"] = m.group(1)
        m = _BACK["valid_date"].search(text)
        if m is not None:
            fields["valid_date"] = f"{m.group(1)}-{m.group(2)}"
    for key, code in _CODES[side]:
        if key not in fields:
            return code, fields
    return "200", fields


class Baseline:
    """``RapidOCR()`` with its defaults, created once."""

    def __init__(self) -> None:
        started = time.perf_counter()
        from rapidocr_onnxruntime import RapidOCR  # noqa: PLC0415

        self.engine: Any = RapidOCR()
        self.init_seconds = time.perf_counter() - started

    def lines(self, image: bytes) -> list[str]:
        result, _elapse = self.engine(image)
        if not result:
            return []
        return [str(cast(Sequence[Any], item)[1]) for item in result]

    def recognize(self, image: bytes) -> tuple[str, dict[str, str], float]:
        """(code, fields, latency in ms) for one image file's bytes."""
        started = time.perf_counter()
        code, fields = parse_lines(self.lines(image))
        return code, fields, (time.perf_counter() - started) * 1000


def baseline_result(baseline: Baseline, sample: BenchSample) -> SampleResult:
    """The baseline's answer to one sample, scored like the service's."""
    code, fields, ms = baseline.recognize(sample.image())
    return SampleResult(
        name=sample.name,
        scene=sample.scene,
        expected_code=sample.expected_code,
        expected=sample.expected,
        code=code,
        data=dict(fields),
        latency_ms=ms,
        meta=sample.meta,
    )
