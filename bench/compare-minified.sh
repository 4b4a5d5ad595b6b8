#!/usr/bin/env bash
# Do minified pages read the same as unminified ones? Builds a site twice (`bulletin build` and
# `bulletin build --no-minify`) and has Chromium read every page of both: the same innerText, the
# same text in each article body, the same element tree (attributes minify-html leaves out because
# they are HTML's defaults aside). The CommonMark spec site is compared by `cargo test` itself
# (tests/testsuite/minify.rs); this is for the sample and the benchmark corpus.
#
#   bench/compare-minified.sh                      # the sample (content/ in the repository)
#   bench/compare-minified.sh --articles 10000     # the benchmark corpus (gen_corpus, seed 1)
#   bench/compare-minified.sh --articles 10000 --pages 1000   # Chromium reads about 1,000 pages
#
# Prints "MINIFY-COMPARE pages compared: N, differences: D" and each difference. Needs Chromium
# and chromedriver (apt-get install chromium chromium-driver). Uses BULLETIN, or
# target/release/bulletin (built if missing); WORK (default bench/work/compare) holds the corpus
# and the two outputs. Every page is also compared as html5ever reads it (tags, attributes, words).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$ROOT/bench/work/compare}
ARTICLES=0
PAGES=
while [ $# -gt 0 ]; do
  case $1 in
    --articles) ARTICLES=$2; shift ;;
    --pages) PAGES=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${BULLETIN:-$TARGET/release/bulletin}
[ -x "$BIN" ] || cargo build --release
mkdir -p "$WORK"
if [ "$ARTICLES" = 0 ]; then
  SITE=$ROOT
else
  SITE=$WORK/corpus-$ARTICLES
  [ -d "$SITE" ] || cargo run --release --example gen_corpus -- --articles "$ARTICLES" --seed 1 --out "$SITE"
fi
rm -rf "$WORK/plain" "$WORK/min"
"$BIN" build --root "$SITE" --no-minify --output "$WORK/plain"
"$BIN" build --root "$SITE" --output "$WORK/min"
MINIFY_PLAIN=$WORK/plain MINIFY_MIN=$WORK/min MINIFY_PAGES=$PAGES \
  cargo test --test testsuite built_sites_read_the_same -- --ignored --nocapture
