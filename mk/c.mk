# C ABI (ffi/, include/chatlife.h) and its C/C++ tests.
#   make ffi            target/release/libchatlife.{so,a}
#   make header         regenerate include/chatlife.h with the pinned cbindgen
#   make check-header   fail if the committed header differs from the sources
#   make c-runner       target/c/chatlife-run, the scenario runner over the C API
#   make install PREFIX=/usr/local [DESTDIR=]   library, header, chatlife.pc
#   make test-c         everything below, on a fresh Debian machine

CBINDGEN_VERSION := 0.29.4
# Built once per machine and version, outside the clone (1.5 minutes to
# compile): every checkout of this machine, CI's fresh clones too, reuses it.
CBINDGEN_ROOT ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/chatlife/cbindgen-$(CBINDGEN_VERSION)
CBINDGEN_STAMP := $(CBINDGEN_ROOT)/.installed
CBINDGEN := $(CBINDGEN_ROOT)/bin/cbindgen
C_DEBIAN_PACKAGES := gcc g++ nlohmann-json3-dev valgrind pkg-config binutils

C_OUT := target/c
FFI_STATIC := target/release/libchatlife.a
FFI_SHARED := target/release/libchatlife.so
# The test-only panic export lives in the debug build, so the shipped (release)
# library above never has it. It is built with every feature, as test-c-rust
# tests the crate, so the two share their compiled dependencies.
FFI_PANIC_STATIC := target/debug/libchatlife.a
# What a Rust staticlib needs from the C library (`rustc --print native-static-libs`).
FFI_NATIVE_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

CHATLIFE_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
CHATLIFE_VERSION_PARTS := $(subst ., ,$(CHATLIFE_VERSION))
CHATLIFE_ABI := $(if $(filter 0,$(word 1,$(CHATLIFE_VERSION_PARTS))),0.$(word 2,$(CHATLIFE_VERSION_PARTS)),$(word 1,$(CHATLIFE_VERSION_PARTS)))
CARGO_VERSION_DEFINES := -DCARGO_VERSION_MAJOR=$(word 1,$(CHATLIFE_VERSION_PARTS)) \
	-DCARGO_VERSION_MINOR=$(word 2,$(CHATLIFE_VERSION_PARTS)) -DCARGO_VERSION_PATCH=$(word 3,$(CHATLIFE_VERSION_PARTS))

C_STRICT := -Wall -Wextra -Werror -pedantic
C_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
C_VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1
C_TEST_ENV := RUST_BACKTRACE=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include

TEST_SUITES += test-c
.PHONY: c-deps ffi header check-header check-header-compiles c-runner install test-c test-c-rust \
	test-c-runner test-c-api test-c-batch test-c-snapshot test-c-hold test-c-panic test-c-install FORCE

# Debian packages, installed only when one is missing so repeated runs are
# quick. apt-get needs root: without it the step stops and names what to install.
.PHONY: c-packages
c-packages:
	@echo $(sort $(C_DEBIAN_PACKAGES))

c-deps:
	@missing=""; for p in $(sort $(C_DEBIAN_PACKAGES)); do \
	  dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "the C suite needs Debian packages:$$missing; install them as root (apt-get install$$missing) or run make as root" >&2; exit 1; \
	  fi; \
	  echo "installing Debian packages as root:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing > /dev/null; \
	fi

$(CBINDGEN_STAMP):
	@echo "installing cbindgen $(CBINDGEN_VERSION) into $(CBINDGEN_ROOT) (once per machine, about 1.5 minutes)"
	$(CARGO) install --quiet --locked --force --version $(CBINDGEN_VERSION) --root $(CBINDGEN_ROOT) cbindgen
	touch $@

# cargo decides whether anything changed; it leaves the files alone when not,
# so what links against them is rebuilt only when needed. The CLI is named
# too: cargo picks dependency features by the packages it builds, and with
# the CLI's they are the ones `make cli` built, so the core and its
# dependencies compile once for both instead of twice.
$(FFI_STATIC) $(FFI_SHARED) &: FORCE
	$(CARGO) build --release --locked -p chatlife-ffi -p chatlife-cli

$(FFI_PANIC_STATIC): FORCE
	$(CARGO) build --locked -p chatlife-ffi --all-features

ffi: $(FFI_STATIC) $(FFI_SHARED)

header: $(CBINDGEN_STAMP)
	$(CBINDGEN) --quiet --config ffi/cbindgen.toml --output include/chatlife.h ffi

check-header: $(CBINDGEN_STAMP)
	@mkdir -p $(C_OUT)
	$(CBINDGEN) --quiet --config ffi/cbindgen.toml --output $(C_OUT)/chatlife.h.fresh ffi
	@diff -u include/chatlife.h $(C_OUT)/chatlife.h.fresh \
	  || { echo "include/chatlife.h differs from what ffi/src gives: run 'make header' and commit it"; exit 1; }
	@echo "include/chatlife.h is what cbindgen $(CBINDGEN_VERSION) makes of ffi/src"

# The header alone, as C99 and C++17, with the test-only declaration too.
check-header-compiles: c-deps
	@mkdir -p $(C_OUT)
	for define in "" -DCHATLIFE_TEST_PANIC; do \
	  gcc -std=c99 $(C_STRICT) $$define -fsyntax-only -x c include/chatlife.h; \
	  g++ -std=c++17 $(C_STRICT) $$define -fsyntax-only -x c++ include/chatlife.h; \
	done
	g++ -std=c++17 $(C_STRICT) -fsyntax-only -x c++ -Iinclude examples/c/hello.c
	@echo "include/chatlife.h compiles as C99 and C++17 with $(C_STRICT)"

$(C_OUT)/chatlife-run: tests/c/chatlife-run.cpp include/chatlife.h $(FFI_STATIC) | c-deps
	@mkdir -p $(@D)
	g++ -std=c++17 $(C_STRICT) -O1 -g -Iinclude $< $(FFI_STATIC) $(FFI_NATIVE_LIBS) -o $@

$(C_OUT)/asan/chatlife-run: tests/c/chatlife-run.cpp include/chatlife.h $(FFI_STATIC) | c-deps
	@mkdir -p $(@D)
	g++ -std=c++17 $(C_STRICT) $(C_SANITIZE) -O1 -g -Iinclude $< $(FFI_STATIC) $(FFI_NATIVE_LIBS) -o $@

c-runner: $(C_OUT)/chatlife-run

# The shared library under its soname, as an install lays it out, for the
# tests that link it from the build tree.
C_LIB := $(C_OUT)/lib
$(C_LIB)/libchatlife.so.$(CHATLIFE_ABI): $(FFI_SHARED)
	@mkdir -p $(@D)
	cp $< $@
	ln -sf libchatlife.so.$(CHATLIFE_ABI) $(C_LIB)/libchatlife.so

# The API tests link the shared library, the runner the static one: both ship.
$(C_OUT)/test-api: tests/c/test_api.c tests/c/check.h include/chatlife.h $(C_LIB)/libchatlife.so.$(CHATLIFE_ABI) Cargo.toml | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) -g $(CARGO_VERSION_DEFINES) -Iinclude -Itests/c $< \
	  -L$(C_LIB) -lchatlife -Wl,-rpath,$(abspath $(C_LIB)) -o $@

$(C_OUT)/asan/test-api: tests/c/test_api.c tests/c/check.h include/chatlife.h $(C_LIB)/libchatlife.so.$(CHATLIFE_ABI) Cargo.toml | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) $(C_SANITIZE) -g $(CARGO_VERSION_DEFINES) -Iinclude -Itests/c $< \
	  -L$(C_LIB) -lchatlife -Wl,-rpath,$(abspath $(C_LIB)) -o $@

# chatlife_apply_many's contract, built like the API tests.
$(C_OUT)/test-batch: tests/c/test_batch.c tests/c/check.h include/chatlife.h $(C_LIB)/libchatlife.so.$(CHATLIFE_ABI) | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) -g -Iinclude -Itests/c $< -L$(C_LIB) -lchatlife -Wl,-rpath,$(abspath $(C_LIB)) -o $@

$(C_OUT)/asan/test-batch: tests/c/test_batch.c tests/c/check.h include/chatlife.h $(C_LIB)/libchatlife.so.$(CHATLIFE_ABI) | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) $(C_SANITIZE) -g -Iinclude -Itests/c $< \
	  -L$(C_LIB) -lchatlife -Wl,-rpath,$(abspath $(C_LIB)) -o $@

# Durable state (snapshots, moved conversations), built like the API tests.
$(C_OUT)/test-snapshot $(C_OUT)/asan/test-snapshot: tests/c/test_snapshot.c tests/c/check.h include/chatlife.h \
    $(C_LIB)/libchatlife.so.$(CHATLIFE_ABI) | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) $(if $(findstring /asan/,$@),$(C_SANITIZE)) -g -Iinclude -Itests/c $< \
	  -L$(C_LIB) -lchatlife -Wl,-rpath,$(abspath $(C_LIB)) -o $@

# hold, resume and the v2 event fields, built like the API tests.
$(C_OUT)/test-hold $(C_OUT)/asan/test-hold: tests/c/test_hold.c tests/c/check.h include/chatlife.h \
    $(C_LIB)/libchatlife.so.$(CHATLIFE_ABI) | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) $(if $(findstring /asan/,$@),$(C_SANITIZE)) -g -Iinclude -Itests/c $< \
	  -L$(C_LIB) -lchatlife -Wl,-rpath,$(abspath $(C_LIB)) -o $@

$(C_OUT)/test-panic: tests/c/test_panic.c tests/c/check.h include/chatlife.h $(FFI_PANIC_STATIC) | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) -g -Iinclude -Itests/c $< $(FFI_PANIC_STATIC) $(FFI_NATIVE_LIBS) -o $@

$(C_OUT)/asan/test-panic: tests/c/test_panic.c tests/c/check.h include/chatlife.h $(FFI_PANIC_STATIC) | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) $(C_SANITIZE) -g -Iinclude -Itests/c $< $(FFI_PANIC_STATIC) $(FFI_NATIVE_LIBS) -o $@

# What `make install` copies: the shipped libraries of `make ffi` by default;
# mk/dist.mk passes the distribution build instead. The pkg-config and CMake
# files name the directories as given here; mk/dist.mk gives relative ones.
INSTALL_STATIC ?= $(FFI_STATIC)
INSTALL_SHARED ?= $(FFI_SHARED)
PC_PREFIX ?= $(PREFIX)
PC_LIBDIR ?= $(LIBDIR)
PC_INCLUDEDIR ?= $(INCLUDEDIR)
CMAKE_INCLUDEDIR ?= $(INCLUDEDIR)
CMAKEDIR = $(LIBDIR)/cmake/chatlife
DOCDIR = $(PREFIX)/share/doc/chatlife
INSTALLED_FILES = $(INCLUDEDIR)/chatlife.h $(LIBDIR)/libchatlife.a $(LIBDIR)/libchatlife.so.$(CHATLIFE_VERSION) \
	$(LIBDIR)/libchatlife.so.$(CHATLIFE_ABI) $(LIBDIR)/libchatlife.so $(LIBDIR)/pkgconfig/chatlife.pc \
	$(CMAKEDIR)/chatlife-config.cmake $(CMAKEDIR)/chatlife-config-version.cmake $(DOCDIR)/LICENSE
CONFIG_SUBST = -e 's|@PREFIX@|$(PC_PREFIX)|' -e 's|@LIBDIR@|$(PC_LIBDIR)|' -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|' \
	-e 's|@CMAKE_INCLUDEDIR@|$(CMAKE_INCLUDEDIR)|' -e 's|@VERSION@|$(CHATLIFE_VERSION)|' -e 's|@ABI@|$(CHATLIFE_ABI)|' \
	-e 's|@NATIVE_LIBS@|$(FFI_NATIVE_LIBS)|' -e 's|@CMAKE_NATIVE_LIBS@|$(subst $(space),;,$(FFI_NATIVE_LIBS:-l%=%))|'
space := $(subst ,, )

.PHONY: uninstall
install: $(INSTALL_STATIC) $(INSTALL_SHARED)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(CMAKEDIR) $(DESTDIR)$(DOCDIR)
	install -m 644 include/chatlife.h $(DESTDIR)$(INCLUDEDIR)/chatlife.h
	install -m 644 $(INSTALL_STATIC) $(DESTDIR)$(LIBDIR)/libchatlife.a
	install -m 755 $(INSTALL_SHARED) $(DESTDIR)$(LIBDIR)/libchatlife.so.$(CHATLIFE_VERSION)
	ln -sf libchatlife.so.$(CHATLIFE_VERSION) $(DESTDIR)$(LIBDIR)/libchatlife.so.$(CHATLIFE_ABI)
	ln -sf libchatlife.so.$(CHATLIFE_ABI) $(DESTDIR)$(LIBDIR)/libchatlife.so
	sed $(CONFIG_SUBST) ffi/chatlife.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/chatlife.pc
	sed $(CONFIG_SUBST) packaging/chatlife-config.cmake.in > $(DESTDIR)$(CMAKEDIR)/chatlife-config.cmake
	sed $(CONFIG_SUBST) packaging/chatlife-config-version.cmake.in > $(DESTDIR)$(CMAKEDIR)/chatlife-config-version.cmake
	install -m 644 LICENSE $(DESTDIR)$(DOCDIR)/LICENSE

# Removes exactly what `make install` put there (same PREFIX, LIBDIR, DESTDIR),
# and the directories of chatlife's own that are then empty.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED_FILES))
	-rmdir $(DESTDIR)$(CMAKEDIR) $(DESTDIR)$(DOCDIR) 2>/dev/null

test-c-rust:
	$(CARGO) clippy --locked -p chatlife-ffi --all-targets --all-features -- -D warnings
	$(CARGO) test --locked -p chatlife-ffi --all-features

# The runner against the CLI on every scenario: typed calls, the JSON entry
# point, batches (--batch: chatlife_apply_many must agree with the typed
# calls), a snapshot and restart after every step (--snapshot-every 1: the
# output must be the plain run's), the ASan/UBSan build, and valgrind (every
# file in one process).
test-c-runner: cli $(C_OUT)/chatlife-run $(C_OUT)/asan/chatlife-run
	@echo "test-c: the C runner against the CLI on every scenario, six ways, then under valgrind (about a minute)"
	@mkdir -p $(C_OUT)/runs
	@for f in $(SCENARIOS); do \
	  name=$$(basename "$$f" .json); \
	  $(CHATLIFE) run "$$f" > $(C_OUT)/runs/$$name.cli; \
	  for runner in "$(C_OUT)/chatlife-run" "$(C_OUT)/chatlife-run --json" "$(C_OUT)/asan/chatlife-run" \
	      "$(C_OUT)/asan/chatlife-run --batch" "$(C_OUT)/chatlife-run --snapshot-every 1" \
	      "$(C_OUT)/asan/chatlife-run --snapshot-every 1"; do \
	    $(C_TEST_ENV) $$runner "$$f" > $(C_OUT)/runs/$$name.c \
	      || { echo "FAIL $$runner $$f"; exit 1; }; \
	    cmp -s $(C_OUT)/runs/$$name.cli $(C_OUT)/runs/$$name.c \
	      || { echo "FAIL $$runner $$f differs from chatlife run:"; \
	           diff $(C_OUT)/runs/$$name.cli $(C_OUT)/runs/$$name.c | head -20; exit 1; }; \
	  done; \
	done
	@echo "chatlife-run (typed, --json, ASan/UBSan, --batch, --snapshot-every 1 plainly and with ASan/UBSan)" \
	  "prints what chatlife run prints for $(words $(SCENARIOS)) scenarios"
	@$(C_VALGRIND) $(C_OUT)/chatlife-run --batch --snapshot-every 1 $(SCENARIOS) > $(C_OUT)/runs/all.valgrind
	@for f in $(SCENARIOS); do cat $(C_OUT)/runs/$$(basename "$$f" .json).cli; done | cmp -s - $(C_OUT)/runs/all.valgrind \
	  || { echo "FAIL chatlife-run under valgrind printed something else"; exit 1; }
	@echo "valgrind found no error or leak in chatlife-run --batch --snapshot-every 1 (typed calls, batches," \
	  "snapshots and restores) over $(words $(SCENARIOS)) scenarios"
	@for f in tests/c/invalid/*.json; do \
	  $(CHATLIFE) run "$$f" > /dev/null 2>&1 && cli=0 || cli=$$?; \
	  $(C_OUT)/chatlife-run "$$f" > /dev/null 2>&1 && c=0 || c=$$?; \
	  [ "$$cli" = 2 ] && [ "$$c" = 2 ] || { echo "FAIL $$f: chatlife run exits $$cli, chatlife-run $$c (both should be 2)"; exit 1; }; \
	done
	@echo "chatlife-run refuses the invalid scenario files the CLI refuses (exit 2)"

test-c-api: $(C_OUT)/test-api $(C_OUT)/asan/test-api $(FFI_SHARED)
	$(C_TEST_ENV) $(C_OUT)/asan/test-api
	$(C_VALGRIND) $(C_OUT)/test-api
	@if nm -D --defined-only $(FFI_SHARED) | grep -q chatlife_test_panic; then \
	  echo "FAIL $(FFI_SHARED) exports the test-only chatlife_test_panic"; exit 1; fi
	@if nm -D --defined-only $(FFI_SHARED) | awk '$$2 == "T" && $$3 !~ /^chatlife_/' | grep .; then \
	  echo "FAIL $(FFI_SHARED) exports functions outside the chatlife_ namespace (above)"; exit 1; fi
	@echo "libchatlife.so exports only chatlife_* functions, and no test-only one"

test-c-batch: $(C_OUT)/test-batch $(C_OUT)/asan/test-batch
	$(C_TEST_ENV) $(C_OUT)/asan/test-batch
	$(C_VALGRIND) $(C_OUT)/test-batch

test-c-snapshot: $(C_OUT)/test-snapshot $(C_OUT)/asan/test-snapshot
	$(C_TEST_ENV) $(C_OUT)/asan/test-snapshot
	$(C_VALGRIND) $(C_OUT)/test-snapshot

test-c-hold: $(C_OUT)/test-hold $(C_OUT)/asan/test-hold
	$(C_TEST_ENV) $(C_OUT)/asan/test-hold
	$(C_VALGRIND) $(C_OUT)/test-hold

test-c-panic: $(C_OUT)/test-panic $(C_OUT)/asan/test-panic
	$(C_TEST_ENV) $(C_OUT)/asan/test-panic 2> $(C_OUT)/panic-asan.stderr
	$(C_TEST_ENV) $(C_VALGRIND) $(C_OUT)/test-panic 2> $(C_OUT)/panic-valgrind.stderr \
	  || { cat $(C_OUT)/panic-valgrind.stderr; exit 1; }

# NULL for every pointer parameter of every function: the test is generated
# from include/chatlife.h each time, so a new function is covered (or the
# generator refuses it). Against the shipped library, and with
# -DCHATLIFE_TEST_PANIC against the test-panic build for the test-only
# function too; each plainly, with ASan/UBSan and under valgrind.
C_DEBIAN_PACKAGES += python3
.PHONY: test-c-null-args
test-c: test-c-null-args

$(C_OUT)/null_args.c: tests/c/gen_null_tests.py include/chatlife.h $(FFI_SHARED) | c-deps
	@mkdir -p $(@D)
	nm -D --defined-only $(FFI_SHARED) > $(C_OUT)/null_args.exports
	python3 tests/c/gen_null_tests.py --exports $(C_OUT)/null_args.exports include/chatlife.h $@

$(C_OUT)/test-null-args $(C_OUT)/asan/test-null-args: $(C_OUT)/null_args.c tests/c/check.h \
    $(C_LIB)/libchatlife.so.$(CHATLIFE_ABI) | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) $(if $(findstring /asan/,$@),$(C_SANITIZE)) -g -Iinclude -Itests/c $< \
	  -L$(C_LIB) -lchatlife -Wl,-rpath,$(abspath $(C_LIB)) -o $@

$(C_OUT)/test-null-args-panic $(C_OUT)/asan/test-null-args-panic: $(C_OUT)/null_args.c tests/c/check.h \
    $(FFI_PANIC_STATIC) | c-deps
	@mkdir -p $(@D)
	gcc -std=c11 $(C_STRICT) $(if $(findstring /asan/,$@),$(C_SANITIZE)) -DCHATLIFE_TEST_PANIC -g -Iinclude \
	  -Itests/c $< $(FFI_PANIC_STATIC) $(FFI_NATIVE_LIBS) -o $@

# stderr is kept aside: the test-only function's panics print there on purpose.
test-c-null-args: $(C_OUT)/test-null-args $(C_OUT)/asan/test-null-args \
    $(C_OUT)/test-null-args-panic $(C_OUT)/asan/test-null-args-panic
	@for run in $(C_OUT)/test-null-args $(C_OUT)/asan/test-null-args "$(C_VALGRIND) $(C_OUT)/test-null-args" \
	    $(C_OUT)/test-null-args-panic $(C_OUT)/asan/test-null-args-panic \
	    "$(C_VALGRIND) $(C_OUT)/test-null-args-panic"; do \
	  echo "$$run"; \
	  $(C_TEST_ENV) $$run 2> $(C_OUT)/null-args.stderr || { cat $(C_OUT)/null-args.stderr; echo "FAIL $$run"; exit 1; }; \
	done

# Install into a fresh prefix, then build the README example against the
# installed copy through pkg-config only, and run it as it is (the rpath of
# chatlife.pc, no LD_LIBRARY_PATH); then uninstall, which must leave nothing.
test-c-install: $(FFI_STATIC) $(FFI_SHARED) | c-deps
	rm -rf $(C_OUT)/prefix && mkdir -p $(C_OUT)/prefix
	$(MAKE) --no-print-directory install PREFIX=$(abspath $(C_OUT)/prefix)
	export PKG_CONFIG_PATH=$(abspath $(C_OUT)/prefix)/lib/pkgconfig; \
	  [ "$$(pkg-config --modversion chatlife)" = "$(CHATLIFE_VERSION)" ]; \
	  gcc -std=c99 $(C_STRICT) examples/c/hello.c $$(pkg-config --cflags --libs chatlife) -o $(C_OUT)/hello
	readelf -d $(C_OUT)/hello | grep -q 'NEEDED.*\[libchatlife.so.$(CHATLIFE_ABI)\]'
	env -u LD_LIBRARY_PATH $(C_VALGRIND) $(C_OUT)/hello > $(C_OUT)/hello.out
	diff -u examples/c/hello.expected $(C_OUT)/hello.out
	$(MAKE) --no-print-directory uninstall PREFIX=$(abspath $(C_OUT)/prefix)
	@left=$$(find $(C_OUT)/prefix -type f -o -type l); [ -z "$$left" ] || { echo "FAIL make uninstall left: $$left"; exit 1; }
	@echo "installed with pkg-config; examples/c/hello.c builds against it and prints examples/c/hello.expected; uninstall removed it all"

test-c: c-deps test-c-rust check-header check-header-compiles test-c-runner test-c-api test-c-batch test-c-snapshot \
    test-c-hold test-c-panic test-c-install
	@echo "test-c: header, runner, sanitizers, valgrind, API, batch, snapshot, hold, panic boundary and install checks passed"

FORCE:
