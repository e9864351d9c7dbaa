//! The command line, per `shared/spec/cli.md`. Credentials are never flags: they come from
//! stdin, the environment, or a profile's keyring entry.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::commands::bundle::BundleArgs;
use crate::commands::oidc::OidcArgs;
use crate::commands::profile::ProfileCommand;
use crate::commands::saml::SamlArgs;

#[derive(Parser, Debug)]
#[command(
    name = "preflight",
    version,
    about = "Prove an IdP → SCIM/SSO setup works before you switch provisioning on."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the checks against a SCIM endpoint (read-only; --write also replays the IdP's provisioning flow).
    Check(CheckArgs),
    /// List every check ID with its title.
    Checks,
    /// Print the long explanation of a check ID or a diagnosis code — or explain an IdP error
    /// (`AADSTS50011`, an Okta/OneLogin message, or a URL with `error=`/`error_description=`).
    Explain {
        /// e.g. `scim/users-filter-eq`, `auth/token-rejected`, `AADSTS50105`, or `quarantine`
        id: String,
        /// With `quarantine`: RFC 3339 time of the first credential failure; prints Entra's
        /// retry dates and the day the job is disabled.
        #[arg(long)]
        since: Option<String>,
        /// With `quarantine`: the SCIM target (`preflight vendors`), for its sync delay.
        #[arg(long)]
        vendor: Option<String>,
    },
    /// Print an IdP's SSO and SCIM setup steps: menu paths, field names, values to enter, and
    /// the checks that prove each step.
    Guide(crate::commands::guide::GuideArgs),
    /// List the known SCIM target vendors (`preflight vendors ID` shows one profile).
    Vendors(crate::commands::vendors::VendorsArgs),
    /// Plan the IdP's attribute mapping against the target's live /Schemas: keep / remove / add.
    Mapping(crate::commands::mapping::MappingArgs),
    /// Check an OpenID Connect / OAuth setup: discovery, issuer, JWKS, token, redirect URI.
    Oidc(OidcArgs),
    /// Check a SAML setup: IdP metadata, signing certificates, SP settings, a captured response.
    Saml(SamlArgs),
    /// Start the built-in test SCIM server and run the checks against it.
    Demo(DemoArgs),
    /// Write a redacted escalation package (zip) from a JSON report, for a support ticket.
    Bundle(BundleArgs),
    /// Remove test objects left behind by `check --write` runs that did not finish (from the journal).
    Cleanup(crate::commands::cleanup::CleanupArgs),
    /// Read-only tenant inventory, streamed page by page: totals, duplicates, data problems.
    Scan(crate::commands::scan::ScanArgs),
    /// Read a browser HAR of a sign-in: the redirect chain, where it breaks, and why.
    Trace(crate::commands::trace::TraceArgs),
    /// Saved targets: settings in a file, secrets in the OS keyring.
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// SCIM base URL, e.g. https://scim.example.com/scim/v2
    #[arg(long, required_unless_present = "profile")]
    pub url: Option<String>,
    /// A saved profile (`preflight profile add`): its URL, IdP and keyring credential.
    /// With `--url` too, that URL replaces the profile's (the spec's synopsis allows both).
    #[arg(long, conflicts_with_all = ["token_url", "no_token"])]
    pub profile: Option<String>,
    /// The IdP whose client you are setting up (its connection test is emulated): entra, okta,
    /// onelogin or generic. Default: the --profile's IdP, else generic.
    #[arg(long)]
    pub idp: Option<String>,
    /// Write mode: create, change and delete `preflight-test-…` objects (journalled before each
    /// create and removed at the end; `preflight cleanup` removes leftovers after a crash).
    #[arg(long)]
    pub write: bool,
    /// IdP dialect to replay in write mode (repeatable): entra-default, entra-aadoptscim062020,
    /// okta-patch, okta-oin, onelogin, generic-rfc7644. Default: the --idp's default dialect.
    #[arg(long = "dialect")]
    pub dialect: Vec<String>,
    /// JSON file with the write-mode test user's attributes (userName, givenName, familyName,
    /// displayName, email, externalId); a userName must start with `preflight-test-`.
    #[arg(long, requires = "write")]
    pub user_file: Option<PathBuf>,
    /// A known SCIM target (`preflight vendors`): validates the URL against its documented
    /// pattern, fills its defaults and adds its `vendor/…` checks.
    #[arg(long)]
    pub vendor: Option<String>,
    /// Attribute-mapping overrides (TOML or JSON: `remove = [...]`, `[add]`), applied to the
    /// payloads `--write` sends and to the mapping checks.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Read the bearer token from standard input (one trailing newline is removed).
    #[arg(long)]
    pub token_stdin: bool,
    /// Run without any credential (only to look at an endpoint's public behaviour).
    #[arg(long, conflicts_with_all = ["token_stdin", "token_url"])]
    pub no_token: bool,
    /// OAuth 2.0 token endpoint for the client-credentials grant; the secret comes from
    /// PREFLIGHT_CLIENT_SECRET.
    #[arg(long, requires = "client_id")]
    pub token_url: Option<String>,
    /// OAuth client ID for --token-url.
    #[arg(long, requires = "token_url")]
    pub client_id: Option<String>,
    /// OAuth scope for --token-url (e.g. `scim.read scim.write`, or `api://…/.default` for Entra).
    #[arg(long, requires = "token_url")]
    pub scope: Option<String>,
    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Args, Debug)]
pub struct NetArgs {
    /// PEM file of extra CA certificates to trust (private CA, TLS inspection).
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Total time limit per request, in seconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Connect time limit per request, in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub connect_timeout: u64,
}

#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run only these check IDs (repeatable).
    #[arg(long = "only")]
    pub only: Vec<String>,
    /// Also write every HTTP exchange of the run (redacted) to this file as HAR 1.2.
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Emulate this IdP's client.
    #[arg(long, default_value = "generic")]
    pub idp: String,
    /// Make the test server misbehave, e.g. `filter-ignored,json-content-type` (see `preflight-testbed --help`).
    #[arg(long, default_value = "")]
    pub quirks: String,
    /// Keep the test server running and print its URL and token, instead of running the checks.
    #[arg(long)]
    pub serve: bool,
    /// Port for the test server (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
    Markdown,
    Html,
}
