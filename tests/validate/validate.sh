#!/usr/bin/env bash
# The pages checked by the Nu HTML checker (vnu.jar) and by axe-core in headless Chromium: the
# home page, /stats/, a year's page (/stats/2021/), a county page, a topic page, the search page,
# the issue list, the issue, an article, the 网站地图 and the 404 page of the sample site, built
# under a base path with an example `government:` block (docs/government.md) so the footer shows
# every mark (axe sees the search page as a statistics link opens it: narrowed to a quarter, with
# the button that removes it). axe runs in the normal mode, then in 长辈模式 and in 高对比度 (the
# default theme's switches, set as a reader's choice would be). Then axe on the 工作台 in each of its
# states at 1280×800 and 1366×768 (desk.py).
#
#   tests/validate/validate.sh            # needs java, node/npm (once, to fetch vnu-jar and
#                                         # axe-core into tests/validate/node_modules), python3,
#                                         # chromium and chromedriver
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$HERE"
[ -f node_modules/vnu-jar/build/dist/vnu.jar ] && [ -f node_modules/axe-core/axe.min.js ] ||
  npm install --no-audit --no-fund --no-save vnu-jar axe-core >/dev/null
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cp -r "$ROOT/content" "$ROOT/site.yaml" "$WORK/"
cat >>"$WORK/site.yaml" <<'YAML'
# Example values only (docs/government.md), so that the footer shows every mark.
government:
  site_code: "3609250007"
  icp: 赣ICP备14008674号-1
  police: 赣公网安备36070202000195号
  conac: 072BBE1E1F301B54E053012819ACA2E1
  sponsor: 赣州市人民政府办公室
  organizer: 赣州市信息中心
  contact: {phone: 0797-8990000, email: jianbao@example.gov.cn, address: 赣州市章贡区长征大道1号}
YAML
cargo run --quiet --manifest-path "$ROOT/Cargo.toml" --bin bulletin -- \
  build --root "$WORK" --base-url https://example.gov.cn/jianbao/ >/dev/null 2>&1
mkdir -p "$WORK/www"
ln -s "$WORK/output" "$WORK/www/jianbao"
PORT=${PORT:-8799}
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/www" >/dev/null 2>&1 &
SERVER=$!
sleep 1
PAGES=(index.html stats/index.html stats/2021/index.html counties/yudu-xian/index.html topics/jiaoyu/index.html search/index.html
  issues/index.html issues/2021-125/index.html issues/2021-125/renshe-jiuye/index.html sitemap/index.html 404.html)
echo "--- Nu HTML checker"
java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only "${PAGES[@]/#/$WORK/output/}"
echo "    no errors"
echo "--- axe-core"
URLS=()
for p in "${PAGES[@]}"; do URLS+=("http://127.0.0.1:$PORT/jianbao/${p%index.html}"); done
URLS+=("http://127.0.0.1:$PORT/jianbao/search/?quarter=2021-Q3&county=yudu-xian")
python3 axe.py node_modules/axe-core/axe.min.js "${URLS[@]}" mode=large "${URLS[@]}" mode=contrast "${URLS[@]}"
echo "--- axe-core on the 工作台 (opened, an import's plan, 检查, the upload plan, uploaded)"
cargo build --quiet --manifest-path "$ROOT/Cargo.toml" --bin bulletin
BIN=$(cargo metadata --quiet --format-version 1 --manifest-path "$ROOT/Cargo.toml" --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/bulletin
python3 desk.py "$BIN" node_modules/axe-core/axe.min.js
