use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;
use crate::trace::routing::{RoutingKey, lint};

/// No two saved profiles share an app display name, client ID, target tenant or redirect URI.
/// `preflight profile lint` and `preflight trace --profile` run it over every saved profile; the listed instance has none.
pub struct TenantRoutingUnique {
    keys: Option<Vec<RoutingKey>>,
}

pub static LISTED: TenantRoutingUnique = TenantRoutingUnique { keys: None };

static DOC: CheckDoc = CheckDoc {
    id: "sso/tenant-routing-unique",
    title: "Saved profiles route to distinct tenants",
    what: "Compares every saved profile's display name (case-insensitive), OAuth client ID, target tenant (the SCIM base \
           URL) and redirect URIs, and flags values that two or more profiles share.",
    why: "When several tenants are managed side by side, two SSO apps with the same display name or tenant identifier \
          send users and provisioning jobs to the wrong tenant; the generated redirect URL depends on them. The \
          symptom is a 503 or a redirect loop that looks like a redirect URI problem.",
    fix: "Give each tenant's SSO app a unique display name and make sure each profile names its own tenant and client \
          ID; remove or rename the duplicate profile.",
    references: &[
        "https://explore.airia.com/contact-us/sso-troubleshooting-guide (Unique Tenant Routing)",
    ],
    diagnoses: &["sso/tenant-routing"],
};

impl TenantRoutingUnique {
    pub fn over(keys: Vec<RoutingKey>) -> TenantRoutingUnique {
        TenantRoutingUnique { keys: Some(keys) }
    }
}

#[async_trait]
impl Check for TenantRoutingUnique {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, _: &Target, _: &RunOptions) -> Result<(), String> {
        match self.keys {
            Some(_) => Ok(()),
            None => Err("runs over saved profiles: `preflight profile lint`, or `preflight trace --profile NAME`".into()),
        }
    }

    async fn run(&self, _: &RunCtx<'_>) -> Verdict {
        let keys = self.keys.as_deref().unwrap_or_default();
        let clashes = lint(keys);
        if clashes.is_empty() {
            return Verdict::pass_with_note(
                Vec::new(),
                format!(
                    "{} profile(s), no shared display name, client ID, tenant or redirect URI",
                    keys.len()
                ),
            );
        }
        let list: Vec<String> = clashes
            .iter()
            .map(|c| {
                format!(
                    "{} `{}` is shared by {}",
                    c.field,
                    c.value,
                    c.profiles.join(", ")
                )
            })
            .collect();
        Verdict::warn(
            "each profile has its own display name, client ID, tenant and redirect URIs",
            list.join("; "),
            Vec::new(),
            Cause::new("sso/tenant-routing"),
        )
    }
}
