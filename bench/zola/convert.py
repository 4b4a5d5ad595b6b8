#!/usr/bin/env python3
"""Convert a bulletin site (site.yaml + content/) into a Zola site that does the same work.

    python3 bench/zola/convert.py CORPUS_DIR ZOLA_SITE_DIR [--theme-static DIR]

UNTESTED: no zola binary could be installed where this benchmark was written (see
docs/performance.md); it follows Zola 0.19–0.22's documented configuration and template API.

The pages match bulletin's default theme as far as Zola allows: a page per article, a page per
issue (a section) with every article's body, county and topic term pages paginated by
`paginate`, the term lists, the home page, an Atom feed for the site and for each county and topic,
the sitemap, robots.txt and a 404 page, minified (`minify_html = true`). Two differences, both
because Zola cannot do them without quadratic template loops: /issues/ lists every issue on one
page (Zola paginates a section's pages, not its sub-sections), and issue pages have no links to
the previous and next issue.
"""

import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "hugo"))
from convert import cli, parse_front_matter, site_settings  # noqa: E402  (shared with the Hugo converter)


def q(s):
    """A TOML basic string (JSON's escaping is valid TOML for these strings)."""
    return json.dumps(s, ensure_ascii=False)


def convert(corpus, out, theme_static):
    s = site_settings(corpus)
    title = s.get("title", "工作简报")
    paginate = int(s.get("paginate", "20"))
    base = s.get("base_url", "https://example.org/").rstrip("/")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "content", "issues"))
    config = f"""# Written by bench/zola/convert.py.
base_url = {q(base)}
title = {q(title)}
description = {q(s.get("description", ""))}
default_language = "zh"
minify_html = true
compile_sass = false
build_search_index = false
generate_feeds = true
feed_limit = 20
taxonomies = [
  {{ name = "counties", paginate_by = {paginate}, feed = true }},
  {{ name = "topics", paginate_by = {paginate}, feed = true }},
]

[markdown]
smart_punctuation = false

[extra]
series = {q(s.get("series", ""))}
editor = {q(s.get("editor", ""))}
"""
    with open(os.path.join(out, "config.toml"), "w", encoding="utf-8") as f:
        f.write(config)
    shutil.copytree(os.path.join(HERE, "templates"), os.path.join(out, "templates"))
    if theme_static and os.path.isdir(theme_static):
        shutil.copytree(theme_static, os.path.join(out, "static"))
    content = os.path.join(out, "content")
    with open(os.path.join(content, "_index.md"), "w", encoding="utf-8") as f:
        f.write("+++\n+++\n")
    with open(os.path.join(content, "issues", "_index.md"), "w", encoding="utf-8") as f:
        f.write('+++\ntitle = "全部期刊"\ntemplate = "issues.html"\n+++\n')

    src = os.path.join(corpus, "content")
    issues = articles = 0
    for slug in sorted(os.listdir(src)):
        d = os.path.join(src, slug)
        index = os.path.join(d, "_index.md")
        if not os.path.isfile(index):
            continue
        meta, intro = parse_front_matter(open(index, encoding="utf-8").read(), index)
        number = int(meta["number"])
        dest = os.path.join(content, "issues", slug)
        os.makedirs(dest)
        extra = {
            "number": number,
            "date": meta["date"],
            "series": meta.get("series", s.get("series", "")),
            "editor": meta.get("editor", s.get("editor", "")),
        }
        for k in ("phone", "email"):
            if k in meta:
                extra[k] = meta[k]
        fm = [
            "+++",
            f"title = {q(meta.get('title', f'第{number}期'))}",
            # Sub-sections are listed by weight: newest first.
            f"weight = {10_000_000 - number}",
            'sort_by = "weight"',
            'template = "issue.html"',
            'page_template = "article.html"',
            "[extra]",
        ] + [f"{k} = {q(v)}" for k, v in extra.items()] + ["+++", ""]
        with open(os.path.join(dest, "_index.md"), "w", encoding="utf-8") as f:
            f.write("\n".join(fm) + intro)
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
            fm = [
                "+++",
                f"title = {q(a['title'])}",
                f"date = {a.get('date', meta['date'])}",
                f"weight = {position}",
                f"slug = {q(a.get('slug', re.sub(r'^[0-9]+[-_]', '', name[:-3])))}",
                "[taxonomies]",
                f"counties = [{q(a['county'])}]",
                f"topics = [{', '.join(q(t) for t in topics)}]",
                "[extra]",
                f"unit = {q(a.get('unit', ''))}",
                "+++",
                "",
            ]
            with open(os.path.join(dest, name), "w", encoding="utf-8") as f:
                f.write("\n".join(fm) + body)
            articles += 1
    return issues, articles


def main():
    cli(convert, "zola", __doc__)


if __name__ == "__main__":
    main()
