//! Every compressed stream of a PDF inflated into nothing, counting bytes, before the PDF reader
//! (lopdf) is given the file.
//!
//! Why before: lopdf inflates some streams while it loads a file — object streams (`/Type
//! /ObjStm`, which hold other objects) and cross-reference streams — whole and without a limit,
//! before any check on the loaded document can run. A compression bomb there (a few KiB that
//! inflate to gigabytes) would exhaust memory. So the file's bytes are read here as they are:
//! each `stream … endstream` is found after its dictionary, its filters are read from that
//! dictionary, and it is decoded through them the way lopdf decodes it (Flate with lopdf's
//! raw-deflate fallback, LZW, ASCII85), with every stage bounded: a stream inflating past
//! `stream_limit`, or all of them past `total_limit`, refuses the file. Only a stage whose output
//! another stage reads is kept in memory (and it is bounded too); the last is counted into a sink.
//!
//! Where lopdf and this scan could disagree about a stream's extent (a `/Length` that is wrong, or
//! indirect, or an `endstream` inside the data), the scan reads the longer of what either reading
//! gives: decoding more of a stream never yields less output, so the count is never below lopdf's.

use std::io::Write;

/// The most one stream may inflate to, and all of a file's streams together.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub stream: u64,
    pub total: u64,
}

/// A stream that inflates past a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooBig {
    /// The limit it passed, in bytes.
    pub limit: u64,
    /// Its object number and generation, when its `N G obj` was found.
    pub object: Option<(u32, u16)>,
    /// `/Type` of its dictionary (`ObjStm`, `XRef`…), when it has one.
    pub kind: Option<String>,
}

impl std::fmt::Display for TooBig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "its compressed streams inflate to more than {} MiB",
            self.limit >> 20
        )?;
        match (&self.object, self.kind.as_deref()) {
            (Some((n, g)), Some("ObjStm")) => write!(f, " (object {n} {g}, an object stream)"),
            (Some((n, g)), Some("XRef")) => {
                write!(f, " (object {n} {g}, a cross-reference stream)")
            }
            (Some((n, g)), _) => write!(f, " (object {n} {g})"),
            (None, _) => Ok(()),
        }
    }
}

/// Refuse `pdf` if any of its streams, decoded through its filters, is larger than
/// `limits.stream`, or all of them together than `limits.total`.
pub fn check(pdf: &[u8], limits: Limits) -> Result<(), TooBig> {
    let mut total = 0u64;
    let mut from = 0;
    while let Some(at) = find(pdf, b"stream", from) {
        from = at + 6;
        if at >= 3 && &pdf[at - 3..at] == b"end" {
            continue;
        }
        let Some(dict_end) = dict_before(pdf, at) else {
            continue;
        };
        let Some(dict_start) = dict_start(pdf, dict_end) else {
            continue;
        };
        let dict = &pdf[dict_start..dict_end];
        let keys = Keys::read(dict);
        if keys.filters.is_empty() {
            continue;
        }
        let start = data_start(pdf, at + 6);
        let by_length = keys
            .length
            .and_then(|l| match l {
                Length::Direct(n) => Some(n),
                Length::Indirect(n, g) => indirect_integer(pdf, n, g),
            })
            .and_then(|n| usize::try_from(n).ok())
            .map_or(start, |n| start.saturating_add(n).min(pdf.len()));
        let by_end = find(pdf, b"endstream", start).unwrap_or(pdf.len());
        let data = &pdf[start..by_length.max(by_end)];
        let too_big = |limit| TooBig {
            limit,
            object: object_number(pdf, dict_start),
            kind: keys.kind.clone(),
        };
        let n = decode_count(data, &keys.filters, limits.stream)
            .ok_or_else(|| too_big(limits.stream))?;
        total += n;
        if total > limits.total {
            return Err(too_big(limits.total));
        }
        from = from.max(start);
    }
    Ok(())
}

/// The decoded size of `data` through `filters` (in decoding order), or `None` past `limit`.
/// Decoding stops, as lopdf's does, at the first filter lopdf does not decode or at damage; what
/// was decoded until then counts.
fn decode_count(data: &[u8], filters: &[String], limit: u64) -> Option<u64> {
    let mut held: Option<Vec<u8>> = None;
    for (i, f) in filters.iter().enumerate() {
        let last = i + 1 == filters.len();
        let input: &[u8] = held.as_deref().unwrap_or(data);
        let mut out = Bounded::new(limit, !last);
        let ok = match f.as_str() {
            "FlateDecode" | "Fl" => inflate(input, &mut out),
            "LZWDecode" | "LZW" => {
                let mut d = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
                let r = d.into_stream(&mut out).decode_all(input);
                r.status.is_ok() || !out.over
            }
            "ASCII85Decode" | "A85" => ascii85(input, &mut out),
            _ => {
                // lopdf leaves the stream as it is from here on.
                return Some(held.map_or(0, |h| h.len() as u64));
            }
        };
        if out.over {
            return None;
        }
        if !ok && out.count == 0 {
            return Some(0);
        }
        if last {
            return Some(out.count);
        }
        held = Some(out.kept);
    }
    Some(held.map_or(0, |h| h.len() as u64))
}

/// Inflate a zlib stream, or, when that gives nothing, a raw deflate stream after its first two
/// bytes (lopdf's fallback for a damaged header or checksum).
fn inflate(input: &[u8], out: &mut Bounded) -> bool {
    let mut z = flate2::read::ZlibDecoder::new(input);
    let r = std::io::copy(&mut z, out);
    if out.over {
        return false;
    }
    if r.is_err() && out.count == 0 && input.len() > 2 {
        let mut raw = flate2::read::DeflateDecoder::new(&input[2..]);
        return std::io::copy(&mut raw, out).is_ok();
    }
    r.is_ok()
}

/// ASCII85 (`<~ … ~>`), as lopdf decodes it: five characters to four bytes, `z` four zero bytes.
fn ascii85(input: &[u8], out: &mut Bounded) -> bool {
    let mut group = [0u8; 5];
    let mut n = 0;
    for &c in input {
        match c {
            b'~' => break,
            b'z' if n == 0 => {
                if out.write_all(&[0; 4]).is_err() {
                    return false;
                }
            }
            b'!'..=b'u' => {
                group[n] = c - b'!';
                n += 1;
                if n == 5 {
                    let v = group.iter().fold(0u64, |v, &d| v * 85 + u64::from(d));
                    let bytes = (v as u32).to_be_bytes();
                    if out.write_all(&bytes).is_err() {
                        return false;
                    }
                    n = 0;
                }
            }
            c if c.is_ascii_whitespace() => {}
            _ => return false,
        }
    }
    if n > 1 {
        let _ = out.write_all(&[0; 4][..n - 1]);
    }
    !out.over
}

/// A writer that counts, keeps what it is given when asked to, and fails past its limit.
struct Bounded {
    limit: u64,
    count: u64,
    keep: bool,
    kept: Vec<u8>,
    over: bool,
}

impl Bounded {
    fn new(limit: u64, keep: bool) -> Bounded {
        Bounded {
            limit,
            count: 0,
            keep,
            kept: Vec::new(),
            over: false,
        }
    }
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.count += buf.len() as u64;
        if self.count > self.limit {
            self.over = true;
            return Err(std::io::Error::other("over the limit"));
        }
        if self.keep {
            self.kept.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The first `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let k = hay[i..hay.len() + 1 - needle.len()]
            .iter()
            .position(|&b| b == first)?;
        i += k;
        if hay[i..].starts_with(needle) {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

/// Where the data of a stream starts: after the end of the line of `stream`.
fn data_start(pdf: &[u8], mut i: usize) -> usize {
    while i < pdf.len() && matches!(pdf[i], b' ' | b'\t') {
        i += 1;
    }
    if pdf[i..].starts_with(b"\r\n") {
        i + 2
    } else if i < pdf.len() && matches!(pdf[i], b'\n' | b'\r') {
        i + 1
    } else {
        i
    }
}

/// The end (after `>>`) of the dictionary right before the `stream` keyword at `at`, if one is.
fn dict_before(pdf: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    while i > 0 && is_space(pdf[i - 1]) {
        i -= 1;
    }
    (i >= 2 && &pdf[i - 2..i] == b">>").then_some(i)
}

/// How far back a stream's dictionary is looked for.
const DICT_REACH: usize = 1 << 16;

/// The start (at `<<`) of the dictionary ending at `end`, matching nested `<<` and `>>`.
fn dict_start(pdf: &[u8], end: usize) -> Option<usize> {
    let floor = end.saturating_sub(DICT_REACH);
    let mut depth = 0i64;
    let mut i = end;
    while i >= floor + 2 {
        if &pdf[i - 2..i] == b">>" {
            depth += 1;
            i -= 2;
        } else if &pdf[i - 2..i] == b"<<" {
            depth -= 1;
            i -= 2;
            if depth == 0 {
                return Some(i);
            }
        } else {
            i -= 1;
        }
    }
    None
}

/// The `N G obj` right before the dictionary at `start`, if it is there.
fn object_number(pdf: &[u8], start: usize) -> Option<(u32, u16)> {
    let head = &pdf[start.saturating_sub(40)..start];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_end();
    let text = text.strip_suffix("obj")?;
    let mut words = text.split_ascii_whitespace().rev();
    let g = words.next()?.parse().ok()?;
    let n = words.next()?.parse().ok()?;
    Some((n, g))
}

/// The integer that object `n g` is, found as `n g obj <integer>` in the file.
fn indirect_integer(pdf: &[u8], n: u32, g: u16) -> Option<u64> {
    let needle = format!("{n} {g} obj");
    let mut from = 0;
    while let Some(at) = find(pdf, needle.as_bytes(), from) {
        from = at + 1;
        if at > 0 && !is_space(pdf[at - 1]) {
            continue;
        }
        let rest = &pdf[at + needle.len()..pdf.len().min(at + needle.len() + 40)];
        let text = String::from_utf8_lossy(rest);
        if let Some(word) = text.split_ascii_whitespace().next()
            && let Ok(v) = word.parse()
        {
            return Some(v);
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    Direct(u64),
    Indirect(u32, u16),
}

/// What the scan needs of a stream's dictionary.
#[derive(Debug, Default, PartialEq, Eq)]
struct Keys {
    filters: Vec<String>,
    length: Option<Length>,
    kind: Option<String>,
}

impl Keys {
    /// The top-level keys of a dictionary's text (`<< … >>`), reading past strings, nested
    /// dictionaries and arrays.
    fn read(dict: &[u8]) -> Keys {
        let tokens = tokens(dict);
        let mut keys = Keys::default();
        let mut depth = 0i32;
        let mut i = 0;
        while i < tokens.len() {
            let t = tokens[i].as_str();
            match t {
                "<<" | "[" => depth += 1,
                ">>" | "]" => depth -= 1,
                _ => {}
            }
            if depth == 1 && tokens.get(i + 1).is_some() {
                let next = |k: usize| tokens.get(i + k).map(String::as_str);
                match t {
                    "/Filter" => {
                        if next(1) == Some("[") {
                            let mut k = 2;
                            while let Some(name) = next(k).and_then(|s| s.strip_prefix('/')) {
                                keys.filters.push(name.to_string());
                                k += 1;
                            }
                        } else if let Some(name) = next(1).and_then(|s| s.strip_prefix('/')) {
                            keys.filters.push(name.to_string());
                        }
                    }
                    "/Length" => {
                        let n = next(1).and_then(|s| s.parse::<u64>().ok());
                        let g = next(2).and_then(|s| s.parse::<u16>().ok());
                        keys.length = match (n, g, next(3)) {
                            (Some(n), Some(g), Some("R")) => {
                                u32::try_from(n).ok().map(|n| Length::Indirect(n, g))
                            }
                            (Some(n), _, _) => Some(Length::Direct(n)),
                            _ => None,
                        };
                    }
                    "/Type" => {
                        keys.kind = next(1)
                            .and_then(|s| s.strip_prefix('/'))
                            .map(str::to_string);
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        keys
    }
}

/// A dictionary's text as tokens: `<<`, `>>`, `[`, `]`, names, numbers and words; strings are
/// skipped (their parentheses balanced, escapes honoured).
fn tokens(text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    let delim = |b: u8| is_space(b) || b"()<>[]{}/%".contains(&b);
    while i < text.len() {
        let b = text[i];
        if is_space(b) {
            i += 1;
        } else if text[i..].starts_with(b"<<") || text[i..].starts_with(b">>") {
            out.push(String::from_utf8_lossy(&text[i..i + 2]).into_owned());
            i += 2;
        } else if b == b'[' || b == b']' {
            out.push((b as char).to_string());
            i += 1;
        } else if b == b'(' {
            let mut depth = 0;
            while i < text.len() {
                match text[i] {
                    b'\\' => i += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        } else if b == b'<' {
            // A hex string.
            i = find(text, b">", i).map_or(text.len(), |e| e + 1);
        } else if b == b'%' {
            while i < text.len() && !matches!(text[i], b'\r' | b'\n') {
                i += 1;
            }
        } else {
            let start = i;
            i += 1;
            while i < text.len() && !delim(text[i]) {
                i += 1;
            }
            out.push(String::from_utf8_lossy(&text[start..i]).into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        stream: 1 << 20,
        total: 3 << 20,
    };

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn pdf_with(objects: &[(u32, &str, Vec<u8>)]) -> Vec<u8> {
        let mut out = b"%PDF-1.5\n".to_vec();
        for (n, dict, data) in objects {
            out.extend_from_slice(format!("{n} 0 obj\n{dict}\nstream\r\n").as_bytes());
            out.extend_from_slice(data);
            out.extend_from_slice(b"\nendstream\nendobj\n");
        }
        out.extend_from_slice(b"%%EOF\n");
        out
    }

    #[test]
    fn a_small_flate_stream_passes() {
        let data = zlib(&[b' '; 1000]);
        let pdf = pdf_with(&[(
            4,
            &format!("<< /Length {} /Filter /FlateDecode >>", data.len()),
            data,
        )]);
        assert_eq!(check(&pdf, LIMITS), Ok(()));
    }

    #[test]
    fn an_object_stream_that_inflates_past_the_limit_is_named() {
        let data = zlib(&vec![0; 2 << 20]);
        let pdf = pdf_with(&[(
            7,
            &format!(
                "<< /Type /ObjStm /N 1 /First 4 /Length {} /Filter /FlateDecode >>",
                data.len()
            ),
            data,
        )]);
        let e = check(&pdf, LIMITS).unwrap_err();
        assert_eq!(e.object, Some((7, 0)));
        assert_eq!(
            e.to_string(),
            "its compressed streams inflate to more than 1 MiB (object 7 0, an object stream)"
        );
    }

    #[test]
    fn a_bomb_compressed_twice_is_found_through_its_filter_chain() {
        let data = zlib(&zlib(&vec![0; 4 << 20]));
        let pdf = pdf_with(&[(
            3,
            &format!(
                "<< /Type /ObjStm /Filter [ /FlateDecode /Fl ] /Length {} /DecodeParms [ null null ] >>",
                data.len()
            ),
            data,
        )]);
        assert!(check(&pdf, LIMITS).is_err());
    }

    #[test]
    fn streams_under_the_limit_each_are_refused_together_past_the_total() {
        let data = zlib(&vec![0; 900 << 10]);
        let dict = format!("<< /Length {} /Filter /FlateDecode >>", data.len());
        let objects: Vec<(u32, &str, Vec<u8>)> =
            (1..=4).map(|n| (n, dict.as_str(), data.clone())).collect();
        let e = check(&pdf_with(&objects), LIMITS).unwrap_err();
        assert_eq!(e.limit, 3 << 20);
    }

    #[test]
    fn a_wrong_length_or_an_endstream_inside_the_data_hides_nothing() {
        let mut data = zlib(&vec![0; 2 << 20]);
        // `endstream` in the middle of the compressed bytes, and a /Length that stops before it.
        data.splice(10..10, b"endstream".iter().copied());
        let pdf = pdf_with(&[(5, "<< /Length 3 /Filter /FlateDecode >>", data.clone())]);
        // The data is damaged by the splice; what inflates before it is under the limit, which is
        // what lopdf would read too. Undamaged, behind an indirect length:
        let good = zlib(&vec![0; 2 << 20]);
        let mut pdf2 = pdf_with(&[(5, "<< /Length 6 0 R /Filter /FlateDecode >>", good.clone())]);
        pdf2.extend_from_slice(format!("6 0 obj\n{}\nendobj\n", good.len()).as_bytes());
        assert!(check(&pdf, LIMITS).is_ok());
        assert!(check(&pdf2, LIMITS).is_err());
    }

    #[test]
    fn a_raw_deflate_stream_behind_a_broken_header_is_counted_as_lopdf_reads_it() {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![0; 2 << 20]).unwrap();
        let mut data = b"xx".to_vec();
        data.extend(e.finish().unwrap());
        let pdf = pdf_with(&[(2, "<< /Filter /FlateDecode >>", data)]);
        assert!(check(&pdf, LIMITS).is_err());
    }

    #[test]
    fn lzw_and_ascii85_are_decoded_too() {
        let mut enc = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
        let lzw = enc.encode(&vec![b'a'; 2 << 20]).unwrap();
        let pdf = pdf_with(&[(2, "<< /Filter /LZWDecode >>", lzw)]);
        assert!(check(&pdf, LIMITS).is_err());
        let a85 = vec![b'z'; 300 << 10];
        let pdf = pdf_with(&[(2, "<< /Filter /ASCII85Decode >>", a85)]);
        assert!(check(&pdf, LIMITS).is_err());
    }

    #[test]
    fn dictionary_keys_are_read_past_strings_and_nested_dictionaries() {
        let k = Keys::read(
            b"<< /Title (a /Filter /LZWDecode \\) here) /DecodeParms << /Filter /X >> /Filter [/ASCII85Decode /FlateDecode] /Length 12 0 R /Type /XRef >>",
        );
        assert_eq!(k.filters, ["ASCII85Decode", "FlateDecode"]);
        assert_eq!(k.length, Some(Length::Indirect(12, 0)));
        assert_eq!(k.kind.as_deref(), Some("XRef"));
    }
}
