//! `preflight vendors [ID]`: the known SCIM target profiles (from `crates/core/vendors/`), and
//! the `--vendor` plumbing of `check`: validate the base URL against the vendor's pattern
//! before anything is sent, and fill the vendor's defaults. Also prints the quarantine and
//! sync-time explainer (`preflight explain quarantine`), which is per vendor.

use clap::Args;

use crate::exit;
use preflight_core::quarantine;
use preflight_core::target::Target;
use preflight_core::vendor::{self, AuthStyle, Vendor};

#[derive(Args, Debug)]
pub struct VendorsArgs {
    /// Show one vendor's full profile (defaults, URL pattern, required attributes, checks, notes).
    pub id: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: VendorsArgs) -> i32 {
    match &args.id {
        None if args.json => print_json(serde_json::to_value(
            vendor::all()
                .iter()
                .map(Vendor::summary_view)
                .collect::<Vec<_>>(),
        )),
        None => {
            for v in vendor::all() {
                println!("{:<10} {}\n           {}", v.id, v.name, v.summary);
            }
            println!(
                "\n`preflight vendors ID` shows one; `preflight check --vendor ID …` uses one."
            );
            exit::OK
        }
        Some(id) => match vendor::lookup(id) {
            Err(e) => exit::usage(e),
            Ok(v) if args.json => print_json(serde_json::to_value(v)),
            Ok(v) => {
                show(v);
                exit::OK
            }
        },
    }
}

fn print_json(value: Result<serde_json::Value, serde_json::Error>) -> i32 {
    match value.and_then(|v| serde_json::to_string_pretty(&v)) {
        Ok(text) => {
            println!("{text}");
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::INCOMPLETE
        }
    }
}

fn style(s: AuthStyle) -> &'static str {
    match s {
        AuthStyle::Bearer => "bearer token",
        AuthStyle::ClientCredentials => "OAuth client credentials",
        AuthStyle::Unknown => "not documented",
    }
}

fn show(v: &Vendor) {
    let unknown = |key: &str| {
        v.unknown
            .get(key)
            .map(|why| format!("unknown ({why})"))
            .unwrap_or_else(|| "—".into())
    };
    println!("{} ({})\n{}\n", v.name, v.id, v.summary);
    println!("auth:            {}", style(v.auth.style));
    if let Some(label) = &v.auth.token_label {
        println!("token is called: {label}");
    }
    if let Some(prefix) = &v.auth.token_prefix {
        println!("token prefix:    {prefix}");
    }
    println!(
        "token endpoint:  {}",
        v.auth
            .token_endpoint
            .clone()
            .unwrap_or_else(|| unknown("auth.token_endpoint"))
    );
    println!(
        "scopes:          {}",
        v.default_scope().unwrap_or_else(|| unknown("auth.scopes"))
    );
    println!(
        "token lifetime:  {}",
        v.auth
            .token_lifetime_days
            .map(|d| format!("{d} days"))
            .unwrap_or_else(|| unknown("auth.token_lifetime_days"))
    );
    println!(
        "sync delay:      {}",
        v.sync_delay_minutes
            .map(|m| format!("{m} minutes"))
            .unwrap_or_else(|| unknown("sync_delay_minutes"))
    );
    match &v.url {
        Some(u) => println!(
            "base URL:        {}\n  e.g.           {}",
            u.pattern, u.example
        ),
        None => println!("base URL:        {}", unknown("url")),
    }
    if v.required_attributes.is_empty() {
        println!("required:        {}", unknown("required_attributes"));
    } else {
        println!("required:");
        for a in &v.required_attributes {
            println!("  {:<16} {}", a.label, a.path);
        }
    }
    if !v.checks.is_empty() {
        println!("extra checks:    {}", v.checks.join(", "));
    }
    if !v.notes.is_empty() {
        println!("\nnotes:");
        for n in &v.notes {
            println!("  - {n}");
        }
    }
    println!("\nsources:");
    for s in &v.sources {
        println!("  {s}");
    }
}

/// `check --vendor`: the URL must fit the vendor's pattern (else exit 2, nothing sent); the
/// vendor's scopes fill an unset `--scope`. A profile's vendor is used when no flag is given.
pub fn apply(mut target: Target, flag: Option<&str>) -> Result<Target, String> {
    let name = match flag {
        Some(n) => n.to_string(),
        None => match &target.vendor {
            Some(n) => n.clone(),
            None => return Ok(target),
        },
    };
    let Some(v) = vendor::find(&name) else {
        if flag.is_none() {
            // A profile may name a vendor Preflight has no profile for; run without one.
            return Ok(target);
        }
        return Err(format!("--vendor: {}", vendor::lookup(&name).unwrap_err()));
    };
    v.validate_url(target.base_url.as_str()).map_err(|p| {
        format!("--url: {p}. Fix the URL, or leave out --vendor to check it as given")
    })?;
    v.fill_default_scope(&mut target.credential);
    target.vendor = Some(v.id.clone());
    Ok(target)
}

/// `preflight explain quarantine --since TIME [--vendor V]`.
pub fn explain_quarantine(since: Option<&str>, vendor_name: Option<&str>) -> i32 {
    let Some(since) = since else {
        return exit::usage(
            "explain quarantine: give --since TIME, the RFC 3339 time of the first credential failure (e.g. 2026-11-20T08:30:00Z)",
        );
    };
    let first = match quarantine::parse_time(since) {
        Ok(t) => t,
        Err(e) => return exit::usage(format!("--since: {e}")),
    };
    let vendor = match vendor_name.map(vendor::lookup).transpose() {
        Ok(v) => v,
        Err(e) => return exit::usage(format!("--vendor: {e}")),
    };
    let t = quarantine::timeline(first, quarantine::now(), vendor);
    println!(
        "Entra provisioning quarantine, first credential failure {}\n",
        t.first_failure
    );
    println!("Retries (6, 12 and 24 hours after the failure, then daily):");
    for r in t.retries.iter().take(5) {
        let mark = if r.past { "done" } else { "next" };
        println!("  {}  +{:>3} h  {mark}", r.at, r.hours_after_failure);
    }
    println!("  … then every 24 hours");
    match &t.next_retry {
        Some(n) => println!("\nNext retry:      {n}"),
        None => println!("\nNo retries left."),
    }
    println!(
        "Job disabled at: {}{}",
        t.disabled_at,
        if t.disabled {
            " (already disabled)"
        } else {
            ""
        }
    );
    if !t.disabled {
        println!("Days left:       {}", t.days_until_disabled);
    }
    println!("\nWhat to do");
    for a in &t.advice {
        println!("  - {a}");
    }
    println!("\nHow long a change takes to show\n  {}", t.sync.note);
    exit::OK
}
