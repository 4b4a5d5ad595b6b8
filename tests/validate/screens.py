"""Full-page screenshots of pages in headless Chromium, at desktop (1280) and phone (390) widths,
in the default theme's normal mode, 长辈模式 and 高对比度, to look at:
`python3 screens.py OUTDIR URL...` writes OUTDIR/<page>-<width>-<mode>.png. Through
chromedriver's WebDriver API and its Chrome DevTools passthrough (no Selenium needed)."""
import base64, json, os, re, subprocess, sys, tempfile, time, urllib.request

OUT = sys.argv[1]
URLS = sys.argv[2:]
MODES = {"normal": {}, "large": {"large": True}, "contrast": {"contrast": True}}
port = int(os.environ.get("CHROMEDRIVER_PORT", "9523"))
os.makedirs(OUT, exist_ok=True)
drv = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1.5)


def call(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None, headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=120))


try:
    d = tempfile.mkdtemp()
    caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", f"--user-data-dir={d}"]}}}}
    sid = call("POST", "/session", caps)["value"]["sessionId"]
    cdp = lambda cmd, params: call("POST", f"/session/{sid}/goog/cdp/execute", {"cmd": cmd, "params": params})["value"]
    js = lambda script, *args: call("POST", f"/session/{sid}/execute/sync", {"script": script, "args": list(args)})["value"]
    for url in URLS:
        name = re.sub(r"[^a-z0-9]+", "-", url.split("//", 1)[-1].split("/", 1)[-1].lower()).strip("-") or "home"
        for width in (1280, 390):
            for mode, state in MODES.items():
                cdp("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
                call("POST", f"/session/{sid}/url", {"url": url})
                js("localStorage.setItem('bulletin-a11y', arguments[0]); return true", json.dumps(state))
                call("POST", f"/session/{sid}/url", {"url": url})
                height = js("return Math.min(document.documentElement.scrollHeight, 6000)")
                cdp("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
                png = cdp("Page.captureScreenshot", {"format": "png"})["data"]
                path = os.path.join(OUT, f"{name}-{width}-{mode}.png")
                with open(path, "wb") as f:
                    f.write(base64.b64decode(png))
                print(path)
    call("DELETE", f"/session/{sid}")
finally:
    drv.terminate()
