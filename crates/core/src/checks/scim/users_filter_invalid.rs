use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{TOKEN_GATE, outcome, unexpected};
use crate::probe::Req;
use crate::scim::{ScimError, encode_query_value};

/// A filter with an unknown operator must be refused, not silently answered.
pub struct UsersFilterInvalid;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-filter-invalid",
    title: "A malformed filter is refused with invalidFilter",
    what: "Sends `GET /Users?filter=userName zz \"x\"` (an operator that does not exist). Expects 400 with \
           `scimType: invalidFilter`.",
    why: "A server that answers a broken filter with 200 is not parsing filters: it may return all users for the \
          IdP's real match queries too. Okta's conformance runner checks for 400 here.",
    fix: "For the SCIM service provider: parse filters strictly and answer unknown operators or bad syntax with \
          400 `invalidFilter` (RFC 7644 §3.4.2.2, §3.12).",
    references: &["RFC 7644 §3.4.2.2", "RFC 7644 §3.12"],
    diagnoses: &["scim/invalid-filter-accepted", "scim/error-shape"],
};

#[async_trait]
impl Check for UsersFilterInvalid {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        let filter = encode_query_value("userName zz \"x\"", false);
        let x = ctx
            .probe
            .send(Req::get(format!("/Users?filter={filter}")).purpose("malformed filter"))
            .await;
        let expected = "400 with scimType invalidFilter";
        match x.status() {
            Some(200..=299) => Verdict::fail(
                expected,
                outcome(&x),
                vec![x.id.clone()],
                Cause::new("scim/invalid-filter-accepted"),
            ),
            Some(400) => {
                let error = x.response.as_ref().and_then(|r| ScimError::parse(&r.body));
                match error.and_then(|e| e.scim_type) {
                    Some(t) if t.eq_ignore_ascii_case("invalidFilter") => {
                        Verdict::pass(vec![x.id.clone()])
                    }
                    other => Verdict::warn(
                        expected,
                        format!(
                            "400 with scimType {}",
                            other.unwrap_or_else(|| "missing".into())
                        ),
                        vec![x.id.clone()],
                        Cause::new("scim/error-shape"),
                    ),
                }
            }
            _ => unexpected(&x, expected),
        }
    }
}
