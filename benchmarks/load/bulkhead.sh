#!/usr/bin/env bash
# One service cannot starve the others (issue 19, item 7). Through Kestrel, one host with two mounted services:
# /fast answers JSON, /blocking holds its thread for a second per request (Thread.Sleep). Three modes, interleaved
# ROUNDS times (default 3), each a fresh host:
#   alone        /fast measured by itself (wrk, 50 connections, DURATION after a 5 s warm-up);
#   blocked      the same while 200 connections keep 200 requests to /blocking in flight (Watt's defaults: the
#                bulkhead, 64 at once and the rest queued, and the thread-pool reserve);
#   unprotected  the same with the bulkhead and the reserve turned off (Watt:Concurrency:MaxConcurrentRequests=0,
#                Watt:ThreadPool:ReserveForServices=false): what the services got before.
# Prints the medians and the ratios blocked/alone (target: at least 0.8) and unprotected/alone.
# Needs wrk (apt-get install wrk). 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/load/lib.sh
ensure_wrk
dotnet build -c Release benchmarks/Watt.Embedded.LoadTargets >/dev/null
dll=benchmarks/Watt.Embedded.LoadTargets/bin/Release/net10.0/Watt.Embedded.LoadTargets.dll
port=5230
duration=${DURATION:-10s}

run() {
  local mode=$1 out=$2 blockers=""
  case "$mode" in
    alone|blocked) start_target "$dll" bulkhead "$port" "$out" ;;
    unprotected) start_target "$dll" bulkhead "$port" "$out" Watt:Concurrency:MaxConcurrentRequests=0 Watt:ThreadPool:ReserveForServices=false ;;
  esac
  curl -sf "http://127.0.0.1:$port/fast/" >/dev/null
  if [ "$mode" != alone ]; then
    # 200 requests to /blocking in flight for the whole measurement (warm-up included), started first.
    wrk -t1 -c200 -d"$(( ${duration%s} + 12 ))s" --timeout 60s "http://127.0.0.1:$port/blocking/" > "$out.blocking" &
    blockers=$!
    sleep 2
  fi
  measure "http://127.0.0.1:$port/fast/" "$out"
  if [ -n "$blockers" ]; then
    kill "$blockers" 2>/dev/null || true
    wait "$blockers" 2>/dev/null || true
  fi
  stop_target
}

tmp=$(mktemp -d)
interleave "$tmp" alone blocked unprotected
alone=$(median "$tmp/alone.rps"); blocked=$(median "$tmp/blocked.rps"); unprotected=$(median "$tmp/unprotected.rps")
echo "medians over ${ROUNDS:-3} interleaved rounds (req/s of /fast):"
printf '%-60s %12s\n' "alone" "$alone"
printf '%-60s %12s\n' "with 200 blocking requests in /blocking (Watt's defaults)" "$blocked"
printf '%-60s %12s\n' "the same, bulkhead and thread reserve off" "$unprotected"
awk -v a="$blocked" -v b="$alone" 'BEGIN { printf "throughput ratio blocked / alone: %.3fx (target >= 0.8)\n", a / b }'
awk -v a="$unprotected" -v b="$alone" 'BEGIN { printf "throughput ratio unprotected / alone: %.3fx\n", a / b }'
grep -h "Non-2xx\|Socket errors" "$tmp"/*-? || true
