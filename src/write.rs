//! Writing the site: the only place that writes. Everything goes into a fresh folder beside
//! the output, which is then swapped in, so a failed build leaves the old site as it was.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Writes `files` (and `statics` into each of `static_targets`) as the new content of `out`.
pub fn swap_in(
    out: &Path,
    files: &[(String, Vec<u8>)],
    statics: &[(String, Vec<u8>)],
    static_targets: &[String],
) -> Result<()> {
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
    let fresh = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if fresh.exists() {
        fs::remove_dir_all(&fresh).with_context(|| format!("removing {}", fresh.display()))?;
    }

    let written = write_tree(&fresh, files, statics, static_targets);
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&fresh);
        return Err(e);
    }

    if out.exists() {
        fs::rename(out, &old).with_context(|| format!("moving the old {} aside", out.display()))?;
    }
    if let Err(e) = fs::rename(&fresh, out) {
        // Put the old site back rather than leave nothing.
        if old.exists() {
            let _ = fs::rename(&old, out);
        }
        let _ = fs::remove_dir_all(&fresh);
        return Err(e).with_context(|| format!("moving the new site into {}", out.display()));
    }
    if old.exists() {
        fs::remove_dir_all(&old)
            .with_context(|| format!("removing the old site at {}", old.display()))?;
    }
    Ok(())
}

fn write_tree(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    statics: &[(String, Vec<u8>)],
    static_targets: &[String],
) -> Result<()> {
    let statics = static_targets.iter().flat_map(|target| {
        statics
            .iter()
            .map(move |(rel, bytes)| (format!("{target}{rel}"), bytes))
    });
    for (rel, bytes) in statics.chain(files.iter().map(|(rel, bytes)| (rel.clone(), bytes))) {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_and_replaces() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(out.join("stale")).unwrap();
        fs::write(out.join("stale/x.html"), "old").unwrap();
        let files = vec![("a/index.html".to_string(), b"new".to_vec())];
        let statics = vec![("style.css".to_string(), b"css".to_vec())];
        swap_in(&out, &files, &statics, &["".into(), "a/".into()]).unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"new");
        assert_eq!(fs::read(out.join("a/style.css")).unwrap(), b"css");
        assert!(out.join("style.css").exists());
        assert!(!out.join("stale").exists());
        // Nothing left beside it.
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }
}
