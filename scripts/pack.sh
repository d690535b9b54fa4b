#!/usr/bin/env bash
# Makes every package (Watt.Embedded, Watt.Stackables, Watt.Embedded.Redis, and the watt tool Watt.Cli) with its
# symbol package into .artifacts/packages. The version is VersionPrefix in Directory.Build.props; pass a
# pre-release suffix as the first argument (bash scripts/pack.sh preview.1).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.artifacts/packages
suffix=${1:-}
mkdir -p "$out"
for project in Watt.Embedded Watt.Stackables Watt.Embedded.Redis Watt.Cli; do
  echo "Packing $project..."
  dotnet pack "src/$project" -c Release -o "$out" -nologo ${suffix:+"-p:VersionSuffix=$suffix"}
done
echo "Packages in $out:"
ls -1 "$out"
