//! Tenant routing across profiles: two saved profiles that share an app display name, a
//! client ID, a target tenant (the same SCIM base URL) or a redirect URI make it easy to
//! send a sign-in or a provisioning job to the wrong tenant — the "unique tenant routing"
//! advice of the vendor guides, made a check. Also what a profile says the sign-in should
//! look like, for [`crate::trace::TraceOptions`].
//!
//! Values are compared after normalisation, so that spelling differences the IdP or the
//! browser ignore do not hide a clash:
//! * URLs (tenant, redirect URIs): scheme and host lower-case, default port dropped; the path
//!   and query are kept exactly — IdPs match redirect URIs path-exactly, so
//!   `https://app/cb` and `https://app/cb/` are two different registrations and no clash.
//!   The tenant (SCIM base URL) also drops a trailing slash, as SCIM clients do.
//! * Display names: trimmed and case-insensitive (IdP admin portals list them that way).
//! * Client IDs: trimmed and case-insensitive (Entra application IDs are GUIDs).
//!
//! The IdP tenant and issuer are not compared: one IdP tenant legitimately hosts the apps of
//! several profiles; what routes a sign-in to the wrong place is a shared app, client or URI.

use serde::Serialize;

use super::oidc_hop::tenant_in_path;
use crate::profile::{Profile, ProfileAuth};

/// The routing-relevant settings of one profile.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RoutingKey {
    pub profile: String,
    /// The SSO app's display name at the IdP, or the profile's name when none is recorded.
    pub display_name: String,
    /// The target's tenant: its SCIM base URL, normalised (scheme, host, path; no slash).
    pub tenant: Option<String>,
    /// The OIDC client ID of the sign-in and the OAuth client ID of provisioning, if any.
    pub client_ids: Vec<String>,
    /// The registered redirect URIs, normalised (see the module documentation).
    pub redirect_uris: Vec<String>,
}

impl RoutingKey {
    pub fn of(p: &Profile) -> RoutingKey {
        let mut client_ids: Vec<String> = p.sign_in.client_id.iter().cloned().collect();
        if let ProfileAuth::ClientCredentials { client_id, .. } = &p.auth
            && !client_ids.contains(client_id)
        {
            client_ids.push(client_id.clone());
        }
        RoutingKey {
            profile: p.id.as_str().to_string(),
            display_name: p.sign_in.app_name.clone().unwrap_or_else(|| p.name.clone()),
            tenant: normalise_tenant(&p.base_url),
            client_ids,
            redirect_uris: p
                .sign_in
                .redirect_uris
                .iter()
                .map(|u| normalise_redirect_uri(u))
                .collect(),
        }
    }
}

/// Two or more profiles sharing one routing value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Clash {
    /// `display name`, `client id`, `tenant` or `redirect URI`.
    pub field: &'static str,
    pub value: String,
    pub profiles: Vec<String>,
}

/// The SCIM base URL as a tenant: scheme, lower-case host, port, path without a trailing slash.
fn normalise_tenant(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    Some(format!(
        "{}://{}{port}{}",
        parsed.scheme(),
        parsed.host_str()?.to_ascii_lowercase(),
        parsed.path().trim_end_matches('/')
    ))
}

/// A redirect URI for comparison: the URL parser lower-cases the scheme and host and drops a
/// default port; path and query stay exactly as registered. Unparsable text is kept trimmed.
pub fn normalise_redirect_uri(uri: &str) -> String {
    match url::Url::parse(uri.trim()) {
        Ok(parsed) => parsed.to_string(),
        Err(_) => uri.trim().to_string(),
    }
}

/// Reads the values of one routing field from a profile's key.
type FieldValues = fn(&RoutingKey) -> Vec<String>;

/// Every routing value shared by more than one profile, in a stable order.
pub fn lint(keys: &[RoutingKey]) -> Vec<Clash> {
    let mut clashes = Vec::new();
    let fields: [(&'static str, FieldValues); 4] = [
        ("display name", |k| {
            vec![k.display_name.trim().to_lowercase()]
        }),
        ("client id", |k| {
            k.client_ids
                .iter()
                .map(|c| c.trim().to_lowercase())
                .collect()
        }),
        ("tenant", |k| k.tenant.iter().cloned().collect()),
        ("redirect URI", |k| k.redirect_uris.clone()),
    ];
    for (field, values_of) in fields {
        let mut seen: Vec<(String, Vec<String>)> = Vec::new();
        for k in keys {
            for v in values_of(k).into_iter().filter(|v| !v.is_empty()) {
                match seen.iter_mut().find(|(value, _)| *value == v) {
                    Some((_, profiles)) => {
                        if !profiles.contains(&k.profile) {
                            profiles.push(k.profile.clone())
                        }
                    }
                    None => seen.push((v, vec![k.profile.clone()])),
                }
            }
        }
        clashes.extend(
            seen.into_iter()
                .filter(|(_, p)| p.len() > 1)
                .map(|(value, profiles)| Clash {
                    field,
                    value,
                    profiles,
                }),
        );
    }
    clashes
}

/// What a profile tells the trace: the client ID and the tenant — the recorded sign-in facts
/// first, else the provisioning client's ID and, for Entra token endpoints, its tenant.
pub fn expectations(p: &Profile) -> (Option<String>, Option<String>) {
    let (client_id, tenant) = match &p.auth {
        ProfileAuth::ClientCredentials {
            client_id,
            token_url,
            ..
        } => (Some(client_id.clone()), tenant_in_path(token_url)),
        ProfileAuth::Bearer => (None, None),
    };
    (
        p.sign_in.client_id.clone().or(client_id),
        p.sign_in.tenant_id.clone().or(tenant),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(profile: &str, name: &str, tenant: &str, client: Option<&str>) -> RoutingKey {
        RoutingKey {
            profile: profile.into(),
            display_name: name.into(),
            tenant: normalise_tenant(tenant),
            client_ids: client.iter().map(|c| c.to_string()).collect(),
            redirect_uris: Vec::new(),
        }
    }

    #[test]
    fn flags_shared_values_only() {
        let keys = [
            key("a", "Acme", "https://scim.acme.example/v2/", Some("c1")),
            key("b", "acme ", "https://scim.other.example/v2", Some("c2")),
            key("c", "Other", "https://SCIM.acme.example/v2", Some("c1")),
        ];
        let clashes = lint(&keys);
        let fields: Vec<(&str, Vec<String>)> = clashes
            .iter()
            .map(|c| (c.field, c.profiles.clone()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("display name", vec!["a".to_string(), "b".to_string()]),
                ("client id", vec!["a".to_string(), "c".to_string()]),
                ("tenant", vec!["a".to_string(), "c".to_string()]),
            ]
        );
        assert!(lint(&keys[..1]).is_empty());
    }

    fn profile(id: &str, name: &str, sign_in: crate::profile::SignIn) -> Profile {
        let mut p = Profile::new(
            crate::profile::ProfileId::parse(id).unwrap(),
            name,
            &format!("https://scim.example.com/{id}"),
            crate::target::Idp::Entra,
            ProfileAuth::Bearer,
        )
        .unwrap();
        p.sign_in = sign_in;
        p.validate().unwrap();
        p
    }

    fn uris(list: &[&str]) -> crate::profile::SignIn {
        crate::profile::SignIn {
            redirect_uris: list.iter().map(|u| u.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn redirect_uris_clash_on_host_case_but_not_on_a_trailing_slash() {
        let a = profile(
            "a",
            "Acme prod",
            uris(&["https://App.Example.com:443/auth/cb"]),
        );
        let b = profile("b", "Acme test", uris(&["https://app.example.com/auth/cb"]));
        let c = profile("c", "Acme dev", uris(&["https://app.example.com/auth/cb/"]));
        let d = profile("d", "Acme eu", uris(&["https://app.example.com/Auth/cb"]));
        let keys: Vec<RoutingKey> = [&a, &b, &c, &d].map(RoutingKey::of).to_vec();
        assert_eq!(
            lint(&keys),
            vec![Clash {
                field: "redirect URI",
                value: "https://app.example.com/auth/cb".into(),
                profiles: vec!["a".into(), "b".into()],
            }]
        );
    }

    #[test]
    fn recorded_app_names_and_client_ids_are_compared() {
        let named = |id: &str, app: &str, client: &str| {
            profile(
                id,
                &format!("Profile {id}"),
                crate::profile::SignIn {
                    app_name: Some(app.into()),
                    client_id: Some(client.into()),
                    ..Default::default()
                },
            )
        };
        let keys: Vec<RoutingKey> = [
            named("a", "Acme SSO", "0F1E-AA"),
            named("b", "acme sso", "0f1e-aa"),
            named("c", "Other", "c3"),
        ]
        .iter()
        .map(RoutingKey::of)
        .collect();
        let fields: Vec<&str> = lint(&keys).iter().map(|c| c.field).collect();
        assert_eq!(fields, ["display name", "client id"]);
    }

    #[test]
    fn recorded_facts_come_first_in_the_expectations() {
        let mut p = profile(
            "a",
            "Acme",
            crate::profile::SignIn {
                client_id: Some("sso-client".into()),
                tenant_id: Some("contoso.onmicrosoft.com".into()),
                ..Default::default()
            },
        );
        assert_eq!(
            expectations(&p),
            (
                Some("sso-client".into()),
                Some("contoso.onmicrosoft.com".into())
            )
        );
        p.sign_in = Default::default();
        assert_eq!(expectations(&p), (None, None));
    }
}
