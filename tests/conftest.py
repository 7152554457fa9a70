"""Shared fixtures. Expensive ones (models, servers, rendered cards) are session-scoped."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from hypothesis import settings as hypothesis_settings

from processor.serve.eas import IdCardProcessor
from processor.serve.server import make_server
from processor.settings import Settings
from processor.values import Quad

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
MODELS = ROOT / "models"

#: Figures the robustness tests record (inputs tried, requests, errors, latency, memory);
#: printed at the end of the run by ``pytest_terminal_summary``.
FIGURES: dict[str, dict[str, Any]] = {}

hypothesis_settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60, print_blob=True, database=None
)
hypothesis_settings.load_profile("ci")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("robustness figures")
        for name, figures in FIGURES.items():
            terminalreporter.write_line(f"{name}: {json.dumps(figures, ensure_ascii=False)}")


@dataclass(frozen=True)
class Running:
    url: str  # base URL, e.g. http://127.0.0.1:40123
    settings: Settings


def decode(body: bytes) -> dict[str, Any]:
    """Envelope -> dict; ``data`` decoded from its JSON string form."""
    result: dict[str, Any] = json.loads(base64.b64decode(body, validate=True).decode("utf-8"))
    assert isinstance(result["data"], str), "default data format is a JSON string"
    result["data"] = json.loads(result["data"])
    return result


@pytest.fixture(scope="session")
def processor() -> IdCardProcessor:
    """The EAS processor, initialised once as EAS does (loads, verifies, warms up)."""
    proc = IdCardProcessor()
    proc.initialize()
    return proc


def _serve(proc: Any, settings: Settings) -> Iterator[Running]:
    server = make_server(proc, settings, port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Running(f"http://127.0.0.1:{server.effective_port}", settings)
    finally:
        server.close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def server(processor: IdCardProcessor) -> Iterator[Running]:
    yield from _serve(processor, Settings.from_env({}))


@pytest.fixture(scope="session")
def token_server(processor: IdCardProcessor) -> Iterator[Running]:
    yield from _serve(processor, Settings.from_env({}, token="s3cret-token"))


@pytest.fixture(scope="session")
def scan_front() -> bytes:
    """A synthetic front, scanned (rendered by the project's own generator)."""
    from synthcards import make_sample

    return make_sample("scan", 0, seed=7).image


def generated_photo(index: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """A ``synthcards`` photo decoded to BGR, its card's true corners and their diagonal."""
    from synthcards import make_sample

    sample = make_sample("photo", index, seed=seed)
    assert sample.corners is not None
    image = cv2.imdecode(np.frombuffer(sample.image, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    truth = np.asarray(sample.corners, np.float32)
    return image, truth, float(np.linalg.norm(truth[2] - truth[0]))


def corner_error(quad: Quad, truth: np.ndarray) -> float:
    """Mean corner distance, over the four ways to pair the corners up."""
    return min(
        float(np.linalg.norm(np.roll(quad.array(), k, axis=0) - truth, axis=1).mean())
        for k in range(4)
    )
