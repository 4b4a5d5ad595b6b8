#!/usr/bin/env bash
# The photo benchmark of issue #16: the synthetic corpus of bench/run.sh with one 3000 × 2000 phone
# JPEG (EXIF orientation and GPS) in every tenth article, built three ways:
#   plain   the same corpus without the photos
#   cold    with the photos and an empty cache (every photo decoded, resized to 4 widths, encoded)
#   warm    with the photos and the cache of the previous build (no image work)
# Prints the median wall time and peak memory of each, the warm build's cost over plain, and the
# photos processed per second per core in the cold build. See docs/photos.md.
#
#   bench/photos.sh                       # 10,000 articles (1,000 photos), 3 runs (1 cold)
#   bench/photos.sh --articles 1000 --runs 5 --cold-runs 3
#
# Needs cargo, python3 with Pillow (`pip install pillow`), GNU time (/usr/bin/time).
set -euo pipefail

ARTICLES=10000
RUNS=3
COLD_RUNS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --articles) ARTICLES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --cold-runs) COLD_RUNS=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/bench/work/photos-$ARTICLES
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin bulletin --example gen_corpus
BIN=$TARGET/release/bulletin

rm -rf "$WORK"
mkdir -p "$WORK"
"$TARGET/release/examples/gen_corpus" --articles "$ARTICLES" --seed 1 --out "$WORK/plain" >/dev/null
cp -r "$WORK/plain" "$WORK/photos"

# One photo, then a copy per tenth article with a different trailer after the JPEG's end, so each
# has its own bytes (and cache key) but decodes the same.
python3 - "$WORK/photos" <<'EOF'
import os, sys, random
from PIL import Image, ImageDraw, ImageFilter
root = sys.argv[1]
rnd = random.Random(1)
im = Image.new("RGB", (3000, 2000))
d = ImageDraw.Draw(im)
for _ in range(400):  # a busy scene: shapes and noise compress like a real photo, not a flat one
    x, y = rnd.randrange(3000), rnd.randrange(2000)
    d.ellipse([x, y, x + rnd.randrange(40, 400), y + rnd.randrange(40, 300)],
              fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
im = im.filter(ImageFilter.GaussianBlur(2))
noise = Image.effect_noise((3000, 2000), 24).convert("RGB")
im = Image.blend(im, noise, 0.15)
exif = Image.Exif()
exif[0x0112] = 1
exif[0x010F] = "PhoneMaker"
exif[0x8825] = {1: "N", 2: (25.0, 50.0, 0.0), 3: "E", 4: (114.0, 56.0, 0.0)}
base = os.path.join(root, "base.jpg")
im.save(base, quality=90, exif=exif.tobytes())
data = open(base, "rb").read()
os.remove(base)
articles = []
for dirpath, _, files in os.walk(os.path.join(root, "content")):
    for f in files:
        if f.endswith(".md") and f != "_index.md":
            articles.append(os.path.join(dirpath, f))
articles.sort()
n = 0
for i, path in enumerate(articles):
    if i % 10:
        continue
    name = os.path.splitext(os.path.basename(path))[0] + "-1.jpg"
    with open(os.path.join(os.path.dirname(path), name), "wb") as f:
        f.write(data + b"%08d" % i)
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n![现场调研照片](%s \"图1 现场调研\")\n" % name)
    n += 1
print(f"{n} photos of {len(data) // 1024} KB in {len(articles)} articles")
EOF

# One build: prints "seconds peak_kib cpu_seconds" (user + system: what the work cost, which a
# busy machine changes much less than the wall time).
run() {
  local site=$1
  rm -rf "$site/output"
  sync
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time" "$BIN" build --root "$site" >/dev/null 2>&1
  awk '{print $1, $2, $3 + $4}' "$WORK/time"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A T M C
for kind in plain cold warm; do
  : >"$WORK/$kind.t"; : >"$WORK/$kind.m"; : >"$WORK/$kind.c"
done
one() {
  local kind=$1 site=$2 t m c
  read -r t m c < <(run "$site")
  echo "$t" >>"$WORK/$kind.t"; echo "$m" >>"$WORK/$kind.m"; echo "$c" >>"$WORK/$kind.c"
}
for r in $(seq "$RUNS"); do
  one plain "$WORK/plain"
  # The cold build is long (every photo processed) and its figure steady: COLD_RUNS of them.
  if [ "$r" -le "$COLD_RUNS" ]; then
    rm -rf "$WORK/photos/.bulletin"
    one cold "$WORK/photos"
  fi
  one warm "$WORK/photos"
  echo "round $r: plain $(tail -1 "$WORK/plain.t") s, cold $(tail -1 "$WORK/cold.t") s, warm $(tail -1 "$WORK/warm.t") s (load $(cut -d' ' -f1 /proc/loadavg))"
done
for kind in plain cold warm; do
  T[$kind]=$(median <"$WORK/$kind.t")
  M[$kind]=$(median <"$WORK/$kind.m")
  C[$kind]=$(median <"$WORK/$kind.c")
done
photos=$(find "$WORK/photos/content" -name '*-1.jpg' | wc -l)
cores=$(nproc)
echo
echo "articles $ARTICLES, photos $photos (3000x2000 JPEG), runs $RUNS, cores $cores, medians:"
for kind in plain cold warm; do
  printf '  %-6s %8.2f s wall  %8.2f s cpu  %6.0f MiB peak\n' "$kind" "${T[$kind]}" "${C[$kind]}" \
    "$(echo "${M[$kind]}/1024" | bc -l)"
done
echo "  warm over plain: $(echo "(${T[warm]}/${T[plain]}-1)*100" | bc -l | xargs printf '%+.1f')% wall, $(echo "(${C[warm]}/${C[plain]}-1)*100" | bc -l | xargs printf '%+.1f')% cpu"
echo "  cold: $(echo "$photos/(${C[cold]}-${C[plain]})" | bc -l | xargs printf '%.1f') photos per cpu-second (one core), $(echo "$photos/(${T[cold]}-${T[plain]})" | bc -l | xargs printf '%.1f') photos/s wall on $cores cores"
