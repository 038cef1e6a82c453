#!/usr/bin/env bash
# Local infrastructure for dev and tests: Kafka (KRaft) and PostgreSQL.
#   npm run infra -- up | down | status | logs
# With a working Docker engine it drives docker-compose.yml; without one it runs a Kafka broker assembled
# from Maven Central and uses (or starts) PostgreSQL, all recorded under .infra/ so 'down' stops only what
# 'up' started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$INFRA_DIR/kafka.sh"
source "$INFRA_DIR/postgres.sh"

ensure_node_modules() {
  [[ -d "$ROOT_DIR/node_modules/kafkajs" && -d "$ROOT_DIR/node_modules/pg" ]] ||
    die "dependencies are not installed: run 'npm install' first."
}

use_docker() {
  [[ "${OMS_INFRA_MODE:-auto}" == docker ]] && return 0
  [[ "${OMS_INFRA_MODE:-auto}" == local ]] && return 1
  docker_available
}

compose() { docker compose -f "$ROOT_DIR/docker-compose.yml" "$@"; }

cmd=${1:-status}
case "$cmd" in
  up)
    if use_docker; then
      log "Docker engine found: starting kafka and postgres from docker-compose.yml"
      compose up -d --wait kafka postgres
      ensure_node_modules
      pg_ensure_databases
      exit 0
    fi
    ensure_node_modules
    pg_up
    kafka_up
    ;;
  down)
    if use_docker; then
      compose down
      exit 0
    fi
    kafka_down
    pg_down
    ;;
  status)
    if use_docker; then
      compose ps
      exit 0
    fi
    kafka_status
    pg_status
    ;;
  logs)
    if use_docker; then
      compose logs --tail=100 kafka postgres
      exit 0
    fi
    tail -n 100 "$KAFKA_LOG" 2>/dev/null || echo "no Kafka log yet"
    ;;
  *)
    die "unknown command '$cmd': use up, down, status or logs."
    ;;
esac
