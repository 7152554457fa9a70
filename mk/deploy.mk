# Deployment targets (issue #4): the EAS processor package, the container image, model tools.
# Included by the main Makefile (`-include mk/*.mk`); uses its $(PY), $(PIP), $(STAMP).
.PHONY: build image export quantize test-export test-package

VERSION = $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' processor/__init__.py)
IMAGE ?= idcard-ocr:$(VERSION)
# docker | podman | buildah; default: the first one that works here
CONTAINER_ENGINE ?= $(shell if docker info >/dev/null 2>&1; then echo docker; \
  elif command -v podman >/dev/null 2>&1; then echo podman; \
  elif command -v buildah >/dev/null 2>&1; then echo buildah; fi)
# e.g. IMAGE_BUILD_FLAGS="--build-arg BASE_IMAGE=... --build-arg PIP_INDEX_URL=..."
# (--format docker is added for podman/buildah so that HEALTHCHECK is kept)
IMAGE_BUILD_FLAGS ?=
EXPORT_VENV ?= .venv-export
# model_export convert/optimize arguments, e.g. EXPORT_ARGS="--kind rec --paddle-dir ... --dict ..."
EXPORT_ARGS ?=
# default: the recipe of the committed int8 field recogniser (models/manifest.json
# "rec_v6_small_int8"): per-channel int8 for the PP-OCRv6 small backbone's 26 pointwise convs,
# calibrated on the crops the processor's recognisers read from generated scenes (seed 1000;
# parity on seed 1001). Calibration runs through onnxruntime and the processor: a new reader
# changes the crops, so a remade file is a new file (its manifest entry says from what).
QUANTIZE_ARGS ?= --model models/PP-OCRv6_small_rec.onnx --kind rec \
  --out models/PP-OCRv6_small_rec_int8.onnx --name rec_v6_small_int8 --quantize static \
  --per-channel --convs pointwise --calib-pipeline models --calib-samples 120 --samples 64 \
  --min-agreement 0.97

build: $(STAMP) models ## build the EAS processor package dist/idcard_ocr-<version>.tar.gz
	$(PY) -m model_export package --out-dir dist $(if $(ENV_DIR),--env-dir $(ENV_DIR))

image: models ## build the container image idcard-ocr:<version> (docker, podman or buildah)
	@if [ -z "$(CONTAINER_ENGINE)" ]; then \
	  echo "make image: no container engine found (docker with a running daemon, podman or buildah)."; \
	  echo "Install one, or build elsewhere: docker build -t $(IMAGE) ."; exit 1; fi
	@echo "building $(IMAGE) with $(CONTAINER_ENGINE)"
	$(if $(filter buildah,$(CONTAINER_ENGINE)),buildah bud,$(CONTAINER_ENGINE) build) \
	  $(if $(filter docker,$(CONTAINER_ENGINE)),,--format docker) \
	  $(IMAGE_BUILD_FLAGS) -t $(IMAGE) -f Dockerfile .

export: $(STAMP) ## convert PaddleOCR models to ONNX (EXPORT_ARGS=...; needs the export venv)
	$(MAKE) $(EXPORT_VENV)/.installed
	$(EXPORT_VENV)/bin/python -m model_export convert $(if $(EXPORT_ARGS),$(EXPORT_ARGS),--help)

quantize: $(STAMP) models ## remake the int8 field recogniser (or QUANTIZE_ARGS=...), parity-checked, into the manifest
	$(PY) -m model_export optimize $(QUANTIZE_ARGS)

$(EXPORT_VENV)/.installed: pyproject.toml mk/deploy.mk
	$(PYTHON) -m venv $(EXPORT_VENV)
	$(call pip_install,$(EXPORT_VENV)/bin/python,-e '.[dev$(comma)export]')
	touch $@

test-export: $(STAMP) $(EXPORT_VENV)/.installed ## build .venv-export (paddle) and run the converter test
	$(EXPORT_VENV)/bin/python -m pytest tests/deploy/test_model_export.py -k convert -ra

test-package: $(STAMP) models ## run the package end-to-end test (fresh venv from the package)
	$(PY) -m pytest tests/deploy/test_package.py -ra
