#!/bin/bash
# run.sh NIMBUS_BINARY — run every end-to-end test against freshly started
# nimbus daemons: Python unittest modules (tests/e2e/**/test_*.py, Debian's
# python3 + boto3 + AWS CLI v2) and Node.js tests (tests/e2e/**/*.test.mjs,
# node --test with the AWS SDK for JavaScript). Prints "N passed, N failed".
# E2E_ONLY="a b": only the files whose path contains one of the words.
set -u
cd "$(dirname "$0")"
export NIMBUS_BIN=$(readlink -f "../../${1:-build/nimbus}" 2>/dev/null || readlink -f "$1")
[ -x "$NIMBUS_BIN" ] || NIMBUS_BIN=$(readlink -f "$1")
export PYTHONPATH=$PWD
export PYTHONDONTWRITEBYTECODE=1
passed=0; failed=0
only=${E2E_ONLY:-}
selected() {  # PATH: no filter, or the path contains one of E2E_ONLY's words
  [ -z "$only" ] && return 0
  local w
  for w in $only; do [[ "$1" == *"$w"* ]] && return 0; done
  return 1
}
for f in $(find . -name 'test_*.py' -not -path './node_modules/*' | sort); do
  selected "$f" || continue
  echo "== $f"
  out=$(timeout 600 /usr/bin/python3 -m unittest -v "$f" 2>&1); rc=$?
  echo "$out" | grep -E '(ok|FAIL|ERROR|skipped.*)$' | grep -E ' \.\.\. ' | sed 's/^/  /'
  n=$(echo "$out" | grep -E '^Ran [0-9]+ test' | awk '{print $2}'); n=${n:-0}
  bad=$(( $(echo "$out" | grep -E "^FAILED \(" | grep -oE "(failures|errors)=[0-9]+" | cut -d= -f2 | paste -sd+ -) + 0 ))
  bad=${bad:-0}
  if [ $rc -ne 0 ] && [ "$bad" = 0 ]; then bad=1; fi
  [ $rc -ne 0 ] && echo "$out" | tail -60
  passed=$((passed + n - bad)); failed=$((failed + bad))
done
for f in $(find . -name '*.test.mjs' -not -path './node_modules/*' | sort); do
  selected "$f" || continue
  echo "== $f"
  out=$(NODE_PATH=$PWD/node_modules timeout 600 node --test --test-reporter=tap "$f" 2>&1); rc=$?
  p=$(echo "$out" | grep -E '^# pass ' | awk '{print $3}'); p=${p:-0}
  fl=$(echo "$out" | grep -E '^# fail ' | awk '{print $3}'); fl=${fl:-0}
  if [ $rc -ne 0 ] && [ "$fl" = 0 ]; then fl=1; fi
  [ $rc -ne 0 ] && echo "$out" | grep -vE '^\s*(#|ok )' | tail -60
  passed=$((passed + p)); failed=$((failed + fl))
done
echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
