"""The demo page at ``GET /``: one self-contained file, served beside the predict route."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
import tomllib

from bench.service import form_body
from processor.serve.server import DEMO_PAGE
from tests.conftest import ROOT, Running, decode

pytestmark = pytest.mark.server


def test_page_is_served_with_a_strict_policy(server: Running) -> None:
    reply = requests.get(server.url + "/", timeout=30)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = reply.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    page = reply.text
    assert 'data-predict-path="/api/predict/idcard_ocr"' in page
    assert 'data-token-required="false"' in page
    assert "__PREDICT_PATH__" not in page
    head = requests.head(server.url + "/", timeout=30)
    assert head.status_code == 200 and head.content == b""


def test_page_has_no_external_assets() -> None:
    page = DEMO_PAGE.read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "<script src" not in page and "<link" not in page


def test_page_without_token_and_predict_with_it(token_server: Running, scan_front: bytes) -> None:
    page = requests.get(token_server.url + "/", timeout=30)
    assert page.status_code == 200
    assert 'data-token-required="true"' in page.text
    assert 'id="token"' in page.text
    denied = requests.post(token_server.url + "/", data=form_body(scan_front), timeout=60)
    assert denied.status_code == 401


def test_post_to_the_root_still_predicts(server: Running, scan_front: bytes) -> None:
    reply = requests.post(server.url + "/", data=form_body(scan_front), timeout=60)
    assert reply.status_code == 200
    assert decode(reply.content)["code"] == "200"


def test_page_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["processor"]
    package = ROOT / "processor"
    assert any(DEMO_PAGE in set(package.glob(g)) for g in globs)
    assert DEMO_PAGE.is_relative_to(Path(package))
