"""The package's structure: imports go one way through the stages, with no cycle and no private
name taken from another module; every module imports in a fresh interpreter; the pure modules
load no onnxruntime; only the client needs ``requests``."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "processor"
#: Each stage imports only from its own layer and those below it.
LAYERS = {
    "values": 0,
    "errors": 0,
    "settings": 0,
    "places": 0,
    "surnames": 0,
    "words": 0,
    "io": 1,
    "ocr": 2,
    "card": 3,
    "read": 4,
    "extras": 5,
    "serve": 6,
    "__main__": 7,
    "bulk": 7,  # python -m processor.bulk: an entry point, like __main__
}
#: Modules that must import without onnxruntime (pure code, testable and usable without it).
PURE = (
    "processor.values",
    "processor.card.facts",
    "processor.places",
    "processor.surnames",
    "processor.words",
    "processor.card.template",
    "processor.card.geometry",
    "processor.card.layout",
    "processor.read.fields",
    "processor.read.rows",
    "processor.io.request",
    "processor.io.response",
)
#: The client's own dependency: no other module may import it.
CLIENT_ONLY = {"requests": {"processor.serve.client"}}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = modules()


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def imports(name: str) -> Iterator[tuple[str, str | None, int]]:
    """(module imported, name taken from it or None, line) for every import statement of
    module ``name``, at any depth (function-level imports too), relative ones resolved."""
    tree = ast.parse(MODULES[name].read_text("utf-8"))
    package = name if is_package(name) else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in MODULES:  # ``from package import module``
                    yield submodule, None, node.lineno
                else:
                    yield target, alias.name, node.lineno


def edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, _, _ in imports(name):
            if target in MODULES and target != name and not is_package(target):
                graph[name].add(target)
    return graph


def layer(name: str) -> int:
    """A module's layer; the package itself is the facade above every stage (it exports
    ``processor.Recognizer`` from :mod:`processor.serve.api` on first use)."""
    parts = name.split(".")
    return LAYERS[parts[1]] if len(parts) > 1 else max(LAYERS.values())


def test_the_stages_are_subpackages_and_modules_are_where_the_layers_say() -> None:
    assert {name.split(".")[1] for name in MODULES if "." in name} == set(LAYERS)
    for name in MODULES:
        if is_package(name) and name != "processor":
            tree = ast.parse(MODULES[name].read_text("utf-8"))
            doc = ast.get_docstring(tree)
            assert doc and "\n" not in doc, f"{name}: a one-line docstring saying what it owns"
            assert len(tree.body) == 1, f"{name}: nothing but its docstring"


def test_imports_go_down_the_layers() -> None:
    wrong = [
        f"{name} -> {target}"
        for name, targets in edges().items()
        for target in targets
        if layer(target) > layer(name)
    ]
    assert wrong == []


def test_no_import_cycle() -> None:
    graph = edges()
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def _private(name: str | None) -> bool:
    return name is not None and name.startswith("_") and not name.startswith("__")


PROJECT = {"processor", "bench", "synthcards", "model_export", "tests"}


def _project(target: str) -> bool:
    return target.split(".", maxsplit=1)[0] in PROJECT


@pytest.mark.parametrize("tree", ["processor", "tests"])
def test_no_private_name_from_another_module(tree: str) -> None:
    found = []
    for path in sorted((ROOT / tree).rglob("*.py")):
        name = module_name(path)
        source = ast.parse(path.read_text("utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(source):
            if not isinstance(node, ast.ImportFrom | ast.Import):
                continue
            targets: list[tuple[str, str | None]]
            if isinstance(node, ast.Import):
                targets = [(a.name, None) for a in node.names]
            else:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module or ""]) if node.level else node.module
                targets = [(module or "", a.name) for a in node.names]
            for target, taken in targets:
                if not _project(target) or target == name:
                    continue
                if _private(taken) or any(_private(part) for part in target.split(".")):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {target} {taken}")
    assert found == []


def test_only_the_client_imports_requests() -> None:
    for dependency, allowed in CLIENT_ONLY.items():
        users = {
            name
            for name in MODULES
            for target, _, _ in imports(name)
            if target.split(".")[0] == dependency
        }
        assert users == allowed


def _imported_modules(tree: str) -> set[tuple[str, str]]:
    """(importing file, imported module) for every absolute import under ``tree``."""
    found = set()
    for path in sorted((ROOT / tree).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found |= {(path.name, alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add((path.name, node.module))
    return found


def test_the_renderer_and_the_reader_keep_their_own_geometry() -> None:
    """The renderer may use the card's facts, never the reader's template or geometry, and
    the reader never imports the renderer: an error in one shows against the other."""
    renderer = {m for _, m in _imported_modules("synthcards") if m.split(".")[0] == "processor"}
    assert renderer <= {"processor.card.facts"}
    assert not {m for _, m in _imported_modules("processor") if m.split(".")[0] == "synthcards"}


def _fresh(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_pure_modules_load_no_onnxruntime() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for m in {list(PURE)!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'onnxruntime')))"
    )
    run = _fresh(code)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []
    # (and the check can fail: the engine does load it)
    run = _fresh("import sys, processor.read.engine; print('onnxruntime' in sys.modules)")
    assert run.stdout.strip() == "True", run.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports_in_a_fresh_interpreter(name: str) -> None:
    run = _fresh(f"import {name}")
    assert run.returncode == 0, run.stderr
