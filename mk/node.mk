# Node addon (bindings/node, napi-rs). `make node` installs the pinned npm dev
# tools into bindings/node/node_modules from package-lock.json, builds the addon
# with `napi build` (chatlife.<platform>.node, index.js, index.d.ts; the dist
# profile, mk/dist.mk packs it) and links it
# into examples/node as `chatlife`. Stamp files make it a no-op when nothing
# changed. `make test-node` runs the node --test suite in tests/node.

NODE ?= node
NPM ?= npm
# @napi-rs/cli 3 needs Node ^20.17 (or >= 22.13).
NODE_VERSION_CHECK := const [major, minor] = process.versions.node.split(".").map(Number); \
	if (major < 20 || (major === 20 && minor < 17)) { console.error(`Node 20.17 or newer is needed, not $${process.version}`); process.exit(1) }
NODE_PACKAGE := bindings/node
NODE_EXAMPLES := examples/node
NODE_TOOLS_STAMP := $(NODE_PACKAGE)/node_modules/.chatlife-tools
NODE_EXAMPLES_STAMP := $(NODE_EXAMPLES)/node_modules/.chatlife-linked
NODE_BUILD_STAMP := target/node/addon.stamp
NODE_SOURCES := $(shell find core/src $(NODE_PACKAGE)/src -type f) core/Cargo.toml Cargo.lock \
	$(NODE_PACKAGE)/Cargo.toml $(NODE_PACKAGE)/build.rs $(NODE_PACKAGE)/package.json $(NODE_PACKAGE)/dts-header.d.ts
# No install scripts run: nothing may fetch binaries from outside the registry.
NPM_FLAGS := --ignore-scripts --no-audit --no-fund
# Every `npm ci` of the build goes through this (mk/connect.mk, mk/restate.mk too).
NPM_CI = NPM=$(NPM) NODE=$(NODE) $(abspath tests/tools/npm_ci.sh) $(NPM_FLAGS)

TEST_SUITES += test-node
.PHONY: node test-node node-toolchain

node: $(NODE_BUILD_STAMP) $(NODE_EXAMPLES_STAMP)

# Debian's nodejs/npm when the machine has no node; either way the version must do.
node-toolchain:
	if ! command -v $(NODE) >/dev/null || ! command -v $(NPM) >/dev/null; then \
		apt-get update && apt-get install -y nodejs npm; \
	fi
	$(NODE) -e '$(NODE_VERSION_CHECK)'

# `npm ci` installs exactly the lock (it fails if package.json and the lock
# disagree) and, through NPM_CI, fails on an engine warning. The lock records
# every platform's optional packages, or `npm ci` reports them missing: make
# it with `npm install`, never with --omit=optional. package.json's overrides
# pin the two tools whose newest versions need Node 22 (docs/decisions.md
# says which and why); $(NODE_PACKAGE)/.npmrc keeps registry hosts out of the lock.
$(NODE_TOOLS_STAMP): $(NODE_PACKAGE)/package.json $(NODE_PACKAGE)/package-lock.json | node-toolchain
	cd $(NODE_PACKAGE) && $(NPM_CI)
	touch $@

# One build of the addon, with the `dist` profile it ships with: the tests
# load what users install, and `make dist` packs this same file. napi always
# builds for an explicit --target, in a target directory nothing else uses,
# so a release build besides would compile the core and every dependency
# once more.
$(NODE_BUILD_STAMP): $(NODE_TOOLS_STAMP) $(NODE_SOURCES)
	@echo "node: building the addon (profile dist: LTO, one to two minutes)"
	cd $(NODE_PACKAGE) && node_modules/.bin/napi build --platform --profile dist -- --locked
	mkdir -p $(@D)
	touch $@

# The examples require('chatlife') as an app would: through an npm link to the package.
$(NODE_EXAMPLES_STAMP): $(NODE_EXAMPLES)/package.json $(NODE_EXAMPLES)/package-lock.json $(NODE_PACKAGE)/package.json | node-toolchain
	cd $(NODE_EXAMPLES) && $(NPM_CI)
	touch $@

test-node: node cli
	$(CARGO) clippy --locked -p chatlife-node --all-targets -- -D warnings
	$(CARGO) test --locked -p chatlife-node
	@echo "test-node: node --test (one dot per test; a failure is printed whole)"
	CHATLIFE_CLI=$(CHATLIFE) $(NODE) --test --test-reporter=dot tests/node/*.test.js
