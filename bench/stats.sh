#!/usr/bin/env bash
# How long `bulletin stats` takes on a large archive: the median wall-clock and CPU time of N runs
# in three situations —
#   no memo      `bulletin stats --no-cache`: every file's front matter read and parsed;
#   memo         a second run: unchanged files come from .bulletin/cache/stats, none is opened;
#   after edit   one article edited just before each run (it is read again, the rest remembered).
# The OS file cache is warmed by one untimed run first; the corpus is the benchmark's own
# (examples/gen_corpus.rs), generated once under bench/work/ when missing.
#
#   bench/stats.sh [--articles 100000] [--runs 7] [--corpus DIR] [--bin PATH]
#
# The corpus is copied nowhere and changed only by the edit runs, which append one line to one
# article's body (and take it away again at the end). Prints one table; numbers are seconds.
set -euo pipefail

articles=100000
runs=7
corpus=""
bin=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --articles) articles="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --corpus) corpus="$2"; shift 2 ;;
        --bin) bin="$2"; shift 2 ;;
        *) echo "usage: $0 [--articles N] [--runs N] [--corpus DIR] [--bin PATH]" >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$here/target}"
if [[ -z "$bin" ]]; then
    (cd "$here" && cargo build --release --quiet --bin bulletin --example gen_corpus)
    bin="$target/release/bulletin"
fi
if [[ -z "$corpus" ]]; then
    corpus="$here/bench/work/corpus-$articles"
    if [[ ! -d "$corpus/content" ]]; then
        "$target/release/examples/gen_corpus" --articles "$articles" --seed 1 --out "$corpus" >&2
    fi
fi
[[ -d "$corpus/content" ]] || { echo "no content/ in $corpus" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

# One article to edit: the first in file order.
victim="$(find "$corpus/content" -name '*.md' ! -name '_index.md' | sort | awk 'NR == 1')"
backup="$(mktemp)"
times="$(mktemp)"
cp -p "$victim" "$backup"
restore() { cp -p "$backup" "$victim"; rm -f "$backup" "$times"; }
trap restore EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run LABEL [ARGS…]: N timed runs, "wall cpu" medians printed as a table row.
run() {
    local label="$1"; shift
    local walls=() cpus=() out
    for ((i = 0; i < runs; i++)); do
        if [[ "$label" == "after edit" ]]; then
            printf '\n编辑第%d次。\n' "$i" >>"$victim"
        fi
        /usr/bin/time -o "$times" -f '%e %U %S' "$bin" stats --root "$corpus" "$@" >/dev/null
        out="$(tail -n 1 "$times")"
        walls+=("$(awk '{ print $1 }' <<<"$out")")
        cpus+=("$(awk '{ printf "%.2f\n", $2 + $3 }' <<<"$out")")
    done
    printf '| %-10s | %6s | %6s |\n' "$label" \
        "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)"
}

files="$(find "$corpus/content" -name '*.md' | wc -l)"
echo "bulletin stats on $corpus ($files Markdown files), median of $runs runs, $(nproc) cores," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" stats --root "$corpus" --no-cache >/dev/null # warm the OS file cache
"$bin" stats --root "$corpus" >/dev/null            # and the memo
echo "| run        | wall s | CPU s  |"
echo "|------------|--------|--------|"
run "no memo" --no-cache
run "memo"
run "after edit"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
