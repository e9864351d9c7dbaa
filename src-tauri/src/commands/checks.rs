//! `list_checks`: the plan the Checks screen shows before a run.

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CheckInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub what: &'static str,
    pub fix: &'static str,
}

// Off the GTK main thread: the first screen asks for this while WebKit is still drawing.
#[tauri::command(async)]
pub fn list_checks() -> Vec<CheckInfo> {
    preflight_core::checks::read_only()
        .iter()
        .map(|c| {
            let doc = c.doc();
            CheckInfo {
                id: doc.id,
                title: doc.title,
                what: doc.what,
                fix: doc.fix,
            }
        })
        .collect()
}
