//! OpenID Connect discovery (`/.well-known/openid-configuration`): the required fields, and
//! the byte-for-byte issuer rule with a plain-words account of how two issuers differ.

use serde_json::Value;

/// The discovery URL for an issuer: any trailing `/` is removed before the well-known path.
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// Problems with a discovery document's required content (empty = acceptable).
pub fn problems(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(obj) = doc.as_object() else {
        return vec!["the document is not a JSON object".into()];
    };
    let text = |k: &str| {
        obj.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    };
    for key in ["issuer", "authorization_endpoint", "jwks_uri"] {
        if text(key).is_none() {
            out.push(format!("`{key}` is missing"));
        }
    }
    if let Some(issuer) = text("issuer") {
        if !issuer.starts_with("https://") && !is_loopback_http(issuer) {
            out.push(format!("`issuer` {issuer} is not an https URL"));
        }
        if issuer.contains('?') || issuer.contains('#') {
            out.push("`issuer` carries a query or fragment".into());
        }
    }
    for key in [
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
    ] {
        match obj.get(key).and_then(Value::as_array) {
            Some(a) if !a.is_empty() => {}
            _ => out.push(format!("`{key}` is missing or empty")),
        }
    }
    if let Some(algs) = obj
        .get("id_token_signing_alg_values_supported")
        .and_then(Value::as_array)
        && !algs.is_empty()
        && !algs.iter().any(|a| a.as_str() == Some("RS256"))
    {
        out.push("`id_token_signing_alg_values_supported` does not list RS256".into());
    }
    let implicit_only = obj
        .get("response_types_supported")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            !a.is_empty()
                && a.iter()
                    .filter_map(Value::as_str)
                    .all(|t| !t.split(' ').any(|p| p == "code"))
        });
    if text("token_endpoint").is_none() && !implicit_only {
        out.push("`token_endpoint` is missing".into());
    }
    out
}

/// `http://localhost…` / `http://127.0.0.1…`: allowed for local test providers only.
pub fn is_loopback_http(url: &str) -> bool {
    let rest = match url.strip_prefix("http://") {
        Some(r) => r,
        None => return false,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// How a returned issuer differs from the configured one, in the words an admin needs;
/// `None` when they are identical.
pub fn issuer_difference(configured: &str, actual: &str) -> Option<String> {
    if configured == actual {
        return None;
    }
    let c = configured.trim_end_matches('/');
    let a = actual.trim_end_matches('/');
    if c == a {
        return Some(if configured.ends_with('/') {
            "the configured issuer ends with `/`, the IdP's does not".into()
        } else {
            "the IdP's issuer ends with `/`, the configured one does not".into()
        });
    }
    if c.eq_ignore_ascii_case(a) {
        return Some(
            "the issuers differ only in upper/lower case; the comparison is case-sensitive".into(),
        );
    }
    let entra_v1 = |s: &str| s.starts_with("https://sts.windows.net/");
    let entra_v2 = |s: &str| {
        s.starts_with("https://login.microsoftonline.com/")
            && s.trim_end_matches('/').ends_with("/v2.0")
    };
    if (entra_v1(configured) && entra_v2(actual)) || (entra_v2(configured) && entra_v1(actual)) {
        return Some(
            "one is an Entra v1 issuer (`https://sts.windows.net/{tenant}/`) and the other a v2 issuer \
             (`https://login.microsoftonline.com/{tenant}/v2.0`); the token version follows the API's \
             `accessTokenAcceptedVersion`, not the endpoint called"
                .into(),
        );
    }
    if c.starts_with("https://login.microsoftonline.com/")
        && a.starts_with("https://login.microsoftonline.com/")
    {
        let seg = |s: &str| {
            s.trim_start_matches("https://login.microsoftonline.com/")
                .split('/')
                .next()
                .unwrap_or("")
                .to_string()
        };
        let (cs, as_) = (seg(c), seg(a));
        if cs != as_ {
            if !is_guid(&cs) && is_guid(&as_) {
                return Some(format!(
                    "the configured issuer names the tenant by domain or alias (`{cs}`), but Entra issuers always carry the tenant GUID (`{as_}`)"
                ));
            }
            return Some(format!(
                "the tenant segment differs: `{cs}` configured, `{as_}` returned"
            ));
        }
    }
    if c.trim_end_matches("/v2.0") == a.trim_end_matches("/v2.0") {
        return Some("one issuer ends with `/v2.0` and the other does not".into());
    }
    let host = |s: &str| {
        s.split("://")
            .nth(1)
            .unwrap_or(s)
            .split('/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    if host(c) != host(a) {
        return Some(format!(
            "the host differs: `{}` configured, `{}` returned",
            host(c),
            host(a)
        ));
    }
    Some("the path differs (e.g. the org authorization server versus `/oauth2/default`, or another authorization server ID)".into())
}

/// A tenant ID in Entra's GUID form.
pub fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, ch)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                ch == '-'
            } else {
                ch.is_ascii_hexdigit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn required_fields() {
        let good = json!({"issuer":"https://idp.example","authorization_endpoint":"https://idp.example/a","token_endpoint":"https://idp.example/t",
            "jwks_uri":"https://idp.example/k","response_types_supported":["code"],"subject_types_supported":["public"],
            "id_token_signing_alg_values_supported":["RS256"]});
        assert!(problems(&good).is_empty(), "{:?}", problems(&good));
        let bad = json!({"issuer":"http://idp.example?x","response_types_supported":["code"],"id_token_signing_alg_values_supported":["ES256"]});
        let p = problems(&bad).join("; ");
        assert!(
            p.contains("jwks_uri")
                && p.contains("RS256")
                && p.contains("https")
                && p.contains("token_endpoint"),
            "{p}"
        );
    }

    #[test]
    fn explains_issuer_differences() {
        let guid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        assert!(issuer_difference("https://a/", "https://a/").is_none());
        assert!(
            issuer_difference("https://a/", "https://a")
                .unwrap()
                .contains("ends with `/`")
        );
        assert!(
            issuer_difference(
                &format!("https://sts.windows.net/{guid}/"),
                &format!("https://login.microsoftonline.com/{guid}/v2.0")
            )
            .unwrap()
            .contains("v1")
        );
        assert!(
            issuer_difference(
                "https://login.microsoftonline.com/contoso.com/v2.0",
                &format!("https://login.microsoftonline.com/{guid}/v2.0")
            )
            .unwrap()
            .contains("GUID")
        );
        assert!(
            issuer_difference("https://x.okta.com", "https://x.okta.com/oauth2/default")
                .unwrap()
                .contains("path")
        );
        assert!(
            issuer_difference("https://X.okta.com", "https://x.okta.com")
                .unwrap()
                .contains("case")
        );
    }
}
