//! Tenant routing across profiles: two saved profiles that share an app display name, a
//! client ID, a target tenant (the same SCIM base URL) or a redirect URI make it easy to
//! send a sign-in or a provisioning job to the wrong tenant — the "unique tenant routing"
//! advice of the vendor guides, made a check. Also what a profile says the sign-in should
//! look like, for [`crate::trace::TraceOptions`].

use serde::Serialize;

use super::oidc_hop::tenant_in_path;
use crate::profile::{Profile, ProfileAuth};

/// The routing-relevant settings of one profile.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RoutingKey {
    pub profile: String,
    pub display_name: String,
    /// The target's tenant: its SCIM base URL, normalised (scheme, host, path; no slash).
    pub tenant: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uris: Vec<String>,
}

impl RoutingKey {
    pub fn of(p: &Profile) -> RoutingKey {
        RoutingKey {
            profile: p.id.as_str().to_string(),
            display_name: p.name.clone(),
            tenant: normalise_url(&p.base_url),
            client_id: match &p.auth {
                ProfileAuth::ClientCredentials { client_id, .. } => Some(client_id.clone()),
                ProfileAuth::Bearer => None,
            },
            redirect_uris: Vec::new(),
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

fn normalise_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    Some(format!(
        "{}://{}{}",
        parsed.scheme(),
        parsed.host_str()?.to_ascii_lowercase(),
        parsed.path().trim_end_matches('/')
    ))
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
        ("client id", |k| k.client_id.iter().cloned().collect()),
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

/// What a profile tells the trace: the client ID, and for Entra token endpoints the tenant.
pub fn expectations(p: &Profile) -> (Option<String>, Option<String>) {
    match &p.auth {
        ProfileAuth::ClientCredentials {
            client_id,
            token_url,
            ..
        } => (Some(client_id.clone()), tenant_in_path(token_url)),
        ProfileAuth::Bearer => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(profile: &str, name: &str, tenant: &str, client: Option<&str>) -> RoutingKey {
        RoutingKey {
            profile: profile.into(),
            display_name: name.into(),
            tenant: normalise_url(tenant),
            client_id: client.map(str::to_string),
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
}
