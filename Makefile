# Two commands on a fresh machine: `make demo` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench bench-load docs clean validate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[app,test]'
	touch $(STAMP)

# Check the bundled example project; findings exit 1, which is what the demo shows.
demo: $(STAMP)
	@cd examples/shop && ../../$(VENV)/bin/productops-lint check; status=$$?; \
	  echo "(exit status $$status: 0 clean, 1 errors found, 2 usage or config error)"; test $$status -le 1

# Lint and type-check first ([tool.ruff] and [tool.mypy] in pyproject.toml), then the tests.
test: $(STAMP)
	$(VENV)/bin/ruff check
	$(PY) -m mypy
	$(PY) -m pytest -n auto

docs: $(STAMP)
	$(PY) -m productops_lint.checks.docs > docs/rules.md

clean:
	rm -rf $(VENV) .productops_cache .pytest_cache .mypy_cache .ruff_cache

# Benchmark against Fixit, semgrep and ripgrep in its own venv under bench/.work (bench/README.md).
# `make bench BENCH_ARGS=--quick` for a short try; `BENCH_ARGS=--write-readme` to update the tables.
bench:
	$(PYTHON) bench/run.py $(BENCH_ARGS)

# The App under load: signed deliveries to gunicorn at 200/500/1,000 req/s, SQLite and Redis (bench/README.md).
# `make bench-load BENCH_ARGS=--quick` for a short try.
bench-load: $(STAMP)
	$(PY) bench/load/run.py $(BENCH_ARGS)

# The recall benchmark on pinned real projects (downloads them; not part of `make test`): docs/validation.md.
validate: $(STAMP)
	$(PY) validation/run.py $(VALIDATE_ARGS)
