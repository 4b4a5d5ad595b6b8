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
