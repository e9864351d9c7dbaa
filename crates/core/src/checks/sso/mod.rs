//! Sign-in flow checks that apply to OIDC and SAML alike: redirect URIs, and whether sign-in
//! and provisioning agree (the identifier, the login domains, a way back in when SSO breaks).

mod break_glass_admin;
mod domain_allowlist;
mod identifier;
mod login_identifier;
mod redirect_uri_exact_match;

pub use break_glass_admin::BreakGlassAdmin;
pub use domain_allowlist::DomainAllowlistValid;
pub use login_identifier::LoginIdentifierMatchesUsername;
pub use redirect_uri_exact_match::RedirectUriExactMatch;

use crate::federation::SsoConfig;
use crate::target::Target;

pub(crate) fn config(target: &Target) -> Option<&SsoConfig> {
    target.federation.as_ref().and_then(|f| f.sso.as_ref())
}
