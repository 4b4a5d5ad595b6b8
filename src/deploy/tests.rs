//! The deploy's pure parts: the plan as a table of local and remote states, the header table,
//! the target URLs.

use std::collections::BTreeMap;

use super::headers::{self, Class, Rules};
use super::plan::*;
use super::target::{S3Target, SftpTarget, Target, parse};

const HTML: &str = "text/html; charset=utf-8";

fn local(path: &str, content: &str) -> LocalFile {
    let (content_type, cache_control) = Rules::default().headers(path);
    LocalFile {
        path: path.to_string(),
        size: content.len() as u64,
        hash: blake3::hash(content.as_bytes()).to_hex().to_string(),
        md5: Some(md5_hex(content)),
        content_type,
        cache_control,
    }
}

fn md5_hex(s: &str) -> String {
    use md5::Digest;
    md5::Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn entry(f: &LocalFile) -> ManifestEntry {
    ManifestEntry {
        hash: f.hash.clone(),
        size: f.size,
        content_type: f.content_type.clone(),
        cache_control: f.cache_control.clone(),
    }
}

/// What the plan does with the one file `index.html`.
fn decide(
    here: Option<&str>,
    manifest: Option<ManifestEntry>,
    object: Option<RemoteObject>,
) -> (Kind, Reason) {
    let files: Vec<LocalFile> = here.map(|c| local("index.html", c)).into_iter().collect();
    let remote = RemoteState {
        manifest: Some(Manifest {
            format: 1,
            files: manifest
                .into_iter()
                .map(|e| ("index.html".to_string(), e))
                .collect(),
        }),
        objects: object
            .into_iter()
            .map(|o| ("index.html".to_string(), o))
            .collect(),
    };
    let p = plan(&files, &remote);
    let a = &p.actions[0];
    (a.kind, a.reason.clone())
}

fn obj(size: usize, etag: Option<&str>) -> Option<RemoteObject> {
    Some(RemoteObject {
        size: Some(size as u64),
        etag: etag.map(str::to_string),
    })
}

/// One row of the plan's table: case, local content, manifest entry, listed object, outcome.
type Case<'a> = (
    &'a str,
    Option<&'a str>,
    Option<ManifestEntry>,
    Option<RemoteObject>,
    Kind,
    Reason,
);

#[test]
fn the_plan_decides_each_file_by_its_manifest_entry_and_the_listing() {
    let same = local("index.html", "<p>v1");
    let old = local("index.html", "<p>v0");
    let mut other_cc = entry(&same);
    other_cc.cache_control = "no-store".to_string();
    let table: Vec<Case> = vec![
        (
            "unchanged",
            Some("<p>v1"),
            Some(entry(&same)),
            obj(5, None),
            Kind::Keep,
            Reason::Unchanged,
        ),
        (
            "edited",
            Some("<p>v1"),
            Some(entry(&old)),
            obj(5, None),
            Kind::Upload,
            Reason::ContentChanged,
        ),
        ("new", Some("<p>v1"), None, None, Kind::Upload, Reason::New),
        (
            "recorded but missing",
            Some("<p>v1"),
            Some(entry(&same)),
            None,
            Kind::Upload,
            Reason::Missing,
        ),
        (
            "resized behind our back",
            Some("<p>v1"),
            Some(entry(&same)),
            obj(99, None),
            Kind::Upload,
            Reason::SizeDiffers,
        ),
        (
            "size unknown (a folder) and same",
            Some("<p>v1"),
            Some(entry(&same)),
            Some(RemoteObject::default()),
            Kind::Keep,
            Reason::Unchanged,
        ),
        (
            "headers changed",
            Some("<p>v1"),
            Some(other_cc),
            obj(5, None),
            Kind::Upload,
            Reason::HeadersChanged {
                content_type: None,
                cache_control: Some(("no-store".to_string(), headers::SHORT.to_string())),
            },
        ),
        (
            "no entry, ETag is the MD5",
            Some("<p>v1"),
            None,
            obj(5, Some(&format!("\"{}\"", md5_hex("<p>v1")))),
            Kind::Keep,
            Reason::EtagMatches,
        ),
        (
            "no entry, ETag differs",
            Some("<p>v1"),
            None,
            obj(5, Some(&md5_hex("<p>v0"))),
            Kind::Upload,
            Reason::EtagDiffers,
        ),
        (
            "no entry, multipart ETag",
            Some("<p>v1"),
            None,
            obj(5, Some("\"0123456789abcdef0123456789abcdef-2\"")),
            Kind::Upload,
            Reason::Unknown,
        ),
        (
            "no entry, no ETag (a folder, SFTP)",
            Some("<p>v1"),
            None,
            Some(RemoteObject::default()),
            Kind::Upload,
            Reason::Unknown,
        ),
        (
            "gone from the output",
            None,
            Some(entry(&same)),
            obj(5, None),
            Kind::Delete,
            Reason::Gone,
        ),
    ];
    for (case, here, manifest, object, kind, reason) in table {
        assert_eq!(decide(here, manifest, object), (kind, reason), "{case}");
    }
}

#[test]
fn a_second_plan_with_nothing_changed_writes_nothing() {
    let files = vec![local("index.html", "a"), local("style.0123abcd.css", "b")];
    let remote = RemoteState {
        manifest: Some(Manifest::of(&files)),
        objects: files
            .iter()
            .map(|f| {
                (
                    f.path.clone(),
                    RemoteObject {
                        size: Some(f.size),
                        etag: None,
                    },
                )
            })
            .collect(),
    };
    let p = plan(&files, &remote);
    assert!(p.is_empty(), "{p:?}");
    assert!(!p.write_manifest);
}

#[test]
fn a_target_without_manifest_gets_one_even_when_every_etag_matches() {
    let files = vec![local("a.pdf", "x")];
    let remote = RemoteState {
        manifest: None,
        objects: BTreeMap::from([(
            "a.pdf".to_string(),
            RemoteObject {
                size: Some(1),
                etag: Some(md5_hex("x")),
            },
        )]),
    };
    let p = plan(&files, &remote);
    assert_eq!(p.uploads().count(), 0);
    assert!(p.write_manifest);
}

#[test]
fn uploads_go_in_reading_order_and_deletes_last() {
    let files: Vec<LocalFile> = [
        "sitemap.xml",
        "feed.xml",
        "index.html",
        "issues/index.html",
        "issues/2021-125/index.html",
        "issues/2021-125/01-renshe/index.html",
        "style.0123abcd.css",
        "issues/2021-125/xianchang-800.jpg",
        "issues/2021-125/附件1.pdf",
    ]
    .iter()
    .map(|p| local(p, p))
    .collect();
    let remote = RemoteState {
        manifest: None,
        objects: BTreeMap::from([("old.html".to_string(), RemoteObject::default())]),
    };
    let order: Vec<String> = plan(&files, &remote)
        .actions
        .iter()
        .map(|a| a.path.clone())
        .collect();
    assert_eq!(
        order,
        [
            "issues/2021-125/附件1.pdf",
            "issues/2021-125/xianchang-800.jpg",
            "style.0123abcd.css",
            "issues/2021-125/01-renshe/index.html",
            "issues/2021-125/index.html",
            "issues/index.html",
            "index.html",
            "feed.xml",
            "sitemap.xml",
            "old.html",
        ]
    );
}

#[test]
fn too_many_deletes_or_a_shrunken_output_are_refused() {
    let files: Vec<LocalFile> = (0..10).map(|i| local(&format!("{i}.html"), "x")).collect();
    let mut objects: BTreeMap<String, RemoteObject> = files
        .iter()
        .map(|f| (f.path.clone(), RemoteObject::default()))
        .collect();
    for i in 0..5 {
        objects.insert(format!("old{i}.html"), RemoteObject::default());
    }
    let remote = RemoteState {
        manifest: None,
        objects,
    };
    let p = plan(&files, &remote);
    assert!(p.refusal(256, false).is_none());
    assert!(p.refusal(4, true).unwrap().contains("deletes 5 files"));
    assert!(p.refusal(5, true).is_none());
    // 10 here, 25 there: under half.
    let mut objects = remote.objects.clone();
    for i in 5..15 {
        objects.insert(format!("old{i}.html"), RemoteObject::default());
    }
    let p = plan(
        &files,
        &RemoteState {
            manifest: None,
            objects,
        },
    );
    assert!(p.refusal(256, false).unwrap().contains("under half"));
    assert!(p.refusal(256, true).is_none());
}

#[test]
fn the_manifest_is_never_planned_as_a_delete() {
    let remote = RemoteState {
        manifest: None,
        objects: BTreeMap::from([(MANIFEST.to_string(), RemoteObject::default())]),
    };
    assert!(
        plan(&[local("index.html", "x")], &remote)
            .deletes()
            .next()
            .is_none()
    );
}

#[test]
fn content_types_come_from_the_table_with_utf8_on_text() {
    for (path, ct) in [
        ("index.html", HTML),
        ("style.0123abcd.css", "text/css; charset=utf-8"),
        ("search/app.js", "text/javascript; charset=utf-8"),
        ("search/index-3.json", "application/json; charset=utf-8"),
        ("feed.xml", "application/atom+xml; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("stats/按县.csv", "text/csv; charset=utf-8"),
        ("a/照片.JPG", "image/jpeg"),
        ("a/附件+1.pdf", "application/pdf"),
        (
            "a/b.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("a/noext", "application/octet-stream"),
    ] {
        assert_eq!(headers::content_type(path), ct, "{path}");
    }
}

#[test]
fn fingerprinted_files_are_immutable_and_pages_short() {
    assert_eq!(
        headers::cache_control("style.3f9a1c0e.css"),
        headers::IMMUTABLE
    );
    assert_eq!(headers::cache_control("index.html"), headers::SHORT);
    assert_eq!(headers::cache_control("search/index.json"), headers::SHORT);
    assert_eq!(headers::cache_control("issues/x/a.pdf"), headers::DAY);
    assert_eq!(
        headers::cache_control("issues/x/deadbeef.jpg"),
        headers::DAY
    );
}

#[test]
fn header_rules_override_by_pattern_first_match_wins() {
    let rules = Rules {
        rules: vec![
            (
                "issues/**/*.pdf".to_string(),
                Some("no-cache".to_string()),
                None,
            ),
            (
                "*.pdf".to_string(),
                Some("public, max-age=60".to_string()),
                Some("application/x-test".to_string()),
            ),
        ],
    };
    assert_eq!(
        rules.headers("issues/2021-125/a.pdf"),
        ("application/x-test".to_string(), "no-cache".to_string())
    );
    assert_eq!(rules.headers("b.pdf").1, "public, max-age=60");
    assert_eq!(rules.headers("index.html").1, headers::SHORT);
    assert!(headers::matches("issues/**", "issues/a/b/c.html"));
    assert!(!headers::matches("issues/*.html", "issues/a/b.html"));
    assert!(headers::matches("**/index.html", "index.html"));
}

#[test]
fn pages_are_classed_for_the_upload_order() {
    assert_eq!(Class::of("issues/2021-125/01-x/index.html"), Class::Article);
    assert_eq!(Class::of("issues/2021-125/index.html"), Class::List);
    assert_eq!(Class::of("index.html"), Class::Home);
    assert_eq!(Class::of("index.html.gz"), Class::Home);
    assert_eq!(Class::of("counties/x/feed.xml"), Class::Feed);
    assert_eq!(Class::of("robots.txt"), Class::Sitemap);
}

#[test]
fn target_urls_parse_with_path_style_for_ip_and_localhost_endpoints() {
    assert_eq!(
        parse("s3://jianbao/site/?endpoint=https://oss-cn-hangzhou.aliyuncs.com&region=oss-cn-hangzhou").unwrap(),
        Target::S3(S3Target {
            bucket: "jianbao".to_string(),
            prefix: "site/".to_string(),
            endpoint: Some("https://oss-cn-hangzhou.aliyuncs.com".to_string()),
            region: Some("oss-cn-hangzhou".to_string()),
            path_style: false,
        })
    );
    let path_style = |u: &str| match parse(u).unwrap() {
        Target::S3(t) => t.path_style,
        _ => unreachable!(),
    };
    assert!(path_style("s3://b?endpoint=http://127.0.0.1:9000"));
    assert!(path_style("s3://b?endpoint=http://localhost:9000"));
    assert!(!path_style("s3://b"));
    assert!(path_style(
        "s3://b?endpoint=https://minio.example.gov.cn&style=path"
    ));
    assert_eq!(
        parse("sftp://deploy@10.0.0.5:2222/srv/www/jianbao").unwrap(),
        Target::Sftp(SftpTarget {
            user: Some("deploy".to_string()),
            host: "10.0.0.5".to_string(),
            port: 2222,
            path: "/srv/www/jianbao/".to_string(),
        })
    );
    #[cfg(unix)]
    assert_eq!(
        parse("file:///srv/www/%E7%AE%80%E6%8A%A5").unwrap(),
        Target::Folder("/srv/www/简报".into())
    );
}

#[test]
fn target_urls_with_secrets_or_unknown_settings_are_refused() {
    assert!(
        parse("sftp://u:hunter2@h/srv")
            .unwrap_err()
            .contains("password")
    );
    assert!(
        parse("s3://b?secret_access_key=x")
            .unwrap_err()
            .contains("secret_access_key")
    );
    assert!(parse("s3://b?endpiont=x").unwrap_err().contains("endpiont"));
    assert!(parse("ftp://h/x").unwrap_err().contains("ftp://"));
    assert!(
        parse("s3://b?endpoint=oss.example.com")
            .unwrap_err()
            .contains("endpoint")
    );
}

#[test]
fn changed_urls_name_folders_for_index_pages_and_encode_chinese() {
    let urls = super::changed_urls(
        "https://example.gov.cn/jianbao/",
        &["index.html".to_string(), "issues/x/附件+1.pdf".to_string()],
    );
    assert_eq!(
        urls,
        [
            "https://example.gov.cn/jianbao/",
            "https://example.gov.cn/jianbao/index.html",
            "https://example.gov.cn/jianbao/issues/x/%E9%99%84%E4%BB%B6%2B1.pdf",
        ]
    );
}

#[test]
fn target_urls_that_climb_out_of_their_folder_or_are_not_absolute_are_refused() {
    for url in [
        "file:///srv/www/jianbao/..",
        "file:///srv/www/jianbao/../../etc",
        "file:///srv/www/./jianbao",
        "sftp://deploy@web1/srv/www/../../root/.ssh",
        "sftp://deploy@web1/srv/www/%2e%2e/etc",
        "sftp://deploy@web1/srv/www%2F..%2Fetc",
        "s3://bucket/jb/../other/?endpoint=http://127.0.0.1:9000",
        "s3://bucket/jb/%2E%2E/?endpoint=http://127.0.0.1:9000",
        "file:///C:/www/jianbao\\..\\windows",
    ] {
        let e = parse(url).unwrap_err();
        assert!(e.contains("outside the folder it names"), "{url}: {e}");
    }
    for url in [
        "file:www",
        "file:./www",
        "file:/srv/www",
        "file://web1/srv/www",
    ] {
        let e = parse(url).unwrap_err();
        assert!(
            e.contains("not an absolute folder") || e.contains("not a folder on this machine"),
            "{url}: {e}"
        );
    }
    // `..` inside a name is a name.
    assert_eq!(
        parse("file:///srv/www/jianbao..v2").unwrap(),
        Target::Folder("/srv/www/jianbao..v2".into())
    );
}

#[test]
fn names_the_target_lists_outside_its_folder_are_never_deleted_and_refuse_the_plan() {
    use super::target::inside;
    for good in [
        "index.html",
        "issues/2021-1/附件+1 实施方案.pdf",
        "a..b/c",
        ".hidden",
    ] {
        assert!(inside(good), "{good}");
    }
    for bad in [
        "",
        "/etc/passwd",
        "../x",
        "a/../../x",
        "a/./b",
        "a//b",
        "a\\..\\b",
        "C:/x",
        "a\0b",
    ] {
        assert!(!inside(bad), "{bad:?}");
    }
    let remote = RemoteState {
        manifest: None,
        objects: BTreeMap::from([
            ("../evil.txt".to_string(), RemoteObject::default()),
            ("/abs.txt".to_string(), RemoteObject::default()),
            ("old.html".to_string(), RemoteObject::default()),
        ]),
    };
    let p = plan(&[local("index.html", "x")], &remote);
    let deletes: Vec<&str> = p.deletes().map(|a| a.path.as_str()).collect();
    assert_eq!(deletes, ["old.html"]);
    assert_eq!(p.outside, ["../evil.txt", "/abs.txt"]);
    let why = p.refusal(256, true).unwrap();
    assert!(
        why.contains("`../evil.txt` and 1 more such names") && why.contains("nothing was changed"),
        "{why}"
    );
}
