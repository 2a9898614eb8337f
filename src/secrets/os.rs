//! The operating system's keyring through keyring-core: the Secret Service
//! over D-Bus (libdbus, built from source) on Linux and the BSDs, the
//! Keychain on macOS, the Credential Manager on Windows.
//!
//! Every call runs on a worker thread and is given up after a timeout, so a
//! hung daemon or an unanswered unlock dialog never freezes the caller. The
//! connection is made on first use and made again after a failure, so a
//! keyring started (or unlocked) while the wizard runs is picked up.

use super::{SERVICE, SecretStore, StoreError, TIMEOUT};
use keyring_core::api::CredentialStore;
use keyring_core::{Entry, Error};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// The OS keyring.
pub struct OsKeyring {
    store: Arc<Mutex<Option<Arc<CredentialStore>>>>,
    timeout: Duration,
    /// The entries' service name ([`SERVICE`], or the sandbox's).
    service: &'static str,
}

impl Default for OsKeyring {
    fn default() -> Self {
        OsKeyring::new()
    }
}

impl OsKeyring {
    /// Connects lazily, on the first call.
    pub fn new() -> OsKeyring {
        OsKeyring::with_timeout(TIMEOUT)
    }

    pub(crate) fn with_timeout(timeout: Duration) -> OsKeyring {
        OsKeyring {
            store: Arc::new(Mutex::new(None)),
            timeout,
            service: SERVICE,
        }
    }

    /// The same, with entries under another service name (the sandbox's
    /// [`super::SANDBOX_SERVICE`]), kept apart from the real ones.
    pub fn with_service(service: &'static str) -> OsKeyring {
        OsKeyring {
            service,
            ..OsKeyring::new()
        }
    }

    /// Run `op` on an entry on a worker thread; give up after the timeout.
    fn call<T: Send + 'static>(
        &self,
        user: &str,
        op: impl FnOnce(&Entry) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = mpsc::channel();
        let slot = Arc::clone(&self.store);
        let user = user.to_string();
        let service = self.service;
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let result = connected(&slot).and_then(|store| {
                    let entry = build(&store, service, &user)?;
                    op(&entry)
                });
                if matches!(
                    result,
                    Err(StoreError::Unavailable { .. }
                        | StoreError::Failed { .. }
                        | StoreError::Timeout(_))
                ) {
                    // Connect afresh next time.
                    *slot.lock().unwrap_or_else(|e| e.into_inner()) = None;
                }
                let _ = tx.send(result);
            })
            .map_err(|e| StoreError::Failed {
                detail: format!("cannot start a worker thread: {e}"),
            })?;
        match rx.recv_timeout(self.timeout) {
            Ok(result) => result,
            Err(_) => {
                // The worker may be stuck holding the connection: use a new one.
                if let Ok(mut s) = self.store.try_lock() {
                    *s = None;
                }
                tracing::warn!(timeout = ?self.timeout, "keyring call timed out");
                Err(StoreError::Timeout(self.timeout))
            }
        }
    }
}

fn connected(
    slot: &Mutex<Option<Arc<CredentialStore>>>,
) -> Result<Arc<CredentialStore>, StoreError> {
    let mut guard = slot.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(store) = guard.as_ref() {
        return Ok(Arc::clone(store));
    }
    let store = platform::connect()?;
    *guard = Some(Arc::clone(&store));
    Ok(store)
}

fn build(store: &Arc<CredentialStore>, service: &str, user: &str) -> Result<Entry, StoreError> {
    let label = format!("{service} {user}");
    let mods = platform::modifiers(&label);
    store
        .build(service, user, mods.as_ref())
        .map_err(|e| classify(e, false))
}

/// Turn a keyring-core error into one of ours: by the platform error's
/// type where the platform has one, else by keyring-core's kind.
fn classify(e: Error, connecting: bool) -> StoreError {
    let detail = e.to_string();
    let inner = match &e {
        Error::NoStorageAccess(inner) | Error::PlatformFailure(inner) => Some(inner.as_ref()),
        _ => None,
    };
    if let Some(kind) = inner.and_then(platform::kind_of) {
        return match kind {
            Kind::Unavailable => StoreError::Unavailable { detail },
            Kind::Locked => StoreError::Locked { detail },
            Kind::NoReply(after) => StoreError::Timeout(after),
        };
    }
    match e {
        Error::NoStorageAccess(_) => StoreError::Locked { detail },
        Error::NoDefaultStore => StoreError::Unavailable { detail },
        Error::PlatformFailure(_) if connecting => StoreError::Unavailable { detail },
        _ => StoreError::Failed { detail },
    }
}

/// What a platform error says about the keyring, when it says something.
#[derive(Debug, PartialEq)]
enum Kind {
    Unavailable,
    Locked,
    /// The platform library gave up waiting for the keyring's answer
    /// after this long (before our own [`TIMEOUT`] would have).
    #[cfg_attr(
        not(all(
            unix,
            not(any(target_os = "macos", target_os = "ios", target_os = "android"))
        )),
        allow(dead_code)
    )]
    NoReply(Duration),
}

impl SecretStore for OsKeyring {
    fn get(&self, user: &str) -> Result<Option<SecretString>, StoreError> {
        self.call(user, |entry| match entry.get_password() {
            Ok(v) => Ok(Some(SecretString::from(v))),
            // A locked keyring, or one with no default collection, can answer
            // "not found": ask whether it is really open before believing it.
            Err(Error::NoEntry) => platform::check_open().map(|()| None),
            Err(e) => Err(classify(e, false)),
        })
    }

    fn set(&self, user: &str, value: &SecretString) -> Result<(), StoreError> {
        let value = SecretString::from(value.expose_secret().to_owned());
        self.call(user, move |entry| {
            entry
                .set_password(value.expose_secret())
                .map_err(|e| classify(e, false))
        })
    }

    fn delete(&self, user: &str) -> Result<bool, StoreError> {
        self.call(user, |entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(Error::NoEntry) => platform::check_open().map(|()| false),
            Err(e) => Err(classify(e, false)),
        })
    }

    fn describe(&self) -> String {
        platform::NAME.to_string()
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
mod platform {
    use super::{Kind, StoreError, classify};
    use keyring_core::api::CredentialStore;
    use std::collections::HashMap;
    use std::sync::Arc;
    use std::time::Duration;

    pub(crate) const NAME: &str = "Secret Service (D-Bus)";

    /// How long dbus-secret-service waits for each D-Bus reply (its
    /// src/proxy/mod.rs, `new_proxy`: 2000 ms), a frozen or hung daemon
    /// included; unlock prompts are waited for apart.
    pub(super) const REPLY_WAIT: Duration = Duration::from_secs(2);

    pub(crate) fn connect() -> Result<Arc<CredentialStore>, StoreError> {
        let store =
            dbus_secret_service_keyring_store::Store::new().map_err(|e| classify(e, true))?;
        Ok(store)
    }

    /// Items get a readable label in Seahorse and KeePassXC.
    pub(crate) fn modifiers(label: &str) -> Option<HashMap<&str, &str>> {
        Some(HashMap::from([("label", label)]))
    }

    /// Read the Secret Service's own error: locked or prompt failures,
    /// no provider, no bus, or a D-Bus error naming one of those.
    pub(crate) fn kind_of(e: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<Kind> {
        use dbus_secret_service::Error as Ss;
        let ss = e.downcast_ref::<Ss>()?;
        match ss {
            Ss::Locked | Ss::Prompt | Ss::NoResult => Some(Kind::Locked),
            Ss::Unavailable => Some(Kind::Unavailable),
            Ss::Dbus(d) => d.name().and_then(dbus_name_kind),
            _ => None,
        }
    }

    /// The D-Bus error names (the D-Bus specification's
    /// `org.freedesktop.DBus.Error.*` and the Secret Service API's
    /// `org.freedesktop.Secret.Error.*`) that say the keyring is not there
    /// (no session bus, nobody owns the Secret Service's name) or not open.
    pub(super) fn dbus_name_kind(name: &str) -> Option<Kind> {
        // A method call with no answer within REPLY_WAIT.
        if name.ends_with(".NoReply") || name.ends_with(".Timeout") {
            return Some(Kind::NoReply(REPLY_WAIT));
        }
        const UNAVAILABLE: &[&str] = &[
            "ServiceUnknown",
            "NameHasNoOwner",
            // libdbus cannot reach the session bus: no address, no socket,
            // refused, or no X11 display to autolaunch one.
            "NoServer",
            "FileNotFound",
            "BadAddress",
            "NotSupported",
            "Disconnected",
            "AuthFailed",
            "NoNetwork",
            "Spawn.",
        ];
        if UNAVAILABLE.iter().any(|n| name.contains(n)) {
            Some(Kind::Unavailable)
        } else if name.contains("IsLocked") || name.contains("NoSession") {
            Some(Kind::Locked)
        } else {
            None
        }
    }

    /// Whether the default collection exists and is unlocked (a "not found"
    /// from a locked keyring is not an answer).
    pub(crate) fn check_open() -> Result<(), StoreError> {
        use dbus_secret_service::{EncryptionType, Error as SsError, SecretService};
        let ss =
            SecretService::connect(EncryptionType::Plain).map_err(|e| StoreError::Unavailable {
                detail: e.to_string(),
            })?;
        match ss.get_default_collection() {
            Ok(c) => match c.is_locked() {
                Ok(false) => Ok(()),
                Ok(true) => Err(StoreError::Locked {
                    detail: "the default keyring collection is locked".into(),
                }),
                Err(e) => Err(StoreError::Failed {
                    detail: e.to_string(),
                }),
            },
            Err(SsError::NoResult) => Err(StoreError::Locked {
                detail: "the Secret Service has no default keyring collection (it was never created or unlocked)".into(),
            }),
            Err(e) => Err(StoreError::Failed {
                detail: e.to_string(),
            }),
        }
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use super::{StoreError, classify};
    use keyring_core::api::CredentialStore;
    use std::collections::HashMap;
    use std::sync::Arc;

    pub(crate) const NAME: &str = "macOS Keychain";

    pub(crate) fn connect() -> Result<Arc<CredentialStore>, StoreError> {
        let store =
            apple_native_keyring_store::keychain::Store::new().map_err(|e| classify(e, true))?;
        Ok(store)
    }

    pub(crate) fn modifiers(_label: &str) -> Option<HashMap<&str, &str>> {
        None
    }

    pub(crate) fn kind_of(
        _e: &(dyn std::error::Error + Send + Sync + 'static),
    ) -> Option<super::Kind> {
        None
    }

    pub(crate) fn check_open() -> Result<(), StoreError> {
        Ok(())
    }
}

#[cfg(windows)]
mod platform {
    use super::{StoreError, classify};
    use keyring_core::api::CredentialStore;
    use std::collections::HashMap;
    use std::sync::Arc;

    pub(crate) const NAME: &str = "Windows Credential Manager";

    pub(crate) fn connect() -> Result<Arc<CredentialStore>, StoreError> {
        let store = windows_native_keyring_store::Store::new().map_err(|e| classify(e, true))?;
        Ok(store)
    }

    pub(crate) fn modifiers(_label: &str) -> Option<HashMap<&str, &str>> {
        None
    }

    pub(crate) fn kind_of(
        _e: &(dyn std::error::Error + Send + Sync + 'static),
    ) -> Option<super::Kind> {
        None
    }

    pub(crate) fn check_open() -> Result<(), StoreError> {
        Ok(())
    }
}

#[cfg(all(
    test,
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
mod tests {
    use super::platform::{REPLY_WAIT, dbus_name_kind};
    use super::{Kind, StoreError, classify};
    use dbus_secret_service::Error as Ss;
    use std::time::Duration;

    fn platform_failure(e: Ss) -> keyring_core::Error {
        keyring_core::Error::PlatformFailure(Box::new(e))
    }

    fn dbus_error(name: &str) -> Ss {
        Ss::Dbus(dbus::Error::new_custom(name, "from the test"))
    }

    /// What the Secret Service client reports, through keyring-core, as
    /// the store's error the user sees.
    #[test]
    fn the_secret_service_clients_errors_become_the_stores() {
        let cases = [
            (Ss::Locked, "locked"),
            (Ss::Prompt, "locked"),
            (Ss::NoResult, "locked"),
            (Ss::Unavailable, "unavailable"),
            (dbus_error("org.freedesktop.DBus.Error.NoReply"), "timeout"),
            (
                dbus_error("org.freedesktop.DBus.Error.ServiceUnknown"),
                "unavailable",
            ),
            (
                dbus_error("org.freedesktop.Secret.Error.IsLocked"),
                "locked",
            ),
            (
                dbus_error("org.freedesktop.DBus.Error.InvalidArgs"),
                "failed",
            ),
            (Ss::Parse, "failed"),
        ];
        for (error, kind) in cases {
            let text = error.to_string();
            let got = classify(platform_failure(error), false);
            assert_eq!(got.kind(), kind, "{text}: {got:?}");
        }
        // A frozen daemon: the 2 s libdbus waited, not our own limit.
        let got = classify(
            platform_failure(dbus_error("org.freedesktop.DBus.Error.NoReply")),
            false,
        );
        assert!(
            matches!(got, StoreError::Timeout(d) if d == REPLY_WAIT && d == Duration::from_secs(2)),
            "{got:?}"
        );
        // keyring-core's own kinds, when the platform's error says nothing
        // more: no access is a locked keyring, no store an absent one.
        let got = classify(
            keyring_core::Error::NoStorageAccess(Box::new(Ss::Parse)),
            false,
        );
        assert_eq!(got.kind(), "locked", "{got:?}");
        let got = classify(keyring_core::Error::NoDefaultStore, false);
        assert_eq!(got.kind(), "unavailable", "{got:?}");
        // While connecting, an unknown platform failure means no keyring.
        let got = classify(platform_failure(Ss::Parse), true);
        assert_eq!(got.kind(), "unavailable", "{got:?}");
    }

    /// The D-Bus error names libdbus and the Secret Service give (the
    /// D-Bus specification's and the Secret Service API's), read as what
    /// they say about the keyring.
    #[test]
    fn dbus_error_names_say_what_is_wrong_with_the_keyring() {
        for name in [
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "org.freedesktop.DBus.Error.NameHasNoOwner",
            "org.freedesktop.DBus.Error.NoServer",
            "org.freedesktop.DBus.Error.FileNotFound",
            "org.freedesktop.DBus.Error.NotSupported",
            "org.freedesktop.DBus.Error.Spawn.ExecFailed",
        ] {
            assert_eq!(dbus_name_kind(name), Some(Kind::Unavailable), "{name}");
        }
        for name in [
            "org.freedesktop.Secret.Error.IsLocked",
            "org.freedesktop.Secret.Error.NoSession",
        ] {
            assert_eq!(dbus_name_kind(name), Some(Kind::Locked), "{name}");
        }
        assert_eq!(
            dbus_name_kind("org.freedesktop.DBus.Error.NoReply"),
            Some(Kind::NoReply(REPLY_WAIT))
        );
        for name in [
            "org.freedesktop.Secret.Error.NoSuchObject",
            "org.freedesktop.DBus.Error.InvalidArgs",
            "org.freedesktop.DBus.Error.AccessDenied",
        ] {
            assert_eq!(dbus_name_kind(name), None, "{name}");
        }
    }
}
