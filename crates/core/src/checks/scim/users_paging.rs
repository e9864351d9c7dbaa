use async_trait::async_trait;
use serde_json::Value;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{TOKEN_GATE, outcome};
use crate::probe::Req;
use crate::scim::{list_shape, member};

/// Paging edge cases an IdP import depends on.
pub struct UsersPaging;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-paging",
    title: "Paging with startIndex and count works",
    what: "Sends `count=0` (only `totalResults`), `startIndex=0` (read as 1), and two one-user pages \
           (`startIndex=1&count=1`, `startIndex=2&count=1`), which must return different users when there are \
           at least two.",
    why: "Okta imports users page by page (`startIndex` + `count=100`) until `totalResults`; a server that ignores \
          paging, repeats pages or errors on `count` makes imports loop, stop early or show 0 users.",
    fix: "For the SCIM service provider: implement RFC 7644 §3.4.2.4 paging: 1-based `startIndex` (values below 1 \
          read as 1), never more than `count` results, `count=0` returning only the total.",
    references: &[
        "RFC 7644 §3.4.2.4",
        "https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/",
    ],
    diagnoses: &["scim/pagination"],
};

fn page(x: &crate::exchange::Exchange) -> Option<(u64, Vec<Value>)> {
    let json = x.response.as_ref().filter(|r| r.status == 200)?.json()?;
    let shape = list_shape(&json);
    Some((shape.total_results?, shape.resources))
}

fn first_id(resources: &[Value]) -> Option<String> {
    resources
        .first()
        .and_then(|u| member(u, "id"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

#[async_trait]
impl Check for UsersPaging {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        let mut evidence = Vec::new();
        let mut problems = Vec::new();

        let zero = ctx
            .probe
            .send(Req::get("/Users?startIndex=1&count=0").purpose("paging: count=0"))
            .await;
        evidence.push(zero.id.clone());
        match page(&zero) {
            Some((_, items)) if !items.is_empty() => {
                problems.push(format!("count=0 returned {} users", items.len()))
            }
            Some(_) => {}
            None => problems.push(format!("count=0 → {}", outcome(&zero))),
        }

        let below = ctx
            .probe
            .send(Req::get("/Users?startIndex=0&count=1").purpose("paging: startIndex=0"))
            .await;
        evidence.push(below.id.clone());
        if page(&below).is_none() {
            problems.push(format!(
                "startIndex=0 → {} (must be read as 1)",
                outcome(&below)
            ));
        }

        let p1 = ctx
            .probe
            .send(Req::get("/Users?startIndex=1&count=1").purpose("paging: page 1"))
            .await;
        evidence.push(p1.id.clone());
        match page(&p1) {
            None => problems.push(format!("startIndex=1&count=1 → {}", outcome(&p1))),
            Some((total, items)) => {
                if items.len() > 1 {
                    problems.push(format!("count=1 returned {} users", items.len()));
                }
                if total >= 2 {
                    let p2 = ctx
                        .probe
                        .send(Req::get("/Users?startIndex=2&count=1").purpose("paging: page 2"))
                        .await;
                    evidence.push(p2.id.clone());
                    match page(&p2) {
                        None => problems.push(format!("startIndex=2&count=1 → {}", outcome(&p2))),
                        Some((_, items2)) => {
                            if items2.is_empty() {
                                problems.push(format!(
                                    "page 2 is empty although totalResults is {total}"
                                ));
                            } else if first_id(&items) == first_id(&items2) {
                                problems.push(
                                    "pages 1 and 2 return the same user: startIndex is ignored"
                                        .into(),
                                );
                            }
                        }
                    }
                }
            }
        }
        if problems.is_empty() {
            Verdict::pass(evidence)
        } else {
            Verdict::fail(
                "RFC 7644 §3.4.2.4 paging",
                problems.join("; "),
                evidence,
                Cause::new("scim/pagination"),
            )
        }
    }
}
