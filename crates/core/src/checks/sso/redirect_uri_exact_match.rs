use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::redirect;
use crate::target::{Idp, Target};

/// The redirect URI the app sends is registered at the IdP, byte for byte.
pub struct RedirectUriExactMatch;

static DOC: CheckDoc = CheckDoc {
    id: "sso/redirect-uri-exact-match",
    title: "The app's redirect URI is registered at the IdP exactly",
    what: "Compares the redirect URI the app sends (`--redirect-uri`) with the one registered at the IdP \
           (`--registered-redirect-uri`) byte for byte, as IdPs do, and names the first part that differs: scheme, \
           host, port, path, upper/lower case, trailing slash, percent-encoding, query or fragment. Loopback URIs \
           that differ only in the port are accepted (Entra ignores the port of `http://localhost`; RFC 8252 allows \
           any port on loopback). For Entra it also applies the registration rules: https except \
           `http://localhost`, no wildcards, none of `! $ ' ( ) , ;`, at most 256 characters. Whether Okta accepts \
           wildcards is unconfirmed, so a `*` is compared literally like any other byte. Nothing is sent.",
    why: "A redirect URI that differs in a single character makes the IdP stop the sign-in with its own error page \
          (Entra AADSTS50011, Okta 400 \"The 'redirect_uri' parameter must be a Login redirect URI…\", OneLogin \
          `redirect_uri_mismatch`); to users it can look like a 503 or a redirect loop.",
    fix: "Register the exact URI the app sends — Entra: App registrations > app > Authentication; Okta: Applications > \
          app > General > Sign-in redirect URIs; OneLogin: app > Configuration > Redirect URIs (changes can take about \
          10 minutes). Or change the app to send the registered one.",
    references: &[
        "RFC 6749 §3.1.2, §3.1.2.3",
        "RFC 9700",
        "RFC 8252 §7.3",
        "https://learn.microsoft.com/entra/identity-platform/reply-url",
        "https://learn.microsoft.com/troubleshoot/azure/active-directory/error-code-aadsts50011-redirect-uri-mismatch",
    ],
    diagnoses: &["sso/redirect-uri-mismatch"],
};

#[async_trait]
impl Check for RedirectUriExactMatch {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        match crate::checks::oidc::config(target) {
            Some(c) if c.redirect_uri.is_some() && c.registered_redirect_uri.is_some() => Ok(()),
            _ => Err("give --redirect-uri and --registered-redirect-uri to compare them".into()),
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let Some(c) = crate::checks::oidc::config(ctx.target()) else {
            return Verdict::Skip("no redirect URIs configured".into());
        };
        let (sent, registered) = (
            c.redirect_uri.clone().unwrap_or_default(),
            c.registered_redirect_uri.clone().unwrap_or_default(),
        );
        let mut rules = redirect::generic_problems(&sent);
        if ctx.target().idp == Idp::Entra {
            rules.extend(redirect::entra_problems(&registered));
        }
        if !rules.is_empty() {
            return Verdict::fail(
                "a redirect URI the IdP accepts",
                rules.join("; "),
                Vec::new(),
                Cause::new("sso/redirect-uri-mismatch"),
            );
        }
        match redirect::compare(&registered, &sent) {
            None => Verdict::pass(Vec::new()),
            Some(_) if redirect::loopback_port_only(&registered, &sent) => Verdict::pass_with_note(
                Vec::new(),
                "loopback redirect URIs that differ only in the port are accepted",
            ),
            Some(diff) => Verdict::fail(
                format!("registered: {registered}"),
                format!("sent: {sent} — {}", diff.describe()),
                Vec::new(),
                Cause::new("sso/redirect-uri-mismatch").detail(format!(
                    "Register exactly `{sent}`, or make the app send `{registered}`."
                )),
            ),
        }
    }
}
