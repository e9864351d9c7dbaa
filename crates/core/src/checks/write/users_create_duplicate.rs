use async_trait::async_trait;

use super::support::{applies_write, create_user, gate, ok, user_body};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::outcome;
use crate::dialect::ObjectKind;
use crate::probe::Req;
use crate::provision::Writer;
use crate::scim::ScimError;
use crate::target::Target;

/// A second create with the same `userName` (also in other case) answers 409 `uniqueness`.
pub struct UsersCreateDuplicate;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-create-duplicate",
    title: "A duplicate userName is refused with 409",
    what: "With `--write`: creates a test user, then POSTs the same body again, and once more with the `userName` upper-cased. \
           Expects 409 with `scimType: uniqueness` both times (400 + `uniqueness` is a warning; accepting the upper-cased one is a warning).",
    why: "Okta's spec test and Entra's retry after a timeout both send the same user twice; a server that accepts it creates \
          duplicate accounts, and later `userName eq` matches become ambiguous.",
    fix: "For the SCIM service provider: enforce case-insensitive uniqueness of `userName` and answer 409 `uniqueness` (RFC 7644 §3.3).",
    references: &["RFC 7644 §3.3", "RFC 7644 §3.12", "RFC 7643 §4.1.1"],
    diagnoses: &["scim/uniqueness-not-enforced"],
};

#[async_trait]
impl Check for UsersCreateDuplicate {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _options: &RunOptions) -> Result<(), String> {
        applies_write(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let schema = match gate(ctx).await {
            Ok(s) => s,
            Err(v) => return v,
        };
        let w = Writer::new(ctx.probe, &ctx.options.run_id);
        let (name, body) = user_body(ctx, &schema, "duplicate");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((first, _)) => {
                let mut evidence = vec![first.id.clone()];
                let again = w
                    .create(
                        ObjectKind::User,
                        &name,
                        Req::new("POST", "/Users")
                            .json_body(&body)
                            .purpose("create the same user again"),
                    )
                    .await;
                match again {
                    Err(e) => Verdict::Skip(e.to_string()),
                    Ok(dup) => {
                        evidence.push(dup.id.clone());
                        let mut upper_body = body.clone();
                        upper_body["userName"] = serde_json::Value::String(name.to_uppercase());
                        let upper = w
                            .create(
                                ObjectKind::User,
                                &name.to_uppercase(),
                                Req::new("POST", "/Users")
                                    .json_body(&upper_body)
                                    .purpose("create the same user with the userName upper-cased"),
                            )
                            .await;
                        match upper {
                            Err(e) => Verdict::Skip(e.to_string()),
                            Ok(up) => {
                                evidence.push(up.id.clone());
                                judge(&dup, &up, evidence)
                            }
                        }
                    }
                }
            }
        };
        w.finish().await;
        verdict
    }
}

fn judge(
    dup: &crate::exchange::Exchange,
    upper: &crate::exchange::Exchange,
    evidence: Vec<String>,
) -> Verdict {
    let expected = "409 with scimType uniqueness";
    if ok(dup) {
        return Verdict::fail(
            expected,
            format!("the same userName was created twice ({})", outcome(dup)),
            evidence,
            Cause::new("scim/uniqueness-not-enforced"),
        );
    }
    let scim_type = |x: &crate::exchange::Exchange| {
        x.response
            .as_ref()
            .and_then(|r| ScimError::parse(&r.body))
            .and_then(|e| e.scim_type)
            .map(|t| t.to_ascii_lowercase())
    };
    match dup.status() {
        Some(409) => {}
        Some(400) if scim_type(dup).as_deref() == Some("uniqueness") => {
            return Verdict::warn(
                expected,
                outcome(dup),
                evidence,
                Cause::new("scim/uniqueness-not-enforced").detail(
                    "RFC 7644 §3.3 asks for 409; 400 + uniqueness is tolerated by most IdPs.",
                ),
            );
        }
        _ => return crate::checks::judge::unexpected(dup, expected),
    }
    if ok(upper) {
        return Verdict::warn(
            "409 also for the upper-cased userName",
            format!("the upper-cased userName was created ({})", outcome(upper)),
            evidence,
            Cause::new("scim/uniqueness-not-enforced").detail(
                "userName is case-insensitive (RFC 7643 §4.1.1); Entra and Okta match it that way.",
            ),
        );
    }
    Verdict::pass(evidence)
}
