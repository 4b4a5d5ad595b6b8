//! site.yaml's `government:` block: the marks a Chinese government website must show, checked.
//!
//! An archive that goes online as a 政府网站 (or as a 栏目 of the city's portal) is inspected
//! against 《政府网站发展指引》 and the 2019 检查指标: missing marks cost points, and an ICP or
//! 公安 record number that is wrong is a legal fault. Each mark has a fixed shape (a 10-character
//! 网站标识码, `赣ICP备14008674号-1`, `赣公网安备36070202000195号`, a 32-hex-digit conac id), so
//! a typo is caught here, with the line of site.yaml and the right shape in the message, rather
//! than by an inspector. Every key is optional; `docs/government.md` lists each rule, its source
//! and the key that meets it.
//!
//! This module only reads and checks the block and makes the links that follow from it (the
//! 公安 record's query link, the per-page 我为政府网站找错 link); what the pages show is the
//! theme's business (`site.government` in `docs/templates.md`). It sits below `config`, which
//! holds the result, and imports nothing of the site's model.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Where ICP 备案 numbers are looked up (信息产业部令第33号 asks for the link).
pub const ICP_URL: &str = "https://beian.miit.gov.cn/";
/// The 公安 record's query page; the 14 digits follow.
pub const POLICE_URL: &str = "https://beian.mps.gov.cn/#/query/webSearch?code=";
/// The 党政机关网站标识 page of a site; its id follows.
pub const CONAC_URL: &str = "https://bszs.conac.cn/sitename?method=show&id=";
/// The 我为政府网站找错 form of the State Council's platform.
pub const JIUCUO_URL: &str = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html";

/// The one-character abbreviations of the 31 provinces, with which ICP and 公安 records begin.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// `government:` as written in site.yaml. Every key is optional.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawGovernment {
    /// 政府网站标识码: 10 digits (`3609250007`), or `bm` + 8 digits for a 国务院部门. A 栏目 of
    /// the portal writes the portal's code here.
    pub site_code: Option<Spanned<String>>,
    /// The `SiteName` page label: the site's name as registered. Default: site.yaml's `title`.
    /// A 栏目 of the portal writes the portal's name.
    pub site_name: Option<String>,
    /// ICP备案号, e.g. `赣ICP备14008674号-1`.
    pub icp: Option<Spanned<String>>,
    /// 公安机关备案号, e.g. `赣公网安备36070202000195号`.
    pub police: Option<Spanned<String>>,
    /// The 党政机关网站标识 id (32 hexadecimal digits), or the whole
    /// `https://bszs.conac.cn/sitename?method=show&id=…` link.
    pub conac: Option<Spanned<String>>,
    /// The issued 党政机关网站标识 image, a file in the site's `static/` (e.g. `conac.png`).
    /// Without it the footer shows the words 党政机关网站标识 as the link.
    pub conac_image: Option<Spanned<String>>,
    /// 主办单位.
    pub sponsor: Option<String>,
    /// 承办单位.
    pub organizer: Option<String>,
    /// 联系方式: phone, e-mail, address.
    pub contact: Option<RawContact>,
    /// Show the site's own marks (标识码, 主办/承办, contact, ICP, 公安, 党政机关标识) in the
    /// footer. Default true; `false` for a 栏目 inside a portal whose own header and footer carry
    /// them.
    pub marks: Option<bool>,
    /// Link every page to 我为政府网站找错. Default: on when `site_code` is set.
    pub jiucuo: Option<Spanned<bool>>,
    /// Write the 网站地图 page (`/sitemap/`) and link it from the footer. Default: as `marks`.
    pub sitemap_page: Option<bool>,
    /// The `ColumnType` label of list pages. Default `工作动态`.
    pub column_type: Option<String>,
}

/// `government.contact`.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    /// 联系电话, e.g. `0797-8990000`.
    pub phone: Option<Spanned<String>>,
    /// 电子邮箱.
    pub email: Option<Spanned<String>>,
    /// 通讯地址.
    pub address: Option<String>,
}

/// The `government:` block, checked, with what follows from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Government {
    pub site_code: Option<String>,
    pub site_name: Option<String>,
    pub icp: Option<String>,
    pub police: Option<PoliceRecord>,
    /// The conac id alone.
    pub conac: Option<String>,
    /// Its image's path in the site's `static/`.
    pub conac_image: Option<String>,
    pub sponsor: Option<String>,
    pub organizer: Option<String>,
    pub contact: Contact,
    pub marks: bool,
    /// Whether pages link to 找错 (only ever with a `site_code`).
    pub jiucuo: bool,
    pub sitemap_page: bool,
    pub column_type: String,
}

/// `government.contact`, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A 公安机关备案号 and the 14 digits its query link needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoliceRecord {
    /// As written, spaces taken out: `赣公网安备36070202000195号`.
    pub text: String,
    pub code: String,
}

impl Government {
    /// The 公安 record's query link.
    pub fn police_url(&self) -> Option<String> {
        self.police
            .as_ref()
            .map(|p| format!("{POLICE_URL}{}", p.code))
    }

    /// The 党政机关网站标识 link.
    pub fn conac_url(&self) -> Option<String> {
        self.conac.as_ref().map(|id| format!("{CONAC_URL}{id}"))
    }

    /// The 我为政府网站找错 link of the page at `permalink`, or `None` when it is off.
    pub fn jiucuo_url(&self, permalink: &str) -> Option<String> {
        let code = self.site_code.as_deref().filter(|_| self.jiucuo)?;
        Some(jiucuo_url(code, permalink))
    }
}

/// What JavaScript's `encodeURIComponent` leaves alone: letters, digits and `-_.!~*'()`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `s` percent-encoded as `encodeURIComponent` does it (UTF-8, upper-case hex).
pub fn encode_uri_component(s: &str) -> String {
    utf8_percent_encode(s, URI_COMPONENT).to_string()
}

/// The 找错 link for one page: the site code and the page's address, percent-encoded as the
/// platform's own script would (`encodeURIComponent`).
pub fn jiucuo_url(site_code: &str, permalink: &str) -> String {
    format!(
        "{JIUCUO_URL}?site_code={}&url={}",
        encode_uri_component(site_code),
        encode_uri_component(permalink)
    )
}

/// Whether `s` is a 政府网站标识码: 10 digits, or `bm` and 8 digits.
pub fn is_site_code(s: &str) -> bool {
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    digits(s, 10) || s.strip_prefix("bm").is_some_and(|t| digits(t, 8))
}

/// Whether `s` is an ICP record number: a province, `ICP备` (or `ICP证` for a licence), 4-12
/// digits, `号`, and optionally `-N` for one of several sites under one record.
pub fn is_icp(s: &str) -> bool {
    let mut chars = s.chars();
    if !chars.next().is_some_and(|c| PROVINCES.contains(c)) {
        return false;
    }
    let rest = chars.as_str();
    let Some(rest) = rest
        .strip_prefix("ICP备")
        .or_else(|| rest.strip_prefix("ICP证"))
    else {
        return false;
    };
    let n = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(4..=12).contains(&n) {
        return false;
    }
    let Some(tail) = rest[n..].strip_prefix('号') else {
        return false;
    };
    tail.is_empty()
        || tail
            .strip_prefix('-')
            .is_some_and(|t| !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()))
}

/// A 公安机关备案号 (`赣公网安备 36070202000195号`: a province, `公网安备`, 14 digits, `号`),
/// with the spaces some certificates print taken out.
pub fn parse_police(s: &str) -> Option<PoliceRecord> {
    let text: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut chars = text.chars();
    if !chars.next().is_some_and(|c| PROVINCES.contains(c)) {
        return None;
    }
    let digits = chars
        .as_str()
        .strip_prefix("公网安备")?
        .strip_suffix('号')?;
    (digits.len() == 14 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| PoliceRecord {
        code: digits.to_string(),
        text: text.clone(),
    })
}

/// The conac id of `s`: 32 hexadecimal digits, alone or as the `id=` of a conac link.
pub fn parse_conac(s: &str) -> Option<String> {
    let s = s.trim();
    let id = if s.starts_with("http://") || s.starts_with("https://") {
        let url = url::Url::parse(s).ok()?;
        if url.host_str()? != "bszs.conac.cn" {
            return None;
        }
        url.query_pairs()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.into_owned())?
    } else {
        s.to_string()
    };
    (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
}

/// Whether `s` looks like a phone number: digits (at least 7) with the separators numbers are
/// written with (`0797-8990000`, `(0797) 8990000`, `+86 797 8990000`, `8990000、8990001`).
pub fn is_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    digits >= 7
        && s.chars()
            .all(|c| c.is_ascii_digit() || " -+()（）、,，/转".contains(c))
}

/// Whether `s` looks like an e-mail address: one `@`, something before it, a dotted domain after
/// it, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain
            .split('.')
            .all(|p| !p.is_empty() && !p.starts_with('-') && !p.ends_with('-'))
        && domain.contains('.')
}

/// What would be right, for each value of `government:` (English, Chinese).
const SITE_CODE_HELP: [&str; 2] = [
    "write the 10 characters issued for the site: 10 digits (6-digit 行政区划码 + 4, e.g. `3609250007`), or `bm` + 8 digits for a 国务院部门 (e.g. `bm07000001`); quote it: `site_code: \"3609250007\"`",
    "照发给网站的 10 位写：10 位数字（6 位行政区划码加 4 位，例如 `3609250007`），国务院部门是 `bm` 加 8 位数字（例如 `bm07000001`）；要加引号：`site_code: \"3609250007\"`",
];
const ICP_HELP: [&str; 2] = [
    "write it as issued: the province, `ICP备`, the digits and `号`, with `-N` when one record covers several sites, e.g. `赣ICP备14008674号-1`",
    "照备案时发的写：省份简称、`ICP备`、数字和 `号`，一个备案号管几个网站时后面加 `-N`，例如 `赣ICP备14008674号-1`",
];
const POLICE_HELP: [&str; 2] = [
    "write it as issued: the province, `公网安备`, the 14 digits and `号`, e.g. `赣公网安备36070202000195号`",
    "照备案时发的写：省份简称、`公网安备`、14 位数字和 `号`，例如 `赣公网安备36070202000195号`",
];
const CONAC_HELP: [&str; 2] = [
    "write the 32 hexadecimal digits after `id=` in the link the 开办单位标识 was issued with, or the whole link `https://bszs.conac.cn/sitename?method=show&id=…`",
    "写开办单位标识所附链接里 `id=` 后面的 32 位十六进制数，或者写整个链接 `https://bszs.conac.cn/sitename?method=show&id=…`",
];
const CONAC_IMAGE_HELP: [&str; 2] = [
    "put the issued 党政机关网站标识 image in the site's static/ folder and write its name, e.g. `conac_image: conac.png`",
    "把发下来的党政机关网站标识图片放进网站的 `static/` 文件夹，再写上它的文件名，例如 `conac_image: conac.png`",
];
const PHONE_HELP: [&str; 2] = [
    "write the digits with the area code, e.g. `0797-8990000`; several numbers may be separated by `、`",
    "连区号一起写，例如 `0797-8990000`；几个号码之间用 `、` 隔开",
];
const EMAIL_HELP: [&str; 2] = [
    "write one address, e.g. `jianbao@example.gov.cn`",
    "写一个邮件地址，例如 `jianbao@example.gov.cn`",
];

/// Check `raw` (from `file`, whose text is `text`) and resolve its defaults. `static_dir_has`
/// says whether the site's `static/` holds a file, for `conac_image`.
pub fn resolve(
    raw: RawGovernment,
    file: &str,
    text: &str,
    static_dir_has: impl Fn(&str) -> bool,
    diags: &mut Diagnostics,
) -> Government {
    let mut bad = |value: &Spanned<String>, message: [String; 2], help: [&str; 2]| {
        diags.push(wrong(file, text, value, message, help));
    };
    let trimmed = |v: &Spanned<String>| v.value.trim().to_string();

    let site_code = raw.site_code.as_ref().and_then(|v| {
        let code = trimmed(v);
        if is_site_code(&code) {
            return Some(code);
        }
        bad(
            v,
            [
                format!("`government.site_code` `{code}` is not a 政府网站标识码"),
                format!("`government.site_code` 的 `{code}` 不是政府网站标识码"),
            ],
            SITE_CODE_HELP,
        );
        None
    });
    let icp = raw.icp.as_ref().and_then(|v| {
        let icp: String = v.value.chars().filter(|c| !c.is_whitespace()).collect();
        if is_icp(&icp) {
            return Some(icp);
        }
        bad(
            v,
            [
                format!("`government.icp` `{}` is not an ICP备案号", v.value.trim()),
                format!("`government.icp` 的 `{}` 不是 ICP 备案号", v.value.trim()),
            ],
            ICP_HELP,
        );
        None
    });
    let police = raw.police.as_ref().and_then(|v| {
        let record = parse_police(&v.value);
        if record.is_none() {
            bad(
                v,
                [
                    format!(
                        "`government.police` `{}` is not a 公安机关备案号",
                        v.value.trim()
                    ),
                    format!(
                        "`government.police` 的 `{}` 不是公安机关备案号",
                        v.value.trim()
                    ),
                ],
                POLICE_HELP,
            );
        }
        record
    });
    let conac = raw.conac.as_ref().and_then(|v| {
        let id = parse_conac(&v.value);
        if id.is_none() {
            bad(
                v,
                [
                    format!(
                        "`government.conac` `{}` is not a 党政机关网站标识 id",
                        v.value.trim()
                    ),
                    format!(
                        "`government.conac` 的 `{}` 不是党政机关网站标识的 id",
                        v.value.trim()
                    ),
                ],
                CONAC_HELP,
            );
        }
        id
    });
    let conac_image = raw.conac_image.as_ref().and_then(|v| {
        let path = v.value.trim().trim_start_matches('/').to_string();
        let safe = !path.is_empty() && !path.split('/').any(|p| p == ".." || p.is_empty());
        if safe && static_dir_has(&path) {
            return Some(path);
        }
        bad(
            v,
            [
                format!(
                    "`government.conac_image` `{}` is not a file in static/",
                    v.value.trim()
                ),
                format!(
                    "`government.conac_image` 的 `{}` 不是 `static/` 里的文件",
                    v.value.trim()
                ),
            ],
            CONAC_IMAGE_HELP,
        );
        None
    });
    let mut later = Vec::new();
    if conac_image.is_some() && conac.is_none() && raw.conac.is_none() {
        later.push(
            Diagnostic::error("`government.conac_image` is set without `government.conac`")
                .with_path(file)
                .with_help("the image links to the site's conac page: add `conac:` with its id")
                .zh("写了 `government.conac_image`，却没有写 `government.conac`")
                .zh_help("标识图片要链接到网站的 conac 页面：加上 `conac:`，写上它的 id"),
        );
    }
    let contact = raw
        .contact
        .map(|c| resolve_contact(c, &mut bad))
        .unwrap_or_default();
    let jiucuo = match &raw.jiucuo {
        Some(j) if j.value && raw.site_code.is_none() => {
            later.push(
                Diagnostic::error("`government.jiucuo` is on but there is no `government.site_code`")
                    .with_path(file)
                    .with_location(Location::from_line_col(
                        text,
                        j.referenced.line() as usize,
                        j.referenced.column() as usize,
                        4,
                    ))
                    .with_help("我为政府网站找错 needs the 政府网站标识码 (for a 栏目 of the portal, the portal's): add `site_code:`")
                    .zh("打开了 `government.jiucuo`（我为政府网站找错），却没有 `government.site_code`")
                    .zh_help("我为政府网站找错要用政府网站标识码（门户网站的栏目用门户的）：加上 `site_code:`"),
            );
            false
        }
        Some(j) => j.value && site_code.is_some(),
        None => site_code.is_some(),
    };
    diags.extend(later);
    let marks = raw.marks.unwrap_or(true);
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Government {
        site_code,
        site_name: nonempty(raw.site_name),
        icp,
        police,
        conac,
        conac_image,
        sponsor: nonempty(raw.sponsor),
        organizer: nonempty(raw.organizer),
        contact,
        marks,
        jiucuo,
        sitemap_page: raw.sitemap_page.unwrap_or(marks),
        column_type: nonempty(raw.column_type).unwrap_or_else(|| "工作动态".to_string()),
    }
}

/// `government.contact`, each value checked.
fn resolve_contact(
    c: RawContact,
    bad: &mut impl FnMut(&Spanned<String>, [String; 2], [&str; 2]),
) -> Contact {
    let trimmed = |v: &Spanned<String>| v.value.trim().to_string();
    let phone = c.phone.as_ref().and_then(|v| {
        let phone = trimmed(v);
        if is_phone(&phone) {
            return Some(phone);
        }
        bad(
            v,
            [
                format!("`government.contact.phone` `{phone}` is not a phone number"),
                format!("`government.contact.phone` 的 `{phone}` 不是电话号码"),
            ],
            PHONE_HELP,
        );
        None
    });
    let email = c.email.as_ref().and_then(|v| {
        let email = trimmed(v);
        if is_email(&email) {
            return Some(email);
        }
        bad(
            v,
            [
                format!("`government.contact.email` `{email}` is not an e-mail address"),
                format!("`government.contact.email` 的 `{email}` 不是电子邮件地址"),
            ],
            EMAIL_HELP,
        );
        None
    });
    Contact {
        phone,
        email,
        address: c
            .address
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty()),
    }
}

/// An error about the value `value` of `file`: underlined, with what would be right. Each text
/// is given as `[English, Chinese]`.
fn wrong(
    file: &str,
    text: &str,
    value: &Spanned<String>,
    message: [String; 2],
    help: [&str; 2],
) -> Diagnostic {
    let [message, message_zh] = message;
    Diagnostic::error(message)
        .with_path(file)
        .with_location(Location::from_line_col(
            text,
            value.referenced.line() as usize,
            value.referenced.column() as usize,
            value.value.chars().count(),
        ))
        .with_help(help[0])
        .zh(message_zh)
        .zh_help(help[1])
}

#[cfg(test)]
mod tests;
