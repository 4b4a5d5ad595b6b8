#!/usr/bin/env bash
# What `bulletin deploy` sends to S3: requests, bytes and time of a first deploy of the synthetic
# archive, of the deploy after one more issue, and of a deploy with nothing changed, to a local
# moto S3 server (the same server the tests use; requests are counted from its own log, so they
# include OpenDAL's listing pages and retries).
#
#   bench/deploy.sh                      # 10,000 articles
#   bench/deploy.sh --articles 1000 --work /tmp/w
#
# Needs moto_server (pip install "moto[server]"), curl, python3 and cargo. The incremental step
# copies the newest issue folder as issue N+1, a week later (six articles or so, as a weekly issue),
# builds again and deploys; how many files that changes is the `stable` output's business (see
# docs/performance.md): this prints what the deploy made of it.
set -euo pipefail

ARTICLES=10000
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/bench/work
while [ $# -gt 0 ]; do
  case $1 in
    --articles) ARTICLES=$2; shift ;;
    --work) WORK=$(mkdir -p "$2" && cd "$2" && pwd); shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v moto_server >/dev/null || { echo "needs moto_server: pip install 'moto[server]'" >&2; exit 1; }
mkdir -p "$WORK"

echo "--- building bulletin (release) and the corpus generator"
(cd "$ROOT" && cargo build --release --quiet --bin bulletin --example gen_corpus)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
B=$TARGET_DIR/release/bulletin

SITE=$WORK/deploy-$ARTICLES
rm -rf "$SITE"
"$TARGET_DIR/release/examples/gen_corpus" --articles "$ARTICLES" --seed 1 --out "$SITE" >/dev/null
(cd "$SITE" && "$B" build >/dev/null 2>&1)

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG=$WORK/moto-$PORT.log
moto_server -H 127.0.0.1 -p "$PORT" >/dev/null 2>"$LOG" &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done
curl -s -X PUT --aws-sigv4 aws:amz:us-east-1:s3 --user testing:testing "http://127.0.0.1:$PORT/jianbao" >/dev/null
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
URL="s3://jianbao/?endpoint=http://127.0.0.1:$PORT&region=us-east-1"

requests() { grep -c '" [0-9][0-9][0-9] ' "$LOG" || true; }

# One deploy: its label, then requests, the summary line and wall time.
run() {
  local label=$1 before after start end line
  before=$(requests)
  start=$(date +%s.%N)
  line=$(cd "$SITE" && "$B" deploy "$URL" 2>&1 | tail -1)
  end=$(date +%s.%N)
  after=$(requests)
  printf '%-34s %6d requests  %6.1f s   %s\n' "$label" $((after - before)) \
    "$(echo "$end - $start" | bc)" "$line"
}

files=$(find "$SITE/output" -type f | wc -l)
bytes=$(du -sb "$SITE/output" | cut -f1)
echo "--- $ARTICLES articles: $files files, $((bytes / 1000000)) MB in output/"
run "first deploy"

# One more issue: the newest folder copied as the next number, a week later.
last=$(ls -d "$SITE"/content/*/ | sort | tail -1)
number=$(grep -m1 '^number:' "$last/_index.md" | awk '{print $2}')
date=$(grep -m1 '^date:' "$last/_index.md" | awk '{print $2}')
next=$((number + 1))
next_date=$(date -d "$date + 7 days" +%F)
new=$SITE/content/$(basename "$last")-next
cp -r "$last" "$new"
sed -i "s/^number: .*/number: $next/; s/^date: .*/date: $next_date/" "$new/_index.md"
articles=$(ls "$new"/*.md | grep -vc _index.md)
(cd "$SITE" && "$B" build >/dev/null 2>&1)
run "after one issue ($articles articles)"
run "nothing changed"
