use async_trait::async_trait;

use super::config;
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;

/// There is a way back in when SSO breaks: a local admin that does not sign in through SSO.
pub struct BreakGlassAdmin;

static DOC: CheckDoc = CheckDoc {
    id: "sso/break-glass-admin",
    title: "A local (non-SSO) admin account exists for when SSO breaks",
    what: "Asks for the app's break-glass admin (`--break-glass-admin NAME`, or `none`). Warns when the question is not \
           answered or the answer is `none`. Fails when the account's email domain is one of the allowed / login \
           domains, because the app then sends that admin to the IdP like everyone else. Passes for a local account \
           on a domain outside the SSO list. Preflight cannot see the app's user list, so it records the answer, \
           it does not prove that the account works: sign in with it after every SSO change.",
    why: "Enforcing SSO with no account outside it locks every admin out when the IdP side breaks (an expired signing \
          certificate, a changed redirect URI, a deleted app registration): nobody can sign in to fix the app's \
          settings. Keep one admin with local authentication on a non-SSO domain; in Entra keep at least two \
          cloud-only emergency accounts that are not federated or synced.",
    fix: "Create (or keep) one admin in the app with local authentication on a domain that is not in the SSO \
          allowlist, store its credentials in a safe, monitor its sign-ins and test it regularly. Do not enforce SSO \
          for that account.",
    references: &[
        "https://explore.airia.com/contact-us/sso-troubleshooting-guide",
        "https://learn.microsoft.com/entra/identity/role-based-access-control/security-emergency-access",
    ],
    diagnoses: &["sso/break-glass-admin"],
};

#[async_trait]
impl Check for BreakGlassAdmin {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        config(target)
            .map(|_| ())
            .ok_or_else(|| "no SSO settings given".into())
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let Some(c) = config(ctx.target()) else {
            return Verdict::Skip("no SSO settings given".into());
        };
        let expected = "a local admin account that does not sign in through SSO";
        let answer = c.break_glass_admin.as_deref().map(str::trim).unwrap_or("");
        if answer.is_empty() || answer.eq_ignore_ascii_case("none") {
            let actual = if answer.is_empty() {
                "not answered: is there an admin who can sign in without SSO? (--break-glass-admin NAME or none)"
            } else {
                "no break-glass admin: if SSO breaks, no admin can sign in to fix it"
            };
            return Verdict::warn(
                expected,
                actual,
                Vec::new(),
                Cause::new("sso/break-glass-admin").detail(
                    "Keep one admin with local authentication on a domain outside the SSO allowlist before enforcing SSO.",
                ),
            );
        }
        let domain = answer.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
        if let Some(d) = &domain
            && c.allowed_domains
                .iter()
                .any(|a| a.trim().trim_start_matches('@').eq_ignore_ascii_case(d))
        {
            return Verdict::fail(
                expected,
                format!("`{answer}` is on `{d}`, an SSO domain: the app sends this admin to the IdP too"),
                Vec::new(),
                Cause::new("sso/break-glass-admin").detail(format!(
                    "Use an admin on a domain that is not in the allowlist (for example the app's own or an \
                     `*.onmicrosoft.com` cloud-only account), or exempt `{answer}` from SSO enforcement."
                )),
            );
        }
        Verdict::pass_with_note(
            Vec::new(),
            format!(
                "break-glass admin `{answer}`{}; sign in with it after every SSO change to prove it still works",
                match domain {
                    Some(d) => format!(" on `{d}`, outside the SSO domains"),
                    None => " (a local account name)".into(),
                }
            ),
        )
    }
}
