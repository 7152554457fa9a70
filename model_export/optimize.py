"""Optimise (and optionally quantise) an ONNX model offline, check parity, add it to the manifest.

Graph optimisation: onnxruntime at ``--level`` (basic | extended; ``all`` adds layout
transforms tied to the building machine's CPU, so it is not the default), saved through
``SessionOptions.optimized_model_filepath``. Quantisation (``--quantize``):

- ``dynamic``: ``quant_pre_process`` (shape inference + cleanup: the shipped PP-OCR rec model
  cannot be quantised without it) then ``quantize_dynamic`` (weights ``--weight-type``;
  ``--op-types MatMul``: only those ops, e.g. a PP-OCRv6 recogniser's SVTR neck and head);
- ``static``: ``quant_pre_process`` then ``quantize_static`` in QDQ format with a calibration
  reader over card crops (``--calib-dir`` images, else rendered synthetic cards; for rec,
  ``--calib-pipeline MODEL_DIR``: the crops the processor itself hands its recogniser while
  reading generated scenes). ``--per-channel`` gives each output channel its own weight scale
  (the model is converted to opset 13 first); ``--convs pointwise`` quantises only the
  backbone's 1x1 convolutions (:func:`pointwise_convs`), ``--exclude`` names nodes to keep
  in fp32.

Parity against the fp32 source on sample inputs: max |diff| of the outputs, and agreement:
rec/cls -> share of time steps with the same argmax (the decoded text), det -> IoU of the text
masks (probability > 0.3). The default thresholds are
strict for pure graph optimisation and looser for int8. The metadata (``character``) of the
source is carried over. On success the entry (name, file, version, sha256, source) is written
to the output directory's manifest. Usage::

    python -m model_export optimize --model models/ch_PP-OCRv4_rec_infer.onnx --kind rec \\
        --out models/ch_PP-OCRv4_rec_opt.onnx --name rec
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

from processor.ocr.models import sha256_of

from ._manifest import entry_for_file, make_entry, write_entry

KINDS = ("det", "rec", "cls")
LEVELS = {
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}
QUANTIZE = ("none", "dynamic", "static")
#: Which convolutions static quantisation may touch (see :func:`pointwise_convs`).
CONVS = ("all", "pointwise")
#: Per-channel QDQ (a scale per output channel) needs opset 13.
PER_CHANNEL_OPSET = 13
#: Generator seeds of the pipeline's calibration and parity scenes: not the benchmark's
#: (0, and 7 and 11 held out), so that int8 is judged on scenes it was not calibrated on.
CALIB_SEED = 1000
PARITY_SEED = 1001
REC_HEIGHT = 48
DET_THRESH = 0.3
DET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
DET_STD = np.array([0.229, 0.224, 0.225], np.float32)
#: Field rows of a front/back card (fractions of the card height), for crops.
_ROWS = (0.17, 0.30, 0.41, 0.53, 0.62, 0.71, 0.83)


class OptimizeError(RuntimeError):
    """Optimisation, quantisation or the parity check failed; nothing was written."""


@dataclass(frozen=True)
class Parity:
    max_abs_diff: float
    #: rec/cls: share of time steps whose argmax (decoded character) agrees; det: IoU of the
    #: text masks (probability > 0.3), which is what the box finder sees.
    agreement: float
    fp32_ms: float
    optimized_ms: float

    def __str__(self) -> str:
        return (
            f"max |diff| {self.max_abs_diff:.3g}, agreement {self.agreement:.4f}, "
            f"median {self.fp32_ms:.1f} ms fp32 -> {self.optimized_ms:.1f} ms"
        )


@dataclass(frozen=True)
class Result:
    path: Path
    parity: Parity
    manifest: Path | None


# --- sample and calibration inputs -------------------------------------------------------------


def _images(calib_dir: Path | None, count: int) -> list[np.ndarray]:
    """BGR uint8 images: files from ``calib_dir``, else rendered synthetic cards, else noise."""
    cv2 = importlib.import_module("cv2")
    out: list[np.ndarray] = []
    if calib_dir is not None:
        for path in sorted(calib_dir.iterdir()):
            if path.suffix.lower() in {".jpg", ".jpeg", ".png", ".bmp", ".webp"}:
                img = cv2.imread(str(path), cv2.IMREAD_COLOR)
                if img is not None:
                    out.append(img)
            if len(out) >= count:
                return out
        if out:
            return out
    try:
        synth = importlib.import_module("synthcards")
        rng = np.random.default_rng(0)
        for k in range(count):
            side = "front" if k % 2 == 0 else "back"
            out.append(synth.render_card(synth.make_identity(rng), side, width=856, rng=rng))
        return out
    except Exception:  # synthcards is a dev tool; fall back to structured noise
        rng = np.random.default_rng(0)
        return [
            cv2.resize(rng.integers(0, 255, (34, 54, 3), dtype=np.uint8), (856, 540))
            for _ in range(count)
        ]


def _crops(images: Sequence[np.ndarray]) -> Iterator[np.ndarray]:
    """Horizontal strips at the card's field rows (value columns), like the processor's crops."""
    for img in images:
        h, w = img.shape[:2]
        for k, row in enumerate(_ROWS):
            y0, y1 = int((row - 0.045) * h), int((row + 0.045) * h)
            x0 = int(0.17 * w)
            x1 = int((0.62 if k < 6 else 0.95) * w)
            yield img[max(y0, 0) : y1, x0:x1]


def rec_tensor(crop: np.ndarray, width: int | None = None) -> np.ndarray:
    """(1, 3, 48, W) float32 in [-1, 1], like the processor's recogniser input."""
    cv2 = importlib.import_module("cv2")
    h, w = crop.shape[:2]
    new_w = max(8, round(w * REC_HEIGHT / max(h, 1)))
    resized = cv2.resize(crop, (new_w, REC_HEIGHT)).astype(np.float32)
    blob = resized.transpose(2, 0, 1) * (2.0 / 255.0) - 1.0
    if width is not None:
        padded = np.zeros((3, REC_HEIGHT, width), np.float32)
        padded[:, :, : min(width, new_w)] = blob[:, :, :width]
        blob = padded
    return np.asarray(blob[None], dtype=np.float32)


def det_tensor(img: np.ndarray, side: int = 480) -> np.ndarray:
    """(1, 3, H, W) float32, longer side ``side``, multiples of 32, ImageNet-normalised (RGB)."""
    cv2 = importlib.import_module("cv2")
    h, w = img.shape[:2]
    scale = side / max(h, w)
    nh, nw = max(32, round(h * scale / 32) * 32), max(32, round(w * scale / 32) * 32)
    rgb = cv2.cvtColor(cv2.resize(img, (nw, nh)), cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
    return np.asarray(((rgb - DET_MEAN) / DET_STD).transpose(2, 0, 1)[None], dtype=np.float32)


def sample_inputs(kind: str, count: int, calib_dir: Path | None = None) -> list[np.ndarray]:
    images = _images(calib_dir, max(1, count if kind == "det" else (count + 6) // 7))
    if kind == "det":
        return [det_tensor(img) for img in images[:count]]
    width = 192 if kind == "cls" else None
    return [rec_tensor(c, width) for c in list(_crops(images))[:count]]


def pipeline_crops(model_dir: Path, count: int, seed: int) -> list[np.ndarray]:
    """The first ``count`` line crops the processor's recognisers are handed while they read
    generated scenes (scan, photo and hard in turn, from ``seed``), as (1, 3, 48, W) inputs:
    calibration that sees what serving sees (labels, digit rows, blur, glare)."""
    scenes = importlib.import_module("synthcards.scenes")
    from processor.io.decode import decode_image  # noqa: PLC0415 - the processor is optional here
    from processor.ocr.recognize import Alphabet, TextRecognizer, load_fold  # noqa: PLC0415
    from processor.ocr.runtime import (  # noqa: PLC0415
        FIELD_REC_FP32,
        LINE_REC,
        NAME_REC,
        open_session,
    )
    from processor.read.engine import OcrEngine  # noqa: PLC0415
    from processor.read.fields import WITHIN_ALPHABETS  # noqa: PLC0415
    from processor.read.pipeline import read_card  # noqa: PLC0415

    crops: list[np.ndarray] = []

    class Recording(TextRecognizer):
        def __call__(
            self, batch: Sequence[np.ndarray], alphabets: Sequence[Alphabet] = ()
        ) -> list[Any]:
            crops.extend(batch)
            return super().__call__(batch, alphabets)

    fold = load_fold(model_dir)
    line = Recording(open_session(model_dir, LINE_REC, 1), fold=fold, keep=WITHIN_ALPHABETS)
    field = Recording(open_session(model_dir, FIELD_REC_FP32, 1), fold=fold)
    name = TextRecognizer(open_session(model_dir, NAME_REC, 1), fold=fold)
    engine = OcrEngine.load(model_dir, intra_op_threads=1, recognizers=(line, field, name))
    index = 0
    while len(crops) < count:
        for scene in ("scan", "photo", "hard"):
            sample = scenes.make_sample(scene, index, seed)
            read_card(decode_image(sample.image, max_pixels=50_000_000, min_side=64), engine)
        index += 1
        if index > count:  # pragma: no cover - every card gives several crops
            raise OptimizeError("the pipeline found no text to calibrate on")
    return [rec_tensor(c) for c in crops[:count]]


def pointwise_convs(model: Any) -> list[str]:
    """The backbone's pointwise convolutions: ungrouped 1x1 ``Conv`` nodes before its closing
    pooling (PP-LCNetV3's and PP-HGNetV2's ``AveragePool``; the SVTR neck follows) or the first
    ``MatMul``, without the squeeze-excitation ones (fed by a global pooling or a mean, or by
    the ``Relu`` between an SE block's two convs; ``Identity`` nodes are looked through). A
    ``MaxPool`` (PP-HGNetV2's stem) does not end the backbone. They carry most of the
    backbone's multiply-adds; int8 depthwise convs ran slower here than fp32 and cost more
    accuracy."""
    numpy_helper = importlib.import_module("onnx.numpy_helper")
    weights = {init.name: init for init in model.graph.initializer}
    producer = {out: node for node in model.graph.node for out in node.output}

    def fed_by(name: str) -> str:
        node = producer.get(name)
        while node is not None and node.op_type == "Identity":
            node = producer.get(node.input[0])
        return "" if node is None else str(node.op_type)

    found = []
    for node in model.graph.node:
        if node.op_type in ("AveragePool", "MatMul"):
            break
        if node.op_type != "Conv" or node.input[1] not in weights:
            continue
        group = next((a.i for a in node.attribute if a.name == "group"), 1)
        shape = numpy_helper.to_array(weights[node.input[1]]).shape
        se = fed_by(node.input[0]) in ("GlobalAveragePool", "ReduceMean", "Relu")
        if group == 1 and shape[2:] == (1, 1) and not se:
            found.append(node.name)
    return found


class _Calibration:
    """onnxruntime.quantization.CalibrationDataReader over prepared tensors."""

    def __init__(self, input_name: str, tensors: Sequence[np.ndarray]) -> None:
        self._items = iter([{input_name: t} for t in tensors])

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._items, None)

    def rewind(self) -> None:  # pragma: no cover - part of the reader protocol
        pass


# --- the work ----------------------------------------------------------------------------------


def _session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def graph_optimize(source: Path, target: Path, level: str) -> None:
    options = ort.SessionOptions()
    options.graph_optimization_level = LEVELS[level]
    options.optimized_model_filepath = str(target)
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    if not target.is_file():
        raise OptimizeError("onnxruntime did not write the optimised model")


def quantize(
    source: Path,
    target: Path,
    mode: str,
    *,
    kind: str,
    weight_type: str,
    calib: Sequence[np.ndarray],
    input_name: str,
    per_channel: bool = False,
    convs: str = "all",
    exclude: Sequence[str] = (),
    op_types: Sequence[str] = (),
) -> None:
    try:
        onnx = importlib.import_module("onnx")
        q = importlib.import_module("onnxruntime.quantization")
        shape_inference = importlib.import_module("onnxruntime.quantization.shape_inference")
    except ImportError as exc:
        raise OptimizeError("quantisation needs the onnx package (pip install onnx)") from exc
    with tempfile.TemporaryDirectory(prefix="quant-") as tmp:
        pre = Path(tmp) / "pre.onnx"
        if per_channel:
            model = onnx.load(str(source))
            opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
            if opset < PER_CHANNEL_OPSET:
                source = Path(tmp) / "source.onnx"
                onnx.save(
                    importlib.import_module("onnx.version_converter").convert_version(
                        model, PER_CHANNEL_OPSET
                    ),
                    str(source),
                )
        shape_inference.quant_pre_process(str(source), str(pre), skip_symbolic_shape=True)
        excluded = set(exclude)
        if convs == "pointwise":
            prepared = onnx.load(str(pre))
            keep = set(pointwise_convs(prepared))
            excluded |= {n.name for n in prepared.graph.node if n.op_type == "Conv"} - keep
        wtype = q.QuantType.QInt8 if weight_type == "int8" else q.QuantType.QUInt8
        if mode == "dynamic":
            q.quantize_dynamic(
                str(pre),
                str(target),
                weight_type=wtype,
                op_types_to_quantize=list(op_types) or None,
                nodes_to_exclude=sorted(excluded),
            )
        else:
            q.quantize_static(
                str(pre),
                str(target),
                _Calibration(input_name, calib),
                quant_format=q.QuantFormat.QDQ,
                activation_type=q.QuantType.QUInt8,
                weight_type=q.QuantType.QInt8,
                per_channel=per_channel,
                op_types_to_quantize=["Conv"] if convs == "pointwise" else None,
                nodes_to_exclude=sorted(excluded),
            )


def copy_metadata(source: Path, target: Path) -> None:
    """Carry ``metadata_props`` (the ``character`` dictionary) over when a tool dropped them."""
    want = _session(source).get_modelmeta().custom_metadata_map
    have = _session(target).get_modelmeta().custom_metadata_map
    if all(have.get(k) == v for k, v in want.items()):
        return
    try:
        onnx = importlib.import_module("onnx")
    except ImportError as exc:
        raise OptimizeError("the output lost its metadata and onnx is not installed") from exc
    model: Any = onnx.load(str(target))
    del model.metadata_props[:]
    for key, value in want.items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.save(model, str(target))


def _timed(session: ort.InferenceSession, inputs: Sequence[np.ndarray]) -> tuple[list[Any], float]:
    name = session.get_inputs()[0].name
    outs, times = [], []
    for x in inputs:
        t0 = time.perf_counter()
        outs.append(session.run(None, {name: x})[0])
        times.append((time.perf_counter() - t0) * 1000)
    return outs, statistics.median(times)


def check_parity(source: Path, candidate: Path, kind: str, inputs: Sequence[np.ndarray]) -> Parity:
    session = _session(source)
    _timed(session, inputs[:1])  # warm-up
    want, fp32_ms = _timed(session, inputs)
    cand = _session(candidate)
    _timed(cand, inputs[:1])
    got, opt_ms = _timed(cand, inputs)
    worst, agree, total = 0.0, 0, 0
    for got_k, want_k in zip(got, want, strict=True):
        g, w = np.asarray(got_k), np.asarray(want_k)
        if g.shape != w.shape:
            raise OptimizeError(f"output shapes differ: {g.shape} vs {w.shape}")
        worst = max(worst, float(np.max(np.abs(g - w))))
        if kind == "det":
            gm, wm = g > DET_THRESH, w > DET_THRESH
            agree += int(np.sum(gm & wm))
            total += int(np.sum(gm | wm))
        else:
            agree += int(np.sum(g.argmax(-1) == w.argmax(-1)))
            total += int(np.prod(g.shape[:-1]))
    return Parity(worst, agree / total if total else 1.0, fp32_ms, opt_ms)


def optimize(
    source: Path,
    kind: str,
    out: Path,
    *,
    level: str = "extended",
    mode: str = "none",
    weight_type: str = "uint8",
    calib_dir: Path | None = None,
    samples: int = 8,
    calib_samples: int = 32,
    max_diff: float | None = None,
    min_agreement: float | None = None,
    name: str | None = None,
    manifest: bool = True,
    per_channel: bool = False,
    convs: str = "all",
    exclude: Sequence[str] = (),
    calib_pipeline: Path | None = None,
    op_types: Sequence[str] = (),
) -> Result:
    if kind not in KINDS or level not in LEVELS or mode not in QUANTIZE or convs not in CONVS:
        raise OptimizeError("bad kind, level, quantize mode or convs")
    if calib_pipeline is not None and kind != "rec":
        raise OptimizeError("--calib-pipeline gives recognition crops: rec only")
    if out.resolve() == source.resolve():
        raise OptimizeError("--out must differ from --model")
    quantized = mode != "none"
    # pure graph optimisation must be numerically the same model; int8 only close enough
    max_diff = max_diff if max_diff is not None else (1.0 if quantized else 1e-3)
    min_agreement = min_agreement if min_agreement is not None else (0.9 if quantized else 0.999)
    if calib_pipeline is not None:
        # parity on other scenes than the calibration's
        inputs = pipeline_crops(calib_pipeline, samples, seed=PARITY_SEED)
    else:
        inputs = sample_inputs(kind, samples, calib_dir)
    input_name = _session(source).get_inputs()[0].name
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="optimize-") as tmp:
        staged = Path(tmp) / out.name
        try:
            if quantized:
                calib = []
                if mode == "static" and calib_pipeline is not None:
                    calib = pipeline_crops(calib_pipeline, calib_samples, seed=CALIB_SEED)
                elif mode == "static":
                    calib = sample_inputs(kind, calib_samples, calib_dir)
                quantize(
                    source,
                    staged,
                    mode,
                    kind=kind,
                    weight_type=weight_type,
                    calib=calib,
                    input_name=input_name,
                    per_channel=per_channel,
                    convs=convs,
                    exclude=exclude,
                    op_types=op_types,
                )
            else:
                graph_optimize(source, staged, level)
            copy_metadata(source, staged)
            parity = check_parity(source, staged, kind, inputs)
        except OptimizeError:
            raise
        except Exception as exc:  # onnxruntime/onnx errors: report them as ours
            raise OptimizeError(f"{type(exc).__name__}: {exc}") from exc
        if parity.max_abs_diff > max_diff:
            raise OptimizeError(f"outputs differ by {parity.max_abs_diff:.3g} > {max_diff}")
        if parity.agreement < min_agreement:
            raise OptimizeError(
                f"agreement {parity.agreement:.4f} < {min_agreement} "
                f"(max |diff| {parity.max_abs_diff:.3g})"
            )
        shutil.move(str(staged), out)
    written = None
    if manifest:
        base = entry_for_file(source)
        if mode == "none":
            what = f"onnxruntime {level}"
        elif mode == "dynamic":
            ops = f", {'/'.join(op_types)} only" if op_types else ""
            what = f"dynamic int8 ({weight_type} weights{ops})"
        else:
            what = (
                f"static int8 QDQ ({'per-channel, opset 13' if per_channel else 'per-tensor'}, "
                f"{convs} convs{' minus ' + ' '.join(sorted(exclude)) if exclude else ''}, "
                f"{calib_samples} calibration crops"
                f"{' from the pipeline' if calib_pipeline is not None else ''})"
            )
        entry = make_entry(
            name or kind,
            out,
            f"{base.version if base else source.stem} + {what}",
            f"model_export.optimize({source.name} sha256 {sha256_of(source)[:16]}, {what}, "
            f"onnxruntime=={ort.__version__})",
        )
        written = write_entry(out.parent, entry)
    return Result(out, parity, written)


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(prog="python -m model_export optimize")
    parser.description = __doc__.splitlines()[0] if __doc__ else None
    parser.add_argument("--model", type=Path, required=True, help="the fp32 source ONNX model")
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the optimised model to write")
    parser.add_argument("--level", choices=tuple(LEVELS), default="extended")
    parser.add_argument("--quantize", dest="mode", choices=QUANTIZE, default="none")
    parser.add_argument(
        "--weight-type",
        choices=("uint8", "int8"),
        default="uint8",
        help="dynamic quantisation weight type (default uint8)",
    )
    parser.add_argument(
        "--calib-dir",
        type=Path,
        help="images for calibration/parity (default: rendered synthetic cards)",
    )
    parser.add_argument("--samples", type=int, default=8, help="parity samples (default 8)")
    parser.add_argument(
        "--calib-samples", type=int, default=32, help="static calibration samples (default 32)"
    )
    parser.add_argument(
        "--max-diff", type=float, help="largest accepted |diff| (default 1e-3; 1.0 when quantising)"
    )
    parser.add_argument(
        "--min-agreement",
        type=float,
        help="smallest accepted agreement, 0-1 (default 0.999; 0.9 quantising)",
    )
    parser.add_argument(
        "--per-channel",
        action="store_true",
        help="static: a weight scale per output channel (converts to opset 13)",
    )
    parser.add_argument(
        "--convs",
        choices=CONVS,
        default="all",
        help="static: quantise all ops, or only the backbone's pointwise convs",
    )
    parser.add_argument(
        "--exclude",
        default="",
        help="static: comma-separated node names kept in fp32",
    )
    parser.add_argument(
        "--op-types",
        default="",
        help="dynamic: comma-separated op types to quantise (default: every supported one)",
    )
    parser.add_argument(
        "--calib-pipeline",
        type=Path,
        metavar="MODEL_DIR",
        help="rec: calibrate (and check parity) on the crops the processor, with the models "
        "in MODEL_DIR, hands its recogniser while reading generated scenes",
    )
    parser.add_argument("--name", help="manifest entry name (default: the kind)")
    parser.add_argument(
        "--no-manifest",
        dest="manifest",
        action="store_false",
        help="do not write the manifest entry",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = optimize(
            args.model,
            args.kind,
            args.out,
            level=args.level,
            mode=args.mode,
            weight_type=args.weight_type,
            calib_dir=args.calib_dir,
            samples=args.samples,
            calib_samples=args.calib_samples,
            max_diff=args.max_diff,
            min_agreement=args.min_agreement,
            name=args.name,
            manifest=args.manifest,
            per_channel=args.per_channel,
            convs=args.convs,
            exclude=[n for n in args.exclude.split(",") if n],
            calib_pipeline=args.calib_pipeline,
            op_types=[t for t in args.op_types.split(",") if t],
        )
    except OptimizeError as exc:
        print(f"optimize: {exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {result.path}: {result.parity}"
        + (f"; manifest {result.manifest}" if result.manifest else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
