//! Cookies in a HAR: `Set-Cookie` attributes (never values) and whether a browser stores the
//! cookie at all, plus the names a request sent.

use super::model::CookieSet;

/// Parse one `Set-Cookie` value set by a response from `url`.
pub fn parse_set_cookie(header: &str, url: &str) -> Option<CookieSet> {
    let mut parts = header.split(';');
    let (name, _value) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut cookie = CookieSet {
        name: name.chars().take(200).collect(),
        secure: false,
        http_only: false,
        same_site: None,
        domain: None,
        path: None,
        rejected: None,
    };
    for attr in parts {
        let (key, value) = match attr.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (attr.trim(), None),
        };
        match key.to_ascii_lowercase().as_str() {
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => cookie.same_site = value.map(str::to_string),
            "domain" => cookie.domain = value.map(|d| d.trim_start_matches('.').to_string()),
            "path" => cookie.path = value.map(str::to_string),
            _ => {}
        }
    }
    cookie.rejected = rejection(&cookie, url);
    Some(cookie)
}

/// Why current browsers refuse to store this cookie, if they do.
fn rejection(cookie: &CookieSet, url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
    let local = host == "localhost" || host == "127.0.0.1" || host == "[::1]";
    let same_site_none = cookie
        .same_site
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("none"));
    if same_site_none && !cookie.secure {
        return Some("SameSite=None without Secure: browsers reject it".into());
    }
    if cookie.secure && parsed.scheme() == "http" && !local {
        return Some("Secure set over plain http: browsers reject it".into());
    }
    if let Some(domain) = &cookie.domain {
        let d = domain.to_ascii_lowercase();
        if host != d && !host.ends_with(&format!(".{d}")) {
            return Some(format!(
                "Domain={domain} does not cover the host {host}: browsers reject it"
            ));
        }
    }
    if cookie.name.starts_with("__Secure-") && !cookie.secure {
        return Some("a __Secure- cookie without Secure: browsers reject it".into());
    }
    if cookie.name.starts_with("__Host-")
        && (!cookie.secure || cookie.domain.is_some() || cookie.path.as_deref() != Some("/"))
    {
        return Some(
            "a __Host- cookie needs Secure, Path=/ and no Domain: browsers reject it".into(),
        );
    }
    None
}

/// Names in a `Cookie` request header.
pub fn names_in_cookie_header(header: &str) -> Vec<String> {
    header
        .split(';')
        .filter_map(|p| p.split_once('=').map(|(n, _)| n.trim().to_string()))
        .filter(|n| !n.is_empty())
        .collect()
}

/// Is a SameSite=Lax/Strict (or unspecified, which Chrome treats as Lax) cookie withheld
/// on this request? Cross-site POSTs (the SAML POST binding, OIDC form_post) do not carry it.
pub fn withheld_on_cross_site_post(cookie: &CookieSet) -> bool {
    !cookie
        .same_site
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("none"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_and_rejections() {
        let c =
            parse_set_cookie("sid=abc; Path=/; SameSite=None; HttpOnly", "https://app/").unwrap();
        assert_eq!(c.name, "sid");
        assert!(c.http_only && !c.secure);
        assert!(c.rejected.unwrap().contains("SameSite=None"));
        let ok = parse_set_cookie("sid=abc; Secure; SameSite=None", "https://app/").unwrap();
        assert!(ok.rejected.is_none());
        let dom = parse_set_cookie("a=1; Domain=.other.com", "https://app.example.com/").unwrap();
        assert!(dom.rejected.unwrap().contains("Domain"));
        let sub = parse_set_cookie("a=1; Domain=example.com", "https://app.example.com/").unwrap();
        assert!(sub.rejected.is_none());
        assert!(parse_set_cookie("novalue", "https://a/").is_none());
        assert_eq!(names_in_cookie_header("a=1; b=2"), vec!["a", "b"]);
    }
}
