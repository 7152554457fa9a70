"""model_export: the CLIs, the optimiser on the shipped models, the converter on a tiny model.

The converter test needs paddlepaddle + paddle2onnx + onnx (the ``export`` extra); it is skipped
without them and run by ``make test-export`` in its own virtualenv.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest

from processor.ocr.models import load_verified, read_manifest, sha256_of

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
HAS_ONNX = importlib.util.find_spec("onnx") is not None
HAS_PADDLE = all(importlib.util.find_spec(m) is not None for m in ("paddle", "paddle2onnx", "onnx"))


def _model(name: str) -> Path:
    entry = read_manifest(MODELS).get(name)
    if entry is None or not (MODELS / entry.file).is_file():
        pytest.skip("models not fetched (make models)")
    return MODELS / entry.file


@pytest.mark.parametrize(
    "command", ["", "fetch", "convert", "optimize", "fold", "dictionary", "package", "cardseg"]
)
def test_cli_help(command: str) -> None:
    argv = [sys.executable, "-m", "model_export", *([command] if command else []), "--help"]
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert "usage" in out.stdout.lower()


@pytest.mark.e2e
@pytest.mark.parametrize("kind", ["det", "rec"])
def test_optimize_shipped_model(kind: str, tmp_path: Path) -> None:
    from model_export.optimize import optimize

    source = _model(kind)
    result = optimize(source, kind, tmp_path / f"{kind}_opt.onnx", samples=3)
    assert result.parity.max_abs_diff <= 1e-3
    assert result.parity.agreement >= 0.999
    # the entry is what the processor verifies at load
    assert load_verified(tmp_path, kind) == result.path.read_bytes()
    entry = read_manifest(tmp_path)[kind]
    assert entry.file == f"{kind}_opt.onnx" and "onnxruntime extended" in entry.version
    meta = ort.InferenceSession(str(result.path)).get_modelmeta().custom_metadata_map
    if kind == "rec":
        original = ort.InferenceSession(str(source)).get_modelmeta().custom_metadata_map
        assert meta["character"] == original["character"]


@pytest.mark.e2e
@pytest.mark.skipif(not HAS_ONNX, reason="quantisation needs onnx (dev/export extra)")
def test_quantize_rec_dynamic_and_parity_gate(tmp_path: Path) -> None:
    from model_export.optimize import OptimizeError, optimize

    source = _model("rec")
    out = tmp_path / "rec_int8.onnx"
    result = optimize(source, "rec", out, mode="dynamic", samples=4, manifest=False)
    assert 0.9 <= result.parity.agreement <= 1.0
    assert "character" in ort.InferenceSession(str(out)).get_modelmeta().custom_metadata_map
    assert not (tmp_path / "manifest.json").exists()
    # a gate the int8 model cannot meet: nothing is written
    strict = tmp_path / "strict.onnx"
    with pytest.raises(OptimizeError, match="agreement"):
        optimize(source, "rec", strict, mode="dynamic", samples=4, min_agreement=1.0)
    assert not strict.exists() and not (tmp_path / "manifest.json").exists()


def _quantised_convs(path: Path) -> set[str]:
    """The Conv nodes of a QDQ model whose weights come through a DequantizeLinear."""
    onnx = importlib.import_module("onnx")
    graph = onnx.load(str(path)).graph
    dequantised = {o for n in graph.node if n.op_type == "DequantizeLinear" for o in n.output}
    return {n.name for n in graph.node if n.op_type == "Conv" and n.input[1] in dequantised}


@pytest.mark.e2e
@pytest.mark.skipif(not HAS_ONNX, reason="quantisation needs onnx (dev/export extra)")
def test_quantize_rec_static_pointwise_per_channel(tmp_path: Path) -> None:
    """The recipe of the served int8 recogniser, on fewer crops: only the backbone's pointwise
    convs (less the excluded) get int8 weights, one scale per output channel, and the model
    reads the pipeline's crops as the fp32 one does."""
    onnx = importlib.import_module("onnx")
    from model_export.optimize import optimize, pointwise_convs

    source = _model("rec")
    pointwise = pointwise_convs(onnx.load(str(source)))
    # PP-LCNetV3 (rec): 14 pointwise convs; not the stem, the depthwise, SE or neck ones
    assert len(pointwise) == 14 and "p2o.Conv.0" not in pointwise
    out = tmp_path / "rec_int8.onnx"
    result = optimize(
        source,
        "rec",
        out,
        mode="static",
        per_channel=True,
        convs="pointwise",
        exclude=["p2o.Conv.2"],
        calib_pipeline=MODELS,
        calib_samples=24,
        samples=24,
        manifest=False,
    )
    assert result.parity.agreement >= 0.97
    assert _quantised_convs(out) == set(pointwise) - {"p2o.Conv.2"}
    graph = onnx.load(str(out)).graph
    weights = {i.name: i for i in graph.initializer}
    scales = [
        weights[n.input[1]]
        for n in graph.node
        if n.op_type == "DequantizeLinear" and n.input[0] in weights and n.input[1] in weights
    ]
    assert scales and all(len(s.dims) == 1 and s.dims[0] > 1 for s in scales)  # per channel
    assert "character" in ort.InferenceSession(str(out)).get_modelmeta().custom_metadata_map


@pytest.mark.e2e
@pytest.mark.skipif(not HAS_ONNX, reason="quantisation needs onnx (dev/export extra)")
@pytest.mark.parametrize(("name", "count"), [("rec_v6_tiny", 18), ("rec_v6_small", 26)])
def test_pointwise_convs_of_the_v6_recognisers(name: str, count: int) -> None:
    """PP-OCRv6: the backbone runs past PP-HGNetV2's stem MaxPool (small) to its closing
    AveragePool; the squeeze-excitation convs (fed by a ReduceMean through an Identity, or by
    the Relu between the two) stay out."""
    onnx = importlib.import_module("onnx")
    from model_export.optimize import pointwise_convs

    model = onnx.load(str(_model(name)))
    found = pointwise_convs(model)
    assert len(found) == count
    producer = {o: n for n in model.graph.node for o in n.output}
    nodes = {n.name: n for n in model.graph.node}
    for conv in found:
        feeder = producer.get(nodes[conv].input[0])
        while feeder is not None and feeder.op_type == "Identity":
            feeder = producer.get(feeder.input[0])
        assert feeder is None or feeder.op_type not in ("ReduceMean", "Relu")
    order = [n.name for n in model.graph.node]
    pool = next(i for i, n in enumerate(model.graph.node) if n.op_type == "AveragePool")
    assert max(order.index(c) for c in found) < pool


@pytest.mark.skipif(not HAS_ONNX, reason="quantisation needs onnx (dev/export extra)")
def test_committed_v6_small_int8_follows_its_recipe() -> None:
    """models/PP-OCRv6_small_rec_int8.onnx (committed; `make quantize` remakes it): every
    pointwise conv of the v6 small backbone and nothing else has per-channel int8 weights, it
    keeps the dictionary, and mk/models.mk's recipe is the one its manifest entry names."""
    onnx = importlib.import_module("onnx")
    from model_export.optimize import pointwise_convs

    int8 = _model("rec_v6_small_int8")
    pointwise = set(pointwise_convs(onnx.load(str(_model("rec_v6_small")))))
    assert len(pointwise) == 26
    assert _quantised_convs(int8) == pointwise
    graph = onnx.load(str(int8)).graph
    weights = {i.name: i for i in graph.initializer}
    scales = [
        weights[n.input[1]]
        for n in graph.node
        if n.op_type == "DequantizeLinear" and n.input[0] in weights and n.input[1] in weights
    ]
    # a weight and a bias scale per quantised conv, one value per output channel
    assert len(scales) == 2 * 26 and all(len(s.dims) == 1 and s.dims[0] > 1 for s in scales)
    meta = ort.InferenceSession(str(int8)).get_modelmeta().custom_metadata_map
    fp32 = ort.InferenceSession(str(_model("rec_v6_small"))).get_modelmeta()
    assert meta["character"] == fp32.custom_metadata_map["character"]
    entry = read_manifest(MODELS)["rec_v6_small_int8"]
    assert "per-channel" in entry.version and "pointwise convs," in entry.version
    assert sha256_of(_model("rec_v6_small"))[:16] in entry.source
    recipe = (ROOT / "mk" / "deploy.mk").read_text("utf-8")
    assert "--out models/PP-OCRv6_small_rec_int8.onnx --name rec_v6_small_int8" in recipe
    assert "--convs pointwise --calib-pipeline models --calib-samples 120" in recipe


def _tiny_paddle_rec(directory: Path, classes: int) -> None:
    """A small CRNN-shaped Paddle model: (N, 3, 48, W) -> (N, W/4, classes) softmax."""
    with warnings.catch_warnings():
        # paddle warns at import when ccache (a compiler cache for its C++ extensions) is absent;
        # nothing here compiles, and the suite turns warnings into errors.
        warnings.filterwarnings("ignore", message="No ccache found", category=UserWarning)
        paddle: Any = importlib.import_module("paddle")

    class Tiny(paddle.nn.Layer):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.conv = paddle.nn.Conv2D(3, 8, 3, stride=2, padding=1)
            self.bn = paddle.nn.BatchNorm2D(8)
            self.conv2 = paddle.nn.Conv2D(8, 16, 3, stride=2, padding=1)
            self.fc = paddle.nn.Linear(16, classes)

        def forward(self, x: object) -> object:
            y = paddle.nn.functional.relu(self.bn(self.conv(x)))
            y = paddle.nn.functional.relu(self.conv2(y)).mean(axis=2).transpose([0, 2, 1])
            return paddle.nn.functional.softmax(self.fc(y), axis=-1)

    paddle.seed(0)
    net = Tiny()
    net.eval()
    spec = [paddle.static.InputSpec([None, 3, 48, None], "float32", "image")]
    paddle.jit.save(net, str(directory / "inference"), input_spec=spec)


@pytest.mark.skipif(
    not HAS_PADDLE, reason="paddlepaddle/paddle2onnx not installed: make test-export"
)
def test_convert_tiny_paddle_rec(tmp_path: Path) -> None:
    from model_export.convert import ConversionError, convert

    chars = ["中", "国", "人", "民", "0", "1", "X"]
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("\n".join(chars) + "\n", encoding="utf-8")
    paddle_dir = tmp_path / "tiny_rec_infer"
    _tiny_paddle_rec(paddle_dir, classes=len(chars) + 2)
    out = tmp_path / "models"
    result = convert(
        paddle_dir,
        "rec",
        out,
        dictionary=dictionary,
        version="tiny rec",
        source="built by the test",
    )
    assert result.max_abs_diff < 1e-4 and result.opset == 14
    session = ort.InferenceSession(str(result.path))
    (inp,) = session.get_inputs()
    assert inp.name == "x" and inp.shape[0] == "batch" and inp.shape[3] == "width"
    assert session.get_modelmeta().custom_metadata_map["character"] == "\n".join(chars)
    probs = session.run(None, {"x": np.zeros((2, 3, 48, 64), np.float32)})[0]
    assert probs.shape == (2, 16, len(chars) + 2)
    entry = read_manifest(out)["rec"]
    assert (entry.file, entry.version, entry.source) == (
        result.path.name,
        "tiny rec",
        "built by the test",
    )
    assert load_verified(out, "rec") == result.path.read_bytes()
    # a dictionary that does not fit the model's classes is refused, nothing written
    dictionary.write_text("\n".join([*chars, "Y"]) + "\n", encoding="utf-8")
    with pytest.raises(ConversionError, match="classes"):
        convert(paddle_dir, "rec", tmp_path / "bad", dictionary=dictionary)
    assert not (tmp_path / "bad" / "manifest.json").exists()
    assert json.loads((out / "manifest.json").read_text())["models"].keys() == {"rec"}


@pytest.mark.parametrize("scene", ["hard", "hard+small", "negative"])
def test_cardseg_data_is_the_tuned_style(scene: str) -> None:
    """The localiser trains on the tuned family only; ``hard+small`` always has a small card."""
    from model_export import cardseg

    sample = cardseg.render_sample(scene, 1, cardseg.DATA_SEED)
    assert sample.meta["style"] == cardseg.TRAIN_STYLE == "tuned"
    if scene == "hard+small":
        effects = sample.meta["effects"]
        assert isinstance(effects, list) and "small" in effects
    image, mask = cardseg.sample_arrays(scene, 1, cardseg.DATA_SEED)
    assert image.shape == (cardseg.SIDE, cardseg.SIDE, 3)
    assert mask.shape == (cardseg.SIDE, cardseg.SIDE)
    assert (mask.max() == 0) == (scene == "negative")


@pytest.mark.parametrize("seed", [0, 20240601])
def test_cardseg_data_refuses_the_benchmark_and_golden_seeds(seed: int) -> None:
    from model_export import cardseg

    with pytest.raises(ValueError, match="benchmark"):
        cardseg.render_sample("photo", 0, seed)
    with pytest.raises(SystemExit):
        cardseg.make_data(Path("/nonexistent"), {"photo": 1}, seed, 1)


def test_cardseg_lighting_tints_and_shades_without_moving_the_mask() -> None:
    """Training sees white-balance casts and cast shadows (a straight soft edge, one side
    darker): across draws both occur, and the mask is only turned and flipped with the image."""
    from model_export import cardseg
    from synthcards import effects

    grey = np.full((cardseg.SIDE, cardseg.SIDE, 3), 160.0, np.float32)
    tinted = shaded = 0
    for seed in range(40):
        lit = cardseg._lighting(grey.copy(), np.random.default_rng(seed))
        means = lit.reshape(-1, 3).mean(axis=0)
        tinted += bool(means.max() - means.min() > 8)
        lum = lit.mean(axis=2)
        dark, light = np.percentile(lum, (5, 95))
        shaded += bool(dark < (1 - effects.SHADOW_DEPTH[0] + 0.05) * light)
        assert lit.min() >= 0 and lit.max() <= 160 * effects.CAST_GAINS[1] + 1e-3
    assert 4 <= tinted <= 24 and 4 <= shaded <= 24  # ~30% each
    images = np.full((6, cardseg.SIDE, cardseg.SIDE, 3), 120, np.uint8)
    masks = np.zeros((6, cardseg.SIDE, cardseg.SIDE), np.uint8)
    masks[:, 40:120, 60:200] = 1
    _, out = cardseg._augment(images, masks, np.random.default_rng(1))
    assert [int(m.sum()) for m in out] == [80 * 140] * 6
