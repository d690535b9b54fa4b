#!/usr/bin/env bash
# Runs the sample application: an existing "monolith" that hosts an orders Minimal API service
# and the Catalog app in-process through Watt. Open http://127.0.0.1:5000/ .
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project samples/Monolith -c Release -- --urls "${WATT_SAMPLE_URLS:-http://127.0.0.1:5000}"
