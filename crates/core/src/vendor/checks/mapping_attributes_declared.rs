use async_trait::async_trait;

use super::{dialects, sent_paths, top_level, vendor_for};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::TOKEN_GATE;
use crate::provision::TargetSchema;
use crate::target::Target;

/// For vendors that refuse undeclared attributes: the IdP's mapping sends only declared ones.
pub struct MappingAttributesDeclared;

static DOC: CheckDoc = CheckDoc {
    id: "vendor/mapping-attributes-declared",
    title: "The IdP's mapping sends only attributes the vendor declares",
    what: "For vendors that answer 400 to an attribute they do not expect (STACKIT), compares the selected IdP dialect's \
           create payload — default mapping plus `--mapping` overrides — with the live `/Schemas`, without `--write`. \
           Skipped when `/Schemas` cannot be read.",
    why: "Entra's default mapping sends more than such a vendor accepts (e.g. `roles`), so every create fails with 400 \
          until the mapping is trimmed. The read-only run already knows the target's schema, so it can say which \
          mappings to delete before provisioning is switched on.",
    fix: "Delete the listed mappings in the IdP (the finding names the console path), or put them under `remove` in a \
          `--mapping` file and re-run with `--write` to prove the trimmed mapping works.",
    references: &[
        "https://docs.stackit.cloud/platform/access-and-identity/stackit-idp/how-tos/enable-identity-provisioning-with-ms-entra-id",
        "RFC 7644 §3.3",
    ],
    diagnoses: &["scim/unknown-attribute-rejected"],
};

#[async_trait]
impl Check for MappingAttributesDeclared {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _options: &RunOptions) -> Result<(), String> {
        vendor_for(target, DOC.id).map(|_| ())
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        super::noted(ctx.target(), judge(ctx).await)
    }
}

/// The check proper; `run` adds where the vendor came from.
async fn judge(ctx: &RunCtx<'_>) -> Verdict {
    if let Some(b) = ctx.blocked_by(&[TOKEN_GATE]) {
        return b;
    }
    let target = ctx.target();
    let vendor = match vendor_for(target, DOC.id) {
        Ok(v) => v,
        Err(reason) => return Verdict::Skip(reason),
    };
    let schema = TargetSchema::load(ctx.probe).await;
    if !schema.readable {
        return Verdict::Skip("/Schemas could not be read; nothing to compare with".into());
    }
    let mut lines = Vec::new();
    let mut fixes = Vec::new();
    for d in dialects(target) {
        let undeclared = schema.undeclared(&sent_paths(target, d, &ctx.options.run_id));
        if undeclared.is_empty() {
            continue;
        }
        lines.push(format!("{}: {}", d.id, undeclared.join(", ")));
        let mut tops: Vec<String> = undeclared.iter().map(|p| top_level(p)).collect();
        tops.dedup();
        fixes.extend(
            tops.iter()
                .map(|a| d.console.remove_mapping.replace("{attribute}", a)),
        );
    }
    if lines.is_empty() {
        Verdict::pass(schema.evidence.clone())
    } else {
        Verdict::fail(
            "every attribute of the IdP's create payload is declared in /Schemas",
            format!("not declared: {}", lines.join("; ")),
            schema.evidence.clone(),
            Cause::new("scim/unknown-attribute-rejected").detail(format!(
                "{} answers 400 to attributes it does not expect, so every create would fail. In the IdP: {}.",
                vendor.name,
                fixes.join("; ")
            )),
        )
    }
}
