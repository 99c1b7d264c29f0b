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
# DIR/report.png. Exit: 1 when the merge found a regression against the baseline, else the
# worst shard's exit code (0 only when every gate passed).
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
worst=0
for ((i = 1; i <= shards; i++)); do
  t0=$(date +%s)
  rc=0
  fl run "$scenarios" "${stands[@]}" --repeat "$repeat" --shard "$i/$shards" --run-id "$sweep" --seed "$seed" --results "$out/shards" --yes || rc=$?
  echo "nightly: shard $i/$shards exit $rc after $(( $(date +%s) - t0 )) s" >&2
  ((rc > worst)) && worst=$rc
  # a failed gate (1) or a run in error (4) is a finding: the other shards still run. Bad
  # input (2) fails every shard alike; a failed revert (3) or an interrupt leaves the stand
  # in doubt: stop, and merge what ran.
  case $rc in 0 | 1 | 4) ;; *) echo "nightly: stopping after shard $i/$shards" >&2; break ;; esac
done
args=()
[ -n "$baseline" ] && args=(--baseline "$baseline" --fail-on regression)
compare=0
fl merge "$out"/shards/*/ --out "$out/merged" "${args[@]}" || compare=$?
node dist/test/report-live/check-report.js "$out/merged" "$out/report.png"
echo "nightly: $sweep done after $(( $(date +%s) - start )) s; merged results in $out/merged" >&2
# the comparison's verdict first (a regression), else the worst shard's
((compare)) && exit "$compare"
exit "$worst"
