//! Who may use the 工作台: the pure decision every request to `/.bulletin/desk/` goes through,
//! kept apart from the HTTP plumbing so it can be tested with a table.
//!
//! The 工作台 writes files, and a page on any other site open in the same browser can send
//! requests to `127.0.0.1`. So a write must carry the per-run token (only the 工作台's own page
//! knows it: it is in the page, never in a cookie a browser would attach by itself), its `Origin`
//! must be the 工作台's own, and its `Host` must be a loopback name with our port: a DNS-rebinding
//! name (`evil.example` resolved to 127.0.0.1) reaches the socket but not past this. Reads of the
//! 工作台's pages (which carry the token) need the loopback `Host` too. While the server is bound
//! beyond loopback, no write exists at all.

/// What the guard looks at in a request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seen<'a> {
    /// A request that changes something (POST).
    pub write: bool,
    pub host: Option<&'a str>,
    pub origin: Option<&'a str>,
    /// The `X-Bulletin-Token` header.
    pub token: Option<&'a str>,
}

/// What the server is.
#[derive(Debug, Clone, Copy)]
pub struct Own<'a> {
    pub port: u16,
    /// This run's secret.
    pub token: &'a str,
    /// Bound to loopback: writes exist.
    pub writes: bool,
}

/// The decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// 403, with the reason (for the response body, never for an attacker's benefit beyond it).
    Forbidden(&'static str),
    /// Writes are off on this server (bound beyond loopback).
    WritesOff,
}

/// The names a browser on this machine uses for a loopback server on `port`.
fn loopback_host(host: &str, port: u16) -> bool {
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    p.parse::<u16>().is_ok_and(|p| p == port)
        && matches!(
            name.to_ascii_lowercase().as_str(),
            "127.0.0.1" | "localhost" | "[::1]"
        )
}

/// Compare without stopping at the first difference.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Judge one request.
pub fn judge(seen: Seen<'_>, own: Own<'_>) -> Verdict {
    if seen.write && !own.writes {
        return Verdict::WritesOff;
    }
    if !own.writes {
        // A read-only 工作台 (bound beyond loopback) holds no secret and writes nothing.
        return Verdict::Allow;
    }
    let Some(host) = seen.host else {
        return Verdict::Forbidden("no Host header");
    };
    if !loopback_host(host, own.port) {
        return Verdict::Forbidden("the Host is not this computer's 工作台");
    }
    if let Some(origin) = seen.origin {
        let ok = origin
            .strip_prefix("http://")
            .is_some_and(|h| loopback_host(h, own.port));
        if !ok {
            return Verdict::Forbidden("the request comes from another site");
        }
    }
    if !seen.write {
        return Verdict::Allow;
    }
    if seen.origin.is_none() {
        return Verdict::Forbidden("a write without an Origin header");
    }
    match seen.token {
        Some(t) if same_secret(t, own.token) => Verdict::Allow,
        Some(_) => Verdict::Forbidden("the token is not this run's (reload the 工作台 page)"),
        None => Verdict::Forbidden("a write without the token"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_writes_from_the_desks_own_page_with_this_runs_token_pass() {
        let own = Own {
            port: 1111,
            token: "secret",
            writes: true,
        };
        let good = Seen {
            write: true,
            host: Some("127.0.0.1:1111"),
            origin: Some("http://127.0.0.1:1111"),
            token: Some("secret"),
        };
        let forbidden = |v: Verdict| matches!(v, Verdict::Forbidden(_));
        let cases: &[(&str, Seen, bool)] = &[
            ("the desk's own write", good, true),
            (
                "localhost is the same machine",
                Seen {
                    host: Some("localhost:1111"),
                    origin: Some("http://localhost:1111"),
                    ..good
                },
                true,
            ),
            (
                "IPv6 loopback",
                Seen {
                    host: Some("[::1]:1111"),
                    origin: Some("http://[::1]:1111"),
                    ..good
                },
                true,
            ),
            (
                "another site's page",
                Seen {
                    origin: Some("http://evil.example"),
                    ..good
                },
                false,
            ),
            (
                "another port on this machine",
                Seen {
                    origin: Some("http://127.0.0.1:8080"),
                    ..good
                },
                false,
            ),
            (
                "https origin is not ours",
                Seen {
                    origin: Some("https://127.0.0.1:1111"),
                    ..good
                },
                false,
            ),
            (
                "DNS rebinding: a foreign Host",
                Seen {
                    host: Some("evil.example:1111"),
                    origin: Some("http://evil.example:1111"),
                    ..good
                },
                false,
            ),
            (
                "a foreign Host with our Origin",
                Seen {
                    host: Some("evil.example:1111"),
                    ..good
                },
                false,
            ),
            ("no Host", Seen { host: None, ..good }, false),
            (
                "no token",
                Seen {
                    token: None,
                    ..good
                },
                false,
            ),
            (
                "an old token",
                Seen {
                    token: Some("secreT"),
                    ..good
                },
                false,
            ),
            (
                "a write with no Origin",
                Seen {
                    origin: None,
                    ..good
                },
                false,
            ),
            (
                "reading the page from this machine",
                Seen {
                    write: false,
                    token: None,
                    origin: None,
                    ..good
                },
                true,
            ),
            (
                "reading the page under a rebound name",
                Seen {
                    write: false,
                    token: None,
                    origin: None,
                    host: Some("evil.example:1111"),
                },
                false,
            ),
        ];
        for (what, seen, allowed) in cases {
            let v = judge(*seen, own);
            assert_eq!(v == Verdict::Allow, *allowed, "{what}: {v:?}");
            if !allowed {
                assert!(forbidden(v), "{what}: {v:?}");
            }
        }
    }

    #[test]
    fn a_server_bound_beyond_loopback_has_no_writes() {
        let own = Own {
            port: 1111,
            token: "secret",
            writes: false,
        };
        let write = Seen {
            write: true,
            host: Some("127.0.0.1:1111"),
            origin: Some("http://127.0.0.1:1111"),
            token: Some("secret"),
        };
        assert_eq!(judge(write, own), Verdict::WritesOff);
        let read = Seen {
            write: false,
            host: Some("192.168.1.5:1111"),
            ..Seen::default()
        };
        assert_eq!(judge(read, own), Verdict::Allow);
    }
}
