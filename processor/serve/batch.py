"""Batch recognition: ``python -m processor recognize DIR_OR_FILES --out results.jsonl``.

Images (files, or directories searched recursively for image suffixes) are read by
``--workers`` threads sharing one :class:`~processor.serve.api.Recognizer` (onnxruntime
releases the GIL), whose answers go through the same boundary as the server's, so every
record is what the HTTP API would answer. Records are appended as they finish (JSON lines,
or CSV when the output's name ends in ``.csv``), so an interrupted run resumes where it
stopped: files already in the output are skipped. A progress line on stderr, and a summary
of the codes at the end.
"""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ..errors import Code
from ..settings import Settings

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff", ".avif"}
)
FIELDS = ("type", "name", "gender", "race", "birth", "address", "id_no", "issued_by", "valid_date")
CSV_COLUMNS = ("file", "code", "message", *FIELDS, "extras")
_BULKY = ("idcard_image", "portrait")


def batch_settings(workers: int) -> Settings:
    """The settings of a batch run with ``workers`` images at once: the environment's, with a
    deadline long enough for a loaded machine (the bulk runner uses the same)."""
    env = Settings.from_env()
    return Settings.from_env(
        data_format="string",
        worker_threads=workers,
        max_queue=workers * 4,
        request_timeout=max(env.request_timeout, 120.0),
    )


class BatchError(ValueError):
    """The command line asks for something that cannot be done (message for the user)."""


def discover(inputs: Sequence[Path]) -> list[Path]:
    """Files as given, directories expanded to their images (sorted, recursive); no repeats."""
    seen: set[str] = set()
    out: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found = sorted(
                p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
            )
        else:
            found = [item]
        for path in found:
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                out.append(path)
    return out


def output_format(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise BatchError(f"--out {out}: use a name ending in .jsonl or .csv")


def done_files(out: Path, fmt: str) -> set[str]:
    """Absolute paths of the files already recorded in ``out`` (a broken last line, from an
    interrupted run, is ignored and its file done again)."""
    if not out.exists():
        return set()
    done: set[str] = set()
    with out.open(encoding="utf-8", newline="") as handle:
        if fmt == "csv":
            for row in csv.DictReader(handle):
                if row.get("file") and row.get("code"):
                    done.add(os.path.abspath(row["file"]))
        else:
            for record in json_records(handle):
                done.add(os.path.abspath(str(record["file"])))
    return done


def json_records(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The records of a JSON-lines output (objects with a ``file`` and a ``code``); a broken
    line, the last one of an interrupted run, is skipped."""
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "file" in record and "code" in record:
            yield record


def slim(data: dict[str, Any], *, with_image: bool) -> dict[str, Any]:
    """``data`` with the base64 images replaced by their length, unless ``with_image``."""
    if with_image:
        return data
    return {
        k: (f"<{len(v)} base64 chars>" if k in _BULKY and isinstance(v, str) else v)
        for k, v in data.items()
    }


def csv_row(record: dict[str, Any]) -> dict[str, str]:
    data = record.get("data") or {}
    row = {"file": str(record["file"]), "code": record["code"], "message": record["message"]}
    for name in FIELDS:
        row[name] = str(data.get(name, ""))
    extras = {k: v for k, v in data.items() if k not in FIELDS and k != "idcard_image"}
    row["extras"] = json.dumps(extras, ensure_ascii=False) if extras else ""
    return row


class Writer:
    """Appends records to the output, flushing each (an interruption loses nothing)."""

    def __init__(self, out: Path, fmt: str) -> None:
        self.fmt = fmt
        fresh = not out.exists() or out.stat().st_size == 0
        if not fresh:
            with out.open("rb") as handle:
                handle.seek(-1, os.SEEK_END)
                broken = handle.read(1) != b"\n"
        else:
            broken = False
        self._handle: TextIO = out.open("a", encoding="utf-8", newline="")
        if broken:  # an interrupted write: start the next record on its own line
            self._handle.write("\n" if fmt == "jsonl" else "\r\n")
        self._csv = csv.DictWriter(self._handle, CSV_COLUMNS) if fmt == "csv" else None
        if self._csv is not None and fresh:
            self._csv.writeheader()

    def write(self, record: dict[str, Any]) -> None:
        if self._csv is not None:
            self._csv.writerow(csv_row(record))
        else:
            self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


class Progress:
    """A progress line on stderr: redrawn in place on a terminal, a plain line every few
    seconds otherwise (logs, CI)."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 28) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._last = 0.0
        self.done = 0

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        frac = self.done / self.total if self.total else 1.0
        filled = int(frac * self.width)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        return (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
            f"{frac * 100:3.0f}%  {rate:.2f} img/s  ETA {_clock(eta)}"
        )

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last < (0.1 if self.tty else 5.0) and self.done < self.total:
            return
        self._last = now
        if self.tty:
            self.stream.write("\r" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    s = round(seconds)
    return (
        f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


@dataclasses.dataclass
class Summary:
    codes: Counter[str] = dataclasses.field(default_factory=Counter)
    messages: dict[str, str] = dataclasses.field(default_factory=dict)
    unreadable: list[str] = dataclasses.field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0

    def add(self, record: dict[str, Any]) -> None:
        code = str(record["code"])
        self.codes[code] += 1
        if code not in self.messages or code == Code.ERROR.value:
            self.messages[code] = str(record["message"])

    def text(self, out: Path | None) -> str:
        total = sum(self.codes.values())
        rate = total / self.seconds if self.seconds > 0 else 0.0
        lines = [f"processed {total} image(s) in {self.seconds:.1f} s ({rate:.2f} img/s)"]
        if self.skipped:
            lines.append(f"skipped {self.skipped} already in {out}")
        if self.unreadable:
            lines.append(f"could not read {len(self.unreadable)} file(s) (not recorded, retried)")
        order = sorted(self.codes, key=lambda c: (c == Code.ERROR.value, c))
        for code in order:
            known = code in {c.value for c in Code} and code != Code.ERROR.value
            message = Code(code).message if known else "error"
            line = f"  {code:>4}  {message:<28} {self.codes[code]:>6}"
            if not known:
                line += f"   (last: {self.messages.get(code, '')})"
            lines.append(line)
        return "\n".join(lines)


def recognize_one(recognizer: Any, path: Path, options: str, with_image: bool) -> dict[str, Any]:
    """One file -> its record (``recognizer``: a :class:`~processor.serve.api.Recognizer`);
    raises OSError when the file cannot be read."""
    raw = path.read_bytes()
    result = recognizer.recognize(raw, options)
    return record(str(path), result, with_image=with_image)


def record(file: str, result: dict[str, Any], *, with_image: bool) -> dict[str, Any]:
    """The record of one file from its answer (``data`` slimmed unless ``with_image``)."""
    return {
        "file": file,
        "code": result["code"],
        "message": result["message"],
        "data": slim(result["data"], with_image=with_image),
    }


def run(
    recognizer: Any,
    files: Iterable[Path],
    out: Path,
    *,
    workers: int,
    options: str = "",
    with_image: bool = False,
    stream: TextIO | None = None,
) -> Summary:
    """Recognise ``files`` into ``out`` (resuming), ``workers`` at a time."""
    err = stream if stream is not None else sys.stderr
    fmt = output_format(out)
    done = done_files(out, fmt)
    files = list(files)
    todo = [p for p in files if os.path.abspath(p) not in done]
    summary = Summary(skipped=len(files) - len(todo))
    started = time.monotonic()
    progress = Progress(len(todo), err)
    writer = Writer(out, fmt)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch")
    try:
        futures = {
            pool.submit(recognize_one, recognizer, path, options, with_image): path for path in todo
        }
        for future in concurrent.futures.as_completed(futures):
            try:
                record = future.result()
            except OSError as exc:
                summary.unreadable.append(str(futures[future]))
                err.write(f"\ncannot read {futures[future]}: {exc.strerror or exc}\n")
            else:
                writer.write(record)
                summary.add(record)
            progress.advance()
    except KeyboardInterrupt:
        err.write("\ninterrupted: the records written so far are kept; run again to resume\n")
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        writer.close()
        progress.finish()
        summary.seconds = time.monotonic() - started
    return summary
