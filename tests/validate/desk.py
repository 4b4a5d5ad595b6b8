"""axe-core against the 工作台 (the desk `bulletin serve` serves at /.bulletin/desk/) in each of its
states, at 1280×800 and 1366×768: as it opens; with the fixture .docx picked in the file input and
its plan shown; (then 取消); the 检查 tab; the 发布 tab after 生成网站 with the upload plan (预览上传) shown; and
after 确认上传. The site is the sample with a folder as its upload target. Prints each state's
violations; exits 1 if there are any. Through chromedriver's WebDriver API (wd.py).

    python3 desk.py BULLETIN_BINARY AXE_MIN_JS        # run by validate.sh
"""
import os, re, shutil, subprocess, sys, tempfile, time
from wd import Driver

BIN, AXE = sys.argv[1], sys.argv[2]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "import", "jianbao.docx")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"

work = tempfile.mkdtemp()
site = os.path.join(work, "site")
www = os.path.join(work, "www")
os.makedirs(site)
os.makedirs(www)
shutil.copytree(os.path.join(ROOT, "content"), os.path.join(site, "content"))
with open(os.path.join(ROOT, "site.yaml"), encoding="utf-8") as f:
    yaml = f.read()
with open(os.path.join(site, "site.yaml"), "w", encoding="utf-8") as f:
    f.write(f"{yaml}\ndeploy:\n  - name: 本机\n    url: file://{www}\n")

log = open(os.path.join(work, "serve.log"), "w+", encoding="utf-8")
serve = subprocess.Popen([BIN, "serve", "--root", site, "--port", "0"], stdout=log, stderr=log)


def desk_url():
    for _ in range(240):
        log.seek(0)
        m = re.search(r"工作台: (http\S+)", log.read())
        if m:
            return m.group(1)
        if serve.poll() is not None:
            log.seek(0)
            sys.exit("serve exited:\n" + log.read())
        time.sleep(0.25)
    sys.exit("serve did not print the 工作台's address within a minute")


bad = 0
d = None
try:
    url = desk_url()
    time.sleep(1)
    d = Driver(int(os.environ.get("CHROMEDRIVER_PORT", "9524")))
    axe = open(AXE).read()

    def wait(cond, what):
        for _ in range(240):
            if d.js(cond):
                return
            time.sleep(0.25)
        sys.exit(f"timed out waiting for {what}")

    def find(sel):
        v = d.session("POST", "/element", {"using": "css selector", "value": sel})["value"]
        if ELEMENT not in v:
            sys.exit(f"no element {sel}: {v}")
        return v[ELEMENT]

    def click(sel):
        d.session("POST", f"/element/{find(sel)}/click", {})

    def check(state):
        global bad
        res = d.axe(axe)
        print(f"{state} [{size}] violations:", len(res) if isinstance(res, list) else res)
        if isinstance(res, list):
            for v in res:
                print("  ", v)
            bad += len(res)
        else:
            bad += 1

    for w, h in [(1280, 800), (1366, 768)]:
        size = f"{w}x{h}"
        d.session("POST", "/window/rect", {"width": w, "height": h})
        d.session("POST", "/url", {"url": url})
        wait("return document.documentElement.getAttribute('data-ready') === '1'", "the 工作台 to load")
        check("opened")
        d.session("POST", f"/element/{find('#file')}/value", {"text": FIXTURE})
        wait("return document.querySelectorAll('article.plan').length === 1", "the import plan")
        check("import plan")
        click("article.plan button.cancel")
        wait("return document.querySelectorAll('article.plan').length === 0", "取消")
        click("#tab-check")
        wait("return document.getElementById('check-summary').textContent.trim() !== ''", "the check report")
        check("检查")
        click("#tab-publish")
        click("#publish-start")
        wait("return document.getElementById('publish-result').textContent.includes('网站已生成到 output/')", "生成网站")
        wait("return document.getElementById('deploy-preview').textContent.includes('将上传')", "the upload plan")
        check("upload plan")
        click("#deploy-start")
        wait("return document.getElementById('deploy-result').textContent.includes('已上传到')", "the upload")
        check("uploaded")
        # The next size starts from an empty target.
        shutil.rmtree(www)
        os.makedirs(www)
finally:
    if d:
        d.close()
    serve.terminate()
    serve.wait()
    shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if bad else 0)
