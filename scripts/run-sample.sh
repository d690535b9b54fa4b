#!/usr/bin/env bash
# Runs the sample application: an existing "monolith" that hosts an orders Minimal API service
# and the Catalog app in-process through Watt, and an Express app (samples/notifications) as a
# supervised Node service. Open http://127.0.0.1:5000/ . Needs node and npm on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
urls="${WATT_SAMPLE_URLS:-http://127.0.0.1:5000}"
echo "[1/3] npm ci in samples/notifications (the Express service)..."
(cd samples/notifications && npm ci --no-audit --no-fund --loglevel=error)
echo "[2/3] Building the sample (the first build restores packages and compiles: a few minutes)..."
dotnet build samples/Monolith -c Release -nologo -v minimal -clp:Summary
echo "[3/3] Starting the sample on $urls (Ctrl+C stops it)..."
exec dotnet run --project samples/Monolith -c Release --no-build -- --urls "$urls"
