#!/usr/bin/env bash
# The chain, end to end through Kestrel: an external GET to a mounted gateway service that calls a second
# service through the mesh and returns its JSON (Watt's defaults, logging at Warning), against a plain
# one-endpoint hello app (the same logging) in the same run. Fixed duration (10 s), 50 connections,
# 127.0.0.1 only; the two run interleaved ROUNDS times (default 3). Prints the medians and the ratio.
# Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/load/lib.sh
ensure_wrk
dotnet build -c Release benchmarks/Watt.Embedded.LoadTargets >/dev/null
dll=benchmarks/Watt.Embedded.LoadTargets/bin/Release/net10.0/Watt.Embedded.LoadTargets.dll
port=5210

run() {
  start_target "$dll" "$1" "$port" "$2"
  curl -sf "http://127.0.0.1:$port/gateway/data" >/dev/null
  measure "http://127.0.0.1:$port/gateway/data" "$2" "$TARGET_PID"
  stop_target
}

tmp=$(mktemp -d)
interleave "$tmp" chain hello
crps=$(median "$tmp/chain.rps"); hrps=$(median "$tmp/hello.rps")
ccpu=$(median "$tmp/chain.cpus"); hcpu=$(median "$tmp/hello.cpus")
echo "medians over ${ROUNDS:-3} interleaved rounds:"
printf '%-44s %12s %14s\n' scenario req/s "CPU us/req"
printf '%-44s %12s %14s\n' "chain (mount -> gateway -> mesh -> backend)" "$crps" "$ccpu"
printf '%-44s %12s %14s\n' "plain hello app" "$hrps" "$hcpu"
awk -v a="$crps" -v b="$hrps" 'BEGIN { printf "throughput ratio chain / hello: %.3fx\n", a / b }'
grep -h "Non-2xx\|Socket errors" "$tmp"/chain-* "$tmp"/hello-* || true
