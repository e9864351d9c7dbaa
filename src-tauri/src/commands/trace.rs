//! The Trace screen: a browser HAR of a sign-in → the core's `trace::analyse` (streamed,
//! bounded by `HarLimits`; nothing in the HAR makes Preflight send a request). The HAR comes
//! either as the raw bytes of a file the admin opened (an IPC raw body, no JSON encoding of a
//! large file) or as the path of a file dropped on the window. The catalogue entry of every
//! diagnosis code named in the result goes along, so the screen can show title and fix.
//! `save_redacted_har` writes the core's redacted copy (`trace::redact::redact_har`: stable
//! placeholders for cookies, tokens, codes, passwords and signatures) of the HAR on screen.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Manager, State};

use crate::error::{IpcError, IpcResult};
use preflight_core::diagnosis;
use preflight_core::trace::redact::{RedactOptions, RedactSummary, redact_har};
use preflight_core::trace::{self, HarLimits, TraceOptions, TraceResult};

/// What the admin configured, to compare the HAR with (all optional).
#[derive(Debug, Default, Deserialize)]
pub struct TraceInput {
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub sp_entity_id: Option<String>,
    #[serde(default)]
    pub acs_url: Option<String>,
}

/// A diagnosis code's catalogue entry, for the timeline's cause and drawer.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosisText {
    pub title: String,
    pub summary: String,
    pub fix: String,
}

#[derive(Debug, Serialize)]
pub struct TraceView {
    /// The file's name, as picked or dropped.
    pub name: String,
    pub bytes: u64,
    pub result: TraceResult,
    pub diagnoses: BTreeMap<String, DiagnosisText>,
    /// Where "Save redacted HAR" writes unless the admin picks another path.
    pub redacted_path: String,
}

/// The HAR on screen, kept for "Save redacted HAR".
#[derive(Clone)]
pub enum TraceSource {
    Bytes(Arc<Vec<u8>>),
    File(PathBuf),
}

#[derive(Default)]
pub struct TraceState {
    pub source: Mutex<Option<TraceSource>>,
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl TraceInput {
    fn options(self) -> TraceOptions {
        TraceOptions {
            redirect_uris: blank_to_none(self.redirect_uri).into_iter().collect(),
            client_id: blank_to_none(self.client_id),
            issuer: blank_to_none(self.issuer),
            tenant: blank_to_none(self.tenant),
            sp_entity_id: blank_to_none(self.sp_entity_id),
            acs_url: blank_to_none(self.acs_url),
            metadata: None,
            limits: HarLimits::default(),
        }
    }
}

fn trace_error(name: &str, e: trace::TraceError) -> IpcError {
    IpcError::new("trace/input", format!("{name}: {e}"))
}

/// The catalogue texts of every code the result names.
fn texts(result: &TraceResult) -> BTreeMap<String, DiagnosisText> {
    let mut out = BTreeMap::new();
    let problems = result.flows.iter().flat_map(|f| {
        f.cause
            .iter()
            .chain(f.consequences.iter())
            .chain(f.warnings.iter())
    });
    for p in problems {
        if let Some(d) = diagnosis::find(&p.code) {
            out.entry(p.code.clone()).or_insert_with(|| DiagnosisText {
                title: d.title.clone(),
                summary: d.summary.clone(),
                fix: d.fix.clone(),
            });
        }
    }
    out
}

/// `<Downloads>/<stem>-redacted.har`.
fn redacted_path(app: &AppHandle, name: &str) -> String {
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_else(|_| PathBuf::from("."));
    let stem = std::path::Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "signin".into());
    dir.join(format!("{stem}-redacted.har"))
        .display()
        .to_string()
}

fn analyse(
    name: String,
    source: &TraceSource,
    options: &TraceOptions,
) -> IpcResult<(TraceView, u64)> {
    let (result, bytes) = match source {
        TraceSource::Bytes(bytes) => (
            trace::analyse(Cursor::new(bytes.as_slice()), options),
            bytes.len() as u64,
        ),
        TraceSource::File(path) => {
            let file = std::fs::File::open(path).map_err(|e| {
                IpcError::new("trace/read", format!("cannot read {}: {e}", path.display()))
            })?;
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            if len > options.limits.max_bytes {
                return Err(IpcError::new(
                    "trace/too-large",
                    format!(
                        "{name} is {} MB; Preflight traces HARs up to {} MB — clear the network log, reproduce only the sign-in, and export again",
                        len / 1_000_000,
                        options.limits.max_bytes / 1_000_000
                    ),
                ));
            }
            (trace::analyse(std::io::BufReader::new(file), options), len)
        }
    };
    let result = result.map_err(|e| trace_error(&name, e))?;
    let diagnoses = texts(&result);
    Ok((
        TraceView {
            name,
            bytes,
            result,
            diagnoses,
            redacted_path: String::new(),
        },
        bytes,
    ))
}

/// Trace the HAR sent as the raw request body (a file the admin opened). The options travel
/// in the `x-trace-options` header as percent-encoded JSON.
#[tauri::command]
pub async fn trace_har(
    app: AppHandle,
    trace_state: State<'_, TraceState>,
    request: Request<'_>,
) -> IpcResult<TraceView> {
    let InvokeBody::Raw(body) = request.body() else {
        return Err(IpcError::new(
            "trace/input",
            "send the HAR file's bytes as the request body",
        ));
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                percent_decode(v)
                    .map_err(|_| IpcError::new("trace/input", format!("bad {name} header")))
            })
            .transpose()
    };
    let name = header("x-har-name")?.unwrap_or_else(|| "HAR".into());
    let input: TraceInput = match header("x-trace-options")? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| IpcError::new("trace/input", format!("trace options: {e}")))?,
        None => TraceInput::default(),
    };
    show(
        &app,
        &trace_state,
        name,
        TraceSource::Bytes(Arc::new(body.clone())),
        input,
    )
    .await
}

/// Trace a HAR file dropped on the window (the OS gives its path).
#[tauri::command]
pub async fn trace_har_file(
    app: AppHandle,
    trace_state: State<'_, TraceState>,
    path: String,
    input: TraceInput,
) -> IpcResult<TraceView> {
    let path = PathBuf::from(path);
    if !path.is_file() {
        return Err(IpcError::new(
            "trace/read",
            format!(
                "{} is not a file; drop the .har file itself",
                path.display()
            ),
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "HAR".into());
    show(&app, &trace_state, name, TraceSource::File(path), input).await
}

/// Analyse off the async runtime, then keep the source for "Save redacted HAR".
async fn show(
    app: &AppHandle,
    trace_state: &TraceState,
    name: String,
    source: TraceSource,
    input: TraceInput,
) -> IpcResult<TraceView> {
    let kept = source.clone();
    let suggested = redacted_path(app, &name);
    let (mut view, _) =
        tauri::async_runtime::spawn_blocking(move || analyse(name, &source, &input.options()))
            .await
            .map_err(|e| IpcError::new("trace/run", e.to_string()))??;
    view.redacted_path = suggested;
    *trace_state.source.lock().expect("trace lock") = Some(kept);
    Ok(view)
}

/// Write the core's redacted copy of the HAR on screen to `path` (atomic; never replaces a
/// file unless `overwrite`). With `mask_names`, NameIDs and e-mail addresses are masked too.
#[tauri::command]
pub async fn save_redacted_har(
    trace_state: State<'_, TraceState>,
    path: String,
    mask_names: bool,
    overwrite: bool,
) -> IpcResult<RedactSummary> {
    let source = trace_state
        .source
        .lock()
        .expect("trace lock")
        .clone()
        .ok_or_else(|| IpcError::new("trace/none", "open a HAR first"))?;
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() || path.is_dir() {
        return Err(IpcError::new(
            "trace/path",
            "give a file name for the redacted copy, e.g. …/signin-redacted.har",
        ));
    }
    tauri::async_runtime::spawn_blocking(move || {
        save_redacted(&source, &path, mask_names, overwrite)
    })
    .await
    .map_err(|e| IpcError::new("trace/write", e.to_string()))?
}

fn save_redacted(
    source: &TraceSource,
    path: &std::path::Path,
    mask_names: bool,
    overwrite: bool,
) -> IpcResult<RedactSummary> {
    let opts = RedactOptions { mask_names };
    let limits = HarLimits::default();
    let mut summary = None;
    let mut har_error = None;
    super::bundle::write_atomic_with(path, overwrite, "trace/write", |file| {
        let result = match source {
            TraceSource::Bytes(bytes) => {
                redact_har(Cursor::new(bytes.as_slice()), &mut *file, &opts, &limits)
            }
            TraceSource::File(har) => {
                redact_har(std::fs::File::open(har)?, &mut *file, &opts, &limits)
            }
        };
        match result {
            Ok(s) => {
                summary = Some(s);
                Ok(())
            }
            Err(e) => {
                har_error = Some(e.to_string());
                Err(std::io::Error::other("the HAR could not be redacted"))
            }
        }
    })
    .map_err(|e| match har_error.take() {
        Some(why) => IpcError::new("trace/input", format!("cannot redact the HAR: {why}")),
        None => e,
    })?;
    summary.ok_or_else(|| IpcError::new("trace/write", "the redacted copy was not written"))
}

/// `%XX` escapes only (what `encodeURIComponent` produces), as UTF-8.
fn percent_decode(v: &str) -> Result<String, ()> {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = v.get(i + 1..i + 3).ok_or(())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| ())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../crates/core/tests/fixtures/trace/recorded")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn a_recorded_broken_sign_in_names_its_cause_with_the_catalogue_text() {
        let source = TraceSource::Bytes(Arc::new(fixture("oidc-callback-503.har")));
        let (view, _) = analyse("x.har".into(), &source, &TraceOptions::default()).unwrap();
        let cause = view.result.flows[0].cause.as_ref().expect("a broken flow");
        let text = view.diagnoses.get(&cause.code).expect("catalogue text");
        assert!(!text.fix.is_empty());
    }

    #[test]
    fn a_dropped_file_is_read_from_disk_and_redacted_from_it() {
        let har = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/core/tests/fixtures/trace/recorded/saml-audience-mismatch.har");
        let source = TraceSource::File(har);
        let (view, bytes) = analyse("s.har".into(), &source, &TraceOptions::default()).unwrap();
        assert!(bytes > 0);
        let cause = view.result.flows[0].cause.as_ref().expect("a broken flow");
        assert!(cause.code.starts_with("saml/"), "{}", cause.code);
        let dir = std::env::temp_dir().join(format!("preflight-drop-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let summary = save_redacted(&source, &dir.join("r.har"), true, false).unwrap();
        assert!(summary.entries > 0);
        std::fs::remove_dir_all(&dir).unwrap();
        let missing = TraceSource::File(std::path::PathBuf::from("/nonexistent/x.har"));
        assert_eq!(
            analyse("x.har".into(), &missing, &TraceOptions::default())
                .unwrap_err()
                .code,
            "trace/read"
        );
    }

    #[test]
    fn not_a_har_is_a_clear_error() {
        let source = TraceSource::Bytes(Arc::new(b"{\"log\": ".to_vec()));
        let e = analyse("x.har".into(), &source, &TraceOptions::default()).unwrap_err();
        assert_eq!(e.code, "trace/input");
        assert!(e.message.starts_with("x.har: "), "{}", e.message);
    }

    #[test]
    fn the_redacted_copy_holds_none_of_the_recorded_canaries() {
        let scenarios: serde_json::Value =
            serde_json::from_slice(&fixture("scenarios.json")).unwrap();
        let canaries: Vec<String> = scenarios["canaries"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let original = fixture("oidc-success.har");
        let present: Vec<&String> = canaries
            .iter()
            .filter(|c| String::from_utf8_lossy(&original).contains(c.as_str()))
            .collect();
        assert!(
            !present.is_empty(),
            "the recording holds canaries to look for"
        );
        let dir = std::env::temp_dir().join(format!("preflight-redact-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("r.har");
        let source = TraceSource::Bytes(Arc::new(original.clone()));
        let summary = save_redacted(&source, &out, false, false).unwrap();
        assert!(summary.replaced > 0);
        let written = std::fs::read_to_string(&out).unwrap();
        for c in present {
            assert!(
                !written.contains(c.as_str()),
                "{c} is still in the redacted copy"
            );
        }
        serde_json::from_str::<serde_json::Value>(&written).expect("still JSON");
        let e = save_redacted(&source, &out, false, false).unwrap_err();
        assert!(e.message.contains("exists"), "{}", e.message);
        let bad = TraceSource::Bytes(Arc::new(b"not json".to_vec()));
        let e = save_redacted(&bad, &dir.join("bad.har"), false, false).unwrap_err();
        assert_eq!(e.code, "trace/input");
        assert!(!dir.join("bad.har").exists());
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temp file left"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn headers_are_percent_decoded() {
        assert_eq!(
            percent_decode("%7B%22a%22%3A%22%C3%A9%22%7D").unwrap(),
            "{\"a\":\"é\"}"
        );
        assert!(percent_decode("%zz").is_err());
    }
}
