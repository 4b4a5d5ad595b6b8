//! Tests of the in-memory site: what each kind of change rebuilds, and that the result is what a
//! full build gives.

use super::*;
use crate::serve::change::{ChangeKind, classify};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn article(county: &str, topic: &str, title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ncounty: {county}\ntopics: [{topic}]\n---\n{body}\n")
}

/// A site of three issues; paginate 2 so term pages have several pages.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "site.yaml", "title: 测试\npaginate: 2\n");
    for i in 1..=3 {
        write(
            root,
            &format!("content/2021-{i}/_index.md"),
            &format!("---\nnumber: {i}\ndate: 2021-01-0{i}\n---\n"),
        );
        write(
            root,
            &format!("content/2021-{i}/a.md"),
            &article("于都县", "教育", &format!("于都{i}"), "正文"),
        );
        write(
            root,
            &format!("content/2021-{i}/b.md"),
            &article("定南县", "卫生", &format!("定南{i}"), "正文"),
        );
    }
    dir
}

fn preview(root: &Path) -> Preview {
    Preview::new(root, "http://127.0.0.1:1/", false)
}

/// Write `text` to `rel` and apply that one change, as serve does after a save.
fn edit(p: &mut Preview, root: &Path, rel: &str, text: &str) -> Outcome {
    write(root, rel, text);
    p.apply(&plan(root, rel))
}

fn plan(root: &Path, rel: &str) -> Plan {
    Plan::from_changes([classify(root, "default", &root.join(rel))])
}

/// After any change, the incrementally rebuilt site must equal a fresh full build.
#[track_caller]
fn assert_same_as_full(p: &mut Preview, root: &Path) {
    p.refresh_search().unwrap();
    let mut fresh = preview(root);
    assert!(matches!(fresh.full_rebuild(), Outcome::Reload { .. }));
    let mut a: Vec<_> = p.files.keys().collect();
    let mut b: Vec<_> = fresh.files.keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "same files");
    for k in a {
        assert_eq!(p.files[k], fresh.files[k], "{k} differs from a full build");
    }
}

#[test]
fn an_article_edit_re_renders_only_the_pages_that_show_it() {
    let dir = fixture();
    let root = dir.path();
    let mut p = preview(root);
    let Outcome::Reload { pages: all } = p.full_rebuild() else {
        panic!("first build failed")
    };
    let Outcome::Reload { pages } = edit(
        &mut p,
        root,
        "content/2021-2/a.md",
        &article("于都县", "教育", "于都2改", "新的正文"),
    ) else {
        panic!("rebuild failed")
    };
    assert!(pages < all, "{pages} of {all} pages re-rendered");
    let page = String::from_utf8(p.files["issues/2021-2/a/index.html"].to_vec()).unwrap();
    assert!(page.contains("新的正文"));
    // Pages of the other county are not re-rendered, yet everything matches a full build.
    assert_same_as_full(&mut p, root);
}

#[test]
fn moving_an_article_to_another_county_matches_a_full_build() {
    let dir = fixture();
    let root = dir.path();
    let mut p = preview(root);
    p.full_rebuild();
    assert!(matches!(
        edit(
            &mut p,
            root,
            "content/2021-1/a.md",
            &article("定南县", "卫生", "于都1", "正文")
        ),
        Outcome::Reload { .. }
    ));
    assert_same_as_full(&mut p, root);
}

#[test]
fn new_and_deleted_files_rebuild_the_structure() {
    let dir = fixture();
    let root = dir.path();
    let mut p = preview(root);
    p.full_rebuild();
    edit(
        &mut p,
        root,
        "content/2021-3/c.md",
        &article("会昌县", "教育", "会昌3", "正文"),
    );
    assert!(p.files.contains_key("counties/huichang-xian/index.html"));
    std::fs::remove_file(root.join("content/2021-3/c.md")).unwrap();
    p.apply(&plan(root, "content/2021-3/c.md"));
    assert!(!p.files.contains_key("counties/huichang-xian/index.html"));
    assert_same_as_full(&mut p, root);
}

#[test]
fn the_search_index_catches_up_after_an_edit() {
    let dir = fixture();
    let root = dir.path();
    let mut p = preview(root);
    p.full_rebuild();
    assert!(p.files.contains_key("search/index.json"));
    assert!(!p.search_stale());
    edit(
        &mut p,
        root,
        "content/2021-2/a.md",
        &article("于都县", "教育", "于都2", "新增的独特词语"),
    );
    assert!(p.search_stale());
    assert!(p.refresh_search().unwrap());
    assert!(!p.search_stale());
    assert_same_as_full(&mut p, root);
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_a_fix_clears_it() {
    let dir = fixture();
    let root = dir.path();
    let mut p = preview(root);
    p.full_rebuild();
    let before = p.files.clone();
    let Outcome::Failed(d) = edit(
        &mut p,
        root,
        "content/2021-1/a.md",
        "---\ntitle: [坏\n---\n",
    ) else {
        panic!("should fail")
    };
    assert!(d.render(false).contains("content/2021-1/a.md"));
    assert_eq!(p.files, before, "the last good site is kept");
    // Another good edit elsewhere still reports the broken file.
    assert!(matches!(
        edit(
            &mut p,
            root,
            "content/2021-2/a.md",
            &article("于都县", "教育", "于都2", "改")
        ),
        Outcome::Failed(_)
    ));
    assert!(matches!(
        edit(
            &mut p,
            root,
            "content/2021-1/a.md",
            &article("于都县", "教育", "于都1", "修好了")
        ),
        Outcome::Reload { .. }
    ));
    assert_same_as_full(&mut p, root);
}

#[test]
fn a_template_change_re_renders_the_pages_that_use_it() {
    let dir = fixture();
    let root = dir.path();
    let mut p = preview(root);
    let Outcome::Reload { pages: all } = p.full_rebuild() else {
        panic!()
    };
    let Outcome::Reload { pages } = edit(
        &mut p,
        root,
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>新404</p>{% endblock main %}",
    ) else {
        panic!()
    };
    assert_eq!(pages, 1, "only 404.html uses it (of {all})");
    assert!(
        String::from_utf8(p.files["404.html"].to_vec())
            .unwrap()
            .contains("新404")
    );
    assert_same_as_full(&mut p, root);
}

#[test]
fn a_stylesheet_change_is_a_copy_and_a_css_swap() {
    let dir = fixture();
    let root = dir.path();
    let mut p = preview(root);
    p.full_rebuild();
    write(root, "static/style.css", "body { color: red }");
    let plan = Plan::from_changes([classify(root, "default", &root.join("static/style.css"))]);
    assert_eq!(plan.statics.len(), 1);
    assert_eq!(p.apply(&plan), Outcome::Css);
    assert_eq!(&*p.files["style.css"], b"body { color: red }");
    assert!(!matches!(
        classify(root, "default", &root.join("output/x")),
        ChangeKind::Static(_)
    ));
}

#[test]
fn adding_the_photo_an_article_names_fixes_it_and_publishes_the_photo() {
    let dir = fixture();
    let root = dir.path();
    let mut p = preview(root);
    assert!(matches!(p.full_rebuild(), Outcome::Reload { .. }));
    let text = article(
        "于都县",
        "教育",
        "于都1",
        "正文\n\n![于都县幼儿园](xianchang.png)",
    );
    let Outcome::Failed(d) = edit(&mut p, root, "content/2021-1/a.md", &text) else {
        panic!("a missing photo is an error");
    };
    assert!(format!("{d:?}").contains("xianchang.png"), "{d:?}");
    let mut png = Vec::new();
    ::image::RgbImage::from_pixel(40, 30, ::image::Rgb([1, 2, 3]))
        .write_to(
            &mut std::io::Cursor::new(&mut png),
            ::image::ImageFormat::Png,
        )
        .unwrap();
    let rel = "content/2021-1/xianchang.png";
    std::fs::write(root.join(rel), &png).unwrap();
    assert_eq!(
        plan(root, rel).assets.into_iter().collect::<Vec<_>>(),
        vec![rel.to_string()]
    );
    assert!(
        matches!(p.apply(&plan(root, rel)), Outcome::Reload { .. }),
        "the article is reloaded with its photo"
    );
    assert!(p.files.contains_key("issues/2021-1/xianchang.png"));
    let page = String::from_utf8_lossy(&p.files["issues/2021-1/a/index.html"]).into_owned();
    assert!(page.contains("width=\"40\" height=\"30\""), "{page}");
    assert_same_as_full(&mut p, root);
}
