"""Command line: ``python -m processor serve`` and ``python -m processor recognize IMAGE...``
(``--out results.jsonl|.csv`` for a parallel, resumable batch run)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from ..settings import Settings


def _recognize(args: argparse.Namespace) -> int:
    from ..io.request import parse_options  # noqa: PLC0415
    from .api import Recognizer  # noqa: PLC0415
    from .batch import BatchError, discover, output_format, record  # noqa: PLC0415

    logging.basicConfig(level=logging.WARNING)
    try:
        if args.options:
            parse_options(args.options)
        if args.out is not None:
            output_format(args.out)
    except (BatchError, ValueError) as exc:
        print(f"recognize: {exc}", file=sys.stderr)
        return 2
    files = discover(args.images)
    if args.out is not None:
        return _batch(args, files)
    worst = 0
    with Recognizer(Settings.from_env(data_format="string")) as recognizer:
        for path in files:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                print(json.dumps({"file": str(path), "error": exc.strerror}, ensure_ascii=False))
                worst = 1
                continue
            result = recognizer.recognize(raw, args.options)
            print(
                json.dumps(
                    record(str(path), result, with_image=args.with_image), ensure_ascii=False
                )
            )
    return worst


def _batch(args: argparse.Namespace, files: list[Path]) -> int:
    from .api import Recognizer  # noqa: PLC0415
    from .batch import batch_settings, run  # noqa: PLC0415

    workers = args.workers or max(1, min(4, os.cpu_count() or 1))
    recognizer = Recognizer(batch_settings(workers)).load()
    try:
        summary = run(
            recognizer,
            files,
            args.out,
            workers=workers,
            options=args.options,
            with_image=args.with_image,
        )
    except KeyboardInterrupt:
        return 130
    finally:
        recognizer.close()
    print(summary.text(args.out), file=sys.stderr)
    return 1 if summary.unreadable else 0


def _serve(_args: argparse.Namespace) -> int:
    from .eas import IdCardProcessor  # noqa: PLC0415

    settings = Settings.from_env()
    IdCardProcessor(
        worker_threads=settings.worker_threads, endpoint=f"{settings.host}:{settings.port}"
    ).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m processor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser(
        "recognize",
        help="read ID card images: one JSON result per image on stdout, or --out a file",
    )
    rec.add_argument(
        "images", nargs="+", type=Path, metavar="DIR_OR_FILE", help="images, or directories"
    )
    rec.add_argument(
        "--with-image", action="store_true", help="include the base64 idcard_image / portrait"
    )
    rec.add_argument(
        "--options", default="", help="extras to ask for, e.g. confidence,location,warnings"
    )
    rec.add_argument(
        "--out",
        type=Path,
        help="write records to this .jsonl or .csv (appends; files already in it are skipped)",
    )
    rec.add_argument(
        "--workers", type=int, default=0, help="images recognised at once (default: cores, max 4)"
    )
    rec.set_defaults(func=_recognize)
    serve = sub.add_parser("serve", help="run the local HTTP server (HOST, PORT, IDCARD_* env)")
    serve.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    return int(args.func(args))
