//! The files of one issue planned from its parsed bulletin: `_index.md`, one Markdown file per
//! article with its county, unit and topics settled, the pictures beside them, and the warnings
//! of what was filed by a default or left outside the articles.

use super::*;

/// The files of one issue, its articles for the report, and the warnings and errors found.
pub(super) fn render_issue(
    parsed: &Parsed,
    input: &Input,
    file: &Path,
    dir: &Path,
    root: &Path,
    classifier: &Classifier<'_>,
    settle: &Settle<'_>,
) -> (Vec<PlannedFile>, Vec<ArticleReport>, Vec<Diagnostic>) {
    let dir_name = dir
        .file_name()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let src = input.text.as_str();
    let mut diags = parsed.warnings.clone();
    for [note, note_zh] in &input.notes {
        diags.push(
            Diagnostic::warning(note.clone())
                .with_path(file)
                .zh(note_zh.clone()),
        );
    }
    let mut files = Vec::new();
    let mut reports = Vec::new();
    let plan = |name: &str, bytes: Vec<u8>| {
        let path = dir.join(name);
        PlannedFile {
            display: display_path(root, &path),
            path,
            bytes,
            state: FileState::New,
        }
    };
    let mut placed = vec![false; input.objects.len()];
    let mut pictures = Vec::new();
    let intro = objects_markdown(
        &parsed.intro,
        input,
        "intro",
        ["the introduction", "本期的导语"],
        file,
        &mut placed,
        &mut pictures,
        &mut diags,
        settle.images,
    );
    files.push(plan("_index.md", index_file(parsed, &intro).into_bytes()));
    let width = parsed.articles.len().to_string().len().max(2);
    let mut slugs: Vec<String> = Vec::new();
    for (i, a) in parsed.articles.iter().enumerate() {
        let loc = parse::at(src, a.line);
        let leading = classifier.leading(&a.title);
        let (county, county_from): (Option<String>, Origin) = match &leading {
            Some(l) => (l.county.clone(), Origin::Rules),
            None => match classifier.city() {
                Some(city) => (Some(city.to_string()), Origin::Default),
                None => (None, Origin::Rules),
            },
        };
        // The text without tables and pictures: what topics are found in and what is checked
        // against the input's lines.
        let body = emit::body_markdown(&a.blocks);
        let body_text = crate::markdown::plain_text(&body);
        let choice = classifier.topics(&a.title, &body_text);
        let found = Found {
            county,
            county_from,
            topics: if choice.defaulted {
                Vec::new()
            } else {
                choice.topics
            },
        };
        let settled = resolve::resolve(
            &found,
            &settle.vocab,
            settle.choices.get(&dir_name, i + 1).as_ref(),
        );
        warn_defaults(&settled, i + 1, file, &loc, &mut diags);
        // Nothing lost: the file's title and body hold every character of the input's lines.
        let got = emit::letters(&format!("{}{}", a.title, body_text));
        if got != emit::letters(&a.source) {
            diags.push(
                Diagnostic::error("the generated article would not hold the input's text exactly")
                    .with_path(file)
                    .with_location(loc.clone())
                    .with_help("this is a bug in bulletin import; please report it with the input")
                    .zh("生成的文章和原文的文字对不上")
                    .zh_help(BUG_ZH),
            );
            continue;
        }
        let after_name = leading
            .as_ref()
            .map_or(a.title.as_str(), |l| &a.title[l.len..]);
        let mut report = ArticleReport {
            number: i + 1,
            file: String::new(),
            title: a.title.clone(),
            location: loc.clone(),
            county: settled.county.clone().unwrap_or_default(),
            county_from: settled.county_from,
            unit: leading.as_ref().map(|l| l.unit.clone()),
            topics: settled.topics.clone(),
            topics_from: settled.topics_from,
            open: settled.open.clone(),
        };
        // An open article is planned too (its county as found, its topics empty), so the 工作台
        // can show it and every open article is reported at once; nothing is written while any
        // is open ([`write`] refuses).
        let county_shown = settled
            .county
            .clone()
            .or_else(|| found.county.clone())
            .unwrap_or_default();
        let keyword = classifier.main_keyword(
            after_name,
            &format!("{}{}", a.title, body_text),
            &settled.topics,
        );
        let slug = article_slug(
            leading.as_ref(),
            classifier.city(),
            keyword.as_deref(),
            &a.title,
            &slugs,
        );
        slugs.push(slug.clone());
        let stem = format!("{:0width$}-{slug}", i + 1);
        let name = format!("{stem}.md");
        let objects = objects_markdown(
            &a.blocks,
            input,
            &stem,
            [
                &format!("article `{}`", a.title),
                &format!("文章 `{}`", a.title),
            ],
            file,
            &mut placed,
            &mut pictures,
            &mut diags,
            settle.images,
        );
        let body = emit::body_markdown_with(&a.blocks, &|k| objects.get(&k).cloned());
        let text = emit::article_file(
            a,
            &county_shown,
            report.unit.as_deref(),
            &report.topics,
            &body,
        );
        report.file = name.clone();
        reports.push(report);
        files.push(plan(&name, text.into_bytes()));
    }
    for (name, bytes) in pictures {
        files.push(plan(&name, bytes));
    }
    warn_unplaced(input, &placed, file, &mut diags);
    (files, reports, diags)
}

/// The help of what is a bug of the importer, in Chinese.
const BUG_ZH: &str = "这是 bulletin 导入功能的缺陷；请连同原文件一起报告给维护者";

/// The warnings of an article filed by a default: under the city (no county or unit at the start
/// of its title), or under `import.default_topic` (no topic rule matched). `number` counts from 1.
fn warn_defaults(
    settled: &resolve::Settled,
    number: usize,
    file: &Path,
    loc: &crate::diagnostics::Location,
    diags: &mut Vec<Diagnostic>,
) {
    if settled.is_settled() && settled.county_from == Origin::Default {
        diags.push(
            Diagnostic::warning(format!(
                "no county or unit at the start of the title; filed under the city, {}",
                settled.county.as_deref().unwrap_or("")
            ))
            .with_path(file)
            .with_location(loc.clone())
            .with_help(format!("if it belongs to a county, pass `--county {number}=NAME`, or start the title with the county and import again"))
            .zh(format!(
                "标题开头没有县区或单位的名称；归入了市本级：{}",
                settled.county.as_deref().unwrap_or("")
            ))
            .zh_help("如果它属于某个县区，请在上面选择县区；或者在标题开头写上县区名后重新导入"),
        );
    }
    if settled.is_settled() && settled.topics_from == Origin::Default {
        diags.push(
            Diagnostic::warning(format!(
                "no topic rule matches; the article gets the default topic `{}`",
                settled.topics.join("、")
            ))
            .with_path(file)
            .with_location(loc.clone())
            .with_help(format!("pass `--topic {number}=NAME` to choose, or add keywords to `topics:` or `import.rules` in site.yaml (the default topic is `import.default_topic`)"))
            .zh(format!(
                "没有哪条专题规则对得上；这篇文章用了默认专题 `{}`",
                settled.topics.join("、")
            ))
            .zh_help("请在上面选择专题；或者在 `site.yaml` 的 `topics:` 或 `import.rules` 里加上关键词（默认专题由 `import.default_topic` 设定）"),
        );
    }
}

/// Every table and picture is in an article or _index.md, or named in a warning here.
fn warn_unplaced(input: &Input, placed: &[bool], file: &Path, diags: &mut Vec<Diagnostic>) {
    for (k, o) in input.objects.iter().enumerate() {
        if placed[k] {
            continue;
        }
        let (what, what_zh) = match *o {
            Object::Table(t) => (
                format!(
                    "table {} ({}) is outside the articles (in the masthead or the footer) and was not imported",
                    t + 1,
                    input.tables[t].cells.join(" / ")
                ),
                format!(
                    "第 {} 个表格（{}）在各篇文章之外（在报头或版记里），没有导入",
                    t + 1,
                    input.tables[t].cells.join(" / ")
                ),
            ),
            Object::Picture(p) => (
                format!(
                    "picture {} ({}) is outside the articles (in the masthead or the footer) and was not imported",
                    p + 1,
                    input.pictures[p].part
                ),
                format!(
                    "第 {} 张图片（{}）在各篇文章之外（在报头或版记里），没有导入",
                    p + 1,
                    input.pictures[p].part_zh
                ),
            ),
        };
        diags.push(
            Diagnostic::warning(what)
                .with_path(file)
                .with_help("if it belongs to an article, add it to the article's file by hand")
                .zh(what_zh)
                .zh_help("如果它属于某篇文章，请手工把它加进那篇文章的文件"),
        );
    }
}

/// The Markdown of the tables and pictures among `blocks`, by object number; the pictures' files
/// (named `STEM-1.jpg`, `STEM-2.png`…) are added to `pictures`, turned as their document shows
/// them ([`upright`]). A picture without a caption, a picture turned in a way that is not written
/// upright, and a table with merged cells get a warning; a table whose cells are not all in its
/// Markdown is an error (a bug).
#[allow(clippy::too_many_arguments)]
fn objects_markdown(
    blocks: &[Block],
    input: &Input,
    stem: &str,
    place: [&str; 2],
    file: &Path,
    placed: &mut [bool],
    pictures: &mut Vec<(String, Vec<u8>)>,
    diags: &mut Vec<Diagnostic>,
    images: &crate::config::Images,
) -> std::collections::HashMap<usize, String> {
    let [place, place_zh] = place;
    let mut out = std::collections::HashMap::new();
    let mut n = 0;
    for b in blocks {
        let Block::Object(k) = b else { continue };
        let Some(o) = input.objects.get(*k) else {
            continue;
        };
        placed[*k] = true;
        match *o {
            Object::Picture(p) => {
                let pic = &input.pictures[p];
                n += 1;
                let name = format!("{stem}-{n}.{}", pic.ext);
                let alt = pic.alt.clone().unwrap_or_default();
                if pic.alt.is_none() {
                    diags.push(
                        Diagnostic::warning(format!(
                            "picture {} ({}) in {place} has no caption: it is written as {name} without alt text",
                            p + 1,
                            pic.part
                        ))
                        .with_path(file)
                        .with_help(format!(
                            "write what it shows between the brackets of `![]({name})`, for readers who cannot see it"
                        ))
                        .zh(format!(
                            "{place_zh}里的第 {} 张图片（{}）没有图注：写成了 {name}，没有替代文字",
                            p + 1,
                            pic.part_zh
                        ))
                        .zh_help(format!(
                            "在 `![]({name})` 的方括号里写上图片的内容，给看不见图片的读者"
                        )),
                    );
                }
                if !matches!(pic.ext.as_str(), "jpg" | "png" | "webp" | "gif") {
                    // Word keeps pasted charts and drawings as EMF/WMF, scans sometimes as TIFF.
                    diags.push(
                        Diagnostic::warning(format!(
                            "picture {} ({}) in {place} is a .{} file, which browsers do not show: it is written as {name}",
                            p + 1,
                            pic.part,
                            pic.ext
                        ))
                        .with_path(file)
                        .with_help(format!(
                            "convert it to PNG or JPEG (LibreOffice Draw, or Word's 另存为图片) and change the reference to {name} in the article"
                        ))
                        .zh(format!(
                            "{place_zh}里的第 {} 张图片（{}）是 .{} 文件，浏览器显示不了：写成了 {name}",
                            p + 1,
                            pic.part_zh,
                            pic.ext
                        ))
                        .zh_help(format!(
                            "把它转成 PNG 或 JPEG（用 LibreOffice Draw，或 Word 的“另存为图片”），再改掉文章里对 {name} 的引用"
                        )),
                    );
                }
                let bytes = match upright::upright(pic, images) {
                    upright::Upright::AsStored => pic.data.clone(),
                    upright::Upright::Turned(bytes) => bytes,
                    upright::Upright::Left {
                        why,
                        help,
                        why_zh,
                        help_zh,
                    } => {
                        diags.push(
                            Diagnostic::warning(format!(
                                "picture {} ({}) in {place} is written as stored ({name}), not as the document shows it: {why}",
                                p + 1,
                                pic.part
                            ))
                            .with_path(file)
                            .with_help(help)
                            .zh(format!(
                                "{place_zh}里的第 {} 张图片（{}）按原样写成了 {name}，和文档里显示的方向不同：{why_zh}",
                                p + 1,
                                pic.part_zh
                            ))
                            .zh_help(help_zh),
                        );
                        pic.data.clone()
                    }
                };
                out.insert(*k, emit::picture(&alt, &name));
                pictures.push((name, bytes));
            }
            Object::Table(t) => {
                let table = &input.tables[t];
                let md = emit::table(&table.rows);
                let shown = emit::letters(&crate::markdown::plain_text(&md));
                let grid = emit::letters(&table.rows.concat().concat());
                let all_cells = table
                    .cells
                    .iter()
                    .all(|c| table.rows.iter().flatten().any(|g| g.contains(c.as_str())));
                if shown != grid || !all_cells {
                    diags.push(
                        Diagnostic::error(format!(
                            "table {} in {place} would not hold every cell's text exactly",
                            t + 1
                        ))
                        .with_path(file)
                        .with_help(
                            "this is a bug in bulletin import; please report it with the input",
                        )
                        .zh(format!(
                            "{place_zh}里的第 {} 个表格没能一字不差地保留每个格子的文字",
                            t + 1
                        ))
                        .zh_help(BUG_ZH),
                    );
                }
                if table.merged {
                    diags.push(
                        Diagnostic::warning(format!(
                            "table {} in {place} has merged cells: their text is written in every cell they covered",
                            t + 1
                        ))
                        .with_path(file)
                        .with_help("Markdown tables cannot merge cells; check the table reads right, and edit it if not")
                        .zh(format!(
                            "{place_zh}里的第 {} 个表格有合并的格子：合并格的文字写进了它占的每一格",
                            t + 1
                        ))
                        .zh_help("Markdown 表格不能合并格子；请核对表格读起来对不对，不对就修改"),
                    );
                }
                out.insert(*k, md);
            }
        }
    }
    out
}

/// The slug of an article file: the unit's short pinyin and the title's main keyword
/// (`renshe-jiuye`), made unique within the issue with `-2`, `-3`….
fn article_slug(
    leading: Option<&classify::Leading>,
    city: Option<&str>,
    keyword: Option<&str>,
    title: &str,
    taken: &[String],
) -> String {
    let mut parts = Vec::new();
    if let Some(l) = leading {
        let u = classify::unit_slug(l, city);
        if !u.is_empty() {
            parts.push(u);
        }
    }
    if let Some(k) = keyword {
        parts.push(word_slug(k));
    }
    if parts.is_empty() {
        let start: String = title.chars().take(6).collect();
        parts.push(crate::slug::slugify(&start));
    }
    let base = parts.join("-");
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

/// The slug of a keyword: its pinyin in pairs of syllables (老旧小区 → `laojiu-xiaoqu`), a word of
/// three or fewer characters whole (农民工 → `nongmingong`).
fn word_slug(word: &str) -> String {
    let syllables: Vec<String> = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| crate::slug::slugify(&c.to_string()))
        .collect();
    if syllables.len() <= 3 {
        return syllables.concat();
    }
    syllables
        .chunks(2)
        .map(|c| c.concat())
        .collect::<Vec<_>>()
        .join("-")
}

/// `_index.md`: the issue's front matter and, as its body, the introduction.
fn index_file(p: &Parsed, objects: &std::collections::HashMap<usize, String>) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("number: {}\n", p.number));
    out.push_str(&format!("date: {}\n", p.date));
    if let Some(s) = &p.series {
        out.push_str(&format!("series: {}\n", emit::yaml_scalar(s)));
    }
    if let Some(e) = &p.editor {
        out.push_str(&format!("editor: {}\n", emit::yaml_scalar(e)));
    }
    for (k, v) in &p.extra {
        match v {
            Value::Text(t) => out.push_str(&format!("{k}: {}\n", emit::yaml_scalar(t))),
            Value::Number(n) => out.push_str(&format!("{k}: {n}\n")),
        }
    }
    out.push_str("---\n");
    out.push_str(&emit::body_markdown_with(&p.intro, &|k| {
        objects.get(&k).cloned()
    }));
    out
}
