# Yizhan: the two commands of the README. Both create/reuse a virtualenv in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test serve demo bench clean

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
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole test suite (SQLite unless DATABASE_URL says otherwise).
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

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
