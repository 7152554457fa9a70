"""Convert a PaddleOCR inference model (det, rec, cls) to ONNX, check parity, record it.

Steps: ``paddle2onnx`` at a pinned opset (no silent opset upgrade) -> the single input renamed
to ``x`` with named dynamic axes (``batch``, ``height``, ``width``) -> for ``rec`` the character
dictionary embedded in the ONNX metadata under ``character`` (newline-joined, exactly like the
shipped models; the processor adds the CTC blank in front and the space at the end) -> ONNX vs
Paddle outputs compared on seeded sample inputs (max abs diff below ``--tolerance``) -> the file
moved into ``--out-dir`` and its manifest entry (name, file, version, sha256, source) written.
Nothing is written when a check fails.

Needs the ``export`` extra (paddlepaddle, paddle2onnx, onnx): ``make test-export`` builds a
separate virtualenv with them. Usage::

    python -m model_export convert --kind rec --paddle-dir ch_PP-OCRv4_rec_infer \\
        --dict ppocr_keys_v1.txt --out-dir models --version "PP-OCRv4 rec (ch)" \\
        --source "https://paddleocr.bj.bcebos.com/PP-OCRv4/chinese/ch_PP-OCRv4_rec_infer.tar"
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._manifest import make_entry, write_entry

KINDS = ("det", "rec", "cls")
DEFAULT_OPSET = 14
INPUT_NAME = "x"
#: Names given to the dynamic input axes (NCHW).
AXIS_NAMES = {0: "batch", 2: "height", 3: "width"}
#: Sample input sizes (H, W) for dynamic axes, per kind; fixed axes keep the model's value.
SAMPLE_SIZES = {
    "det": [(320, 480), (544, 864)],
    "rec": [(48, 160), (48, 608)],
    "cls": [(48, 192)],
}


class ConversionError(RuntimeError):
    """The conversion or one of its checks failed; nothing was written."""


@dataclass(frozen=True)
class Result:
    path: Path
    max_abs_diff: float
    opset: int
    manifest: Path | None


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ConversionError(
            f"{name} is not installed: the converter needs the export extra "
            "(paddlepaddle, paddle2onnx, onnx); run `make test-export` or "
            "`pip install -e '.[export]'`"
        ) from exc


def find_paddle_model(paddle_dir: Path) -> tuple[Path, Path]:
    """``inference.json`` (PIR, Paddle >= 3) or ``inference.pdmodel``, and ``.pdiparams``."""
    params = paddle_dir / "inference.pdiparams"
    for name in ("inference.json", "inference.pdmodel"):
        model = paddle_dir / name
        if model.is_file():
            if not params.is_file():
                raise ConversionError(f"{params} is missing")
            return model, params
    raise ConversionError(f"no inference.json or inference.pdmodel in {paddle_dir}")


def read_dictionary(path: Path) -> list[str]:
    """PaddleOCR dictionary: one character per line (the trailing newline is not a character)."""
    chars = path.read_text(encoding="utf-8").splitlines()
    if not chars or any(len(c) == 0 for c in chars):
        raise ConversionError(f"{path}: empty dictionary or empty line")
    return chars


def _postprocess(onnx_path: Path, kind: str, characters: Sequence[str] | None) -> None:
    """Rename the input, name its dynamic axes, embed the dictionary; then onnx.checker."""
    onnx = _module("onnx")
    model = onnx.load(str(onnx_path))
    inputs = [
        i for i in model.graph.input if i.name not in {t.name for t in model.graph.initializer}
    ]
    if len(inputs) != 1:
        raise ConversionError(f"expected one input, the model has {[i.name for i in inputs]}")
    old = inputs[0].name
    if old != INPUT_NAME:
        inputs[0].name = INPUT_NAME
        for node in model.graph.node:
            for k, name in enumerate(node.input):
                if name == old:
                    node.input[k] = INPUT_NAME
    dims = inputs[0].type.tensor_type.shape.dim
    if len(dims) != 4:
        raise ConversionError(f"expected an NCHW input, got rank {len(dims)}")
    for axis, dim in enumerate(dims):
        if axis in AXIS_NAMES and not dim.HasField("dim_value"):
            dim.dim_param = AXIS_NAMES[axis]
    if not dims[0].dim_param:
        raise ConversionError("the batch axis is fixed; export the Paddle model with batch -1")
    if characters is not None:
        for prop in list(model.metadata_props):
            if prop.key == "character":
                model.metadata_props.remove(prop)
        prop = model.metadata_props.add()
        prop.key, prop.value = "character", "\n".join(characters)
    producer = model.metadata_props.add()
    producer.key, producer.value = "converted_by", f"idcard-ocr model_export.convert ({kind})"
    onnx.checker.check_model(model)
    onnx.save(model, str(onnx_path))


def sample_inputs(onnx_path: Path, kind: str, seed: int = 0) -> list[np.ndarray]:
    """Seeded inputs in the models' own value range ([-1, 1] after PaddleOCR's normalisation)."""
    ort = importlib.import_module("onnxruntime")
    shape = (
        ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
        .get_inputs()[0]
        .shape
    )
    rng = np.random.default_rng(seed)
    out = []
    for k, (h, w) in enumerate(SAMPLE_SIZES[kind]):
        c = shape[1] if isinstance(shape[1], int) else 3
        hh = shape[2] if isinstance(shape[2], int) else h
        ww = shape[3] if isinstance(shape[3], int) else w
        n = 1 if kind == "det" else 1 + k
        # smooth structure plus noise: closer to real images than white noise alone
        base = rng.uniform(-1, 1, (n, c, max(hh // 8, 1), max(ww // 8, 1))).astype(np.float32)
        up = np.repeat(np.repeat(base, 8, axis=2), 8, axis=3)[:, :, :hh, :ww]
        up = np.pad(up, ((0, 0), (0, 0), (0, hh - up.shape[2]), (0, ww - up.shape[3])), "edge")
        noise = rng.normal(0, 0.1, up.shape).astype(np.float32)
        out.append(np.clip(up + noise, -1, 1).astype(np.float32))
    return out


def run_paddle(model: Path, params: Path, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    inference = _module("paddle.inference")
    config = inference.Config(str(model), str(params))
    config.disable_gpu()
    config.disable_glog_info()
    predictor = inference.create_predictor(config)
    outputs = []
    for x in inputs:
        handle = predictor.get_input_handle(predictor.get_input_names()[0])
        handle.reshape(list(x.shape))
        handle.copy_from_cpu(x)
        predictor.run()
        outputs.append(
            np.asarray(predictor.get_output_handle(predictor.get_output_names()[0]).copy_to_cpu())
        )
    return outputs


def run_onnx(path: Path, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    ort = importlib.import_module("onnxruntime")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return [np.asarray(session.run(None, {INPUT_NAME: x})[0]) for x in inputs]


def convert(
    paddle_dir: Path,
    kind: str,
    out_dir: Path,
    *,
    name: str | None = None,
    file_name: str | None = None,
    dictionary: Path | None = None,
    use_space_char: bool = True,
    opset: int = DEFAULT_OPSET,
    tolerance: float = 1e-4,
    version: str = "",
    source: str = "",
    manifest: bool = True,
) -> Result:
    if kind not in KINDS:
        raise ConversionError(f"kind must be one of {KINDS}")
    if kind == "rec" and dictionary is None:
        raise ConversionError("a recognition model needs --dict (the character dictionary)")
    model_file, params_file = find_paddle_model(paddle_dir)
    characters = read_dictionary(dictionary) if kind == "rec" and dictionary else None
    paddle2onnx = _module("paddle2onnx")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (file_name or f"{paddle_dir.name}.onnx")
    with tempfile.TemporaryDirectory(prefix="convert-") as tmp:
        staged = Path(tmp) / target.name
        paddle2onnx.export(
            str(model_file),
            str(params_file),
            save_file=str(staged),
            opset_version=opset,
            auto_upgrade_opset=False,  # the opset is pinned: fail rather than drift
            enable_onnx_checker=True,
        )
        if not staged.is_file():
            raise ConversionError("paddle2onnx did not write a model")
        _postprocess(staged, kind, characters)
        inputs = sample_inputs(staged, kind)
        got = run_onnx(staged, inputs)
        want = run_paddle(model_file, params_file, inputs)
        worst = 0.0
        for g, w in zip(got, want, strict=True):
            if g.shape != w.shape:
                raise ConversionError(f"output shapes differ: onnx {g.shape}, paddle {w.shape}")
            worst = max(worst, float(np.max(np.abs(g - w))))
        if worst >= tolerance:
            raise ConversionError(f"ONNX and Paddle outputs differ by {worst:.3g} >= {tolerance}")
        if characters is not None:
            classes = got[0].shape[-1]
            expected = len(characters) + (2 if use_space_char else 1)
            if classes != expected:
                raise ConversionError(
                    f"the model has {classes} classes but the dictionary gives {expected} "
                    f"({len(characters)} characters + blank{' + space' if use_space_char else ''})"
                )
        shutil.move(str(staged), target)
    written = None
    if manifest:
        entry = make_entry(
            name or kind,
            target,
            version or f"{paddle_dir.name} ({kind})",
            source or f"paddle2onnx opset {opset} from {paddle_dir.name}",
        )
        written = write_entry(out_dir, entry)
    return Result(target, worst, opset, written)


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(prog="python -m model_export convert")
    parser.description = __doc__.splitlines()[0] if __doc__ else None
    parser.add_argument(
        "--paddle-dir",
        type=Path,
        required=True,
        help="PaddleOCR inference model directory (inference.json|pdmodel)",
    )
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--out-dir", type=Path, default=Path("models"))
    parser.add_argument("--name", help="manifest entry name (default: the kind)")
    parser.add_argument("--file", dest="file_name", help="output file name (default: <dir>.onnx)")
    parser.add_argument(
        "--dict",
        dest="dictionary",
        type=Path,
        help="rec only: character dictionary, one character per line",
    )
    parser.add_argument(
        "--no-space-char",
        dest="use_space_char",
        action="store_false",
        help="rec only: the model has no trailing space class",
    )
    parser.add_argument(
        "--opset",
        type=int,
        default=DEFAULT_OPSET,
        help=f"ONNX opset (default {DEFAULT_OPSET}; never upgraded silently)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=1e-4,
        help="largest accepted |onnx - paddle| (default 1e-4)",
    )
    parser.add_argument("--version", default="", help="manifest 'version' text")
    parser.add_argument("--source", default="", help="manifest 'source' text (where it came from)")
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
        result = convert(
            args.paddle_dir,
            args.kind,
            args.out_dir,
            name=args.name,
            file_name=args.file_name,
            dictionary=args.dictionary,
            use_space_char=args.use_space_char,
            opset=args.opset,
            tolerance=args.tolerance,
            version=args.version,
            source=args.source,
            manifest=args.manifest,
        )
    except ConversionError as exc:
        print(f"convert: {exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {result.path} (opset {result.opset}, max |onnx - paddle| = "
        f"{result.max_abs_diff:.3g})" + (f"; manifest {result.manifest}" if result.manifest else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
