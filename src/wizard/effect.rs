//! Work for the runtime: each [`Effect`] is a value the runtime performs at
//! the edge, answered by a [`Msg`].

#[cfg(doc)]
use super::Msg; // the doc links
use super::{TenantCall, TenantWork};
use crate::config::Profile;
use crate::secrets::Secret;

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
    pub(crate) fn op(&self) -> Option<u64> {
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
    pub(crate) profile_name: String,
    pub(crate) provider: String,
    pub(crate) profile: Profile,
}
