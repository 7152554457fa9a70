"""model_export.evaluate and its parts: the line renderer (model_export.lines), the decoder
with field alphabets (model_export.decoding), batching, scoring and the detector check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from model_export.decoding import ALPHABETS, CtcDecoder, charset, traditional_fold
from model_export.evaluate import (
    REC_MODELS,
    Score,
    accuracy,
    batches,
    card_lanes,
    db_boxes,
    edit_distance,
    found,
    ink_lines,
    model_paths,
    normalise,
    parse_split,
    run_lanes,
)
from model_export.lines import (
    CLASSES,
    PLACES,
    RARE_NAME_CHARS,
    Place,
    degrade,
    gb2312_hanzi,
    make_line,
    make_sample,
    make_samples,
)
from processor.card.facts import ETHNICITIES
from processor.ocr.models import read_manifest
from processor.surnames import gb2312_level

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"


def _probs(path: list[str], classes: list[str], peak: float = 0.9) -> np.ndarray:
    """(T, classes): at each step ``path[t]`` (a class, "" = blank) gets ``peak``."""
    out = np.full((len(path), len(classes)), (1 - peak) / (len(classes) - 1), np.float32)
    for t, c in enumerate(path):
        out[t, classes.index(c)] = peak
    return out


# --- decoding --------------------------------------------------------------------------------


def test_greedy_ctc_collapses_repeats_and_drops_blanks() -> None:
    classes = charset("1\n2\nX\nO")
    assert classes == ["", "1", "2", "X", "O", " "]
    decoder = CtcDecoder(classes)
    path = ["1", "1", "", "1", "2", "2", "", "", "X", " "]
    assert decoder.decode(_probs(path, classes)).text == "112X "


def test_constrained_decoding_reads_the_best_allowed_class() -> None:
    classes = charset("0\n1\nO\nX\nx")
    decoder = CtcDecoder(classes)
    probs = _probs(["1", "O", "", "x"], classes, peak=0.6)
    probs[1, classes.index("0")] = 0.3  # the digit is the runner-up where O wins
    assert decoder.decode(probs).text == "1Ox"
    assert decoder.decode(probs, ALPHABETS["id_no"]).text == "10X"  # x read as the check X
    # a blank stays a blank: the constrained argmax never invents a character
    assert decoder.decode(_probs(["", "", ""], classes), ALPHABETS["id_no"]).text == ""


def test_nfkc_twins_count_as_one_character() -> None:
    classes = charset("3\n３\n8")
    decoder = CtcDecoder(classes)
    probs = np.zeros((1, len(classes)), np.float32)
    probs[0, classes.index("8")] = 0.4
    probs[0, classes.index("3")] = 0.3
    probs[0, classes.index("３")] = 0.3
    assert decoder.decode(probs).text == "3"  # 0.3 + 0.3 beats 0.4
    assert decoder.missing("0123") == "012"


def test_traditional_fold() -> None:
    ts = "# comment\n別\t别\n悅\t悦\n於\t于 於\n乾\t干 乾\n著\t着\n後\t后\n"
    st = "别\t別 彆\n于\t於 于\n着\t著\n後\t後\n"
    # 於 and 乾 are among their own candidates; 後 is a simplified character itself (ST key)
    assert traditional_fold(ts, st) == {"別": "别", "悅": "悦", "著": "着"}
    classes = charset("性\n别\n別\n女")
    probs = _probs(["性", "別", "女"], classes, peak=0.5)
    probs[1, classes.index("别")] = 0.3
    assert CtcDecoder(classes).decode(probs).text == "性別女"
    assert CtcDecoder(classes, {"別": "别"}).decode(probs).text == "性别女"


def test_alphabets() -> None:
    assert set(ALPHABETS["validity"]) == set("0123456789.-长期")
    assert set(ALPHABETS["birth"]) == set("0123456789年月日")
    assert "仫" in ALPHABETS["ethnicity"] and "佬" in ALPHABETS["ethnicity"]


# --- lines ---------------------------------------------------------------------------------------


def test_gb2312_levels() -> None:
    assert [gb2312_level(c) for c in "啊座亍齄淅颍陉垅仫埇A·"] == [
        1,
        1,
        2,
        2,
        2,
        2,
        2,
        2,
        2,
        0,
        0,
        0,
    ]
    assert len(gb2312_hanzi(1)) == 3755 and len(gb2312_hanzi(2)) == 3008
    assert len(RARE_NAME_CHARS) > 150
    assert all(gb2312_level(c) == 2 for c in RARE_NAME_CHARS)


def test_places_and_authorities() -> None:
    by_county = {p.county: p for p in PLACES}
    assert by_county["淅川县"].authority == "淅川县公安局"
    assert by_county["颍泉区"].authority == "阜阳市公安局颍泉分局"
    assert by_county["埇桥区"].authority == "宿州市公安局埇桥分局"
    assert by_county["綦江区"].authority == "重庆市公安局綦江分局"
    assert by_county["溆浦县"].address_prefix == "湖南省怀化市溆浦县"
    assert Place("河北省", "石家庄市", "井陉矿区").authority == "石家庄市公安局井陉矿区分局"
    assert len(PLACES) > 500 and len({p.county for p in PLACES}) == len(PLACES)


def test_lines_say_what_the_card_prints() -> None:
    rng = np.random.default_rng(5)
    ethnic = [make_line("ethnicity", rng, i).text for i in range(56)]
    assert ethnic == [f"民族{e}" for e in ETHNICITIES]
    birth = make_line("birth", np.random.default_rng(1), 0)
    assert [i.text for i in birth.items][1::2] == ["年", "月", "日"]
    assert birth.text[4] == "年" and birth.text.endswith("日") and " " not in birth.text
    ids = [make_line("id_no", np.random.default_rng(k), 0).text for k in range(20)]
    assert all(len(t) == 18 and t[:17].isdigit() for t in ids)
    validity = [make_line("validity", np.random.default_rng(k), 0).text for k in range(40)]
    assert any(t.endswith("长期") for t in validity)
    assert all(t[4] == "." and t[10] == "-" for t in validity)
    rare = [make_line("name_rare", np.random.default_rng(k), 0).text for k in range(60)]
    assert any("·" in t for t in rare)
    assert sum(any(gb2312_level(c) == 2 for c in t) for t in rare) >= 45


def test_samples_are_deterministic_and_cropped_as_the_processor() -> None:
    a, b = make_sample("id_no", 3, seed=11), make_sample("id_no", 3, seed=11)
    assert a.text == b.text and a.degradation == b.degradation
    np.testing.assert_array_equal(a.clean, b.clean)
    np.testing.assert_array_equal(a.degraded, b.degraded)
    assert a.clean.shape == a.degraded.shape
    wide = make_sample("id_no", 3, seed=11, squeeze=1.0)
    assert wide.text == a.text
    assert abs(a.clean.shape[1] / wide.clean.shape[1] - 0.7) < 0.01  # the digit squeeze
    h, w = wide.clean.shape[:2]
    assert 50 <= h <= 90 and 8 < w / h < 16  # 18 OCR-B digits, ~44 px text on a 1280 card
    samples = make_samples(5, seed=0)
    assert [s.cls for s in samples] == [c for c in CLASSES for _ in range(5)]
    kinds = [s.degradation.split("+")[0] for s in samples[:5]]
    assert kinds == ["blur", "jpeg", "noise", "contrast", "small"]


@pytest.mark.parametrize("kind", ["blur", "jpeg", "noise", "contrast", "small"])
def test_degradations_change_the_image(kind: str) -> None:
    image = make_sample("address", 0, seed=3).clean
    out = degrade(image, kind, np.random.default_rng(0))
    assert out.shape == image.shape and out.dtype == np.uint8
    assert float(np.abs(out.astype(np.int16) - image).mean()) > 1.0


# --- evaluation --------------------------------------------------------------------------------


def test_batches_as_the_processor() -> None:
    # sorted by width; closed at 8 crops or when a crop is more than 15% wider than the first
    widths = [100, 300, 110, 114, 116, 330, 345, 100, 100, 101, 102, 103, 104]
    assert batches(widths) == [[0, 7, 8, 9, 10, 11, 12, 2], [3, 4], [1, 5, 6]]


def test_scores() -> None:
    assert edit_distance("淅川县公安局", "浙川县公安局") == 1
    assert edit_distance("3-2-401", "32401") == 2
    assert edit_distance("", "abc") == 3
    score = Score().add("阜阳市", "阜阳市").add("颍上县", "颖上县").add("AB", "")
    assert score.as_dict() == {"n": 3, "exact": 0.3333, "cer": 0.375}
    assert normalise("１２ 3x", "id_no") == "123X"
    assert normalise("１２ 3x", "address") == "123x"
    assert normalise("木沙・艾山", "name_rare") == "木沙·艾山"  # U+30FB, as v6 small reads it


def test_found() -> None:
    line = (100.0, 50.0, 300.0, 80.0)
    assert found(line, [(95.0, 45.0, 200.0, 85.0), (195.0, 46.0, 305.0, 84.0)])
    assert not found(line, [(95.0, 45.0, 200.0, 85.0)])  # half the line
    assert not found(line, [(90.0, 40.0, 310.0, 140.0)])  # one box over two lines
    assert not found(line, [(90.0, 70.0, 310.0, 110.0)])  # the next line's box


def test_db_boxes_and_ink_lines_on_a_drawn_card() -> None:
    card = np.full((400, 640, 3), 235, np.uint8)
    card[100:130, 100:400] = 20  # a dark value line
    card[200:230, 40:120] = (190, 110, 30)  # a blue label (BGR)
    card[200:230, 150:300] = 30
    lines = ink_lines(card, "back")
    assert sorted((line.kind, tuple(int(v) for v in line.box)) for line in lines) == [
        ("label", (40, 200, 120, 230)),
        ("value", (100, 100, 400, 130)),
        ("value", (150, 200, 300, 230)),
    ]
    pred = np.zeros((400, 640), np.float32)
    pred[105:125, 110:390] = 0.9  # DB's shrunk text region
    (box,) = db_boxes(pred)
    assert found(lines[[line.box[1] for line in lines].index(100.0)].box, [box])


def test_model_paths() -> None:
    paths = model_paths(MODELS, ["v4", "v6_tiny"], REC_MODELS, [f"mine={MODELS / 'manifest.json'}"])
    entries = read_manifest(MODELS)
    assert paths == {
        "v4": MODELS / entries["rec"].file,
        "v6_tiny": MODELS / entries["rec_v6_tiny"].file,
        "mine": MODELS / "manifest.json",
    }
    with pytest.raises(SystemExit, match="no model"):
        model_paths(MODELS, ["v9"], REC_MODELS, [])


def _models_or_skip(*names: str) -> dict[str, Path]:
    paths = model_paths(MODELS, list(names), REC_MODELS, [])
    if not all(p.is_file() for p in paths.values()):
        pytest.skip("models not fetched (make models)")
    return paths


def test_accuracy_on_real_models() -> None:
    """Clean id numbers and validity periods are easy for every recogniser; a name with a
    character outside PP-OCRv4's dictionary (钤) is not read by v4 and is by v6 small."""
    models = _models_or_skip("v4", "v6_small")
    samples = make_samples(4, seed=0, classes=["id_no", "validity"])
    result = accuracy(samples, models, log=lambda _: None)
    for model in models:
        for cls in ("id_no", "validity"):
            assert result["scores"][model][cls]["clean"]["plain"]["exact"] == 1.0
            assert result["scores"][model][cls]["clean"]["constrained"]["exact"] == 1.0
    rare = next(s for i in range(40) if "钤" in (s := make_sample("name_rare", i, 0)).text)
    result = accuracy([rare], models, log=lambda _: None)
    assert result["scores"]["v4"]["name_rare"]["clean"]["plain"]["exact"] == 0.0
    assert result["scores"]["v6_small"]["name_rare"]["clean"]["plain"]["exact"] == 1.0


def test_cli_coverage(tmp_path: Path) -> None:
    _models_or_skip("v4", "v6_small")
    out = tmp_path / "cov.json"
    argv = [sys.executable, "-m", "model_export", "evaluate", "coverage", "--models", "v4,v6_small"]
    subprocess.run(
        [*argv, "--out", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=120
    )
    cov = json.loads(out.read_text(encoding="utf-8"))["coverage"]
    # v4 lacks 仫 (仫佬族) and 8 level-1 characters; v6 small only 硷 of level 1
    assert cov["v4"]["ethnicity_missing"] == "仫"
    assert cov["v4"]["gb2312_l1_missing"] == "毖恫刽豢耪誊檄诌"
    assert (
        cov["v6_small"]["gb2312_l1_missing"] == "硷" and cov["v6_small"]["ethnicity_missing"] == ""
    )
    assert (
        len(cov["v6_small"]["gb2312_l2_missing"]) == 60
        and "垅" in cov["v6_small"]["gb2312_l2_missing"]
    )


def _identity_session() -> ort.InferenceSession:
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 3, 48, None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 3, 48, None])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])


def test_card_lanes_batch_per_reader_and_deal_by_width() -> None:
    a, b = _identity_session(), _identity_session()
    crops = [np.zeros((48, w, 3), np.uint8) for w in (100, 110, 400, 420, 100)]
    lanes = card_lanes(crops, [a, a, b, b, b], 2)
    # b's two wide crops (cost 2 x 420) fill one lane; a's pair (2 x 110) and b's narrow one
    # the other
    assert [[(reader is a, blob.shape) for reader, blob in lane] for lane in lanes] == [
        [(False, (2, 3, 48, 420))],
        [(True, (2, 3, 48, 110)), (False, (1, 3, 48, 100))],
    ]
    run_lanes(lanes, None)  # the batches run as they are


def test_parse_split() -> None:
    split = parse_split("name,address=v6_small;id_no=v6_tiny", ["v4", "v6_small", "v6_tiny"])
    assert split == {"name": "v6_small", "address": "v6_small", "id_no": "v6_tiny"}
    with pytest.raises(SystemExit, match="names no measured model"):
        parse_split("name=v9", ["v4"])
    with pytest.raises(SystemExit, match="unknown class"):
        parse_split("surname=v4", ["v4"])
