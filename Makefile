# Reach: `make demo` serves the demo district; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/reach)

.PHONY: install demo test lint test-sqlite test-postgres system browsers messages clean

$(BIN)/reach: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/reach

install: $(BIN)/reach messages
	mkdir -p var

messages: $(BIN)/reach
	$(BIN)/python -m reach.common.i18n

# The demo runs as production does (gunicorn, whitenoise, DEBUG off) but with the built-in
# secret key on local host names: REACH_DEMO=1 (docs/deploy.md).
demo: export REACH_DEMO = 1
demo: install system
	mkdir -p var
	$(BIN)/reach migrate --noinput
	$(BIN)/reach demo
	@echo "Reach is serving on http://127.0.0.1:$(PORT)/  (accounts: admin, district, ward01, school01, county; password: demo)"
	$(BIN)/reach serve 127.0.0.1:$(PORT)

system:
	@sh scripts/system-packages.sh

browsers:
	@sh scripts/system-packages.sh --browsers

# mypy's Django plugin and makemigrations read the settings: as the demo's, not production's.
lint: export REACH_DEMO = 1
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/reach makemigrations --check --dry-run

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: install
	@if $(BIN)/python -m reach.common.pgcheck "$(PG_URL)"; then \
		echo "== PostgreSQL answers: running the suite on it =="; \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest --create-db; \
	else \
		echo "== No PostgreSQL server answers at $(PG_URL): suite not run on PostgreSQL =="; \
	fi

# The SQLite and PostgreSQL suites share nothing (in-memory SQLite, a test database on the
# server), so they run side by side, each one's output printed whole when it ends.
test: install browsers lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

clean:
	rm -rf $(VENV) var
