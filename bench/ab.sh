#!/usr/bin/env bash
# Alternating A/B of whole builds: what a change (or a flag) adds to a build, round by round.
#
#   bench/ab.sh --root SITE [--rounds N] [--out DIR] LABEL=COMMAND ...
#
#   B=$PWD/target/release/bulletin
#   bench/ab.sh --root bench/work/corpus-10000 --rounds 21 --out /mnt/fresh \
#     "without=$B build --no-search" "with=$B build"
#
# Commands run from SITE, so give the binary's absolute path. Each round runs every COMMAND once,
# in the order given, from SITE, with `--output DIR/o` appended; before each build the previous
# output is deleted, the file system synced and the machine left alone for half a second, so every
# build writes into a folder that does not exist on a file system with nothing left to write back.
# Times come from GNU time. The first LABEL is the baseline: for every other one the report gives
# the difference of the medians and the median (and range) of the round-by-round differences,
# which is what to quote on a noisy machine. It also records how much CPU other processes used
# during each build (from /proc/stat) and reports the quiet rounds apart: those in which, during
# every build, others used under a quarter of a core on average.
#
# Put DIR on a freshly made file system (docs/performance.md, "Fresh output"): deleting outputs
# on a non-journalled ext4 slows later builds for minutes.
set -euo pipefail

ROUNDS=21
OUT=""
ROOT=""
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --root) ROOT=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ -n "$ROOT" ] && [ $# -ge 2 ] || { awk 'NR > 1 && !/^#/ {exit} NR > 1' "$0" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 1; }
ROOT=$(cd "$ROOT" && pwd)
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS="$OUT/ab-results.tsv"
: >"$RESULTS"

# Busy CPU time of the whole machine, in seconds (all cores), from /proc/stat: what other
# processes used during a build is this minus the build's own user and system time.
busy_seconds() {
  awk '/^cpu / {print ($2+$3+$4+$7+$8) / 100}' /proc/stat
}

labels=()
commands=()
for spec in "$@"; do
  labels+=("${spec%%=*}")
  commands+=("${spec#*=}")
done

for round in $(seq 1 "$ROUNDS"); do
  for i in "${!labels[@]}"; do
    rm -rf "$OUT/o"
    sync
    sleep 0.5
    before=$(busy_seconds)
    # shellcheck disable=SC2086 # the command is a list of words on purpose
    if ! (cd "$ROOT" && "$TIME" -f '%e %U %S %M' -o "$OUT/time.txt" ${commands[$i]} --output "$OUT/o" >"$OUT/log.txt" 2>&1); then
      echo "FAILED: ${commands[$i]}" >&2
      tail -20 "$OUT/log.txt" >&2
      exit 1
    fi
    after=$(busy_seconds)
    read -r wall user sys rss < <(tail -1 "$OUT/time.txt")
    others=$(awk -v a="$before" -v b="$after" -v u="$user" -v s="$sys" 'BEGIN {f = b - a - u - s; printf "%.2f", (f < 0 ? 0 : f)}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "${labels[$i]}" "$wall" "$user" "$sys" "$rss" "$others" >>"$RESULTS"
  done
  printf '  round %s of %s\n' "$round" "$ROUNDS"
done
rm -rf "$OUT/o"

python3 - "$RESULTS" "${labels[@]}" <<'EOF'
import sys
from statistics import median
path, labels = sys.argv[1], sys.argv[2:]
runs = {}  # label -> round -> (wall, user, sys, rss KiB, others' CPU s)
for line in open(path):
    r, label, *v = line.split("\t")
    runs.setdefault(label, {})[int(r)] = tuple(float(x) for x in v)


def report(rounds, title):
    print(title)
    print(f"{'':12} {'rounds':>6} {'wall s':>7} {'user s':>7} {'sys s':>6} {'peak MiB':>9} {'others s':>9}")
    for label in labels:
        rows = [runs[label][r] for r in rounds]
        wall, user, sys_, rss, others = (median(x[j] for x in rows) for j in range(5))
        print(f"{label:12} {len(rows):6} {wall:7.2f} {user:7.2f} {sys_:6.2f} {rss / 1024:9.0f} {others:9.2f}")
    base = runs[labels[0]]
    for label in labels[1:]:
        shares = [runs[label][r][0] / base[r][0] - 1 for r in rounds]
        diff = median(runs[label][r][0] for r in rounds) / median(base[r][0] for r in rounds) - 1
        user = median(runs[label][r][1] - base[r][1] for r in rounds)
        sys_ = median(runs[label][r][2] - base[r][2] for r in rounds)
        print(f"{label} against {labels[0]}: {diff:+.1%} (difference of the medians); round by round "
              f"{median(shares):+.1%} median, {min(shares):+.0%} to {max(shares):+.0%}; "
              f"user {user:+.2f} s, system {sys_:+.2f} s")


rounds = sorted(set.intersection(*(set(runs[label]) for label in labels)))
report(rounds, "every round:")
# A round is quiet when, during each of its builds, other processes used under a quarter of a
# core on average (the benchmark's own threshold: bench/report.py --max-others 0.25).
quiet = [r for r in rounds if all(runs[l][r][4] < 0.25 * runs[l][r][0] for l in labels)]
if 3 <= len(quiet) < len(rounds):
    report(quiet, f"the {len(quiet)} quiet rounds (others under a quarter of a core in each build):")
EOF
