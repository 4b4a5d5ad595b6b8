//! site.yaml's `deploy:` list: the named targets of `bulletin deploy`, checked as site.yaml is
//! loaded (names unique, never a credential in a key or a URL).

use super::*;

/// One entry of `deploy:` in site.yaml: a publishing target of `bulletin deploy`.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawDeployTarget {
    /// The name given to `bulletin deploy NAME`.
    pub name: Spanned<String>,
    /// Where: `s3://bucket/prefix?endpoint=…&region=…`, `sftp://user@host:port/path` or
    /// `file:///srv/www/jianbao`.
    pub url: Spanned<String>,
    /// Headers per file pattern, overriding the built-in ones; the first matching rule wins.
    #[serde(default)]
    pub headers: Vec<RawHeaderRule>,
    // Keys that would hold credentials: read only to be refused by name (credentials come from
    // the environment or the provider's own files, never from a file kept in git).
    access_key_id: Option<Spanned<serde_json::Value>>,
    secret_access_key: Option<Spanned<serde_json::Value>>,
    aws_access_key_id: Option<Spanned<serde_json::Value>>,
    aws_secret_access_key: Option<Spanned<serde_json::Value>>,
    session_token: Option<Spanned<serde_json::Value>>,
    secret: Option<Spanned<serde_json::Value>>,
    password: Option<Spanned<serde_json::Value>>,
    token: Option<Spanned<serde_json::Value>>,
    private_key: Option<Spanned<serde_json::Value>>,
}

/// A header rule of a deploy target: `{pattern: "*.pdf", cache_control: "public, max-age=86400"}`.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawHeaderRule {
    /// A path pattern relative to the output folder: `*` within one folder, `**` across folders
    /// (`*.pdf` matches in every folder, a pattern with `/` from the top: `issues/**/*.jpg`).
    pub pattern: String,
    /// The `Cache-Control` of matching files.
    pub cache_control: Option<String>,
    /// The `Content-Type` of matching files.
    pub content_type: Option<String>,
}

/// A `deploy:` entry, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployTarget {
    pub name: String,
    pub url: String,
    /// (pattern, Cache-Control, Content-Type), in the order written.
    pub headers: Vec<(String, Option<String>, Option<String>)>,
}

/// `deploy:` checked: names unique and non-empty, and no key that would hold a secret.
pub(super) fn resolve_deploy(
    raw: Vec<RawDeployTarget>,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<DeployTarget> {
    let mut targets: Vec<DeployTarget> = Vec::new();
    for t in raw {
        let secrets = [
            ("access_key_id", &t.access_key_id, "AWS_ACCESS_KEY_ID"),
            (
                "secret_access_key",
                &t.secret_access_key,
                "AWS_SECRET_ACCESS_KEY",
            ),
            (
                "aws_access_key_id",
                &t.aws_access_key_id,
                "AWS_ACCESS_KEY_ID",
            ),
            (
                "aws_secret_access_key",
                &t.aws_secret_access_key,
                "AWS_SECRET_ACCESS_KEY",
            ),
            ("session_token", &t.session_token, "AWS_SESSION_TOKEN"),
            ("secret", &t.secret, "AWS_SECRET_ACCESS_KEY"),
            ("password", &t.password, "an SSH key (BULLETIN_SFTP_KEY)"),
            ("token", &t.token, "AWS_SESSION_TOKEN"),
            (
                "private_key",
                &t.private_key,
                "BULLETIN_SFTP_KEY (the key file's path)",
            ),
        ];
        for (key, value, instead) in secrets {
            if let Some(v) = value {
                diags.push(
                    Diagnostic::error(format!(
                        "`deploy` target `{}` has `{key}`: credentials never go in site.yaml",
                        t.name.value
                    ))
                    .with_path(CONFIG_FILE)
                    .with_location(span_location(text, &v.referenced, 1))
                    .with_label("a secret in a file kept in git")
                    .with_help(format!(
                        "remove `{key}` and set {instead} in the environment of `bulletin deploy` \
                         (in CI: a secret of the repository); see docs/publishing.md"
                    ))
                    .zh(format!(
                        "上传目标 `{}` 写了 `{key}`：账号密码之类绝不能写进 `site.yaml`",
                        t.name.value
                    ))
                    .zh_help(format!(
                        "删去 `{key}`，改在运行 `bulletin deploy` 的环境变量里设置 {} \
                         （在 CI 里：设为仓库的 secret）；详见 docs/publishing.md",
                        instead.replace("an SSH key", "SSH 密钥")
                    )),
                );
            }
        }
        if let Some(key) = secret_in_url(&t.url.value) {
            diags.push(
                Diagnostic::error(format!(
                    "the `url` of `deploy` target `{}` holds a secret ({key}): credentials never go \
                     in site.yaml",
                    t.name.value
                ))
                .with_path(CONFIG_FILE)
                .with_location(span_location(text, &t.url.referenced, 1))
                .with_label("a secret in a file kept in git")
                .with_help(
                    "take it out of the URL and set it in the environment of `bulletin deploy` \
                     (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; BULLETIN_SFTP_KEY for SSH)",
                )
                .zh(format!(
                    "上传目标 `{}` 的 `url` 里含有密码之类（{key}）：账号密码之类绝不能写进 `site.yaml`",
                    t.name.value
                ))
                .zh_help(
                    "把它从网址里删去，改在运行 `bulletin deploy` 的环境变量里设置\
                     （AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY；SSH 用 BULLETIN_SFTP_KEY）",
                ),
            );
        }
        let name = t.name.value.trim().to_string();
        if name.is_empty() || name.contains(':') || name.contains('/') {
            diags.push(
                Diagnostic::error(format!("`{}` is not a deploy target name", t.name.value))
                    .with_path(CONFIG_FILE)
                    .with_location(span_location(text, &t.name.referenced, 1))
                    .with_help("name a target with a word such as `production` (no `:` or `/`)")
                    .zh(format!("`{}` 不能用作上传目标的名称", t.name.value))
                    .zh_help("用一个词给上传目标起名，例如 `production`（不能有 `:` 或 `/`）"),
            );
        } else if targets.iter().any(|o| o.name == name) {
            diags.push(
                Diagnostic::error(format!("two `deploy` targets are named `{name}`"))
                    .with_path(CONFIG_FILE)
                    .with_location(span_location(text, &t.name.referenced, 1))
                    .with_help("give each target its own name")
                    .zh(format!("有两个上传目标（`deploy`）都叫 `{name}`"))
                    .zh_help("给每个上传目标起不同的名字"),
            );
        }
        targets.push(DeployTarget {
            name,
            url: t.url.value.trim().to_string(),
            headers: t
                .headers
                .into_iter()
                .map(|h| (h.pattern, h.cache_control, h.content_type))
                .collect(),
        });
    }
    targets
}

/// The part of a deploy URL that is a secret, if any: a password (`sftp://user:PASSWORD@host`)
/// or a query key such as `secret_access_key=`. Shared with `bulletin deploy TARGET`.
pub fn secret_in_url(url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    if parsed.password().is_some() {
        return Some("a password after the user name".to_string());
    }
    parsed.query_pairs().find_map(|(k, _)| {
        let k = k.to_ascii_lowercase();
        let secret = [
            "secret",
            "password",
            "token",
            "access_key",
            "accesskey",
            "signature",
        ]
        .iter()
        .any(|s| k.contains(s));
        secret.then(|| format!("`{k}=`"))
    })
}
