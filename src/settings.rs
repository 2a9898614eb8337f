//! Where a setting's value comes from: the environment, the OS keyring
//! (secrets), or the profile file (everything else); never a file for a
//! secret. Every setting can be overridden by the environment variable
//! `SMS_MFA_<NAME>` (see [`env_var`]), which wins over the keyring and the
//! profile. The provider's API base-URL override follows the same rule, in
//! one place ([`base_override`]), for the code shown and the code deployed.

use crate::config::Profile;
use crate::providers::{Provider, Setting, Validation, validate};
use crate::secrets::{SecretStore, StoreError, entry_user};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

/// The prefix of the environment overrides.
pub(crate) const ENV_PREFIX: &str = "SMS_MFA_";
/// The environment variable that overrides setting `name`.
pub fn env_var(name: &str) -> String {
    format!("{ENV_PREFIX}{name}")
}

/// Where a setting's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Source {
    /// `SMS_MFA_<NAME>`: wins over everything else.
    Environment,
    Keyring,
    Profile,
    Missing,
    /// The keyring could not be asked (see the error).
    Unknown,
}

impl Source {
    pub(crate) fn as_str(self) -> &'static str {
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
    pub(crate) fn expose(&self) -> &str {
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
    pub(crate) name: String,
    pub(crate) secret: bool,
    /// Where the value in use comes from.
    pub(crate) source: Source,
    /// Also stored in the keyring or profile, but the environment wins.
    pub(crate) shadowed: Option<Source>,
    pub(crate) value: Option<Value>,
    /// How the value in use checks against the catalog's format.
    pub(crate) check: Validation,
    /// The keyring's error, when it was asked and failed.
    pub(crate) error: Option<StoreError>,
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

/// The provider's API base-URL override (its catalog `base_setting`, e.g.
/// `TWILIO_API_BASE`): the environment first, then the profile. `None` for
/// a provider without one, or one whose base setting is a secret the code
/// reads (Infobip's per-account base URL).
pub(crate) fn base_override(
    provider: &Provider,
    profile: &Profile,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let name = provider.base_setting.as_deref()?;
    if provider.base_url.is_empty() {
        return None; // a secret the code reads (Infobip), not an override
    }
    env(&env_var(name))
        .filter(|v| !v.is_empty())
        .or_else(|| profile.settings.get(&provider.id)?.get(name).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Catalog;
    use crate::secrets::{Fault, MemoryStore};

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
    fn base_override_environment_then_profile_never_for_infobip() {
        let catalog = Catalog::builtin();
        let twilio = catalog.get("twilio").unwrap();
        let mut profile = Profile::default();
        let none = |_: &str| None;
        assert_eq!(base_override(twilio, &profile, &none), None);
        profile
            .settings
            .entry("twilio".into())
            .or_default()
            .insert("TWILIO_BASE_URL".into(), "https://profile.example".into());
        assert_eq!(
            base_override(twilio, &profile, &none).as_deref(),
            Some("https://profile.example")
        );
        let env = |n: &str| (n == "SMS_MFA_TWILIO_BASE_URL").then(|| "http://127.0.0.1:9".into());
        assert_eq!(
            base_override(twilio, &profile, &env).as_deref(),
            Some("http://127.0.0.1:9"),
            "the environment wins"
        );
        let empty = |n: &str| (n == "SMS_MFA_TWILIO_BASE_URL").then(String::new);
        assert_eq!(
            base_override(twilio, &profile, &empty).as_deref(),
            Some("https://profile.example"),
            "an empty variable is not set"
        );
        // Infobip's base URL is a per-account secret its code reads.
        let infobip = catalog.get("infobip").unwrap();
        let env = |_: &str| Some("https://x.api.infobip.com".to_string());
        assert_eq!(base_override(infobip, &profile, &env), None);
    }
}
