# Installs the npm dependencies when they are missing or older than package-lock.json. Sourced.
if [[ ! -d "$ROOT_DIR/node_modules" || "$ROOT_DIR/package-lock.json" -nt "$ROOT_DIR/node_modules/.package-lock.json" ]]; then
  log "installing dependencies (npm ci)"
  (cd "$ROOT_DIR" && npm ci --no-audit --no-fund)
fi
