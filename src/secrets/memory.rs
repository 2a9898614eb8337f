//! An in-memory store for tests of the wizard and the runtime, with
//! injectable faults. The binary never uses it: it persists nothing.

use super::{SecretStore, StoreError};
use secrecy::{ExposeSecret, SecretString};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// A fault every call answers with, instead of doing its work.
#[derive(Debug, Clone)]
pub enum Fault {
    Fail(StoreError),
    /// Sleep this long first (to test timeouts and spinners), then work.
    Delay(Duration),
}

#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<String, String>>,
    fault: Mutex<Option<Fault>>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    pub fn set_fault(&self, fault: Option<Fault>) {
        *self.fault.lock().unwrap() = fault;
    }

    /// The users that have an entry, in order.
    pub fn users(&self) -> Vec<String> {
        self.entries.lock().unwrap().keys().cloned().collect()
    }

    fn fault(&self) -> Result<(), StoreError> {
        let fault = self.fault.lock().unwrap().clone();
        match fault {
            Some(Fault::Fail(e)) => Err(e),
            Some(Fault::Delay(d)) => {
                std::thread::sleep(d);
                Ok(())
            }
            None => Ok(()),
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, user: &str) -> Result<Option<SecretString>, StoreError> {
        self.fault()?;
        Ok(self
            .entries
            .lock()
            .unwrap()
            .get(user)
            .map(|v| SecretString::from(v.clone())))
    }

    fn set(&self, user: &str, value: &SecretString) -> Result<(), StoreError> {
        self.fault()?;
        self.entries
            .lock()
            .unwrap()
            .insert(user.to_string(), value.expose_secret().to_string());
        Ok(())
    }

    fn delete(&self, user: &str) -> Result<bool, StoreError> {
        self.fault()?;
        Ok(self.entries.lock().unwrap().remove(user).is_some())
    }

    fn describe(&self) -> String {
        "in-memory test store".into()
    }
}
