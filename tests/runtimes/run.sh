#!/bin/sh
# tests/runtimes/run.sh — tests of the runtime bootstraps (runtimes/nodejs,
# runtimes/python, the native runner in src/lambda_native) run in isolation
# against a small stub Runtime API (tests/runtimes/rapi_stub.py — a dev aid,
# not nimbus's Lambda service). Prints "N passed, N failed" last.
#
#   tests/runtimes/run.sh [name-filter…]
#
# Needs: node, /usr/bin/python3, cc, npm (installs aws-sdk v2 once into
# build/runtimes-test/npm for the SDK hook tests).
set -e
cd "$(dirname "$0")/../.."
OUT=build/runtimes-test
mkdir -p "$OUT"

# A real aws-sdk v2, as a function would bundle it.
NPM_DIR="$OUT/npm"
if [ ! -f "$NPM_DIR/node_modules/aws-sdk/package.json" ]; then
  mkdir -p "$NPM_DIR"
  (cd "$NPM_DIR" && [ -f package.json ] || echo '{"name":"runtimes-test","private":true}' > package.json)
  (cd "$NPM_DIR" && npm install --no-audit --no-fund --loglevel=error aws-sdk@2 >/dev/null) ||
    echo "warning: npm install aws-sdk@2 failed; the SDK v2 tests will fail" >&2
fi
export NIMBUS_TEST_NODE_MODULES="$PWD/$NPM_DIR/node_modules"

# The native runner, linked from the project's objects (make builds them).
if [ -f tests/runtimes/native_runner_main.c ]; then
  make --no-print-directory -s all >/dev/null
  OBJS=$(find build/obj -name '*.o' ! -path build/obj/main.o | sort)
  LIBS="$(pkg-config --libs libuv jansson openssl libseccomp libarchive 2>/dev/null) -llmdb -lhttp_parser -lz -lpthread -lm -ldl"
  cc -std=c11 -D_GNU_SOURCE -O2 -g -Isrc -Iinclude -o "$OUT/native-runner" \
     tests/runtimes/native_runner_main.c $OBJS $LIBS
  export NIMBUS_NATIVE_RUNNER="$PWD/$OUT/native-runner"
  export NIMBUS_TEST_OUT="$PWD/$OUT"
fi

exec /usr/bin/python3 tests/runtimes/run_tests.py "$@"
