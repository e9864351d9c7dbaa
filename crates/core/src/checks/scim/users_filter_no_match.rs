use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{TOKEN_GATE, outcome, unexpected};
use crate::probe::Req;
use crate::scim::{ScimError, encode_query_value, eq_filter, list_shape};

/// A filter for a user that cannot exist must find nobody.
pub struct UsersFilterNoMatch;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-filter-no-match",
    title: "A userName filter for an unknown user finds nobody",
    what: "Sends `GET /Users?filter=userName eq \"<random>@example.invalid\"`. Expects 200 with `totalResults: 0`.",
    why: "Every IdP starts creating a user by searching for it. A server that ignores the filter returns other \
          users, and the IdP links the new person to the wrong account; one that rejects the filter makes every \
          create fail. A 404 instead of an empty list is accepted by Okta and OneLogin but fails Entra.",
    fix: "For the SCIM service provider: support `userName eq` filters and answer no match with an empty \
          ListResponse (200, `totalResults: 0`).",
    references: &[
        "RFC 7644 §3.4.2.2",
        "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups",
    ],
    diagnoses: &[
        "scim/filter-ignored",
        "scim/filter-unsupported",
        "scim/list-response-shape",
    ],
};

#[async_trait]
impl Check for UsersFilterNoMatch {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        let absent = format!("preflight-absent-{}@example.invalid", ctx.random_uuid());
        let filter = encode_query_value(&eq_filter("userName", &absent), false);
        let x = ctx
            .probe
            .send(
                Req::get(format!("/Users?filter={filter}"))
                    .purpose("filter for a user that does not exist"),
            )
            .await;
        let expected = "200 with totalResults 0";
        match x.status() {
            Some(200) => {
                let Some(json) = x.response.as_ref().and_then(|r| r.json()) else {
                    return Verdict::fail(expected, "200 with a body that is not JSON", vec![x.id.clone()], Cause::new("scim/list-response-shape"));
                };
                let shape = list_shape(&json);
                let found = shape.total_results.unwrap_or(0).max(shape.resources.len() as u64);
                if found > 0 {
                    Verdict::fail(expected, format!("{found} users returned — the filter was ignored"), vec![x.id.clone()], Cause::new("scim/filter-ignored"))
                } else if !shape.problems.is_empty() {
                    Verdict::fail(expected, shape.problems.join("; "), vec![x.id.clone()], Cause::new("scim/list-response-shape"))
                } else {
                    Verdict::pass(vec![x.id.clone()])
                }
            }
            Some(404) if ScimError::parse(&x.response.as_ref().map(|r| r.body.clone()).unwrap_or_default()).is_some_and(|e| e.scim_type.is_none()) => Verdict::fail(
                expected,
                outcome(&x),
                vec![x.id.clone()],
                Cause::new("scim/list-response-shape").detail("404 for \"no match\" is accepted by Okta and OneLogin, but Entra expects 200 with an empty list."),
            ),
            Some(400) | Some(501) => Verdict::fail(expected, outcome(&x), vec![x.id.clone()], Cause::new("scim/filter-unsupported")),
            _ => unexpected(&x, expected),
        }
    }
}
