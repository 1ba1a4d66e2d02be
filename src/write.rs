//! Writing the built site (`cutover new`'s files and the `--changes` report are written
//! where they are made). Everything goes into a fresh folder beside the output, which is
//! then swapped in, so a failed build leaves the old site as it was.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Refuses an output that a build would wrongly replace: the root itself (or a folder
/// holding it), the root's inputs, or a folder of other things. Returns the folder the
/// build replaces: `out` with its symbolic links resolved, so that a link to an earlier
/// output is followed, not moved aside.
pub fn check_target(root: &Path, out: &Path) -> Result<PathBuf> {
    let resolved = outside_inputs(
        root,
        out,
        "--out",
        "a folder of its own, like public/ (a build replaces its output entirely)",
    )?;
    if resolved.is_dir() && !resolved.join(MARKER).is_file() && !is_empty(&resolved)? {
        bail!(
            "--out {} holds files that cutover did not build (it has no {MARKER}), and a build \
                replaces the folder entirely: choose a new or empty folder",
            out.display()
        );
    }
    Ok(resolved)
}

/// Refuses a `--changes` report that would overwrite the site's inputs, or land in the
/// output `out` (which the next build replaces, and which may be published). Returns the
/// file to write, its symbolic links resolved.
pub fn check_report(root: &Path, out: &Path, file: &Path) -> Result<PathBuf> {
    let resolved = outside_inputs(
        root,
        file,
        "--changes",
        "a file of its own, like changes.json",
    )?;
    if resolved.starts_with(resolve(out)?) {
        bail!(
            "--changes {} is inside --out {}, which the next build replaces: write it beside the \
                output instead",
            file.display(),
            out.display()
        );
    }
    if resolved.is_dir() {
        bail!(
            "--changes {} is a folder: name a file, like {}",
            file.display(),
            file.join("changes.json").display()
        );
    }
    Ok(resolved)
}

/// `path`, given as `flag`, resolved; refused if it is the root, holds it, or is inside
/// one of the root's inputs. `instead` says what to choose.
fn outside_inputs(root: &Path, path: &Path, flag: &str, instead: &str) -> Result<PathBuf> {
    let resolved = resolve(path)?;
    // A root that does not exist is for the loader to report.
    let Ok(root) = fs::canonicalize(root) else {
        return Ok(resolved);
    };
    if root.starts_with(&resolved) {
        bail!(
            "{flag} {} holds the site root: choose {instead}",
            path.display(),
        );
    }
    for input in ["data", "content", "themes", "static"] {
        if resolved.starts_with(root.join(input)) {
            bail!(
                "{flag} {} is inside the site's {input}/ folder: choose {instead}",
                path.display()
            );
        }
    }
    Ok(resolved)
}

/// `path` as the file system reaches it: absolute, with its symbolic links and `..`
/// resolved, also where it does not exist yet (its missing part is taken as written).
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute =
        std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))?;
    let parts: Vec<Component> = absolute.components().collect();
    // The longest part of the path that exists, resolved, then the rest.
    for existing in (1..=parts.len()).rev() {
        let head: PathBuf = parts[..existing].iter().collect();
        let mut resolved = match fs::canonicalize(&head) {
            Ok(resolved) => resolved,
            Err(e) => match fs::symlink_metadata(&head) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    let target = fs::read_link(&head).unwrap_or_default();
                    bail!(
                        "{} is a symbolic link to {}, which does not exist: create it, or name \
                            another path",
                        head.display(),
                        target.display()
                    );
                }
                Ok(_) => {
                    return Err(e).with_context(|| format!("resolving {}", head.display()));
                }
                Err(_) => continue,
            },
        };
        for part in &parts[existing..] {
            match part {
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::Normal(name) => resolved.push(name),
                _ => {}
            }
        }
        return Ok(resolved);
    }
    Ok(absolute)
}

/// Whether the folder `dir` holds nothing.
pub fn is_empty(dir: &Path) -> Result<bool> {
    Ok(fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .next()
        .is_none())
}

/// The new content of an output folder, being written into a fresh folder beside it.
/// [`Stage::commit`] swaps it in; dropped without that, it is removed and the output is as
/// it was. Files may be written from several threads at once.
pub struct Stage {
    out: PathBuf,
    fresh: PathBuf,
    old: PathBuf,
    committed: bool,
}

impl Stage {
    pub fn new(out: &Path) -> Result<Stage> {
        // `./site/./` or `.` name no folder until resolved; a link to an earlier output
        // is followed, so that the folder it leads to is replaced and the link kept.
        let out = resolve(out)?;
        let name = out
            .file_name()
            .with_context(|| format!("the output {} has no folder name", out.display()))?
            .to_string_lossy()
            .into_owned();
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if out.exists() && !out.is_dir() {
            bail!(
                "the output {} is a file, not a folder: pass another --out",
                out.display()
            );
        }
        fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
        remove_leftovers(&parent, &name);
        let fresh = parent.join(format!(".{name}.new-{}", std::process::id()));
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        if fresh.exists() {
            fs::remove_dir_all(&fresh).with_context(|| format!("removing {}", fresh.display()))?;
        }
        let stage = Stage {
            out,
            fresh,
            old,
            committed: false,
        };
        fs::create_dir_all(&stage.fresh)
            .with_context(|| format!("creating {}", stage.fresh.display()))?;
        stage.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(stage)
    }

    /// The folder the new site is written into, on the output's filesystem: scratch files
    /// made there (and gone when closed) cost what the output's files cost.
    pub fn folder(&self) -> &Path {
        &self.fresh
    }

    /// Writes one file, `rel` being `/`-separated and relative to the output.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.fresh.join(rel);
        // A folder is made by the first file written into it: asking for it before every
        // file would cost two calls to the system for each of thousands of files.
        match fs::write(&path, bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                fs::write(&path, bytes)
            }
            done => done,
        }
        .with_context(|| format!("writing {}", path.display()))
    }

    /// Replaces the output with what was written.
    pub fn commit(mut self) -> Result<()> {
        let (out, fresh, old) = (&self.out, &self.fresh, &self.old);
        if out.exists() {
            fs::rename(out, old)
                .with_context(|| format!("moving the old {} aside", out.display()))?;
        }
        if let Err(e) = fs::rename(fresh, out) {
            // Put the old site back rather than leave nothing.
            if old.exists() {
                let _ = fs::rename(old, out);
            }
            return Err(e).with_context(|| format!("moving the new site into {}", out.display()));
        }
        self.committed = true;
        if old.exists() {
            remove_tree(old)
                .with_context(|| format!("removing the old site at {}", old.display()))?;
        }
        Ok(())
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.fresh);
        }
    }
}

/// Removes what killed builds of the output `name` left in `parent`: their fresh folders
/// and the old sites they moved aside (`.NAME.new-PID`, `.NAME.old-PID`), whole copies of
/// the site, checklists included. Only those that are cutover's (marked, or empty) and
/// whose process is gone: a build still running keeps its folders. A leftover that cannot
/// be removed is no reason to fail this build.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|file| leftover_pid(file, name))
        else {
            continue;
        };
        // A process with this build's id is dead, whatever it left.
        if pid != std::process::id() && process_runs(pid) {
            continue;
        }
        if !entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        let dir = entry.path();
        let marked = fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file());
        if marked {
            let _ = remove_tree(&dir);
        } else {
            // Fails unless it is empty, as an empty output moved aside is.
            let _ = fs::remove_dir(&dir);
        }
    }
}

/// The process id in `file` if it names a folder a build of `name` makes beside it.
fn leftover_pid(file: &str, name: &str) -> Option<u32> {
    let rest = file.strip_prefix('.')?.strip_prefix(name)?;
    let pid = rest
        .strip_prefix(".new-")
        .or_else(|| rest.strip_prefix(".old-"))?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether a process with id `pid` runs (or may: when it cannot tell, it says yes).
#[cfg(unix)]
fn process_runs(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    // Signal 0 is not sent: only whether the process exists is checked. EPERM: it exists,
    // as another user's.
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
fn process_runs(_pid: u32) -> bool {
    true
}

/// Removes a folder and everything in it, its subfolders in parallel. A link is removed,
/// never what it leads to.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    if fs::symlink_metadata(dir)?.file_type().is_symlink() {
        return fs::remove_file(dir);
    }
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

/// Marks a folder as cutover's output, so that a later build may replace it.
pub const MARKER: &str = ".cutover-output";

const MARKER_TEXT: &str =
    "This folder is written by `cutover build`, which replaces all of it on every build.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_outputs_that_would_lose_data() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("data")).unwrap();
        fs::create_dir_all(tmp.path().join("notes")).unwrap();
        fs::write(tmp.path().join("notes/todo.txt"), "keep me").unwrap();
        fs::create_dir_all(tmp.path().join("old-site")).unwrap();
        fs::write(tmp.path().join("old-site").join(MARKER), "").unwrap();
        fs::create_dir_all(tmp.path().join("www")).unwrap();
        fs::write(tmp.path().join("www/index.html"), "someone's site").unwrap();
        let cases = [
            (root.clone(), false),
            (tmp.path().to_path_buf(), false),
            (root.join("data/out"), false),
            (tmp.path().join("notes"), false),
            (tmp.path().join("www"), false),
            (root.join("public"), true),
            (tmp.path().join("old-site"), true),
        ];
        for (out, ok) in cases {
            assert_eq!(check_target(&root, &out).is_ok(), ok, "{}", out.display());
        }
    }

    #[test]
    fn names_of_leftovers() {
        let cases = [
            (".public.new-123", Some(123)),
            (".public.old-7", Some(7)),
            (".public.new-", None),
            (".public.new-12x", None),
            (".public.new-+12", None),
            (".public.tmp-12", None),
            (".publicity.new-12", None),
            (".site.new-12", None),
            ("public.new-12", None),
            (".public.new-99999999999", None),
        ];
        for (file, pid) in cases {
            assert_eq!(leftover_pid(file, "public"), pid, "{file}");
        }
    }

    #[test]
    fn resolves_what_does_not_exist_yet() {
        let tmp = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(tmp.path()).unwrap();
        fs::create_dir_all(real.join("data")).unwrap();
        assert_eq!(
            resolve(&tmp.path().join("new/../data/./out")).unwrap(),
            real.join("data/out")
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(real.join("data"), real.join("link")).unwrap();
            assert_eq!(
                resolve(&tmp.path().join("link/out/x")).unwrap(),
                real.join("data/out/x")
            );
            std::os::unix::fs::symlink(real.join("gone"), real.join("dangling")).unwrap();
            assert!(resolve(&tmp.path().join("dangling/x")).is_err());
        }
    }

    #[test]
    fn swaps_and_replaces() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(out.join("stale")).unwrap();
        fs::write(out.join(MARKER), "").unwrap();
        fs::write(out.join("stale/x.html"), "old").unwrap();
        let stage = Stage::new(&out).unwrap();
        stage.write("a/index.html", b"new").unwrap();
        stage.write("a/style.css", b"css").unwrap();
        stage.commit().unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"new");
        assert_eq!(fs::read(out.join("a/style.css")).unwrap(), b"css");
        assert!(out.join(MARKER).exists());
        assert!(!out.join("stale").exists());
        // Nothing left beside it.
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }
}
