//! A build writes only what changed: unchanged files keep their bytes, inode and modification
//! time, files no longer produced are removed, and a build with nothing changed writes nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::helpers::TestSite;
use crate::photos::phone_jpeg;

/// Every file of the output: its modification time and (on Unix) inode.
fn stamps(s: &TestSite) -> BTreeMap<String, (SystemTime, u64)> {
    let root = s.path().join("output");
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(&root) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let meta = e.metadata().unwrap();
        let rel = e.path().strip_prefix(&root).unwrap();
        out.insert(
            rel.to_string_lossy().replace('\\', "/"),
            (meta.modified().unwrap(), inode(&meta)),
        );
    }
    out
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_meta: &std::fs::Metadata) -> u64 {
    0
}

/// The sample issue with a photo and an attachment, so pages, feeds, the search index, the
/// theme's files and copies of content files are all in the output.
fn site() -> TestSite {
    let s = TestSite::sample();
    s.file("content/2021-125/xianchang.jpg", phone_jpeg(300, 200, 1));
    s.file("content/2021-125/fangan.pdf", b"%PDF-1.4\n".repeat(100));
    s.file(
        "content/2021-125/06-tupian.md",
        "---\ntitle: 现场照片\ncounty: 于都县\ntopics: [教育]\n---\n\
         ![现场](xianchang.jpg \"图1 现场\")\n\n详见[方案](fangan.pdf)。\n",
    );
    s
}

/// `output files N written, M unchanged, K removed` from `build -v`.
fn changes(stderr: &str) -> (usize, usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("output files"))
        .unwrap_or_else(|| panic!("no `output files` line in {stderr}"));
    let n: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect();
    (n[0], n[1], n[2])
}

/// Long enough that a file written again would get another modification time on any file system
/// the tests run on.
fn tick() {
    std::thread::sleep(Duration::from_millis(1100));
}

#[test]
fn a_build_with_nothing_changed_writes_no_file() {
    let s = site();
    s.build().success();
    let before = stamps(&s);
    let bytes = s.snapshot();
    assert!(before.len() > 20, "{before:?}");
    tick();
    let run = s.run(&["build", "-v"]);
    run.success();
    let (written, unchanged, removed) = changes(&run.stderr);
    assert_eq!((written, removed), (0, 0), "{}", run.stderr);
    // Every file but the marker, which is kept too but not counted.
    assert_eq!(unchanged, before.len() - 1, "{}", run.stderr);
    assert_eq!(stamps(&s), before, "a file got a new time or inode");
    assert!(s.snapshot() == bytes);
}

#[test]
fn only_the_files_whose_bytes_changed_get_a_new_modification_time() {
    let s = site();
    s.build().success();
    let before = stamps(&s);
    let bytes = s.snapshot();
    tick();
    // A new sentence in one article's body: its page and its issue's page show it, and the
    // search index holds it; the other articles' pages do not.
    let path = "content/2021-125/04-yudu-jiaoyu.md";
    let text = std::fs::read_to_string(s.path().join(path)).unwrap();
    s.file(path, format!("{text}\n新增一句：学前教育普及普惠。\n"));
    let run = s.run(&["build", "-v"]);
    run.success();
    let after = stamps(&s);
    let now = s.snapshot();
    let changed: Vec<&String> = now
        .keys()
        .filter(|k| bytes.get(*k) != now.get(*k))
        .collect();
    let retimed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(
        changed, retimed,
        "what changed is exactly what got a new time"
    );
    let article = changed
        .iter()
        .find(|p| p.starts_with("issues/2021-125/") && p.contains("yudu"));
    assert!(article.is_some(), "{changed:?}");
    assert!(changed.contains(&&"issues/2021-125/index.html".to_string()));
    for same in [
        "issues/2021-125/tupian/index.html",
        "404.html",
        "robots.txt",
        "issues/2021-125/fangan.pdf",
    ] {
        assert!(!changed.contains(&&same.to_string()), "{same} changed");
        assert_eq!(before[same], after[same], "{same}");
    }
    assert!(
        !changed
            .iter()
            .any(|p| p.ends_with(".jpg") || p.ends_with(".css")),
        "{changed:?}"
    );
    let (written, _, removed) = changes(&run.stderr);
    assert_eq!(written, changed.len(), "{}", run.stderr);
    assert_eq!(removed, 0);
}

#[test]
fn a_file_no_longer_produced_is_removed() {
    let s = site();
    s.build().success();
    assert!(s.exists("issues/2021-125/tupian/index.html"));
    s.remove("content/2021-125/06-tupian.md")
        .remove("content/2021-125/fangan.pdf")
        .remove("content/2021-125/xianchang.jpg");
    let run = s.run(&["build", "-v"]);
    run.success();
    for gone in [
        "issues/2021-125/tupian/index.html",
        "issues/2021-125/fangan.pdf",
        "issues/2021-125/xianchang.jpg",
    ] {
        assert!(!s.exists(gone), "{gone} is still there");
    }
    assert!(!s.path().join("output/issues/2021-125/tupian").exists());
    let (_, _, removed) = changes(&run.stderr);
    // The page, the attachment, and the photo's copies.
    assert!(removed >= 3, "{}", run.stderr);
}

#[test]
fn precompressed_copies_are_kept_with_their_page_and_redone_when_it_changes() {
    let s = site();
    s.run(&["build", "--precompress"]).success();
    let before = stamps(&s);
    assert!(before.contains_key("issues/2021-125/index.html.gz"));
    tick();
    let run = s.run(&["build", "--precompress", "-v"]);
    run.success();
    assert_eq!(changes(&run.stderr).0, 0, "{}", run.stderr);
    assert_eq!(stamps(&s), before);
    let path = "content/2021-125/04-yudu-jiaoyu.md";
    let text = std::fs::read_to_string(s.path().join(path)).unwrap();
    s.file(path, format!("{text}\n新增一句：学前教育普及普惠。\n"));
    s.run(&["build", "--precompress"]).success();
    let after = stamps(&s);
    for p in [
        "issues/2021-125/index.html.gz",
        "issues/2021-125/index.html.br",
    ] {
        assert_ne!(before[p], after[p], "{p} was not redone");
    }
    assert_eq!(
        before["issues/2021-125/tupian/index.html.gz"],
        after["issues/2021-125/tupian/index.html.gz"]
    );
    let gz = std::fs::read(s.path().join("output/issues/2021-125/index.html.gz")).unwrap();
    let mut page = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut page).unwrap();
    assert!(page.contains("学前教育普及普惠"));
    assert_eq!(page, s.read("issues/2021-125/index.html"));
    // Without --precompress the copies are files no longer produced.
    s.run(&["build"]).success();
    assert!(!s.exists("issues/2021-125/index.html.gz"));
}

#[test]
fn a_build_into_a_fresh_folder_writes_every_file() {
    let s = site();
    let run = s.run(&["build", "-v"]);
    run.success();
    let (written, unchanged, removed) = changes(&run.stderr);
    assert_eq!((unchanged, removed), (0, 0), "{}", run.stderr);
    assert_eq!(written, stamps(&s).len() - 1, "{}", run.stderr);
    assert!(Path::new(&s.path().join("output/.bulletin-output")).is_file());
}
