# The two commands: `make demo` and `make test`. Each does its own set-up and is
# safe to run again.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
PYTEST_ARGS ?=

.PHONY: demo test bench system system-test venv venv-test translations lint clean package package-check

demo: venv translations
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && [ "$$QT_QPA_PLATFORM" != "offscreen" ]; then \
	  echo "No screen found: saving screenshots of every window to demo-screenshots/ instead."; \
	  QT_QPA_PLATFORM=offscreen $(VENV)/bin/loket demo --screenshot demo-screenshots; \
	else \
	  $(VENV)/bin/loket demo; \
	fi

test: venv-test translations
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: venv-test
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

system:
	./installer/setup-system.sh installer/deps/apt-demo.txt

system-test:
	./installer/setup-system.sh installer/deps/apt-demo.txt installer/deps/apt-test.txt

$(VENV)/.stamp-base: pyproject.toml | system
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-base | system-test
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: system $(VENV)/.stamp-base

venv-test: system-test $(VENV)/.stamp-test

# The languages are JSON catalogues (assets/translations/*.json, loket/language.py) and
# need no build step; any Qt Linguist source (.ts) left would be compiled here.
translations: venv
	@for ts in assets/translations/*.ts; do \
	  [ -e "$$ts" ] || continue; \
	  $(VENV)/bin/pyside6-lrelease -silent "$$ts" -qm "$${ts%.ts}.qm"; \
	done

# The PyInstaller bundle and the .deb (installer/package.sh; installer/README.md).
$(VENV)/.stamp-package: pyproject.toml $(VENV)/.stamp-base
	$(PY) -m pip install -q -e '.[package]'
	touch $@

package: venv translations $(VENV)/.stamp-package
	./installer/package.sh

# CI: build, install the .deb on this machine (root), check units and the installed program.
package-check: package
	./installer/check-package.sh

# Lint installs what it needs (ruff, mypy, the type stubs: the [test] extra) itself.
# mypy checks the packages listed in pyproject.toml ([tool.mypy] files).
lint: venv-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) demo-screenshots .pytest_cache
