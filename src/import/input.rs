//! Bytes as received → the lines the parser reads, whatever the format.
//!
//! The format is told by content, never by the file's extension:
//! - a zip (`PK\x03\x04`) is read as a Word .docx ([`super::docx`]);
//! - `%PDF-` is read as a PDF ([`super::pdf`]);
//! - an OLE2 compound file (`D0 CF 11 E0`: Word 97-2003 .doc, WPS .wps, or a .docx with a password)
//!   and RTF are converted to .docx by LibreOffice when `soffice` is on PATH, and refused with how
//!   to convert them otherwise;
//! - anything else is text ([`super::decode`]).
//!
//! A .docx becomes text one paragraph to a line (a line break in a paragraph starts a line of its
//! own), paragraphs apart by a blank line, each line with a [`LineHint`]: where the paragraph
//! starts, how much of it is bold, whether it is set as a title, and which lines stand for tables
//! and pictures. The parser then reads it as it reads text, so headers, footers, titles and
//! sections follow the same rules whatever the format.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::lines::{Input, LineHint, Object, Table};
use super::{decode, docx, parse, pdf, text};
use crate::diagnostics::Diagnostic;

/// What kind of file the bytes are, from their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    Pdf,
    /// An OLE2 compound file: .doc, .wps, .xls, or an encrypted .docx.
    Ole2,
    Rtf,
    Text,
}

pub fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Format::Zip
    } else if bytes.starts_with(b"%PDF-") {
        Format::Pdf
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Format::Ole2
    } else if bytes.starts_with(b"{\\rtf") {
        Format::Rtf
    } else {
        Format::Text
    }
}

/// Read the bulletin in `bytes` (the contents of `path`).
pub fn read(bytes: &[u8], path: &Path) -> Result<Input, Diagnostic> {
    match sniff(bytes) {
        Format::Zip => from_docx(bytes, path, "Word .docx"),
        Format::Pdf => pdf::read(bytes, path),
        Format::Ole2 | Format::Rtf => convert(bytes, path, sniff(bytes)),
        Format::Text => {
            let d = decode::decode(bytes, path)?;
            Ok(Input {
                text: d.text,
                format: d.encoding.to_string(),
                ..Input::default()
            })
        }
    }
}

fn docx_error(path: &Path, e: docx::DocxError) -> Diagnostic {
    Diagnostic::error(format!("{} {}", path.display(), e.what))
        .with_path(path)
        .with_help(e.help)
        .zh(format!("{} {}", path.display(), e.what_zh))
        .zh_help(e.help_zh)
}

/// A .docx's paragraphs as lines with hints.
pub fn from_docx(bytes: &[u8], path: &Path, format: &str) -> Result<Input, Diagnostic> {
    let doc = docx::read(bytes).map_err(|e| docx_error(path, e))?;
    let mut input = Input {
        format: format.to_string(),
        tables: doc.tables,
        pictures: doc.pictures,
        notes: doc.notes,
        ..Input::default()
    };
    // Layout tables: offices often set the issue line, editor and date, or the distribution
    // lines, in a table without borders. Such a table, before the first or after the last long
    // paragraph, holding a header or footer line, is read as lines of text (a row to a line) so
    // the header and footer rules see it.
    let long: Vec<usize> = (0..doc.paragraphs.len())
        .filter(|&i| text::len(&doc.paragraphs[i].lines.concat()) >= 60)
        .collect();
    let (first_long, last_long) = (
        long.first().copied().unwrap_or(usize::MAX),
        long.last().copied().unwrap_or(0),
    );
    let layout = |i: usize, t: &Table| {
        (i < first_long || i > last_long)
            && t.rows
                .iter()
                .any(|r| parse::is_header_or_footer_line(&r.join(" ")))
    };
    let mut lines: Vec<(String, LineHint)> = Vec::new();
    for (i, p) in doc.paragraphs.iter().enumerate() {
        if let Some(Object::Table(k)) = p.object
            && layout(i, &input.tables[k])
        {
            let mut row_lines: Vec<String> = Vec::new();
            for row in &input.tables[k].rows {
                // A merged cell stands in each cell it covered: once is enough here.
                let mut cells: Vec<&str> = Vec::new();
                for c in row {
                    if !c.is_empty() && cells.last() != Some(&c.as_str()) {
                        cells.push(c);
                    }
                }
                row_lines.push(cells.join(" "));
            }
            for l in row_lines.into_iter().filter(|l| !l.is_empty()) {
                lines.push((
                    l,
                    LineHint {
                        starts_paragraph: true,
                        ..LineHint::default()
                    },
                ));
                lines.push((String::new(), LineHint::default()));
            }
            continue;
        }
        if let Some(o) = p.object {
            let label = match o {
                Object::Table(k) => format!("[表格 {}]", k + 1),
                Object::Picture(k) => format!("[图片 {}]", k + 1),
            };
            let hint = LineHint {
                object: Some(input.objects.len()),
                starts_paragraph: true,
                ..LineHint::default()
            };
            input.objects.push(o);
            lines.push((label, hint));
            lines.push((String::new(), LineHint::default()));
            continue;
        }
        if p.lines.is_empty() {
            continue;
        }
        let title = p.heading || (p.centered && p.all_bold);
        let mut bold = p.bold_lead;
        for (i, line) in p.lines.iter().enumerate() {
            let letters = text::len(line);
            lines.push((
                line.replace('\n', " "),
                LineHint {
                    starts_paragraph: i == 0,
                    bold_lead: if i == 0 { bold } else { 0 },
                    title,
                    ..LineHint::default()
                },
            ));
            bold = bold.saturating_sub(letters);
        }
        lines.push((String::new(), LineHint::default()));
    }
    for (line, hint) in lines {
        input.text.push_str(&line);
        input.text.push('\n');
        input.hints.push(hint);
    }
    Ok(input)
}

/// A .doc, .wps or RTF file: converted by LibreOffice when it is installed, else an error that
/// says how to convert it.
fn convert(bytes: &[u8], path: &Path, format: Format) -> Result<Input, Diagnostic> {
    let (kind, kind_zh) = match format {
        Format::Rtf => ("an RTF file", "RTF 文件"),
        _ => (
            "a Word 97-2003 (.doc) or WPS (.wps) file, or a Word file with a password",
            "Word 97-2003（.doc）或 WPS（.wps）文件，或者加了密码的 Word 文件",
        ),
    };
    let how = format!(
        "convert it to .docx and import that: `soffice --headless --convert-to docx {}` \
         (LibreOffice), or open it in Word or WPS and save it as .docx (另存为 .docx); with \
         LibreOffice installed (`soffice` on PATH) bulletin converts it itself. A file with a \
         password must have it removed first",
        path.display()
    );
    let how_zh = format!(
        "用 Word 或 WPS 打开它，另存为 .docx，再导入另存的文件；或者用 LibreOffice 转换：\
         `soffice --headless --convert-to docx {}`；装了 LibreOffice（`soffice` 在 PATH 里）时，\
         bulletin 会自己转换。加了密码的文件要先去掉密码",
        path.display()
    );
    let Some(soffice) = find_on_path("soffice") else {
        return Err(Diagnostic::error(format!(
            "{} is {kind}, which bulletin cannot read itself",
            path.display()
        ))
        .with_path(path)
        .with_help(how)
        .zh(format!(
            "{} 是{kind_zh}，bulletin 自己读不了",
            path.display()
        ))
        .zh_help(how_zh));
    };
    // Why not, in English and Chinese.
    let fail = |[what, what_zh]: [String; 2]| {
        Diagnostic::error(format!(
            "{} is {kind}, and LibreOffice ({}) could not convert it: {what}",
            path.display(),
            soffice.display()
        ))
        .with_path(path)
        .with_help(how.clone())
        .zh(format!(
            "{} 是{kind_zh}，LibreOffice（{}）没能转换它：{what_zh}",
            path.display(),
            soffice.display()
        ))
        .zh_help(how_zh.clone())
    };
    let tmp = TempDir::new().map_err(|e| {
        fail([
            format!("no temporary folder ({e})"),
            format!("没有临时文件夹（{e}）"),
        ])
    })?;
    let ext = if format == Format::Rtf { "rtf" } else { "doc" };
    let src = tmp.0.join(format!("input.{ext}"));
    std::fs::write(&src, bytes).map_err(|e| {
        fail([
            format!("cannot write a copy ({e})"),
            format!("无法写入副本（{e}）"),
        ])
    })?;
    let child = Command::new(&soffice)
        .arg("--headless")
        .arg("--norestore")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            tmp.0.join("profile").display()
        ))
        .args(["--convert-to", "docx", "--outdir"])
        .arg(&tmp.0)
        .arg(&src)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            fail([
                format!("it did not start ({e})"),
                format!("它没有启动（{e}）"),
            ])
        })?;
    wait(child, Duration::from_secs(120)).map_err(fail)?;
    let out = tmp.0.join("input.docx");
    let converted = std::fs::read(&out)
        .map_err(|_| fail(["it wrote no .docx".into(), "它没有生成 .docx".into()]))?;
    let mut input = from_docx(
        &converted,
        path,
        &format!("{}, converted to .docx by LibreOffice", kind_short(format)),
    )?;
    input.notes.push([
        format!(
            "{} was converted to .docx by LibreOffice ({}) before it was read",
            path.display(),
            soffice.display()
        ),
        format!(
            "{} 先由 LibreOffice（{}）转换成 .docx 再读取",
            path.display(),
            soffice.display()
        ),
    ]);
    Ok(input)
}

fn kind_short(format: Format) -> &'static str {
    match format {
        Format::Rtf => "RTF",
        _ => "Word .doc/.wps",
    }
}

/// Wait for a child for at most `limit`, killing it after that.
/// Why not is said in English and Chinese.
fn wait(mut child: std::process::Child, limit: Duration) -> Result<(), [String; 2]> {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err([
                    format!("it failed ({status})"),
                    format!("它运行失败（{status}）"),
                ]);
            }
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                let s = limit.as_secs();
                return Err([
                    format!("it took more than {s} s"),
                    format!("它用了超过 {s} 秒"),
                ]);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err([e.to_string(), format!("出错了（{e}）")]),
        }
    }
}

/// The first executable `name` in the folders of PATH.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && is_executable(&m)))
}

#[cfg(unix)]
fn is_executable(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    true
}

/// A folder removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bulletin-import-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A .docx with this body.
    fn docx(body: &str) -> Vec<u8> {
        use std::io::Write;
        let xml = format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(xml.as_bytes()).unwrap();
        z.finish().unwrap();
        buf.into_inner()
    }

    fn p(t: &str) -> String {
        format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>")
    }

    fn row(cells: &[&str]) -> String {
        let cells: String = cells
            .iter()
            .map(|c| format!("<w:tc>{}</w:tc>", p(c)))
            .collect();
        format!("<w:tr>{cells}</w:tr>")
    }

    #[test]
    fn a_layout_table_in_the_header_is_read_as_lines_a_data_table_as_a_table() {
        let long = "近年来，全县持续推进学前教育，新建幼儿园十二所，新增学位三千六百个，公办园在园幼儿占比达到百分之五十六，普惠幼儿园覆盖率达到百分之九十一。";
        let body = format!(
            "{}<w:tbl>{}{}</w:tbl>{}{}<w:tbl>{}{}</w:tbl>{}",
            p("工作简报"),
            row(&["第 3 期", ""]),
            row(&["县政府办公室编", "2021 年 1 月 4 日"]),
            p("于都县推进学前教育"),
            p(long),
            row(&["项目", "数量"]),
            row(&["幼儿园", "12 所"]),
            p(long),
        );
        let input = from_docx(&docx(&body), Path::new("in.docx"), "Word .docx").unwrap();
        assert!(
            input
                .text
                .starts_with("工作简报\n\n第 3 期\n\n县政府办公室编 2021 年 1 月 4 日\n\n"),
            "{}",
            input.text
        );
        assert_eq!(input.objects, [Object::Table(1)]);
        let parsed =
            parse::parse_with_hints(&input.text, &input.hints, Path::new("in.docx"), &|t| {
                t.starts_with("于都县")
            })
            .unwrap();
        assert_eq!(
            (parsed.number, parsed.date.to_string()),
            (3, "2021-01-04".into())
        );
        assert_eq!(parsed.editor.as_deref(), Some("县政府办公室"));
        assert!(parsed.articles[0].blocks.contains(&parse::Block::Object(0)));
    }

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Format::Zip);
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1...."), Format::Ole2);
        assert_eq!(sniff(b"{\\rtf1\\ansi"), Format::Rtf);
        assert_eq!(sniff("第 1 期".as_bytes()), Format::Text);
        assert_eq!(sniff(b""), Format::Text);
    }
}
