#!/bin/bash
# ddb_auth_cost.sh BIN [ROUNDS] [CONNS] [SESSIONS] [BIN_B] — what enforcement adds to the function →
# DynamoDB hop of the API route (GET /users/{id} → function → GetItem): GetItem from wrk against
# two daemons of BIN on copies of one store (10,000 users of ~1 KB), one --auth open, one
# enforcing, runs alternated, CPU per request by cpu_per_req.py (with BIN_B, a third daemon of
# BIN_B on a third copy, enforcing, runs the signed workloads after BIN's: an A/B):
#   open      the benchmark's setting (a fixed, unchecked Authorization header)
#   root      enforcing, requests signed with SigV4 by the root credentials (no policy to evaluate)
#   session1  enforcing, signed by one sts:AssumeRole session whose role allows GetItem on Users
#   sessionN  the same with SESSIONS (default 32) sessions in turn: a Lambda environment each
BIN=$1; ROUNDS=${2:-3}; C=${3:-32}; NS=${4:-32}; BIN_B=$5
H=$(cd "$(dirname "$0")/.." && pwd)
source "$H/lib/common.sh"; source "$H/lib/peers.sh"
out=$(mktemp -d /tmp/ddbauth-XXXX)
up() {  # DATA [args] → echo PID PORT
  local p; p=$(free_port)
  "${UPBIN:-$BIN}" up --listen 127.0.0.1:$p --data "$1" --log-level warn "${@:2}" >>"$1.log" 2>&1 &
  local pid=$!
  for i in $(seq 100); do curl -s 127.0.0.1:$p/_nimbus/health >/dev/null && break; sleep 0.05; done
  echo "$pid $p"
}
# one store, loaded once, copied: every daemon serves the same keys, credentials and items
NIMBUS=$BIN ddb_seeded_copies 10000 "$out/open" "$out/enf" ${BIN_B:+"$out/enfb"}
read po qo < <(up "$out/open" --auth open)
read pe qe < <(up "$out/enf")
[ -n "$BIN_B" ] && read pb qb < <(UPBIN=$BIN_B up "$out/enfb")
sign() {  # PORT DATA TAG
  python3 "$H/lib/sigv4_presign.py" 127.0.0.1:$1 "$2/credentials.json" 2000 "$out/$3root.req"
  python3 "$H/lib/ddb_session_presign.py" http://127.0.0.1:$1 "$2/credentials.json" 1 2000 "$out/$3session1.req" >/dev/null
  python3 "$H/lib/ddb_session_presign.py" http://127.0.0.1:$1 "$2/credentials.json" "$NS" 2000 "$out/$3sessionN.req" >/dev/null
}
sign "$qe" "$out/enf" ""
[ -n "$BIN_B" ] && sign "$qb" "$out/enfb" b
sed "s/127.0.0.1:$qe/127.0.0.1:$qo/" "$out/root.req" >"$out/open.req"
run() {  # NAME PID PORT REQFILE
  export WRK_REQUESTS_FILE=$4
  wrk -t2 -c$C -d2s -s "$H/wrk/report.lua" http://127.0.0.1:$3/ >/dev/null 2>&1
  echo "== $1 ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
  python3 "$H/lib/cpu_per_req.py" "$2" -- -t2 -c$C -d${DUR:-5}s --timeout 10s -s "$H/wrk/report.lua" http://127.0.0.1:$3/ |
    grep -E 'requests|daemon thread|context'
}
for r in $(seq "$ROUNDS"); do
  run open "$po" "$qo" "$out/open.req"
  run root "$pe" "$qe" "$out/root.req"
  run session1 "$pe" "$qe" "$out/session1.req"
  run "session$NS" "$pe" "$qe" "$out/sessionN.req"
  [ -z "$BIN_B" ] && continue
  run "B root" "$pb" "$qb" "$out/broot.req"
  run "B session1" "$pb" "$qb" "$out/bsession1.req"
  run "B session$NS" "$pb" "$qb" "$out/bsessionN.req"
done
[ -n "$KEEP" ] && { echo "kept: open pid $po port $qo; enforcing pid $pe port $qe; B pid ${pb:-} port ${qb:-}; requests in $out"; exit 0; }
kill "$po" "$pe" ${pb:-}; wait "$po" "$pe" ${pb:-} 2>/dev/null
rm -rf "$out"
