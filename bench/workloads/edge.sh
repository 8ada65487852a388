# edge.sh — the trivial request: nimbus's /_nimbus/health against nginx
# returning a fixed 200 from a `return` directive (nginx is the practical
# limit on this machine), both up, runs alternated for ROUNDS rounds; plus
# start-up time and idle RSS of nimbus.
bench_edge() {
  local dur=$1
  echo "== edge: trivial request (wrk, 32 connections, $ROUNDS round(s) of ${dur}s)"
  # nginx
  local ng=$RAW/nginx port pid
  mkdir -p "$ng"
  port=$(free_port)
  cat > "$ng/nginx.conf" <<NGX
worker_processes auto;
pid $ng/nginx.pid;
error_log $ng/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$port; location / { return 200 "ok"; } }
}
NGX
  nginx -c "$ng/nginx.conf" -g 'daemon off;' & pid=$!
  wait_port "$port"; srv_add nginx "$pid" "http://127.0.0.1:$port/"
  # nimbus
  local data=$RAW/nimbus-edge
  port=$(free_port); nimbus_start "$port" "$data"; srv_add nimbus "$NIM_PID" "http://127.0.0.1:$port/_nimbus/health"
  for ROUND in $(seq "$ROUNDS"); do
    round_banner
    in_turn srv_wrk "edge trivial request" 32 "$dur" -- nginx nimbus
  done
  srv_stop nginx nimbus

  echo "== start-up and idle memory"
  # first start (empty data directory: keys, credentials and the store are
  # created) and a restart on that data directory, 5 of each
  local r i fresh="" again="" kind
  for kind in fresh again; do
    for i in 1 2 3 4 5; do
      [ "$kind" = fresh ] && rm -rf "$data"
      port=$(free_port)
      r=$(PORT=$port PROBE_PATH=/_nimbus/health python3 "$BENCH_DIR/lib/startup.py" "$NIMBUS" up --listen 127.0.0.1:$port --data "$data" --auth open --log-level warn | grep '^RESULT' | sed 's/^RESULT //')
      if [ "$kind" = fresh ]; then fresh="$fresh$r"$'\n'; else again="$again$r"$'\n'; fi
    done
  done
  python3 - "$fresh" "$again" > "$RAW/startup.tmp" <<'PY'
import json, sys, statistics
f = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
a = [json.loads(l) for l in sys.argv[2].splitlines() if l.strip()]
print("%.2f\t%d\t%.2f" % (statistics.median(r["startup_ms"] for r in f), statistics.median(r["idle_rss_kb"] for r in a),
                          statistics.median(r["startup_ms"] for r in a)))
PY
  record_metric "start-up, first start on an empty data dir (median of 5)" nimbus "$(cut -f1 "$RAW/startup.tmp")" "ms"
  record_metric "start-up, restart on an existing data dir (median of 5)" nimbus "$(cut -f3 "$RAW/startup.tmp")" "ms"
  record_metric "idle RSS" nimbus "$(awk -F'\t' '{printf "%.1f", $2/1024}' "$RAW/startup.tmp")" "MB"
}
