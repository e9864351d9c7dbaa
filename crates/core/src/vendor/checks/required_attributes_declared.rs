use async_trait::async_trait;

use super::vendor_for;
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::TOKEN_GATE;
use crate::provision::TargetSchema;
use crate::target::Target;

/// The live `/Schemas` declares every attribute the vendor's documentation requires.
pub struct RequiredAttributesDeclared;

static DOC: CheckDoc = CheckDoc {
    id: "vendor/required-attributes-declared",
    title: "/Schemas declares every attribute the vendor requires",
    what: "Reads `/ResourceTypes` and `/Schemas` and looks for each attribute the vendor's profile lists as required \
           (Airia: first name, last name, email, manager, external id). Skipped when `/Schemas` cannot be read.",
    why: "The vendor's documentation and the endpoint you configured should describe the same data model. If a \
          documented required attribute is not even declared, the URL points at another product or version, or the \
          tenant is configured differently — and the IdP mapping you build from the docs will be refused.",
    fix: "Confirm the base URL belongs to the vendor's environment you mean (not a sandbox or another product); if it \
          does, ask the vendor which attributes this tenant expects and map exactly those.",
    references: &[
        "RFC 7643 §7",
        "Airia SSO & SCIM troubleshooting guide: required SCIM attributes",
    ],
    diagnoses: &["scim/schema-mismatch"],
};

#[async_trait]
impl Check for RequiredAttributesDeclared {
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
    let vendor = match vendor_for(ctx.target(), DOC.id) {
        Ok(v) => v,
        Err(reason) => return Verdict::Skip(reason),
    };
    let schema = TargetSchema::load(ctx.probe).await;
    if !schema.readable {
        return Verdict::Skip("/Schemas could not be read; nothing to compare with".into());
    }
    let paths: Vec<String> = vendor
        .required_attributes
        .iter()
        .map(|a| a.path.clone())
        .collect();
    let undeclared = schema.undeclared(&paths);
    if undeclared.is_empty() {
        return Verdict::pass(schema.evidence.clone());
    }
    let labelled: Vec<String> = vendor
        .required_attributes
        .iter()
        .filter(|a| undeclared.contains(&a.path))
        .map(|a| format!("{} (`{}`)", a.label, a.path))
        .collect();
    Verdict::fail(
        format!("/Schemas declares every attribute {} requires", vendor.name),
        format!("not declared: {}", labelled.join(", ")),
        schema.evidence.clone(),
        Cause::new("scim/schema-mismatch").detail(format!(
            "{} documents these as required, but this endpoint does not declare them. Check that the base URL \
             is {}'s SCIM endpoint for your tenant.",
            vendor.name, vendor.name
        )),
    )
}
