//! `bulletin import`: bulletin texts as received become content that builds, with nothing lost and
//! nothing clobbered. The fixtures in tests/fixtures/import/ are bulletins of our own making that
//! exercise what the seed does not (GB18030 and CRLF, a two-line masthead, `2021 年第 8 期（总第
//! 133 期）`, an editor's note, page numbers, `（一）` headings, distribution lines; a UTF-8 file
//! with a BOM, hard-wrapped and indented as copied from a PDF viewer, with a title over two lines),
//! and the seed's issue as a Word file and as the PDF LibreOffice prints from it, with broken Word
//! and PDF files beside them, all written by tests/fixtures/import/make_docx.py.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::helpers::{TestSite, repo};

fn seed() -> PathBuf {
    repo().join("seeds/ganzhou-wuxing-2021-125.txt")
}

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/import")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A site with the repository's site.yaml and an empty content/.
fn site() -> TestSite {
    let s = TestSite::new();
    std::fs::copy(repo().join("site.yaml"), s.path().join("site.yaml")).unwrap();
    s
}

/// Every file of a folder with its text.
fn files(dir: &Path) -> BTreeMap<String, String> {
    files_of(dir)
        .into_iter()
        .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
        .collect()
}

/// Characters that carry text: everything but whitespace.
fn letters(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// An article file's title and its body rendered to plain text: what a reader sees.
fn title_and_text(file: &str) -> String {
    let title = file
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .unwrap()
        .trim_matches('"');
    let body = file.splitn(3, "---\n").nth(2).unwrap();
    format!("{title}{}", bulletin::markdown::plain_text(body))
}

#[test]
fn the_sample_content_is_what_import_makes_of_the_seed() {
    let s = site();
    s.run(&["import", seed().to_str().unwrap()]).success();
    let got = files(&s.path().join("content/2021-125"));
    let want = files(&repo().join("content/2021-125"));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "file names differ: regenerate content/2021-125 with `bulletin import seeds/ganzhou-wuxing-2021-125.txt --force`"
    );
    for (name, text) in &want {
        assert_eq!(&got[name], text, "{name} differs from what import makes");
    }
}

#[test]
fn every_character_of_the_seeds_articles_is_in_the_generated_bodies_in_order() {
    let s = site();
    s.run(&["import", seed().to_str().unwrap()]).success();
    let seed = std::fs::read_to_string(seed()).unwrap();
    // The articles run from the first title to the footer's editor line.
    let start = seed.find("市人社局多措并举").unwrap();
    let end = seed.find("市“五型”政府建设领导小组办公室编").unwrap();
    let expected = letters(&seed[start..end]);
    let mut got = String::new();
    for (name, text) in files(&s.path().join("content/2021-125")) {
        if name != "_index.md" {
            got.push_str(&letters(&title_and_text(&text)));
        }
    }
    assert_eq!(got, expected);
}

#[test]
fn import_prints_the_issue_and_each_articles_county_unit_and_topics() {
    let s = site();
    let run = s.run(&["import", seed().to_str().unwrap()]);
    run.success();
    for needle in [
        "第125期",
        "2021-07-29",
        "市人社局多措并举促进农民工就业创业",
        "county: 赣州市 (from the title)  unit: 市人社局  topics: 就业创业 (from keywords)",
        "county: 定南县 (from the title)  unit: 定南县  topics: 医疗卫生、乡村振兴 (from keywords)",
        "created         content/2021-125/_index.md",
    ] {
        assert!(
            run.stdout.contains(needle),
            "no {needle:?} in\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_second_import_changes_nothing_and_a_changed_file_is_not_clobbered() {
    let s = site();
    let seed = seed();
    let seed = seed.to_str().unwrap();
    s.run(&["import", seed]).success();
    let first = files(&s.path().join("content/2021-125"));
    let again = s.run(&["import", seed]);
    again.success().stderr_has("wrote 0 files, 6 unchanged");
    assert_eq!(files(&s.path().join("content/2021-125")), first);

    // An edited file is never overwritten without --force, and then nothing at all is written.
    let edited = "content/2021-125/02-zhujian-dianti.md";
    s.file(
        edited,
        "---\ntitle: 改过\ncounty: 赣州市\ntopics: [住房城建]\n---\n改过的正文。\n",
    );
    s.remove("content/2021-125/01-renshe-jiuye.md");
    s.run(&["import", seed])
        .failure()
        .stderr_has("would overwrite 1 file that differs: content/2021-125/02-zhujian-dianti.md")
        .stderr_has("--force");
    assert!(
        !s.path()
            .join("content/2021-125/01-renshe-jiuye.md")
            .exists()
    );
    assert!(
        std::fs::read_to_string(s.path().join(edited))
            .unwrap()
            .contains("改过的正文")
    );
    s.run(&["import", "--force", seed]).success();
    assert_eq!(files(&s.path().join("content/2021-125")), first);
}

#[test]
fn markdown_files_the_import_would_not_write_stop_it_without_force() {
    let s = site();
    s.file(
        "content/2021-125/09-old.md",
        "---\ntitle: 旧\ncounty: 于都县\ntopics: [教育]\n---\n旧。\n",
    );
    s.run(&["import", seed().to_str().unwrap()])
        .failure()
        .stderr_has("content/2021-125/09-old.md");
    assert!(!s.path().join("content/2021-125/_index.md").exists());
    s.run(&["import", "--force", seed().to_str().unwrap()])
        .success()
        .stderr_has("warning");
}

#[test]
fn dry_run_prints_every_file_and_writes_nothing() {
    let s = site();
    let run = s.run(&["import", "--dry-run", seed().to_str().unwrap()]);
    run.success().stderr_has("nothing was written");
    assert!(
        run.stdout
            .contains("==> content/2021-125/01-renshe-jiuye.md <==")
    );
    assert!(run.stdout.contains("**一、引导农民工有序转移就业**。畅通"));
    assert!(!s.path().join("content/2021-125").exists());
}

#[test]
fn a_gb18030_crlf_bulletin_imports_whole_and_builds() {
    let s = site();
    let run = s.run(&["import", &fixture("gb18030-crlf.txt")]);
    run.success();
    assert!(run.stdout.contains("(GB18030)"), "{}", run.stdout);
    let dir = s.path().join("content/2021-008");
    let got = files(&dir);
    let index = &got["_index.md"];
    for line in [
        "number: 8\n",
        "date: 2021-03-05\n",
        "series: 赣州市“五型”政府建设工作简报\n",
        "editor: 市“五型”政府建设领导小组办公室\n",
        "total: 133\n",
        "marking: 内部资料 注意保存\nclassification: 内部资料\n",
        "phone: \"0797-8992528\"\n",
        "report_to: 市委常委，市人大常委会主任、副主任，市政府市长、副市长，市政协主席。\n",
        "send_to: 各县（市、区）人民政府，市政府各部门。\n",
        "copy_to: 市直各单位\n",
        "print_run: 120\n",
    ] {
        assert!(index.contains(line), "no {line:?} in\n{index}");
    }
    assert!(index.ends_with("---\n【编者按】今年以来，各地各部门认真落实“五型”政府建设部署，涌现出一批好做法。现将章贡区、瑞金市的经验刊发，供学习借鉴。\n"), "{index}");
    let zhanggong = &got["01-zhanggong-yingshang-huanjing.md"];
    assert!(zhanggong.contains("county: 章贡区\n"), "{zhanggong}");
    assert!(
        zhanggong.contains("\n## （一）推行“一窗受理”\n"),
        "{zhanggong}"
    );
    // The page number is gone and the paragraph it cut is whole again.
    assert!(
        zhanggong.contains("共容缺办理审批事项 316 件。"),
        "{zhanggong}"
    );
    let ruijin = &got["02-ruijin-xiangcun.md"];
    assert!(ruijin.contains("**一是打造精品线路**。"), "{ruijin}");
    // Nothing of the footer is in an article.
    for text in got.values().filter(|t| !t.contains("number: 8")) {
        assert!(!text.contains("报：") && !text.contains("共印"), "{text}");
    }
    // 内部资料 is refused until someone records that it may be published (docs/review.md).
    s.build().failure().stderr_has("marked 内部资料");
    std::fs::write(
        dir.join("_index.md"),
        index.replace(
            "classification: 内部资料\n",
            "classification: 内部资料\npublic: 主动公开\n",
        ),
    )
    .unwrap();
    s.build().success();
    let page = s.main_of("issues/2021-008/index.html");
    assert!(page.contains("编者按"), "{page}");
    assert!(
        page.contains("瑞金市推进红色旅游与乡村振兴融合发展"),
        "{page}"
    );
}

#[test]
fn a_hard_wrapped_indented_bulletin_with_a_two_line_title_imports_and_builds() {
    let s = site();
    s.run(&["import", &fixture("utf8-bom-hard-wrapped.txt")])
        .success();
    let got = files(&s.path().join("content/2021-003"));
    let zhujian = &got["01-zhujian-laojiu-xiaoqu.md"];
    assert!(
        zhujian.contains("title: 市住建局积极推进老旧小区改造 提升群众居住品质\n"),
        "{zhujian}"
    );
    assert!(
        zhujian.contains("county: 赣州市\nunit: 市住建局\n"),
        "{zhujian}"
    );
    assert!(
        zhujian.contains("\n去年以来，市住建局把老旧小区改造作为民生实事，坚持“先民生后提升”，累计改造老旧小区 126 个。\n\n**一、坚持规划先行**。编制全市老旧小区改造专项规划，建立项目储备库。\n"),
        "{zhujian}"
    );
    assert!(got["_index.md"].contains("date: 2021-01-15\n"));
    s.build().success();
}

#[test]
fn an_article_no_rule_matches_gets_the_default_topic_and_a_warning() {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "counties:\n  - {name: 于都县}\ntopics:\n  - {name: 综合工作, keywords: [统筹]}\nimport:\n  default_topic: 综合工作\n",
    );
    s.file(
        "bulletin.txt",
        "工作简报\n第 1 期\n2021 年 1 月 4 日\n于都县召开专题会议\n会议强调，要统一思想。\n",
    );
    let run = s.run(&["import", "bulletin.txt"]);
    run.success()
        .stderr_has("warning: no topic rule matches; the article gets the default topic `综合工作`")
        .stderr_has("bulletin.txt:4:1");
    let text = std::fs::read_to_string(s.path().join("content/2021-001/01-yudu.md")).unwrap();
    assert!(text.contains("topics:\n  - 综合工作\n"), "{text}");
    s.build().success();
}

#[test]
fn an_unknown_county_stops_the_import_with_the_closest_name_until_one_is_chosen() {
    let s = site();
    s.file(
        "bulletin.txt",
        "工作简报\n第 2 期\n2021 年 1 月 11 日\n余都县推进学前教育\n全县新建幼儿园 12 所。\n",
    );
    s.run(&["import", "bulletin.txt"])
        .failure()
        .stderr_has("article 1 「余都县推进学前教育」: `余都县` is not one of site.yaml's counties")
        .stderr_has("did you mean `于都县`? set it with `--county 1=于都县`")
        .stderr_has("nothing was written");
    s.run(&["import", "bulletin.txt", "--county", "1=于都县"])
        .success();
    let text = std::fs::read_to_string(s.path().join("content/2021-002/01-yuduxian-jiaoyu.md"))
        .or_else(|_| {
            let dir = s.path().join("content/2021-002");
            let f = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.file_name().unwrap() != "_index.md")
                .unwrap();
            std::fs::read_to_string(f)
        })
        .unwrap();
    assert!(text.contains("county: 于都县\n"), "{text}");
    s.build().success();
}

#[test]
fn an_undecodable_file_is_a_clear_error() {
    let s = site();
    s.file("bad.txt", b"\xe7\xac\xac 1 \xe6\x9c\x9f\n\x81\x20\xff\n");
    s.run(&["import", "bad.txt"])
        .failure()
        .stderr_has("bad.txt cannot be read as text")
        .stderr_has("line 2")
        .stderr_has("nothing was written");
    // A zip is read as a Word file, whatever its name says.
    s.file("word.txt", b"PK\x03\x04rest");
    s.run(&["import", "word.txt"])
        .failure()
        .stderr_has("word.txt is not a readable .docx");
}

#[test]
fn a_bulletin_without_an_issue_number_is_an_error_naming_the_file() {
    let s = site();
    s.file(
        "bulletin.txt",
        "工作简报\n2021 年 1 月 4 日\n于都县召开会议\n正文。\n",
    );
    s.run(&["import", "bulletin.txt"])
        .failure()
        .stderr_has("no issue number found")
        .stderr_has("bulletin.txt:1:1")
        .stderr_has("第 125 期");
    assert!(!s.path().join("content/2021-001").exists());
}

#[test]
fn two_inputs_for_one_issue_are_an_error() {
    let s = site();
    let seed = seed();
    let seed = seed.to_str().unwrap();
    s.file("copy.txt", std::fs::read(seed).unwrap());
    s.run(&["import", seed, "copy.txt"])
        .failure()
        .stderr_has("would write the same folder content/2021-125");
}

/// A file's text with its tables and pictures (blocks starting `|` or `![`) and the given
/// paragraphs taken out: what the text import of the same issue writes.
fn without_objects(text: &str, drop: &[&str]) -> String {
    let mut blocks: Vec<&str> = text.trim_end().split("\n\n").collect();
    blocks.retain(|b| !b.starts_with('|') && !b.starts_with("![") && !drop.contains(b));
    format!("{}\n", blocks.join("\n\n"))
}

/// Every Markdown file of a folder with its text.
fn md_files(dir: &Path) -> BTreeMap<String, String> {
    let mut all = files_of(dir);
    all.retain(|n, _| n.ends_with(".md"));
    all.into_iter()
        .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
        .collect()
}

/// Every file of a folder with its bytes.
fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_word_file_imports_as_the_text_does_with_its_photos_and_table() {
    let s = site();
    let run = s.run(&["import", &fixture("jianbao.docx")]);
    run.success()
        // The merged row of the table and the photo without a caption are named.
        .stderr_has(
            "table 1 in article `赣州经开区“链长制”为电子信息产业发展保驾护航` has merged cells",
        )
        .stderr_has("has no caption: it is written as 05-dingnan-weisheng-1.jpg without alt text");
    assert!(
        run.stdout
            .contains("jianbao.docx (Word .docx) → content/2021-125/"),
        "{}",
        run.stdout
    );
    let dir = s.path().join("content/2021-125");
    let got = md_files(&dir);
    let want = md_files(&repo().join("content/2021-125"));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (name, text) in &want {
        assert_eq!(&without_objects(&got[name], &[]), text, "{name}");
    }
    // The photo with its caption as alt text, written next to the article and named after it.
    let yudu = &got["04-yudu-jiaoyu.md"];
    assert!(
        yudu.contains(
            "\n\n![图为于都县新建的公办中心幼儿园](04-yudu-jiaoyu-1.jpg)\n\n**一、高标准抓建设"
        ),
        "{yudu}"
    );
    let all = files_of(&dir);
    for photo in ["04-yudu-jiaoyu-1.jpg", "05-dingnan-weisheng-1.jpg"] {
        assert!(
            all[photo].starts_with(b"\xFF\xD8\xFF"),
            "{photo} is not the JPEG"
        );
    }
    assert!(got["05-dingnan-weisheng.md"].contains("\n\n![](05-dingnan-weisheng-1.jpg)\n\n"));
    // The table, after the paragraph it follows in the file, its merged row written out.
    assert!(got["03-jingkaiqu-chanye.md"].contains(
        "电子元器件产业。\n\n| 产业 | 重点企业 |\n| --- | --- |\n| 新型显示 | 同兴达科技、立德电子 |\n| 智能终端 | 弘耀达、牧士电子 |\n| 全区电子信息企业 187 家 | 全区电子信息企业 187 家 |\n\n**三、"
    ));
    // Neither the tracked deletion, nor the comment, nor the page header or footer is text.
    let everything: String = got.values().cloned().collect();
    for absent in ["此处删去的旧数据", "请核实数据来源", "— 2 —"] {
        assert!(!everything.contains(absent), "{absent} was imported");
    }
    s.build().success();
    assert!(
        s.main_of("issues/2021-125/index.html")
            .contains(r#"alt="图为于都县新建的公办中心幼儿园""#)
    );
}

#[test]
fn a_second_import_of_the_word_file_writes_the_same_bytes_pictures_included() {
    let s = site();
    let docx = fixture("jianbao.docx");
    s.run(&["import", &docx])
        .success()
        .stderr_has("wrote 8 files");
    let first = files_of(&s.path().join("content/2021-125"));
    s.run(&["import", &docx])
        .success()
        .stderr_has("wrote 0 files, 8 unchanged");
    assert_eq!(files_of(&s.path().join("content/2021-125")), first);
    // A dry run names the pictures it would write without printing their bytes.
    let other = site();
    let run = other.run(&["import", "--dry-run", &docx]);
    run.success();
    assert!(
        run.stdout
            .contains("==> content/2021-125/04-yudu-jiaoyu-1.jpg <==\n("),
        "{}",
        run.stdout
    );
}

#[test]
fn the_printed_pdf_imports_as_the_text_does_but_for_what_a_pdf_cannot_keep() {
    let s = site();
    let run = s.run(&["import", &fixture("jianbao.pdf")]);
    run.success().stderr_has("is a PDF: bold is not recovered");
    assert!(
        run.stdout.contains("jianbao.pdf (PDF) → content/2021-125/"),
        "{}",
        run.stdout
    );
    let got = md_files(&s.path().join("content/2021-125"));
    let want = md_files(&repo().join("content/2021-125"));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    // The photos are written as Word's are, the caption under one its alt text; the table is
    // found from its columns.
    assert!(
        got["04-yudu-jiaoyu.md"]
            .contains("![图为于都县新建的公办中心幼儿园](04-yudu-jiaoyu-1.jpg)"),
        "{}",
        got["04-yudu-jiaoyu.md"]
    );
    assert!(got["05-dingnan-weisheng.md"].contains("![](05-dingnan-weisheng-1.jpg)"));
    let all = files_of(&s.path().join("content/2021-125"));
    for photo in ["04-yudu-jiaoyu-1.jpg", "05-dingnan-weisheng-1.jpg"] {
        assert!(
            all[photo].starts_with(b"\xFF\xD8\xFF"),
            "{photo} is not a JPEG"
        );
    }
    assert!(run.stdout.contains("pictures: 2 kept"), "{}", run.stdout);
    let caption = ["图为于都县新建的公办中心幼儿园"];
    assert!(got["03-jingkaiqu-chanye.md"].contains("\n| 产业 | 重点企业 |\n"));
    for (name, text) in &want {
        let g = without_objects(&got[name], &caption);
        if name == "04-yudu-jiaoyu.md" {
            // Two spaces of this article stood where the printed lines wrap, and a PDF keeps no
            // space at a line's end: the 于都县 title's two lines (the first fills the width, so
            // it reads as one title wrapped) and `投入 2331.76`. Everything else is the same.
            assert_eq!(g.replace(' ', ""), text.replace(' ', ""), "{name}");
            assert_eq!(text.matches(' ').count() - g.matches(' ').count(), 2, "{g}");
        } else {
            assert_eq!(&g, text, "{name}");
        }
    }
}

#[test]
fn broken_word_and_pdf_files_are_clear_errors_and_nothing_is_written() {
    let s = site();
    for (file, says) in [
        (
            "truncated.docx",
            "truncated.docx is not a readable .docx: its zip structure is damaged or truncated",
        ),
        (
            "no-document.docx",
            "no-document.docx is a zip file but not a Word document: it has no word/document.xml",
        ),
        (
            "bomb.docx",
            "bomb.docx unpacks to more than 64 MiB (word/document.xml): it is damaged or a zip bomb",
        ),
        (
            "entity-bomb.docx",
            "entity-bomb.docx has a DTD in word/document.xml",
        ),
        (
            "encrypted.pdf",
            "encrypted.pdf is an encrypted (password-protected) PDF",
        ),
        (
            "scanned.pdf",
            "scanned.pdf has no text to read (1 page, no characters): it is probably a scan",
        ),
        (
            "no-unicode.pdf",
            "no-unicode.pdf has fonts without a Unicode mapping",
        ),
        (
            "pdf-bomb.pdf",
            "pdf-bomb.pdf is not a readable PDF: its compressed streams inflate to more than 64 MiB",
        ),
        (
            "pdf-loop.pdf",
            "pdf-loop.pdf is not a readable PDF: its drawings (form XObjects) draw themselves in a loop",
        ),
        (
            "pdf-parent-loop.pdf",
            "pdf-parent-loop.pdf is not a readable PDF: its page tree loops",
        ),
    ] {
        let run = s.run(&["import", &fixture(file)]);
        run.failure()
            .stderr_has(says)
            .stderr_has("nothing was written");
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(
            !s.path().join("content/2021-125").exists(),
            "{file} wrote something"
        );
    }
}

/// Run `bulletin ARGS` in `s` with its address space limited to `mib` MiB (`ulimit -v`).
#[cfg(unix)]
fn run_in_memory(s: &TestSite, mib: u64, args: &[&str]) -> std::process::Output {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {}; exec '{}' {}",
            mib << 10,
            env!("CARGO_BIN_EXE_bulletin"),
            quoted.join(" ")
        ))
        .current_dir(s.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The address space the object-stream bomb is refused in: the printed PDF imports within it,
/// and the bomb's 1 GiB would not fit.
#[cfg(unix)]
const MEMORY_LIMIT_MIB: u64 = 768;

#[cfg(unix)]
#[test]
fn an_object_stream_bomb_is_refused_before_the_pdf_reader_inflates_it_within_the_memory_limit() {
    let s = site();
    let out = run_in_memory(
        &s,
        MEMORY_LIMIT_MIB,
        &["import", &fixture("objstm-bomb.pdf")],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("objstm-bomb.pdf is not a readable PDF: its compressed streams inflate to more than 64 MiB (object 5 0, an object stream): damaged, or a compression bomb"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    // The limit is not what refused it: a real PDF imports within the same limit.
    let out = run_in_memory(
        &s,
        MEMORY_LIMIT_MIB,
        &["import", "--dry-run", &fixture("jianbao.pdf")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_old_word_file_is_refused_with_how_to_convert_it_without_libreoffice() {
    let s = site();
    s.file(
        "old.doc",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 an OLE2 compound file",
    );
    let empty = s.path().join("no-tools");
    std::fs::create_dir_all(&empty).unwrap();
    s.run_with_env(&["import", "old.doc"], &[("PATH", empty.to_str().unwrap())])
        .failure()
        .stderr_has("old.doc is a Word 97-2003 (.doc) or WPS (.wps) file")
        .stderr_has("soffice --headless --convert-to docx old.doc")
        .stderr_has("另存为 .docx")
        .stderr_has("nothing was written");
    assert!(!s.path().join("content/2021-125").exists());
}

#[test]
fn an_old_word_file_is_converted_by_libreoffice_when_it_is_on_path_and_says_so() {
    let s = site();
    s.file(
        "old.wps",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 an OLE2 compound file",
    );
    // A stand-in for LibreOffice that "converts" by writing the Word fixture where soffice
    // would write its .docx: what bulletin asks of soffice and does with the result is tested
    // without installing LibreOffice.
    let bin = s.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do\n  case \"$1\" in\n    --convert-to) [ \"$2\" = docx ] || exit 3; shift ;;\n    --outdir) out=\"$2\"; shift ;;\n  esac\n  shift\ndone\ncp '{}' \"$out/input.docx\"\n",
        fixture("jianbao.docx")
    );
    s.file("bin/soffice", script);
    let path = format!("{}:/usr/bin:/bin", bin.display());
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("soffice"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
    }
    let run = s.run_with_env(&["import", "old.wps"], &[("PATH", &path)]);
    run.success()
        .stderr_has("old.wps was converted to .docx by LibreOffice");
    assert!(
        run.stdout.contains(
            "old.wps (Word .doc/.wps, converted to .docx by LibreOffice) → content/2021-125/"
        ),
        "{}",
        run.stdout
    );
    assert!(
        s.path()
            .join("content/2021-125/04-yudu-jiaoyu-1.jpg")
            .exists()
    );
}

/// A .docx made here, with these paragraphs (`w:p` elements) and files beside document.xml.
fn small_docx(paragraphs: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let xml = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:body>{paragraphs}</w:body></w:document>"#
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("word/document.xml", opts).unwrap();
    z.write_all(xml.as_bytes()).unwrap();
    for (name, data) in parts {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
    buf.into_inner()
}

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

#[test]
fn a_bold_lead_in_of_a_word_file_is_kept_and_a_drawing_browsers_cannot_show_is_named() {
    let s = site();
    let body = format!(
        "{}{}{}{}<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>强化组织领导</w:t></w:r><w:r><w:t>。县里成立工作专班，统筹推进学前教育。</w:t></w:r></w:p><w:p><w:r><w:drawing><a:blip r:embed=\"rId9\"/></w:drawing></w:r></w:p>{}",
        para("工作简报"),
        para("第 2 期"),
        para("2021 年 1 月 11 日"),
        para("于都县推进学前教育"),
        para("图1 全县幼儿园分布"),
    );
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.emf"/></Relationships>"#;
    s.file(
        "jianbao.docx",
        small_docx(
            &body,
            &[
                ("word/_rels/document.xml.rels", rels),
                ("word/media/image1.emf", b"\x01\x00\x00\x00 EMF"),
            ],
        ),
    );
    s.run(&["import", "jianbao.docx"]).success().stderr_has(
        "is a .emf file, which browsers do not show: it is written as 01-yudu-jiaoyu-1.emf",
    );
    let text =
        std::fs::read_to_string(s.path().join("content/2021-002/01-yudu-jiaoyu.md")).unwrap();
    assert!(
        text.ends_with(
            "---\n**强化组织领导**。县里成立工作专班，统筹推进学前教育。\n\n![图1 全县幼儿园分布](01-yudu-jiaoyu-1.emf)\n"
        ),
        "{text}"
    );
}
