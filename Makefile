# backstop: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: demo test test-slow bench docs lint install browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,web,scale]'
	touch $(STAMP)

install: $(STAMP)

## Install everything and run the main job on the bundled scenario.
demo: $(STAMP)
	$(BIN)/backstop assess -o $(OUT)
	@echo "Open $(OUT)/report.html in a browser (it works offline)."

## Install everything and run the whole (fast) test suite.
test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 -q

## The slow cases (marked @pytest.mark.slow).
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

## Benchmarks: prints a table; figures go to docs/benchmarks.md by hand.
bench: $(STAMP)
	$(BIN)/python -m bench

## Regenerate docs/scenario-format.md from the pydantic models.
docs: $(STAMP)
	$(BIN)/backstop schema --markdown > docs/scenario-format.md

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

## Headless Chromium for the report test (Debian package; installed when root, else the test skips).
browser:
	@bash tools/ensure-chromium.sh

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
