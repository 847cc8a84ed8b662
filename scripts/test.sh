#!/usr/bin/env bash
# Every test: the VSIX and the build, typecheck, lint, then the suites (unit on both SQLite
# engines, Python client, webviews, real VS Code 1.100.3 and 1.139.1); then line coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf coverage
npm run package          # dist/trackside.vsix, installed by the e2e suite as users install it
npm run build            # development bundles (with the in-editor host tests) over it
npm run typecheck
npm run lint
NODE_V8_COVERAGE="$PWD/coverage/ts/tmp" npm run test:unit
npm run test:unit:builtin
npm run test:python
if [ -d test/webview ] && ls test/webview/*.test.ts >/dev/null 2>&1; then npm run test:webview; fi
if ls test/e2e/*.test.ts >/dev/null 2>&1; then TRACKSIDE_COVERAGE_DIR="$PWD/coverage/host" npm run test:e2e -- --vscode all; fi
bash scripts/coverage-report.sh
