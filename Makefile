# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run serve test lint bench backup install install-dev clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files make reinstalls happen only when a requirements file changes.
$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py seed --if-empty
	DJANGO_DEBUG=1 $(PY) manage.py local_admin
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The production settings (debug off, whitenoise, gunicorn) over the local SQLite file.
serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed --if-empty
	$(PY) manage.py collectstatic --no-input -v 0
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
		$(BIN)/gunicorn config.wsgi --bind 127.0.0.1:8000 --workers $${WEB_CONCURRENCY:-3}

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-dev lint
	$(BIN)/pytest

# Not part of `make test`: a load test of gunicorn with the production settings.
bench: install-dev
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) -m bench.bench

# A timestamped JSON dump of content, quiz results, accounts and edit history in backups/
# (restore into a freshly migrated database: manage.py seed --from FILE).
backup: install
	$(PY) manage.py backup

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
