//! Atom feeds, the sitemap and robots.txt, written by code rather than templates.
//!
//! These files are read by machines that reject malformed XML outright, and content can hold
//! anything (`&`, `]]>`, control characters pasted from a PDF). Writing them here with one escaping
//! function that also drops the characters XML forbids ([`crate::xml`], shared with the SVG
//! charts of the statistics; an entry's HTML goes in a CDATA section, split where it holds `]]>`)
//! keeps them well-formed whatever the content.

use std::fmt::Write;

use crate::model::{Output, Site, SitemapPart, Taxonomy};
use crate::xml::{cdata, escape as esc, xml_escape};

/// Render a feed, the sitemap or robots.txt.
pub fn render(site: &Site, o: Output) -> String {
    match o {
        Output::Feed(None) => {
            let n = site.config.feed_limit.min(site.articles.len());
            let entries: Vec<usize> = (0..n).collect();
            atom(site, &site.config.title, o, &entries)
        }
        Output::Feed(Some((t, i))) => {
            let term = &site.terms(t)[i];
            let n = site.config.feed_limit.min(term.articles.len());
            let title = format!("{} · {}", site.config.title, term.name);
            atom(site, &title, o, &term.articles[..n])
        }
        Output::Sitemap => sitemap_index(site),
        Output::SitemapPart(part) => sitemap(site, part),
        Output::Robots => format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}{}\n",
            site.config.base_url,
            site.url(Output::Sitemap)
        ),
        _ => String::new(),
    }
}

fn atom(site: &Site, title: &str, feed: Output, entries: &[usize]) -> String {
    let c = &site.config;
    let self_url = format!("{}{}", c.base_url, site.url(feed));
    let alternate = match feed {
        Output::Feed(Some((t, i))) => format!(
            "{}{}",
            c.base_url,
            site.url(Output::Term(t, i, crate::model::NEWEST))
        ),
        _ => c.base_url.clone(),
    };
    let updated = entries
        .iter()
        .map(|&a| site.articles[a].date)
        .max()
        .or_else(|| site.issues.first().map(|i| i.date))
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".to_string());
    let mut x = String::with_capacity(4096 + entries.len() * 8192);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        esc(&c.language)
    );
    let _ = writeln!(x, "  <title>{}</title>", esc(title));
    if let Some(d) = &c.description {
        let _ = writeln!(x, "  <subtitle>{}</subtitle>", esc(d));
    }
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        esc(&self_url)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        esc(&alternate)
    );
    let _ = writeln!(x, "  <id>{}</id>", esc(&self_url));
    let _ = writeln!(x, "  <updated>{updated}</updated>");
    let _ = writeln!(
        x,
        "  <generator version=\"{}\">bulletin</generator>",
        env!("CARGO_PKG_VERSION")
    );
    let author = c.editor.as_deref().unwrap_or(&c.title);
    let _ = writeln!(x, "  <author><name>{}</name></author>", esc(author));
    for &a in entries {
        let art = &site.articles[a];
        let issue = &site.issues[art.issue];
        let link = format!("{}{}", c.base_url, site.url(Output::Article(a)));
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <title>{}</title>", esc(&art.title));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            esc(&link)
        );
        let _ = writeln!(x, "    <id>{}</id>", esc(&link));
        let _ = writeln!(x, "    <published>{}</published>", art.date.rfc3339());
        let _ = writeln!(x, "    <updated>{}</updated>", art.date.rfc3339());
        let author = art
            .unit
            .as_deref()
            .unwrap_or(&site.counties[art.county].name);
        let _ = writeln!(x, "    <author><name>{}</name></author>", esc(author));
        let county = &site.counties[art.county];
        let _ = writeln!(
            x,
            "    <category term=\"{}\" label=\"{}\" scheme=\"{}{}\"/>",
            esc(&county.slug),
            esc(&county.name),
            esc(&c.base_url),
            Taxonomy::Counties.dir()
        );
        for &t in &art.topics {
            let topic = &site.topics[t];
            let _ = writeln!(
                x,
                "    <category term=\"{}\" label=\"{}\" scheme=\"{}{}\"/>",
                esc(&topic.slug),
                esc(&topic.name),
                esc(&c.base_url),
                Taxonomy::Topics.dir()
            );
        }
        let series = issue.series.as_deref().unwrap_or(&c.title);
        let _ = writeln!(
            x,
            "    <summary>{}</summary>",
            esc(&format!("{series} {} · {}", issue.title, art.summary))
        );
        x.push_str("    <content type=\"html\">");
        cdata(
            &absolute_links(&art.html, &c.base_url, c.base_path()),
            &mut x,
        );
        x.push_str("</content>\n  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// A body links to the photos and attachments next to its article from the site root
/// (`/jianbao/issues/2021-125/xianchang.jpg`), which works on every page; a feed is read away from
/// the site, so those links get base_url's scheme and host in front. Only attribute values are
/// touched: an address right after `="`, `='`, `=` or, inside `srcset`, after `, `.
pub fn absolute_links<'h>(
    html: &'h str,
    base_url: &str,
    base_path: &str,
) -> std::borrow::Cow<'h, str> {
    let origin = base_url.strip_suffix(base_path).unwrap_or("");
    let needle = format!("{base_path}issues/");
    if !origin.contains("://") || !html.contains(&needle) {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut last = 0;
    for (at, _) in html.match_indices(&needle) {
        let before = &html.as_bytes()[..at];
        let in_attribute = matches!(
            before,
            [.., b'=', b'"' | b'\''] | [.., b'='] | [.., b',', b' ']
        );
        if in_attribute {
            out.push_str(&html[last..at]);
            out.push_str(origin);
            last = at;
        }
    }
    out.push_str(&html[last..]);
    std::borrow::Cow::Owned(out)
}

/// `sitemap.xml`: the sitemap index, one `<sitemap>` per part, each with the newest date of what
/// it lists (search engines fetch again only the parts whose date moved).
fn sitemap_index(site: &Site) -> String {
    let c = &site.config;
    let newest = site.issues.iter().map(|i| i.date).max();
    let mut x = String::with_capacity(256 + 128 * 64);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for part in site.sitemap_parts() {
        let lastmod = match part {
            SitemapPart::Pages => newest,
            SitemapPart::Year(y) => site
                .issues
                .iter()
                .filter(|i| i.date.year == y)
                .flat_map(|i| {
                    std::iter::once(i.date).chain(i.articles.iter().map(|&a| site.articles[a].date))
                })
                .max(),
        };
        x.push_str("  <sitemap><loc>");
        let url = site.url(Output::SitemapPart(part));
        xml_escape(&format!("{}{}", c.base_url, url), &mut x);
        x.push_str("</loc>");
        if let Some(d) = lastmod {
            let _ = write!(x, "<lastmod>{}</lastmod>", d.iso());
        }
        x.push_str("</sitemap>\n");
    }
    x.push_str("</sitemapindex>\n");
    x
}

/// One part of the sitemap: a year's issues, each followed by its articles (with their dates), or
/// every other page in the order of [`Site::outputs`].
fn sitemap(site: &Site, part: SitemapPart) -> String {
    let c = &site.config;
    let outputs: Vec<Output> = match part {
        SitemapPart::Year(y) => site
            .issues
            .iter()
            .enumerate()
            .filter(|(_, i)| i.date.year == y)
            .flat_map(|(n, i)| {
                std::iter::once(Output::Issue(n))
                    .chain(i.articles.iter().map(|&a| Output::Article(a)))
            })
            .collect(),
        // The 404 page and the search page are not content for search engines to list.
        SitemapPart::Pages => site
            .outputs()
            .into_iter()
            .filter(|&o| o.is_html() && o != Output::NotFound && o != Output::Search)
            .filter(|&o| site.sitemap_part_of(o) == SitemapPart::Pages)
            .collect(),
    };
    let mut x = String::with_capacity(256 + outputs.len() * 128);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for o in outputs {
        let lastmod = match o {
            Output::Article(a) => Some(site.articles[a].date),
            Output::Issue(i) => Some(site.issues[i].date),
            _ => None,
        };
        x.push_str("  <url><loc>");
        xml_escape(&format!("{}{}", c.base_url, site.url(o)), &mut x);
        x.push_str("</loc>");
        if let Some(d) = lastmod {
            let _ = write!(x, "<lastmod>{}</lastmod>", d.iso());
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}
