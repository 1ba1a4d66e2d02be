//! Watching the root's inputs: `data/`, `content/`, `themes/` and `static/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::mpsc::UnboundedSender;

use crate::load::is_noise;

/// The folders a site is built from.
pub const INPUTS: [&str; 4] = ["data", "content", "themes", "static"];

/// How long the file system must be quiet before a burst of changes counts as over.
pub const QUIET: Duration = Duration::from_millis(150);

/// The watch on a root's inputs. Dropping it stops the watching.
pub struct Inputs {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

impl Inputs {
    /// Watches `root`'s inputs and sends the paths of every batch of real changes. The
    /// root itself is watched without its subfolders, so that an input folder made later
    /// is noticed, and `public/` or `target/` are never walked.
    pub fn watch(root: &Path, changes: UnboundedSender<Vec<PathBuf>>) -> Result<Inputs> {
        let inputs: Vec<PathBuf> = INPUTS.iter().map(|d| root.join(d)).collect();
        let mut debouncer = new_debouncer(
            Duration::from_millis(50),
            None,
            move |result: DebounceEventResult| {
                let events = match result {
                    Ok(events) => events,
                    Err(errors) => {
                        for e in errors {
                            eprintln!("watching the site's files: {e}");
                        }
                        return;
                    }
                };
                let paths: Vec<PathBuf> = events
                    .iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.paths.iter())
                    .filter(|p| inputs.iter().any(|input| p.starts_with(input)) && !is_noise(p))
                    .cloned()
                    .collect();
                if !paths.is_empty() {
                    let _ = changes.send(paths);
                }
            },
        )
        .context("starting to watch the site's files")?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("watching {}", root.display()))?;
        let mut inputs = Inputs {
            debouncer,
            root: root.to_path_buf(),
            watched: Vec::new(),
        };
        inputs.refresh(&[]);
        Ok(inputs)
    }

    /// Keeps the watches in step with the input folders: one made since the start is
    /// watched from now on, and one removed or made again (a branch switch, a `mv`) is
    /// watched afresh. `changed`: the paths of the last batch of changes.
    pub fn refresh(&mut self, changed: &[PathBuf]) {
        for input in INPUTS.iter().map(|d| self.root.join(d)) {
            let renewed = changed.contains(&input);
            if (renewed || !input.is_dir()) && self.watched.contains(&input) {
                let _ = self.debouncer.unwatch(&input);
                self.watched.retain(|w| *w != input);
            }
            if input.is_dir() && !self.watched.contains(&input) {
                match self.debouncer.watch(&input, RecursiveMode::Recursive) {
                    Ok(()) => self.watched.push(input),
                    Err(e) => eprintln!(
                        "cannot watch {}: {e}; changes there will not rebuild",
                        input.display()
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_noise_is_ignored() {
        for (name, noise) in [
            ("physics.yaml", false),
            ("deciding.md", false),
            (".physics.yaml.swp", true),
            ("physics.yaml~", true),
            ("4913", true),
            ("#deciding.md#", true),
            (".#deciding.md", true),
            ("deciding.md.tmp", true),
        ] {
            assert_eq!(
                is_noise(Path::new("content").join(name).as_path()),
                noise,
                "{name}"
            );
        }
    }
}
