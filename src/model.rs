//! Domain types: the site, its audiences, tranches, timeline, units, lines and pages.
//!
//! Plain data with no IO and no templates. Everything that came from a file keeps the
//! 1-based line it was written on, so that findings can point back at it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// Everything loaded from a site root.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// `None` when `data/site.yaml` could not be read: rules that need it are skipped.
    pub site: Option<Site>,
    pub tranches: Vec<Tranche>,
    pub timeline: Vec<Event>,
    pub units: Vec<Unit>,
    pub pages: Vec<Page>,
    /// `data/migration.yaml`, or the defaults.
    pub policy: Policy,
    /// Where the phone database's export and a unit file give one line different values
    /// (`export-differs`), found as they were merged: rules see only the merged lines.
    pub export_differs: Vec<crate::finding::Finding>,
    /// Lines whose unit file and answer file (data/answers/) give different values
    /// (`answer-differs`), found as the answers were applied.
    pub answer_differs: Vec<crate::finding::Finding>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub title: String,
    pub organisation: String,
    /// `None` only while the data is invalid (a bad date): rules that need it are skipped.
    pub response_deadline: Option<NaiveDate>,
    pub contact: Option<String>,
    pub theme: String,
    /// The line of `theme:`; `None` when the site uses the default without naming it.
    pub theme_line: Option<u32>,
    pub holidays: Vec<NaiveDate>,
    pub audiences: Vec<Audience>,
    /// Trusted authors: markdown's raw HTML is published as written, not sanitised.
    pub raw_html: bool,
    /// `lines_from:`: where the lines come from besides the unit files.
    pub lines_from: Option<LinesFrom>,
}

/// `lines_from:` in site.yaml: the phone database's export and how to read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LinesFrom {
    /// Relative to `data/`.
    pub file: String,
    /// For a spreadsheet; `None`: its first sheet.
    pub sheet: Option<String>,
    /// The export's column header for each of our keys it gives.
    pub columns: ExportColumns,
    /// The export's names for units -> unit ids.
    pub units: BTreeMap<String, String>,
    /// The line of `lines_from:` in site.yaml.
    pub line: u32,
}

/// The export's column headers, by the line key each column gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExportColumns {
    pub ext: String,
    pub unit: String,
    pub holder: Option<String>,
    pub email: Option<String>,
    pub ms_teams: Option<String>,
    pub uses: Option<String>,
}

impl Site {
    pub fn audience(&self, id: &str) -> Option<&Audience> {
        self.audiences.iter().find(|a| a.id == id)
    }

    /// The audiences a build makes: those of `only`, or all, in the site's order.
    pub fn audiences_built<'s, 'o>(
        &'s self,
        only: Option<&'o [String]>,
    ) -> impl Iterator<Item = &'s Audience> + use<'s, 'o> {
        self.audiences
            .iter()
            .filter(move |a| only.is_none_or(|ids| ids.contains(&a.id)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    pub id: String,
    pub title: String,
    /// May show names, emails and extensions.
    pub personal_data: bool,
    /// Gets a checklist for every unit.
    pub unit_checklists: bool,
    /// Gets the list of units with when each moves (without personal data).
    pub unit_dates: bool,
    /// Gets the exports: per tranche and per email day, CSV files of who moves and whom
    /// to email (only with `personal_data`).
    pub exports: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Capacity {
    /// Every line placed in the tranche counts.
    Total(u32),
    /// Lines count against their unit's cohort.
    PerCohort(BTreeMap<String, u32>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tranche {
    pub number: u32,
    pub date: NaiveDate,
    pub label: Option<String>,
    pub pilot: bool,
    pub late: bool,
    pub capacity: Option<Capacity>,
    pub line: u32,
}

impl Tranche {
    /// Regular tranches without a cohort map take every cohort no tranche names.
    pub fn is_catch_all(&self) -> bool {
        !self.pilot && !self.late && !matches!(self.capacity, Some(Capacity::PerCohort(_)))
    }

    pub fn names_cohort(&self, cohort: &str) -> bool {
        matches!(&self.capacity, Some(Capacity::PerCohort(map)) if map.contains_key(cohort))
    }
}

/// A timeline entry's date: a day, or a whole month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventDate {
    Day(NaiveDate),
    Month { year: i32, month: u32 },
}

impl EventDate {
    /// The first day the event covers.
    pub fn start(&self) -> NaiveDate {
        match *self {
            EventDate::Day(d) => d,
            EventDate::Month { year, month } => {
                NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
            }
        }
    }

    /// The day after the last day the event covers.
    pub fn end_exclusive(&self) -> NaiveDate {
        match *self {
            EventDate::Day(d) => d.succ_opt().unwrap_or(d),
            EventDate::Month { year, month } => {
                let (y, m) = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MAX)
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Event {
    pub date: EventDate,
    pub title: String,
    /// `None`: every audience.
    pub audiences: Option<Vec<String>>,
    pub line: u32,
    /// The line of `audiences:`.
    pub audiences_line: u32,
}

impl Event {
    pub fn is_for(&self, audience: &str) -> bool {
        self.audiences
            .as_ref()
            .is_none_or(|list| list.iter().any(|a| a == audience))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coordinator {
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unit {
    /// The file stem of `data/units/ID.yaml`.
    pub id: String,
    /// Path relative to the root, with `/` separators, as findings show it.
    pub file: String,
    pub name: String,
    pub cohort: Option<String>,
    /// The line of `cohort:` (or 1 when absent).
    pub cohort_line: u32,
    pub separate_teams: bool,
    pub coordinator: Option<Coordinator>,
    pub responded: Option<NaiveDate>,
    /// The line of `responded:` (or 1 when absent).
    pub responded_line: u32,
    /// The answer file (data/answers/) that says the unit answered, when it gives no
    /// `answered` date: the unit has responded all the same, on a date not known.
    pub answered_in: Option<String>,
    pub lines: Vec<Line>,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Move,
    Stay,
}

impl Decision {
    pub const ALL: [Decision; 2] = [Decision::Move, Decision::Stay];

    /// As data files, answers and checklists write it.
    pub fn id(self) -> &'static str {
        match self {
            Decision::Move => "move",
            Decision::Stay => "stay",
        }
    }

    /// The decisions `policy` allows: `stay` only where people may stay.
    pub fn allowed(policy: &Policy) -> impl Iterator<Item = Decision> {
        let stay = policy.stay;
        Decision::ALL
            .into_iter()
            .filter(move |d| stay || *d == Decision::Move)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Line {
    /// Digits only, as written (leading zeros kept).
    pub ext: String,
    pub holder: Option<String>,
    pub email: Option<String>,
    pub ms_teams: bool,
    /// Ids of the policy's `features`.
    pub uses: Vec<String>,
    pub pilot: bool,
    pub critical: bool,
    pub contact_centre: bool,
    pub decision: Option<Decision>,
    pub requested: Option<NaiveDate>,
    /// A manual placement.
    pub tranche: Option<u32>,
    /// Where the line is written: its line in the unit file, or its row in the export.
    pub line: u32,
    /// The export (its path from the root) for a line no unit file lists; `None` for one
    /// in its unit file.
    pub exported_in: Option<String>,
    /// The line of `tranche:`.
    pub tranche_line: u32,
    /// The last line of the entry.
    pub end_line: u32,
}

impl Line {
    /// The file the line is written in: its unit's file `unit_file`, or the export.
    pub fn file<'a>(&'a self, unit_file: &'a str) -> &'a str {
        self.exported_in.as_deref().unwrap_or(unit_file)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupKind {
    Hunt,
    Pickup,
    Executive,
}

impl GroupKind {
    pub fn id(self) -> &'static str {
        match self {
            GroupKind::Hunt => "hunt",
            GroupKind::Pickup => "pickup",
            GroupKind::Executive => "executive",
        }
    }

    /// Hunt and executive groups must move as one.
    pub fn moves_together(self) -> bool {
        matches!(self, GroupKind::Hunt | GroupKind::Executive)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Group {
    pub id: String,
    pub kind: GroupKind,
    pub members: Vec<String>,
    /// The line of each entry of `members`.
    pub member_lines: Vec<u32>,
    pub manager: Option<String>,
    pub manager_line: u32,
    pub line: u32,
}

/// A guidance page from `content/`.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the root, with `/` separators.
    pub file: String,
    /// Path under the audience folder, e.g. `deciding` or `help/contacts`.
    pub slug: String,
    pub title: String,
    /// `None`: every audience.
    pub audiences: Option<Vec<String>>,
    /// The file line of each entry of `audiences`.
    pub audience_lines: Vec<u32>,
    pub weight: i64,
    pub summary: Option<String>,
    pub draft: bool,
    /// The markdown after the front matter.
    pub body: String,
    /// The file line on which `body` starts.
    pub body_line: u32,
    /// Its `::: only` and `::: except` passages, read once as the page is loaded (a
    /// passage never closed runs to the end of the page; the mistake is reported then).
    pub passages: Vec<crate::markup::Passage>,
}

impl Page {
    pub fn is_for(&self, audience: &str) -> bool {
        self.audiences
            .as_ref()
            .is_none_or(|list| list.iter().any(|a| a == audience))
    }
}

/// The migration's own policy (`data/migration.yaml`, SPEC §9): what differs between one
/// organisation's move and another's. Without the file, every value is the default: the
/// bundled guide's policy, read from its own `data/migration.yaml` (built into cutover), so
/// that no organisation's wording is written in the code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Policy {
    /// The old system, as its users call it.
    pub from: String,
    /// The new one.
    pub to: String,
    /// Whether people may choose to stay on the old system.
    pub stay: bool,
    /// The phone database's pre-flag (a line's `ms_teams`), by the name people know it
    /// by; `None` when there is none (`flag: false`).
    pub flag: Option<String>,
    /// What a line's `uses:` may name, in order.
    pub features: Vec<Feature>,
    /// The countdown emails, in the order written.
    pub emails: Vec<EmailWhen>,
    /// Rule severities overridden, or rules turned off (`None`).
    pub rules: BTreeMap<crate::finding::Rule, Option<crate::finding::Severity>>,
    /// The names pages show for cohort ids.
    pub cohorts: BTreeMap<String, String>,
    pub dates: DateStyle,
    /// The checklist's steps, in order.
    pub steps: Vec<StepSpec>,
    /// Whether the policy came from `data/migration.yaml` (rather than the defaults).
    pub written: bool,
}

impl Policy {
    /// The feature with this id, if the policy has one.
    pub fn feature(&self, id: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.id == id)
    }

    /// What pages call the feature `id` (its id, if the policy does not know it).
    pub fn label<'p>(&'p self, id: &'p str) -> &'p str {
        self.feature(id).map_or(id, |f| f.label.as_str())
    }
}

/// A feature of the old system that a line may use.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Feature {
    pub id: String,
    pub label: String,
    /// Whether people who stay on the old system lose it.
    pub lost: bool,
}

/// When a countdown email goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EmailWhen {
    /// This many days before the move (then back to a working day).
    DaysBefore(u32),
    /// The last working day before the move.
    LastWorkingDay,
}

/// How dates read on pages (CSV, JSON and ICS keep ISO dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateStyle {
    /// "Monday 30 May 2022"
    EnGb,
    /// "Monday, May 30, 2022"
    EnUs,
    /// "2022-05-30"
    Iso,
}

/// A step of every unit's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StepSpec {
    Builtin(BuiltinStep),
    /// The organisation's own: a title, and markdown text.
    Own {
        title: String,
        text: String,
        line: u32,
    },
}

/// The checklist steps cutover knows how to tick off from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltinStep {
    ReviewFlagged,
    Features,
    Groups,
    Pickup,
    Others,
    Answer,
}

impl BuiltinStep {
    pub const ALL: [BuiltinStep; 6] = [
        BuiltinStep::ReviewFlagged,
        BuiltinStep::Features,
        BuiltinStep::Groups,
        BuiltinStep::Pickup,
        BuiltinStep::Others,
        BuiltinStep::Answer,
    ];

    pub fn id(self) -> &'static str {
        match self {
            BuiltinStep::ReviewFlagged => "review-flagged",
            BuiltinStep::Features => "features",
            BuiltinStep::Groups => "groups",
            BuiltinStep::Pickup => "pickup",
            BuiltinStep::Others => "others",
            BuiltinStep::Answer => "answer",
        }
    }
}

impl DateStyle {
    pub const ALL: [(&'static str, DateStyle); 3] = [
        ("en-GB", DateStyle::EnGb),
        ("en-US", DateStyle::EnUs),
        ("iso", DateStyle::Iso),
    ];

    pub fn id(self) -> &'static str {
        match self {
            DateStyle::EnGb => "en-GB",
            DateStyle::EnUs => "en-US",
            DateStyle::Iso => "iso",
        }
    }
}
