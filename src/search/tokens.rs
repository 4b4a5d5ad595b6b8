//! The tokeniser: a text to the events the index is made of ([`TokenEvent`]): Han characters with
//! their positions, the ends of Han runs, and tokens of letters and digits. [`keys_of`] is what
//! `search.js` does with a query. The same tokeniser reads HTML in [`super::html_text`].

use super::chars::{Class, char_at, classify, tables};

/// The keys a query or a text is looked up by, in order: Han bigrams (or the lone character of a
/// one-character run) and tokens. What `search.js` does with a query, for tests.
pub fn keys_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    Tokens::default().feed(text, 0, &mut |ev: TokenEvent<'_>| push_key(&mut out, ev));
    out
}

/// The key a tokeniser event stands for, if any, pushed to `out` (see [`keys_of`]).
pub(super) fn push_key(out: &mut Vec<String>, ev: TokenEvent<'_>) {
    match ev {
        TokenEvent::Han { c, prev, .. } => {
            if let Some(p) = prev {
                out.push(format!("{p}{c}"));
            }
        }
        TokenEvent::RunEnd { len: 1, last } => out.push(last.to_string()),
        TokenEvent::RunEnd { .. } => {}
        TokenEvent::Word { word, .. } => out.push(word.to_string()),
    }
}

/// What the tokeniser finds, in text order. (Named apart from `pulldown_cmark::Event`, which the
/// Markdown renderer next door is full of.)
pub(super) enum TokenEvent<'a> {
    /// A Han character at a position, with the one before it in the same run.
    Han {
        c: char,
        prev: Option<char>,
        pos: u32,
    },
    /// A run of Han characters ended.
    RunEnd { len: u32, last: char },
    /// A token of letters and digits.
    Word { word: &'a str },
}

/// What receives the tokeniser's events: any closure, or [`Scanner`], whose method is inlined
/// into the tokeniser's loop (a closure that big would be called once per character instead).
pub(super) trait Emit {
    fn emit(&mut self, ev: TokenEvent<'_>);
}

impl<F: FnMut(TokenEvent<'_>)> Emit for F {
    #[inline(always)]
    fn emit(&mut self, ev: TokenEvent<'_>) {
        self(ev)
    }
}

/// The tokeniser: Han positions count Han characters, and every break between runs adds one, so
/// the last character of one run and the first of the next are never adjacent. Nothing is carried
/// from one text to the next (each ends in a line break); the struct only keeps the buffer of the
/// current token.
#[derive(Default)]
pub(super) struct Tokens {
    pub(super) word: String,
}

/// Where the tokeniser is within a text: the previous character if it was Han, the length of its
/// run, and the next Han position. Kept in locals (the compiler keeps them in registers).
pub(super) struct At {
    pub(super) prev: Option<char>,
    pub(super) run: u32,
    pub(super) pos: u32,
}

impl Tokens {
    /// Feed `text`; Han positions continue from `pos`. Returns the position after the text.
    ///
    /// The text is followed by a line break, which ends its last run and token.
    #[inline(always)]
    pub(super) fn feed(&mut self, text: &str, pos: u32, emit: &mut impl Emit) -> u32 {
        let t = tables();
        let mut at = At {
            prev: None,
            run: 0,
            pos,
        };
        let mut i = 0;
        while i < text.len() {
            let (c, len) = char_at(text, i);
            i += len;
            let (c, class) = classify(c, t);
            step(&mut self.word, &mut at, c, class, emit);
        }
        finish(&mut self.word, at, emit)
    }
}

/// The tokeniser's work for one character.
#[inline(always)]
pub(super) fn step(word: &mut String, at: &mut At, c: char, class: Class, emit: &mut impl Emit) {
    if class == Class::Han {
        flush_word(word, emit);
        emit.emit(TokenEvent::Han {
            c,
            prev: at.prev,
            pos: at.pos,
        });
        at.prev = Some(c);
        at.run += 1;
        at.pos += 1;
    } else {
        if let Some(last) = at.prev.take() {
            emit.emit(TokenEvent::RunEnd { len: at.run, last });
            at.run = 0;
            at.pos += 1;
        }
        if class == Class::Word {
            word.push(c);
        } else {
            flush_word(word, emit);
        }
    }
}

/// The end of a text, which ends its run and token: the position after it.
#[inline(always)]
pub(super) fn finish(word: &mut String, at: At, emit: &mut impl Emit) -> u32 {
    let mut pos = at.pos;
    if let Some(last) = at.prev {
        emit.emit(TokenEvent::RunEnd { len: at.run, last });
        pos += 1;
    }
    flush_word(word, emit);
    pos
}

/// The token in `word`, if any, ends.
#[inline(always)]
fn flush_word(word: &mut String, emit: &mut impl Emit) {
    if !word.is_empty() {
        emit.emit(TokenEvent::Word { word });
        word.clear();
    }
}

/// The Han positions a title uses (the rest of every article starts after the longest title).
pub(super) fn title_span(title: &str) -> u32 {
    Tokens::default().feed(title, 0, &mut |_: TokenEvent<'_>| {})
}

/// Positions past this are not indexed (an article of 268 million Han characters).
pub(super) const MAX_POS: u32 = (1 << 28) - 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_bigrams_within_runs_and_whole_tokens() {
        assert_eq!(keys_of("农民工"), ["农民", "民工"]);
        assert_eq!(keys_of("加装、电梯"), ["加装", "电梯"]);
        assert_eq!(keys_of("5G基站 GDP"), ["5g", "基站", "gdp"]);
        assert_eq!(keys_of("省"), ["省"]);
        assert_eq!(keys_of("2021年"), ["2021", "年"]);
        assert_eq!(keys_of("ＣＯＶＩＤ-19"), ["covid", "19"]);
    }
    #[test]
    fn runs_are_separated_by_a_gap_in_positions() {
        let mut seen = Vec::new();
        Tokens::default().feed("学前，教育", 0, &mut |ev: TokenEvent<'_>| {
            if let TokenEvent::Han { c, pos, .. } = ev {
                seen.push((c, pos));
            }
        });
        assert_eq!(seen, [('学', 0), ('前', 1), ('教', 3), ('育', 4)]);
        assert_eq!(title_span("学前，教育"), 6);
        assert_eq!(title_span("GDP"), 0);
    }
}
