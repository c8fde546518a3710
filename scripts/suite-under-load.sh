#!/usr/bin/env bash
# Runs the CI test command N times in a row (default 5) on a fresh clone of HEAD while another
# process keeps every core busy: the check that the suite does not depend on an idle machine.
# Usage: scripts/suite-under-load.sh [RUNS]   (DATABASE_URL and REDIS_URL as for .ci/run)
set -uo pipefail
runs="${1:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
git clone -q "$root" "$work/umbral"
cd "$work/umbral"
# One spinning worker thread per core, for as long as the runs last.
node -e "const { Worker } = require('node:worker_threads'); const n = require('node:os').availableParallelism();
  for (let i = 0; i < n; i++) new Worker('for (;;) Math.sqrt(Math.random());', { eval: true });" &
burner=$!
trap 'kill $burner 2>/dev/null' EXIT
for i in $(seq 1 "$runs"); do
  started=$(date +%s)
  if [ "$i" = 1 ]; then .ci/run > "$work/run$i.log" 2>&1; else npm test > "$work/run$i.log" 2>&1; fi
  code=$?
  echo "run $i: exit $code in $(( $(date +%s) - started )) s: $(grep -E '^# (pass|fail)' "$work/run$i.log" | tr '\n' ' ')"
done
echo "logs in $work"
