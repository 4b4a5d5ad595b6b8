#!/usr/bin/env python3
"""Time `bulletin serve` keeping up with one edit: from saving an article to every page that
shows it serving the change. Used by bench/run.sh (a placeholder until serve exists).

    python3 bench/serve_edit.py --site DIR --port 1111 --edits 5 --size 10000

The article edited is the first of the latest issue, and the edit is at the start of its first
paragraph, so it reaches the article page, the issue page and the county's first page (through
the summary). Prints one results.tsv line per edit: SIZE, "serve", N, milliseconds. The time
includes the file watcher's debounce, so it bounds the re-render time from above.
"""

import argparse
import os
import re
import sys
import time
import urllib.request


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except Exception:
        return None, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True)
    ap.add_argument("--port", type=int, default=1111)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--size", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for one edit")
    a = ap.parse_args()
    base = f"http://127.0.0.1:{a.port}/"

    deadline = time.time() + 600
    while get(base)[0] != 200:
        if time.time() > deadline:
            sys.exit("serve did not answer within 10 minutes")
        time.sleep(0.2)

    content = os.path.join(a.site, "content")
    issues = []
    for slug in os.listdir(content):
        idx = os.path.join(content, slug, "_index.md")
        if os.path.isfile(idx):
            m = re.search(r"^number:\s*(\d+)", open(idx, encoding="utf-8").read(), re.M)
            issues.append((int(m.group(1)), slug))
    _, issue = max(issues)
    name = sorted(f for f in os.listdir(os.path.join(content, issue)) if f.endswith(".md") and f != "_index.md")[0]
    path = os.path.join(content, issue, name)
    original = open(path, encoding="utf-8").read()
    county = re.search(r"^county:\s*(.+)$", original, re.M).group(1).strip()
    slugs = dict(re.findall(r"name:\s*([^,]+),\s*slug:\s*([a-z0-9-]+)", open(os.path.join(a.site, "site.yaml"), encoding="utf-8").read()))
    article_slug = re.sub(r"^[0-9]+[-_]", "", name[:-3])
    urls = [
        f"{base}issues/{issue}/{article_slug}/",
        f"{base}issues/{issue}/",
        f"{base}counties/{slugs[county]}/",
    ]
    head, body = original.split("\n---\n", 1)
    try:
        for k in range(1, a.edits + 1):
            marker = f"基准测试第{k}次修改"
            with open(path, "w", encoding="utf-8") as f:
                f.write(f"{head}\n---\n{marker}{body}")
            t0 = time.perf_counter()
            pending = list(urls)
            while pending:
                if time.perf_counter() - t0 > a.timeout:
                    sys.exit(f"edit {k} not served within {a.timeout} s: {pending}")
                pending = [u for u in pending if marker not in get(u)[1]]
            ms = (time.perf_counter() - t0) * 1000
            print(f"{a.size}\tserve\t{k}\t{ms:.1f}", flush=True)
            print(f"    serve edit {k}: {ms:.1f} ms", file=sys.stderr)
            time.sleep(1.0)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)


if __name__ == "__main__":
    main()
