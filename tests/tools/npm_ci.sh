#!/usr/bin/env bash
# `npm ci` in the current directory that fails on EBADENGINE: npm only warns
# when a locked package's `engines` exclude this Node, and such a tool may
# break at any call. The fix is a pin (package.json `overrides`) whose
# engines include this Node, then a committed lock.
#   usage: NPM=npm tests/tools/npm_ci.sh [npm ci flags]
set -euo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --loglevel=warn: an npmrc that silences warnings must not hide this one.
"${NPM:-npm}" ci --loglevel=warn "$@" 2>&1 | tee "$log"
if grep -q EBADENGINE "$log"; then
  echo "$(pwd): npm ci warned EBADENGINE (above): a locked package does not support Node $(${NODE:-node} --version);" \
    "pin one that does (package.json overrides) and commit the lock" >&2
  exit 1
fi
