//! `bulletin import` you can trust end to end: what it writes always builds. Every import fixture
//! imported into the sample site either builds with `--check-links` or is refused by the import
//! with a message; an article the rules cannot settle is asked for on a terminal (driven here
//! through a pseudo-terminal, as a person types), settled by `--topic`/`--county` in scripts, or
//! stops the import before anything is written; a PDF's photos come with it, and a Word file's
//! photos are written as the document shows them (turned, flipped), not as stored.

use std::path::{Path, PathBuf};

use crate::helpers::{Run, TestSite, repo, snapshot};

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/import").join(name)
}

/// Issue 131 as text: its third article (河长制) matches none of the sample site's topic keywords.
const ISSUE_131: &str = "赣州市“五型”政府建设工作简报

第 131 期

市“五型”政府建设领导小组办公室          2021 年 9 月 16 日

于都县推进学前教育优质均衡发展

\u{3000}\u{3000}于都县新建公办幼儿园 6 所，新增学位 2160 个，入园难问题得到缓解，教育质量稳步提升。

市人社局开展农民工技能培训

\u{3000}\u{3000}市人社局组织农民工技能培训 86 期，培训 5200 人次，帮助 3100 名农民工实现就业。

崇义县全面推行河长制守护一江清水

\u{3000}\u{3000}崇义县建立县乡两级河长体系，落实河道巡查制度，全年清理河道 320 公里，水质达标率保持 100%。

市“五型”政府建设领导小组办公室编
";

fn sample_with_131() -> TestSite {
    let s = TestSite::sample();
    s.file("incoming/131.txt", ISSUE_131);
    s
}

#[test]
fn every_import_fixture_either_builds_with_checked_links_or_is_refused_before_writing() {
    let mut inputs: Vec<PathBuf> = vec![repo().join("seeds/ganzhou-wuxing-2021-125.txt")];
    for name in [
        "gb18030-crlf.txt",
        "utf8-bom-hard-wrapped.txt",
        "jianbao.docx",
        "jianbao.pdf",
        "photos.docx",
        "photos.pdf",
        "turned.docx",
    ] {
        inputs.push(fixture(name));
    }
    let mut outcomes = Vec::new();
    for input in &inputs {
        let s = TestSite::sample();
        // The sample already holds issue 125: import it beside, as a new site would.
        std::fs::remove_dir_all(s.path().join("content/2021-125")).unwrap();
        let before = snapshot(s.path());
        let run = s.run(&["import", "--no-input", input.to_str().unwrap()]);
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        if run.code == 0 {
            if run.stderr.contains("the masthead is marked 内部资料") {
                // Written with `classification: 内部资料`: the build refuses it until someone
                // records that it may go online (docs/review.md), and then it builds.
                let refused = s.run(&["build"]);
                assert!(
                    refused.code != 0 && refused.stderr.contains("内部资料"),
                    "{name}: a 内部资料 issue built without a decision:\n{}",
                    refused.stderr
                );
                decide_public(s.path());
            }
            let built = s.run(&["build", "--check-links"]);
            assert_eq!(
                built.code, 0,
                "{name} was imported but the site does not build:\n{}{}",
                run.stderr, built.stderr
            );
            outcomes.push((name, "built"));
        } else {
            assert!(
                run.stderr.contains("nothing was written"),
                "{name} failed without saying so:\n{}",
                run.stderr
            );
            assert_eq!(before, snapshot(s.path()), "{name} wrote something");
            outcomes.push((name, "refused"));
        }
    }
    // What each does today: the GB18030 issue's 营商环境 article (marked 内部资料, once decided)
    // and the Word and PDF files build; none is refused. (A regression that writes what the build refuses fails above.)
    assert!(outcomes.iter().all(|(_, o)| *o == "built"), "{outcomes:?}");
}

/// Record the decision that every issue marked 内部资料 under `content/` may be published.
fn decide_public(site: &std::path::Path) {
    for entry in std::fs::read_dir(site.join("content")).unwrap() {
        let index = entry.unwrap().path().join("_index.md");
        let Ok(text) = std::fs::read_to_string(&index) else {
            continue;
        };
        if text.contains("classification: 内部资料") {
            let decided = text.replacen("---\n", "---\npublic: 主动公开\n", 1);
            std::fs::write(&index, decided).unwrap();
        }
    }
}

#[test]
fn an_article_no_rule_settles_stops_the_import_without_a_terminal_listing_what_to_set() {
    let s = sample_with_131();
    let before = snapshot(s.path());
    let run = s.run(&["import", "incoming/131.txt"]);
    run.failure()
        .stderr_has("article 3 「崇义县全面推行河长制守护一江清水」: no topic keyword occurs in it")
        .stderr_has("incoming/131.txt:15")
        .stderr_has("set it with `--topic 3=NAME` (several: `NAME,NAME`)")
        .stderr_has(
            "import stopped: 1 article needs a choice (--topic, --county); nothing was written",
        );
    assert_eq!(before, snapshot(s.path()));
    // A dry run says it would stop.
    s.run(&["import", "--dry-run", "incoming/131.txt"])
        .failure()
        .stderr_has("the import would stop before writing");
}

#[test]
fn a_topic_flag_settles_it_and_the_summary_says_which_topics_a_person_chose() {
    let s = sample_with_131();
    let run = s.run(&[
        "import",
        "incoming/131.txt",
        "--topic",
        "3=民生保障,乡村振兴",
    ]);
    run.success();
    assert!(
        run.stdout.contains(
            "county: 崇义县 (from the title)  unit: 崇义县  topics: 民生保障、乡村振兴 (chosen)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("topics: 教育 (from keywords)"),
        "{}",
        run.stdout
    );
    let article = content(&s, "03-");
    assert!(
        article.contains("topics:\n  - 民生保障\n  - 乡村振兴\n"),
        "{article}"
    );
    s.run(&["build", "--check-links"]).success();
}

#[test]
fn a_flag_naming_a_topic_the_site_lacks_or_no_article_is_refused_with_what_is_known() {
    let s = sample_with_131();
    s.run(&["import", "incoming/131.txt", "--topic", "3=生态环保"])
        .failure()
        .stderr_has("`生态环保` is not one of site.yaml's topics")
        .stderr_has("or add `生态环保` to `topics:` in site.yaml")
        .stderr_has("nothing was written");
    s.run(&["import", "incoming/131.txt", "--topic", "9=教育"])
        .failure()
        .stderr_has("a choice for article 9 names no article: content/2021-131 has 3 articles");
    s.run(&["import", "incoming/131.txt", "--county", "3=崇义"])
        .failure()
        .stderr_has("--topic 3=NAME");
    s.run(&["import", "incoming/131.txt", "--topic", "three=教育"])
        .failure()
        .stderr_has("`three` is not an article number");
    assert!(!s.exists("content/2021-131"));
}

#[test]
fn a_default_topic_outside_the_vocabulary_is_a_configuration_error_naming_the_key() {
    let s = sample_with_131();
    let yaml = std::fs::read_to_string(s.path().join("site.yaml")).unwrap();
    s.file(
        "site.yaml",
        format!("{yaml}\nimport:\n  default_topic: 综合\n"),
    );
    s.run(&["import", "incoming/131.txt"])
        .failure()
        .stderr_has("import.default_topic `综合` is not one of site.yaml's topics")
        .stderr_has("就业创业、住房城建、民生保障、产业发展、教育、医疗卫生、乡村振兴、营商环境");
    // Set to one it has, the default settles the article, with a warning.
    s.file(
        "site.yaml",
        format!("{yaml}\nimport:\n  default_topic: 民生保障\n"),
    );
    let run = s.run(&["import", "incoming/131.txt"]);
    run.success()
        .stderr_has("no topic rule matches; the article gets the default topic `民生保障`");
    assert!(
        run.stdout.contains("民生保障 (the default topic)"),
        "{}",
        run.stdout
    );
    s.run(&["build", "--check-links"]).success();
}

#[test]
fn a_pdf_printed_by_libreoffice_keeps_both_photos_upright_with_their_captions_as_alt_text() {
    let s = TestSite::sample();
    let run = s.run(&["import", fixture("photos.pdf").to_str().unwrap()]);
    run.success();
    assert!(
        run.stdout.contains("pictures: 2 kept, 0 skipped"),
        "{}",
        run.stdout
    );
    let dir = s.path().join("content/2021-131");
    let files = names(&dir);
    let first = content(&s, "01-yudu-jiaoyu.md");
    let second = content(&s, "02-ruijin-weisheng.md");
    // LibreOffice prints a picture the document turns as a new bitmap (a PNG here); a photo it
    // prints as it is stays a JPEG.
    let photo1 = files
        .iter()
        .find(|f| f.starts_with("01-yudu-jiaoyu-1."))
        .unwrap_or_else(|| panic!("{files:?}"));
    assert!(
        first.contains(&format!("![图为于都县新建的公办中心幼儿园]({photo1})")),
        "{first}\n{files:?}"
    );
    assert!(
        second.contains("![图为瑞金市叶坪乡村卫生室的村医为群众看病](02-ruijin-weisheng-1.png)"),
        "{second}\n{files:?}"
    );
    // The captions are alt text, not paragraphs too.
    assert_eq!(first.matches("图为于都县").count(), 1, "{first}");
    // The photo is where the text puts it: after the first paragraph, before the second.
    let para1 = first.find("占比提高到 52%").unwrap();
    let photo = first.find("![").unwrap();
    let para2 = first.find("各幼儿园按标准配齐").unwrap();
    assert!(para1 < photo && photo < para2, "{first}");
    // Upright: the portrait photo, stored sideways and turned upright in the document, reads top
    // red and bottom blue (with any EXIF orientation applied, as the site applies it); the PNG
    // keeps its transparent corners.
    let jpeg = std::fs::read(dir.join(photo1)).unwrap();
    let shown = upright(&jpeg);
    assert!(shown.height() > shown.width(), "{:?}", shown.dimensions());
    assert_reddish(shown.get_pixel(shown.width() / 2, 5).0);
    assert_bluish(shown.get_pixel(shown.width() / 2, shown.height() - 5).0);
    let png =
        image::load_from_memory(&std::fs::read(dir.join("02-ruijin-weisheng-1.png")).unwrap())
            .unwrap()
            .to_rgba8();
    assert!(png.width() > png.height());
    assert_eq!(png.get_pixel(2, 2).0[3], 0, "a corner is transparent");
    assert_eq!(png.get_pixel(png.width() / 2, png.height() / 2).0[3], 255);
    s.run(&["build", "--check-links"]).success();
    let page = s.main_of("issues/2021-131/index.html");
    assert!(
        page.contains(r#"alt="图为于都县新建的公办中心幼儿园""#),
        "{page}"
    );
    assert!(page.contains(r#"alt="图为瑞金市叶坪乡村卫生室的村医为群众看病""#));
}

#[test]
fn a_word_files_turned_and_flipped_photos_are_written_as_the_document_shows_them() {
    let s = TestSite::sample();
    let docx = fixture("turned.docx");
    let run = s.run(&["import", docx.to_str().unwrap()]);
    run.success().stderr_has(
        "picture 4 (word/media/image4.jpg) in article `瑞金市推进村卫生室一体化管理` is written as stored (02-ruijin-weisheng-3.jpg), not as the document shows it: it is turned 30° in the document, not a multiple of 90°",
    );
    assert!(
        run.stdout.contains("pictures: 4 kept, 0 skipped"),
        "{}",
        run.stdout
    );
    let dir = s.path().join("content/2021-132");
    let files = names(&dir);
    let media = |part: &str| {
        let mut zip =
            zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(&docx).unwrap())).unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(part).unwrap(), &mut out).unwrap();
        out
    };
    let written = |name: &str| {
        std::fs::read(dir.join(name)).unwrap_or_else(|_| panic!("no {name} in {files:?}"))
    };

    // The phone photo, stored sideways (360 × 240, its top on the left, EXIF orientation 6) and
    // turned 90° clockwise by the document: written portrait, top red with the green square in
    // the top left corner, bottom blue, and no EXIF orientation left for the build to apply again.
    let stored = image::load_from_memory(&media("word/media/image1.jpg")).unwrap();
    assert_eq!((stored.width(), stored.height()), (360, 240));
    let jpeg = written("01-yudu-jiaoyu-1.jpg");
    assert_eq!(
        image::guess_format(&jpeg).unwrap(),
        image::ImageFormat::Jpeg
    );
    let shown = upright(&jpeg);
    assert_eq!(shown.dimensions(), (240, 360));
    assert_greenish(shown.get_pixel(10, 10).0);
    assert_reddish(shown.get_pixel(200, 10).0);
    assert_bluish(shown.get_pixel(120, 350).0);
    assert_eq!(exif_orientation(&jpeg), None);

    // The PNG, stored mirrored and flipped back by the document: green at the top left, its
    // transparent corner at the bottom right, still a PNG.
    let png = image::load_from_memory(&written("02-ruijin-weisheng-1.png"))
        .unwrap()
        .to_rgba8();
    assert_eq!(png.dimensions(), (300, 200));
    let p = png.get_pixel(10, 10).0;
    assert_greenish([p[0], p[1], p[2]]);
    assert_eq!(p[3], 255);
    assert_eq!(png.get_pixel(295, 195).0[3], 0, "the transparent corner");
    assert_eq!(png.get_pixel(5, 195).0[3], 255);

    // Shown as stored, and tilted 30° (left as stored, with the warning above): the bytes of the
    // file's media, exactly.
    assert_eq!(
        written("02-ruijin-weisheng-2.jpg"),
        media("word/media/image3.jpg")
    );
    assert_eq!(
        written("02-ruijin-weisheng-3.jpg"),
        media("word/media/image4.jpg")
    );
    let article = std::fs::read_to_string(dir.join("02-ruijin-weisheng.md")).unwrap();
    assert!(
        article.contains("![图为村医为群众看病](02-ruijin-weisheng-2.jpg)"),
        "{article}"
    );
    s.run(&["build", "--check-links"]).success();
}

#[test]
fn the_sideways_portrait_of_the_photos_fixture_is_imported_from_word_upright() {
    let s = TestSite::sample();
    s.run(&["import", fixture("photos.docx").to_str().unwrap()])
        .success();
    // Stored 360 × 240 with its top on the right, turned 270° clockwise by the document.
    let jpeg = std::fs::read(s.path().join("content/2021-131/01-yudu-jiaoyu-1.jpg")).unwrap();
    let shown = upright(&jpeg);
    assert_eq!(shown.dimensions(), (240, 360));
    assert_reddish(shown.get_pixel(120, 5).0);
    assert_bluish(shown.get_pixel(120, 355).0);
}

/// A JPEG's EXIF orientation, if it has one.
fn exif_orientation(jpeg: &[u8]) -> Option<u32> {
    exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(jpeg))
        .ok()
        .and_then(|e| {
            e.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
                .and_then(|f| f.value.get_uint(0))
        })
}

/// The text of the Markdown file of content/2021-131 whose name starts with `prefix`.
fn content(s: &TestSite, prefix: &str) -> String {
    let dir = s.path().join("content/2021-131");
    let name = names(&dir)
        .into_iter()
        .find(|n| n.starts_with(prefix) && n.ends_with(".md"))
        .unwrap_or_else(|| panic!("no {prefix}… in {:?}", names(&dir)));
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// A JPEG as shown: its EXIF orientation applied, as the site's build and browsers do.
fn upright(jpeg: &[u8]) -> image::RgbImage {
    let img = image::load_from_memory(jpeg).unwrap();
    let orientation = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(jpeg))
        .ok()
        .and_then(|e| {
            e.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
                .and_then(|f| f.value.get_uint(0))
        })
        .unwrap_or(1);
    let img = match orientation {
        3 => img.rotate180(),
        6 => img.rotate90(),
        8 => img.rotate270(),
        _ => img,
    };
    img.to_rgb8()
}

fn assert_reddish(p: [u8; 3]) {
    assert!(p[0] > 150 && p[2] < 100, "not red: {p:?}");
}

fn assert_greenish(p: [u8; 3]) {
    assert!(p[1] > 150 && p[0] < 100 && p[2] < 100, "not green: {p:?}");
}

fn assert_bluish(p: [u8; 3]) {
    assert!(p[2] > 150 && p[0] < 100, "not blue: {p:?}");
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[cfg(unix)]
mod terminal {
    //! The questions of `bulletin import` on a pseudo-terminal, answered as a person types.

    use std::io::{Read, Write};
    use std::os::fd::FromRawFd;
    use std::process::{Child, Command, Stdio};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::*;

    /// `bulletin ARGS` with stdin and stderr on a pseudo-terminal (stdout piped, as when a person
    /// redirects the summary).
    struct Terminal {
        master: std::fs::File,
        child: Child,
        screen: Arc<Mutex<String>>,
        reader: std::thread::JoinHandle<()>,
        seen: usize,
    }

    impl Terminal {
        fn spawn(dir: &Path, args: &[&str]) -> Terminal {
            // SAFETY: plain POSIX pseudo-terminal calls; the master descriptor is owned by the
            // File made from it, and checked before use.
            let (master, slave) = unsafe {
                let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
                assert!(m >= 0, "no pseudo-terminal");
                assert_eq!(libc::grantpt(m), 0);
                assert_eq!(libc::unlockpt(m), 0);
                let name = std::ffi::CStr::from_ptr(libc::ptsname(m))
                    .to_string_lossy()
                    .into_owned();
                let slave = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(name)
                    .unwrap();
                (std::fs::File::from_raw_fd(m), slave)
            };
            let child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
                .args(args)
                .current_dir(dir)
                .env("NO_COLOR", "1")
                .stdin(Stdio::from(slave.try_clone().unwrap()))
                .stdout(Stdio::piped())
                .stderr(Stdio::from(slave))
                .spawn()
                .unwrap();
            let screen = Arc::new(Mutex::new(String::new()));
            let mut reader = master.try_clone().unwrap();
            let shared = screen.clone();
            let reader = std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                // Ends with EIO when the child has closed the terminal.
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    shared
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
            Terminal {
                master,
                child,
                screen,
                reader,
                seen: 0,
            }
        }

        /// Wait until the terminal shows `text` (after what was expected before).
        fn expect(&mut self, text: &str) {
            let start = Instant::now();
            loop {
                {
                    let screen = self.screen.lock().unwrap();
                    if let Some(at) = screen[self.seen..].find(text) {
                        self.seen += at + text.len();
                        return;
                    }
                }
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "the terminal never showed {text:?}:\n{}",
                    self.screen.lock().unwrap()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }

        /// Type a line and press Enter.
        fn typed(&mut self, line: &str) {
            self.master
                .write_all(format!("{line}\r").as_bytes())
                .unwrap();
        }

        fn finish(self) -> Run {
            let out = self.child.wait_with_output().unwrap();
            // Everything the child wrote is read once the terminal is closed (the read fails).
            drop(self.master);
            let _ = self.reader.join();
            Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: self.screen.lock().unwrap().clone(),
            }
        }
    }

    #[test]
    fn on_a_terminal_the_import_asks_for_topics_from_a_numbered_list_several_at_once() {
        let s = sample_with_131();
        let mut t = Terminal::spawn(s.path(), &["import", "incoming/131.txt"]);
        t.expect("article 3 「崇义县全面推行河长制守护一江清水」");
        t.expect("  3 民生保障");
        t.expect("  7 乡村振兴");
        t.expect("Topics (");
        t.typed("3 7");
        let run = t.finish();
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("topics: 民生保障、乡村振兴 (chosen)"),
            "{}",
            run.stdout
        );
        s.run(&["build", "--check-links"]).success();
    }

    #[test]
    fn a_new_topic_is_added_to_site_yaml_only_when_confirmed_keeping_its_comments_and_order() {
        let s = sample_with_131();
        let yaml = std::fs::read_to_string(s.path().join("site.yaml")).unwrap();
        let mut t = Terminal::spawn(s.path(), &["import", "incoming/131.txt"]);
        t.expect("Topics (");
        t.typed("生态环保");
        t.expect("`生态环保` is not in site.yaml's topics. Add it there? [y/N]");
        t.typed("n");
        t.expect("Topics (");
        assert_eq!(
            std::fs::read_to_string(s.path().join("site.yaml")).unwrap(),
            yaml,
            "site.yaml changed without a yes"
        );
        t.typed("生态环保");
        t.expect("Add it there? [y/N]");
        t.typed("y");
        t.expect("added `生态环保` to `topics:` in site.yaml");
        let run = t.finish();
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("topics: 生态环保 (chosen)"),
            "{}",
            run.stdout
        );
        let after = std::fs::read_to_string(s.path().join("site.yaml")).unwrap();
        let last = "  - { name: 营商环境, slug: yingshang-huanjing, keywords: [营商环境, 审批, 政务服务] }\n";
        assert_eq!(
            after,
            yaml.replace(last, &format!("{last}  - {{ name: 生态环保 }}\n")),
            "one line added after the last topic, every comment kept"
        );
        s.run(&["build", "--check-links"]).success();
        assert!(s.exists("topics/shengtai-huanbao/index.html"));
    }

    #[test]
    fn stopping_at_the_question_writes_nothing() {
        let s = sample_with_131();
        let before = snapshot(s.path());
        let mut t = Terminal::spawn(s.path(), &["import", "incoming/131.txt"]);
        t.expect("Topics (");
        t.typed("");
        let run = t.finish();
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("import stopped; nothing was written"));
        assert_eq!(before, snapshot(s.path()));
    }
}
