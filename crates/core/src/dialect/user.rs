//! The test user a dialect's templates are filled with: a default one, or the admin's own
//! attributes (`--user-file`) so the payload looks like their real users. The names always
//! carry the `preflight-test-<run id>-` prefix, because cleanup only ever touches such names.

use serde::Deserialize;

use super::render::Vars;

/// Prefix of every object Preflight creates; cleanup refuses anything without it.
pub const TEST_PREFIX: &str = "preflight-test-";

#[derive(Debug, thiserror::Error)]
pub enum UserFileError {
    #[error("the user file is not a JSON object with string values: {0}")]
    Json(String),
    #[error(
        "userName `{0}` must start with `preflight-test-` (cleanup only touches such names); leave it out to get one"
    )]
    Unprefixed(String),
}

/// The admin's attributes; everything optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestUser {
    pub user_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
}

impl TestUser {
    pub fn from_json(text: &str) -> Result<TestUser, UserFileError> {
        let user: TestUser =
            serde_json::from_str(text).map_err(|e| UserFileError::Json(e.to_string()))?;
        if let Some(name) = &user.user_name
            && !name.starts_with(TEST_PREFIX)
        {
            return Err(UserFileError::Unprefixed(name.clone()));
        }
        Ok(user)
    }

    /// Template variables for one flow. `tag` tells flows of one run apart
    /// (`preflight-test-<run>-<tag>@example.invalid`).
    pub fn vars(&self, run_id: &str, tag: &str) -> Vars {
        let user_name = self
            .user_name
            .clone()
            .map(|n| format!("{n}-{tag}"))
            .unwrap_or_else(|| format!("{TEST_PREFIX}{run_id}-{tag}@example.invalid"));
        let given = self
            .given_name
            .clone()
            .unwrap_or_else(|| "Preflight".into());
        let family = self
            .family_name
            .clone()
            .unwrap_or_else(|| format!("Test {tag}"));
        let mut v = Vars::new();
        v.set("runId", run_id);
        v.set("userName", &user_name);
        v.set("givenName", &given);
        v.set("familyName", &family);
        v.set(
            "displayName",
            &self
                .display_name
                .clone()
                .unwrap_or_else(|| format!("{given} {family}")),
        );
        v.set(
            "email",
            &self.email.clone().unwrap_or_else(|| user_name.clone()),
        );
        v.set(
            "externalId",
            &self
                .external_id
                .clone()
                .unwrap_or_else(|| format!("{TEST_PREFIX}{run_id}-{tag}")),
        );
        v.set("newGivenName", &format!("{given} Updated"));
        v.set("newDisplayName", &format!("{given} {family} Updated"));
        v.set("groupName", &format!("{TEST_PREFIX}{run_id}-{tag}-group"));
        v.set(
            "newGroupName",
            &format!("{TEST_PREFIX}{run_id}-{tag}-group-renamed"),
        );
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_prefix() {
        let v = TestUser::default().vars("ab12", "entra");
        assert_eq!(
            v.get("userName"),
            Some("preflight-test-ab12-entra@example.invalid")
        );
        assert_eq!(v.get("groupName"), Some("preflight-test-ab12-entra-group"));
        assert!(TestUser::from_json(r#"{"userName":"alice@corp.com"}"#).is_err());
        assert!(TestUser::from_json(r#"{"password":"x"}"#).is_err());
        let u =
            TestUser::from_json(r#"{"givenName":"Ada","email":"preflight-test-x@corp.example"}"#)
                .unwrap();
        assert_eq!(u.vars("r", "t").get("givenName"), Some("Ada"));
    }
}
