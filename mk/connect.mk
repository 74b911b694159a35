# Amazon Connect adapter (adapters/connect, issue 15): a local Connect chat
# over the Node addon. `make connect-emulator` runs it on CONNECT_PORT (8080)
# with CONNECT_FLAGS (e.g. `--clock manual --config FILE`); `make
# test-connect` runs its node --test suite against the real amazon-connect-
# chatjs and AWS SDK v3 clients, installed from adapters/connect's lock.

CONNECT_DIR := adapters/connect
CONNECT_DEPS_STAMP := $(CONNECT_DIR)/node_modules/.chatlife-deps
CONNECT_PORT ?= 8080
CONNECT_FLAGS ?=

TEST_SUITES += test-connect
.PHONY: connect-deps connect-emulator test-connect

connect-deps: $(CONNECT_DEPS_STAMP)

# `npm ci` installs exactly the lock (it fails if package.json and the lock
# disagree); chatlife is a link to bindings/node, which `make node` builds.
# (mk/node.mk is read after this file: its variables are not set yet here.)
$(CONNECT_DEPS_STAMP): $(CONNECT_DIR)/package.json $(CONNECT_DIR)/package-lock.json bindings/node/package.json | node-toolchain
	cd $(CONNECT_DIR) && $(NPM_CI)
	touch $@

connect-emulator: node $(CONNECT_DEPS_STAMP)
	$(NODE) $(CONNECT_DIR)/server.js --port $(CONNECT_PORT) $(CONNECT_FLAGS)

test-connect: node $(CONNECT_DEPS_STAMP)
	cd $(CONNECT_DIR) && $(NODE) --test test/*.test.js
