//! One module per subcommand.

pub mod bundle;
mod check;
pub mod cleanup;
mod demo;
mod explain;
pub mod guide;
mod list;
pub mod mapping;
pub mod oidc;
pub mod profile;
mod profile_lint;
mod profile_sign_in;
pub mod saml;
pub mod scan;
pub mod trace;
pub mod vendors;

use crate::args::Command;

pub async fn dispatch(command: Command) -> i32 {
    match command {
        Command::Check(args) => check::run(args).await,
        Command::Checks => list::run(),
        Command::Explain { id, since, vendor } if id.trim() == "quarantine" => {
            vendors::explain_quarantine(since.as_deref(), vendor.as_deref())
        }
        Command::Explain { since: Some(_), .. } => {
            crate::exit::usage("--since and --vendor go with `preflight explain quarantine`")
        }
        Command::Explain { id, .. } => explain::run(&id),
        Command::Guide(args) => guide::run(args),
        Command::Vendors(args) => vendors::run(args),
        Command::Mapping(args) => mapping::run(args).await,
        Command::Demo(args) => demo::run(args).await,
        Command::Oidc(args) => oidc::run(args).await,
        Command::Saml(args) => saml::run(args).await,
        Command::Bundle(args) => bundle::run(args),
        Command::Profile { command } => profile::run(command).await,
        Command::Cleanup(args) => cleanup::run(args).await,
        Command::Scan(args) => scan::run(args).await,
        Command::Trace(args) => trace::run(args).await,
    }
}
