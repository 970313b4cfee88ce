# One task runner. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: help install run migrate demo test lint format worker beat bench lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

install: $(BIN)/.installed ## Create .venv and install the locked dependencies

migrate: install ## Apply database migrations
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate ## Load the demo content (idempotent)
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo

run: demo ## Install, migrate, load demo content, serve http://127.0.0.1:8000 (HTTP + websockets)
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install ## Run the test suite (service tests run when DATABASE_URL/REDIS_URL/Chromium are there)
	$(BIN)/pytest

lint: install ## ruff check + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install ## Run a Celery worker on REDIS_URL (all queues)
	$(BIN)/celery -A config worker -Q default,identify,email --loglevel INFO

beat: install ## Run Celery beat (periodic tasks)
	$(BIN)/celery -A config beat --loglevel INFO

bench: install ## Run every benchmark (needs DATABASE_URL + REDIS_URL of its own); outputs in var/bench/
	$(BIN)/python -m bench.run

lock: ## Re-pin requirements.lock from pyproject.toml
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -p 3.11 --generate-hashes -o requirements.lock

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var db.sqlite3
