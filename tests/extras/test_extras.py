"""Opt-in extras (``options``): the default response unchanged byte for byte, the request field
in every body format, confidence, location (in the original file's pixels), portrait, and each
warning on generated images with and without its defect."""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.parse
from typing import Any

import cv2
import numpy as np
import pytest

from bench.service import form_body
from processor.serve.service import OcrService
from synthcards import card_height, defects
from tests.conftest import GOLDEN, Running, decode, exif_jpeg, stored_point

DOCUMENTED = {
    "front": {"type", "name", "gender", "race", "birth", "address", "id_no", "idcard_image"},
    "back": {"type", "issued_by", "valid_date", "idcard_image"},
}
LABELS = {lab["name"]: lab for lab in json.loads((GOLDEN / "labels.json").read_text("utf-8"))}


def _golden(name: str) -> bytes:
    return (GOLDEN / str(LABELS[name]["file"])).read_bytes()


def _service(processor: Any) -> OcrService:
    service: OcrService = processor.service
    return service


def _imdecode(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return np.asarray(image, np.uint8)


def _options_body(image: bytes, options: str) -> bytes:
    return json.dumps({"data": base64.b64encode(image).decode(), "options": options}).encode()


def _ask(processor: Any, image: bytes, options: str) -> dict[str, Any]:
    response = _service(processor).handle(_options_body(image, options))
    assert response.status == 200
    return decode(response.body)


@pytest.mark.server
def test_unknown_option_is_a_bad_request(server: Running, scan_front: bytes) -> None:
    import requests

    form = {"data": base64.b64encode(scan_front), "options": "confidence,everything"}
    reply = requests.post(server.url + "/", data=form, timeout=60)
    assert reply.status_code == 400
    result = decode(reply.text.encode())
    assert result["code"] == "-1"
    assert "'everything'" in result["message"]
    assert result["data"] == {}


# -- the default response stays the documented one ----------------------------------------
#: The keys the extras add to ``data``.
EXTRA_KEYS = {"confidence", "location", "portrait", "warnings"}


def _documented_envelope(code: str, message: str, data: dict[str, Any]) -> bytes:
    """The envelope as the API document defines it: base64 of the UTF-8 JSON object whose
    ``data`` is itself a JSON string."""
    inner = json.dumps(data, ensure_ascii=False)
    outer = {"code": code, "message": message, "data": inner}
    return base64.b64encode(json.dumps(outer, ensure_ascii=False).encode("utf-8"))


#: Every golden image: cards of each scene, failures (202-209) and negatives (201).
BYTE_IDENTICAL = sorted(LABELS)


@pytest.mark.e2e
@pytest.mark.parametrize("name", BYTE_IDENTICAL)
def test_default_response_is_byte_identical(processor: Any, name: str) -> None:
    """Without options the answer is the one with every extra, less the extras' keys: the
    extras add keys after the documented ones and change nothing else, byte for byte."""
    image = _golden(name)
    default = processor.process(form_body(image))[0]
    everything = decode(processor.process(_options_body(image, "all"))[0])
    documented = {k: v for k, v in everything["data"].items() if k not in EXTRA_KEYS}
    expected = _documented_envelope(everything["code"], everything["message"], documented)
    assert default == expected
    if everything["data"]:
        assert list(everything["data"])[-4:] == ["confidence", "location", "portrait", "warnings"]
    # an empty options field is no option at all
    empty = urllib.parse.urlencode({"data": base64.b64encode(image), "options": ""}).encode()
    assert processor.process(empty)[0] == default
    result = decode(default)
    if result["data"]:
        assert set(result["data"]) <= DOCUMENTED[result["data"]["type"]]


# -- confidence, location, portrait ------------------------------------------------------
def _near(a: list[float], b: list[float], tol: float) -> bool:
    return bool(np.hypot(a[0] - b[0], a[1] - b[1]) <= tol)


@pytest.mark.e2e
def test_all_extras_on_a_front(processor: Any) -> None:
    result = _ask(processor, _golden("scan-0000-front"), "all")
    data = result["data"]
    assert result["code"] == "200"
    assert list(data)[-4:] == ["confidence", "location", "portrait", "warnings"]
    fields = DOCUMENTED["front"] - {"type", "idcard_image"}
    assert set(data["confidence"]) == fields
    assert all(0.5 <= v <= 1.0 for v in data["confidence"].values())
    assert data["confidence"]["name"] <= 0.9  # nothing checks a name
    loc = data["location"]
    expected = LABELS["scan-0000-front"]["corners"]
    # within the localiser's precision (a few percent of the card's width)
    assert all(_near(a, b, 30) for a, b in zip(loc["card"], expected, strict=True))
    assert loc["rotation"] == 0
    assert loc["image"] == {"width": 1000, "height": 603, "orientation": 1}
    assert set(loc["fields"]) == fields
    # the fields in their printed order, top to bottom
    tops = {n: min(p[1] for p in q) for n, q in loc["fields"].items()}
    assert tops["name"] < tops["gender"] < tops["birth"] < tops["address"] < tops["id_no"]
    assert max(p[0] for p in loc["fields"]["gender"]) < min(p[0] for p in loc["fields"]["race"])
    portrait = _imdecode(base64.b64decode(data["portrait"]))
    h, w = portrait.shape[:2]
    assert 1.1 < h / w < 1.6
    assert set(data["warnings"]) == {
        "blur",
        "glare",
        "border_incomplete",
        "black_and_white",
        "id_check_char",
        "id_birth_mismatch",
        "id_gender_mismatch",
        "id_region_unknown",
    }
    assert not any(w["value"] for w in data["warnings"].values())


@pytest.mark.e2e
def test_location_of_a_turned_card_and_a_back(processor: Any) -> None:
    data = _ask(processor, _golden("photo-rot090-back"), "location,portrait")["data"]
    assert data["location"]["rotation"] == 90
    expected = LABELS["photo-rot090-back"]["corners"]
    # (the localiser's outline of this perspective photo is loose: compare the centres)
    centre, label_centre = np.mean(data["location"]["card"], 0), np.mean(expected, 0)
    assert _near(list(centre), list(label_centre), 0.1 * 860)
    assert set(data["location"]["fields"]) == {"issued_by", "valid_date"}
    assert data["portrait"] is None
    assert "confidence" not in data and "warnings" not in data


@pytest.mark.e2e
@pytest.mark.parametrize(("orientation", "scale"), [(6, 1.0), (1, 2.5)])
def test_location_in_the_original_file(processor: Any, orientation: int, scale: float) -> None:
    """EXIF-rotated, and larger than the decoder's 2048 px: corners in the file's own pixels."""
    upright = _imdecode(_golden("scan-0000-front"))
    h, w = upright.shape[:2]
    data = _ask(processor, exif_jpeg(upright, orientation, scale), "location")["data"]
    assert data["name"] == LABELS["scan-0000-front"]["expected"]["name"]
    loc = data["location"]
    assert loc["image"]["orientation"] == orientation
    expected = [
        [c * scale for c in stored_point(u, v, w, h, orientation)]
        for u, v in LABELS["scan-0000-front"]["corners"]
    ]
    assert all(_near(a, b, 30 * scale) for a, b in zip(loc["card"], expected, strict=True))
    assert loc["rotation"] == (270 if orientation == 6 else 0)  # stored turned 90° anticlockwise


# -- warnings: each on an image with and one without the defect --------------------------
def _warnings(processor: Any, frame: np.ndarray) -> dict[str, Any]:
    result = _ask(processor, defects.jpeg(frame), "warnings")
    assert result["code"] != "201", "the card must be found for its warnings to be judged"
    warnings: dict[str, Any] = result["data"]["warnings"]
    for w in warnings.values():
        assert isinstance(w["value"], bool) and 0.0 <= w["score"] <= 1.0
    return warnings


def _raised(warnings: dict[str, Any]) -> set[str]:
    return {name for name, w in warnings.items() if w["value"]}


def _front(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    return defects.card_on_desk(defects.identity(seed), "front", seed)


def _back(seed: int = 2, end: dt.date | None = dt.date(2040, 1, 1)) -> tuple[np.ndarray, Any]:
    start = dt.date(2015, 3, 1) if end is None else end.replace(year=end.year - 10)
    ident = defects.with_validity(defects.identity(seed), start, end)
    return defects.card_on_desk(ident, "back", seed)


@pytest.mark.e2e
def test_no_warning_on_clean_cards(processor: Any) -> None:
    assert _raised(_warnings(processor, _front()[0])) == set()
    back = _warnings(processor, _back()[0])
    assert _raised(back) == set()
    assert (back["expired"]["value"], back["expired"]["score"]) == (False, 0.0)


@pytest.mark.e2e
def test_blur(processor: Any) -> None:
    frame, _ = _front()
    assert _raised(_warnings(processor, defects.blur(frame, 1.2))) == set()
    warnings = _warnings(processor, defects.blur(frame, 3.0))
    assert _raised(warnings) == {"blur"}


@pytest.mark.e2e
def test_glare_over_a_field(processor: Any) -> None:
    frame, corners = _front()
    warnings = _warnings(processor, defects.glare(frame, corners, 0.25, 0.17, 0.1))
    assert "glare" in _raised(warnings)
    assert "name" in warnings["glare"]["fields"]
    # the same reflection on the portrait, over no field
    assert "glare" not in _raised(
        _warnings(processor, defects.glare(frame, corners, 0.8, 0.3, 0.07))
    )
    back, back_corners = _back()
    warnings = _warnings(processor, defects.glare(back, back_corners, 0.6, 0.71, 0.1))
    assert "glare" in _raised(warnings)
    assert "issued_by" in warnings["glare"]["fields"]


@pytest.mark.e2e
def test_border_incomplete(processor: Any) -> None:
    frame, corners = _front()
    for side in ("left", "right"):
        assert "border_incomplete" in _raised(
            _warnings(processor, defects.cut(frame, corners, side, 0.12))
        ), side
    # a card flush with the frame (a tight scan) is complete
    m = defects.MARGIN - 1
    assert "border_incomplete" not in _raised(_warnings(processor, frame[m:-m, m:-m]))


@pytest.mark.e2e
def test_black_and_white_copy(processor: Any) -> None:
    frame, _ = _back()
    assert _raised(_warnings(processor, defects.grayscale(frame))) == {"black_and_white"}


@pytest.mark.e2e
def test_expired(processor: Any) -> None:
    warnings = _warnings(processor, _back(end=dt.date(2025, 3, 1))[0])
    assert _raised(warnings) == {"expired"}
    assert warnings["expired"]["until"] == "2025.03.01"
    assert warnings["expired"]["score"] > 0.9
    assert "expired" not in _raised(_warnings(processor, _back(end=None)[0]))  # 长期


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("what", "warning"),
    [
        ("check", "id_check_char"),
        ("birth", "id_birth_mismatch"),
        ("gender", "id_gender_mismatch"),
        ("region", "id_region_unknown"),
    ],
)
def test_id_number_inconsistencies(processor: Any, what: str, warning: str) -> None:
    ident = defects.identity(1)
    frame, _ = defects.card_on_desk(defects.inconsistent(ident, what), "front", 1)
    warnings = _warnings(processor, frame)
    assert _raised(warnings) == {warning}
    assert warnings[warning]["score"] > 0.8


def test_defects_helpers_leave_the_clean_card_alone() -> None:
    frame, corners = _front()
    assert frame.shape == (card_height(1000) + 2 * defects.MARGIN, 1160, 3)
    assert corners[0].tolist() == [defects.MARGIN, defects.MARGIN]
    gray = defects.grayscale(frame)
    assert np.ptp(gray.astype(int), axis=2).max() == 0
    assert defects.cut(frame, corners, "right", 0.1).shape[1] == 80 + 900
