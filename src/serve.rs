//! `marketplace serve`: builds the site into a private directory, serves it on loopback,
//! watches `modules/`, `content/` and `theme/`, rebuilds on change and reloads open tabs.
//! A broken edit shows its diagnostics in the browser; the last good site stays on disk
//! until a build succeeds again.
//!
//! This file holds the session side (watcher, debounce, rebuilds, the shared state);
//! [`http`] answers HTTP with hyper on a small tokio runtime.

mod http;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use notify::{RecursiveMode, Watcher};
use tokio::sync::watch;

use crate::build::BuildOptions;
use crate::diagnostics::{self, Format};
use crate::error::{Error, Result};
use crate::session::Session;

/// Watcher events closer together than this make one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(30);

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
}

/// What the server shows: the last good site, and the errors of the last build if it
/// failed.
struct State {
    site: PathBuf,
    error: Option<String>,
}

/// Shared by the session loop and the HTTP tasks.
struct Shared {
    state: Mutex<State>,
    /// Changes on every rebuild, after the files and `state` are up to date: tabs learn
    /// of it by Server-Sent Events and reload when it differs from the version their
    /// page was served with.
    version: watch::Sender<u64>,
    /// Keeps requests from reading files while an update rewrites them in place.
    files: RwLock<()>,
}

/// Runs until Ctrl-C (or `stop` is set). Calls `ready` with the address once listening.
pub fn serve(opts: &ServeOptions, stop: Arc<AtomicBool>, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let root = opts.root.canonicalize().map_err(Error::io("read", &opts.root))?;
    let listener = TcpListener::bind((opts.bind.as_str(), opts.port))
        .map_err(|e| Error::Usage(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port)))?;
    let addr = listener.local_addr().map_err(Error::io("read the address of", &opts.root))?;
    let work = std::env::temp_dir().join(format!("marketplace-serve-{}", std::process::id()));
    let site = work.join("public");
    let base_url = format!("http://{addr}/");

    // The first version is the start time in milliseconds: a tab left open across a
    // restart of `serve` sees a different version and reloads.
    let first = SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_millis() as u64);
    let shared = Arc::new(Shared {
        state: Mutex::new(State { site: site.clone(), error: None }),
        version: watch::Sender::new(first),
        files: RwLock::new(()),
    });
    let mut session =
        Session::new(BuildOptions { root: root.clone(), output: Some(site.clone()), base_url: Some(base_url.clone()) });
    rebuild(&mut session, &[], &shared);

    let runtime = http::start(listener, Arc::clone(&shared)).map_err(Error::io("start the server on", &opts.root))?;

    // The changed paths; an empty list when the watcher could not say (build everything).
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
        Ok(e) if matches!(e.kind, notify::EventKind::Access(_)) => {}
        Ok(e) => {
            let _ = tx.send(e.paths);
        }
        Err(_) => {
            let _ = tx.send(Vec::new());
        }
    })
    .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    for dir in ["modules", "content", "theme"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", path.display())))?;
        }
    }
    ready(addr);

    while !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(first) => {
                // Editors write a file in several steps: wait for quiet before building.
                let mut unknown = first.is_empty();
                let mut changed = first;
                let mut last = Instant::now();
                while last.elapsed() < DEBOUNCE {
                    if let Ok(more) = rx.recv_timeout(DEBOUNCE) {
                        unknown |= more.is_empty();
                        changed.extend(more);
                        last = Instant::now();
                    }
                }
                changed.sort();
                changed.dedup();
                if unknown {
                    changed.clear();
                }
                rebuild(&mut session, &changed, &shared);
            }
            // Quiet: the tabs have reloaded; now the files no page shows.
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if session.behind() {
                    let _writing = shared.files.write();
                    if let Err(e) = session.finish() {
                        eprintln!("error: {e}");
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    drop(watcher);
    // Open connections (keep-alive, event streams) are dropped with the runtime.
    runtime.shutdown_timeout(Duration::from_secs(1));
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

fn rebuild(session: &mut Session, changed: &[PathBuf], shared: &Shared) {
    // A full build swaps a new tree in at once; an update writes files in place.
    let writing = session.updates(changed).then(|| shared.files.write());
    let result = session.rebuild(changed);
    drop(writing);
    let error = match result {
        Ok(r) => {
            match &r.incremental {
                Some(files) => {
                    eprintln!("rebuilt {} modules in {} ms (updated {})", r.modules, r.millis, files.join(", "))
                }
                None => eprintln!("rebuilt {} modules in {} ms", r.modules, r.millis),
            }
            None
        }
        Err(Error::Content(d)) => {
            eprint!("{}", diagnostics::render(&d, Format::Human, false));
            Some(diagnostics::render(&d, Format::Human, false))
        }
        Err(e) => {
            eprintln!("error: {e}");
            Some(e.to_string())
        }
    };
    if let Ok(mut s) = shared.state.lock() {
        s.error = error;
    }
    // Last: a request that reads this version reads the files and state it stands for.
    shared.version.send_modify(|v| *v += 1);
}
