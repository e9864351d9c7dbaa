//! Provision on demand: one user's attributes (typed or pasted as JSON, validated by the core's
//! `TestUser`), one dialect's user flow — match → create → read back → update → deactivate →
//! delete — then the removal of what the run created. Like write mode, `provision_preview`
//! sends nothing and lists the objects; only `provision_on_demand` with that run id sends.
//! The result is laid out step by step, as the IdP's own on-demand view shows it.

use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;

use super::run::TokenSource;
use super::write::{
    CleanupSummary, WritePreview, WriteState, credential, find_dialect, flow_objects, journal_dir,
    live_probe, sweep_run,
};
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;
use preflight_core::check::{RunOptions, Status};
use preflight_core::checks::{self, write};
use preflight_core::dialect::{Dialect, Flow, ObjectKind, TestUser};
use preflight_core::event::RunEvent;
use preflight_core::report::{CheckResult, Report};
use preflight_core::target::{Idp, Target};
use preflight_core::{Check, engine};

/// The check that proves the token before anything is created.
const TOKEN_GATE: &str = "auth/users-accepts-token";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Pass,
    Fail,
    NotRun,
}

/// One step of the flow as the IdP shows it: what it did, the exchanges behind it, and what
/// the IdP concludes when it fails.
#[derive(Debug, Serialize)]
pub struct OnDemandStep {
    pub label: String,
    pub method: String,
    pub path: String,
    pub state: StepState,
    /// Exchange ids in the report, the step's request first (then read-backs and retries).
    pub exchanges: Vec<String>,
    pub idp_conclusion: String,
}

#[derive(Debug, Serialize)]
pub struct OnDemandOutcome {
    pub report: Report,
    /// The flow's verdict (with the diagnosis when a step failed).
    pub result: Option<CheckResult>,
    pub steps: Vec<OnDemandStep>,
    /// The removal at the end, with its exchanges.
    pub cleanup: CleanupSummary,
    pub cleanup_exchanges: Vec<String>,
}

/// The user flow of a dialect: its first flow that creates a user and no group.
fn user_flow(d: &'static Dialect) -> IpcResult<&'static Flow> {
    d.flow
        .iter()
        .find(|f| {
            let creates = |k| f.steps.iter().any(|s| d.steps[s].creates == Some(k));
            creates(ObjectKind::User) && !creates(ObjectKind::Group)
        })
        .ok_or_else(|| {
            IpcError::new(
                "input/dialect",
                format!("dialect {} has no single-user flow", d.id),
            )
        })
}

fn parse_user(user_json: &str) -> IpcResult<TestUser> {
    let text = user_json.trim();
    if text.is_empty() {
        return Ok(TestUser::default());
    }
    TestUser::from_json(text).map_err(|e| IpcError::new("input/user", e.to_string()))
}

/// Step 1: validate the user and list what will be created. Sends nothing.
#[tauri::command]
pub fn provision_preview(
    write: State<'_, WriteState>,
    url: String,
    dialect: String,
    user_json: String,
) -> IpcResult<WritePreview> {
    crate::limits::url("base URL", &url)?;
    crate::limits::json("test user", &user_json)?;
    let d = find_dialect(&dialect)?;
    let target = Target::new(url.trim(), preflight_core::Credential::None, Idp::Generic)
        .map_err(|e| IpcError::new("input/url", e.to_string()))?;
    let user = parse_user(&user_json)?;
    let flow = user_flow(d)?;
    let run_id = RunOptions::default().run_id;
    let preview = WritePreview {
        objects: flow_objects(&run_id, d, &user, Some(&flow.check_id)),
        run_id,
        base_url: target.base_url.to_string(),
        dialect: d.id.clone(),
        dialect_title: d.title.clone(),
        journal: journal_dir()?.display().to_string(),
    };
    *write.consented.lock().expect("consent lock") = Some(preview.clone());
    Ok(preview)
}

/// Step 2, after consent: run the user flow for the previewed run id, then clean up.
#[tauri::command]
pub async fn provision_on_demand(
    state: State<'_, AppState>,
    write: State<'_, WriteState>,
    run_id: String,
    token_source: TokenSource,
    user_json: String,
    on_event: Channel<RunEvent>,
) -> IpcResult<OnDemandOutcome> {
    crate::limits::json("test user", &user_json)?;
    let preview = write.take_consent(
        &run_id,
        "this provisioning run was not shown and accepted first; press Provision again",
    )?;
    let d = find_dialect(&preview.dialect)?;
    let flow = user_flow(d)?;
    let idp: Idp = d
        .idp
        .parse()
        .map_err(|e: String| IpcError::new("input/idp", e))?;
    let mut target = Target::new(
        &preview.base_url,
        credential(&state, &preview.base_url, token_source).await?,
        idp,
    )
    .map_err(|e| IpcError::new("input/url", e.to_string()))?;
    target.write = true;
    target.dialects = vec![d.id.clone()];
    target.test_user = Some(parse_user(&user_json)?);
    target.journal_dir = Some(journal_dir()?);
    let (probe, sink) = live_probe(&state, target, &on_event)?;
    let options = RunOptions {
        run_id: preview.run_id.clone(),
        only: vec![TOKEN_GATE.into(), flow.check_id.clone()],
        ..RunOptions::default()
    };
    let plan: Vec<&'static dyn Check> = checks::read_only()
        .into_iter()
        .chain(write::plan())
        .collect();
    let report = engine::run(&plan, &probe, &options, &sink).await;
    let cleanup = sweep_run(&probe, &options.run_id).await;
    let result = report.result(&flow.check_id).cloned();
    let (steps, cleanup_exchanges) = lay_out(d, flow, &report, result.as_ref());
    Ok(OnDemandOutcome {
        report,
        result,
        steps,
        cleanup,
        cleanup_exchanges,
    })
}

/// Put each exchange under the step that sent it (a step's request carries the purpose
/// `<dialect>: <label>`; read-backs and diagnostic retries follow it), the deletes at the end
/// under cleanup, and mark the failed step.
fn lay_out(
    d: &Dialect,
    flow: &Flow,
    report: &Report,
    result: Option<&CheckResult>,
) -> (Vec<OnDemandStep>, Vec<String>) {
    let mut steps: Vec<OnDemandStep> = flow
        .steps
        .iter()
        .map(|s| {
            let step = &d.steps[s];
            OnDemandStep {
                label: step.label.clone(),
                method: step.method.clone(),
                path: step.path.clone(),
                state: StepState::NotRun,
                exchanges: Vec::new(),
                idp_conclusion: step.idp_conclusion.clone(),
            }
        })
        .collect();
    let mut cleanup = Vec::new();
    let mut current: Option<usize> = None;
    for x in &report.exchanges {
        let purpose = x.purpose.as_deref().unwrap_or_default();
        if purpose == "remove a Preflight test object" || purpose.starts_with("cleanup:") {
            cleanup.push(x.id.clone());
            continue;
        }
        let own = format!("{}: ", d.id);
        if let Some(label) = purpose.strip_prefix(&own) {
            // The next step with this label (a flow can repeat a label, never out of order).
            let from = current.map_or(0, |c| c + 1);
            if let Some(i) = (from..steps.len()).find(|&i| steps[i].label == label) {
                current = Some(i);
            }
        }
        if let Some(i) = current {
            steps[i].exchanges.push(x.id.clone());
        }
    }
    let failed = result.is_some_and(|r| matches!(r.status, Status::Fail | Status::Warn));
    let last = steps.iter().rposition(|s| !s.exchanges.is_empty());
    for (i, s) in steps.iter_mut().enumerate() {
        if s.exchanges.is_empty() {
            continue;
        }
        s.state = if failed && Some(i) == last {
            StepState::Fail
        } else {
            StepState::Pass
        };
    }
    (steps, cleanup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dialect_has_a_user_flow() {
        for d in preflight_core::dialect::all() {
            let f = user_flow(d).unwrap();
            assert!(f.steps.len() >= 3, "{}", d.id);
        }
    }

    #[test]
    fn user_json_is_validated_by_the_core() {
        assert!(parse_user("").unwrap().user_name.is_none());
        let u = parse_user(r#"{"givenName":"Ada","email":"ada@corp.example"}"#).unwrap();
        assert_eq!(u.given_name.as_deref(), Some("Ada"));
        assert_eq!(
            parse_user(r#"{"userName":"ada@corp.example"}"#)
                .unwrap_err()
                .code,
            "input/user"
        );
        assert_eq!(
            parse_user(r#"{"password":"x"}"#).unwrap_err().code,
            "input/user"
        );
    }
}
