#!/usr/bin/env bash
# Runs the sample application: an existing "monolith" that hosts an orders Minimal API service
# and the Catalog app in-process through Watt, and an Express app (samples/notifications) as a
# supervised Node service. Open http://127.0.0.1:5000/ . Needs node and npm on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd samples/notifications && npm ci --no-audit --no-fund --loglevel=error)
exec dotnet run --project samples/Monolith -c Release -- --urls "${WATT_SAMPLE_URLS:-http://127.0.0.1:5000}"
