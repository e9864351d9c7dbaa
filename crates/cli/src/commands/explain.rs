//! `preflight explain ID`: the long doc of a check or a diagnosis code — the same text the
//! app and the reports show.

use preflight_core::{checks, diagnosis};

pub fn run(id: &str) -> i32 {
    let id = id.trim();
    if let Some(d) = checks::find_doc(id) {
        println!("{} — {}\n", d.id, d.title);
        println!("What it checks\n  {}\n", d.what);
        println!("Why it matters\n  {}\n", d.why);
        println!("How to fix\n  {}\n", d.fix);
        println!("Diagnoses it can name\n  {}\n", d.diagnoses.join(", "));
        println!("References\n  {}", d.references.join("\n  "));
        return crate::exit::OK;
    }
    if let Some(d) = diagnosis::find(id) {
        println!("{} — {}\n", d.code, d.title);
        println!("{}\n", d.summary);
        println!("What the IdP does\n  {}\n", d.idp_impact);
        println!("Fix\n  {}\n", d.fix);
        if !d.explain.trim().is_empty() {
            println!(
                "Explanation\n  {}\n",
                d.explain.trim().replace('\n', "\n  ")
            );
        }
        if !d.references.is_empty() {
            println!("References\n  {}", d.references.join("\n  "));
        }
        let checks: Vec<&str> = checks::all()
            .iter()
            .map(|c| c.doc())
            .chain(checks::scan_docs())
            .filter(|doc| doc.diagnoses.contains(&d.code.as_str()))
            .map(|doc| doc.id)
            .collect();
        if !checks.is_empty() {
            println!("\nNamed by the checks\n  {}", checks.join(", "));
        }
        return crate::exit::OK;
    }
    let known_errors = preflight_core::federation::explain::explain(id);
    if !known_errors.is_empty() {
        for (i, e) in known_errors.iter().enumerate() {
            if i > 0 {
                println!();
            }
            let d = &e.entry;
            println!(
                "{} ({}) — diagnosis {}
",
                e.matched, d.idp, d.diagnosis
            );
            println!(
                "Cause
  {}
",
                d.meaning
            );
            println!(
                "Where to look
  {}
",
                d.location
            );
            println!(
                "Fix
  {}",
                d.fix
            );
        }
        println!(
            "
More: `preflight explain {}`",
            known_errors[0].entry.diagnosis
        );
        return crate::exit::OK;
    }
    let family = id.split('/').next().unwrap_or("");
    let mut near: Vec<String> = checks::all()
        .iter()
        .map(|c| c.doc().id.to_string())
        .chain(checks::scan_docs().iter().map(|d| d.id.to_string()))
        .chain(diagnosis::all().iter().map(|d| d.code.clone()))
        .filter(|k| k.starts_with(&format!("{family}/")))
        .collect();
    near.truncate(8);
    let hint = if near.is_empty() {
        "run `preflight checks` for check IDs; diagnosis codes look like `auth/token-rejected`"
            .to_string()
    } else {
        format!("did you mean one of: {}?", near.join(", "))
    };
    crate::exit::usage(format!(
        "'{id}' is neither a check ID, a diagnosis code, nor an IdP error Preflight knows; {hint}"
    ))
}
