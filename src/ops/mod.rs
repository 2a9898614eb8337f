//! The use cases, each written once and called by both the headless
//! commands (`src/commands/`: arguments in, text or JSON out) and the TUI
//! runtime (`src/tui/effects/`: an effect in, a message out). An operation
//! takes a [`Ctx`] (where the profile lives, the catalog, the secret store,
//! the environment) and returns typed results; how a result is worded for a
//! terminal line or a screen is the caller's.

pub(crate) mod provider;
pub(crate) mod tenant;

use crate::config::Paths;
use crate::providers::Catalog;
use crate::secrets::SecretStore;

/// What every operation reads through: the profile's files, the catalog,
/// the keyring and the environment (`SMS_MFA_*` overrides).
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub paths: &'a Paths,
    /// The profile's name.
    pub profile: &'a str,
    /// The built-in catalog (`Catalog::builtin()`): clients keep it.
    pub catalog: &'static Catalog,
    pub store: &'a dyn SecretStore,
    /// Looks an environment variable up.
    pub env: &'a dyn Fn(&str) -> Option<String>,
}
