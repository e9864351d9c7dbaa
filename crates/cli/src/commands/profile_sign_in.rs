//! The `--sso-…` and `--redirect-uri` flags of `preflight profile add` and `profile set`: the
//! app's SSO sign-in as registered at the IdP, which the tenant-routing lint
//! (`preflight profile lint`) and `preflight trace --profile` compare.

use clap::Args;
use preflight_core::profile::{ProfileError, SignIn};

#[derive(Args, Debug, Default)]
pub struct SignInArgs {
    /// The SSO app's display name at the IdP (Entra enterprise app, Okta/OneLogin app).
    #[arg(long, value_name = "NAME")]
    pub sso_app_name: Option<String>,
    /// The OIDC client ID (application ID) the app signs in with.
    #[arg(long, value_name = "ID")]
    pub sso_client_id: Option<String>,
    /// The OIDC issuer the app is configured with (https URL).
    #[arg(long, value_name = "URL")]
    pub sso_issuer: Option<String>,
    /// The IdP tenant: Entra tenant ID or domain, Okta/OneLogin subdomain.
    #[arg(long, value_name = "TENANT")]
    pub sso_tenant: Option<String>,
    /// A redirect (callback/ACS) URI registered at the IdP, exactly as registered; repeat the
    /// flag for each. https, or http only for localhost.
    #[arg(long = "redirect-uri", value_name = "URI")]
    pub redirect_uris: Vec<String>,
}

impl SignInArgs {
    pub fn is_empty(&self) -> bool {
        self.sso_app_name.is_none()
            && self.sso_client_id.is_none()
            && self.sso_issuer.is_none()
            && self.sso_tenant.is_none()
            && self.redirect_uris.is_empty()
    }

    /// `base` with the flags given laid over it: a flag replaces that fact (an empty value
    /// clears it); `--redirect-uri` replaces the whole list.
    pub fn apply(&self, base: &SignIn) -> SignIn {
        let over = |flag: &Option<String>, kept: &Option<String>| match flag {
            Some(v) => Some(v.clone()),
            None => kept.clone(),
        };
        SignIn {
            app_name: over(&self.sso_app_name, &base.app_name),
            client_id: over(&self.sso_client_id, &base.client_id),
            issuer: over(&self.sso_issuer, &base.issuer),
            tenant_id: over(&self.sso_tenant, &base.tenant_id),
            redirect_uris: if self.redirect_uris.is_empty() {
                base.redirect_uris.clone()
            } else {
                self.redirect_uris.clone()
            },
        }
        .normalised()
    }
}

/// The flag a sign-in validation error came from, for the one-line usage error.
pub fn flag_of(error: &ProfileError) -> Option<&'static str> {
    match error {
        ProfileError::InvalidSignIn { field, .. } => Some(match *field {
            "app name" => "--sso-app-name",
            "client ID" => "--sso-client-id",
            "issuer" => "--sso-issuer",
            "tenant ID" => "--sso-tenant",
            _ => "--redirect-uri",
        }),
        _ => None,
    }
}

/// The `profile show` lines of the recorded sign-in (nothing when none is recorded).
pub fn show_lines(s: &SignIn) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = |label: &str, value: &str| lines.push(format!("{label:15}{value}"));
    if let Some(v) = &s.app_name {
        line("sso app name:", v);
    }
    if let Some(v) = &s.client_id {
        line("sso client id:", v);
    }
    if let Some(v) = &s.issuer {
        line("sso issuer:", v);
    }
    if let Some(v) = &s.tenant_id {
        line("sso tenant:", v);
    }
    for uri in &s.redirect_uris {
        line("redirect uri:", uri);
    }
    lines
}
