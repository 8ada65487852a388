#!/bin/bash
# valgrind.sh [TEST...] — a subset of the unit-test binaries under valgrind
# (memcheck, full leak check): default test_core test_edge test_ddb_expr
# test_ddb_av test_http_parse test_sigv4 test_iam_policy test_ddb_store (the
# store under DynamoDB's item layer). The store's LMDB environments map 64 GiB
# by default, which valgrind 3.19's address-space manager refuses:
# NIMBUS_STORE_MAP_SIZE (1 GiB here) makes them smaller. Not test_store
# (valgrind misreads mount(2)'s NULL type in its disk-full test as a bad
# pointer), test_store_wal / test_store_crash (their writer processes end
# without closing the store on purpose: a crash, whose unfreed memory valgrind
# reports), nor test_store_crypto / test_store_longkey (they open LMDB
# directly, at its default map size).
# The unit harness forks one child per test; valgrind follows fork (not exec),
# so each test's child is checked and its leak report made at its exit; a
# report makes the child exit 1, which the harness counts as a failed test.
# Prints one line per binary and "valgrind: N passed, N failed"; non-zero on any report.
set -u
cd "$(dirname "$0")/../.."
tests=${*:-test_core test_edge test_ddb_expr test_ddb_av test_http_parse test_sigv4 test_iam_policy test_ddb_store}
export NIMBUS_STORE_MAP_SIZE=$((1 << 30))
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)"; exit 1; }
make --no-print-directory $(for t in $tests; do echo build/tests/$t; done) >/dev/null || exit 1
passed=0; failed=0
for t in $tests; do
  log=build/tests/$t.valgrind.log
  start=$(date +%s)
  TEST_TIMEOUT=${TEST_TIMEOUT:-900} valgrind -q --error-exitcode=1 --leak-check=full \
      --errors-for-leak-kinds=definite,possible --track-fds=no --log-file="$log.%p" \
      build/tests/$t > "$log" 2>&1; rc=$?
  cat "$log".* >> "$log" 2>/dev/null; rm -f "$log".*
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  reports=$(grep -c '^==[0-9]*== ' "$log")
  if [ $rc -eq 0 ] && [ "$reports" -eq 0 ]; then
    echo "ok   $t under valgrind: ${summary:-?} unit tests, 0 reports ($(( $(date +%s) - start )) s)"; passed=$((passed+1))
  else
    grep -E '^FAIL|^==[0-9]+== ' "$log" | head -60
    echo "FAIL $t under valgrind: ${summary:-?}, $reports report lines (full log: $log)"; failed=$((failed+1))
  fi
done
echo "valgrind: $passed passed, $failed failed"
[ $failed -eq 0 ]
