#!/usr/bin/env bash
# `npm test`: every check the project has — lint, typecheck, unit tests, then integration tests against a
# real Kafka broker and PostgreSQL — and one closing line "N passed, N failed" summed over all of them.
# Infrastructure this script had to start is stopped again at the end.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
source "$INFRA_DIR/ensure-deps.sh" || exit 1

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false TZ=UTC FORCE_COLOR=0
export OMS_TEST_RESULTS
OMS_TEST_RESULTS=$(mktemp -d)
checks_log=$(mktemp)

infra_was_up=false
bash infra/infra.sh status | grep -q '^kafka: running' && infra_was_up=true
cleaned=false
cleanup() {
  [[ "$cleaned" == true ]] && return
  cleaned=true
  if [[ "$infra_was_up" == false ]]; then bash infra/infra.sh down || true; fi
}
trap 'cleanup; rm -rf "$OMS_TEST_RESULTS" "$checks_log"' EXIT

status=0
projects=$(npx nx show projects | wc -l)

log "format, lint and typecheck ($projects projects)"
format_failures=0
npx prettier --check . --log-level warn || { status=1; format_failures=1; }
npx nx run-many -t lint typecheck --parallel=2 --outputStyle=static --skip-nx-cache 2>&1 | tee "$checks_log" || status=1
check_failures=$(( $(grep -cE '^\s*- [a-z-]+:(lint|typecheck)\s*$' "$checks_log" || true) + format_failures ))

log "unit tests"
npx nx run-many -t test --parallel=2 --outputStyle=static --skip-nx-cache || status=1

log "integration tests (real Kafka and PostgreSQL)"
npx nx run-many -t integration --parallel=1 --outputStyle=static --skip-nx-cache || status=1

# Stop what this run started before the closing line, so that line is the last one printed.
cleanup
node -e '
  const fs = require("node:fs"), path = require("node:path");
  const dir = process.argv[1], checks = Number(process.argv[2]), checkFailures = Number(process.argv[3]);
  let passed = checks - checkFailures, failed = checkFailures;
  for (const f of fs.readdirSync(dir)) {
    const r = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    passed += r.passed; failed += r.failed;
  }
  console.log(`${passed} passed, ${failed} failed`);
 ' "$OMS_TEST_RESULTS" "$((projects * 2 + 1))" "$check_failures"
exit $status
