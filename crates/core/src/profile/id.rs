//! Profile ids: the short name used on the command line (`--profile acme-prod`) and in
//! keyring accounts (`acme-prod/token`).

use serde::{Deserialize, Serialize};
use std::fmt;

use super::ProfileError;

pub const MAX_ID_LEN: usize = 64;

/// A lowercase slug, `[a-z0-9-]{1,64}`. Never contains `/`, so keyring accounts are unambiguous.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProfileId(String);

impl ProfileId {
    pub fn parse(raw: &str) -> Result<ProfileId, ProfileError> {
        let invalid = |reason: &str| ProfileError::InvalidId {
            id: raw.to_string(),
            reason: reason.to_string(),
        };
        if raw.is_empty() {
            return Err(invalid("it is empty"));
        }
        if raw.len() > MAX_ID_LEN {
            return Err(invalid("it is longer than 64 characters"));
        }
        if let Some(bad) = raw
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(invalid(&format!("it contains '{bad}'")));
        }
        Ok(ProfileId(raw.to_string()))
    }

    /// The id made from a display name: `"Acme Prod (EU)"` → `acme-prod-eu`.
    pub fn from_name(name: &str) -> Result<ProfileId, ProfileError> {
        let mut slug = String::new();
        for c in name.trim().chars().flat_map(char::to_lowercase) {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.truncate(MAX_ID_LEN);
        let slug = slug.trim_end_matches('-');
        if slug.is_empty() {
            return Err(ProfileError::InvalidId {
                id: name.to_string(),
                reason: "no letters or digits to make an id from".into(),
            });
        }
        ProfileId::parse(slug)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ProfileId {
    type Error = ProfileError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ProfileId::parse(&value)
    }
}

impl From<ProfileId> for String {
    fn from(id: ProfileId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ids() {
        for ok in ["a", "acme-prod", "0", "x".repeat(64).as_str()] {
            assert!(ProfileId::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn invalid_ids_say_why() {
        for (bad, why) in [
            ("", "empty"),
            ("Acme", "'A'"),
            ("a/b", "'/'"),
            ("a b", "' '"),
            ("a_b", "'_'"),
            ("é", "'é'"),
            (&"x".repeat(65), "longer than 64"),
        ] {
            let message = ProfileId::parse(bad).unwrap_err().to_string();
            assert!(message.contains(why), "{bad}: {message}");
            assert!(
                message.contains("[a-z0-9-]") || message.contains("a–z"),
                "{message}"
            );
        }
    }

    #[test]
    fn ids_from_names() {
        assert_eq!(
            ProfileId::from_name("Acme Prod (EU)").unwrap().as_str(),
            "acme-prod-eu"
        );
        assert_eq!(
            ProfileId::from_name("  --Okta__Test--  ").unwrap().as_str(),
            "okta-test"
        );
        let long = ProfileId::from_name(&"ab ".repeat(40)).unwrap();
        assert!(
            long.as_str().len() <= MAX_ID_LEN && !long.as_str().ends_with('-'),
            "{long}"
        );
        assert!(ProfileId::from_name("日本").is_err());
    }
}
