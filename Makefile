# Two commands on a fresh clone:  `make run`  and  `make test`.
# Both create (or refresh) the local virtual environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test chat check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

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
