#!/usr/bin/env bash
# Scores datamap's reading of written returns against an annotated corpus nobody on the project wrote.
#   bench/extraction/run.sh [CORPUS] [--verbose] [--check]     (CORPUS defaults to ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=../shared/corpus
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then corpus=$1; shift; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build -c release --product datamap >&2
mkdir -p "$work/study/inbox"
cp -r instruments "$work/study/"
# The study these returns were written for collected them over 2017-2019; undated returns are dated by it.
printf 'title: Rapid review of innovation\ncollection:\n  start: 2017-01-01\n  end: 2019-12-31\n' > "$work/study/study.yaml"
python3 bench/extraction/score.py "$corpus" "$PWD/.build/release/datamap" "$work/study" "$@"
