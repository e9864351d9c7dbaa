//! Token lifecycle: how long each profile's credential has left, and the rotation wizard that
//! replaces it without an outage.
//!
//! Everything here takes "now" from a [`Clock`], never from the system directly, so the
//! expiry colours and the rotation timestamps can be tested (and the app run) at a fixed
//! instant — see [`FAKE_NOW_ENV`].

mod clock;
mod expiry;
pub mod rotation;
mod rotation_store;

pub use clock::{Clock, ClockError, FAKE_NOW_ENV};
pub use expiry::{
    CRITICAL_DAYS, ExpiryBand, TokenExpiry, WARN_DAYS, assess, expiry_from_jwt, format_expiry,
};
pub use rotation::{
    ConnectionTest, Rotation, RotationError, RotationStep, StepState, StepView,
    connection_test_checks, provisioning_log_hint,
};
pub use rotation_store::{RotationStore, RotationStoreError, pending_account};
