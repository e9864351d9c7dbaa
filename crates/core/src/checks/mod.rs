//! Every check, one file each, grouped by family. [`read_only`] is the default plan, in the
//! order checks run (gates first, run-wide judges last).

pub mod auth;
pub mod http;
pub mod idp;
pub(crate) mod judge;
pub mod oidc;
pub mod saml;
pub mod scim;
pub mod sso;
pub mod trace;
pub mod url;
pub mod write;

use crate::check::Check;

/// The read-only plan: nothing is created, changed or deleted on the target.
pub fn read_only() -> Vec<&'static dyn Check> {
    vec![
        &auth::TokenWellFormed,
        &auth::TokenNotExpired,
        &auth::TokenScopes,
        &url::Https,
        &url::BasePathShape,
        &auth::ClientCredentialsGrant,
        &scim::EndpointReachable,
        &scim::DiscoveryUnauthenticated,
        &scim::DiscoveryShape,
        &auth::UsersRequiresCredential,
        &auth::UsersRejectsWrongToken,
        &auth::UsersAcceptsToken,
        &scim::UsersListShape,
        &scim::UsersFilterNoMatch,
        &scim::UsersFilterEq,
        &scim::UsersFilterInvalid,
        &scim::UsersPaging,
        &scim::ErrorBodyShape,
        &scim::GroupsListShape,
        &url::LocationSameHost,
        &idp::EntraTestConnection,
        &idp::OktaTestApiCredentials,
        &idp::OktaImportUsers,
        &idp::OneloginTestConnection,
        // Judges every JSON response above, so it runs after them.
        &scim::ResponseContentType,
        &http::NoRedirect,
        &http::RateLimit,
        &http::ResponseTime,
        // Only when the run names a vendor whose profile calls for them.
        &crate::vendor::checks::TokenPrefix,
        &crate::vendor::checks::DiscoveryUnauthenticated,
        &crate::vendor::checks::RequiredAttributesDeclared,
        &crate::vendor::checks::RequiredAttributesMapped,
        &crate::vendor::checks::MappingAttributesDeclared,
    ]
}

/// The `preflight oidc` plan: discovery, issuer, JWKS, the client-credentials grant, the
/// access token, clocks, and the redirect URI. Nothing is changed anywhere.
pub fn oidc_plan() -> Vec<&'static dyn Check> {
    vec![
        &oidc::DiscoveryValid,
        &oidc::IssuerExactMatch,
        &oidc::JwksValid,
        &auth::ClientCredentialsGrant,
        &oidc::AccessTokenValid,
        &oidc::ClockSkew,
        &sso::RedirectUriExactMatch,
    ]
}

/// The `preflight saml` plan: metadata and certificates, SP settings, then a captured response
/// (its signature first: it also refuses unsafe or unreadable responses).
pub fn saml_plan() -> Vec<&'static dyn Check> {
    vec![
        &saml::MetadataValid,
        &saml::MetadataSignatureValid,
        &saml::SigningCertValid,
        &saml::PinnedThumbprint,
        &saml::SpConfigValid,
        &saml::ResponseSignature,
        &saml::ResponseEntityIds,
        &saml::ResponseDestination,
        &saml::ResponseNameId,
        &saml::ResponseAttributes,
        &saml::ResponseConditions,
    ]
}

/// Login ↔ provisioning coherence, login domains and the break-glass admin: added to the
/// `oidc` and `saml` plans when the admin gave any of those settings.
pub fn sso_plan() -> Vec<&'static dyn Check> {
    vec![
        &sso::LoginIdentifierMatchesUsername,
        &sso::DomainAllowlistValid,
        &sso::BreakGlassAdmin,
    ]
}

/// The `preflight check --write` plan: the read-only plan, then the write checks (which
/// create, change and delete `preflight-test-` objects, journalled for cleanup).
pub fn write_plan() -> Vec<&'static dyn Check> {
    let mut plan = read_only();
    plan.extend(write::plan());
    plan
}

/// Every check Preflight knows, for `preflight checks` and `preflight explain`.
pub fn all() -> Vec<&'static dyn Check> {
    let mut all = read_only();
    for check in oidc_plan()
        .into_iter()
        .chain(saml_plan())
        .chain(sso_plan())
        .chain(write::plan())
        .chain(trace::listed())
    {
        if !all.iter().any(|c| c.doc().id == check.doc().id) {
            all.push(check);
        }
    }
    all
}

pub fn find(id: &str) -> Option<&'static dyn Check> {
    all().into_iter().find(|c| c.doc().id == id)
}

/// The findings of `preflight scan`. They are judged by the scan itself, not run by a plan,
/// so they are not in [`all`] (and `check` never runs them); `checks` and `explain` list
/// them from here.
pub fn scan_docs() -> Vec<&'static crate::check::CheckDoc> {
    crate::provision::scan::docs().to_vec()
}

/// The doc of a check or of a scan finding.
pub fn find_doc(id: &str) -> Option<&'static crate::check::CheckDoc> {
    find(id)
        .map(|c| c.doc())
        .or_else(|| scan_docs().into_iter().find(|d| d.id == id))
}
