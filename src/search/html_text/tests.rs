//! Tests of reading text out of HTML: against the same text read plainly, and against html5ever.

use super::*;
use crate::search::tokens::{TokenEvent, keys_of, push_key};

/// The keys of an HTML fragment, as [`keys_of`] gives those of a text, with the position
/// after it and its bytes of text.
fn html_keys(html: &str) -> (Vec<String>, u32, usize) {
    let mut out = Vec::new();
    let (pos, bytes) =
        Tokens::default().feed_html(html, 0, &mut |ev: TokenEvent<'_>| push_key(&mut out, ev));
    (out, pos, bytes)
}

#[test]
fn the_text_of_html_is_read_as_the_same_text_would_be() {
    let text_pos = |text: &str| Tokens::default().feed(text, 0, &mut |_: TokenEvent<'_>| {});
    for (html, text) in [
        // Inline elements join, blocks break; link addresses are not text.
        (
            "<p>学<strong>前</strong>教育</p><p>推进<a href=\"/x?gdp=1&amp;b=2\">农民工</a></p>",
            "学前教育\n推进农民工",
        ),
        // Table cells, line breaks and list items break.
        (
            "<table><tr><td>于都</td><td>兴国</td></tr></table>学前<br />教育<ul><li>一</li><li>二</li></ul>",
            "于都 兴国\n学前\n教育\n一\n二",
        ),
        // References are decoded; unknown names (punctuation) break.
        (
            "<p>A&amp;B &#20892;&#x6C11;工 &lt;5G&gt; 工作&hellip;学习 a & b < c</p>",
            "A&B 农民工 <5G> 工作…学习 a & b < c",
        ),
        // An image is its alt text; comments, scripts and styles are nothing.
        (
            "<p>见<img src=\"a.png\" alt=\"于都&quot;脐橙&quot;\" title=\"图片\" />图</p>",
            "见于都\"脐橙\"图",
        ),
        (
            "正<!-- 注释 -->文<script>var 农民 = \"</p>\";</SCRIPT><style>p{}</style>末尾",
            "正文\n末尾",
        ),
        // Comments end where HTML ends them: `<!-->` and `<!--->` at once, or at `--!>`.
        ("正<!-->文<!--->末<!-- 注 --!>尾", "正文末尾"),
        // A name HTML does not know is no reference: `&` and the name are text.
        ("AT&T; &x;学&hellip;习", "AT&T; &x;学 习"),
        (
            "<pre><code class=\"language-text\">5G基站\n加装电梯\n</code></pre>",
            "\n5G基站\n加装电梯\n",
        ),
    ] {
        let (keys, pos, _) = html_keys(html);
        assert_eq!(keys, keys_of(text), "{html}");
        assert_eq!(pos, text_pos(text), "{html}");
    }
    // Broken markup (raw HTML a site trusts can be anything) never panics: every prefix of
    // tags, attributes and references cut anywhere, and references to no character.
    let nasty = "<p a='学' b=\"x\" c=d/><!-- 注 --><script>学</script><img alt=学&amp;&#x5B66;&#55296;&#99999999;<\\/ &";
    for (i, _) in nasty.char_indices() {
        html_keys(&nasty[..i]);
        html_keys(&nasty[i..]);
    }
    assert_eq!(html_keys("&#55296;学&#x110000;习&#;").0, ["学", "习"]);
    assert!(is_inline("STRONG") && is_inline("a") && is_inline("wbr"));
    assert!(!is_inline("p") && !is_inline("strongest") && !is_inline("") && !is_inline("br"));
    // The bytes of text: everything but markup, references counted as what they stand for.
    assert_eq!(html_keys("<p>学<b>前</b>&amp;</p>").2, "学前&".len());
}

/// The text of `html` as html5ever's tokenizer reads it, under the rules [`Tokens::feed_html`]
/// keeps: an inline element's tags are nothing, any other tag is a line break, an image is its
/// `alt`, and comments and the content of scripts and styles are nothing.
///
/// One difference is kept on purpose: a NUL (possible only in raw HTML a site trusts) is a break
/// to the index, as any control character is, where a browser drops it.
fn text_by_html5ever(html: &str) -> String {
    use crate::html::{TagKind, Token};
    let mut text = String::new();
    let mut raw = false;
    crate::html::tokens(html, |token| match token {
        Token::CharacterTokens(t) if !raw => text.push_str(&t),
        Token::NullCharacterToken if !raw => text.push('\0'),
        Token::TagToken(tag) => {
            let start = tag.kind == TagKind::StartTag;
            match &*tag.name {
                "script" | "style" => {
                    raw = start;
                    text.push('\n');
                }
                "img" if start => {
                    let alt = tag.attrs.iter().find(|a| &*a.name.local == "alt");
                    text.extend(alt.map(|a| a.value.to_string()));
                }
                name if !is_inline(name) => text.push('\n'),
                _ => {}
            }
        }
        _ => {}
    });
    text
}

/// `feed_html` and html5ever read `html` to the same keys at the same positions.
fn assert_read_alike(html: &str, what: &str) {
    let text = text_by_html5ever(html);
    let text_pos = Tokens::default().feed(&text, 0, &mut |_: TokenEvent<'_>| {});
    let (keys, pos, _) = html_keys(html);
    assert_eq!(keys, keys_of(&text), "{what}");
    assert_eq!(pos, text_pos, "{what}");
}

/// A body rendered as the build renders it, sanitised or trusted, read alike as written and as
/// minified (as `load` minifies it: when it nests strictly).
fn read_alike_plain_and_minified(markdown: &str, trust: bool, what: &str) {
    let body = crate::markdown::render(markdown, trust);
    assert_read_alike(&body.html, &format!("{what} trusted: {trust}"));
    if body.balanced {
        let min = crate::minify::fragment(&body.html);
        assert_read_alike(&min, &format!("{what} trusted: {trust}, minified"));
    }
}

#[test]
fn the_text_of_html_is_read_as_html5ever_reads_it() {
    // The fuzz corpus, rendered as the build renders a body: sanitised, and trusted as it is.
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut bodies = 0;
    for entry in std::fs::read_dir(&fuzz).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for trust in [false, true] {
            read_alike_plain_and_minified(&text, trust, &path.display().to_string());
            bodies += 1;
        }
    }
    assert!(bodies >= 4);
    // Every example of the CommonMark spec (tests/fixtures/commonmark), likewise.
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/commonmark/site/content");
    let mut examples = 0;
    for entry in walkdir::WalkDir::new(&spec) {
        let path = entry.unwrap().into_path();
        if !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("example-"))
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // The example follows the front matter's closing `---` line.
        let body = text.splitn(3, "---\n").nth(2).unwrap();
        for trust in [false, true] {
            read_alike_plain_and_minified(body, trust, &path.display().to_string());
        }
        examples += 1;
    }
    assert!(examples > 600, "{examples}");
    // Every article of the sample, as built.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let prepared = crate::build::prepare(&crate::build::BuildOptions::new(root))
        .unwrap_or_else(|_| panic!("the sample prepares"));
    assert!(!prepared.site.articles.is_empty());
    for art in &prepared.site.articles {
        assert_read_alike(&art.html, &art.title);
    }
}
