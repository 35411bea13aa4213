# Zhongshu: two commands. `make run` serves the demo; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
export PYTHONDONTWRITEBYTECODE := 1
# Test processes (pytest-xdist): one per core; each has its own test database, Redis database
# and media directory (settings.py). TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto

.PHONY: run test venv lint system-run system-test vendor lock messages clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "Zhongshu needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

system-run:
	@bash scripts/setup-system.sh run

system-test:
	@bash scripts/setup-system.sh test

messages: $(STAMP)
	@$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

run: system-run $(STAMP) messages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py seed_demo --if-empty
	ZHONGSHU_MODE=$${ZHONGSHU_MODE:-demo} $(BIN)/python manage.py serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: system-test $(STAMP) messages lint
	ZHONGSHU_MODE=test $(BIN)/python manage.py makemigrations --check --dry-run -v 1
	ZHONGSHU_MODE=test $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

# Maintainers only (needs the npm and PyPI registries): refresh vendored files and the lock.
vendor:
	bash scripts/vendor-static.sh

lock: $(STAMP)
	$(BIN)/pip-compile --quiet --generate-hashes --extra dev --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var/static var/test*.sqlite3* var/media-gw*
