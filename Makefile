# CommonBeat. `make demo` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo install messages test test-unit test-browser lint check audit resilience bench assets clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/activate

install: $(BIN)/activate messages

messages: $(BIN)/activate
	cd src/commonbeat && ../../$(BIN)/django-admin compilemessages > /dev/null

demo: install
	rm -f var/commonbeat.sqlite3 var/commonbeat.sqlite3-wal var/commonbeat.sqlite3-shm
	$(MANAGE) migrate --verbosity 0
	$(MANAGE) seed_demo
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl-C stops). Spanish: http://$(HOST):$(PORT)/es/ . Second agency: http://lakeside.localhost:$(PORT)/"
	COMMONBEAT_DEMO=1 $(MANAGE) runserver $(HOST):$(PORT)

# The whole suite: unit and integration tests, then the browser tests, then the checks CI enforces.
test: install test-unit test-browser lint check

# The tests of one file run on one worker (--dist loadfile), so a module's built city is built once.
test-unit: install
	$(BIN)/pytest -m "not browser" -n 2 --dist loadfile -q

test-browser: install
	$(BIN)/pytest -m browser -q

lint: install
	$(BIN)/ruff check src tests
	$(MANAGE) makemigrations --check --dry-run --verbosity 1

check: install
	DJANGO_SETTINGS_MODULE=commonbeat.settings.production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=commonbeat.example.org COMMONBEAT_ENCRYPTION_KEYS=r0Mt7bqfJ2oVVbXOQyFZmbLNTwQbcCzZAYLbmqgkA3c= \
	$(MANAGE) check --deploy --fail-level WARNING

# Known vulnerabilities in the pinned packages (pip-audit) and risky code (bandit); see scripts/audit.sh.
audit: install
	bash scripts/audit.sh

# Faults under load on loopback: PostgreSQL restarted while reports are filed, a task worker killed mid-batch.
resilience: install
	bash scripts/resilience/run.sh

# The five benchmarks of bench/, each beside its reference; writes bench/RESULTS.md.
bench: install
	$(BIN)/python bench/run_all.py

# Refresh the vendored USWDS, Leaflet and axe-core files from the versions pinned in package.json (needs npm).
assets:
	./scripts/vendor_assets.sh

clean:
	rm -rf $(VENV) var node_modules
