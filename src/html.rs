//! Reading HTML as a browser's tokenizer does, in one place: html5ever's tokenizer (already in
//! the build through ammonia) with the one thing a tree builder would add, that the text of
//! `<title>`, `<script>`, `<style>` and their kind is not markup ([`after_start_tag`]).
//!
//! Used where HTML is read rarely or off the hot path: the link check ([`crate::links::scan`]),
//! the nesting check of bodies with raw HTML ([`crate::markdown::html_shape`]) and the tests. The
//! search index's text reader (`search/html_text/`), on the hot path, keeps its own scanner,
//! tested against this one; minifying is minify-html's (`crate::minify`).

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
pub use html5ever::tokenizer::{Tag, TagKind, Token};

/// Call `each` with every token of `html`, in order: start and end tags with their attributes
/// (character references decoded), text, comments, and the doctype.
pub fn tokens(html: &str, each: impl FnMut(Token)) {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tok = Tokenizer::new(Each(RefCell::new(each)), TokenizerOpts::default());
    let _ = tok.feed(&input);
    tok.end();
}

/// Call `each` with every start tag of `html`.
pub fn start_tags(html: &str, mut each: impl FnMut(&Tag)) {
    tokens(html, |token| {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            each(&tag);
        }
    });
}

/// A closure as html5ever's [`TokenSink`], which switches the tokenizer to raw text where a tree
/// builder would.
struct Each<F>(RefCell<F>);

impl<F: FnMut(Token)> TokenSink for Each<F> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let next = match &token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => after_start_tag(&tag.name),
            _ => TokenSinkResult::Continue,
        };
        (self.0.borrow_mut())(token);
        next
    }
}

/// What a tree builder would tell html5ever's tokenizer after the start tag `name`: the text of
/// these elements is not markup, so `<a href>` inside a `<title>` or a script is not a link.
fn after_start_tag(name: &str) -> TokenSinkResult<()> {
    match name {
        "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
            TokenSinkResult::RawData(RawKind::Rawtext)
        }
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        _ => TokenSinkResult::Continue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_of_title_script_and_style_is_not_markup() {
        let mut names = Vec::new();
        start_tags(
            "<title>&lt;/title><a href=/no/></title><script>'<a>'</script><style><b></style><i>",
            |tag| names.push(tag.name.to_string()),
        );
        assert_eq!(names, ["title", "script", "style", "i"]);
    }

    #[test]
    fn attributes_are_read_unquoted_and_decoded() {
        let mut attrs = Vec::new();
        start_tags(
            "<a href=/x/?a=1&amp;b=2 id='top' data-x=\"&#20892;\">",
            |tag| {
                attrs.extend(tag.attrs.iter().map(|a| a.value.to_string()));
            },
        );
        assert_eq!(attrs, ["/x/?a=1&b=2", "top", "农"]);
    }
}
