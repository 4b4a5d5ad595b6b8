#!/usr/bin/env bash
# The benchmark of issue #24: what a weekly update changes. At each size, a synthetic archive
# (examples/gen_corpus.rs) is built from scratch, then the next week's issue of six articles is
# added and the site built again into the same output folder, then built once more with nothing
# changed. Prints, as medians of the runs:
#   - files and bytes that changed with the added issue (new or different content; removed files
#     apart), in all and per top-level folder of the output (issues/, counties/, search/, …), and
#     the files whose modification time changed (what `rsync -a` and nginx's ETag see);
#   - the time and peak memory of the full build and of the build after the addition;
#   - the files the build with nothing changed wrote (from `build -v`: "output files N written").
#
#   bench/incremental.sh                            # 10,000 and 100,000 articles
#   bench/incremental.sh --sizes 10000 --runs 5
#   bench/incremental.sh --bulletin /path/to/other/bulletin --sizes 10000   # another build, e.g. main's
#   GEN=/path/to/gen_corpus bench/incremental.sh      # a generator built already
#
# Needs bash, python3, GNU time (/usr/bin/time), cargo. See docs/performance.md for the figures.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/incremental.sh [options]
  --sizes LIST     article counts, comma-separated                 (default 10000,100000)
  --runs N         runs per size                                   (default 3)
  --big-runs N     runs for sizes of 50,000 and more               (default 1)
  --seed S         corpus seed                                     (default 1)
  --work DIR       corpora, outputs and results                    (default bench/work, gitignored)
  --bulletin PATH  measure this binary instead of building the working tree's
  --precompress    build with --precompress (.gz and .br next to text files)
  --keep           keep the outputs (by default they are deleted at the end; not before, see
                   "Fresh output, and a trap on ext4" in docs/performance.md)
EOF
}

SIZES=10000,100000
RUNS=3
BIG_RUNS=1
SEED=1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/bench/work
BULLETIN=
PRECOMPRESS=
KEEP=0

while [ $# -gt 0 ]; do
  case $1 in
    --sizes) SIZES=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --big-runs) BIG_RUNS=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --work) WORK=$(mkdir -p "$2" && cd "$2" && pwd); shift ;;
    --bulletin) BULLETIN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift ;;
    --precompress) PRECOMPRESS=--precompress ;;
    --keep) KEEP=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }
mkdir -p "$WORK"

echo "--- building what is not given (release)"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
if [ -z "$BULLETIN" ]; then
  cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin bulletin
  BULLETIN=$TARGET/release/bulletin
fi
# The generator uses only the standard library; GEN=/path/to/gen_corpus skips building it (an
# example build compiles the dev-dependencies too).
if [ -z "${GEN:-}" ]; then
  cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --example gen_corpus
  GEN=$TARGET/release/examples/gen_corpus
fi
echo "date:     $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu:      $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bulletin: $("$BULLETIN" --version) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"

# The corpus of N articles and, beside it, the issue that follows it (six articles), made once
# per seed and generator version.
corpus() {
  local n=$1 dir=$WORK/inc-corpus-$1
  local stamp
  stamp="$n $SEED $(sha256sum "$ROOT/examples/gen_corpus.rs" | cut -c1-16)"
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "    generating $n articles and the next issue" >&2
    rm -rf "$dir"
    "$GEN" --articles "$n" --seed "$SEED" --out "$dir/site" --next-issue "$dir/next" >&2
    echo "$stamp" >"$dir/.stamp"
  fi
  echo "$dir"
}

RESULTS=$WORK/incremental.tsv
echo "# size run step wall_s rss_kb cpu_s" >"$RESULTS"
CHANGES=$WORK/incremental-changes.tsv
echo "# size run folder files_changed bytes_changed files_added files_removed mtime_changed files_total bytes_total" >"$CHANGES"

# build SIZE RUN STEP SITE OUT: one timed build, appended to the results.
build() {
  local size=$1 run=$2 step=$3 site=$4 out=$5
  sync
  if ! "$TIME" -f '%e %M %U %S' -o "$WORK/time.txt" "$BULLETIN" build -v $PRECOMPRESS --root "$site" --output "$out" >"$WORK/log-$step.txt" 2>&1; then
    echo "FAILED: build of $site" >&2
    tail -30 "$WORK/log-$step.txt" >&2
    exit 1
  fi
  local wall rss user sys cpu
  read -r wall rss user sys < <(tail -1 "$WORK/time.txt")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$run" "$step" "$wall" "$rss" "$cpu" >>"$RESULTS"
  printf '    run %s %-12s %6.2f s wall, %6.2f s CPU, %5d MiB\n' "$run" "$step" "$wall" "$cpu" $((rss / 1024))
}

# Outputs a previous run left: deleting them now would slow this run's builds down (see --keep).
STALE=$WORK/inc-stale-$$
mkdir -p "$STALE"
for d in "$WORK"/inc-out-* "$WORK"/inc-before-*; do
  if [ -e "$d" ]; then mv "$d" "$STALE/"; fi
done

IFS=, read -r -a SIZE_LIST <<<"$SIZES"
for n in "${SIZE_LIST[@]}"; do
  echo "--- $n articles"
  c=$(corpus "$n")
  slug=$(ls "$c/next")
  runs=$RUNS
  [ "$n" -ge 50000 ] && runs=$BIG_RUNS
  for r in $(seq 1 "$runs"); do
    out=$WORK/inc-out-$n-$r
    before=$WORK/inc-before-$n-$r
    rm -rf "$c/site/content/$slug"
    build "$n" "$r" full "$c/site" "$out"
    # A snapshot of the output as hard links: a build never changes a file in place, so these
    # keep the first build's bytes and times whatever the next build does.
    cp -al "$out" "$before"
    cp -r "$c/next/$slug" "$c/site/content/$slug"
    build "$n" "$r" added "$c/site" "$out"
    python3 - "$before" "$out" "$n" "$r" >>"$CHANGES" <<'EOF'
import os, sys
from collections import defaultdict
before, after, size, run = sys.argv[1:5]

def files(root):
    out = {}
    for d, _, names in os.walk(root):
        for name in names:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            if rel == ".bulletin-output":
                continue
            out[rel] = os.stat(p)
    return out

def same(rel, a, b):
    if (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino):
        return True
    if a.st_size != b.st_size:
        return False
    with open(os.path.join(before, rel), "rb") as f, open(os.path.join(after, rel), "rb") as g:
        return f.read() == g.read()

old, new = files(before), files(after)
rows = defaultdict(lambda: [0] * 7)  # changed, bytes changed, added, removed, mtime changed, total, bytes total
def folder(rel):
    return rel.split(os.sep)[0] + "/" if os.sep in rel else "(top)"
for rel, st in new.items():
    row = rows[folder(rel)]
    row[5] += 1
    row[6] += st.st_size
    if rel not in old:
        row[0] += 1; row[1] += st.st_size; row[2] += 1; row[4] += 1
    else:
        if not same(rel, old[rel], st):
            row[0] += 1; row[1] += st.st_size
        if old[rel].st_mtime_ns != st.st_mtime_ns:
            row[4] += 1
for rel in old:
    if rel not in new:
        rows[folder(rel)][3] += 1
total = [sum(r[i] for r in rows.values()) for i in range(7)]
for name, row in sorted(rows.items()) + [("ALL", total)]:
    print(size, run, name, *row, sep="\t")
EOF
    awk -v n="$n" -v r="$r" '$1 == n && $2 == r && $3 == "ALL" {printf "    run %s added issue: %d files changed (%.1f MB) of %d (%.1f MB), %d removed, %d with a new mtime\n", r, $4, $5 / 1e6, $9, $10 / 1e6, $7, $8}' "$CHANGES"
    # Nothing changed: the build should write no file.
    build "$n" "$r" unchanged "$c/site" "$out"
    written=$(sed -n 's/^  output files *\([0-9]*\) written.*/\1/p' "$WORK/log-unchanged.txt")
    echo "    run $r nothing changed: ${written:-?} files written"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$r" written-unchanged "${written:--1}" 0 0 >>"$RESULTS"
    rm -rf "$c/site/content/$slug"
  done
done
if [ "$KEEP" = 0 ]; then rm -rf "$WORK"/inc-out-* "$WORK"/inc-before-*; fi
rm -rf "$STALE"

echo
echo "--- results (medians; raw runs in $RESULTS and $CHANGES)"
python3 - "$RESULTS" "$CHANGES" <<'EOF'
import statistics, sys
from collections import defaultdict
res = [l.split() for l in open(sys.argv[1]) if not l.startswith("#")]
chg = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if not l.startswith("#")]
med = statistics.median
for size in sorted({int(r[0]) for r in res}):
    print(f"{size} articles:")
    for step, label in [("full", "full build"), ("added", "build after adding one issue"), ("unchanged", "build with nothing changed")]:
        rs = [r for r in res if int(r[0]) == size and r[2] == step]
        if rs:
            print(f"  {label:<30} {med(float(r[3]) for r in rs):7.2f} s wall {med(float(r[5]) for r in rs):7.2f} s CPU {med(int(r[4]) for r in rs) / 1024:6.0f} MiB peak  ({len(rs)} runs)")
    ws = [int(r[3]) for r in res if int(r[0]) == size and r[2] == "written-unchanged"]
    if ws:
        print(f"  files written with nothing changed: {med(ws):.0f}")
    rows = defaultdict(list)
    for r in chg:
        if int(r[0]) == size:
            rows[r[2]].append([int(x) for x in r[3:]])
    print(f"  {'folder':<14} {'changed':>8} {'MB chg':>8} {'added':>6} {'removed':>8} {'new mtime':>10} {'files':>8} {'MB':>8}")
    for name in sorted(rows, key=lambda k: (k == "ALL", k)):
        m = [med(x[i] for x in rows[name]) for i in range(7)]
        print(f"  {name:<14} {m[0]:>8.0f} {m[1] / 1e6:>8.2f} {m[2]:>6.0f} {m[3]:>8.0f} {m[4]:>10.0f} {m[5]:>8.0f} {m[6] / 1e6:>8.1f}")
EOF
