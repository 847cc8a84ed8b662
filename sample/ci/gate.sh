#!/bin/sh
# The steps of .github/workflows/*.yml for any CI (GitLab, Jenkins, cron):
#
#   ci/gate.sh train     train, hold the new version to production on the holdout data,
#                        write gate.md; PROMOTE=1 (e.g. on the main branch) promotes on a pass
#   ci/gate.sh monthly   evaluate production on this month's data and hold it to its first
#                        evaluation; writes monthly.md
#
# Exits with the gate's code: 0 pass, 1 fail, 2 usage error, 3 missing data. Needs the
# trackside CLI on PATH (or TRACKSIDE=...), the Python client on PYTHONPATH, and
# TRACKSIDE_HOME on a disk that outlives the job. The gate reads CI_COMMIT_SHA and
# CI_JOB_URL (GitLab) or GIT_COMMIT and BUILD_URL (Jenkins) into its report.
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
TRACKSIDE=${TRACKSIDE:-trackside}
EVALUATE="$PYTHON evaluate.py --model {ref} --data {dataset}"

case "${1:-}" in
  train)
    "$PYTHON" churn_data.py data/test.csv
    out=$("$PYTHON" train_churn.py)
    echo "$out"
    version=$(echo "$out" | sed -n 's/^churn v\([0-9][0-9]*\) from run .*/\1/p')
    promote=""
    if [ "${PROMOTE:-0}" = 1 ]; then promote="--promote production"; fi
    # shellcheck disable=SC2086 # $promote is empty or two words
    exec $TRACKSIDE gate --model churn --candidate "@$version" --baseline @production \
      --metric auc --metric log_loss --dataset data/test.csv --evaluate "$EVALUATE" \
      --max-psi 0.2 --report gate.md $promote
    ;;
  monthly)
    month=$(date -u +%Y-%m)
    "$PYTHON" churn_data.py "data/$month.csv" --shift 0.5 --seed "$(date -u +%Y%m)"
    exec $TRACKSIDE gate --model churn@production --degradation --dataset "data/$month.csv" \
      --evaluate "$EVALUATE" --max-psi 0.2 --report monthly.md
    ;;
  *)
    echo "usage: ci/gate.sh train|monthly" >&2
    exit 2
    ;;
esac
