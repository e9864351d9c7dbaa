//! The rotation wizard's state machine: replace a profile's credential in the safe order
//! that never leaves the IdP without a working token.
//!
//! 1. **Create the new token** in the target's admin portal (it is stored in the keyring as
//!    the *pending* secret; the old one stays where it is).
//! 2. **Update the IdP** with the new token (the admin confirms).
//! 3. **Run the connection test with the new token**. Only a pass moves on; the caller then
//!    promotes the pending secret over the old one in the keyring.
//! 4. **Verify a real provisioning event** in the IdP's provisioning logs (the admin confirms).
//! 5. **Revoke the old token** in the target's portal.
//!
//! Each step needs the ones before it. The rule that matters most — never "revoke old" before
//! the new token passed the connection test — is enforced here, not in the UI.

use serde::{Deserialize, Serialize};

use super::Clock;
use crate::check::Status;
use crate::profile::ProfileId;
use crate::report::Report;
use crate::target::Idp;

/// The five steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RotationStep {
    CreateNew,
    UpdateIdp,
    ConnectionTest,
    VerifyProvisioning,
    RevokeOld,
}

impl RotationStep {
    pub const ALL: [RotationStep; 5] = [
        RotationStep::CreateNew,
        RotationStep::UpdateIdp,
        RotationStep::ConnectionTest,
        RotationStep::VerifyProvisioning,
        RotationStep::RevokeOld,
    ];

    pub fn title(self) -> &'static str {
        match self {
            RotationStep::CreateNew => "Create the new token",
            RotationStep::UpdateIdp => "Put the new token into the identity provider",
            RotationStep::ConnectionTest => "Run the connection test with the new token",
            RotationStep::VerifyProvisioning => "Verify a real provisioning event",
            RotationStep::RevokeOld => "Revoke the old token",
        }
    }
}

/// The outcome of one connection test run with the pending (new) secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionTest {
    /// RFC 3339.
    pub at: String,
    pub passed: bool,
    /// The checks that did not pass, `id: status`, so the admin sees what to fix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// The checks that make up "the connection test" for `idp`: the endpoint answers and takes the
/// credential, then the request the IdP's own test button sends. Client-credentials targets
/// also need a token from the token endpoint.
pub fn connection_test_checks(idp: Idp, client_credentials: bool) -> Vec<&'static str> {
    let mut ids = Vec::new();
    if client_credentials {
        ids.push("auth/client-credentials-grant");
    }
    ids.extend(["scim/endpoint-reachable", "auth/users-accepts-token"]);
    ids.push(match idp {
        Idp::Entra => "entra/test-connection",
        Idp::Okta => "okta/test-api-credentials",
        Idp::Onelogin => "onelogin/test-connection",
        Idp::Generic => "scim/users-filter-no-match",
    });
    ids
}

impl ConnectionTest {
    /// Judge a run of [`connection_test_checks`]: it passed only when every expected check
    /// ran and passed (a warning is a pass); a missing, skipped, blocked or failed one is not.
    pub fn from_report(report: &Report, expected: &[&str], clock: Clock) -> ConnectionTest {
        let mut problems = Vec::new();
        for id in expected {
            match report.checks.iter().find(|c| c.id == *id) {
                Some(c) if matches!(c.status, Status::Pass | Status::Warn) => {}
                Some(c) => problems.push(format!("{}: {}", c.id, c.status.as_str())),
                None => problems.push(format!("{id}: did not run")),
            }
        }
        ConnectionTest {
            at: clock.now_rfc3339(),
            passed: problems.is_empty() && !expected.is_empty(),
            problems,
        }
    }
}

/// Why a step cannot be marked. Every message says what to do first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RotationError {
    #[error("{} first: {}", .needed.title(), needed_hint(*.needed))]
    StepNotReady {
        step: RotationStep,
        needed: RotationStep,
    },
    #[error(
        "the old token cannot be revoked yet: the connection test with the new token has not passed. \
         Run the connection test (step 3) and fix what it reports; revoking now would cut provisioning off"
    )]
    NewTokenNotTested,
    #[error(
        "the new token already passed the connection test and replaced the old one in the keyring; \
         finish this rotation (or start a new one) instead of pasting another token"
    )]
    AlreadyPromoted,
    #[error("this rotation is finished; start a new one to rotate again")]
    Finished,
}

fn needed_hint(step: RotationStep) -> &'static str {
    match step {
        RotationStep::CreateNew => "paste the new token from the target's admin portal",
        RotationStep::UpdateIdp => "confirm that the IdP now holds the new token",
        RotationStep::ConnectionTest => {
            "run the connection test with the new token until it passes"
        }
        RotationStep::VerifyProvisioning => {
            "confirm that the IdP's provisioning log shows a successful event after the change"
        }
        RotationStep::RevokeOld => "revoke the old token",
    }
}

/// One rotation of one profile's credential, as persisted beside `profiles.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rotation {
    pub profile_id: ProfileId,
    pub started_at: String,
    /// When the new secret was stored as pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_secret_at: Option<String>,
    /// The new secret's expiry (entered, from its JWT `exp`, or the vendor default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_expires_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_updated_at: Option<String>,
    /// The latest connection test with the current pending secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_test: Option<ConnectionTest>,
    /// When the new secret replaced the old one in the keyring (right after a passing test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_verified_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_revoked_at: Option<String>,
}

/// A step as the wizard shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Done,
    /// The next step to do.
    Current,
    /// Needs an earlier step first.
    Locked,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepView {
    pub step: RotationStep,
    pub title: &'static str,
    pub state: StepState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_at: Option<String>,
}

impl Rotation {
    pub fn start(profile_id: ProfileId, clock: Clock) -> Rotation {
        Rotation {
            profile_id,
            started_at: clock.now_rfc3339(),
            new_secret_at: None,
            new_expires_at: None,
            idp_updated_at: None,
            connection_test: None,
            promoted_at: None,
            provisioning_verified_at: None,
            old_revoked_at: None,
        }
    }

    fn done_at(&self, step: RotationStep) -> Option<&str> {
        match step {
            RotationStep::CreateNew => self.new_secret_at.as_deref(),
            RotationStep::UpdateIdp => self.idp_updated_at.as_deref(),
            RotationStep::ConnectionTest => self
                .connection_test
                .as_ref()
                .filter(|t| t.passed)
                .map(|t| t.at.as_str()),
            RotationStep::VerifyProvisioning => self.provisioning_verified_at.as_deref(),
            RotationStep::RevokeOld => self.old_revoked_at.as_deref(),
        }
    }

    /// The first step not done yet; `None` when the rotation is finished.
    pub fn next_step(&self) -> Option<RotationStep> {
        RotationStep::ALL
            .into_iter()
            .find(|s| self.done_at(*s).is_none())
    }

    pub fn is_finished(&self) -> bool {
        self.next_step().is_none()
    }

    /// Whether the new secret passed the connection test (so "revoke old" may be marked).
    pub fn new_secret_passed(&self) -> bool {
        self.done_at(RotationStep::ConnectionTest).is_some()
    }

    pub fn steps(&self) -> Vec<StepView> {
        let next = self.next_step();
        RotationStep::ALL
            .into_iter()
            .map(|step| StepView {
                step,
                title: step.title(),
                state: match self.done_at(step) {
                    Some(_) => StepState::Done,
                    None if Some(step) == next => StepState::Current,
                    None => StepState::Locked,
                },
                done_at: self.done_at(step).map(str::to_string),
            })
            .collect()
    }

    /// `step` may be marked only when every step before it is done.
    fn require_before(&self, step: RotationStep) -> Result<(), RotationError> {
        if self.old_revoked_at.is_some() {
            return Err(RotationError::Finished);
        }
        match RotationStep::ALL
            .into_iter()
            .take_while(|s| *s < step)
            .find(|s| self.done_at(*s).is_none())
        {
            Some(needed) => Err(RotationError::StepNotReady { step, needed }),
            None => Ok(()),
        }
    }

    /// Step 1: a new secret was stored as pending. Pasting another one before the test passed
    /// starts the later steps over, because they were done with a different token.
    pub fn record_new_secret(
        &mut self,
        expires_at: Option<String>,
        clock: Clock,
    ) -> Result<(), RotationError> {
        if self.old_revoked_at.is_some() {
            return Err(RotationError::Finished);
        }
        if self.promoted_at.is_some() {
            return Err(RotationError::AlreadyPromoted);
        }
        self.new_secret_at = Some(clock.now_rfc3339());
        self.new_expires_at = expires_at;
        self.idp_updated_at = None;
        self.connection_test = None;
        self.provisioning_verified_at = None;
        Ok(())
    }

    /// Step 2: the admin confirms the IdP holds the new secret.
    pub fn confirm_idp_updated(&mut self, clock: Clock) -> Result<(), RotationError> {
        self.require_before(RotationStep::UpdateIdp)?;
        self.idp_updated_at = Some(clock.now_rfc3339());
        Ok(())
    }

    /// Step 3: the outcome of a connection test with the pending secret. A failure is
    /// recorded too (the wizard shows it); only a pass completes the step. Returns whether the
    /// caller must now promote the pending secret over the old one.
    pub fn record_connection_test(&mut self, test: ConnectionTest) -> Result<bool, RotationError> {
        self.require_before(RotationStep::ConnectionTest)?;
        if self.promoted_at.is_some() {
            // Already promoted: a re-run is informative only and never demotes the secret.
            if test.passed {
                self.connection_test = Some(test);
            }
            return Ok(false);
        }
        let passed = test.passed;
        self.connection_test = Some(test);
        Ok(passed)
    }

    /// The pending secret replaced the old one in the keyring.
    pub fn mark_promoted(&mut self, clock: Clock) -> Result<(), RotationError> {
        if !self.new_secret_passed() {
            return Err(RotationError::NewTokenNotTested);
        }
        self.promoted_at = Some(clock.now_rfc3339());
        Ok(())
    }

    /// Step 4: the admin saw a successful provisioning event in the IdP's logs.
    pub fn confirm_provisioning(&mut self, clock: Clock) -> Result<(), RotationError> {
        self.require_before(RotationStep::VerifyProvisioning)?;
        self.provisioning_verified_at = Some(clock.now_rfc3339());
        Ok(())
    }

    /// Step 5: the admin revoked the old token. Refused unless the new one passed the
    /// connection test — whatever the UI shows.
    pub fn confirm_old_revoked(&mut self, clock: Clock) -> Result<(), RotationError> {
        if self.old_revoked_at.is_some() {
            return Err(RotationError::Finished);
        }
        if !self.new_secret_passed() {
            return Err(RotationError::NewTokenNotTested);
        }
        self.require_before(RotationStep::RevokeOld)?;
        self.old_revoked_at = Some(clock.now_rfc3339());
        Ok(())
    }
}

/// Where the admin looks for the provisioning event of step 4, per IdP.
pub fn provisioning_log_hint(idp: Idp) -> &'static str {
    match idp {
        Idp::Entra => {
            "Entra admin center → Enterprise applications → your app → Provisioning → Provisioning logs: \
             an entry after the token change with Status Success (or use Provision on demand for one user)"
        }
        Idp::Okta => {
            "Okta Admin Console → Reports → System Log: filter on the app and look for a successful \
             provisioning event (e.g. an assigned user pushed) after the token change"
        }
        Idp::Onelogin => {
            "OneLogin → Activity → Events (or the app's Provisioning tab): a successful user create or \
             update after the token change"
        }
        Idp::Generic => {
            "your provisioning client's log: a successful create or update sent after the token change"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn clock() -> Clock {
        Clock::Fixed(datetime!(2026-05-01 12:00 UTC))
    }

    fn rotation() -> Rotation {
        Rotation::start(ProfileId::parse("acme").unwrap(), clock())
    }

    fn passed() -> ConnectionTest {
        ConnectionTest {
            at: "2026-05-01T12:00:00Z".into(),
            passed: true,
            problems: vec![],
        }
    }

    fn failed() -> ConnectionTest {
        ConnectionTest {
            at: "2026-05-01T12:00:00Z".into(),
            passed: false,
            problems: vec!["auth/users-accepts-token: fail".into()],
        }
    }

    #[test]
    fn the_five_steps_in_order_finish_the_rotation() {
        let mut r = rotation();
        assert_eq!(r.next_step(), Some(RotationStep::CreateNew));
        r.record_new_secret(Some("2026-11-01T00:00:00Z".into()), clock())
            .unwrap();
        r.confirm_idp_updated(clock()).unwrap();
        assert!(r.record_connection_test(passed()).unwrap(), "promote now");
        r.mark_promoted(clock()).unwrap();
        r.confirm_provisioning(clock()).unwrap();
        r.confirm_old_revoked(clock()).unwrap();
        assert!(r.is_finished());
        assert!(r.steps().iter().all(|s| s.state == StepState::Done));
        assert_eq!(
            r.confirm_old_revoked(clock()).unwrap_err(),
            RotationError::Finished
        );
    }

    #[test]
    fn revoke_old_is_refused_before_the_new_token_passed() {
        let mut r = rotation();
        assert_eq!(
            r.confirm_old_revoked(clock()).unwrap_err(),
            RotationError::NewTokenNotTested
        );
        r.record_new_secret(None, clock()).unwrap();
        r.confirm_idp_updated(clock()).unwrap();
        assert!(!r.record_connection_test(failed()).unwrap(), "no promotion");
        assert_eq!(
            r.confirm_old_revoked(clock()).unwrap_err(),
            RotationError::NewTokenNotTested
        );
        assert!(r.mark_promoted(clock()).is_err());
        assert_eq!(r.next_step(), Some(RotationStep::ConnectionTest));
        let view = r.steps();
        assert_eq!(view[2].state, StepState::Current);
        assert_eq!(view[4].state, StepState::Locked);
        // Even with provisioning confirmed out of order, revoke stays refused.
        assert!(r.confirm_provisioning(clock()).is_err());
        assert!(r.old_revoked_at.is_none());
    }

    #[test]
    fn steps_need_the_ones_before_them() {
        let mut r = rotation();
        let e = r.confirm_idp_updated(clock()).unwrap_err();
        assert_eq!(
            e,
            RotationError::StepNotReady {
                step: RotationStep::UpdateIdp,
                needed: RotationStep::CreateNew
            }
        );
        assert!(e.to_string().contains("paste the new token"), "{e}");
        r.record_new_secret(None, clock()).unwrap();
        assert!(r.record_connection_test(passed()).is_err(), "IdP first");
        r.confirm_idp_updated(clock()).unwrap();
        r.record_connection_test(passed()).unwrap();
        r.mark_promoted(clock()).unwrap();
        // The test passed, but step 4 is still needed before revoking.
        let e = r.confirm_old_revoked(clock()).unwrap_err();
        assert!(matches!(
            e,
            RotationError::StepNotReady {
                needed: RotationStep::VerifyProvisioning,
                ..
            }
        ));
    }

    #[test]
    fn a_new_paste_before_the_test_restarts_later_steps_and_after_promotion_is_refused() {
        let mut r = rotation();
        r.record_new_secret(None, clock()).unwrap();
        r.confirm_idp_updated(clock()).unwrap();
        r.record_connection_test(failed()).unwrap();
        r.record_new_secret(None, clock()).unwrap();
        assert!(r.idp_updated_at.is_none() && r.connection_test.is_none());
        r.confirm_idp_updated(clock()).unwrap();
        r.record_connection_test(passed()).unwrap();
        r.mark_promoted(clock()).unwrap();
        assert_eq!(
            r.record_new_secret(None, clock()).unwrap_err(),
            RotationError::AlreadyPromoted
        );
        // A failing re-run after promotion does not undo the passed step.
        assert!(!r.record_connection_test(failed()).unwrap());
        assert!(r.new_secret_passed());
    }

    fn report(statuses: &[(&str, &str)]) -> Report {
        let checks: Vec<serde_json::Value> = statuses
            .iter()
            .map(|(id, status)| {
                serde_json::json!({"id": id, "title": id, "status": status, "duration_ms": 1})
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "schema_version": 1, "tool": {"name": "preflight", "version": "0"},
            "target": {"base_url": "https://x/scim/v2", "idp": "entra", "dialects": [], "write": false, "auth": "bearer"},
            "started_at": "2026-05-01T12:00:00Z", "duration_ms": 1, "summary": {"passed": 0, "failed": 0, "warned": 0, "skipped": 0, "blocked": 0},
            "checks": checks, "diagnoses": [], "exchanges": []
        }))
        .unwrap()
    }

    #[test]
    fn a_connection_test_passes_only_when_every_expected_check_passed_or_warned() {
        let expected = connection_test_checks(Idp::Entra, false);
        let all = |status: &str| -> Vec<(&str, String)> {
            expected
                .iter()
                .map(|id| (*id, status.to_string()))
                .collect()
        };
        let judge = |rows: Vec<(&str, String)>| {
            let rows: Vec<(&str, &str)> = rows.iter().map(|(i, s)| (*i, s.as_str())).collect();
            ConnectionTest::from_report(&report(&rows), &expected, clock())
        };
        assert!(judge(all("pass")).passed);
        assert!(
            judge(all("warn")).passed,
            "a warning is still a working connection"
        );
        for bad in ["fail", "skip", "blocked"] {
            let t = judge(all(bad));
            assert!(!t.passed, "{bad}");
            assert_eq!(t.problems.len(), expected.len());
        }
        // A cancelled or partial run that never reached the IdP's own test does not pass.
        let partial: Vec<(&str, String)> = all("pass").into_iter().take(2).collect();
        let t = judge(partial);
        assert!(!t.passed);
        assert_eq!(t.problems, ["entra/test-connection: did not run"]);
        assert!(!ConnectionTest::from_report(&report(&[]), &[], clock()).passed);
    }

    #[test]
    fn connection_test_checks_per_idp() {
        assert_eq!(
            connection_test_checks(Idp::Entra, false),
            [
                "scim/endpoint-reachable",
                "auth/users-accepts-token",
                "entra/test-connection"
            ]
        );
        assert_eq!(
            connection_test_checks(Idp::Okta, true)[0],
            "auth/client-credentials-grant"
        );
        for idp in Idp::ALL {
            for id in connection_test_checks(idp, true) {
                assert!(
                    crate::checks::read_only().iter().any(|c| c.doc().id == id),
                    "{id} is a read-only check"
                );
            }
            assert!(!provisioning_log_hint(idp).is_empty());
        }
    }
}
