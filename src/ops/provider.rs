//! The provider's use cases: its client from the profile's settings, as
//! `sms-mfa send-test|check-credentials|trace` and the wizard's delivery
//! view need it. How a failure is worded is the caller's.

use super::Ctx;
use crate::config::{self, Profile};
use crate::providers::Provider;
use crate::providers::clients::{self, Client, Http, Settings};
use crate::secrets::StoreError;
use crate::settings;

/// Why there is no client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Error {
    /// No id given and none chosen in the profile.
    #[error("no provider is chosen for this profile")]
    NoProvider,
    #[error("unknown provider {0:?}")]
    UnknownProvider(String),
    /// Settings missing or malformed; `keyring` when the keyring could not
    /// be asked (its remedy is the fix).
    #[error("the settings of {} are not usable: {}", .name, .problems.join("; "))]
    Unusable {
        /// The provider's id.
        provider: String,
        /// Its name, for the message.
        name: String,
        problems: Vec<String>,
        keyring: Option<StoreError>,
    },
    /// The settings are there but the client refuses them.
    #[error("{0}")]
    Setup(String),
}

/// The client of provider `id` (else the profile's) with the settings
/// resolved from the environment, the keyring and `profile`. Blocking:
/// asks the keyring.
pub(crate) fn client(
    ctx: Ctx<'_>,
    profile: &Profile,
    id: Option<&str>,
    http: Http,
) -> Result<(Client, &'static Provider), Error> {
    let id = id
        .or(profile.provider.as_deref())
        .ok_or(Error::NoProvider)?;
    let p = ctx
        .catalog
        .get(id)
        .ok_or_else(|| Error::UnknownProvider(id.to_string()))?;
    let resolved = settings::resolve(ctx.profile, profile, p, ctx.store, ctx.env);
    let keyring = resolved.iter().find_map(|r| r.error.clone());
    clients::check_settings(p, &resolved).map_err(|e| Error::Unusable {
        provider: p.id.clone(),
        name: p.name.clone(),
        problems: e.0,
        keyring,
    })?;
    let settings = Settings::from_resolved(resolved);
    let client = Client::new(ctx.catalog, &p.id, &settings, http)
        .map_err(|e| Error::Setup(e.to_string()))?;
    Ok((client, p))
}

/// [`client`] with the profile loaded from disk (and its load notice,
/// e.g. a damaged file that was set aside).
pub(crate) fn client_of_profile(
    ctx: Ctx<'_>,
    id: Option<&str>,
    http: Http,
) -> (Result<(Client, &'static Provider), Error>, Option<String>) {
    let loaded = config::load(ctx.paths, ctx.profile);
    (client(ctx, &loaded.profile, id, http), loaded.notice)
}
