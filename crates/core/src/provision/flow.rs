//! Running one dialect flow: the IdP's steps in order against the target, failing at the
//! first step the IdP would log as an error, with that step's diagnosis, the request, the
//! answer, and what the IdP concludes. Test objects are removed whatever the outcome.

use serde_json::Value;

use super::schema::{TargetSchema, payload_paths};
use super::writer::Writer;
use crate::check::{Cause, RunCtx, Verdict};
use crate::checks::judge::{outcome, unexpected};
use crate::dialect::{Dialect, Flow, ObjectKind, Step, Vars, Verify, expand, render_step};
use crate::exchange::Exchange;
use crate::mapping::StepBody;
use crate::probe::Req;
use crate::scim::{list_shape, member};

/// Run `flow` of `dialect`. `tag` makes this flow's object names unique within the run.
pub async fn run(ctx: &RunCtx<'_>, dialect: &Dialect, flow: &Flow, tag: &str) -> Verdict {
    let schema = TargetSchema::load(ctx.probe).await;
    let touches = |kind: ObjectKind| {
        flow.steps.iter().any(|s| {
            dialect.steps[s]
                .path
                .starts_with(&format!("/{}", kind.endpoint()))
        })
    };
    if !schema.has_users {
        return Verdict::Skip(
            "the target declares no User resource type in /ResourceTypes; nothing was created"
                .into(),
        );
    }
    if touches(ObjectKind::Group) && !schema.has_groups {
        return Verdict::Skip("the target declares no Group resource type in /ResourceTypes; nothing was created (turn off group provisioning in the IdP)".into());
    }
    let mut vars = ctx
        .target()
        .test_user
        .clone()
        .unwrap_or_default()
        .vars(&ctx.options.run_id, tag);
    vars.set("randomGuid", &ctx.random_uuid());
    let writer = Writer::new(ctx.probe, &ctx.options.run_id);
    let mut evidence = Vec::new();
    let verdict = steps(
        ctx,
        dialect,
        flow,
        &schema,
        &writer,
        &mut vars,
        &mut evidence,
    )
    .await;
    writer.finish().await;
    verdict
}

async fn steps(
    ctx: &RunCtx<'_>,
    dialect: &Dialect,
    flow: &Flow,
    schema: &TargetSchema,
    writer: &Writer<'_>,
    vars: &mut Vars,
    evidence: &mut Vec<String>,
) -> Verdict {
    let rehearsal = ctx.target().rehearse_update && super::rehearsal::applies(dialect, flow);
    let order = if rehearsal {
        super::rehearsal::order(dialect, flow)
    } else {
        flow.steps.iter().collect()
    };
    let total = order.len();
    let mut unsent: Vec<&str> = Vec::new();
    for (index, name) in order.into_iter().enumerate() {
        let step = &dialect.steps[name];
        let position = format!("step {}/{total} \"{}\"", index + 1, step.label);
        // Whole-User bodies and PATCH updates carry the admin's mapping overrides; creates
        // also stay quiet.
        let override_body = match crate::mapping::step_body(ctx.target(), step, vars) {
            StepBody::AsWritten => None,
            StepBody::Replaced(b) if step.creates == Some(ObjectKind::User) => {
                Some(schema.quiet(&b))
            }
            StepBody::Replaced(b) => Some(b),
            // The mapping no longer has any attribute this update changes: the IdP sends nothing.
            StepBody::Nothing => {
                unsent.push(&step.label);
                continue;
            }
        };
        let mut rendered = render_step(dialect, step, vars, override_body);
        if rehearsal && step.creates == Some(ObjectKind::User) {
            rendered.req.purpose = Some(super::rehearsal::SEED_PURPOSE.into());
        }
        let sent_paths = rendered
            .body
            .as_ref()
            .map(payload_paths)
            .unwrap_or_default();
        let retry = (rendered.req.clone(), rendered.body.clone());
        let x = match step.creates {
            Some(kind) => {
                let object_name = vars
                    .get(if kind == ObjectKind::User {
                        "userName"
                    } else {
                        "groupName"
                    })
                    .unwrap_or_default()
                    .to_string();
                match writer.create(kind, &object_name, rendered.req).await {
                    Ok(x) => x,
                    Err(e) => return Verdict::Skip(format!("{e}; nothing was created")),
                }
            }
            None => ctx.probe.send(rendered.req).await,
        };
        evidence.push(x.id.clone());
        let request_line = format!("{} {}", step.method, expand(&step.path, vars));
        let Some(status) = x.status() else {
            return at_step(unexpected(&x, &position), &position, step, evidence);
        };
        if !step.accept.contains(&status) {
            // 501 Not Implemented is the server saying "I do not do this shape": the step's own diagnosis.
            let generic = status == 401
                || status == 403
                || status == 429
                || (status >= 500 && status != 501)
                || (300..400).contains(&status)
                || x.response.as_ref().is_some_and(|r| r.looks_like_html());
            if generic {
                return at_step(
                    unexpected(&x, &format!("{position}: {}", accepted(step))),
                    &position,
                    step,
                    evidence,
                );
            }
            let mut code = if (200..300).contains(&status) {
                step.wrong_success.as_deref().unwrap_or(&step.diagnosis)
            } else {
                refine(&step.diagnosis, &x, schema, &sent_paths)
            };
            // 501 too: a server that does not implement a PATCH shape may still be case-blind.
            if (400..500).contains(&status) || status == 501 {
                match differential(ctx, retry.0, retry.1.as_ref()).await {
                    Differential::Cause(specific, probe_x) => {
                        evidence.push(probe_x);
                        code = specific;
                    }
                    // The step's own suspect (op case, pathless form) was refused even with
                    // that spelling undone: the server objects to the operations themselves
                    // (django-scim2 cannot replace a declared displayName).
                    Differential::Refused(refused) => {
                        if let Some((_, probe_x)) = refused.into_iter().find(|(c, _)| *c == code) {
                            evidence.push(probe_x);
                            // As generic-rfc7644 labels the same refusal of its update.
                            code = "scim/schema-mismatch";
                        }
                    }
                }
            }
            let mut detail = format!(
                "At {position} ({request_line}) the server answered {}. {}",
                outcome(&x),
                step.idp_conclusion
            );
            if code == "scim/unknown-attribute-rejected" {
                let undeclared = schema.undeclared(&sent_paths);
                if !undeclared.is_empty() {
                    let tops = top_level(&undeclared);
                    detail.push_str(&format!(
                        " Not declared in /Schemas: {}. In the IdP: {}.",
                        tops.join(", "),
                        tops.iter()
                            .map(|a| dialect.console.remove_mapping.replace("{attribute}", a))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                }
            }
            if code == "scim/required-attribute-missing" {
                let missing = schema.missing_required(&sent_paths);
                if !missing.is_empty() {
                    detail.push_str(&format!(
                        " Required by the target but not sent: {}. In the IdP: {}.",
                        missing.join(", "),
                        missing
                            .iter()
                            .map(|a| dialect.console.add_mapping.replace("{attribute}", a))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                }
            }
            if let Some((_, hint)) = refused_value(&x) {
                detail.push_str(hint);
            }
            return Verdict::fail(
                format!("{position}: {}", accepted(step)),
                format!("{request_line} → {}", outcome(&x)),
                evidence.clone(),
                Cause::new(code).detail(detail),
            );
        }
        if rehearsal && step.expect_empty {
            if let Some(v) =
                super::rehearsal::judge_match(step, &x, vars, &position, &request_line, evidence)
            {
                return v;
            }
        } else if step.expect_empty && status == 200 {
            let found = x
                .response
                .as_ref()
                .and_then(|r| r.json())
                .map(|j| list_shape(&j))
                .map(|s| s.total_results.unwrap_or(0).max(s.resources.len() as u64))
                .unwrap_or(0);
            if found > 0 {
                return Verdict::fail(
                    format!("{position}: an empty ListResponse for a user that does not exist yet"),
                    format!("{request_line} → {found} resources"),
                    evidence.clone(),
                    Cause::new("scim/filter-ignored").detail(format!(
                        "The IdP would link its new user to an existing account. {}",
                        step.idp_conclusion
                    )),
                );
            }
        }
        if let Some(var) = &step.capture {
            match x
                .response
                .as_ref()
                .and_then(|r| r.json())
                .and_then(|j| id_of(&j))
            {
                Some(id) => vars.set(var, &id),
                None => {
                    return Verdict::fail(
                        format!("{position}: the answer carries the new object's `id`"),
                        format!("{request_line} → {} without an `id`", outcome(&x)),
                        evidence.clone(),
                        Cause::new(
                            step.wrong_success
                                .as_deref()
                                .unwrap_or("scim/created-response"),
                        )
                        .detail(step.idp_conclusion.clone()),
                    );
                }
            }
        }
        if let Some(kind) = step.deletes {
            let id = vars
                .get(if kind == ObjectKind::User {
                    "userId"
                } else {
                    "groupId"
                })
                .unwrap_or_default()
                .to_string();
            writer.forget(kind, &id);
        }
        if let Some(verify) = &step.verify
            && !verify_removed(ctx, verify)
            && let Some(v) = check(ctx, verify, vars, &x, evidence).await
        {
            let (expected, actual) = v;
            return Verdict::fail(
                format!("{position}: {expected}"),
                actual,
                evidence.clone(),
                Cause::new(&verify.diagnosis).detail(format!(
                    "{request_line} was accepted ({}) but the change did not stick. {}",
                    outcome(&x),
                    step.idp_conclusion
                )),
            );
        }
    }
    let branch = if rehearsal {
        " (update branch: the match found the existing user)"
    } else {
        ""
    };
    let skipped = if unsent.is_empty() {
        String::new()
    } else {
        format!(
            "; not sent because the mapping leaves it nothing to change: {}",
            unsent.join(", ")
        )
    };
    Verdict::pass_with_note(
        evidence.clone(),
        format!(
            "{total} steps as {} sends them{branch}{skipped}",
            dialect.title
        ),
    )
}

/// The read-back compares an attribute the admin's mapping no longer sends: nothing to check.
fn verify_removed(ctx: &RunCtx<'_>, verify: &Verify) -> bool {
    let (Some(o), Some(attr)) = (&ctx.target().mapping, &verify.attribute) else {
        return false;
    };
    crate::mapping::AttrPath::parse(attr).is_ok_and(|p| o.removes(&p))
}

/// What re-sending a refused PATCH with the IdP's particular spellings undone showed.
enum Differential {
    /// A variant was accepted: this spelling is the cause (exchange id of the variant).
    Cause(&'static str, String),
    /// Variants refused as well (code of the spelling each one undid, exchange id): that
    /// spelling is not what the server objects to.
    Refused(Vec<(&'static str, String)>),
}

/// When the IdP's exact shape was refused, send it once more with only one IdP-specific
/// spelling changed (lower-case `op`; JSON booleans for "True"/"False"; one op with a `path`
/// per key instead of a pathless `value` object). If that variant is accepted, the spelling
/// was the cause — the most specific diagnosis the evidence supports; if it is refused too,
/// the spelling is ruled out.
async fn differential(ctx: &RunCtx<'_>, req: Req, body: Option<&Value>) -> Differential {
    let mut refused = Vec::new();
    let Some(body) = body else {
        return Differential::Refused(refused);
    };
    let Some(ops) = member(body, "Operations").and_then(Value::as_array) else {
        return Differential::Refused(refused);
    };
    let capitalised = ops.iter().any(|o| {
        member(o, "op")
            .and_then(Value::as_str)
            .is_some_and(|op| op.chars().next().is_some_and(char::is_uppercase))
    });
    let strings = ops.iter().any(|o| {
        member(o, "value")
            .and_then(Value::as_str)
            .is_some_and(|v| v == "True" || v == "False")
    });
    let pathless = ops.iter().any(is_pathless);
    let variants: [(&'static str, bool, bool); 3] = [
        ("scim/patch-op-case", capitalised, false),
        ("scim/patch-boolean-string", strings, capitalised),
        ("scim/patch-pathless", pathless, capitalised),
    ];
    for (code, applies, also_lower) in variants {
        if !applies {
            continue;
        }
        let mut fixed = body.clone();
        for o in fixed
            .get_mut("Operations")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let Some(obj) = o.as_object_mut() else {
                continue;
            };
            if (code == "scim/patch-op-case" || also_lower)
                && let Some(Value::String(op)) = obj.get_mut("op")
            {
                *op = op.to_ascii_lowercase();
            }
            if code == "scim/patch-boolean-string"
                && let Some(v) = obj.get_mut("value")
                && let Some(b) = v
                    .as_str()
                    .and_then(|s| s.to_ascii_lowercase().parse::<bool>().ok())
            {
                *v = Value::Bool(b);
            }
        }
        if code == "scim/patch-pathless"
            && let Some(Value::Array(ops)) = fixed.get_mut("Operations")
        {
            *ops = ops.iter().flat_map(with_paths).collect();
        }
        let mut variant = req.clone();
        variant.body = Some(fixed.to_string().into_bytes());
        variant.purpose = Some(format!(
            "same request with {} (to find the cause)",
            match code {
                "scim/patch-op-case" => "lower-case ops",
                "scim/patch-boolean-string" => "JSON booleans",
                _ => "a path on every op",
            }
        ));
        let x = ctx.probe.send(variant).await;
        if x.status().is_some_and(|s| (200..300).contains(&s)) {
            return Differential::Cause(code, x.id.clone());
        }
        // Only a refusal of the very operations rules the spelling out (not a 401 or a 5xx).
        if matches!(x.status(), Some(400..=499 | 501)) {
            refused.push((code, x.id.clone()));
        }
    }
    Differential::Refused(refused)
}

/// An op without `path` whose `value` is an object of attribute paths (RFC 7644 §3.5.2.3).
fn is_pathless(op: &Value) -> bool {
    member(op, "path").is_none() && member(op, "value").is_some_and(Value::is_object)
}

/// A pathless op as one op per key with that key as its `path`; any other op unchanged. The
/// read-only `id` and `meta` an IdP echoes in the object (Okta's group rename) are left out:
/// with a path they would be writes to read-only attributes, refused for another reason.
fn with_paths(op: &Value) -> Vec<Value> {
    let (true, Some(Value::Object(values))) = (is_pathless(op), member(op, "value")) else {
        return vec![op.clone()];
    };
    let verb = member(op, "op").cloned().unwrap_or(Value::Null);
    let ops: Vec<Value> = values
        .iter()
        .filter(|(path, _)| {
            !["id", "meta"]
                .iter()
                .any(|ro| path.eq_ignore_ascii_case(ro))
        })
        .map(|(path, value)| serde_json::json!({"op": verb, "path": path, "value": value}))
        .collect();
    if ops.is_empty() {
        vec![op.clone()]
    } else {
        ops
    }
}

fn accepted(step: &Step) -> String {
    let list: Vec<String> = step.accept.iter().map(u16::to_string).collect();
    format!("{} answered with {}", step.label, list.join(" or "))
}

/// Put the step into a generic verdict's finding, so the admin sees where the flow broke.
fn at_step(v: Verdict, position: &str, step: &Step, evidence: &[String]) -> Verdict {
    match v {
        Verdict::Fail(mut f) => {
            f.evidence = evidence.to_vec();
            let extra = format!("At {position}: {}", step.idp_conclusion);
            f.diagnosis.detail = Some(match f.diagnosis.detail.take() {
                Some(d) => format!("{d} {extra}"),
                None => extra,
            });
            Verdict::Fail(f)
        }
        other => other,
    }
}

/// The SCIM error's `detail`, lower-cased for matching words in it.
fn error_detail(x: &Exchange) -> Option<String> {
    x.response
        .as_ref()
        .and_then(|r| crate::scim::ScimError::parse(&r.body))
        .and_then(|e| e.detail)
        .map(|d| d.to_ascii_lowercase())
}

/// Advice for a 4xx whose SCIM error names a cause the status code cannot carry: a refused
/// (mail) domain — some targets accept addresses only in the organisation's own domains
/// (STACKIT can block a domain) — or a manager reference, which must name a user the target
/// already has. Either way the mapping's attribute is fine; the value it carries is not: the
/// cause's own code and the advice.
fn refused_value(x: &Exchange) -> Option<(&'static str, &'static str)> {
    if !x.status().is_some_and(|s| (400..500).contains(&s)) {
        return None;
    }
    let detail = error_detail(x)?;
    if detail.contains("domain") {
        return Some((
            "scim/email-domain-refused",
            " The server's message blames a domain: the target accepts e-mail addresses only in \
             some domains, and the one sent is not among them. Rerun with `--user-file` giving a \
             user whose userName and e-mail use an allowed domain of your organisation, and make \
             sure the IdP maps an e-mail in such a domain.",
        ));
    }
    detail.contains("manager").then_some((
        "scim/manager-reference-invalid",
        " The server's message names the manager: the IdP sends a manager as a reference to \
         another user, which must already exist in the target. Make sure managers are in the \
         provisioning scope (Entra provisions them in an earlier cycle), that the mapping sends \
         the manager's identifier the target knows, or remove the manager mapping.",
    ))
}

/// A create rejected with 4xx: the data's code, unless the evidence points elsewhere.
fn refine<'a>(code: &'a str, x: &Exchange, schema: &TargetSchema, sent: &[String]) -> &'a str {
    if code != "scim/unknown-attribute-rejected" {
        return code;
    }
    let detail = error_detail(x).unwrap_or_default();
    let missing = !schema.missing_required(sent).is_empty();
    if x.status() == Some(409) {
        return "scim/uniqueness-not-enforced";
    }
    if (missing && schema.undeclared(sent).is_empty()) || detail.contains("required") {
        "scim/required-attribute-missing"
    } else if let Some((refused, _)) = refused_value(x) {
        refused
    } else {
        code
    }
}

fn top_level(paths: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        let top = if p.to_ascii_lowercase().starts_with("urn:") {
            p.clone()
        } else {
            p.split('.').next().unwrap_or(p).to_string()
        };
        if !out.contains(&top) {
            out.push(top);
        }
    }
    out
}

/// `id` of a resource, or of the first resource of a ListResponse.
pub fn id_of(json: &Value) -> Option<String> {
    let direct = member(json, "id").and_then(Value::as_str);
    let first = || {
        list_shape(json)
            .resources
            .first()
            .and_then(|r| member(r, "id").and_then(Value::as_str).map(str::to_string))
    };
    direct
        .map(str::to_string)
        .or_else(first)
        .filter(|s| !s.is_empty())
}

/// Read the object back; `Some((expected, actual))` when it is not what the IdP assumes.
async fn check(
    ctx: &RunCtx<'_>,
    verify: &Verify,
    vars: &Vars,
    step_x: &Exchange,
    evidence: &mut Vec<String>,
) -> Option<(String, String)> {
    let var = if verify.object == ObjectKind::User {
        "userId"
    } else {
        "groupId"
    };
    let id = vars.get(var).unwrap_or_default();
    let read = ctx
        .probe
        .send(
            Req::get(format!("/{}/{id}", verify.object.endpoint()))
                .purpose("read back what the IdP just changed"),
        )
        .await;
    evidence.push(read.id.clone());
    if verify.gone {
        return match read.status() {
            Some(404) => None,
            _ => Some((
                "a GET of the deleted object answers 404".into(),
                format!("GET answered {}", outcome(&read)),
            )),
        };
    }
    // A PATCH answered 200 with the resource is as good as a read, but a GET is what the IdP relies on later.
    let _ = step_x;
    let Some(json) = read
        .response
        .as_ref()
        .filter(|r| r.status == 200)
        .and_then(|r| r.json())
    else {
        return Some((
            "the object can be read back (200)".into(),
            format!("GET answered {}", outcome(&read)),
        ));
    };
    if let (Some(attr), Some(want)) = (&verify.attribute, &verify.equals) {
        let got = lookup(&json, attr);
        let ok = match want {
            toml::Value::Boolean(b) => got.is_some_and(|g| {
                g.as_bool() == Some(*b)
                    || g.as_str()
                        .is_some_and(|s| s.eq_ignore_ascii_case(&b.to_string()))
            }),
            toml::Value::String(s) => got.and_then(Value::as_str) == Some(expand(s, vars).as_str()),
            other => got.is_some_and(|g| *g == other.to_string()),
        };
        if !ok {
            let shown = match want {
                toml::Value::String(s) => format!("\"{}\"", expand(s, vars)),
                other => other.to_string(),
            };
            return Some((
                format!("`{attr}` reads back as {shown}"),
                format!(
                    "`{attr}` reads back as {}",
                    got.map(Value::to_string).unwrap_or_else(|| "absent".into())
                ),
            ));
        }
    }
    let members: Vec<String> = member(&json, "members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            member(m, "value")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    if let Some(m) = &verify.has_member {
        let m = expand(m, vars);
        if !members.contains(&m) {
            return Some((
                format!("the group lists member {m}"),
                format!("members: {members:?}"),
            ));
        }
    }
    if let Some(m) = &verify.lacks_member {
        let m = expand(m, vars);
        if members.contains(&m) {
            return Some((
                format!("member {m} is gone from the group"),
                format!("members still: {members:?}"),
            ));
        }
    }
    None
}

/// Dotted, case-insensitive attribute lookup (`name.givenName`).
pub fn lookup<'a>(json: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(json, |v, part| member(v, part))
}

#[cfg(test)]
mod tests {
    use super::{is_pathless, with_paths};
    use serde_json::json;

    #[test]
    fn a_pathless_op_becomes_one_op_per_key_without_read_only_echoes() {
        let okta_rename = json!({"op": "replace", "value": {"id": "g1", "displayName": "New"}});
        assert!(is_pathless(&okta_rename));
        assert_eq!(
            with_paths(&okta_rename),
            vec![json!({"op": "replace", "path": "displayName", "value": "New"})]
        );
        let entra = json!({"op": "Replace", "value": {"displayName": "D", "name.givenName": "G"}});
        let split = with_paths(&entra);
        assert_eq!(split.len(), 2);
        assert!(split.contains(&json!({"op": "Replace", "path": "name.givenName", "value": "G"})));
        // An op with a path, or with a plain value, is left as it is.
        let with_path = json!({"op": "replace", "path": "active", "value": false});
        assert!(!is_pathless(&with_path));
        assert_eq!(with_paths(&with_path), vec![with_path.clone()]);
        let only_id = json!({"op": "replace", "value": {"id": "g1"}});
        assert_eq!(with_paths(&only_id), vec![only_id.clone()]);
    }
}
