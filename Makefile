# The two commands of the README: `make run` and `make test`. Both set up what they need first.
PY := .venv/bin/python
PORT ?= 8501

.PHONY: run test test-fast setup setup-dev sample check lint

# serve.py = streamlit run app.py, started warm: the data version and the default page are loaded before
# the server answers its first request.
run: setup
	$(PY) serve.py --server.port $(PORT)

test: setup-dev
	scripts/system-deps.sh
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	scripts/with-postgres.sh $(PY) -m pytest -q  # a throw-away PostgreSQL for the state-database tests

# The edit-test loop: lint and every unit and page test but the browser, Spark and slow (end-to-end sweep)
# ones (markers in pyproject.toml), on every core, a test file per worker (the tests of one page share its
# cached figures). make test runs them all. Sets up .venv only when there is none, or when it lacks
# pytest-xdist (make setup-dev refreshes it).
test-fast:
	@[ -x $(PY) ] && $(PY) -c "import xdist" 2>/dev/null || scripts/setup.sh dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) -m pytest -q -n auto --dist loadfile -m "not browser and not spark and not slow"

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh dev

# Regenerate the bundled sample folder (deterministic: byte-identical output).
sample: setup
	$(PY) -m lulong_data.generator

# The data office's check of a folder: make check DIR=/path/to/folder
check: setup
	$(PY) -m lulong_data check $(DIR)

lint: setup-dev
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .
