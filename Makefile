# zkvmc — `make demo` and `make test` install everything they need into .venv by themselves.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
OUT     := demo-out
ROLLUP_OUT := rollup-demo-out

.PHONY: install node demo rollup-demo test test-fast bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev,fast,rollup,cluster]'
	touch $(STAMP)

install: $(STAMP)

# snarkjs and circomlibjs (pinned in package.json) for the interop tests; skipped where npm is missing.
$(NODE_STAMP): package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: interop tests will be skipped"; fi

node: $(NODE_STAMP)

demo: $(STAMP)
	@bash scripts/demo.sh $(BIN) $(OUT)

# The rollup on a local chain: anvil (npm) + bridge, the node, wallets; three batches on L1.
rollup-demo: $(STAMP) node
	@bash scripts/rollup_demo.sh $(BIN) $(ROLLUP_OUT)

test: $(STAMP) node
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not node"

bench: $(STAMP) node
	$(BIN)/pip install -q -e ".[dev,fast,rollup,bench]" && $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules $(OUT) $(ROLLUP_OUT) .pytest_cache .hypothesis
