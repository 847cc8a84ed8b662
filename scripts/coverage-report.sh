#!/usr/bin/env bash
# Line coverage recorded by `npm test`: src/core, src/views, src/worker and src/host under the
# unit suite (V8 coverage, read by c8) and, for the extension host, the host integration suites
# in VS Code; the Python client under its tests (python3-coverage). Target: 90 % of the lines
# of src/core and of the client. Prints, never fails.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "== line coverage: TypeScript"
folders=$(node scripts/coverage-split.mjs coverage/ts/tmp coverage/ts/split)
for k in $(seq 0 $((folders - 1))); do
  npx c8 report --temp-directory "coverage/ts/split/$k" --report-dir "coverage/ts/report-$k" --reporter=json \
    --include 'src/core/**' --include 'src/views/**' --include 'src/worker/**' --include 'src/host/**' --all >/dev/null
done
node scripts/coverage-summary.mjs
if [ -d coverage/python ]; then
  echo "== line coverage: Python client (target 90 %)"
  export CLIENT_COVERAGE_ROOT="$PWD"
  /usr/bin/python3 -m coverage combine --rcfile=test/python/coverage.rc -q
  /usr/bin/python3 -m coverage report --rcfile=test/python/coverage.rc --sort=cover | awk 'NR <= 2 || /TOTAL/ || ($NF+0 < 90 && $NF ~ /%$/)'  # the files under 90 %, and the total
fi
