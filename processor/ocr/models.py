"""Model files: the manifest (name, file, version, sha256, source) and checked loading."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

MANIFEST = "manifest.json"


class ModelError(RuntimeError):
    """A model file is missing, unreadable or does not match its manifest entry."""


@dataclasses.dataclass(frozen=True)
class ModelEntry:
    name: str
    file: str
    version: str
    sha256: str
    source: str

    @property
    def wheel_member(self) -> tuple[str, str] | None:
        """(``package==version``, path inside its wheel) for a model fetched from a pinned
        wheel; None for one committed to the repository (e.g. ``source: "trained: ..."``)."""
        package, sep, member = self.source.partition(":")
        if not sep or "==" not in package or not member or " " in package:
            return None
        return package, member

    @property
    def folded_from(self) -> str | None:
        """The name of the entry this model is folded from (``source: "fold:<name>"``,
        made by ``model_export.fold`` at ``make models``); None otherwise."""
        prefix, sep, name = self.source.partition(":")
        return name if sep and prefix == "fold" and name else None


def read_manifest(model_dir: Path) -> dict[str, ModelEntry]:
    path = model_dir / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {
            name: ModelEntry(
                name=name, **{k: str(v[k]) for k in ("file", "version", "sha256", "source")}
            )
            for name, v in raw["models"].items()
        }
    except FileNotFoundError as exc:
        raise ModelError(f"model manifest not found: {path} (run `make models`)") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"model manifest {path} is malformed: {exc}") from exc


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_verified(model_dir: Path, name: str) -> bytes:
    """The bytes of model ``name``, after checking them against the manifest's sha256."""
    entry = read_manifest(model_dir).get(name)
    if entry is None:
        raise ModelError(f"model {name!r} is not listed in {model_dir / MANIFEST}")
    path = model_dir / entry.file
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise ModelError(
            f"model file {path} cannot be read: {exc.strerror} (run `make models`)"
        ) from exc
    actual = hashlib.sha256(blob).hexdigest()
    if actual != entry.sha256:
        raise ModelError(
            f"model file {path} does not match its manifest: "
            f"sha256 {actual}, expected {entry.sha256}"
        )
    return blob
