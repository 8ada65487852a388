#!/bin/bash
# run.sh quick|full NIMBUS_BINARY — the reliability suite: crash consistency
# under kill -9 (DynamoDB, Lambda control plane, async invokes), disk full,
# function faults, hostile clients. quick: the bounded form `make test` runs;
# full: `make reliability` (20 kill -9 rounds, longer floods; valgrind.sh after).
set -u
mode=${1:-quick}
# the binary's path is relative to the caller's directory (make passes build/nimbus)
export NIMBUS_BIN=$(readlink -f "${2:-$(dirname "$0")/../../build/nimbus}")
cd "$(dirname "$0")"
[ -x "$NIMBUS_BIN" ] || { echo "reliability: no nimbus binary at ${2:-build/nimbus}"; exit 1; }
export PYTHONPATH=$PWD/../e2e PYTHONDONTWRITEBYTECODE=1
if [ "$mode" = full ]; then export RELIABILITY_ROUNDS=20 RELIABILITY_SCALE=5; else export RELIABILITY_ROUNDS=${RELIABILITY_ROUNDS:-5} RELIABILITY_SCALE=1; fi
passed=0; failed=0
for f in test_*.py; do
  echo "== $f ($mode)"
  out=$(timeout 1200 /usr/bin/python3 -m unittest -v "$f" 2>&1); rc=$?
  echo "$out" | grep -E ' \.\.\. |^round ' | sed 's/^/  /'
  n=$(echo "$out" | grep -E '^Ran [0-9]+ test' | awk '{print $2}'); n=${n:-0}
  bad=$(( $(echo "$out" | grep -E "^FAILED \(" | grep -oE "(failures|errors)=[0-9]+" | cut -d= -f2 | paste -sd+ -) + 0 ))
  if [ $rc -ne 0 ] && [ "$bad" = 0 ]; then bad=1; fi
  [ $rc -ne 0 ] && echo "$out" | tail -40
  passed=$((passed + n - bad)); failed=$((failed + bad))
done
echo "reliability: $passed passed, $failed failed"
[ $failed -eq 0 ]
