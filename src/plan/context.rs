//! What every page of a plan is worked out from: the checked model, indexed once, and the
//! dates as pages show them.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::views::{MigrationView, SiteView};
use crate::Checked;
use crate::model::{DateStyle, Page, Site, StepSpec};
use crate::rules::{emails, groups};

/// A date in text, without its weekday: "30 May 2022", "May 30, 2022" or "2022-05-30".
pub fn long_date(style: DateStyle, d: NaiveDate) -> String {
    match style {
        DateStyle::EnGb => d.format("%-d %B %Y"),
        DateStyle::EnUs => d.format("%B %-d, %Y"),
        DateStyle::Iso => d.format("%Y-%m-%d"),
    }
    .to_string()
}

/// A date with its weekday, where the day matters: "Monday 30 May 2022", "Monday, May
/// 30, 2022"; ISO dates have none ("2022-05-30").
pub(super) fn day_date(style: DateStyle, d: NaiveDate) -> String {
    match style {
        DateStyle::EnGb => d.format("%A %-d %B %Y"),
        DateStyle::EnUs => d.format("%A, %B %-d, %Y"),
        DateStyle::Iso => d.format("%Y-%m-%d"),
    }
    .to_string()
}

/// A month: "May 2022", or "2022-05".
pub(super) fn month_date(style: DateStyle, d: NaiveDate) -> String {
    match style {
        DateStyle::EnGb | DateStyle::EnUs => d.format("%B %Y"),
        DateStyle::Iso => d.format("%Y-%m"),
    }
    .to_string()
}

/// The countdown email dates, each with what it is.
pub(super) fn email_labels(style: DateStyle, emails: &[emails::Email]) -> Vec<String> {
    emails
        .iter()
        .map(|e| format!("{} ({})", long_date(style, e.date), e.label))
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
    fn of(
        style: DateStyle,
        date: NaiveDate,
        emails: &[emails::Email],
        columns: &[NaiveDate],
    ) -> DateLabels {
        DateLabels {
            move_date: day_date(style, date),
            emails: email_labels(style, emails),
            iso: std::iter::once(&date)
                .chain(columns)
                .map(|d| d.to_string())
                .collect(),
        }
    }
}

/// The text of the organisation's own steps as a unit's checklist shows it. Links are
/// the same for every audience with checklists (each has them at `units/UNIT/`); that they
/// resolve for each was checked as the data was read, so a failure here shows no text.
fn own_steps(checked: &Checked, site: &Site) -> Vec<String> {
    let Some(audience) = site.audiences.iter().find(|a| a.unit_checklists) else {
        return Vec::new();
    };
    let model = &checked.model;
    model
        .policy
        .steps
        .iter()
        .filter_map(|step| match step {
            StepSpec::Own { text, .. } => Some(
                crate::markup::text_to_html(text, &model.pages, audience, "../../", !site.raw_html)
                    .unwrap_or_default(),
            ),
            StepSpec::Builtin(_) => None,
        })
        .collect()
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
    /// The text of each of the organisation's own steps, in `policy.steps` order, as
    /// HTML: rendered once, as every checklist shows it the same.
    pub(super) own_steps: Vec<String>,
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
                let labels = DateLabels::of(model.policy.dates, *date, emails, &columns);
                (number, labels)
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
        let own_steps = own_steps(checked, site);
        let global = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (global, &own_steps).hash(&mut h);
            h.finish()
        };
        Ctx {
            own_steps,
            global,
            date_labels,
            rules_by_ext: checked.analysis.rules_by_ext(),
            dates,
            email_columns: emails::column_names(&model.policy.emails),
            checked,
            site,
            deadline: site.response_deadline.unwrap_or(checked.today),
            today_label: long_date(model.policy.dates, checked.today),
            deadline_label: long_date(
                model.policy.dates,
                site.response_deadline.unwrap_or(checked.today),
            ),
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

    /// How dates read on pages.
    pub(super) fn dates(&self) -> DateStyle {
        self.checked.model.policy.dates
    }

    /// A cohort as pages name it (the policy's `cohorts`).
    pub(super) fn cohort_name(&self, cohort: &str) -> String {
        super::insertions::cohort_name(&self.checked.model.policy.cohorts, cohort)
    }

    pub(super) fn migration_view(&self) -> MigrationView {
        let policy = &self.checked.model.policy;
        MigrationView {
            from: policy.from.clone(),
            to: policy.to.clone(),
            stay: policy.stay,
            flag: policy.flag.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_the_policys_style() {
        let d = NaiveDate::from_ymd_opt(2022, 5, 30).unwrap();
        let early = NaiveDate::from_ymd_opt(2022, 6, 3).unwrap();
        for (style, long, day, month, one_digit) in [
            (
                DateStyle::EnGb,
                "30 May 2022",
                "Monday 30 May 2022",
                "May 2022",
                "Friday 3 June 2022",
            ),
            (
                DateStyle::EnUs,
                "May 30, 2022",
                "Monday, May 30, 2022",
                "May 2022",
                "Friday, June 3, 2022",
            ),
            (
                DateStyle::Iso,
                "2022-05-30",
                "2022-05-30",
                "2022-05",
                "2022-06-03",
            ),
        ] {
            assert_eq!(long_date(style, d), long, "{style:?}");
            assert_eq!(day_date(style, d), day, "{style:?}");
            assert_eq!(month_date(style, d), month, "{style:?}");
            assert_eq!(day_date(style, early), one_digit, "{style:?}");
        }
    }
}
