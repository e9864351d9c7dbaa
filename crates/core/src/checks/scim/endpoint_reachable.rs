use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{is_web_page, outcome, unexpected};
use crate::exchange::{Exchange, RecordedResponse};
use crate::probe::{AuthMode, Req};
use crate::scim::{SERVICE_PROVIDER_CONFIG, has_schema, list_shape};
use crate::target::join;

/// The gate for every network check: does the base URL answer like a SCIM service?
pub struct EndpointReachable;

static DOC: CheckDoc = CheckDoc {
    id: "scim/endpoint-reachable",
    title: "The base URL answers as a SCIM service",
    what: "Fetches `/ServiceProviderConfig` under the base URL. A network or TLS failure is named precisely; a \
           404 or non-SCIM answer is followed by probing one segment deeper (`/v2`, `/scim/v2`, `/scim`) and by \
           `/Users`, to tell a missing version segment from a URL that is not SCIM at all (an HTML login page, \
           another API's JSON).",
    why: "A wrong base URL is the most common setup mistake: every IdP call 404s or hits a web page, and the \
          IdP reports only a generic failure.",
    fix: "Use the exact SCIM base URL from the vendor's documentation for your tenant and environment, including \
          the version segment (often `/scim/v2`), with no resource path after it.",
    references: &["RFC 7644 §4", "RFC 7643 §5"],
    diagnoses: &[
        "net/dns-failure",
        "net/connection-refused",
        "net/timeout",
        "net/proxy-required",
        "tls/untrusted-certificate",
        "tls/hostname-mismatch",
        "tls/expired-certificate",
        "tls/protocol-version",
        "net/connection-closed",
        "url/missing-version-segment",
        "url/not-scim",
        "url/redirects",
        "scim/server-error",
        "scim/rate-limited",
    ],
};

/// Segments a vendor's base URL commonly lacks.
const DEEPER: &[&str] = &["/v2", "/scim/v2", "/scim", "/api/scim/v2"];

/// A 401/403 as an API gives it, not a web page (see `is_web_page`: django-scim2 answers 401
/// with an empty body that Django labels `text/html`, plus a Bearer challenge).
fn api_auth_answer(r: &RecordedResponse) -> bool {
    matches!(r.status, 401 | 403) && !is_web_page(r)
}

fn is_scim_spc(x: &Exchange) -> bool {
    x.status() == Some(200)
        && x.response
            .as_ref()
            .and_then(|r| r.json())
            .is_some_and(|j| has_schema(&j, SERVICE_PROVIDER_CONFIG) || j.get("patch").is_some())
}

/// The server answered here, but its own `meta.location` says the canonical base is deeper
/// (servers that serve both `/` and `/v2`): the IdP should be given the canonical one.
fn canonical_base_check(ctx: &RunCtx<'_>, spc: &Exchange, expected: &str) -> Verdict {
    let location = spc.response.as_ref().and_then(|r| r.json()).and_then(|j| {
        j.pointer("/meta/location")
            .and_then(|l| l.as_str())
            .map(str::to_string)
    });
    let base_path = ctx
        .target()
        .base_url
        .path()
        .trim_end_matches('/')
        .to_string();
    let canonical = location
        .as_deref()
        .and_then(|l| url::Url::parse(l).ok())
        .map(|u| u.path().trim_end_matches('/').to_string())
        .and_then(|p| p.strip_suffix("/ServiceProviderConfig").map(str::to_string));
    match canonical {
        Some(c) if c != base_path && c.starts_with(&format!("{base_path}/")) => {
            let mut suggested = ctx.target().base_url.clone();
            suggested.set_path(&c);
            Verdict::warn(
                expected,
                format!("the server answers here, but its own meta.location names {c} as the SCIM root"),
                vec![spc.id.clone()],
                Cause::new("url/missing-version-segment").detail(format!(
                    "Use {} as the base URL; the shorter one only works because this server also answers there.",
                    suggested.as_str().trim_end_matches('/')
                )),
            )
        }
        _ => Verdict::pass(vec![spc.id.clone()]),
    }
}

#[async_trait]
impl Check for EndpointReachable {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let mut spc = ctx
            .probe
            .fetch(Req::get("/ServiceProviderConfig").purpose("discovery with the token"))
            .await;
        // No access token could be obtained, so nothing was sent: that says nothing about the URL.
        // Judge the URL without a credential; auth/users-accepts-token names the failed grant.
        if spc
            .failure
            .as_ref()
            .is_some_and(|f| f.code == "auth/client-credentials-failed")
        {
            spc = ctx
                .probe
                .fetch(
                    Req::get("/ServiceProviderConfig")
                        .auth(AuthMode::None)
                        .purpose("discovery without a token"),
                )
                .await;
        }
        let expected = "200 with a SCIM ServiceProviderConfig";
        let Some(r) = &spc.response else {
            return unexpected(&spc, expected);
        };
        // A 429 says nothing about the URL: it is the rate limit, not a missing SCIM root.
        if r.is_redirect() || r.status >= 500 || r.status == 429 {
            return unexpected(&spc, expected);
        }
        if is_scim_spc(&spc) {
            return canonical_base_check(ctx, &spc, expected);
        }
        if api_auth_answer(r) {
            return Verdict::pass_with_note(
                vec![spc.id.clone()],
                format!("the endpoint answered {} — see the auth checks", r.status),
            );
        }
        // Not SCIM here: is it one segment deeper?
        let mut evidence = vec![spc.id.clone()];
        let base = &ctx.target().base_url;
        for segment in DEEPER {
            if base.path().trim_end_matches('/').ends_with(segment) {
                continue;
            }
            let deeper_base = join(base, segment);
            let x = ctx
                .probe
                .fetch(
                    Req::get(format!("{deeper_base}/ServiceProviderConfig"))
                        .auth(AuthMode::None)
                        .purpose("probe one segment deeper"),
                )
                .await;
            evidence.push(x.id.clone());
            if is_scim_spc(&x)
                || (matches!(x.status(), Some(401))
                    && x.response.as_ref().is_some_and(|r| {
                        api_auth_answer(r)
                            && (r.json().is_some() || r.header("www-authenticate").is_some())
                    }))
            {
                return Verdict::fail(
                    expected,
                    format!(
                        "{} here, but {deeper_base} answers like SCIM",
                        outcome(&spc)
                    ),
                    evidence,
                    Cause::new("url/missing-version-segment")
                        .detail(format!("Use {deeper_base} as the base URL.")),
                );
            }
        }
        if r.looks_like_html() {
            return unexpected(&spc, expected);
        }
        // Maybe only discovery is missing: does /Users answer like SCIM?
        let users = ctx
            .probe
            .fetch(Req::get("/Users?startIndex=1&count=1").purpose("/Users with the real token"))
            .await;
        evidence.push(users.id.clone());
        let users_is_scim = users
            .response
            .as_ref()
            .and_then(|r| r.json())
            .is_some_and(|j| list_shape(&j).total_results.is_some());
        let users_answers_auth = users
            .response
            .as_ref()
            .is_some_and(|r| api_auth_answer(r) && r.header("www-authenticate").is_some());
        if users_answers_auth {
            return Verdict::pass_with_note(
                evidence,
                "/ServiceProviderConfig is missing, but /Users asks for credentials like an API — see the auth checks",
            );
        }
        if users_is_scim {
            return Verdict::pass_with_note(
                evidence,
                "/Users answers like SCIM although /ServiceProviderConfig does not — see scim/discovery-shape",
            );
        }
        let what = if r.json().is_some() {
            "JSON that is not SCIM"
        } else {
            "a response that is not SCIM"
        };
        Verdict::fail(
            expected,
            format!("{} — {what}", outcome(&spc)),
            evidence,
            Cause::new("url/not-scim")
                .candidates(&["url/missing-version-segment", "url/wrong-tenant"]),
        )
    }
}
