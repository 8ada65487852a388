#!/bin/sh
# tests/runtimes/run.sh — tests of the runtime bootstraps (runtimes/nodejs,
# runtimes/python, the native runner in src/lambda_native) run in isolation
# against a small stub Runtime API (tests/runtimes/rapi_stub.py — a dev aid,
# not nimbus's Lambda service). Prints "N passed, N failed" last.
#
#   tests/runtimes/run.sh [name-filter…]
#
# Needs: node, /usr/bin/python3, cc with ASan, npm (installs aws-sdk v2 and
# @aws-sdk v3 once into build/runtimes-test/ for the SDK tests).
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

# AWS SDK v3 as nimbus provides it to functions that do not bundle it.
V3_DIR="$OUT/npm-v3"
if [ ! -f "$V3_DIR/node_modules/@aws-sdk/lib-dynamodb/package.json" ]; then
  mkdir -p "$V3_DIR"
  (cd "$V3_DIR" && [ -f package.json ] || echo '{"name":"runtimes-test-v3","private":true}' > package.json)
  (cd "$V3_DIR" && npm install --no-audit --no-fund --loglevel=error @aws-sdk/client-dynamodb @aws-sdk/lib-dynamodb >/dev/null) ||
    echo "warning: npm install @aws-sdk v3 failed; the SDK v3 test will fail" >&2
fi
export NIMBUS_TEST_NODE_MODULES_V3="$PWD/$V3_DIR/node_modules"

# The native runner and the response-head parser test, built with ASan and
# UBSan
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -O1 -g"
# (the Makefile builds it from the runner's and the sandbox blank's sources),
# ...and the one the Makefile embeds in nimbus (runtimes/native/bootstrap).
make --no-print-directory -s "$OUT/native-runner" build/gen/runtimes/native/bootstrap >/dev/null
export NIMBUS_NATIVE_BOOTSTRAP="$PWD/build/gen/runtimes/native/bootstrap"
cc $CFLAGS $SAN -Isrc -Iinclude -o "$OUT/parse_head_test" \
   tests/runtimes/parse_head_test.c src/lambda_native/rapi_client.c src/core/alloc.c
export NIMBUS_NATIVE_RUNNER="$PWD/$OUT/native-runner"
export NIMBUS_PARSE_HEAD_TEST="$PWD/$OUT/parse_head_test"
# LSan would turn a clean exit 1 (init error) into 23 if anything leaked: keep
# that signal, and make reports readable.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"

exec /usr/bin/python3 tests/runtimes/run_tests.py "$@"
