//! How each step stands, derived once from the state: the step bar, the
//! Done screen and the checklist's summary read these, so no screen says
//! what another contradicts.

use super::{Busy, CallError, SendResult, Step, Task, Wizard};
use crate::doctor::Status;
use crate::settings::Source;

/// How a step stands, for the step bar and the Done screen (one source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    Current,
    Done,
    Failed,
    /// Passed without being done (a failed test skipped, no tenant check).
    Skipped,
    Pending,
}

/// Where the provider's secrets are, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SecretsAt {
    /// How many of the provider's secret settings have a value.
    pub(crate) present: usize,
    pub(crate) total: usize,
    /// Places, in words: "the OS keyring", "memory (this session only)",
    /// "the environment (SMS_MFA_…)", "the sandbox's simulation".
    pub(crate) places: Vec<String>,
    /// The keyring could not be asked: unknown.
    pub(crate) unknown: bool,
}

impl Wizard {
    /// The step bar's mark for `step`.
    pub(crate) fn step_mark(&self, step: Step) -> Mark {
        if step == self.step {
            return Mark::Current;
        }
        // Passed: the user went past it (not a detour to the checklist).
        let passed = self.reached > step;
        match step {
            Step::Provider => {
                if self.provider().is_some() {
                    Mark::Done
                } else {
                    Mark::Pending
                }
            }
            Step::Secrets => {
                if self.credentials_failed() {
                    Mark::Failed
                } else if self.settings_complete() {
                    Mark::Done
                } else if self.loading_settings() || !passed || self.provider().is_none() {
                    Mark::Pending
                } else {
                    Mark::Failed
                }
            }
            Step::TestMessage => match self.test_outcome() {
                Some(true) => Mark::Done,
                Some(false) => Mark::Failed,
                None if passed => Mark::Skipped,
                None => Mark::Pending,
            },
            Step::Tenant => match self.tenant_outcome() {
                Some(Status::Pass) => Mark::Done,
                Some(Status::Fail) => Mark::Failed,
                Some(_) => Mark::Skipped,
                None if passed => Mark::Skipped,
                None => Mark::Pending,
            },
            Step::Checklist => {
                if !self.doctor.finished || self.doctor.running.is_some() {
                    return if passed { Mark::Skipped } else { Mark::Pending };
                }
                let checks = self.checks();
                if checks.iter().any(|c| c.status == Status::Fail) {
                    Mark::Failed
                } else {
                    Mark::Done
                }
            }
            Step::Done => Mark::Pending,
        }
    }

    /// The keyring is being asked about the provider's settings.
    pub(crate) fn loading_settings(&self) -> bool {
        matches!(
            self.busy,
            Some(Busy {
                task: Task::Loading,
                ..
            })
        )
    }

    /// The provider refused the credentials (the last check, this provider).
    pub(crate) fn credentials_failed(&self) -> bool {
        let Some(p) = self.provider() else {
            return false;
        };
        match &self.credentials {
            Some(c) if c.provider == p.id => match &c.result {
                Ok(r) => !r.usable,
                Err(CallError::Failed(f)) => {
                    f.class == crate::providers::outcome::ErrorClass::Authentication
                }
                Err(CallError::Setup(_)) => false,
            },
            _ => false,
        }
    }

    /// The test message this session: accepted and not reported failed
    /// (true), failed (false), none (None).
    pub(crate) fn test_outcome(&self) -> Option<bool> {
        match self.test.result.as_ref()? {
            SendResult::Accepted { deliveries, .. } => {
                Some(!deliveries.last().is_some_and(|d| d.final_ && !d.delivered))
            }
            SendResult::Failed(_) => Some(false),
        }
    }

    /// The tenant, as step 4 found it, or else as the checklist's tenant
    /// checks did: Pass (every check passed), Fail (a problem), Error or
    /// Skipped (some could not run), None (not checked).
    pub(crate) fn tenant_outcome(&self) -> Option<Status> {
        use crate::auth0::inspect::Status as S;
        if let Some(r) = &self.tenant.report {
            return Some(match r {
                Err(_) => Status::Error,
                Ok(r) if r.findings.iter().any(|f| f.status == S::Fail) => Status::Fail,
                Ok(r) if r.findings.iter().all(|f| f.status == S::Pass) => Status::Pass,
                Ok(_) => Status::Skipped,
            });
        }
        if !self.doctor.finished {
            return None;
        }
        let ids = crate::doctor::tenant_ids();
        let tenant: Vec<Status> = self
            .doctor
            .found
            .iter()
            .filter(|f| ids.contains(&f.id))
            .map(|f| f.status)
            .collect();
        if tenant.is_empty() || tenant.iter().all(|s| *s == Status::Skipped) {
            None
        } else if tenant.contains(&Status::Fail) {
            Some(Status::Fail)
        } else if tenant.iter().all(|s| *s == Status::Pass) {
            Some(Status::Pass)
        } else {
            Some(Status::Skipped)
        }
    }

    /// Where the provider's secrets are: the same state step 2 shows.
    pub(crate) fn secrets_at(&self) -> Option<SecretsAt> {
        let (p, form) = (self.provider()?, self.form.as_ref()?);
        let mut at = SecretsAt {
            present: 0,
            total: 0,
            places: Vec::new(),
            unknown: false,
        };
        let mut add = |place: String| {
            if !at.places.contains(&place) {
                at.places.push(place);
            }
        };
        for (i, s) in p.settings.iter().enumerate() {
            if !s.secret {
                continue;
            }
            at.total += 1;
            match form.stored[i].source {
                Source::Keyring if self.is_kept(&p.id, &s.name) => {
                    at.present += 1;
                    add("memory (this session only)".to_string());
                }
                Source::Keyring => {
                    at.present += 1;
                    add(match &self.sandbox {
                        Some(sb) if sb.memory_only.is_some() => {
                            "memory (this session only)".to_string()
                        }
                        Some(_) => format!(
                            "the OS keyring (service {})",
                            crate::secrets::SANDBOX_SERVICE
                        ),
                        None => format!("the OS keyring (service {})", crate::secrets::SERVICE),
                    });
                }
                Source::Environment => {
                    at.present += 1;
                    add(if self.sandbox.is_some() {
                        "the sandbox's simulation".to_string()
                    } else {
                        format!("the environment ({})", crate::settings::env_var(&s.name))
                    });
                }
                Source::Unknown => at.unknown = true,
                _ => {}
            }
        }
        Some(at)
    }
}
