//! A PDF (what an office prints from Word or WPS: one column, CJK fonts embedded with ToUnicode
//! maps) → the lines of its text, for the parser.
//!
//! pdf-extract (on lopdf) interprets each page's content stream and hands over every character
//! with its position and size, mapped to Unicode through the font's ToUnicode map. Lines are
//! rebuilt from positions: characters whose baselines are within half a character's height are
//! one line, read left to right. A line that starts further right than the page's text does is
//! indented (a paragraph's first line, so the parser starts a paragraph there); a line centered on
//! the page is set apart (a title, the masthead, a caption). Pages are separated by a blank line.
//! Page numbers and the masthead repeated as a running header are dropped by the parser as page
//! furniture, and paragraphs are re-joined across line ends and page breaks the way it does for
//! text.
//!
//! Pictures are taken from the pages with where they are drawn ([`images`]) and put among the
//! lines there, a `图为…` caption under one becoming its alt text. What a PDF does not give back is
//! said in a warning, never dropped silently: bold, and tables (their cells are read as lines of
//! text where their columns do not stand apart).
//!
//! Bad input: an encrypted PDF, a PDF without a text layer (a scan: OCR is out of scope) and a
//! PDF whose fonts have no Unicode mapping (its text would come out as garbage) are each an error
//! saying so. pdf-extract may panic on malformed files; that is caught and reported as a damaged
//! file. Files over [`SIZE_LIMIT`] are refused before parsing, and a file whose compressed
//! streams inflate to more than 64 MiB each or 256 MiB in all before any is inflated whole: the
//! file's bytes are scanned for them ([`scan`]) before lopdf loads it, since lopdf inflates object
//! streams (`/Type /ObjStm`) and cross-reference streams while loading, and the loaded document is
//! checked again before pdf-extract reads its pages.

use std::path::Path;

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::lines::{self, Input};
use super::text;
use crate::diagnostics::Diagnostic;

/// The largest PDF read. An office's bulletin is a few MiB at most, photos included.
pub const SIZE_LIMIT: usize = 64 << 20;

/// One character as placed on a page: position of its baseline start from the page's top left,
/// in points, its size and advance.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    size: f64,
    end: f64,
    ch: String,
}

#[derive(Default)]
struct Collector {
    pages: Vec<(f64, Vec<Glyph>)>,
    heights: Vec<f64>,
    current: Vec<Glyph>,
    page_height: f64,
    page_width: f64,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page_height = media_box.ury - media_box.lly;
        self.page_width = media_box.urx - media_box.llx;
        self.current.clear();
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        let glyphs = std::mem::take(&mut self.current);
        self.pages.push((self.page_width, glyphs));
        self.heights.push(self.page_height);
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        ch: &str,
    ) -> Result<(), OutputError> {
        // The font size in page units: the side of the square with the area of the transformed
        // (font_size, font_size) vector's box, as pdf-extract's own text output computes it.
        let vx = font_size * (trm.m11 + trm.m21);
        let vy = font_size * (trm.m12 + trm.m22);
        let size = (vx * vy).abs().sqrt();
        let (x, y) = (trm.m31, self.page_height - trm.m32);
        if !x.is_finite() || !y.is_finite() || !size.is_finite() {
            return Ok(());
        }
        self.current.push(Glyph {
            x,
            y,
            size,
            end: x + width * size,
            ch: ch.to_string(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A PDF refused, each text given as `[English, Chinese]`.
fn error(path: &Path, what: [String; 2], help: [&str; 2]) -> Diagnostic {
    let [what, what_zh] = what;
    Diagnostic::error(format!("{} {what}", path.display()))
        .with_path(path)
        .with_help(help[0])
        .zh(format!("{} {what_zh}", path.display()))
        .zh_help(help[1])
}

/// The help for a PDF that cannot be read.
const DAMAGED: [&str; 2] = [
    "the file may be damaged or cut short; ask for it again, or import the Word file it was made from",
    "文件可能已经损坏或不完整：请重新要一份，或者导入生成它的 Word 文件",
];

/// Read the text of a PDF.
pub fn read(bytes: &[u8], path: &Path) -> Result<Input, Diagnostic> {
    if bytes.len() > SIZE_LIMIT {
        return Err(error(
            path,
            [
                format!("is a PDF of more than {} MiB", SIZE_LIMIT >> 20),
                format!("是超过 {} MiB 的 PDF", SIZE_LIMIT >> 20),
            ],
            [
                "a bulletin's PDF is a few MiB; if this one is, import its Word file instead",
                "简报的 PDF 一般只有几 MiB；如果它真有这么大，请改为导入它的 Word 文件",
            ],
        ));
    }
    let limits = scan::Limits {
        stream: STREAM_LIMIT,
        total: STREAMS_LIMIT,
    };
    if let Err(e) = scan::check(bytes, limits) {
        return Err(error(
            path,
            [
                format!("is not a readable PDF: {e}: damaged, or a compression bomb"),
                format!("不是能读取的 PDF：文件已经损坏，或是恶意的压缩炸弹（{e}）"),
            ],
            DAMAGED,
        ));
    }
    let pages = quietly(|| extract(bytes))
        .unwrap_or(Err(Failure::Damaged("the PDF reader stopped on it".into())));
    let (pages, pictures) = match pages {
        Ok(p) => p,
        Err(Failure::Encrypted) => {
            return Err(error(
                path,
                [
                    "is an encrypted (password-protected) PDF".into(),
                    "是加了密码的 PDF".into(),
                ],
                [
                    "open it with its password and print or save it again without one, or import the Word file it was made from",
                    "用密码打开它，不加密码重新打印或保存一份；或者导入生成它的 Word 文件",
                ],
            ));
        }
        Err(Failure::Damaged(e)) => {
            return Err(error(
                path,
                [
                    format!("is not a readable PDF: {e}"),
                    format!("不是能读取的 PDF（{e}）"),
                ],
                DAMAGED,
            ));
        }
    };
    let letters: Vec<&str> = pages
        .iter()
        .flat_map(|p| &p.1)
        .map(|g| g.ch.as_str())
        .filter(|c| !c.chars().all(text::is_space))
        .collect();
    if letters.is_empty() {
        return Err(error(
            path,
            [
                format!(
                    "has no text to read ({} page{}, no characters): it is probably a scan",
                    pages.len(),
                    if pages.len() == 1 { "" } else { "s" }
                ),
                format!(
                    "里没有可读的文字（{} 页，一个字也没有）：它多半是扫描件",
                    pages.len()
                ),
            ],
            [
                "bulletin reads the text layer of a PDF and does not recognise text in pictures (OCR); import the Word file, or a PDF printed from it",
                "bulletin 读取 PDF 里的文字层，不能识别图片上的字（OCR）；请导入 Word 文件，或由 Word 打印出来的 PDF",
            ],
        ));
    }
    let bad = letters.iter().filter(|c| is_garbage(c)).count();
    if bad * 10 > letters.len() {
        return Err(error(
            path,
            [
                format!(
                    "has fonts without a Unicode mapping: {bad} of its {} characters cannot be read as text",
                    letters.len()
                ),
                format!(
                    "的字体缺少 Unicode 对照表：{} 个字里有 {bad} 个读不成文字",
                    letters.len()
                ),
            ],
            [
                "its text would come out as garbage; import the Word file it was made from, or print it to PDF again with fonts embedded (LibreOffice and Word do by default)",
                "读出来会是乱码；请导入生成它的 Word 文件，或者嵌入字体后重新打印成 PDF（LibreOffice 和 Word 默认就会嵌入）",
            ],
        ));
    }
    let mut input = layout_with(&pages, &pictures.placed);
    input.format = "PDF".into();
    input.skipped_pictures = pictures.skipped;
    input.notes.push([
        format!(
            "{} is a PDF: bold is not recovered from it, tables only where their columns stand apart; check the articles, or import the Word file to keep them",
            path.display()
        ),
        format!(
            "{} 是 PDF：读不出哪些字是粗体，表格也只有各列分得开时才读得出；请核对各篇文章，或者导入 Word 文件来保留这些",
            path.display()
        ),
    ]);
    for [n, n_zh] in pictures.notes {
        input.notes.push([
            format!("{}: {n}", path.display()),
            format!("{}：{n_zh}", path.display()),
        ]);
    }
    Ok(input)
}

/// A character that is not text: the replacement character, private use, a control character,
/// or a lone surrogate escape. (A font without a ToUnicode map gives such codes.)
fn is_garbage(c: &str) -> bool {
    c.chars().any(|c| {
        c == '\u{fffd}'
            || ('\u{e000}'..='\u{f8ff}').contains(&c)
            || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    })
}

enum Failure {
    Encrypted,
    Damaged(String),
}

/// Refuse a PDF whose pages' `/Parent` chains loop or run deeper than [`FORM_DEPTH`]:
/// pdf-extract looks up inherited page attributes (MediaBox, Resources) up that chain by
/// recursion, so a loop would overflow the stack.
fn check_page_parents(doc: &pdf_extract::Document) -> Result<(), Failure> {
    for (_, page) in doc.get_pages() {
        let mut seen = vec![page];
        let mut id = page;
        while let Ok(parent) = doc
            .get_dictionary(id)
            .and_then(|d| d.get(b"Parent"))
            .and_then(pdf_extract::Object::as_reference)
        {
            if seen.contains(&parent) || seen.len() > FORM_DEPTH {
                return Err(Failure::Damaged(
                    "its page tree loops (a page is its own ancestor) or is too deep".into(),
                ));
            }
            seen.push(parent);
            id = parent;
        }
    }
    Ok(())
}

/// How deep drawings (form XObjects) may draw drawings.
const FORM_DEPTH: usize = 32;

/// Refuse a PDF whose drawings (form XObjects) draw themselves, directly or through others, or
/// nest deeper than [`FORM_DEPTH`]: pdf-extract follows `Do` by recursion without a limit, and a
/// loop would overflow the stack, which no `catch_unwind` catches. A form without resources of
/// its own draws from its page's: when its content uses `Do`, it is taken to reach every drawing
/// any resources in the file name.
fn check_form_loops(doc: &pdf_extract::Document) -> Result<(), Failure> {
    use pdf_extract::{Dictionary, Object, ObjectId};
    use std::collections::HashMap;
    fn dict_of<'a>(doc: &'a pdf_extract::Document, o: &'a Object) -> Option<&'a Dictionary> {
        match o {
            Object::Dictionary(d) => Some(d),
            Object::Reference(id) => doc.get_dictionary(*id).ok(),
            _ => None,
        }
    }
    let xobjects_of = |res: &Dictionary| -> Vec<ObjectId> {
        res.get(b"XObject")
            .ok()
            .and_then(|x| dict_of(doc, x))
            .map(|x| {
                x.iter()
                    .filter_map(|(_, v)| v.as_reference().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    // Every form: the drawings its own resources name, or `None` when it has none.
    let mut forms: HashMap<ObjectId, Option<Vec<ObjectId>>> = HashMap::new();
    let mut everywhere: Vec<ObjectId> = Vec::new();
    for (id, object) in &doc.objects {
        let dict = match object {
            Object::Stream(s) => &s.dict,
            Object::Dictionary(d) => d,
            _ => continue,
        };
        let own = dict
            .get(b"Resources")
            .ok()
            .and_then(|r| dict_of(doc, r))
            .map(xobjects_of);
        if let Some(x) = &own {
            everywhere.extend(x);
        }
        if let Object::Stream(s) = object
            && s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form".as_slice())
        {
            let draws = own.is_some() || {
                let content = s.get_plain_content().unwrap_or_default();
                content.windows(2).any(|w| w == b"Do")
            };
            forms.insert(*id, if draws { own } else { Some(Vec::new()) });
        }
    }
    everywhere.sort();
    everywhere.dedup();
    // Depth-first from every form, with the path on a stack: meeting a form on the path is a loop.
    let edges = |f: &ObjectId| -> Vec<ObjectId> {
        let list = match forms.get(f) {
            Some(Some(own)) => own.as_slice(),
            Some(None) => everywhere.as_slice(),
            None => &[],
        };
        list.iter()
            .filter(|t| forms.contains_key(t))
            .copied()
            .collect()
    };
    let mut done: std::collections::HashSet<ObjectId> = std::collections::HashSet::new();
    for start in forms.keys() {
        if done.contains(start) {
            continue;
        }
        let mut stack: Vec<(ObjectId, Vec<ObjectId>)> = vec![(*start, edges(start))];
        while let Some((_, next)) = stack.last_mut() {
            let Some(t) = next.pop() else {
                if let Some((f, _)) = stack.pop() {
                    done.insert(f);
                }
                continue;
            };
            if stack.iter().any(|(f, _)| *f == t) {
                return Err(Failure::Damaged(
                    "its drawings (form XObjects) draw themselves in a loop".into(),
                ));
            }
            if stack.len() >= FORM_DEPTH {
                return Err(Failure::Damaged(format!(
                    "its drawings (form XObjects) nest more than {FORM_DEPTH} deep"
                )));
            }
            if !done.contains(&t) {
                let e = edges(&t);
                stack.push((t, e));
            }
        }
    }
    Ok(())
}

/// The most one stream may inflate to, and all of them together.
const STREAM_LIMIT: u64 = 64 << 20;
const STREAMS_LIMIT: u64 = 256 << 20;

/// Refuse a PDF whose Flate streams inflate beyond the limits (a compression bomb), before
/// pdf-extract inflates any of them whole. Each is inflated into nothing, counting bytes.
fn check_stream_sizes(doc: &pdf_extract::Document) -> Result<(), Failure> {
    let mut total = 0u64;
    for object in doc.objects.values() {
        let pdf_extract::Object::Stream(stream) = object else {
            continue;
        };
        let flate = stream.filters().is_ok_and(|f| {
            f.first()
                .is_some_and(|n| *n == b"FlateDecode" || *n == b"Fl")
        });
        if !flate {
            continue;
        }
        let mut decoder = std::io::Read::take(
            flate2::read::ZlibDecoder::new(&stream.content[..]),
            STREAM_LIMIT + 1,
        );
        // A damaged stream is pdf-extract's to report; only its size matters here.
        let n = std::io::copy(&mut decoder, &mut std::io::sink()).unwrap_or(0);
        total += n;
        if n > STREAM_LIMIT || total > STREAMS_LIMIT {
            return Err(Failure::Damaged(format!(
                "its compressed streams inflate to more than {} MiB: damaged, or a compression bomb",
                if n > STREAM_LIMIT {
                    STREAM_LIMIT
                } else {
                    STREAMS_LIMIT
                } >> 20
            )));
        }
    }
    Ok(())
}

type Pages = Vec<(f64, Vec<Glyph>)>;

fn extract(bytes: &[u8]) -> Result<(Pages, images::Pictures), Failure> {
    let doc = pdf_extract::Document::load_mem(bytes).map_err(|e| match e {
        pdf_extract::Error::Decryption(_) | pdf_extract::Error::InvalidPassword => {
            Failure::Encrypted
        }
        e => Failure::Damaged(e.to_string()),
    })?;
    if doc.is_encrypted() {
        return Err(Failure::Encrypted);
    }
    check_stream_sizes(&doc)?;
    check_form_loops(&doc)?;
    check_page_parents(&doc)?;
    let mut c = Collector::default();
    pdf_extract::output_doc(&doc, &mut c).map_err(|e| Failure::Damaged(e.to_string()))?;
    let pictures = images::pictures(&doc, &c.heights);
    Ok((c.pages, pictures))
}

/// Run `f`, turning a panic into `None` without printing it.
fn quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Option<T> {
    use std::cell::Cell;
    use std::sync::Once;
    thread_local!(static QUIET: Cell<bool> = const { Cell::new(false) });
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let r = std::panic::catch_unwind(f);
    QUIET.with(|q| q.set(false));
    r.ok()
}

mod images;
mod layout;
mod pixels;
mod scan;

#[cfg(test)]
use layout::layout;
use layout::layout_with;
#[cfg(test)]
mod tests;
