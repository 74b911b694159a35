#!/usr/bin/env bash
# packaging/static-lib.sh IN.a SHARED.so OUT.a: the shipped static library.
# cargo's staticlib is the LTO'd crate plus copies of std's objects, with LLVM
# bitcode, debug info and one section per function: about 9 MB. Here it becomes
# one relocatable object holding what the chatlife_* functions reach (the
# exports of SHARED.so), with every other symbol made local, so that it
# cannot clash with another Rust library linked into the same program, and
# the per-function sections merged: about the size of the shared library.
set -euo pipefail
in=$1 shared=$2 out=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

nm -D --defined-only "$shared" | awk '$2 == "T" && $3 ~ /^chatlife_/ {print $3}' > "$work/exports"
[ -s "$work/exports" ] || { echo "$shared exports no chatlife_ function" >&2; exit 1; }
ld -r --whole-archive "$in" --gc-sections $(sed 's/^/--require-defined=/' "$work/exports") -o "$work/gc.o"
objcopy --keep-global-symbols="$work/exports" --strip-debug \
  --remove-section=.llvmbc --remove-section=.llvmcmd --remove-section=.comment "$work/gc.o" "$work/local.o"
ld -r -T "$(dirname "$0")/merge-sections.ld" "$work/local.o" -o "$work/merged.o"
strip --strip-unneeded "$work/merged.o" -o "$work/chatlife.o"
rm -f "$out"
ar rcsD "$out" "$work/chatlife.o"
