#!/bin/bash
# run-fuzz.sh SECONDS TARGET... — run each libFuzzer target for SECONDS on its
# seed corpus (fuzz/corpus/<name>/, copied so the repository's seeds stay
# small); a crash fails the run and leaves the reproducer in build/fuzz/.
# Prints "N passed, N failed" with one entry per target. FUZZ_SEED fixes
# libFuzzer's random seed (fuzz-quick, run by make test, sets it so a CI run
# explores the same inputs each time; long runs leave it random). FUZZ_JOBS
# targets run at a time (default: the number of cores).
set -u
cd "$(dirname "$0")/.."
secs=$1; shift
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
tmp=$(mktemp -d /tmp/nimbus-fuzz-run.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# fuzz_one TARGET OUT: run one target (each uses one core), its report to OUT,
# 1 or 0 to OUT.ok.
fuzz_one() {
  local t=$1 o=$2 name=${1#fuzz_} seeds work dict seed out rc execs
  seeds=fuzz/corpus/$name
  work=build/fuzz/corpus/$name
  mkdir -p "$work" "$seeds"
  cp -n "$seeds"/* "$work"/ 2>/dev/null || true
  dict=""; [ -f fuzz/$name.dict ] && dict="-dict=$PWD/fuzz/$name.dict"   # absolute: the run cds below
  seed=""; [ -n "${FUZZ_SEED:-}" ] && seed="-seed=$FUZZ_SEED"
  out=$(cd build/fuzz && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ./"$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 $seed $dict "corpus/$name" 2>&1); rc=$?
  execs=$(echo "$out" | grep -E 'stat::number_of_executed_units' | awk '{print $2}')
  { echo "== $t (${secs}s)"
    if [ $rc -eq 0 ]; then echo "ok   $t: ${execs:-?} executions"
    else echo "$out" | tail -40; echo "FAIL $t"; fi; } > "$o"
  [ $rc -eq 0 ] && echo 1 > "$o.ok" || echo 0 > "$o.ok"
}
i=0
for t in "$@"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  fuzz_one "$t" "$tmp/$i" &
  i=$((i + 1))
done
wait
passed=0; failed=0
for ((k = 0; k < i; k++)); do
  cat "$tmp/$k"
  if [ "$(cat "$tmp/$k.ok")" = 1 ]; then passed=$((passed+1)); else failed=$((failed+1)); fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
