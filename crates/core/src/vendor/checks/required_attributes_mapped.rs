use async_trait::async_trait;

use super::{dialects, sent_paths, vendor_for};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;

/// The IdP's mapping (default, plus the admin's overrides) sends every attribute the vendor requires.
pub struct RequiredAttributesMapped;

static DOC: CheckDoc = CheckDoc {
    id: "vendor/required-attributes-mapped",
    title: "The IdP's mapping sends every attribute the vendor requires",
    what: "Compares the create payload of the selected IdP dialect — its default attribute mapping, with the `--mapping` \
           overrides applied — with the attributes the vendor's profile lists as required. Nothing is sent.",
    why: "A required attribute the IdP never sends makes every create fail (usually 400), or leaves users half-made \
          (Airia: no manager, no external id). The IdP's logs show it one user at a time; here it shows before the first.",
    fix: "Add a mapping for each listed attribute in the IdP (the finding names the console path); `preflight mapping` \
          shows the whole plan, and `--mapping FILE` lets a `--write` run try it first.",
    references: &[
        "Airia SSO & SCIM troubleshooting guide: required SCIM attributes",
        "RFC 7643 §4.1",
    ],
    diagnoses: &["scim/required-attribute-missing"],
};

#[async_trait]
impl Check for RequiredAttributesMapped {
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
    let target = ctx.target();
    let vendor = match vendor_for(target, DOC.id) {
        Ok(v) => v,
        Err(reason) => return Verdict::Skip(reason),
    };
    let mut lines = Vec::new();
    let mut fixes = Vec::new();
    for d in dialects(target) {
        let sent: Vec<String> = sent_paths(target, d, &ctx.options.run_id)
            .iter()
            .map(|p| p.to_ascii_lowercase())
            .collect();
        let missing: Vec<_> = vendor
            .required_attributes
            .iter()
            .filter(|a| {
                let p = a.path.to_ascii_lowercase();
                !sent.iter().any(|s| {
                    *s == p || s.starts_with(&format!("{p}.")) || p.starts_with(&format!("{s}."))
                })
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        lines.push(format!(
            "{}: {}",
            d.id,
            missing
                .iter()
                .map(|a| format!("{} (`{}`)", a.label, a.path))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        fixes.extend(
            missing
                .iter()
                .map(|a| d.console.add_mapping.replace("{attribute}", &a.path)),
        );
    }
    if lines.is_empty() {
        Verdict::pass(Vec::new())
    } else {
        Verdict::fail(
            format!(
                "the IdP's create payload carries every attribute {} requires",
                vendor.name
            ),
            format!(
                "required by {} but not sent: {}",
                vendor.name,
                lines.join("; ")
            ),
            Vec::new(),
            Cause::new("scim/required-attribute-missing")
                .detail(format!("In the IdP: {}.", fixes.join("; "))),
        )
    }
}
