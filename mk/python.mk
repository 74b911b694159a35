# Python package (bindings/python). `make python` creates .venv with the pinned
# tools and installs chatlife into it from the wheel `make dist` ships; stamp files in
# .venv make it a no-op when nothing changed. `make test-python` runs the suite.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
PY_PACKAGE := bindings/python
PY_REQUIREMENTS := $(PY_PACKAGE)/requirements-dev.txt
PY_TOOLS_STAMP := $(VENV)/.chatlife-tools
PY_INSTALL_STAMP := $(VENV)/.chatlife-installed
PY_SOURCES := $(shell find core/src $(PY_PACKAGE)/src $(PY_PACKAGE)/python -type f -not -name '*.pyc') \
	$(PY_PACKAGE)/Cargo.toml $(PY_PACKAGE)/pyproject.toml $(PY_PACKAGE)/README.md core/Cargo.toml Cargo.lock

TEST_SUITES += test-python
.PHONY: python test-python

python: $(PY_INSTALL_STAMP)

# Debian's own python3 needs python3-venv for `-m venv`: installed only if the first try fails.
$(VENV_PYTHON):
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV) && apt-get update && apt-get install -y python3-venv \
		&& $(PYTHON) -m venv $(VENV); }

$(PY_TOOLS_STAMP): $(PY_REQUIREMENTS) | $(VENV_PYTHON)
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -q -r $(PY_REQUIREMENTS)
	touch $@

# The wheel `make dist` ships (mk/dist.mk: the dist profile, linked by zig for
# manylinux2014), so the suite tests what users install, stubs and py.typed
# included, and the core is not compiled once more for a release wheel.
$(PY_INSTALL_STAMP): $(DIST_WHEEL_STAMP) $(PY_SOURCES)
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -q --no-deps --force-reinstall \
		$(DIST)/chatlife-$(CHATLIFE_VERSION)-cp39-abi3-*.whl
	touch $@

test-python: python cli
	$(CARGO) clippy --locked -p chatlife-python --all-targets -- -D warnings
	$(VENV_PYTHON) -m mypy.stubtest chatlife._native
	$(VENV_PYTHON) -m mypy --strict examples/python tests/python
	$(VENV_PYTHON) -m pytest -q tests/python
