//! `preflight trace` on HAR files recorded by a REAL browser during this test run.
//!
//! `tests/real-browser/record.mjs` starts a tiny relying party, a real OpenID Provider
//! (`oidc-provider`) and a real SAML IdP (`samlify`) on 127.0.0.1, drives Debian's headless
//! `chromium` through nine sign-ins (two good, seven broken in the ways support sees) and writes
//! one HAR per scenario plus `scenarios.json`: the expected diagnosis, the index of the broken
//! hop (found by URL in the recording), the flags an admin's profile would supply, and the
//! canary password and cookie values of the run. Each recording is then traced and its
//! redacted copy scanned for every secret of the original.
//!
//! Skipped with a message when node, chromium or the recorder's npm packages are missing,
//! unless PREFLIGHT_REQUIRE_REAL_SERVERS is set — then that is a failure.

mod common;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

/// The recorder stops itself after 100 s; this is the outer bound should it hang anyway.
const RECORD_LIMIT: Duration = Duration::from_secs(150);
/// Shorter values (flags like `1`) would match by accident anywhere in a HAR.
const MIN_SECRET_LEN: usize = 8;

fn recorder_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/real-browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// True when node, chromium and the recorder's packages are all there; otherwise skips (or
/// fails under PREFLIGHT_REQUIRE_REAL_SERVERS) with what is missing and how to install it.
fn recorder_available() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let browser = chromium().is_file();
    let modules = ["playwright-core", "oidc-provider", "samlify"]
        .iter()
        .all(|m| {
            recorder_dir()
                .join("node_modules")
                .join(m)
                .join("package.json")
                .is_file()
        });
    if node && browser && modules {
        return true;
    }
    let what = format!(
        "node: {node}, chromium at {}: {browser}, tests/real-browser/node_modules: {modules}",
        chromium().display()
    );
    assert!(
        std::env::var("PREFLIGHT_REQUIRE_REAL_SERVERS").is_err(),
        "the real-browser recorder cannot run ({what}); run scripts/setup.sh (apt chromium) and tests/real-servers/install.sh"
    );
    eprintln!(
        "skipping: the real-browser recorder cannot run ({what}); run scripts/setup.sh and tests/real-servers/install.sh"
    );
    false
}

/// A scratch directory removed when the test ends, pass or fail.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!(
            "preflight-real-browser-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the recorder into `out`, killing it if it outlives RECORD_LIMIT; returns scenarios.json.
fn record(out: &Path) -> Value {
    let log_path = out.join("recorder.log");
    let log = File::create(&log_path).expect("recorder log");
    let mut child = Command::new("node")
        .arg("record.mjs")
        .arg(out)
        .current_dir(recorder_dir())
        .env("CHROMIUM", chromium())
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log)
        .spawn()
        .expect("node starts the recorder");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("recorder status") {
            break status;
        }
        if started.elapsed() > RECORD_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the recorder did not finish within {RECORD_LIMIT:?}; its log:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let log_text = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(
        status.success(),
        "the recorder failed ({status}):\n{log_text}"
    );
    eprintln!("{log_text}");
    let text = std::fs::read_to_string(out.join("scenarios.json")).expect("scenarios.json");
    serde_json::from_str(&text).expect("scenarios.json is JSON")
}

fn str_of<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"))
}

/// Traces one recording; returns the problems found (empty when it behaved as specified).
fn check_scenario(dir: &Path, scenario: &Value, canaries: &[String]) -> Vec<String> {
    let name = str_of(&scenario["name"], "name");
    let har = dir.join(str_of(&scenario["har"], "har"));
    let redacted = dir.join(format!("{name}.redacted.har"));
    let mut args: Vec<String> = vec![
        "trace".into(),
        "--har".into(),
        har.display().to_string(),
        "--format".into(),
        "json".into(),
        "--redact-out".into(),
        redacted.display().to_string(),
    ];
    args.extend(
        scenario["trace_args"]
            .as_array()
            .expect("trace_args")
            .iter()
            .map(|a| str_of(a, "trace arg").to_string()),
    );
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::preflight(&arg_refs, &[], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let Ok(report) = serde_json::from_str::<Value>(&stdout) else {
        return vec![format!(
            "{name}: no JSON report (exit {:?}); stdout: {stdout}; stderr: {stderr}",
            out.status.code()
        )];
    };
    let mut problems = diagnosis_problems(name, scenario, out.status.code(), &report);
    problems.extend(redaction_problems(name, &har, &redacted, canaries));
    problems
}

/// Exit code, the single failing check, its diagnosis code and its first evidence entry.
fn diagnosis_problems(
    name: &str,
    scenario: &Value,
    code: Option<i32>,
    report: &Value,
) -> Vec<String> {
    let expect = &scenario["expect"];
    let mut problems = Vec::new();
    let want_exit = expect["exit_code"].as_i64().map(|c| c as i32);
    if code != want_exit {
        problems.push(format!("{name}: exit {code:?}, expected {want_exit:?}"));
    }
    let failing: Vec<&Value> = report["checks"]
        .as_array()
        .map(|cs| cs.iter().filter(|c| c["status"] == "fail").collect())
        .unwrap_or_default();
    let described: Vec<String> = failing
        .iter()
        .map(|c| {
            format!(
                "{} {} evidence {}",
                c["id"], c["diagnosis"]["code"], c["finding"]["evidence"]
            )
        })
        .collect();
    match expect["diagnosis"].as_str() {
        None if !failing.is_empty() => problems.push(format!(
            "{name}: a good sign-in, but failing checks: {described:?}"
        )),
        None => {}
        Some(want) => {
            let want_entry = format!("x{}", expect["broken_entry"]);
            if failing.len() != 1 {
                problems.push(format!(
                    "{name}: expected exactly one failing check ({want} at {want_entry}), got {}: {described:?}",
                    failing.len()
                ));
            } else {
                let got = failing[0]["diagnosis"]["code"].as_str().unwrap_or("(none)");
                let first = failing[0]["finding"]["evidence"][0]
                    .as_str()
                    .unwrap_or("(none)");
                if got != want || first != want_entry {
                    problems.push(format!(
                        "{name}: expected {want} at {want_entry} ({}), got {got} at {first}",
                        expect["broken_url"]
                    ));
                }
            }
        }
    }
    problems
}

/// The redacted copy must exist, still be a HAR 1.2 with the same hops, and hold none of the
/// original's secrets: canaries, cookie values, codes, tokens, SAML signature values.
fn redaction_problems(name: &str, har: &Path, redacted: &Path, canaries: &[String]) -> Vec<String> {
    let original: Value =
        serde_json::from_slice(&std::fs::read(har).expect("HAR")).expect("HAR JSON");
    let Ok(bytes) = std::fs::read(redacted) else {
        return vec![format!(
            "{name}: --redact-out wrote no file at {}",
            redacted.display()
        )];
    };
    let mut problems = Vec::new();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(copy) => problems.extend(har_shape_problems(name, &original, &copy)),
        Err(e) => problems.push(format!("{name}: the redacted HAR is not JSON: {e}")),
    }
    let text = String::from_utf8_lossy(&bytes);
    let decoded = decoded_saml(&text);
    let mut secrets: BTreeSet<String> = canaries.iter().cloned().collect();
    secrets.extend(secrets_of(&original));
    for secret in &secrets {
        if text.contains(secret.as_str()) {
            problems.push(format!(
                "{name}: the redacted HAR still contains {secret:?}"
            ));
        } else if decoded.iter().any(|xml| xml.contains(secret.as_str())) {
            problems.push(format!(
                "{name}: a SAML message in the redacted HAR still contains {secret:?}"
            ));
        }
    }
    problems
}

/// log.version 1.2, a creator, and the same number of entries, each with request, response
/// and timings, so the chain stays readable for whoever gets the ticket.
fn har_shape_problems(name: &str, original: &Value, copy: &Value) -> Vec<String> {
    let log = &copy["log"];
    let mut problems = Vec::new();
    if log["version"] != "1.2" {
        problems.push(format!(
            "{name}: redacted log.version is {}",
            log["version"]
        ));
    }
    if !log["creator"]["name"].is_string() || !log["creator"]["version"].is_string() {
        problems.push(format!(
            "{name}: redacted log.creator is {}",
            log["creator"]
        ));
    }
    let entries = log["entries"].as_array().map(Vec::len).unwrap_or(0);
    let want = original["log"]["entries"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    if entries != want {
        problems.push(format!(
            "{name}: redacted HAR has {entries} entries, the original {want}"
        ));
    }
    for (i, e) in log["entries"].as_array().into_iter().flatten().enumerate() {
        let whole = e["request"]["method"].is_string()
            && e["request"]["url"].is_string()
            && e["response"]["status"].is_number()
            && e["timings"].is_object()
            && e["startedDateTime"].is_string();
        if !whole {
            problems.push(format!(
                "{name}: redacted entry {i} lacks request/response/timings"
            ));
        }
    }
    problems
}

/// Every secret value in the original HAR: cookie values (structured and in headers), OAuth
/// codes and tokens in URLs, redirect targets and form bodies, passwords, and the signature
/// values inside each SAMLResponse.
fn secrets_of(har: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut keep = |v: &str| {
        if v.len() >= MIN_SECRET_LEN {
            found.insert(v.to_string());
        }
    };
    for e in har["log"]["entries"].as_array().into_iter().flatten() {
        for side in ["request", "response"] {
            for c in e[side]["cookies"].as_array().into_iter().flatten() {
                keep(c["value"].as_str().unwrap_or(""));
            }
            for h in e[side]["headers"].as_array().into_iter().flatten() {
                let header = h["name"].as_str().unwrap_or("").to_ascii_lowercase();
                let value = h["value"].as_str().unwrap_or("");
                match header.as_str() {
                    "cookie" => value
                        .split(';')
                        .filter_map(|p| p.split_once('=').map(|(_, v)| v.trim()))
                        .for_each(&mut keep),
                    "set-cookie" => value
                        .lines()
                        .filter_map(|l| l.split(';').next()?.split_once('=').map(|(_, v)| v.trim()))
                        .for_each(&mut keep),
                    "location" => sensitive_params(value).iter().for_each(|v| keep(v)),
                    "authorization" => keep(value),
                    _ => {}
                }
            }
        }
        sensitive_params(e["request"]["url"].as_str().unwrap_or(""))
            .iter()
            .for_each(|v| keep(v));
        let body = e["request"]["postData"]["text"].as_str().unwrap_or("");
        for (k, v) in url::form_urlencoded::parse(body.as_bytes()) {
            if k == "SAMLResponse" {
                let xml = decode_b64(&v).unwrap_or_default();
                signature_values(&xml).iter().for_each(|v| keep(v));
            } else if is_sensitive_param(&k) {
                keep(&v);
            }
        }
    }
    found
}

fn is_sensitive_param(name: &str) -> bool {
    matches!(
        name,
        "code" | "id_token" | "access_token" | "refresh_token" | "client_secret" | "password"
    )
}

/// Values of sensitive query (and fragment) parameters in a URL.
fn sensitive_params(raw: &str) -> Vec<String> {
    let Ok(u) = url::Url::parse(raw) else {
        return Vec::new();
    };
    let fragment = u.fragment().unwrap_or("").to_string();
    u.query_pairs()
        .chain(url::form_urlencoded::parse(fragment.as_bytes()))
        .filter(|(k, _)| is_sensitive_param(k))
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// The text of every `<…SignatureValue>` element in an XML document (opening tags only, so
/// the public certificate after it is never taken for a secret).
fn signature_values(xml: &str) -> Vec<String> {
    let mut values = Vec::new();
    for (i, _) in xml.match_indices('<') {
        let tag = &xml[i + 1..];
        let name_end = tag
            .find(|c: char| c == '>' || c.is_whitespace())
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.starts_with('/') || !name.ends_with("SignatureValue") {
            continue;
        }
        if let Some(gt) = tag.find('>') {
            let body = &tag[gt + 1..];
            let end = body.find('<').unwrap_or(body.len());
            values.push(body[..end].split_whitespace().collect());
        }
    }
    values
}

fn decode_b64(text: &str) -> Option<String> {
    let compact: String = text.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Every long base64 run in the redacted file (raw or percent-encoded, as in form bodies and
/// the IdP's self-posting page) decoded, so a signature cannot hide inside a re-encoded SAML
/// message.
fn decoded_saml(text: &str) -> Vec<String> {
    let unescaped: String = url::form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut found = Vec::new();
    for source in [text, unescaped.as_str()] {
        for run in source.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=".contains(c))) {
            if run.len() >= 200
                && let Some(xml) = decode_b64(run).filter(|x| x.contains('<'))
            {
                found.push(xml);
            }
        }
    }
    found
}

#[test]
fn trace_diagnoses_real_browser_recordings() {
    if !recorder_available() {
        return;
    }
    let scratch = Scratch::new();
    let described = record(&scratch.0);
    let canaries: Vec<String> = described["canaries"]
        .as_object()
        .expect("canaries")
        .values()
        .map(|v| str_of(v, "canary").to_string())
        .collect();
    let scenarios = described["scenarios"].as_array().expect("scenarios");
    assert_eq!(scenarios.len(), 9, "the recorder covers every scenario");
    for canary in ["password", "session_cookie"] {
        assert!(
            scenarios
                .iter()
                .any(|s| s["canaries"].get(canary).is_some()),
            "no recording contains the {canary} canary, so the redaction check would prove nothing"
        );
    }
    let mut problems = Vec::new();
    for scenario in scenarios {
        let found = check_scenario(&scratch.0, scenario, &canaries);
        eprintln!(
            "{}: {}",
            scenario["name"],
            if found.is_empty() {
                "as specified"
            } else {
                "MISMATCH"
            }
        );
        problems.extend(found);
    }
    assert!(
        problems.is_empty(),
        "preflight trace on real browser recordings:\n{}",
        problems.join("\n")
    );
}

/// The recordings committed for the trace engine's unit tests still say what they are: each
/// HAR parses, stays under 300 KB, and its broken hop is the entry scenarios.json names.
#[test]
fn committed_recordings_match_their_description() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/trace/recorded");
    let text =
        std::fs::read_to_string(dir.join("scenarios.json")).expect("recorded/scenarios.json");
    let described: Value = serde_json::from_str(&text).expect("scenarios.json is JSON");
    for s in described["scenarios"].as_array().expect("scenarios") {
        let path = dir.join(str_of(&s["har"], "har"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            bytes.len() < 300 * 1024,
            "{} is {} bytes",
            path.display(),
            bytes.len()
        );
        let har: Value = serde_json::from_slice(&bytes).expect("HAR JSON");
        assert_eq!(har["log"]["version"], "1.2");
        if let Some(i) = s["expect"]["broken_entry"].as_u64() {
            assert_eq!(
                har["log"]["entries"][i as usize]["request"]["url"], s["expect"]["broken_url"],
                "{}: entry {i} is not the described broken hop",
                s["name"]
            );
        }
        let canary = str_of(&described["canaries"]["password"], "password canary");
        assert_eq!(
            String::from_utf8_lossy(&bytes).contains(canary),
            s["canaries"].get("password").is_some(),
            "{}: canary list disagrees with the recording",
            s["name"]
        );
    }
}

/// The scanner behind the redaction check can fail: an unredacted recording handed in as its
/// own "redacted" copy is caught for its password, session cookie, code and SAML signature.
#[test]
fn redaction_scan_flags_an_unredacted_copy() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/trace/recorded");
    let described: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("scenarios.json")).expect("recorded/scenarios.json"),
    )
    .expect("scenarios.json is JSON");
    let canary = |k: &str| str_of(&described["canaries"][k], k).to_string();
    let canaries = vec![canary("password"), canary("session_cookie")];

    let oidc = dir.join("oidc-success.har");
    let found = redaction_problems("oidc-success", &oidc, &oidc, &canaries).join("\n");
    assert!(
        found.contains(&canaries[0]),
        "password not flagged:\n{found}"
    );
    assert!(
        found.contains(&canaries[1]),
        "session cookie not flagged:\n{found}"
    );
    let har: Value = serde_json::from_slice(&std::fs::read(&oidc).unwrap()).unwrap();
    let code = har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| {
            let u = url::Url::parse(e["request"]["url"].as_str()?).ok()?;
            u.query_pairs()
                .find(|(k, _)| k == "code")
                .map(|(_, v)| v.into_owned())
        })
        .expect("the success recording has an authorization code");
    assert!(
        found.contains(&code),
        "authorization code not flagged:\n{found}"
    );

    let saml = dir.join("saml-success.har");
    let found = redaction_problems("saml-success", &saml, &saml, &canaries).join("\n");
    let har: Value = serde_json::from_slice(&std::fs::read(&saml).unwrap()).unwrap();
    let signatures = secrets_of(&har)
        .into_iter()
        .filter(|s| s.ends_with('=') && s.len() > 300)
        .collect::<Vec<_>>();
    assert!(!signatures.is_empty(), "no SAML signature value extracted");
    for sig in signatures {
        assert!(
            found.contains(&sig),
            "signature {sig} not flagged:\n{found}"
        );
    }
    let copy: Value = serde_json::from_slice(&std::fs::read(&saml).unwrap()).unwrap();
    assert!(har_shape_problems("saml-success", &har, &copy).is_empty());
}
