//! Write mode and tenant scan: creating and removing test objects with a crash-safe
//! journal, running a dialect's flows, comparing a dialect's payload with the target's
//! schema, sweeping leftovers, and the streamed read-only inventory.

pub mod cleanup;
pub mod flow;
pub mod journal;
pub mod rehearsal;
pub mod scan;
pub mod schema;
pub mod writer;

pub use journal::{Journal, JournalError, default_dir};
pub use schema::{TargetSchema, payload_paths};
pub use writer::Writer;
