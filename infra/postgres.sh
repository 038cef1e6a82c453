# PostgreSQL for dev and tests: the server already on $POSTGRES_HOST:$POSTGRES_PORT when one answers,
# else a private cluster from Debian's binaries in .infra/postgres. Sourced by infra.sh.

PG_STATE="$STATE_DIR/postgres"
PG_DATA="$PG_STATE/data"
PG_LOG="$PG_STATE/postgres.log"
PG_OWNED_MARK="$PG_STATE/started-by-us"

pg_bin_dir() {
  local dir
  for dir in /usr/lib/postgresql/"$POSTGRES_VERSION"/bin /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

# initdb and postgres refuse to run as root: run them as the postgres user then.
pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ensure_databases() {
  node "$INFRA_DIR/postgres-ensure-db.cjs" "$POSTGRES_DB" "$POSTGRES_TEST_DB" ||
    die "could not create the databases on $POSTGRES_HOST:$POSTGRES_PORT as user $POSTGRES_USER."
}

pg_up() {
  if port_open "$POSTGRES_HOST" "$POSTGRES_PORT"; then
    if [[ -f "$PG_OWNED_MARK" ]]; then
      log "PostgreSQL (private cluster in $PG_DATA) already running on $POSTGRES_HOST:$POSTGRES_PORT"
    else
      log "using the PostgreSQL server on $POSTGRES_HOST:$POSTGRES_PORT"
    fi
    pg_ensure_databases
    return 0
  fi
  local bin
  bin=$(pg_bin_dir) || die "no PostgreSQL answers on $POSTGRES_HOST:$POSTGRES_PORT and none is installed: install PostgreSQL $POSTGRES_VERSION (Debian: apt-get install postgresql), or use Docker."
  mkdir -p "$PG_STATE"
  [[ $(id -u) -eq 0 ]] && chown postgres "$PG_STATE"
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "creating a private PostgreSQL cluster in $PG_DATA"
    pg_as_owner "$bin/initdb" -D "$PG_DATA" -U "$POSTGRES_USER" --auth=trust -E UTF8 >"$PG_STATE/initdb.log" 2>&1 ||
      die "initdb failed (log: $PG_STATE/initdb.log)."
  fi
  touch "$PG_LOG"
  [[ $(id -u) -eq 0 ]] && chown postgres "$PG_LOG"
  log "starting PostgreSQL on $POSTGRES_HOST:$POSTGRES_PORT (log: $PG_LOG)"
  pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-p $POSTGRES_PORT -c listen_addresses=$POSTGRES_HOST -k $PG_STATE" start >/dev/null ||
    die "PostgreSQL did not start (log: $PG_LOG)."
  touch "$PG_OWNED_MARK"
  pg_ensure_databases
}

pg_down() {
  [[ -f "$PG_OWNED_MARK" ]] || return 0
  local bin
  bin=$(pg_bin_dir) || return 0
  if [[ -f "$PG_DATA/postmaster.pid" ]]; then
    log "stopping the private PostgreSQL cluster"
    pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -f "$PG_OWNED_MARK"
}

pg_status() {
  if [[ -f "$PG_OWNED_MARK" ]] && port_open "$POSTGRES_HOST" "$POSTGRES_PORT"; then
    echo "postgres: running (private cluster in $PG_DATA, $POSTGRES_HOST:$POSTGRES_PORT)"
  elif port_open "$POSTGRES_HOST" "$POSTGRES_PORT"; then
    echo "postgres: using the server on $POSTGRES_HOST:$POSTGRES_PORT (not started by us)"
  else
    echo "postgres: not answering on $POSTGRES_HOST:$POSTGRES_PORT"
  fi
}
