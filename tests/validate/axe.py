"""axe-core against pages in headless Chromium, through chromedriver's WebDriver API (no
Selenium needed): `python3 axe.py AXE_MIN_JS [mode=large,contrast] URL...`. Prints each page's
violations; exits 1 if there are any. A `mode=` argument sets the reading modes of the default
theme (a11y.js: 长辈模式 `large`, 高对比度 `contrast`; `mode=` alone for the normal mode) for the
URLs after it, as the switches would, through localStorage. Run by validate.sh."""
import json, subprocess, sys, time, urllib.request, tempfile
AXE = sys.argv[1]
URLS = sys.argv[2:]
port = int(__import__("os").environ.get("CHROMEDRIVER_PORT", "9522"))
drv = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1.5)
def call(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None, headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=120))
try:
    d = tempfile.mkdtemp()
    caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", f"--user-data-dir={d}", "--window-size=1280,900"]}}}}
    sid = call("POST", "/session", caps)["value"]["sessionId"]
    axe = open(AXE).read()
    bad = 0
    modes = {}
    for url in URLS:
        if url.startswith("mode="):
            modes = {m: True for m in url[5:].split(",") if m}
            continue
        call("POST", f"/session/{sid}/url", {"url": url})
        call("POST", f"/session/{sid}/execute/sync", {"script": "localStorage.setItem('bulletin-a11y', arguments[0]); return true", "args": [json.dumps(modes)]})
        call("POST", f"/session/{sid}/url", {"url": url})
        if modes:
            on = call("POST", f"/session/{sid}/execute/sync", {"script": "return document.documentElement.className", "args": []})["value"]
            if any(f"mode-{m}" not in on for m in modes):
                print(url, "modes", list(modes), "not applied:", repr(on))
                bad += 1
            url = f"{url} [{','.join(modes)}]"
        call("POST", f"/session/{sid}/execute/sync", {"script": axe, "args": []})
        res = call("POST", f"/session/{sid}/execute/async", {"script": "const done = arguments[arguments.length-1]; axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length, help: v.help, first: v.nodes[0].html.slice(0, 200)})))).catch(e => done(String(e)));", "args": []})["value"]
        print(url, "violations:", len(res) if isinstance(res, list) else res)
        if isinstance(res, list):
            for v in res:
                print("  ", v)
            bad += len(res)
    call("DELETE", f"/session/{sid}")
finally:
    drv.terminate()
sys.exit(1 if bad else 0)
