"""The demo page end to end in headless Chromium (Debian ``chromium`` + ``chromium-driver``,
driven by Selenium): upload a golden card, read the fields off the page.

``make test-browser`` installs the Debian packages when they are missing and runs this file;
without them (or without selenium) the whole module is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GOLDEN, Running

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.e2e]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if CHROMIUM is None or CHROMEDRIVER is None:
    _WHY = "chromium and chromium-driver are not installed (`make test-browser` installs them)"
    if os.environ.get("REQUIRE_BROWSER_TEST"):  # make test-browser: missing is a failure
        pytest.fail(_WHY, pytrace=False)
    pytest.skip(_WHY, allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)
LABELS = {lab["name"]: lab for lab in json.loads((GOLDEN / "labels.json").read_text("utf-8"))}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _upload(driver: Any, url: str, image: Path, token: str = "") -> dict[str, str]:
    driver.get(url + "/")
    assert driver.title == "idcard-ocr demo"
    if token:
        driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "file").send_keys(str(image))
    status = WebDriverWait(driver, 120).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#status[data-code]")
    )
    fields = {
        cell.get_attribute("data-field"): cell.text
        for cell in driver.find_elements(By.CSS_SELECTOR, "#fields td[data-field]")
    }
    return {"code": status.get_attribute("data-code"), **fields}


def _severe_console_errors(driver: Any) -> list[str]:
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
    ]


def test_upload_a_golden_front(browser: Any, server: Running) -> None:
    label = LABELS["scan-0000-front"]
    shown = _upload(browser, server.url, GOLDEN / label["file"])
    assert shown == {"code": "200", **label["expected"]}
    # the rectified card and the portrait are shown, the warnings listed, the outline drawn
    for image_id in ("card", "portrait"):
        element = browser.find_element(By.ID, image_id)
        assert element.is_displayed()
        assert browser.execute_script("return arguments[0].naturalWidth", element) > 100
    warnings = browser.find_elements(By.CSS_SELECTOR, "#warnings li[data-warning]")
    assert {w.get_attribute("data-warning") for w in warnings} >= {"blur", "glare", "id_check_char"}
    assert not browser.find_elements(By.CSS_SELECTOR, "#warnings li.on")
    confidences = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#fields td.conf")]
    assert confidences[0] == ""  # the side has none
    assert len(confidences) == 7 and all(0.0 < float(c) <= 1.0 for c in confidences[1:])
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "preview").is_displayed())
    assert _severe_console_errors(browser) == []


def test_upload_a_back_and_no_card(browser: Any, server: Running) -> None:
    label = LABELS["scan-0001-back"]
    assert _upload(browser, server.url, GOLDEN / label["file"]) == {
        "code": "200",
        **label["expected"],
    }
    assert not browser.find_element(By.ID, "portrait").is_displayed()
    shown = _upload(browser, server.url, GOLDEN / "negative" / "negative-0002-blank.jpg")
    assert shown == {"code": "201"}
    assert "id card not detected" in browser.find_element(By.ID, "status").text


def test_token_field(browser: Any, token_server: Running) -> None:
    image = GOLDEN / LABELS["scan-0000-front"]["file"]
    assert _upload(browser, token_server.url, image)["code"] == "-1"
    assert "Authorization" in browser.find_element(By.ID, "status").text
    assert _upload(browser, token_server.url, image, token="s3cret-token")["code"] == "200"
