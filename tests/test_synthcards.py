"""Tests for the synthetic ID card generator (synthcards)."""

from __future__ import annotations

import base64
import colorsys
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    bilingual,
    card_height,
    fonts,
    iter_samples,
    make_identity,
    make_sample,
    render_card,
    render_card_rgba,
    wrap_address,
)
from synthcards.__main__ import main as cli_main
from synthcards.card import Pen, pick_face, render_styled, wrap_by_width
from synthcards.cases import CASES, write_cases
from synthcards.divisions import Place, authority, divisions
from synthcards.people import draw_person, em_width, gb2312_level2, has_rare, is_rare
from synthcards.regions import REGIONS
from synthcards.render import FONT_FILES
from synthcards.scenes import CLASSIC_SCENES, golden_samples
from synthcards.styles import FAMILIES, family_faces, family_generators, sample_style

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
REGION_CODES = {r.code for r in REGIONS}
DATE_RE = r"\d{4}\.\d{2}\.\d{2}"
CLASSIC_SCAN_0_SHA256 = "afd6d6477d10b7ccdbd5c09d0e03505a6df8465e6f4a4769eaa73b15a03b19b5"


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
    "scan": (300, 1400),  # web images from 300 px, tight crops, flatbed scans
    "photo": (1000, 4000),
    "hard": (1000, 2000),
    "negative": (800, 2000),
    "rare": (450, 1400),
}


@pytest.mark.parametrize("scene", SCENES)
@pytest.mark.parametrize("index", [0, 1, 2])
def test_scene_sample(scene: str, index: int) -> None:
    sample = make_sample(scene, index, seed=3)
    img = _decode(sample)
    h, w = img.shape[:2]
    lo, hi = _SIZE[scene]
    if scene in ("scan", "rare"):
        assert lo <= w <= hi + 4 and w > h
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
    side = "front" if index % 2 == 0 or scene == "rare" else "back"
    assert sample.side == side
    assert sample.name == f"{scene}-{index:04d}-{side}"
    assert sample.expected_code == "200"
    assert sample.expected["type"] == side
    keys = {"name", "id_no"} if side == "front" else {"issued_by", "valid_date"}
    assert keys <= set(sample.expected)
    assert sample.corners is not None and len(sample.corners) == 4
    for x, y in sample.corners:  # a tight crop may cut up to 2 px off the card
        assert -2.5 <= x <= w + 2.5 and -2.5 <= y <= h + 2.5
    quad = np.array(sample.corners)
    top = float(np.linalg.norm(quad[1] - quad[0]))
    left = float(np.linalg.norm(quad[3] - quad[0]))
    assert top > left * 1.1  # the card's own top edge is its long edge
    if scene == "scan":
        assert top > 0.6 * w  # photocopies leave up to 30% margins
    assert top >= 290


@pytest.mark.parametrize("style", ["tuned", "heldout"])
@pytest.mark.parametrize("scene", SCENES)
def test_make_sample_is_deterministic(scene: str, style: str) -> None:
    a = make_sample(scene, 5, seed=11, style=style)
    b = make_sample(scene, 5, seed=11, style=style)
    assert a.image == b.image
    assert a.label() == b.label()
    c = make_sample(scene, 5, seed=12, style=style)
    assert c.image != a.image
    if scene != "negative":
        assert a.meta["family"] == style
        other = make_sample(scene, 5, seed=11, style="heldout" if style == "tuned" else "tuned")
        assert other.image != a.image


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
    assert scenes == set(CLASSIC_SCENES)


# --- the classic style stays byte-identical ------------------------------------------------


@pytest.mark.skipif(not (GOLDEN / "labels.json").exists(), reason="golden set not generated")
def test_golden_samples_reproduce_the_committed_files() -> None:
    """``make golden`` draws the classic style: the committed set is reproduced, to the
    rounding of OpenCV's SIMD paths (which differ by CPU: a grey level on a few pixels)."""
    labels = {lab["name"]: lab for lab in json.loads((GOLDEN / "labels.json").read_text("utf-8"))}
    samples = golden_samples()
    assert [s.name for s in samples] == list(labels)
    for sample in samples[:2] + samples[-2:]:  # a scan PNG, a scan JPEG, two negatives
        committed = (GOLDEN / labels[sample.name]["file"]).read_bytes()
        if sample.image == committed:
            continue
        drawn = cv2.imdecode(np.frombuffer(sample.image, np.uint8), cv2.IMREAD_COLOR)
        kept = cv2.imdecode(np.frombuffer(committed, np.uint8), cv2.IMREAD_COLOR)
        assert drawn is not None and kept is not None, sample.name
        assert drawn.shape == kept.shape, sample.name
        diff = np.abs(drawn.astype(np.int16) - kept.astype(np.int16))
        assert diff.max() <= 1 and (diff > 0).mean() < 1e-3, sample.name


def test_classic_style_is_the_first_renderer() -> None:
    # sha256 of make_sample("scan", 0, 0) before the style families existed (commit 5d50ab8)
    digest = hashlib.sha256(make_sample("scan", 0, 0, style="classic").image).hexdigest()
    assert digest == CLASSIC_SCAN_0_SHA256
    with pytest.raises(ValueError, match="classic style has no"):
        make_sample("rare", 0, 0, style="classic")
    with pytest.raises(ValueError, match="unknown style"):
        make_sample("scan", 0, 0, style="fancy")


# --- fonts -----------------------------------------------------------------------------------


def test_every_face_file_exists_and_make_fonts_installs_its_package() -> None:
    for face in fonts.FACES.values():
        assert Path(face.path).is_file(), face.path
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^FONT_PACKAGES := ((?:.*\\\n)*.*)$", makefile, re.M)
    assert match is not None
    listed = set(match.group(1).replace("\\\n", " ").split())
    assert listed == set(fonts.packages())


def test_cmap_reader_knows_what_each_face_can_draw() -> None:
    assert fonts.covers("noto_sans", "淅颍埇溆垅陉仫·0123456789X-")
    assert fonts.covers("ocrb", "110101199003074512X") and not fonts.covers("ocrb", "中")
    # Droid Sans Fallback has no Latin digits (held-out chains add DejaVu Sans for them)
    assert fonts.missing("droid", "1990年X") == "019X"
    assert fonts.missing("gbsn", "埇桥区淅川") == "埇"  # AR PL SungtiL GB is GB2312 only
    assert fonts.covers("noto_naskh", "ئىسمى") and fonts.covers("noto_tibetan", "མིང")
    assert fonts.covers("wqy_microhei", "성명") and not fonts.covers("droid", "성명")
    assert pick_face(("droid", "dejavu_latin"), "7") == "dejavu_latin"
    assert pick_face(("droid", "dejavu_latin"), "淅") == "droid"


# --- the style families ------------------------------------------------------------------


def _paths(keys: frozenset[str]) -> set[str]:
    return {fonts.FACES[k].path for k in keys}


def test_held_out_family_shares_no_font_file_or_generator_with_the_tuned_side() -> None:
    tuned, held = family_faces("tuned"), family_faces("heldout")
    assert tuned and held and not tuned & held
    assert not _paths(tuned) & _paths(held)
    classic_files = {path for path, _ in FONT_FILES.values()}
    assert not classic_files & _paths(held)  # classic counts as tuned
    assert classic_files <= _paths(tuned)
    assert not family_generators("tuned") & family_generators("heldout")
    assert family_generators("heldout") == {
        "contour", "spiral", "mesh", "towers", "flat", "blob", "seal", "hershey"
    }  # fmt: skip


@pytest.mark.parametrize("family", FAMILIES)
def test_sampled_styles_stay_inside_their_family(family: str) -> None:
    faces, gens = family_faces(family), family_generators(family)
    rng = np.random.default_rng(3)
    for i in range(60):
        side = ("front", "back")[i % 2]
        st = sample_style(rng, family, side, script=bilingual.SCRIPTS[i % 6])
        used = set(st.faces.value + st.faces.name + st.faces.label + st.faces.title)
        used |= set(st.faces.number + st.faces.overlay)
        if st.faces.minority is not None:
            used.add(st.faces.minority)
        assert used <= faces
        art = {st.art.background, st.art.wall, st.art.emblem, st.art.portrait, st.art.stamp}
        assert art | ({st.art.hologram} - {None}) <= gens
        h, s_, v = colorsys.rgb_to_hsv(*(c / 255 for c in st.palette.label))
        lo_hi = {"tuned": [(200, 215)], "heldout": [(186, 199), (216, 228)]}[family]
        assert any(lo - 0.6 <= h * 360 <= hi + 0.6 for lo, hi in lo_hi), st.palette.label
        assert s_ >= 0.5 and v >= 0.5  # blue labels, never grey
        if family == "heldout" and bilingual.SCRIPTS[i % 6] in ("mongolian", "yi"):
            assert st.script is None  # no held-out face for these scripts


def _render(seed: int, family: str, side: str, script: str | None = None) -> tuple[Any, Any]:
    rng = np.random.default_rng([seed, 77])
    person = draw_person(rng, province="广西壮族自治区" if script == "zhuang" else None)
    st = sample_style(rng, family, side, script=script)
    return person.identity, render_styled(person.identity, st, width=900, rng=rng)


def _overlap(a: tuple[float, ...], b: tuple[float, ...], tol: float = 1.0) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("seed", range(12))
def test_labels_say_what_is_drawn(family: str, seed: int) -> None:
    for side in ("front", "back"):
        ident, card = _render(seed, family, side)
        h, w = card.bgra.shape[:2]
        if side == "front":
            for f in ("name", "gender", "race", "address", "id_no"):
                assert card.field_text(f) == getattr(ident, f), f
            b = ident.birth
            drawn = [card.field_text(f"birth:{k}") for k in ("year", "month", "day")]
            assert drawn == [str(b.year), str(b.month), str(b.day)]
            lines = card.boxes("address")
            assert 1 <= len(lines) <= 3
        else:
            assert card.field_text("issued_by") == ident.issued_by
            assert card.field_text("valid_date") == ident.valid_date
            assert card.field_text("title:country") == "中华人民共和国"
            assert card.field_text("title:card") == "居民身份证"
        chinese = [t for t in card.texts if not t.role.startswith("minority")]
        for t in card.texts:
            x0, y0, x1, y1 = t.box
            assert -2 <= x0 < x1 <= w + 2 and -2 <= y0 < y1 <= h + 2, (t.role, t.box)
            for ch in t.text.replace(" ", ""):  # never a missing glyph
                assert any(fonts.covers(k, ch) for k in t.faces), (t.role, ch, t.faces)
            assert set(t.faces) <= family_faces(family)
        for i, a in enumerate(chinese):
            for b in chinese[i + 1 :]:
                assert not _overlap(a.box, b.box), (a.role, a.text, b.role, b.text)
        if side == "front":
            assert card.portrait is not None
            for t in card.texts:  # the photo is drawn over its box: no text may be there
                assert not _overlap(t.box, card.portrait), (t.role, t.text)


@pytest.mark.parametrize("family", FAMILIES)
def test_a_long_name_is_set_tighter_not_into_the_photo(family: str) -> None:
    rng = np.random.default_rng(9)
    person = draw_person(rng)
    ident = dataclasses.replace(person.identity, name="阿不都热合曼·买买提", race="维吾尔")
    for seed in range(6):
        r = np.random.default_rng(seed)
        st = sample_style(r, family, "front")
        card = render_styled(ident, st, width=800, rng=r)
        assert card.field_text("name") == "阿不都热合曼·买买提"
        assert card.portrait is not None
        assert card.boxes("name")[0][2] < card.portrait[0]
        assert card.boxes("race")[0][2] < card.portrait[0]


@pytest.mark.parametrize("family", FAMILIES)
def test_address_wraps_by_width_left_of_the_portrait(family: str) -> None:
    for seed in range(8):
        ident, card = _render(100 + seed, family, "front")
        lines = [t for t in card.texts if t.role == "address"]
        assert "".join(t.text for t in lines) == ident.address
        assert len({round(t.box[0]) for t in lines}) == 1  # one left edge
        right = max(t.box[2] for t in lines)
        number_top = card.boxes("id_no")[0][1]
        assert max(t.box[3] for t in lines) < number_top
        label_right = max(t.box[2] for t in card.texts if t.role == "label:address")
        assert lines[0].box[0] > label_right
        assert right < 0.7 * card.bgra.shape[1]  # the portrait starts at 0.60 W or later


def test_bilingual_zhuang_card_has_a_line_above_every_label() -> None:
    ident, card = _render(5, "tuned", "front", script="zhuang")
    assert card.style.script == "zhuang"
    for field in ("name", "gender", "race", "birth", "address", "id_no"):
        label = card.boxes(f"label:{field}")[0]
        above = card.boxes(f"minority:label:{field}")
        assert above, field
        assert above[0][3] <= label[1] + 2  # above the Chinese label
    chinese = [t for t in card.texts if not t.role.startswith("minority")]
    minority = [t for t in card.texts if t.role.startswith("minority")]
    for m in minority:
        assert all(not _overlap(m.box, c.box, tol=2.0) for c in chinese), (m.role, m.text)
    assert card.field_text("name") == ident.name


# --- places and people -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (Place("411326", "河南省", "南阳市", "淅川县"), "淅川县公安局"),
        (Place("320102", "江苏省", "南京市", "玄武区"), "南京市公安局玄武分局"),
        (Place("310115", "上海市", "", "浦东新区"), "上海市公安局浦东分局"),
        (Place("110105", "北京市", "", "朝阳区"), "北京市公安局朝阳分局"),
        (Place("441900", "广东省", "东莞市", ""), "东莞市公安局"),
        (Place("130107", "河北省", "石家庄市", "井陉矿区"), "石家庄市公安局井陉矿区分局"),
        (Place("429021", "湖北省", "", "神农架林区"), "神农架林区公安局"),
        (Place("330381", "浙江省", "温州市", "瑞安市"), "瑞安市公安局"),
    ],
)
def test_issuing_authority_rules(place: Place, expected: str) -> None:
    assert authority(place) == expected


def test_division_table_covers_every_county_and_only_the_mainland() -> None:
    d = divisions()
    codes = {p.code: p for p in d.places}
    assert len(codes) > 2800
    known = {
        "411326": "淅川县",
        "341204": "颍泉区",
        "341302": "埇桥区",
        "431224": "溆浦县",
        "130121": "井陉县",
        "451225": "罗城仫佬族自治县",
    }
    for code, county in known.items():
        assert codes[code].county == county
    assert codes["441900"].text == "广东省东莞市"
    assert not [c for c in codes if c.startswith(("71", "81", "82"))]
    assert all(authority(p).endswith(("公安局", "分局")) for p in d.places)
    assert d.historical_codes and not set(d.historical_codes) & set(codes)


def test_authorities_agree_with_the_readers_place_table() -> None:
    """The renderer's authorities (its own rules) against processor.places (the reader's,
    written separately): an error in either shows up here instead of hiding in both."""
    from processor.places import authority_known

    unknown = {authority(p) for p in divisions().places if not authority_known(authority(p))}
    # 清新区: the renderer drops 区 (清新分局), the reader's table keeps it (清新区分局)
    assert unknown <= {"清远市公安局清新分局"}


def test_rare_characters() -> None:
    assert len(gb2312_level2()) == 3008
    assert is_rare("淅") and is_rare("颍") and is_rare("埇") and is_rare("昶")
    assert not is_rare("浙") and not is_rare("颖") and not is_rare("张") and not is_rare("1")
    assert has_rare("河南省南阳市淅川县") and not has_rare("河南省南阳市")


def test_people_are_consistent_and_print_real_address_conventions() -> None:
    rng = np.random.default_rng(2024)
    people = [draw_person(rng) for _ in range(600)]
    provinces = set()
    joined = ""
    for p in people:
        ident = p.identity
        assert check_char(ident.id_no[:17]) == ident.id_no[17]
        assert ident.id_no[6:14] == ident.birth.strftime("%Y%m%d")
        assert (int(ident.id_no[16]) % 2 == 1) == (ident.gender == "男")
        assert ident.race in ETHNICITIES
        assert em_width(ident.address) <= 34.0
        assert ident.address.startswith((p.place.province, p.place.prefecture))
        assert ident.issued_by == authority(p.place) or ident.issued_by.endswith("区分局")
        provinces.add(p.place.province)
        joined += ident.address + "\n"
    assert len(provinces) == 31
    for convention in ("-", "号楼", "单元", "室", "弄", "组", "村民委员会"):
        assert convention in joined, convention
    assert re.search(r"\d+-\d+-\d+", joined) and re.search(r"\d+-\d+号", joined)
    rare_share = sum(has_rare(p.identity.name + p.identity.address) for p in people) / 600
    assert 0.15 < rare_share < 0.5
    assert 0.02 < sum(p.area is not None for p in people) / 600 < 0.2


def test_rare_flag_is_honoured() -> None:
    rng = np.random.default_rng(5)
    for _ in range(40):
        p = draw_person(rng, rare=True)
        assert has_rare(p.identity.name + p.identity.address)
        q = draw_person(rng, rare=False)
        assert not has_rare(q.identity.name + q.identity.address)


def test_wrap_by_width_keeps_every_character() -> None:
    from PIL import Image

    pen = Pen(Image.new("RGB", (900, 570)))
    text = "广西壮族自治区河池市罗城仫佬族自治县东门镇凤凰村3-2-401"
    lines = wrap_by_width(text, pen, ("noto_sans",), size=30, spacing=0.05, max_w=330)
    assert "".join(lines) == text and len(lines) == 3
    assert all(pen.width(line, ("noto_sans",), 30, 0.05) <= 330 for line in lines)


# --- scenes of the randomised styles -------------------------------------------------------


def test_scan_scene_mixes_flatbed_tight_web_and_copies() -> None:
    kinds: dict[str, int] = {}
    for i in range(12):  # seed 21: all four kinds in the first 12
        s = make_sample("scan", i, seed=21)
        kind = str(s.meta["capture"])
        kinds[kind] = kinds.get(kind, 0) + 1
        img = _decode(s)
        h, w = img.shape[:2]
        assert s.corners is not None
        quad = np.array(s.corners)
        if kind in ("tight", "web"):  # the image is the card, cut or padded by <= 2 px
            assert np.abs(quad[0]).max() <= 2.5 * (w / 300 if kind == "web" else 1)
            assert abs(quad[2][0] - w) <= 3 and abs(quad[2][1] - h) <= 3
        if kind == "web":
            assert 300 <= w <= 520
        if kind == "copy":
            assert np.abs(img[..., 0].astype(int) - img[..., 2].astype(int)).max() <= 2  # grey
    assert set(kinds) == {"flatbed", "tight", "web", "copy"}


def test_photo_scene_has_phone_sized_frames() -> None:
    sample = make_sample("photo", 0, seed=0)  # index 0 of seed 0 is a phone frame
    assert sample.meta["phone"] is True
    img = _decode(sample)
    assert sorted(img.shape[:2]) == [3000, 4000]
    assert 3_000_000 <= len(sample.image) <= 5_000_000
    assert len(base64.b64encode(sample.image)) < 8 * 2**20  # inside the API's limit


def test_rare_scene_always_prints_a_rare_character() -> None:
    for i in range(6):
        s = make_sample("rare", i, seed=4, style="heldout" if i % 2 else "tuned")
        assert s.side == "front" and s.meta["rare"] is True
        assert has_rare(s.expected["name"] + s.expected["address"])


# --- failure-class cases -------------------------------------------------------------------


def test_cases_are_deterministic_small_and_labelled(tmp_path: Path) -> None:
    labels: list[dict[str, Any]] = write_cases(tmp_path)
    assert [lab["name"] for lab in labels] == [f"case-{k}" for k in CASES]
    by_name = {lab["name"]: lab for lab in labels}
    assert by_name["case-xichuan-back"]["expected"]["issued_by"] == "淅川县公安局"
    assert "39-13号3-2-401" in by_name["case-hyphen-address"]["expected"]["address"]
    assert by_name["case-zhuang-front"]["meta"]["bilingual"] == "zhuang"
    for lab in labels:
        data = (tmp_path / lab["file"]).read_bytes()
        assert len(data) < 250_000
        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert img is not None and lab["expected"]["type"] == lab["side"]
        assert lab["meta"]["family"] == "tuned"
    small = cv2.imdecode(
        np.frombuffer((tmp_path / "case-small-450.jpg").read_bytes(), np.uint8), cv2.IMREAD_COLOR
    )
    assert small is not None and small.shape[1] == 450
    assert CASES["hyphen-address"]().image == (tmp_path / "case-hyphen-address.jpg").read_bytes()
