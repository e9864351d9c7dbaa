//! The Attribute mapping screen. `mapping_plan` reads the current target's live `/Schemas`
//! through the core planner (`mapping::plan_live`, the same call `preflight mapping` makes)
//! and returns keep / remove / add rows with the IdP console step of each. `mapping_overrides`
//! turns the changes the admin ticked into the overrides TOML that `check --mapping FILE` and
//! Provision on demand read — validated by the core parser before the UI ever shows it, so
//! the text on screen is always a file the core accepts.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use tauri::State;

use super::run::TokenSource;
use super::write::{credential, find_dialect};
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;
use preflight_core::event::ExchangeSummary;
use preflight_core::mapping::{self, MappingOverrides, MappingPlan};
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};

/// The plan as the screen shows it.
#[derive(Debug, Serialize)]
pub struct MappingView {
    pub plan: MappingPlan,
    pub dialect_title: String,
    /// The `/ResourceTypes` and `/Schemas` reads behind the plan (method, URL, status).
    pub reads: Vec<ExchangeSummary>,
    /// Why `/Schemas` could not be judged, and what to do; `None` when it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Overrides ready to hand over: the TOML text and what it changes.
#[derive(Debug, Serialize)]
pub struct OverridesText {
    pub toml: String,
    pub removes: usize,
    pub adds: usize,
}

/// What went wrong reading the schema, in the admin's terms, from the recorded reads.
fn schema_problem(reads: &[ExchangeSummary]) -> String {
    let schemas = reads.iter().rev().find(|r| r.url.contains("/Schemas"));
    match schemas.or(reads.last()) {
        Some(r) if r.failure.is_some() => format!(
            "{} could not be reached ({}); check the URL on the Target step and that the server is running, then plan again",
            r.url,
            r.failure.as_deref().unwrap_or_default()
        ),
        Some(r) if matches!(r.status, Some(401 | 403)) => format!(
            "{} refused the credential (HTTP {}); save a valid token on the Target step (or pick the demo server), then plan again. Only the vendor's required attributes were judged",
            r.url,
            r.status.unwrap_or_default()
        ),
        Some(r) => format!(
            "{} answered HTTP {} instead of a schema list; only the vendor's required attributes were judged. Run the Checks step to see why discovery fails",
            r.url,
            r.status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "nothing".into())
        ),
        None => "the target's /Schemas was not read; plan again".into(),
    }
}

/// Plan `dialect_id` against the target at `url` (the credential already resolved).
pub async fn plan_for(
    url: &str,
    credential: Credential,
    dialect_id: &str,
    vendor_id: Option<&str>,
) -> IpcResult<MappingView> {
    let d = find_dialect(dialect_id)?;
    let vendor = super::vendors::chosen(vendor_id)?;
    let idp: Idp = d.idp.parse().unwrap_or(Idp::Generic);
    let target = Target::new(url.trim(), credential, idp)
        .map_err(|e| IpcError::new("input/url", format!("{e}; fix the URL on the Target step")))?;
    let transport = LiveTransport::new(&NetConfig::default())
        .map_err(|e| IpcError::new("net/config", e.to_string()))?;
    let probe = Probe::new(Arc::new(transport), target, Redactor::new());
    let plan = mapping::plan_live(&probe, d, vendor, None).await;
    let reads: Vec<ExchangeSummary> = probe
        .exchanges()
        .iter()
        .filter(|x| plan.evidence.contains(&x.id))
        .map(|x| ExchangeSummary {
            // The screen explains a failed read, so it keeps the message with the code.
            failure: x
                .failure
                .as_ref()
                .map(|f| format!("{}: {}", f.code, f.message)),
            ..ExchangeSummary::from(x)
        })
        .collect();
    let problem = (!plan.schema_readable).then(|| schema_problem(&reads));
    Ok(MappingView {
        plan,
        dialect_title: d.title.clone(),
        reads,
        problem,
    })
}

/// The window's arguments, checked before the keyring or the network is touched.
fn plan_args(url: &str, dialect: &str, vendor: Option<&str>) -> IpcResult<()> {
    crate::limits::url("base URL", url)?;
    crate::limits::word("dialect", dialect)?;
    if let Some(v) = vendor.filter(|v| !v.is_empty()) {
        crate::limits::word("vendor", v)?;
    }
    if url.trim().is_empty() {
        return Err(IpcError::new(
            "input/url",
            "no target yet: enter a SCIM base URL on the Target step (or use the demo server) first",
        ));
    }
    Ok(())
}

/// Read the current target's `/Schemas` and plan the dialect's default mapping against it
/// (and against the vendor's required attributes). Sends two GET requests, nothing else.
#[tauri::command]
pub async fn mapping_plan(
    state: State<'_, AppState>,
    url: String,
    token_source: TokenSource,
    dialect: String,
    vendor: Option<String>,
) -> IpcResult<MappingView> {
    plan_args(&url, &dialect, vendor.as_deref())?;
    let credential = credential(&state, &url, token_source).await?;
    plan_for(&url, credential, &dialect, vendor.as_deref()).await
}

/// A TOML value written as an inline value. JSON string escapes are valid TOML basic-string
/// escapes, so strings and keys go through `serde_json`.
fn inline_toml(v: &Value) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    match v {
        Value::String(s) => quote(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(inline_toml).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{} = {}", quote(k), inline_toml(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        // TOML has no null; an absent value is the closest meaning.
        Value::Null => quote(""),
    }
}

/// The test value an added attribute gets in a Provision-on-demand run: the test user's own
/// value where one fits (placeholders the core fills per run), else a marked test string the
/// admin can edit. The real mapping in the IdP takes the value from a source attribute.
fn test_value(path: &str) -> Value {
    let lower = path.to_ascii_lowercase();
    let last = lower.rsplit([':', '.']).next().unwrap_or_default();
    match (lower.as_str(), last) {
        ("emails", _) => {
            serde_json::json!([{ "value": "${email}", "type": "work", "primary": true }])
        }
        ("emails.value", _) => Value::String("${email}".into()),
        ("name.formatted", _) => Value::String("${givenName} ${familyName}".into()),
        (_, "givenname") => Value::String("${givenName}".into()),
        (_, "familyname") => Value::String("${familyName}".into()),
        (_, "displayname") => Value::String("${displayName}".into()),
        (_, "externalid") => Value::String("${externalId}".into()),
        (_, "manager") => serde_json::json!({ "value": "preflight-test-manager" }),
        _ => Value::String("preflight-test-value".into()),
    }
}

/// The overrides file for these changes, or the core's reason it cannot be one.
pub fn overrides_toml(remove: &[String], add: &[String]) -> IpcResult<OverridesText> {
    if remove.is_empty() && add.is_empty() {
        return Err(IpcError::new(
            "mapping/empty",
            "no change is ticked: tick at least one remove or add row to build a mapping",
        ));
    }
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut text =
        String::from("# Preflight mapping overrides: set the same changes in the IdP console.\n");
    if !remove.is_empty() {
        text += &format!(
            "remove = [{}]\n",
            remove
                .iter()
                .map(|r| quote(r))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !add.is_empty() {
        text += "\n[add]\n";
        for a in add {
            text += &format!("{} = {}\n", quote(a), inline_toml(&test_value(a)));
        }
    }
    MappingOverrides::parse(&text).map_err(|e| {
        IpcError::new(
            "mapping/invalid",
            format!("these changes cannot be tried as a mapping: {e}; untick that row"),
        )
    })?;
    Ok(OverridesText {
        toml: text,
        removes: remove.len(),
        adds: add.len(),
    })
}

/// The ticked changes as overrides TOML. Sends nothing.
#[tauri::command]
pub fn mapping_overrides(remove: Vec<String>, add: Vec<String>) -> IpcResult<OverridesText> {
    for list in [&remove, &add] {
        if list.len() > crate::limits::MAX_LIST_ITEMS {
            return Err(IpcError::new(
                "input/too-large",
                format!(
                    "more than {} attributes were sent; plan again",
                    crate::limits::MAX_LIST_ITEMS
                ),
            ));
        }
        for a in list {
            // Attribute paths may carry a URN with colons, never spaces or control characters.
            crate::limits::word("attribute", a)?;
        }
    }
    overrides_toml(&remove, &add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use preflight_core::Secret;
    use preflight_core::mapping::Action;
    use preflight_testbed::config::DEMO_TOKEN;
    use preflight_testbed::{Quirks, Testbed, TestbedConfig};

    const MANAGER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";

    async fn testbed(quirks: &str) -> Testbed {
        Testbed::start(TestbedConfig {
            quirks: Quirks::parse(quirks).unwrap(),
            ..TestbedConfig::default()
        })
        .await
        .unwrap()
    }

    fn demo() -> Credential {
        Credential::Bearer(Secret::new(DEMO_TOKEN))
    }

    #[tokio::test]
    async fn a_strict_target_gets_a_remove_row_for_what_it_does_not_declare() {
        let tb = testbed("strict-attributes").await;
        let view = plan_for(&tb.base_url(), demo(), "entra-default", None)
            .await
            .unwrap();
        assert!(view.plan.schema_readable, "{:?}", view.problem);
        assert!(view.problem.is_none());
        let roles = view
            .plan
            .rows
            .iter()
            .find(|r| r.attribute == "roles")
            .expect("entra sends roles");
        assert_eq!(roles.action, Action::Remove);
        assert!(roles.console.as_deref().unwrap().contains("Mappings"));
        assert!(
            view.plan
                .rows
                .iter()
                .any(|r| r.attribute == "userName" && r.action == Action::Keep)
        );
        assert!(view.reads.iter().any(|r| r.url.ends_with("/Schemas")));
        tb.shutdown().await;
    }

    #[tokio::test]
    async fn a_vendor_adds_its_required_attributes() {
        let tb = testbed("strict-attributes").await;
        let view = plan_for(&tb.base_url(), demo(), "entra-default", Some("airia"))
            .await
            .unwrap();
        assert!(
            view.plan
                .rows
                .iter()
                .any(|r| r.attribute == MANAGER && r.action == Action::Add),
            "{:?}",
            view.plan.rows
        );
        assert_eq!(view.plan.vendor.as_deref(), Some("airia"));
        tb.shutdown().await;
    }

    #[tokio::test]
    async fn a_refused_token_is_explained_with_what_to_do() {
        // Discovery is public by default: make the testbed ask for the token there too.
        let tb = testbed("strict-attributes,discovery-requires-auth").await;
        let wrong = Credential::Bearer(Secret::new("not-the-token"));
        let view = plan_for(&tb.base_url(), wrong, "entra-default", None)
            .await
            .unwrap();
        assert!(!view.plan.schema_readable);
        let p = view.problem.unwrap();
        assert!(p.contains("HTTP 401") && p.contains("Target step"), "{p}");
        tb.shutdown().await;
    }

    #[tokio::test]
    async fn bad_input_is_refused_before_anything_is_sent() {
        let e = |r: IpcResult<MappingView>| r.unwrap_err().code;
        let url = "http://127.0.0.1:9/scim/v2";
        assert_eq!(
            e(plan_for(url, demo(), "no-such-dialect", None).await),
            "input/dialect"
        );
        assert_eq!(
            e(plan_for(url, demo(), "entra-default", Some("nope")).await),
            "input/vendor"
        );
        assert_eq!(
            e(plan_for("not a url", demo(), "entra-default", None).await),
            "input/url"
        );
    }

    #[test]
    fn plan_arguments_are_bounded() {
        let code = |r: IpcResult<()>| r.err().map(|e| e.code).unwrap_or("ok");
        let url = "https://scim.example.com/scim/v2";
        assert_eq!(code(plan_args(url, "entra-default", Some(""))), "ok");
        assert_eq!(code(plan_args(url, "entra-default", Some("airia"))), "ok");
        let huge = format!("https://h/{}", "a".repeat(crate::limits::MAX_URL_LEN));
        assert_eq!(
            code(plan_args(&huge, "entra-default", None)),
            "input/too-large"
        );
        assert_eq!(code(plan_args("", "entra-default", None)), "input/url");
        assert_eq!(code(plan_args(url, "entra default", None)), "input/invalid");
        let long = "v".repeat(crate::limits::MAX_WORD_LEN + 1);
        assert_eq!(
            code(plan_args(url, "entra-default", Some(&long))),
            "input/too-large"
        );
    }

    #[test]
    fn ticked_changes_become_a_file_the_core_parses() {
        let out = overrides_toml(
            &["roles".into(), "name.formatted".into()],
            &[MANAGER.into(), "externalId".into(), "emails".into()],
        )
        .unwrap();
        let parsed = MappingOverrides::parse(&out.toml).unwrap();
        assert_eq!(parsed.remove.len(), 2);
        assert_eq!(parsed.add.len(), 3);
        assert_eq!((out.removes, out.adds), (2, 3));
        assert!(
            out.toml
                .contains("remove = [\"roles\", \"name.formatted\"]"),
            "{}",
            out.toml
        );
        assert!(
            out.toml
                .contains(&format!("\"{MANAGER}\" = {{ \"value\" = ")),
            "{}",
            out.toml
        );
    }

    #[test]
    fn changes_the_core_forbids_or_none_at_all_are_refused() {
        assert_eq!(overrides_toml(&[], &[]).unwrap_err().code, "mapping/empty");
        let e = overrides_toml(&["userName".into()], &[]).unwrap_err();
        assert_eq!(e.code, "mapping/invalid");
        assert!(e.message.contains("untick"), "{}", e.message);
        let e = overrides_toml(&["title".into()], &["title".into()]).unwrap_err();
        assert!(
            e.message.contains("both removed and added"),
            "{}",
            e.message
        );
    }

    #[test]
    fn oversized_or_hostile_attribute_lists_are_refused() {
        let many = vec!["roles".to_string(); crate::limits::MAX_LIST_ITEMS + 1];
        assert_eq!(
            mapping_overrides(many, vec![]).unwrap_err().code,
            "input/too-large"
        );
        let long = "a".repeat(crate::limits::MAX_WORD_LEN + 1);
        assert_eq!(
            mapping_overrides(vec![long], vec![]).unwrap_err().code,
            "input/too-large"
        );
        assert_eq!(
            mapping_overrides(vec!["ro\u{1b}[2Jles".into()], vec![])
                .unwrap_err()
                .code,
            "input/invalid"
        );
        assert_eq!(
            mapping_overrides(vec![], vec!["title\"]\nremove = [\"x".into()])
                .unwrap_err()
                .code,
            "input/invalid"
        );
    }
}
