//! `preflight mapping`: the attribute-mapping plan for an IdP against a live target — every
//! attribute the IdP's default mapping sends on create, kept, removed (the target does not
//! declare it) or added (the target or the vendor requires it), each with the console step;
//! `--mapping FILE` shows which changes an overrides file already makes. Also loads that file
//! for `check --mapping`.
//!
//! Exit codes: 0 nothing left to change, 1 changes are needed in the IdP, 2 bad input,
//! 3 `/Schemas` could not be read.

use clap::Args;
use std::path::Path;
use std::sync::Arc;

use crate::args::NetArgs;
use crate::commands::check::net_config;
use crate::exit;
use crate::token_source;
use preflight_core::dialect;
use preflight_core::mapping::{self, Action, MappingOverrides, MappingPlan, SentOn};
use preflight_core::probe::{LiveTransport, Probe};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target, parse_base_url};
use preflight_core::vendor;

#[derive(Args, Debug)]
pub struct MappingArgs {
    /// SCIM base URL, e.g. https://scim.example.com/scim/v2
    #[arg(long)]
    pub url: String,
    /// The IdP whose default mapping is planned: entra, okta, onelogin or generic.
    #[arg(long, default_value = "generic")]
    pub idp: String,
    /// Plan a specific dialect instead of the IdP's default (repeatable).
    #[arg(long = "dialect")]
    pub dialect: Vec<String>,
    /// A known SCIM target (`preflight vendors`): adds its required attributes.
    #[arg(long)]
    pub vendor: Option<String>,
    /// Overrides file (TOML or JSON: `remove = [...]`, `[add]`) to compare with the plan.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<std::path::PathBuf>,
    /// Read the bearer token from standard input (else PREFLIGHT_TOKEN).
    #[arg(long)]
    pub token_stdin: bool,
    /// Read /Schemas without a credential (targets with public discovery).
    #[arg(long, conflicts_with_all = ["token_stdin", "token_url"])]
    pub no_token: bool,
    /// OAuth 2.0 token endpoint (client credentials; secret from PREFLIGHT_CLIENT_SECRET).
    #[arg(long, requires = "client_id")]
    pub token_url: Option<String>,
    #[arg(long, requires = "token_url")]
    pub client_id: Option<String>,
    #[arg(long, requires = "token_url")]
    pub scope: Option<String>,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub net: NetArgs,
}

/// Read and validate an overrides file; the message names the file and the entry.
pub fn load_overrides(path: &Path) -> Result<MappingOverrides, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("--mapping {}: {e}", path.display()))?;
    MappingOverrides::parse(&text).map_err(|e| format!("--mapping {}: {e}", path.display()))
}

pub async fn run(args: MappingArgs) -> i32 {
    let (target, overrides) = match prepare(&args) {
        Ok(x) => x,
        Err(message) => return exit::usage(message),
    };
    let transport = match LiveTransport::new(&net_config(&args.net)) {
        Ok(t) => Arc::new(t),
        Err(e) => return exit::usage(e),
    };
    let dialects = dialect::selected(&target.dialects, target.idp.as_str());
    let vendor = target.vendor.as_deref().and_then(vendor::find);
    let probe = Probe::new(transport, target, Redactor::new());
    let mut plans = Vec::new();
    for d in dialects {
        plans.push(mapping::plan_live(&probe, d, vendor, overrides.as_ref()).await);
    }
    if args.json {
        match serde_json::to_string_pretty(&plans) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::INCOMPLETE;
            }
        }
    } else {
        for p in &plans {
            print(p);
        }
    }
    if plans.iter().any(|p| !p.schema_readable) {
        eprintln!(
            "warning: /Schemas could not be read with this credential; only the vendor's required attributes were judged"
        );
        return exit::INCOMPLETE;
    }
    if plans.iter().any(|p| p.open_changes().next().is_some()) {
        1
    } else {
        exit::OK
    }
}

fn prepare(args: &MappingArgs) -> Result<(Target, Option<MappingOverrides>), String> {
    let idp: Idp = args.idp.parse().map_err(|e| format!("--idp: {e}"))?;
    for d in &args.dialect {
        if dialect::find(d).is_none() {
            return Err(format!("--dialect: unknown dialect '{d}'"));
        }
    }
    let overrides = args.mapping.as_deref().map(load_overrides).transpose()?;
    let credential = if args.no_token {
        Credential::None
    } else if let Some(token_url) = &args.token_url {
        Credential::ClientCredentials {
            token_url: parse_base_url(token_url).map_err(|e| format!("--token-url: {e}"))?,
            client_id: args.client_id.clone().unwrap_or_default(),
            client_secret: token_source::client_secret()?,
            scope: args.scope.clone(),
        }
    } else {
        Credential::Bearer(
            token_source::bearer_token(args.token_stdin)
                .map_err(|e| format!("{e} (or --no-token to run without one)"))?,
        )
    };
    let mut target = Target::new(&args.url, credential, idp).map_err(|e| format!("--url: {e}"))?;
    target.dialects = args.dialect.clone();
    let target = crate::commands::vendors::apply(target, args.vendor.as_deref())?;
    Ok((target, overrides))
}

fn print(p: &MappingPlan) {
    println!(
        "Attribute mapping for {} ({}){}",
        p.dialect,
        p.idp,
        p.vendor
            .as_deref()
            .map(|v| format!(", vendor {v}"))
            .unwrap_or_default()
    );
    for r in &p.rows {
        let action = match r.action {
            Action::Keep => "keep  ",
            Action::Remove => "REMOVE",
            Action::Add => "ADD   ",
        };
        let done = if r.done_by_overrides {
            "  [done by --mapping]"
        } else {
            ""
        };
        let sent = match r.sent_on.as_slice() {
            [] => String::new(),
            steps => {
                let names: Vec<&str> = steps
                    .iter()
                    .map(|s| match s {
                        SentOn::Create => "create",
                        SentOn::Update => "update",
                    })
                    .collect();
                format!("  (sent on {})", names.join(" and "))
            }
        };
        println!(
            "  {action} {}{sent}{done}\n         {}",
            r.attribute, r.reason
        );
        if let Some(step) = &r.console
            && !r.done_by_overrides
        {
            println!("         In the IdP: {step}");
        }
    }
    let open = p.open_changes().count();
    if open == 0 {
        println!("  Nothing left to change.\n");
    } else {
        println!(
            "  {open} change(s) needed. Try them first: put them in a --mapping file and run `preflight check --write --mapping FILE`.\n"
        );
    }
}
