//! The step state machine. Pure: no I/O, no terminal. Every input becomes a
//! [`Msg`]; [`Wizard::update`] decides what it means and answers with the
//! [`Effect`]s the runtime must carry out (which answer with more `Msg`s).

mod checklist;
mod connect;
mod deliveries;
mod form;
mod picker;
mod progress;
mod step;
mod tenant;

pub use checklist::{DoctorState, Row};
pub use connect::{ConnectAnswer, ConnectForm, ConnectView};
pub use form::{FieldState, SettingsForm, Stored, TextField};
pub use picker::{PICKABLE, Picker};
pub use progress::SecretsAt;
pub use step::Step;
pub use tenant::{
    ApplyView, PlanView, RateLimit, TenantAnswer, TenantCall, TenantKey, TenantReport, TenantState,
    TenantWork, domain_host,
};
pub use tui_input::InputRequest;

use crate::checklist::Checklist;
use crate::config::Profile;
use crate::providers::outcome::{Accepted, CredentialReport, Delivery, Failure};
use crate::providers::{Catalog, Provider, validate};
use crate::secrets::{Secret, Source, StoreError};

/// The text Auth0 sends by default, used as the test message.
pub const DEFAULT_TEST_TEXT: &str = "Your verification code is 123456";

/// Everything that can happen to the wizard.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Up,
    Down,
    /// Enter: the screen's primary action (select, next field, send, continue).
    Enter,
    /// Continue to the next step, if the current one is complete.
    Next,
    /// Esc: close an overlay, or go back one step.
    Back,
    NextField,
    PrevField,
    Edit(InputRequest),
    /// Show the focused secret field while it is typed (and hide it again).
    ToggleReveal,
    Help,
    /// Open the troubleshooting checklist from any step.
    OpenChecklist,
    Quit,
    /// The answer to a yes/no question (quit without saving).
    Answer(bool),
    /// The runtime's answer to [`Effect::SaveProfile`].
    Saved(Result<(), String>),
    /// A timer tick while something is in progress (drives the spinner).
    Tick,
    /// Ask the keyring and the environment again (Ctrl-L on the secrets step).
    Reload,
    /// The keyring cannot be reached: keep the typed secrets in memory for
    /// this session only (Ctrl-S on the secrets step).
    KeepInMemory,
    /// The runtime's answer to [`Effect::LoadSettings`]: per setting name,
    /// where its value comes from; the keyring's error if it failed.
    SettingsLoaded {
        op: u64,
        settings: Vec<(String, Stored)>,
        error: Option<StoreError>,
    },
    /// The runtime's answer to [`Effect::StoreSecrets`].
    SecretsStored {
        op: u64,
        result: Result<(), StoreError>,
    },
    /// The runtime's answer to [`Effect::SendTest`].
    TestSent {
        op: u64,
        result: Result<Accepted, CallError>,
    },
    /// The runtime's answer to [`Effect::PollDelivery`].
    DeliveryStatus {
        op: u64,
        result: Result<Delivery, CallError>,
    },
    /// Show the generated Action code (Ctrl-O), after a successful test.
    OpenCode,
    /// Scroll the code view by this many lines.
    Scroll(i32),
    /// Show the other trigger's code.
    SwitchTarget,
    /// Write the code shown to a file.
    WriteCode,
    /// The runtime's answer to [`Effect::WriteCode`]: where it went.
    CodeWritten(Result<std::path::PathBuf, String>),
    /// The runtime's answer to [`Effect::CheckCredentials`].
    CredentialsChecked {
        op: u64,
        result: Result<CredentialReport, CallError>,
    },
    /// A key of the tenant step: check, plan, apply, edit, try.
    Tenant(TenantKey),
    /// The runtime's answer to [`Effect::Tenant`].
    TenantDone {
        op: u64,
        result: Result<TenantAnswer, String>,
    },
    /// `a` on the checklist: apply the selected check's fix.
    Fix,
    /// The sandbox: a simulated provider accepted a message (the inbox).
    SandboxDelivered(crate::providers::delivered::Delivered),
    /// Progress of [`Effect::Doctor`] `op`.
    DoctorEvent {
        op: u64,
        event: crate::doctor::Event,
    },
    /// The runtime's answer to [`Effect::Doctor`]: everything found.
    DoctorDone {
        op: u64,
        found: Vec<crate::doctor::Found>,
    },
    /// `d` on the checklist: the "Recent deliveries" view (the trace of
    /// step 3's recipient).
    OpenDeliveries,
    /// The runtime's answer to [`Effect::Trace`].
    TraceDone {
        op: u64,
        result: Result<crate::trace::Trace, String>,
    },
    /// Auth0's rate limit: the work of `op` waits `secs` seconds.
    RateLimited {
        op: u64,
        secs: u64,
        path: String,
    },
    /// Ctrl-P on step 4's connection form: connect with a pasted token.
    ConnectOpen,
    /// Ctrl-F on step 2: list the account's values for the focused field.
    Pick,
    /// The runtime's answer to [`Effect::ListSenders`].
    SendersListed {
        op: u64,
        result: Result<crate::providers::clients::Senders, String>,
    },
    /// The runtime's answer to [`Effect::Connect`].
    ConnectDone {
        op: u64,
        result: Result<ConnectAnswer, String>,
    },
}

/// Why a provider call did not happen or did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// Settings missing or invalid (each named): nothing was sent.
    Setup(Vec<String>),
    /// The provider (or the way to it) failed, classified.
    Failed(Failure),
}

/// Work for the runtime. Each is a value; the runtime performs it at the edge.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SaveProfile {
        name: String,
        profile: Profile,
    },
    /// Find where each setting of `provider` comes from (environment,
    /// keyring, profile); answered by [`Msg::SettingsLoaded`].
    LoadSettings {
        op: u64,
        profile_name: String,
        provider: String,
        profile: Profile,
    },
    /// Store typed secrets in the OS keyring; answered by
    /// [`Msg::SecretsStored`].
    StoreSecrets {
        op: u64,
        profile_name: String,
        provider: String,
        secrets: Vec<(String, Secret)>,
        /// Keep them in memory for this session only (no keyring).
        memory: bool,
    },
    /// Send a test message with the profile's settings; answered by
    /// [`Msg::TestSent`].
    SendTest {
        op: u64,
        call: ProviderCall,
        to: String,
        text: String,
    },
    /// Ask for a sent message's delivery status after `after`; answered by
    /// [`Msg::DeliveryStatus`].
    PollDelivery {
        op: u64,
        call: ProviderCall,
        id: String,
        after: std::time::Duration,
    },
    /// Check the credentials without sending; answered by
    /// [`Msg::CredentialsChecked`].
    CheckCredentials {
        op: u64,
        call: ProviderCall,
    },
    /// Stop the work of effect `op` (its answer will be ignored anyway).
    Cancel {
        op: u64,
    },
    /// Work on the tenant through the Management API; answered by
    /// [`Msg::TenantDone`] (and [`Msg::RateLimited`] while it waits).
    Tenant {
        op: u64,
        call: TenantCall,
        work: TenantWork,
    },
    /// Run the troubleshooting checks; answered by [`Msg::DoctorDone`]
    /// (and [`Msg::DoctorEvent`] as groups of checks finish).
    Doctor {
        op: u64,
        call: TenantCall,
    },
    /// Trace the messages to `to` (every recipient's failures without
    /// one): the provider's delivery records and the tenant's log, joined;
    /// answered by [`Msg::TraceDone`].
    Trace {
        op: u64,
        call: TenantCall,
        to: Option<String>,
    },
    /// Write generated code to `file_name` in the data directory's `code/`;
    /// answered by [`Msg::CodeWritten`].
    WriteCode {
        file_name: String,
        code: String,
    },
    /// List what the account may send from, with the settings of `call`
    /// and the values typed so far; answered by [`Msg::SendersListed`].
    ListSenders {
        op: u64,
        call: ProviderCall,
        typed: Vec<(String, Secret)>,
    },
    /// `tenant connect` with a pasted token (used for this call only):
    /// plan, or with `apply` make the plan; answered by
    /// [`Msg::ConnectDone`].
    Connect {
        op: u64,
        profile_name: String,
        domain: String,
        token: Secret,
        apply: bool,
    },
    Quit,
}

impl Effect {
    /// The id its answer will carry, for effects that are answered.
    pub fn op(&self) -> Option<u64> {
        match self {
            Effect::LoadSettings { op, .. }
            | Effect::StoreSecrets { op, .. }
            | Effect::SendTest { op, .. }
            | Effect::PollDelivery { op, .. }
            | Effect::CheckCredentials { op, .. }
            | Effect::Tenant { op, .. }
            | Effect::Doctor { op, .. }
            | Effect::Trace { op, .. }
            | Effect::Connect { op, .. }
            | Effect::ListSenders { op, .. } => Some(*op),
            Effect::SaveProfile { .. }
            | Effect::Cancel { .. }
            | Effect::WriteCode { .. }
            | Effect::Quit => None,
        }
    }
}

/// Who a provider call is for: the settings come from the environment, the
/// keyring and this profile, at the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderCall {
    pub profile_name: String,
    pub provider: String,
    pub profile: Profile,
}

/// How often, and how long, delivery is followed.
pub const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
pub const POLLS: u32 = 15;

/// Work in flight: the screen shows a spinner and Esc cancels it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    /// The id of the effect whose answer is awaited; other answers are stale.
    pub op: u64,
    pub task: Task,
    /// Spinner frames since it started.
    pub ticks: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
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

/// What became of the last test message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
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

/// The last credential check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialCheck {
    pub provider: String,
    pub result: Result<CredentialReport, CallError>,
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

/// The code view: which trigger's Action, scrolled how far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeView {
    pub target: crate::codegen::Target,
    pub scroll: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A one-line message under the screen's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

/// The test-message form: recipient and text.
#[derive(Debug, Clone)]
pub struct TestForm {
    pub recipient: TextField,
    pub text: TextField,
    /// 0: recipient, 1: text.
    pub focus: usize,
    pub show_missing: bool,
    /// The last send, and its delivery.
    pub result: Option<SendResult>,
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

    pub fn text_state(&self) -> FieldState {
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

/// A box's scroll position: the offset the wizard keeps, and the largest
/// useful one, which the view writes when it draws (the wizard clamps to
/// it, so scrolling back never takes extra presses).
#[derive(Debug, Default)]
pub struct Scroll {
    pub offset: u16,
    pub limit: std::cell::Cell<u16>,
}

impl Scroll {
    pub fn by(&mut self, n: i32) {
        let max = i32::from(self.limit.get());
        self.offset = (i32::from(self.offset) + n).clamp(0, max.max(0)) as u16;
    }
}

/// How a step stands, for the step bar and the Done screen (one source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Current,
    Done,
    Failed,
    /// Passed without being done (a failed test skipped, no tenant check).
    Skipped,
    Pending,
}

/// The whole state of the wizard.
#[derive(Debug)]
pub struct Wizard {
    pub catalog: &'static Catalog,
    pub checklist: &'static Checklist,
    pub profile_name: String,
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
    pub deliveries: deliveries::DeliveriesState,
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
    pub keyring_error: Option<StoreError>,
    /// The last credential check, and the op of one in flight.
    pub credentials: Option<CredentialCheck>,
    /// Where the code view is (shown by [`Overlay::Code`]).
    pub code_view: CodeView,
    pub checking_credentials: Option<u64>,
    /// Continue from step 2 once the keyring has said what it holds (the
    /// user asked while it was being asked).
    pub submit_when_loaded: bool,
    /// The scroll of the screen's guidance box.
    pub scroll: Scroll,
    /// The scroll of the help overlay.
    pub help_scroll: Scroll,
    /// The furthest step reached this session (what was passed).
    pub reached: Step,
    /// Secrets kept in memory for this session only, as (provider, name):
    /// the keyring could not be reached.
    pub kept: Vec<(String, String)>,
    /// The store in flight keeps in memory.
    keeping: bool,
    /// Set when running in the sandbox (`--sandbox`).
    pub sandbox: Option<SandboxState>,
    /// Step 2's list of the account's values for a field (Ctrl-F).
    pub picker: Option<Picker>,
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
            sandbox: None,
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

    fn load(&mut self) -> Option<Effect> {
        let provider = self.form.as_ref()?.provider.clone();
        self.last_op += 1;
        self.busy = Some(Busy {
            op: self.last_op,
            task: Task::Loading,
            ticks: 0,
        });
        Some(Effect::LoadSettings {
            op: self.last_op,
            profile_name: self.profile_name.clone(),
            provider,
            profile: self.profile.clone(),
        })
    }

    /// The chosen provider, if any.
    pub fn provider(&self) -> Option<&'static Provider> {
        let catalog: &'static Catalog = self.catalog;
        self.form.as_ref().and_then(|f| catalog.get(&f.provider))
    }

    fn new_form(&self, index: usize) -> SettingsForm {
        let provider = &self.catalog.providers[index];
        let saved = self.profile.settings.get(&provider.id);
        SettingsForm::new(provider, |name| {
            let setting = provider.setting(name)?;
            if setting.secret {
                None
            } else {
                saved.and_then(|m| m.get(name).cloned())
            }
        })
    }

    /// Whether a text field has the keyboard (so letters are text, not commands).
    pub fn typing(&self) -> bool {
        self.overlay.is_none() && self.has_text_fields()
    }

    /// Whether the current step is a form of text fields.
    pub fn has_text_fields(&self) -> bool {
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
    pub fn unsaved_inputs(&self) -> Vec<String> {
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

    /// Whether the secret `name` of `provider` is kept in memory only.
    pub fn is_kept(&self, provider: &str, name: &str) -> bool {
        self.kept.iter().any(|(p, n)| p == provider && n == name)
    }

    /// What is already saved (and stays) among the forms' fields.
    pub fn saved_inputs(&self) -> Vec<String> {
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

    /// Whether the settings of the chosen provider are complete and valid.
    pub fn settings_complete(&self) -> bool {
        match (self.provider(), &self.form) {
            (Some(p), Some(f)) => f.blocking(p).is_empty(),
            _ => false,
        }
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

    /// Where stored secrets go, for people: the OS keyring, or memory (a
    /// sandbox without a keyring).
    pub fn secret_home(&self) -> &'static str {
        match &self.sandbox {
            Some(s) if s.memory_only.is_some() => "memory (no keyring)",
            _ => "the OS keyring",
        }
    }

    /// The same, short, for a field's status: "the keyring" or "memory".
    pub fn secret_home_short(&self) -> &'static str {
        match &self.sandbox {
            Some(s) if s.memory_only.is_some() => "memory",
            _ => "the keyring",
        }
    }

    /// The keyring service the secrets go to.
    pub fn keyring_service(&self) -> &'static str {
        if self.sandbox.is_some() {
            crate::secrets::SANDBOX_SERVICE
        } else {
            crate::secrets::SERVICE
        }
    }

    /// Whether something on screen moves (a spinner): the runtime ticks.
    pub fn animating(&self) -> bool {
        self.busy.is_some() || self.doctor.running.is_some()
    }

    /// The one place decisions are made.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Saved(Ok(())) => return vec![],
            Msg::Tick => {
                if let Some(b) = self.busy.as_mut() {
                    b.ticks += 1;
                }
                if self.doctor.running.is_some() {
                    self.doctor.ticks += 1;
                }
                return vec![];
            }
            Msg::DoctorEvent { op, event } => {
                self.doctor_event(op, event);
                return vec![];
            }
            Msg::DoctorDone { op, found } => {
                self.doctor_done(op, found);
                return vec![];
            }
            Msg::SandboxDelivered(d) => {
                if let Some(s) = self.sandbox.as_mut() {
                    s.inbox.push(d);
                    let n = s.inbox.len();
                    s.inbox.drain(..n.saturating_sub(20));
                }
                return vec![];
            }
            Msg::SettingsLoaded {
                op,
                settings,
                error,
            } => return self.settings_loaded(op, settings, error),
            Msg::TenantDone { op, result } => return self.tenant_done(op, result),
            Msg::ConnectDone { op, result } => return self.connect_done(op, result),
            Msg::SendersListed { op, result } => {
                self.senders_listed(op, result);
                return vec![];
            }
            Msg::RateLimited { op, secs, path } => {
                self.rate_limited(op, secs, path);
                return vec![];
            }
            Msg::SecretsStored { op, result } => return self.secrets_stored(op, result),
            Msg::TestSent { op, result } => return self.test_sent(op, result),
            Msg::DeliveryStatus { op, result } => return self.delivery_status(op, result),
            Msg::CredentialsChecked { op, result } => {
                if self.checking_credentials == Some(op) {
                    self.checking_credentials = None;
                    if let Some(p) = self.provider() {
                        self.credentials = Some(CredentialCheck {
                            provider: p.id.clone(),
                            result,
                        });
                    }
                }
                return vec![];
            }
            Msg::Saved(Err(e)) => {
                self.notice(
                    Level::Error,
                    format!("Could not save progress: {e}. Your input stays in memory; check the disk space and permissions of the config directory."),
                );
                return vec![];
            }
            _ => {}
        }
        if self.quitting {
            return vec![];
        }
        if let Msg::CodeWritten(result) = msg {
            match result {
                Ok(path) => self.notice(Level::Info, format!("Code written to {}.", path.display())),
                Err(e) => self.notice(
                    Level::Error,
                    format!("Could not write the code: {e}. Check the data directory's permissions and free space."),
                ),
            }
            return vec![];
        }
        if let Msg::TraceDone { op, result } = msg {
            self.trace_done(op, result);
            return vec![];
        }
        if self.overlay == Some(Overlay::Deliveries) {
            return self.deliveries_msg(msg);
        }
        match self.overlay {
            Some(Overlay::Deliveries) => unreachable!("answered above"),
            Some(Overlay::Code) => {
                return match msg {
                    Msg::Back | Msg::OpenCode => {
                        self.overlay = None;
                        vec![]
                    }
                    Msg::Quit => {
                        self.overlay = None;
                        self.update(Msg::Quit)
                    }
                    Msg::Up => self.scroll(-1),
                    Msg::Down => self.scroll(1),
                    Msg::Scroll(n) => self.scroll(n),
                    Msg::SwitchTarget | Msg::NextField | Msg::PrevField => {
                        use crate::codegen::Target;
                        self.code_view.target = match self.code_view.target {
                            Target::CustomPhoneProvider => Target::SendPhoneMessage,
                            Target::SendPhoneMessage => Target::CustomPhoneProvider,
                        };
                        self.code_view.scroll = 0;
                        vec![]
                    }
                    Msg::WriteCode => self.write_code(),
                    _ => vec![],
                };
            }
            Some(Overlay::Help) => {
                match msg {
                    Msg::Up => self.help_scroll.by(-1),
                    Msg::Down => self.help_scroll.by(1),
                    Msg::Scroll(n) => self.help_scroll.by(n),
                    // (q and Ctrl-C close the help too: a second press quits)
                    Msg::Back | Msg::Help | Msg::Enter | Msg::Quit => self.overlay = None,
                    _ => {}
                }
                return vec![];
            }
            Some(Overlay::ConfirmQuit) => {
                return match msg {
                    Msg::Answer(true) => self.quit_now(),
                    Msg::Answer(false) | Msg::Back => {
                        self.overlay = None;
                        vec![]
                    }
                    _ => vec![],
                };
            }
            None => {}
        }
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
            _ if self.picker.is_some()
                && self.step == Step::Secrets
                && matches!(
                    msg,
                    Msg::Up | Msg::Down | Msg::Enter | Msg::Back | Msg::Pick
                ) =>
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

    /// Whether secrets are being stored (the form waits for the answer).
    pub fn storing(&self) -> bool {
        matches!(
            self.busy,
            Some(Busy {
                task: Task::Storing(_),
                ..
            })
        )
    }

    /// Whether Esc now cancels the call in flight: a store, or a load whose
    /// spinner is on screen. A load in the background does not take Esc
    /// away from navigation.
    pub fn cancellable(&self) -> bool {
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

    /// Whether the last test message was accepted by the provider.
    pub fn test_accepted(&self) -> bool {
        matches!(self.test.result, Some(SendResult::Accepted { .. }))
    }

    /// The Action code for the chosen provider and the view's trigger, with
    /// the profile's API base URL when it sets one.
    pub fn code(&self) -> Option<Result<String, String>> {
        let p = self.provider()?;
        let base = p
            .base_setting
            .as_deref()
            .filter(|_| !p.base_url.is_empty())
            .and_then(|name| self.profile.settings.get(&p.id)?.get(name))
            .map(String::as_str);
        Some(crate::codegen::render(p, self.code_view.target, base))
    }

    fn open_code(&mut self) -> Vec<Effect> {
        if self.provider().is_none() {
            self.notice(Level::Info, "Choose a provider first (step 1).");
        } else if !self.test_accepted() {
            self.notice(
                Level::Info,
                "Send a test message first (step 3): the code is shown once the provider has accepted one with these settings.",
            );
        } else {
            self.overlay = Some(Overlay::Code);
            self.notice = None;
            self.code_view.scroll = 0;
            // Once the tenant was checked, show the code for its trigger.
            if let Some(g) = self.tenant.generation() {
                self.code_view.target = crate::auth0::plan::target(g);
            }
        }
        vec![]
    }

    fn scroll(&mut self, by: i32) -> Vec<Effect> {
        let lines = self
            .code()
            .and_then(Result::ok)
            .map_or(0, |c| c.lines().count()) as i32;
        let next = (self.code_view.scroll as i32 + by).clamp(0, (lines - 1).max(0));
        self.code_view.scroll = next as u16;
        vec![]
    }

    fn write_code(&mut self) -> Vec<Effect> {
        let (Some(p), Some(Ok(code))) = (self.provider(), self.code()) else {
            return vec![];
        };
        let file_name = format!(
            "{}-{}-{}.js",
            self.profile_name,
            p.id,
            self.code_view.target.id()
        );
        vec![Effect::WriteCode { file_name, code }]
    }

    /// Whether a test message is on its way.
    pub fn sending(&self) -> bool {
        matches!(
            self.busy,
            Some(Busy {
                task: Task::Sending,
                ..
            })
        )
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

    /// Check the credentials in the background (after they are saved).
    fn check_credentials(&mut self) -> Vec<Effect> {
        let Some(call) = self.call() else {
            return vec![];
        };
        let op = self.next_op();
        self.checking_credentials = Some(op);
        self.credentials = None;
        vec![Effect::CheckCredentials { op, call }]
    }

    fn test_sent(&mut self, op: u64, result: Result<Accepted, CallError>) -> Vec<Effect> {
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

    fn delivery_status(&mut self, op: u64, result: Result<Delivery, CallError>) -> Vec<Effect> {
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

    fn settings_loaded(
        &mut self,
        op: u64,
        settings: Vec<(String, Stored)>,
        error: Option<StoreError>,
    ) -> Vec<Effect> {
        let Some(busy) = self.busy.as_ref().filter(|b| b.op == op) else {
            return vec![]; // stale: cancelled, or superseded by a newer request
        };
        let tenant = busy.task == Task::LoadingTenant;
        self.busy = None;
        if tenant {
            if let Some(e) = &error {
                self.notice(
                    Level::Error,
                    format!(
                        "Could not read the keyring ({}): {} Ctrl-L checks again.",
                        e.kind(),
                        e.remedy()
                    ),
                );
            }
            self.keyring_error = error;
            return self.tenant_loaded(settings);
        }
        let (Some(provider), Some(form)) = (self.provider(), self.form.as_mut()) else {
            return vec![];
        };
        if error.is_some() {
            // What the keyring holds is not known now (the environment may
            // still answer, below).
            for (i, s) in provider.settings.iter().enumerate() {
                if s.secret {
                    form.stored[i] = Stored::UNKNOWN;
                }
            }
        }
        for (name, stored) in settings {
            if let Some(i) = provider.settings.iter().position(|s| s.name == name) {
                form.stored[i] = stored;
            }
        }
        if let Some(e) = &error {
            self.notice(
                Level::Error,
                format!(
                    "Could not read the keyring ({}): what to do is in the box above.",
                    e.kind()
                ),
            );
        } else if self.keyring_error.is_some()
            && self
                .notice
                .as_ref()
                .is_some_and(|n| n.level == Level::Error)
        {
            self.notice(Level::Info, "The keyring answers again.");
        }
        let failed = error.is_some();
        self.keyring_error = error;
        if std::mem::take(&mut self.submit_when_loaded) && !failed && self.step == Step::Secrets {
            // Ctrl-N came while the keyring was asked: carry it out now.
            return self.submit_secrets();
        }
        if self.step == Step::Tenant && self.tenant.form.is_none() {
            // Resumed on the tenant step: now its connection.
            return self.enter_tenant();
        }
        vec![]
    }

    fn secrets_stored(&mut self, op: u64, result: Result<(), StoreError>) -> Vec<Effect> {
        let (names, tenant) = match &self.busy {
            Some(Busy {
                op: o,
                task: Task::Storing(names),
                ..
            }) if *o == op => (names.clone(), false),
            Some(Busy {
                op: o,
                task: Task::StoringTenant(names),
                ..
            }) if *o == op => (names.clone(), true),
            _ => return vec![], // stale
        };
        self.busy = None;
        if let Err(e) = result {
            self.keeping = false;
            self.keyring_error = Some(e.clone());
            self.notice(
                Level::Error,
                match e {
                    StoreError::Timeout(_) => "The keyring did not confirm in time: the secrets may or may not be stored. Your input is still here; what to do is in the box above.".to_string(),
                    _ => format!(
                        "Not stored (keyring {}): your input is still here. What to do is in the box above.",
                        e.kind()
                    ),
                },
            );
            return vec![];
        }
        self.keyring_error = None;
        if tenant {
            let effects = self.tenant_stored(&names);
            let text = if self
                .sandbox
                .as_ref()
                .is_some_and(|s| s.memory_only.is_some())
            {
                "Stored the client secret in memory for this session (no keyring); checking the tenant…".to_string()
            } else {
                format!(
                    "Stored the client secret in the OS keyring (service {}, user {}/auth0/NAME); checking the tenant…",
                    self.keyring_service(),
                    self.profile_name
                )
            };
            self.notice(Level::Info, text);
            return effects;
        }
        let Some(provider) = self.provider() else {
            return vec![];
        };
        let keeping = std::mem::take(&mut self.keeping);
        let id = provider.id.clone();
        self.kept.retain(|(p, n)| !(p == &id && names.contains(n)));
        if keeping {
            self.kept
                .extend(names.iter().map(|n| (id.clone(), n.clone())));
        }
        let Some(form) = self.form.as_mut() else {
            return vec![];
        };
        let mut shadowed = Vec::new();
        for name in &names {
            if let Some(i) = provider.settings.iter().position(|s| &s.name == name) {
                form.fields[i].clear();
                if form.stored[i].source == Source::Environment {
                    shadowed.push(crate::secrets::env_var(name));
                } else {
                    form.stored[i] = Stored {
                        source: Source::Keyring,
                        check: crate::providers::Validation::Ok,
                    };
                }
            }
        }
        let mut effects = self.go(Step::TestMessage);
        effects.extend(self.check_credentials());
        let n = names.len();
        let mut text = if keeping {
            format!(
                "Kept {n} secret{} in memory for this session only: nothing was written, and {} gone when you quit. The test, the checklist and the tenant fix use {}.",
                if n == 1 { "" } else { "s" },
                if n == 1 { "it is" } else { "they are" },
                if n == 1 { "it" } else { "them" }
            )
        } else if self
            .sandbox
            .as_ref()
            .is_some_and(|s| s.memory_only.is_some())
        {
            format!(
                "Stored {n} secret{} in memory for this session (no keyring): gone when you quit.",
                if n == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "Stored {n} secret{} in the OS keyring (service {}, user {}/{}/NAME).",
                if n == 1 { "" } else { "s" },
                self.keyring_service(),
                self.profile_name,
                provider.id
            )
        };
        if !shadowed.is_empty() {
            text.push_str(&format!(
                " The environment still wins: {} is set.",
                shadowed.join(", ")
            ));
        }
        self.notice(Level::Info, text);
        effects
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

    fn update_provider(&mut self, msg: Msg) -> Vec<Effect> {
        let n = self.catalog.providers.len();
        match msg {
            Msg::Up | Msg::Down => move_cursor(&mut self.provider_cursor, n, &msg),
            Msg::Enter => return self.choose_provider(),
            _ => {}
        }
        vec![]
    }

    fn choose_provider(&mut self) -> Vec<Effect> {
        let provider = &self.catalog.providers[self.provider_cursor];
        let same = self
            .form
            .as_ref()
            .is_some_and(|f| f.provider == provider.id);
        if !same {
            self.form = Some(self.new_form(self.provider_cursor));
            // The last test was another provider's.
            self.test.result = None;
            self.credentials = None;
        }
        self.profile.provider = Some(provider.id.clone());
        self.go(Step::Secrets)
    }

    fn update_secrets(&mut self, msg: Msg) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return self.go(Step::Provider);
        };
        match msg {
            // While the keyring stores what was typed, the form stays as it is.
            _ if matches!(
                self.busy,
                Some(Busy {
                    task: Task::Storing(_),
                    ..
                })
            ) => {}
            Msg::Up | Msg::PrevField => form.focus_prev(),
            Msg::Down | Msg::NextField => form.focus_next(),
            Msg::Edit(req) => {
                form.fields[form.focus].edit(req);
                self.refresh_attention();
            }
            Msg::ToggleReveal if form.fields[form.focus].secret => form.reveal = !form.reveal,
            Msg::Reload if self.busy.is_none() => return self.load().into_iter().collect(),
            Msg::KeepInMemory if self.keyring_error.is_some() => {
                return self.submit_secrets_to(true);
            }
            Msg::Pick => return self.open_picker(),
            Msg::Enter => {
                if form.focus + 1 < form.fields.len() {
                    form.focus_next();
                } else {
                    return self.submit_secrets();
                }
            }
            _ => {}
        }
        vec![]
    }

    /// The "N fields need attention" notice follows the fields as they are
    /// fixed, and goes once none needs attention.
    fn refresh_attention(&mut self) {
        let stale = self.notice.as_ref().is_some_and(|n| {
            n.level == Level::Error && n.text.contains("attention before you can continue")
        });
        if !stale {
            return;
        }
        let n = match (self.provider(), self.form.as_ref()) {
            (Some(p), Some(f)) => f.blocking(p).len(),
            _ => 0,
        };
        if n == 0 {
            self.notice(
                Level::Info,
                "Every field is fine now: Ctrl-N (or Enter on the last field) saves and continues.",
            );
        } else {
            self.notice(Level::Error, attention(n));
        }
    }

    fn submit_secrets(&mut self) -> Vec<Effect> {
        self.submit_secrets_to(false)
    }

    /// Save the form: secrets to the keyring, or (`memory`) kept in memory
    /// for this session.
    fn submit_secrets_to(&mut self, memory: bool) -> Vec<Effect> {
        if matches!(
            self.busy,
            Some(Busy {
                task: Task::Storing(_),
                ..
            })
        ) {
            return vec![];
        }
        let loading = self.busy.is_some();
        let (Some(provider), Some(form)) = (self.provider(), self.form.as_mut()) else {
            return self.go(Step::Provider);
        };
        let blocking = form.blocking(provider);
        if loading && !blocking.is_empty() {
            // What is stored is not known yet: continue once it is.
            self.submit_when_loaded = true;
            self.notice(
                Level::Info,
                "Checking the keyring for stored values first; continuing by itself…",
            );
            return vec![];
        }
        if let Some(&first) = blocking.first() {
            form.show_missing = true;
            form.focus = first;
            form.reveal = false;
            self.notice(Level::Error, attention(blocking.len()));
            return vec![];
        }
        let (saved, secrets) = form.take_submitted(provider);
        if !secrets.is_empty() || self.profile.settings.get(&provider.id) != Some(&saved) {
            // The last test used other settings.
            self.test.result = None;
        }
        self.profile.settings.insert(provider.id.clone(), saved);
        if secrets.is_empty() {
            let mut effects = self.go(Step::TestMessage);
            effects.extend(self.check_credentials());
            return effects;
        }
        self.last_op += 1;
        self.busy = Some(Busy {
            op: self.last_op,
            task: Task::Storing(secrets.iter().map(|(n, _)| n.clone()).collect()),
            ticks: 0,
        });
        self.notice = None;
        self.keeping = memory;
        vec![
            self.save(),
            Effect::StoreSecrets {
                op: self.last_op,
                profile_name: self.profile_name.clone(),
                provider: provider.id.clone(),
                secrets,
                memory,
            },
        ]
    }

    fn update_test(&mut self, msg: Msg) -> Vec<Effect> {
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

    fn submit_test(&mut self) -> Vec<Effect> {
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
}

/// "2 fields need attention before you can continue."
fn attention(n: usize) -> String {
    format!(
        "{n} field{} need{} attention before you can continue.",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" }
    )
}

/// Move a list cursor up or down, wrapping at both ends.
fn move_cursor(cursor: &mut usize, len: usize, msg: &Msg) {
    *cursor = match msg {
        Msg::Up => (*cursor + len - 1) % len,
        _ => (*cursor + 1) % len,
    };
}
