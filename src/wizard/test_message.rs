//! Step 3: the test message (recipient and text), its send, and the
//! following of its delivery.

use super::{Busy, CallError, Effect, FieldState, Level, Msg, Step, Task, TextField, Wizard};
use crate::providers::outcome::{Accepted, Delivery};
use crate::providers::validate;

/// The text Auth0 sends by default, used as the test message.
pub(crate) const DEFAULT_TEST_TEXT: &str = "Your verification code is 123456";

/// How often, and how long, delivery is followed.
pub(crate) const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
pub(crate) const POLLS: u32 = 15;

/// What became of the last test message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SendResult {
    Accepted {
        accepted: Accepted,
        /// The delivery statuses seen so far, oldest first.
        deliveries: Vec<Delivery>,
        /// The op of the delivery poll in flight, if still following.
        following: Option<u64>,
        polls: u32,
        /// Why following stopped early (a failed status request).
        follow_error: Option<String>,
    },
    Failed(CallError),
}

/// The test-message form: recipient and text.
#[derive(Debug, Clone)]
pub struct TestForm {
    pub(crate) recipient: TextField,
    pub(crate) text: TextField,
    /// 0: recipient, 1: text.
    pub focus: usize,
    pub(crate) show_missing: bool,
    /// The last send, and its delivery.
    pub(crate) result: Option<SendResult>,
}

impl TestForm {
    pub fn recipient_state(&self) -> FieldState {
        match self.recipient.value() {
            "" if self.show_missing => {
                FieldState::Missing("Enter the phone number that should receive the test.".into())
            }
            "" => FieldState::Empty,
            v => match validate::e164_check(v) {
                crate::providers::Validation::Ok => FieldState::Valid,
                crate::providers::Validation::Warn(w) => FieldState::Warning(w),
                crate::providers::Validation::Error(e) => FieldState::Invalid(e),
            },
        }
    }

    pub(crate) fn text_state(&self) -> FieldState {
        let n = self.text.value().chars().count();
        if n == 0 {
            FieldState::Missing("The message needs some text.".into())
        } else if n > 1600 {
            FieldState::Invalid(format!("At most 1600 characters; this has {n}."))
        } else {
            FieldState::Valid
        }
    }
}

impl Wizard {
    /// Whether the last test message was accepted by the provider.
    pub(crate) fn test_accepted(&self) -> bool {
        matches!(self.test.result, Some(SendResult::Accepted { .. }))
    }

    /// Whether a test message is on its way.
    pub(crate) fn sending(&self) -> bool {
        matches!(
            self.busy,
            Some(Busy {
                task: Task::Sending,
                ..
            })
        )
    }

    pub(super) fn update_test(&mut self, msg: Msg) -> Vec<Effect> {
        let t = &mut self.test;
        match msg {
            Msg::Up | Msg::Down | Msg::NextField | Msg::PrevField => t.focus = 1 - t.focus,
            Msg::Edit(req) => {
                let field = if t.focus == 0 {
                    &mut t.recipient
                } else {
                    &mut t.text
                };
                field.edit(req);
                t.result = None;
            }
            Msg::Enter if t.focus == 0 => t.focus = 1,
            Msg::Enter => return self.send_test(),
            _ => {}
        }
        vec![]
    }

    /// Validate the test form, remember the recipient, and send.
    fn send_test(&mut self) -> Vec<Effect> {
        self.test.show_missing = true;
        if self.test.recipient_state().blocks() {
            self.test.focus = 0;
            self.notice(Level::Error, "Fix the recipient number first.");
            return vec![];
        }
        if self.test.text_state().blocks() {
            self.test.focus = 1;
            self.notice(Level::Error, "Fix the message text first.");
            return vec![];
        }
        if self.sending() {
            return vec![];
        }
        let Some(call) = self.call() else {
            return self.go(Step::Provider);
        };
        // A background keyring load is superseded (its answer ignored).
        let op = self.next_op();
        self.busy = Some(Busy {
            op,
            task: Task::Sending,
            ticks: 0,
        });
        self.test.result = None;
        self.notice = None;
        let mut effects = self.remember_recipient();
        effects.push(Effect::SendTest {
            op,
            call,
            to: self.test.recipient.value().to_string(),
            text: self.test.text.value().to_string(),
        });
        effects
    }

    fn remember_recipient(&mut self) -> Vec<Effect> {
        let r = self.test.recipient.value().to_string();
        if self.profile.test_recipient.as_deref() == Some(&r) {
            return vec![];
        }
        self.profile.test_recipient = Some(r);
        self.test.recipient.mark_saved();
        vec![self.save()]
    }

    pub(super) fn submit_test(&mut self) -> Vec<Effect> {
        self.test.show_missing = true;
        if self.test.recipient_state().blocks() {
            self.test.focus = 0;
            self.notice(
                Level::Error,
                "Enter a valid test recipient first: the checklist and later checks use it.",
            );
            return vec![];
        }
        let mut effects = self.remember_recipient();
        effects.extend(self.go(Step::Tenant));
        effects
    }

    pub(super) fn test_sent(
        &mut self,
        op: u64,
        result: Result<Accepted, CallError>,
    ) -> Vec<Effect> {
        if self.busy.as_ref().is_none_or(|b| b.op != op) {
            return vec![];
        }
        self.busy = None;
        let name = self
            .provider()
            .map_or("the provider", |p| p.name.as_str())
            .to_string();
        match result {
            Ok(accepted) => {
                let mut effects = Vec::new();
                let mut following = None;
                if accepted.trackable
                    && let Some(call) = self.call()
                {
                    let op = self.next_op();
                    following = Some(op);
                    effects.push(Effect::PollDelivery {
                        op,
                        call,
                        id: accepted.id.clone(),
                        after: POLL_EVERY,
                    });
                }
                self.notice(
                    Level::Info,
                    format!("Accepted by {name}: message id {}.", accepted.id),
                );
                self.test.result = Some(SendResult::Accepted {
                    accepted,
                    deliveries: Vec::new(),
                    following,
                    polls: 0,
                    follow_error: None,
                });
                effects
            }
            Err(e) => {
                let text = match &e {
                    CallError::Setup(_) => {
                        "Not sent: the settings are incomplete (see the preview). Esc goes back to step 2."
                            .to_string()
                    }
                    CallError::Failed(f)
                        if f.class == crate::providers::outcome::ErrorClass::Network =>
                    {
                        format!(
                            "No answer from {name} in time: the message may still arrive. Wait a minute before sending again."
                        )
                    }
                    CallError::Failed(f) => format!("Not sent: {}.", f.class.title()),
                };
                let level = match &e {
                    CallError::Failed(f)
                        if f.class == crate::providers::outcome::ErrorClass::Network =>
                    {
                        Level::Warn
                    }
                    _ => Level::Error,
                };
                self.notice(level, text);
                self.test.result = Some(SendResult::Failed(e));
                vec![]
            }
        }
    }

    pub(super) fn delivery_status(
        &mut self,
        op: u64,
        result: Result<Delivery, CallError>,
    ) -> Vec<Effect> {
        let call = self.call();
        let Some(SendResult::Accepted {
            accepted,
            deliveries,
            following,
            polls,
            follow_error,
        }) = self.test.result.as_mut()
        else {
            return vec![];
        };
        if *following != Some(op) {
            return vec![];
        }
        *following = None;
        *polls += 1;
        match result {
            Ok(d) => {
                let done = d.final_;
                if deliveries.last().is_none_or(|l| l != &d) {
                    deliveries.push(d);
                }
                if done || *polls >= POLLS {
                    return vec![];
                }
            }
            Err(CallError::Failed(f)) => {
                *follow_error = Some(f.message);
                return vec![];
            }
            Err(CallError::Setup(p)) => {
                *follow_error = Some(p.join("; "));
                return vec![];
            }
        }
        let id = accepted.id.clone();
        let Some(call) = call else { return vec![] };
        self.last_op += 1;
        let op = self.last_op;
        if let Some(SendResult::Accepted { following, .. }) = self.test.result.as_mut() {
            *following = Some(op);
        }
        vec![Effect::PollDelivery {
            op,
            call,
            id,
            after: POLL_EVERY,
        }]
    }
}
