# paper-kg: `make demo` builds the sample graph and HTML; `make test` runs every test.
# Both set up what they need: the venv (from requirements.lock, with uv's cache so a re-run with
# the same lock takes seconds), Debian's chromium for the browser tests, and a local Neo4j 5.26
# fetched with Maven into ~/.m2 for the integration tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements.lock
STAMP  := $(VENV)/.installed-$(shell cat $(LOCK) pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)
OUT    := out
# The local server's password (scripts/neo4j-local sets it; kg reads it from the environment).
NEO4J_PASSWORD ?= paper-kg-local
export NEO4J_PASSWORD

.PHONY: demo test venv lock browser neo4j-start neo4j-stop bench clean

venv: $(STAMP)

$(STAMP): $(LOCK) pyproject.toml
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install -q --disable-pip-version-check uv
	@test -x $(BIN)/python || uv venv -q -p $(PYTHON) $(VENV)
	uv pip sync -q -p $(BIN)/python $(LOCK)
	uv pip install -q -p $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

lock:  ## re-pin requirements.lock after changing pyproject.toml
	uv pip compile -q pyproject.toml --extra test --extra train -p 3.11 -o $(LOCK)

demo: venv
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

test: venv browser neo4j-start
	$(BIN)/python -m pytest -q -rs -p no:cacheprovider; rc=$$?; scripts/neo4j-local stop; exit $$rc

bench: venv
	$(BIN)/python -m kg.bench.speed

clean:
	rm -rf $(OUT) .pytest_cache
