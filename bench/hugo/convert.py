#!/usr/bin/env python3
"""Convert a bulletin site (site.yaml + content/) into a Hugo site that does the same work.

    python3 bench/hugo/convert.py CORPUS_DIR HUGO_SITE_DIR [--theme-static DIR]

The Hugo site has the same pages as bulletin's default theme builds, with templates that show
the same things (bench/hugo/layouts/): a page per article, a page per issue with every article's
body, /issues/ paginated by `paginate`, county and topic term pages paginated by `paginate`
(newest first), the county and topic lists, the home page (latest issue, every county and topic,
recent issues), an RSS feed for the home page and for each county and topic (full content, 20
entries), the sitemap, robots.txt and a 404 page. Issue sections get no feed of their own, like
bulletin.

Only the front matter this benchmark's corpus uses is understood (scalars, `[a, b]` lists and
`- item` lists), which keeps the converter free of dependencies; it is not a general importer.
Bodies are copied unchanged: both generators render them with CommonMark + tables, footnotes
and strikethrough (Goldmark's typographer and linkify are turned off to match).
"""

import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_front_matter(text, path):
    """Split `---` front matter from the body; return (dict, body)."""
    if not text.startswith("---\n"):
        raise SystemExit(f"{path}: no front matter")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise SystemExit(f"{path}: front matter not closed")
    head, body = text[4:end], text[end + 5:]
    data, key = {}, None
    for line in head.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("  - ") or line.startswith("- "):
            data[key].append(unquote(line.split("- ", 1)[1]))
            continue
        k, _, v = line.partition(":")
        key, v = k.strip(), v.strip()
        if v == "":
            data[key] = []
        elif v.startswith("[") and v.endswith("]"):
            data[key] = [unquote(x) for x in v[1:-1].split(",") if x.strip()]
        else:
            data[key] = unquote(v)
    return data, body


def unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def site_settings(corpus):
    """The top-level scalars of site.yaml the Hugo config needs."""
    settings = {}
    path = os.path.join(corpus, "site.yaml")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            m = re.match(r"^([a-z_]+):\s*(\S.*)$", line.rstrip("\n"))
            if m:
                settings[m.group(1)] = unquote(m.group(2))
    return settings


def fm(data):
    """Front matter as YAML with every string JSON-quoted (YAML reads JSON strings)."""
    lines = ["---"]
    for k, v in data.items():
        lines.append(f"{k}: {json.dumps(v, ensure_ascii=False)}")
    lines.append("---\n")
    return "\n".join(lines)


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def convert(corpus, out, theme_static):
    s = site_settings(corpus)
    title = s.get("title", "工作简报")
    paginate = int(s.get("paginate", "20"))
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "content", "issues"))
    config = f"""# Written by bench/hugo/convert.py from {os.path.basename(os.path.abspath(corpus))}.
baseURL = {toml_str(s.get("base_url", "https://example.org/"))}
locale = {toml_str(s.get("language", "zh-CN"))}
title = {toml_str(title)}
hasCJKLanguage = true
# The corpus's weekly dates run past today at 100,000 articles; bulletin builds them all.
buildFuture = true
summaryLength = 120
enableRobotsTXT = true
disableKinds = []

[pagination]
pagerSize = {paginate}

[taxonomies]
county = "counties"
topic = "topics"

# The same files as bulletin writes: feeds for the site and for each county and topic only.
[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html", "rss"]
page = ["html"]

[services.rss]
limit = 20

[markup.goldmark.extensions]
linkify = false
typographer = false
table = true
strikethrough = true
footnote = true

[params]
description = {toml_str(s.get("description", ""))}
series = {toml_str(s.get("series", ""))}
editor = {toml_str(s.get("editor", ""))}
"""
    with open(os.path.join(out, "hugo.toml"), "w", encoding="utf-8") as f:
        f.write(config)
    shutil.copytree(os.path.join(HERE, "layouts"), os.path.join(out, "layouts"))
    static = os.path.join(out, "static")
    if theme_static and os.path.isdir(theme_static):
        shutil.copytree(theme_static, static)
    else:
        os.makedirs(static)
    content = os.path.join(out, "content")
    with open(os.path.join(content, "_index.md"), "w", encoding="utf-8") as f:
        f.write(fm({"title": title}))
    with open(os.path.join(content, "issues", "_index.md"), "w", encoding="utf-8") as f:
        f.write(fm({"title": "全部期刊"}))
    for tax, name in (("counties", "县区"), ("topics", "专题")):
        os.makedirs(os.path.join(content, tax))
        with open(os.path.join(content, tax, "_index.md"), "w", encoding="utf-8") as f:
            f.write(fm({"title": name}))

    src = os.path.join(corpus, "content")
    issues = articles = 0
    for slug in sorted(os.listdir(src)):
        d = os.path.join(src, slug)
        index = os.path.join(d, "_index.md")
        if not os.path.isfile(index):
            continue
        meta, intro = parse_front_matter(open(index, encoding="utf-8").read(), index)
        number = int(meta["number"])
        issue = {
            "title": meta.get("title", f"第{number}期"),
            "date": meta["date"],
            "number": number,
            "series": meta.get("series", s.get("series", "")),
            "editor": meta.get("editor", s.get("editor", "")),
        }
        for k in ("phone", "email"):
            if k in meta:
                issue[k] = meta[k]
        dest = os.path.join(content, "issues", slug)
        os.makedirs(dest)
        with open(os.path.join(dest, "_index.md"), "w", encoding="utf-8") as f:
            f.write(fm(issue) + intro)
        issues += 1
        position = 0
        for name in sorted(os.listdir(d)):
            if not name.endswith(".md") or name == "_index.md":
                continue
            path = os.path.join(d, name)
            a, body = parse_front_matter(open(path, encoding="utf-8").read(), path)
            if a.get("draft") == "true":
                continue
            position += 1
            topics = a["topics"] if isinstance(a["topics"], list) else [a["topics"]]
            stem = name[:-3]
            article = {
                "title": a["title"],
                "date": a.get("date", meta["date"]),
                "slug": a.get("slug", re.sub(r"^[0-9]+[-_]", "", stem)),
                "weight": position,
                "counties": [a["county"]],
                "topics": topics,
                "unit": a.get("unit", ""),
            }
            with open(os.path.join(dest, name), "w", encoding="utf-8") as f:
                f.write(fm(article) + body)
            articles += 1
    return issues, articles


def cli(convert, kind, usage):
    """The command line both converters share: CORPUS_DIR SITE_DIR [--theme-static DIR]."""
    args = sys.argv[1:]
    theme_static = None
    if "--theme-static" in args:
        i = args.index("--theme-static")
        theme_static = args[i + 1]
        del args[i : i + 2]
    if len(args) != 2:
        raise SystemExit(usage)
    issues, articles = convert(args[0], args[1], theme_static)
    print(f"{kind} site: {issues} issues, {articles} articles → {args[1]}")


def main():
    cli(convert, "hugo", __doc__)


if __name__ == "__main__":
    main()
