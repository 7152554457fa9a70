# The card-segmentation model (processor/card/segmenter.py, models/card_seg.onnx): render training
# data from synthcards, train with torch in its own virtualenv, export to ONNX + manifest.
# Included by the main Makefile (`-include mk/*.mk`); uses its $(PYTHON).
.PHONY: train-cardseg

TRAIN_VENV ?= .venv-train
CARDSEG_DATA ?= /tmp/cardseg-data
CARDSEG_WEIGHTS ?= /tmp/cardseg.pt
# e.g. CARDSEG_TRAIN_ARGS="--epochs 20 --threads 2"
CARDSEG_TRAIN_ARGS ?=

$(TRAIN_VENV)/.installed: pyproject.toml mk/cardseg.mk
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(call pip_install,$(TRAIN_VENV)/bin/python,-e '.[dev$(comma)train]')
	touch $@

train-cardseg: $(TRAIN_VENV)/.installed ## render data, train and export models/card_seg.onnx (torch, own venv)
	$(TRAIN_VENV)/bin/python -m model_export cardseg data --out $(CARDSEG_DATA)
	$(TRAIN_VENV)/bin/python -m model_export cardseg train --data $(CARDSEG_DATA) --out $(CARDSEG_WEIGHTS) $(CARDSEG_TRAIN_ARGS)
	$(TRAIN_VENV)/bin/python -m model_export cardseg export --weights $(CARDSEG_WEIGHTS) --model-dir models

.PHONY: train-cardseg-light
CARDSEG_LIGHT_WEIGHTS ?= /tmp/cardseg-light.pt

train-cardseg-light: $(TRAIN_VENV)/.installed ## train card_seg on from models/card_seg.onnx under casts and cast shadows, export models/card_seg_light.onnx
	$(TRAIN_VENV)/bin/python -m model_export cardseg data --out $(CARDSEG_DATA)
	$(TRAIN_VENV)/bin/python -m model_export cardseg train --data $(CARDSEG_DATA) --out $(CARDSEG_LIGHT_WEIGHTS) --init models/card_seg.onnx --epochs 8 --lr 1e-3
	$(TRAIN_VENV)/bin/python -m model_export cardseg export --weights $(CARDSEG_LIGHT_WEIGHTS) --name card_seg_light --model-dir models
