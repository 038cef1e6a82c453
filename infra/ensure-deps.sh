# Installs the npm dependencies when they are missing or older than package-lock.json. Sourced.
# (`npm install` rather than `npm ci`: see .ci/run.)
if [[ ! -d "$ROOT_DIR/node_modules" || "$ROOT_DIR/package-lock.json" -nt "$ROOT_DIR/node_modules/.package-lock.json" ]]; then
  log "installing dependencies (npm install)"
  (cd "$ROOT_DIR" && npm install --no-audit --no-fund)
fi
