#!/usr/bin/env bash
# The whole test suite, as the README says: bash scripts/test.sh [extra dotnet test args, e.g. --filter Queue]
# Needs the .NET SDK. Uses MEDIAPROXY_TEST_REDIS (host:port) when set; otherwise installs redis-server if missing
# and runs a throwaway one on a free loopback port for the duration of the run.
# Then the Redis-facing specs again on a Redis Cluster and on the embedded Garnet server, and the browser client's
# specs with node's built-in test runner (installs nodejs if missing).
# The last line printed is the count of both: "N passed, N failed" (", N skipped" when some were skipped).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
results_dir="TestResults"
redis_pid=""
redis_log=""

cleanup() {
  if [[ -n "$redis_pid" ]]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [[ -n "$redis_log" ]]; then rm -f "$redis_log"; fi
}
trap 'cleanup; stop_cluster' EXIT

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for port in $(seq 6390 6490); do
    # Nothing answers a connect on this port: take it.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port in 6390-6490" >&2
  return 1
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    echo "redis-server not found: installing it (apt-get)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi

  local port
  port="$(free_port)"
  redis_log="$(mktemp)"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$redis_log" 2>&1 &
  redis_pid=$!

  local _
  for _ in $(seq 1 100); do
    if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" == "PONG" ]]; then
      export MEDIAPROXY_TEST_REDIS="127.0.0.1:$port"
      echo "redis-server $(redis-server --version | grep -o 'v=[^ ]*') on $MEDIAPROXY_TEST_REDIS (pid $redis_pid)"
      return
    fi
    if ! kill -0 "$redis_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done

  echo "redis-server did not answer PING on 127.0.0.1:$port:" >&2
  cat "$redis_log" >&2
  exit 1
}

cluster_pids=()
cluster_dir=""
cluster_endpoints=""

stop_cluster() {
  local pid
  for pid in "${cluster_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${cluster_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "$cluster_dir" ]]; then rm -rf "$cluster_dir"; fi
}

# A port for a cluster node: its cluster bus listens on port + 10000, so both must be free and below 65536.
free_cluster_port() {
  python3 -c '
import random, socket
for _ in range(200):
    port = random.randint(20000, 45000)
    try:
        for p in (port, port + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
        print(port); break
    except OSError:
        pass
'
}

# A local 3-master Redis Cluster: every Lua script must touch one hash slot, or it fails with CROSSSLOT here.
start_cluster() {
  cluster_dir="$(mktemp -d)"
  local ports=() port
  for _ in 1 2 3; do
    port="$(free_cluster_port)"
    ports+=("$port")
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "nodes-$port.conf" \
      --dir "$cluster_dir" --save '' --appendonly no --daemonize no >"$cluster_dir/redis-$port.log" 2>&1 &
    cluster_pids+=($!)
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 100); do
      [[ "$(redis-cli -p "$port" ping 2>/dev/null || true)" == "PONG" ]] && break
      sleep 0.1
    done
  done
  redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >"$cluster_dir/create.log" 2>&1
  for port in "${ports[@]}"; do
    for _ in $(seq 1 100); do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
      sleep 0.1
    done
  done
  # Set here, not echoed: a $(...) subshell would lose the node pids that stop_cluster needs.
  cluster_endpoints="$(printf '127.0.0.1:%s,' "${ports[@]}")"
  cluster_endpoints="${cluster_endpoints%,}"
}

# Sums the outcomes of every test result in the TRX files: "passed failed skipped".
count_results() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$@" <<'PY'
import sys
import xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in sys.argv[1:]:
    for result in ET.parse(path).getroot().iter():
        if result.tag.endswith("UnitTestResult"):
            outcome = result.get("outcome", "")
            if outcome == "Passed":
                passed += 1
            elif outcome in ("NotExecuted", "Inconclusive", "Pending"):
                skipped += 1
            else:
                failed += 1
print(passed, failed, skipped)
PY
  else
    local p=0 f=0 s=0 file counters
    for file in "$@"; do
      counters="$(grep -o '<Counters [^>]*>' "$file")"
      p=$((p + $(grep -o ' passed="[0-9]*"' <<<"$counters" | grep -o '[0-9]*')))
      f=$((f + $(grep -o ' failed="[0-9]*"' <<<"$counters" | grep -o '[0-9]*')))
      s=$((s + $(grep -o ' notExecuted="[0-9]*"' <<<"$counters" | grep -o '[0-9]*')))
    done
    echo "$p $f $s"
  fi
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "node not found: installing nodejs (apt-get)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null
  fi
}

# Reads the closing summary of node's TAP output: "passed failed skipped" (cancelled counts as failed, todo as
# skipped). Nothing found (node crashed, no summary): "0 1 0", so the run cannot pass by accident.
count_tap() {
  local file="$1" pass fail cancelled skipped todo
  pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$file" | tail -n 1)"
  fail="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$file" | tail -n 1)"
  cancelled="$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$file" | tail -n 1)"
  skipped="$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$file" | tail -n 1)"
  todo="$(sed -n 's/^# todo \([0-9]*\)$/\1/p' "$file" | tail -n 1)"
  if [[ -z "$pass" || -z "$fail" ]]; then
    echo "0 1 0"
    return
  fi
  echo "$pass $((fail + ${cancelled:-0})) $((${skipped:-0} + ${todo:-0}))"
}

cluster_step=1
if [[ -z "${MEDIAPROXY_TEST_REDIS:-}" ]]; then
  start_redis
else
  # The caller chose the Redis: run against that one only.
  cluster_step=0
  echo "Using the Redis at MEDIAPROXY_TEST_REDIS=$MEDIAPROXY_TEST_REDIS"
fi

mkdir -p "$results_dir"
rm -f "$results_dir"/*.trx
run_id="$(date +%Y%m%d-%H%M%S)-$$"

set +e
dotnet test MediaProxy.sln -c Release --logger "trx;LogFileName=mediaproxy-$run_id.trx" --results-directory "$results_dir" "$@"
test_status=$?
set -e

# The Redis-facing specs once more, on a Redis Cluster (skip with MEDIAPROXY_SKIP_CLUSTER=1).
if [[ "$cluster_step" -eq 1 && "${MEDIAPROXY_SKIP_CLUSTER:-0}" != "1" && $# -eq 0 ]] && command -v python3 >/dev/null; then
  start_cluster
  echo "Redis Cluster on $cluster_endpoints: running the Redis-facing specs again"
  set +e
  MEDIAPROXY_TEST_REDIS="$cluster_endpoints" dotnet test MediaProxy.sln -c Release --no-build \
    --logger "trx;LogFileName=mediaproxy-$run_id-cluster.trx" --results-directory "$results_dir" \
    --filter "(FullyQualifiedName~MediaProxy.Tests.Queue|FullyQualifiedName~MediaProxy.Tests.Api)&FullyQualifiedName!~MultiInstance&FullyQualifiedName!~StoreGuard&FullyQualifiedName!~MetricsTests&FullyQualifiedName!~WorkBudget&FullyQualifiedName!~AdminTests"
  cluster_status=$?
  set -e
  stop_cluster
  if [[ "$cluster_status" -ne 0 ]]; then test_status=$cluster_status; fi
fi

# The Redis-facing specs once more, on the embedded store's Garnet server in the test process (skip with
# MEDIAPROXY_SKIP_GARNET=1): one store code path, so the same specs hold it to the same contract.
if [[ "$cluster_step" -eq 1 && "${MEDIAPROXY_SKIP_GARNET:-0}" != "1" && $# -eq 0 ]]; then
  echo "Embedded Garnet: running the Redis-facing specs again"
  set +e
  MEDIAPROXY_TEST_REDIS=garnet dotnet test MediaProxy.sln -c Release --no-build \
    --logger "trx;LogFileName=mediaproxy-$run_id-garnet.trx" --results-directory "$results_dir" \
    --filter "(FullyQualifiedName~MediaProxy.Tests.Queue|FullyQualifiedName~MediaProxy.Tests.Api|FullyQualifiedName~MediaProxy.Tests.Store)&FullyQualifiedName!~StoreGuard"
  garnet_status=$?
  set -e
  if [[ "$garnet_status" -ne 0 ]]; then test_status=$garnet_status; fi
fi

# The browser client's specs (MediaProxy.Tests/Client), always, whatever filter dotnet was given.
ensure_node
rm -f "$results_dir"/client-*.tap
client_tap="$results_dir/client-$run_id.tap"
client_specs=(MediaProxy.Tests/Client/*.test.cjs)
set +e
node --test --test-reporter=tap "${client_specs[@]}" >"$client_tap" 2>&1
client_status=$?
set -e
read -r client_passed client_failed client_skipped <<<"$(count_tap "$client_tap")"
if [[ "$client_status" -ne 0 || "$client_failed" -gt 0 ]]; then
  cat "$client_tap"
  echo "node --test MediaProxy.Tests/Client exited with $client_status" >&2
fi
echo "Client specs (node $(node --version)): $client_passed passing, $client_failed failing, $client_skipped skipped ($client_tap)"

shopt -s nullglob
trx_files=("$results_dir"/*.trx)
shopt -u nullglob
if [[ ${#trx_files[@]} -eq 0 ]]; then
  echo "dotnet test exited with $test_status and wrote no results (did the build fail?)" >&2
  echo "$client_passed passed, $client_failed failed"
  exit $((test_status == 0 ? 1 : test_status))
fi

read -r passed failed skipped <<<"$(count_results "${trx_files[@]}")"
passed=$((passed + client_passed))
failed=$((failed + client_failed))
skipped=$((skipped + client_skipped))
summary="$passed passed, $failed failed"
if [[ "$skipped" -gt 0 ]]; then summary+=", $skipped skipped"; fi
echo "$summary"

if [[ "$failed" -gt 0 || "$test_status" -ne 0 || "$client_status" -ne 0 ]]; then
  exit 1
fi
