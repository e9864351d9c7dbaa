//! Credential checks: local token analysis before anything is sent, then how the endpoint
//! treats no token, a wrong token and the real one.

mod client_credentials;
mod token_not_expired;
mod token_scopes;
mod token_well_formed;
mod users_accepts_token;
mod users_rejects_wrong_token;
mod users_requires_credential;

pub use client_credentials::ClientCredentialsGrant;
pub use token_not_expired::TokenNotExpired;
pub use token_scopes::TokenScopes;
pub use token_well_formed::TokenWellFormed;
pub use users_accepts_token::UsersAcceptsToken;
pub use users_rejects_wrong_token::UsersRejectsWrongToken;
pub use users_requires_credential::UsersRequiresCredential;
