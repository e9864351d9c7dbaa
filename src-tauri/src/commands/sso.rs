//! The SSO step: the core's OIDC and SAML plans (`checks::oidc_plan`, `checks::saml_plan`),
//! streamed like the Checks screen and cancellable with `cancel_run`. The OIDC client secret
//! is read from the keyring by profile id (saved with `save_secret` as `client-secret`); it
//! never crosses IPC. SAML metadata comes as a URL (fetched by the probe) or as the text of a
//! file the admin picked (read by the webview, size-capped here).

use std::sync::Arc;

use serde::Deserialize;
use tauri::State;
use tauri::ipc::Channel;

use super::write::live_probe;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;
use preflight_core::check::RunOptions;
use preflight_core::event::RunEvent;
use preflight_core::federation::{
    FederationConfig, MAX_XML_BYTES, MetadataSource, OidcConfig, SamlConfig, discovery,
};
use preflight_core::probe::{AuthMode, LiveTransport, NetConfig, Probe, Req};
use preflight_core::profile::ProfileId;
use preflight_core::redact::Redactor;
use preflight_core::secrets::{self, KeyringStore, SecretKind, SecretStore, with_timeout};
use preflight_core::target::{Credential, Idp, Target, parse_base_url};
use preflight_core::{Report, Secret, checks, engine};

/// What the OIDC form sends. Every field but the issuer is optional.
#[derive(Debug, Deserialize)]
pub struct OidcInput {
    pub issuer: String,
    pub idp: String,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub registered_redirect_uri: Option<String>,
    /// Test the client-credentials grant with the client secret saved for this profile.
    #[serde(default)]
    pub secret_profile_id: Option<String>,
}

/// What the SAML form sends: metadata by URL or as a picked file's text.
#[derive(Debug, Deserialize)]
pub struct SamlInput {
    pub idp: String,
    #[serde(default)]
    pub metadata_url: Option<String>,
    #[serde(default)]
    pub metadata_file: Option<MetadataFile>,
    #[serde(default)]
    pub sp_entity_id: Option<String>,
    #[serde(default)]
    pub acs_url: Option<String>,
    #[serde(default)]
    pub sp_cert_thumbprint: Option<String>,
    /// A pasted SAMLResponse (base64, deflate+base64, or XML).
    #[serde(default)]
    pub response: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct MetadataFile {
    pub name: String,
    pub text: String,
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn parse_idp(idp: &str) -> IpcResult<Idp> {
    idp.parse()
        .map_err(|e: String| IpcError::new("input/idp", e))
}

async fn client_secret(profile_id: &str) -> IpcResult<Secret> {
    let id = ProfileId::parse(profile_id)
        .map_err(|e| IpcError::new("input/profile-id", e.to_string()))?;
    let account = secrets::account(id.as_str(), SecretKind::ClientSecret);
    let found = with_timeout(move || KeyringStore::open()?.get(&account), 20)
        .await
        .map_err(|e| IpcError::new("secrets/error", e.to_string()))?;
    found.ok_or_else(|| {
        IpcError::new(
            "secrets/missing",
            format!(
                "no client secret is saved for profile '{profile_id}'; paste it in the SSO step and save it"
            ),
        )
    })
}

/// The discovery document's `token_endpoint`, via a throwaway probe (the run fetches and
/// judges the document again, so its evidence is in the report).
async fn token_endpoint(issuer: &str) -> Option<url::Url> {
    let transport = LiveTransport::new(&NetConfig::default()).ok()?;
    let target = Target::new(issuer, Credential::None, Idp::Generic).ok()?;
    let probe = Probe::new(Arc::new(transport), target, Redactor::new());
    let x = probe
        .send(
            Req::get(discovery::discovery_url(issuer))
                .auth(AuthMode::None)
                .header("accept", Some("application/json")),
        )
        .await;
    let json = x.response.as_ref().filter(|r| r.status == 200)?.json()?;
    parse_base_url(json.get("token_endpoint")?.as_str()?).ok()
}

async fn oidc_target(input: OidcInput) -> IpcResult<Target> {
    let idp = parse_idp(&input.idp)?;
    let issuer = input.issuer.trim().to_string();
    parse_base_url(&issuer).map_err(|e| IpcError::new("input/issuer", e.to_string()))?;
    let client_id = blank_to_none(input.client_id);
    let scope = blank_to_none(input.scope);
    let credential = match (&client_id, blank_to_none(input.secret_profile_id)) {
        (Some(client_id), Some(profile)) => {
            let client_secret = client_secret(&profile).await?;
            match token_endpoint(&issuer).await {
                Some(token_url) => Credential::ClientCredentials {
                    token_url,
                    client_id: client_id.clone(),
                    client_secret,
                    scope,
                },
                // Discovery failed: the discovery check says why; the token checks are skipped.
                None => Credential::None,
            }
        }
        _ => Credential::None,
    };
    let mut target = Target::new(&issuer, credential, idp)
        .map_err(|e| IpcError::new("input/issuer", e.to_string()))?;
    target.federation = Some(Arc::new(FederationConfig {
        oidc: Some(OidcConfig {
            issuer,
            client_id,
            audience: blank_to_none(input.audience),
            redirect_uri: blank_to_none(input.redirect_uri),
            registered_redirect_uri: blank_to_none(input.registered_redirect_uri),
        }),
        saml: None,
        sso: None,
    }));
    Ok(target)
}

fn saml_target(input: SamlInput) -> IpcResult<Target> {
    let idp = parse_idp(&input.idp)?;
    let (metadata, base) = match (blank_to_none(input.metadata_url), input.metadata_file) {
        (Some(url), _) => {
            let parsed =
                parse_base_url(&url).map_err(|e| IpcError::new("input/metadata", e.to_string()))?;
            (MetadataSource::Url(url), parsed)
        }
        (None, Some(file)) => {
            if file.text.len() > MAX_XML_BYTES {
                return Err(IpcError::new(
                    "input/metadata",
                    format!(
                        "{} is larger than {MAX_XML_BYTES} bytes; is it really SAML metadata?",
                        file.name
                    ),
                ));
            }
            // The file's own location never matters: nothing in it is fetched.
            let base = url::Url::parse("file:///metadata.xml").expect("static URL");
            (
                MetadataSource::Document {
                    name: file.name,
                    text: file.text,
                },
                base,
            )
        }
        (None, None) => {
            return Err(IpcError::new(
                "input/metadata",
                "give the IdP's metadata URL or pick its metadata file",
            ));
        }
    };
    let response = blank_to_none(input.response);
    if response
        .as_ref()
        .is_some_and(|r| r.len() > MAX_XML_BYTES * 4 / 3 + 4096)
    {
        return Err(IpcError::new(
            "input/response",
            "the pasted SAMLResponse is larger than any real one; paste only the SAMLResponse value",
        ));
    }
    let mut target = Target::new("http://localhost/", Credential::None, idp)
        .map_err(|e| IpcError::new("input/metadata", e.to_string()))?;
    target.base_url = base;
    target.federation = Some(Arc::new(FederationConfig {
        oidc: None,
        saml: Some(SamlConfig {
            metadata,
            sp_entity_id: blank_to_none(input.sp_entity_id),
            acs_url: blank_to_none(input.acs_url),
            sp_cert_thumbprint: blank_to_none(input.sp_cert_thumbprint),
            response,
            metadata_pin: None,
        }),
        sso: None,
    }));
    Ok(target)
}

#[tauri::command]
pub async fn run_oidc(
    state: State<'_, AppState>,
    input: OidcInput,
    on_event: Channel<RunEvent>,
) -> IpcResult<Report> {
    let target = oidc_target(input).await?;
    let (probe, sink) = live_probe(&state, target, &on_event)?;
    Ok(engine::run(&checks::oidc_plan(), &probe, &RunOptions::default(), &sink).await)
}

#[tauri::command]
pub async fn run_saml(
    state: State<'_, AppState>,
    input: SamlInput,
    on_event: Channel<RunEvent>,
) -> IpcResult<Report> {
    let target = saml_target(input)?;
    let (probe, sink) = live_probe(&state, target, &on_event)?;
    Ok(engine::run(&checks::saml_plan(), &probe, &RunOptions::default(), &sink).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saml(json: &str) -> IpcResult<Target> {
        saml_target(serde_json::from_str(json).unwrap())
    }

    #[test]
    fn saml_needs_metadata_and_caps_its_size() {
        assert_eq!(
            saml(r#"{"idp":"generic"}"#).unwrap_err().code,
            "input/metadata"
        );
        let big = "x".repeat(MAX_XML_BYTES + 1);
        let input =
            format!(r#"{{"idp":"generic","metadata_file":{{"name":"m.xml","text":"{big}"}}}}"#);
        assert_eq!(saml(&input).unwrap_err().code, "input/metadata");
        let ok =
            saml(r#"{"idp":"okta","metadata_file":{"name":"m.xml","text":"<x/>"},"acs_url":" "}"#)
                .unwrap();
        let fed = ok.federation.unwrap();
        let cfg = fed.saml.as_ref().unwrap();
        assert!(cfg.acs_url.is_none(), "blank fields are absent");
        assert!(matches!(cfg.metadata, MetadataSource::Document { .. }));
    }

    #[tokio::test]
    async fn oidc_without_a_secret_profile_sends_no_credential() {
        let t = oidc_target(
            serde_json::from_str(
                r#"{"issuer":"https://login.example.com/tenant/v2.0","idp":"entra","client_id":"abc"}"#,
            )
            .unwrap(),
        )
        .await
        .unwrap();
        assert!(matches!(t.credential, Credential::None));
        assert_eq!(
            t.federation
                .unwrap()
                .oidc
                .as_ref()
                .unwrap()
                .client_id
                .as_deref(),
            Some("abc")
        );
    }
}
