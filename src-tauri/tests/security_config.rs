//! The app's security configuration, read from the files Tauri builds from: a strict CSP
//! with no `unsafe-eval` and no remote origin, no global `window.__TAURI__`, no shell / fs /
//! http plugin, and capabilities that grant the core defaults plus the app's own declared
//! commands — nothing else. A change that loosens any of these fails here, in review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn conf() -> Value {
    read_json(&root().join("tauri.conf.json"))
}

/// The CSP as directive → sources, whether written as one string or as an object.
fn csp_directives(csp: &Value) -> Vec<(String, Vec<String>)> {
    let split = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    match csp {
        Value::String(s) => s
            .split(';')
            .filter_map(|d| {
                let mut words = d.split_whitespace();
                let name = words.next()?.to_string();
                Some((name, words.map(str::to_string).collect()))
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let sources = match v {
                    Value::String(s) => split(s),
                    Value::Array(a) => a.iter().filter_map(Value::as_str).flat_map(split).collect(),
                    other => panic!("CSP directive {k} has an unexpected value {other}"),
                };
                (k.clone(), sources)
            })
            .collect(),
        other => panic!("app.security.csp must be a string or an object, got {other}"),
    }
}

/// Sources a directive may name: the app itself, nothing, inline data images, and Tauri's
/// own IPC and asset schemes — never a network origin.
fn allowed_source(directive: &str, source: &str) -> bool {
    match source {
        "'self'" | "'none'" => true,
        "ipc:" | "http://ipc.localhost" | "tauri:" | "asset:" | "http://asset.localhost" => {
            directive == "connect-src" || directive.starts_with("img-src")
        }
        "data:" => directive == "img-src" || directive == "font-src",
        _ => false,
    }
}

#[test]
fn csp_is_strict_and_local() {
    let conf = conf();
    let security = &conf["app"]["security"];
    let csp = security
        .get("csp")
        .filter(|v| !v.is_null())
        .expect("a CSP is set");
    let directives = csp_directives(csp);
    let names: BTreeSet<&str> = directives.iter().map(|(n, _)| n.as_str()).collect();
    for required in [
        "default-src",
        "script-src",
        "object-src",
        "base-uri",
        "frame-ancestors",
    ] {
        assert!(names.contains(required), "CSP lacks {required}");
    }
    for (name, sources) in &directives {
        assert!(!sources.is_empty(), "{name} is empty");
        for source in sources {
            let lower = source.to_ascii_lowercase();
            assert!(!lower.contains("unsafe-eval"), "{name} allows unsafe-eval");
            assert!(
                !lower.contains("wasm-unsafe-eval"),
                "{name} allows wasm eval"
            );
            assert!(
                !(name == "script-src" && lower.contains("unsafe-inline")),
                "inline script allowed"
            );
            assert!(
                !lower.contains('*'),
                "{name} has a wildcard source {source}"
            );
            assert!(
                allowed_source(name, source),
                "{name} names {source}: only the app itself and Tauri's IPC may be reached"
            );
        }
    }
    let object_src = &directives
        .iter()
        .find(|(n, _)| n == "object-src")
        .unwrap()
        .1;
    assert_eq!(object_src, &vec!["'none'".to_string()]);
    // The asset-protocol CSP nonces Tauri adds must not be switched off.
    assert!(
        security
            .get("dangerousDisableAssetCspModification")
            .is_none_or(|v| v == false)
    );
    assert!(security.get("dangerousRemoteDomainIpcAccess").is_none());
    assert_eq!(
        security["freezePrototype"], true,
        "freezePrototype keeps page scripts from patching builtins"
    );
}

#[test]
fn no_global_tauri_and_no_remote_window() {
    let conf = conf();
    assert_eq!(
        conf["app"]["withGlobalTauri"], false,
        "withGlobalTauri must be false"
    );
    for window in conf["app"]["windows"].as_array().expect("windows") {
        if let Some(url) = window.get("url").and_then(Value::as_str) {
            assert!(!url.contains("://"), "window {url} loads a remote page");
        }
    }
    let dist = conf["build"]["frontendDist"]
        .as_str()
        .expect("frontendDist");
    assert!(
        !dist.contains("://"),
        "the bundled UI must be local files, not {dist}"
    );
}

/// `name = "…"` dependencies of the app crate (any table), lower-cased.
fn dependency_names(cargo_toml: &str) -> Vec<String> {
    cargo_toml
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"').to_ascii_lowercase())
        .collect()
}

#[test]
fn no_shell_fs_or_http_plugin() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    for dep in dependency_names(&manifest) {
        assert!(
            !dep.starts_with("tauri-plugin-"),
            "{dep}: the app uses no Tauri plugin (shell, fs, http, opener … each widens what the page can do)"
        );
    }
    let plugins = &conf()["plugins"];
    assert!(
        plugins.is_null() || plugins.as_object().is_some_and(|m| m.is_empty()),
        "plugins: {plugins}"
    );
}

/// The commands declared in build.rs (what `allow-<command>` may refer to).
fn declared_commands() -> BTreeSet<String> {
    let build = std::fs::read_to_string(root().join("build.rs")).unwrap();
    let start = build
        .find(".commands(&[")
        .expect("build.rs declares the app's commands");
    let end = start + build[start..].find("])").unwrap();
    build[start..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Names of the `#[tauri::command]` (or `#[tauri::command(async)]`) functions under src/commands.
fn command_functions() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("src/commands")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let attr = line.trim();
            if attr == "#[tauri::command]" || attr.starts_with("#[tauri::command(") {
                let sig = lines.find(|l| l.contains("fn ")).unwrap();
                let name = sig
                    .split("fn ")
                    .nth(1)
                    .unwrap()
                    .split(['(', '<'])
                    .next()
                    .unwrap();
                out.insert(name.trim().to_string());
            }
        }
    }
    out
}

#[test]
fn capabilities_grant_only_core_and_own_commands() {
    let declared = declared_commands();
    let functions = command_functions();
    assert!(declared.len() > 10, "{declared:?}");
    for name in &declared {
        assert!(
            functions.contains(name),
            "build.rs declares {name}, which is no #[tauri::command]"
        );
    }
    let dir = root().join("capabilities");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        files += 1;
        let cap = read_json(&path);
        assert!(
            cap.get("remote").is_none(),
            "{}: remote URLs get no IPC access",
            path.display()
        );
        assert_eq!(
            cap["windows"],
            serde_json::json!(["main"]),
            "{}",
            path.display()
        );
        for permission in cap["permissions"].as_array().expect("permissions") {
            let id = match permission {
                Value::String(s) => s.clone(),
                Value::Object(o) => o["identifier"].as_str().unwrap().to_string(),
                other => panic!("{other}"),
            };
            if let Some(core) = id.strip_prefix("core:") {
                // Core defaults only: app/window/event basics, no path or resource access beyond them.
                assert!(
                    core == "default" || core.ends_with(":default"),
                    "{id}: only core defaults"
                );
                continue;
            }
            let command = id
                .strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{id}: neither core nor one of the app's commands"))
                .replace('-', "_");
            assert!(
                declared.contains(&command),
                "{id}: no declared command {command}"
            );
        }
    }
    assert!(files >= 1, "no capability files in {}", dir.display());
}
