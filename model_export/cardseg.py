"""``python -m model_export cardseg {data,train,export}``: the card-segmentation model.

A small encoder-decoder that predicts the ID card's mask in a 256 x 256 (squashed) copy
of the photo; ``processor.card.segmenter`` turns the mask into the card's quadrilateral. It is
trained only on the project's own generator (``synthcards``), never on the benchmark's
seed (0) or the golden seed::

    python -m model_export cardseg data   --out /tmp/cardseg-data        (renders, no torch)
    python -m model_export cardseg train  --data /tmp/cardseg-data --out /tmp/cardseg.pt
    python -m model_export cardseg export --weights /tmp/cardseg.pt --model-dir models

``train`` and ``export`` need torch (``pip install -e '.[dev,train]'``, ``make train-cardseg``).
The served second look, card_seg_light, is card_seg trained on from its exported model under
white-balance casts and cast shadows (``make train-cardseg-light``)::

    python -m model_export cardseg train  --data /tmp/cardseg-data --out /tmp/cardseg-light.pt
        --init models/card_seg.onnx --epochs 8 --lr 1e-3                     (one command)
    python -m model_export cardseg export --weights /tmp/cardseg-light.pt --name card_seg_light
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from processor.card import segmenter as served

if TYPE_CHECKING:
    from synthcards import Sample

#: Model input side (the photo is squashed to SIDE x SIDE) and the mask it predicts: the
#: processor's.
SIDE = served.SIDE
OPSET = 17
MODEL_NAME = served.MODEL_NAME
#: card_seg trained on from its exported model under casts and cast shadows (``--init
#: models/card_seg.onnx``): the served second look.
LIGHT_MODEL_NAME = served.LIGHT_MODEL_NAME
#: How each served model is made (its manifest entry's source).
RECIPES = {
    MODEL_NAME: "trained: python -m model_export cardseg (make train-cardseg); committed",
    LIGHT_MODEL_NAME: "trained: python -m model_export cardseg train --init models/card_seg.onnx "
    "--epochs 8 --lr 1e-3 on the default mix (make train-cardseg-light); committed",
}
#: The only style family the model is trained on: the renderer's domain-randomised ``tuned``
#: family. ``heldout`` is the generalisation split and must never be rendered for training.
TRAIN_STYLE = "tuned"
#: ``hard+small``: the hard scene with its ``small`` effect always on (a card of 330-450 px in a
#: cluttered frame, alone or with one other hard effect): the shots where the mask leaked onto
#: a phone or papers beside the card.
SMALL_HARD = "hard+small"
#: Default training mix: scene -> number of samples (``--mix`` may add SMALL_HARD). Seeds start
#: at DATA_SEED.
DEFAULT_MIX = {"photo": 1400, "hard": 1400, "scan": 300, "negative": 500}
DATA_SEED = 1000
SHARD = 100
#: Rendered data and trained weights live outside the repository.
DEFAULT_DATA = Path(tempfile.gettempdir()) / "cardseg-data"
DEFAULT_WEIGHTS = Path(tempfile.gettempdir()) / "cardseg.pt"


def _forbidden_seed(seed: int) -> bool:
    from synthcards.scenes import GOLDEN_SEED  # noqa: PLC0415 - dev-only dependency

    return seed in (0, GOLDEN_SEED)


def render_sample(scene: str, index: int, seed: int) -> Sample:
    """The ``synthcards`` sample of a training-mix entry, always in TRAIN_STYLE."""
    from synthcards import make_sample  # noqa: PLC0415 - dev-only dependency
    from synthcards.scenes import STYLED_HARD_EFFECTS, _build, _Options  # noqa: PLC0415

    if _forbidden_seed(seed):
        raise ValueError(f"seed {seed} is the benchmark's or the golden set's")
    if scene != SMALL_HARD:
        sample = make_sample(scene, index, seed, style=TRAIN_STYLE)
    else:
        rng = np.random.default_rng([seed, index, 0x5A11])
        others = [e for e in STYLED_HARD_EFFECTS if e != "small"]
        fx = ("small",) if rng.random() < 0.5 else ("small", others[int(rng.integers(len(others)))])
        # its own index range, so that it never repeats a sample of the plain hard scene
        sample = _build("hard", 100_000 + index, seed, _Options(effects=fx), style=TRAIN_STYLE)
    if sample.meta.get("style") != TRAIN_STYLE:
        raise ValueError(f"rendered style {sample.meta.get('style')!r}, not {TRAIN_STYLE!r}")
    return sample


def sample_arrays(scene: str, index: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One rendered sample as (SIDE x SIDE x 3 BGR uint8, SIDE x SIDE uint8 mask 0/1)."""
    sample = render_sample(scene, index, seed)
    image = cv2.imdecode(np.frombuffer(sample.image, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot decode sample {scene}/{index}/{seed}")
    h, w = image.shape[:2]
    small = cv2.resize(image, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    mask = np.zeros((SIDE, SIDE), np.uint8)
    if sample.corners is not None:
        pts = np.asarray(sample.corners, np.float64) * (SIDE / w, SIDE / h)
        cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], 1, cv2.LINE_8, shift=4)
    return small, mask


def _render_shard(job: tuple[str, int, int, int, str]) -> str:
    scene, start, count, seed, out = job
    path = Path(out) / f"{scene}-s{seed}-{start:05d}.npz"
    if path.is_file():
        return str(path)
    pairs = [sample_arrays(scene, i, seed) for i in range(start, start + count)]
    images, masks = [p[0] for p in pairs], [p[1] for p in pairs]
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, images=np.stack(images), masks=np.stack(masks))
    tmp.replace(path)
    return str(path)


def make_data(out: Path, mix: dict[str, int], seed: int, workers: int) -> list[Path]:
    """Render ``mix`` into shards of SHARD samples under ``out`` (existing shards are kept)."""
    if _forbidden_seed(seed):
        raise SystemExit(f"seed {seed} is the benchmark's or the golden set's; use another")
    out.mkdir(parents=True, exist_ok=True)
    jobs = [
        (scene, start, min(SHARD, n - start), seed, str(out))
        for scene, n in mix.items()
        for start in range(0, n, SHARD)
    ]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        paths = [Path(p) for p in pool.map(_render_shard, jobs)]
    return paths


def load_data(data: Path) -> tuple[np.ndarray, np.ndarray]:
    images, masks = [], []
    for path in sorted(data.glob("*.npz")):
        if path.name.endswith(".tmp.npz"):
            continue
        with np.load(path) as z:
            images.append(z["images"])
            masks.append(z["masks"])
    if not images:
        raise SystemExit(f"no shards in {data} (run `cardseg data` first)")
    return np.concatenate(images), np.concatenate(masks)


# --- model and training (torch) -------------------------------------------------------------


def build_model() -> Any:
    """A tiny U-Net: depthwise-separable encoder to 1/32, decoder back to 1/4, logits upsampled
    to the input size. Input: float32 BGR 0..255, N x 3 x SIDE x SIDE; output: N x 1 x SIDE x
    SIDE logits."""
    import torch  # noqa: PLC0415 - optional dependency (the train extra)
    from torch import nn  # noqa: PLC0415
    from torch.nn import functional as F  # noqa: PLC0415

    def conv_bn(cin: int, cout: int, k: int = 3, stride: int = 1, groups: int = 1) -> nn.Module:
        return nn.Sequential(
            nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        )

    def sep(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Module:
        return nn.Sequential(
            nn.Conv2d(cin, cin, 3, stride, dilation, dilation=dilation, groups=cin, bias=False),
            nn.BatchNorm2d(cin),
            nn.ReLU(inplace=True),
            conv_bn(cin, cout, 1),
        )

    class TinyUNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem = conv_bn(3, 16, 3, 2)  # 1/2
            self.enc1 = nn.Sequential(sep(16, 24, 2), sep(24, 24))  # 1/4
            self.enc2 = nn.Sequential(sep(24, 40, 2), sep(40, 40))  # 1/8
            self.enc3 = nn.Sequential(sep(40, 64, 2), sep(64, 64))  # 1/16
            self.enc4 = nn.Sequential(sep(64, 96, 2), sep(96, 96, dilation=2), sep(96, 96))
            self.dec3 = sep(96 + 64, 64)
            self.dec2 = sep(64 + 40, 40)
            self.dec1 = sep(40 + 24, 24)
            self.head = nn.Conv2d(24, 1, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = x * (1.0 / 255.0) - 0.5
            s1 = self.enc1(self.stem(x))
            s2 = self.enc2(s1)
            s3 = self.enc3(s2)
            y = self.enc4(s3)
            for skip, dec in ((s3, self.dec3), (s2, self.dec2), (s1, self.dec1)):
                y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
                y = dec(torch.cat([y, skip], dim=1))
            y = self.head(y)
            return F.interpolate(y, scale_factor=4.0, mode="bilinear", align_corners=False)

    return TinyUNet()


#: Share of training images given a white-balance cast (``synthcards.effects.white_balance``:
#: a phone under tungsten or shade light) and a cast shadow (``synthcards.effects.cast_shadow``:
#: a phone or hand held over the card; its edge blurred over SHADOW_SOFT_PX of the SIDE input).
#: The model trained without them saw the card as card on 45 of 100 shadowed and 61 of 100
#: tinted photos, against 82 of the same photos plain.
CAST_SHARE = 0.3
SHADOW_SHARE = 0.3
SHADOW_SOFT_PX = (0.5, 6.0)


def _lighting(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``img`` (float32 SIDE x SIDE x 3) under a random white-balance cast and cast shadow."""
    from synthcards import effects  # noqa: PLC0415 - dev-only dependency

    if rng.random() < CAST_SHARE:
        img = effects.white_balance(img, rng)
    if rng.random() < SHADOW_SHARE:
        img = effects.cast_shadow(img, rng, soft_px=SHADOW_SOFT_PX)
    return img


def _augment(
    images: np.ndarray, masks: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Flips, quarter turns (a square input keeps the mask valid), brightness/contrast, casts
    and cast shadows (:func:`_lighting`)."""
    out_i, out_m = images.copy(), masks.copy()
    for n in range(len(out_i)):
        k = int(rng.integers(4))
        img, msk = np.rot90(out_i[n], k), np.rot90(out_m[n], k)
        if rng.random() < 0.5:
            img, msk = img[:, ::-1], msk[:, ::-1]
        gain = float(rng.uniform(0.7, 1.3))
        bias = float(rng.uniform(-30, 30))
        img = np.clip(_lighting(img.astype(np.float32), rng) * gain + bias, 0, 255)
        if rng.random() < 0.2:
            img = img.mean(axis=2, keepdims=True).repeat(3, axis=2)
        out_i[n], out_m[n] = img.astype(np.uint8), msk
    return out_i, out_m


def train(
    data: Path,
    out: Path,
    *,
    epochs: int,
    batch: int,
    lr: float,
    seed: int,
    threads: int,
    init: Path | None = None,
) -> dict[str, float]:
    """Train on the shards in ``data`` (5% held out), save the state dict to ``out``; from the
    weights in ``init`` when given (a second learning-rate cycle), else from scratch."""
    import torch  # noqa: PLC0415
    from torch.nn import functional as F  # noqa: PLC0415

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(seed)
    images, masks = load_data(data)
    order = rng.permutation(len(images))
    n_val = max(16, len(images) // 20)
    val, tr = order[:n_val], order[n_val:]
    model = build_model()
    frozen_norms = False
    if init is not None:
        frozen_norms = init.suffix == ".onnx"
        state = (
            state_from_onnx(init)
            if frozen_norms
            else torch.load(init, map_location="cpu", weights_only=True)
        )
        model.load_state_dict(state)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * (len(tr) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)

    def tensors(idx: np.ndarray, aug: bool) -> tuple[torch.Tensor, torch.Tensor]:
        im, mk = images[idx], masks[idx]
        if aug:
            im, mk = _augment(im, mk, rng)
        x = torch.from_numpy(np.ascontiguousarray(im.transpose(0, 3, 1, 2))).float()
        y = torch.from_numpy(np.ascontiguousarray(mk[:, None])).float()
        return x, y

    def loss_fn(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        bce = F.binary_cross_entropy_with_logits(logits, y)
        p = torch.sigmoid(logits)
        inter = (p * y).sum(dim=(1, 2, 3))
        dice = 1 - (2 * inter + 1) / (p.sum(dim=(1, 2, 3)) + y.sum(dim=(1, 2, 3)) + 1)
        return bce + dice.mean()

    metrics: dict[str, float] = {}
    for epoch in range(epochs):
        model.train()
        if frozen_norms:  # the exported model's statistics are folded in: keep them
            for module in model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.eval()
        perm = rng.permutation(tr)
        total = 0.0
        for b in range(len(tr) // batch):
            x, y = tensors(np.sort(perm[b * batch : (b + 1) * batch]), aug=True)
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
        model.eval()
        ious = []
        with torch.no_grad():
            for b in range(0, len(val), 32):
                x, y = tensors(np.sort(val[b : b + 32]), aug=False)
                pred = (model(x) > 0).float()
                inter = (pred * y).sum(dim=(1, 2, 3))
                union = ((pred + y) > 0).float().sum(dim=(1, 2, 3))
                ious += [1.0 if u == 0 else float(i / u) for i, u in zip(inter, union, strict=True)]
        metrics = {
            "epoch": epoch + 1,
            "train_loss": total / max(1, len(tr) // batch),
            "val_iou": float(np.mean(ious)),
        }
        print(json.dumps(metrics), flush=True)
        torch.save(model.state_dict(), out)
    return metrics


def _parity(model: Any, path: Path, x: np.ndarray) -> tuple[float, float]:
    """How the torch ``model`` (in eval mode) and the ONNX model at ``path`` differ on the
    images ``x`` (N x 3 x SIDE x SIDE): the largest logit difference and the share of mask
    pixels they agree on."""
    import onnxruntime as ort  # noqa: PLC0415
    import torch  # noqa: PLC0415

    with torch.no_grad():
        ref = model(torch.from_numpy(x)).numpy()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    return float(np.abs(got - ref).max()), float(((got > 0) == (ref > 0)).mean())


def state_from_onnx(path: Path) -> dict[str, Any]:
    """The :func:`build_model` state of an exported model (``path``), so that training can go
    on from the committed model when its torch weights are gone. The export folded each batch
    norm into the convolution before it; here each convolution gets the folded weights and its
    batch norm the folded bias, with statistics that leave it the identity (mean 0, variance
    1 - eps): in eval mode the model computes what the ONNX model does (checked here)."""
    import onnx  # noqa: PLC0415
    import torch  # noqa: PLC0415
    from onnx import numpy_helper  # noqa: PLC0415

    graph = onnx.load(str(path)).graph
    weights = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    # the convolutions in graph order: (weight, bias) inputs of each Conv node
    folded = [
        (weights[node.input[1]], weights[node.input[2]])
        for node in graph.node
        if node.op_type == "Conv" and node.input[1] in weights
    ]
    model = build_model()
    state: dict[str, Any] = model.state_dict()
    convs = [
        (name, module)
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Conv2d)
    ]
    if len(convs) != len(folded):
        raise SystemExit(f"{path}: {len(folded)} convolutions, the model has {len(convs)}")
    norms = {
        name: module
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.BatchNorm2d)
    }
    for (name, conv), (weight, bias) in zip(convs, folded, strict=True):
        if tuple(conv.weight.shape) != weight.shape:
            raise SystemExit(f"{path}: {name} is {tuple(conv.weight.shape)}, not {weight.shape}")
        state[f"{name}.weight"] = torch.from_numpy(weight.copy())
        if conv.bias is not None:
            state[f"{name}.bias"] = torch.from_numpy(bias.copy())
            continue
        # the batch norm that follows it: nn.Sequential's next index
        head, _, index = name.rpartition(".")
        norm_name = f"{head}.{int(index) + 1}" if head else str(int(index) + 1)
        norm = norms[norm_name]
        state[f"{norm_name}.weight"] = torch.ones_like(norm.weight)
        state[f"{norm_name}.bias"] = torch.from_numpy(bias.copy())
        state[f"{norm_name}.running_mean"] = torch.zeros_like(norm.running_mean)
        state[f"{norm_name}.running_var"] = torch.full_like(norm.running_var, 1.0 - norm.eps)
    model.load_state_dict(state)
    model.eval()
    x = np.random.default_rng(0).uniform(0, 255, (2, 3, SIDE, SIDE)).astype(np.float32)
    diff, _ = _parity(model, path, x)
    if diff > 1e-3:
        raise SystemExit(f"{path}: the rebuilt model differs from it (max |logit diff| {diff})")
    return state


def export(
    weights: Path, model_dir: Path, *, data: Path | None, seed: int, name: str = MODEL_NAME
) -> Path:
    """Export to ONNX (opset OPSET, input ``image``, output ``mask_logits``, dynamic batch),
    check parity with torch, write models/<name>.onnx and its manifest entry (``name``: one
    of :data:`RECIPES`)."""
    import torch  # noqa: PLC0415

    from ._manifest import make_entry, write_entry  # noqa: PLC0415

    if name not in RECIPES:
        raise SystemExit(f"no recipe for {name!r}: one of {sorted(RECIPES)}")
    torch.manual_seed(seed)
    model = build_model()
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    model.eval()
    target = model_dir / f"{name}.onnx"
    dummy = torch.zeros(1, 3, SIDE, SIDE)
    torch.onnx.export(
        model,
        (dummy,),
        str(target),
        input_names=["image"],
        output_names=["mask_logits"],
        dynamic_axes={"image": {0: "batch"}, "mask_logits": {0: "batch"}},
        opset_version=OPSET,
        dynamo=False,
    )
    if data is not None and any(data.glob("*.npz")):
        images, _ = load_data(data)
        pick = np.random.default_rng(seed).choice(len(images), size=min(8, len(images)))
        x = images[np.sort(pick)].transpose(0, 3, 1, 2).astype(np.float32)
    else:
        x = np.random.default_rng(seed).uniform(0, 255, (4, 3, SIDE, SIDE)).astype(np.float32)
    diff, agree = _parity(model, target, x)
    print(f"parity: max |logit diff| {diff:.2e}, mask agreement {agree:.6f}")
    if diff > 1e-3 or agree < 0.9999:
        target.unlink()
        raise SystemExit(f"ONNX export does not match torch (max diff {diff}, agree {agree})")
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:12]
    entry = make_entry(
        name,
        target,
        version=f"cardseg tiny U-Net {SIDE}px, opset {OPSET}, weights {digest}",
        source=RECIPES[name],
    )
    write_entry(model_dir, entry)
    return target


def _parse_mix(text: str) -> dict[str, int]:
    mix = {}
    for part in text.split(","):
        scene, _, n = part.partition("=")
        mix[scene.strip()] = int(n)
    return mix


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m model_export cardseg", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("data", help="render training samples into .npz shards (no torch)")
    p.add_argument("--out", type=Path, default=DEFAULT_DATA)
    p.add_argument(
        "--mix",
        type=_parse_mix,
        default=DEFAULT_MIX,
        help="scene=count,... (default %(default)s)",
    )
    p.add_argument("--seed", type=int, default=DATA_SEED)
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("train", help="train the model on the rendered shards (torch)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, default=DEFAULT_WEIGHTS)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=4e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    p.add_argument(
        "--init",
        type=Path,
        default=None,
        help="start from these weights (.pt), or from an exported model (.onnx: its batch "
        "norms folded, so they stay frozen)",
    )
    p = sub.add_parser("export", help="export to ONNX with a parity check, into the manifest")
    p.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    p.add_argument("--name", choices=sorted(RECIPES), default=MODEL_NAME)
    p.add_argument("--model-dir", type=Path, default=Path("models"))
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "train":
        metrics = train(
            args.data,
            args.out,
            epochs=args.epochs,
            batch=args.batch,
            lr=args.lr,
            seed=args.seed,
            threads=args.threads,
            init=args.init,
        )
        print(f"saved {args.out}: {metrics}")
        return 0
    if args.command == "export":
        path = export(args.weights, args.model_dir, data=args.data, seed=args.seed, name=args.name)
        print(f"wrote {path} ({path.stat().st_size} bytes) and its manifest entry")
        return 0
    if args.command == "data":
        paths = make_data(args.out, args.mix, args.seed, args.workers)
        print(f"{len(paths)} shards in {args.out}")
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
