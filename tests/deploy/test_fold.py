"""model_export.fold: the rewrites are exact on small graphs, and the served det/rec models are
their shipped sources folded, reproducibly (``make models`` rebuilds them to the manifest's
sha256)."""

from __future__ import annotations

import collections
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from model_export.fetch import fetch
from model_export.fold import fold, fold_model, rebuild
from processor.ocr.models import read_manifest, sha256_of

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
RNG_SEED = 7


def _const(name: str, value: np.ndarray | float) -> onnx.NodeProto:
    array = np.asarray(value, np.float32).reshape(np.shape(value) or (1,))
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array, name))


def _lcnet_block(pads: tuple[int, int, int, int], consumer: str) -> onnx.ModelProto:
    """x -> Conv -> affine -> hard-swish (4 ops, as paddle2onnx writes it) -> affine -> ``consumer``
    (a Conv with ``pads``, or a Relu, which the last affine must not be folded into)."""
    rng = np.random.default_rng(RNG_SEED)
    inits = [
        numpy_helper.from_array(rng.normal(size=(6, 4, 3, 3)).astype(np.float32), "w1"),
        numpy_helper.from_array(rng.normal(size=6).astype(np.float32), "b1"),
        numpy_helper.from_array(rng.normal(size=(5, 6, 3, 3)).astype(np.float32), "w2"),
        numpy_helper.from_array(rng.normal(size=5).astype(np.float32), "b2"),
    ]
    nodes = [
        *(_const(n, v) for n, v in [("a", 1.7), ("b", 0.4), ("three", 3.0), ("six", 6.0)]),
        *(_const(n, v) for n, v in [("c", 0.3), ("d", -0.2)]),
        helper.make_node(
            "Constant", [], ["lo"], value=numpy_helper.from_array(np.array(0, np.float32))
        ),
        helper.make_node(
            "Constant", [], ["hi"], value=numpy_helper.from_array(np.array(6, np.float32))
        ),
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["a", "c1"], ["m1"]),
        helper.make_node("Add", ["m1", "b"], ["t"]),
        helper.make_node("Add", ["t", "three"], ["t3"]),
        helper.make_node("Clip", ["t3", "lo", "hi"], ["clip"]),
        helper.make_node("Mul", ["t", "clip"], ["tc"]),
        helper.make_node("Div", ["tc", "six"], ["hs"]),
        helper.make_node("Mul", ["c", "hs"], ["m2"]),
        helper.make_node("Add", ["m2", "d"], ["h"]),
    ]
    if consumer == "conv":
        nodes.append(helper.make_node("Conv", ["h", "w2", "b2"], ["y"], pads=list(pads)))
    else:
        nodes.append(helper.make_node("Relu", ["h"], ["y"]))
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, None, None, None])
    graph = helper.make_graph(
        nodes,
        "lcnet_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 9, 11])],
        [out],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def _ops(model: onnx.ModelProto) -> collections.Counter[str]:
    return collections.Counter(n.op_type for n in model.graph.node if n.op_type != "Constant")


@pytest.mark.parametrize(
    ("pads", "consumer", "folded_into_conv", "adds_left"),
    [
        ((0, 0, 0, 0), "conv", 1, 0),  # unpadded: the shift goes into the bias
        ((1, 1, 1, 1), "conv", 1, 1),  # padded: the shift stays as one Add in front
        ((0, 1, 0, 1), "conv", 1, 1),  # padded on one side only
        ((0, 0, 0, 0), "relu", 0, 1),  # not a conv: the affine stays (Mul + Add)
    ],
)
def test_fold_is_exact_on_an_lcnet_block(
    pads: tuple[int, int, int, int], consumer: str, folded_into_conv: int, adds_left: int
) -> None:
    model = _lcnet_block(pads, consumer)
    folded, stats = fold_model(model)
    x = np.random.default_rng(1).normal(scale=2.0, size=(1, 4, 9, 11)).astype(np.float32)
    want, got = _run(model, x), _run(folded, x)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
    assert (stats.conv_affine, stats.hard_swish, stats.affine_into_conv) == (
        2,
        1,
        folded_into_conv,
    )
    ops = _ops(folded)
    assert "Div" not in ops and "Clip" not in ops and ops["HardSigmoid"] == 1
    assert ops["Add"] == adds_left
    assert ops["Mul"] == 1 + (0 if folded_into_conv else 1)  # x * hsig(x) (+ the kept scale)
    assert folded.opset_import[0].version == 12
    assert _ops(model)["Conv"] == ops["Conv"]


def _v5_block() -> onnx.ModelProto:
    """PP-OCRv5's export of the same block: the conv's bias as a per-channel Add, an Identity
    after every op, the native HardSwish, then the activation affine and a 1x1 conv."""
    rng = np.random.default_rng(RNG_SEED)
    inits = [
        numpy_helper.from_array(rng.normal(size=(6, 4, 3, 3)).astype(np.float32), "w1"),
        numpy_helper.from_array(rng.normal(size=(1, 6, 1, 1)).astype(np.float32), "b1"),
        numpy_helper.from_array(rng.normal(size=(5, 6, 1, 1)).astype(np.float32), "w2"),
        numpy_helper.from_array(rng.normal(size=(1, 5, 1, 1)).astype(np.float32), "b2"),
        *(numpy_helper.from_array(np.array([v], np.float32), n) for n, v in _V5_SCALARS),
    ]
    chain: list[tuple[str, list[str], dict[str, Any]]] = [
        ("Conv", ["x", "w1"], {"pads": [1, 1, 1, 1]}),
        ("Add", ["b1"], {}),
        ("Mul", ["a"], {}),
        ("Add", ["b"], {}),
        ("HardSwish", [], {}),
        ("Mul", ["c"], {}),
        ("Add", ["d"], {}),
        ("Conv", ["w2"], {}),
        ("Add", ["b2"], {}),
    ]
    nodes: list[onnx.NodeProto] = []
    last = ""
    for k, (op, operands, attrs) in enumerate(chain):
        inputs = operands if op == "Conv" and k == 0 else [last, *operands]
        if op == "Mul":
            inputs = inputs[::-1]  # paddle2onnx writes the scalar first
        nodes.append(helper.make_node(op, inputs, [f"t{k}"], **attrs))
        last = f"t{k}"
        if k < len(chain) - 1:
            nodes.append(helper.make_node("Identity", [last], [f"i{k}"]))
            last = f"i{k}"
    nodes.append(helper.make_node("Identity", [last], ["y"]))
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, None, None, None])
    graph = helper.make_graph(
        nodes,
        "v5_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 9, 11])],
        [out],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


_V5_SCALARS = (("a", 0.6), ("b", 0.2), ("c", 0.05), ("d", -0.3))


def test_fold_is_exact_on_a_v5_block() -> None:
    model = _v5_block()
    folded, stats = fold_model(model)
    x = np.random.default_rng(1).normal(scale=2.0, size=(1, 4, 9, 11)).astype(np.float32)
    np.testing.assert_allclose(_run(folded, x), _run(model, x), rtol=1e-5, atol=1e-4)
    # every Identity but the one writing the graph output; both bias adds; the conv affine;
    # the activation affine into the unpadded 1x1 conv
    assert (stats.identity, stats.conv_bias, stats.conv_affine, stats.affine_into_conv) == (
        8,
        2,
        2,
        1,
    )
    assert _ops(folded) == collections.Counter({"Conv": 2, "HardSwish": 1, "Identity": 1})


def test_fold_leaves_a_graph_without_the_pattern_alone() -> None:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "plain", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])
    folded, stats = fold_model(model)
    assert (stats.conv_affine, stats.hard_swish, stats.affine_into_conv) == (0, 0, 0)
    assert folded.SerializeToString() == model.SerializeToString()


def _models_or_skip() -> dict[str, object]:
    entries = read_manifest(MODELS)
    if not all((MODELS / e.file).is_file() for e in entries.values()):
        pytest.skip("models not fetched (make models)")
    return dict(entries)


@pytest.mark.e2e
@pytest.mark.parametrize(("name", "kind"), [("det", "det"), ("rec", "rec"), ("rec_v5", "rec")])
def test_served_model_is_its_source_folded(name: str, kind: str, tmp_path: Path) -> None:
    _models_or_skip()
    entries = read_manifest(MODELS)
    served, source = entries[name], entries[f"{name}_source"]
    assert served.folded_from == source.name
    for entry in (served, source):
        shutil.copy(MODELS / entry.file, tmp_path / entry.file)
    shutil.copy(MODELS / "manifest.json", tmp_path / "manifest.json")
    (tmp_path / served.file).unlink()
    # reproducible: folding the source again gives the manifest's bytes
    assert sha256_of(rebuild(tmp_path, name, source.name)) == served.sha256
    # and it computes what the source computes
    result = fold(MODELS / source.file, kind, tmp_path / "again.onnx", samples=3, manifest=False)
    assert result.parity.max_abs_diff <= 1e-3 and result.parity.agreement >= 0.999
    session = ort.InferenceSession(str(MODELS / served.file))
    if kind == "rec":
        source_meta = ort.InferenceSession(str(MODELS / source.file)).get_modelmeta()
        assert (
            session.get_modelmeta().custom_metadata_map["character"]
            == source_meta.custom_metadata_map["character"]
        )


@pytest.mark.e2e
def test_fetch_rebuilds_a_missing_folded_model_and_checks_it(tmp_path: Path) -> None:
    _models_or_skip()
    for entry in read_manifest(MODELS).values():
        shutil.copy(MODELS / entry.file, tmp_path / entry.file)
    shutil.copy(MODELS / "manifest.json", tmp_path / "manifest.json")
    served = read_manifest(tmp_path)["det"]
    (tmp_path / served.file).unlink()
    assert fetch(tmp_path, tmp_path / "wheels") == [tmp_path / served.file]
    assert sha256_of(tmp_path / served.file) == served.sha256
    assert not (tmp_path / "wheels").exists()  # the source was there: nothing downloaded
    # a fold that does not give the manifest's bytes is refused and removed
    raw = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    raw["models"]["det"]["sha256"] = "0" * 64
    (tmp_path / "manifest.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(SystemExit, match="folded from"):
        fetch(tmp_path, tmp_path / "wheels")
    assert not (tmp_path / served.file).exists()
