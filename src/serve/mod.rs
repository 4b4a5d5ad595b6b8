//! `bulletin serve`: build the site in memory, serve it, watch the sources, rebuild on every save,
//! and make open browsers follow.
//!
//! Three pieces, each small: [`change`] decides what a changed path means (pure, table-tested),
//! [`preview`] holds the in-memory site and rebuilds the part a change touches, [`http`] serves it
//! and streams reload events. This module only wires them together: a watcher thread feeding a
//! rebuild thread, and an axum server on a tokio runtime. The published `output/` is never touched.

pub mod change;
pub mod desk;
pub mod http;
pub mod mime;
pub mod preview;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::DebounceEventResult;

use crate::config::{Config, base_path_of};
use change::{ChangeKind, Plan, classify};
use http::{Message, ServeState};
use preview::{Outcome, Preview};

/// What `bulletin serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
    /// Open the site in the default browser once it is up.
    pub open: bool,
    /// Open the 工作台 rather than the site (the double-clicked bulletin.exe).
    pub open_desk: bool,
    /// Poll the file system instead of relying on change events (network drives, WSL).
    pub poll: bool,
}

/// How long the watcher waits for a burst of events (an editor's save through a temp file and a
/// rename) to settle into one rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(15);

const INITIAL: &str = "initial build";

/// The folders and files watched, relative to the root (those that exist).
const WATCHED: &[&str] = &["content", "themes", "templates", "static", "site.yaml"];

/// Run the preview until Ctrl-C. Errors are for the terminal.
pub fn serve(opts: ServeOptions) -> Result<(), String> {
    // Without the `\\?\` prefix on Windows, which would show in every path printed.
    let root = dunce::canonicalize(&opts.root)
        .map_err(|e| format!("cannot open {}: {e}", opts.root.display()))?;
    // The site's base path is kept; the host becomes the local address.
    let base_path = match Config::load(&root) {
        Ok(c) => c.base_path().to_string(),
        Err(_) => "/".to_string(),
    };
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {} on {} is already in use (is another `bulletin serve` running?); choose another with --port",
                opts.port, opts.bind
            )
        } else {
            format!("cannot listen on {addr}: {e}; choose another address with --bind or --port")
        }
    })?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview visible to other machines on the network; use --bind 127.0.0.1 to keep it local",
            opts.bind
        );
    }
    let host = if opts.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        local.ip().to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let base_url = format!("http://{host}:{}{}", local.port(), base_path);
    let state = ServeState::new(&base_path_of(&base_url));
    let desk = desk::Desk::new(&root, opts.bind, local.port(), &base_path_of(&base_url));
    let _ = state.desk.set(desk.clone());
    let followed = Arc::downgrade(&state);
    desk.follow(Box::new(move || {
        let state = followed.upgrade()?;
        let error = state.error.read().map(|e| e.is_some()).unwrap_or(false);
        Some((
            state.version.load(std::sync::atomic::Ordering::SeqCst),
            error,
        ))
    }));

    // First build.
    let mut preview = Preview::new(&root, &base_url, opts.drafts);
    let (outcome, took) = preview::timed(|| preview.full_rebuild());
    report(&state, &preview, &outcome, INITIAL, took);

    // Watch, and rebuild on a thread of its own.
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    // 确认导入's files go straight to the rebuild loop, as if the watcher had seen them.
    let desk_tx = tx.clone();
    desk.on_written(Box::new(move |paths| {
        let events = paths
            .into_iter()
            .map(|p| {
                let kind = notify::EventKind::Create(notify::event::CreateKind::File);
                notify_debouncer_full::DebouncedEvent::new(
                    notify::Event::new(kind).add_path(p),
                    std::time::Instant::now(),
                )
            })
            .collect();
        let _ = desk_tx.send(Ok(events));
    }));
    let mut debouncer = if opts.poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
        let d = notify_debouncer_full::new_debouncer_opt::<_, notify::PollWatcher, _>(
            DEBOUNCE,
            None,
            tx,
            notify_debouncer_full::RecommendedCache::new(),
            config,
        )
        .map_err(|e| format!("cannot watch files: {e}"))?;
        Watcher::Poll(d)
    } else {
        Watcher::Native(
            notify_debouncer_full::new_debouncer(DEBOUNCE, None, tx)
                .map_err(|e| format!("cannot watch files: {e}"))?,
        )
    };
    for w in WATCHED {
        let p = root.join(w);
        if p.exists() {
            debouncer
                .watch(&p)
                .map_err(|e| format!("cannot watch {}: {e}", p.display()))?;
        }
    }
    let theme = preview
        .config()
        .map(|c| c.theme.clone())
        .unwrap_or_else(|| "default".into());
    let rebuild_state = state.clone();
    let rebuild_root = root.clone();
    std::thread::spawn(move || rebuild_loop(rx, preview, rebuild_state, &rebuild_root, &theme));

    eprintln!(
        "serving {} at {base_url} (Ctrl-C to stop)",
        crate::diagnostics::shown_path(&root)
    );
    let desk_url = desk.url(&host);
    eprintln!("工作台: {desk_url}");
    if opts.open_desk {
        open_browser(&desk_url);
    } else if opts.open {
        open_browser(&base_url);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let shutdown_desk = desk.clone();
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
        let app = http::router(state.clone());
        let shutdown_state = state.clone();
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                stop_signal().await;
                // First, while the process surely still runs (Windows ends it a few seconds
                // after its console window is closed).
                shutdown_desk.cleanup();
                eprintln!("\nstopping");
                let _ = shutdown_state.tx.send(Message::Shutdown);
            })
            .await
            .map_err(|e| e.to_string())
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    drop(debouncer);
    desk.cleanup();
    result
}

/// Ctrl-C, or on Windows also the console window being closed.
#[cfg(windows)]
async fn stop_signal() {
    match tokio::signal::windows::ctrl_close() {
        Ok(mut close) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = close.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Ctrl-C.
#[cfg(not(windows))]
async fn stop_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

enum Watcher {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Poll(
        notify_debouncer_full::Debouncer<
            notify::PollWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
}

impl Watcher {
    fn watch(&mut self, path: &Path) -> notify::Result<()> {
        let mode = if path.is_dir() {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        match self {
            Watcher::Native(d) => d.watch(path, mode),
            Watcher::Poll(d) => d.watch(path, mode),
        }
    }
}

/// How long edits must pause before the search index catches up with them.
const SEARCH_QUIET: Duration = Duration::from_millis(400);

fn rebuild_loop(
    rx: mpsc::Receiver<DebounceEventResult>,
    mut preview: Preview,
    state: Arc<ServeState>,
    root: &Path,
    theme: &str,
) {
    let mut next: Option<DebounceEventResult> = None;
    loop {
        let first = match next.take() {
            Some(batch) => batch,
            None => match rx.recv() {
                Ok(batch) => batch,
                Err(_) => return,
            },
        };
        // Take every batch already waiting, so a burst of saves is one rebuild.
        let mut batches = vec![first];
        while let Ok(more) = rx.try_recv() {
            batches.push(more);
        }
        let plan = Plan::from_changes(classify_batches(batches, root, theme));
        if !plan.is_empty() {
            let (outcome, took) = preview::timed(|| preview.apply(&plan));
            report(&state, &preview, &outcome, &plan.describe(), took);
        }
        // Once the edits pause, bring the search index up to date (no reload needed: the search
        // page fetches it afresh).
        while preview.search_stale() {
            match rx.recv_timeout(SEARCH_QUIET) {
                Ok(batch) => {
                    next = Some(batch);
                    break;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let (result, took) = preview::timed(|| preview.refresh_search());
                    match result {
                        Ok(true) => {
                            state.replace_files(preview.files.clone());
                            eprintln!(
                                "search index updated in {:.1} ms",
                                took.as_secs_f64() * 1000.0
                            );
                        }
                        Ok(false) => {}
                        Err(d) => eprint!("{}", d.render(false)),
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

/// The changes in a batch of watcher events, classified.
fn classify_batches(
    batches: Vec<DebounceEventResult>,
    root: &Path,
    theme: &str,
) -> Vec<ChangeKind> {
    let mut changes = Vec::new();
    for batch in batches {
        match batch {
            Ok(events) => {
                for e in events {
                    if e.kind.is_access() {
                        continue;
                    }
                    changes.extend(e.paths.iter().map(|p| classify(root, theme, p)));
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: file watcher: {e}");
                }
            }
        }
    }
    changes
}

/// Publish a rebuild's result to the server and print its one line.
fn report(state: &ServeState, preview: &Preview, outcome: &Outcome, what: &str, took: Duration) {
    let ms = took.as_secs_f64() * 1000.0;
    match outcome {
        Outcome::Reload { pages } => {
            state.publish(preview.files.clone(), preview.version);
            if let Some(desk) = state.desk.get() {
                desk.note_site(preview.site());
            }
            let _ = state.tx.send(Message::Reload(preview.version));
            if what == INITIAL {
                eprintln!("built {pages} pages in {ms:.1} ms");
            } else {
                eprintln!("{what} changed: {pages} pages re-rendered in {ms:.1} ms");
            }
        }
        Outcome::Css => {
            state.publish(preview.files.clone(), preview.version);
            let _ = state.tx.send(Message::Css(preview.version));
            eprintln!("{what} changed: stylesheet swapped in {ms:.1} ms");
        }
        Outcome::Unchanged => {}
        Outcome::Failed(diags) => {
            eprint!("{}", diags.render(crate::diagnostics::stderr_color()));
            eprintln!("{what}: build failed; still serving the last good site");
            let text = diags.render(false);
            state.set_error(Some(text.clone()));
            let _ = state.tx.send(Message::Error(text));
        }
    }
}

/// Open `url` in the default browser, without waiting for it.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        // The shell's URL handler, what ShellExecute runs for a link: no cmd.exe in between, so
        // no `&`, `^` or `%` in the site's base path is read as cmd's syntax (`cmd /C start`
        // would), and no window flashes up.
        ("rundll32", vec!["url.dll,FileProtocolHandler", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(cmd.0).args(&cmd.1).spawn() {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}
