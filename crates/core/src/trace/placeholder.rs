//! Stable placeholders for a redacted HAR: the same secret value always becomes the same
//! placeholder (`REDACTED-cookie-3`), so a reader can still follow a code from the IdP's
//! redirect to the callback, or a cookie from `Set-Cookie` to the next request.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

/// Values shorter than this are not remembered for replacement elsewhere in the file
/// (a short value would match inside unrelated text).
const MIN_REMEMBERED: usize = 6;

#[derive(Default)]
pub struct Placeholders {
    by_value: HashMap<String, String>,
    counters: HashMap<&'static str, usize>,
    /// Remembered values, longest first, for the replacement pass over free text.
    known: Vec<String>,
    known_sorted: bool,
}

impl Placeholders {
    pub fn new() -> Self {
        Self::default()
    }

    /// The placeholder of `value` (created on first sight; `kind` names it, e.g. `code`).
    pub fn of(&mut self, kind: &'static str, value: &str) -> String {
        if value.is_empty() || is_placeholder(value) {
            return value.to_string();
        }
        if let Some(p) = self.by_value.get(value) {
            return p.clone();
        }
        let n = self.counters.entry(kind).or_insert(0);
        *n += 1;
        let placeholder = if kind == "email" {
            format!("redacted-email-{n}@example.invalid")
        } else {
            format!("REDACTED-{kind}-{n}")
        };
        self.by_value.insert(value.to_string(), placeholder.clone());
        if value.len() >= MIN_REMEMBERED {
            self.known.push(value.to_string());
            self.known_sorted = false;
        }
        placeholder
    }

    /// Number of distinct values replaced.
    pub fn len(&self) -> usize {
        self.by_value.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_value.is_empty()
    }

    /// Replace every remembered value and every JWT-shaped string in free text.
    pub fn scrub_text(&mut self, text: &str) -> String {
        let mut out = text.to_string();
        if !self.known_sorted {
            self.known.sort_by_key(|k| std::cmp::Reverse(k.len()));
            self.known_sorted = true;
        }
        let hits: Vec<String> = self
            .known
            .iter()
            .filter(|k| out.contains(k.as_str()))
            .cloned()
            .collect();
        for k in hits {
            let p = self.by_value.get(&k).cloned().unwrap_or_default();
            out = out.replace(&k, &p);
        }
        if jwt_pattern().is_match(&out) {
            let found: Vec<String> = jwt_pattern()
                .find_iter(&out)
                .map(|m| m.as_str().to_string())
                .collect();
            for jwt in found {
                let p = self.of("token", &jwt);
                out = out.replace(&jwt, &p);
            }
        }
        out
    }

    /// Replace e-mail addresses (for `mask_names`).
    pub fn scrub_emails(&mut self, text: &str) -> String {
        if !text.contains('@') {
            return text.to_string();
        }
        let found: Vec<String> = email_pattern()
            .find_iter(text)
            .map(|m| m.as_str().to_string())
            .filter(|m| !m.ends_with("@example.invalid"))
            .collect();
        let mut out = text.to_string();
        for email in found {
            let p = self.of("email", &email);
            out = out.replace(&email, &p);
        }
        out
    }
}

/// Already one of ours (a second redaction of a redacted HAR changes nothing).
pub fn is_placeholder(value: &str) -> bool {
    value.starts_with("REDACTED-") || value.ends_with("@example.invalid")
}

fn jwt_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
            .expect("jwt regex")
    })
}

fn email_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").expect("email regex")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_same_placeholder() {
        let mut p = Placeholders::new();
        let a = p.of("code", "abcdef123");
        assert_eq!(a, "REDACTED-code-1");
        assert_eq!(p.of("cookie", "abcdef123"), a);
        assert_eq!(p.of("code", "other-value"), "REDACTED-code-2");
        assert_eq!(p.scrub_text("x abcdef123 y"), "x REDACTED-code-1 y");
        assert_eq!(p.of("code", "REDACTED-code-1"), "REDACTED-code-1");
        assert_eq!(
            p.scrub_emails("to alice@corp.example"),
            "to redacted-email-1@example.invalid"
        );
    }
}
