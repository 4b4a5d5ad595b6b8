#!/usr/bin/env python3
"""Save-to-reload latency of `bulletin serve`: the time from writing an article to the preview
sending browsers the reload message, over N edits, as p50 and p95.

It starts `bulletin serve` on a site, listens to the live-reload event stream like a browser does,
edits one article N times (waiting for each reload), and also reports the server's own re-render
time from its one-line log. Run it on the sample and on a generated corpus:

    cargo build --release
    python3 bench/serve_latency.py --site .
    python3 bench/serve_latency.py --site /tmp/corpus-10000 --edits 20
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", default=".", help="site folder (default: the sample in this repository)")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "bulletin"))
    ap.add_argument("--article", help="the article to edit (default: the newest issue's first)")
    ap.add_argument("--tsv", help="append one line per edit to this results file (bench/run.sh): SIZE serve N MS")
    ap.add_argument("--size", default="0", help="the corpus size to write in --tsv lines")
    args = ap.parse_args()

    site = os.path.abspath(args.site)
    article = args.article
    if not article:
        content = os.path.join(site, "content")
        issues = sorted(d for d in os.listdir(content) if os.path.isdir(os.path.join(content, d)))
        folder = os.path.join(content, issues[-1])
        article = os.path.join(folder, sorted(f for f in os.listdir(folder) if f.endswith(".md") and f != "_index.md")[0])
    original = open(article, encoding="utf-8").read()

    port = free_port()
    log_lines = []
    server = subprocess.Popen(
        [args.binary, "serve", "--root", site, "--port", str(port)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    ready = threading.Event()

    def read_log():
        for line in server.stderr:
            log_lines.append(line.rstrip("\n"))
            if line.startswith("serving "):
                ready.set()

    threading.Thread(target=read_log, daemon=True).start()
    if not ready.wait(600):
        sys.exit("serve did not start:\n" + "\n".join(log_lines))
    base = re.search(r"at (http://[^ ]+)", next(l for l in log_lines if l.startswith("serving "))).group(1)
    path = "/" + base.split("/", 3)[3] if base.count("/") >= 3 else "/"

    # The event stream, read line by line like EventSource does.
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET {path}__bulletin/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
    stream = sock.makefile("rb")
    reloads = []
    got = threading.Condition()

    def read_events():
        for raw in stream:
            line = raw.decode("utf-8", "replace").strip()
            if line == "event: reload":
                with got:
                    reloads.append(time.perf_counter())
                    got.notify_all()

    threading.Thread(target=read_events, daemon=True).start()
    time.sleep(0.5)

    latencies = []
    try:
        for i in range(args.edits):
            before = len(reloads)
            text = original.rstrip("\n") + f"\n\n测量修改第{i}次。\n"
            start = time.perf_counter()
            with open(article, "w", encoding="utf-8") as f:
                f.write(text)
            with got:
                if not got.wait_for(lambda: len(reloads) > before, timeout=30):
                    sys.exit("no reload after an edit:\n" + "\n".join(log_lines[-5:]))
            latencies.append((reloads[before] - start) * 1000)
            time.sleep(0.2)
    finally:
        with open(article, "w", encoding="utf-8") as f:
            f.write(original)
        time.sleep(0.3)
        server.terminate()
        server.wait(10)

    renders = [float(m.group(2)) for l in log_lines if (m := re.search(r"changed: (\d+) pages re-rendered in ([0-9.]+) ms", l))]
    pages = [int(m.group(1)) for l in log_lines if (m := re.search(r"changed: (\d+) pages re-rendered", l))]
    built = next((l for l in log_lines if l.startswith("built ")), "")
    print(f"site: {site} ({built})")
    print(f"article edited: {os.path.relpath(article, site)}, {args.edits} edits")
    print(f"save → reload message: p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms "
          f"(includes the watcher's {15} ms debounce)")
    if args.tsv and renders:
        with open(args.tsv, "a") as f:
            for i, ms in enumerate(renders, 1):
                f.write(f"{args.size}\tserve\t{i}\t{ms:.3f}\n")
    if renders:
        print(f"server re-render: p50 {statistics.median(renders):.1f} ms, p95 {percentile(renders, 95):.1f} ms, "
              f"{statistics.median(pages):.0f} pages per edit")


if __name__ == "__main__":
    main()
