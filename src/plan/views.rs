//! The views pages render: what templates, calendars and CSV files get.
//!
//! Plain serializable data. Only the checklist views hold names, emails and extensions.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::Audience;
use crate::rules::Counts;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteView {
    pub title: String,
    pub organisation: String,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub title: String,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AudienceView {
    pub id: String,
    pub title: String,
    pub personal_data: bool,
}

impl AudienceView {
    pub fn of(audience: &Audience) -> AudienceView {
        AudienceView {
            id: audience.id.clone(),
            title: audience.title.clone(),
            personal_data: audience.personal_data,
        }
    }
}

/// The migration's policy as templates read it: the systems' names, whether people may
/// stay, and the pre-flag's name (`None` without one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationView {
    pub from: String,
    pub to: String,
    pub stay: bool,
    pub flag: Option<String>,
}

/// Everything a page template gets: what every page has, and what its kind adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageView {
    pub site: SiteView,
    pub audience: Option<AudienceView>,
    pub migration: MigrationView,
    pub title: String,
    pub summary: Option<String>,
    /// Relative path from this page to the output root and to the audience home.
    pub root: String,
    pub home: String,
    pub nav: Vec<Link>,
    pub breadcrumbs: Vec<Link>,
    pub today: String,
    /// Filled by the renderer from the markdown.
    pub content: String,
    pub deadline: String,
    /// Its fields sit beside the common ones: templates name them as before, `events`
    /// rather than `kind.events`.
    #[serde(flatten)]
    pub kind: PageKind,
}

/// What a page shows beyond what every page has. A template gets only its kind's fields:
/// docs/data.md lists them (Templates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PageKind {
    /// The site's front page, listing the audiences.
    Landing {
        audiences: Vec<Link>,
    },
    /// An audience's home: its guidance pages and its timeline.
    Home {
        pages: Vec<PageSummary>,
        events: Vec<Step>,
    },
    /// A guidance page: its markdown is all it shows.
    Guidance,
    Timeline {
        events: Vec<Step>,
        /// The audience's calendar file, relative to the page.
        calendar: String,
    },
    Schedule {
        tranches: Vec<TrancheRow>,
    },
    Units {
        units: Vec<UnitSummary>,
    },
    /// The list of units for audiences with `unit_dates`: no personal data.
    UnitDates {
        units: Vec<UnitDates>,
    },
    /// The exports' index, for audiences with `exports`.
    Exports {
        files: Vec<ExportFile>,
    },
    /// Shared with the plan's cache: an unchanged unit's checklist is the same value.
    Unit {
        unit: std::sync::Arc<Checklist>,
        /// The checklist's files to download, with their sizes.
        downloads: Downloads,
    },
}

/// The sizes of a checklist's two files, as its page shows them ("8.4 kB"): the page is
/// planned once the files are made, so the sizes are those of the files published.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Downloads {
    pub xlsx: String,
    pub csv: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageSummary {
    pub title: String,
    pub summary: Option<String>,
    pub href: String,
}

/// A timeline event as a step of the "step by step" pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub date: String,
    pub datetime: String,
    pub title: String,
    /// past, current or upcoming against today.
    pub state: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrancheRow {
    pub number: u32,
    pub label: String,
    pub date: String,
    pub datetime: String,
    pub who: String,
    pub emails: Vec<String>,
    pub placed: u32,
    pub capacity: String,
    pub over: bool,
}

/// What `{{ ... }}` insertions show, for one audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Insertions {
    /// Whose data this is; internal links resolve for this audience.
    #[serde(skip)]
    pub audience: Audience,
    /// The policy's words, which partials get as every template does.
    #[serde(skip)]
    pub migration: MigrationView,
    pub tranches: Vec<TrancheRow>,
    pub events: Vec<Step>,
    pub cannot_move: Vec<String>,
    pub statuses: Counts,
    pub units: usize,
    pub deadline: String,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitSummary {
    pub id: String,
    pub name: String,
    pub cohort: String,
    pub href: String,
    pub lines: usize,
    pub flagged: usize,
    pub moving: usize,
    pub steps_done: usize,
    pub steps_total: usize,
    pub answer: String,
    pub answer_state: &'static str,
    pub errors: usize,
    pub warnings: usize,
}

/// A unit and when its lines move, as anyone may see it: no name, email or extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitDates {
    pub name: String,
    /// Its cohort's name; empty without one.
    pub cohort: String,
    /// The tranches its moving lines are placed in, earliest first.
    pub moves: Vec<UnitMove>,
    /// What else there is to know, in the policy's words: lines that stay, cannot move,
    /// have no decision or no date yet, or the unit's own instance.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitMove {
    pub tranche: u32,
    pub date: String,
    pub datetime: String,
    /// How many of the unit's lines move then.
    pub lines: usize,
}

/// One of the exports, as its index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportFile {
    /// Its file name, which is also its address from the index.
    pub name: String,
    /// What it holds, in a sentence.
    pub holds: String,
    /// How many rows it has, besides its header.
    pub rows: usize,
    /// Its size in bytes, and in words ("1.2 kB").
    pub bytes: usize,
    pub size: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    pub id: String,
    pub name: String,
    pub cohort: String,
    pub separate_teams: bool,
    pub coordinator: Option<String>,
    pub coordinator_email: Option<String>,
    pub answer: String,
    pub answer_state: &'static str,
    pub steps: Vec<Task>,
    pub steps_done: usize,
    pub steps_total: usize,
    pub lines: Vec<LineRow>,
    /// The tranches the unit's lines are placed in, in order: each tranche's dates once,
    /// not on every line's row.
    pub tranches: Vec<UnitTranche>,
    pub groups: Vec<GroupRow>,
    pub findings: Vec<FindingRow>,
    pub counts: Counts,
}

/// A tranche some of a unit's lines move in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitTranche {
    pub number: u32,
    /// How many of the unit's lines it moves.
    pub lines: usize,
    /// The day their desk phones stop working, as the policy writes dates.
    pub move_date: String,
    /// Each countdown email's date and label: "23 May 2022 (3 weeks before)".
    pub emails: Vec<String>,
}

/// A step of the coordinator's task list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub title: String,
    pub hint: String,
    /// A step of the organisation's own: its markdown text as HTML (empty for the
    /// built-in steps, which have a `hint`).
    pub text_html: String,
    pub state: &'static str,
    pub state_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineRow {
    pub ext: String,
    pub holder: String,
    pub email: String,
    pub flags: Vec<String>,
    /// Whether the line has the policy's pre-flag (`ms_teams`), for the CSV.
    #[serde(skip)]
    pub flagged: bool,
    pub uses: Vec<String>,
    pub groups: Vec<String>,
    pub status: &'static str,
    pub decision: &'static str,
    pub why: String,
    pub tranche: Option<u32>,
    pub move_date: String,
    /// The rules of the findings about the line.
    pub rules: Vec<&'static str>,
    /// The same dates as YYYY-MM-DD, for the CSV.
    #[serde(skip)]
    pub iso_dates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRow {
    pub id: String,
    pub kind: &'static str,
    pub members: Vec<String>,
    /// yes, no or not-yet.
    pub holds: &'static str,
    /// Escaped, with its `code` marked up.
    pub verdict_html: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRow {
    pub severity: crate::finding::Severity,
    pub rule: crate::finding::Rule,
    /// Escaped, with its `code` marked up.
    pub message_html: String,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsCalendar {
    pub name: String,
    pub events: Vec<IcsEvent>,
    pub stamp: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    pub uid: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvRow {
    /// The unit's id, on every row, so that the file names its unit when it comes back as
    /// an answer.
    pub unit: String,
    pub ext: String,
    pub holder: String,
    pub email: String,
    pub ms_teams: bool,
    pub flags: String,
    pub uses: String,
    pub groups: String,
    pub status: &'static str,
    pub decision: &'static str,
    /// The date the unit file asks the line to move by, ISO, or empty: filled in by the
    /// coordinator, as `decision` is.
    pub requested: String,
    pub tranche: String,
    pub move_date: String,
    /// Each of the policy's emails: its column name and date.
    pub emails: Vec<(String, String)>,
    /// Rule ids, `; `-separated.
    pub findings: String,
}

/// A checklist's columns (CSV and workbook alike) before its emails' (which the policy
/// names) and `findings`: an answer file's, as downloaded.
pub const LINE_COLUMNS: [&str; 13] = [
    "unit",
    "ext",
    "holder",
    "email",
    "ms_teams",
    "flags",
    "uses",
    "groups",
    "status",
    "decision",
    "requested",
    "tranche",
    "move_date",
];

impl CsvRow {
    /// The column names, those of the emails from the policy.
    pub fn header(&self) -> Vec<&str> {
        let mut names = LINE_COLUMNS.to_vec();
        names.extend(self.emails.iter().map(|(name, _)| name.as_str()));
        names.push("findings");
        names
    }

    /// The cells, in the order of [`CsvRow::header`].
    pub fn record(&self) -> Vec<&str> {
        let mut cells = vec![
            self.unit.as_str(),
            &self.ext,
            &self.holder,
            &self.email,
            if self.ms_teams { "true" } else { "false" },
            &self.flags,
            &self.uses,
            &self.groups,
            self.status,
            self.decision,
            &self.requested,
            &self.tranche,
            &self.move_date,
        ];
        cells.extend(self.emails.iter().map(|(_, date)| date.as_str()));
        cells.push(&self.findings);
        cells
    }
}

/// A unit's checklist as a workbook: its lines, with the `decision` and `requested`
/// columns to fill in, and what to do with it. Read back as an answer file, so its first
/// sheet names the unit on every row, under the CSV's column names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workbook {
    /// The column names, as the CSV's.
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The columns people fill in: unlocked, and validated.
    pub decision_column: usize,
    pub requested_column: usize,
    /// The decisions the policy allows, as the drop-down offers them.
    pub decisions: Vec<&'static str>,
    /// The second sheet, "What to do": label and value, one row each.
    pub guide: Vec<(String, Cell)>,
}

/// A cell of a workbook. Text is written as text, whatever it reads like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    Number(u32),
    Bool(bool),
    Blank,
}
