#!/usr/bin/env bash
# `npm start`: builds the extension and serves a real VS Code (code-server) with a fresh copy of
# the sample workspace, bound to 127.0.0.1:${PORT:-8080}. Runs in the foreground; Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CACHE="${TRACKSIDE_CACHE:-$HOME/.cache/trackside}"
PORT="${PORT:-8080}"

npm run build
CODE_SERVER="$(bash scripts/provision-code-server.sh | tail -n 1)"

WORKSPACE="$CACHE/sample-workspace"
PROFILE="$CACHE/start-profile"
rm -rf "$WORKSPACE" "$PROFILE"
mkdir -p "$WORKSPACE" "$PROFILE/extensions" "$PROFILE/user-data/User"
if [ -d sample ]; then cp -R sample/. "$WORKSPACE/"; fi
# Runs a developer made inside sample/ stay there; the activation event needs the folder itself.
rm -rf "$WORKSPACE/.trackside"
mkdir -p "$WORKSPACE/.trackside"

# The extension is this checkout, linked in as <publisher>.<name>-<version>.
EXT_ID="$(node -p "const p = require('./package.json'); p.publisher + '.' + p.name + '-' + p.version")"
ln -sfn "$ROOT" "$PROFILE/extensions/$EXT_ID"

cat > "$PROFILE/user-data/User/settings.json" <<'JSON'
{
  "trackside.pythonPath": "/usr/bin/python3",
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "security.workspace.trust.enabled": false
}
JSON

URL="http://127.0.0.1:$PORT/?folder=$WORKSPACE"
cat <<EOF

  Trackside is running in VS Code at:

    $URL

  (workspace: $WORKSPACE; Ctrl+C to stop)

EOF

# A parent VS Code terminal's VSCODE_IPC_HOOK_CLI would turn code-server into a CLI client.
exec env -u VSCODE_IPC_HOOK_CLI -u ELECTRON_RUN_AS_NODE node "$CODE_SERVER/node_modules/code-server/out/node/entry.js" \
  --auth none --bind-addr "127.0.0.1:$PORT" --config "$PROFILE/code-server.yaml" \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --user-data-dir "$PROFILE/user-data" --extensions-dir "$PROFILE/extensions" \
  "$WORKSPACE"
