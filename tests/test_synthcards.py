"""Tests for the synthetic ID card generator (synthcards)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from processor.card.facts import (
    ETHNICITIES,
    MIDDLE_DOT,
    add_years,
    check_char,
    format_date,
    validity_years,
)
from synthcards import (
    SCENES,
    Identity,
    Sample,
    card_height,
    iter_samples,
    make_identity,
    make_sample,
    render_card,
    render_card_rgba,
    wrap_address,
)
from synthcards.__main__ import main as cli_main
from synthcards.regions import REGIONS

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
REGION_CODES = {r.code for r in REGIONS}
DATE_RE = r"\d{4}\.\d{2}\.\d{2}"


def _identities(seed: int, n: int = 300) -> list[Identity]:
    rng = np.random.default_rng(seed)
    return [make_identity(rng) for _ in range(n)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_identity_id_number_is_consistent(seed: int) -> None:
    for ident in _identities(seed):
        no = ident.id_no
        assert len(no) == 18 and no[:17].isdigit()
        assert check_char(no[:17]) == no[17]
        assert no[:6] in REGION_CODES
        assert no[6:14] == ident.birth.strftime("%Y%m%d")
        assert (int(no[16]) % 2 == 1) == (ident.gender == "男")
        assert dt.date(1930, 1, 1) <= ident.birth <= dt.date(2015, 12, 31)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_identity_fields_are_plausible(seed: int) -> None:
    for ident in _identities(seed):
        assert ident.race in ETHNICITIES
        assert 2 <= len(ident.name) <= 10
        if MIDDLE_DOT in ident.name:
            assert not ident.name.startswith(MIDDLE_DOT) and not ident.name.endswith(MIDDLE_DOT)
        assert 12 <= len(ident.address) <= 33
        assert ident.issued_by.endswith(("公安局", "分局"))
        front = ident.front_fields()
        assert set(front) == {"name", "gender", "race", "birth", "address", "id_no"}
        assert re.fullmatch(DATE_RE, front["birth"])
        back = ident.back_fields()
        assert set(back) == {"issued_by", "valid_date"}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_valid_date_rules(seed: int) -> None:
    for ident in _identities(seed):
        assert ident.valid_from >= max(add_years(ident.birth, 1), dt.date(2005, 1, 1))
        assert ident.valid_from <= dt.date(2026, 6, 30)
        years = validity_years(ident.birth, ident.valid_from)
        valid_date = ident.back_fields()["valid_date"]
        if years is None:
            assert ident.valid_to is None
            assert valid_date == f"{format_date(ident.valid_from)}-长期"
        else:
            assert years in (5, 10, 20)
            assert ident.valid_to == add_years(ident.valid_from, years)
            assert re.fullmatch(f"{DATE_RE}-{DATE_RE}", valid_date)
            assert valid_date[5:10] == valid_date[16:21]  # same month and day


def test_population_mix() -> None:
    idents = _identities(7, 3000)
    x_share = sum(i.id_no.endswith("X") for i in idents) / len(idents)
    han_share = sum(i.race == "汉" for i in idents) / len(idents)
    dot_share = sum(MIDDLE_DOT in i.name for i in idents) / len(idents)
    assert 0.06 < x_share < 0.13
    assert 0.85 < han_share < 0.95
    assert 0.02 < dot_share < 0.09
    assert sum(i.valid_to is None for i in idents) > 0
    assert len({len(i.address_lines) for i in idents}) >= 2


@pytest.mark.parametrize(
    "address",
    ["北京市朝阳区建国路1号", "江苏省南京市玄武区创业路114号春江公寓17栋2单元2404室",
     "贵州省黔西南布依族苗族自治州兴义市人民路"],
)  # fmt: skip
def test_address_wraps_to_at_most_three_lines(address: str) -> None:
    lines = wrap_address(address)
    assert 1 <= len(lines) <= 3
    assert all(len(line) <= 11 for line in lines)
    assert "".join(lines) == address


@pytest.mark.parametrize("side", ["front", "back"])
@pytest.mark.parametrize("width", [856, 1712])
def test_render_card_shape(side: str, width: int) -> None:
    ident = make_identity(np.random.default_rng(5))
    img = render_card(ident, side, width=width)
    assert img.shape == (round(width * 54 / 85.6), width, 3) == (card_height(width), width, 3)
    assert img.dtype == np.uint8
    rgba = render_card_rgba(ident, side, width=width, rng=np.random.default_rng(1))
    assert rgba.shape[2] == 4
    assert rgba[0, 0, 3] == 0 and rgba[rgba.shape[0] // 2, rgba.shape[1] // 2, 3] == 255
    # Text is there: dark pixels in the value area.
    assert (img[..., :3].min(axis=2) < 80).mean() > 0.005


def test_render_card_nominal_is_deterministic() -> None:
    ident = make_identity(np.random.default_rng(9))
    a = render_card(ident, "front", width=900)
    b = render_card(ident, "front", width=900)
    assert np.array_equal(a, b)


def _decode(sample: Sample) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(sample.image, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None, sample.name
    return np.asarray(img)


_SIZE = {  # (min, max) of the image's long side
    "scan": (856, 1400),
    "photo": (1000, 4000),
    "hard": (1000, 2000),
    "negative": (800, 2000),
}


@pytest.mark.parametrize("scene", SCENES)
@pytest.mark.parametrize("index", [0, 1, 2])
def test_scene_sample(scene: str, index: int) -> None:
    sample = make_sample(scene, index, seed=3)
    img = _decode(sample)
    h, w = img.shape[:2]
    lo, hi = _SIZE[scene]
    if scene == "scan":
        assert lo <= w <= hi and w > h
        assert sample.ext in ("jpg", "png")
    else:
        assert lo <= max(w, h) <= hi
        assert sample.ext == "jpg"
    if scene == "negative":
        assert sample.expected_code == "201"
        assert sample.expected == {}
        assert sample.corners is None and sample.side is None
        assert sample.name == f"negative-{index:04d}"
        return
    side = "front" if index % 2 == 0 else "back"
    assert sample.side == side
    assert sample.name == f"{scene}-{index:04d}-{side}"
    assert sample.expected_code == "200"
    assert sample.expected["type"] == side
    keys = {"name", "id_no"} if side == "front" else {"issued_by", "valid_date"}
    assert keys <= set(sample.expected)
    assert sample.corners is not None and len(sample.corners) == 4
    for x, y in sample.corners:
        assert 0 <= x <= w and 0 <= y <= h
    quad = np.array(sample.corners)
    top = float(np.linalg.norm(quad[1] - quad[0]))
    left = float(np.linalg.norm(quad[3] - quad[0]))
    assert top > left * 1.1  # the card's own top edge is its long edge
    if scene == "scan":
        assert top > 0.9 * w
    assert top >= 300


@pytest.mark.parametrize("scene", SCENES)
def test_make_sample_is_deterministic(scene: str) -> None:
    a = make_sample(scene, 5, seed=11)
    b = make_sample(scene, 5, seed=11)
    assert a.image == b.image
    assert a.label() == b.label()
    c = make_sample(scene, 5, seed=12)
    assert c.image != a.image


def test_deterministic_across_processes() -> None:
    code = (
        "import hashlib; from synthcards import make_sample; "
        "print(hashlib.sha256(make_sample('photo', 3, 1).image).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    assert out.stdout.strip() == hashlib.sha256(make_sample("photo", 3, 1).image).hexdigest()


def test_iter_samples_alternates_sides() -> None:
    samples = list(iter_samples("scan", 3, seed=4))
    assert [s.side for s in samples] == ["front", "back", "front"]
    assert samples[1].image == make_sample("scan", 1, seed=4).image


def test_unknown_scene_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown scene"):
        make_sample("video", 0)


def test_cli_write(tmp_path: Path) -> None:
    assert cli_main(["write", str(tmp_path), "--scenes", "scan,negative", "--count", "2"]) == 0
    labels = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert [lab["name"] for lab in labels] == [
        "scan-0000-front", "scan-0001-back", "negative-0000", "negative-0001",
    ]  # fmt: skip
    for lab in labels:
        data = (tmp_path / lab["file"]).read_bytes()
        assert data == make_sample(lab["scene"], int(lab["name"].split("-")[1])).image
        assert set(lab) >= {"name", "scene", "side", "file", "expected_code", "expected",
                            "corners"}  # fmt: skip


@pytest.mark.skipif(not (GOLDEN / "labels.json").exists(), reason="golden set not generated")
def test_golden_set_is_consistent() -> None:
    labels = json.loads((GOLDEN / "labels.json").read_text(encoding="utf-8"))
    assert 10 <= len(labels) <= 30
    total = 0
    for lab in labels:
        path = GOLDEN / lab["file"]
        total += path.stat().st_size
        img = cv2.imread(str(path))
        assert img is not None
        assert max(img.shape[:2]) <= 1600
        if lab["expected_code"] == "200":
            assert lab["expected"]["type"] == lab["side"]
            h, w = img.shape[:2]
            assert all(0 <= x <= w and 0 <= y <= h for x, y in lab["corners"])
        else:
            assert lab["expected"] == {} and lab["corners"] is None
    assert total < 8_000_000
    scenes = {lab["scene"] for lab in labels}
    assert scenes == set(SCENES)
