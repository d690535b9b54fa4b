#!/usr/bin/env bash
# Per-request cost of Watt's telemetry: a GET to a mounted Minimal API service with telemetry and logging
# all off; all on (JSON console logging with scopes, metrics recorded and served, tracing sampled at 100%,
# spans not exported); the same exporting every span over OTLP/HTTP to a sink in the same process; and that
# plus request logging. For reference, the framework's own cost: the same endpoint in a plain ASP.NET Core
# app without Watt, with nothing on (plain-off) and with JSON console logging and OpenTelemetry's ASP.NET
# Core tracing at 100% (plain-on). Modes run interleaved, ROUNDS times (default 3); the summary uses medians.
# Fixed duration (10 s), 50 connections, 127.0.0.1 only; server and wrk (one thread) share both cores.
# The server's console output goes to a file, as in a container. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/load/lib.sh
ensure_wrk
dotnet build -c Release benchmarks/Watt.Embedded.LoadTargets >/dev/null
dll=benchmarks/Watt.Embedded.LoadTargets/bin/Release/net10.0/Watt.Embedded.LoadTargets.dll
port=5290
url="http://127.0.0.1:$port/gateway/local"

run() {
  local mode=$1 out=$2
  start_target "$dll" "$mode" "$port" "$out"
  curl -sf "$url" >/dev/null
  measure "$url" "$out" "$TARGET_PID"
  if [ "$mode" != telemetry-off ]; then
    curl -sf "http://127.0.0.1:$((port + 3))/metrics" | grep -c '^watt_http_requests_total{service="gateway"' > "$out.series" || true
  fi
  stop_target
}

tmp=$(mktemp -d)
rounds=${ROUNDS:-3}
modes=${MODES:-"telemetry-off telemetry-on telemetry-otlp telemetry-requests plain-off plain-on"}
# shellcheck disable=SC2086
interleave "$tmp" $modes
off=$(median "$tmp/telemetry-off.rps")
echo "median req/s and ratio to all off (plain-on is also compared with plain-off):"
for mode in $modes; do
  m=$(median "$tmp/$mode.rps")
  awk -v mode="$mode" -v m="$m" -v off="$off" 'BEGIN { printf "  %-22s %10.0f  %.3f (%.1f%% slower)\n", mode, m, m / off, (1 - m / off) * 100 }'
done
# The same comparison by the server's CPU time per request, which the machine's noise (CPU taken by
# neighbours) does not move: throughput on a saturated server is its inverse.
offcpu=$(median "$tmp/telemetry-off.cpus")
echo "median server CPU per request (us) and its ratio to all off:"
for mode in $modes; do
  c=$(median "$tmp/$mode.cpus")
  awk -v mode="$mode" -v c="$c" -v off="$offcpu" 'BEGIN { printf "  %-22s %10.1f  %.3f (%.1f%% more CPU; as throughput %.1f%% slower)\n", mode, c, c / off, (c / off - 1) * 100, (1 - off / c) * 100 }'
done
if [ -f "$tmp/plain-on.rps" ] && [ -f "$tmp/plain-off.rps" ]; then
  awk -v on="$(median "$tmp/plain-on.rps")" -v off="$(median "$tmp/plain-off.rps")" 'BEGIN { printf "  plain-on / plain-off     %.3f (%.1f%% slower): what ASP.NET Core logging and tracing cost without Watt\n", on / off, (1 - on / off) * 100 }'
fi
echo "series of the service on /metrics (telemetry-on, last round): $(cat "$tmp/telemetry-on-$rounds.series")"
if [ -f "$tmp/telemetry-requests-$rounds.server" ]; then
  echo "server output lines (telemetry-requests, last round): $(wc -l < "$tmp/telemetry-requests-$rounds.server")"
fi
