//! What a running check can see: the probe, the run's options, and earlier verdicts.

use std::collections::HashMap;
use std::sync::Mutex;
use time::OffsetDateTime;

use super::{Status, Verdict};
use crate::probe::Probe;
use crate::target::Target;

/// Settings of one run that are not about the target itself.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Short id used in test-object names and the cleanup journal.
    pub run_id: String,
    /// Seed for the run's random values (GUIDs in filters); fixed in fixture replay.
    pub seed: u64,
    /// "Now" for expiry arithmetic; fixed in fixture replay.
    pub now: OffsetDateTime,
    /// Only run these check IDs (empty = all that apply).
    pub only: Vec<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        let seed = uuid::Uuid::new_v4().as_u128() as u64;
        RunOptions {
            run_id: format!("{:08x}", seed as u32),
            seed,
            now: OffsetDateTime::now_utc(),
            only: Vec::new(),
        }
    }
}

pub struct RunCtx<'a> {
    pub probe: &'a Probe,
    pub options: &'a RunOptions,
    statuses: &'a Mutex<HashMap<String, Status>>,
    rng: Mutex<u64>,
}

impl<'a> RunCtx<'a> {
    pub fn new(
        probe: &'a Probe,
        options: &'a RunOptions,
        statuses: &'a Mutex<HashMap<String, Status>>,
        salt: u64,
    ) -> RunCtx<'a> {
        RunCtx {
            probe,
            options,
            statuses,
            rng: Mutex::new(options.seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        }
    }

    pub fn target(&self) -> &Target {
        self.probe.target()
    }

    /// Status of a check that already ran in this run.
    pub fn status_of(&self, id: &str) -> Option<Status> {
        self.statuses
            .lock()
            .expect("statuses lock")
            .get(id)
            .copied()
    }

    /// `Some(Blocked)` when a prerequisite check failed or was itself blocked — a later check
    /// cannot say anything true about an endpoint that could not be reached.
    pub fn blocked_by(&self, prerequisites: &[&str]) -> Option<Verdict> {
        prerequisites
            .iter()
            .find_map(|id| match self.status_of(id) {
                Some(Status::Fail) | Some(Status::Blocked) => {
                    Some(Verdict::Blocked((*id).to_string()))
                }
                _ => None,
            })
    }

    /// A random-looking but reproducible UUID (splitmix64 over the run seed).
    pub fn random_uuid(&self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }

    fn next_u64(&self) -> u64 {
        let mut state = self.rng.lock().expect("rng lock");
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
