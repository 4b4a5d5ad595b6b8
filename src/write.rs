//! Stage 4, write: rendered bytes to their destination, and the output folder swapped in whole.
//!
//! A build never writes into `output/` directly. It writes a complete new tree into a sibling
//! temporary folder and, only when every page succeeded, exchanges the two in one atomic
//! `renameat2(RENAME_EXCHANGE)` (two renames where that call does not exist). Killed at any moment,
//! `output/` is the previous complete build or the new one, and the next build removes what the
//! killed one left. The swap deletes a folder, so it only ever deletes folders that carry the
//! marker file bulletin writes into every tree it makes.
//!
//! The new tree is written against the previous one ([`DirSink::previous`]): a file whose bytes
//! are the same as the previous build's is not written but hard-linked from it, so it keeps its
//! inode and its modification time (a copy with the old time where the file system has no hard
//! links). Files the new build does not produce are simply not in the new tree. So the swap stays
//! one atomic step, and yet `rsync -a`, `aws s3 sync` and nginx's ETag (mtime and size) see only
//! the files whose content changed; a build with nothing changed writes no file at all.
//!
//! Where bytes go is a [`Sink`]: a folder for `build`, memory for `serve`, nowhere for `check`.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::diagnostics::Diagnostic;

/// The file that marks a folder as made by bulletin (and so safe to replace).
pub const MARKER: &str = ".bulletin-output";
const MARKER_TEXT: &str =
    "This folder is written by `bulletin build` and replaced whole by the next build.\n";

/// Somewhere rendered files go. Implementations must be callable from many threads at once.
pub trait Sink: Sync {
    /// Write `bytes` at `path` (relative, `/`-separated).
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// Called before writing with the paths of the files to come (at least one in every folder
    /// they go to), so folders can be made up front.
    fn prepare(&self, _paths: &[String]) -> io::Result<()> {
        Ok(())
    }
    /// Whether the bytes are thrown away (`bulletin check`): then work that only makes bytes,
    /// such as encoding photos, can be skipped; the paths are still written.
    fn discards(&self) -> bool {
        false
    }
    /// Write the file at `source` (a photo's copy in the cache, an attachment) at `path`. A folder
    /// links or copies it without reading it through memory; other sinks read it.
    fn write_file(&self, path: &str, source: &Path) -> io::Result<()> {
        self.write(path, &std::fs::read(source)?)
    }
    /// `companion` (a `.gz` or `.br` copy of `of`, written just before) is taken over from the
    /// previous build when `of` was, so an unchanged page is not compressed again. Whether it was.
    fn keep_companion(&self, _of: &str, _companion: &str) -> bool {
        false
    }
}

/// Discards everything (`bulletin check`).
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _path: &str, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn discards(&self) -> bool {
        true
    }
}

/// Writes under a folder, taking over the previous build's file wherever the bytes are the same.
pub struct DirSink {
    pub root: PathBuf,
    /// The previous build's output, whose unchanged files are hard-linked rather than written.
    pub previous: Option<PathBuf>,
    /// Files written (new or changed).
    written: AtomicUsize,
    /// Files taken over unchanged from `previous`.
    kept: AtomicUsize,
    /// Files written in place of a different file of the same path in `previous`.
    replaced: AtomicUsize,
    /// Paths taken over unchanged (for [`Sink::keep_companion`]).
    kept_paths: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// What a build did to the output folder's files, against the previous build.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FileChanges {
    /// Files written: new, or with bytes that changed.
    pub written: usize,
    /// Files taken over from the previous build unchanged (bytes, inode and modification time).
    pub unchanged: usize,
    /// Files of the previous build that this one no longer produces.
    pub removed: usize,
}

impl DirSink {
    /// Writes under `root`, with nothing to take over.
    pub fn new(root: PathBuf) -> DirSink {
        DirSink::against(root, None)
    }

    /// Writes under `root`, taking over the files of `previous` (the output being replaced) that
    /// come out with the same bytes.
    pub fn against(root: PathBuf, previous: Option<PathBuf>) -> DirSink {
        DirSink {
            root,
            previous: previous.filter(|p| p.is_dir()),
            written: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
            replaced: AtomicUsize::new(0),
            kept_paths: Default::default(),
        }
    }

    /// What this sink did so far against the previous build; `removed` counts the previous
    /// build's files this one did not produce (walking its folder: call it once, at the end).
    pub fn changes(&self) -> FileChanges {
        let written = self.written.load(Ordering::Relaxed);
        let unchanged = self.kept.load(Ordering::Relaxed);
        let replaced = self.replaced.load(Ordering::Relaxed);
        let before = self.previous.as_deref().map_or(0, count_files);
        FileChanges {
            written,
            unchanged,
            removed: before.saturating_sub(unchanged + replaced),
        }
    }

    /// Take over the previous build's file at `path` if it holds `bytes`; whether it did.
    fn keep(
        &self,
        path: &str,
        full: &Path,
        same: impl FnOnce(&Path, &std::fs::Metadata) -> bool,
    ) -> bool {
        let Some(prev) = &self.previous else {
            return false;
        };
        let old = prev.join(path);
        let Ok(meta) = std::fs::symlink_metadata(&old) else {
            return false;
        };
        if !meta.is_file() || !same(&old, &meta) || take_over(&old, &meta, full).is_err() {
            self.replaced.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        self.kept.fetch_add(1, Ordering::Relaxed);
        self.kept_paths
            .lock()
            .expect("kept paths lock")
            .insert(path.to_string());
        true
    }
}

/// Whether the file at `old` (with `meta`) holds exactly `bytes`: sizes first, then the bytes.
fn holds(old: &Path, meta: &std::fs::Metadata, bytes: &[u8]) -> bool {
    meta.len() == bytes.len() as u64 && std::fs::read(old).is_ok_and(|b| b == bytes)
}

/// Whether two files hold the same bytes: the same file (one inode), or equal sizes and bytes.
fn same_content(old: &Path, meta: &std::fs::Metadata, source: &Path) -> bool {
    let Ok(src) = std::fs::metadata(source) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.dev() == src.dev() && meta.ino() == src.ino() {
            return true;
        }
    }
    meta.len() == src.len()
        && match (std::fs::read(old), std::fs::read(source)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
}

/// Put the previous build's file `old` at `full` as it is: a hard link (the same inode), else a
/// copy given the old modification time.
fn take_over(old: &Path, meta: &std::fs::Metadata, full: &Path) -> io::Result<()> {
    if std::fs::hard_link(old, full).is_ok() {
        return Ok(());
    }
    std::fs::copy(old, full)?;
    let f = std::fs::File::options().write(true).open(full)?;
    f.set_modified(meta.modified()?)
}

/// The number of files of the output folder `dir`, its marker aside (the file types come with
/// the listing: no file is opened).
pub fn count_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !(e.depth() == 1 && e.file_name() == MARKER))
        .count()
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let full = self.root.join(path);
        if self.keep(path, &full, |old, meta| holds(old, meta, bytes)) {
            return Ok(());
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        std::fs::write(&full, bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", full.display())))
    }

    /// The previous build's file when it holds the same bytes; else a hard link when it can (the
    /// cache and the output are on one disk, and a build never changes a file it wrote: the next
    /// build writes a new tree), else a copy, which the system does without bringing the bytes
    /// through this process.
    fn write_file(&self, path: &str, source: &Path) -> io::Result<()> {
        let full = self.root.join(path);
        if self.keep(path, &full, |old, meta| same_content(old, meta, source)) {
            return Ok(());
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        if std::fs::hard_link(source, &full).is_ok() {
            return Ok(());
        }
        std::fs::copy(source, &full)
            .map(|_| ())
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", full.display())))
    }

    fn keep_companion(&self, of: &str, companion: &str) -> bool {
        if !self
            .kept_paths
            .lock()
            .expect("kept paths lock")
            .contains(of)
        {
            return false;
        }
        let full = self.root.join(companion);
        // The file it accompanies is unchanged, so the previous build's copy was made from the
        // same bytes.
        self.keep(companion, &full, |_, _| true)
    }

    fn prepare(&self, paths: &[String]) -> io::Result<()> {
        let mut dirs: BTreeSet<&str> = BTreeSet::new();
        for p in paths {
            let mut rest = p.as_str();
            while let Some(i) = rest.rfind('/') {
                rest = &rest[..i];
                if !dirs.insert(rest) {
                    break;
                }
            }
        }
        // BTreeSet order puts every parent before its children.
        for d in dirs {
            let full = self.root.join(d);
            match std::fs::create_dir(&full) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", full.display()))),
            }
        }
        Ok(())
    }
}

/// Keeps every file in memory (`bulletin serve`).
#[derive(Default, Clone)]
pub struct MemorySink {
    pub files: Arc<RwLock<HashMap<String, Arc<[u8]>>>>,
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.files
            .write()
            .expect("memory sink lock")
            .insert(path.to_string(), Arc::from(bytes));
        Ok(())
    }
}

impl MemorySink {
    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files
            .read()
            .expect("memory sink lock")
            .get(path)
            .cloned()
    }
}

/// Writes `.gz` and `.br` copies of text files next to them (`--precompress`), for servers that
/// send precompressed files as they are (nginx `gzip_static`, `brotli_static`).
pub struct Precompress<'a> {
    pub inner: &'a dyn Sink,
}

/// Files worth compressing: text, and at least a few hundred bytes.
pub fn is_compressible(path: &str, len: usize) -> bool {
    const TEXT: &[&str] = &[".html", ".css", ".js", ".xml", ".txt", ".svg", ".json"];
    len >= 256 && TEXT.iter().any(|ext| path.ends_with(ext))
}

/// Gzip at the best level, with no timestamp in the header, so output is reproducible.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::best(),
    );
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

/// Brotli at quality 9 (close to the best ratio for text, an order of magnitude faster than 11).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(bytes.len() / 3);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 9, 22);
        w.write_all(bytes).expect("writing to memory");
    }
    out
}

impl Sink for Precompress<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(path, bytes)?;
        if is_compressible(path, bytes.len()) {
            let gz = format!("{path}.gz");
            if !self.inner.keep_companion(path, &gz) {
                self.inner.write(&gz, &gzip(bytes))?;
            }
            let br = format!("{path}.br");
            if !self.inner.keep_companion(path, &br) {
                self.inner.write(&br, &brotli(bytes))?;
            }
        }
        Ok(())
    }

    fn prepare(&self, paths: &[String]) -> io::Result<()> {
        self.inner.prepare(paths)
    }

    fn discards(&self) -> bool {
        self.inner.discards()
    }

    fn write_file(&self, path: &str, source: &Path) -> io::Result<()> {
        let len = std::fs::metadata(source)?.len();
        if is_compressible(path, usize::try_from(len).unwrap_or(usize::MAX)) {
            self.write(path, &std::fs::read(source)?)
        } else {
            self.inner.write_file(path, source)
        }
    }
}

/// A new output tree being written next to the real one.
#[derive(Debug)]
pub struct Staging {
    pub dir: PathBuf,
    pub target: PathBuf,
}

fn temp_name(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let parent = target.parent().unwrap_or(Path::new("."));
    parent.join(format!(".{name}.bulletin-{what}-{}", std::process::id()))
}

fn is_ours(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// Check that `target` may be replaced by a build of the site at `site_root`, and say why not.
pub fn check_target(target: &Path, site_root: &Path) -> Result<(), Diagnostic> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Canonicalise what exists; the output itself may not exist yet.
        match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => dunce::canonicalize(parent)
                .map(|c| c.join(name))
                .unwrap_or(p.clone()),
            _ => dunce::canonicalize(&p).unwrap_or(p.clone()),
        }
    };
    let target_abs = abs(target);
    let root_abs = dunce::canonicalize(site_root).unwrap_or_else(|_| abs(site_root));
    // Why not, in English and Chinese.
    let refuse = |[why, why_zh]: [String; 2]| {
        Err(Diagnostic::error(format!(
            "refusing to use {} as the output folder: {why}",
            target.display()
        ))
        .with_help("pick a folder of its own, e.g. `--output output` (the default)")
        .zh(format!(
            "不能把 {} 用作输出文件夹：{why_zh}",
            target.display()
        ))
        .zh_help("请用一个单独的文件夹，例如 `--output output`（默认就是它）"))
    };
    if target_abs.parent().is_none() {
        return refuse([
            "it is the file system root".into(),
            "它是整个磁盘的根目录".into(),
        ]);
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && dunce::canonicalize(&home).unwrap_or(home) == target_abs
    {
        return refuse([
            "it is your home folder".into(),
            "它是你的用户主文件夹".into(),
        ]);
    }
    if root_abs.starts_with(&target_abs) {
        return refuse([
            "it is the site folder or one of its parents".into(),
            "它是网站文件夹本身或它的上级文件夹".into(),
        ]);
    }
    for protected in ["content", "themes", "templates", "static", "seeds", ".git"] {
        if target_abs.starts_with(root_abs.join(protected)) {
            return refuse([
                format!("it is inside the site's {protected}/"),
                format!("它在网站的 `{protected}/` 里面"),
            ]);
        }
    }
    if target_abs.is_file() {
        return refuse(["it is a file".into(), "它是一个文件".into()]);
    }
    if target_abs.is_dir() && !is_ours(&target_abs) {
        let empty = std::fs::read_dir(&target_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return refuse([
                format!(
                    "it is a folder bulletin did not make (no {MARKER} in it), and the build replaces it whole"
                ),
                format!(
                    "这个文件夹不是 bulletin 建的（里面没有 {MARKER}），而生成网站会把它整个替换掉"
                ),
            ]);
        }
    }
    Ok(())
}

/// Start a build into a fresh temporary folder next to `target`, removing what earlier killed
/// builds left behind.
pub fn stage(target: &Path, site_root: &Path) -> Result<Staging, Diagnostic> {
    check_target(target, site_root)?;
    clean_leftovers(target);
    let dir = temp_name(target, "tmp");
    if dir.exists() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if let Some(parent) = dir.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::error(format!("cannot create {}: {e}", parent.display()))
                .zh(format!("无法创建 {}：{e}", parent.display()))
        })?;
    }
    // The marker is taken over from the previous build as well, so that a build with nothing
    // changed leaves every file of the output as it was.
    let marker = dir.join(MARKER);
    std::fs::create_dir(&dir)
        .and_then(|()| {
            let old = target.join(MARKER);
            if std::fs::read(&old).is_ok_and(|b| b == MARKER_TEXT.as_bytes())
                && std::fs::hard_link(&old, &marker).is_ok()
            {
                return Ok(());
            }
            std::fs::write(&marker, MARKER_TEXT)
        })
        .map_err(|e| {
            Diagnostic::error(format!("cannot create {}: {e}", dir.display()))
                .zh(format!("无法创建 {}：{e}", dir.display()))
        })?;
    Ok(Staging {
        dir,
        target: target.to_path_buf(),
    })
}

/// Remove temporary folders of earlier builds that were killed (only ones bulletin made).
pub fn clean_leftovers(target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!(".{name}.bulletin-");
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.starts_with(&prefix) && e.path().is_dir() {
            if is_ours(&e.path()) {
                let _ = std::fs::remove_dir_all(e.path());
            } else {
                // A build killed between making its folder and writing the marker into it leaves
                // the folder empty; `remove_dir` removes only an empty one.
                let _ = std::fs::remove_dir(e.path());
            }
        }
    }
}

impl Staging {
    /// The sink that writes the new tree, taking over the unchanged files of the output it
    /// replaces.
    pub fn sink(&self) -> DirSink {
        DirSink::against(self.dir.clone(), Some(self.target.clone()))
    }

    /// Swap the new tree in and delete the old one.
    pub fn commit(self) -> Result<(), Diagnostic> {
        self.commit_with(&FsOps {
            exchange: &exchange,
            rename: &|from, to| std::fs::rename(from, to),
            sleep: &std::thread::sleep,
        })
    }

    /// [`Staging::commit`] with the file system's moves and the wait between tries given, so
    /// tests can make the file system refuse.
    fn commit_with(self, fs: &FsOps) -> Result<(), Diagnostic> {
        let result = self.swap(fs);
        if result.is_err() {
            // The new tree is thrown away; the output is the previous build.
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        result.map_err(|e| held_error(&self.target, &e))
    }

    fn swap(&self, fs: &FsOps) -> io::Result<()> {
        let retrying = |from: &Path, to: &Path| with_retries(fs.sleep, || (fs.rename)(from, to));
        if !self.target.exists() {
            return retrying(&self.dir, &self.target);
        }
        if (fs.exchange)(&self.dir, &self.target).is_ok() {
            // `self.dir` now holds the previous build.
            let _ = std::fs::remove_dir_all(&self.dir);
            return Ok(());
        }
        let old = temp_name(&self.target, "old");
        if old.exists() {
            let _ = std::fs::remove_dir_all(&old);
        }
        // On Windows this is the step that fails while a program holds the output open, and
        // then nothing has moved yet.
        retrying(&self.target, &old)?;
        if let Err(e) = retrying(&self.dir, &self.target) {
            let _ = retrying(&old, &self.target);
            return Err(e);
        }
        // A program that opened a file in the old tree just now can keep this from finishing;
        // the next build removes what is left (it carries the marker).
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }

    /// Throw the new tree away; the real output is untouched.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The file system operations of the swap, replaceable in tests.
struct FsOps<'a> {
    exchange: &'a dyn Fn(&Path, &Path) -> io::Result<()>,
    rename: &'a dyn Fn(&Path, &Path) -> io::Result<()>,
    sleep: &'a dyn Fn(Duration),
}

/// The waits between tries of a rename the OS refuses because the folder is in use: about three
/// seconds in all, long enough for a virus scanner or Explorer's preview to let go of a file
/// it had only glanced at, short enough not to leave someone wondering whether the build hangs.
const RETRY_WAITS_MS: [u64; 7] = [20, 50, 100, 200, 400, 800, 1600];

/// Run `op` until it succeeds, retrying after a wait while it fails because something holds the
/// folder ([`is_held`]); any other error, or the last one, is returned at once.
fn with_retries(
    sleep: &dyn Fn(Duration),
    mut op: impl FnMut() -> io::Result<()>,
) -> io::Result<()> {
    let mut waits = RETRY_WAITS_MS.iter();
    loop {
        match op() {
            Err(e) if is_held(&e) => match waits.next() {
                Some(&ms) => sleep(Duration::from_millis(ms)),
                None => return Err(e),
            },
            other => return other,
        }
    }
}

/// Whether a failed rename means another program holds the folder or a file in it: on Windows
/// access denied (5), a sharing violation (32) or a lock violation (33), which is what renaming a
/// folder gives while a program has its current folder in it or a file in it open; anywhere "busy" (a
/// mount point, a folder in use on a network file system). A permission error on Unix is not:
/// waiting does not change permissions.
fn is_held(e: &io::Error) -> bool {
    (cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33)))
        || e.kind() == io::ErrorKind::ResourceBusy
}

/// The error for an output folder that could not be replaced.
fn held_error(target: &Path, e: &io::Error) -> Diagnostic {
    let shown = crate::diagnostics::shown_path(target);
    if is_held(e) {
        Diagnostic::error(format!(
            "cannot replace the output folder {shown}: another program holds it or a file in it open ({e})"
        ))
        .with_help(format!(
            "close what has {shown} open (a command window whose current folder is in it, a program with one of its files open, Explorer's preview pane; a virus scanner lets go by itself) and build again; the previous output was left as it was"
        ))
        .zh(format!(
            "无法替换输出文件夹 {shown}：有别的程序正打开着它或它里面的文件（{e}）"
        ))
        .zh_help(format!(
            "关掉打开着 {shown} 的程序（当前目录在它里面的命令行窗口、打开了其中文件的程序、资源管理器的预览窗格；杀毒软件会自己放开），再生成一次；原来的输出没有改动"
        ))
    } else {
        Diagnostic::error(format!("cannot replace the output folder {shown}: {e}"))
            .with_help("the previous output was left as it was")
            .zh(format!("无法替换输出文件夹 {shown}：{e}"))
            .zh_help("原来的输出没有改动")
    }
}

/// Atomically exchange two paths (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them like rename(2).
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

#[cfg(test)]
mod tests;
