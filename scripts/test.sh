#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the whole test suite:
# installs what is missing, builds, and runs every layer of tests.
# The last line is "tests: N passed, M failed"; exit status 0 only if M = 0.
#
#   scripts/test.sh              everything
#   scripts/test.sh STEP...      only those steps (see `steps` below)
# Environment: PARLOR_FUZZ_SECONDS (default 30 per fuzzer),
#              MIRROR_ROOT (git mirrors of the official Socket.IO suites; the
#              conformance step runs only when they are there).
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
logdir="$(mktemp -d /tmp/parlor-test.XXXXXX)"
passed=0 failed=0 failures=()

note() { printf '\n=== %s\n' "$*"; }
count() {  # count <passed> <failed> <label>
  passed=$((passed + $1)); failed=$((failed + $2))
  [ "$2" -gt 0 ] && failures+=("$3")
  echo "--- $3: $1 passed, $2 failed"
}
# Runs a command whose only result is its exit status (counts as one test).
check() {
  local label="$1"; shift
  if "$@" >"$logdir/$label.log" 2>&1; then count 1 0 "$label"
  else tail -40 "$logdir/$label.log"; count 0 1 "$label"; fi
}
# Sums node --test's "# pass N" / "# fail N" lines.
node_counts() {
  local log="$1" label="$2" rc="$3" p f
  p=$(grep -E '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  f=$(grep -E '^# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -gt 0 ]; then grep -E 'not ok|Error|error' "$log" | head -40; fi
  count "$p" "$f" "$label"
}

step_deps() { note "install dependencies"; check install-deps scripts/install-deps.sh --test; }

step_format() {
  note "clang-format"
  local files
  files=$(git ls-files '*.cpp' '*.hpp' | grep -v '^web/')
  check clang-format clang-format --dry-run --Werror $files
}

step_build() {
  note "release build"
  check build-release scripts/build.sh release
}

step_unit() {
  note "unit tests (ctest, release)"
  ctest --test-dir build/release --output-on-failure -j2 --timeout 300 >"$logdir/ctest.log" 2>&1
  local rc=$? line p t
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$logdir/ctest.log" | tail -1)
  if [ -n "$line" ]; then
    t=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line"); f=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
    p=$((t - f))
    [ "$f" -gt 0 ] && grep -E 'Failed|\*\*\*' "$logdir/ctest.log" | head -40
    count "$p" "$f" "unit"
  else
    tail -20 "$logdir/ctest.log"; count 0 $((rc == 0 ? 0 : 1)) "unit"
  fi
}

step_node() {
  note "protocol and integration tests (node --test, socket.io-client, real server)"
  [ -f tests/node/package.json ] || { echo "no tests/node"; count 0 1 node; return; }
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error) >"$logdir/node-npm.log" 2>&1 ||
    { tail -20 "$logdir/node-npm.log"; count 0 1 node-npm; return; }
  local files
  files=$(ls tests/node/protocol/*.test.mjs tests/node/integration/*.test.mjs 2>/dev/null)
  PARLOR_BIN="$root/build/release/src/app/parlor" \
  PARLOR_CONFORMANCE_BIN="$root/build/release/tools/parlor-conformance" \
    node --test --test-concurrency=1 $files >"$logdir/node.log" 2>&1
  node_counts "$logdir/node.log" node $?
}

step_web() {
  note "web client: build and unit tests (vitest)"
  [ -f web/package.json ] || { echo "no web/"; count 0 1 web; return; }
  check web-build scripts/build-web.sh
  (cd web && NO_COLOR=1 npx vitest run) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >"$logdir/vitest.log"
  local rc=${PIPESTATUS[0]} p f
  p=$(grep -E '^ +Tests +' "$logdir/vitest.log" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' | head -1)
  f=$(grep -E '^ +Tests +' "$logdir/vitest.log" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' | head -1)
  p=${p:-0}; f=${f:-0}; [ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
  [ "$f" -gt 0 ] && tail -40 "$logdir/vitest.log"
  count "$p" "$f" vitest
}

step_e2e() {
  note "browser tests (playwright-core + chromium, real server)"
  [ -f web/package.json ] || { count 0 1 e2e; return; }
  (cd web && PARLOR_BIN="$root/build/release/src/app/parlor" npm run --silent e2e) >"$logdir/e2e.log" 2>&1
  node_counts "$logdir/e2e.log" e2e $?
}

step_bench() {
  note "benchmark smoke (seconds per scenario; no timing assertions)"
  [ -x bench/run.sh ] || { echo "no bench/run.sh"; count 0 1 bench-smoke; return; }
  # --allocs: the smoke also runs Parlor under the allocation counter, which
  # must keep working with the allocator Parlor links.
  check bench-smoke env PARLOR_BIN="$root/build/release/src/app/parlor" bench/run.sh --smoke --allocs
  check store-bench build/release/bench/store/parlor-store-bench --rooms 50 --messages 2000 \
    --dir "$logdir/store-bench"
}

step_asan() {
  note "AddressSanitizer + UndefinedBehaviorSanitizer build and unit tests"
  check build-asan scripts/build.sh asan-ubsan
  ctest --test-dir build/asan-ubsan --output-on-failure -j2 --timeout 600 >"$logdir/ctest-asan.log" 2>&1
  local rc=$?
  if [ $rc -eq 0 ]; then count 1 0 unit-asan; else grep -E 'Failed|ERROR|runtime error' "$logdir/ctest-asan.log" | head -40; count 0 1 unit-asan; fi
}

step_fuzz() {
  note "libFuzzer targets (bounded time)"
  local targets
  targets=$(sed -n 's/^parlor_add_fuzzer(\([a-z_0-9]*\).*/\1/p' fuzz/*/CMakeLists.txt)
  check build-fuzz scripts/build.sh fuzz --target $targets
  local secs="${PARLOR_FUZZ_SECONDS:-30}" dir t
  for dir in fuzz/*/; do
    t=$(sed -n 's/^parlor_add_fuzzer(\([a-z_0-9]*\).*/\1/p' "$dir/CMakeLists.txt")
    [ -n "$t" ] || continue
    local corpus="$logdir/corpus-$t"; mkdir -p "$corpus"
    cp -r "$dir/corpus/." "$corpus/" 2>/dev/null || true
    check "fuzz-$t" "build/fuzz/$dir$t" -max_total_time="$secs" -artifact_prefix="$logdir/" -rss_limit_mb=2048 -print_final_stats=1 "$corpus"
  done
}

step_conformance() {
  note "official Engine.IO / Socket.IO protocol suites"
  local mr="${MIRROR_ROOT:-/work/.mirror}" runner="$root/../shared/conformance/run.sh"
  if [ ! -x "$runner" ] || [ ! -d "$mr/socketio+socket.io/repo" ]; then
    echo "skipped: suites not available here (set MIRROR_ROOT; see README)"; return
  fi
  local port; port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  build/release/tools/parlor-conformance --port "$port" >"$logdir/conformance-server.log" 2>&1 &
  local pid=$! i
  for i in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/socket.io/?EIO=4&transport=polling" >/dev/null 2>&1 && break
    sleep 0.1
  done
  MIRROR_ROOT="$mr" "$runner" --source both --suites engine.io,socket.io,client "http://127.0.0.1:$port" >"$logdir/conformance.log" 2>&1
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  local line p f
  line=$(grep -E '^conformance: ' "$logdir/conformance.log" | tail -1)
  p=$(sed -E 's/conformance: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  p=${p:-0}; f=${f:-1}
  [ "$f" -gt 0 ] && grep -E 'FAIL|failure' "$logdir/conformance.log" | head -30
  count "$p" "$f" conformance
}

steps=(deps format build unit node web e2e bench conformance asan fuzz)
[ $# -gt 0 ] && steps=("$@")
start=$(date +%s)
for s in "${steps[@]}"; do "step_$s"; done
echo
echo "logs: $logdir   time: $(( $(date +%s) - start )) s"
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
