//! `preflight cleanup`: remove objects left behind by runs that did not finish (crash,
//! `kill -9`, network loss). Only objects that have a journal entry AND a `preflight-test-`
//! name are ever touched; an object whose id was never learned is found by its name.

use serde_json::Value;

use super::journal::{self, Pending};
use crate::dialect::ObjectKind;
use crate::dialect::TEST_PREFIX;
use crate::probe::{Probe, Req};
use crate::scim::{encode_query_value, eq_filter, list_shape, member};

#[derive(Debug, Default, PartialEq)]
pub struct SweepOutcome {
    /// Objects deleted on the target.
    pub deleted: usize,
    /// Entries closed without a delete (never created, already gone).
    pub absent: usize,
    /// Entries left open because the target could not be asked (kept for the next sweep).
    pub failed: Vec<String>,
}

/// Sweep every open entry of `dir` that belongs to the probe's base URL (and to `run`, when
/// given: the end of a run only touches its own objects, never another run's in progress).
pub async fn sweep(probe: &Probe, dir: &std::path::Path, run: Option<&str>) -> SweepOutcome {
    let base = probe.target().base_url.as_str().to_string();
    let mut out = SweepOutcome::default();
    let mut open: Vec<Pending> = journal::pending(dir)
        .into_iter()
        .filter(|p| same_base(&p.base_url, &base) && run.is_none_or(|r| p.run == r))
        .collect();
    // Groups first: they point at users.
    open.sort_by_key(|p| if p.kind == ObjectKind::Group { 0 } else { 1 });
    for p in open {
        if !has_prefix(&p.name) {
            // Not ours by name: never touched, and kept so a human can look at it.
            out.failed.push(format!(
                "{} {}: name without the {TEST_PREFIX} prefix, left alone",
                p.kind.endpoint(),
                p.name
            ));
            continue;
        }
        match remove(probe, &p).await {
            Ok(n) => {
                if n == 0 {
                    out.absent += 1
                } else {
                    out.deleted += n
                }
                let _ = journal::close(&p);
            }
            Err(e) => out
                .failed
                .push(format!("{} {}: {e}", p.kind.endpoint(), p.name)),
        }
    }
    journal::prune(dir);
    out
}

/// The prefix check, ignoring case (a test upper-cases a userName on purpose).
pub fn has_prefix(name: &str) -> bool {
    name.to_ascii_lowercase().starts_with(TEST_PREFIX)
}

pub fn same_base(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// Delete the object(s) of one entry; the number deleted.
async fn remove(probe: &Probe, p: &Pending) -> Result<usize, String> {
    let endpoint = p.kind.endpoint();
    let ids: Vec<String> = match &p.id {
        Some(id) => {
            let x = probe
                .send(
                    Req::get(format!("/{endpoint}/{id}"))
                        .purpose("cleanup: is the test object still there?"),
                )
                .await;
            match x.status() {
                Some(404) => return Ok(0),
                Some(200) => {
                    // The id must still name our object; otherwise it is not ours to delete.
                    let name = x.response.as_ref().and_then(|r| r.json()).and_then(|j| {
                        member(&j, p.kind.name_attribute())
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    });
                    if name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(&p.name))
                    {
                        vec![id.clone()]
                    } else {
                        return Ok(0);
                    }
                }
                _ => return Err(format!("GET answered {}", x.summary())),
            }
        }
        None => {
            let filter = encode_query_value(&eq_filter(p.kind.name_attribute(), &p.name), false);
            let x = probe
                .send(
                    Req::get(format!("/{endpoint}?filter={filter}"))
                        .purpose("cleanup: find a test object whose id was never learned"),
                )
                .await;
            let Some(json) = x
                .response
                .as_ref()
                .filter(|r| r.status == 200)
                .and_then(|r| r.json())
            else {
                return Err(format!("search answered {}", x.summary()));
            };
            list_shape(&json)
                .resources
                .iter()
                .filter(|r| {
                    member(r, p.kind.name_attribute())
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case(&p.name) && has_prefix(n))
                })
                .filter_map(|r| member(r, "id").and_then(Value::as_str).map(str::to_string))
                .collect()
        }
    };
    let mut deleted = 0;
    for id in ids {
        let x = probe
            .send(
                Req::new("DELETE", format!("/{endpoint}/{id}"))
                    .purpose("cleanup: remove a Preflight test object"),
            )
            .await;
        match x.status() {
            Some(s) if (200..300).contains(&s) => deleted += 1,
            Some(404) => {}
            _ => return Err(format!("DELETE answered {}", x.summary())),
        }
    }
    Ok(deleted)
}
