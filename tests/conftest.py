"""Shared fixtures. Expensive ones (models, servers, rendered cards) are session-scoped."""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from hypothesis import settings as hypothesis_settings
from PIL import Image

from bench.metrics import outline_error
from processor.serve.eas import IdCardProcessor
from processor.serve.server import make_server
from processor.settings import Settings
from processor.values import CharCandidate, Quad, TextLine

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


#: The marks of the tests that may load the models; ``make unit`` runs the others with
#: ``--unit``, under which loading a model fails the test.
MODEL_MARKS = ("e2e", "server", "slow", "browser")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--unit",
        action="store_true",
        help="fail any test that loads a model (make unit: the tests marked none of "
        + ", ".join(MODEL_MARKS)
        + ")",
    )


@pytest.fixture(autouse=True, scope="session")
def _unit_runs_load_no_model(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under ``--unit``, the processor's one way to a model file refuses: a test that needs
    the models and is not marked for them fails instead of slowing the fast suite."""
    if not request.config.getoption("--unit"):
        yield
        return

    def refuse(model_dir: Path, name: str) -> bytes:
        raise AssertionError(f"a unit test loads model {name!r}: mark it e2e")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("processor.ocr.models.load_verified", refuse)
        patch.setattr("processor.ocr.runtime.load_verified", refuse)
        yield


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
    """A ``synthcards`` photo decoded to BGR, its card's true corners and their diagonal.

    In the classic style: these photos test how precisely the localisers place a card, with
    thresholds measured on it; how often the card is found in the randomised styles is what
    ``make bench`` measures."""
    from synthcards import make_sample

    sample = make_sample("photo", index, seed=seed, style="classic")
    assert sample.corners is not None
    image = cv2.imdecode(np.frombuffer(sample.image, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    truth = np.asarray(sample.corners, np.float32)
    return image, truth, float(np.linalg.norm(truth[2] - truth[0]))


def placement_errors(
    find: Callable[[int, np.ndarray, np.ndarray, float], list[Quad]],
    *,
    seed: int,
    count: int,
    best_of: int = 1,
) -> list[float]:
    """For the first ``count`` generated photos of ``seed``: how far the best of the first
    ``best_of`` quads ``find(index, image, truth, diagonal)`` returns is from the card's true
    corners (:func:`bench.metrics.outline_error`: the mean distance of matched corners, as a
    share of the card's diagonal). ``find`` must return at least one quad."""
    errors = []
    for index in range(count):
        image, truth, diag = generated_photo(index, seed=seed)
        found = find(index, image, truth, diag)
        assert found, f"photo {index}: no card found"
        errors.append(
            min(outline_error(quad.array().tolist(), truth.tolist()) for quad in found[:best_of])
        )
    return errors


#: The leading bytes of an iPhone's HEIC photo (an ``ftyp`` box: major brand, minor version,
#: compatible brands) and of a PDF: formats clients send that the service does not read.
HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(64)


def exif_jpeg(upright: np.ndarray, orientation: int, scale: float = 1.0) -> bytes:
    """``upright`` stored so that EXIF ``orientation`` (1, 3, 6 or 8) shows it upright."""
    turn = {3: cv2.ROTATE_180, 6: cv2.ROTATE_90_COUNTERCLOCKWISE, 8: cv2.ROTATE_90_CLOCKWISE}
    stored = cv2.rotate(upright, turn[orientation]) if orientation in turn else upright
    if scale != 1.0:
        stored = cv2.resize(stored, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    pil = Image.fromarray(stored[:, :, ::-1])
    exif = pil.getexif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    pil.save(buf, "JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()


def stored_point(u: float, v: float, w: int, h: int, orientation: int) -> tuple[float, float]:
    """A point of the upright image (w x h) in the stored grid of :func:`exif_jpeg`."""
    return {1: (u, v), 3: (w - u, h - v), 6: (v, w - u), 8: (h - v, u)}[orientation]


def card_on_desk(angle: float) -> tuple[np.ndarray, np.ndarray]:
    """A light card with dark 'text' bars on a dark textured desk, rotated by ``angle``."""
    rng = np.random.default_rng(0)
    frame = rng.integers(40, 90, (600, 800, 3), dtype=np.uint8)
    card = np.full((270, 428, 3), 225, np.uint8)
    for y in range(40, 240, 40):
        card[y : y + 14, 40:300] = 30
    matrix = cv2.getRotationMatrix2D((214, 135), 0, 1.0)
    matrix[:, 2] += (186, 165)
    rot = cv2.getRotationMatrix2D((400, 300), angle, 1.0)
    full = np.vstack([rot, [0, 0, 1]]) @ np.vstack([matrix, [0, 0, 1]])
    warped = cv2.warpAffine(card, full[:2], (800, 600))
    mask = cv2.warpAffine(np.full((270, 428), 255, np.uint8), full[:2], (800, 600))
    frame[mask > 0] = warped[mask > 0]
    corners = np.array([[0, 0, 1], [428, 0, 1], [428, 270, 1], [0, 270, 1]]) @ full[:2].T
    return frame, corners


def text_line(text: str, prob: float = 0.99, alts: dict[int, str] | None = None) -> TextLine:
    """A recognised line of ``text``, every character at ``prob``, runner-ups from ``alts``."""
    alts = alts or {}
    chars = tuple(CharCandidate(c, prob, alts.get(i, ""), 0.01) for i, c in enumerate(text))
    return TextLine(text, prob, chars)


#: A character read without doubt (:func:`candidates`).
SURE_PROB = 0.99


def candidates(
    text: str, doubts: Mapping[int, Sequence[tuple[str, float]]] | None = None
) -> list[list[tuple[str, float]]]:
    """The recogniser's candidates for ``text``, per character (best first): ``doubts`` maps a
    position to its (char, prob) list, the character read first; every other position is
    read at :data:`SURE_PROB` with a negligible runner-up."""
    doubts = doubts or {}
    out: list[list[tuple[str, float]]] = []
    for i, char in enumerate(text):
        if i in doubts:
            assert doubts[i][0][0] == char, "the first candidate is the character read"
            out.append(list(doubts[i]))
        else:
            out.append([(char, SURE_PROB), ("口", 0.0004)])
    return out
