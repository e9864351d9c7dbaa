use async_trait::async_trait;

use crate::check::{Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::idp::applies_to;
use crate::checks::judge::{ENDPOINT_GATE, outcome, unexpected};
use crate::probe::Req;
use crate::scim::{ScimError, encode_query_value, eq_filter, list_shape};
use crate::target::{Idp, Target};

/// Entra's "Test Connection" button, as documented by Microsoft.
pub struct EntraTestConnection;

static DOC: CheckDoc = CheckDoc {
    id: "entra/test-connection",
    title: "Entra Test Connection succeeds",
    what: "Sends what Entra's Test Connection sends: `GET /Users?filter=userName+eq+\"<random GUID>\"` with the \
           Secret Token as a bearer token, `+` for spaces, and no `Accept: application/scim+json` negotiation. \
           Passes on 200 with an empty ListResponse. Unconfirmed by Microsoft: the exact `Accept` header and \
           whether the `aadOptscim062020` query flag is echoed — Preflight sends `Accept: */*` and keeps the \
           Tenant URL's query string as given.",
    why: "Entra will not save provisioning credentials until this test passes, and the failure it shows is \
          generic. The same request opens every provisioning cycle, so a failure here also quarantines a running \
          job.",
    fix: "Follow the diagnosis below; then click Test Connection in Entra (Enterprise applications > your app > \
          Provisioning > Admin Credentials).",
    references: &[
        "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups",
        "https://github.com/MicrosoftDocs/azure-docs/issues/94189",
    ],
    diagnoses: &[
        "auth/token-rejected",
        "auth/insufficient-scope",
        "scim/filter-ignored",
        "scim/filter-unsupported",
        "scim/list-response-shape",
        "scim/content-type",
    ],
};

#[async_trait]
impl Check for EntraTestConnection {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies_to(Idp::Entra, target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[ENDPOINT_GATE]) {
            return blocked;
        }
        let filter = encode_query_value(&eq_filter("userName", &ctx.random_uuid()), true);
        let query = match ctx.target().base_url.query() {
            // The Tenant URL may carry flags such as `aadOptscim062020`; Entra appends to them.
            Some(flags) if !flags.is_empty() => format!("/Users?{flags}&filter={filter}"),
            _ => format!("/Users?filter={filter}"),
        };
        let x = ctx
            .probe
            .send(
                Req::get(query)
                    .header("accept", Some("*/*"))
                    .header("content-type", Some("application/scim+json"))
                    .purpose("Entra Test Connection"),
            )
            .await;
        let expected = "200 with an empty ListResponse";
        if x.status() == Some(200)
            && let Some(json) = x.response.as_ref().and_then(|r| r.json())
        {
            let shape = list_shape(&json);
            let found = shape
                .total_results
                .unwrap_or(0)
                .max(shape.resources.len() as u64);
            if shape.problems.is_empty() && found == 0 {
                return Verdict::pass(vec![x.id.clone()]);
            }
            let (actual, code) = if found > 0 {
                (
                    format!("{found} users for a random GUID — the filter is ignored"),
                    "scim/filter-ignored",
                )
            } else {
                (shape.problems.join("; "), "scim/list-response-shape")
            };
            return Verdict::fail(
                expected,
                actual,
                vec![x.id.clone()],
                crate::check::Cause::new(code).detail("Entra's Test Connection fails."),
            );
        }
        // Not JSON, or 404 for "no match": both are a wrong list answer to Entra (as in scim/users-filter-no-match).
        let not_a_list = x.response.as_ref().is_some_and(|r| {
            !r.looks_like_html()
                && ((r.status == 200 && r.json().is_none())
                    || (r.status == 404
                        && ScimError::parse(&r.body).is_some_and(|e| e.scim_type.is_none())))
        });
        if not_a_list {
            return Verdict::fail(
                expected,
                outcome(&x),
                vec![x.id.clone()],
                crate::check::Cause::new("scim/list-response-shape").detail("Entra expects 200 with an empty ListResponse when nothing matches; its Test Connection fails."),
            );
        }
        unexpected(&x, expected)
    }
}
