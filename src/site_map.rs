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
    /// Only audiences with unit checklists get it.
    pub checklists_only: bool,
}

impl Generated {
    pub fn is_for(&self, audience: &Audience) -> bool {
        !self.checklists_only || audience.unit_checklists
    }
}

/// The audience's home: not in the navigation, but reached by its title.
pub const HOME: Generated = Generated {
    slug: "",
    intro: "index.md",
    title: "Overview",
    weight: 0,
    template: "home.html",
    checklists_only: false,
};

pub const TIMELINE: Generated = Generated {
    slug: "timeline",
    intro: "timeline.md",
    title: "Timeline",
    weight: 1000,
    template: "timeline.html",
    checklists_only: false,
};

pub const SCHEDULE: Generated = Generated {
    slug: "schedule",
    intro: "schedule.md",
    title: "Move schedule",
    weight: 1001,
    template: "schedule.html",
    checklists_only: false,
};

pub const UNITS: Generated = Generated {
    slug: "units",
    intro: "units.md",
    title: "Unit checklists",
    weight: 1002,
    template: "units.html",
    checklists_only: true,
};

/// Every generated page but the home, in their default order.
pub const MENU: [Generated; 3] = [TIMELINE, SCHEDULE, UNITS];

/// The generated page at `slug`, the home included.
pub fn find(slug: &str) -> Option<Generated> {
    std::iter::once(HOME).chain(MENU).find(|g| g.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_generated_page_is_found_by_its_slug() {
        for g in std::iter::once(HOME).chain(MENU) {
            assert_eq!(find(g.slug), Some(g));
        }
        assert_eq!(find("deciding"), None);
        for g in std::iter::once(HOME).chain(MENU) {
            assert_eq!(crate::markup::slug_of(g.intro), g.slug, "{}", g.intro);
        }
    }
}
