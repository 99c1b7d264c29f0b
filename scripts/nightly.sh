#!/usr/bin/env bash
# The nightly chaos job on this machine: every shipped scenario on the given stands, each
# iteration repeated, split into shards run one after another (as that many machines would
# run them, with one sweep id and seed), merged, compared with a baseline, and the merged
# report.html rendered in headless Chromium and checked against the run records.
#
#   scripts/nightly.sh --out DIR [--stand S]... [--shards N] [--repeat N] [--baseline DIR] [--scenarios PATH]
#
# Defaults: --stand local --stand kwok, 2 shards, repeat 3, scenarios/. The stands must be up.
# Leaves DIR/shards/<sweep>.shard-<i>-of-<n>/, DIR/merged/ (summary.md, junit.xml,
# report.html, matrix.json, the records; usable as the next night's --baseline) and
# DIR/report.png. Exit: the merge's (1 when a regression was found against the baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
stands=() shards=2 repeat=3 baseline='' out='' scenarios=scenarios/
while (($#)); do
  case "$1" in
    --stand) stands+=(--stand "$2"); shift 2 ;;
    --shards) shards=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "nightly: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo 'nightly: --out DIR is required' >&2; exit 2; }
((${#stands[@]})) || stands=(--stand local --stand kwok)
fl() { node bin/faultline.js "$@"; }
sweep="nightly-$(date -u +%Y%m%d-%H%M%S)"
seed=$(date -u +%s)
mkdir -p "$out/shards"
start=$(date +%s)
for ((i = 1; i <= shards; i++)); do
  t0=$(date +%s)
  # a failed gate is a finding, not the end of the job: the other shards still run
  rc=0
  fl run "$scenarios" "${stands[@]}" --repeat "$repeat" --shard "$i/$shards" --run-id "$sweep" --seed "$seed" --results "$out/shards" --yes || rc=$?
  echo "nightly: shard $i/$shards exit $rc after $(( $(date +%s) - t0 )) s" >&2
  ((rc <= 1)) || { echo "nightly: shard $i/$shards could not run (exit $rc)" >&2; exit "$rc"; }
done
args=()
[ -n "$baseline" ] && args=(--baseline "$baseline" --fail-on regression)
rc=0
fl merge "$out"/shards/*/ --out "$out/merged" "${args[@]}" || rc=$?
node dist/test/report-live/check-report.js "$out/merged" "$out/report.png"
echo "nightly: $sweep done after $(( $(date +%s) - start )) s; merged results in $out/merged" >&2
exit "$rc"
