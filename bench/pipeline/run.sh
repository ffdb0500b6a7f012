#!/usr/bin/env bash
# The pipeline benchmark: one seeded synthetic study per size, and on the same files in one run
#   - xmllint --noout --stream over every XML return (libxml2's own floor),
#   - datamap build, cold (empty store) and after adding one return (incremental),
#   - a reference Python pipeline (lxml + scrubadub: parse, scrub, CSV) in a throwaway virtualenv,
# with wall time, ratios and peak RSS of each. Sizes default to 1000 and 10000 returns:
#   bench/pipeline/run.sh                 RETURNS="1000 10000" SEED=7
#   RETURNS=2000 bench/pipeline/run.sh    one size only
#   BASELINE=<commit> bench/pipeline/run.sh   also builds that commit in a scratch worktree and
#                                            times it on the same files, as a ratio (a regression check)
#   RUNS=3 ...                               cold builds per binary, alternating; the median is kept
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup
swift build -c release --product datamap >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
baseline=()
if [ -n "${BASELINE:-}" ]; then
    git worktree add --detach "$work/baseline" "$BASELINE" >&2
    trap 'git worktree remove --force "$work/baseline" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
    (cd "$work/baseline" && swift build -c release --product datamap >&2)
    baseline=(--baseline "$work/baseline/.build/release/datamap")
fi
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check lxml scrubadub >&2
python3 bench/pipeline/measure.py --datamap "$PWD/.build/release/datamap" --study "$PWD" --work "$work" \
    --python "$work/venv/bin/python" --seed "${SEED:-7}" --runs "${RUNS:-1}" "${baseline[@]}" ${RETURNS:-1000 10000}
