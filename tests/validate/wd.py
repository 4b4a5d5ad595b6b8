"""What the validation scripts share: chromedriver's WebDriver API (no Selenium needed), a
headless Chromium session, and axe-core run in the current page. Used by axe.py and desk.py."""
import json, subprocess, tempfile, time, urllib.request

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE_RUN = ("const done = arguments[arguments.length-1]; axe.run(document, {resultTypes: ['violations']})"
           ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length, help: v.help, "
           "first: v.nodes[0].html.slice(0, 200)})))).catch(e => done(String(e)));")


class Driver:
    """chromedriver on `port`, one Chromium session (`extra_args` added to its command line)."""

    def __init__(self, port, extra_args=()):
        self.port = port
        self.proc = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        args = CHROMIUM_ARGS + [f"--user-data-dir={tempfile.mkdtemp()}"] + list(extra_args)
        try:
            self.sid = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": args}}}})["value"]["sessionId"]
        except Exception:
            self.proc.terminate()
            raise

    def call(self, method, path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None, headers={"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(req, timeout=120))

    def session(self, method, path, body=None):
        return self.call(method, f"/session/{self.sid}{path}", body)

    def js(self, script, *args):
        return self.session("POST", "/execute/sync", {"script": script, "args": list(args)})["value"]

    def axe(self, axe_js):
        """axe-core's violations in the current page (a list), or its error (a string)."""
        self.js(axe_js)
        return self.session("POST", "/execute/async", {"script": AXE_RUN, "args": []})["value"]

    def close(self):
        try:
            self.call("DELETE", f"/session/{self.sid}")
        finally:
            self.proc.terminate()
