//! The seed coverage map (`docs/seed-coverage.md`) is a promise: every failure mode that the
//! vendor pages in `shared/seeds/` describe is detected and explained by Preflight, and a test
//! proves it. This test keeps the map true. For every table row it checks that
//!
//! * each diagnosis code is in the catalogue (`preflight explain CODE` works),
//! * each check ID is a released one (`check-ids.txt`),
//! * each proving file exists and is a test (under a `tests/` directory, or a source file with
//!   `#[test]`), and that the proofs between them name every code and check of the row — a
//!   replay fixture must *expect* them (check ID as an `expect` key, code as its `diagnosis`),
//!   any other file must contain them — plus every extra phrase the row quotes for that file.
//!
//! So renaming a code, retiring a check, deleting a fixture or dropping a guidance sentence
//! fails here instead of leaving a stale claim in the document.
//!
//! Row format (one table per seed; cells must not contain `|`):
//! `| 001-04 | failure | how Preflight detects it | `check/id` or — | `code` or guidance only | proofs |`
//! where proofs are separated by `<br>` and each is `` `path` `` optionally followed by quoted
//! phrases (`` `phrase` ``) that must occur in that file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use preflight_core::diagnosis;

/// The repository root (two levels above this crate).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text between pairs of backticks in a table cell.
fn ticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// One proving file and the phrases the row quotes from it.
#[derive(Debug)]
struct Proof {
    path: String,
    phrases: Vec<String>,
}

#[derive(Debug)]
struct Row {
    line: usize,
    seed: String,
    id: String,
    checks: Vec<String>,
    codes: Vec<String>,
    detection: String,
    proofs: Vec<Proof>,
}

/// Seed sections (`## … (`NNN_….txt`)`) and their rows; shape errors go into `errors`.
fn parse(doc: &str, errors: &mut Vec<String>) -> (Vec<String>, Vec<Row>) {
    let mut seeds = Vec::new();
    let mut rows = Vec::new();
    let mut seed: Option<String> = None;
    for (i, line) in doc.lines().enumerate() {
        let n = i + 1;
        if let Some(heading) = line.strip_prefix("## ") {
            seed = ticked(heading).into_iter().find(|t| t.ends_with(".txt"));
            if let Some(s) = &seed {
                seeds.push(s.clone());
            }
            continue;
        }
        let Some(seed) = &seed else { continue };
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if cells
            .first()
            .is_some_and(|c| *c == "#" || c.starts_with("---"))
        {
            continue;
        }
        if cells.len() != 6 {
            errors.push(format!(
                "line {n}: a row needs 6 cells (#, failure, detection, check, diagnosis, proof), found {}",
                cells.len()
            ));
            continue;
        }
        let proofs = cells[5]
            .split("<br>")
            .filter_map(|part| {
                let mut t = ticked(part).into_iter();
                t.next().map(|path| Proof {
                    path,
                    phrases: t.collect(),
                })
            })
            .collect();
        rows.push(Row {
            line: n,
            seed: seed.clone(),
            id: cells[0].to_string(),
            detection: cells[2].to_string(),
            checks: ticked(cells[3]),
            codes: ticked(cells[4]),
            proofs,
        });
    }
    (seeds, rows)
}

/// What a proving file establishes: the codes and check IDs it asserts.
struct Evidence {
    text: String,
    /// For a replay fixture: the `expect` keys and the diagnoses they expect.
    fixture: Option<(BTreeSet<String>, BTreeSet<String>)>,
}

impl Evidence {
    fn load(path: &str) -> Result<Evidence, String> {
        let full = repo().join(path);
        let text =
            std::fs::read_to_string(&full).map_err(|e| format!("cannot read {path}: {e}"))?;
        let in_tests = Path::new(path)
            .components()
            .any(|c| c.as_os_str() == "tests");
        if !in_tests && !text.contains("#[test]") && !text.contains("#[tokio::test]") {
            return Err(format!(
                "{path} is not a test (not under tests/, no #[test])"
            ));
        }
        let fixture = if path.starts_with("tests/fixtures/checks/") && path.ends_with(".json") {
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("{path}: not JSON: {e}"))?;
            let expect = json
                .get("expect")
                .and_then(|e| e.as_object())
                .ok_or_else(|| format!("{path}: a replay fixture without `expect`"))?;
            let checks = expect.keys().cloned().collect();
            let codes = expect
                .values()
                .filter_map(|v| v.get("diagnosis").and_then(|d| d.as_str()))
                .map(str::to_string)
                .collect();
            Some((checks, codes))
        } else {
            None
        };
        Ok(Evidence { text, fixture })
    }

    fn proves_check(&self, id: &str) -> bool {
        match &self.fixture {
            Some((checks, _)) => checks.contains(id),
            None => self.text.contains(id),
        }
    }

    fn proves_code(&self, code: &str) -> bool {
        match &self.fixture {
            Some((_, codes)) => codes.contains(code),
            None => self.text.contains(code),
        }
    }
}

/// Every problem with one row, in words that say what to fix.
fn judge(row: &Row, released: &[&str]) -> Vec<String> {
    let at = format!("{} (line {})", row.id, row.line);
    let mut out = Vec::new();
    let prefix = row.seed.get(..3).unwrap_or_default();
    if !row.id.starts_with(&format!("{prefix}-")) {
        out.push(format!(
            "{at}: row IDs in the {} table start with {prefix}-",
            row.seed
        ));
    }
    if row.detection.is_empty() {
        out.push(format!("{at}: say how Preflight detects or explains it"));
    }
    for code in &row.codes {
        if diagnosis::find(code).is_none() {
            out.push(format!("{at}: `{code}` is not in catalogue.toml"));
        }
    }
    for id in &row.checks {
        if !released.contains(&id.as_str()) {
            out.push(format!("{at}: `{id}` is not in check-ids.txt"));
        }
    }
    if row.proofs.is_empty() {
        out.push(format!("{at}: no proving test"));
        return out;
    }
    if row.codes.is_empty()
        && row.checks.is_empty()
        && row.proofs.iter().all(|p| p.phrases.is_empty())
    {
        out.push(format!(
            "{at}: with no code and no check, quote what the proof asserts (a `phrase` after the path)"
        ));
    }
    let mut loaded = Vec::new();
    for proof in &row.proofs {
        match Evidence::load(&proof.path) {
            Ok(ev) => {
                for phrase in &proof.phrases {
                    if !ev.text.contains(phrase.as_str()) {
                        out.push(format!("{at}: {} does not contain `{phrase}`", proof.path));
                    }
                }
                loaded.push(ev);
            }
            Err(e) => out.push(format!("{at}: {e}")),
        }
    }
    if loaded.len() == row.proofs.len() {
        for code in &row.codes {
            if !loaded.iter().any(|ev| ev.proves_code(code)) {
                out.push(format!("{at}: no proof asserts diagnosis `{code}`"));
            }
        }
        for id in &row.checks {
            if !loaded.iter().any(|ev| ev.proves_check(id)) {
                out.push(format!("{at}: no proof exercises check `{id}`"));
            }
        }
    }
    out
}

#[test]
fn every_seed_failure_is_detected_explained_and_proven() {
    let doc = std::fs::read_to_string(repo().join("docs/seed-coverage.md"))
        .expect("docs/seed-coverage.md");
    let released: Vec<&str> = include_str!("check-ids.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut errors = Vec::new();
    let (seeds, rows) = parse(&doc, &mut errors);

    // Five seed pages, each with a table of its own; a vanished table must not pass quietly.
    assert!(
        seeds.len() >= 5,
        "expected a section per seed file, found {seeds:?}"
    );
    for seed in &seeds {
        let n = rows.iter().filter(|r| &r.seed == seed).count();
        if n < 5 {
            errors.push(format!("{seed}: only {n} rows"));
        }
    }
    // Where the seed directory is present (the project checkout), every page has a section.
    if let Ok(dir) = std::fs::read_dir(repo().join("../shared/seeds")) {
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.ends_with(".txt") && !seeds.contains(&name) {
                errors.push(format!(
                    "seed {name} has no section in docs/seed-coverage.md"
                ));
            }
        }
    }
    let mut ids = BTreeSet::new();
    for row in &rows {
        if !ids.insert(row.id.clone()) {
            errors.push(format!("{}: row ID used twice", row.id));
        }
        errors.extend(judge(row, &released));
    }
    assert!(
        errors.is_empty(),
        "docs/seed-coverage.md is out of date ({} problems):\n  {}",
        errors.len(),
        errors.join("\n  ")
    );
    assert!(rows.len() >= 40, "only {} rows", rows.len());
}

#[test]
fn a_broken_row_is_caught() {
    // The judge itself must be able to fail: a renamed code, an unknown check, a missing file
    // and a phrase the proof does not contain are each reported.
    let doc = "## Seed (`000_x.txt`)\n\
               | # | Failure | Detection | Check | Diagnosis | Proving test |\n\
               |---|---|---|---|---|---|\n\
               | 000-01 | token lacks write | `preflight check` | `auth/token-scope` | `auth/scope-missing` | `tests/fixtures/checks/auth/token-scopes--read-only.json` |\n\
               | 000-02 | x | y | — | guidance only | `crates/core/tests/no-such-test.rs` `z` |\n\
               | 000-03 | x | y | — | guidance only | `crates/core/tests/quarantine.rs` `no such phrase anywhere` |\n\
               | 000-04 | x | y | `auth/token-scopes` | `auth/token-expired` | `tests/fixtures/checks/auth/token-scopes--read-only.json` |\n";
    let released: Vec<&str> = include_str!("check-ids.txt").lines().collect();
    let mut errors = Vec::new();
    let (_, rows) = parse(doc, &mut errors);
    assert_eq!(rows.len(), 4);
    let all: Vec<String> = rows.iter().flat_map(|r| judge(r, &released)).collect();
    let has = |s: &str| all.iter().any(|e| e.contains(s));
    assert!(
        has("`auth/scope-missing` is not in catalogue.toml"),
        "{all:#?}"
    );
    assert!(
        has("`auth/token-scope` is not in check-ids.txt"),
        "{all:#?}"
    );
    assert!(
        has("cannot read crates/core/tests/no-such-test.rs"),
        "{all:#?}"
    );
    assert!(
        has("does not contain `no such phrase anywhere`"),
        "{all:#?}"
    );
    // The fixture runs auth/token-scopes but expects auth/insufficient-scope, not token-expired.
    assert!(
        has("000-04 (line 7): no proof asserts diagnosis `auth/token-expired`"),
        "{all:#?}"
    );
}
