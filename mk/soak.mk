# Load and soak (issue #7). Included by the main Makefile (`-include mk/*.mk`).
.PHONY: soak
SOAK_SECONDS ?= 300
SOAK_CLIENTS ?= 4

soak: setup ## send valid and hostile bodies from SOAK_CLIENTS clients for SOAK_SECONDS; print the figures
	$(PY) -m bench.soak --seconds $(SOAK_SECONDS) --clients $(SOAK_CLIENTS)
