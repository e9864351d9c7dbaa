//! `preflight checks`: every check ID with its title.

use preflight_core::checks;

pub fn run() -> i32 {
    let all = checks::all();
    let scan = checks::scan_docs();
    let width = all
        .iter()
        .map(|c| c.doc().id.len())
        .chain(scan.iter().map(|d| d.id.len()))
        .max()
        .unwrap_or(0);
    for check in all {
        println!("{:width$}  {}", check.doc().id, check.doc().title);
    }
    // Scan findings are reported by `preflight scan` only; listed so they can be explained.
    for doc in scan {
        println!("{:width$}  {} (preflight scan)", doc.id, doc.title);
    }
    crate::exit::OK
}
