//! Step 5, the troubleshooting checklist: the doctor's checks run when the
//! step opens (and again with r), results arrive group by group, and `a`
//! applies the selected problem's fix (the tenant fix through step 4's plan
//! and its confirmation). Pure: the checks are [`Effect::Doctor`], answered
//! by [`Msg::DoctorEvent`] and [`Msg::DoctorDone`].

use super::{CallError, Effect, Level, Msg, SendResult, Step, TenantCall, TenantWork, Wizard};
use crate::checklist::FixAction;
use crate::doctor::{self, Check, Event, Found, Status};

/// The checks: what is known, and what still runs.
#[derive(Debug, Default)]
pub struct DoctorState {
    /// The op of the run in flight.
    pub running: Option<u64>,
    /// What the last (or current) run found so far.
    pub(crate) found: Vec<Found>,
    /// Checks that said they are slow.
    pub(crate) slow: Vec<&'static str>,
    /// Spinner ticks since the run started.
    pub(crate) ticks: u64,
    /// Whether a run ever finished.
    pub(crate) finished: bool,
}

/// One row of the checklist screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) check: Check,
    /// Still running (the check shows its last result, or none).
    pub(crate) running: bool,
    /// Running for longer than [`doctor::SLOW_AFTER`].
    pub(crate) slow: bool,
}

impl Wizard {
    /// Run every check. A run in flight is superseded (its answers are
    /// ignored): the settings may have changed since it started.
    pub(super) fn run_doctor(&mut self) -> Vec<Effect> {
        let op = self.next_op();
        self.doctor.running = Some(op);
        // Every row shows its spinner until this run has answered it.
        self.doctor.found.clear();
        self.doctor.slow.clear();
        self.doctor.ticks = 0;
        vec![Effect::Doctor {
            op,
            call: TenantCall {
                profile_name: self.profile_name.clone(),
                profile: self.profile.clone(),
                provider: self.profile.provider.clone(),
            },
        }]
    }

    pub(super) fn doctor_event(&mut self, op: u64, event: Event) {
        if self.doctor.running != Some(op) {
            return;
        }
        match event {
            Event::Done(found) => {
                self.doctor
                    .found
                    .retain(|f| !found.iter().any(|n| n.id == f.id));
                self.doctor.found.extend(found);
            }
            Event::Slow { ids, .. } => self.doctor.slow.extend(ids),
            Event::RateLimited { secs, path } => self.notice(
                Level::Info,
                format!("Auth0's rate limit on {path}: waiting {secs} s."),
            ),
        }
    }

    pub(super) fn doctor_done(&mut self, op: u64, found: Vec<Found>) {
        if self.doctor.running != Some(op) {
            return;
        }
        self.doctor.running = None;
        self.doctor.finished = true;
        self.doctor.found = found;
        self.doctor.slow.clear();
        let checks = self.checks();
        // Open on the first problem: that is what the user came for.
        if let Some(i) = checks
            .iter()
            .position(|c| matches!(c.status, Status::Fail | Status::Error | Status::Warning))
            && self.checklist_cursor == 0
        {
            self.checklist_cursor = i;
        }
        let s = doctor::Summary::of(&checks);
        self.notice(
            if s.fail > 0 { Level::Warn } else { Level::Info },
            if s.problems() == 0 {
                "No problems found.".to_string()
            } else {
                format!(
                    "{}: ↑↓ selects one, a applies its fix, r checks again.",
                    capitalize(&s.headline())
                )
            },
        );
    }

    /// The checks as they stand, the test message from this session.
    pub(crate) fn checks(&self) -> Vec<Check> {
        let mut found = self.doctor.found.clone();
        if let Some(t) = self.test_found() {
            found.retain(|f| f.id != t.id);
            found.push(t);
        }
        let mut checks = doctor::assemble(self.checklist, &found);
        for c in &mut checks {
            // Inside the wizard a step is chosen, not a command-line flag.
            c.evidence = c.evidence.replace(
                "pick one in step 1, or pass --provider.",
                "choose one in step 1.",
            );
            for (_, name) in &self.kept {
                c.evidence = c.evidence.replace(
                    &format!("{name} (keyring)"),
                    &format!("{name} (memory, this session)"),
                );
            }
            if let Some(s) = &self.sandbox {
                // The sandbox says where its values really are.
                if s.memory_only.is_some() {
                    c.evidence = c.evidence.replace("(keyring)", "(memory)");
                }
                c.evidence = c.evidence.replace("(environment)", "(sandbox)");
            }
        }
        if self.sandbox.is_some() {
            // A shell command would act on the real provider or tenant.
            for c in &mut checks {
                if let Some(r) = c.remediation.as_mut() {
                    r.command = None;
                }
            }
        } else {
            doctor::commands_for(
                &mut checks,
                self.profile.provider.as_deref(),
                &self.profile_name,
            );
        }
        checks
    }

    /// The rows of the checklist screen.
    pub(crate) fn checklist_rows(&self) -> Vec<Row> {
        let running = self.doctor.running.is_some();
        self.checks()
            .into_iter()
            .map(|check| {
                let known = self.doctor.found.iter().any(|f| f.id == check.id)
                    || (check.id == "test-message" && self.test_found().is_some());
                let slow = self.doctor.slow.iter().any(|s| *s == check.id);
                Row {
                    running: running && !known,
                    slow: running && !known && slow,
                    check,
                }
            })
            .collect()
    }

    /// What step 3 showed of the test message, this session.
    fn test_found(&self) -> Option<Found> {
        const ID: &str = "test-message";
        let name = self.provider().map_or("the provider", |p| p.name.as_str());
        Some(match self.test.result.as_ref()? {
            SendResult::Accepted {
                accepted,
                deliveries,
                ..
            } => match deliveries.last() {
                Some(d) if d.final_ && !d.delivered => doctor::Found {
                    id: ID,
                    status: Status::Fail,
                    fix: None,
                    evidence: format!(
                        "{name} accepted message {} but reports it {}{}.",
                        accepted.id,
                        d.status,
                        d.error_message
                            .as_ref()
                            .map(|m| format!(": {m}"))
                            .unwrap_or_default()
                    ),
                },
                Some(d) => doctor::Found {
                    id: ID,
                    status: Status::Pass,
                    fix: None,
                    evidence: format!("{name} accepted message {}: {}.", accepted.id, d.status),
                },
                None => doctor::Found {
                    id: ID,
                    status: Status::Pass,
                    fix: None,
                    evidence: format!("{name} accepted message {}.", accepted.id),
                },
            },
            SendResult::Failed(CallError::Failed(f)) => doctor::Found {
                id: ID,
                status: Status::Fail,
                fix: None,
                evidence: format!(
                    "Not sent: {}. {} The provider said: [{}] {}",
                    f.class.title(),
                    f.hint(),
                    f.code.as_deref().unwrap_or("no code"),
                    f.message
                ),
            },
            SendResult::Failed(CallError::Setup(p)) => doctor::Found {
                id: ID,
                status: Status::Fail,
                fix: None,
                evidence: format!("Not sent: {}.", p.join("; ")),
            },
        })
    }

    pub(super) fn update_checklist(&mut self, msg: Msg) -> Vec<Effect> {
        let n = self.checklist.items.len();
        match msg {
            Msg::Up | Msg::Down => super::move_cursor(&mut self.checklist_cursor, n, &msg),
            Msg::Reload => return self.run_doctor(),
            Msg::Fix => return self.apply_fix(),
            Msg::Enter => return self.forward(),
            _ => {}
        }
        vec![]
    }

    /// The selected check's automatic fix, when it has one and its result
    /// is in (what `a` does now).
    pub(crate) fn selected_fix(&self) -> Option<FixAction> {
        let checks = self.checks();
        let check = checks.get(self.checklist_cursor)?;
        if self.doctor.running.is_some() && !self.doctor.found.iter().any(|f| f.id == check.id) {
            return None;
        }
        if check.status == Status::Pass {
            return None;
        }
        check.remediation.as_ref()?.action
    }

    /// `a`: do what fixes the selected check.
    fn apply_fix(&mut self) -> Vec<Effect> {
        let checks = self.checks();
        let Some(check) = checks.get(self.checklist_cursor) else {
            return vec![];
        };
        if self.doctor.running.is_some() && !self.doctor.found.iter().any(|f| f.id == check.id) {
            self.notice(Level::Info, "Still checking this one: wait for its result.");
            return vec![];
        }
        let Some(r) = check.remediation.clone() else {
            self.notice(
                Level::Info,
                match check.status {
                    Status::Pass => "This check passed: nothing to fix.",
                    _ => "Skipped: the details say why. Nothing to fix here.",
                },
            );
            return vec![];
        };
        let Some(action) = r.action else {
            self.notice(
                Level::Info,
                format!("No automatic fix for this one: {}", r.text),
            );
            return vec![];
        };
        self.checklist_return = None;
        if self.provider().is_none() && action != FixAction::Tenant {
            let effects = self.go(Step::Provider);
            self.notice(
                Level::Info,
                "Choose a provider first: this fix needs one (its settings, its test, its Action).",
            );
            return effects;
        }
        match action {
            FixAction::Secrets => self.go(Step::Secrets),
            FixAction::TestMessage => {
                let effects = self.go(Step::TestMessage);
                // The recipient checks are about the recipient field.
                self.test.focus = usize::from(!matches!(
                    check.id.as_str(),
                    "recipient-e164" | "trial-destination" | "test-message"
                ));
                if check.id == "test-message" {
                    self.test.focus = usize::from(!self.test.recipient_state().blocks());
                }
                effects
            }
            FixAction::Tenant => {
                let effects = self.go(Step::Tenant);
                self.tenant.editing = true;
                effects
            }
            FixAction::TenantPlan => {
                if self.provider().is_none() {
                    self.notice(
                        Level::Info,
                        "Choose a provider first (step 1): the fix deploys its Action.",
                    );
                    return self.go(Step::Provider);
                }
                self.tenant.then = Some(TenantWork::Plan);
                let mut effects = self.go(Step::Tenant);
                if self.busy.is_none() && self.connection_complete() {
                    self.tenant.then = None;
                    effects.extend(self.tenant_work(TenantWork::Plan));
                }
                self.notice(
                    Level::Info,
                    "Planning the tenant fix: nothing changes until you press y.",
                );
                effects
            }
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
