# Distribution (issue 18): `make dist` builds what a user installs into dist/,
# each native library once with the `dist` profile (stripped, LTO, one
# codegen unit; the Node addon is `make node`'s own build):
#   chatlife-VERSION-cp39-abi3-manylinux2014_x86_64…whl and chatlife-VERSION.tar.gz (sdist)
#   chatlife-VERSION.tgz + chatlife-linux-x64-gnu-VERSION.tgz (npm, napi-rs layout)
#   chatlife-VERSION-linux-x86_64.tar.gz (C: header, libraries, pkg-config, CMake)
# `make test-dist` installs each outside the repository and runs the README's
# "use it in your app" blocks there (tests/readme/blocks.py --dist), plus the
# checks below.

DIST := dist
DIST_STAGE := target/dist-stage
DIST_LIBS := target/dist
DIST_MAX_LIBRARY_BYTES := 2097152
DIST_PY_REQUIREMENTS := bindings/python/requirements-dist.txt
# mk/python.mk's $(VENV), named here: that file is read after this one, and a
# target's name is expanded as it is read (it was /.chatlife-dist-tools).
DIST_TOOLS_STAMP := .venv/.chatlife-dist-tools
DIST_C_NAME := chatlife-$(CHATLIFE_VERSION)-linux-x86_64
DIST_C := $(DIST)/$(DIST_C_NAME).tar.gz
DIST_NPM_MAIN := $(DIST)/chatlife-$(CHATLIFE_VERSION).tgz
DIST_NPM_PLATFORM := $(DIST)/chatlife-linux-x64-gnu-$(CHATLIFE_VERSION).tgz
DIST_WHEEL_STAMP := $(DIST_STAGE)/python.stamp
DIST_SOURCES := $(shell find core/src ffi/src bindings/node/src bindings/python/src bindings/python/python -type f -not -name '*.pyc') \
	Cargo.toml Cargo.lock LICENSE include/chatlife.h $(wildcard packaging/*)

# mk/node.mk and mk/python.mk come after this file: their names are expanded
# in prerequisites ($$(…)) once every file is read.
.SECONDEXPANSION:

TEST_SUITES += test-dist
.PHONY: dist dist-c dist-node dist-python test-dist clean-dist

dist: dist-c dist-node dist-python
	@ls -l $(DIST)

clean-dist:
	rm -rf $(DIST) $(DIST_STAGE)

$(DIST_TOOLS_STAMP): $(DIST_PY_REQUIREMENTS) $$(PY_TOOLS_STAMP)
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -q -r $(DIST_PY_REQUIREMENTS)
	touch $@

# --- C ----------------------------------------------------------------------
# The tarball's pkg-config and CMake files find the rest from where they lie
# (${pcfiledir}, CMAKE_CURRENT_LIST_DIR): it works wherever it is unpacked.
$(DIST_LIBS)/libchatlife.so $(DIST_LIBS)/libchatlife.a &: $(DIST_SOURCES)
	@echo "dist: building the C library (profile dist: LTO, about a minute)"
	$(CARGO) build --profile dist --locked -p chatlife-ffi
	@touch $(DIST_LIBS)/libchatlife.so $(DIST_LIBS)/libchatlife.a

$(DIST_STAGE)/libchatlife.a: $(DIST_LIBS)/libchatlife.a $(DIST_LIBS)/libchatlife.so packaging/static-lib.sh
	@mkdir -p $(@D)
	packaging/static-lib.sh $(DIST_LIBS)/libchatlife.a $(DIST_LIBS)/libchatlife.so $@

$(DIST_C): $(DIST_STAGE)/libchatlife.a $(DIST_LIBS)/libchatlife.so ffi/chatlife.pc.in README.md
	rm -rf $(DIST_STAGE)/c && mkdir -p $(DIST_STAGE)/c $(DIST)
	$(MAKE) --no-print-directory install PREFIX= DESTDIR=$(abspath $(DIST_STAGE)/c/$(DIST_C_NAME)) \
	  INSTALL_STATIC=$(DIST_STAGE)/libchatlife.a INSTALL_SHARED=$(DIST_LIBS)/libchatlife.so \
	  PC_PREFIX='$$$${pcfiledir}/../..' PC_LIBDIR='$$$${prefix}/lib' PC_INCLUDEDIR='$$$${prefix}/include' \
	  CMAKE_INCLUDEDIR=../include
	cp LICENSE README.md $(DIST_STAGE)/c/$(DIST_C_NAME)/
	tar -C $(DIST_STAGE)/c --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -czf $@ $(DIST_C_NAME)

dist-c: $(DIST_C)

# --- Node -------------------------------------------------------------------
# The addon `make node` built (with this profile) and tested, packed as it is.
$(DIST_STAGE)/node.stamp: $$(NODE_BUILD_STAMP) LICENSE bindings/node/package.json bindings/node/cli.js \
    bindings/node/README.md packaging/npm.js
	rm -rf $(DIST_STAGE)/node && mkdir -p $(DIST_STAGE)/node $(DIST)
	$(NODE) packaging/npm.js $(NODE_PACKAGE) $(DIST_STAGE)/node/packages
	for dir in $(DIST_STAGE)/node/packages/*/; do \
	  (cd $$dir && $(NPM) pack --silent --pack-destination $(abspath $(DIST)) > /dev/null); done
	touch $@

dist-node: $(DIST_STAGE)/node.stamp

# --- Python -----------------------------------------------------------------
# maturin links with zig for glibc 2.17, so the wheel's tag is manylinux2014.
$(DIST_WHEEL_STAMP): $(DIST_TOOLS_STAMP) $(DIST_SOURCES) bindings/python/pyproject.toml bindings/python/README.md
	@echo "dist: building the Python wheel (profile dist, linked by zig for manylinux2014: about a minute)"
	@mkdir -p $(DIST) $(@D)
	rm -f $(DIST)/chatlife-*.whl $(DIST)/chatlife-$(CHATLIFE_VERSION).tar.gz
	PATH=$(abspath $(VENV))/bin:$$PATH $(VENV)/bin/maturin build --quiet --profile dist --zig \
	  --compatibility manylinux2014 --target x86_64-unknown-linux-gnu --locked \
	  --interpreter $(VENV_PYTHON) --manifest-path $(PY_PACKAGE)/Cargo.toml --out $(DIST)
	$(VENV)/bin/maturin sdist --manifest-path $(PY_PACKAGE)/Cargo.toml --out $(DIST) 2>&1 | grep -v '^ *= note\|^warning: manifest has no'
	touch $@

dist-python: $(DIST_WHEEL_STAMP)

# --- checks -----------------------------------------------------------------
test-dist: dist cli c-deps
	@echo "test-dist: sizes, tags and licenses of dist/"
	$(VENV_PYTHON) tests/dist/check_artifacts.py --dist $(DIST) --version $(CHATLIFE_VERSION) \
	  --max-library-bytes $(DIST_MAX_LIBRARY_BYTES) --auditwheel $(VENV)/bin/auditwheel
	@echo "test-dist: the README's 'use it in your app' blocks, each in a new directory outside the repository"
	PATH=$(abspath $(VENV))/bin:$(abspath $(NODE_PACKAGE))/node_modules/.bin:$$PATH \
	  CARGO_TARGET_DIR=$(abspath target/readme-app) python3 tests/readme/blocks.py --dist README.md
C_DEBIAN_PACKAGES += cmake
