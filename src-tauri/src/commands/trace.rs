//! The Trace screen: a browser HAR of a sign-in → the core's `trace::analyse` (streamed,
//! bounded by `HarLimits`; nothing in the HAR makes Preflight send a request). The HAR comes
//! either as the raw bytes of a file the admin opened (an IPC raw body, no JSON encoding of a
//! large file) or as the path of a file dropped on the window. The catalogue entry of every
//! diagnosis code named in the result goes along, so the screen can show title and fix.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::{InvokeBody, Request};

use crate::error::{IpcError, IpcResult};
use preflight_core::diagnosis;
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
            redirect_uri: blank_to_none(self.redirect_uri),
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
        },
        bytes,
    ))
}

/// Trace the HAR sent as the raw request body (a file the admin opened). The options travel
/// in the `x-trace-options` header as percent-encoded JSON.
#[tauri::command]
pub async fn trace_har(
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
    let source = TraceSource::Bytes(Arc::new(body.clone()));
    let kept = source.clone();
    let (view, _) =
        tauri::async_runtime::spawn_blocking(move || analyse(name, &source, &input.options()))
            .await
            .map_err(|e| IpcError::new("trace/run", e.to_string()))??;
    *trace_state.source.lock().expect("trace lock") = Some(kept);
    Ok(view)
}

/// Trace a HAR file dropped on the window (the OS gives its path).
#[tauri::command]
pub async fn trace_har_file(
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
    let source = TraceSource::File(path);
    let kept = source.clone();
    let (view, _) =
        tauri::async_runtime::spawn_blocking(move || analyse(name, &source, &input.options()))
            .await
            .map_err(|e| IpcError::new("trace/run", e.to_string()))??;
    *trace_state.source.lock().expect("trace lock") = Some(kept);
    Ok(view)
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
    fn not_a_har_is_a_clear_error() {
        let source = TraceSource::Bytes(Arc::new(b"{\"log\": ".to_vec()));
        let e = analyse("x.har".into(), &source, &TraceOptions::default()).unwrap_err();
        assert_eq!(e.code, "trace/input");
        assert!(e.message.starts_with("x.har: "), "{}", e.message);
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
