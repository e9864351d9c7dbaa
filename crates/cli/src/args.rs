//! The command line, per `shared/spec/cli.md`. Credentials are never flags: they come from
//! stdin, the environment, or a profile's keyring entry.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "preflight", version, about = "Prove an IdP → SCIM/SSO setup works before you switch provisioning on.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the checks against a SCIM endpoint (read-only).
    Check(CheckArgs),
    /// List every check ID with its title.
    Checks,
    /// Print the long explanation of a check ID or a diagnosis code.
    Explain {
        /// e.g. `scim/users-filter-eq` or `auth/token-rejected`
        id: String,
    },
    /// Start the built-in test SCIM server and run the checks against it.
    Demo(DemoArgs),
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// SCIM base URL, e.g. https://scim.example.com/scim/v2
    #[arg(long)]
    pub url: String,
    /// The IdP whose client you are setting up (its connection test is emulated).
    #[arg(long, default_value = "generic")]
    pub idp: String,
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
}
