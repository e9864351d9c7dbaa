//! Check IDs are a public contract: once released they never change. `check-ids.txt` lists
//! every released ID; a renamed or removed check fails here, and a new check
//! must be added to the list (and to the README) deliberately.

use preflight_core::checks;

#[test]
fn check_ids_match_the_released_list() {
    let released: Vec<&str> = include_str!("check-ids.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let ours: Vec<&str> = checks::all().iter().map(|c| c.doc().id).collect();
    for id in &released {
        assert!(
            ours.contains(id),
            "released check ID {id} is gone: IDs never change once released"
        );
    }
    let new: Vec<&&str> = ours.iter().filter(|id| !released.contains(id)).collect();
    assert!(
        new.is_empty(),
        "new checks must be added to crates/core/tests/check-ids.txt: {new:?}"
    );
}

#[test]
fn every_check_has_a_complete_doc_and_catalogued_diagnoses() {
    for check in checks::all() {
        let d = check.doc();
        let shape = d.id.split_once('/').is_some_and(|(family, rest)| {
            !family.is_empty()
                && !rest.is_empty()
                && d.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '/' || c == '-')
        });
        assert!(
            shape,
            "{}: IDs are family/subject-expectation in kebab-case",
            d.id
        );
        assert!(
            !d.title.is_empty() && !d.what.is_empty() && !d.why.is_empty() && !d.fix.is_empty(),
            "{}: incomplete doc",
            d.id
        );
        assert!(!d.references.is_empty(), "{}: no references", d.id);
        for code in d.diagnoses {
            assert!(
                preflight_core::diagnosis::find(code).is_some(),
                "{}: unknown diagnosis {code}",
                d.id
            );
        }
    }
}

#[test]
fn readme_lists_every_check() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    for check in checks::all() {
        assert!(
            readme.contains(&format!("`{}`", check.doc().id)),
            "README.md does not list {}",
            check.doc().id
        );
    }
}
