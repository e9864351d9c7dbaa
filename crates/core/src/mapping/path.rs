//! Attribute paths as admins and vendor docs write them: `title`, `name.givenName`,
//! `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager` (one level of
//! sub-attribute, as in RFC 7644 §3.10 attribute notation without value filters).

use serde::Serialize;
use std::fmt;

use crate::scim::USER;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttrPath {
    /// Extension schema URN; `None` for the core User schema.
    pub urn: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

fn valid_name(n: &str) -> bool {
    let mut chars = n.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '$');
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl AttrPath {
    pub fn parse(text: &str) -> Result<AttrPath, String> {
        let text = text.trim();
        if text.contains(['[', ']', ' ', '"']) {
            return Err(
                "value filters and spaces are not supported; name the attribute (e.g. `emails.value`)"
                    .into(),
            );
        }
        let (urn, rest) = if text.to_ascii_lowercase().starts_with("urn:") {
            let (urn, rest) = text
                .rsplit_once(':')
                .ok_or("a URN path ends with `:attribute`")?;
            let urn = (!urn.eq_ignore_ascii_case(USER)).then(|| urn.to_string());
            (urn, rest)
        } else {
            (None, text)
        };
        let (name, sub) = match rest.split_once('.') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        if !valid_name(name) || sub.is_some_and(|s| !valid_name(s)) {
            return Err(format!(
                "`{text}` is not an attribute path (letters, digits, `-`, `_`; one `.` for a sub-attribute)"
            ));
        }
        Ok(AttrPath {
            urn,
            name: name.to_string(),
            sub: sub.map(str::to_string),
        })
    }

    /// The path as payload comparisons write it (`name.givenName`, `urn:…:User:manager`).
    pub fn payload_path(&self) -> String {
        self.to_string()
    }

    /// The top-level attribute (`name`, `urn:…:User:manager`).
    pub fn top(&self) -> String {
        match &self.urn {
            Some(u) => format!("{u}:{}", self.name),
            None => self.name.clone(),
        }
    }

    /// Same attribute, compared the way SCIM compares names (case-insensitively).
    pub fn same(&self, other: &AttrPath) -> bool {
        self.to_string().eq_ignore_ascii_case(&other.to_string())
    }

    /// `self` is `other` or inside it (`name.givenName` is inside `name`).
    pub fn within(&self, other: &AttrPath) -> bool {
        self.same(other)
            || (other.sub.is_none()
                && self.urn.as_deref().map(str::to_ascii_lowercase)
                    == other.urn.as_deref().map(str::to_ascii_lowercase)
                && self.name.eq_ignore_ascii_case(&other.name))
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(u) = &self.urn {
            write!(f, "{u}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(s) = &self.sub {
            write!(f, ".{s}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        let p =
            AttrPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
                .unwrap();
        assert_eq!(
            p.urn.as_deref(),
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        );
        assert_eq!(p.name, "manager");
        let core = AttrPath::parse("urn:ietf:params:scim:schemas:core:2.0:User:title").unwrap();
        assert_eq!(core.to_string(), "title");
        let n = AttrPath::parse("name.givenName").unwrap();
        assert!(n.within(&AttrPath::parse("NAME").unwrap()));
        assert!(AttrPath::parse("emails[type eq \"work\"].value").is_err());
        assert!(AttrPath::parse("a.b.c").is_err());
        assert!(AttrPath::parse("").is_err());
    }
}
