//! Everything that can happen to the wizard: the keys the runtime turns into
//! [`Msg`]s, and the runtime's answers to the [`Effect`]s.

#[cfg(doc)]
use super::Effect; // the doc links
use super::{ConnectAnswer, Stored, TenantAnswer, TenantKey};
use crate::providers::outcome::{Accepted, CredentialReport, Delivery, Failure};
use crate::secrets::StoreError;
use tui_input::InputRequest;

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
