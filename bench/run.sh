#!/usr/bin/env bash
# Runs the benchmark: starts each server under test on a free loopback port
# (Parlor with a fresh data dir, the Node reference as one process and as a
# cluster), drives it through the scenarios with parlor-loadgen, and prints
# the servers side by side with ratios (bench/report.js).
#
#   bench/run.sh --smoke                      every scenario for seconds, small sizes (CI)
#   bench/run.sh                              the full run (see docs/BENCHMARKS.md)
#   bench/run.sh --servers parlor,node --scenarios fanout,stepup --out /tmp/b
#   bench/run.sh --allocs --servers parlor    also count Parlor's heap allocations
#                                             per delivery (LD_PRELOAD counter; it
#                                             costs a little CPU: not for CPU figures)
#
# Environment: PARLOR_BIN (default build/release/src/app/parlor), LOADGEN_BIN
# (default build/release/bench/loadgen/parlor-loadgen), ALLOC_COUNT_LIB
# (default build/release/bench/alloc_count/libparlor-alloc-count.so), NODE
# (default node).
# Exit status: non-zero when a run lost, duplicated or refused something or a
# server failed to start; never because of timing.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PARLOR_BIN="${PARLOR_BIN:-$root/build/release/src/app/parlor}"
LOADGEN_BIN="${LOADGEN_BIN:-$root/build/release/bench/loadgen/parlor-loadgen}"
ALLOC_COUNT_LIB="${ALLOC_COUNT_LIB:-$root/build/release/bench/alloc_count/libparlor-alloc-count.so}"
NODE="${NODE:-node}"

smoke=0
allocs=0
servers=""
scenarios="idle,fanout,large,ingest,stepup,storm"
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --allocs) allocs=1 ;;
    --servers) servers="$2"; shift ;;
    --scenarios) scenarios="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$servers" ]; then
  if [ $smoke = 1 ]; then servers="parlor,node"; else servers="parlor,node,node-cluster"; fi
fi
[ -n "$out" ] || out="$root/build/bench-results/$(date -u +%Y%m%dT%H%M%SZ)$([ $smoke = 1 ] && echo -smoke)"
mkdir -p "$out"

# ---- sizes: "name|loadgen arguments" ----
if [ $smoke = 1 ]; then
  idle_clients=300; idle_procs=2; idle_tabs=10; accounts_n=200
  declare -A args=(
    [fanout]="--rooms 20 --room-size 10 --rate 100 --duration 3"
    [large]="--room-size 200 --senders-per-room 5 --rate 20 --duration 3"
    [ingest]="--rooms 50 --rate 500 --duration 3"
    [stepup]="--rooms 20 --room-size 10 --rate 100 --step-factor 2 --max-steps 3 --duration 2"
    [storm]="--rooms 20 --room-size 10 --tabs 2 --rate 50 --duration 4"
  )
else
  idle_clients="${BENCH_IDLE_CLIENTS:-19000}"; idle_procs=2; idle_tabs="${BENCH_IDLE_TABS:-20}"
  accounts_n=1000
  declare -A args=(
    [fanout]="--rooms 100 --room-size 10 --rate 1000 --duration 15"
    [large]="--room-size 1000 --senders-per-room 10 --rate 20 --duration 15"
    [ingest]="--rooms 500 --rate 5000 --duration 15"
    [stepup]="--rooms 100 --room-size 10 --rate 100 --step-factor 1.5 --max-steps 16 --duration 8"
    [storm]="--rooms 100 --room-size 10 --tabs 11 --rate 200 --duration 20 --storm-clients 10000"
  )
fi
loadgen_threads="${BENCH_LOADGEN_THREADS:-1}"

# ---- helpers ----
log() { echo "== $*" >&2; }

need_loadgen() {
  if [ ! -x "$LOADGEN_BIN" ] && [ -d "$root/build/release" ]; then
    log "building parlor-loadgen"
    cmake --build "$root/build/release" --target parlor-loadgen -j2 >&2 || true
  fi
  [ -x "$LOADGEN_BIN" ] || { echo "run.sh: no load generator at $LOADGEN_BIN (set LOADGEN_BIN)" >&2; exit 2; }
  if [ "$allocs" = 1 ] && [ ! -f "$ALLOC_COUNT_LIB" ] && [ -d "$root/build/release" ]; then
    log "building parlor-alloc-count"
    cmake --build "$root/build/release" --target parlor-alloc-count -j2 >&2 || true
  fi
  if [ "$allocs" = 1 ] && [ ! -f "$ALLOC_COUNT_LIB" ]; then
    echo "run.sh: no allocation counter at $ALLOC_COUNT_LIB (set ALLOC_COUNT_LIB)" >&2; exit 2
  fi
}

need_reference() {
  if [ ! -d "$root/bench/reference/node_modules/socket.io" ]; then
    log "installing the reference's packages (npm ci)"
    (cd "$root/bench/reference" && npm ci --no-audit --no-fund --loglevel=error) >&2 || {
      echo "run.sh: npm ci failed in bench/reference" >&2; exit 2; }
  fi
}

free_port() {
  "$NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Sums VmRSS (KiB) of a process and its direct children (the reference's cluster workers).
rss_kib() {
  local pids
  pids="$1 $(pgrep -P "$1" | tr '\n' ' ')"
  local total=0 kib
  for p in $pids; do
    kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

server_pid=""
server_dir=""
port=""
start_server() {  # $1 = parlor | node | node-cluster
  port="$(free_port)"
  local logf="$out/$1-server-$2.log"
  case "$1" in
    parlor)
      [ -x "$PARLOR_BIN" ] || { echo "run.sh: no Parlor binary at $PARLOR_BIN (set PARLOR_BIN)" >&2; return 1; }
      [ -n "$server_dir" ] || server_dir="$(mktemp -d /tmp/parlor-bench.XXXXXX)"
      # the bench measures the server, not the per-user send rate limit
      local preload=""
      [ "$allocs" = 1 ] && preload="$ALLOC_COUNT_LIB"
      LD_PRELOAD="$preload" "$PARLOR_BIN" --listen "127.0.0.1:$port" --data-dir "$server_dir" \
        --log-level warn --send-rate-per-s 1000000 --send-burst 1000000 >"$logf" 2>&1 &
      ;;
    node) "$NODE" "$root/bench/reference/server.js" --port "$port" >"$logf" 2>&1 & ;;
    node-cluster) "$NODE" "$root/bench/reference/server.js" --cluster --port "$port" >"$logf" 2>&1 & ;;
  esac
  server_pid=$!
  for _ in $(seq 1 200); do
    if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "run.sh: $1 did not start (see $logf)" >&2
  tail -5 "$logf" >&2
  stop_server
  return 1
}

stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  server_pid=""
}
# Parlor registers its users once (argon2 is slow on purpose) and keeps that
# data dir as a template; every scenario starts on a fresh copy of it, as the
# reference starts every scenario as a fresh process. So the rooms of one
# scenario never weigh on the next (in the storm, users who also shared the
# large scenario's 1,000-member room would each send presence to 11,000
# sockets).
template_dir=""
fresh_data() {
  [ -n "$template_dir" ] || return 0
  rm -rf "$server_dir"
  cp -a "$template_dir" "$server_dir"
}
drop_data() {
  [ -n "$server_dir" ] && rm -rf "$server_dir"
  [ -n "$template_dir" ] && rm -rf "$template_dir"
  server_dir=""
  template_dir=""
}
trap 'stop_server; drop_data' EXIT
trap 'exit 130' INT TERM
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# idle: several generator processes from different source addresses, so the
# connection count is not capped by one process's descriptors.
run_idle() {  # $1 = server name
  local per=$(( (idle_clients + idle_procs - 1) / idle_procs ))
  local base
  base=$(rss_kib "$server_pid")
  local pids=() k
  for k in $(seq 0 $((idle_procs - 1))); do
    local lo=$((2 + k * 8)) hi=$((9 + k * 8))
    "$LOADGEN_BIN" --server "127.0.0.1:$port" --scenario idle --clients "$per" --tabs "$idle_tabs" \
      --threads 1 --proc-index "$k" $(accounts_arg "$1") --sources "127.0.0.$lo-127.0.0.$hi" --label "$1" \
      --duration 3600 --connect-timeout 600 --json "$out/$1-idle-$k.json" \
      >"$out/$1-idle-$k.txt" 2>"$out/$1-idle-$k.err" &
    pids+=($!)
  done
  # wait until every generator holds its connections (or gave up)
  local ready=0
  while :; do
    ready=0
    for k in $(seq 0 $((idle_procs - 1))); do
      grep -q '^READY' "$out/$1-idle-$k.err" 2>/dev/null && ready=$((ready + 1))
    done
    [ $ready -ge $idle_procs ] && break
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 1 ] || break
    sleep 0.5
  done
  sleep 2
  local held conns=0 cpu0 cpu1
  held=$(rss_kib "$server_pid")
  cpu0=$(awk '{print $14+$15}' "/proc/$server_pid/stat")
  sleep 3
  cpu1=$(awk '{print $14+$15}' "/proc/$server_pid/stat")
  for k in $(seq 0 $((idle_procs - 1))); do
    local n
    n=$(grep -o '^READY [0-9]*' "$out/$1-idle-$k.err" | awk '{print $2}')
    conns=$((conns + ${n:-0}))
  done
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  local rc=0
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  # a generator killed while holding reports through its text output only
  local failed=0
  for k in $(seq 0 $((idle_procs - 1))); do
    grep -q "failed 0" "$out/$1-idle-$k.txt" || failed=1
    cat "$out/$1-idle-$k.txt"
  done
  [ "$conns" -ge "$idle_clients" ] || failed=1
  "$NODE" -e '
    const [file, label, conns, base, held, ticks, wanted] = process.argv.slice(1);
    const n = Number(conns), hz = 100;
    const o = { label, scenario: "idle", ok: Number(conns) >= Number(wanted),
      idle: { connections: n, wanted: Number(wanted), rss_kib_before: Number(base), rss_kib_connected: Number(held),
              rss_kib_per_connection: n ? (Number(held) - Number(base)) / n : 0,
              idle_cpu_s_per_s: Number(ticks) / hz / 3 } };
    require("fs").writeFileSync(file, JSON.stringify(o) + "\n");
    console.log(`${label} idle: ${n} connections, server RSS ${(base/1024).toFixed(0)} -> ${(held/1024).toFixed(0)} MiB, ${o.idle.rss_kib_per_connection.toFixed(2)} KiB per connection`);
  ' "$out/$1-idle.json" "$1" "$conns" "$base" "$held" "$((cpu1 - cpu0))" "$idle_clients"
  [ $failed = 0 ] || rc=1
  return $rc
}

accounts_arg() {  # only Parlor keeps users across restarts
  [ "$1" = parlor ] && echo "--accounts $out/parlor-accounts.txt"
}

run_scenario() {  # $1 = server, $2 = scenario
  "$LOADGEN_BIN" --server "127.0.0.1:$port" --server-pid "$server_pid" --scenario "$2" \
    --threads "$loadgen_threads" --sources 127.0.0.2-127.0.0.17 --label "$1" \
    --json "$out/$1-$2.json" $(accounts_arg "$1") ${args[$2]} | tee "$out/$1-$2.txt"
  return "${PIPESTATUS[0]}"
}

# ---- main ----
need_loadgen
case ",$servers," in *,node*) need_reference ;; esac
failures=0
IFS=, read -ra server_list <<<"$servers"
IFS=, read -ra scenario_list <<<"$scenarios"
for s in "${server_list[@]}"; do
  if [ "$s" = parlor ]; then
    log "parlor: registering $accounts_n users"
    if start_server parlor accounts; then
      "$LOADGEN_BIN" --server "127.0.0.1:$port" --register-only "$accounts_n" --setup-parallel 4 \
        --accounts "$out/parlor-accounts.txt" || failures=$((failures + 1))
      stop_server
      template_dir="$server_dir.template"
      cp -a "$server_dir" "$template_dir"
    else
      failures=$((failures + 1))
    fi
  fi
  for sc in "${scenario_list[@]}"; do
    log "$s: $sc"
    # a fresh server per scenario, so memory and CPU figures are its own
    [ "$s" = parlor ] && fresh_data
    if ! start_server "$s" "$sc"; then failures=$((failures + 1)); continue; fi
    if [ "$sc" = idle ]; then run_idle "$s"; else run_scenario "$s" "$sc"; fi
    rc=$?
    if [ $rc -ne 0 ]; then
      log "$s: $sc FAILED (exit $rc)"
      failures=$((failures + 1))
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      log "$s exited during $sc"
      failures=$((failures + 1))
    fi
    stop_server
  done
  drop_data
done

"$NODE" "$root/bench/report.js" "$out" | tee "$out/summary.md"
command -v gnuplot >/dev/null && [ -n "$(ls "$out"/*-stepup.json 2>/dev/null)" ] && "$root/bench/plot.sh" "$out" >&2 || true
echo "results in $out" >&2
if [ $failures -gt 0 ]; then
  echo "run.sh: $failures run(s) failed" >&2
  exit 1
fi
