//! Emulations of each IdP's connection test, request for request, as the reference documents
//! them (`shared/reference/scim-idp-dialects.md`). Each applies to its IdP, and to `generic`
//! runs, where all of them show which IdP would have trouble.

mod entra_test_connection;
mod okta_import_users;
mod okta_test_api_credentials;
mod onelogin_test_connection;

pub use entra_test_connection::EntraTestConnection;
pub use okta_import_users::OktaImportUsers;
pub use okta_test_api_credentials::OktaTestApiCredentials;
pub use onelogin_test_connection::OneloginTestConnection;

use crate::target::{Idp, Target};

/// Emulations run for their own IdP and for generic runs.
pub(crate) fn applies_to(idp: Idp, target: &Target) -> Result<(), String> {
    if target.idp == idp || target.idp == Idp::Generic {
        Ok(())
    } else {
        Err(format!(
            "emulates {}, the profile is for {}",
            idp.display_name(),
            target.idp.display_name()
        ))
    }
}

/// Okta's provisioning client names itself (documented in Okta's SCIM reference).
pub(crate) const OKTA_USER_AGENT: &str = "Okta SCIM Client 1.0.0";
