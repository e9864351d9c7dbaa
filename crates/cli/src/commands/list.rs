//! `preflight checks`: every check ID with its title.

use preflight_core::checks;

pub fn run() -> i32 {
    let all = checks::all();
    let width = all.iter().map(|c| c.doc().id.len()).max().unwrap_or(0);
    for check in all {
        println!("{:width$}  {}", check.doc().id, check.doc().title);
    }
    crate::exit::OK
}
