#!/usr/bin/env bash
# Every test: build, typecheck, lint, then the suites (unit, Python client, webview, real VS Code).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
npm run typecheck
npm run lint
npm run test:unit
npm run test:python
if [ -d test/webview ] && ls test/webview/*.test.ts >/dev/null 2>&1; then npm run test:webview; fi
if ls test/e2e/*.test.ts >/dev/null 2>&1; then npm run test:e2e; fi
