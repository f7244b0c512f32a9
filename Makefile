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

# The edit-test loop: lint and every test but the browser and Spark ones (markers in pyproject.toml),
# a few minutes on 2 cores. Sets up .venv only when there is none (make setup-dev refreshes it).
test-fast:
	@[ -x $(PY) ] || scripts/setup.sh dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) -m pytest -q -m "not browser and not spark"

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
