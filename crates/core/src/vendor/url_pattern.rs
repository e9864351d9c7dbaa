//! A vendor's documented base-URL shape, and a validator that says which part of a given URL
//! differs — "the segment after /org/ must be a GUID; you gave `acme`" — instead of a bare
//! "does not match".
//!
//! Pattern syntax: `https://HOST/seg/…`, where HOST is a literal host or `{name}` (any host),
//! and each path segment is a literal, `{name}` (any one segment) or `{name:guid}`. A loopback
//! host (`127.0.0.1`, `::1`, `localhost`) stands in for any host, over http or https, so the
//! demo server and local tunnels can be checked against a vendor's path; it cannot be the
//! vendor's real host anyway.

use serde::Serialize;
use url::Url;

use crate::target::parse_base_url;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Any(String),
    Guid(String),
}

/// A parsed pattern.
#[derive(Clone, Debug)]
pub struct UrlPattern {
    scheme: String,
    host: Part,
    segments: Vec<Part>,
}

/// What is wrong with a URL, for the admin: which part, and the whole message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UrlProblem {
    /// `scheme`, `host`, `path` or `url` (unparseable).
    pub part: String,
    pub message: String,
}

impl std::fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn part(text: &str) -> Result<Part, String> {
    match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        None if text.contains(['{', '}']) => Err(format!("malformed placeholder `{text}`")),
        None => Ok(Part::Literal(text.to_string())),
        Some(inner) => match inner.split_once(':') {
            None if !inner.is_empty() => Ok(Part::Any(inner.to_string())),
            Some((name, "guid")) if !name.is_empty() => Ok(Part::Guid(name.to_string())),
            _ => Err(format!(
                "placeholder `{text}`: use {{name}} or {{name:guid}}"
            )),
        },
    }
}

impl UrlPattern {
    pub fn parse(pattern: &str) -> Result<UrlPattern, String> {
        let (scheme, rest) = pattern
            .split_once("://")
            .ok_or_else(|| format!("pattern `{pattern}` has no scheme"))?;
        if scheme != "https" && scheme != "http" {
            return Err(format!("pattern `{pattern}`: scheme must be https or http"));
        }
        let mut pieces = rest.trim_end_matches('/').split('/');
        let host = part(pieces.next().unwrap_or_default())?;
        if matches!(host, Part::Guid(_)) || host == Part::Literal(String::new()) {
            return Err(format!(
                "pattern `{pattern}`: the host must be a name or {{host}}"
            ));
        }
        let segments = pieces.map(part).collect::<Result<Vec<_>, _>>()?;
        if segments.iter().any(|s| *s == Part::Literal(String::new())) {
            return Err(format!("pattern `{pattern}` has an empty path segment"));
        }
        Ok(UrlPattern {
            scheme: scheme.to_string(),
            host,
            segments,
        })
    }

    /// `Ok` when `raw` fits the pattern; otherwise the first part that does not, explained.
    pub fn validate(&self, raw: &str, example: &str) -> Result<(), UrlProblem> {
        let url = parse_base_url(raw).map_err(|e| problem("url", e.to_string()))?;
        let loopback = is_loopback(&url);
        if url.scheme() != self.scheme && !loopback {
            return Err(problem(
                "scheme",
                format!(
                    "the URL must start with {}://; you gave {}:// (expected e.g. {example})",
                    self.scheme,
                    url.scheme()
                ),
            ));
        }
        let host = url.host_str().unwrap_or_default();
        if let Part::Literal(want) = &self.host
            && !loopback
            && !host.eq_ignore_ascii_case(want)
        {
            return Err(problem(
                "host",
                format!("the host must be `{want}`; you gave `{host}` (expected e.g. {example})"),
            ));
        }
        let given: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        for (i, want) in self.segments.iter().enumerate() {
            let after = if i == 0 {
                "the path".to_string()
            } else {
                format!("the segment after /{}/", given[i - 1])
            };
            let Some(got) = given.get(i) else {
                let so_far = if i == 0 {
                    "the host".to_string()
                } else {
                    format!("`/{}`", given[..i].join("/"))
                };
                return Err(problem(
                    "path",
                    format!(
                        "the URL ends after {so_far}; it must continue with {} (expected e.g. {example})",
                        self.rest_from(i)
                    ),
                ));
            };
            match want {
                Part::Literal(lit) if !got.eq_ignore_ascii_case(lit) => {
                    let start = if i == 0 {
                        format!("the path must start with `/{lit}`")
                    } else {
                        format!("{after} must be `{lit}`")
                    };
                    return Err(problem(
                        "path",
                        format!("{start}; you gave `{got}` (expected e.g. {example})"),
                    ));
                }
                Part::Guid(name) if !is_guid(got) => {
                    return Err(problem(
                        "path",
                        format!(
                            "{after} must be a GUID ({name}: 8-4-4-4-12 hexadecimal digits, e.g. \
                             3f2504e0-4f89-11d3-9a0c-0305e82c3301); you gave `{got}`"
                        ),
                    ));
                }
                _ => {}
            }
        }
        if given.len() > self.segments.len() {
            let extra = given[self.segments.len()..].join("/");
            return Err(problem(
                "path",
                format!(
                    "the base URL ends at `/{}`; remove `/{extra}` (the IdP adds /Users and /Groups itself)",
                    given[..self.segments.len()].join("/")
                ),
            ));
        }
        Ok(())
    }

    /// The host when the pattern names one (`accounts.stackit.cloud`); `None` for `{host}`,
    /// which any deployment may fill, so the URL's host says nothing about the product.
    pub fn literal_host(&self) -> Option<&str> {
        match &self.host {
            Part::Literal(host) => Some(host),
            _ => None,
        }
    }

    fn rest_from(&self, i: usize) -> String {
        let parts: Vec<String> = self.segments[i..]
            .iter()
            .map(|p| match p {
                Part::Literal(l) => l.clone(),
                Part::Any(n) => format!("<{n}>"),
                Part::Guid(n) => format!("<{n} GUID>"),
            })
            .collect();
        format!("`/{}`", parts.join("/"))
    }
}

fn problem(part: &str, message: String) -> UrlProblem {
    UrlProblem {
        part: part.into(),
        message,
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AIRIA: &str = "https://{host}/auth/realms/airia/org/{org_id:guid}/scim/v2";
    const GUID: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    fn check(pattern: &str, url: &str) -> Result<(), UrlProblem> {
        UrlPattern::parse(pattern).unwrap().validate(url, "EXAMPLE")
    }

    #[test]
    fn a_matching_url_passes_with_or_without_trailing_slash() {
        let url = format!("https://airia.example.com/auth/realms/airia/org/{GUID}/scim/v2");
        assert_eq!(check(AIRIA, &url), Ok(()));
        assert_eq!(check(AIRIA, &format!("{url}/")), Ok(()));
    }

    #[test]
    fn each_wrong_part_is_named() {
        let e = check(AIRIA, "https://h/auth/realms/airia/org/acme/scim/v2").unwrap_err();
        assert!(
            e.message
                .starts_with("the segment after /org/ must be a GUID")
                && e.message.contains("you gave `acme`"),
            "{e}"
        );
        let e = check(
            AIRIA,
            &format!("https://h/auth/realms/airia/org/{GUID}/scim"),
        )
        .unwrap_err();
        assert!(
            e.message.contains("ends after `/auth/realms/airia/org/")
                && e.message.contains("continue with `/v2`"),
            "{e}"
        );
        let e = check(
            AIRIA,
            &format!("https://h/auth/realms/other/org/{GUID}/scim/v2"),
        )
        .unwrap_err();
        assert!(e.message.contains("after /realms/ must be `airia`"), "{e}");
        let e = check(
            AIRIA,
            &format!("https://h/auth/realms/airia/org/{GUID}/scim/v2/Users"),
        )
        .unwrap_err();
        assert!(e.message.contains("remove `/Users`"), "{e}");
        let e = check(
            AIRIA,
            &format!("http://h/auth/realms/airia/org/{GUID}/scim/v2"),
        )
        .unwrap_err();
        assert_eq!(e.part, "scheme");
        let e = check(
            "https://accounts.stackit.cloud/scim/v2",
            "https://accounts.example.com/scim/v2",
        )
        .unwrap_err();
        assert!(
            e.message.contains("host must be `accounts.stackit.cloud`"),
            "{e}"
        );
        assert_eq!(check(AIRIA, "not a url").unwrap_err().part, "url");
    }

    #[test]
    fn loopback_stands_in_for_the_host() {
        assert_eq!(
            check(
                "https://accounts.stackit.cloud/scim/v2",
                "http://127.0.0.1:8080/scim/v2"
            ),
            Ok(())
        );
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(UrlPattern::parse("accounts/scim").is_err());
        assert!(UrlPattern::parse("https://h/{x:uuid}").is_err());
        assert!(UrlPattern::parse("https://h/a{b}").is_err());
        assert!(is_guid(GUID) && !is_guid("3f2504e0-4f89-11d3-9a0c-0305e82c330"));
    }
}
