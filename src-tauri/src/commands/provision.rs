//! Provision on demand: one user's attributes (typed or pasted as JSON, validated by the core's
//! `TestUser`), one dialect's user flow — match → create → read back → update → deactivate →
//! delete — then the removal of what the run created. Like write mode, `provision_preview`
//! sends nothing and lists the objects; only `provision_on_demand` with that run id sends.
//! The result is laid out step by step, as the IdP's own on-demand view shows it.
//!
//! Two options shape the run: `mapping`, the admin's overrides (the planner's hand-off or
//! pasted text, exactly what `--mapping FILE` reads), and `rehearse_update`, which first
//! creates Preflight's own test user so the IdP's match finds it and the flow takes the
//! "user exists → update" branch. `provision_match` looks a real userName up read-only, so the
//! admin learns that the IdP would update that person — which Preflight never does.

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
use preflight_core::dialect::{Dialect, Flow, ObjectKind, TestUser, render_step};
use preflight_core::event::{EventSink, RunEvent};
use preflight_core::mapping::MappingOverrides;
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::provision::rehearsal;
use preflight_core::redact::Redactor;
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
    /// The run rehearsed the update branch (Preflight created the user first).
    pub rehearsal: bool,
    /// The run sent the admin's mapping overrides.
    pub mapping_applied: bool,
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

/// The overrides text from the app (TOML or JSON, as `--mapping FILE`): bounded, then parsed
/// by the core; empty or absent means the IdP's default mapping.
fn parse_mapping(text: Option<&str>) -> IpcResult<Option<MappingOverrides>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    crate::limits::document("mapping overrides", text)?;
    MappingOverrides::parse(text).map(Some).map_err(|e| {
        IpcError::new(
            "input/mapping",
            format!("{e}. Fix the overrides, or clear them to run with the IdP's default mapping"),
        )
    })
}

/// What the consent dialog says about the user in a rehearsal.
const REHEARSAL_NOTE: &str = "created first by Preflight, as an earlier provisioning cycle would have; the IdP's match then finds it and updates it";

/// Step 1: validate the user (and the overrides) and list what will be created. Sends nothing.
#[tauri::command]
pub fn provision_preview(
    write: State<'_, WriteState>,
    url: String,
    dialect: String,
    user_json: String,
    mapping: Option<String>,
    rehearse_update: Option<bool>,
) -> IpcResult<WritePreview> {
    crate::limits::url("base URL", &url)?;
    crate::limits::json("test user", &user_json)?;
    parse_mapping(mapping.as_deref())?;
    let d = find_dialect(&dialect)?;
    let target = Target::new(url.trim(), preflight_core::Credential::None, Idp::Generic)
        .map_err(|e| IpcError::new("input/url", e.to_string()))?;
    let user = parse_user(&user_json)?;
    let flow = user_flow(d)?;
    let run_id = RunOptions::default().run_id;
    let mut objects = flow_objects(&run_id, d, &user, Some(&flow.check_id));
    if rehearse_update.unwrap_or(false) {
        for o in objects.iter_mut().filter(|o| o.kind == ObjectKind::User) {
            o.note = Some(REHEARSAL_NOTE.into());
        }
    }
    let preview = WritePreview {
        objects,
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
#[allow(clippy::too_many_arguments)]
pub async fn provision_on_demand(
    state: State<'_, AppState>,
    write: State<'_, WriteState>,
    run_id: String,
    token_source: TokenSource,
    user_json: String,
    mapping: Option<String>,
    rehearse_update: Option<bool>,
    on_event: Channel<RunEvent>,
) -> IpcResult<OnDemandOutcome> {
    crate::limits::json("test user", &user_json)?;
    let overrides = parse_mapping(mapping.as_deref())?;
    let user = parse_user(&user_json)?;
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
    target.test_user = Some(user);
    target.mapping = overrides;
    target.rehearse_update = rehearse_update.unwrap_or(false);
    target.journal_dir = Some(journal_dir()?);
    let (probe, sink) = live_probe(&state, target, &on_event)?;
    Ok(run_flow(&probe, &sink, d, flow, &preview.run_id).await)
}

/// The run itself, on a probe whose target carries the options (tests call it directly).
pub async fn run_flow(
    probe: &Probe,
    sink: &EventSink,
    d: &'static Dialect,
    flow: &'static Flow,
    run_id: &str,
) -> OnDemandOutcome {
    let options = RunOptions {
        run_id: run_id.to_string(),
        only: vec![TOKEN_GATE.into(), flow.check_id.clone()],
        ..RunOptions::default()
    };
    let plan: Vec<&'static dyn Check> = checks::read_only()
        .into_iter()
        .chain(write::plan())
        .collect();
    let report = engine::run(&plan, probe, &options, sink).await;
    let cleanup = sweep_run(probe, &options.run_id).await;
    let result = report.result(&flow.check_id).cloned();
    let rehearsal = probe.target().rehearse_update && rehearsal::applies(d, flow);
    let order = if rehearsal {
        rehearsal::order(d, flow)
    } else {
        flow.steps.iter().collect()
    };
    let (steps, cleanup_exchanges) = lay_out(d, &order, rehearsal, &report, result.as_ref());
    OnDemandOutcome {
        rehearsal,
        mapping_applied: probe.target().mapping.is_some(),
        report,
        result,
        steps,
        cleanup,
        cleanup_exchanges,
    }
}

/// What the read-only lookup of a userName found.
#[derive(Debug, Serialize)]
pub struct MatchOutcome {
    pub user_name: String,
    /// The IdP's match finds a user with this userName: it would update that user.
    pub found: bool,
    /// How many users the match returned (more than one is itself a problem).
    pub count: u64,
    /// What the admin should know, in plain words.
    pub message: String,
    /// The lookup's status line (`GET …/Users?filter=… → 200`), for the record.
    pub request: String,
}

/// Look up a userName exactly as the dialect's match step does, read-only: nothing is created
/// or changed, whatever it finds.
#[tauri::command]
pub async fn provision_match(
    state: State<'_, AppState>,
    url: String,
    dialect: String,
    token_source: TokenSource,
    user_name: String,
) -> IpcResult<MatchOutcome> {
    crate::limits::url("base URL", &url)?;
    crate::limits::url("userName", &user_name)?;
    let d = find_dialect(&dialect)?;
    let user_name = user_name.trim().to_string();
    if user_name.is_empty() {
        return Err(IpcError::new("input/user", "enter the userName to look up"));
    }
    let target = Target::new(
        url.trim(),
        credential(&state, &url, token_source).await?,
        Idp::Generic,
    )
    .map_err(|e| IpcError::new("input/url", e.to_string()))?;
    let transport = LiveTransport::new(&NetConfig::default())
        .map_err(|e| IpcError::new("net/config", e.to_string()))?;
    let probe = Probe::new(std::sync::Arc::new(transport), target, Redactor::new());
    lookup_user(&probe, d, &user_name).await
}

/// The read-only match behind [`provision_match`].
pub async fn lookup_user(probe: &Probe, d: &Dialect, user_name: &str) -> IpcResult<MatchOutcome> {
    let step = d
        .steps
        .values()
        .find(|s| {
            s.expect_empty && s.method.eq_ignore_ascii_case("GET") && s.path.starts_with("/Users")
        })
        .ok_or_else(|| {
            IpcError::new(
                "input/dialect",
                format!("dialect {} has no user match step", d.id),
            )
        })?;
    let mut vars = preflight_core::dialect::Vars::new();
    vars.set("userName", user_name);
    let mut rendered = render_step(d, step, &vars, None);
    rendered.req.purpose = Some("look up the entered userName (read-only)".into());
    let x = probe.send(rendered.req).await;
    let request = format!(
        "{} {} → {}",
        x.request.method,
        x.request.url,
        x.status()
            .map_or_else(|| "no answer".into(), |s| s.to_string())
    );
    let count = match x.status() {
        Some(200) => x
            .response
            .as_ref()
            .and_then(|r| r.json())
            .map(|j| {
                let shape = preflight_core::scim::list_shape(&j);
                shape
                    .total_results
                    .unwrap_or(0)
                    .max(shape.resources.len() as u64)
            })
            .unwrap_or(0),
        Some(404) => 0,
        other => {
            return Err(IpcError::new(
                "net/lookup",
                format!(
                    "the lookup of {user_name} answered {}; check the token on the Target step and try again",
                    other.map_or_else(|| "nothing".into(), |s| s.to_string())
                ),
            ));
        }
    };
    let message = match count {
        0 => format!(
            "No user named {user_name} exists on the target: the IdP would create it. Preflight runs the flow with its own preflight-test- user."
        ),
        1 => format!(
            "{user_name} already exists on the target. The IdP's match would find this real user and update it; Preflight will not modify it. To see the update branch, rehearse it with Preflight's own test user."
        ),
        n => format!(
            "{n} users match {user_name}: the IdP would update the first of them, which may be the wrong person. Preflight will not modify any of them; the target's filter or its userName uniqueness needs a look."
        ),
    };
    Ok(MatchOutcome {
        user_name: user_name.to_string(),
        found: count > 0,
        count,
        message,
        request,
    })
}

/// Put each exchange under the step that sent it (a step's request carries the purpose
/// `<dialect>: <label>`, a rehearsal's first create the seed purpose; read-backs and
/// diagnostic retries follow it), the deletes at the end under cleanup, and mark the failed
/// step. `order` is the order the steps ran in.
fn lay_out(
    d: &Dialect,
    order: &[&String],
    rehearsal: bool,
    report: &Report,
    result: Option<&CheckResult>,
) -> (Vec<OnDemandStep>, Vec<String>) {
    let mut steps: Vec<OnDemandStep> = order
        .iter()
        .map(|s| {
            let step = &d.steps[s.as_str()];
            let seeded = rehearsal && step.creates == Some(ObjectKind::User);
            OnDemandStep {
                label: if seeded {
                    format!(
                        "{} — done first by Preflight, as an earlier provisioning cycle",
                        step.label
                    )
                } else {
                    step.label.clone()
                },
                method: step.method.clone(),
                path: step.path.clone(),
                state: StepState::NotRun,
                exchanges: Vec::new(),
                idp_conclusion: step.idp_conclusion.clone(),
            }
        })
        .collect();
    let labels: Vec<&str> = order
        .iter()
        .map(|s| d.steps[s.as_str()].label.as_str())
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
        let label = if purpose == rehearsal::SEED_PURPOSE {
            order
                .iter()
                .position(|s| d.steps[s.as_str()].creates == Some(ObjectKind::User))
                .map(|i| labels[i])
        } else {
            purpose.strip_prefix(&own)
        };
        if let Some(label) = label {
            // The next step with this label (a flow can repeat a label, never out of order).
            let from = current.map_or(0, |c| c + 1);
            if let Some(i) = (from..steps.len()).find(|&i| labels[i] == label) {
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

    use preflight_core::probe::Transport;
    use preflight_core::{Credential, Secret};
    use preflight_testbed::{Quirks, Testbed, TestbedConfig};
    use std::sync::Arc;

    async fn testbed(quirks: &str) -> Testbed {
        let config = TestbedConfig {
            quirks: Quirks::parse(quirks).unwrap(),
            ..TestbedConfig::default()
        };
        Testbed::start(config).await.unwrap()
    }

    fn probe_for(tb: &Testbed, d: &Dialect, mapping: Option<&str>, rehearse: bool) -> Probe {
        let mut target = Target::new(
            &tb.base_url(),
            Credential::Bearer(Secret::new(preflight_testbed::config::DEMO_TOKEN)),
            d.idp.parse().unwrap(),
        )
        .unwrap();
        target.write = true;
        target.dialects = vec![d.id.clone()];
        target.mapping = parse_mapping(mapping).unwrap();
        target.rehearse_update = rehearse;
        target.journal_dir = Some(
            std::env::temp_dir().join(format!("preflight-app-provision-{}", std::process::id())),
        );
        let transport: Arc<dyn Transport> =
            Arc::new(LiveTransport::new(&NetConfig::default()).unwrap());
        Probe::new(transport, target, Redactor::new())
    }

    fn quiet() -> EventSink {
        Arc::new(|_| {})
    }

    #[test]
    fn overrides_text_is_bounded_and_validated_by_the_core() {
        assert!(parse_mapping(None).unwrap().is_none());
        assert!(parse_mapping(Some("  ")).unwrap().is_none());
        let o = parse_mapping(Some("remove = [\"roles\"]"))
            .unwrap()
            .unwrap();
        assert_eq!(o.remove.len(), 1);
        let json = parse_mapping(Some(r#"{"add": {"title": "x"}}"#))
            .unwrap()
            .unwrap();
        assert_eq!(json.add.len(), 1);
        let e = parse_mapping(Some("remove = [\"userName\"]")).unwrap_err();
        assert_eq!(e.code, "input/mapping");
        assert!(
            e.message.contains("every IdP matches users on it"),
            "{}",
            e.message
        );
        let big = format!(
            "remove = [\"{}\"]",
            "a".repeat(crate::limits::MAX_JSON_BYTES)
        );
        assert_eq!(
            parse_mapping(Some(&big)).unwrap_err().code,
            "input/too-large"
        );
    }

    /// Every dialect's update branch, rehearsed against the testbed: Preflight's own user is
    /// created first, the match finds it, no second create is sent, the update and the rest
    /// run against that user only, and the cleanup leaves nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_update_branch_is_rehearsed_for_every_dialect() {
        let tb = testbed("").await;
        for d in preflight_core::dialect::all() {
            let flow = user_flow(d).unwrap();
            let probe = probe_for(&tb, d, None, true);
            let run_id = RunOptions::default().run_id;
            tb.clear_request_log();
            let out = run_flow(&probe, &quiet(), d, flow, &run_id).await;
            let r = out.result.as_ref().unwrap();
            assert_eq!(r.status, Status::Pass, "{}: {:?}", d.id, r.diagnosis);
            assert!(out.rehearsal && !out.mapping_applied);
            assert!(
                out.steps[0].label.contains("earlier provisioning cycle"),
                "{}",
                d.id
            );
            assert!(
                out.steps.iter().all(|s| s.state == StepState::Pass),
                "{}",
                d.id
            );
            assert!(out.cleanup.left.is_empty(), "{}", d.id);
            let log = tb.request_log();
            let writes: Vec<&str> = log
                .iter()
                .filter(|r| r.method != "GET" && r.path.contains("/Users"))
                .map(|r| r.method.as_str())
                .collect();
            assert_eq!(
                writes.iter().filter(|m| **m == "POST").count(),
                1,
                "{}: one create only, the IdP updates the matched user: {writes:?}",
                d.id
            );
            let post = log.iter().position(|r| r.method == "POST").unwrap();
            let matched = log
                .iter()
                .position(|r| r.method == "GET" && r.path.contains("filter="))
                .unwrap();
            assert!(post < matched, "{}: the user exists before the match", d.id);
            let update = &d.steps["update_user"].method;
            assert!(writes.contains(&update.as_str()), "{}: {writes:?}", d.id);
            // Only the run's own user is ever written to.
            let own = out
                .report
                .exchanges
                .iter()
                .find(|x| x.request.method == "POST")
                .and_then(|x| x.response.as_ref())
                .and_then(|r| r.json())
                .and_then(|j| j["id"].as_str().map(str::to_string))
                .unwrap();
            assert!(
                log.iter()
                    .filter(|r| r.method != "GET"
                        && r.method != "POST"
                        && r.path.contains("/Users/"))
                    .all(|r| r.path.contains(&own)),
                "{}",
                d.id
            );
        }
        tb.shutdown().await;
    }

    /// A server that ignores the filter hands the IdP every user: the rehearsal names it, and
    /// the seeded user is still removed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_match_that_answers_other_users_is_named() {
        let tb = testbed("filter-ignored").await;
        let d = preflight_core::dialect::find("entra-default").unwrap();
        let probe = probe_for(&tb, d, None, true);
        let out = run_flow(
            &probe,
            &quiet(),
            d,
            user_flow(d).unwrap(),
            &RunOptions::default().run_id,
        )
        .await;
        let r = out.result.unwrap();
        assert_eq!(r.status, Status::Fail);
        assert_eq!(r.diagnosis.unwrap().code, "scim/filter-ignored");
        assert_eq!(out.steps[1].state, StepState::Fail, "the match step failed");
        assert!(
            tb.request_log().iter().all(|r| r.method != "PATCH"),
            "nobody was updated"
        );
        assert!(
            tb.request_log()
                .iter()
                .any(|r| r.method == "DELETE" && r.path.contains("/Users/")),
            "the seeded user was removed"
        );
        assert!(out.cleanup.left.is_empty());
        tb.shutdown().await;
    }

    /// The overrides reach the run: the STACKIT-like strict target refuses Entra's `roles`
    /// until the mapping removes it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_mapping_argument_reaches_the_run() {
        let tb = testbed("strict-attributes").await;
        let d = preflight_core::dialect::find("entra-default").unwrap();
        let flow = user_flow(d).unwrap();
        let plain = run_flow(
            &probe_for(&tb, d, None, false),
            &quiet(),
            d,
            flow,
            &RunOptions::default().run_id,
        )
        .await;
        assert_eq!(
            plain.result.unwrap().diagnosis.unwrap().code,
            "scim/unknown-attribute-rejected"
        );
        let trimmed = run_flow(
            &probe_for(&tb, d, Some("remove = [\"roles\"]"), true),
            &quiet(),
            d,
            flow,
            &RunOptions::default().run_id,
        )
        .await;
        assert!(trimmed.mapping_applied && trimmed.rehearsal);
        assert_eq!(trimmed.result.unwrap().status, Status::Pass);
        tb.shutdown().await;
    }

    /// The lookup is read-only and says plainly that a real user would be updated.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_real_user_name_is_looked_up_read_only() {
        let tb = testbed("").await;
        let d = preflight_core::dialect::find("okta-oin").unwrap();
        let probe = probe_for(&tb, d, None, false);
        let hit = lookup_user(&probe, d, "alice@example.com").await.unwrap();
        assert!(hit.found && hit.count == 1);
        assert!(
            hit.message.contains("Preflight will not modify it"),
            "{}",
            hit.message
        );
        let miss = lookup_user(&probe, d, "nobody@example.com").await.unwrap();
        assert!(!miss.found);
        assert!(miss.message.contains("would create it"));
        assert!(
            tb.request_log().iter().all(|r| r.method == "GET"),
            "read-only"
        );
        tb.shutdown().await;
    }
}
