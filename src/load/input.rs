//! Reading input files safely: only regular files inside the site root, of a size a real
//! site has, as UTF-8 text free of control characters.
//!
//! A site root is often a checkout of someone else's repository, built in CI with access
//! to secrets, so nothing in it may make cutover publish a file from elsewhere (a symlink
//! to `/etc`), hang (a FIFO), or read until memory runs out (`/dev/zero`). Each refusal is
//! an invalid-data finding naming the file, reported with every other problem.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

use crate::finding::Finding;

/// The largest YAML, markdown or template file read: ten times the largest unit file of a
/// real migration (a few MB for 10,000 lines).
pub const MAX_TEXT_BYTES: u64 = 32 * 1024 * 1024;

/// The largest export of the phone database read (`lines_from`): a spreadsheet of
/// 100,000 lines is a few MB, a CSV of them less.
pub const MAX_EXPORT_BYTES: u64 = 64 * 1024 * 1024;

/// The largest static file published (a guide's PDF or a training video, not a disk image).
pub const MAX_STATIC_BYTES: u64 = 512 * 1024 * 1024;

/// The site root, as given and as the file system resolves it, against which every input
/// path is checked.
#[derive(Debug, Clone)]
pub struct Root {
    given: PathBuf,
    real: PathBuf,
}

/// An input file's outcome. A refusal is rare, and boxing it would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum Input<T> {
    Absent,
    Read(T),
    /// Not read: the finding says why and what to change.
    Refused(Finding),
}

impl Root {
    pub fn new(root: &Path) -> Result<Root> {
        let real = fs::canonicalize(root)
            .with_context(|| format!("resolving the site root {}", root.display()))?;
        Ok(Root {
            given: root.to_path_buf(),
            real,
        })
    }

    /// A finding if `path` resolves to where a site may not read: outside the root, into a
    /// hidden folder (`.git`, whose config may hold CI's token), or into a built output
    /// (another audience's checklists). Only the place is judged, not what is there.
    fn misplaced(&self, file: &str, path: &Path) -> Result<Option<Finding>> {
        let real =
            fs::canonicalize(path).with_context(|| format!("resolving {}", path.display()))?;
        let Ok(inside) = real.strip_prefix(&self.real) else {
            return Ok(Some(Finding::invalid(
                "symlink out of the root",
                file,
                None,
                format!(
                    "{file} leads out of the site root (to {}), and cutover publishes nothing from \
                        outside it: copy what you need into the site, or remove the symlink",
                    shown(&real.to_string_lossy())
                ),
            )));
        };
        let hidden = inside
            .components()
            .any(|part| part.as_os_str().to_string_lossy().starts_with('.'));
        let output = real
            .ancestors()
            .take_while(|dir| dir.starts_with(&self.real))
            .any(|dir| dir.join(crate::write::MARKER).is_file());
        if !hidden && !output {
            return Ok(None);
        }
        let what = if hidden {
            "a hidden file or folder"
        } else {
            "a site cutover built"
        };
        Ok(Some(Finding::invalid(
            "symlink to a hidden place",
            file,
            None,
            format!(
                "{file} leads to {} in the site root, {what}, which is never published: copy what \
                    you need next to it, or remove the symlink",
                shown(&inside.to_string_lossy())
            ),
        )))
    }

    /// The bytes of the file `file` (relative to the root, `/`-separated), at most `limit`.
    pub fn bytes(&self, file: &str, limit: u64) -> Result<Input<Vec<u8>>> {
        self.read(file, &self.given.join(file), limit, true)
    }

    /// The bytes of the file at `path`, listed by [`Root::list`], which `file` names in
    /// findings.
    pub fn bytes_at(&self, file: &str, path: &Path, limit: u64) -> Result<Input<Vec<u8>>> {
        self.read(file, path, limit, false)
    }

    /// The bytes of `path`, if it leads to a regular file of at most `limit` bytes in the
    /// root. Where it leads is resolved only for a symlink, unless `anywhere`: a listed
    /// file's folders were judged as they were listed, and resolving thousands of unit
    /// files would cost a build time.
    fn read(&self, file: &str, path: &Path, limit: u64, anywhere: bool) -> Result<Input<Vec<u8>>> {
        let linked = match fs::symlink_metadata(path) {
            Ok(meta) => meta.file_type().is_symlink(),
            Err(_) => return Ok(Input::Absent),
        };
        if linked && fs::metadata(path).is_err() {
            return Ok(Input::Refused(broken_symlink(file)));
        }
        if (anywhere || linked)
            && let Some(misplaced) = self.misplaced(file, path)?
        {
            return Ok(Input::Refused(misplaced));
        }
        // What is opened is judged, not what the path named a moment before; opening
        // without waiting, a named pipe with no writer cannot hang the build.
        let opened =
            open_without_waiting(path).with_context(|| format!("reading {}", path.display()))?;
        let meta = opened
            .metadata()
            .with_context(|| format!("reading {}", path.display()))?;
        if !meta.is_file() {
            return Ok(Input::Refused(not_regular(file, &meta)));
        }
        if meta.len() > limit {
            return Ok(Input::Refused(too_large(file, meta.len(), limit)));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // The file may grow between the look and the read.
        opened
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {}", path.display()))?;
        if bytes.len() as u64 > limit {
            return Ok(Input::Refused(too_large(file, bytes.len() as u64, limit)));
        }
        Ok(Input::Read(bytes))
    }

    /// The text of the file `file` (relative to the root).
    pub fn text(&self, file: &str) -> Result<Input<String>> {
        Self::as_text(file, self.bytes(file, MAX_TEXT_BYTES)?)
    }

    /// The text of the file at `path`, listed by [`Root::list`], which `file` names in
    /// findings: UTF-8 (see [`control`] for what data files may not hold besides).
    pub fn text_at(&self, file: &str, path: &Path) -> Result<Input<String>> {
        Self::as_text(file, self.bytes_at(file, path, MAX_TEXT_BYTES)?)
    }

    fn as_text(file: &str, bytes: Input<Vec<u8>>) -> Result<Input<String>> {
        Ok(match bytes {
            Input::Read(bytes) => match text(file, bytes) {
                Ok(text) => Input::Read(text),
                Err(refused) => Input::Refused(refused),
            },
            Input::Absent => Input::Absent,
            Input::Refused(f) => Input::Refused(f),
        })
    }

    /// The files under `dir` (relative to the root), down to `max_depth` folders, as
    /// (`/`-separated path relative to `dir`, full path), sorted, hidden folders left out
    /// (see [`super::visible`] for leaving out hidden and editors' files too). Symlinks are
    /// followed while they stay in the root; one that leads out, and anything that is not a
    /// file or folder, is a finding in `refused`.
    pub fn list(
        &self,
        dir: &str,
        max_depth: usize,
        refused: &mut Vec<Finding>,
    ) -> Result<Vec<(String, PathBuf)>> {
        let base = self.given.join(dir);
        if fs::symlink_metadata(&base).is_err() {
            return Ok(Vec::new());
        }
        let mut files = Vec::new();
        let mut walk = WalkDir::new(&base)
            .max_depth(max_depth)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = walk.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let at = err.path().unwrap_or(&base);
                    let file = relative_name(dir, &base, at);
                    if err.loop_ancestor().is_some() {
                        refused.push(Finding::invalid(
                            "symlink loop",
                            file.clone(),
                            None,
                            format!(
                                "{file} is a symlink to a folder that holds it: remove the symlink"
                            ),
                        ));
                        continue;
                    }
                    if super::is_noise(at) {
                        continue;
                    }
                    if fs::metadata(at).is_err() && fs::symlink_metadata(at).is_ok() {
                        refused.push(broken_symlink(&file));
                        continue;
                    }
                    return Err(err).with_context(|| format!("listing {}", base.display()));
                }
            };
            let path = entry.path();
            let file = relative_name(dir, &base, path);
            // The folder itself is checked too: `static/` may be the symlink.
            let check_place = entry.path_is_symlink() || entry.depth() == 0;
            // Editors' lock files (`.#page.md`, a symlink to nothing) and other files never
            // read are no one's mistake.
            let noise = entry.depth() > 0 && super::is_noise(path);
            if noise && !entry.file_type().is_file() {
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
            if check_place && let Some(misplaced) = self.misplaced(&file, path)? {
                refused.push(misplaced);
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
            if entry.depth() == 0 {
                continue;
            }
            // Hidden folders (`.git`) are never part of a site; hidden files are returned,
            // for the caller to say whether it wanted them.
            if entry.file_type().is_dir() {
                if entry.file_name().to_string_lossy().starts_with('.') {
                    walk.skip_current_dir();
                }
                continue;
            }
            let Some(rel) = path
                .strip_prefix(&base)
                .ok()
                .and_then(|rel| rel.to_str())
                .map(|rel| rel.replace('\\', "/"))
            else {
                refused.push(Finding::invalid(
                    "bad file name",
                    file.clone(),
                    None,
                    format!(
                        "the name of {file} is not UTF-8 text, so it cannot be published or \
                        named: rename it"
                    ),
                ));
                continue;
            };
            if !entry.file_type().is_file() {
                match fs::metadata(path) {
                    Ok(meta) => refused.push(not_regular(&file, &meta)),
                    Err(err) => {
                        return Err(err).with_context(|| format!("reading {}", path.display()));
                    }
                }
                continue;
            }
            files.push((rel, path.to_path_buf()));
        }
        Ok(files)
    }
}

/// `base`-relative `path` as findings name it: `dir/rel`, odd characters escaped.
fn relative_name(dir: &str, base: &Path, path: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rel) if rel.as_os_str().is_empty() => dir.to_string(),
        Ok(rel) => shown(&format!("{dir}/{}", rel.to_string_lossy())),
        Err(_) => shown(&path.to_string_lossy()),
    }
}

fn broken_symlink(file: &str) -> Finding {
    Finding::invalid(
        "broken symlink",
        file,
        None,
        format!("{file} is a symlink to nothing: point it at a file in the site, or remove it"),
    )
}

/// Opens `path` for reading; on Unix without waiting for a writer, as opening a named
/// pipe would.
fn open_without_waiting(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

/// What kind of file `meta` says, for saying why it is not read.
#[cfg(unix)]
fn kind_of(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn kind_of(meta: &fs::Metadata) -> &'static str {
    if meta.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

fn not_regular(file: &str, meta: &fs::Metadata) -> Finding {
    let what = kind_of(meta);
    Finding::invalid(
        "not a regular file",
        file,
        None,
        format!(
            "{file} is {what}, and cutover reads only regular files: replace it with a file, or \
                remove it"
        ),
    )
}

fn too_large(file: &str, size: u64, limit: u64) -> Finding {
    Finding::invalid(
        "file too large",
        file,
        None,
        format!(
            "{file} is {} MiB, more than the {} MiB cutover reads from one file: no site needs \
                that much, so check it is the right file, or split it",
            size.div_ceil(1024 * 1024),
            limit / (1024 * 1024)
        ),
    )
}

/// `bytes` as text, or a finding at the line of its first byte that is not UTF-8.
pub fn text(file: &str, bytes: Vec<u8>) -> Result<String, Finding> {
    let line_at =
        |bytes: &[u8], at: usize| bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || looks_utf16(&bytes) {
        return Err(Finding::invalid(
            "not UTF-8",
            file,
            Some(1),
            format!(
                "{file} is saved as UTF-16: save it as UTF-8 (in most editors, \"Save with \
                    encoding\" or \"Text encoding: UTF-8\")"
            ),
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            return Err(Finding::invalid(
                "not UTF-8",
                file,
                Some(line_at(&bytes, at)),
                format!(
                    "{file} is not UTF-8 text: byte {} (0x{:02X}) on this line is not UTF-8; save \
                        the file as UTF-8",
                    at + 1,
                    bytes[at]
                ),
            ));
        }
    };
    Ok(text)
}

/// A finding at the first control character of `text` (a data file or page), if it has one,
/// and the text with each replaced by U+FFFD, so that the file is read on and its other
/// problems are told too (the finding keeps the text from being published).
pub fn control(file: &str, text: String) -> (String, Option<Finding>) {
    // Every file of the site is read through here: bytes are compared, not characters
    // decoded. In UTF-8 a control character is a byte below 0x20, 0x7F, or 0xC2 followed by
    // 0x80-0x9F (U+0080-U+009F); no other character's bytes look like these.
    let bytes = text.as_bytes();
    let suspect = bytes.iter().enumerate().find_map(|(at, &b)| {
        let control = match b {
            b'\t' | b'\n' | b'\r' => false,
            0..0x20 | 0x7F => true,
            0xC2 => bytes.get(at + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
            _ => false,
        };
        control.then_some(at)
    });
    let Some((at, c)) = suspect.and_then(|at| Some((at, text[at..].chars().next()?))) else {
        return (text, None);
    };
    let line = text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1;
    let replaced = text
        .chars()
        .map(|c| if is_forbidden(c) { '\u{FFFD}' } else { c })
        .collect();
    (replaced, Some(control_character(file, line, c)))
}

/// UTF-16 without a byte-order mark: text of Latin letters has a zero byte in every pair.
fn looks_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64) & !1];
    sample.len() >= 4 && {
        let zeros = |offset: usize| {
            sample
                .iter()
                .skip(offset)
                .step_by(2)
                .filter(|&&b| b == 0)
                .count()
        };
        let half = sample.len() / 2;
        zeros(0) == half || zeros(1) == half
    }
}

/// A control character, other than tab and line ends: in a page it is invalid HTML, in a
/// terminal it can move the cursor and fake a line of the report.
pub fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The finding for a control character `c` at `line` of `file`.
pub fn control_character(file: &str, line: u32, c: char) -> Finding {
    Finding::invalid(
        "control character",
        file,
        Some(line),
        format!(
            "this line holds the control character U+{:04X}, which cannot be shown on a page or in \
                a report: remove it",
            c as u32
        ),
    )
}

/// `s` with every control character but tab escaped (`\u{1b}`), line ends included: for
/// naming a file whose name holds them, and for a report line, which nothing from the
/// data may break in two or use to move the terminal's cursor.
pub fn shown(s: &str) -> String {
    let escaped = |c: char| c.is_control() && c != '\t';
    if !s.chars().any(escaped) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if escaped(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_utf8_without_control_characters() {
        assert_eq!(
            text("f", b"a: 1\n\tb\r\n".to_vec()).unwrap(),
            "a: 1\n\tb\r\n"
        );
        assert!(control("f", "a: 1\n\tb\r\n".into()).1.is_none());
        assert_eq!(control("f", "a\u{1b}b\u{7}".into()).0, "a\u{FFFD}b\u{FFFD}");
        let cases: [(&[u8], &str, u32, &str); 6] = [
            (b"a\nb\n\xff\n", "not UTF-8", 3, "byte 5 (0xFF)"),
            (b"\xff\xfea\x00:\x00", "not UTF-8", 1, "UTF-16"),
            (b"t\x00i\x00t\x00l\x00e\x00", "not UTF-8", 1, "UTF-16"),
            (b"a\nname: \x1b[2J\n", "control character", 2, "U+001B"),
            (b"a\x7f", "control character", 1, "U+007F"),
            ("x\n\u{85}".as_bytes(), "control character", 2, "U+0085"),
        ];
        for (bytes, detail, line, needle) in cases {
            let f = match text("f", bytes.to_vec()) {
                Ok(text) => control("f", text).1.unwrap(),
                Err(f) => f,
            };
            assert_eq!(f.detail.as_deref(), Some(detail), "{bytes:?}");
            assert_eq!(f.line, Some(line), "{bytes:?}");
            assert!(f.message.contains(needle), "{bytes:?}: {}", f.message);
        }
    }

    #[test]
    fn names_are_shown_without_control_characters() {
        assert_eq!(shown("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(shown("physics.yaml"), "physics.yaml");
    }
}
