#!/usr/bin/env bash
# The web form's load benchmark, on loopback only, on the release binary:
#   phase 1: RESPONDENTS (default 200) respondents at once, each filling a whole local-authority
#            return with THINK (default 1.0) seconds on average between pages: page-time p50/p95/p99;
#   phase 2: as many again while the server is killed with SIGKILL KILLS (default 50) times:
#            every acknowledged page must be in the journals, every sent return whole and valid.
# Targets: p99 <= 100 ms; 0 lost answers; 0 invalid returns. Exit status 1 if one is missed.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup
swift build -c release --product datamap >&2
binary="$PWD/.build/release/datamap"
respondents="${RESPONDENTS:-200}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
study="$work/study"
mkdir -p "$study/inbox"
cp -r instruments "$study/"
# The rate limits are the server's guard against one address; here every respondent is on loopback.
printf 'web:\n  requests_per_minute_per_address: 1000000\n' > "$study/study.yaml"
{
  echo "id,organisation,type,contact_role,interviewer"
  for i in $(seq 1 $((respondents * 2))); do echo "L$i,Load Test Council $i,local-authority,Head of Children's Services,int1"; done
} > "$study/sample.csv"
"$binary" invite --study "$study" --all --csv "$study/links.csv" >&2
python3 bench/web/load.py "$binary" "$study" --respondents "$respondents" --kills "${KILLS:-50}" --think "${THINK:-1.0}"
