//! Every check, one file each, grouped by family. [`read_only`] is the default plan, in the
//! order checks run (gates first, run-wide judges last).

pub mod auth;
pub mod http;
pub mod idp;
pub(crate) mod judge;
pub mod scim;
pub mod url;

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
        &scim::ResponseContentType,
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
        &http::NoRedirect,
        &http::RateLimit,
        &http::ResponseTime,
    ]
}

/// Every check Preflight knows, for `preflight checks` and `preflight explain`.
pub fn all() -> Vec<&'static dyn Check> {
    read_only()
}

pub fn find(id: &str) -> Option<&'static dyn Check> {
    all().into_iter().find(|c| c.doc().id == id)
}
