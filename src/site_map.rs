//! The pages cutover generates for an audience: each one's address, the title and weight
//! it takes in the navigation (unless an introduction page, `content/SLUG.md`, gives
//! others) and the template that renders it. Planning, `@/` link resolution and
//! validation all read this one list.

use crate::model::Audience;

/// A page cutover generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// Its address under the audience's folder (`""`: the audience's home).
    pub slug: &'static str,
    /// The page under content/ that introduces it, as `@/` links name it.
    pub intro: &'static str,
    pub title: &'static str,
    /// Its place in the navigation; guidance pages are usually weighed below it.
    pub weight: i64,
    pub template: &'static str,
    pub audiences: Audiences,
}

/// Which audiences get a generated page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audiences {
    Every,
    /// Those with unit checklists.
    Checklists,
    /// Those with `unit_dates` and without checklists, which have their list at the same
    /// address.
    UnitDates,
    /// Those with `exports` (which have `personal_data`).
    Exports,
}

impl Generated {
    pub fn is_for(&self, audience: &Audience) -> bool {
        match self.audiences {
            Audiences::Every => true,
            Audiences::Checklists => audience.unit_checklists,
            Audiences::UnitDates => audience.unit_dates && !audience.unit_checklists,
            Audiences::Exports => audience.exports && audience.personal_data,
        }
    }
}

/// The audience's home: not in the navigation, but reached by its title.
pub const HOME: Generated = Generated {
    slug: "",
    intro: "index.md",
    title: "Overview",
    weight: 0,
    template: "home.html",
    audiences: Audiences::Every,
};

pub const TIMELINE: Generated = Generated {
    slug: "timeline",
    intro: "timeline.md",
    title: "Timeline",
    weight: 1000,
    template: "timeline.html",
    audiences: Audiences::Every,
};

pub const SCHEDULE: Generated = Generated {
    slug: "schedule",
    intro: "schedule.md",
    title: "Move schedule",
    weight: 1001,
    template: "schedule.html",
    audiences: Audiences::Every,
};

pub const UNITS: Generated = Generated {
    slug: "units",
    intro: "units.md",
    title: "Unit checklists",
    weight: 1002,
    template: "units.html",
    audiences: Audiences::Checklists,
};

/// Every unit and when its lines move, without personal data: the page staff look for to
/// learn when their department moves.
pub const UNIT_DATES: Generated = Generated {
    slug: "units",
    intro: "units.md",
    title: "When each unit moves",
    weight: 1002,
    template: "unit-dates.html",
    audiences: Audiences::UnitDates,
};

/// The CSV files of who moves in each tranche and whom to email each day, for the people
/// who act on the plan.
pub const EXPORTS: Generated = Generated {
    slug: "exports",
    intro: "exports.md",
    title: "Exports",
    weight: 1003,
    template: "exports.html",
    audiences: Audiences::Exports,
};

/// Every generated page but the home, in their default order. An audience gets at most
/// one of those at one address.
pub const MENU: [Generated; 5] = [TIMELINE, SCHEDULE, UNITS, UNIT_DATES, EXPORTS];

/// A generated page at `slug`, the home included (for some audience or other).
pub fn find(slug: &str) -> Option<Generated> {
    std::iter::once(HOME).chain(MENU).find(|g| g.slug == slug)
}

/// The generated page at `slug` that `audience` gets, if any.
pub fn find_for(slug: &str, audience: &Audience) -> Option<Generated> {
    std::iter::once(HOME)
        .chain(MENU)
        .find(|g| g.slug == slug && g.is_for(audience))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audience(unit_checklists: bool, unit_dates: bool) -> Audience {
        Audience {
            id: "a".into(),
            title: "A".into(),
            personal_data: unit_checklists,
            unit_checklists,
            unit_dates,
            exports: false,
        }
    }

    #[test]
    fn each_generated_page_is_found_by_its_slug() {
        for g in std::iter::once(HOME).chain(MENU) {
            assert_eq!(find(g.slug).map(|f| f.slug), Some(g.slug));
        }
        // The list of units is the checklists' where an audience has them, else the
        // dates', else none.
        for (checklists, dates, want) in [
            (true, false, Some(UNITS)),
            (true, true, Some(UNITS)),
            (false, true, Some(UNIT_DATES)),
            (false, false, None),
        ] {
            assert_eq!(find_for("units", &audience(checklists, dates)), want);
        }
        assert_eq!(find("deciding"), None);
        // The exports only with personal data.
        let mut exporting = audience(true, false);
        exporting.exports = true;
        assert_eq!(find_for("exports", &exporting), Some(EXPORTS));
        exporting.personal_data = false;
        assert_eq!(find_for("exports", &exporting), None);
        assert_eq!(find_for("exports", &audience(true, false)), None);
        for g in std::iter::once(HOME).chain(MENU) {
            assert_eq!(crate::markup::slug_of(g.intro), g.slug, "{}", g.intro);
        }
    }
}
