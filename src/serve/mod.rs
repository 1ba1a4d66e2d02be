//! `cutover serve`: builds the site into memory, serves it, watches the root and rebuilds
//! on change, reloading open pages. A broken edit keeps the last good site served, with
//! the error shown over every page, until the next good save.

mod hosts;
mod http;
mod listen;
mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use tokio::sync::{Semaphore, broadcast, mpsc};

use crate::report;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// `None`: the local date at each rebuild, so a server left running overnight moves on.
    pub today: Option<NaiveDate>,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
}

/// What the server shows: the last good site, and the error of the last build if it failed.
#[derive(Default)]
struct Current {
    files: Arc<HashMap<String, Arc<Vec<u8>>>>,
    error: Option<String>,
}

/// Shared between the HTTP handlers and the rebuild loop.
pub(crate) struct State {
    current: RwLock<Current>,
    /// What each build leaves for the next, so a rebuild redoes only what changed.
    caches: Arc<std::sync::Mutex<crate::Caches>>,
    /// One message per build, good or bad: open pages reload on it.
    builds: broadcast::Sender<u64>,
    /// One for each event stream open, up to [`http::EVENT_STREAMS`].
    streams: Arc<Semaphore>,
    /// The audiences with personal data last warned of as open to the network.
    exposed: Mutex<Vec<String>>,
}

/// Runs the server until Ctrl-C.
pub fn serve(options: ServeOptions) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(run(options))
}

async fn run(mut options: ServeOptions) -> Result<()> {
    // Watched paths come back absolute: the root must be too, to recognise them.
    options.root = std::fs::canonicalize(&options.root).with_context(|| {
        format!(
            "the site root {} is not a folder: pass --root DIR",
            options.root.display()
        )
    })?;
    let (builds, _) = broadcast::channel(16);
    let state = Arc::new(State {
        current: RwLock::new(Current::default()),
        caches: Arc::default(),
        builds,
        streams: Arc::new(Semaphore::new(http::EVENT_STREAMS)),
        exposed: Mutex::default(),
    });
    rebuild(&state, &options, 0).await;

    let (changes_tx, changes) = mpsc::unbounded_channel();
    let inputs = watch::Inputs::watch(&options.root, changes_tx)?;
    tokio::spawn(rebuild_on_change(
        state.clone(),
        options.clone(),
        inputs,
        changes,
    ));

    let address = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| {
            format!("listening on {address}: is another server using the port? Pass --port")
        })?;
    let local = listener
        .local_addr()
        .context("reading the server's address")?;
    eprintln!(
        "serving {} at http://{local}/ (Ctrl-C stops)",
        options.root.display()
    );

    let app = http::router(state, Arc::new(hosts::Hosts::new(local)));
    tokio::select! {
        () = listen::serve(listener, app) => {}
        _ = tokio::signal::ctrl_c() => eprintln!("stopped"),
    }
    Ok(())
}

/// Rebuilds once for every burst of changes, however many files it touched.
async fn rebuild_on_change(
    state: Arc<State>,
    options: ServeOptions,
    mut inputs: watch::Inputs,
    mut changes: mpsc::UnboundedReceiver<Vec<PathBuf>>,
) {
    let mut count = 0;
    while let Some(first) = changes.recv().await {
        let mut changed = first;
        // Take in what else arrives while the burst lasts (a `git checkout`, an editor's
        // write-then-rename), so it all makes one rebuild.
        while let Ok(Some(more)) = tokio::time::timeout(watch::QUIET, changes.recv()).await {
            changed.extend(more);
        }
        inputs.refresh(&changed);
        count += 1;
        let changed: std::collections::BTreeSet<String> = changed
            .iter()
            .map(|p| {
                p.strip_prefix(&options.root)
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        let shown: Vec<&String> = changed.iter().take(3).collect();
        let more = changed.len().saturating_sub(shown.len());
        let shown: Vec<&str> = shown.iter().map(|s| s.as_str()).collect();
        eprintln!(
            "changed: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
        rebuild(&state, &options, count).await;
    }
}

/// Builds the site into memory; on failure keeps the last good one and records the error.
async fn rebuild(state: &Arc<State>, options: &ServeOptions, count: u64) {
    let start = Instant::now();
    let today = options
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let (root, caches) = (options.root.clone(), state.caches.clone());
    let built = tokio::task::spawn_blocking(move || {
        let mut caches = caches
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        crate::render_site_cached(&root, today, None, &mut caches)
    })
    .await;
    let outcome = match built {
        Ok(Ok(site)) => Ok(site),
        Ok(Err(e)) => Err(report::error(&e)),
        Err(e) => Err(format!("the build stopped: {e}")),
    };
    {
        let mut current = state
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match outcome {
            Ok(site) => {
                eprintln!(
                    "built {} files in {} ms",
                    site.files.len(),
                    start.elapsed().as_millis()
                );
                warn_if_exposed(state, options.bind, &site);
                current.files = Arc::new(site.files.into_iter().collect());
                current.error = None;
            }
            Err(message) => {
                eprintln!(
                    "{message}\nstill serving the last good site; save a correction to rebuild"
                );
                current.error = Some(message);
            }
        }
    }
    // No open page is no error.
    let _ = state.builds.send(count);
}

/// Warns, when the server is open to other machines, of the audiences with personal data
/// it serves: once, and again whenever they change.
fn warn_if_exposed(state: &State, bind: IpAddr, site: &crate::Rendered) {
    let personal: Vec<String> = site
        .checked
        .model
        .site
        .iter()
        .flat_map(|s| &s.audiences)
        .filter(|a| a.personal_data)
        .map(|a| a.id.clone())
        .collect();
    let mut exposed = state
        .exposed
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if *exposed != personal {
        if let Some(warning) = exposure_warning(bind, &personal) {
            eprintln!("{warning}");
        }
        *exposed = personal;
    }
}

/// The warning for audiences with personal data (`personal`) served on `bind`: none on a
/// loopback address, which only this machine can reach.
fn exposure_warning(bind: IpAddr, personal: &[String]) -> Option<String> {
    if bind.is_loopback() || personal.is_empty() {
        return None;
    }
    Some(format!(
        "warning: serving on {bind}, which other machines can reach: anyone on the network \
         can read the names, emails and extensions of the audiences with personal data ({}). \
         Pass --bind 127.0.0.1 to serve this machine only",
        personal.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_open_to_the_network_is_warned_of() {
        let coordinators = ["coordinators".to_string(), "managers".to_string()];
        for here in ["127.0.0.1", "127.0.0.2", "::1"] {
            assert_eq!(exposure_warning(here.parse().unwrap(), &coordinators), None);
        }
        for open in ["0.0.0.0", "::", "192.168.1.20"] {
            let warning =
                exposure_warning(open.parse().unwrap(), &coordinators).expect("a warning");
            assert!(
                warning.contains("personal data (coordinators, managers)"),
                "{warning}"
            );
            assert!(
                warning.contains(&format!("serving on {open},")),
                "{warning}"
            );
            assert!(warning.contains("--bind 127.0.0.1"), "{warning}");
        }
        assert_eq!(exposure_warning("0.0.0.0".parse().unwrap(), &[]), None);
    }
}
