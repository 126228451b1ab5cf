#!/usr/bin/env bash
# The benchmark: bash bench/run.sh [--quick] [--only live|queued|embedded|replay|outage]
# Builds Release, then bench/MediaProxy.Bench starts redis-server, the fake upstream, the baselines and the built
# proxy as separate processes on loopback, drives the load and prints the figures table.
# Full mode also runs the BenchmarkDotNet micro-benchmarks and writes docs/benchmarks.md.
# --quick: about a second per figure, asserts nothing about speed, never writes docs/benchmarks.md (CI runs it
# to keep the harness alive). --only PHASE: that phase alone (the micro-benchmarks and docs/benchmarks.md are
# skipped). Every process started here is stopped on exit, failure included.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=full
only=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) mode=quick ;;
    --only)
      case "${2:-}" in
        live|queued|embedded|replay|outage) only=(--only "$2"); shift ;;
        *) echo "usage: bash bench/run.sh [--quick] [--only live|queued|embedded|replay|outage]" >&2; exit 2 ;;
      esac ;;
    *) echo "usage: bash bench/run.sh [--quick] [--only live|queued|embedded|replay|outage]" >&2; exit 2 ;;
  esac
  shift
done

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not found: installing it (apt-get)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

# The harness records the pid of every server it starts here, so this trap can stop them even if it crashes.
pidfile="$(mktemp)"
export BENCH_PIDFILE="$pidfile"
bench_pid=""
cleanup() {
  local pid
  if [[ -n "$bench_pid" ]]; then kill "$bench_pid" 2>/dev/null || true; fi
  while read -r pid; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done <"$pidfile"
  sleep 0.2
  while read -r pid; do
    [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
  done <"$pidfile"
  rm -f "$pidfile"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "Building (Release) …"
build() { dotnet build "$1" -c Release -nologo -v quiet -clp:ErrorsOnly; }
build MediaProxy.Api/MediaProxy.Api.csproj
build bench/MediaProxy.Bench/MediaProxy.Bench.csproj
build bench/MediaProxy.Micro/MediaProxy.Micro.csproj

args=(run
  --api-dll MediaProxy.Api/bin/Release/net10.0/MediaProxy.Api.dll
  --micro-dll bench/MediaProxy.Micro/bin/Release/net10.0/MediaProxy.Micro.dll
  --sdk "$(dotnet --version)")
if [[ "$mode" == quick ]]; then
  args+=(--quick)
elif [[ ${#only[@]} -eq 0 ]]; then
  args+=(--doc docs/benchmarks.md)
fi
args+=("${only[@]}")

dotnet bench/MediaProxy.Bench/bin/Release/net10.0/MediaProxy.Bench.dll "${args[@]}" &
bench_pid=$!
wait "$bench_pid"
status=$?
bench_pid=""
exit "$status"
