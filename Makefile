# Two commands on a fresh clone:  `make run`  and  `make test`.
# Both create (or refresh) the local virtual environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test chat check bench clean lock

# Exact versions with their hashes from requirements.lock (made from pyproject.toml by
# `make lock`), then the project itself without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## Re-make requirements.lock after changing a dependency in pyproject.toml.
lock:
	$(PYTHON) -m venv .lock-venv && .lock-venv/bin/python -m pip install --quiet pip-tools
	.lock-venv/bin/pip-compile --quiet --extra test --generate-hashes --strip-extras \
		--allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	rm -rf .lock-venv

## Start the bot: Telegram long polling when TELEGRAM_BOT_TOKEN is set, otherwise the console chat.
run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(BIN)/recovery-bot run; else $(BIN)/recovery-bot chat; fi

## Lint and type-check (ruff, mypy), then validate flows, templates and locales.
check: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy bot
	$(BIN)/recovery-bot flows check

## Run every gate: `check`, then the whole test suite (SQLite always; PostgreSQL when one
## answers at TEST_POSTGRES_URL): two workers in parallel, then the tests marked `serial`
## (several bot processes each) on their own.
test: check
	$(BIN)/python -m pytest -n 2 -m "not serial" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m serial $(PYTEST_ARGS)

chat: $(STAMP)
	$(BIN)/recovery-bot chat

bench: $(STAMP)
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) data .pytest_cache
