//! The exports (SPEC §10): per tranche and per email day, CSV files whose counts and
//! dates agree with `check --format json`, an index page in the audience's navigation,
//! and nothing of it in an audience without `exports`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::{TODAY, build, check_json, site_copy, stderr, tree};

/// The small fixture with `exports: true` for its coordinators, an intro page for the
/// exports and a link to them, and a holder whose name a spreadsheet would run.
fn exporting_site() -> tempfile::TempDir {
    let site = site_copy("small");
    let yaml = site.path().join("data/site.yaml");
    let text = fs::read_to_string(&yaml).unwrap().replace(
        "    unit_checklists: true\n",
        "    unit_checklists: true\n    exports: true\n",
    );
    fs::write(&yaml, text).unwrap();
    let unit = site.path().join("data/units/balliol-example.yaml");
    let text = fs::read_to_string(&unit)
        .unwrap()
        .replace("holder: Gil Sample", "holder: \"=HYPERLINK(1)\"");
    fs::write(&unit, text).unwrap();
    fs::write(
        site.path().join("content/exports.md"),
        "---\ntitle: Lists to download\naudiences: [coordinators]\n---\nFor the mail merge.\n",
    )
    .unwrap();
    let deciding = site.path().join("content/deciding.md");
    let text = fs::read_to_string(&deciding).unwrap()
        + "\n::: only coordinators\nThe [exports](@/exports.md) list who moves.\n:::\n";
    fs::write(&deciding, text).unwrap();
    site
}

/// A CSV file's header and rows.
fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn exports_agree_with_the_check_report() {
    let site = exporting_site();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = build(site.path(), &public);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let (check, report) = check_json(site.path());
    assert!(report.is_object(), "{}", stderr(&check));

    let files: BTreeMap<String, Vec<u8>> = tree(&public.join("coordinators/exports"))
        .into_iter()
        .collect();
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let checked = cutover::check(site.path(), today).unwrap();
    let people: BTreeMap<(String, String), (String, String)> = checked
        .model
        .units
        .iter()
        .flat_map(|u| {
            u.lines.iter().map(|l| {
                (
                    (u.id.clone(), l.ext.clone()),
                    (
                        l.holder.clone().unwrap_or_default(),
                        l.email.clone().unwrap_or_default(),
                    ),
                )
            })
        })
        .collect();
    let cohorts: BTreeMap<String, String> = checked
        .model
        .units
        .iter()
        .map(|u| (u.id.clone(), u.cohort.clone().unwrap_or_default()))
        .collect();
    // A cell as the exports write it: one a spreadsheet would run is kept as text.
    let guarded = |s: &str| {
        if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        }
    };

    // Per tranche: (unit, ext) of every line the report has moving in it.
    let mut moving: BTreeMap<u64, BTreeSet<(String, String)>> = BTreeMap::new();
    for line in report["lines"].as_array().unwrap() {
        if line["status"] == "moving"
            && let Some(t) = line["tranche"].as_u64()
        {
            moving.entry(t).or_default().insert((
                line["unit"].as_str().unwrap().to_string(),
                line["ext"].as_str().unwrap().to_string(),
            ));
        }
    }
    // Per email day: (unit, ext, move date) of everyone to email.
    let mut emails: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    let tranches = report["tranches"].as_array().unwrap();
    assert!(tranches.len() > 1);
    for tranche in tranches {
        let n = tranche["number"].as_u64().unwrap();
        let date = tranche["date"].as_str().unwrap();
        let lines = moving.remove(&n).unwrap_or_default();
        let name = format!("tranche-{n}.csv");
        let (header, rows) = read_csv(files.get(&name).unwrap_or_else(|| panic!("{name}")));
        assert_eq!(header, ["ext", "holder", "email", "unit", "cohort", "date"]);
        assert_eq!(rows.len(), lines.len(), "{name}");
        assert_eq!(
            tranche["placed"].as_u64(),
            Some(rows.len() as u64),
            "{name}"
        );
        let mut seen = BTreeSet::new();
        for row in &rows {
            let key = (row[3].clone(), row[0].clone());
            let (holder, email) = &people[&key];
            assert_eq!(
                (&row[1], &row[2], &row[4], row[5].as_str()),
                (&guarded(holder), email, &cohorts[&row[3]], date),
                "{name}"
            );
            seen.insert(key);
        }
        assert_eq!(seen, lines, "{name}");
        for day in tranche["emails"].as_array().unwrap() {
            for (unit, ext) in &lines {
                emails
                    .entry(day.as_str().unwrap().to_string())
                    .or_default()
                    .push((unit.clone(), ext.clone(), date.to_string()));
            }
        }
    }
    assert!(moving.is_empty(), "lines moving in no tranche: {moving:?}");
    assert!(emails.len() > 1);

    let labels = ["3 weeks before", "1 week before", "last working day"];
    for (day, mut want) in emails.clone() {
        let name = format!("emails-{day}.csv");
        let (header, rows) = read_csv(files.get(&name).unwrap_or_else(|| panic!("{name}")));
        assert_eq!(
            header,
            ["email", "holder", "ext", "unit", "move_date", "which"]
        );
        let mut got: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| {
                let (holder, email) = &people[&(r[3].clone(), r[2].clone())];
                assert_eq!((&r[0], &r[1]), (email, &guarded(holder)), "{name}");
                assert!(labels.contains(&r[5].as_str()), "{name}: {}", r[5]);
                (r[3].clone(), r[2].clone(), r[4].clone())
            })
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name}");
    }
    // No other files: the tranches', the days', and the index.
    let expected: BTreeSet<String> = tranches
        .iter()
        .map(|t| format!("tranche-{}.csv", t["number"]))
        .chain(emails.keys().map(|d| format!("emails-{d}.csv")))
        .chain(["index.html".to_string()])
        .collect();
    assert_eq!(files.keys().cloned().collect::<BTreeSet<_>>(), expected);

    // The index lists each file with its rows and its size, under its intro.
    let index = String::from_utf8(files["index.html"].clone()).unwrap();
    assert!(index.contains("<h1>Lists to download</h1>"), "{index}");
    assert!(index.contains("For the mail merge."));
    for (name, bytes) in &files {
        if name == "index.html" {
            continue;
        }
        let rows = read_csv(bytes).1.len();
        let row = index
            .split("<tr>")
            .find(|r| r.contains(&format!("href=\"{name}\"")))
            .unwrap_or_else(|| panic!("{name} is not listed"));
        assert!(
            row.contains(&format!("data-label=\"Rows\">{rows}</td>")),
            "{name}: {row}"
        );
        assert!(
            row.contains(&format!("<data value=\"{}\">", bytes.len())),
            "{name}: {row}"
        );
    }
}

#[test]
fn the_exports_are_in_the_navigation_of_their_audience_only() {
    let site = exporting_site();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = build(site.path(), &public);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let home = fs::read_to_string(public.join("coordinators/index.html")).unwrap();
    assert!(
        home.contains("href=\"exports/index.html\""),
        "no exports in the navigation"
    );
    let deciding = fs::read_to_string(public.join("coordinators/deciding/index.html")).unwrap();
    assert!(deciding.contains("href=\"../exports/index.html\""));
    for audience in ["moving", "staying"] {
        let files = tree(&public.join(audience));
        assert!(
            files.iter().all(|(p, b)| !p.starts_with("exports/")
                && !String::from_utf8_lossy(b).contains("exports/index.html")),
            "{audience} has the exports"
        );
    }
}

#[test]
fn without_exports_nothing_changes() {
    // The fixture as it is has no exports anywhere.
    let site = site_copy("small");
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = build(site.path(), &public);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        tree(&public).iter().all(|(p, _)| !p.contains("/exports/")),
        "exports built without `exports: true`"
    );
    assert!(!Path::new(&public.join("coordinators/exports")).exists());
}

#[test]
fn rebuilds_with_caches_remake_the_exports_as_a_full_build_does() {
    use cutover::{Caches, render_site, render_site_cached};
    let site = exporting_site();
    let root = site.path();
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let files = |site: cutover::Rendered| -> BTreeMap<String, Vec<u8>> {
        site.files
            .into_iter()
            .filter(|(p, _)| p.contains("/exports/"))
            .map(|(p, b)| (p, b.to_vec()))
            .collect()
    };
    let mut caches = Caches::default();
    let first = files(render_site_cached(root, today, None, &mut caches).unwrap());
    assert!(first.keys().any(|p| p.ends_with("tranche-1.csv")));
    // A holder renamed and a tranche moved: the files and the index's sizes follow.
    let unit = root.join("data/units/physics.yaml");
    let text = fs::read_to_string(&unit).unwrap();
    fs::write(&unit, text.replace("Eve Sample", "Eve Samples-Longer")).unwrap();
    let tranches = root.join("data/tranches.yaml");
    let text = fs::read_to_string(&tranches).unwrap();
    fs::write(&tranches, text.replace("2022-06-20", "2022-06-21")).unwrap();
    let cached = files(render_site_cached(root, today, None, &mut caches).unwrap());
    let full = files(render_site(root, today, None).unwrap());
    assert_ne!(cached, first);
    assert_eq!(cached, full);
}
