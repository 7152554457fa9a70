"""Fold PP-LCNetV3 models' scalar affine layers and hard-swish into fewer, cheaper ops.

PP-LCNetV3 (the backbone of the PP-OCRv4 det and rec models and of PP-OCRv5 mobile rec) follows
every convolution with a "learnable affine block", ``y = a * x + b`` with scalar ``a`` and
``b``, and its activation with another; paddle2onnx writes hard-swish as four ops (``Add 3``,
``Clip 0..6``, ``Mul``, ``Div 6``). On CPU each of those ops is a full pass over the feature
map: together they cost about as much as the convolutions (onnxruntime's profile of the shipped
rec model: Conv 42%, Mul/Add/Div/Clip 40%). Three rewrites, each exact up to float rounding:

1. ``Conv -> Mul(a) -> Add(b)`` becomes the Conv with weights ``a*W`` and bias ``a*B + b``
   (newer exports, PP-OCRv5 mobile's, first lose their ``Identity`` nodes and have the
   conv's per-channel bias ``Add`` moved into the conv, after which the same pattern shows);
2. ``x * Clip(x + 3, 0, 6) / 6`` becomes ``x * HardSigmoid(x)`` (alpha 1/6, beta 1/2), which
   stays inside the source's opset (12);
3. ``Mul(a) -> Add(b)`` feeding only convolutions moves into them: the scale into their
   weights; the shift into their bias when they do not pad, else it stays as one ``Add(b/a)``
   in front of them (zero padding must see the shifted input).

The result is checked against the source with :func:`model_export.optimize.check_parity`
(max |diff| and argmax / mask agreement) and written with a manifest entry whose source names
the entry it was folded from. ``make models`` runs this after fetching the shipped files; the
output is byte-for-byte reproducible with the pinned onnx, so its sha256 is in the manifest.
Usage::

    python -m model_export fold --model models/ch_PP-OCRv4_rec_infer.onnx --kind rec \\
        --out models/ch_PP-OCRv4_rec_fold.onnx --name rec
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper

from processor.ocr.models import read_manifest, sha256_of

from ._manifest import entry_for_file, make_entry, write_entry
from .optimize import KINDS, OptimizeError, Parity, check_parity, sample_inputs

#: ``source`` of a manifest entry made here: ``fold:<name of the entry it was folded from>``.
SOURCE_PREFIX = "fold:"
MAX_DIFF = 1e-3
MIN_AGREEMENT = 0.999


@dataclasses.dataclass(frozen=True)
class FoldStats:
    conv_affine: int
    hard_swish: int
    affine_into_conv: int
    #: Identity nodes bypassed and per-channel bias ``Add`` ops moved into their conv (newer
    #: paddle2onnx exports, e.g. PP-OCRv5, write both around every conv and affine op).
    identity: int = 0
    conv_bias: int = 0

    def __str__(self) -> str:
        return (
            f"{self.identity} identities, {self.conv_bias} bias adds and "
            f"{self.conv_affine} affine ops into their conv, {self.hard_swish} hard-swish, "
            f"{self.affine_into_conv} activation affines into the next conv"
        )


class _Graph:
    """The mutable view of a GraphProto the rewrites need: constants by name, consumers."""

    def __init__(self, graph: onnx.GraphProto) -> None:
        self.graph = graph
        self.consts: dict[str, np.ndarray] = {}
        for node in graph.node:
            if node.op_type == "Constant" and node.attribute[0].name == "value":
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        for init in graph.initializer:
            self.consts[init.name] = numpy_helper.to_array(init)
        self.outputs = {o.name for o in graph.output}

    def scalar(self, name: str) -> float | None:
        value = self.consts.get(name)
        return float(value.ravel()[0]) if value is not None and value.size == 1 else None

    def consumers(self) -> dict[str, list[onnx.NodeProto]]:
        found: dict[str, list[onnx.NodeProto]] = defaultdict(list)
        for node in self.graph.node:
            for name in node.input:
                found[name].append(node)
        return found

    def only_consumer(
        self, consumers: dict[str, list[onnx.NodeProto]], name: str
    ) -> onnx.NodeProto | None:
        users = consumers.get(name, [])
        return users[0] if len(users) == 1 and name not in self.outputs else None

    def add_const(self, base: str, value: np.ndarray) -> str:
        name, k = f"{base}.fold", 0
        while name in self.consts:
            k += 1
            name = f"{base}.fold{k}"
        array = np.asarray(value, dtype=np.float32)
        self.graph.initializer.append(numpy_helper.from_array(array, name))
        self.consts[name] = array
        return name

    def conv_params(self, conv: onnx.NodeProto) -> tuple[np.ndarray, np.ndarray]:
        weight = self.consts[conv.input[1]]
        bias = self.consts[conv.input[2]] if len(conv.input) > 2 and conv.input[2] else None
        return weight, np.zeros(weight.shape[0], np.float32) if bias is None else bias

    def set_conv_params(self, conv: onnx.NodeProto, weight: np.ndarray, bias: np.ndarray) -> None:
        conv.input[1] = self.add_const(conv.input[1], weight)
        bias_name = self.add_const(conv.input[1] + ".bias", bias)
        if len(conv.input) > 2:
            conv.input[2] = bias_name
        else:
            conv.input.append(bias_name)

    def rename_input(self, old: str, new: str) -> None:
        for node in self.graph.node:
            for i, name in enumerate(node.input):
                if name == old:
                    node.input[i] = new

    def prune(self) -> None:
        """Drop constants and initializers nothing reads any more."""
        used = {name for node in self.graph.node for name in node.input} | self.outputs
        keep = [n for n in self.graph.node if n.op_type != "Constant" or n.output[0] in used]
        del self.graph.node[:]
        self.graph.node.extend(keep)
        inits = [i for i in self.graph.initializer if i.name in used]
        del self.graph.initializer[:]
        self.graph.initializer.extend(inits)


_Consumers = dict[str, list[onnx.NodeProto]]
#: A rewrite of one node, given the graph's consumers: whether it changed the graph.
_Rewrite = Callable[[_Graph, onnx.NodeProto, _Consumers], bool]


def _other(node: onnx.NodeProto, name: str) -> str:
    return str(node.input[1] if node.input[0] == name else node.input[0])


def _pads(conv: onnx.NodeProto) -> bool:
    for attr in conv.attribute:
        if attr.name == "pads" and any(attr.ints):
            return True
        if attr.name == "auto_pad" and attr.s not in (b"", b"NOTSET", b"VALID"):
            return True
    return False


def _scalar_operand(g: _Graph, node: onnx.NodeProto) -> tuple[str, float] | None:
    """(the tensor input, the scalar) of a binary op with one constant scalar operand."""
    if len(node.input) != 2:
        return None
    for i in (0, 1):
        value = g.scalar(node.input[1 - i])
        if value is not None and node.input[i] not in g.consts:
            return str(node.input[i]), value
    return None


def _rewrite_all(g: _Graph, op_type: str, rewrite: _Rewrite) -> int:
    """Apply ``rewrite`` to the nodes of ``op_type`` until it changes none; returns how many it
    changed. Each change edits the graph, so the consumers are taken again and the scan
    starts over."""
    changed = 0
    while True:
        consumers = g.consumers()
        nodes = [n for n in g.graph.node if n.op_type == op_type]
        if not any(rewrite(g, node, consumers) for node in nodes):
            return changed
        changed += 1


def _conv_affine(g: _Graph, conv: onnx.NodeProto, consumers: _Consumers) -> bool:
    """Conv -> Mul(a) / Add(b) (scalars, the conv's only consumer) into the conv."""
    nxt = g.only_consumer(consumers, conv.output[0])
    if nxt is None or nxt.op_type not in ("Mul", "Add"):
        return False
    operand = _scalar_operand(g, nxt)
    if operand is None or operand[0] != conv.output[0]:
        return False
    weight, bias = g.conv_params(conv)
    if nxt.op_type == "Mul":
        weight, bias = weight * operand[1], bias * operand[1]
    else:
        bias = bias + operand[1]
    g.set_conv_params(conv, weight, bias)
    g.rename_input(nxt.output[0], conv.output[0])
    g.graph.node.remove(nxt)
    return True


def _identity(g: _Graph, node: onnx.NodeProto, consumers: _Consumers) -> bool:
    """An Identity whose output is not a graph output: its readers read its input."""
    if node.output[0] in g.outputs:
        return False
    g.rename_input(node.output[0], node.input[0])
    g.graph.node.remove(node)
    return True


def _conv_bias(g: _Graph, conv: onnx.NodeProto, consumers: _Consumers) -> bool:
    """Conv -> Add(a per-channel constant, shape (1, C, 1, 1)), the conv's only consumer, into
    the conv's bias."""
    nxt = g.only_consumer(consumers, conv.output[0])
    if nxt is None or nxt.op_type != "Add" or len(nxt.input) != 2:
        return False
    other = _other(nxt, conv.output[0])
    value = g.consts.get(other)
    weight, bias = g.conv_params(conv)
    if value is None or other == conv.output[0] or value.shape != (1, weight.shape[0], 1, 1):
        return False
    g.set_conv_params(conv, weight, bias + value.reshape(-1))
    g.rename_input(nxt.output[0], conv.output[0])
    g.graph.node.remove(nxt)
    return True


def _hard_swish(g: _Graph, add: onnx.NodeProto, consumers: _Consumers) -> bool:
    """x * Clip(x + 3, 0, 6) / 6 -> x * HardSigmoid(x)."""
    operand = _scalar_operand(g, add)
    if operand is None or operand[1] != 3.0:
        return False
    x = operand[0]
    clip = g.only_consumer(consumers, add.output[0])
    if clip is None or clip.op_type != "Clip" or len(clip.input) < 3:
        return False
    if g.scalar(clip.input[1]) != 0.0 or g.scalar(clip.input[2]) != 6.0:
        return False
    mul = g.only_consumer(consumers, clip.output[0])
    if mul is None or mul.op_type != "Mul" or _other(mul, clip.output[0]) != x:
        return False
    div = g.only_consumer(consumers, mul.output[0])
    if div is None or div.op_type != "Div" or g.scalar(div.input[1]) != 6.0:
        return False
    at = list(g.graph.node).index(add)
    gate = f"{div.output[0]}.hsig"
    for node in (add, clip, mul, div):
        g.graph.node.remove(node)
    g.graph.node.insert(at, helper.make_node("HardSigmoid", [x], [gate], alpha=1.0 / 6.0, beta=0.5))
    g.graph.node.insert(at + 1, helper.make_node("Mul", [x, gate], [div.output[0]]))
    return True


def _affine_into_conv(g: _Graph, mul: onnx.NodeProto, consumers: _Consumers) -> bool:
    """t -> Mul(a) -> Add(b) read only by convolutions (as their data input): into them."""
    operand = _scalar_operand(g, mul)
    if operand is None or operand[1] == 0.0:
        return False
    t, scale = operand
    add = g.only_consumer(consumers, mul.output[0])
    shift_op = None if add is None else _scalar_operand(g, add)
    if add is None or add.op_type != "Add" or shift_op is None:
        return False
    shift = shift_op[1]
    convs = consumers.get(add.output[0], [])
    if (
        not convs
        or add.output[0] in g.outputs
        or any(c.op_type != "Conv" or c.input[0] != add.output[0] for c in convs)
    ):
        return False
    shifted = None
    if any(_pads(c) for c in convs):
        # zero padding must see the shifted input: keep the shift, scaled, in front
        shifted = f"{add.output[0]}.shifted"
        at = list(g.graph.node).index(mul)
        const = g.add_const(f"{add.output[0]}.shift", np.array([shift / scale]))
        g.graph.node.insert(at, helper.make_node("Add", [t, const], [shifted]))
    for conv in convs:
        weight, bias = g.conv_params(conv)
        if not _pads(conv):
            bias = bias + shift * weight.sum(axis=(1, 2, 3))
        g.set_conv_params(conv, weight * scale, bias)
        conv.input[0] = shifted if _pads(conv) and shifted else t
    g.graph.node.remove(mul)
    g.graph.node.remove(add)
    return True


def fold_model(model: onnx.ModelProto) -> tuple[onnx.ModelProto, FoldStats]:
    """A folded copy of ``model`` (opset, inputs, outputs and metadata unchanged)."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    g = _Graph(out.graph)
    identity = _rewrite_all(g, "Identity", _identity)
    conv_bias = _rewrite_all(g, "Conv", _conv_bias)
    stats = FoldStats(
        identity=identity,
        conv_bias=conv_bias,
        conv_affine=_rewrite_all(g, "Conv", _conv_affine),
        hard_swish=_rewrite_all(g, "Add", _hard_swish),
        affine_into_conv=_rewrite_all(g, "Mul", _affine_into_conv),
    )
    g.prune()
    onnx.checker.check_model(out)
    return out, stats


@dataclasses.dataclass(frozen=True)
class Result:
    path: Path
    stats: FoldStats
    parity: Parity
    manifest: Path | None


def fold(
    source: Path,
    kind: str,
    out: Path,
    *,
    name: str | None = None,
    samples: int = 8,
    manifest: bool = True,
) -> Result:
    """Fold ``source`` into ``out`` if it matches the source (else OptimizeError, no file)."""
    if kind not in KINDS:
        raise OptimizeError(f"bad kind {kind!r}")
    if out.resolve() == source.resolve():
        raise OptimizeError("--out must differ from --model")
    try:
        model, stats = fold_model(onnx.load(str(source)))
    except (onnx.checker.ValidationError, KeyError, ValueError) as exc:
        raise OptimizeError(f"folding {source} failed: {exc}") from exc
    if stats.conv_affine + stats.hard_swish + stats.affine_into_conv + stats.conv_bias == 0:
        raise OptimizeError(f"nothing to fold in {source}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fold-") as tmp:
        staged = Path(tmp) / out.name
        onnx.save(model, str(staged))
        parity = check_parity(source, staged, kind, sample_inputs(kind, samples))
        if parity.max_abs_diff > MAX_DIFF or parity.agreement < MIN_AGREEMENT:
            raise OptimizeError(
                f"folded model differs from its source: max |diff| {parity.max_abs_diff:.3g}, "
                f"agreement {parity.agreement:.4f}"
            )
        staged.replace(out)
    written = None
    if manifest:
        base = entry_for_file(source)
        entry = make_entry(
            name or kind,
            out,
            f"{base.version if base else source.stem}, affine and hard-swish folded",
            f"{SOURCE_PREFIX}{base.name if base else source.name}",
        )
        written = write_entry(out.parent, entry)
    return Result(out, stats, parity, written)


def rebuild(model_dir: Path, name: str, source_name: str) -> Path:
    """Fold entry ``source_name``'s file into entry ``name``'s (``make models``); the caller
    checks the sha256 against the manifest."""
    entries = read_manifest(model_dir)
    target = model_dir / entries[name].file
    model, _ = fold_model(onnx.load(str(model_dir / entries[source_name].file)))
    onnx.save(model, str(target))
    return target


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m model_export fold")
    parser.description = __doc__.splitlines()[0] if __doc__ else None
    parser.add_argument("--model", type=Path, required=True, help="the source ONNX model")
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the folded model to write")
    parser.add_argument("--name", help="manifest entry name (default: the kind)")
    parser.add_argument("--samples", type=int, default=8, help="parity samples (default 8)")
    parser.add_argument(
        "--no-manifest", dest="manifest", action="store_false", help="do not write the entry"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args: Any = build_parser().parse_args(argv)
    try:
        result = fold(
            args.model,
            args.kind,
            args.out,
            name=args.name,
            samples=args.samples,
            manifest=args.manifest,
        )
    except OptimizeError as exc:
        print(f"fold: {exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {result.path} (sha256 {sha256_of(result.path)[:16]}): {result.stats}; "
        f"{result.parity}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
