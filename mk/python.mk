# Python package (bindings/python). `make python` creates .venv with the pinned
# tools and installs chatlife into it from a freshly built wheel; stamp files in
# .venv make it a no-op when nothing changed. `make test-python` runs the suite.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
PY_PACKAGE := bindings/python
PY_WHEELS := target/python-wheels
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

# A real wheel, so the suite also proves the package ships its stubs and py.typed.
$(PY_INSTALL_STAMP): $(PY_TOOLS_STAMP) $(PY_SOURCES)
	rm -rf $(PY_WHEELS)
	$(VENV)/bin/maturin build --release --locked --interpreter $(VENV_PYTHON) \
		--manifest-path $(PY_PACKAGE)/Cargo.toml --out $(PY_WHEELS)
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -q --no-deps --force-reinstall $(PY_WHEELS)/*.whl
	touch $@

test-python: python cli
	$(CARGO) clippy --locked -p chatlife-python --all-targets -- -D warnings
	$(VENV_PYTHON) -m mypy.stubtest chatlife._native
	$(VENV_PYTHON) -m mypy --strict examples/python tests/python
	$(VENV_PYTHON) -m pytest -q tests/python
