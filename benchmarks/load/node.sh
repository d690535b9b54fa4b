#!/usr/bin/env bash
# Cost of putting a Node service behind Watt: the Express fixture's /hello reached directly (node on its
# own port) versus through the host's mount (/api/hello: Kestrel -> mount -> the worker's in-process front
# -> YARP -> node), with 1 and then 2 node workers; and, as the floor of any .NET proxy here, a plain
# ASP.NET Core app with YARP's MapForwarder in front of one node (yarp-1), no Watt. Modes run interleaved, ROUNDS times (default 3); the
# summary uses medians and ratios to direct from the same run. Fixed duration (10 s), 50 connections,
# 127.0.0.1 only. CPU: nothing is pinned; node, the host and wrk (one thread) share both cores, as on a
# 2-core box. Needs wrk (installed with apt if missing) and the fixture's npm packages (npm ci).
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/load/lib.sh
ensure_wrk
app=$PWD/tests/fixtures/express-app
[ -d "$app/node_modules" ] || (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
dotnet build -c Release benchmarks/Watt.Embedded.LoadTargets >/dev/null
dll=benchmarks/Watt.Embedded.LoadTargets/bin/Release/net10.0/Watt.Embedded.LoadTargets.dll
# What Watt.Stackables.targets puts in a host's runtimeconfig (no thread-pool spinning: the cores are the
# Node workers' too); the load targets project serves other benchmarks too, so it comes from here.
export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit:-0}
port=5390

run() {
  local mode=$1 out=$2 url pid
  local nodepid=""
  if [ "$mode" = direct ]; then
    PORT=$port HOST=127.0.0.1 NODE_ENV=production node "$app/server.js" > "$out.server" 2>&1 &
    pid=$!
    url="http://127.0.0.1:$port/hello"
  elif [ "$mode" = yarp-1 ]; then
    PORT=$((port + 1)) HOST=127.0.0.1 NODE_ENV=production node "$app/server.js" > "$out.node" 2>&1 &
    nodepid=$!
    dotnet "$dll" yarp "$port" "$((port + 1))" > "$out.server" 2>&1 &
    pid=$!
    url="http://127.0.0.1:$port/api/hello"
  else
    dotnet "$dll" node "$port" "${mode#host-}" "$app" > "$out.server" 2>&1 &
    pid=$!
    url="http://127.0.0.1:$port/api/hello"
  fi
  for _ in $(seq 1 200); do curl -sf "$url" >/dev/null 2>&1 && break; sleep 0.1; done
  measure "$url" "$out"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  if [ -n "$nodepid" ]; then kill "$nodepid"; wait "$nodepid" 2>/dev/null || true; fi
  sleep 1
}

tmp=$(mktemp -d)
modes="direct yarp-1 host-1 host-2"
# shellcheck disable=SC2086
interleave "$tmp" $modes
direct=$(median "$tmp/direct.rps")
echo "median req/s and ratio to direct (targets: host-1 >= 0.8, host-2 >= 1.1; yarp-1 is plain YARP without Watt):"
for mode in $modes; do
  m=$(median "$tmp/$mode.rps")
  awk -v mode="$mode" -v m="$m" -v d="$direct" 'BEGIN { printf "  %-8s %10.0f  %.3f\n", mode, m, m / d }'
done
