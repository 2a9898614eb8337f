//! The troubleshooting checklist, checked: every item of
//! [`crate::checklist`] gets a status and the evidence for it, from the same
//! services as the rest of the tool (the provider clients, the keyring and
//! environment, the tenant inspection). Used by the wizard's last step and by
//! `sms-mfa doctor`.
//!
//! [`prepare`] reads the keyring (blocking, so callers run it off the event
//! loop); [`run`] makes the calls, the provider's and the tenant's
//! concurrently. A call that fails makes its checks "could not check"; it
//! never stops the others. A group still running after
//! [`SLOW_AFTER`] says so through [`Event::Slow`].

pub(crate) mod deliveries;
pub(crate) mod model;
pub(crate) mod provider;
pub(crate) mod report;
pub(crate) mod tenant;

pub use model::{Check, Found, Remediation, Status, Summary, assemble, checklist_id, commands_for};
pub(crate) use provider::PROVIDER_IDS;
pub use tenant::{CODE_REACHABLE, tenant_found, tenant_ids};

use model::found;
use provider::provider_checks;
use tenant::tenant_checks;

use crate::auth0::Overrides;
use crate::config::Profile;
use crate::providers::clients::Http;
use crate::providers::{Catalog, Provider, validate};
use crate::secrets::SecretStore;
use crate::settings;
use crate::settings::Resolved;
use std::sync::Arc;
use std::time::Duration;

/// When a check that has not finished says so.
pub const SLOW_AFTER: Duration = Duration::from_secs(10);

/// Everything the checks need that comes from the keyring, the
/// environment and the profile.
pub struct Prepared {
    pub(crate) provider: Option<&'static Provider>,
    /// The provider's settings (empty without a provider).
    pub(crate) settings: Vec<Resolved>,
    /// The tenant connection's settings.
    pub(crate) connection: Vec<Resolved>,
    pub(crate) overrides: Overrides,
    /// The test recipient (the profile's, or the one given).
    pub(crate) recipient: Option<String>,
}

/// Read the settings (blocking: the keyring).
pub fn prepare(
    catalog: &'static Catalog,
    store: &dyn SecretStore,
    env: &dyn Fn(&str) -> Option<String>,
    profile_name: &str,
    profile: &Profile,
    provider: Option<&'static Provider>,
    recipient: Option<String>,
) -> Prepared {
    let settings = provider
        .map(|p| settings::resolve(profile_name, profile, p, store, env))
        .unwrap_or_default();
    let connection = catalog
        .tenant
        .as_ref()
        .map(|g| settings::resolve(profile_name, profile, g, store, env))
        .unwrap_or_default();
    Prepared {
        provider,
        settings,
        connection,
        overrides: Overrides::from_env(env),
        recipient: recipient.or_else(|| profile.test_recipient.clone()),
    }
}

/// Every check that needs a setting, when the keyring could not be read at
/// all (it timed out).
pub(crate) fn keyring_failed(e: &crate::secrets::StoreError) -> Vec<Found> {
    let why = format!("The keyring did not answer: {e}. {}", e.remedy());
    let mut v: Vec<Found> = PROVIDER_IDS
        .iter()
        .chain(tenant_ids().iter())
        .map(|id| found(id, Status::Error, why.clone()))
        .collect();
    v.extend(local_checks(&Prepared {
        provider: None,
        settings: Vec::new(),
        connection: Vec::new(),
        overrides: Overrides::default(),
        recipient: None,
    }));
    v
}

/// Progress while the checks run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// These checks are done.
    Done(Vec<Found>),
    /// These checks are still running after `after`.
    Slow {
        ids: Vec<&'static str>,
        after: Duration,
    },
    /// Auth0's rate limit: waiting `secs` seconds.
    RateLimited { secs: u64, path: String },
}

/// Where progress goes.
pub(crate) type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// Run every check. `slow_after` is [`SLOW_AFTER`] but in tests.
pub async fn run(
    p: &Prepared,
    catalog: &'static Catalog,
    http: Http,
    slow_after: Duration,
    sink: Sink,
) -> Vec<Found> {
    let local = local_checks(p);
    sink(Event::Done(local.clone()));
    let tenant_ids = tenant_ids();
    let provider = watch(
        provider_checks(p, catalog, http),
        &PROVIDER_IDS,
        slow_after,
        &sink,
    );
    let tenant = watch(
        tenant_checks(p, catalog, sink.clone()),
        &tenant_ids,
        slow_after,
        &sink,
    );
    let (provider, tenant) = futures::join!(provider, tenant);
    let mut all = local;
    all.extend(provider);
    all.extend(tenant);
    all
}

/// Await a group; report it when done, and once if it is slow.
async fn watch(
    group: impl std::future::Future<Output = Vec<Found>>,
    ids: &[&'static str],
    slow_after: Duration,
    sink: &Sink,
) -> Vec<Found> {
    let mut group = std::pin::pin!(group);
    let result = match tokio::time::timeout(slow_after, &mut group).await {
        Ok(r) => r,
        Err(_) => {
            sink(Event::Slow {
                ids: ids.to_vec(),
                after: slow_after,
            });
            group.await
        }
    };
    sink(Event::Done(result.clone()));
    result
}

/// The checks that need no call: the test recipient's format, and the test
/// message (the doctor never sends one; the wizard fills it in).
fn local_checks(p: &Prepared) -> Vec<Found> {
    let e164 = match p.recipient.as_deref() {
        None | Some("") => found(
            "recipient-e164",
            Status::Skipped,
            "No test recipient: enter one in step 3, or pass --to.",
        ),
        Some(r) => match validate::e164(r) {
            Ok(n) => found(
                "recipient-e164",
                Status::Pass,
                format!("The test recipient {n} is valid E.164."),
            ),
            Err(e) => found(
                "recipient-e164",
                Status::Fail,
                format!("The test recipient {r:?} is not E.164: {e}"),
            ),
        },
    };
    vec![
        e164,
        found(
            "test-message",
            Status::Skipped,
            "The doctor sends no message (it costs money and reaches a phone): `sms-mfa send-test --to NUMBER` does.",
        ),
    ]
}
