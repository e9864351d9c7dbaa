use std::path::Path;

fn main() {
    ensure_frontend_dist();
    // Declare the app's own commands so capabilities can grant them one by one
    // (least privilege): an undeclared command is refused by the IPC layer.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "list_checks",
            "start_demo",
            "set_demo_quirks",
            "run_checks",
            "cancel_run",
            "save_secret",
            "delete_secret",
            "secret_status",
            "save_profile",
            "list_profiles",
            "save_report",
            "last_results",
            "delete_profile",
            "token_warnings",
            "expiry_from_token",
            "rotation_status",
            "rotation_start",
            "rotation_new_secret",
            "rotation_confirm",
            "rotation_test",
            "rotation_cancel",
            "list_vendors",
            "check_vendor_url",
            "vendor_expiry",
            "idp_guide",
            "mapping_plan",
            "mapping_overrides",
            "quarantine_timeline",
            "list_dialects",
            "write_preview",
            "run_write_checks",
            "provision_preview",
            "provision_on_demand",
            "provision_match",
            "run_scan",
            "sweep_journal",
            "run_oidc",
            "run_saml",
            "explain_error",
            "bundle_preview",
            "export_bundle",
            "trace_har",
            "trace_har_file",
            "save_redacted_har",
        ]),
    ))
    .expect("tauri build script");
}

/// `cargo build/test --workspace` on a fresh checkout has no `ui/dist` yet, and Tauri's
/// context macro refuses to compile without it. Put a page there that says how to build the
/// real UI, so the workspace always compiles; `scripts/app-build.sh` replaces it.
fn ensure_frontend_dist() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist");
    let index = dist.join("index.html");
    println!("cargo:rerun-if-changed={}", index.display());
    if index.exists() {
        return;
    }
    let page = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Preflight</title>\
                <p>The Preflight UI was not built. Run <code>scripts/app-build.sh</code> and rebuild.</p></html>\n";
    if std::fs::create_dir_all(&dist)
        .and_then(|()| std::fs::write(&index, page))
        .is_err()
    {
        println!(
            "cargo:warning=ui/dist is missing; run scripts/app-build.sh before building the app"
        );
    }
}
