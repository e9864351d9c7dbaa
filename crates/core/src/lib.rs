//! preflight-core: the engine behind the Preflight desktop app and CLI.
//!
//! Evidence in, verdicts out: the [`probe`] is the only module that touches the network and
//! records every [`Exchange`]; [`checks`] judge that evidence into verdicts with a
//! [`diagnosis`] code; [`report`] renders one run model into every output format.

pub mod bundle;
pub mod check;
pub mod checks;
pub mod diagnosis;
pub mod dialect;
pub mod engine;
pub mod event;
pub mod exchange;
pub mod federation;
pub mod guide;
pub mod jwt;
pub mod lifecycle;
pub mod mapping;
pub mod probe;
pub mod profile;
pub mod provision;
pub mod quarantine;
pub mod redact;
pub mod report;
pub mod scim;
pub mod secret;
pub mod secrets;
pub mod target;
pub mod trace;
pub mod vendor;

pub use check::{Check, CheckDoc, RunOptions, Status, Verdict};
pub use exchange::Exchange;
pub use report::Report;
pub use secret::Secret;
pub use target::{Credential, Idp, Target};
