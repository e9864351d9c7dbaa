use async_trait::async_trait;
use serde_json::Value;
use std::collections::HashSet;

use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::idp::{OKTA_USER_AGENT, applies_to};
use crate::checks::judge::{TOKEN_GATE, outcome};
use crate::probe::Req;
use crate::scim::{list_shape, member};
use crate::target::{Idp, Target};

/// Okta's user import: pages of 100 until `totalResults`.
pub struct OktaImportUsers;

/// Bound on pages read, so a server that never ends its list cannot keep us busy.
const MAX_PAGES: u64 = 20;

static DOC: CheckDoc = CheckDoc {
    id: "okta/import-users",
    title: "Okta import reads every user, page by page",
    what: "Reads `/Users` the way Okta's import does: `startIndex=1&count=100`, then `startIndex=101`, … until \
           `totalResults` (at most 20 pages here). Checks that every page is a ListResponse, that no user \
           appears twice and that the number read matches `totalResults`.",
    why: "If paging is wrong, Okta's import shows 0 users, loops, or misses users — and the admin only notices \
          when people are missing or duplicated later.",
    fix: "For the SCIM service provider: stable ordering and correct `startIndex`/`count`/`totalResults`. In Okta: \
          the app > Import > Import Now to confirm.",
    references: &[
        "https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/",
        "RFC 7644 §3.4.2.4",
    ],
    diagnoses: &["scim/pagination", "scim/list-response-shape"],
};

#[async_trait]
impl Check for OktaImportUsers {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies_to(Idp::Okta, target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        let mut evidence = Vec::new();
        let mut seen = HashSet::new();
        let mut duplicates = 0usize;
        let mut start = 1u64;
        let mut total = None;
        for _ in 0..MAX_PAGES {
            let x = ctx
                .probe
                .send(
                    Req::get(format!("/Users?startIndex={start}&count=100"))
                        .header("user-agent", Some(OKTA_USER_AGENT))
                        .purpose("Okta import"),
                )
                .await;
            evidence.push(x.id.clone());
            let Some(json) = x
                .response
                .as_ref()
                .filter(|r| r.status == 200)
                .and_then(|r| r.json())
            else {
                return Verdict::fail(
                    "200 ListResponse pages",
                    format!("page at startIndex={start} → {}", outcome(&x)),
                    evidence,
                    Cause::new("scim/pagination"),
                );
            };
            let shape = list_shape(&json);
            if !shape.problems.is_empty() {
                return Verdict::fail(
                    "ListResponse pages",
                    shape.problems.join("; "),
                    evidence,
                    Cause::new("scim/list-response-shape"),
                );
            }
            let page_total = shape.total_results.unwrap_or(0);
            total = Some(page_total);
            if shape.resources.len() > 100 {
                return Verdict::fail(
                    "at most 100 users per page",
                    format!("{} users on one page", shape.resources.len()),
                    evidence,
                    Cause::new("scim/pagination"),
                );
            }
            for user in &shape.resources {
                let id = member(user, "id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                if !seen.insert(id) {
                    duplicates += 1;
                }
            }
            if shape.resources.is_empty() || start + shape.resources.len() as u64 > page_total {
                break;
            }
            start += shape.resources.len() as u64;
        }
        let total = total.unwrap_or(0);
        let read = seen.len() as u64;
        if duplicates > 0 || (read != total && total <= MAX_PAGES * 100) {
            return Verdict::fail(
                format!("{total} distinct users, as totalResults says"),
                format!(
                    "read {read} distinct users in {} pages ({duplicates} repeated)",
                    evidence.len()
                ),
                evidence,
                Cause::new("scim/pagination"),
            );
        }
        Verdict::pass_with_note(evidence, format!("{read} users imported"))
    }
}
