//! Fixtures of the Attribute mapping and Quarantine screens for the IPC drift guard (see
//! `ipc_fixtures.rs`). The values come from the real code paths — the core planner over an
//! unreadable schema with the Airia vendor (keep and add rows, one add already done by an
//! overrides file), the TOML builder, and the quarantine view at a fixed clock — with every
//! optional field set.

use super::ts_const;
use crate::commands::mapping::{MappingView, overrides_toml};
use crate::commands::quarantine::view;
use preflight_core::event::ExchangeSummary;
use preflight_core::lifecycle::Clock;
use preflight_core::mapping::{self, MappingOverrides};
use preflight_core::provision::TargetSchema;
use preflight_core::{dialect, vendor};

const MANAGER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";

pub fn render() -> String {
    let mut out = String::from(
        "import type { MappingView, OverridesText, QuarantineView } from './types';\n\n",
    );
    let d = dialect::find("entra-default").expect("entra dialect");
    let done = MappingOverrides::parse(&format!("[add]\n\"{MANAGER}\" = {{ value = \"m\" }}\n"))
        .expect("overrides");
    let plan = mapping::plan(
        d,
        &TargetSchema::default(),
        vendor::find("airia"),
        Some(&done),
    );
    out += &ts_const(
        "mappingView",
        "MappingView",
        &MappingView {
            plan,
            dialect_title: d.title.clone(),
            reads: vec![ExchangeSummary {
                id: "x1".into(),
                method: "GET".into(),
                url: "https://scim.example.com/scim/v2/Schemas".into(),
                status: Some(401),
                failure: Some("net/timeout: timed out".into()),
                ms: 4,
            }],
            problem: Some("refused the credential".into()),
        },
    );
    out += &ts_const(
        "overridesText",
        "OverridesText",
        &overrides_toml(&["roles".into()], &[MANAGER.into()]).expect("toml"),
    );
    out += &ts_const(
        "quarantineView",
        "QuarantineView",
        &view(
            Some("2026-11-20T08:30:00Z"),
            Some("airia"),
            Clock::parse_fixed("2026-11-21T09:00:00Z").expect("clock"),
        )
        .expect("view"),
    );
    out
}
