# Node addon (bindings/node, napi-rs). `make node` installs the pinned npm dev
# tools into bindings/node/node_modules from package-lock.json, builds the addon
# with `napi build` (chatlife.<platform>.node, index.js, index.d.ts) and links it
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

TEST_SUITES += test-node
.PHONY: node test-node node-toolchain

node: $(NODE_BUILD_STAMP) $(NODE_EXAMPLES_STAMP)

# Debian's nodejs/npm when the machine has no node; either way the version must do.
node-toolchain:
	if ! command -v $(NODE) >/dev/null || ! command -v $(NPM) >/dev/null; then \
		apt-get update && apt-get install -y nodejs npm; \
	fi
	$(NODE) -e '$(NODE_VERSION_CHECK)'

# `npm ci` refuses the lock this npm writes: the lock records no optional
# packages of other platforms (the lzma, tar and wasm-tools bindings under
# @napi-rs/cli) and `npm ci` then reports them missing. So the lock is checked
# against package.json, then installed as it is by `npm install --no-save`,
# which never rewrites it.
$(NODE_TOOLS_STAMP): $(NODE_PACKAGE)/package.json $(NODE_PACKAGE)/package-lock.json | node-toolchain
	cd $(NODE_PACKAGE) && { $(NPM) ls --package-lock-only >/dev/null || \
		{ echo "$(NODE_PACKAGE)/package-lock.json does not match package.json: npm install there and commit the lock" >&2; exit 1; }; }
	cd $(NODE_PACKAGE) && $(NPM) install --no-save $(NPM_FLAGS)
	touch $@

$(NODE_BUILD_STAMP): $(NODE_TOOLS_STAMP) $(NODE_SOURCES)
	cd $(NODE_PACKAGE) && node_modules/.bin/napi build --platform --release -- --locked
	mkdir -p $(@D)
	touch $@

# The examples require('chatlife') as an app would: through an npm link to the package.
$(NODE_EXAMPLES_STAMP): $(NODE_EXAMPLES)/package.json $(NODE_EXAMPLES)/package-lock.json $(NODE_PACKAGE)/package.json | node-toolchain
	cd $(NODE_EXAMPLES) && $(NPM) ci $(NPM_FLAGS)
	touch $@

test-node: node cli
	$(CARGO) clippy --locked -p chatlife-node --all-targets -- -D warnings
	$(CARGO) test --locked -p chatlife-node
	@echo "test-node: node --test (one dot per test; a failure is printed whole)"
	CHATLIFE_CLI=$(CHATLIFE) $(NODE) --test --test-reporter=dot tests/node/*.test.js
