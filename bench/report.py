#!/usr/bin/env python3
"""Summarise bench/run.sh's raw measurements: medians per size and tool, and the ratios.

    python3 bench/report.py WORK/results.tsv [--markdown] [--max-others F]

--max-others F leaves out runs during which other processes used more than F cores on average
(their CPU time over the run's wall time): on a shared machine, the medians of the quiet runs.

results.tsv has one line per run:
    size  tool  run  wall_s  user_s  sys_s  maxrss_kb  pages  files  bytes  foreign_cpu_s
and may also hold `serve` lines (size, "serve", run, milliseconds). foreign_cpu_s is the CPU time
other processes used during the run (noise on a shared machine).
"""

import statistics
import sys
from collections import defaultdict

# Display order and the pairs compared: (ours, theirs, label).
TOOLS = [
    ("bulletin", "bulletin (minified)"),
    ("bulletin-nominify", "bulletin --no-minify"),
    ("bulletin-nosearch", "bulletin --no-search"),
    ("bulletin-nostats", "bulletin --no-stats"),
    ("hugo-minify", "Hugo --minify"),
    ("hugo", "Hugo"),
    ("zola", "Zola"),
    ("copy", "cp -r of bulletin's output (floor)"),
]
PAIRS = [
    ("bulletin", "hugo-minify", "bulletin / Hugo --minify"),
    ("bulletin-nominify", "hugo", "bulletin --no-minify / Hugo"),
    ("bulletin", "zola", "bulletin / Zola"),
    ("bulletin", "copy", "bulletin / cp -r floor"),
]


def load(path, max_others=None):
    runs = defaultdict(list)
    serve = defaultdict(list)
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        size, tool = int(f[0]), f[1]
        if tool == "serve":
            serve[size].append(float(f[3]))
            continue
        wall, user, sys_, rss = float(f[3]), float(f[4]), float(f[5]), int(f[6])
        pages, files, nbytes = int(f[7]), int(f[8]), int(f[9])
        foreign = float(f[10]) if len(f) > 10 else 0.0
        if max_others is not None and wall > 0 and foreign / wall > max_others:
            continue
        runs[(size, tool)].append(
            dict(run=f[2], wall=wall, cpu=user + sys_, rss=rss, pages=pages, files=files,
                 bytes=nbytes, foreign=foreign)
        )
    return runs, serve


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def fmt_s(x):
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def main():
    args = sys.argv[1:]
    markdown = "--markdown" in args
    args = [a for a in args if a != "--markdown"]
    max_others = None
    if "--max-others" in args:
        i = args.index("--max-others")
        max_others = float(args[i + 1])
        del args[i : i + 2]
    if len(args) != 1:
        raise SystemExit(__doc__)
    runs, serve = load(args[0], max_others)
    sizes = sorted({s for s, _ in runs} | set(serve))
    sep = " | " if markdown else "  "
    for size in sizes:
        print()
        title = f"{size:,} articles"
        print(f"### {title}" if markdown else f"== {title} ==")
        header = ["tool", "runs", "wall s", "CPU s", "peak RSS MiB", "pages", "MB", "pages/s", "others' CPU s"]
        rows = []
        for tool, label in TOOLS:
            r = runs.get((size, tool))
            if not r:
                continue
            wall = med(r, "wall")
            pages = r[-1]["pages"]
            rows.append(
                [
                    label,
                    str(len(r)),
                    fmt_s(wall),
                    fmt_s(med(r, "cpu")),
                    f"{med(r, 'rss') / 1024:,.0f}",
                    f"{pages:,}",
                    f"{r[-1]['bytes'] / 1e6:,.1f}",
                    f"{pages / wall:,.0f}" if wall > 0 else "-",
                    fmt_s(med(r, "foreign")),
                ]
            )
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
        if markdown:
            print("| " + " | ".join(header) + " |")
            print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
            for row in rows:
                print("| " + " | ".join(row) + " |")
        else:
            print(sep.join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
            for row in rows:
                print(sep.join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        ratios = []
        for ours, theirs, label in PAIRS:
            a, b = runs.get((size, ours)), runs.get((size, theirs))
            if not a or not b:
                continue
            wall = med(a, "wall") / med(b, "wall")
            if theirs == "copy":
                ratios.append(f"{label}: wall {wall:.2f}x")
                continue
            cpu = med(a, "cpu") / med(b, "cpu")
            rss = med(a, "rss") / med(b, "rss")
            ratios.append(
                f"{label}: wall {wall:.3f} (1/{1 / wall:.1f}), CPU {cpu:.3f} (1/{1 / cpu:.1f}), "
                f"peak RSS {rss:.3f} (1/{1 / rss:.1f})"
            )
        for without_tool, what in (
            ("bulletin-nosearch", "the search index"),
            ("bulletin-nostats", "the statistics"),
        ):
            a, b = runs.get((size, "bulletin")), runs.get((size, without_tool))
            if a and b:
                cost = med(a, "wall") - med(b, "wall")
                line = (
                    f"{what} adds {cost:.2f} s wall ({cost / med(a, 'wall'):.1%} of the build), "
                    f"{med(a, 'cpu') - med(b, 'cpu'):.2f} s CPU"
                )
                # The same run by run (the two builds of a round ran a few seconds apart): how much
                # of that figure is the machine's noise.
                without = {r["run"]: r["wall"] for r in b}
                rounds = sorted(
                    (r["wall"] - without[r["run"]]) / r["wall"] for r in a if r["run"] in without
                )
                if len(rounds) > 1:
                    line += (
                        f"; round by round {statistics.median(rounds):.1%} median, "
                        f"{rounds[0]:.1%} to {rounds[-1]:.1%}"
                    )
                ratios.append(line)
        if ratios:
            print()
            for line in ratios:
                print(f"- {line}" if markdown else f"  {line}")
        if serve.get(size):
            ms = serve[size]
            print()
            line = f"serve, one article edited: median {statistics.median(ms):.1f} ms over {len(ms)} edits (max {max(ms):.1f} ms)"
            print(f"- {line}" if markdown else f"  {line}")


if __name__ == "__main__":
    main()
