//! `cutover new DIR`: a small site that builds and checks clean, to start from: data,
//! two pages, and a copy of the default theme to change.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

const FILES: &[(&str, &str)] = &[
    ("data/site.yaml", include_str!("skeleton/site.yaml")),
    ("data/tranches.yaml", include_str!("skeleton/tranches.yaml")),
    ("data/timeline.yaml", include_str!("skeleton/timeline.yaml")),
    (
        "data/units/example-department.yaml",
        include_str!("skeleton/example-department.yaml"),
    ),
    ("content/index.md", include_str!("skeleton/index.md")),
    (
        "content/what-changes.md",
        include_str!("skeleton/what-changes.md"),
    ),
    (".gitignore", "/public/\n"),
];

pub fn write(dir: &Path) -> Result<()> {
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_none();
        if !empty {
            bail!(
                "{} already exists and is not empty: choose a new folder",
                dir.display()
            );
        }
    }
    let theme =
        crate::render::builtin_files().map(|(rel, body)| (format!("themes/default/{rel}"), body));
    let own = FILES.iter().map(|(rel, body)| (rel.to_string(), *body));
    for (rel, body) in own.chain(theme) {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, body).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
