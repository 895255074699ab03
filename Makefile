# Yizhan: the two commands of the README. Both create/reuse a virtualenv in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The planner page's browser test drives this Chromium (tests/browser.py reads YIZHAN_CHROMIUM too).
CHROMIUM := $(or $(YIZHAN_CHROMIUM),/usr/bin/chromium)

.PHONY: run test chromium serve demo bench clean

# Set up everything, load the demo data (idempotent) and serve on SQLite.
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  Yizhan is running. API docs: http://$(HOST):$(PORT)/api/v1/docs"
	@echo "  Try: curl 'http://$(HOST):$(PORT)/api/v1/stations/nearest?lat=22.5431&lon=114.0579&k=3'"
	@echo "  Managers and planners: a token from '$(BIN)/python manage.py create_manager NAME --organisation 福田区'"
	@echo "  (add --role planner for the planner page http://$(HOST):$(PORT)/planning/)"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/ (a login from '$(BIN)/python manage.py createsuperuser')"
	@echo "  Large uploads are imported by the background worker started here (manage.py run_import_jobs --loop)."
	@echo ""
	$(BIN)/python manage.py run_import_jobs --loop & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole test suite (SQLite unless DATABASE_URL says otherwise).
test: $(VENV)/.installed-dev chromium
	$(BIN)/python -m pytest

# Install Debian's chromium when it is missing and apt-get may run (as root, or sudo without a
# password). Otherwise say so and go on: the browser test then skips with that reason, except in
# CI (CI=true), where it fails.
chromium:
	@if [ ! -x "$(CHROMIUM)" ] && command -v apt-get >/dev/null 2>&1; then \
	    if [ "$$(id -u)" -eq 0 ]; then as_root=""; \
	    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root="sudo -n"; \
	    else echo "$(CHROMIUM) is missing and apt-get needs root: the browser test will skip (sudo apt-get install chromium)"; exit 0; fi; \
	    echo "installing chromium for the browser test (apt-get)"; \
	    { $$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
	      && $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } \
	    || echo "could not install chromium: the browser test will skip"; \
	fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) var
