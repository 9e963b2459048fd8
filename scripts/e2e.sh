#!/usr/bin/env bash
# Browser tests: builds the app once, starts the backend (which serves the
# built app through app-backend) on in-memory SQLite with demo data, waits
# until the demo data is loaded, runs packages/app/e2e-tests/*.test.mjs with
# playwright-core driving Debian's chromium, and stops everything.
# Screenshots land in packages/app/e2e-tests/screenshots/.
#
#   scripts/e2e.sh              build, start, test, stop
#   E2E_SKIP_BUILD=1 scripts/e2e.sh   reuse packages/app/dist
#   E2E_ONLY=layout-keys scripts/e2e.sh   run e2e-tests/layout-keys.test.mjs alone
#   E2E_PORT=7193 scripts/e2e.sh      serve on another port
set -euo pipefail

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/toolchain.sh
source "$SCRIPTS_DIR/toolchain.sh" # sets REPO_ROOT, Node 22 on PATH, yarn()
cd "$REPO_ROOT"

E2E_DIR="$REPO_ROOT/packages/app/e2e-tests"
# 7107 as in app-config.e2e.yaml; E2E_PORT moves it (e.g. when several runs share a machine).
PORT="${E2E_PORT:-7107}"
BASE_URL="http://localhost:$PORT"
export APP_CONFIG_app_baseUrl="$BASE_URL" APP_CONFIG_backend_baseUrl="$BASE_URL" \
  APP_CONFIG_backend_listen_port="$PORT" APP_CONFIG_backend_cors_origin="$BASE_URL"
# A stand-in OpenRouter API (e2e-tests/fakeOpenRouter.mjs, started by the
# tests that create keys at a provider) on a free port; only app-config can
# allow a provider account's credentials to go to such a URL.
FAKE_PROVIDER_PORT="${E2E_FAKE_PROVIDER_PORT:-$(node -e '
  const server = require("net").createServer().listen(0, "127.0.0.1", () => {
    console.log(server.address().port);
    server.close();
  });
')}"
export E2E_FAKE_PROVIDER_PORT="$FAKE_PROVIDER_PORT" \
  APP_CONFIG_llmUsage_providers_openrouter_allowedBaseUrls="[\"http://127.0.0.1:$FAKE_PROVIDER_PORT/api/v1\"]"
# The static external access token of app-config.yaml (local use only).
INGEST_TOKEN="${LLM_USAGE_E2E_TOKEN:-local-dev-only-llm-usage-ingest-token-not-secret}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
BACKEND_LOG="$E2E_DIR/screenshots/backend.log"
START_TIMEOUT_S=300

log() { printf '» e2e: %s\n' "$*"; }

if [ ! -x "$CHROMIUM" ]; then
  echo "e2e: $CHROMIUM not found (apt-get install chromium)" >&2
  exit 1
fi
if node -e '
  const s = require("net").connect(+process.argv[1], "127.0.0.1");
  s.on("connect", () => process.exit(0)).on("error", () => process.exit(1));
' "$PORT"; then
  echo "e2e: port $PORT is in use; stop whatever listens there first" >&2
  exit 1
fi

mkdir -p "$E2E_DIR/screenshots"
rm -f "$E2E_DIR"/screenshots/*.png

if [ -z "${E2E_SKIP_BUILD:-}" ] || [ ! -f packages/app/dist/index.html ]; then
  log "building the app (once; log: $E2E_DIR/screenshots/app-build.log)"
  if ! (cd packages/app && yarn backstage-cli package build) >"$E2E_DIR/screenshots/app-build.log" 2>&1; then
    tail -n 40 "$E2E_DIR/screenshots/app-build.log" >&2
    exit 1
  fi
fi

log "starting the backend on $BASE_URL (log: $BACKEND_LOG)"
# The backend as `yarn start` runs it (sources transpiled on the fly), minus
# the file watcher: nothing may restart it in the middle of a test. setsid:
# it gets its own process group, which is stopped as a whole below.
# NODE_ENV=development as `yarn start` sets it: guest sign-in is refused otherwise.
(cd packages/backend && NODE_ENV=development ESBK_TSCONFIG_PATH="$REPO_ROOT/tsconfig.json" exec setsid node \
  --require "$(node -p 'require.resolve("@backstage/cli-node/config/nodeTransform.cjs")')" \
  src/index.ts \
  --config "$REPO_ROOT/app-config.yaml" \
  --config "$E2E_DIR/app-config.e2e.yaml") >"$BACKEND_LOG" 2>&1 &
BACKEND_PID=$!

stop_backend() {
  if kill -0 "$BACKEND_PID" 2>/dev/null; then
    log "stopping the backend"
    kill -TERM -- "-$BACKEND_PID" 2>/dev/null || kill -TERM "$BACKEND_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do
      kill -0 "$BACKEND_PID" 2>/dev/null || return 0
      sleep 0.5
    done
    kill -KILL -- "-$BACKEND_PID" 2>/dev/null || true
  fi
}
trap stop_backend EXIT

log "waiting for the backend and the demo data"
started=$SECONDS
# 200 from a URL, optionally with a bearer token (node, as curl may be missing).
http_ok() {
  node -e '
    const [url, token] = process.argv.slice(1);
    fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
      .then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1));
  ' "$@"
}
# The ingest token may only ingest (llmUsage.servicePrincipals): readiness
# is asked of the backend's health endpoint instead.
# The demo's provider usage is derived from its calls once they are all in,
# some seconds after them: the provider-report tests need both.
until grep -aq 'Demo data: generated' "$BACKEND_LOG" 2>/dev/null &&
  grep -aq 'Demo data: .* provider usage rows' "$BACKEND_LOG" 2>/dev/null &&
  http_ok "$BASE_URL/.backstage/health/v1/readiness" &&
  http_ok "$BASE_URL/"; do
  if ! kill -0 "$BACKEND_PID" 2>/dev/null; then
    echo "e2e: the backend exited; last lines of its log:" >&2
    tail -n 40 "$BACKEND_LOG" >&2
    exit 1
  fi
  if [ $((SECONDS - started)) -gt "$START_TIMEOUT_S" ]; then
    echo "e2e: the backend was not ready after ${START_TIMEOUT_S}s; last lines of its log:" >&2
    tail -n 40 "$BACKEND_LOG" >&2
    exit 1
  fi
  sleep 1
done
log "ready after $((SECONDS - started))s: $(grep -ao 'Demo data: generated.*' "$BACKEND_LOG" | head -n 1)"

log "running the browser tests"
status=0
# One file at a time (each opens its own browser); a hung test fails after
# two minutes instead of blocking CI. E2E_ONLY is a glob on purpose.
# shellcheck disable=SC2086
E2E_BASE_URL="$BASE_URL" E2E_INGEST_TOKEN="$INGEST_TOKEN" CHROMIUM_PATH="$CHROMIUM" \
  node --test --test-concurrency=1 --test-timeout=120000 --test-reporter=spec \
  "$E2E_DIR"/${E2E_ONLY:-*}.test.mjs || status=$?

log "screenshots: $(ls "$E2E_DIR"/screenshots/*.png 2>/dev/null | wc -l) in $E2E_DIR/screenshots"
exit "$status"
