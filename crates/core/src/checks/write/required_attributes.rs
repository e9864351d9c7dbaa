use async_trait::async_trait;

use super::support::{applies_write, create_payload_paths};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::TOKEN_GATE;
use crate::provision::TargetSchema;
use crate::target::Target;

/// Every attribute the target requires is sent by each selected dialect's create payload.
pub struct DialectRequiredAttributes;

static DOC: CheckDoc = CheckDoc {
    id: "scim/dialect-required-attributes",
    title: "The IdP's mapping sends every attribute the target requires",
    what: "With `--write`, before anything is created: lists the User attributes `/Schemas` marks `required` (and required \
           extensions from `/ResourceTypes`) that a selected dialect's create payload leaves out, with the console change that adds them.",
    why: "A required attribute the IdP does not send makes every create fail with 400, usually `invalidValue`, for every user.",
    fix: "Add a mapping for each listed attribute in the IdP (the finding names the console path), or ask the vendor to make it optional.",
    references: &["RFC 7643 §2.2", "RFC 7643 §7"],
    diagnoses: &["scim/required-attribute-missing"],
};

#[async_trait]
impl Check for DialectRequiredAttributes {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _options: &RunOptions) -> Result<(), String> {
        applies_write(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(b) = ctx.blocked_by(&[TOKEN_GATE]) {
            return b;
        }
        let schema = TargetSchema::load(ctx.probe).await;
        if !schema.readable {
            return Verdict::Skip("/Schemas could not be read; nothing to compare with".into());
        }
        let mut lines = Vec::new();
        let mut fixes = Vec::new();
        for (d, paths) in create_payload_paths(ctx) {
            let missing = schema.missing_required(&paths);
            if missing.is_empty() {
                continue;
            }
            lines.push(format!("{}: {}", d.id, missing.join(", ")));
            fixes.extend(missing.iter().map(|a| {
                format!(
                    "{}: {}",
                    d.id,
                    d.console.add_mapping.replace("{attribute}", a)
                )
            }));
        }
        if lines.is_empty() {
            Verdict::pass(schema.evidence.clone())
        } else {
            Verdict::fail(
                "the IdP's create payload carries every required attribute",
                format!("required but not sent: {}", lines.join("; ")),
                schema.evidence.clone(),
                Cause::new("scim/required-attribute-missing")
                    .detail(format!("In the IdP: {}.", fixes.join("; "))),
            )
        }
    }
}
