//! Consistent pseudonyms for user names and e-mail addresses across a whole escalation
//! package: `alice@example.com` becomes `user-1@example.invalid` in every file, and the user
//! name `alice` becomes `user-1` — the same number, so support can still follow one user
//! through the requests without learning who it is.
//!
//! Two passes: [`Pseudonymiser::learn`] collects identities from every text of the run
//! (e-mail addresses anywhere; SCIM name members in JSON bodies; `userName eq "…"` filters in
//! URLs), then [`Pseudonymiser::apply`] replaces them everywhere, also percent-encoded.
//! Preflight's own test objects (`preflight-test-…`) are left alone.

use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// JSON members (SCIM, OIDC claims) whose string values name a person.
const NAME_MEMBERS: &str = "userName|displayName|givenName|familyName|middleName|formatted|nickName|preferred_username|upn|unique_name";

fn email_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
            .expect("email regex")
    })
}

fn member_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r#""(?:{NAME_MEMBERS})"\s*:\s*"((?:[^"\\]|\\.)*)""#
        ))
        .expect("member regex")
    })
}

fn filter_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)\b(?:userName|displayName|emails(?:\.value)?|email)\s+(?:eq|co|sw|ew)\s+"([^"]*)""#).expect("filter regex")
    })
}

/// Characters that continue a name or address: a pseudonym only replaces whole values.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '@' | '+')
}

#[derive(Default)]
pub struct Pseudonymiser {
    /// identity (lower-case local part or user name) → number
    numbers: BTreeMap<String, usize>,
    /// original value → pseudonym, applied longest first
    replacements: Vec<(String, String)>,
}

impl Pseudonymiser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Collect the identities in one text (call for every text before [`apply`](Self::apply)).
    pub fn learn(&mut self, text: &str) {
        let decoded = percent_decode_str(text).decode_utf8_lossy().into_owned();
        for source in [text, decoded.as_str()] {
            for m in email_pattern().find_iter(source) {
                self.add(m.as_str());
            }
            for caps in member_pattern()
                .captures_iter(source)
                .chain(filter_pattern().captures_iter(source))
            {
                let value = caps[1].replace("\\\"", "\"");
                self.add(&value);
            }
        }
    }

    fn add(&mut self, value: &str) {
        let value = value.trim();
        let lower = value.to_lowercase();
        if value.chars().count() < 3
            || lower.starts_with("preflight-test")
            || lower.ends_with("@example.invalid")
            || lower.contains("***")
            || (lower.starts_with("user-") && lower[5..].chars().all(|c| c.is_ascii_digit()))
            || self
                .replacements
                .iter()
                .any(|(o, _)| o.eq_ignore_ascii_case(value))
        {
            return;
        }
        let (identity, is_email) = match lower.split_once('@') {
            Some((local, _)) if email_pattern().is_match(value) => (local.to_string(), true),
            _ => (lower.clone(), false),
        };
        let next = self.numbers.len() + 1;
        let n = *self.numbers.entry(identity).or_insert(next);
        let pseudonym = if is_email {
            format!("user-{n}@example.invalid")
        } else {
            format!("user-{n}")
        };
        self.replacements.push((value.to_string(), pseudonym));
        self.replacements
            .sort_by_key(|(o, _)| std::cmp::Reverse(o.len()));
    }

    /// How many distinct identities were found.
    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// Replace every learned identity (plain, `@` as `%40`, or fully percent-encoded).
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (original, pseudonym) in &self.replacements {
            let forms = [
                (original.clone(), pseudonym.clone()),
                (original.replace('@', "%40"), pseudonym.replace('@', "%40")),
                (
                    utf8_percent_encode(original, NON_ALPHANUMERIC).to_string(),
                    utf8_percent_encode(pseudonym, NON_ALPHANUMERIC).to_string(),
                ),
                (original.replace(' ', "+"), pseudonym.clone()),
                (original.replace(' ', "%20"), pseudonym.clone()),
            ];
            for (from, to) in forms {
                if !from.is_empty() {
                    out = replace_whole(&out, &from, &to);
                }
            }
        }
        out
    }
}

/// Replace case-insensitive occurrences of `from` that are not part of a longer name.
fn replace_whole(text: &str, from: &str, to: &str) -> String {
    let lower_text = text.to_lowercase();
    let lower_from = from.to_lowercase();
    // Lower-casing may change byte lengths outside ASCII; fall back to exact matching then.
    let (haystack, needle) = if lower_text.len() == text.len() && lower_from.len() == from.len() {
        (lower_text.as_str(), lower_from.as_str())
    } else {
        (text, from)
    };
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, _) in haystack.match_indices(needle) {
        if start < last {
            continue;
        }
        let end = start + needle.len();
        // A percent-escape (`%22alice`) ends a word like the character it encodes.
        let escaped_before = start >= 3
            && text.as_bytes()[start - 3] == b'%'
            && text.as_bytes()[start - 2..start]
                .iter()
                .all(u8::is_ascii_hexdigit);
        let before = if escaped_before {
            None
        } else {
            text[..start].chars().next_back()
        };
        let after = text[end..].chars().next();
        if before.is_some_and(is_name_char) || after.is_some_and(is_name_char) {
            continue;
        }
        out.push_str(&text[last..start]);
        out.push_str(to);
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_person_same_number_everywhere() {
        let mut p = Pseudonymiser::new();
        let body = r#"{"userName":"alice@example.com","name":{"givenName":"Alice"},"emails":[{"value":"alice@example.com"}]}"#;
        let url = "https://h/scim/v2/Users?filter=userName%20eq%20%22bob%40corp.example%22";
        p.learn(body);
        p.learn(url);
        let body = p.apply(body);
        let url = p.apply(url);
        assert!(
            !body.contains("alice@example.com") && !body.contains("Alice"),
            "{body}"
        );
        assert!(body.contains("user-1@example.invalid"), "{body}");
        assert!(
            url.contains("user-2%40example.invalid") || url.contains("user-2@example.invalid"),
            "{url}"
        );
        assert!(!url.contains("bob"), "{url}");
        assert_eq!(
            p.apply("bob@corp.example wrote to alice@example.com"),
            "user-2@example.invalid wrote to user-1@example.invalid"
        );
    }

    #[test]
    fn test_objects_and_longer_words_are_left_alone() {
        let mut p = Pseudonymiser::new();
        p.learn(r#"{"userName":"preflight-test-1a2b","displayName":"ann"}"#);
        assert_eq!(
            p.apply("preflight-test-1a2b and ann and annex"),
            "preflight-test-1a2b and user-1 and annex"
        );
    }
}
