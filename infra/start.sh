#!/usr/bin/env bash
# `npm start`: installs dependencies if needed, brings Kafka and PostgreSQL up, starts the carrier sandbox
# with its demo dataset, then runs the service in the foreground (it applies migrations at start).
# Ctrl-C stops the service and the sandbox; `npm run infra -- down` stops Kafka (and a private Postgres).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
source "$INFRA_DIR/ensure-deps.sh"

bash infra/infra.sh up

export DATABASE_URL="${DATABASE_URL:-postgres://$POSTGRES_USER@$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DB}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-$KAFKA_HOST:$KAFKA_PORT}"
export CARRIER_BASE_URL="${CARRIER_BASE_URL:-http://127.0.0.1:$SANDBOX_PORT}"
# The sandbox settles MFN refunds in seconds, not Amazon's hours: follow them up accordingly.
export WORKER_REFUND_FOLLOW_UP_MS="${WORKER_REFUND_FOLLOW_UP_MS:-2000}"

mkdir -p "$STATE_DIR"
sandbox_pid=""
if port_open 127.0.0.1 "$SANDBOX_PORT"; then
  log "a carrier sandbox already answers on port $SANDBOX_PORT; using it"
else
  log "starting the carrier sandbox with its demo dataset on port $SANDBOX_PORT (log: $STATE_DIR/carrier-sandbox.log)"
  SANDBOX_PORT="$SANDBOX_PORT" SANDBOX_SEED_DEMO=true SWC_NODE_PROJECT=apps/carrier-sandbox/tsconfig.json \
    node -r @swc-node/register apps/carrier-sandbox/src/main.ts >"$STATE_DIR/carrier-sandbox.log" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 1 60); do port_open 127.0.0.1 "$SANDBOX_PORT" && break; sleep 0.5; done
  port_open 127.0.0.1 "$SANDBOX_PORT" || die "the carrier sandbox did not start (log: $STATE_DIR/carrier-sandbox.log)"
fi
service_pid=""
stop_children() {
  [[ -n "$service_pid" ]] && kill -TERM "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  [[ -n "$sandbox_pid" ]] && kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  return 0
}
# Ctrl-C or a TERM to this script stops the service gracefully, then the sandbox.
trap 'stop_children; exit 130' INT TERM
trap 'stop_children' EXIT

# What `nx build shipment-cancellation` runs, without starting Nx: the service compiled to
# dist/apps/shipment-cancellation, which plain node runs (the image runs the same main.js).
log "building shipment-cancellation"
node infra/build-app.cjs shipment-cancellation
log "starting shipment-cancellation on port $HTTP_PORT — try 'npm run demo' in another terminal"
HTTP_PORT="$HTTP_PORT" node --enable-source-maps --max-old-space-size=160 dist/apps/shipment-cancellation/main.js &
service_pid=$!
wait "$service_pid"
