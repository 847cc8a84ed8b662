#!/usr/bin/env bash
# Installs code-server (VS Code served to a browser) outside the repo, for `npm start` and the
# e2e tests. Idempotent: a stamp file is written only after every step succeeded, so a second
# call returns at once. Prints the install directory on the last line of stdout.
# Needs (Debian): libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config ripgrep,
# plus build tools for node-gyp.
set -euo pipefail

VERSION=4.100.3 # last line that runs on Node 20 (4.103+ want Node 22)
CACHE="${TRACKSIDE_CACHE:-$HOME/.cache/trackside}"
DIR="$CACHE/code-server-$VERSION"
STAMP="$DIR/.provisioned"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"

# Native modules are built for this Node's ABI: another Node means provisioning again.
ABI="node-abi $(node -p process.versions.modules)"
provisioned() { [ -f "$ENTRY" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$ABI" ]; }
if provisioned; then
  echo "$DIR"
  exit 0
fi

# Two test runs may provision at once: one builds, the other waits for it.
mkdir -p "$CACHE"
exec 9>"$CACHE/.provision-$VERSION.lock"
flock 9
if provisioned; then
  echo "$DIR"
  exit 0
fi

log() { echo "[provision] $*" >&2; }
start=$(date +%s)
command -v rg >/dev/null || { log "ripgrep (rg) is missing: apt-get install ripgrep"; exit 1; }

mkdir -p "$DIR"
rm -f "$STAMP"

# Its postinstall refuses root under npm 11 and downloads ripgrep: its steps are done by hand below.
log "npm install code-server@$VERSION"
npm install --no-audit --no-fund --ignore-scripts --prefix "$DIR" "code-server@$VERSION" >&2

VSCODE="$DIR/node_modules/code-server/lib/vscode"
log "vscode dependencies"
(cd "$VSCODE" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
log "vscode native modules"
(cd "$VSCODE" && npm_config_yes=true npm rebuild @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid >&2)
# Search in files needs rg; the npm package would download it.
mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"
# The server resolves some modules through node_modules.asar, as in a packaged build.
ln -sfn node_modules "$VSCODE/node_modules.asar"
log "built-in extensions dependencies"
(cd "$VSCODE/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
log "argon2"
(cd "$DIR" && npm rebuild argon2 >&2)

# A quick self-check: the native modules the server loads at start must load.
(cd "$VSCODE" && node -e "for (const m of ['@vscode/spdlog','node-pty','@parcel/watcher','native-watchdog']) require(m)") >&2

echo "$ABI" > "$STAMP"
log "done in $(($(date +%s) - start)) s"
echo "$DIR"
