//! Bytes as they arrive → one `String` with `\n` line endings.
//!
//! Offices save text from Word or a PDF viewer as UTF-8 (with or without a BOM), as GB18030/GBK
//! (what Chinese Windows calls ANSI) or, from Notepad's "Unicode", as UTF-16. We try them in that
//! order, strictly: a file that is none of them is an error naming the first byte that cannot be
//! read, never text decoded with replacement characters (that would lose characters silently). A
//! PDF or Word file given by mistake gets told what it is.

use std::path::Path;

use crate::diagnostics::Diagnostic;

/// A decoded bulletin text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, BOM removed, every line ending (`\r\n`, `\r`) turned into `\n` and form feeds
    /// (page breaks of `pdftotext`) removed.
    pub text: String,
    /// The encoding it was read as: `UTF-8`, `GB18030`, `UTF-16LE` or `UTF-16BE`.
    pub encoding: &'static str,
}

/// Decode the bytes of `path`.
pub fn decode(bytes: &[u8], path: &Path) -> Result<Decoded, Diagnostic> {
    if let Some([kind, kind_zh]) = binary_kind(bytes) {
        return Err(
            Diagnostic::error(format!("{} is a {kind}, not text", path.display()))
                .with_path(path)
                .with_help(
                    "open it in Word, WPS or a PDF reader and save or copy its text as a .txt file \
                 (UTF-8 or GB18030), then import that",
                )
                .zh(format!("{} 是{kind_zh}，不是文本文件", path.display()))
                .zh_help(
                    "用 Word、WPS 或 PDF 阅读器打开它，把文字另存或复制成 .txt 文件\
                     （UTF-8 或 GB18030 编码），再导入这个文件",
                ),
        );
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(s) => (s.to_string(), "UTF-8"),
            Err(e) => return Err(undecodable(path, bytes, 3 + e.valid_up_to(), "UTF-8")),
        }
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let le = bytes[0] == 0xFF;
        let enc = if le {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        match enc.decode_without_bom_handling_and_without_replacement(&bytes[2..]) {
            Some(s) => (s.into_owned(), if le { "UTF-16LE" } else { "UTF-16BE" }),
            None => return Err(undecodable(path, bytes, 2, enc.name())),
        }
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        (s.to_string(), "UTF-8")
    } else {
        match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(s) => (s.into_owned(), "GB18030"),
            None => {
                // Report where the reading went furthest: a UTF-8 file with one bad byte is
                // garbage as GB18030 from its first character on.
                let utf8 = std::str::from_utf8(bytes)
                    .err()
                    .map_or(0, |e| e.valid_up_to());
                let offset = utf8.max(gb18030_error_offset(bytes));
                return Err(undecodable(path, bytes, offset, "GB18030"));
            }
        }
    };
    if let Some(pos) =
        text.find(|c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
    {
        let line = text[..pos].matches('\n').count() + 1;
        return Err(Diagnostic::error(format!(
            "{} holds a control character (U+{:04X}) on line {line}: it is not plain text",
            path.display(),
            text[pos..].chars().next().map_or(0, u32::from)
        ))
        .with_path(path)
        .with_help("save the bulletin as plain text (.txt) and import that")
        .zh(format!(
            "{} 第 {line} 行有控制字符（U+{:04X}）：它不是纯文本",
            path.display(),
            text[pos..].chars().next().map_or(0, u32::from)
        ))
        .zh_help("把简报另存为纯文本（.txt）再导入"));
    }
    Ok(Decoded {
        text: normalize_newlines(&text),
        encoding,
    })
}

/// What a non-text file is, from its first bytes, in English and Chinese.
fn binary_kind(bytes: &[u8]) -> Option<[&'static str; 2]> {
    if bytes.starts_with(b"%PDF") {
        Some(["PDF file", " PDF 文件"])
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some([
            "Word (.docx) or other zip file",
            " Word（.docx）或别的 zip 文件",
        ])
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Some(["Word (.doc) file", " Word（.doc）文件"])
    } else if bytes.starts_with(b"{\\rtf") {
        Some(["RTF file", " RTF 文件"])
    } else {
        None
    }
}

/// The offset of the first byte GB18030 cannot decode.
fn gb18030_error_offset(bytes: &[u8]) -> usize {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            read.saturating_sub(bad as usize + after as usize)
        }
        _ => read,
    }
}

fn undecodable(path: &Path, bytes: &[u8], offset: usize, tried: &str) -> Diagnostic {
    let offset = offset.min(bytes.len().saturating_sub(1));
    let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    Diagnostic::error(format!(
        "{} cannot be read as text: byte 0x{:02X} at offset {offset} (line {line}) is neither UTF-8 nor {tried}",
        path.display(),
        bytes.get(offset).copied().unwrap_or(0)
    ))
    .with_path(path)
    .with_help(
        "bulletin reads UTF-8 (with or without BOM), GB18030/GBK and UTF-16 with a BOM; \
         the file may be damaged or in another encoding: open it in an editor and save it as UTF-8",
    )
    .zh(format!(
        "{} 读不成文字：第 {line} 行（第 {offset} 个字节）的字节 0x{:02X} 既不是 UTF-8 也不是 {tried}",
        path.display(),
        bytes.get(offset).copied().unwrap_or(0)
    ))
    .zh_help(
        "bulletin 能读 UTF-8（带不带 BOM 都行）、GB18030/GBK 和带 BOM 的 UTF-16；\
         这个文件可能已经损坏，或是别的编码：请用编辑器打开，另存为 UTF-8",
    )
}

/// `\r\n` and lone `\r` become `\n`; a form feed (a page break) ends its line. Line numbers stay
/// those of the file, for messages.
fn normalize_newlines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            // pdftotext starts each page with a form feed; one inside a line breaks it.
            '\u{c}' => {
                if !(out.is_empty() || out.ends_with('\n')) {
                    out.push('\n');
                }
            }
            '\u{feff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Result<Decoded, Diagnostic> {
        decode(bytes, Path::new("in.txt"))
    }

    #[test]
    fn utf8_with_and_without_bom_reads_the_same() {
        let plain = dec("第 1 期\n".as_bytes()).unwrap();
        let bom = dec(b"\xEF\xBB\xBF\xE7\xAC\xAC 1 \xE6\x9C\x9F\n").unwrap();
        assert_eq!(plain, bom);
        assert_eq!(plain.text, "第 1 期\n");
        assert_eq!(plain.encoding, "UTF-8");
    }

    #[test]
    fn gb18030_is_read_when_the_bytes_are_not_utf8() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("于都县学前教育\r\n第二行\r\n");
        let d = dec(&bytes).unwrap();
        assert_eq!(d.encoding, "GB18030");
        assert_eq!(d.text, "于都县学前教育\n第二行\n");
    }

    #[test]
    fn utf16_with_a_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "简报\r\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let d = dec(&bytes).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("简报\n", "UTF-16LE"));
    }

    #[test]
    fn crlf_lone_cr_and_form_feeds_become_newlines() {
        let d = dec(b"a\r\nb\rc\x0cd\n\x0ce").unwrap();
        assert_eq!(d.text, "a\nb\nc\nd\ne");
    }

    #[test]
    fn undecodable_bytes_are_an_error_with_offset_and_line() {
        // 0x81 0x20: a GB18030 lead byte followed by a byte no sequence allows; also not UTF-8.
        let e = dec(b"ok\nline\n\x81\x20x").unwrap_err();
        let text = e.render(false);
        assert!(text.contains("offset 8 (line 3)"), "{text}");
        assert!(text.contains("neither UTF-8 nor GB18030"), "{text}");
    }

    #[test]
    fn pdf_and_word_files_are_named_for_what_they_are() {
        let e = dec(b"%PDF-1.7\n...").unwrap_err();
        assert!(e.message.contains("PDF"), "{}", e.message);
        let e = dec(b"PK\x03\x04....").unwrap_err();
        assert!(e.message.contains("docx"), "{}", e.message);
    }

    #[test]
    fn nul_bytes_mean_not_text() {
        let e = dec(b"abc\0def").unwrap_err();
        assert!(e.message.contains("control character"), "{}", e.message);
    }
}
