#!/usr/bin/env bash
# The second hostile round's targets, on the release binary: every case in one inbox beside the
# sample study, built once. Passes only if the build
#   - ends without a signal, in 60 s or less, with peak RSS of 512 MB or less,
#   - builds every valid return (the sample's, the Latin-1 named one, the bodies with odd names),
#   - writes no planted identity, raw markup or control character into any output or message;
# and a 2 MB text return of one-letter lines is read in 2 s or less.
#   bench/hostile/run.sh          (scripts/test runs it after the test suite)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup
swift build -c release --product datamap >&2
binary="$PWD/.build/release/datamap"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/hostile/make_inbox.py "$PWD" "$work/study" > "$work/planted.txt"
du -sh "$work/study/inbox" | sed 's/^/hostile inbox: /' >&2
python3 bench/hostile/check.py "$work" "$binary"
