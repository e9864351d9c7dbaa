use async_trait::async_trait;
use serde_json::Value;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{TOKEN_GATE, unexpected};
use crate::probe::Req;
use crate::scim::{list_shape, member};

/// `GET /Users?startIndex=1&count=2` — the call Okta's Test API Credentials makes.
pub struct UsersListShape;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-list-shape",
    title: "/Users returns a well-formed ListResponse",
    what: "Sends `GET /Users?startIndex=1&count=2` and checks the ListResponse: the ListResponse URN in \
           `schemas`, integer `totalResults`, `Resources` (capital R) holding at most `count` users, integer \
           `startIndex`/`itemsPerPage`, and every user with `id` and `userName`.",
    why: "IdPs parse this shape to match and import users. Okta's import shows 0 users when `Resources` or \
          `totalResults` is missing or mistyped; Entra cannot match existing accounts and may create duplicates.",
    fix: "For the SCIM service provider: return RFC 7644 §3.4.2 ListResponses. Nothing in the IdP can work \
          around a malformed list.",
    references: &["RFC 7644 §3.4.2", "RFC 7644 §3.4.2.4"],
    diagnoses: &["scim/list-response-shape"],
};

#[async_trait]
impl Check for UsersListShape {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        let x = ctx
            .probe
            .fetch(Req::get("/Users?startIndex=1&count=2").purpose("list users"))
            .await;
        let expected = "a ListResponse with at most 2 users";
        let Some(json) = x
            .response
            .as_ref()
            .filter(|r| r.status == 200)
            .and_then(|r| r.json())
        else {
            return if x.status() == Some(200) {
                Verdict::fail(
                    expected,
                    "200 with a body that is not JSON",
                    vec![x.id.clone()],
                    Cause::new("scim/list-response-shape"),
                )
            } else {
                unexpected(&x, expected)
            };
        };
        let shape = list_shape(&json);
        let mut problems = shape.problems.clone();
        if shape.resources.len() > 2 {
            problems.push(format!(
                "{} users returned for count=2",
                shape.resources.len()
            ));
        }
        for user in &shape.resources {
            for field in ["id", "userName"] {
                if !member(user, field).is_some_and(Value::is_string) {
                    problems.push(format!("a user lacks a string `{field}`"));
                }
            }
        }
        problems.dedup();
        if problems.is_empty() {
            Verdict::pass_with_note(
                vec![x.id.clone()],
                format!("{} users in total", shape.total_results.unwrap_or(0)),
            )
        } else {
            Verdict::fail(
                expected,
                problems.join("; "),
                vec![x.id.clone()],
                Cause::new("scim/list-response-shape"),
            )
        }
    }
}
