"""Bulk recognition on Ray Data: ``python -m processor.bulk DIR_OR_FILE... --out out.jsonl``.

Images come from directories (searched recursively, as the batch CLI does), files, and
``--manifest`` files listing one path or URI a line (``oss://``, ``s3://``, ``gs://``,
``hdfs://``: whatever ``pyarrow.fs`` opens). A ``ray.data`` dataset of their names is read by
``map_batches`` with :class:`RecognizeBatch`, a stateful callable class: each of ``--actors``
Ray actors builds one :class:`~processor.serve.api.Recognizer` (the models loaded once per
actor) and reads its batch on ``--threads`` threads. Each record is the batch CLI's record
(``file``, ``code``, ``message``, ``data``: the HTTP API's answer) plus ``models``, the sha256
of every model file it was read with. Records are appended to the JSON-lines output as they
come back, so a run that stops resumes: the files already in the output are skipped (and a
run with nothing left starts no Ray job at all). ``--parquet`` also writes every record of
the output as one Parquet file at the end (a column per field; ``data`` and ``models`` as
JSON text).

Ray is the optional extra ``ray`` (``pip install .[ray]``), imported only here and only when
a job runs; the serving package and image do not carry it. ``--address`` joins a running
cluster (e.g. a PAI-DLC RayJob's, or ``auto``); without it a local one is started.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import logging
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from ..settings import Settings
from .api import Recognizer
from .batch import (
    FIELDS,
    Progress,
    Summary,
    Writer,
    batch_settings,
    discover,
    json_records,
    record,
)

#: A name with a scheme other than ``file`` is read through ``pyarrow.fs``.
_LOCAL_SCHEMES = ("", "file")


def is_uri(name: str) -> bool:
    scheme, sep, _ = name.partition("://")
    return bool(sep) and scheme.isidentifier() and scheme not in _LOCAL_SCHEMES


def key(name: str) -> str:
    """What identifies an input across runs: a URI as written, a path made absolute."""
    return name if is_uri(name) else os.path.abspath(name.removeprefix("file://"))


def read_manifest(path: Path) -> list[str]:
    """The paths or URIs of a manifest file, one a line (blank lines and ``#`` comments
    skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [s for s in (line.strip() for line in lines) if s and not s.startswith("#")]


def collect(inputs: Sequence[Path], manifests: Sequence[Path]) -> list[str]:
    """Every input once, in order: the batch CLI's discovery of ``inputs``, then the
    manifests' entries (a directory named in a manifest is expanded too)."""
    names = [str(p) for p in discover(inputs)]
    for manifest in manifests:
        for entry in read_manifest(manifest):
            if not is_uri(entry) and Path(entry).is_dir():
                names.extend(str(p) for p in discover([Path(entry)]))
            else:
                names.append(entry)
    seen: set[str] = set()
    out = []
    for name in names:
        if key(name) not in seen:
            seen.add(key(name))
            out.append(name)
    return out


def read_image(name: str) -> bytes:
    """The bytes of a local file or of a URI (through ``pyarrow.fs``); OSError when it
    cannot be read."""
    if not is_uri(name):
        return Path(name.removeprefix("file://")).read_bytes()
    from pyarrow import fs  # noqa: PLC0415 - with the ray extra only

    try:
        filesystem, path = fs.FileSystem.from_uri(name)
        with filesystem.open_input_stream(path) as stream:
            data: bytes = stream.read()
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) too
        raise OSError(str(exc)) from exc
    return data


def done_files(out: Path) -> set[str]:
    """The keys of the files already recorded in ``out`` (a broken last line is ignored)."""
    if not out.exists():
        return set()
    done: set[str] = set()
    with out.open(encoding="utf-8") as handle:
        for rec in json_records(handle):
            done.add(key(str(rec["file"])))
    return done


class RecognizeBatch:
    """The ``map_batches`` callable: built once per Ray actor, with the actor's own
    Recognizer (loaded here, so the models load once per actor) and ``threads`` threads.

    A batch ``{"file": [...]}`` -> ``{"file", "record", "error"}``: the record as a JSON
    string (the records' ``data`` differ in shape, so Arrow carries them as text), or an
    empty record and why the file could not be read."""

    def __init__(
        self, recognizer: Recognizer, *, threads: int, options: str, with_image: bool
    ) -> None:
        self.recognizer = recognizer.load()
        self.models = self.recognizer.models
        self.options = options
        self.with_image = with_image
        self.pool = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="bulk")

    def one(self, name: str) -> tuple[str, str]:
        try:
            raw = read_image(name)
        except OSError as exc:
            return "", exc.strerror or str(exc)
        result = self.recognizer.recognize(raw, self.options)
        rec = record(name, result, with_image=self.with_image)
        rec["models"] = self.models
        return json.dumps(rec, ensure_ascii=False), ""

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        files = [str(name) for name in batch["file"]]
        results = list(self.pool.map(self.one, files))
        return {
            "file": files,
            "record": [r for r, _ in results],
            "error": [e for _, e in results],
        }


def run(
    files: Iterable[str],
    out: Path,
    *,
    recognizer: Recognizer,
    actors: int,
    threads: int,
    cpus_per_actor: float = 1.0,
    batch_size: int = 4,
    options: str = "",
    with_image: bool = False,
    stream: TextIO | None = None,
) -> Summary:
    """Recognise ``files`` into ``out`` (JSON lines, resuming) on the Ray cluster this
    process is connected to (``ray.init`` first), ``actors`` actors × ``threads`` threads."""
    err = stream if stream is not None else sys.stderr
    done = done_files(out)
    files = list(files)
    todo = [name for name in files if key(name) not in done]
    summary = Summary(skipped=len(files) - len(todo))
    started = time.monotonic()
    if not todo:
        return summary
    import ray  # noqa: PLC0415 - the optional extra

    dataset = ray.data.from_items([{"file": name} for name in todo]).map_batches(
        RecognizeBatch,
        fn_constructor_kwargs={
            "recognizer": recognizer,
            "threads": threads,
            "options": options,
            "with_image": with_image,
        },
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=cpus_per_actor,
    )
    progress = Progress(len(todo), err)
    writer = Writer(out, "jsonl")
    try:
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            for name, text, problem in zip(
                batch["file"], batch["record"], batch["error"], strict=True
            ):
                if text:
                    rec = json.loads(str(text))
                    writer.write(rec)
                    summary.add(rec)
                else:
                    summary.unreadable.append(str(name))
                    err.write(f"\ncannot read {name}: {problem}\n")
                progress.advance()
    finally:
        writer.close()
        progress.finish()
        summary.seconds = time.monotonic() - started
    return summary


def write_parquet(jsonl: Path, parquet: Path) -> int:
    """Every record of ``jsonl`` as one Parquet file: ``file``, ``code``, ``message``, a
    column per field of the API (empty where absent), ``data`` and ``models`` as JSON text.
    Returns the number of rows."""
    import pyarrow as pa  # noqa: PLC0415 - with the ray extra only
    from pyarrow import parquet as pq  # noqa: PLC0415

    rows: dict[str, list[str]] = {n: [] for n in ("file", "code", "message", *FIELDS)}
    rows["data"], rows["models"] = [], []
    with jsonl.open(encoding="utf-8") as handle:
        for rec in json_records(handle):
            data = rec.get("data") or {}
            for name in ("file", "code", "message"):
                rows[name].append(str(rec[name]))
            for name in FIELDS:
                rows[name].append(str(data.get(name, "")))
            rows["data"].append(json.dumps(data, ensure_ascii=False))
            rows["models"].append(json.dumps(rec.get("models", {})))
    pq.write_table(pa.table(rows), parquet)
    return len(rows["file"])


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m processor.bulk", description=(__doc__ or "").split("\n\n")[0]
    )
    p.add_argument("inputs", nargs="*", type=Path, metavar="DIR_OR_FILE", help="images or dirs")
    p.add_argument(
        "--manifest",
        action="append",
        type=Path,
        default=[],
        help="a file of image paths or URIs, one a line (may be given more than once)",
    )
    p.add_argument("--out", type=Path, required=True, help="JSON-lines output (appends; resumes)")
    p.add_argument(
        "--parquet", type=Path, default=None, help="also write all the records as this .parquet"
    )
    p.add_argument("--actors", type=int, default=2, help="Ray actors, each with its models")
    p.add_argument("--threads", type=int, default=1, help="images read at once per actor")
    p.add_argument(
        "--intra-op-threads",
        type=int,
        default=1,
        help="onnxruntime threads per image (IDCARD_INTRA_OP_THREADS of each actor)",
    )
    p.add_argument("--cpus-per-actor", type=float, default=1.0, help="Ray num_cpus per actor")
    p.add_argument("--batch-size", type=int, default=4, help="images per map_batches call")
    p.add_argument("--options", default="", help="extras, e.g. confidence,warnings")
    p.add_argument("--with-image", action="store_true", help="keep the base64 images")
    p.add_argument(
        "--address", default=None, help="Ray cluster to join (default: start a local one)"
    )
    p.add_argument(
        "--num-cpus", type=int, default=None, help="CPUs of the local cluster (default: all)"
    )
    args = p.parse_args(argv)
    if not args.inputs and not args.manifest:
        p.error("give image files, directories or --manifest")
    if min(args.actors, args.threads, args.intra_op_threads, args.batch_size) < 1:
        p.error("--actors, --threads, --intra-op-threads and --batch-size must be positive")
    if args.out.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
        p.error(f"--out {args.out}: use a name ending in .jsonl")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from ..io.request import parse_options  # noqa: PLC0415

    logging.basicConfig(level=logging.WARNING)
    try:
        if args.options:
            parse_options(args.options)
    except ValueError as exc:
        print(f"bulk: {exc}", file=sys.stderr)
        return 2
    files = collect(args.inputs, args.manifest)
    settings: Settings = batch_settings(args.threads)
    recognizer = Recognizer(settings, threads=args.intra_op_threads)
    todo = len(files) - len(done_files(args.out).intersection(key(f) for f in files))
    if todo:
        try:
            import ray  # noqa: PLC0415 - the optional extra
        except ImportError:
            print(
                "bulk: Ray is not installed: pip install '.[ray]' (see make test-ray)",
                file=sys.stderr,
            )
            return 2
        ray.init(
            address=args.address,
            num_cpus=None if args.address else args.num_cpus,
            include_dashboard=False,
            logging_level=logging.WARNING,
        )
        ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        summary = run(
            files,
            args.out,
            recognizer=recognizer,
            actors=args.actors,
            threads=args.threads,
            cpus_per_actor=args.cpus_per_actor,
            batch_size=args.batch_size,
            options=args.options,
            with_image=args.with_image,
        )
    except KeyboardInterrupt:
        print("\ninterrupted: the records written so far are kept; run again to resume")
        return 130
    finally:
        if todo:
            import ray  # noqa: PLC0415

            ray.shutdown()
    print(summary.text(args.out), file=sys.stderr)
    if args.parquet is not None and args.out.exists():
        rows = write_parquet(args.out, args.parquet)
        print(f"wrote {rows} record(s) to {args.parquet}", file=sys.stderr)
    return 1 if summary.unreadable else 0
