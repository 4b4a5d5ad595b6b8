#!/usr/bin/env bash
# Run every fuzz target for a bounded time (default 10 minutes each) and report executions and
# crashes. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1
# lets it use the sanitizer flags libFuzzer needs.
#   fuzz/run.sh            # 600 s per target
#   fuzz/run.sh 60         # 60 s per target
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
export RUSTC_BOOTSTRAP=1
for target in frontmatter markdown import docx pdf; do
  mkdir -p "corpus/$target"
  # Seed the corpora from the repository's own inputs.
  case "$target" in
    frontmatter) cp ../content/2021-125/*.md "corpus/$target/" 2>/dev/null || true ;;
    # The Markdown target also runs the template minifier over its input.
    markdown) cp ../content/2021-125/*.md ../themes/default/templates/*.html "corpus/$target/" 2>/dev/null || true ;;
    import) cp ../seeds/*.txt ../tests/fixtures/import/*.txt "corpus/$target/" 2>/dev/null || true ;;
    docx) cp ../tests/fixtures/import/*.docx "corpus/$target/" 2>/dev/null || true ;;
    pdf) cp ../tests/fixtures/import/*.pdf "corpus/$target/" 2>/dev/null || true ;;
  esac
  # Word and PDF files are larger than texts; give them room.
  case "$target" in docx|pdf) max_len=1048576 ;; *) max_len=262144 ;; esac
  echo "=== $target: ${secs}s"
  cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=4096 -max_len="$max_len" 2>&1 \
    | tee "/tmp/fuzz-$target.log" | grep -E '^(#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' || true
  grep -E 'DONE|stat::number_of_executed_units' "/tmp/fuzz-$target.log" | tail -2 || true
done
found=$(find artifacts -type f 2>/dev/null | wc -l)
if [ "$found" -gt 0 ]; then
  echo "$found crash(es) found:"; find artifacts -type f
  exit 1
fi
echo "no crashes"
