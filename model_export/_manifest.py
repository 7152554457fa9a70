"""Writing manifest entries (name, file, version, sha256, source) for the models we produce.

The processor reads the same file through :func:`processor.ocr.models.read_manifest` and checks
every file's sha256 at load, so an entry written here is exactly what it will verify.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from processor.ocr.models import MANIFEST, ModelEntry, read_manifest, sha256_of

_COMMENT = (
    "Models the processor loads. Fetched by `make models` (model_export.fetch) or produced by "
    "`python -m model_export convert|optimize`; sha256 checked at fetch and at every load."
)


def make_entry(name: str, path: Path, version: str, source: str) -> ModelEntry:
    return ModelEntry(
        name=name, file=path.name, version=version, sha256=sha256_of(path), source=source
    )


def write_entry(model_dir: Path, entry: ModelEntry) -> Path:
    """Add or replace ``entry`` in ``model_dir/manifest.json`` (created when missing)."""
    path = model_dir / MANIFEST
    raw: dict[str, Any] = {"comment": _COMMENT, "models": {}}
    if path.is_file():
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw.setdefault("models", {})
    raw["models"][entry.name] = {
        "file": entry.file,
        "version": entry.version,
        "sha256": entry.sha256,
        "source": entry.source,
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    read_manifest(model_dir)  # what we wrote must read back
    return path


def entry_for_file(path: Path) -> ModelEntry | None:
    """The manifest entry next to ``path`` that names this file, if there is one."""
    try:
        entries = read_manifest(path.parent)
    except Exception:
        return None
    return next((e for e in entries.values() if e.file == path.name), None)
