//! One check per flow of each dialect file ("provision on demand" for Entra, "assign user" and
//! "push group" for Okta, …). Docs and IDs come from the data, so adding a dialect file adds
//! its checks without code; the docs are built once and live for the process.

use async_trait::async_trait;
use std::sync::OnceLock;

use super::support::{CREATE_GATE, applies_write};
use crate::check::{Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::TOKEN_GATE;
use crate::dialect::{self, Dialect, Flow};
use crate::target::Target;

pub struct DialectFlow {
    doc: &'static CheckDoc,
    dialect: &'static Dialect,
    flow: &'static Flow,
    tag: String,
}

/// Codes a flow can name: every step's and verify's, de-duplicated.
fn codes(d: &Dialect, f: &Flow) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut add = |c: &str| {
        if let Some(entry) = crate::diagnosis::find(c) {
            let code: &'static str = Box::leak(entry.code.clone().into_boxed_str());
            if !out.contains(&code) {
                out.push(code);
            }
        }
    };
    for s in &f.steps {
        let step = &d.steps[s];
        add(&step.diagnosis);
        if step.diagnosis == "scim/unknown-attribute-rejected" {
            // What `provision::flow` narrows a refused create down to, from the evidence.
            for refined in [
                "scim/uniqueness-not-enforced",
                "scim/required-attribute-missing",
                "scim/email-domain-refused",
                "scim/manager-reference-invalid",
            ] {
                add(refined);
            }
        }
        if let Some(w) = &step.wrong_success {
            add(w);
        }
        if let Some(v) = &step.verify {
            add(&v.diagnosis);
        }
        if step.expect_empty {
            add("scim/filter-ignored");
        }
    }
    out
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// Every flow check of every shipped dialect, in file order.
pub fn all() -> &'static [DialectFlow] {
    static ALL: OnceLock<Vec<DialectFlow>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = Vec::new();
        for d in dialect::all() {
            for (i, f) in d.flow.iter().enumerate() {
                let refs: Vec<&'static str> = f.references.iter().map(|r| leak(r)).collect();
                let doc = Box::leak(Box::new(CheckDoc {
                    id: leak(&f.check_id),
                    title: leak(&f.title),
                    what: leak(&format!("{} Dialect `{}` (crates/core/dialects/{}.toml); runs with `--write` when the dialect is selected.", f.what, d.id, d.id)),
                    why: leak(&f.why),
                    fix: leak(&f.fix),
                    references: Box::leak(refs.into_boxed_slice()),
                    diagnoses: Box::leak(codes(d, f).into_boxed_slice()),
                }));
                out.push(DialectFlow { doc, dialect: d, flow: f, tag: format!("{}-{}", d.id, i + 1) });
            }
        }
        out
    })
}

#[async_trait]
impl Check for DialectFlow {
    fn doc(&self) -> &'static CheckDoc {
        self.doc
    }

    fn applies(&self, target: &Target, _options: &RunOptions) -> Result<(), String> {
        applies_write(target)?;
        let chosen = dialect::selected(&target.dialects, target.idp.as_str());
        if chosen.iter().any(|d| d.id == self.dialect.id) {
            Ok(())
        } else {
            Err(format!(
                "dialect {} not selected (use --dialect {} or --idp {})",
                self.dialect.id, self.dialect.id, self.dialect.idp
            ))
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(b) = ctx.blocked_by(&[TOKEN_GATE]) {
            return b;
        }
        let _ = CREATE_GATE;
        crate::provision::flow::run(ctx, self.dialect, self.flow, &self.tag).await
    }
}
