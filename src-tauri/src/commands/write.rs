//! Write mode behind consent. `write_preview` sends nothing: it fixes a run id and lists every
//! `preflight-test-<run id>-…` object the write plan will create, the dialect, and where the
//! cleanup journal lives. Only `run_write_checks` with that same run id sends anything; at its
//! end every object of the run still in the journal is removed (core `provision::cleanup`).
//! Also the pieces the other request-sending screens share: the credential of a token source
//! and a live probe that streams exchanges over a channel.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

use super::run::TokenSource;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;
use preflight_core::check::RunOptions;
use preflight_core::dialect::{self, Dialect, ObjectKind, TestUser};
use preflight_core::event::{EventSink, RunEvent, exchange_events};
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::provision::{cleanup, default_dir};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};
use preflight_core::{Report, Secret, checks, engine};

/// The write checks that create a user of their own, with the tag in its name (the names are
/// made by `checks::write::support::user_body`). `consent_lists_every_created_object` runs the
/// real plan against the testbed and fails when a check creates a name not listed here.
const CHECK_OBJECTS: &[(&str, &str)] = &[
    ("scim/users-create", "create"),
    ("scim/users-create-duplicate", "duplicate"),
    ("scim/users-read", "read"),
    ("scim/users-put-replace", "put"),
    ("scim/users-patch-pathless", "pathless"),
    ("scim/users-patch-op-case", "opcase"),
    ("scim/users-patch-boolean-string", "boolstring"),
    ("scim/users-patch-errors", "patcherrors"),
    ("scim/groups-members", "members"),
    ("scim/users-groups-readonly", "groupsro"),
    ("scim/users-delete", "delete"),
];

#[derive(Debug, Clone, Serialize)]
pub struct PlannedObject {
    /// `user` or `group`.
    pub kind: ObjectKind,
    pub name: String,
    /// The check that creates it.
    pub by: String,
    /// A flow renames the object before deleting it (Entra and Okta rename groups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_to: Option<String>,
    /// How else the same name is sent (the uniqueness check sends it again, upper-cased).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Everything the consent dialog shows; nothing has been sent when the admin sees it.
#[derive(Debug, Clone, Serialize)]
pub struct WritePreview {
    pub run_id: String,
    pub base_url: String,
    pub dialect: String,
    pub dialect_title: String,
    pub objects: Vec<PlannedObject>,
    /// Where every create is recorded before it is sent.
    pub journal: String,
}

/// What `run_write_checks` returns: the report, and what the end-of-run cleanup did.
#[derive(Debug, Serialize)]
pub struct WriteOutcome {
    pub report: Report,
    pub cleanup: CleanupSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct CleanupSummary {
    pub deleted: usize,
    pub absent: usize,
    /// Objects that could not be removed, each with the reason; `preflight cleanup` retries.
    pub left: Vec<String>,
}

impl From<cleanup::SweepOutcome> for CleanupSummary {
    fn from(o: cleanup::SweepOutcome) -> Self {
        CleanupSummary {
            deleted: o.deleted,
            absent: o.absent,
            left: o.failed,
        }
    }
}

/// A dialect the admin can pick, with its flows.
#[derive(Debug, Serialize)]
pub struct DialectInfo {
    pub id: String,
    pub idp: String,
    pub title: String,
    pub default_for_idp: bool,
    pub flows: Vec<FlowInfo>,
}

#[derive(Debug, Serialize)]
pub struct FlowInfo {
    pub check_id: String,
    pub title: String,
    pub steps: Vec<String>,
}

/// The consented preview, kept until its run starts (one at a time).
#[derive(Default)]
pub struct WriteState {
    pub consented: Mutex<Option<WritePreview>>,
}

impl WriteState {
    /// The preview the admin accepted for `run_id`, used up by the run it allows; without one
    /// nothing may be sent (`not_accepted` tells the admin what to press).
    pub(crate) fn take_consent(&self, run_id: &str, not_accepted: &str) -> IpcResult<WritePreview> {
        self.consented
            .lock()
            .expect("consent lock")
            .take()
            .filter(|p| p.run_id == run_id)
            .ok_or_else(|| IpcError::new("write/no-consent", not_accepted))
    }
}

// Off the GTK main thread: the first screen asks for this while WebKit is still drawing.
#[tauri::command(async)]
pub fn list_dialects() -> Vec<DialectInfo> {
    dialect::all()
        .iter()
        .map(|d| DialectInfo {
            id: d.id.clone(),
            idp: d.idp.clone(),
            title: d.title.clone(),
            default_for_idp: d.default_for_idp,
            flows: d
                .flow
                .iter()
                .map(|f| FlowInfo {
                    check_id: f.check_id.clone(),
                    title: f.title.clone(),
                    steps: f.steps.iter().map(|s| d.steps[s].label.clone()).collect(),
                })
                .collect(),
        })
        .collect()
}

pub fn find_dialect(id: &str) -> IpcResult<&'static Dialect> {
    dialect::find(id).ok_or_else(|| {
        let known: Vec<&str> = dialect::all().iter().map(|d| d.id.as_str()).collect();
        IpcError::new(
            "input/dialect",
            format!("unknown dialect '{id}' (known: {})", known.join(", ")),
        )
    })
}

/// The objects the write plan creates for `run_id` with `dialect`, in run order.
pub fn planned_objects(run_id: &str, dialect: &Dialect, user: &TestUser) -> Vec<PlannedObject> {
    let mut out = Vec::new();
    for (check, tag) in CHECK_OBJECTS {
        let name = user
            .vars(run_id, tag)
            .get("userName")
            .unwrap_or_default()
            .to_string();
        if *tag == "members" {
            out.push(PlannedObject {
                kind: ObjectKind::Group,
                name: format!("{}-group", name.trim_end_matches("@example.invalid")),
                by: (*check).into(),
                renamed_to: None,
                note: None,
            });
        }
        let note = (*tag == "duplicate").then(|| {
            format!(
                "sent twice more, as is and as {}: a server that enforces uniqueness refuses both",
                name.to_uppercase()
            )
        });
        out.push(PlannedObject {
            kind: ObjectKind::User,
            name,
            by: (*check).into(),
            renamed_to: None,
            note,
        });
    }
    out.extend(flow_objects(run_id, dialect, user, None));
    out
}

/// The objects the flows of `dialect` create (all flows, or only `only`).
pub fn flow_objects(
    run_id: &str,
    dialect: &Dialect,
    user: &TestUser,
    only: Option<&str>,
) -> Vec<PlannedObject> {
    let mut out = Vec::new();
    for (i, flow) in dialect.flow.iter().enumerate() {
        if only.is_some_and(|id| id != flow.check_id) {
            continue;
        }
        let vars = user.vars(run_id, &format!("{}-{}", dialect.id, i + 1));
        let renames = flow.steps.iter().any(|s| {
            dialect.steps[s]
                .body
                .as_deref()
                .is_some_and(|b| b.contains("${newGroupName}"))
        });
        for step in &flow.steps {
            let Some(kind) = dialect.steps[step].creates else {
                continue;
            };
            let (name, renamed_to) = match kind {
                ObjectKind::User => (vars.get("userName"), None),
                ObjectKind::Group => (
                    vars.get("groupName"),
                    renames.then(|| vars.get("newGroupName").unwrap_or_default().to_string()),
                ),
            };
            out.push(PlannedObject {
                kind,
                name: name.unwrap_or_default().to_string(),
                by: flow.check_id.clone(),
                renamed_to,
                note: None,
            });
        }
    }
    out
}

pub(crate) fn journal_dir() -> IpcResult<std::path::PathBuf> {
    default_dir().map_err(|e| IpcError::new("write/no-journal", e.to_string()))
}

/// A fresh run id, in the same form the core uses.
fn new_run_id() -> String {
    RunOptions::default().run_id
}

/// Step 1 of write mode: what will be created. Sends nothing.
#[tauri::command]
pub fn write_preview(
    write: State<'_, WriteState>,
    url: String,
    idp: String,
    dialect: String,
) -> IpcResult<WritePreview> {
    crate::limits::url("base URL", &url)?;
    let idp: Idp = idp
        .parse()
        .map_err(|e: String| IpcError::new("input/idp", e))?;
    let target = Target::new(url.trim(), Credential::None, idp)
        .map_err(|e| IpcError::new("input/url", e.to_string()))?;
    let d = find_dialect(&dialect)?;
    let run_id = new_run_id();
    let preview = WritePreview {
        objects: planned_objects(&run_id, d, &TestUser::default()),
        run_id,
        base_url: target.base_url.to_string(),
        dialect: d.id.clone(),
        dialect_title: d.title.clone(),
        journal: journal_dir()?.display().to_string(),
    };
    *write.consented.lock().expect("consent lock") = Some(preview.clone());
    Ok(preview)
}

/// Step 2, after the admin accepted the preview of `run_id`: the read-only plan, then the
/// write checks and the dialect's flows, then the removal of everything the run created.
#[tauri::command]
pub async fn run_write_checks(
    state: State<'_, AppState>,
    write: State<'_, WriteState>,
    run_id: String,
    token_source: TokenSource,
    idp: String,
    on_event: Channel<RunEvent>,
) -> IpcResult<WriteOutcome> {
    let preview = write.take_consent(
        &run_id,
        "this write run was not shown and accepted first; press Run with write mode again",
    )?;
    let idp: Idp = idp
        .parse()
        .map_err(|e: String| IpcError::new("input/idp", e))?;
    let mut target = Target::new(
        &preview.base_url,
        credential(&state, &preview.base_url, token_source).await?,
        idp,
    )
    .map_err(|e| IpcError::new("input/url", e.to_string()))?;
    target.write = true;
    target.dialects = vec![preview.dialect.clone()];
    target.journal_dir = Some(journal_dir()?);
    let (probe, sink) = live_probe(&state, target, &on_event)?;
    let options = RunOptions {
        run_id: preview.run_id.clone(),
        ..RunOptions::default()
    };
    let report = engine::run(&checks::write_plan(), &probe, &options, &sink).await;
    let cleanup = sweep_run(&probe, &options.run_id).await;
    *state.last_report.lock().expect("report lock") = Some(report.clone());
    Ok(WriteOutcome { report, cleanup })
}

/// The end of a write run: remove whatever this run still has open in the journal. Runs even
/// after a cancel (with a fresh cancel token: the removal itself must not be cancelled).
pub async fn sweep_run(probe: &Probe, run_id: &str) -> CleanupSummary {
    let Some(dir) = probe.target().journal_dir.clone() else {
        return cleanup::SweepOutcome::default().into();
    };
    let Ok(transport) = LiveTransport::new(&NetConfig::default()) else {
        return CleanupSummary {
            deleted: 0,
            absent: 0,
            left: vec!["the HTTP client could not be built; run `preflight cleanup`".into()],
        };
    };
    let remover = Probe::new(Arc::new(transport), probe.target().clone(), Redactor::new());
    cleanup::sweep(&remover, &dir, Some(run_id)).await.into()
}

/// The credential of a token source for `url`. The demo token only ever goes to the demo
/// server; a profile's token comes from the keyring and never crosses IPC.
pub async fn credential(state: &AppState, url: &str, source: TokenSource) -> IpcResult<Credential> {
    Ok(match source {
        TokenSource::None => Credential::None,
        TokenSource::Demo => {
            let demo_base = state.demo.lock().await.as_ref().map(|t| t.base_url());
            if demo_base.as_deref() != Some(url.trim().trim_end_matches('/')) {
                return Err(IpcError::new(
                    "input/demo-token",
                    "the demo token only works with the demo server; save your own token on the Target step",
                ));
            }
            Credential::Bearer(Secret::new(preflight_testbed::config::DEMO_TOKEN))
        }
        TokenSource::Profile { profile_id } => {
            Credential::Bearer(super::secrets::load_token(&profile_id).await?)
        }
    })
}

/// A live probe for `target` whose exchanges and events go to `channel`, cancellable with
/// `cancel_run` (it replaces any run in progress).
pub fn live_probe(
    state: &AppState,
    target: Target,
    channel: &Channel<RunEvent>,
) -> IpcResult<(Probe, EventSink)> {
    let transport = LiveTransport::new(&NetConfig::default())
        .map_err(|e| IpcError::new("net/config", e.to_string()))?;
    let cancel = CancellationToken::new();
    if let Some(previous) = state.run.lock().expect("run lock").replace(cancel.clone()) {
        previous.cancel();
    }
    let events = channel.clone();
    // A closed window drops the channel; the run still finishes and is returned.
    let sink: EventSink = Arc::new(move |event| {
        let _ = events.send(event);
    });
    let probe = Probe::new(Arc::new(transport), target, Redactor::new())
        .with_cancel(cancel)
        .with_observer(exchange_events(sink.clone()));
    Ok((probe, sink))
}

#[cfg(test)]
mod tests {
    use super::*;
    use preflight_core::dialect::TEST_PREFIX;
    use preflight_core::probe::Transport;
    use preflight_testbed::{Testbed, TestbedConfig};
    use serde_json::Value;

    /// Names always carry the prefix cleanup insists on.
    fn is_test_name(name: &str) -> bool {
        name.starts_with(TEST_PREFIX)
    }

    #[test]
    fn every_planned_name_is_a_test_name_with_the_run_id() {
        for d in dialect::all() {
            let objects = planned_objects("ab12cd34", d, &TestUser::default());
            assert!(objects.len() > CHECK_OBJECTS.len(), "{}", d.id);
            for o in &objects {
                assert!(is_test_name(&o.name), "{}: {}", d.id, o.name);
                assert!(o.name.contains("ab12cd34"), "{}: {}", d.id, o.name);
            }
        }
    }

    /// The drift guard of the consent dialog: run the real write plan against the testbed and
    /// require every object it POSTs (by `userName` / `displayName`) to be in the preview.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn consent_lists_every_created_object() {
        let testbed = Testbed::start(TestbedConfig::default()).await.unwrap();
        let journal = std::env::temp_dir().join(format!(
            "preflight-app-consent-{}",
            uuid::Uuid::new_v4().simple()
        ));
        for d in dialect::all() {
            let mut target = Target::new(
                &testbed.base_url(),
                Credential::Bearer(Secret::new(preflight_testbed::config::DEMO_TOKEN)),
                d.idp.parse().unwrap(),
            )
            .unwrap();
            target.write = true;
            target.dialects = vec![d.id.clone()];
            target.journal_dir = Some(journal.clone());
            let transport: Arc<dyn Transport> =
                Arc::new(LiveTransport::new(&NetConfig::default()).unwrap());
            let probe = Probe::new(transport, target, Redactor::new());
            let options = RunOptions::default();
            let sink: EventSink = Arc::new(|_| {});
            let report = engine::run(&checks::write_plan(), &probe, &options, &sink).await;
            let planned: Vec<String> = planned_objects(&options.run_id, d, &TestUser::default())
                .into_iter()
                .map(|o| o.name)
                .collect();
            let mut posted = 0;
            for x in &report.exchanges {
                let path = x.request.url.split('?').next().unwrap_or_default();
                if x.request.method != "POST"
                    || !(path.ends_with("/Users") || path.ends_with("/Groups"))
                {
                    continue;
                }
                let body: Value = serde_json::from_str(x.request.body.as_deref().unwrap_or("{}"))
                    .unwrap_or(Value::Null);
                let name = body
                    .get("userName")
                    .or_else(|| body.get("displayName"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                // The uniqueness check re-sends a listed name upper-cased (and says so).
                assert!(
                    planned.iter().any(|p| p.eq_ignore_ascii_case(name)),
                    "{}: {name} was created but the consent dialog does not list it",
                    d.id
                );
                posted += 1;
            }
            assert!(
                posted > CHECK_OBJECTS.len(),
                "{}: only {posted} creates",
                d.id
            );
            let left = sweep_run(&probe, &options.run_id).await;
            assert!(left.left.is_empty(), "{}: {:?}", d.id, left.left);
        }
        assert!(
            preflight_core::provision::journal::pending(&journal).is_empty(),
            "nothing is left open in the journal"
        );
        let _ = std::fs::remove_dir_all(&journal);
        testbed.shutdown().await;
    }
}
