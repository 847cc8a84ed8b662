#!/usr/bin/env bash
# The unit suite again on Node 24 (the Node of VS Code 1.139.1's extension host, provisioned
# with it) with Node's built-in node:sqlite as the engine: both engines pass the same tests.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="$(bash scripts/provision-code-server.sh 4.139.1 | tail -n 1)"
echo "== unit tests on $("$DIR/node" --version), engine node:sqlite"
TRACKSIDE_SQLITE_ENGINE=builtin exec "$DIR/node" --import tsx --test --test-timeout=120000 --test-reporter=dot test/unit/*.test.ts
