#!/usr/bin/env bash
# `npm run demo`: the main job on the embedded local stack. Installs what is
# missing, starts Temporal + MinIO, runs a worker, publishes a realistic alert
# stream from the policy catalog and shows what landed in the local lake.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/ensure-deps.sh

bash scripts/stack.sh up
eval "$(bash scripts/stack.sh env)"

mkdir -p .stack
WORKER_LOG="$ROOT/.stack/demo-worker.log"
export TEMPORAL_TASK_QUEUE="${TEMPORAL_TASK_QUEUE:-security-lake-exporter}"
echo "[demo] starting a worker (log: $WORKER_LOG)"
# node itself (not an npx wrapper) so that stopping $! really stops the worker.
node --import tsx src/worker.ts >"$WORKER_LOG" 2>&1 &
WORKER_PID=$!
stop_worker() { kill "$WORKER_PID" 2>/dev/null && wait "$WORKER_PID" 2>/dev/null || true; }
trap stop_worker EXIT

node --import tsx scripts/demo.ts "$@"

echo
echo "[demo] The local stack keeps running so you can look around:"
echo "         Temporal Web UI  http://127.0.0.1:8233  (workflow list shows each integration's ExportStatus)"
echo "         eval \"\$(npm run -s stack env)\"; temporal workflow list --query 'ExportStatus=\"Success\" AND ExecutionStatus=\"Running\"'"
echo "       Stop it with: npm run stack down"
