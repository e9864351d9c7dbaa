//! The demo server: the in-process testbed, so a newcomer can try every screen without an
//! endpoint of their own. Its token is the well-known `demo-token`, not a secret.

use serde::Serialize;
use tauri::State;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;
use preflight_testbed::{Quirks, Testbed, TestbedConfig};

#[derive(Debug, Serialize)]
pub struct DemoServer {
    pub base_url: String,
    pub quirks: String,
}

/// Start the demo server (once per session) and return its SCIM base URL.
#[tauri::command]
pub async fn start_demo(state: State<'_, AppState>) -> IpcResult<DemoServer> {
    let mut demo = state.demo.lock().await;
    if demo.is_none() {
        let testbed = Testbed::start(TestbedConfig::default())
            .await
            .map_err(|e| {
                IpcError::new(
                    "demo/start-failed",
                    format!("cannot start the demo SCIM server: {e}"),
                )
            })?;
        *demo = Some(testbed);
    }
    let testbed = demo.as_ref().expect("demo started above");
    Ok(DemoServer {
        base_url: testbed.base_url(),
        quirks: testbed.quirks().to_string(),
    })
}

/// Make the demo server misbehave (e.g. `filter-ignored`) to see a failure explained.
#[tauri::command]
pub async fn set_demo_quirks(state: State<'_, AppState>, quirks: String) -> IpcResult<DemoServer> {
    let parsed =
        Quirks::parse(&quirks).map_err(|e| IpcError::new("demo/bad-quirks", e.to_string()))?;
    let demo = state.demo.lock().await;
    let testbed = demo
        .as_ref()
        .ok_or_else(|| IpcError::new("demo/not-started", "start the demo server first"))?;
    testbed.set_quirks(parsed);
    Ok(DemoServer {
        base_url: testbed.base_url(),
        quirks: testbed.quirks().to_string(),
    })
}
