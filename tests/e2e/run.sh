#!/bin/bash
# run.sh NIMBUS_BINARY — run every end-to-end test against freshly started
# nimbus daemons: Python unittest modules (tests/e2e/**/test_*.py, Debian's
# python3 + boto3 + AWS CLI v2) and Node.js tests (tests/e2e/**/*.test.mjs,
# node --test with the AWS SDK for JavaScript). Prints each file's results and
# seconds, then "N passed, N failed".
# E2E_ONLY="a b": only the files whose path contains one of the words.
# E2E_JOBS=N: files run N at a time (default: the number of cores). Each file
# starts its own daemons (own port, data directory, cgroups named by pid), so
# files are independent; most of a file's time is spent waiting on processes
# it started, which is why two at a time on two cores finish sooner.
set -u
cd "$(dirname "$0")"
export NIMBUS_BIN=$(readlink -f "../../${1:-build/nimbus}" 2>/dev/null || readlink -f "$1")
[ -x "$NIMBUS_BIN" ] || NIMBUS_BIN=$(readlink -f "$1")
export PYTHONPATH=$PWD
export PYTHONDONTWRITEBYTECODE=1
only=${E2E_ONLY:-}
jobs=${E2E_JOBS:-$(nproc 2>/dev/null || echo 2)}
selected() {  # PATH: no filter, or the path contains one of E2E_ONLY's words
  [ -z "$only" ] && return 0
  local w
  for w in $only; do [[ "$1" == *"$w"* ]] && return 0; done
  return 1
}

# run_py FILE OUT / run_node FILE OUT: run one file, write its report to OUT
# and "passed failed seconds" to OUT.res.
run_py() {
  local f=$1 o=$2 t0=$SECONDS out rc n bad
  out=$(timeout 600 /usr/bin/python3 -m unittest -v "$f" 2>&1); rc=$?
  n=$(echo "$out" | grep -E '^Ran [0-9]+ test' | awk '{print $2}'); n=${n:-0}
  bad=$(( $(echo "$out" | grep -E "^FAILED \(" | grep -oE "(failures|errors)=[0-9]+" | cut -d= -f2 | paste -sd+ -) + 0 ))
  if [ $rc -ne 0 ] && [ "$bad" = 0 ]; then bad=1; fi
  { echo "== $f ($((SECONDS - t0)) s)"
    echo "$out" | grep -E '(ok|FAIL|ERROR|skipped.*)$' | grep -E ' \.\.\. ' | sed 's/^/  /'
    [ $rc -ne 0 ] && echo "$out" | tail -60; } > "$o"
  echo "$((n - bad)) $bad" > "$o.res"
}
run_node() {
  local f=$1 o=$2 t0=$SECONDS out rc p fl
  out=$(NODE_PATH=$PWD/node_modules timeout 600 node --test --test-reporter=tap "$f" 2>&1); rc=$?
  p=$(echo "$out" | grep -E '^# pass ' | awk '{print $3}'); p=${p:-0}
  fl=$(echo "$out" | grep -E '^# fail ' | awk '{print $3}'); fl=${fl:-0}
  if [ $rc -ne 0 ] && [ "$fl" = 0 ]; then fl=1; fi
  { echo "== $f ($((SECONDS - t0)) s)"
    [ $rc -ne 0 ] && echo "$out" | grep -vE '^\s*(#|ok )' | tail -60; } > "$o"
  echo "$p $fl" > "$o.res"
}

# The longest files first (as measured: the Lambda upload and descriptor
# suites, the online-index backfill, the WebSocket limits…), so the last ones
# to finish are short.
SLOW_FIRST="lambda/test_lambda_upload. dynamodb/test_ddb_gsi_backfill. apigw/websocket_limits.
  lambda/test_lambda_descriptors. lambda/test_lambda_invoke. security/test_at_rest. security/test_tls.
  apigw/websocket.test dynamodb/test_ddb_ttl_backfill. security/test_security. apigw/test_apigw_rest.
  lambda/test_lambda_scaling. core/test_edge. kms/test_kms."
files=()
for f in $(find . \( -name 'test_*.py' -o -name '*.test.mjs' \) -not -path './node_modules/*' | sort); do
  selected "$f" && files+=("$f")
done
slow_first() {
  local s f
  for s in $SLOW_FIRST; do printf '%s\n' "${files[@]}" | grep -F "/$s"; done
  for f in "${files[@]}"; do
    for s in $SLOW_FIRST; do [[ "$f" == *"/$s"* ]] && continue 2; done
    echo "$f"
  done
}
mapfile -t files < <(slow_first)

tmp=$(mktemp -d /tmp/nimbus-e2e-run.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
i=0; printed=0
print_done() {  # print finished reports in the files' order
  while [ $printed -lt ${#files[@]} ] && [ -f "$tmp/$printed.res" ]; do
    cat "$tmp/$printed"; printed=$((printed + 1))
  done
}
for f in "${files[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; print_done; done
  case "$f" in
    *.py) run_py "$f" "$tmp/$i" & ;;
    *) run_node "$f" "$tmp/$i" & ;;
  esac
  i=$((i + 1))
done
wait; print_done
passed=0; failed=0
for ((k = 0; k < i; k++)); do
  read -r p fl < "$tmp/$k.res"
  passed=$((passed + p)); failed=$((failed + fl))
done
echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
