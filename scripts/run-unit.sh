#!/bin/bash
# run-unit.sh DIR TEST... — run each unit-test binary, sum their results and
# print one closing line "N passed, N failed". Exit non-zero on any failure.
dir=$1; shift
passed=0; failed=0
for t in "$@"; do
  echo "== $dir/$t"
  out=$("$dir/$t" 2>&1); rc=$?
  echo "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
  line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
  if [ -z "$line" ]; then echo "FAIL $t (no result line, exit $rc)"; failed=$((failed+1)); continue; fi
  p=${line%% passed*}; f=${line#*, }; f=${f%% failed}
  passed=$((passed+p)); failed=$((failed+f))
  [ $rc -ne 0 ] && [ "$f" = 0 ] && failed=$((failed+1))
done
echo "unit: $passed passed, $failed failed"
[ $failed -eq 0 ]
