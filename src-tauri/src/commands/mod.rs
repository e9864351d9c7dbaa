//! IPC commands, one file per concern. Each is declared in `build.rs` and granted in
//! `capabilities/main.json`.

pub mod checks;
pub mod demo;
pub mod guides;
pub mod lifecycle;
pub mod mapping;
pub mod profiles;
pub mod quarantine;
pub mod report;
pub mod results;
pub mod rotation;
pub mod run;
pub mod secrets;
pub mod vendors;
// Issue 5/6/8 screens: write mode, provision on demand, scan, journal sweep, SSO, explainer, bundle.
pub mod bundle;
pub mod cleanup;
pub mod explain;
pub mod provision;
pub mod scan;
pub mod sso;
pub mod trace;
pub mod write;
