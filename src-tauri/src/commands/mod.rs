//! IPC commands, one file per concern. Each is declared in `build.rs` and granted in
//! `capabilities/main.json`.

pub mod checks;
pub mod demo;
pub mod profiles;
pub mod report;
pub mod results;
pub mod run;
pub mod secrets;
