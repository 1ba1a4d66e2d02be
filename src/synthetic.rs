//! Synthetic institutions, for measuring cutover: many units, many lines, groups of every
//! kind, decisions of every sort, and the bundled guide's pages. A development tool (the
//! `synth` example and the benchmarks use it); the same arguments always write the
//! same site.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A small deterministic generator (xorshift), so that sites are reproducible.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// True with a chance of `percent` in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const COHORTS: [&str; 3] = ["college", "uas", "department"];
const USES: [&str; 4] = ["softphone", "mobile-app", "web-portal", "external-away"];
const FIRST: [&str; 8] = ["Ada", "Ben", "Cal", "Dee", "Eve", "Fay", "Gil", "Hal"];
const LAST: [&str; 8] = [
    "Sample",
    "Example",
    "Placeholder",
    "Testcase",
    "Fixture",
    "Dummy",
    "Mock",
    "Stub",
];

fn write(path: PathBuf, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
}

/// The extension of line `l` of unit `u`: unique while units have fewer than 1,000 lines.
fn ext(u: usize, l: usize) -> usize {
    4_000_000 + u * 1000 + l
}

/// How many findings a synthetic site has: its rules' work, and its pages' length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Findings {
    /// Lines of every kind, decided or not, groups split: about 15 findings a unit of 60.
    Many,
    /// A site nearly ready: every line decided, groups whole, few lines that cannot move.
    Few,
}

/// Line `l` of unit `u`'s holder and email, a name drawn with `dice`.
fn holder(text: &mut String, dice: &mut Dice, u: usize, l: usize) {
    let (first, last) = (dice.pick(&FIRST), dice.pick(&LAST));
    let _ = writeln!(text, "    holder: {first} {last} {u}-{l}");
    let _ = writeln!(
        text,
        "    email: {}.{}.{u}.{l}@example.ac.uk",
        first.to_lowercase(),
        last.to_lowercase()
    );
}

fn unit(dice: &mut Dice, u: usize, units: usize, lines: usize) -> String {
    // About one unit in thirty has its own Teams instance.
    let separate = u % 31 == 30;
    let mut text = format!("name: Synthetic unit {u}\n");
    if separate {
        text.push_str("separate_teams: true\n");
    } else {
        let _ = writeln!(text, "cohort: {}", COHORTS[u % 3]);
    }
    let _ = writeln!(
        text,
        "coordinator: {{name: Coordinator {u}, email: coordinator{u}@example.ac.uk}}"
    );
    if dice.chance(85) {
        text.push_str("responded: 2022-04-08\n");
    }
    text.push_str("lines:\n");
    for l in 0..lines {
        let _ = writeln!(text, "  - ext: \"{}\"", ext(u, l));
        // About 3% shared lines, 4% critical ones.
        if !dice.chance(3) {
            holder(&mut text, dice, u, l);
        }
        if dice.chance(4) {
            text.push_str("    critical: true\n");
        }
        if dice.chance(1) {
            text.push_str("    contact_centre: true\n");
        }
        let flagged = dice.chance(30);
        if flagged {
            text.push_str("    ms_teams: true\n");
            let _ = writeln!(text, "    uses: [{}]", dice.pick(&USES));
        }
        if dice.chance(3) {
            text.push_str("    pilot: true\n");
        }
        match dice.next() % 10 {
            0..=3 if flagged => text.push_str("    decision: move\n"),
            4..=5 => text.push_str("    decision: stay\n"),
            6 if dice.chance(20) => {
                text.push_str("    decision: move\n    requested: 2022-04-20\n")
            }
            _ => {}
        }
    }
    groups(&mut text, u, units, lines);
    text
}

/// A unit of a site with few findings: every line decided (flagged ones move but one in
/// twenty, the others stay), a group's members alike (they stay), one line in a hundred
/// that cannot move.
fn settled_unit(dice: &mut Dice, u: usize, units: usize, lines: usize) -> String {
    let mut text = format!(
        "name: Synthetic unit {u}\ncohort: {}\ncoordinator: {{name: Coordinator {u}, email: \
            coordinator{u}@example.ac.uk}}\nresponded: 2022-04-08\nlines:\n",
        COHORTS[u % 3]
    );
    for l in 0..lines {
        let _ = writeln!(text, "  - ext: \"{}\"", ext(u, l));
        holder(&mut text, dice, u, l);
        // The first three lines of every ten are the groups' members: they stay together.
        let grouped = l % 10 < 3;
        if !grouped && dice.chance(1) {
            text.push_str("    critical: true\n    decision: stay\n");
        } else if !grouped && dice.chance(30) {
            // One in twenty stays all the same, and loses a feature: a warning.
            let decision = if dice.chance(5) { "stay" } else { "move" };
            let _ = writeln!(
                text,
                "    ms_teams: true\n    uses: [{}]\n    decision: {decision}",
                dice.pick(&USES)
            );
        } else {
            text.push_str("    decision: stay\n");
        }
    }
    groups(&mut text, u, units, lines);
    text
}

/// Unit `u`'s groups, a tenth as many as its lines: hunt, pickup and executive in turn, of
/// two of its lines, and every fourth with a line of the next unit as well.
fn groups(text: &mut String, u: usize, units: usize, lines: usize) {
    text.push_str("groups:\n");
    for g in 0..lines / 10 {
        let kind = ["hunt", "pickup", "executive"][g % 3];
        let (a, b) = (ext(u, g * 10), ext(u, g * 10 + 1));
        // Every fourth group takes in a line of the next unit.
        let other = (g % 4 == 3 && u + 1 < units).then(|| ext(u + 1, g * 10 + 2));
        let members = match other {
            Some(c) => format!("[\"{a}\", \"{b}\", \"{c}\"]"),
            None => format!("[\"{a}\", \"{b}\"]"),
        };
        let _ = writeln!(
            text,
            "  - id: unit{u}-group{g}\n    kind: {kind}\n    members: {members}"
        );
        if kind == "executive" {
            let _ = writeln!(text, "    manager: \"{a}\"");
        }
    }
}

/// The text of unit `u` of a synthetic site of `units` units of `lines` lines.
pub fn unit_file(u: usize, units: usize, lines: usize, seed: u64) -> String {
    unit_file_with(u, units, lines, seed, Findings::Many)
}

/// [`unit_file`], of a site with `findings`.
pub fn unit_file_with(
    u: usize,
    units: usize,
    lines: usize,
    seed: u64,
    findings: Findings,
) -> String {
    // Each unit has its own dice, so one unit's text does not depend on the others'.
    let mut dice =
        Dice((seed ^ 0x9e37_79b9_7f4a_7c15) ^ (u as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d));
    match findings {
        Findings::Many => unit(&mut dice, u, units, lines),
        Findings::Few => settled_unit(&mut dice, u, units, lines),
    }
}

/// site.yaml without its `lines_from:` block: the synthetic units list their own lines,
/// and the guide's export names none of them.
fn without_lines_from(site: &str) -> String {
    let mut kept = String::with_capacity(site.len());
    let mut skipping = false;
    for line in site.lines() {
        if line.starts_with("lines_from:") {
            skipping = true;
            continue;
        }
        if skipping && (line.is_empty() || line.starts_with([' ', '#'])) {
            continue;
        }
        skipping = false;
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

/// Writes a site of `units` units of `lines` lines into `root`, with the data and pages of
/// the guide at `guide` (a site root, such as this repository).
pub fn write_site(root: &Path, guide: &Path, units: usize, lines: usize, seed: u64) -> Result<()> {
    write_site_with(root, guide, units, lines, seed, Findings::Many)
}

/// [`write_site`], with `findings`.
pub fn write_site_with(
    root: &Path,
    guide: &Path,
    units: usize,
    lines: usize,
    seed: u64,
    findings: Findings,
) -> Result<()> {
    anyhow::ensure!(
        lines < 1000,
        "at most 999 lines a unit, so that extensions stay unique"
    );
    for file in ["data/site.yaml", "data/timeline.yaml"] {
        let text =
            fs::read_to_string(guide.join(file)).with_context(|| format!("reading {file}"))?;
        write(root.join(file), &without_lines_from(&text))?;
    }
    // Room for everyone: the size is what is measured, not the capacity findings.
    let tranches = "- number: 1\n  date: 2022-05-30\n  label: Pilot and UAT\n  pilot: true\n\
                    - number: 2\n  date: 2022-06-13\n  capacity: {college: 10000000, uas: 10000000}\n\
                    - number: 3\n  date: 2022-06-20\n  capacity: {department: 10000000}\n\
                    - number: 4\n  date: 2022-06-27\n  late: true\n";
    write(root.join("data/tranches.yaml"), tranches)?;
    for entry in fs::read_dir(guide.join("content")).context("reading the guide's pages")? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            write(root.join("content").join(name), &fs::read_to_string(&path)?)?;
        }
    }
    for u in 0..units {
        write(
            root.join(format!("data/units/unit-{u:05}.yaml")),
            &unit_file_with(u, units, lines, seed, findings),
        )?;
    }
    Ok(())
}
