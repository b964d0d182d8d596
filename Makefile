# Two commands on a fresh machine: `make run` and `make test`. Both install into .venv/
# (created if missing, reused while requirements/ are unchanged).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
REQ_HASH := $(shell cat requirements/base.txt requirements/dev.txt | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(REQ_HASH)
export XDG_RUNTIME_DIR ?= $(CURDIR)/var/run

.PHONY: install lint run test bench stop-servers clean

install: $(STAMP)

$(STAMP): requirements/base.txt requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel
	# torch first, from the CPU wheel: otherwise pip fetches a multi-GB CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

run: install
	@mkdir -p var/run && chmod 700 var/run
	$(PY) manage.py bootstrap --port $${BOOMER_WEB_PORT:-8000}
	$(VENV)/bin/honcho start -f Procfile

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: install lint
	@mkdir -p var/run && chmod 700 var/run
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure here" >&2; exit 1; fi; exit $$rc

bench: install
	$(PY) bench/pipeline.py

stop-servers:
	$(PY) -m boomer_site.embedded stop

clean: stop-servers
	rm -rf var
