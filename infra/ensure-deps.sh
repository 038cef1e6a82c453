# Installs the npm dependencies when they are missing or older than package-lock.json. Sourced.
# (`npm install` rather than `npm ci`: see .ci/run.)
if [[ ! -d "$ROOT_DIR/node_modules" || "$ROOT_DIR/package-lock.json" -nt "$ROOT_DIR/node_modules/.package-lock.json" ]]; then
  log "installing dependencies (npm install)"
  (cd "$ROOT_DIR" && npm install --no-audit --no-fund)
fi

# The console's browser tests (apps/shipment-cancellation/test/console.e2e-spec.ts) drive Debian's chromium
# through playwright-core, which downloads no browser. `npm test` installs it when it is missing; `npm start`
# does not need it.
if [[ "$(basename "$0")" == test.sh && ! -x /usr/bin/chromium ]]; then
  log "installing chromium for the console's browser tests (apt-get install -y chromium)"
  as_root=()
  [[ "$(id -u)" -eq 0 ]] || as_root=(sudo -n)
  # A fresh machine may have no package lists yet: update them only when the first try fails.
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null ||
    { "${as_root[@]}" apt-get update -q >/dev/null && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } ||
    log "could not install chromium: the console's browser tests will fail until /usr/bin/chromium exists"
fi
