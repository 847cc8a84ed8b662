#!/usr/bin/env bash
# Python client tests under both interpreters it must work with: the python3 on PATH and
# Debian's /usr/bin/python3 (with numpy, scikit-learn and matplotlib). Fails if either fails.
# The Debian run also measures the client's line coverage (python3-coverage), in every process
# the tests start; `scripts/coverage-report.sh` prints it.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH="$PWD/src/python${PYTHONPATH:+:$PYTHONPATH}"
export CLIENT_COVERAGE_ROOT="$PWD"
failed=0
for py in python3 /usr/bin/python3; do
  echo "== $py: $("$py" --version 2>&1)"
  if [ "$py" = /usr/bin/python3 ] && "$py" -c 'import coverage' 2>/dev/null; then
    rm -rf coverage/python && mkdir -p coverage/python
    COVERAGE_PROCESS_START="$PWD/test/python/coverage.rc" \
      "$py" -m coverage run --rcfile=test/python/coverage.rc -m unittest discover -s test/python -t test/python -p 'test_*.py' || failed=1
  else
    "$py" -m unittest discover -s test/python -t test/python -p 'test_*.py' || failed=1
  fi
done
exit "$failed"
