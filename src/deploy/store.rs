//! The target's side: reading its state and carrying out a plan, through Apache OpenDAL (S3 and
//! folders everywhere, SFTP on Unix through the system's `ssh`).
//!
//! Credentials come only from the environment or the provider's own files: for S3,
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), else the profile in
//! `~/.aws/credentials` / `~/.aws/config` (`AWS_PROFILE`); for SFTP, the key in
//! `BULLETIN_SFTP_KEY` or whatever `ssh` itself uses (`~/.ssh/config`, the agent). The EC2
//! instance metadata service is never asked.
//!
//! Each file is replaced whole: an S3 PUT is atomic, and on a folder or over SFTP a file is
//! written under a temporary name beside its final one and renamed over it. So a deploy cut off
//! anywhere (network down, Ctrl-C, the server killed) leaves every file old or new; the manifest
//! is written after the uploads, so the next deploy sees what is not yet done and finishes it.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use opendal::layers::{RetryLayer, TimeoutLayer};
use opendal::{ErrorKind, Operator};

use super::plan::{Action, Kind, MANIFEST, Manifest, Plan, RemoteObject, RemoteState};
use super::target::{Target, inside};

/// Uploads in flight at once, to object storage and to a folder.
const CONCURRENCY: usize = 16;
/// Over SFTP: OpenDAL opens one SSH connection (an `ssh` process) per operation in flight, and
/// sshd drops new connections at random beyond 10 unauthenticated at once (its default
/// `MaxStartups 10:30:100`), which failed a deploy half-way in the tests. 4 stays well under.
const SFTP_CONCURRENCY: usize = 4;

/// A connection to a target.
pub struct Store {
    op: Operator,
    rt: tokio::runtime::Runtime,
    /// Folder and SFTP targets: write a temporary file, then rename it into place.
    rename_into_place: bool,
    /// The target stores Content-Type and Cache-Control (S3).
    headers: bool,
    /// The target's listing tells sizes and ETags (S3).
    sizes: bool,
    operations: Arc<AtomicU64>,
    /// What the target is, for errors that say which credentials to check.
    target: Target,
    /// Operations in flight at once.
    concurrency: usize,
}

/// How far a run is, for a progress bar: handed to the callback after each step.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Steps done and in all (uploads, the manifest, deletes).
    pub done: usize,
    pub total: usize,
    /// Bytes uploaded and to upload.
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// The file just uploaded or deleted.
    pub path: &'a str,
    pub kind: Kind,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub deleted: usize,
    pub unchanged: usize,
    /// Operations sent to the target (reads, listings, writes, renames, deletes; OpenDAL's
    /// retries and a listing's pages not counted).
    pub operations: u64,
    pub elapsed: Duration,
    /// Paths uploaded or deleted, for purging a CDN (`changed-urls.txt`).
    pub changed: Vec<String>,
}

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

impl Store {
    /// Connect (lazily: nothing is sent until [`Store::state`]).
    pub fn open(target: &Target) -> Result<Store, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| err("cannot start the network runtime", e))?;
        // rustls without aws-lc: install ring's provider once (Cargo.toml says why), for every
        // kind of target: OpenDAL makes its HTTP client (reqwest, which panics without a
        // provider) for folders and SFTP too. rustls deprecates ring's provider for lacking
        // post-quantum key exchange; what deploy sends is a public site, signed with SigV4 (the
        // secret key itself never travels).
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (op, rename_into_place) = match target {
            Target::S3(t) => {
                let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
                let region = t
                    .region
                    .clone()
                    .or_else(|| env("AWS_REGION"))
                    .or_else(|| env("AWS_DEFAULT_REGION"))
                    .unwrap_or_else(|| "us-east-1".to_string());
                let mut b = opendal::services::S3::default()
                    .bucket(&t.bucket)
                    .root(&format!("/{}", t.prefix))
                    .region(&region)
                    .disable_ec2_metadata();
                if let Some(e) = &t.endpoint {
                    b = b.endpoint(e);
                }
                if !t.path_style {
                    b = b.enable_virtual_host_style();
                }
                if let (Some(id), Some(secret)) =
                    (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"))
                {
                    b = b.access_key_id(&id).secret_access_key(&secret);
                    if let Some(token) = env("AWS_SESSION_TOKEN") {
                        b = b.session_token(&token);
                    }
                }
                let op = Operator::new(b)
                    .map_err(|e| err("cannot set up the S3 target", e))?
                    .finish();
                (op, false)
            }
            Target::Folder(path) => {
                let root = path.to_string_lossy();
                let b = opendal::services::Fs::default().root(&root);
                let op = Operator::new(b)
                    .map_err(|e| err("cannot set up the folder target", e))?
                    .finish();
                (op, true)
            }
            #[cfg(unix)]
            Target::Sftp(t) => {
                let host = if t.host.contains(':') {
                    format!("[{}]", t.host)
                } else {
                    t.host.clone()
                };
                let mut b = opendal::services::Sftp::default()
                    .endpoint(&format!("ssh://{host}:{}", t.port))
                    .root(&t.path)
                    .known_hosts_strategy("strict");
                if let Some(u) = &t.user {
                    b = b.user(u);
                }
                if let Ok(key) = std::env::var("BULLETIN_SFTP_KEY")
                    && !key.is_empty()
                {
                    b = b.key(&key);
                }
                let op = Operator::new(b)
                    .map_err(|e| err("cannot set up the SFTP target", e))?
                    .finish();
                (op, true)
            }
            #[cfg(not(unix))]
            Target::Sftp(_) => {
                return Err(
                    "sftp:// targets need the system's OpenSSH client, which bulletin \
                     uses on Linux and macOS only\n  help: on Windows, deploy to a mounted share \
                     (file:///…) or to object storage (s3://…)"
                        .to_string(),
                );
            }
        };
        let op = op
            .layer(
                TimeoutLayer::new()
                    .with_timeout(Duration::from_secs(60))
                    .with_io_timeout(Duration::from_secs(30)),
            )
            .layer(
                RetryLayer::new()
                    .with_max_times(3)
                    .with_min_delay(Duration::from_millis(300))
                    .with_max_delay(Duration::from_secs(5))
                    .with_jitter(),
            );
        let cap = op.info().full_capability();
        Ok(Store {
            headers: cap.write_with_content_type && cap.write_with_cache_control,
            sizes: matches!(target, Target::S3(_)),
            op,
            rt,
            rename_into_place,
            operations: Arc::new(AtomicU64::new(0)),
            target: target.clone(),
            concurrency: if matches!(target, Target::Sftp(_)) {
                SFTP_CONCURRENCY
            } else {
                CONCURRENCY
            },
        })
    }

    /// Whether the target stores Content-Type and Cache-Control (object storage does; a folder
    /// and an SFTP server leave them to the web server).
    pub fn keeps_headers(&self) -> bool {
        self.headers
    }

    /// The target's manifest and listing.
    pub fn state(&self) -> Result<RemoteState, String> {
        self.rt.block_on(async {
            self.operations.fetch_add(2, Ordering::Relaxed);
            let manifest = match self.op.read(MANIFEST).await {
                Ok(buf) => serde_json::from_slice::<Manifest>(&buf.to_vec()).ok(),
                Err(e) if e.kind() == ErrorKind::NotFound => None,
                Err(e) => {
                    return Err(self.explain(&format!("cannot read the target's {MANIFEST}"), e));
                }
            };
            let entries = match self.op.list_with("/").recursive(true).await {
                Ok(entries) => entries,
                Err(e) if e.kind() == ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(self.explain("cannot list the target", e)),
            };
            let mut objects = std::collections::BTreeMap::new();
            for e in entries {
                let meta = e.metadata();
                if meta.is_dir() || e.path().ends_with('/') || e.path() == MANIFEST {
                    continue;
                }
                objects.insert(
                    e.path().trim_start_matches('/').to_string(),
                    RemoteObject {
                        size: self.sizes.then(|| meta.content_length()),
                        etag: meta.etag().map(|t| t.trim_matches('"').to_string()),
                    },
                );
            }
            Ok(RemoteState { manifest, objects })
        })
    }

    /// An error of the first contact, with what to check when it is about credentials (the
    /// usual first-deploy mistake): which environment variables, for this kind of target.
    fn explain(&self, what: &str, e: opendal::Error) -> String {
        // The causes too: over SFTP the reason (ssh's own message, "Permission denied
        // (publickey)") is two sources below OpenDAL's "failed to connect".
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            let c = cause.to_string();
            if !text.contains(c.trim()) {
                text.push_str(": ");
                text.push_str(c.trim());
            }
            source = cause.source();
        }
        let lower = text.to_ascii_lowercase();
        match &self.target {
            Target::S3(t) => {
                let refused = e.kind() == ErrorKind::PermissionDenied
                    || [
                        "invalidaccesskeyid",
                        "signaturedoesnotmatch",
                        "accessdenied",
                    ]
                    .iter()
                    .any(|c| lower.contains(c));
                let missing = !refused && lower.contains("credential");
                if refused {
                    format!(
                        "the S3 service refused the credentials for bucket `{}` ({})\n  help: check \
                         AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for a \
                         temporary key) and that this key may read, list and write the bucket",
                        t.bucket,
                        s3_code(&text).unwrap_or("access denied")
                    )
                } else if missing {
                    format!(
                        "no S3 credentials: nothing in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, \
                         and no profile in ~/.aws/credentials\n  help: set AWS_ACCESS_KEY_ID and \
                         AWS_SECRET_ACCESS_KEY in the environment of `bulletin deploy` (a CI \
                         secret; docs/publishing.md)\n  ({what}: {text})"
                    )
                } else {
                    err(what, text)
                }
            }
            Target::Sftp(t) if lower.contains("permission denied") => format!(
                "the SSH server {} refused the key (Permission denied)\n  help: set \
                 BULLETIN_SFTP_KEY to the private key whose public half is in the server's \
                 authorized_keys for {}, or name it in ~/.ssh/config\n  ({what}: {text})",
                t.host,
                t.user.as_deref().unwrap_or("your user")
            ),
            _ => err(what, text),
        }
    }

    /// Carry out a plan: uploads in its order (each class finished before the next starts), the
    /// manifest, then the deletes. Stops at the first failure, which names the file; what was
    /// done stays done, and running the deploy again finishes the job.
    pub fn run(
        &self,
        plan: &Plan,
        output: &Path,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Summary, String> {
        let started = Instant::now();
        // The plan refuses such names (Plan::refusal); a caller that skipped it still writes
        // and deletes nothing outside the target's folder.
        if let Some(a) = plan
            .actions
            .iter()
            .find(|a| a.kind != Kind::Keep && !inside(&a.path))
        {
            return Err(format!(
                "`{}` points outside the target's folder; nothing was changed",
                a.path
            ));
        }
        let uploads: Vec<&Action> = plan.uploads().collect();
        let deletes: Vec<&Action> = plan.deletes().collect();
        let total = uploads.len() + deletes.len() + usize::from(plan.write_manifest);
        let bytes_total: u64 = uploads.iter().map(|a| a.size).sum();
        let mut summary = Summary {
            unchanged: plan.kept().count(),
            ..Summary::default()
        };
        let mut done = 0;
        self.rt.block_on(async {
            let mut i = 0;
            while i < uploads.len() {
                let class = uploads[i].class;
                let mut set = tokio::task::JoinSet::new();
                let mut failure = None;
                while i < uploads.len() && uploads[i].class == class || !set.is_empty() {
                    if failure.is_none()
                        && set.len() < self.concurrency
                        && i < uploads.len()
                        && uploads[i].class == class
                    {
                        let a = uploads[i];
                        i += 1;
                        let entry = &plan.manifest.files[&a.path];
                        let job = Upload {
                            op: self.op.clone(),
                            path: a.path.clone(),
                            full: output.join(&a.path),
                            content_type: self.headers.then(|| entry.content_type.clone()),
                            cache_control: self.headers.then(|| entry.cache_control.clone()),
                            rename_into_place: self.rename_into_place,
                            operations: self.operations.clone(),
                        };
                        set.spawn(job.run());
                        continue;
                    }
                    if failure.is_some() && set.is_empty() {
                        break;
                    }
                    match set.join_next().await {
                        Some(Ok(Ok((path, size)))) => {
                            done += 1;
                            summary.uploaded += 1;
                            summary.uploaded_bytes += size;
                            progress(&Progress {
                                done,
                                total,
                                bytes_done: summary.uploaded_bytes,
                                bytes_total,
                                path: &path,
                                kind: Kind::Upload,
                            });
                            summary.changed.push(path);
                        }
                        Some(Ok(Err(e))) => {
                            failure.get_or_insert(e);
                        }
                        Some(Err(e)) => {
                            failure.get_or_insert(err("an upload stopped", e));
                        }
                        None => {}
                    }
                    if failure.is_some() && i < uploads.len() {
                        // Let what is in flight finish; start nothing new.
                        i = uploads.len();
                    }
                }
                if let Some(e) = failure {
                    return Err(e);
                }
            }
            if plan.write_manifest {
                let json = serde_json::to_vec(&plan.manifest).expect("a manifest serialises");
                let job = Upload {
                    op: self.op.clone(),
                    path: MANIFEST.to_string(),
                    full: Default::default(),
                    content_type: self
                        .headers
                        .then(|| "application/json; charset=utf-8".to_string()),
                    cache_control: self.headers.then(|| "no-cache".to_string()),
                    rename_into_place: self.rename_into_place,
                    operations: self.operations.clone(),
                };
                job.put(json).await?;
                done += 1;
                progress(&Progress {
                    done,
                    total,
                    bytes_done: summary.uploaded_bytes,
                    bytes_total,
                    path: MANIFEST,
                    kind: Kind::Upload,
                });
            }
            for chunk in deletes.chunks(self.concurrency) {
                let mut set = tokio::task::JoinSet::new();
                for a in chunk {
                    let op = self.op.clone();
                    let path = a.path.clone();
                    self.operations.fetch_add(1, Ordering::Relaxed);
                    set.spawn(async move {
                        match op.delete(&path).await {
                            Ok(()) => Ok(path),
                            Err(e) if e.kind() == ErrorKind::NotFound => Ok(path),
                            Err(e) => Err(err(&format!("cannot delete {path} at the target"), e)),
                        }
                    });
                }
                while let Some(r) = set.join_next().await {
                    let path = r.map_err(|e| err("a delete stopped", e))??;
                    done += 1;
                    summary.deleted += 1;
                    progress(&Progress {
                        done,
                        total,
                        bytes_done: summary.uploaded_bytes,
                        bytes_total,
                        path: &path,
                        kind: Kind::Delete,
                    });
                    summary.changed.push(path);
                }
            }
            Ok(())
        })?;
        summary.operations = self.operations.load(Ordering::Relaxed);
        summary.elapsed = started.elapsed();
        Ok(summary)
    }
}

/// One file to put at the target.
struct Upload {
    op: Operator,
    path: String,
    full: std::path::PathBuf,
    content_type: Option<String>,
    cache_control: Option<String>,
    rename_into_place: bool,
    operations: Arc<AtomicU64>,
}

impl Upload {
    async fn run(self) -> Result<(String, u64), String> {
        let bytes = std::fs::read(&self.full).map_err(|e| {
            err(
                &format!("cannot read {}", crate::diagnostics::shown_path(&self.full)),
                e,
            )
        })?;
        let size = bytes.len() as u64;
        let path = self.path.clone();
        self.put(bytes).await?;
        Ok((path, size))
    }

    async fn put(&self, bytes: Vec<u8>) -> Result<(), String> {
        let what = || format!("cannot upload {}", self.path);
        let dest = if self.rename_into_place {
            let (dir, name) = self.path.rsplit_once('/').unwrap_or(("", &self.path));
            let dir = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            format!("{dir}.{name}.bulletin-upload")
        } else {
            self.path.clone()
        };
        let mut w = self.op.write_with(&dest, bytes);
        if let Some(ct) = &self.content_type {
            w = w.content_type(ct);
        }
        if let Some(cc) = &self.cache_control {
            w = w.cache_control(cc);
        }
        self.operations.fetch_add(1, Ordering::Relaxed);
        w.await.map_err(|e| err(&what(), e))?;
        if self.rename_into_place {
            self.operations.fetch_add(1, Ordering::Relaxed);
            self.op
                .rename(&dest, &self.path)
                .await
                .map_err(|e| err(&what(), e))?;
        }
        Ok(())
    }
}

/// The S3 error code in an OpenDAL error's text (`InvalidAccessKeyId`, `SignatureDoesNotMatch`).
fn s3_code(text: &str) -> Option<&str> {
    [
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AccessDenied",
    ]
    .into_iter()
    .find(|c| text.contains(c))
}
