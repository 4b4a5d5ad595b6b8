//! Reading an article's text out of its rendered HTML, as the tokeniser goes
//! ([`Tokens::feed_html`]), so that no plain-text copy of any article is kept.
//!
//! Not an HTML parser, and it need not be one: the HTML is what the build rendered from
//! Markdown, sanitised unless the site trusts its authors. It runs over every byte of every
//! article, which is why it is its own small scanner rather than html5ever's tokenizer (that
//! allocates per token); its tests compare it with html5ever on the fuzz corpus and the sample.

use super::chars::{Class, char_at, classify, tables};
use super::tokens::{At, Emit, Tokens, finish, step};

impl Tokens {
    /// Feed the text of an HTML fragment (an article's body as rendered), as [`Tokens::feed`]
    /// does a plain text. Returns the position after it and how many bytes of text it had.
    ///
    /// Inline elements (`<strong>`, `<a>`, `<span>`…) do not break a run, so `学<b>前</b>教育`
    /// is 学前教育; every other tag (`</p>`, `<li>`, `<td>`, `<br>`) is a break, as a line break
    /// is. An image stands for its `alt` text. Character references are decoded. Comments, and
    /// the content of `<script>` and `<style>`, are skipped. See [`markup_at`].
    #[inline(always)]
    pub(super) fn feed_html(&mut self, html: &str, pos: u32, emit: &mut impl Emit) -> (u32, usize) {
        let t = tables();
        let mut at = At {
            prev: None,
            run: 0,
            pos,
        };
        // Bytes of markup skipped, and of text that markup stood for.
        let (mut markup, mut decoded) = (0, 0);
        let mut i = 0;
        while i < html.len() {
            let (c, len) = char_at(html, i);
            if c == '<' || c == '&' {
                let (end, m) = markup_at(html, i);
                markup += end - i;
                i = end;
                match m {
                    Markup::Nothing => {}
                    Markup::Break => step(&mut self.word, &mut at, '\n', Class::Other, emit),
                    Markup::Char(c) => {
                        decoded += c.len_utf8();
                        let (c, class) = classify(c, t);
                        step(&mut self.word, &mut at, c, class, emit);
                    }
                    Markup::Alt(alt) => {
                        decoded += alt.len();
                        for c in alt.chars() {
                            let (c, class) = classify(c, t);
                            step(&mut self.word, &mut at, c, class, emit);
                        }
                    }
                }
                continue;
            }
            i += len;
            let (c, class) = classify(c, t);
            step(&mut self.word, &mut at, c, class, emit);
        }
        (
            finish(&mut self.word, at, emit),
            html.len() - markup + decoded,
        )
    }
}

/// What a piece of markup in an article's HTML is to the tokeniser.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Markup {
    /// Nothing: an inline element's tag, a comment.
    Nothing,
    /// A break between runs: any other tag.
    Break,
    /// A character: a character reference, or a `<` or `&` that starts no markup.
    Char(char),
    /// An image's `alt` text, decoded.
    Alt(String),
}

/// Whether the element `name` is inline: its tags do not break a run of text (`<img>` aside,
/// which stands for its `alt`). Compared byte by byte, case-insensitively: this is asked of every
/// tag of every article.
pub(super) fn is_inline(name: &str) -> bool {
    let mut buf = [0u8; 6];
    let Some(lower) = buf.get_mut(..name.len()) else {
        return false;
    };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    matches!(
        &*lower,
        b"a" | b"abbr"
            | b"b"
            | b"bdi"
            | b"bdo"
            | b"cite"
            | b"code"
            | b"data"
            | b"del"
            | b"dfn"
            | b"em"
            | b"font"
            | b"i"
            | b"ins"
            | b"kbd"
            | b"mark"
            | b"q"
            | b"s"
            | b"samp"
            | b"small"
            | b"span"
            | b"strike"
            | b"strong"
            | b"sub"
            | b"sup"
            | b"time"
            | b"tt"
            | b"u"
            | b"var"
            | b"wbr"
    )
}

/// The markup that starts at byte `i` of `html` (a `<` or a `&`): where it ends, and what it is
/// to the tokeniser. Not a full HTML parser, and it need not be one: the HTML is what the build
/// rendered from Markdown, sanitised unless the site trusts its authors, so it is well formed.
#[inline(never)]
pub(super) fn markup_at(html: &str, i: usize) -> (usize, Markup) {
    let bytes = html.as_bytes();
    if bytes[i] == b'&' {
        return reference_at(html, i);
    }
    let rest = &html[i..];
    // The end of the tag at `from`, past the `>` (or the end of the HTML).
    let close = |from: usize| html[from..].find('>').map_or(html.len(), |e| from + e + 1);
    if let Some(comment) = rest.strip_prefix("<!--") {
        // As HTML ends a comment: `<!-->` and `<!--->` at once, else at `-->` or `--!>`.
        let end = if comment.starts_with('>') {
            i + 5
        } else if comment.starts_with("->") {
            i + 6
        } else {
            let dash = comment.find("-->").map(|e| e + 3);
            let bang = comment.find("--!>").map(|e| e + 4);
            match (dash, bang) {
                (Some(d), Some(b)) => i + 4 + d.min(b),
                (Some(e), None) | (None, Some(e)) => i + 4 + e,
                (None, None) => html.len(),
            }
        };
        return (end, Markup::Nothing);
    }
    match bytes.get(i + 1) {
        Some(b'!' | b'?') => (close(i), Markup::Nothing),
        Some(b'/') => {
            let name = tag_name(&html[i + 2..]);
            let m = if is_inline(name) {
                Markup::Nothing
            } else {
                Markup::Break
            };
            (close(i + 2 + name.len()), m)
        }
        Some(b) if b.is_ascii_alphabetic() => {
            let name = tag_name(&html[i + 1..]);
            let (end, alt) = attributes(html, i + 1 + name.len());
            if name.eq_ignore_ascii_case("img") {
                return (end, alt.map_or(Markup::Nothing, Markup::Alt));
            }
            if ["script", "style"]
                .iter()
                .any(|t| t.eq_ignore_ascii_case(name))
            {
                // Raw text up to the element's end tag, whatever its case.
                let mut from = end;
                while let Some(e) = html[from..].find("</") {
                    let at = from + e + 2;
                    let tag = bytes.get(at..at + name.len());
                    if tag.is_some_and(|t| t.eq_ignore_ascii_case(name.as_bytes())) {
                        return (close(at + name.len()), Markup::Break);
                    }
                    from = at;
                }
                return (html.len(), Markup::Break);
            }
            if is_inline(name) {
                (end, Markup::Nothing)
            } else {
                (end, Markup::Break)
            }
        }
        _ => (i + 1, Markup::Char('<')),
    }
}

/// The tag name at the start of `s`.
pub(super) fn tag_name(s: &str) -> &str {
    let end = s
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .unwrap_or(s.len());
    &s[..end]
}

/// Read a tag's attributes from byte `i` of `html` to its `>`: where the tag ends, and its `alt`
/// attribute's value, decoded.
pub(super) fn attributes(html: &str, mut i: usize) -> (usize, Option<String>) {
    let bytes = html.as_bytes();
    let mut alt = None;
    loop {
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            i += 1;
        }
        match bytes.get(i) {
            None => return (html.len(), alt),
            Some(b'>') => return (i + 1, alt),
            _ => {}
        }
        let name_end = html[i..]
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
            .map_or(html.len(), |e| i + e);
        let name = &html[i..name_end];
        i = name_end;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let (value, end) = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = html[i + 1..]
                    .find(char::from(q))
                    .map_or(html.len(), |e| i + 1 + e);
                (&html[(i + 1).min(end)..end], (end + 1).min(html.len()))
            }
            _ => {
                let end = html[i..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(html.len(), |e| i + e);
                (&html[i..end], end)
            }
        };
        if name.eq_ignore_ascii_case("alt") {
            alt = Some(unescape(value));
        }
        i = end;
    }
}

/// Text with its character references decoded, as [`reference_at`] reads them.
pub(super) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(off) = text[i..].find('&') {
        out.push_str(&text[i..i + off]);
        let (end, m) = reference_at(text, i + off);
        match m {
            Markup::Char(c) => out.push(c),
            _ => out.push(' '),
        }
        i = end;
    }
    out.push_str(&text[i..]);
    out
}

/// The character reference at byte `i` of `html` (a `&`): `&amp;`, `&#20892;`, `&#x519C;`. The
/// five that HTML escapes with and `&nbsp;` are known by name; any other name of HTML's is a break
/// (they stand for punctuation and symbols: `&hellip;`, `&mdash;`). A `&` that starts no
/// reference (`&x;` is none: minify-html writes `&amp;x;` so) is itself.
pub(super) fn reference_at(html: &str, i: usize) -> (usize, Markup) {
    let after = &html[i + 1..];
    let Some(semi) = after.bytes().take(32).position(|b| b == b';') else {
        return (i + 1, Markup::Char('&'));
    };
    let name = &after[..semi];
    let end = i + 1 + semi + 1;
    let number = match name.strip_prefix('#') {
        Some(n) => match n.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => n.parse::<u32>().ok(),
        },
        None => None,
    };
    let c = match (number, name) {
        (Some(n), _) => char::from_u32(n),
        (None, "amp") => Some('&'),
        (None, "lt") => Some('<'),
        (None, "gt") => Some('>'),
        (None, "quot") => Some('"'),
        (None, "apos") => Some('\''),
        (None, "nbsp") => Some('\u{a0}'),
        (None, n)
            if !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_alphanumeric())
                && html5ever::data::NAMED_ENTITIES.contains_key(&after[..=semi]) =>
        {
            return (end, Markup::Break);
        }
        _ => return (i + 1, Markup::Char('&')),
    };
    match c {
        Some(c) => (end, Markup::Char(c)),
        None => (end, Markup::Break),
    }
}

#[cfg(test)]
mod tests;
