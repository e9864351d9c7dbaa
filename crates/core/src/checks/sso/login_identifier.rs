use async_trait::async_trait;

use super::config;
use super::identifier::{self, Source};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;

/// The identifier users sign in with comes from the attribute SCIM provisions as `userName`.
pub struct LoginIdentifierMatchesUsername;

static DOC: CheckDoc = CheckDoc {
    id: "sso/login-identifier-matches-username",
    title: "Users sign in with the same identifier that provisioning sends as userName",
    what: "Compares where the sign-in identifier comes from (`--login-identifier`: the SAML NameID source such as \
           `user.userprincipalname` or `user.mail`, or an OIDC claim such as `email`, `upn`, `preferred_username`, \
           `sub`, `oid`; without it, the NameID format of a captured response when that format says enough) with \
           where SCIM `userName` comes from (`--scim-username-source`, else the IdP's default mapping: Entra \
           userPrincipalName, Okta the Okta username; OneLogin's default is unconfirmed, so it must be named). \
           Spellings of one attribute count as one (`user.userprincipalname`, `upn`, Entra's `preferred_username`). \
           Same origin passes; two different real attributes warn (they agree only while they are equal for every \
           user); a transient or per-application id (Entra `sub`, persistent NameID) fails, since no SCIM userName \
           can ever equal it.",
    why: "The app links a sign-in to an account by the identifier. If SSO sends the UPN while provisioning created the \
          account under the mail address (or the other way round), the provisioned user cannot sign in to their \
          account: just-in-time provisioning creates a second, empty account, or sign-in finds nobody.",
    fix: "Take both from the same attribute: set the sign-in identifier (SAML NameID / OIDC claim) and the SCIM userName \
          mapping to one source (usually the UPN in Entra, the Okta username in Okta), or make the app join users on \
          a stable id both sides send.",
    references: &[
        "https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes",
        "https://learn.microsoft.com/entra/identity/saas-apps/catchpoint-tutorial",
        "https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference",
        "https://iqm-pro.help.ideagen.com/hc/en-gb/articles/31517236660370-Troubleshooting-duplicate-accounts-created-via-SSO",
    ],
    diagnoses: &["saml/nameid-format"],
};

#[async_trait]
impl Check for LoginIdentifierMatchesUsername {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        let named = config(target).is_some_and(|c| c.login_identifier.is_some());
        let response = crate::checks::saml::config(target).is_some_and(|c| c.response.is_some());
        if named || (config(target).is_some() && response) {
            Ok(())
        } else {
            Err(
                "give --login-identifier (the NameID source or OIDC claim users sign in with)"
                    .into(),
            )
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let target = ctx.target();
        let idp = target.idp;
        let Some(c) = config(target) else {
            return Verdict::Skip("no SSO settings given".into());
        };
        let login = match &c.login_identifier {
            Some(raw) => identifier::classify(raw, idp),
            None => {
                let format = crate::checks::saml::load_response(ctx)
                    .and_then(|(_, r)| r.name_id_format.clone())
                    .unwrap_or_default();
                match identifier::from_nameid_format(&format) {
                    Some(s) => s,
                    None => {
                        return Verdict::Skip(format!(
                            "the response's NameID format `{format}` does not say which attribute it comes from; give --login-identifier"
                        ));
                    }
                }
            }
        };
        let (scim, scim_where) = match &c.scim_username_source {
            Some(raw) => (identifier::classify(raw, idp), "the SCIM userName mapping"),
            None => match identifier::default_scim_username(idp) {
                Some((s, place)) => (s, place),
                None => {
                    return Verdict::Skip(format!(
                        "the default SCIM userName source of {} is not confirmed; give --scim-username-source",
                        idp.display_name()
                    ));
                }
            },
        };
        let login_where = identifier::login_setting(idp);
        if login == scim {
            return Verdict::pass_with_note(
                Vec::new(),
                format!("sign-in and SCIM userName both come from {}", login.label()),
            );
        }
        let expected = format!(
            "the sign-in identifier taken from {}, like userName",
            scim.label()
        );
        let actual = format!(
            "users sign in with {}, but provisioning sends {} as userName",
            login.label(),
            scim.label()
        );
        if login.is_opaque() || (login == Source::ObjectId && scim != Source::ObjectId) {
            let why = if login == Source::Transient {
                "A transient NameID differs at every sign-in: with JIT on, every sign-in creates another account; without \
                 it, nobody can ever sign in."
            } else {
                "No SCIM userName can equal this id: every provisioned user is an account nobody signs in to, and JIT \
                 creates a duplicate at the first sign-in."
            };
            return Verdict::fail(
                expected,
                actual,
                Vec::new(),
                Cause::new("saml/nameid-format").detail(format!(
                    "{why} Change the sign-in identifier ({login_where}) to {}, or change userName ({scim_where}).",
                    scim.label()
                )),
            );
        }
        Verdict::warn(
            expected,
            actual,
            Vec::new(),
            Cause::new("saml/nameid-format").detail(format!(
                "This works only while both attributes hold the same value for every user; where they differ, the \
                 provisioned account is never signed in to and JIT creates a duplicate. Align them: {login_where}; \
                 or {scim_where}."
            )),
        )
    }
}
