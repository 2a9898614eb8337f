//! Step 4's quick way in: connect the tenant with one pasted Management API
//! token (`sms-mfa tenant connect` in the wizard). The token field is
//! masked, its value goes to the runtime once in [`Effect::Connect`] and is
//! cleared from the form as it goes; the plan is shown and made on `y`.
//! Pure: the work is [`Effect::Connect`], answered by [`Msg::ConnectDone`].

use super::TextField;
use super::{Busy, Effect, Level, Msg, Task, TenantKey, Wizard};
use crate::auth0::inspect::Generation;
use crate::secrets::Secret;

/// The pasted-token form and, once read, the plan.
#[derive(Debug)]
pub struct ConnectForm {
    pub(crate) domain: TextField,
    pub(crate) token: TextField,
    /// 0: the domain, 1: the token.
    pub(crate) focus: usize,
    pub(crate) plan: Option<ConnectView>,
    /// Why the last attempt stopped.
    pub(crate) error: Option<String>,
}

/// A connect plan, as the runtime read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectView {
    pub(crate) domain: String,
    pub(crate) generation: Generation,
    pub(crate) scopes: Vec<String>,
    /// One line per change (empty: nothing to change).
    pub(crate) lines: Vec<String>,
    pub(crate) notes: Vec<String>,
}

/// What the runtime did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectAnswer {
    Planned(ConnectView),
    /// Applied: the domain and client id now in the profile.
    Connected {
        domain: String,
        client_id: String,
        applied: Vec<String>,
    },
}

impl ConnectForm {
    pub(crate) fn new(domain: &str) -> ConnectForm {
        ConnectForm {
            domain: TextField::new(domain, false),
            token: TextField::new("", true),
            focus: if domain.is_empty() { 0 } else { 1 },
            plan: None,
            error: None,
        }
    }
}

impl Wizard {
    /// Ctrl-P on the connection form: the pasted-token way.
    pub(super) fn open_connect(&mut self) -> Vec<Effect> {
        let domain = self
            .profile
            .settings
            .get("auth0")
            .and_then(|m| m.get("AUTH0_DOMAIN"))
            .cloned()
            .unwrap_or_default();
        let mut form = ConnectForm::new(&domain);
        if let Some(sandbox) = &self.sandbox {
            // The simulated tenant's API Explorer token, as if pasted.
            if domain.is_empty() {
                form.domain = TextField::new(&sandbox.domain, false);
            }
            form.token = TextField::new(&sandbox.token, true);
            form.focus = 1;

            self.notice(
                Level::Info,
                "Sandbox: the simulated tenant's API Explorer token is filled in; Enter shows the plan.",
            );
        }
        self.tenant.connect = Some(form);
        self.tenant.editing = false;
        vec![]
    }

    /// Keys while the pasted-token form (or its plan) is open.
    pub(super) fn update_connect(&mut self, msg: Msg) -> Vec<Effect> {
        let Some(c) = self.tenant.connect.as_mut() else {
            return vec![];
        };
        if c.plan.is_some() {
            return match msg {
                Msg::Tenant(TenantKey::Apply) | Msg::Answer(true) => self.connect_call(true),
                Msg::Enter => {
                    self.notice(Level::Info, "y makes these changes; Esc closes the plan.");
                    vec![]
                }
                _ => vec![],
            };
        }
        match msg {
            Msg::Up | Msg::Down | Msg::NextField | Msg::PrevField => c.focus = 1 - c.focus,
            Msg::Edit(req) => {
                let f = if c.focus == 0 {
                    &mut c.domain
                } else {
                    &mut c.token
                };
                f.edit(req);
            }
            Msg::Enter if c.focus == 0 => c.focus = 1,
            Msg::Enter | Msg::Next => return self.connect_call(false),
            _ => {}
        }
        vec![]
    }

    /// Esc: close the plan, then the form (back to the client id and
    /// secret form). True when it did something.
    pub(super) fn connect_back(&mut self) -> bool {
        let Some(c) = self.tenant.connect.as_mut() else {
            return false;
        };
        if c.plan.take().is_some() {
            self.notice(Level::Info, "Plan closed: nothing was changed.");
            return true;
        }
        self.tenant.connect = None;
        self.tenant.editing = true;
        self.tenant.by_hand = true;
        true
    }

    fn connect_call(&mut self, apply: bool) -> Vec<Effect> {
        if self.busy.is_some() {
            return vec![];
        }
        let Some(c) = self.tenant.connect.as_mut() else {
            return vec![];
        };
        let domain = match crate::auth0::connect::canonical_domain(c.domain.value()) {
            Ok(d) => d,
            Err(e) => {
                c.focus = 0;
                c.error = Some(format!("{e}."));
                return vec![];
            }
        };
        let raw = c.token.value().trim().to_string();
        if raw.is_empty() {
            c.focus = 1;
            c.error = Some("Paste the token first.".into());
            return vec![];
        }
        let token = Secret::new(&raw);
        drop(raw);
        // Used once per call: planning needs it, and so does applying, so it
        // stays in the (masked) field until the connection is made.
        c.error = None;
        let op = self.next_op();
        self.busy = Some(Busy {
            op,
            task: Task::Connecting(apply),
            ticks: 0,
        });
        vec![Effect::Connect {
            op,
            profile_name: self.profile_name.clone(),
            domain,
            token,
            apply,
        }]
    }

    /// The runtime's answer to [`Effect::Connect`].
    pub(super) fn connect_done(
        &mut self,
        op: u64,
        result: Result<ConnectAnswer, String>,
    ) -> Vec<Effect> {
        if !matches!(&self.busy, Some(Busy { op: o, .. }) if *o == op) {
            return vec![]; // stale or cancelled
        }
        self.busy = None;
        let Some(c) = self.tenant.connect.as_mut() else {
            return vec![];
        };
        match result {
            Err(e) => {
                c.error = Some(e);
                vec![]
            }
            Ok(ConnectAnswer::Planned(v)) if v.lines.is_empty() => {
                let domain = v.domain.clone();
                self.finish_connect(&domain, None, "Already connected: sms-mfa's application has exactly the scopes it needs.".into())
            }
            Ok(ConnectAnswer::Planned(v)) => {
                c.plan = Some(v);
                self.notice(
                    Level::Info,
                    "The plan: y makes these changes on the tenant; Esc closes it.",
                );
                vec![]
            }
            Ok(ConnectAnswer::Connected {
                domain,
                client_id,
                applied,
            }) => self.finish_connect(
                &domain,
                Some(client_id),
                format!(
                    "Connected ({} changes): the token is forgotten; sms-mfa now uses its own application.",
                    applied.len()
                ),
            ),
        }
    }

    fn finish_connect(
        &mut self,
        domain: &str,
        client_id: Option<String>,
        notice: String,
    ) -> Vec<Effect> {
        // The runtime wrote the profile (under its lock); this copy follows.
        let m = self.profile.settings.entry("auth0".into()).or_default();
        m.insert("AUTH0_DOMAIN".into(), domain.to_string());
        if let Some(id) = client_id {
            m.insert("AUTH0_CLIENT_ID".into(), id);
        }
        self.tenant.connect = None; // the token field goes with it
        self.tenant.form = None;
        self.tenant.report = None;
        self.tenant.editing = false;
        self.notice(Level::Info, notice);
        self.enter_tenant()
    }
}
