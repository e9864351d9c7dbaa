//! Fixtures of the profiles, token-lifecycle, rotation, vendor and guide screens for the IPC
//! drift guard (see `ipc_fixtures.rs`). Every optional field is set, and inputs the UI sends
//! are deserialised here first, so Rust accepting them and TypeScript describing them are
//! both proven.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::ts_const;
use crate::commands::guides::GuideView;
use crate::commands::lifecycle::TokenWarnings;
use crate::commands::profiles::{ProfileInput, ProfileView};
use crate::commands::rotation::RotationView;
use crate::commands::vendors::VendorOption;
use preflight_core::guide::{FilledField, FilledGuide, FilledStep, LogPlace, Part};
use preflight_core::lifecycle::{
    ConnectionTest, ExpiryBand, RotationStep, StepState, StepView, TokenExpiry,
};
use preflight_core::profile::{ProfileAuth, SignIn};
use preflight_core::target::Idp;
use preflight_core::vendor::{AuthStyle, UrlProblem};

fn input<T: DeserializeOwned>(value: Value) -> Value {
    if let Err(e) = serde_json::from_value::<T>(value.clone()) {
        panic!("the shell no longer accepts this UI input: {e}\n{value:#}");
    }
    value
}

/// A client-credentials profile with every optional field set.
pub fn profile_view() -> ProfileView {
    ProfileView {
        id: "acme".into(),
        name: "Acme".into(),
        base_url: "https://scim.example.com/scim/v2".into(),
        idp: Idp::Okta,
        auth: ProfileAuth::ClientCredentials {
            token_url: "https://idp.example.com/oauth2/token".into(),
            client_id: "scim-client".into(),
            scope: Some("scim.read scim.write".into()),
        },
        secret_kind: "client-secret",
        vendor: Some("stackit".into()),
        expiry: TokenExpiry {
            expires_at: Some("2026-05-06T00:00:00Z".into()),
            days_left: Some(4),
            band: ExpiryBand::Critical,
        },
        sign_in: SignIn {
            app_name: Some("Acme SSO".into()),
            client_id: Some("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".into()),
            issuer: Some("https://login.example.com/acme/v2.0".into()),
            tenant_id: Some("acme.example.com".into()),
            redirect_uris: vec![
                "https://app.example.com/auth/callback".into(),
                "https://app.example.com/saml/acs".into(),
            ],
        },
    }
}

pub fn render() -> String {
    let mut out = String::from(
        "import type { GuideView, ProfileInput, RotationStep, RotationView, TokenWarnings, UrlProblem, VendorOption } from './types';\n\n",
    );
    let bearer_profile = ProfileView {
        id: "plain".into(),
        auth: ProfileAuth::Bearer,
        secret_kind: "token",
        vendor: None,
        expiry: TokenExpiry {
            expires_at: None,
            days_left: None,
            band: ExpiryBand::Unknown,
        },
        sign_in: SignIn::default(),
        ..profile_view()
    };
    out += &ts_const(
        "tokenWarnings",
        "TokenWarnings",
        &TokenWarnings {
            now: "2026-05-01T12:00:00Z".into(),
            fake_clock: true,
            expiring: vec![profile_view(), bearer_profile],
        },
    );
    out += &ts_const(
        "profileInput",
        "ProfileInput",
        &input::<ProfileInput>(json!({
            "id": "acme", "name": "Acme", "base_url": "https://scim.example.com/scim/v2", "idp": "okta",
            "auth": {"kind": "client-credentials", "token_url": "https://idp.example.com/oauth2/token",
                     "client_id": "scim-client", "scope": "scim.read"},
            "vendor": "stackit", "token_expires_at": "2026-05-06",
            "sign_in": {"app_name": "Acme SSO", "redirect_uris": ["https://app.example.com/auth/callback"]}
        })),
    );
    out += &ts_const(
        "rotationView",
        "RotationView",
        &RotationView {
            profile_id: "acme".into(),
            started_at: "2026-05-01T12:00:00Z".into(),
            steps: vec![
                StepView {
                    step: RotationStep::CreateNew,
                    title: "Create the new token",
                    state: StepState::Done,
                    done_at: Some("2026-05-01T12:00:00Z".into()),
                },
                StepView {
                    step: RotationStep::UpdateIdp,
                    title: "Put the new token into the identity provider",
                    state: StepState::Current,
                    done_at: None,
                },
                StepView {
                    step: RotationStep::RevokeOld,
                    title: "Revoke the old token",
                    state: StepState::Locked,
                    done_at: None,
                },
            ],
            next_step: Some(RotationStep::ConnectionTest),
            secret_kind: "token",
            new_expires_at: Some("2026-10-28T00:00:00Z".into()),
            connection_test: Some(ConnectionTest {
                at: "2026-05-01T12:00:00Z".into(),
                passed: false,
                problems: vec!["auth/users-accepts-token: fail".into()],
            }),
            promoted: false,
            can_revoke: false,
            finished: false,
            test_checks: vec!["scim/endpoint-reachable", "entra/test-connection"],
            provisioning_log_hint: "Provisioning logs",
        },
    );
    out += &ts_const(
        "vendorOption",
        "VendorOption",
        &VendorOption {
            id: "stackit".into(),
            name: "STACKIT".into(),
            summary: "summary".into(),
            auth_style: AuthStyle::ClientCredentials,
            token_label: Some("Access Token".into()),
            token_endpoint: Some("https://idp.example.com/oauth2/token".into()),
            scopes: vec!["scim.read".into()],
            token_lifetime_days: Some(180),
            url_example: Some("https://scim.example.com/scim/v2".into()),
            sync_delay_minutes: Some(10),
            notes: vec!["note".into()],
        },
    );
    out += &ts_const(
        "urlProblem",
        "UrlProblem",
        &UrlProblem {
            part: "path".into(),
            message: "Airia base URL: the org id is not a GUID".into(),
        },
    );
    out += &ts_const(
        "guideView",
        "GuideView",
        &GuideView {
            guide: FilledGuide {
                idp: "entra".into(),
                name: "Microsoft Entra ID".into(),
                intro: "intro".into(),
                steps: vec![FilledStep {
                    number: 1,
                    id: "scim-admin-credentials".into(),
                    part: Part::Scim,
                    title: "Enter the admin credentials".into(),
                    menu: "Enterprise applications > your app > Provisioning".into(),
                    instructions: "Fill in the fields".into(),
                    fields: vec![FilledField {
                        name: "Tenant URL".into(),
                        value: "https://scim.example.com/scim/v2".into(),
                        secret: false,
                        complete: true,
                    }],
                    checks: vec!["entra/test-connection".into()],
                    explain: vec!["AADSTS50105".into()],
                    warnings: vec!["warning".into()],
                }],
                logs: vec![LogPlace {
                    part: Part::Sso,
                    menu: "Sign-in logs".into(),
                    shows: "shows".into(),
                }],
                missing: vec![("redirect_uri".into(), "the redirect URI".into())],
                unconfirmed: vec!["label".into()],
            },
            runnable_checks: vec!["entra/test-connection".into()],
        },
    );
    out += &ts_const(
        "rotationSteps",
        "RotationStep[]",
        &RotationStep::ALL.to_vec(),
    );
    out
}
