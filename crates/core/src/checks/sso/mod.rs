//! Sign-in flow checks that apply to OIDC and SAML alike.

mod redirect_uri_exact_match;

pub use redirect_uri_exact_match::RedirectUriExactMatch;
