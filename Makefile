# Pasar UMKM — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
PYTEST_ARGS ?=
MESSAGES_IGNORE := --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='bench/*'

.PHONY: demo test lint format check messages lock clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Pasar UMKM needs Python 3.11 or newer.")'
	$(PYTHON) -m venv $(VENV)

# Installs exactly what the lock files say (hash-checked); re-runs only when a lock file changes.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-base
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $@

## demo: SQLite, eager tasks, console email, demo data; serves on 127.0.0.1:$(PORT)
demo: $(VENV)/.installed-base
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --url http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite (SQLite + eager tasks by default; PostgreSQL/Redis/worker when DATABASE_URL/REDIS_URL are set)
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: ruff lint and format check
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## check: migrations committed and production settings pass `check --deploy`
check: $(VENV)/.installed-base
	$(BIN)/python manage.py makemigrations --check --dry-run
	set -a && . ./.env.example && set +a && $(BIN)/python manage.py check --deploy --fail-level WARNING --settings=marketplace.settings.production

## messages: refresh the Indonesian catalogue from the source (needs GNU gettext), then compile it.
## The compiled .mo is committed, so running the site never needs gettext.
messages: $(VENV)/.installed-base
	$(BIN)/python manage.py makemessages -l id --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages -l id --ignore='.venv/*'

## lock: re-pin requirements/*.txt from requirements/*.in (with hashes)
lock: $(VENV)/.installed-dev
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt requirements/base.in
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/dev.txt requirements/dev.in

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache .ruff_cache
