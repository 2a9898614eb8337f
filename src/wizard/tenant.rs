//! Step 4, the tenant: connect (the Management API client's settings),
//! check, plan the fix, apply it after a confirmation, and let Auth0 try the
//! provider. Pure: the network work is [`Effect::Tenant`], answered by
//! [`Msg::TenantDone`].

use super::{Busy, Effect, Level, Msg, SettingsForm, Stored, Task, Wizard};
use crate::auth0::apply::Outcome;
use crate::auth0::inspect::{Finding, Generation};
use crate::auth0::plan::{Change, Plan};
use crate::config::Profile;

/// What to do on the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantWork {
    Check,
    Plan,
    /// Apply, if planning again gives exactly these changes.
    Apply {
        expected: Vec<Change>,
    },
    /// Auth0 sends a test through the Custom phone provider.
    Try {
        to: String,
    },
}

/// The keys of the tenant step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantKey {
    Check,
    Plan,
    Apply,
    Edit,
    Try,
}

/// Whose tenant, with which settings (resolved at the edge).
#[derive(Debug, Clone, PartialEq)]
pub struct TenantCall {
    pub profile_name: String,
    pub profile: Profile,
    pub provider: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantReport {
    pub base: String,
    pub generation: Option<Generation>,
    pub findings: Vec<Finding>,
    pub missing_scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanView {
    pub base: String,
    pub generation: Generation,
    pub plan: Plan,
    /// One line per change.
    pub lines: Vec<String>,
    pub missing_scopes: Vec<String>,
    /// The tenant changed between the plan shown and the apply: this is the
    /// new plan, nothing was applied.
    pub changed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyView {
    pub outcome: Outcome,
    pub backup: std::path::PathBuf,
    pub record_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantAnswer {
    Checked(TenantReport),
    Planned(PlanView),
    Applied(ApplyView),
    Tried(String),
}

/// A rate-limit wait in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RateLimit {
    pub(crate) secs: u64,
    pub(crate) path: String,
    /// Spinner ticks when it started (the countdown runs from there).
    pub(crate) since: u64,
}

/// The tenant step's state.
#[derive(Debug, Default)]
pub struct TenantState {
    /// The connection form (the catalog's tenant group).
    pub(crate) form: Option<SettingsForm>,
    /// The connection form has the keyboard.
    pub(crate) editing: bool,
    pub(crate) report: Option<Result<TenantReport, String>>,
    /// A plan on screen, waiting for y (apply) or Esc.
    pub(crate) plan: Option<PlanView>,
    pub(crate) applied: Option<ApplyView>,
    pub(crate) tried: Option<Result<String, String>>,
    pub(crate) rate_limit: Option<RateLimit>,
    /// Work to start once the connection is loaded and checked (the
    /// checklist's fix).
    pub(crate) then: Option<TenantWork>,
    /// The pasted-token way in (first when no connection exists; Ctrl-P
    /// on the connection form).
    pub connect: Option<super::ConnectForm>,
    /// The user left the token form for the client id and secret form:
    /// coming back to the step keeps that choice.
    pub(crate) by_hand: bool,
}

impl TenantState {
    /// The generation of the last check, if known.
    pub(crate) fn generation(&self) -> Option<Generation> {
        match &self.report {
            Some(Ok(r)) => r.generation,
            _ => None,
        }
    }
}

impl Wizard {
    /// Whether the keyring is being asked about the tenant connection.
    pub(crate) fn loading_tenant(&self) -> bool {
        matches!(
            self.busy,
            Some(Busy {
                task: Task::LoadingTenant,
                ..
            })
        )
    }

    /// Whether the tenant connection has everything it needs.
    pub(crate) fn connection_complete(&self) -> bool {
        match (self.catalog.tenant.as_ref(), self.tenant.form.as_ref()) {
            (Some(g), Some(f)) => f.blocking(g).is_empty(),
            _ => false,
        }
    }

    /// Whether any part of a connection is there: a client id or secret
    /// (typed, in the profile, the keyring or the environment), or
    /// `SMS_MFA_AUTH0_TOKEN`. Without one, step 4 opens on the token form.
    pub(crate) fn connection_begun(&self) -> bool {
        if self.token_in_env {
            return true;
        }
        match (self.catalog.tenant.as_ref(), self.tenant.form.as_ref()) {
            (Some(g), Some(f)) => g
                .settings
                .iter()
                .enumerate()
                .any(|(i, s)| s.name != "AUTH0_DOMAIN" && f.present(i)),
            _ => false,
        }
    }

    /// Entering the step: make the form and ask where its values are.
    pub(super) fn enter_tenant(&mut self) -> Vec<Effect> {
        let Some(group) = self.catalog.tenant.as_ref() else {
            return vec![];
        };
        if self.tenant.form.is_none() {
            let saved = self.profile.settings.get(&group.id);
            self.tenant.form = Some(SettingsForm::new(group, |name| {
                let s = group.setting(name)?;
                if s.secret {
                    None
                } else {
                    saved.and_then(|m| m.get(name).cloned())
                }
            }));
        }
        if self.busy.is_some() {
            return vec![];
        }
        let op = self.next_op();
        self.busy = Some(Busy {
            op,
            task: Task::LoadingTenant,
            ticks: 0,
        });
        vec![Effect::LoadSettings {
            op,
            profile_name: self.profile_name.clone(),
            provider: group.id.clone(),
            profile: self.profile.clone(),
        }]
    }

    /// The keyring's answer for the connection form.
    pub(super) fn tenant_loaded(&mut self, settings: Vec<(String, Stored)>) -> Vec<Effect> {
        let (Some(group), Some(form)) = (self.catalog.tenant.as_ref(), self.tenant.form.as_mut())
        else {
            return vec![];
        };
        for (name, stored) in settings {
            if let Some(i) = group.settings.iter().position(|s| s.name == name) {
                form.stored[i] = stored;
            }
        }
        if !self.connection_complete() {
            if self.step == super::Step::Tenant
                && self.tenant.connect.is_none()
                && !self.tenant.by_hand
                && !self.connection_begun()
            {
                // Nothing of a connection yet: the pasted token comes first.
                return self.open_connect();
            }
            self.tenant.editing = true;
            return vec![];
        }
        if self.step == super::Step::Tenant
            && let Some(work) = self.tenant.then.take()
        {
            return self.tenant_work(work);
        }
        if self.tenant.report.is_none() && self.step == super::Step::Tenant {
            return self.tenant_work(TenantWork::Check);
        }
        vec![]
    }

    /// The keyring stored the connection's secret: check the tenant.
    pub(super) fn tenant_stored(&mut self, names: &[String]) -> Vec<Effect> {
        if let (Some(group), Some(form)) = (self.catalog.tenant.as_ref(), self.tenant.form.as_mut())
        {
            for name in names {
                if let Some(i) = group.settings.iter().position(|s| &s.name == name) {
                    form.fields[i].clear();
                    if form.stored[i].source != crate::settings::Source::Environment {
                        form.stored[i] = Stored {
                            source: crate::settings::Source::Keyring,
                            check: crate::providers::Validation::Ok,
                        };
                    }
                }
            }
        }
        self.tenant.editing = false;
        self.tenant_work(TenantWork::Check)
    }

    fn tenant_call(&self) -> TenantCall {
        TenantCall {
            profile_name: self.profile_name.clone(),
            profile: self.profile.clone(),
            provider: self.profile.provider.clone(),
        }
    }

    /// Start work on the tenant, with a spinner that Esc cancels.
    pub(super) fn tenant_work(&mut self, work: TenantWork) -> Vec<Effect> {
        if self.busy.is_some() {
            return vec![];
        }
        let op = self.next_op();
        self.busy = Some(Busy {
            op,
            task: Task::Tenant(work.clone()),
            ticks: 0,
        });
        self.tenant.rate_limit = None;
        self.notice = None;
        vec![Effect::Tenant {
            op,
            call: self.tenant_call(),
            work,
        }]
    }

    /// Save the connection (secrets to the keyring, the rest to the
    /// profile) and check.
    fn submit_connection(&mut self) -> Vec<Effect> {
        self.submit_connection_to(false)
    }

    /// Save the connection; `memory`: its secret kept in memory for this
    /// session only (Ctrl-S, when no keyring answers).
    fn submit_connection_to(&mut self, memory: bool) -> Vec<Effect> {
        let (Some(group), Some(form)) = (self.catalog.tenant.as_ref(), self.tenant.form.as_mut())
        else {
            return vec![];
        };
        let blocking = form.blocking(group);
        if let Some(&first) = blocking.first() {
            form.show_missing = true;
            form.focus = first;
            form.reveal = false;
            self.notice(
                Level::Error,
                format!(
                    "{} connection field{} need{} attention (or set SMS_MFA_AUTH0_TOKEN).",
                    blocking.len(),
                    if blocking.len() == 1 { "" } else { "s" },
                    if blocking.len() == 1 { "s" } else { "" }
                ),
            );
            return vec![];
        }
        let (saved, secrets) = form.take_submitted(group);
        self.profile.settings.insert(group.id.clone(), saved);
        let save = self.save();
        if secrets.is_empty() {
            self.tenant.editing = false;
            let mut effects = vec![save];
            effects.extend(self.tenant_work(TenantWork::Check));
            return effects;
        }
        let op = self.next_op();
        self.busy = Some(Busy {
            op,
            task: Task::StoringTenant(secrets.iter().map(|(n, _)| n.clone()).collect()),
            ticks: 0,
        });
        vec![
            save,
            Effect::StoreSecrets {
                op,
                profile_name: self.profile_name.clone(),
                provider: group.id.clone(),
                secrets,
                memory,
            },
        ]
    }

    /// Esc on the tenant step: close the plan, or the connection form when
    /// a report is there to return to. False: Esc goes back a step.
    pub(super) fn tenant_back(&mut self) -> bool {
        if self.tenant.plan.take().is_some() {
            self.notice(Level::Info, "Plan closed: nothing was changed.");
            return true;
        }
        if self.tenant.editing && self.tenant.report.is_some() {
            self.tenant.editing = false;
            return true;
        }
        false
    }

    /// Ctrl-N on the tenant step.
    pub(super) fn tenant_forward(&mut self) -> Vec<Effect> {
        let nothing_pasted = self
            .tenant
            .connect
            .as_ref()
            .is_some_and(|c| c.plan.is_none() && c.token.value().is_empty());
        let skippable = nothing_pasted && !self.connection_complete();
        if self.tenant.connect.is_some() && !skippable {
            return self.update_connect(Msg::Next);
        }
        let typed = self.tenant.form.as_ref().is_some_and(SettingsForm::unsaved);
        if (self.tenant.editing || nothing_pasted) && !typed && !self.connection_complete() {
            // No (complete) Management API client at hand: the tenant check
            // is optional.
            let effects = self.go(super::Step::Checklist);
            self.notice(
                Level::Info,
                "Skipped the tenant check (no complete connection): the checklist's tenant items stay unchecked. `sms-mfa tenant check` runs it later.",
            );
            return effects;
        }
        if self.tenant.editing {
            return self.submit_connection();
        }
        self.go(super::Step::Checklist)
    }

    pub(super) fn update_tenant(&mut self, msg: Msg) -> Vec<Effect> {
        if self.tenant.connect.is_some() {
            if matches!(
                self.busy,
                Some(Busy {
                    task: Task::Connecting(_),
                    ..
                })
            ) {
                return vec![];
            }
            return self.update_connect(msg);
        }
        if msg == Msg::ConnectOpen && self.tenant.editing {
            return self.open_connect();
        }
        if matches!(
            self.busy,
            Some(Busy {
                task: Task::StoringTenant(_) | Task::Tenant(_),
                ..
            })
        ) {
            if !matches!(msg, Msg::Up | Msg::Down) {
                self.notice(
                    Level::Info,
                    "Working on the tenant: wait, or Esc to stop waiting.",
                );
            }
            return vec![];
        }
        if self.loading_tenant() && !self.tenant.editing {
            // The connection is being read: the key waits for it.
            let work = match msg {
                Msg::Reload | Msg::Tenant(TenantKey::Check) => Some(TenantWork::Check),
                Msg::Tenant(TenantKey::Plan) if self.provider().is_some() => Some(TenantWork::Plan),
                Msg::Tenant(TenantKey::Try)
                    if self.tenant.generation() == Some(Generation::UnifiedPhone)
                        && !self.test.recipient_state().blocks()
                        && !self.test.recipient.value().is_empty() =>
                {
                    Some(TenantWork::Try {
                        to: self.test.recipient.value().to_string(),
                    })
                }
                _ => None,
            };
            if let Some(work) = work {
                self.tenant.then = Some(work);
                self.notice(
                    Level::Info,
                    "Reading the connection from the keyring first; continuing by itself…",
                );
                return vec![];
            }
        }
        if self.tenant.editing {
            let Some(form) = self.tenant.form.as_mut() else {
                return vec![];
            };
            match msg {
                Msg::Up | Msg::PrevField => form.focus_prev(),
                Msg::Down | Msg::NextField => form.focus_next(),
                Msg::Edit(req) => {
                    let field = &mut form.fields[form.focus];
                    field.edit(req);
                    let is_domain = self
                        .catalog
                        .tenant
                        .as_ref()
                        .and_then(|g| g.settings.get(form.focus))
                        .is_some_and(|s| s.name == "AUTH0_DOMAIN");
                    if is_domain && let Some(host) = domain_host(field.value()) {
                        // A pasted URL: the host is what is meant.
                        field.input = tui_input::Input::new(host.clone());
                        self.notice(Level::Info, format!("Kept the domain {host} from the URL."));
                    }
                }
                Msg::ToggleReveal if form.fields[form.focus].secret => form.reveal = !form.reveal,
                Msg::Reload => return self.enter_tenant(),
                Msg::Enter if form.focus + 1 < form.fields.len() => form.focus_next(),
                Msg::Enter => return self.submit_connection(),
                Msg::KeepInMemory if self.keyring_error.is_some() => {
                    return self.submit_connection_to(true);
                }
                _ => {}
            }
            return vec![];
        }
        let rows = match (&self.tenant.plan, &self.tenant.report) {
            (Some(p), _) => p.lines.len(),
            (None, Some(Ok(r))) => r.findings.len(),
            _ => 0,
        };
        match msg {
            Msg::Up | Msg::Down if rows > 0 => {
                self.tenant_cursor = self.tenant_cursor.min(rows - 1);
                super::move_cursor(&mut self.tenant_cursor, rows, &msg);
            }
            Msg::Reload | Msg::Tenant(TenantKey::Check) => {
                return self.tenant_work(TenantWork::Check);
            }
            Msg::Tenant(TenantKey::Edit) => {
                self.tenant.editing = true;
                self.tenant.plan = None;
            }
            Msg::Tenant(TenantKey::Plan) => {
                if self.provider().is_none() {
                    self.notice(Level::Info, "Choose a provider first (step 1).");
                    return vec![];
                }
                return self.tenant_work(TenantWork::Plan);
            }
            Msg::Tenant(TenantKey::Apply) | Msg::Answer(true) => return self.confirm_apply(),
            Msg::Tenant(TenantKey::Try) => return self.try_provider(),
            Msg::Enter if self.tenant.plan.is_some() => {
                self.notice(
                    Level::Info,
                    "y applies the plan; Esc closes it without changing anything.",
                );
            }
            Msg::Enter => return self.forward(),
            _ => {}
        }
        vec![]
    }

    fn confirm_apply(&mut self) -> Vec<Effect> {
        let Some(p) = &self.tenant.plan else {
            self.notice(Level::Info, "Press f to plan the fix first.");
            return vec![];
        };
        if p.plan.is_empty() {
            self.notice(Level::Info, "Nothing to change.");
            return vec![];
        }
        if !p.missing_scopes.is_empty() {
            self.notice(
                Level::Error,
                format!(
                    "Nothing applied: the client lacks {}. Grant them, then r re-checks and f plans again.",
                    p.missing_scopes.join(", ")
                ),
            );
            return vec![];
        }
        let expected = p.plan.changes.clone();
        self.tenant_work(TenantWork::Apply { expected })
    }

    fn try_provider(&mut self) -> Vec<Effect> {
        if self.tenant.generation() != Some(Generation::UnifiedPhone) {
            self.notice(
                Level::Info,
                "Auth0's own test is for Unified Phone Experience tenants; check the tenant first (r).",
            );
            return vec![];
        }
        if self.test.recipient_state().blocks() || self.test.recipient.value().is_empty() {
            self.notice(
                Level::Info,
                "Enter a test recipient in step 3 first: Auth0 sends its test there.",
            );
            return vec![];
        }
        let to = self.test.recipient.value().to_string();
        self.tenant_work(TenantWork::Try { to })
    }

    /// The runtime's answer to [`Effect::Tenant`].
    pub(super) fn tenant_done(
        &mut self,
        op: u64,
        result: Result<TenantAnswer, String>,
    ) -> Vec<Effect> {
        let work = match &self.busy {
            Some(Busy {
                op: o,
                task: Task::Tenant(w),
                ..
            }) if *o == op => w.clone(),
            _ => return vec![], // stale or cancelled
        };
        self.busy = None;
        self.tenant.rate_limit = None;
        match result {
            Ok(TenantAnswer::Checked(r)) => {
                let fails = r
                    .findings
                    .iter()
                    .filter(|f| f.status == crate::auth0::inspect::Status::Fail)
                    .count();
                let open = r
                    .findings
                    .iter()
                    .filter(|f| f.status != crate::auth0::inspect::Status::Pass)
                    .count();
                self.tenant_cursor = 0;
                if fails > 0 {
                    self.notice(
                        Level::Warn,
                        format!(
                            "{fails} problem{} found: f plans the fix (nothing changes until you confirm).",
                            if fails == 1 { "" } else { "s" }
                        ),
                    );
                } else if open > 0 {
                    self.notice(
                        Level::Warn,
                        format!("{open} check(s) could not run: see below."),
                    );
                } else {
                    self.notice(Level::Info, "Every check passed.");
                }
                self.tenant.report = Some(Ok(r));
                match self.tenant.then.take() {
                    Some(work) => self.tenant_work(work),
                    None => vec![],
                }
            }
            Ok(TenantAnswer::Planned(p)) => {
                self.tenant_cursor = 0;
                let text = if p.changed {
                    "The tenant changed since the plan was shown: nothing was applied. Review the new plan."
                        .to_string()
                } else if p.plan.is_empty() {
                    "Nothing to change: the tenant already runs the provider's Action.".to_string()
                } else {
                    format!(
                        "{} change{} planned: y applies them, Esc closes the plan.",
                        p.plan.changes.len(),
                        if p.plan.changes.len() == 1 { "" } else { "s" }
                    )
                };
                self.notice(if p.changed { Level::Warn } else { Level::Info }, text);
                // An empty plan has nothing to confirm: stay on the report.
                self.tenant.plan = (!p.plan.is_empty()).then_some(p);
                vec![]
            }
            Ok(TenantAnswer::Applied(a)) => {
                self.tenant.plan = None;
                let ok = a.outcome.ok();
                let n = a.outcome.applied.len();
                self.tenant.applied = Some(a);
                let effects = self.tenant_work(TenantWork::Check);
                self.notice(
                    if ok { Level::Info } else { Level::Error },
                    if ok {
                        format!("Applied {n} change(s); checking the tenant again…")
                    } else {
                        "A change failed: what was and was not applied is listed; checking again…"
                            .to_string()
                    },
                );
                effects
            }
            Ok(TenantAnswer::Tried(m)) => {
                self.notice(Level::Info, format!("Auth0 accepted the test: {m}."));
                self.tenant.tried = Some(Ok(m));
                vec![]
            }
            Err(e) => {
                match work {
                    TenantWork::Check => self.tenant.report = Some(Err(e.clone())),
                    TenantWork::Try { .. } => self.tenant.tried = Some(Err(e.clone())),
                    TenantWork::Plan | TenantWork::Apply { .. } => {}
                }
                self.notice(Level::Error, e);
                vec![]
            }
        }
    }

    /// Auth0 asked to wait: show the countdown.
    pub(super) fn rate_limited(&mut self, op: u64, secs: u64, path: String) {
        if let Some(b) = &self.busy
            && b.op == op
        {
            self.tenant.rate_limit = Some(RateLimit {
                secs,
                path,
                since: b.ticks,
            });
        }
    }
}

/// The tenant domain in a pasted URL (`https://acme.eu.auth0.com/`), or
/// with a trailing slash: the host, once it is a whole *.auth0.com name.
pub(crate) fn domain_host(value: &str) -> Option<String> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let host = rest.trim_end_matches('/');
    let whole = host.ends_with(".auth0.com")
        && host.len() > ".auth0.com".len()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (whole && host != v).then(|| host.to_string())
}
