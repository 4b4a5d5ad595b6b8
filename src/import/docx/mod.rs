//! A Word file (.docx, from Word or WPS) → its paragraphs in reading order, with what the file
//! knows that plain text does not: bold lead-ins, centered and heading paragraphs, tables, pictures.
//!
//! A .docx is a zip of XML parts. We read `word/document.xml` (the body), `word/styles.xml` (which
//! styles are headings), `word/_rels/document.xml.rels` (where pictures live), `word/footnotes.xml`,
//! `word/endnotes.xml` and the pictures under `word/media/`. Page headers and footers are parts of their own
//! (`word/header1.xml`…): they are never read, so running titles and page numbers never become
//! article text. Comments live in `word/comments.xml` and are never read either.
//!
//! In the body:
//! - runs are joined into paragraphs; `w:br` and `w:cr` break a line, `w:tab` is a space;
//! - tracked changes: text inside `w:ins` and `w:moveTo` is read, `w:del` and `w:moveFrom` are not;
//! - fields are read as their shown result (between `separate` and `end`), never their instruction;
//! - text boxes (`w:txbxContent`) are read after the paragraph that anchors them; of a
//!   `mc:AlternateContent` only the `mc:Choice` is read (`mc:Fallback` repeats it for old readers);
//! - a footnote's or endnote's paragraphs follow the paragraph that refers to it;
//! - a table becomes a grid of cell texts, merged cells written out in every cell they cover;
//! - a picture (`a:blip`, inline or anchored, or VML `v:imagedata`) becomes an object of its own
//!   after the text of its paragraph; a paragraph right after it that reads like a caption
//!   (`图为…`, `图1…`) becomes its alt text. How the document turns and flips it is read too:
//!   DrawingML's `a:xfrm` in the picture's `pic:spPr` (`rot` in 60,000ths of a degree clockwise,
//!   `flipH`, `flipV`; it comes after the `a:blip`, and belongs to the picture of the same
//!   `pic:pic`), or VML's `rotation` and `flip` in the `style` of the `v:shape` around the
//!   `v:imagedata`. The picture's bytes are kept as stored; `import::upright` turns them.
//!
//! Bad input is an error, never a panic: a damaged or truncated zip, no `word/document.xml`, a part
//! that unpacks to more than [`PART_LIMIT`] or a file that unpacks to more than [`TOTAL_LIMIT`]
//! (a zip bomb), a DTD in a part (Word never writes one; an entity bomb does), XML that is not
//! well-formed.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::lines::{Object, Picture, Table, is_caption};
use super::text;
use walk::Walker;

/// The most one part may unpack to. The largest `document.xml` of a real bulletin we have seen is
/// under 2 MiB; pictures are rarely over 10 MiB.
pub const PART_LIMIT: u64 = 64 << 20;
/// The most all the parts read from one file may unpack to.
pub const TOTAL_LIMIT: u64 = 256 << 20;
/// The deepest element nesting accepted (Word's documents stay under 30).
const MAX_DEPTH: usize = 256;

/// What a .docx holds, in reading order.
#[derive(Debug, Clone, Default)]
pub struct Docx {
    pub paragraphs: Vec<Para>,
    pub tables: Vec<Table>,
    pub pictures: Vec<Picture>,
    /// Things read in a way worth telling (a picture that could not be found).
    /// What a warning should say, in English and Chinese.
    pub notes: Vec<[String; 2]>,
}

/// One paragraph, or one table or picture in the flow of the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Para {
    /// Its lines (a paragraph holds several when it has line breaks), whitespace as written.
    pub lines: Vec<String>,
    /// How many non-space characters at its start are bold.
    pub bold_lead: usize,
    /// Whether every character is bold.
    pub all_bold: bool,
    pub centered: bool,
    /// A heading or title style (`Heading 1`, `标题 1`, `Title`), or an outline level.
    pub heading: bool,
    /// The largest font size in it, in half-points (Word's unit), 0 when none is set.
    pub size: u32,
    pub object: Option<Object>,
}

/// Why a .docx cannot be read: a sentence that follows "`FILE` …".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxError {
    pub what: String,
    pub help: String,
    /// The same in Chinese, for the 工作台.
    pub what_zh: String,
    pub help_zh: String,
}

/// An error, each text given as `[English, Chinese]`.
fn err<H: Into<String>>(what: [String; 2], help: [H; 2]) -> DocxError {
    let [what, what_zh] = what;
    let [help, help_zh] = help;
    DocxError {
        what,
        help: help.into(),
        what_zh,
        help_zh: help_zh.into(),
    }
}

const RESAVE: [&str; 2] = [
    "open it in Word or WPS and save it again as .docx (另存为 .docx), then import that",
    "用 Word 或 WPS 打开它，另存为 .docx，再导入另存的文件",
];

/// Read a .docx from its bytes.
pub fn read(bytes: &[u8]) -> Result<Docx, DocxError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        err(
            [
                format!("is not a readable .docx: its zip structure is damaged or truncated ({e})"),
                format!("不是能读取的 .docx：它的 zip 结构损坏或不完整（{e}）"),
            ],
            RESAVE,
        )
    })?;
    let mut budget = TOTAL_LIMIT;
    let document = read_part(&mut zip, "word/document.xml", &mut budget)?.ok_or_else(|| {
        err(
            [
                "is a zip file but not a Word document: it has no word/document.xml".into(),
                "是 zip 压缩文件，但不是 Word 文档：里面没有 word/document.xml".into(),
            ],
            [
                "a .docx saved by Word or WPS always has one; the file may be another kind of zip, or damaged",
                "Word 或 WPS 保存的 .docx 都有它；这个文件可能是别的 zip 文件，或者已经损坏",
            ],
        )
    })?;
    let rels = match read_part(&mut zip, "word/_rels/document.xml.rels", &mut budget)? {
        Some(x) => relationships(&x)?,
        None => HashMap::new(),
    };
    let headings = match read_part(&mut zip, "word/styles.xml", &mut budget)? {
        Some(x) => heading_styles(&x)?,
        None => Vec::new(),
    };
    // Footnotes and endnotes: their paragraphs by id, each kind numbered on its own.
    let mut notes = [HashMap::new(), HashMap::new()];
    for (k, part) in ["word/footnotes.xml", "word/endnotes.xml"]
        .iter()
        .enumerate()
    {
        if let Some(x) = read_part(&mut zip, part, &mut budget)? {
            let mut w = Walker::new(&headings);
            w.walk(&x, part)?;
            notes[k] = w.notes_by_id;
        }
    }
    let [footnotes, endnotes] = notes;
    let mut w = Walker::new(&headings);
    w.footnotes = footnotes;
    w.endnotes = endnotes;
    w.walk(&document, "word/document.xml")?;
    let mut doc = Docx {
        paragraphs: Vec::new(),
        tables: w.tables,
        pictures: Vec::new(),
        notes: w.notes,
    };
    // Pictures: each reference read from its part once; a caption paragraph after it becomes its
    // alt text.
    let mut paras = w
        .out
        .into_iter()
        .filter(|p| p.object.is_some() || !p.lines.is_empty())
        .peekable();
    while let Some(mut p) = paras.next() {
        if let Some(Object::Picture(rid)) = p.object {
            let target = w.picture_refs.get(rid).cloned().unwrap_or_default();
            let turn = w.picture_turns.get(rid).copied().unwrap_or_default();
            let Some(part) = rels.get(&target).map(|t| resolve_target(t)) else {
                doc.notes.push([
                    format!(
                        "a picture refers to `{target}`, which the file does not list; it was left out"
                    ),
                    format!("有一张图片指向 `{target}`，文件里却没有登记它；这张图片没有导入"),
                ]);
                continue;
            };
            let Some(data) = read_part(&mut zip, &part, &mut budget)? else {
                doc.notes.push([
                    format!(
                        "a picture should be in `{part}`, which the file lacks; it was left out"
                    ),
                    format!("有一张图片应当在 `{part}` 里，文件里却没有；这张图片没有导入"),
                ]);
                continue;
            };
            let ext = part
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .map(|e| if e == "jpeg" { "jpg".to_string() } else { e })
                .unwrap_or_else(|| "bin".into());
            let alt = match paras.peek() {
                Some(next) if next.object.is_none() && is_caption(&next.lines.join("")) => {
                    let c = paras.next().map(|n| n.lines.join(" ")).unwrap_or_default();
                    Some(text::clean_line(&c).0)
                }
                _ => None,
            };
            p.object = Some(Object::Picture(doc.pictures.len()));
            doc.pictures.push(Picture {
                part_zh: part.clone(),
                part,
                ext,
                data,
                alt,
                turn,
            });
        }
        doc.paragraphs.push(p);
    }
    Ok(doc)
}

/// `media/image1.jpeg` (relative to `word/`) → `word/media/image1.jpeg`; `/word/media/x.png` → as is.
fn resolve_target(t: &str) -> String {
    if let Some(abs) = t.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = vec!["word"];
    for seg in t.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Read one part whole, or `None` when the file has no such part; never more than the limits.
fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<Vec<u8>>, DocxError> {
    let mut entry = match zip.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(err(
                [
                    format!("is not a readable .docx: its part {name} cannot be opened ({e})"),
                    format!("不是能读取的 .docx：其中的 {name} 打不开（{e}）"),
                ],
                RESAVE,
            ));
        }
    };
    if entry.encrypted() {
        return Err(err(
            [
                format!("has an encrypted part ({name})"),
                format!("有加了密码的部分（{name}）"),
            ],
            [
                "remove the password in Word or WPS (文件 → 信息 → 保护文档) and save it again",
                "在 Word 或 WPS 里去掉密码（文件 → 信息 → 保护文档），再保存一次",
            ],
        ));
    }
    let limit = PART_LIMIT.min(*budget);
    let bomb = || {
        err(
            [
                format!(
                    "unpacks to more than {} MiB ({name}): it is damaged or a zip bomb, not a bulletin",
                    limit >> 20
                ),
                format!(
                    "解压后超过 {} MiB（{name}）：文件已经损坏，或是恶意的压缩炸弹，不是简报",
                    limit >> 20
                ),
            ],
            [
                format!(
                    "a bulletin's parts unpack to a few MiB; bulletin reads at most {} MiB per part and {} MiB per file",
                    PART_LIMIT >> 20,
                    TOTAL_LIMIT >> 20
                ),
                format!(
                    "简报的各部分解压后只有几 MiB；bulletin 每部分最多读 {} MiB，每个文件最多读 {} MiB",
                    PART_LIMIT >> 20,
                    TOTAL_LIMIT >> 20
                ),
            ],
        )
    };
    if entry.size() > limit {
        return Err(bomb());
    }
    let mut data = Vec::with_capacity(entry.size().min(limit) as usize);
    (&mut entry)
        .take(limit + 1)
        .read_to_end(&mut data)
        .map_err(|e| {
            err(
                [
                    format!("is not a readable .docx: its part {name} is damaged ({e})"),
                    format!("不是能读取的 .docx：其中的 {name} 已经损坏（{e}）"),
                ],
                RESAVE,
            )
        })?;
    if data.len() as u64 > limit {
        return Err(bomb());
    }
    *budget -= data.len() as u64;
    Ok(Some(data))
}

/// A pull parser over one part, refusing DTDs.
fn reader(xml: &[u8]) -> Reader<&[u8]> {
    let mut r = Reader::from_reader(xml);
    let c = r.config_mut();
    c.check_end_names = true;
    c.expand_empty_elements = false;
    r
}

fn xml_error(part: &str, pos: u64, e: impl std::fmt::Display) -> DocxError {
    err(
        [
            format!("is not a readable .docx: {part} is not well-formed XML at byte {pos} ({e})"),
            format!("不是能读取的 .docx：{part} 在第 {pos} 个字节处不是合格的 XML（{e}）"),
        ],
        RESAVE,
    )
}

fn dtd_error(part: &str) -> DocxError {
    err(
        [
            format!(
                "has a DTD in {part}: Word and WPS never write one, and its entities could blow up when expanded (an entity bomb)"
            ),
            format!(
                "{part} 里有 DTD：Word 和 WPS 从来不写它，它的实体展开后可能占满内存（实体炸弹）"
            ),
        ],
        [
            "bulletin does not read DTDs; save the document again from Word or WPS",
            "bulletin 不读取 DTD；请用 Word 或 WPS 重新保存这个文档",
        ],
    )
}

/// The value of attribute `key` (a qualified name such as `w:val`), as text.
fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// `w:b`, `w:i`…: on unless `w:val` says off.
fn toggle(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, b"w:val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// The relationships of document.xml: id → target.
fn relationships(xml: &[u8]) -> Result<HashMap<String, String>, DocxError> {
    let part = "word/_rels/document.xml.rels";
    let mut r = reader(xml);
    let mut out = HashMap::new();
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                if let (Some(id), Some(t)) = (attr(&e, b"Id"), attr(&e, b"Target"))
                    && attr(&e, b"TargetMode").as_deref() != Some("External")
                {
                    out.insert(id, t);
                }
            }
            Ok(Event::DocType(_)) => return Err(dtd_error(part)),
            Ok(Event::Eof) => return Ok(out),
            Ok(_) => {}
            Err(e) => return Err(xml_error(part, r.error_position(), e)),
        }
    }
}

/// The ids of paragraph styles that are headings or titles.
fn heading_styles(xml: &[u8]) -> Result<Vec<String>, DocxError> {
    let part = "word/styles.xml";
    let mut r = reader(xml);
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == b"w:style" => {
                current = attr(&e, b"w:styleId");
            }
            Ok(Event::End(e)) if e.name().as_ref() == b"w:style" => current = None,
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let Some(id) = &current else { continue };
                let is_heading = match e.name().as_ref() {
                    b"w:name" => attr(&e, b"w:val").is_some_and(|n| {
                        let n = n.to_lowercase();
                        n.starts_with("heading") || n == "title" || n.starts_with("标题")
                    }),
                    b"w:outlineLvl" => true,
                    _ => false,
                };
                if is_heading && !out.contains(id) {
                    out.push(id.clone());
                }
            }
            Ok(Event::DocType(_)) => return Err(dtd_error(part)),
            Ok(Event::Eof) => return Ok(out),
            Ok(_) => {}
            Err(e) => return Err(xml_error(part, r.error_position(), e)),
        }
    }
}

mod walk;

#[cfg(test)]
mod tests;
