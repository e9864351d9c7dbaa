//! Saved targets ("profiles"): the non-secret settings in `profiles.json` in the platform
//! config directory, the secret in the OS keyring under `<id>/token` or `<id>/client-secret`.
//!
//! A [`Profile`] has no field that can hold a secret, by construction; [`Profile::to_target`]
//! joins it with its keyring secret at the point of use.

mod error;
mod file;
mod id;
mod sign_in;
mod store;

pub use error::{ProfileError, ProfileWarning};
/// Also used for the rotation state files kept beside `profiles.json`.
pub(crate) use file::write_atomically;
pub use id::{MAX_ID_LEN, ProfileId};
pub use sign_in::{MAX_IDENT_LEN, MAX_REDIRECT_URIS, MAX_URL_LEN, SignIn};
pub use store::{Loaded, ProfileStore, Upsert};

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::secrets::{self, SecretKind, SecretStore};
use crate::target::{Credential, Idp, Target, parse_base_url};

/// One saved target. Serialised into `profiles.json`; holds no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: ProfileId,
    /// What the admin calls it ("Acme production").
    pub name: String,
    /// The SCIM base URL.
    pub base_url: String,
    pub idp: Idp,
    pub auth: ProfileAuth,
    /// A known SCIM vendor id, if the admin picked one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// When the (non-JWT) token expires, as the admin recorded it: `YYYY-MM-DD` (or a full
    /// RFC 3339 date-time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_expires_at: Option<String>,
    /// The app's SSO sign-in as registered at the IdP (optional; absent in older files).
    #[serde(default, skip_serializing_if = "SignIn::is_empty")]
    pub sign_in: SignIn,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// How the profile authenticates. The secret of each kind is in the keyring, not here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ProfileAuth {
    /// A long-lived bearer token (keyring: `<id>/token`).
    Bearer,
    /// OAuth 2.0 client credentials (keyring: `<id>/client-secret`).
    ClientCredentials {
        token_url: String,
        client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
    },
}

impl ProfileAuth {
    /// The keyring secret this kind of authentication needs.
    pub fn secret_kind(&self) -> SecretKind {
        match self {
            ProfileAuth::Bearer => SecretKind::Token,
            ProfileAuth::ClientCredentials { .. } => SecretKind::ClientSecret,
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            ProfileAuth::Bearer => "bearer token",
            ProfileAuth::ClientCredentials { .. } => "OAuth client credentials",
        }
    }
}

impl Profile {
    /// A new, validated profile created now.
    pub fn new(
        id: ProfileId,
        name: &str,
        base_url: &str,
        idp: Idp,
        auth: ProfileAuth,
    ) -> Result<Profile, ProfileError> {
        let profile = Profile {
            id,
            name: name.trim().to_string(),
            base_url: base_url.trim().to_string(),
            idp,
            auth,
            vendor: None,
            token_expires_at: None,
            sign_in: SignIn::default(),
            created_at: now_rfc3339(),
        };
        profile.validate()?;
        Ok(profile)
    }

    /// Check every field; the same rules apply to profiles read back from the file.
    pub fn validate(&self) -> Result<(), ProfileError> {
        ProfileId::parse(self.id.as_str())?;
        if self.name.trim().is_empty() {
            return Err(ProfileError::EmptyName);
        }
        parse_base_url(&self.base_url).map_err(ProfileError::InvalidUrl)?;
        if let ProfileAuth::ClientCredentials {
            token_url,
            client_id,
            ..
        } = &self.auth
        {
            parse_base_url(token_url).map_err(ProfileError::InvalidTokenUrl)?;
            if client_id.trim().is_empty() {
                return Err(ProfileError::EmptyClientId);
            }
        }
        self.token_expiry()?;
        self.sign_in.validate()?;
        Ok(())
    }

    /// The keyring secret this profile needs.
    pub fn secret_kind(&self) -> SecretKind {
        self.auth.secret_kind()
    }

    /// The keyring account of that secret, e.g. `acme-prod/token`.
    pub fn secret_account(&self) -> String {
        secrets::account(self.id.as_str(), self.secret_kind())
    }

    /// The recorded token expiry as an instant (a bare date means 00:00 UTC that day, so the
    /// warning comes early rather than late).
    pub fn token_expiry(&self) -> Result<Option<OffsetDateTime>, ProfileError> {
        self.token_expires_at
            .as_deref()
            .map(parse_expiry)
            .transpose()
    }

    /// The run target: these settings plus the secret from `store`. Blocking (keyring).
    pub fn to_target(&self, store: &dyn SecretStore) -> Result<Target, ProfileError> {
        self.validate()?;
        let kind = self.secret_kind();
        let secret = store
            .get(&self.secret_account())?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ProfileError::MissingSecret {
                id: self.id.to_string(),
                kind,
                backend: store.backend_name(),
            })?;
        let credential = match &self.auth {
            ProfileAuth::Bearer => Credential::Bearer(secret),
            ProfileAuth::ClientCredentials {
                token_url,
                client_id,
                scope,
            } => Credential::ClientCredentials {
                token_url: parse_base_url(token_url).map_err(ProfileError::InvalidTokenUrl)?,
                client_id: client_id.clone(),
                client_secret: secret,
                scope: scope.clone(),
            },
        };
        self.to_target_with(credential)
    }

    /// The run target with these settings and a credential from elsewhere — for `check
    /// --profile P --token-stdin` (or `PREFLIGHT_TOKEN`), which take precedence over the keyring.
    pub fn to_target_with(&self, credential: Credential) -> Result<Target, ProfileError> {
        let mut target =
            Target::new(&self.base_url, credential, self.idp).map_err(ProfileError::InvalidUrl)?;
        target.vendor = self.vendor.clone();
        target.token_expires_at = self.token_expiry()?;
        Ok(target)
    }
}

/// `YYYY-MM-DD` (00:00 UTC that day) or a full RFC 3339 date-time.
pub fn parse_expiry(raw: &str) -> Result<OffsetDateTime, ProfileError> {
    let raw = raw.trim();
    let invalid = || ProfileError::InvalidExpiry {
        value: raw.to_string(),
    };
    if raw.len() == 10 {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = Date::parse(raw, &format).map_err(|_| invalid())?;
        return Ok(date.midnight().assume_utc());
    }
    OffsetDateTime::parse(raw, &Rfc3339).map_err(|_| invalid())
}

pub(crate) fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    now.format(&Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests;
