//! URL slugs, with Chinese names spelt in pinyin.
//!
//! A county is `于都县 → yudu-xian`, a topic `学前教育 → xueqian-jiaoyu`. Without a word segmenter
//! we cannot know where Chinese words end, so a run of Chinese characters is cut into pairs of
//! syllables (most Chinese words are two characters), a run of three or fewer stays whole, and an
//! administrative suffix (县, 区, 市, 经开区 …) is always its own part. Vocabularies in site.yaml can
//! give any name an explicit slug, which wins.
//!
//! Slugs are also a safety boundary: every path the build writes is made of slugs, and a slug can
//! only hold `a-z`, `0-9`, `-` and `_`, so no front-matter value can reach outside the output.

use pinyin::ToPinyin;

/// Administrative suffixes that get their own part of the slug, longest first.
const SUFFIXES: &[&str] = &[
    "经济技术开发区",
    "高新技术产业开发区",
    "经开区",
    "高新区",
    "开发区",
    "新区",
    "街道",
    "自治县",
    "县",
    "区",
    "市",
    "镇",
    "乡",
];

/// Readings that differ from the pinyin crate's most common one in the names slugs are made from
/// (places, bodies, topics): 于都 is yudu, not yudou.
const READINGS: &[(char, &str)] = &[
    ('都', "du"),
    ('会', "hui"),
    ('乐', "le"),
    ('厦', "xia"),
    ('重', "chong"),
    ('行', "xing"),
    ('蚌', "beng"),
    ('番', "pan"),
    ('丽', "li"),
    ('单', "dan"),
    ('曾', "zeng"),
    ('朝', "chao"),
];

/// The toneless pinyin of one Chinese character, `ü` written `v` as in URLs and input methods.
fn syllable(c: char) -> Option<String> {
    if let Some((_, r)) = READINGS.iter().find(|(ch, _)| *ch == c) {
        return Some((*r).to_string());
    }
    c.to_pinyin().map(|p| p.plain().replace('ü', "v"))
}

/// Longest slug we derive on our own; longer names are cut at a part boundary.
const MAX_LEN: usize = 64;

/// The slug of a name: lower-case ASCII letters and digits kept, Chinese characters in pinyin,
/// everything else a separator. Never empty: a name with nothing usable gives `"x"` followed by
/// a short hash, so two such names still differ.
pub fn slugify(name: &str) -> String {
    let name = name.trim();
    let (stem, suffix) = split_suffix(name);
    let mut parts: Vec<String> = Vec::new();
    push_parts(stem, &mut parts);
    if let Some(suffix) = suffix {
        let mut joined = String::new();
        for ch in suffix.chars() {
            if let Some(p) = syllable(ch) {
                joined.push_str(&p);
            }
        }
        parts.push(joined);
    }
    let mut out = String::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if !out.is_empty() && out.len() + 1 + part.len() > MAX_LEN {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(part);
    }
    if out.is_empty() {
        let hash = blake3::hash(name.as_bytes()).to_hex();
        out = format!("x{}", &hash.as_str()[..8]);
    }
    out
}

fn split_suffix(name: &str) -> (&str, Option<&str>) {
    for suffix in SUFFIXES {
        if let Some(stem) = name.strip_suffix(suffix) {
            // A bare suffix ("市") or one glued to a non-Chinese stem stays as it is.
            if stem.chars().count() >= 1 && stem.chars().last().is_some_and(has_pinyin) {
                return (stem, Some(suffix));
            }
        }
    }
    (name, None)
}

fn has_pinyin(c: char) -> bool {
    c.to_pinyin().is_some()
}

/// Split `text` into slug parts: ASCII words as they are (lower-cased), Chinese runs in pinyin
/// pairs.
fn push_parts(text: &str, parts: &mut Vec<String>) {
    let mut ascii = String::new();
    let mut han: Vec<String> = Vec::new();
    let flush_han = |han: &mut Vec<String>, parts: &mut Vec<String>| {
        if han.is_empty() {
            return;
        }
        if han.len() <= 3 {
            parts.push(han.concat());
        } else {
            let mut i = 0;
            while i < han.len() {
                // Pairs, with a lone last syllable joining the pair before it.
                let take = if han.len() - i == 3 { 3 } else { 2 };
                let end = (i + take).min(han.len());
                parts.push(han[i..end].concat());
                i = end;
            }
        }
        han.clear();
    };
    for ch in text.chars() {
        if let Some(p) = syllable(ch) {
            if !ascii.is_empty() {
                parts.push(std::mem::take(&mut ascii));
            }
            han.push(p);
        } else if ch.is_ascii_alphanumeric() {
            flush_han(&mut han, parts);
            ascii.push(ch.to_ascii_lowercase());
        } else if ch == '_' && !ascii.is_empty() {
            ascii.push('_');
        } else {
            flush_han(&mut han, parts);
            if !ascii.is_empty() {
                parts.push(std::mem::take(&mut ascii));
            }
        }
    }
    flush_han(&mut han, parts);
    if !ascii.is_empty() {
        parts.push(ascii);
    }
}

/// The URL slug of an issue folder: its name when that is a valid slug, else the name's pinyin
/// slug. Issue pages and the files of the folder are published under it.
pub fn of_folder(folder: &str) -> String {
    if is_valid_slug(folder) {
        folder.to_string()
    } else {
        slugify(folder)
    }
}

/// Whether `s` may be used as it is as one path segment of a URL we write: lower-case ASCII
/// letters, digits, `-` and `_`, starting with a letter or digit, at most 100 bytes. Such a
/// segment can never be `.`/`..`, hold a separator, or differ from another only in letter case.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The slug of an article file's stem: a leading ordering number (`01-`, `2_`) is dropped, since
/// it orders files on disk but means nothing in a URL; the rest is slugified when it is not already
/// a valid slug.
pub fn article_slug_from_stem(stem: &str) -> String {
    let trimmed = stem.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = if trimmed.len() < stem.len() {
        trimmed.trim_start_matches(['-', '_', '.', ' '])
    } else {
        stem
    };
    let base = if rest.is_empty() { stem } else { rest };
    if is_valid_slug(base) {
        base.to_string()
    } else {
        slugify(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_names_get_pinyin_with_the_suffix_apart() {
        let cases = [
            ("于都县", "yudu-xian"),
            ("定南县", "dingnan-xian"),
            ("章贡区", "zhanggong-qu"),
            ("瑞金市", "ruijin-shi"),
            ("赣州市", "ganzhou-shi"),
            ("赣州经开区", "ganzhou-jingkaiqu"),
        ];
        for (name, slug) in cases {
            assert_eq!(slugify(name), slug, "{name}");
        }
    }

    #[test]
    fn long_chinese_runs_are_cut_into_syllable_pairs() {
        assert_eq!(slugify("学前教育"), "xueqian-jiaoyu");
        assert_eq!(slugify("农民工"), "nongmingong");
        assert_eq!(slugify("乡村振兴战略"), "xiangcun-zhenxing-zhanlve");
        assert_eq!(slugify("5G 网络建设"), "5g-wangluo-jianshe");
    }

    #[test]
    fn ascii_is_lowercased_and_punctuation_separates() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("  GDP增长 "), "gdp-zengzhang");
    }

    #[test]
    fn a_name_with_nothing_usable_still_gets_a_stable_slug() {
        let a = slugify("！！");
        assert!(is_valid_slug(&a), "{a}");
        assert_eq!(a, slugify("！！"));
        assert_ne!(a, slugify("？？"));
    }

    #[test]
    fn slugs_are_bounded_in_length() {
        let long = "积极推进全市既有住宅加装电梯改善人民群众居住条件让人民群众的居住生活更方便更舒心更美好";
        let s = slugify(long);
        assert!(s.len() <= MAX_LEN, "{s}");
        assert!(is_valid_slug(&s));
    }

    #[test]
    fn valid_slugs_cannot_escape_or_collide_by_case() {
        for bad in [
            "", "..", ".", "a/b", "a\\b", "Abc", "-a", "a b", "a.b", "中文",
        ] {
            assert!(!is_valid_slug(bad), "{bad:?}");
        }
        for good in ["2021-125", "yudu-xian", "a_b", "x"] {
            assert!(is_valid_slug(good), "{good:?}");
        }
    }

    #[test]
    fn article_file_stems_lose_their_ordering_number() {
        assert_eq!(
            article_slug_from_stem("01-renshe-nongmingong"),
            "renshe-nongmingong"
        );
        assert_eq!(article_slug_from_stem("2_a"), "a");
        assert_eq!(article_slug_from_stem("2021"), "2021");
        assert_eq!(
            article_slug_from_stem("03-于都学前教育"),
            "yudu-xueqian-jiaoyu"
        );
        assert_eq!(article_slug_from_stem("plain"), "plain");
    }
}
