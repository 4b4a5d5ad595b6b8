use super::*;
use crate::config::Config;

fn site(articles: &[(&str, &str, &[&str])]) -> Site {
    // One issue per two articles, counties and topics as given.
    let mut issues = Vec::new();
    let mut arts = Vec::new();
    let mut counties: Vec<Term> = Vec::new();
    let mut topics: Vec<Term> = Vec::new();
    for (i, (slug, county, tops)) in articles.iter().enumerate() {
        let issue = i / 2;
        if issues.len() <= issue {
            issues.push(Issue {
                slug: format!("i{issue}"),
                number: issue as i64,
                date: Date {
                    year: 2021,
                    month: 1,
                    day: 1,
                },
                title: String::new(),
                series: None,
                editor: None,
                extra: Default::default(),
                intro_html: "".into(),
                intro_balanced: true,
                articles: Vec::new(),
                path: PathBuf::new(),
            });
        }
        issues[issue].articles.push(i);
        let term = |list: &mut Vec<Term>, name: &str| {
            let idx = list.iter().position(|t| t.name == name).unwrap_or_else(|| {
                list.push(Term {
                    name: name.into(),
                    slug: name.into(),
                    order: 0,
                    articles: vec![],
                });
                list.len() - 1
            });
            list[idx].articles.push(i);
            idx
        };
        let c = term(&mut counties, county);
        let ts = tops.iter().map(|t| term(&mut topics, t)).collect();
        arts.push(Article {
            slug: slug.to_string(),
            title: String::new(),
            county: c,
            unit: None,
            topics: ts,
            summary: String::new(),
            date: Date {
                year: 2021,
                month: 1,
                day: 1,
            },
            issue,
            position: i % 2 + 1,
            html: "".into(),
            balanced: true,
            attachments: Vec::new(),
            extra: Default::default(),
            path: PathBuf::new(),
            draft: false,
        });
    }
    let mut config = Config::default_for(std::path::Path::new("/"));
    config.paginate = 1;
    config.stats = false;
    Site {
        config,
        issues,
        articles: arts,
        counties,
        topics,
        assets: Default::default(),
    }
}

#[test]
fn an_article_is_shown_by_its_page_issue_terms_and_the_site_pages() {
    let s = site(&[
        ("a", "于都县", &["教育"]),
        ("b", "定南县", &["医疗"]),
        ("c", "于都县", &["医疗"]),
    ]);
    let got = s.pages_showing_article(0, true);
    let want = vec![
        Output::Home,
        Output::IssueList(NEWEST),
        Output::Issue(0),
        Output::Article(0),
        Output::Article(1),
        Output::TermList(Taxonomy::Counties),
        Output::Term(Taxonomy::Counties, 0, NEWEST),
        Output::Term(Taxonomy::Counties, 0, 1),
        Output::TermList(Taxonomy::Topics),
        Output::Term(Taxonomy::Topics, 0, NEWEST),
        Output::Feed(None),
        Output::Feed(Some((Taxonomy::Counties, 0))),
        Output::Feed(Some((Taxonomy::Topics, 0))),
        Output::Sitemap,
        Output::SitemapPart(SitemapPart::Pages),
        Output::SitemapPart(SitemapPart::Year(2021)),
    ];
    let mut want = want;
    want.sort();
    assert_eq!(got, want);
    // Nothing of the other county or its topic.
    assert!(!got.contains(&Output::Term(Taxonomy::Counties, 1, NEWEST)));
    assert!(!got.contains(&Output::Article(2)));
    // Only the county page it is on, when its place cannot have moved: the oldest of two
    // articles, one a page, is on archived page 1.
    let exact = s.pages_showing_article(2, false);
    assert!(exact.contains(&Output::Term(Taxonomy::Counties, 0, 1)));
    assert!(!exact.contains(&Output::Term(Taxonomy::Counties, 0, NEWEST)));
}
