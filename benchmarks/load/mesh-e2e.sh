#!/usr/bin/env bash
# End-to-end load: an external GET to a gateway that fetches a backend, (1) as two Watt services in one
# host (mesh, in memory) versus (2) as two Kestrel apps calling each other over loopback.
# Fixed duration (10 s), 50 connections, 127.0.0.1 only. Servers and wrk (one thread) share both cores:
# pinning the servers to one core (taskset) starves the thread pool of every HttpClient-based gateway alike.
# Needs wrk (apt-get install wrk). The shapes run interleaved, ROUNDS times (default 3); prints the median
# req/s and server CPU per request of both, p50 and p99 of the last round, and the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/load/lib.sh
ensure_wrk
dotnet build -c Release benchmarks/Watt.Embedded.LoadTargets >/dev/null
dll=benchmarks/Watt.Embedded.LoadTargets/bin/Release/net10.0/Watt.Embedded.LoadTargets.dll
port=5190

run() {
  start_target "$dll" "$1" "$port" "$2"
  curl -sf "http://127.0.0.1:$port/gateway/data" >/dev/null
  measure "http://127.0.0.1:$port/gateway/data" "$2" "$TARGET_PID"
  stop_target
}

tmp=$(mktemp -d)
# Both shapes run in one process each (the two Kestrel apps share one), so the server CPU per request
# compares like with like.
interleave "$tmp" watt microservices
last=${ROUNDS:-3}
read -r _ wp50 wp99 _ <<<"$(summary "$tmp/watt-$last")"
read -r _ mp50 mp99 _ <<<"$(summary "$tmp/microservices-$last")"
wrps=$(median "$tmp/watt.rps"); mrps=$(median "$tmp/microservices.rps")
wcpu=$(median "$tmp/watt.cpus"); mcpu=$(median "$tmp/microservices.cpus")
echo "medians over ${last} interleaved rounds (p50/p99 of the last round):"
printf '%-28s %12s %10s %10s %14s\n' scenario req/s p50 p99 "CPU us/req"
printf '%-28s %12s %10s %10s %14s\n' "watt (mesh, in memory)" "$wrps" "$wp50" "$wp99" "$wcpu"
printf '%-28s %12s %10s %10s %14s\n' "two Kestrel apps (loopback)" "$mrps" "$mp50" "$mp99" "$mcpu"
awk -v a="$wrps" -v b="$mrps" 'BEGIN { printf "throughput ratio watt / loopback: %.2fx\n", a / b }'
awk -v a="$wcpu" -v b="$mcpu" 'BEGIN { printf "server CPU per request, loopback / watt: %.2fx\n", b / a }'
grep -h "Non-2xx\|Socket errors" "$tmp"/watt-* "$tmp"/microservices-* || true
