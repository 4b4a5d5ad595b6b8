//! The deploy plan: what to upload, what to delete and why, from what is here and what the
//! target holds. A pure function, so the whole decision table is tested without a server, and
//! `--dry-run` shows exactly what a real run would do.
//!
//! A file is uploaded when the target's manifest (path → hash, size, Content-Type, Cache-Control,
//! written by the previous deploy) records other content or other headers, or when the object is
//! missing or its size is not the recorded one. Without a manifest entry (the first deploy to a
//! bucket filled by other tools), an S3 ETag that is a plain MD5 (no `-`, which marks a multipart
//! upload) is compared with the file's MD5; failing that the file is uploaded once, and the
//! manifest written after it makes the next deploy exact.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::headers::Class;
use super::target::inside;

/// The manifest's name at the target's top. Never deleted, never uploaded from the output.
pub const MANIFEST: &str = ".bulletin-deploy.json";

/// A file of the output, as the plan sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub size: u64,
    /// BLAKE3 of the content, hex.
    pub hash: String,
    /// MD5 of the content, hex; only computed when the target has no manifest.
    pub md5: Option<String>,
    pub content_type: String,
    pub cache_control: String,
}

/// What the manifest records of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub hash: String,
    pub size: u64,
    pub content_type: String,
    pub cache_control: String,
}

/// `.bulletin-deploy.json` at the target: what the last deploy put there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// 1.
    pub format: u32,
    pub files: BTreeMap<String, ManifestEntry>,
}

impl Manifest {
    /// The manifest of a set of local files.
    pub fn of(local: &[LocalFile]) -> Manifest {
        Manifest {
            format: 1,
            files: local
                .iter()
                .map(|f| {
                    (
                        f.path.clone(),
                        ManifestEntry {
                            hash: f.hash.clone(),
                            size: f.size,
                            content_type: f.content_type.clone(),
                            cache_control: f.cache_control.clone(),
                        },
                    )
                })
                .collect(),
        }
    }
}

/// An object the target's listing shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteObject {
    /// `None` where the listing does not say (folders over SFTP and on disk are listed by name).
    pub size: Option<u64>,
    /// The S3 ETag without its quotes; `None` elsewhere.
    pub etag: Option<String>,
}

/// What the target holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteState {
    /// `None`: no manifest (a first deploy, or a target filled by other tools).
    pub manifest: Option<Manifest>,
    /// Every object under the target's prefix but the manifest, by path.
    pub objects: BTreeMap<String, RemoteObject>,
}

/// Upload, delete or keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Upload,
    Delete,
    Keep,
}

/// Why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Not at the target.
    New,
    /// The manifest lists it but the target does not hold it.
    Missing,
    /// The target's object is not the size the manifest records: changed by something else, or
    /// an earlier upload did not finish.
    SizeDiffers,
    /// The content differs from what the manifest records.
    ContentChanged,
    /// Same content, other headers.
    HeadersChanged {
        content_type: Option<(String, String)>,
        cache_control: Option<(String, String)>,
    },
    /// No manifest entry; the object's ETag is not the file's MD5.
    EtagDiffers,
    /// No manifest entry and no ETag that is an MD5: uploaded once.
    Unknown,
    /// Same content and headers as the manifest records.
    Unchanged,
    /// No manifest entry; the ETag is the file's MD5 (its headers are kept as they are).
    EtagMatches,
    /// At the target, not in the output.
    Gone,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::New => write!(f, "new"),
            Reason::Missing => write!(f, "missing at the target"),
            Reason::SizeDiffers => write!(f, "the target's copy has another size"),
            Reason::ContentChanged => write!(f, "content changed"),
            Reason::HeadersChanged {
                content_type,
                cache_control,
            } => {
                let mut parts = Vec::new();
                if let Some((old, new)) = content_type {
                    parts.push(format!("Content-Type {old} → {new}"));
                }
                if let Some((old, new)) = cache_control {
                    parts.push(format!("Cache-Control {old} → {new}"));
                }
                write!(f, "headers changed: {}", parts.join(", "))
            }
            Reason::EtagDiffers => write!(f, "not in the target's manifest, ETag differs"),
            Reason::Unknown => write!(
                f,
                "not in the target's manifest and no MD5 ETag to compare: uploaded once"
            ),
            Reason::Unchanged => write!(f, "unchanged"),
            Reason::EtagMatches => write!(f, "not in the target's manifest, ETag matches"),
            Reason::Gone => write!(f, "no longer in the output"),
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub path: String,
    pub kind: Kind,
    pub reason: Reason,
    /// Uploads: the file's size; deletes: the object's size where known.
    pub size: u64,
    /// The upload order; deletes come after every upload.
    pub class: Class,
}

/// A plan: every local file and every object of the target, each with what to do and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Uploads in upload order ([`Class`], then path), then deletes, then the kept files.
    pub actions: Vec<Action>,
    /// The manifest to write after the uploads (before the deletes).
    pub manifest: Manifest,
    /// Whether the manifest must be written (anything changed, or the old one differs).
    pub write_manifest: bool,
    /// Files in the output.
    pub local_count: usize,
    /// Objects at the target (the manifest not counted).
    pub remote_count: usize,
    /// Paths the target listed that would point outside its folder or prefix (`..`, absolute):
    /// never deleted or written, and the plan is refused while there are any.
    pub outside: Vec<String>,
}

impl Plan {
    pub fn uploads(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(|a| a.kind == Kind::Upload)
    }
    pub fn deletes(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(|a| a.kind == Kind::Delete)
    }
    pub fn kept(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(|a| a.kind == Kind::Keep)
    }
    /// Whether running it would change nothing at the target.
    pub fn is_empty(&self) -> bool {
        !self.write_manifest && self.actions.iter().all(|a| a.kind == Kind::Keep)
    }

    /// Why the plan must not run, checked before any change: more deletes than allowed, or an
    /// output under half the size of what the target holds (the wrong folder, a failed build).
    /// `max_deletes_given`: `--max-deletes` was given, which also lifts the half rule when the
    /// deletes are within it.
    pub fn refusal(&self, max_deletes: usize, max_deletes_given: bool) -> Option<String> {
        if let Some(first) = self.outside.first() {
            return Some(format!(
                "the target lists `{first}`{}, a name that points outside the target's folder or prefix; \
                 bulletin deploy writes and deletes only inside it, so nothing was changed\n  \
                 help: remove {} with the provider's own tools, or deploy to another folder or prefix",
                match self.outside.len() {
                    1 => String::new(),
                    n => format!(" and {} more such names", n - 1),
                },
                if self.outside.len() == 1 {
                    "it"
                } else {
                    "them"
                }
            ));
        }
        let deletes = self.deletes().count();
        if deletes > max_deletes {
            return Some(format!(
                "the plan deletes {deletes} files at the target, more than --max-deletes {max_deletes}; nothing was changed\n  \
                 help: look at the plan with --dry-run; if the deletes are meant, run again with --max-deletes {deletes}"
            ));
        }
        if !max_deletes_given && self.remote_count > 0 && self.local_count * 2 < self.remote_count {
            return Some(format!(
                "the output has {} files, under half of the {} at the target: a wrong folder or an unfinished build? nothing was changed\n  \
                 help: look at the plan with --dry-run; if it is meant, run again with --max-deletes {deletes}",
                self.local_count, self.remote_count
            ));
        }
        None
    }
}

/// An ETag that is an MD5: 32 hex digits once quotes are gone (a multipart upload's has `-N`).
fn etag_md5(etag: &str) -> Option<String> {
    let e = etag.trim().trim_start_matches("W/").trim_matches('"');
    (e.len() == 32 && e.bytes().all(|b| b.is_ascii_hexdigit())).then(|| e.to_ascii_lowercase())
}

/// The plan from the output's files and the target's state.
pub fn plan(local: &[LocalFile], remote: &RemoteState) -> Plan {
    let mut actions = Vec::with_capacity(local.len());
    let mut present = BTreeSet::new();
    for f in local {
        present.insert(f.path.as_str());
        let object = remote.objects.get(&f.path);
        let entry = remote.manifest.as_ref().and_then(|m| m.files.get(&f.path));
        let (kind, reason) = match (object, entry) {
            (None, Some(_)) => (Kind::Upload, Reason::Missing),
            (None, None) => (Kind::Upload, Reason::New),
            (Some(o), Some(e)) => {
                if o.size.is_some_and(|s| s != e.size) {
                    (Kind::Upload, Reason::SizeDiffers)
                } else if e.hash != f.hash || e.size != f.size {
                    (Kind::Upload, Reason::ContentChanged)
                } else if e.content_type != f.content_type || e.cache_control != f.cache_control {
                    let differ = |old: &String, new: &String| {
                        (old != new).then(|| (old.clone(), new.clone()))
                    };
                    (
                        Kind::Upload,
                        Reason::HeadersChanged {
                            content_type: differ(&e.content_type, &f.content_type),
                            cache_control: differ(&e.cache_control, &f.cache_control),
                        },
                    )
                } else {
                    (Kind::Keep, Reason::Unchanged)
                }
            }
            (Some(o), None) => match o.etag.as_deref().and_then(etag_md5) {
                Some(md5)
                    if f.md5.as_deref() == Some(md5.as_str())
                        && o.size.is_none_or(|s| s == f.size) =>
                {
                    (Kind::Keep, Reason::EtagMatches)
                }
                Some(_) => (Kind::Upload, Reason::EtagDiffers),
                None => (Kind::Upload, Reason::Unknown),
            },
        };
        actions.push(Action {
            path: f.path.clone(),
            kind,
            reason,
            size: f.size,
            class: Class::of(&f.path),
        });
    }
    let mut outside = Vec::new();
    for (path, o) in &remote.objects {
        if !inside(path) {
            outside.push(path.clone());
            continue;
        }
        if path != MANIFEST && !present.contains(path.as_str()) {
            actions.push(Action {
                path: path.clone(),
                kind: Kind::Delete,
                reason: Reason::Gone,
                size: o.size.unwrap_or(0),
                class: Class::of(path),
            });
        }
    }
    let rank = |k: Kind| match k {
        Kind::Upload => 0,
        Kind::Delete => 1,
        Kind::Keep => 2,
    };
    actions.sort_by(|a, b| (rank(a.kind), a.class, &a.path).cmp(&(rank(b.kind), b.class, &b.path)));
    let manifest = Manifest::of(local);
    let changes = actions.iter().any(|a| a.kind != Kind::Keep);
    let write_manifest = changes || remote.manifest.as_ref() != Some(&manifest);
    Plan {
        actions,
        manifest,
        write_manifest,
        local_count: local.len(),
        remote_count: remote.objects.keys().filter(|p| *p != MANIFEST).count(),
        outside,
    }
}
