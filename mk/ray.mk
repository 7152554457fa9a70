# Bulk recognition on Ray Data (issue #15): `python -m processor.bulk`, tested in its own
# virtualenv (.venv-ray, the `ray` extra) so that neither the serving environment nor the
# package or image carries Ray. Included by the main Makefile (`-include mk/*.mk`); uses its
# $(PYTHON) and `models`.
.PHONY: test-ray

RAY_VENV ?= .venv-ray

$(RAY_VENV)/.installed: pyproject.toml mk/ray.mk
	$(PYTHON) -m venv $(RAY_VENV)
	$(call pip_install,$(RAY_VENV)/bin/python,-e '.[dev$(comma)ray]')
	touch $@

# REQUIRE_RAY=1: here a missing ray is a failure, not a skip.
test-ray: $(RAY_VENV)/.installed models ## build .venv-ray and run the Ray Data bulk job's test (local cluster, 2 actors)
	REQUIRE_RAY=1 $(RAY_VENV)/bin/python -m pytest -m ray -ra tests/serve/test_bulk.py
