use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::discovery::discovery_url;
use crate::probe::{AuthMode, Req};
use crate::target::Target;
use crate::trace::params::{base_of, resolve};

/// Most redirects followed from the logout URL before calling it a loop.
const MAX_HOPS: usize = 10;

/// What the admin configured for sign-out, and where the IdP says sign-out lives.
#[derive(Clone, Debug, Default)]
pub struct LogoutConfig {
    /// The logout URL configured in the app (or the IdP tile).
    pub url: String,
    /// The issuer, to read `end_session_endpoint` from its discovery document.
    pub issuer: Option<String>,
    /// SingleLogoutService locations from the IdP's SAML metadata.
    pub slo_locations: Vec<String>,
}

/// The configured logout URL answers, does not loop, and is the IdP's sign-out endpoint.
/// Sends requests only to the URLs the admin gave (and the redirects they answer with).
pub struct LogoutUrlValid {
    config: Option<LogoutConfig>,
}

pub static LISTED: LogoutUrlValid = LogoutUrlValid { config: None };

static DOC: CheckDoc = CheckDoc {
    id: "sso/logout-url-valid",
    title: "The logout URL answers, does not loop, and is the IdP's sign-out endpoint",
    what: "Requests the configured logout URL without credentials and follows its redirects (at most 10), failing on a \
           repeated URL, an error status or no answer. Compares it — or a step of its redirect chain — with the IdP's \
           `end_session_endpoint` (OIDC discovery of `--issuer`) or SingleLogoutService (SAML `--metadata`).",
    why: "A wrong logout URL gives infinite logout loops and \"bounced\" sessions: the user signs out of the app, the \
          IdP session survives, and the next click signs them straight back in — or the browser bounces between app \
          and IdP until it gives up.",
    fix: "Set the app's logout URL to the IdP's end_session_endpoint (OIDC) or SingleLogoutService location (SAML), \
          and make sure the app's post-logout page does not start a new sign-in.",
    references: &[
        "OpenID Connect RP-Initiated Logout 1.0 §2",
        "SAML 2.0 Profiles §4.4 (Single Logout)",
        "https://explore.airia.com/contact-us/sso-troubleshooting-guide (Verify Logout URL)",
    ],
    diagnoses: &["sso/logout-url"],
};

impl LogoutUrlValid {
    pub fn with(config: LogoutConfig) -> LogoutUrlValid {
        LogoutUrlValid {
            config: Some(config),
        }
    }
}

#[async_trait]
impl Check for LogoutUrlValid {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, _: &Target, _: &RunOptions) -> Result<(), String> {
        match &self.config {
            Some(_) => Ok(()),
            None => Err("no logout URL given (`preflight trace --logout-url URL`)".into()),
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let Some(config) = &self.config else {
            return Verdict::Skip("no logout URL given".into());
        };
        let mut evidence = Vec::new();
        let fail = |actual: String, evidence: Vec<String>| {
            Verdict::fail(
                "the logout URL answers without an error, ends, and is the IdP's sign-out endpoint",
                actual,
                evidence,
                Cause::new("sso/logout-url"),
            )
        };
        let mut expected: Vec<String> = config.slo_locations.clone();
        if let Some(issuer) = &config.issuer {
            let x = ctx
                .probe
                .fetch(
                    Req::get(discovery_url(issuer))
                        .auth(AuthMode::None)
                        .purpose("OIDC discovery (end_session_endpoint)"),
                )
                .await;
            evidence.push(x.id.clone());
            if let Some(end) = x
                .response
                .as_ref()
                .filter(|r| r.status == 200)
                .and_then(|r| r.json())
                .and_then(|j| j.get("end_session_endpoint")?.as_str().map(str::to_string))
            {
                expected.push(end);
            }
        }
        let mut chain: Vec<String> = Vec::new();
        let mut url = config.url.clone();
        loop {
            if chain.iter().any(|u| u == &url) {
                return fail(
                    format!(
                        "the logout URL loops: {} is requested again after {} redirect(s)",
                        base_of(&url),
                        chain.len()
                    ),
                    evidence,
                );
            }
            if chain.len() > MAX_HOPS {
                return fail(
                    format!("more than {MAX_HOPS} redirects from the logout URL"),
                    evidence,
                );
            }
            chain.push(url.clone());
            let x = ctx
                .probe
                .send(
                    Req::get(url.clone())
                        .auth(AuthMode::None)
                        .purpose("logout URL"),
                )
                .await;
            evidence.push(x.id.clone());
            let Some(r) = &x.response else {
                let why = x
                    .failure
                    .as_ref()
                    .map(|f| format!("{} ({})", f.message, f.code))
                    .unwrap_or_default();
                return fail(format!("{} did not answer: {why}", base_of(&url)), evidence);
            };
            if (300..400).contains(&r.status) {
                match r.headers.get("location") {
                    Some(loc) => {
                        url = resolve(&url, loc);
                        continue;
                    }
                    None => {
                        return fail(
                            format!(
                                "{} answered HTTP {} without a Location",
                                base_of(&url),
                                r.status
                            ),
                            evidence,
                        );
                    }
                }
            }
            if r.status >= 400 {
                return fail(
                    format!("{} answered HTTP {}", base_of(&url), r.status),
                    evidence,
                );
            }
            break;
        }
        if !expected.is_empty()
            && !chain
                .iter()
                .any(|u| expected.iter().any(|e| base_of(u) == base_of(e)))
        {
            return fail(
                format!(
                    "the logout URL {} never reaches the IdP's sign-out endpoint {}",
                    base_of(&config.url),
                    expected
                        .iter()
                        .map(|e| base_of(e))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
                evidence,
            );
        }
        Verdict::pass_with_note(
            evidence,
            format!(
                "the logout URL ends after {} step(s){}",
                chain.len(),
                if expected.is_empty() {
                    " (no --issuer or --metadata to compare it with)"
                } else {
                    " and passes through the IdP's sign-out endpoint"
                }
            ),
        )
    }
}

/// `SingleLogoutService` locations of an IdP's SAML metadata (empty when unreadable).
pub fn single_logout_locations(metadata_xml: &str) -> Vec<String> {
    use crate::federation::saml::{NS_MD, parse_xml};
    let Ok(doc) = parse_xml(metadata_xml) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| n.has_tag_name((NS_MD, "SingleLogoutService")))
        .filter_map(|n| n.attribute("Location").map(str::to_string))
        .collect()
}
