//! Where a deploy goes: a target URL, parsed and checked before anything is sent.
//!
//! Three kinds, each one URL so it fits on a command line and in site.yaml's `deploy:` list:
//! `s3://bucket/prefix?endpoint=…&region=…` (AWS, MinIO, and Aliyun OSS, Tencent COS, Huawei OBS
//! through their S3 endpoints), `sftp://user@host:port/path` (an office's own nginx, key-based)
//! and `file:///srv/www/jianbao` (a mounted share, or the web server's folder on this machine).
//! A URL never carries a credential; those come from the environment (see [`super::store`]).

use std::path::PathBuf;

use url::Url;

use crate::config::{Config, secret_in_url};

/// A parsed target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    S3(S3Target),
    Sftp(SftpTarget),
    Folder(PathBuf),
}

/// `s3://bucket/prefix?endpoint=…&region=…&style=path|virtual`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Target {
    pub bucket: String,
    /// The key prefix the site goes under, `""` for the bucket's top, else ending in `/`.
    pub prefix: String,
    /// `https://oss-cn-hangzhou.aliyuncs.com`; `None`: AWS, from the region.
    pub endpoint: Option<String>,
    /// `None`: AWS_REGION / AWS_DEFAULT_REGION from the environment, else `us-east-1`.
    pub region: Option<String>,
    /// Path style (`endpoint/bucket/key`) rather than virtual-host style (`bucket.endpoint/key`).
    pub path_style: bool,
}

/// `sftp://user@host:port/path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SftpTarget {
    pub user: Option<String>,
    pub host: String,
    pub port: u16,
    /// The folder on the server, absolute.
    pub path: String,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::S3(t) => {
                write!(f, "s3://{}/{}", t.bucket, t.prefix)?;
                if let Some(e) = &t.endpoint {
                    write!(f, " at {e}")?;
                }
                Ok(())
            }
            Target::Sftp(t) => {
                write!(f, "sftp://")?;
                if let Some(u) = &t.user {
                    write!(f, "{u}@")?;
                }
                write!(f, "{}:{}{}", t.host, t.port, t.path)
            }
            Target::Folder(p) => write!(f, "{}", crate::diagnostics::shown_path(p)),
        }
    }
}

/// A target chosen on the command line: the URL, the name it was given in site.yaml (if any) and
/// that entry's header rules.
#[derive(Debug, Clone)]
pub struct Chosen {
    pub target: Target,
    pub name: Option<String>,
    pub rules: super::headers::Rules,
}

/// `bulletin deploy [TARGET]`: a name from `deploy:`, a URL, or (no TARGET) the first entry of
/// `deploy:`.
pub fn choose(config: &Config, arg: Option<&str>) -> Result<Chosen, String> {
    let entry = match arg {
        None => match config.deploy.first() {
            Some(e) => e,
            None => {
                return Err("no target: site.yaml has no `deploy:` list and none was given\n  \
                     help: `bulletin deploy s3://bucket/prefix?endpoint=…`, or name targets in \
                     site.yaml:\n    deploy:\n      - name: production\n        url: s3://bucket/jianbao/?endpoint=https://oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou"
                    .to_string());
            }
        },
        Some(a) if a.contains("://") || a.starts_with("file:") => {
            return Ok(Chosen {
                target: parse(a)?,
                name: None,
                rules: Default::default(),
            });
        }
        Some(a) => match config.deploy.iter().find(|e| e.name == a) {
            Some(e) => e,
            None => {
                let names: Vec<&str> = config.deploy.iter().map(|e| e.name.as_str()).collect();
                let mut msg = format!("no deploy target named `{a}` in site.yaml");
                if let Some(close) = crate::diagnostics::closest(a, names.iter().copied()) {
                    msg.push_str(&format!("\n  help: did you mean `{close}`?"));
                } else if names.is_empty() {
                    msg.push_str("\n  help: site.yaml has no `deploy:` list; give a URL (s3://…, sftp://…, file:///…) or add one");
                } else {
                    msg.push_str(&format!("\n  help: the targets are {}", names.join(", ")));
                }
                return Err(msg);
            }
        },
    };
    let target = parse(&entry.url)
        .map_err(|e| format!("site.yaml, `deploy` target `{}`: {e}", entry.name))?;
    Ok(Chosen {
        target,
        name: Some(entry.name.clone()),
        rules: super::headers::Rules {
            rules: entry.headers.clone(),
        },
    })
}

/// Parse a target URL.
pub fn parse(text: &str) -> Result<Target, String> {
    let text = text.trim();
    if let Some(secret) = secret_in_url(text) {
        return Err(format!(
            "the target URL holds a secret ({secret}); credentials never go in a URL\n  help: set \
             AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (S3) or BULLETIN_SFTP_KEY (SFTP) in the environment"
        ));
    }
    if let Some(why) = escaping_path(text) {
        return Err(format!(
            "`{text}`: {why}\n  help: name the site's folder or prefix itself, without `.` or `..` \
             (e.g. sftp://deploy@web1/srv/www/jianbao, file:///srv/www/jianbao)"
        ));
    }
    let url = Url::parse(text).map_err(|e| {
        format!("`{text}` is not a target URL ({e})\n  help: write s3://bucket/prefix?endpoint=…, sftp://user@host:port/path or file:///srv/www/jianbao")
    })?;
    match url.scheme() {
        "s3" => parse_s3(&url),
        "sftp" => parse_sftp(&url),
        "file" => parse_file(&url, text),
        other => Err(format!(
            "`{other}://` is not a target kind bulletin deploys to\n  help: use s3:// (AWS, MinIO, \
             OSS, COS, OBS), sftp:// (a server over SSH) or file:/// (a folder)"
        )),
    }
}

fn parse_s3(url: &Url) -> Result<Target, String> {
    let bucket = url.host_str().unwrap_or("").to_string();
    if bucket.is_empty() {
        return Err("an s3:// URL needs a bucket: s3://BUCKET/prefix".to_string());
    }
    let prefix = decoded_path(url)?;
    let prefix = prefix.trim_matches('/');
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    let (mut endpoint, mut region, mut style) = (None, None, None);
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "endpoint" => endpoint = Some(v.trim_end_matches('/').to_string()),
            "region" => region = Some(v.to_string()),
            "style" => match v.as_ref() {
                "path" => style = Some(true),
                "virtual" | "virtual-host" => style = Some(false),
                other => {
                    return Err(format!(
                        "`style={other}` in an s3:// URL: write `style=path` or `style=virtual`"
                    ));
                }
            },
            other => {
                return Err(format!(
                    "`{other}=` is not a setting of s3:// targets; they are endpoint, region and style"
                ));
            }
        }
    }
    if let Some(e) = &endpoint {
        let parsed = Url::parse(e).map_err(|err| {
            format!("`endpoint={e}` is not a URL ({err})\n  help: write it with its scheme, e.g. endpoint=https://oss-cn-hangzhou.aliyuncs.com")
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "`endpoint={e}`: an endpoint is an http:// or https:// URL"
            ));
        }
    }
    // Object stores other than AWS are addressed virtual-host style (OSS refuses path style for
    // new buckets); an IP address or localhost has no bucket sub-domains, so path style there.
    let path_style = style.unwrap_or_else(|| {
        endpoint
            .as_deref()
            .and_then(|e| Url::parse(e).ok())
            .map(|u| {
                matches!(
                    u.host(),
                    Some(url::Host::Ipv4(_)) | Some(url::Host::Ipv6(_))
                ) || u.host_str() == Some("localhost")
            })
            .unwrap_or(false)
    });
    Ok(Target::S3(S3Target {
        bucket,
        prefix,
        endpoint,
        region,
        path_style,
    }))
}

fn parse_sftp(url: &Url) -> Result<Target, String> {
    let host = url.host_str().unwrap_or("").to_string();
    if host.is_empty() {
        return Err("an sftp:// URL needs a host: sftp://user@host:22/srv/www/jianbao".to_string());
    }
    if let Some((k, _)) = url.query_pairs().next() {
        return Err(format!(
            "`{k}=` is not a setting of sftp:// targets (the key comes from BULLETIN_SFTP_KEY or ssh's own configuration)"
        ));
    }
    let path = decoded_path(url)?;
    if path.trim_matches('/').is_empty() {
        return Err(
            "an sftp:// URL needs the folder on the server: sftp://user@host:22/srv/www/jianbao"
                .to_string(),
        );
    }
    let user = (!url.username().is_empty()).then(|| {
        percent_encoding::percent_decode_str(url.username())
            .decode_utf8_lossy()
            .into_owned()
    });
    Ok(Target::Sftp(SftpTarget {
        user,
        host,
        port: url.port().unwrap_or(22),
        path: format!("/{}/", path.trim_matches('/')),
    }))
}

fn parse_file(url: &Url, text: &str) -> Result<Target, String> {
    // `file:www` and `file:./www` parse as the absolute /www: only the absolute form is a target.
    let raw = text.to_ascii_lowercase();
    if !(raw.starts_with("file:///") || raw.starts_with("file://localhost/")) {
        return Err(format!(
            "`{text}` is not an absolute folder on this machine\n  help: write the whole path after file:// — \
             file:///srv/www/jianbao (file:///C:/www/jianbao on Windows)"
        ));
    }
    if url.query().is_some() {
        return Err("a file:/// URL takes no settings after `?`".to_string());
    }
    let path = url.to_file_path().map_err(|_| {
        format!("`{url}` is not a folder on this machine\n  help: write an absolute path: file:///srv/www/jianbao (file:///C:/www/jianbao on Windows)")
    })?;
    Ok(Target::Folder(path))
}

/// The URL's path, percent-decoded (a prefix may be Chinese).
fn decoded_path(url: &Url) -> Result<String, String> {
    percent_encoding::percent_decode_str(url.path())
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| format!("the path of `{url}` is not UTF-8"))
}

/// Why a target URL's path would leave the folder or prefix it names: a `.` or `..` segment,
/// also percent-encoded or hidden behind an encoded `/` (URL parsing resolves `..` silently, so
/// `file:///srv/www/jianbao/..` would otherwise deploy to /srv/www and delete what is there).
fn escaping_path(text: &str) -> Option<String> {
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let path = rest.split(['?', '#']).next().unwrap_or("");
    for raw in path.split(['/', '\\']) {
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
        for segment in decoded.split(['/', '\\']) {
            if segment == ".." || segment == "." {
                return Some(format!(
                    "a `{segment}` in the path would put files outside the folder it names"
                ));
            }
        }
    }
    None
}

/// Whether a path the target lists (relative to the target's folder or prefix) stays inside
/// it: not empty, not absolute, no `.`, `..` or empty segment, no backslash or NUL. A deploy
/// deletes only such paths; anything else at the target is refused before any change.
pub fn inside(path: &str) -> bool {
    let b = path.as_bytes();
    let absolute =
        path.starts_with('/') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':');
    let odd_segment = path
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..");
    !absolute && !odd_segment && !path.contains(['\\', '\0'])
}
