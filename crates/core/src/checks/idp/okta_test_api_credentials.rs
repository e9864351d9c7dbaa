use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::idp::{OKTA_USER_AGENT, applies_to};
use crate::checks::judge::{ENDPOINT_GATE, outcome, unexpected};
use crate::probe::Req;
use crate::scim::list_shape;
use crate::target::{Idp, Target};

/// Okta's "Test API Credentials" button.
pub struct OktaTestApiCredentials;

static DOC: CheckDoc = CheckDoc {
    id: "okta/test-api-credentials",
    title: "Okta Test API Credentials succeeds",
    what: "Sends what Okta sends when you click Test API Credentials: `GET /Users?startIndex=1&count=2`, then \
           `GET /Groups?startIndex=1&count=100`, with `User-Agent: Okta SCIM Client 1.0.0`. Both must answer 200 \
           with a ListResponse whose numbers are integers. Okta documents this sequence for SCIM 1.1; that SCIM \
           2.0 apps use the same one comes from a vendor's reference (not confirmed by Okta). The request \
           `Accept` header is not documented; Preflight sends `application/scim+json`.",
    why: "Okta will not enable provisioning until the credentials test passes, and it reports only that the \
          test failed.",
    fix: "Follow the diagnosis below; then in Okta open the app > Provisioning > Integration, and click Test API \
          Credentials.",
    references: &[
        "https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-11/",
        "https://docs.delinea.com/online-help/delinea-platform/scim/okta-scim-provisioning/okta-scim-endpoint-reference.htm",
    ],
    diagnoses: &["auth/token-rejected", "scim/list-response-shape"],
};

#[async_trait]
impl Check for OktaTestApiCredentials {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies_to(Idp::Okta, target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[ENDPOINT_GATE]) {
            return blocked;
        }
        let mut evidence = Vec::new();
        for path in [
            "/Users?startIndex=1&count=2",
            "/Groups?startIndex=1&count=100",
        ] {
            let x = ctx
                .probe
                .send(
                    Req::get(path)
                        .header("user-agent", Some(OKTA_USER_AGENT))
                        .purpose("Okta Test API Credentials"),
                )
                .await;
            evidence.push(x.id.clone());
            let expected = format!("200 with a ListResponse for {path}");
            if x.status() != Some(200) {
                let mut verdict = unexpected(&x, &expected);
                if let Verdict::Fail(f) = &mut verdict {
                    f.evidence = evidence.clone();
                }
                return verdict;
            }
            let problems = x
                .response
                .as_ref()
                .and_then(|r| r.json())
                .map(|j| list_shape(&j).problems)
                .unwrap_or_else(|| vec!["the body is not JSON".into()]);
            if !problems.is_empty() {
                return Verdict::fail(
                    expected,
                    format!("{}: {}", outcome(&x), problems.join("; ")),
                    evidence,
                    Cause::new("scim/list-response-shape"),
                );
            }
        }
        Verdict::pass(evidence)
    }
}
