# The targets here are exactly what CI runs (.ci/run calls `make test`).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export TOKENIZERS_PARALLELISM := false
export MPLBACKEND := Agg

.PHONY: help install system-deps lab-env demo lab test test-fast lint format bench-topics bench-languages bench-static bench-batch bench-history bench-identity bench-scale clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first with pip, which finds this machine's CPU build (uv does not look there), so
	# nothing later pulls the CUDA build; then the same pins with uv: seconds instead of minutes.
	# torch's own dependencies come with uv too, so uv's cache holds every package but torch and
	# tests/test_install.py can install the wheel into a fresh environment offline.
	$(BIN)/pip install --quiet --no-deps -c constraints.txt torch==2.13.0 uv==0.13.8
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	# compile UMAP's numba kernels once into numba's cache, as pip compiles bytecode
	$(BIN)/python -c "from rca.themes.clustering import warm_up; print(f'numba kernels compiled in {warm_up():.0f} s')"
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install rca with everything it needs

system-deps:  ## Debian packages for browser tests and PDFs (Chromium, ChromeDriver, poppler-utils)
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-dejavu-core poppler-utils >/dev/null; }

# JupyterLab for the test that drives it in Chromium: its own environment, so that its extras
# never slow the report kernels; its server runs the project's kernel.
LAB_ENV := .venv-lab
LAB_PINS := jupyterlab==4.6.4 jupyterlab_widgets==3.0.17

$(LAB_ENV)/bin/jupyter-lab: | $(STAMP)
	$(BIN)/uv venv --quiet $(LAB_ENV) -p $(BIN)/python
	$(BIN)/uv pip install --quiet --python $(LAB_ENV)/bin/python $(LAB_PINS)

lab-env: $(LAB_ENV)/bin/jupyter-lab  ## JupyterLab for the browser test, in .venv-lab

demo: install system-deps  ## sample data -> months stored one by one -> the last month's HTML reports; prints the index path
	$(BIN)/rca demo

lab: install  ## JupyterLab on notebooks/ (installs the `lab` extra once)
	@$(BIN)/python -c "import jupyterlab" 2>/dev/null || \
	  $(BIN)/pip install --quiet -c constraints.txt -e ".[dev,lab]"
	$(BIN)/jupyter lab notebooks/

lint: install  ## ruff, mypy and the layer contracts (import-linter)
	$(BIN)/ruff check rca tests benchmarks
	$(BIN)/ruff format --check rca tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format rca tests benchmarks
	$(BIN)/ruff check --fix rca tests benchmarks

test: install system-deps lab-env lint  ## lint, then the whole test suite (real model and browser checks at small size)
	$(BIN)/pytest -n 2 --dist loadfile

test-fast: install  ## unit tests only (no real model, kernels or browser)
	$(BIN)/pytest -m "not real and not browser and not notebook"

bench-topics: install  ## topic quality/speed benchmark on ../shared/data
	$(BIN)/python benchmarks/topics.py

bench-scale: install  ## rca topics at 10k, 100k and 1M texts (static embedder): stage times, peak memory, the peer BERTopic, NMI cost of sampling (~1 h)
	nice -n 10 $(BIN)/python benchmarks/scale.py --quality

bench-languages: install  ## language id, themes per language and on mixed months (MASSIVE), theme names (~30 min first run, ~15 from the cache)
	$(BIN)/python benchmarks/language_id.py
	$(BIN)/python benchmarks/languages.py
	$(BIN)/python benchmarks/naming.py --corpus test full cfpb --seeds 0 1 2

bench-static: install  ## other distillation settings for the static embedder (about 10 min)
	$(BIN)/python benchmarks/static_variants.py --seeds 0 1 2

bench-batch: install  ## monthly batch vs the naive way on the sample data (about 30 min)
	$(BIN)/python benchmarks/batch.py

bench-history: install  ## a new month's batch with the history store vs today's full-history batch (about 25 min)
	$(BIN)/python benchmarks/history.py

bench-identity: install  ## theme identity across months: stability on CFPB, planted lineage, churn (about 10 min)
	$(BIN)/python benchmarks/identity.py

clean:
	rm -rf $(VENV) $(LAB_ENV) .pytest_cache .ruff_cache .mypy_cache
