"""axe-core against pages in headless Chromium, through chromedriver's WebDriver API (wd.py):
`python3 axe.py AXE_MIN_JS [mode=large,contrast] URL...`. Prints each page's violations; exits 1
if there are any. A `mode=` argument sets the reading modes of the default theme (a11y.js: 长辈模式
`large`, 高对比度 `contrast`; `mode=` alone for the normal mode) for the URLs after it, as the
switches would, through localStorage. Run by validate.sh."""
import json, os, sys
from wd import Driver

AXE = sys.argv[1]
URLS = sys.argv[2:]
d = Driver(int(os.environ.get("CHROMEDRIVER_PORT", "9522")), ["--window-size=1280,900"])
try:
    axe = open(AXE).read()
    bad = 0
    modes = {}
    for url in URLS:
        if url.startswith("mode="):
            modes = {m: True for m in url[5:].split(",") if m}
            continue
        d.session("POST", "/url", {"url": url})
        d.js("localStorage.setItem('bulletin-a11y', arguments[0]); return true", json.dumps(modes))
        d.session("POST", "/url", {"url": url})
        if modes:
            on = d.js("return document.documentElement.className")
            if any(f"mode-{m}" not in on for m in modes):
                print(url, "modes", list(modes), "not applied:", repr(on))
                bad += 1
            url = f"{url} [{','.join(modes)}]"
        res = d.axe(axe)
        print(url, "violations:", len(res) if isinstance(res, list) else res)
        if isinstance(res, list):
            for v in res:
                print("  ", v)
            bad += len(res)
finally:
    d.close()
sys.exit(1 if bad else 0)
