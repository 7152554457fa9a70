# The demo page's browser test (issue #8): headless Chromium from Debian, driven by Selenium.
# Included by the main Makefile (`-include mk/*.mk`); uses its $(PY) and `setup`.
.PHONY: chromium test-browser

chromium: ## install Debian's chromium and chromium-driver (apt; as root or with sudo)
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null

# REQUIRE_BROWSER_TEST=1: here a missing browser is a failure, not a skip.
test-browser: setup chromium ## run the demo page's end-to-end test in headless Chromium
	REQUIRE_BROWSER_TEST=1 $(PY) -m pytest -m browser -ra tests/serve/test_browser.py
