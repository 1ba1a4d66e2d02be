//! What every page of a plan is worked out from: the checked model, indexed once, and the
//! dates as pages show them.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::views::SiteView;
use crate::Checked;
use crate::model::{Page, Site};
use crate::rules::{emails, groups};

pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

pub(super) fn day_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

/// The countdown email dates, each with what it is.
pub(super) fn email_labels(emails: &[emails::Email]) -> Vec<String> {
    emails
        .iter()
        .map(|e| format!("{} ({})", long_date(e.date), e.label))
        .collect()
}

/// A tranche's move date and countdown email dates, as words and as YYYY-MM-DD.
pub(super) struct DateLabels {
    pub(super) move_date: String,
    pub(super) emails: Vec<String>,
    /// The move date, then each of the policy's emails (the CSV's columns).
    pub(super) iso: Vec<String>,
}

impl DateLabels {
    fn of(date: NaiveDate, emails: &[emails::Email], columns: &[NaiveDate]) -> DateLabels {
        DateLabels {
            move_date: day_date(date),
            emails: email_labels(emails),
            iso: std::iter::once(&date)
                .chain(columns)
                .map(|d| d.to_string())
                .collect(),
        }
    }
}

pub(super) struct Ctx<'a> {
    pub(super) checked: &'a Checked,
    pub(super) site: &'a Site,
    /// Valid data always has one; `today` stands in otherwise.
    pub(super) deadline: NaiveDate,
    /// Today and the deadline as pages show them.
    pub(super) today_label: String,
    pub(super) deadline_label: String,
    pub(super) index: crate::rules::Index<'a>,
    /// Per unit: the groups that involve it, its own and others' holding its lines, as
    /// (defining unit, group) positions.
    pub(super) involved: Vec<Vec<(usize, usize)>>,
    /// Per unit: positions in `analysis.findings` about it or about its groups.
    pub(super) findings_of: Vec<Vec<usize>>,
    /// Per extension: the rules of the findings naming it.
    pub(super) rules_by_ext: rustc_hash::FxHashMap<&'a str, Vec<&'static str>>,
    /// A digest of what every checklist shares: today, the deadline, holidays, tranches.
    pub(super) global: u64,
    /// Per tranche number: the move date and the countdown emails, worked out once.
    dates: HashMap<u32, (NaiveDate, Vec<emails::Email>)>,
    /// The CSV's column names for the policy's emails.
    pub(super) email_columns: Vec<String>,
    /// Per tranche number: the same dates as a checklist's line shows them, written once
    /// rather than for every line.
    date_labels: HashMap<u32, DateLabels>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(checked: &'a Checked, site: &'a Site) -> Self {
        let model = &checked.model;
        let index = crate::rules::Index::new(model);
        let position: HashMap<&str, usize> = model
            .units
            .iter()
            .enumerate()
            .map(|(u, unit)| (unit.id.as_str(), u))
            .collect();
        let mut involved = vec![Vec::new(); model.units.len()];
        let mut units_of_group: HashMap<&str, BTreeSet<usize>> = HashMap::new();
        for (du, unit) in model.units.iter().enumerate() {
            for (gi, group) in unit.groups.iter().enumerate() {
                let mut units: BTreeSet<usize> =
                    groups::members(&index, group).iter().map(|m| m.0).collect();
                units.insert(du);
                for &u in &units {
                    involved[u].push((du, gi));
                }
                units_of_group.insert(&group.id, units);
            }
        }
        let mut findings_of = vec![Vec::new(); model.units.len()];
        for (fi, f) in checked.analysis.findings.iter().enumerate() {
            if let Some(u) = f.unit.as_deref().and_then(|id| position.get(id)) {
                findings_of[*u].push(fi);
            }
            // A group's own findings concern every unit with a line in it; a line's
            // finding that names its group stays with the line's unit.
            if f.rule.is_about_group() {
                for u in f
                    .group
                    .as_deref()
                    .and_then(|g| units_of_group.get(g))
                    .into_iter()
                    .flatten()
                {
                    findings_of[*u].push(fi);
                }
            }
        }
        // In order, each once: as a set, with less to hold.
        for findings in &mut findings_of {
            findings.sort_unstable();
            findings.dedup();
        }
        let when = &model.policy.emails;
        let dates: HashMap<u32, (NaiveDate, Vec<emails::Email>)> = model
            .tranches
            .iter()
            .map(|t| {
                (
                    t.number,
                    (t.date, emails::countdown(t.date, &site.holidays, when)),
                )
            })
            .collect();
        let date_labels = dates
            .iter()
            .map(|(&number, (date, emails))| {
                let columns = emails::columns(*date, &site.holidays, when);
                (number, DateLabels::of(*date, emails, &columns))
            })
            .collect();
        let global = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (
                checked.today,
                site.response_deadline,
                &site.holidays,
                &model.tranches,
                &model.policy,
            )
                .hash(&mut h);
            h.finish()
        };
        Ctx {
            global,
            date_labels,
            rules_by_ext: checked.analysis.rules_by_ext(),
            dates,
            email_columns: emails::column_names(&model.policy.emails),
            checked,
            site,
            deadline: site.response_deadline.unwrap_or(checked.today),
            today_label: long_date(checked.today),
            deadline_label: long_date(site.response_deadline.unwrap_or(checked.today)),
            index,
            involved,
            findings_of,
        }
    }

    pub(super) fn site_view(&self) -> SiteView {
        SiteView {
            title: self.site.title.clone(),
            organisation: self.site.organisation.clone(),
            contact: self.site.contact.clone(),
        }
    }

    /// A tranche's move date and countdown email dates.
    pub(super) fn dates_of(&self, number: u32) -> Option<&(NaiveDate, Vec<emails::Email>)> {
        self.dates.get(&number)
    }

    /// A tranche's dates as checklists show them.
    pub(super) fn date_labels(&self, number: u32) -> Option<&DateLabels> {
        self.date_labels.get(&number)
    }

    pub(super) fn intro(&self, slug: &str, audience: &str) -> Option<&Page> {
        self.checked
            .model
            .pages
            .iter()
            .find(|p| p.slug == slug && !p.draft && p.is_for(audience))
    }
}
