"""Command line: ``python -m processor serve`` and ``python -m processor recognize IMAGE...``."""

from __future__ import annotations

import argparse
import base64
import json
import logging
import sys
from pathlib import Path

from .settings import Settings


def _recognize(args: argparse.Namespace) -> int:
    from .client import decode_response  # noqa: PLC0415
    from .service import OcrService  # noqa: PLC0415

    logging.basicConfig(level=logging.WARNING)
    service = OcrService.create(Settings.from_env(data_format="string"))
    worst = 0
    try:
        for path in args.images:
            try:
                raw = Path(path).read_bytes()
            except OSError as exc:
                print(json.dumps({"file": str(path), "error": exc.strerror}, ensure_ascii=False))
                worst = 1
                continue
            result = decode_response(service.handle(base64.b64encode(raw)).body)
            if not args.with_image and "idcard_image" in result["data"]:
                result["data"]["idcard_image"] = (
                    f"<{len(result['data']['idcard_image'])} base64 chars>"
                )
            print(json.dumps({"file": str(path), **result}, ensure_ascii=False))
    finally:
        service.close()
    return worst


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
    rec = sub.add_parser("recognize", help="read ID card images, print one JSON result per image")
    rec.add_argument("images", nargs="+", type=Path)
    rec.add_argument("--with-image", action="store_true", help="include the base64 idcard_image")
    rec.set_defaults(func=_recognize)
    serve = sub.add_parser("serve", help="run the local HTTP server (HOST, PORT, IDCARD_* env)")
    serve.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
