use async_trait::async_trait;

use super::support::{applies_write, create_payload_paths};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::TOKEN_GATE;
use crate::provision::TargetSchema;
use crate::target::Target;

/// Every attribute a selected dialect sends on create is declared in the target's /Schemas.
pub struct DialectAttributesDeclared;

static DOC: CheckDoc = CheckDoc {
    id: "scim/dialect-attributes-declared",
    title: "The IdP's default attributes are declared by the target",
    what: "With `--write`, before anything is created: reads `/ResourceTypes` and `/Schemas` and compares them with the create \
           payload of each selected dialect (the IdP's default attribute mapping). Lists every attribute the target does not declare, \
           with the IdP console change that stops sending it. Skipped when `/Schemas` cannot be read.",
    why: "Strict servers answer 400 to an attribute they do not know, and the IdP then fails every create for that user — the \
          most common first-day provisioning error. The fix is almost always in the IdP's mapping, not in the server.",
    fix: "Remove the listed mappings in the IdP (the finding names the exact console path), or ask the vendor to declare and accept \
          the attributes.",
    references: &[
        "RFC 7643 §7",
        "RFC 7644 §3.3",
        "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes",
    ],
    diagnoses: &["scim/unknown-attribute-rejected"],
};

#[async_trait]
impl Check for DialectAttributesDeclared {
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
            let undeclared = schema.undeclared(&paths);
            if undeclared.is_empty() {
                continue;
            }
            lines.push(format!("{}: {}", d.id, undeclared.join(", ")));
            let mut tops: Vec<String> = Vec::new();
            for p in &undeclared {
                let top = if p.to_ascii_lowercase().starts_with("urn:") {
                    p.clone()
                } else {
                    p.split('.').next().unwrap_or(p).to_string()
                };
                if !tops.contains(&top) {
                    tops.push(top);
                }
            }
            fixes.extend(tops.iter().map(|a| {
                format!(
                    "{}: {}",
                    d.id,
                    d.console.remove_mapping.replace("{attribute}", a)
                )
            }));
        }
        if lines.is_empty() {
            Verdict::pass(schema.evidence.clone())
        } else {
            Verdict::fail(
                "every attribute of the IdP's create payload is declared in /Schemas",
                format!("not declared: {}", lines.join("; ")),
                schema.evidence.clone(),
                Cause::new("scim/unknown-attribute-rejected").detail(format!(
                    "The target will likely answer 400. In the IdP: {}.",
                    fixes.join("; ")
                )),
            )
        }
    }
}
