//! Where settings come from: the environment, the OS keyring (secrets), or
//! the profile file (everything else). Never a file for a secret.
//!
//! Keyring entries are named service [`SERVICE`], user
//! `PROFILE/PROVIDER/NAME` (see [`entry_user`]), so several profiles
//! (tenants) and providers live side by side. Every setting can be overridden
//! by the environment variable `SMS_MFA_<NAME>` (see [`env_var`]), which wins
//! over the keyring and the profile.

mod memory;
mod os;
mod session;

pub use memory::{Fault, MemoryStore};
pub use os::OsKeyring;
pub use session::SessionStore;

use crate::config::Profile;
use crate::providers::{Provider, Setting, Validation, validate};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::time::Duration;

/// The keyring service name of every entry.
pub const SERVICE: &str = "sms-mfa";
/// The service of the sandbox's entries (`sms-mfa --sandbox`).
pub const SANDBOX_SERVICE: &str = "sms-mfa-sandbox";
/// The prefix of the environment overrides.
pub const ENV_PREFIX: &str = "SMS_MFA_";
/// How long one keyring call may take before it counts as failed.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The environment variable that overrides setting `name`.
pub fn env_var(name: &str) -> String {
    format!("{ENV_PREFIX}{name}")
}

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
    pub fn title(&self) -> &'static str {
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

/// Where a setting's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `SMS_MFA_<NAME>`: wins over everything else.
    Environment,
    Keyring,
    Profile,
    Missing,
    /// The keyring could not be asked (see the error).
    Unknown,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Environment => "environment",
            Source::Keyring => "keyring",
            Source::Profile => "profile",
            Source::Missing => "missing",
            Source::Unknown => "unknown",
        }
    }
}

/// A setting's value: masked in `Debug`, zeroized on drop when secret.
pub enum Value {
    Plain(String),
    Secret(SecretString),
}

impl Value {
    pub fn expose(&self) -> &str {
        match self {
            Value::Plain(s) => s,
            Value::Secret(s) => s.expose_secret(),
        }
    }
}

impl Clone for Value {
    fn clone(&self) -> Value {
        match self {
            Value::Plain(s) => Value::Plain(s.clone()),
            Value::Secret(s) => Value::Secret(SecretString::from(s.expose_secret().to_string())),
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Plain(s) => write!(f, "{s:?}"),
            Value::Secret(_) => f.write_str("<secret>"),
        }
    }
}

/// One setting of a provider, resolved.
#[derive(Debug)]
pub struct Resolved {
    pub name: String,
    pub secret: bool,
    /// Where the value in use comes from.
    pub source: Source,
    /// Also stored in the keyring or profile, but the environment wins.
    pub shadowed: Option<Source>,
    pub value: Option<Value>,
    /// How the value in use checks against the catalog's format.
    pub check: Validation,
    /// The keyring's error, when it was asked and failed.
    pub error: Option<StoreError>,
}

/// Resolve every setting of `provider` for profile `profile_name`: the
/// environment first (`env` looks a variable up), then the keyring for
/// secrets and the profile for the rest.
pub fn resolve(
    profile_name: &str,
    profile: &Profile,
    provider: &Provider,
    store: &dyn SecretStore,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<Resolved> {
    provider
        .settings
        .iter()
        .map(|setting| resolve_one(profile_name, profile, &provider.id, setting, store, env))
        .collect()
}

fn resolve_one(
    profile_name: &str,
    profile: &Profile,
    provider_id: &str,
    setting: &Setting,
    store: &dyn SecretStore,
    env: &dyn Fn(&str) -> Option<String>,
) -> Resolved {
    let from_env = env(&env_var(&setting.name)).filter(|v| !v.is_empty());
    let mut error = None;
    let stored: Option<(Source, Value)> = if setting.secret {
        match store.get(&entry_user(profile_name, provider_id, &setting.name)) {
            Ok(v) => v.map(|v| (Source::Keyring, Value::Secret(v))),
            Err(e) => {
                error = Some(e);
                None
            }
        }
    } else {
        profile
            .settings
            .get(provider_id)
            .and_then(|m| m.get(&setting.name))
            .map(|v| (Source::Profile, Value::Plain(v.clone())))
    };
    if from_env.is_some() {
        // The environment answers; a keyring that cannot is no problem here.
        error = None;
    }
    let (source, shadowed, value) = match (from_env, stored) {
        (Some(v), stored) => {
            let v = if setting.secret {
                Value::Secret(SecretString::from(v))
            } else {
                Value::Plain(v)
            };
            (Source::Environment, stored.map(|s| s.0), Some(v))
        }
        (None, Some((source, v))) => (source, None, Some(v)),
        (None, None) if error.is_some() => (Source::Unknown, None, None),
        (None, None) => (Source::Missing, None, None),
    };
    let check = match &value {
        Some(v) => validate(setting, v.expose()),
        None => Validation::Ok,
    };
    Resolved {
        name: setting.name.clone(),
        secret: setting.secret,
        source,
        shadowed,
        value,
        check,
        error,
    }
}

/// The process environment, as [`resolve`] wants it.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Write, read back and delete a probe entry: is the keyring reachable,
/// writable and unlocked? Returns the time the three calls took.
pub fn probe(store: &dyn SecretStore, user: &str) -> Result<Duration, StoreError> {
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
    pub fn new(value: &str) -> Secret {
        Secret(SecretString::from(value.to_string()))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn as_secret_string(&self) -> &SecretString {
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
    use crate::providers::Catalog;

    fn twilio() -> &'static Provider {
        Catalog::builtin().get("twilio").unwrap()
    }

    fn source_of(r: &[Resolved], name: &str) -> Source {
        r.iter().find(|r| r.name == name).unwrap().source
    }

    #[test]
    fn environment_then_keyring_then_profile() {
        let store = MemoryStore::new();
        let mut profile = Profile::default();
        profile.settings.entry("twilio".into()).or_default().insert(
            "TWILIO_ACCOUNT_SID".into(),
            "AC0123456789abcdef0123456789abcdef".into(),
        );
        let none = |_: &str| None;
        let r = resolve("p", &profile, twilio(), &store, &none);
        assert_eq!(source_of(&r, "TWILIO_ACCOUNT_SID"), Source::Profile);
        assert_eq!(source_of(&r, "TWILIO_AUTH_TOKEN"), Source::Missing);

        store
            .set(
                "p/twilio/TWILIO_AUTH_TOKEN",
                &SecretString::from("fedcba98765432100123456789abcdef".to_string()),
            )
            .unwrap();
        let r = resolve("p", &profile, twilio(), &store, &none);
        assert_eq!(source_of(&r, "TWILIO_AUTH_TOKEN"), Source::Keyring);
        assert_eq!(
            resolve("q", &profile, twilio(), &store, &none)[1].source,
            Source::Missing,
            "another profile's entry is not seen"
        );

        let env = |n: &str| match n {
            "SMS_MFA_TWILIO_AUTH_TOKEN" => Some("0123456789abcdef0123456789abcdef".into()),
            "SMS_MFA_TWILIO_PHONE_NUMBER" => Some(String::new()), // empty: not set
            "SMS_MFA_TWILIO_ACCOUNT_SID" => Some("nonsense".into()),
            _ => None,
        };
        let r = resolve("p", &profile, twilio(), &store, &env);
        let token = &r[1];
        assert_eq!(token.source, Source::Environment);
        assert_eq!(token.shadowed, Some(Source::Keyring));
        assert_eq!(
            token.value.as_ref().unwrap().expose(),
            "0123456789abcdef0123456789abcdef"
        );
        assert!(!format!("{token:?}").contains("0123456789abcdef"), "masked");
        assert_eq!(source_of(&r, "TWILIO_PHONE_NUMBER"), Source::Missing);
        let sid = &r[0];
        assert_eq!(sid.source, Source::Environment);
        assert_eq!(sid.shadowed, Some(Source::Profile));
        assert!(sid.check.is_error(), "an override is validated too");
    }

    #[test]
    fn a_keyring_error_is_unknown_not_missing_but_the_environment_still_answers() {
        let store = MemoryStore::new();
        store.set_fault(Some(Fault::Fail(StoreError::Locked {
            detail: "locked".into(),
        })));
        let r = resolve("p", &Profile::default(), twilio(), &store, &|_| None);
        assert_eq!(r[1].source, Source::Unknown);
        assert_eq!(r[1].error.as_ref().unwrap().kind(), "locked");
        assert_eq!(
            r[0].source,
            Source::Missing,
            "non-secrets do not ask the keyring"
        );
        let env = |n: &str| {
            (n == "SMS_MFA_TWILIO_AUTH_TOKEN").then(|| "0123456789abcdef0123456789abcdef".into())
        };
        let r = resolve("p", &Profile::default(), twilio(), &store, &env);
        assert_eq!(r[1].source, Source::Environment);
    }

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
