//! The pages under another organisation's policy (`data/migration.yaml`, SPEC §9): the
//! fixture `sites/policy` moves from "Zeta PBX" to "Omega Voice", nobody stays, and it has
//! steps, cohort names and a date style of its own.

use std::fs;
use std::path::Path;

use crate::{build, site_copy, stderr};

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The policy site built, with its root (to edit) and its output.
fn built(edit: impl FnOnce(&Path)) -> (tempfile::TempDir, tempfile::TempDir) {
    let root = site_copy("policy");
    edit(root.path());
    let out = tempfile::tempdir().unwrap();
    let run = build(root.path(), &out.path().join("site"));
    assert!(run.status.success(), "{}", stderr(&run));
    (root, out)
}

/// The step titles of a checklist page, in order.
fn step_titles(page: &str) -> Vec<String> {
    page.split("<span class=\"task-name\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect()
}

#[test]
fn checklist_steps_come_from_the_policy_in_order() {
    let (_root, out) = built(|_| {});
    let site = out.path().join("site/coordinators/units");
    let page = read(&site.join("north-hall/index.html"));
    // `features` is dropped: nobody stays, so nobody loses a feature by staying.
    assert_eq!(
        step_titles(&page),
        [
            "Review the lines flagged in the Zeta column",
            "Book a training slot",
            "Resolve group conflicts",
            "Tell pickup group members that their group ends",
            "Answer the project by April 14, 2022",
        ]
    );
    assert!(page.contains("Everyone moves to Omega Voice; Zeta PBX pickup groups do not move."));
    // The step's markdown, its `@/` link resolved from the checklist's place.
    assert!(
        page.contains(
            "<p>Everyone books <strong>one</strong> slot: see <a \
             href=\"../../training/index.html\">training</a>.</p>"
        ),
        "{page}"
    );
    // Four steps count (groups is not needed); the review is done.
    assert!(page.contains("1 of 4 steps completed."), "{page}");
    let list = read(&site.join("index.html"));
    assert!(
        list.contains("<td data-label=\"Steps done\">1 of 4</td>"),
        "{list}"
    );
}

#[test]
fn a_built_in_step_left_out_does_not_appear() {
    let (_root, out) = built(|root| {
        let file = root.join("data/migration.yaml");
        let text = read(&file);
        let start = text.find("steps:").unwrap();
        fs::write(
            &file,
            format!("{}steps: [answer, groups]\n", &text[..start]),
        )
        .unwrap();
    });
    let page = read(
        &out.path()
            .join("site/coordinators/units/pathology/index.html"),
    );
    assert_eq!(
        step_titles(&page),
        [
            "Answer the project by April 14, 2022",
            "Resolve group conflicts"
        ]
    );
    // Pathology has answered and has no groups: one step counts, and it is done.
    assert!(page.contains("1 of 1 steps completed."), "{page}");
}

#[test]
fn with_stay_the_built_in_steps_name_the_systems_and_the_flag() {
    let (_root, out) = built(|root| {
        let file = root.join("data/migration.yaml");
        let text = read(&file).replace("stay: false", "stay: true");
        fs::write(&file, text).unwrap();
    });
    let page = read(
        &out.path()
            .join("site/coordinators/units/north-hall/index.html"),
    );
    assert_eq!(
        step_titles(&page)[..5],
        [
            "Review the lines flagged in the Zeta column",
            "Record a move or stay decision for each line that uses a feature being removed",
            "Book a training slot",
            "Resolve group conflicts",
            "Tell pickup group members who are moving",
        ]
    );
    assert!(
        page.contains("leave their Zeta PBX pickup group."),
        "{page}"
    );
}

#[test]
fn raw_html_in_a_steps_text_is_sanitised_as_content_is() {
    let (_root, out) = built(|root| {
        let file = root.join("data/migration.yaml");
        let text = read(&file).replace(
            "see [training](@/training.md).",
            "<b onclick=\\\"steal()\\\">now</b><script>steal()</script>",
        );
        fs::write(&file, text).unwrap();
    });
    let page = read(
        &out.path()
            .join("site/coordinators/units/north-hall/index.html"),
    );
    assert!(page.contains("<b>now</b>"), "{page}");
    assert!(!page.contains("steal()"), "{page}");
}

/// The words of the bundled guide's policy, which no built-in text may hold (SPEC §9).
const BUNDLED_WORDS: [&str; 5] = [
    "Chorus",
    "Telephony over Teams",
    "OpenScape",
    "Phoneman",
    "MS Teams",
];

#[test]
fn pages_name_the_systems_and_the_flag_through_the_policy() {
    let (_root, out) = built(|_| {});
    let site = out.path().join("site");
    for (path, bytes) in crate::tree(&site) {
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines() {
            for word in BUNDLED_WORDS {
                assert!(!line.contains(word), "{path}: {word}: {line}");
            }
        }
    }
    let own = read(&site.join("coordinators/units/own-voice/index.html"));
    assert!(
        own.contains(
            "None of its lines can move to Omega Voice; they need their own arrangement with \
             the project."
        ),
        "{own}"
    );
    // A line's flags name the pre-flag without its " column".
    let north = read(&site.join("coordinators/units/north-hall/index.html"));
    assert!(
        north.contains("<td data-label=\"Flags\">Zeta</td>"),
        "{north}"
    );
    let csv = read(&site.join("coordinators/units/north-hall/checklist.csv"));
    assert!(
        csv.contains("81001,Gil Sample,gil.sample@example.com,true,Zeta,"),
        "{csv}"
    );
}

#[test]
fn no_built_in_text_names_the_bundled_guides_systems() {
    let root = crate::bundled();
    for dir in ["src", "themes/default"] {
        for (path, bytes) in crate::tree(&root.join(dir)) {
            let text = String::from_utf8_lossy(&bytes);
            for word in BUNDLED_WORDS {
                assert!(!text.contains(word), "{dir}/{path} names {word}");
            }
        }
    }
}

#[test]
fn cohorts_read_as_the_policy_names_them() {
    let (_root, out) = built(|_| {});
    let site = out.path().join("site/coordinators");
    let schedule = read(&site.join("schedule/index.html"));
    // Named by the policy, or from the id when it does not name it.
    assert!(
        schedule.contains("<td data-label=\"Who moves\">Halls of residence, Medical sciences"),
        "{schedule}"
    );
    // Nobody stays (`stay: false`): North Hall's line without a decision moves too.
    assert!(
        schedule.contains("Halls of residence: 2 of 5; Medical sciences: 1 of 5"),
        "{schedule}"
    );
    let units = read(&site.join("units/index.html"));
    assert!(
        units.contains("<td data-label=\"Cohort\">Halls of residence</td>"),
        "{units}"
    );
    let unit = read(&site.join("units/north-hall/index.html"));
    assert!(unit.contains("<dd>Halls of residence</dd>"), "{unit}");
}

/// The policy site built with `dates: STYLE`.
fn built_with_dates(style: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    built(|root| {
        let file = root.join("data/migration.yaml");
        let text = read(&file).replace("dates: en-US", &format!("dates: {style}"));
        fs::write(&file, text).unwrap();
    })
}

#[test]
fn dates_read_in_the_policys_style_on_pages_and_iso_elsewhere() {
    for (style, day, long, email) in [
        (
            "en-US",
            "Monday, May 30, 2022",
            "April 14, 2022",
            "May 27, 2022 (last working day)",
        ),
        (
            "en-GB",
            "Monday 30 May 2022",
            "14 April 2022",
            "27 May 2022 (last working day)",
        ),
        (
            "iso",
            "2022-05-30",
            "2022-04-14",
            "2022-05-27 (last working day)",
        ),
    ] {
        let (_root, out) = built_with_dates(style);
        let site = out.path().join("site/coordinators");
        let schedule = read(&site.join("schedule/index.html"));
        assert!(schedule.contains(day), "{style}: {schedule}");
        assert!(schedule.contains(email), "{style}: {schedule}");
        let unit = read(&site.join("units/north-hall/index.html"));
        assert!(
            unit.contains(&format!("Answer the project by {long}")),
            "{style}"
        );
        assert!(unit.contains(&format!("(deadline {long})")), "{style}");
        assert!(unit.contains(email), "{style}");
        let pathology = read(&site.join("units/pathology/index.html"));
        let answered = match style {
            "en-US" => "Answered on April 8, 2022",
            "en-GB" => "Answered on 8 April 2022",
            _ => "Answered on 2022-04-08",
        };
        assert!(pathology.contains(answered), "{style}");
        let timeline = read(&site.join("timeline/index.html"));
        let month = if style == "iso" {
            "2022-06"
        } else {
            "June 2022"
        };
        assert!(
            timeline.contains(&format!(">{long}</time>")),
            "{style}: {timeline}"
        );
        assert!(
            timeline.contains(&format!(">{month}</time>")),
            "{style}: {timeline}"
        );
        // The calendar and the spreadsheet keep ISO dates.
        let csv = read(&site.join("units/north-hall/checklist.csv"));
        assert!(
            csv.contains(",2022-05-30,2022-05-09,2022-05-23,2022-05-27,"),
            "{csv}"
        );
        let ics = read(&site.join("timeline.ics"));
        assert!(!ics.contains("May 30") && !ics.contains("30 May"), "{ics}");
    }
}

#[test]
fn an_audience_with_unit_dates_gets_the_list_of_units_and_when_each_moves() {
    let (_root, out) = built(|_| {});
    let site = out.path().join("site");
    let page = read(&site.join("staff/units/index.html"));
    // Its intro gives it its title, and its text.
    assert!(
        page.contains("<h1>When your department moves</h1>"),
        "{page}"
    );
    assert!(
        page.contains("href=\"../schedule/index.html\">schedule</a>"),
        "{page}"
    );
    for row in [
        "<th scope=\"row\" data-label=\"Unit\">North Hall</th>\n      <td \
         data-label=\"Cohort\">Halls of residence</td>\n      <td data-label=\"Moves\"><time \
         datetime=\"2022-05-30\">Monday, May 30, 2022</time> (2 lines)</td>",
        "<th scope=\"row\" data-label=\"Unit\">Pathology</th>\n      <td \
         data-label=\"Cohort\">Medical sciences</td>",
        // Nobody stays (`stay: false`): the unit with its own instance is not said to.
        "<td data-label=\"Also\">The unit has its own Teams instance: its lines do not move to \
         Omega Voice with the others; it has its own arrangement with the project.</td>",
    ] {
        assert!(page.contains(row), "{row}\n{page}");
    }
    assert!(!page.contains("stay on"), "{page}");
    // In the audience's navigation, and reached by `@/units.md`.
    let home = read(&site.join("staff/index.html"));
    assert!(home.contains("<a href=\"units/index.html\">When your department moves</a>"));
    let training = read(&site.join("staff/training/index.html"));
    assert!(
        training.contains("href=\"../units/index.html\""),
        "{training}"
    );
    // The audiences without it have no such page; the checklists keep theirs.
    assert!(!site.join("visitors/units").exists());
    let list = read(&site.join("coordinators/units/index.html"));
    assert!(list.contains("Steps done"), "{list}");
}

#[test]
fn with_stay_the_list_of_units_says_who_stays() {
    let (_root, out) = built(|root| {
        let file = root.join("data/migration.yaml");
        let text = read(&file).replace("stay: false", "stay: true");
        fs::write(&file, text).unwrap();
    });
    let page = read(&out.path().join("site/staff/units/index.html"));
    assert!(
        page.contains("The unit has its own Teams instance: its lines stay on Zeta PBX."),
        "{page}"
    );
}

#[test]
fn a_link_to_the_list_of_units_is_refused_for_an_audience_without_it() {
    let root = site_copy("policy");
    let file = root.path().join("content/training.md");
    fs::write(
        &file,
        "---\ntitle: Training\n---\nSee [the list](@/units.md).\n",
    )
    .unwrap();
    let (run, report) = crate::check_json(root.path());
    assert!(!run.status.success());
    let text = report.to_string();
    assert!(
        text.contains("audience `visitors` has no unit checklists nor `unit_dates`"),
        "{text}"
    );
    assert!(!text.contains("audience `staff` has no"), "{text}");
}

#[test]
fn every_template_and_partial_reads_the_audience_and_the_policys_words() {
    let (_root, out) = built(|root| {
        let templates = root.join("themes/default/templates");
        fs::create_dir_all(templates.join("partials")).unwrap();
        let who = "[{{ audience.id }}|{{ audience.title }}|{{ audience.personal_data }}|\
                   {{ migration.from }}|{{ migration.to }}|{{ migration.stay }}|\
                   {{ migration.flag }}]";
        for partial in ["tranches", "timeline", "cannot-move"] {
            fs::write(templates.join(format!("partials/{partial}.html")), who).unwrap();
        }
        fs::write(
            templates.join("unit-dates.html"),
            format!("{{% for u in units %}}{{{{ u.name }}}}{{% endfor %}}{who}"),
        )
        .unwrap();
        fs::write(
            root.join("content/training.md"),
            "---\ntitle: Training\n---\n{{ tranches }}\n\n{{ timeline }}\n\n{{ cannot-move }}\n",
        )
        .unwrap();
    });
    let site = out.path().join("site");
    for (audience, seen) in [
        ("coordinators", "[coordinators|Coordinators|true|"),
        ("staff", "[staff|All staff|false|"),
        ("visitors", "[visitors|Visitors|false|"),
    ] {
        let page = read(&site.join(format!("{audience}/training/index.html")));
        let words = format!("{seen}Zeta PBX|Omega Voice|false|Zeta column]");
        assert_eq!(page.matches(&words).count(), 3, "{audience}: {page}");
    }
    let dates = read(&site.join("staff/units/index.html"));
    assert!(
        dates.ends_with(
            "Research Institute[staff|All staff|false|Zeta PBX|Omega Voice|false|Zeta column]"
        ),
        "{dates}"
    );
}
