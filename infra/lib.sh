# Shared helpers for the infra scripts. Sourced, never run.
INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$INFRA_DIR/.." && pwd)"
STATE_DIR="${OMS_INFRA_STATE:-$ROOT_DIR/.infra}"

# Defaults from versions.env; the caller's environment wins.
while IFS='=' read -r key value; do
  [[ -z "$key" || "$key" == \#* ]] && continue
  [[ -z "${!key:-}" ]] && export "$key=$value"
done < "$INFRA_DIR/versions.env"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

# True when something accepts TCP connections on host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# The pid in a pid file, when that process is still alive.
live_pid() {
  local file=$1 pid
  [[ -f "$file" ]] || return 1
  pid=$(<"$file")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && { echo "$pid"; return 0; }
  return 1
}

# Stops the process recorded in a pid file: TERM, then KILL after a grace period. Never by name.
stop_pid_file() {
  local file=$1 what=$2 pid
  if ! pid=$(live_pid "$file"); then
    rm -f "$file"
    return 0
  fi
  log "stopping $what (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$what did not stop in 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

docker_available() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }
