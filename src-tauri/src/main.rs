//! Preflight desktop shell: window, IPC commands and keyring wiring over `preflight-core`.
//! Thin on purpose — every verdict, diagnosis and report comes from the core.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
#[cfg(test)]
mod ipc_fixtures;
mod limits;
mod renderer;
mod state;

fn main() {
    renderer::skip_dmabuf_probe_without_render_node();
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    tauri::Builder::default()
        .manage(state::AppState::default())
        .manage(commands::write::WriteState::default())
        .manage(commands::trace::TraceState::default())
        .invoke_handler(tauri::generate_handler![
            commands::checks::list_checks,
            commands::demo::start_demo,
            commands::demo::set_demo_quirks,
            commands::run::run_checks,
            commands::run::cancel_run,
            commands::secrets::save_secret,
            commands::secrets::delete_secret,
            commands::secrets::secret_status,
            commands::profiles::save_profile,
            commands::profiles::list_profiles,
            commands::report::save_report,
            commands::results::last_results,
            commands::profiles::delete_profile,
            commands::lifecycle::token_warnings,
            commands::lifecycle::expiry_from_token,
            commands::rotation::rotation_status,
            commands::rotation::rotation_start,
            commands::rotation::rotation_new_secret,
            commands::rotation::rotation_confirm,
            commands::rotation::rotation_test,
            commands::rotation::rotation_cancel,
            commands::vendors::list_vendors,
            commands::vendors::check_vendor_url,
            commands::vendors::vendor_expiry,
            commands::guides::idp_guide,
            commands::mapping::mapping_plan,
            commands::mapping::mapping_overrides,
            commands::quarantine::quarantine_timeline,
            commands::write::list_dialects,
            commands::write::write_preview,
            commands::write::run_write_checks,
            commands::provision::provision_preview,
            commands::provision::provision_on_demand,
            commands::provision::provision_match,
            commands::scan::run_scan,
            commands::cleanup::sweep_journal,
            commands::sso::run_oidc,
            commands::sso::run_saml,
            commands::explain::explain_error,
            commands::bundle::bundle_preview,
            commands::bundle::export_bundle,
            commands::trace::trace_har,
            commands::trace::trace_har_file,
            commands::trace::save_redacted_har,
        ])
        .run(tauri::generate_context!())?;
    Ok(())
}
