//! `preflight guide --idp entra|okta|onelogin`: the IdP's SSO and SCIM setup, step by step,
//! with the console's menu paths and field names and the values filled in from a profile or
//! the flags. Secrets are never printed: the guide says which vendor value to paste.

use clap::Args;

use crate::exit;
use preflight_core::guide::{self, FilledGuide, GuideVars, Part};
use preflight_core::profile::ProfileStore;
use preflight_core::target::parse_base_url;
use preflight_core::vendor;

#[derive(Args, Debug)]
pub struct GuideArgs {
    /// The IdP to set up: entra, okta or onelogin.
    #[arg(long)]
    pub idp: String,
    /// Fill the values from a saved profile (URL, name, OAuth client, vendor).
    #[arg(long, conflicts_with = "url")]
    pub profile: Option<String>,
    /// The SCIM base URL to fill in.
    #[arg(long)]
    pub url: Option<String>,
    /// A known SCIM target (`preflight vendors`): its token endpoint, scopes and labels.
    #[arg(long)]
    pub vendor: Option<String>,
    /// The app's SAML Assertion Consumer Service URL (from the vendor).
    #[arg(long)]
    pub acs_url: Option<String>,
    /// The app's SAML entity ID (from the vendor).
    #[arg(long)]
    pub sp_entity_id: Option<String>,
    /// The app's OIDC redirect URI (from the vendor).
    #[arg(long)]
    pub redirect_uri: Option<String>,
    /// Only the single sign-on steps or only the provisioning steps.
    #[arg(long, value_parser = ["sso", "scim"])]
    pub part: Option<String>,
    /// Print the filled guide as JSON (the shape the app shows).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: GuideArgs) -> i32 {
    match filled(&args) {
        Ok(g) if args.json => match serde_json::to_string_pretty(&g) {
            Ok(text) => {
                println!("{text}");
                exit::OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit::INCOMPLETE
            }
        },
        Ok(g) => {
            print(&g);
            exit::OK
        }
        Err(message) => exit::usage(message),
    }
}

fn filled(args: &GuideArgs) -> Result<FilledGuide, String> {
    let g = guide::find(&args.idp).ok_or_else(|| {
        let known: Vec<&str> = guide::all().iter().map(|g| g.idp.as_str()).collect();
        format!(
            "--idp: no guide for '{}' (guides: {})",
            args.idp,
            known.join(", ")
        )
    })?;
    let mut vendor_name = args.vendor.clone();
    let mut vars = match &args.profile {
        Some(id) => {
            let store = ProfileStore::open_default().map_err(|e| format!("--profile: {e}"))?;
            let loaded = store.get(id).map_err(|e| format!("--profile: {e}"))?;
            if vendor_name.is_none() {
                vendor_name = loaded.value.vendor.clone();
            }
            GuideVars::from_profile(&loaded.value)
        }
        None => GuideVars::new(),
    };
    if let Some(url) = &args.url {
        let url = parse_base_url(url).map_err(|e| format!("--url: {e}"))?;
        vars.set("scim_base_url", url.as_str());
    }
    for (name, value) in [
        ("acs_url", &args.acs_url),
        ("sp_entity_id", &args.sp_entity_id),
        ("redirect_uri", &args.redirect_uri),
    ] {
        if let Some(v) = value {
            vars.set(name, v);
        }
    }
    if let Some(name) = &vendor_name {
        let v = vendor::lookup(name).map_err(|e| format!("--vendor: {e}"))?;
        if let Some(url) = vars.get("scim_base_url") {
            v.validate_url(url).map_err(|p| format!("--url: {p}"))?;
        }
        vars = vars.with_vendor(v);
    }
    let mut filled = guide::fill(g, &vars);
    if let Some(part) = &args.part {
        let want = if part == "sso" { Part::Sso } else { Part::Scim };
        filled.steps.retain(|s| s.part == want);
        filled.logs.retain(|l| l.part == want);
    }
    Ok(filled)
}

fn print(g: &FilledGuide) {
    println!("{} — single sign-on and provisioning\n", g.name);
    println!("{}\n", g.intro);
    let mut part = None;
    for s in &g.steps {
        if part != Some(s.part) {
            part = Some(s.part);
            println!(
                "{}\n",
                match s.part {
                    Part::Sso => "== Single sign-on ==",
                    Part::Scim => "== Provisioning (SCIM) ==",
                }
            );
        }
        println!("{}. {}", s.number, s.title);
        println!("   Where: {}", s.menu);
        println!("   {}", s.instructions);
        for f in &s.fields {
            println!("   • {}: {}", f.name, f.value);
        }
        for w in &s.warnings {
            println!("   ! {w}");
        }
        if !s.checks.is_empty() {
            println!("   Proved by: {}", s.checks.join(", "));
        }
        if !s.explain.is_empty() {
            println!(
                "   If it fails: {}",
                s.explain
                    .iter()
                    .map(|c| format!("preflight explain \"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        println!();
    }
    println!("Where to look afterwards");
    for l in &g.logs {
        println!(
            "   {}: {} — {}",
            if l.part == Part::Sso {
                "sign-in"
            } else {
                "provisioning"
            },
            l.menu,
            l.shows
        );
    }
    if !g.missing.is_empty() {
        println!("\nNot filled in (pass them as flags or save them in a profile):");
        for (name, what) in &g.missing {
            println!("   <{name}>: {what}");
        }
    }
}
