#!/usr/bin/env bash
# End-to-end load: an external GET to a gateway that fetches a backend, (1) as two Watt services in one
# host (mesh, in memory) versus (2) as two Kestrel apps calling each other over loopback.
# Fixed duration (10 s), 50 connections, 127.0.0.1 only. Servers and wrk (one thread) share both cores:
# pinning the servers to one core (taskset) starves the thread pool of every HttpClient-based gateway alike.
# Needs wrk (apt-get install wrk). Prints req/s, p50, p99 for both and the ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/load/lib.sh
ensure_wrk
dotnet build -c Release benchmarks/Watt.Embedded.LoadTargets >/dev/null
dll=benchmarks/Watt.Embedded.LoadTargets/bin/Release/net10.0/Watt.Embedded.LoadTargets.dll
port=5190

run() {
  local mode=$1 out=$2
  dotnet "$dll" "$mode" "$port" > "$out.server" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do grep -q READY "$out.server" 2>/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/gateway/data" >/dev/null
  measure "http://127.0.0.1:$port/gateway/data" "$out"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

tmp=$(mktemp -d)
run watt "$tmp/watt"
run microservices "$tmp/micro"

read -r wrps wp50 wp99 _ <<<"$(summary "$tmp/watt")"
read -r mrps mp50 mp99 _ <<<"$(summary "$tmp/micro")"
printf '%-28s %12s %10s %10s\n' scenario req/s p50 p99
printf '%-28s %12s %10s %10s\n' "watt (mesh, in memory)" "$wrps" "$wp50" "$wp99"
printf '%-28s %12s %10s %10s\n' "two Kestrel apps (loopback)" "$mrps" "$mp50" "$mp99"
awk -v a="$wrps" -v b="$mrps" 'BEGIN { printf "throughput ratio watt / loopback: %.2fx\n", a / b }'
grep -h "Non-2xx\|Socket errors" "$tmp/watt" "$tmp/micro" || true
