//! The error explainer: an AADSTS code, an Okta/OneLogin error text, an OAuth `error=`
//! redirect, or a symptom (502, 503, redirect loop) → cause, where to look, fix, and the
//! diagnosis code. The table is data (`errors.toml`).

use percent_encoding::percent_decode_str;
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Clone, Debug, Deserialize)]
pub struct KnownError {
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
    pub idp: String,
    pub meaning: String,
    pub diagnosis: String,
    #[serde(rename = "where")]
    pub location: String,
    pub fix: String,
}

#[derive(Deserialize)]
struct Table {
    error: Vec<KnownError>,
}

/// Every known error, in table order.
pub fn table() -> &'static [KnownError] {
    static TABLE: OnceLock<Vec<KnownError>> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str::<Table>(include_str!("errors.toml"))
            .expect("errors.toml is valid (tested)")
            .error
    })
}

/// What was recognised in the input.
#[derive(Debug)]
pub struct Explained {
    /// The part of the input that matched (e.g. `AADSTS50011`).
    pub matched: String,
    pub entry: &'static KnownError,
}

/// The text to search: the input itself plus, for a URL, its decoded `error`/`error_description`.
fn searchable(input: &str) -> String {
    let mut text = input.to_string();
    if let Some((_, query)) = input.split_once(['?', '#']) {
        for pair in query.split(['&', '#']) {
            if let Some((k, v)) = pair.split_once('=')
                && matches!(
                    k,
                    "error" | "error_description" | "error_codes" | "error_uri"
                )
            {
                let v = v.replace('+', " ");
                text.push('\n');
                text.push_str(&percent_decode_str(&v).decode_utf8_lossy());
            }
        }
    }
    text
}

/// AADSTS codes in the text (`AADSTS50011`, also a bare `error_codes=[50011]` is not guessed).
fn aadsts_codes(text: &str) -> Vec<String> {
    let upper = text.to_ascii_uppercase();
    let mut out = Vec::new();
    let mut rest = upper.as_str();
    while let Some(i) = rest.find("AADSTS") {
        let digits: String = rest[i + 6..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !digits.is_empty() {
            let code = format!("AADSTS{digits}");
            if !out.contains(&code) {
                out.push(code);
            }
        }
        rest = &rest[i + 6..];
    }
    out
}

/// Explain an error text, code or URL. The most specific matches come first: AADSTS codes,
/// then IdP phrases, then generic OAuth codes and symptoms.
pub fn explain(input: &str) -> Vec<Explained> {
    let text = searchable(input.trim());
    let lower = text.to_ascii_lowercase();
    let mut out: Vec<Explained> = Vec::new();
    for code in aadsts_codes(&text) {
        if let Some(entry) = table()
            .iter()
            .find(|e| e.patterns.iter().any(|p| p.eq_ignore_ascii_case(&code)))
        {
            out.push(Explained {
                matched: code,
                entry,
            });
        }
    }
    if !out.is_empty() {
        return out;
    }
    for entry in table() {
        if entry.patterns.iter().any(|p| p.starts_with("AADSTS")) {
            continue;
        }
        let hit = entry.patterns.iter().find(|p| {
            let p = p.to_ascii_lowercase();
            if p.chars().all(|c| c.is_ascii_digit()) {
                // A status code must stand alone, not inside another number.
                lower.split(|c: char| !c.is_ascii_digit()).any(|w| w == p)
            } else {
                lower.contains(&p)
            }
        });
        if let Some(p) = hit
            && !out
                .iter()
                .any(|e| e.entry.diagnosis == entry.diagnosis && e.entry.idp == entry.idp)
        {
            out.push(Explained {
                matched: p.clone(),
                entry,
            });
        }
    }
    // The catch-all for `error=` redirects only stands when nothing else matched.
    if out.len() > 1 {
        out.retain(|e| e.matched != "error=");
    }
    // An IdP-specific phrase is more specific than the generic OAuth entry for the same code.
    if out
        .iter()
        .any(|e| !e.entry.idp.starts_with("OAuth") && e.entry.idp != "Symptom")
    {
        out.retain(|e| !e.entry.idp.starts_with("OAuth"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_valid_and_codes_are_catalogued() {
        assert!(table().len() >= 25);
        for e in table() {
            assert!(
                crate::diagnosis::find(&e.diagnosis).is_some(),
                "{} not in the catalogue",
                e.diagnosis
            );
            assert!(!e.patterns.is_empty() && !e.fix.is_empty() && !e.location.is_empty());
        }
    }

    #[test]
    fn recognises_codes_texts_and_urls() {
        assert_eq!(
            explain("AADSTS50105")[0].entry.diagnosis,
            "sso/user-not-assigned"
        );
        assert_eq!(
            explain("aadsts50011: The redirect URI ... does not match")[0]
                .entry
                .diagnosis,
            "sso/redirect-uri-mismatch"
        );
        let url = "https://app.example/cb?error=invalid_client&error_description=AADSTS7000215%3A+Invalid+client+secret+provided.";
        let found = explain(url);
        assert_eq!(found[0].matched, "AADSTS7000215");
        assert_eq!(
            explain("Sorry, you can't access X because you are not assigned this app in Okta.")[0]
                .entry
                .diagnosis,
            "sso/user-not-assigned"
        );
        let okta = explain(
            "invalid_client: Client authentication failed. Either the client or the client credentials are invalid.",
        );
        assert_eq!(okta.len(), 1);
        assert_eq!(okta[0].entry.idp, "Okta");
        assert_eq!(
            explain("https://app/cb?error=redirect_uri_mismatch")[0]
                .entry
                .idp,
            "OneLogin"
        );
        assert_eq!(
            explain("HTTP 502 after login")[0].entry.diagnosis,
            "sso/callback-error"
        );
        assert!(explain("port 15030").is_empty());
        let other = explain("https://app/cb?error=server_error&error_description=boom");
        assert_eq!(
            (other.len(), other[0].entry.diagnosis.as_str()),
            (1, "sso/idp-error")
        );
        assert_eq!(explain("https://app/cb?error=access_denied").len(), 1);
        assert!(explain("nothing here").is_empty());
    }
}
