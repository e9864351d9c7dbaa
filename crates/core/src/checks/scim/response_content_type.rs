use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{TOKEN_GATE, outcome};
use crate::probe::Req;
use crate::scim::SCIM_MEDIA_TYPE;

/// Media types of every SCIM response so far, and `Accept: application/json` negotiation.
pub struct ResponseContentType;

static DOC: CheckDoc = CheckDoc {
    id: "scim/response-content-type",
    title: "Responses are application/scim+json",
    what: "Looks at the `Content-Type` of every JSON response recorded in this run (case-insensitive, parameters \
           such as `charset` ignored) and sends one `GET /Users` with `Accept: application/json`, which must not \
           be refused.",
    why: "RFC 7644 §3.8 asks for `application/scim+json`. Microsoft's SCIM validator stops on \
          `application/json`, while Entra's Test Connection does not ask for scim+json, so a server that insists \
          on it with 406 fails the test. A body labelled `text/html` or `text/plain` is treated as an error page.",
    fix: "For the SCIM service provider: send `Content-Type: application/scim+json` on every SCIM response and \
          accept both `application/scim+json` and `application/json` in `Accept`.",
    references: &[
        "RFC 7644 §3.8",
        "RFC 7644 §8.1",
        "https://github.com/MicrosoftDocs/azure-docs/issues/104859",
        "https://github.com/MicrosoftDocs/azure-docs/issues/94189",
    ],
    diagnoses: &["scim/content-type"],
};

#[async_trait]
impl Check for ResponseContentType {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        // The request every IdP makes, with the default `Accept` (shared with other checks).
        ctx.probe
            .fetch(Req::get("/Users?startIndex=1&count=1").purpose("/Users with the real token"))
            .await;
        let negotiated = ctx
            .probe
            .fetch(
                Req::get("/Users?startIndex=1&count=1")
                    .header("accept", Some("application/json"))
                    .purpose("Accept: application/json"),
            )
            .await;
        if matches!(negotiated.status(), Some(406) | Some(415)) {
            return Verdict::fail(
                "200 for Accept: application/json",
                outcome(&negotiated),
                vec![negotiated.id.clone()],
                Cause::new("scim/content-type").detail("The server refuses clients that do not ask for application/scim+json; Entra's Test Connection is such a client."),
            );
        }
        // Without the base URL's query (Entra's `?aadOptscim062020`), which requests do not start with.
        let base = crate::target::join(&ctx.target().base_url, "");
        let mut plain_json = Vec::new();
        let mut wrong = Vec::new();
        let mut seen = Vec::new();
        for x in ctx.probe.exchanges() {
            let Some(r) = &x.response else { continue };
            if !x.request.url.starts_with(&base) || r.body.trim().is_empty() || r.json().is_none() {
                continue;
            }
            // A client that asked for application/json may rightly get it back (RFC 7644 §3.8).
            if x.request
                .headers
                .get("accept")
                .is_some_and(|a| a.eq_ignore_ascii_case("application/json"))
            {
                continue;
            }
            seen.push(x.id.clone());
            match r.media_type().as_deref() {
                Some(SCIM_MEDIA_TYPE) => {}
                Some("application/json") => plain_json.push(x.id.clone()),
                other => wrong.push((x.id.clone(), other.unwrap_or("none").to_string())),
            }
        }
        if seen.is_empty() {
            return Verdict::Skip("no JSON response from the SCIM endpoint to inspect".into());
        }
        if let Some((_, media)) = wrong.first() {
            return Verdict::fail(
                "Content-Type: application/scim+json",
                format!(
                    "JSON labelled `{media}` ({} of {} responses)",
                    wrong.len(),
                    seen.len()
                ),
                wrong.iter().map(|(id, _)| id.clone()).collect(),
                Cause::new("scim/content-type"),
            );
        }
        if !plain_json.is_empty() {
            return Verdict::warn(
                "Content-Type: application/scim+json",
                format!(
                    "application/json ({} of {} responses)",
                    plain_json.len(),
                    seen.len()
                ),
                plain_json,
                Cause::new("scim/content-type"),
            );
        }
        Verdict::pass(seen)
    }
}
