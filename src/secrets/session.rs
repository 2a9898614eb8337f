//! Secrets kept in memory for one session, in front of another store: when
//! the OS keyring cannot be reached, the wizard can keep what was typed for
//! this run (marked as such everywhere) instead of asking for a restart.

use super::{SecretStore, StoreError};
use secrecy::{ExposeSecret, SecretString};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use zeroize::Zeroize;

/// Reads what was kept for the session first, then the store behind it;
/// writes go to the store behind it, unless kept.
pub(crate) struct SessionStore {
    kept: Mutex<BTreeMap<String, String>>,
    inner: Arc<dyn SecretStore>,
}

impl SessionStore {
    pub fn new(inner: Arc<dyn SecretStore>) -> SessionStore {
        SessionStore {
            kept: Mutex::new(BTreeMap::new()),
            inner,
        }
    }
}

impl Drop for SessionStore {
    fn drop(&mut self) {
        if let Ok(kept) = self.kept.get_mut() {
            for v in kept.values_mut() {
                v.zeroize();
            }
        }
    }
}

impl SecretStore for SessionStore {
    fn get(&self, user: &str) -> Result<Option<SecretString>, StoreError> {
        if let Some(v) = self
            .kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(user)
        {
            return Ok(Some(SecretString::from(v.clone())));
        }
        self.inner.get(user)
    }

    fn set(&self, user: &str, value: &SecretString) -> Result<(), StoreError> {
        self.inner.set(user, value)?;
        // Stored for good: the session copy is not needed any more.
        if let Some(mut v) = self
            .kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(user)
        {
            v.zeroize();
        }
        Ok(())
    }

    fn delete(&self, user: &str) -> Result<bool, StoreError> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(user)
            .map(|mut v| v.zeroize())
            .is_some();
        Ok(self.inner.delete(user)? || kept)
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn keep_for_session(&self, user: &str, value: &SecretString) -> Result<(), StoreError> {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(user.to_string(), value.expose_secret().to_string());
        Ok(())
    }
}
