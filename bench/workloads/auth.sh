# auth.sh — the cost of security: DynamoDB GetItem (32 connections) with every
# request SigV4-signed (pre-signed by botocore, replayed by wrk) against two
# nimbus daemons on copies of one data directory (same keys, credentials and
# 10,000 items): one enforcing (the default: signature check + IAM evaluation),
# one --auth open; same requests, runs alternated for ROUNDS rounds, the ratio
# from the medians. Needs the security service (DATA/credentials.json, written
# at first start); skipped when absent.
auth_run() {  # KEY(open|enforced) DUR
  srv_wrk "$1" "DynamoDB GetItem, SigV4-signed" 32 "$2" WRK_REQUESTS_FILE="$RAW/auth-$1.reqs"
}

bench_auth() {
  local dur=$1 data=$RAW/nimbus-auth port oport
  echo "== IAM enforcement on vs off (DynamoDB GetItem, SigV4-signed), $ROUNDS round(s) of ${dur}s"
  ddb_seeded_copies 10000 "$data" "$data-enforced"
  if [ ! -s "$data/credentials.json" ]; then
    echo "  skipped: $data/credentials.json was not created (this nimbus has no security service yet)"
    record_metric "GetItem with enforcement on vs off" nimbus "skipped: no DATA/credentials.json" ""
    return 0
  fi
  oport=$(free_port); nimbus_up "$oport" "$data" --auth open
  srv_add open "$NIM_PID" "http://127.0.0.1:$oport/" "nimbus (auth open)"
  port=$(free_port); nimbus_up "$port" "$data-enforced"
  srv_add enforced "$NIM_PID" "http://127.0.0.1:$port/" "nimbus (enforced)"
  python3 "$BENCH_DIR/lib/sigv4_presign.py" "127.0.0.1:$port" "$data/credentials.json" 2000 "$RAW/auth-enforced.reqs"
  sed "s/127.0.0.1:$port/127.0.0.1:$oport/" "$RAW/auth-enforced.reqs" >"$RAW/auth-open.reqs"   # the same requests
  for ROUND in $(seq "$ROUNDS"); do
    round_banner
    in_turn auth_run "$dur" -- open enforced
  done
  srv_stop open enforced
  # authentication and authorization alone, without sockets (bench/auth_bench.c, built by `make
  # bench`): issue 7's "SigV4 verification plus policy evaluation ≤ 10 µs per request"
  local micro="$ROOT/build/bench/auth_bench" out
  if [ -x "$micro" ] && out=$("$micro" 200000); then
    record_metric "SigV4 verification per request (auth_bench)" nimbus \
      "$(awk '/^sigv4 verify:/ {printf "%.2f", $3 / 1000}' <<<"$out")" µs
    record_metric "SigV4 verification + policy evaluation per request (auth_bench, target ≤ 10)" nimbus \
      "$(awk '/^verify \+ evaluate:/ {printf "%.2f", $4 / 1000}' <<<"$out")" µs
  fi
  record_metric "GetItem req/s, enforced / open (from the medians of $ROUNDS round(s))" nimbus \
    "$(percent "$(rows_median "DynamoDB GetItem, SigV4-signed" "nimbus (enforced)" 32)" \
                "$(rows_median "DynamoDB GetItem, SigV4-signed" "nimbus (auth open)" 32)")" "% (target ≥ 90 %)"
}
