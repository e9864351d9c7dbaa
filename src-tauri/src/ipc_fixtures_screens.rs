//! Fixtures of the issue 5/6/8 screens for the IPC drift guard (see `ipc_fixtures.rs`).

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::ts_const;
use crate::commands::bundle::{BundleFile, BundleInput, BundlePreview};
use crate::commands::cleanup::{JournalSweep, KeptTarget, SweptTarget};
use crate::commands::explain::ExplainedError;
use crate::commands::provision::{MatchOutcome, OnDemandOutcome, OnDemandStep, StepState};
use crate::commands::scan::ScanEvent;
use crate::commands::sso::{OidcInput, SamlInput};
use crate::commands::trace::TraceInput;
use crate::commands::write::{
    CleanupSummary, DialectInfo, FlowInfo, PlannedObject, WriteOutcome, WritePreview,
};
use preflight_core::Report;
use preflight_core::dialect::ObjectKind;

/// An input the UI sends: must deserialise in Rust, then is emitted for the TypeScript check.
fn input<T: DeserializeOwned>(value: Value) -> Value {
    if let Err(e) = serde_json::from_value::<T>(value.clone()) {
        panic!("the shell no longer accepts this UI input: {e}\n{value:#}");
    }
    value
}

pub fn render(report: &Report) -> String {
    let cleanup = CleanupSummary {
        deleted: 3,
        absent: 1,
        left: vec!["Users preflight-test-r1-x: DELETE answered 500".into()],
    };
    let preview = WritePreview {
        run_id: "ab12cd34".into(),
        base_url: "https://scim.example.com/scim/v2".into(),
        dialect: "entra-default".into(),
        dialect_title: "Microsoft Entra ID".into(),
        objects: vec![PlannedObject {
            kind: ObjectKind::Group,
            name: "preflight-test-ab12cd34-entra-default-2-group".into(),
            by: "entra/provision-group".into(),
            renamed_to: Some("preflight-test-ab12cd34-entra-default-2-group-renamed".into()),
            note: Some("sent twice".into()),
        }],
        journal: "/home/u/.local/share/preflight/journal".into(),
    };
    let mut out = String::from(
        "import type { BundleInput, BundlePreview, DialectInfo, ExplainedError, JournalSweep, MatchOutcome, OidcInput, OnDemandOutcome, SamlInput, ScanEvent, TraceInput, TraceView, WriteOutcome, WritePreview } from './types';\n\n",
    );
    out += &ts_const("writePreview", "WritePreview", &preview);
    out += &ts_const(
        "writeOutcome",
        "WriteOutcome",
        &WriteOutcome {
            report: report.clone(),
            cleanup: cleanup.clone(),
        },
    );
    out += &ts_const(
        "dialectInfo",
        "DialectInfo",
        &DialectInfo {
            id: "okta-oin".into(),
            idp: "okta".into(),
            title: "Okta (OIN)".into(),
            default_for_idp: true,
            flows: vec![FlowInfo {
                check_id: "okta/assign-user".into(),
                title: "Assign a user".into(),
                steps: vec!["match".into(), "create".into()],
            }],
        },
    );
    out += &ts_const(
        "onDemandOutcome",
        "OnDemandOutcome",
        &OnDemandOutcome {
            rehearsal: true,
            mapping_applied: true,
            report: report.clone(),
            result: Some(report.checks[0].clone()),
            steps: [StepState::Pass, StepState::Fail, StepState::NotRun]
                .into_iter()
                .map(|state| OnDemandStep {
                    label: "Create the user".into(),
                    method: "POST".into(),
                    path: "/Users".into(),
                    state,
                    exchanges: vec!["x1".into()],
                    idp_conclusion: "Entra logs the user as failed".into(),
                })
                .collect(),
            cleanup,
            cleanup_exchanges: vec!["x9".into()],
        },
    );
    out += &ts_const(
        "onDemandNotRun",
        "OnDemandOutcome",
        &OnDemandOutcome {
            rehearsal: false,
            mapping_applied: false,
            report: report.clone(),
            result: None,
            steps: Vec::new(),
            cleanup: CleanupSummary {
                deleted: 0,
                absent: 0,
                left: Vec::new(),
            },
            cleanup_exchanges: Vec::new(),
        },
    );
    out += &ts_const(
        "provisionMatch",
        "MatchOutcome",
        &MatchOutcome {
            user_name: "ada@corp.example".into(),
            found: true,
            count: 1,
            message: "ada@corp.example already exists on the target.".into(),
            request: "GET https://scim.example.com/Users?filter=… → 200".into(),
        },
    );
    out += &ts_const(
        "scanEvents",
        "ScanEvent[]",
        &vec![
            ScanEvent::Page {
                collection: "Users".into(),
                start_index: Some(101),
                status: Some(200),
                requests: 2,
            },
            ScanEvent::Page {
                collection: "Groups".into(),
                start_index: None,
                status: None,
                requests: 3,
            },
        ],
    );
    out += &ts_const(
        "journalSweep",
        "JournalSweep",
        &JournalSweep {
            journal: "/home/u/.local/share/preflight/journal".into(),
            swept: vec![SweptTarget {
                base_url: "https://scim.example.com/scim/v2".into(),
                using: "profile acme".into(),
                deleted: 2,
                absent: 0,
                left: vec!["Users preflight-test-x: GET answered 500".into()],
            }],
            kept: vec![KeptTarget {
                base_url: "https://other.example.com/scim/v2".into(),
                open: 1,
                reason: "no saved profile has this base URL".into(),
            }],
        },
    );
    out += &ts_const(
        "explained",
        "ExplainedError[]",
        &vec![
            ExplainedError {
                matched: "AADSTS50011".into(),
                idp: "entra".into(),
                cause: "cause".into(),
                location: "where".into(),
                fix: "fix".into(),
                diagnosis: "sso/redirect-uri-mismatch".into(),
                diagnosis_title: Some("Redirect URI mismatch".into()),
            },
            ExplainedError {
                matched: "503".into(),
                idp: "any".into(),
                cause: "cause".into(),
                location: "where".into(),
                fix: "fix".into(),
                diagnosis: "sso/callback-error".into(),
                diagnosis_title: None,
            },
        ],
    );
    out += &ts_const(
        "bundlePreview",
        "BundlePreview",
        &BundlePreview {
            files: vec![BundleFile {
                name: "SUMMARY.md".into(),
                size: 5,
                content: "# Sum".into(),
            }],
            summary: "# Sum".into(),
            suggested_path: "/home/u/Downloads/preflight-escalation.zip".into(),
        },
    );
    out += &ts_const(
        "oidcInput",
        "OidcInput",
        &input::<OidcInput>(json!({
            "issuer": "https://login.example.com/t/v2.0", "idp": "entra", "client_id": "c",
            "audience": "api://x", "scope": "api://x/.default", "redirect_uri": "https://app/cb",
            "registered_redirect_uri": "https://app/cb/", "secret_profile_id": "acme"
        })),
    );
    out += &ts_const(
        "samlInput",
        "SamlInput",
        &input::<SamlInput>(json!({
            "idp": "okta", "metadata_url": "https://idp.example.com/metadata",
            "metadata_file": {"name": "m.xml", "text": "<x/>"}, "sp_entity_id": "urn:sp",
            "acs_url": "https://app/acs", "sp_cert_thumbprint": "AB:CD", "response": "PHg+"
        })),
    );
    out += &ts_const(
        "bundleInput",
        "BundleInput",
        &input::<BundleInput>(json!({"pseudonymise": true, "token_use_answer": "yes"})),
    );
    out += &ts_const("traceView", "TraceView", &super::trace_fixture::view());
    out += &ts_const(
        "traceInput",
        "TraceInput",
        &input::<TraceInput>(json!({
            "redirect_uri": "https://app/cb", "client_id": "c", "issuer": "https://idp/", "tenant": "t",
            "sp_entity_id": "urn:sp", "acs_url": "https://app/acs"
        })),
    );
    out
}
