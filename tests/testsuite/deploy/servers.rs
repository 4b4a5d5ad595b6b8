//! Real servers for the deploy tests, started on 127.0.0.1 by the test and stopped when it ends:
//! moto's S3 server (`moto_server`, from PyPI) and OpenSSH's `sshd` from a config file in a temp
//! folder. Objects are read back with curl (`--aws-sigv4`), an S3 client independent of ours.
//! Outside CI a missing server skips the test loudly; in CI (`CI` set) it fails: `.ci/run`
//! installs them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::webdriver::free_port;

/// Whether a tool is there; outside CI a missing one skips the test with a loud message.
pub fn have(tool: &str, test: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        || Path::new(tool).exists();
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("{test}: {tool} missing in CI; .ci/run must install it");
        }
        eprintln!("\n*** SKIPPED {test}: {tool} is not installed (CI installs it) ***\n");
    }
    found
}

fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// moto's S3 server, with one bucket.
pub struct Moto {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
    _dir: tempfile::TempDir,
}

pub const BUCKET: &str = "jianbao";
/// What moto accepts (any key); set for the deploy as every S3 client reads them.
pub const CREDENTIALS: [(&str, &str); 3] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_REGION", "us-east-1"),
];

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(false)
    }

    /// A moto that checks credentials as AWS does (`INITIAL_NO_AUTH_ACTION_COUNT=0`): it knows
    /// no access key at all, so every request is refused (and no bucket is made).
    pub fn start_checking_credentials() -> Moto {
        Moto::start_with(true)
    }

    fn start_with(check_credentials: bool) -> Moto {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = dir.path().join("moto.log");
        // `python3 -m moto.server` rather than the `moto_server` script: pip run as `python3 -m pip`
        // (as .ci/run does) under pyenv makes no shim for the script until a `pyenv rehash`.
        let mut command = Command::new("python3");
        command.args(["-m", "moto.server"]);
        if check_credentials {
            command.env("INITIAL_NO_AUTH_ACTION_COUNT", "0");
        }
        let child = command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start moto_server");
        wait_for_port(port, "moto_server");
        let m = Moto {
            child,
            port,
            log,
            _dir: dir,
        };
        if !check_credentials {
            let (status, _) = m.curl(&["-X", "PUT"], "");
            assert_eq!(status, 200, "creating the bucket");
        }
        m
    }

    /// The target URL of a prefix in the bucket.
    pub fn url(&self, prefix: &str) -> String {
        format!(
            "s3://{BUCKET}/{prefix}?endpoint=http://127.0.0.1:{}&region=us-east-1",
            self.port
        )
    }

    /// A signed request with curl: (status, head and body as text).
    pub fn curl(&self, args: &[&str], key: &str) -> (u16, String) {
        let url = format!("http://127.0.0.1:{}/{BUCKET}/{}", self.port, encode(key));
        let out = Command::new("curl")
            .args(["-s", "-i", "--aws-sigv4", "aws:amz:us-east-1:s3"])
            .args(["--user", "testing:testing"])
            .args(args)
            .arg(&url)
            .output()
            .expect("curl");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, text)
    }

    /// A PUT of `body` at exactly `key`, `..` and all (curl --path-as-is): what another tool, or
    /// someone else, may have left in the bucket.
    pub fn put_as_is(&self, key: &str, body: &str) -> u16 {
        let (status, _) = self.curl(&["--path-as-is", "-X", "PUT", "--data-binary", body], key);
        status
    }

    /// A HEAD: status and headers, lower-cased names.
    pub fn head(&self, key: &str) -> (u16, BTreeMap<String, String>) {
        let (status, text) = self.curl(&["-I"], key);
        let headers = text
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        (status, headers)
    }

    /// Every key in the bucket with its ETag (unquoted), following continuation tokens.
    pub fn list(&self) -> BTreeMap<String, String> {
        let mut keys = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let mut url = format!(
                "http://127.0.0.1:{}/{BUCKET}?list-type=2&max-keys=1000",
                self.port
            );
            if let Some(t) = &token {
                url.push_str(&format!("&continuation-token={}", encode(t)));
            }
            let out = Command::new("curl")
                .args(["-s", "--aws-sigv4", "aws:amz:us-east-1:s3"])
                .args(["--user", "testing:testing", &url])
                .output()
                .expect("curl");
            let xml = String::from_utf8_lossy(&out.stdout).into_owned();
            for item in xml.split("<Contents>").skip(1) {
                let key = unescape(between(item, "<Key>", "</Key>"));
                let etag = unescape(between(item, "<ETag>", "</ETag>"))
                    .trim_matches('"')
                    .to_string();
                keys.insert(key, etag);
            }
            if between(&xml, "<IsTruncated>", "</IsTruncated>") != "true" {
                return keys;
            }
            token = Some(unescape(between(
                &xml,
                "<NextContinuationToken>",
                "</NextContinuationToken>",
            )));
        }
    }

    /// Requests of one method moto has logged so far.
    pub fn requests(&self, method: &str) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(&format!("\"{method} ")))
            .count()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    s.split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(v, _)| v)
        .unwrap_or("")
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A key percent-encoded for a URL path (`/` kept).
pub fn encode(key: &str) -> String {
    key.split('/')
        .map(|s| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// OpenSSH's sshd, for the current user, on a free port, from its own config; and the client
/// side: a key, a known_hosts file naming the server's key, and an `ssh` on PATH that reads a
/// config file saying so (what `~/.ssh/config` says for a real server).
pub struct Sshd {
    child: Option<Child>,
    pub port: u16,
    pub dir: tempfile::TempDir,
    config: PathBuf,
}

impl Sshd {
    pub fn start() -> Sshd {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let keygen = |file: &str| {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(d.join(file))
                .status()
                .unwrap()
                .success();
            assert!(ok, "ssh-keygen");
        };
        keygen("host_key");
        keygen("client_key");
        std::fs::copy(d.join("client_key.pub"), d.join("authorized_keys")).unwrap();
        let port = free_port();
        let user = whoami();
        let config = d.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n\
                 AuthorizedKeysFile {d}/authorized_keys\nPidFile {d}/sshd.pid\nStrictModes no\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
                 AllowUsers {user}\nSubsystem sftp internal-sftp\nLogLevel ERROR\n",
                d = d.display()
            ),
        )
        .unwrap();
        let host_pub = std::fs::read_to_string(d.join("host_key.pub")).unwrap();
        std::fs::write(
            d.join("known_hosts"),
            format!("[127.0.0.1]:{port} {host_pub}"),
        )
        .unwrap();
        std::fs::write(
            d.join("ssh_config"),
            format!(
                "Host 127.0.0.1\n  UserKnownHostsFile {d}/known_hosts\n  IdentitiesOnly yes\n  \
                 BatchMode yes\n",
                d = d.display()
            ),
        )
        .unwrap();
        std::fs::create_dir_all(d.join("bin")).unwrap();
        let wrapper = d.join("bin/ssh");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nexec /usr/bin/ssh -F {}/ssh_config \"$@\"\n",
                d.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        // As root, sshd wants its privilege-separation folder.
        let _ = std::fs::create_dir_all("/run/sshd");
        let mut s = Sshd {
            child: None,
            port,
            dir,
            config,
        };
        s.spawn();
        s
    }

    fn spawn(&mut self) {
        use std::os::unix::process::CommandExt;
        let child = Command::new("/usr/sbin/sshd")
            .arg("-f")
            .arg(&self.config)
            .args(["-D", "-e"])
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sshd");
        self.child = Some(child);
        wait_for_port(self.port, "sshd");
    }

    /// The target URL of a folder on the server.
    pub fn url(&self, folder: &Path) -> String {
        format!(
            "sftp://{}@127.0.0.1:{}{}",
            whoami(),
            self.port,
            folder.display()
        )
    }

    /// The environment of a deploy: the key, and the `ssh` that knows the server.
    pub fn env(&self) -> Vec<(String, String)> {
        let d = self.dir.path();
        vec![
            (
                "BULLETIN_SFTP_KEY".to_string(),
                d.join("client_key").display().to_string(),
            ),
            (
                "PATH".to_string(),
                format!(
                    "{}:{}",
                    d.join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            ),
        ]
    }

    /// A key of its own, which the server does not know (a wrong BULLETIN_SFTP_KEY).
    pub fn stranger_key(&self) -> PathBuf {
        let key = self.dir.path().join("stranger_key");
        if !key.exists() {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(&key)
                .status()
                .unwrap()
                .success();
            assert!(ok, "ssh-keygen");
        }
        key
    }

    /// Kill the server and every session it started, at once (SIGKILL).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = child.id() as i32;
            for p in descendants(pid) {
                unsafe { libc::kill(p, libc::SIGKILL) };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start it again on the same port, with the same keys.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Processes below `pid`, read from /proc.
fn descendants(pid: i32) -> Vec<i32> {
    let mut parents: Vec<(i32, i32)> = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
        if let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|s| s.parse::<i32>().ok())
        {
            parents.push((p, ppid));
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    found.remove(0);
    found
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
