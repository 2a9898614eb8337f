//! The step state machine. Pure: no I/O, no terminal. Every input becomes a
//! [`Msg`]; [`Wizard::update`] decides what it means and answers with the
//! [`Effect`]s the runtime must carry out (which answer with more `Msg`s).
//!
//! This file holds the [`Wizard`] state, `update`'s dispatch and what the
//! steps share (notices, the work in flight and its op ids, moving between
//! steps). The messages are in `msg.rs`, the effects in `effect.rs`; each
//! step's handling is in its own file, like the screens of `tui/screens/`:
//! `provider.rs` (step 1), `secrets.rs` (step 2), `test_message.rs` (step 3),
//! `tenant.rs` and `connect.rs` (step 4), `checklist.rs` (step 5), and the
//! overlays `code.rs` and `deliveries.rs`. `form.rs` and `picker.rs` are the
//! settings forms and step 2's list of the account's values; `progress.rs`
//! says how each step stands.

mod checklist;
pub mod chooser;
mod code;
mod connect;
mod deliveries;
mod effect;
mod form;
mod msg;
mod picker;
mod progress;
mod provider;
mod secrets;
mod tenant;
mod test_message;

pub use crate::config::Step;
pub use checklist::DoctorState;
pub(crate) use checklist::Row;
pub(crate) use code::CodeView;
pub use connect::{ConnectAnswer, ConnectForm, ConnectView};
pub use effect::{Effect, ProviderCall};
pub use form::{FieldState, SettingsForm, Stored, TextField};
pub use msg::{CallError, Msg};
pub(crate) use picker::{PICKABLE, Picker};
pub(crate) use progress::Mark;
pub(crate) use secrets::CredentialCheck;
pub(crate) use tenant::TenantState;
#[cfg(test)]
pub(crate) use tenant::domain_host;
pub use tenant::{
    ApplyView, PlanView, TenantAnswer, TenantCall, TenantKey, TenantReport, TenantWork,
};
pub use test_message::TestForm;
pub(crate) use test_message::{DEFAULT_TEST_TEXT, SendResult};
#[cfg(test)]
pub(crate) use test_message::{POLL_EVERY, POLLS};
pub use tui_input::InputRequest;

use crate::checklist::Checklist;
use crate::config::Profile;
use crate::providers::{Catalog, Provider};
use crate::secrets::StoreError;
use crate::settings::Source;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

/// Work in flight: the screen shows a spinner and Esc cancels it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    /// The id of the effect whose answer is awaited; other answers are stale.
    pub op: u64,
    pub(crate) task: Task,
    /// Spinner frames since it started.
    pub(crate) ticks: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Task {
    /// Asking the keyring what is stored.
    Loading,
    /// Storing these settings' secrets in the keyring.
    Storing(Vec<String>),
    /// Sending the test message.
    Sending,
    /// Asking the keyring about the tenant connection.
    LoadingTenant,
    /// Storing the tenant connection's secrets.
    StoringTenant(Vec<String>),
    /// Working on the tenant.
    Tenant(TenantWork),
    /// `tenant connect` with the pasted token (true: applying).
    Connecting(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    ConfirmQuit,
    /// The generated Action code (see [`Wizard::code_view`]).
    Code,
    /// Recent deliveries: the trace of step 3's recipient.
    Deliveries,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Info,
    Warn,
    Error,
}

/// A one-line message under the screen's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub(crate) level: Level,
    pub(crate) text: String,
}

/// A box's scroll position: the offset the wizard keeps, and the largest
/// useful one, which the view writes when it draws (the wizard clamps to
/// it, so scrolling back never takes extra presses).
#[derive(Debug, Default)]
pub struct Scroll {
    pub offset: u16,
    pub(crate) limit: std::cell::Cell<u16>,
}

impl Scroll {
    pub(crate) fn by(&mut self, n: i32) {
        let max = i32::from(self.limit.get());
        self.offset = (i32::from(self.offset) + n).clamp(0, max.max(0)) as u16;
    }
}

/// The whole state of the wizard.
#[derive(Debug)]
pub struct Wizard {
    pub(crate) catalog: &'static Catalog,
    pub checklist: &'static Checklist,
    pub(crate) profile_name: String,
    /// What is (or is about to be) on disk.
    pub profile: Profile,
    pub step: Step,
    pub provider_cursor: usize,
    /// The settings form of the chosen provider.
    pub form: Option<SettingsForm>,
    pub test: TestForm,
    /// The row selected on the tenant step (a finding, or a planned change).
    pub tenant_cursor: usize,
    /// The tenant step: connection, report, plan.
    pub tenant: TenantState,
    pub checklist_cursor: usize,
    /// The checklist's checks (step 5).
    pub doctor: DoctorState,
    /// The "Recent deliveries" view.
    pub(crate) deliveries: deliveries::DeliveriesState,
    /// Set when the checklist was opened as a detour: where Esc returns to.
    pub checklist_return: Option<Step>,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    /// True once the runtime has been asked to quit.
    pub quitting: bool,
    /// A keyring call in flight.
    pub busy: Option<Busy>,
    /// The id of the last effect that expects an answer.
    pub last_op: u64,
    /// Why the keyring could not be read, after the last attempt.
    pub(crate) keyring_error: Option<StoreError>,
    /// The last credential check, and the op of one in flight.
    pub(crate) credentials: Option<CredentialCheck>,
    /// Where the code view is (shown by [`Overlay::Code`]).
    pub(crate) code_view: CodeView,
    pub checking_credentials: Option<u64>,
    /// Continue from step 2 once the keyring has said what it holds (the
    /// user asked while it was being asked).
    pub(crate) submit_when_loaded: bool,
    /// The scroll of the screen's guidance box.
    pub scroll: Scroll,
    /// The scroll of the help overlay.
    pub(crate) help_scroll: Scroll,
    /// The furthest step reached this session (what was passed).
    pub(crate) reached: Step,
    /// Secrets kept in memory for this session only, as (provider, name):
    /// the keyring could not be reached.
    pub(crate) kept: Vec<(String, String)>,
    /// The store in flight keeps in memory.
    keeping: bool,
    /// Set when running in the sandbox (`--sandbox`).
    pub sandbox: Option<SandboxState>,
    /// The environment's `SMS_MFA_*` base-URL overrides, read once by the
    /// runtime at start (the wizard does no I/O): the code view shows the
    /// address the deployed code will call ([`crate::settings::base_override`]).
    pub(crate) env_overrides: BTreeMap<String, String>,
    /// Whether `SMS_MFA_AUTH0_TOKEN` is set (read once by the runtime at
    /// start): it connects the tenant, so step 4 does not offer a token.
    pub(crate) token_in_env: bool,
    /// Step 2's list of the account's values for a field (opened by itself
    /// once the credentials are in, or Ctrl-F).
    pub picker: Option<Picker>,
    /// The fields ("provider/SETTING") whose list has opened by itself
    /// since their credentials last changed.
    pub(crate) auto_picked: Vec<String>,
}

/// The sandbox, as the screens show it. Plain data: whoever starts the
/// sandbox (main, with the `sandbox` feature) fills in what it tells the
/// user, so the wizard does not depend on the sandbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxState {
    pub scenario: String,
    /// Why secrets are kept in memory (no keyring reachable), if they are.
    pub memory_only: Option<String>,
    /// What the simulated providers accepted, oldest first (the last 20).
    pub inbox: Vec<crate::providers::delivered::Delivered>,
    /// The simulated tenant's domain (filled in on the connection form).
    pub domain: String,
    /// The simulated tenant's API Explorer token (filled in, as if pasted).
    pub token: String,
    /// The sandbox account's settings per provider id, as a user types
    /// them in step 2: (setting name, value).
    pub accounts: std::collections::BTreeMap<String, Vec<(String, String)>>,
}

impl Wizard {
    /// A wizard resuming from a saved profile. `notice` is shown first (for
    /// example that a corrupt profile was moved aside).
    pub fn new(
        catalog: &'static Catalog,
        checklist: &'static Checklist,
        profile_name: &str,
        profile: Profile,
        notice: Option<String>,
    ) -> Wizard {
        let provider_index = profile
            .provider
            .as_deref()
            .and_then(|id| catalog.index_of(id));
        let mut step = profile.step;
        if provider_index.is_none() && step != Step::Provider && step != Step::Checklist {
            // A step past the provider needs a provider; an unknown id (from a
            // newer version, or edited by hand) starts again at the list.
            step = Step::Provider;
        }
        let mut profile = profile;
        profile.step = step;
        let test = TestForm {
            recipient: TextField::new(profile.test_recipient.as_deref().unwrap_or(""), false),
            text: TextField::new(DEFAULT_TEST_TEXT, false),
            focus: 0,
            show_missing: false,
            result: None,
        };
        let mut w = Wizard {
            catalog,
            checklist,
            profile_name: profile_name.to_string(),
            profile,
            step,
            provider_cursor: provider_index.unwrap_or(0),
            form: None,
            test,
            tenant_cursor: 0,
            tenant: TenantState::default(),
            checklist_cursor: 0,
            doctor: DoctorState::default(),
            deliveries: Default::default(),
            checklist_return: None,
            overlay: None,
            notice: notice.map(|text| Notice {
                level: Level::Warn,
                text,
            }),
            quitting: false,
            busy: None,
            last_op: 0,
            keyring_error: None,
            credentials: None,
            checking_credentials: None,
            code_view: CodeView {
                target: crate::codegen::Target::CustomPhoneProvider,
                scroll: 0,
            },
            submit_when_loaded: false,
            scroll: Scroll::default(),
            help_scroll: Scroll::default(),
            reached: step,
            kept: Vec::new(),
            keeping: false,
            picker: None,
            auto_picked: Vec::new(),
            sandbox: None,
            env_overrides: BTreeMap::new(),
            token_in_env: false,
        };
        if let Some(i) = provider_index {
            w.form = Some(w.new_form(i));
        }
        w
    }

    /// The effects to run once the runtime starts: ask the keyring what is
    /// stored for the chosen provider (or, on the tenant step, for the
    /// tenant connection, then check the tenant).
    pub fn start(&mut self) -> Vec<Effect> {
        if self.step == Step::Tenant && self.form.is_none() {
            return self.enter_tenant();
        }
        // Resuming on the tenant step: what the provider's settings are
        // first (the step bar and Done say whether they are complete), then
        // the connection (see `settings_loaded`).
        let mut effects: Vec<Effect> = self.load().into_iter().collect();
        if self.step == Step::Checklist {
            // Resuming on the checklist: check at once.
            effects.extend(self.run_doctor());
        }
        effects
    }

    /// Whether a text field has the keyboard (so letters are text, not commands).
    pub fn typing(&self) -> bool {
        self.overlay.is_none() && self.has_text_fields()
    }

    /// Whether the current step is a form of text fields.
    pub(crate) fn has_text_fields(&self) -> bool {
        matches!(self.step, Step::Secrets | Step::TestMessage)
            || (self.step == Step::Tenant && self.tenant.editing)
            || (self.step == Step::Tenant
                && self
                    .tenant
                    .connect
                    .as_ref()
                    .is_some_and(|c| c.plan.is_none()))
    }

    /// Typed input that quitting now would lose.
    pub fn unsaved_input(&self) -> bool {
        !self.kept.is_empty()
            || self.form.as_ref().is_some_and(SettingsForm::unsaved)
            || self.test.recipient.unsaved()
            || self.tenant.form.as_ref().is_some_and(SettingsForm::unsaved)
    }

    /// What quitting now would lose, by field: "Auth token (step 2)".
    pub(crate) fn unsaved_inputs(&self) -> Vec<String> {
        let mut v = Vec::new();
        let mut form = |group: Option<&Provider>, f: Option<&SettingsForm>, step: usize| {
            if let (Some(g), Some(f)) = (group, f) {
                for (s, field) in g.settings.iter().zip(&f.fields) {
                    if field.unsaved() {
                        v.push(format!("{} (step {step})", s.label));
                    }
                }
            }
        };
        form(self.provider(), self.form.as_ref(), 2);
        form(self.catalog.tenant.as_ref(), self.tenant.form.as_ref(), 4);
        if self.test.recipient.unsaved() {
            v.push("Recipient (step 3)".to_string());
        }
        for (p, name) in &self.kept {
            let label = self
                .catalog
                .get(p)
                .and_then(|p| p.setting(name))
                .map_or(name.as_str(), |s| s.label.as_str());
            v.push(format!("{label} (kept in memory only, step 2)"));
        }
        v
    }

    /// What is already saved (and stays) among the forms' fields.
    pub(crate) fn saved_inputs(&self) -> Vec<String> {
        let mut v = Vec::new();
        let mut form = |group: Option<&Provider>, f: Option<&SettingsForm>| {
            if let (Some(g), Some(f)) = (group, f) {
                for (i, (s, field)) in g.settings.iter().zip(&f.fields).enumerate() {
                    let kept = self.is_kept(&f.provider, &s.name);
                    if (!field.unsaved() && field.saved.is_some())
                        || (field.value().is_empty()
                            && f.stored[i].source == Source::Keyring
                            && !kept)
                    {
                        v.push(s.label.clone());
                    }
                }
            }
        };
        form(self.provider(), self.form.as_ref());
        form(self.catalog.tenant.as_ref(), self.tenant.form.as_ref());
        v
    }

    fn notice(&mut self, level: Level, text: impl Into<String>) {
        self.notice = Some(Notice {
            level,
            text: text.into(),
        });
    }

    fn save(&self) -> Effect {
        Effect::SaveProfile {
            name: self.profile_name.clone(),
            profile: self.profile.clone(),
        }
    }

    fn go(&mut self, step: Step) -> Vec<Effect> {
        // Every step but the list and the checklist works on a chosen provider.
        let step = if self.provider().is_none() && !matches!(step, Step::Provider | Step::Checklist)
        {
            Step::Provider
        } else {
            step
        };
        self.step = step;
        self.reached = self.reached.max(step);
        self.checklist_return = None;
        self.notice = None;
        self.submit_when_loaded = false;
        self.profile.step = step;
        if let Some(f) = self.form.as_mut() {
            f.reveal = false; // a secret is shown only while it is typed
        }
        if let Some(f) = self.tenant.form.as_mut() {
            f.reveal = false;
        }
        let mut effects = vec![self.save()];
        if step == Step::Secrets && !self.storing() {
            // A load still in flight (for another provider, say) is superseded.
            effects.extend(self.load());
        }
        if step == Step::Tenant {
            effects.extend(self.enter_tenant());
        }
        if step == Step::Checklist {
            effects.extend(self.run_doctor());
        }
        effects
    }

    /// Whether something on screen moves (a spinner): the runtime ticks.
    pub(crate) fn animating(&self) -> bool {
        self.busy.is_some()
            || self.doctor.running.is_some()
            || self.picker.as_ref().is_some_and(|p| p.loading)
    }

    /// The one place decisions are made: the runtime's answers (taken even
    /// while quitting), then an open overlay, then the current step.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let msg = match self.answer(msg) {
            ControlFlow::Break(effects) => return effects,
            ControlFlow::Continue(msg) => msg,
        };
        if self.quitting {
            return vec![];
        }
        if let Msg::CodeWritten(result) = msg {
            self.code_written(result);
            return vec![];
        }
        if let Msg::TraceDone { op, result } = msg {
            self.trace_done(op, result);
            return vec![];
        }
        if let Some(overlay) = self.overlay {
            return self.update_overlay(overlay, msg);
        }
        self.update_screen(msg)
    }

    /// The runtime's answers and ticks, whatever is on screen; any other
    /// message is handed back.
    fn answer(&mut self, msg: Msg) -> ControlFlow<Vec<Effect>, Msg> {
        let effects = match msg {
            Msg::Saved(Ok(())) => vec![],
            Msg::Tick => {
                if let Some(b) = self.busy.as_mut() {
                    b.ticks += 1;
                }
                if self.doctor.running.is_some() {
                    self.doctor.ticks += 1;
                }
                if let Some(p) = self.picker.as_mut().filter(|p| p.loading) {
                    p.ticks += 1;
                }
                vec![]
            }
            Msg::DoctorEvent { op, event } => {
                self.doctor_event(op, event);
                vec![]
            }
            Msg::DoctorDone { op, found } => {
                self.doctor_done(op, found);
                vec![]
            }
            Msg::SandboxDelivered(d) => {
                if let Some(s) = self.sandbox.as_mut() {
                    s.inbox.push(d);
                    let n = s.inbox.len();
                    s.inbox.drain(..n.saturating_sub(20));
                }
                vec![]
            }
            Msg::SettingsLoaded {
                op,
                settings,
                error,
            } => self.settings_loaded(op, settings, error),
            Msg::TenantDone { op, result } => self.tenant_done(op, result),
            Msg::ConnectDone { op, result } => self.connect_done(op, result),
            Msg::SendersListed { op, result } => {
                self.senders_listed(op, result);
                vec![]
            }
            Msg::RateLimited { op, secs, path } => {
                self.rate_limited(op, secs, path);
                vec![]
            }
            Msg::SecretsStored { op, result } => self.secrets_stored(op, result),
            Msg::TestSent { op, result } => self.test_sent(op, result),
            Msg::DeliveryStatus { op, result } => self.delivery_status(op, result),
            Msg::CredentialsChecked { op, result } => self.credentials_checked(op, result),
            Msg::Saved(Err(e)) => {
                self.notice(
                    Level::Error,
                    format!("Could not save progress: {e}. Your input stays in memory; check the disk space and permissions of the config directory."),
                );
                vec![]
            }
            msg => return ControlFlow::Continue(msg),
        };
        ControlFlow::Break(effects)
    }

    fn update_overlay(&mut self, overlay: Overlay, msg: Msg) -> Vec<Effect> {
        match overlay {
            Overlay::Deliveries => self.deliveries_msg(msg),
            Overlay::Code => self.update_code(msg),
            Overlay::Help => {
                match msg {
                    Msg::Up => self.help_scroll.by(-1),
                    Msg::Down => self.help_scroll.by(1),
                    Msg::Scroll(n) => self.help_scroll.by(n),
                    // (q and Ctrl-C close the help too: a second press quits)
                    Msg::Back | Msg::Help | Msg::Enter | Msg::Quit => self.overlay = None,
                    _ => {}
                }
                vec![]
            }
            Overlay::ConfirmQuit => match msg {
                Msg::Answer(true) => self.quit_now(),
                Msg::Answer(false) | Msg::Back => {
                    self.overlay = None;
                    vec![]
                }
                _ => vec![],
            },
        }
    }

    /// A key on the current step (no overlay open): the keys every step
    /// shares, then the step's own.
    fn update_screen(&mut self, msg: Msg) -> Vec<Effect> {
        if matches!(
            msg,
            Msg::Up
                | Msg::Down
                | Msg::NextField
                | Msg::PrevField
                | Msg::Enter
                | Msg::Next
                | Msg::Back
                | Msg::OpenChecklist
                | Msg::Fix
                | Msg::Tenant(_)
                | Msg::Reload
        ) {
            // The guidance box shows what the new selection is about.
            self.scroll.offset = 0;
        }
        match msg {
            Msg::Help => {
                self.overlay = Some(Overlay::Help);
                self.help_scroll.offset = 0;
                vec![]
            }
            Msg::Scroll(n) => {
                self.scroll.by(n);
                vec![]
            }
            Msg::Quit => {
                if self.unsaved_input() {
                    self.overlay = Some(Overlay::ConfirmQuit);
                    vec![]
                } else {
                    self.quit_now()
                }
            }
            Msg::OpenCode => self.open_code(),
            Msg::OpenDeliveries if self.step == Step::Checklist => self.open_deliveries(),
            Msg::OpenChecklist if self.storing() => {
                self.notice(
                    Level::Info,
                    "The keyring is storing the secrets: wait a moment, or Esc to stop waiting.",
                );
                vec![]
            }
            Msg::OpenChecklist => {
                if let Some(f) = self.form.as_mut() {
                    f.reveal = false;
                }
                if self.step != Step::Checklist {
                    let from = self.step;
                    self.step = Step::Checklist;
                    self.checklist_cursor = 0;
                    self.checklist_return = Some(from);
                    self.notice = None;
                    return self.run_doctor();
                }
                vec![]
            }
            // An open list takes Esc and Ctrl-F, and ↑↓ Enter once it has
            // choices (before, they work the form).
            _ if self.picker.as_ref().is_some_and(|p| {
                matches!(msg, Msg::Back | Msg::Pick)
                    || (!p.choices.is_empty() && matches!(msg, Msg::Up | Msg::Down | Msg::Enter))
            }) && self.step == Step::Secrets =>
            {
                self.update_picker(msg)
            }
            Msg::Back if self.cancellable() => self.cancel(),
            Msg::Back => self.back(),
            Msg::Next => self.forward(),
            _ => match self.step {
                Step::Provider => self.update_provider(msg),
                Step::Secrets => self.update_secrets(msg),
                Step::TestMessage => self.update_test(msg),
                Step::Tenant => self.update_tenant(msg),
                Step::Checklist => self.update_checklist(msg),
                Step::Done => match msg {
                    Msg::Enter => self.update(Msg::Quit),
                    _ => vec![],
                },
            },
        }
    }

    /// Whether Esc now cancels the call in flight: a store, or a load whose
    /// spinner is on screen. A load in the background does not take Esc
    /// away from navigation.
    pub(crate) fn cancellable(&self) -> bool {
        match &self.busy {
            Some(Busy {
                task:
                    Task::Storing(_)
                    | Task::Sending
                    | Task::StoringTenant(_)
                    | Task::Tenant(_)
                    | Task::Connecting(_),
                ..
            }) => true,
            Some(Busy {
                task: Task::Loading,
                ..
            }) => self.step == Step::Secrets,
            Some(Busy {
                task: Task::LoadingTenant,
                ..
            }) => self.step == Step::Tenant,
            None => false,
        }
    }

    fn call(&self) -> Option<ProviderCall> {
        Some(ProviderCall {
            profile_name: self.profile_name.clone(),
            provider: self.form.as_ref()?.provider.clone(),
            profile: self.profile.clone(),
        })
    }

    fn next_op(&mut self) -> u64 {
        self.last_op += 1;
        self.last_op
    }

    /// Stop waiting for the call in flight; its answer will be ignored.
    fn cancel(&mut self) -> Vec<Effect> {
        let Some(busy) = self.busy.take() else {
            return vec![];
        };
        self.submit_when_loaded = false;
        let text = match busy.task {
            Task::Sending => {
                "Cancelled. If the request had already reached the provider, the message may still arrive."
            }
            Task::Loading => "Stopped checking the keyring. Ctrl-L checks again.",
            Task::Storing(_) | Task::StoringTenant(_) => {
                "Stopped waiting: the keyring may still store what it was given. Your input is still here; Ctrl-N stores it again."
            }
            Task::LoadingTenant => "Stopped checking the keyring. Ctrl-L checks again.",
            Task::Tenant(TenantWork::Apply { .. }) => {
                "Stopped waiting. Changes already sent to Auth0 stay applied: r checks the tenant, f plans what is left."
            }
            Task::Tenant(TenantWork::Try { .. }) => {
                "Stopped waiting. If Auth0 had already accepted the test, the message may still arrive."
            }
            Task::Tenant(_) => "Stopped. r checks the tenant again.",
            Task::Connecting(_) => {
                "Stopped waiting. What Auth0 had already made stays; Enter plans again from what is there."
            }
        };
        self.tenant.rate_limit = None;
        self.notice(Level::Info, text);
        vec![Effect::Cancel { op: busy.op }]
    }

    fn quit_now(&mut self) -> Vec<Effect> {
        self.overlay = None;
        self.quitting = true;
        vec![Effect::Quit]
    }

    fn back(&mut self) -> Vec<Effect> {
        if let Some(from) = self.checklist_return.take() {
            self.step = from;
            return vec![];
        }
        if self.step == Step::Tenant && (self.connect_back() || self.tenant_back()) {
            return vec![];
        }
        match self.step.prev() {
            Some(prev) => self.go(prev),
            None => {
                self.notice(Level::Info, "This is the first step. Press q to quit.");
                vec![]
            }
        }
    }

    /// Continue to the next step if the current one is complete; otherwise
    /// say what is missing.
    fn forward(&mut self) -> Vec<Effect> {
        if let Some(from) = self.checklist_return.take() {
            // The checklist was a detour: continue where the user came from.
            self.step = from;
            return vec![];
        }
        match self.step {
            Step::Provider => self.choose_provider(),
            Step::Secrets => self.submit_secrets(),
            Step::TestMessage => self.submit_test(),
            Step::Tenant => self.tenant_forward(),
            Step::Checklist => self.go(Step::Done),
            Step::Done => vec![],
        }
    }
}

/// Move a list cursor up or down, wrapping at both ends.
fn move_cursor(cursor: &mut usize, len: usize, msg: &Msg) {
    *cursor = match msg {
        Msg::Up => (*cursor + len - 1) % len,
        _ => (*cursor + 1) % len,
    };
}
