#!/usr/bin/env bash
# Python client tests under both interpreters it must work with: the python3 on PATH and
# Debian's /usr/bin/python3 (with numpy, scikit-learn and matplotlib). Fails if either fails.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH="$PWD/src/python${PYTHONPATH:+:$PYTHONPATH}"
failed=0
for py in python3 /usr/bin/python3; do
  echo "== $py: $("$py" --version 2>&1)"
  "$py" -m unittest discover -s test/python -t test/python -p 'test_*.py' || failed=1
done
exit "$failed"
