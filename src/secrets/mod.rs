//! The secret store: the [`SecretStore`] trait, the OS keyring, an
//! in-memory store and the session store. Where a setting's value comes
//! from (environment > keyring > profile) is [`crate::settings`]' job.
//!
//! Keyring entries are named service [`SERVICE`], user
//! `PROFILE/PROVIDER/NAME` (see [`entry_user`]), so several profiles
//! (tenants) and providers live side by side.

mod memory;
mod os;
mod session;

pub use memory::{Fault, MemoryStore};
pub use os::OsKeyring;
pub(crate) use session::SessionStore;

use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// The keyring service name of every entry.
pub(crate) const SERVICE: &str = "sms-mfa";
/// The service of the sandbox's entries (`sms-mfa --sandbox`).
pub const SANDBOX_SERVICE: &str = "sms-mfa-sandbox";
/// How long one keyring call may take before it counts as failed.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The keyring user of a setting: `PROFILE/PROVIDER/NAME`.
pub fn entry_user(profile: &str, provider: &str, name: &str) -> String {
    format!("{profile}/{provider}/{name}")
}

/// Why the keyring could not be used. Each kind has its own remedy; a
/// missing entry is not an error (it is `Ok(None)`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No session bus, no Secret Service, no keychain.
    #[error("no OS keyring is reachable ({detail})")]
    Unavailable { detail: String },
    /// The keyring is there but locked, or has no default collection.
    #[error("the OS keyring is locked or has no unlocked default keyring ({detail})")]
    Locked { detail: String },
    /// No answer in time (an unlock dialog may be waiting).
    #[error("the OS keyring did not answer within {} s", .0.as_secs())]
    Timeout(Duration),
    /// Anything else the keyring answered.
    #[error("the OS keyring refused the request ({detail})")]
    Failed { detail: String },
}

impl StoreError {
    /// A short stable name, for `--json` and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Unavailable { .. } => "unavailable",
            StoreError::Locked { .. } => "locked",
            StoreError::Timeout(_) => "timeout",
            StoreError::Failed { .. } => "failed",
        }
    }

    /// A short headline.
    pub(crate) fn title(&self) -> &'static str {
        match self {
            StoreError::Unavailable { .. } => "No OS keyring is reachable",
            StoreError::Locked { .. } => "The OS keyring is locked",
            StoreError::Timeout(_) => "The OS keyring does not answer",
            StoreError::Failed { .. } => "The OS keyring refused the request",
        }
    }

    /// What to do about it.
    pub fn remedy(&self) -> String {
        let env = "Or set SMS_MFA_<NAME> in the environment instead.";
        match self {
            StoreError::Unavailable { .. } => format!(
                "Start a Secret Service: `eval \"$(dbus-launch --sh-syntax)\"` if there is no session bus (SSH, container), then `gnome-keyring-daemon --unlock --components=secrets` (reads the password from stdin); or turn on KeePassXC's Secret Service. {env}"
            ),
            StoreError::Locked { .. } => format!(
                "Unlock the login keyring (Seahorse, or `gnome-keyring-daemon --replace --unlock --components=secrets` with the password on stdin), then try again. A locked keyring can also answer \"not found\". {env}"
            ),
            StoreError::Timeout(_) => format!(
                "If an unlock dialog opened, answer it and try again; otherwise restart the keyring daemon. {env}"
            ),
            StoreError::Failed { .. } => {
                format!("Check the keyring daemon, e.g. with `sms-mfa secrets check`. {env}")
            }
        }
    }
}

/// A secret store: the OS keyring, or a fake in tests.
pub trait SecretStore: Send + Sync {
    /// The value stored for `user`, or `None` when there is genuinely none.
    fn get(&self, user: &str) -> Result<Option<SecretString>, StoreError>;
    fn set(&self, user: &str, value: &SecretString) -> Result<(), StoreError>;
    /// Remove the entry; `Ok(false)` when there was none.
    fn delete(&self, user: &str) -> Result<bool, StoreError>;
    /// What the store is, for messages ("Secret Service (D-Bus)").
    fn describe(&self) -> String;
    /// Keep `value` in memory for this session only (see [`SessionStore`]);
    /// a store that cannot says so.
    fn keep_for_session(&self, _user: &str, _value: &SecretString) -> Result<(), StoreError> {
        Err(StoreError::Failed {
            detail: format!("{} cannot keep secrets for a session", self.describe()),
        })
    }
}

/// Write, read back and delete a probe entry: is the keyring reachable,
/// writable and unlocked? Returns the time the three calls took.
pub(crate) fn probe(store: &dyn SecretStore, user: &str) -> Result<Duration, StoreError> {
    let started = std::time::Instant::now();
    let nonce = format!("probe-{}-{:?}", std::process::id(), started);
    let value = SecretString::from(nonce.clone());
    store.set(user, &value)?;
    let back = store.get(user);
    let deleted = store.delete(user);
    match back? {
        Some(v) if v.expose_secret() == nonce => {}
        Some(_) => {
            return Err(StoreError::Failed {
                detail: "the probe entry read back differently from what was written".into(),
            });
        }
        None => {
            return Err(StoreError::Locked {
                detail: "the probe entry was written but could not be read back".into(),
            });
        }
    }
    deleted?;
    Ok(started.elapsed())
}

/// A secret on its way to the keyring, inside a wizard [`Effect`]
/// (`crate::wizard::Effect`): cloneable and comparable (for tests), masked
/// in `Debug`, zeroized on drop.
pub struct Secret(SecretString);

impl Secret {
    pub(crate) fn new(value: &str) -> Secret {
        Secret(SecretString::from(value.to_string()))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub(crate) fn as_secret_string(&self) -> &SecretString {
        &self.0
    }
}

impl Clone for Secret {
    fn clone(&self) -> Secret {
        Secret::new(self.expose())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.expose() == other.expose()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_writes_reads_back_and_deletes() {
        let store = MemoryStore::new();
        probe(&store, "p/_probe/1").unwrap();
        assert!(store.users().is_empty(), "the probe entry is gone");
        store.set_fault(Some(Fault::Fail(StoreError::Unavailable {
            detail: "no bus".into(),
        })));
        assert_eq!(
            probe(&store, "p/_probe/1").unwrap_err().kind(),
            "unavailable"
        );
    }

    #[test]
    fn every_error_kind_has_a_remedy_with_the_override() {
        for e in [
            StoreError::Unavailable { detail: "x".into() },
            StoreError::Locked { detail: "x".into() },
            StoreError::Timeout(TIMEOUT),
            StoreError::Failed { detail: "x".into() },
        ] {
            assert!(e.remedy().contains("SMS_MFA_<NAME>"), "{e:?}");
            assert!(!e.title().is_empty());
        }
    }
}
