#!/usr/bin/env bash
# Runs every test of the repository on a fresh machine: installs what the tests need, builds,
# runs the tests, and ends with one line "Tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# Servers the tests start themselves: redis-server (distributed HTTP cache store).
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "Installing redis-server (apt)..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
  # The package starts a system instance; the tests start their own on free ports.
  ($SUDO service redis-server stop || true) >/dev/null 2>&1
fi

# The official Prometheus client's text parser, which the metrics tests parse expositions with.
if ! /usr/bin/python3 -c "import prometheus_client" >/dev/null 2>&1; then
  echo "Installing python3-prometheus-client (apt)..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-prometheus-client >/dev/null
fi

# Headless Chromium, which loads a Next.js page through the host and runs its scripts.
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing chromium (apt)..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# npm packages of the test fixtures and the sample's Node service (committed package-lock.json files). Their production builds
# (Next.js, Vite) are run by the tests themselves through Watt's build option (Build: IfMissing/Always).
for fixture in tests/fixtures/*/package-lock.json samples/*/package-lock.json; do
  [ -f "$fixture" ] || continue
  dir=$(dirname "$fixture")
  echo "npm ci in $dir..."
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed in $dir"; echo "Tests: 0 passed, 1 failed"; exit 1; }
done

results=.artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

# Build once, then run the three test projects one after the other (they start processes and browsers; the
# machine has two cores): unit (nothing outside the process), Stackables (node, python3, Chromium), functional
# (WebApplicationFactory, Kestrel, Redis, Node). Each writes its own .trx.
status=0
dotnet build Watt.Embedded.sln -c Release 2>&1 | tee .artifacts/build.log
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then
  echo "Tests: 0 passed, 1 failed"
  exit "$build_status"
fi

: > .artifacts/test.log
for project in Watt.Embedded.UnitTests Watt.Stackables.Tests Watt.Embedded.FunctionalTests; do
  dotnet test "tests/$project/$project.csproj" -c Release --no-build \
    --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=$project.trx" --results-directory "$results" 2>&1 | tee -a .artifacts/test.log
  project_status=${PIPESTATUS[0]}
  [ "$project_status" -ne 0 ] && status=$project_status
done

# Count from the test results (one .trx per test project).
passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # a test host failed before reporting
fi
echo "Tests: $passed passed, $failed failed"
exit "$status"
