use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::idp::applies_to;
use crate::checks::judge::{ENDPOINT_GATE, outcome, unexpected};
use crate::probe::Req;
use crate::scim::{encode_query_value, eq_filter, list_shape};
use crate::target::{Idp, Target};

/// OneLogin's connection test when provisioning is enabled.
pub struct OneloginTestConnection;

static DOC: CheckDoc = CheckDoc {
    id: "onelogin/test-connection",
    title: "OneLogin's connection test succeeds",
    what: "Sends what OneLogin documents for its connection test: a `userName` filter for a user known not to \
           exist. Success is an empty list or 404. OneLogin's developer guide asks for `application/json` \
           responses; whether it rejects `application/scim+json` is not confirmed, so a mismatch only warns.",
    why: "OneLogin runs this test when provisioning is enabled on the app; if it fails, no user is provisioned.",
    fix: "Follow the diagnosis below; in OneLogin check the app's Configuration tab (SCIM Base URL, SCIM Bearer \
          Token), then re-enable provisioning on the Provisioning tab.",
    references: &[
        "https://developers.onelogin.com/scim/implement-scim-api",
        "https://developers.onelogin.com/scim/test-your-scim",
    ],
    diagnoses: &[
        "auth/token-rejected",
        "scim/filter-ignored",
        "scim/content-type",
    ],
};

#[async_trait]
impl Check for OneloginTestConnection {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies_to(Idp::Onelogin, target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[ENDPOINT_GATE]) {
            return blocked;
        }
        let absent = format!("preflight-onelogin-{}", ctx.random_uuid());
        let filter = encode_query_value(&eq_filter("userName", &absent), false);
        let x = ctx
            .probe
            .send(
                Req::get(format!("/Users?filter={filter}"))
                    .header("accept", Some("application/json"))
                    .purpose("OneLogin connection test"),
            )
            .await;
        let expected = "200 with an empty list, or 404";
        match x.status() {
            Some(404) => Verdict::pass(vec![x.id.clone()]),
            Some(200) => {
                let Some(json) = x.response.as_ref().and_then(|r| r.json()) else {
                    return Verdict::fail(
                        expected,
                        "200 with a body that is not JSON",
                        vec![x.id.clone()],
                        Cause::new("scim/list-response-shape"),
                    );
                };
                let shape = list_shape(&json);
                if shape.total_results.unwrap_or(0) > 0 || !shape.resources.is_empty() {
                    return Verdict::fail(
                        expected,
                        format!(
                            "{} — users returned for a name that does not exist",
                            outcome(&x)
                        ),
                        vec![x.id.clone()],
                        Cause::new("scim/filter-ignored"),
                    );
                }
                let media = x
                    .response
                    .as_ref()
                    .and_then(|r| r.media_type())
                    .unwrap_or_default();
                if media != "application/json" && ctx.target().idp == Idp::Onelogin {
                    return Verdict::warn(
                        "Content-Type: application/json (OneLogin's guide)",
                        format!("Content-Type: {media}"),
                        vec![x.id.clone()],
                        Cause::new("scim/content-type").detail("OneLogin's developer guide asks for application/json; whether it rejects other types is not confirmed."),
                    );
                }
                Verdict::pass(vec![x.id.clone()])
            }
            _ => unexpected(&x, expected),
        }
    }
}
