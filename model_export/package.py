"""Build the deployable EAS processor package ``dist/idcard_ocr-<version>.tar.gz``.

Contents, at the archive root (so ``processor_entry`` is ``./app.py``)::

    app.py              the processor_entry
    processor/          the package (no tests, no synthcards, no bench, no caches)
    models/             the served models (processor.read.engine.SERVED_MODELS), sha256-checked
                        here, and a manifest.json naming only them
    requirements.txt    pyproject's [project.dependencies] (headless OpenCV only) + setuptools<82
    warmup.txt          EAS warm-up requests: one form body ``info=warmup&data=<base64>`` a line
    BUILD_INFO.json     version, git commit, file list with sha256
    ENV/                only with --env-dir: the Python environment EAS runs app.py with

The archive is reproducible: sorted entries, fixed mtime/owner, gzip without a timestamp.
Usage: ``python -m model_export package [--out-dir dist] [--model-dir models]``.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import tomllib

from processor import __version__
from processor.ocr.models import MANIFEST, read_manifest, sha256_of
from processor.read.engine import SERVED_MODELS

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "app.py"
#: allspark (Alibaba's SDK, present on EAS) imports pkg_resources, gone in setuptools 82.
EXTRA_REQUIREMENTS = ("setuptools<82",)
#: The GUI builds of OpenCV: never in the deployable environment (headless only).
_FORBIDDEN = {"opencv-python", "opencv-contrib-python"}
_MTIME = 1_700_000_000  # fixed timestamp for reproducible archives


class PackageError(RuntimeError):
    """The package cannot be built as specified."""


def _name(requirement: str) -> str:
    return re.split(r"[\s\[=<>!~;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def project_version(root: Path = ROOT) -> str:
    version = str(tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["version"])
    if version != __version__:
        raise PackageError(
            f"pyproject.toml says {version}, processor.__version__ says {__version__}"
        )
    return version


def requirements(root: Path = ROOT) -> str:
    """The runtime pins from pyproject, headless OpenCV only, plus setuptools<82."""
    deps = list(
        tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    )
    bad = [d for d in deps if _name(d) in _FORBIDDEN]
    if bad:
        raise PackageError(f"GUI OpenCV in the runtime dependencies: {bad}")
    if not any(_name(d) == "opencv-python-headless" for d in deps):
        raise PackageError("opencv-python-headless is missing from the runtime dependencies")
    unpinned = [d for d in deps if "==" not in d]
    if unpinned:
        raise PackageError(f"unpinned runtime dependencies: {unpinned}")
    lines = [
        f"# idcard-ocr {project_version(root)}: generated from pyproject.toml by "
        "`make build`; do not edit.",
        *deps,
        *EXTRA_REQUIREMENTS,
    ]
    return "\n".join(lines) + "\n"


def _card_image() -> bytes:
    """A synthetic card: synthcards when importable, else a simple drawn card-like image."""
    try:
        from synthcards import make_sample  # noqa: PLC0415 - dev tool, optional here

        return make_sample("scan", 0, 0).image
    except Exception:
        import cv2  # noqa: PLC0415
        import numpy as np  # noqa: PLC0415

        img = np.full((540, 856, 3), 235, np.uint8)
        cv2.rectangle(img, (20, 20), (836, 520), (200, 190, 170), -1)
        for k in range(6):
            cv2.putText(
                img,
                "WARMUP 0123456789",
                (80, 110 + 70 * k),
                cv2.FONT_HERSHEY_SIMPLEX,
                1.2,
                (40, 40, 40),
                2,
            )
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            raise PackageError("cannot encode the warm-up image") from None
        return bytes(buf)


def warmup_lines(images: list[bytes]) -> str:
    """EAS .txt warm-up format: one request body per line (our form body)."""
    bodies = [
        urllib.parse.urlencode({"info": "warmup", "data": base64.b64encode(img).decode()})
        for img in images
    ]
    return "".join(b + "\n" for b in bodies)


def _git_commit(root: Path) -> str:
    try:
        out = subprocess.run(  # noqa: S603 - fixed argv
            ["git", "-C", str(root), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _processor_files(root: Path) -> Iterator[Path]:
    for path in sorted((root / "processor").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def served_manifest(model_dir: Path) -> bytes:
    """``model_dir``'s manifest with the served entries only (what a deployment loads)."""
    raw = json.loads((model_dir / MANIFEST).read_text("utf-8"))
    raw["models"] = {n: e for n, e in raw["models"].items() if n in SERVED_MODELS}
    return (json.dumps(raw, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _model_files(model_dir: Path) -> list[Path]:
    """The served models' files (sha256-checked), not the manifest."""
    entries = read_manifest(model_dir)
    missing = [n for n in SERVED_MODELS if n not in entries]
    if missing:
        raise PackageError(f"{model_dir / MANIFEST} lists no {', '.join(missing)}")
    files = []
    for entry in (entries[n] for n in SERVED_MODELS):
        path = model_dir / entry.file
        if not path.is_file():
            hint = "run `make models`" if entry.wheel_member else "it is committed: git checkout"
            raise PackageError(f"{path} is missing: {hint}")
        if sha256_of(path) != entry.sha256:
            raise PackageError(f"{path} does not match its manifest sha256")
        files.append(path)
    return files


def _add(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), _MTIME, mode
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


def _add_tree(tar: tarfile.TarFile, src: Path, arcname: str) -> None:
    for path in sorted(src.rglob("*")):
        rel = f"{arcname}/{path.relative_to(src).as_posix()}"
        if path.is_symlink():
            info = tarfile.TarInfo(rel)
            info.type, info.linkname, info.mtime = tarfile.SYMTYPE, str(path.readlink()), _MTIME
            tar.addfile(info)
        elif path.is_file():
            _add(tar, rel, path.read_bytes(), 0o755 if path.stat().st_mode & 0o111 else 0o644)


def build(
    out_dir: Path,
    *,
    root: Path = ROOT,
    model_dir: Path | None = None,
    env_dir: Path | None = None,
) -> Path:
    version = project_version(root)
    model_dir = model_dir or root / "models"
    files: dict[str, bytes] = {ENTRY: (root / ENTRY).read_bytes()}
    for path in _processor_files(root):
        files[path.relative_to(root).as_posix()] = path.read_bytes()
    files[f"models/{MANIFEST}"] = served_manifest(model_dir)
    for path in _model_files(model_dir):
        files[f"models/{path.name}"] = path.read_bytes()
    files["requirements.txt"] = requirements(root).encode()
    files["warmup.txt"] = warmup_lines([_card_image()]).encode()
    info = {
        "name": "idcard_ocr",
        "version": version,
        "commit": _git_commit(root),
        "processor_entry": f"./{ENTRY}",
        "files": {n: hashlib.sha256(b).hexdigest() for n, b in sorted(files.items())},
    }
    files["BUILD_INFO.json"] = (json.dumps(info, indent=2, ensure_ascii=False) + "\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"idcard_ocr-{version}.tar.gz"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            _add(tar, name, files[name])
        if env_dir is not None:
            if not (env_dir / "bin" / "python").exists():
                raise PackageError(f"{env_dir} has no bin/python: not a Python environment")
            _add_tree(tar, env_dir, "ENV")
    tmp = target.with_suffix(".tmp")
    with tmp.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(raw.getvalue())
    tmp.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m model_export package",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--out-dir", type=Path, default=Path("dist"))
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="models and manifest.json to ship (default: ./models)",
    )
    parser.add_argument(
        "--env-dir",
        type=Path,
        default=None,
        help="a Python environment to ship as ENV/ (see docs/DEPLOY.md)",
    )
    parser.add_argument(
        "--print-requirements",
        action="store_true",
        help="print the generated requirements.txt and exit",
    )
    args = parser.parse_args(argv)
    try:
        if args.print_requirements:
            print(requirements(), end="")
            return 0
        target = build(args.out_dir, model_dir=args.model_dir, env_dir=args.env_dir)
    except (PackageError, OSError, ValueError) as exc:
        print(f"package: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
