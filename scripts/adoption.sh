#!/usr/bin/env bash
# Adoption test: installs the packed plugin packages (not workspace links)
# into a separate, minimal Backstage app the way README's "Install into your
# Backstage app" says, then type-checks it against the packages' published
# declarations, builds its frontend (new frontend system, the plugin picked
# up by `app.packages: all`), starts the backend (which serves the built app
# through app-backend, as create-app's does), ingests a call with the
# documented token twice (idempotent), reads the plugin's routes as the guest
# user of a fresh app (user:development/guest), checks that a production
# install holds no test library (`yarn why msw` is empty) and one zod, and
# opens the app in chromium: sidebar to the dashboard, which shows the call,
# then the plugin's own navigation to the Keys page. Screenshots go to
# packages/app/e2e-tests/screenshots/adoption-*.png.
#
#   scripts/adoption.sh [packed dir]   tarballs from scripts/packages.sh (default .packed/)
#   ADOPTION_KEEP=1 scripts/adoption.sh   keep the app directory for a look afterwards
set -euo pipefail

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/toolchain.sh
source "$SCRIPTS_DIR/toolchain.sh"
cd "$REPO_ROOT"

PACKED="$(cd "${1:-.packed}" && pwd)"
STARTED=$SECONDS
log() { printf '» adoption (%ss): %s\n' "$((SECONDS - STARTED))" "$*"; }
# Seconds per phase, printed at the end (CI budget: the whole step < 12 min).
PHASES=()
PHASE_NAME=""
PHASE_STARTED=$SECONDS
phase() {
  if [ -n "$PHASE_NAME" ]; then PHASES+=("$PHASE_NAME: $((SECONDS - PHASE_STARTED))s"); fi
  PHASE_NAME="$1"
  PHASE_STARTED=$SECONDS
}

ls "$PACKED"/*.tgz >/dev/null 2>&1 || bash "$SCRIPTS_DIR/packages.sh" "$PACKED"

APP="$(mktemp -d /tmp/llm-usage-adoption.XXXXXX)"
BACKEND_PID=""
cleanup() {
  if [ -n "$BACKEND_PID" ]; then kill -- "-$BACKEND_PID" 2>/dev/null || true; fi
  if [ -z "${ADOPTION_KEEP:-}" ]; then rm -rf "$APP"; else log "app kept in $APP"; fi
}
trap cleanup EXIT

# Versions the plugins ask for (the workspace's), so the app matches them.
version_of() { node -p "require('$REPO_ROOT/node_modules/$1/package.json').version"; }
BACKSTAGE_RELEASE="$(node -p "require('$REPO_ROOT/backstage.json').version")"
tarball() { echo "file:$PACKED/llm-usage-backstage-plugin-$1.tgz"; }

log "app in $APP (Backstage $BACKSTAGE_RELEASE)"
mkdir -p "$APP/packages/backend/src"
# The workspace's lockfile seeds versions (no network for create-app's seed),
# and its Yarn release is used (corepack cannot download one here).
cp yarn.lock "$APP/yarn.lock"
cat >"$APP/.yarnrc.yml" <<EOF
nodeLinker: node-modules
yarnPath: $REPO_ROOT/.yarn/releases/yarn-4.13.0.cjs
npmPreapprovedPackages:
  - '@backstage/*'
EOF
echo "{\"version\": \"$BACKSTAGE_RELEASE\"}" >"$APP/backstage.json"

# Sibling @llm-usage packages depend on each other by version; the tarballs
# stand in for the registry.
node - "$APP" "$PACKED" "$(version_of @backstage/cli)" <<'EOF'
const fs = require('fs');
const path = require('path');
const [app, packed, cliVersion] = process.argv.slice(2);
const resolutions = {};
for (const f of fs.readdirSync(packed).filter(f => f.endsWith('.tgz'))) {
  const name = f.replace(/^llm-usage-/, '@llm-usage/').replace(/\.tgz$/, '');
  resolutions[name] = `file:${path.join(packed, f)}`;
}
fs.writeFileSync(
  path.join(app, 'package.json'),
  JSON.stringify(
    {
      name: 'adoption-app',
      private: true,
      workspaces: ['packages/*'],
      // as create-app's root: the CLI builds the app
      devDependencies: { '@backstage/cli': `^${cliVersion}` },
      resolutions,
      // CI time: better-sqlite3 is not compiled here (minutes on 2 cores, no
      // network for its prebuilt binary); the workspace's build of the same
      // version is copied in after the install. keytar (the CLI's optional
      // credential store) cannot build here at all.
      dependenciesMeta: {
        'better-sqlite3': { built: false },
        keytar: { built: false },
      },
      packageManager: 'yarn@4.13.0',
    },
    null,
    2,
  ),
);
EOF

cat >"$APP/packages/backend/package.json" <<EOF
{
  "name": "backend",
  "version": "0.0.0",
  "private": true,
  "type": "module",
  "dependencies": {
    "@backstage/backend-defaults": "^$(version_of @backstage/backend-defaults)",
    "@backstage/plugin-app-backend": "^$(version_of @backstage/plugin-app-backend)",
    "@backstage/plugin-auth-backend": "^$(version_of @backstage/plugin-auth-backend)",
    "@backstage/plugin-auth-backend-module-guest-provider": "^$(version_of @backstage/plugin-auth-backend-module-guest-provider)",
    "@backstage/plugin-catalog-backend": "^$(version_of @backstage/plugin-catalog-backend)",
    "@backstage/plugin-permission-backend": "^$(version_of @backstage/plugin-permission-backend)",
    "@llm-usage/backstage-plugin-llm-usage-backend": "$(tarball llm-usage-backend)",
    "@llm-usage/backstage-plugin-llm-usage-backend-module-permission-policy": "$(tarball llm-usage-backend-module-permission-policy)",
    "@llm-usage/backstage-plugin-llm-usage-backend-module-openai": "$(tarball llm-usage-backend-module-openai)",
    "app": "link:../app",
    "better-sqlite3": "^$(version_of better-sqlite3)"
  },
  "devDependencies": {
    "typescript": "~$(version_of typescript)"
  }
}
EOF

# README step 2 taken from the README itself, so this test fails when the
# documented snippet does; before it, what create-app's backend already has.
readme_block() { # the first fenced block after the line that starts with $1
  awk -v start="$1" 'index($0, start) == 1 { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' README.md
}
STEP2="$(readme_block '**2. Backend**')"
[ -n "$STEP2" ] || { echo "README.md has no snippet for step 2" >&2; exit 1; }
{
  echo "import { createBackend } from '@backstage/backend-defaults';"
  echo 'const backend = createBackend();'
  for plugin in app-backend auth-backend auth-backend-module-guest-provider \
    catalog-backend permission-backend; do
    echo "backend.add(import('@backstage/plugin-$plugin'));"
  done
  printf '%s\nbackend.start();\n' "$STEP2"
} >"$APP/packages/backend/src/index.ts"
cat >"$APP/packages/backend/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "module": "esnext",
    "moduleResolution": "bundler",
    "target": "es2022",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": false,
    "types": []
  },
  "include": ["src"]
}
EOF

# README steps 1 and 3 for the frontend: the new frontend system's app as
# create-app writes it (the plugin found through `app.packages: all`), the
# explicit feature list, and the legacy wiring (type-checked only: no legacy
# app is built).
mkdir -p "$APP/packages/app/src" "$APP/packages/app/public"
cp packages/app/public/index.html "$APP/packages/app/public/"
cat >"$APP/packages/app/package.json" <<EOF
{
  "name": "app",
  "version": "0.0.0",
  "private": true,
  "bundled": true,
  "backstage": { "role": "frontend" },
  "browserslist": { "production": [">0.2%", "not dead", "not op_mini all"] },
  "dependencies": {
    "@backstage/core-components": "^$(version_of @backstage/core-components)",
    "@backstage/frontend-defaults": "^$(version_of @backstage/frontend-defaults)",
    "@backstage/plugin-catalog": "^$(version_of @backstage/plugin-catalog)",
    "@backstage/ui": "^$(version_of @backstage/ui)",
    "@llm-usage/backstage-plugin-llm-usage": "$(tarball llm-usage)",
    "@material-ui/core": "^$(version_of @material-ui/core)",
    "@material-ui/icons": "^$(version_of @material-ui/icons)",
    "react": "^$(version_of react)",
    "react-dom": "^$(version_of react-dom)",
    "react-router-dom": "^$(version_of react-router-dom)"
  },
  "devDependencies": {
    "@types/react": "^$(version_of @types/react)",
    "@types/react-dom": "^$(version_of @types/react-dom)",
    "typescript": "~$(version_of typescript)"
  }
}
EOF
cat >"$APP/packages/app/src/index.tsx" <<'EOF'
import '@backstage/cli/asset-types';
import ReactDOM from 'react-dom/client';
import App from './App';
import '@backstage/ui/css/styles.css';

ReactDOM.createRoot(document.getElementById('root')!).render(App.createRoot());
EOF
cat >"$APP/packages/app/src/App.tsx" <<'EOF'
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';

// The LLM Usage plugin is discovered through app.packages: all.
export default createApp({ features: [catalogPlugin] });
EOF
cat >"$APP/packages/app/src/explicitFeatures.tsx" <<'EOF'
import { createApp } from '@backstage/frontend-defaults';
import llmUsagePlugin from '@llm-usage/backstage-plugin-llm-usage/alpha';

export const app = createApp({ features: [llmUsagePlugin] });
EOF
cat >"$APP/packages/app/src/legacy.tsx" <<'EOF'
import { Route } from 'react-router-dom';
import { SidebarItem } from '@backstage/core-components';
import { EntityLayout } from '@backstage/plugin-catalog';
import DataUsageIcon from '@material-ui/icons/DataUsage';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import NotificationsActiveIcon from '@material-ui/icons/NotificationsActive';
import {
  EntityLlmUsageContent,
  LlmUsageAlertsBadge,
  LlmUsagePage,
  isLlmUsageAvailable,
  llmUsagePlugin,
} from '@llm-usage/backstage-plugin-llm-usage';

export const plugins = [llmUsagePlugin];
export const route = <Route path="/llm-usage" element={<LlmUsagePage />} />;
export const sidebar = (
  <>
    <SidebarItem icon={DataUsageIcon} to="llm-usage" text="LLM Usage" />
    <SidebarItem icon={VpnKeyIcon} to="llm-usage/keys" text="LLM keys" />
    <SidebarItem
      icon={() => (
        <LlmUsageAlertsBadge>
          <NotificationsActiveIcon />
        </LlmUsageAlertsBadge>
      )}
      to="llm-usage/alerts"
      text="LLM alerts"
    />
  </>
);
export const entityTab = (
  <EntityLayout>
    <EntityLayout.Route
      path="/llm-usage"
      title="LLM Usage"
      if={isLlmUsageAvailable}
    >
      <EntityLlmUsageContent />
    </EntityLayout.Route>
  </EntityLayout>
);
EOF
cat >"$APP/packages/app/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "module": "esnext",
    "moduleResolution": "bundler",
    "target": "es2022",
    "jsx": "react-jsx",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "types": []
  },
  "include": ["src"]
}
EOF

PORT="$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')"
TOKEN="adoption-test-ingest-token"
# README step 4: the documented configuration, on in-memory SQLite.
# app.baseUrl is the backend's: app-backend serves the built app.
cat >"$APP/app-config.yaml" <<EOF
app:
  title: Adoption app
  baseUrl: http://localhost:$PORT
  packages: all
backend:
  baseUrl: http://localhost:$PORT
  listen: { port: $PORT }
  database: { client: better-sqlite3, connection: ':memory:' }
  auth:
    externalAccess:
      - type: static
        options:
          token: \${LLM_USAGE_INGEST_TOKEN}
          subject: llm-usage-ingest
        accessRestrictions:
          - plugin: llm-usage
auth:
  providers:
    guest: {}
permission:
  enabled: true
llmUsage:
  admins:
    - group:default/platform-team
  secrets:
    encryptionKey: \${LLM_USAGE_ENCRYPTION_KEY}
EOF

phase "install"
log "yarn install (tarballs + registry)"
install_started=$SECONDS
(cd "$APP" && YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install >"$APP/install.log" 2>&1) || {
  tail -n 40 "$APP/install.log" >&2
  exit 1
}
log "installed in $((SECONDS - install_started))s"
SQLITE_VERSION="$(node -p "require('$APP/node_modules/better-sqlite3/package.json').version")"
if [ "$SQLITE_VERSION" != "$(version_of better-sqlite3)" ]; then
  echo "adoption: better-sqlite3 $SQLITE_VERSION in the app, $(version_of better-sqlite3) built in the workspace" >&2
  exit 1
fi
mkdir -p "$APP/node_modules/better-sqlite3/build/Release"
cp node_modules/better-sqlite3/build/Release/better_sqlite3.node "$APP/node_modules/better-sqlite3/build/Release/"

WHY_MSW="$(cd "$APP" && yarn why msw 2>&1 || true)"
WHY_TESTCONTAINERS="$(cd "$APP" && yarn why testcontainers 2>&1 || true)"
if [ -n "$WHY_MSW$WHY_TESTCONTAINERS" ]; then
  echo "adoption: test libraries in a production install:" >&2
  echo "$WHY_MSW" "$WHY_TESTCONTAINERS" >&2
  exit 1
fi
log "yarn why msw / testcontainers: empty"

# One zod: the plugin packages take the zod 4 the Backstage packages share,
# none gets a nested copy of its own.
NESTED_ZOD="$(cd "$APP" && find node_modules/@llm-usage -path '*/node_modules/zod' -prune 2>/dev/null)"
if [ -n "$NESTED_ZOD" ]; then
  echo "adoption: nested zod copies under the plugin packages:" >&2
  echo "$NESTED_ZOD" >&2
  exit 1
fi
OUR_ZOD="$(cd "$APP" && yarn why zod 2>&1 | grep -A1 '@llm-usage/' | grep -o 'zod@npm:[0-9.]*' | sort -u | tr '\n' ' ')"
log "zod of the plugin packages: ${OUR_ZOD:-none}(none nested; every zod in the app: $(cd "$APP" && yarn why zod 2>&1 | grep -o 'zod@npm:[0-9.]*' | sort -u | tr '\n' ' '))"
[ "$(echo "$OUR_ZOD" | wc -w)" = 1 ] || exit 1

phase "type check"
log "type check of the backend against the packed declarations"
(cd "$APP/packages/backend" && node "$APP/node_modules/typescript/bin/tsc" -p .)
log "type check of the app (new frontend system, and the legacy wiring)"
(cd "$APP/packages/app" && node "$APP/node_modules/typescript/bin/tsc" -p .)

phase "frontend build"
log "building the app (backstage-cli package build; log: $APP/app-build.log)"
(cd "$APP/packages/app" && LLM_USAGE_INGEST_TOKEN="$TOKEN" \
  LLM_USAGE_ENCRYPTION_KEY="adoption-test-passphrase-0123456789" \
  node "$APP/node_modules/@backstage/cli/bin/backstage-cli" package build) >"$APP/app-build.log" 2>&1 || {
  tail -n 40 "$APP/app-build.log" >&2
  exit 1
}
[ -f "$APP/packages/app/dist/index.html" ] || { echo "adoption: the build wrote no dist/index.html" >&2; exit 1; }
log "built: $(du -sh "$APP/packages/app/dist" | cut -f1) in packages/app/dist"

phase "backend start"
log "starting the backend on :$PORT"
BACKEND_LOG="$APP/backend.log"
(cd "$APP/packages/backend" && LLM_USAGE_INGEST_TOKEN="$TOKEN" \
  LLM_USAGE_ENCRYPTION_KEY="adoption-test-passphrase-0123456789" NODE_ENV=development \
  exec setsid node src/index.ts --config "$APP/app-config.yaml") >"$BACKEND_LOG" 2>&1 &
BACKEND_PID=$!

BASE="http://localhost:$PORT"
for _ in $(seq 1 120); do
  if curl -fs "$BASE/.backstage/health/v1/readiness" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$BACKEND_PID" 2>/dev/null; then
    tail -n 60 "$BACKEND_LOG" >&2
    exit 1
  fi
  sleep 1
done
curl -fs "$BASE/.backstage/health/v1/readiness" >/dev/null || {
  tail -n 60 "$BACKEND_LOG" >&2
  exit 1
}
curl -fs "$BASE/" | grep -q '<div id="root">' || {
  echo "adoption: app-backend does not serve the built app at $BASE/" >&2
  exit 1
}
log "backend ready, serving the app at $BASE/"

phase "ingest and routes"


NOW="$(date -u +%FT%TZ)"
CALL='[{"id":"adoption-call-1","timestamp":"'"$NOW"'","userRef":"user:development/guest","projectId":"adoption","provider":"openai","model":"gpt-4o-mini","type":"chat","status":"success","durationMs":900,"inputTokens":100,"outputTokens":20,"cost":"0.00003","currency":"USD"}]'
for attempt in 1 2; do
  code="$(curl -s -o "$APP/ingest.json" -w '%{http_code}' -X POST "$BASE/api/llm-usage/calls" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$CALL")"
  if [ "${code:0:1}" != 2 ]; then
    echo "adoption: ingest attempt $attempt answered $code: $(cat "$APP/ingest.json")" >&2
    exit 1
  fi
done
log "ingested the same call twice: $(cat "$APP/ingest.json")"

USER_TOKEN="$(curl -fs "$BASE/api/auth/guest/refresh" -H 'X-Requested-With: XMLHttpRequest' |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).backstageIdentity.token))')"

ROUTES=(
  /info /usage/overview /usage/projects /usage/trends /usage/quota
  /usage/projects/adoption/stats /usage/projects/adoption/trends
  /usage/projects/adoption/models /usage/projects/adoption/calls
  /keys /tags /accounts /providers /alerts /alerts/unread-count
  /alert-rules /budgets /audit-events /sync-runs /digests/preferences
)
answered=0
ANSWERED_ROUTES=()
for route in "${ROUTES[@]}"; do
  code="$(curl -s -o "$APP/route.json" -w '%{http_code}' "$BASE/api/llm-usage$route" \
    -H "Authorization: Bearer $USER_TOKEN")"
  if [ "$code" = 200 ]; then
    answered=$((answered + 1))
    ANSWERED_ROUTES+=("$route")
  else
    echo "adoption: GET $route answered $code: $(head -c 300 "$APP/route.json")" >&2
  fi
done
log "$answered of ${#ROUTES[@]} routes answered 200 for user:development/guest: ${ANSWERED_ROUTES[*]}"
[ "$answered" = "${#ROUTES[@]}" ] || exit 1

# The plugin's policy is in place: no "every user sees every call" warning
# (permissions disabled, or admin granted to the guest by an allow-all policy).
if grep -q "every user sees every call" "$BACKEND_LOG"; then
  grep "every user sees every call" "$BACKEND_LOG" >&2
  exit 1
fi

# The guest's own call, counted once although it was sent twice.
calls="$(curl -fs "$BASE/api/llm-usage/usage/projects/adoption/calls" -H "Authorization: Bearer $USER_TOKEN")"
count="$(node -e 'const b=JSON.parse(process.argv[1]);console.log(b.items.length)' "$calls")"
if [ "$count" != 1 ]; then
  echo "adoption: expected the one ingested call, got $count: $calls" >&2
  exit 1
fi
log "the call is listed once for its user"

phase "browser"
SCREENSHOTS="$REPO_ROOT/packages/app/e2e-tests/screenshots"
log "chromium: the app, the sidebar to the dashboard, the plugin's navigation to Keys"
ADOPTION_BASE_URL="$BASE" ADOPTION_SCREENSHOTS="$SCREENSHOTS" \
  CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" \
  node "$SCRIPTS_DIR/adoption-browser.mjs"
phase ""
log "screenshots: $(ls "$SCREENSHOTS"/adoption-*.png | tr '\n' ' ')"
log "Backstage $BACKSTAGE_RELEASE, @backstage/cli $(version_of @backstage/cli), app-backend $(version_of @backstage/plugin-app-backend), node $(node --version)"
log "time per phase: ${PHASES[*]}"
log "done in $((SECONDS - STARTED))s"
