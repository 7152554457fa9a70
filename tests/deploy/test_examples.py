"""The client examples under examples/: they compile, and their request and answer helpers
speak the service's wire format (no network: the SDK calls themselves need a deployed
service)."""

from __future__ import annotations

import ast
import importlib.util
import py_compile
from pathlib import Path
from types import ModuleType

import pytest

from processor.errors import Code
from processor.io.request import parse_request
from processor.io.response import envelope
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_compiles(path: Path, tmp_path: Path) -> None:
    py_compile.compile(str(path), cfile=str(tmp_path / "x.pyc"), doraise=True)


def test_the_async_client_uses_the_sdks_queue_client() -> None:
    path = ROOT / "examples" / "async_client.py"
    tree = ast.parse(path.read_text("utf-8"))
    imports = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert ("eas_prediction", "QueueClient") in imports
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert {"set_token", "init", "put", "get"} <= calls


def test_the_async_clients_body_and_answer_are_the_services() -> None:
    client = _module(ROOT / "examples" / "async_client.py")
    image = (ROOT / "tests" / "golden" / "scan" / "scan-0000-front.png").read_bytes()
    assert parse_request(client.request_body(image), max_base64_bytes=8 << 20).image == image
    data = {"type": "front", "name": "x"}
    for fmt in ("string", "object"):
        answer = client.decode_answer(envelope(Code.OK, "success", data, data_format=fmt))
        assert answer == {"code": "200", "message": "success", "data": data}
    empty = client.decode_answer(
        envelope(Code.NO_CARD, "id card not detected", {}, data_format="string")
    )
    assert empty["data"] == {}
