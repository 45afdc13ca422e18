# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi

.PHONY: run test bench install install-dev translations clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Compiled catalogues (.mo) are built here, never committed: from the .po files beside them.
CATALOGUES := crm/translations
MO_FILES   := $(patsubst %.po,%.mo,$(wildcard $(CATALOGUES)/*/LC_MESSAGES/messages.po))
$(CATALOGUES)/%/LC_MESSAGES/messages.mo: $(CATALOGUES)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@ -l $*

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt tests/e2e/package-lock.json $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@# axe-core for the browser tests' accessibility checks (test-only, never served)
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/e2e --no-audit --no-fund --silent; \
	 else echo "npm not found: the accessibility checks will be skipped"; fi
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed $(MO_FILES)
install-dev: $(VENV)/.installed-dev $(MO_FILES)

# After changing marked strings: extract them, merge them into ru and kk, compile.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --sort-by-file \
	  --project=crm --copyright-holder="the CRM's authors" -o $(CATALOGUES)/messages.pot .
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile --statistics -d $(CATALOGUES)

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask crm seed-demo --if-empty
	@echo ""
	@echo "  Open http://$(HOST):$(PORT)/ and sign in with one of the demo logins above."
	@echo ""
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
