//! The sandbox: simulated provider APIs and a simulated Auth0 Management
//! API on loopback, following the vendors' official specifications, so the
//! whole wizard runs on a machine with no provider account and no tenant
//! (`sms-mfa --sandbox`). The wizard runs unchanged: only its base URLs
//! point here. The tests use the same simulations wherever they need a
//! stateful server, so the sandbox cannot drift from what is tested.

pub mod auth0;
pub mod providers;
pub mod scenario;
pub mod server;
pub mod spec;

pub use scenario::{Scenario, Scenarios};

use std::collections::BTreeMap;
use std::time::Duration;

/// The sandbox's profile: its progress is kept apart from real profiles.
pub const PROFILE: &str = "sandbox";
/// The simulated tenant's domain (the wizard checks its form; every call
/// goes to the simulation's loopback address instead).
pub const DOMAIN: &str = "sms-mfa-sandbox.us.auth0.com";

/// The sandbox account's settings of every catalog provider, by provider
/// id, as a user types them in step 2 (what the wizard's sandbox panel
/// shows; [`providers::credentials`]).
pub fn accounts() -> BTreeMap<String, Vec<(String, String)>> {
    crate::providers::Catalog::builtin()
        .providers
        .iter()
        .map(|p| {
            let creds = providers::credentials(&p.id)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (p.id.clone(), creds)
        })
        .collect()
}

/// Running simulations for one scenario.
pub struct Sandbox {
    pub providers: providers::Providers,
    pub tenant: auth0::Fake,
}

impl Sandbox {
    /// Start the simulated APIs for `scenario` on loopback (random ports).
    /// `on_delivery` hears of every message a simulated provider accepts.
    pub async fn start(scenario: &Scenario, on_delivery: Option<providers::OnDelivery>) -> Sandbox {
        let providers =
            providers::Providers::serve(scenario.accounts.clone(), on_delivery.clone()).await;
        // Auth0's own test runs the bound Action, which calls the provider:
        // here the simulated phone gets it from the Action's provider.
        let inbox = providers.state.clone();
        let on_try: auth0::OnTry = std::sync::Arc::new(move |t, body| {
            // The deployed custom-phone-provider Action, with its secrets,
            // is what sends (no binding step: docs "Configure a Custom Phone
            // Provider"). Its provider is the one its code was generated
            // for, whatever the Action's name.
            let action = t.actions.iter().find(|a| {
                a["deployed_version"].is_object()
                    && a["supported_triggers"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|s| s["id"] == "custom-phone-provider")
            });
            let has_secrets = action
                .and_then(|a| a["secrets"].as_array())
                .is_some_and(|s| !s.is_empty());
            let provider = action
                .and_then(|a| a["code"].as_str())
                .and_then(crate::codegen::provider_of);
            let (Some(p), true) = (provider, has_secrets) else {
                return;
            };
            let to = body["to"].as_str().unwrap_or("").to_string();
            let mut state = inbox.lock().unwrap_or_else(|e| e.into_inner());
            // The provider's own refusals (trial, funds) stop it too.
            let refused = (state.accounts.trial && !state.accounts.verified.contains(&to))
                || state.accounts.insufficient_funds.contains(&to);
            if refused {
                return;
            }
            let d = providers::Delivered {
                provider: p.id.as_str(),
                id: format!("auth0-try-{}", state.inbox.len() + 1),
                to,
                from: "Auth0 (test of the custom phone provider)".into(),
                text:
                    "Auth0's test reached the provider (simulated: the Action's code was not run)."
                        .into(),
            };
            state.inbox.push(d.clone());
            drop(state);
            if let Some(f) = &on_delivery {
                f(d);
            }
        });
        let tenant = auth0::serve_with(scenario.tenant(), Duration::ZERO, Some(on_try)).await;
        Sandbox { providers, tenant }
    }

    /// The environment the wizard runs with: every provider's base URL and
    /// the Management API's address and client (the simulated tenant's).
    /// It wins over the process environment.
    pub fn env(&self) -> BTreeMap<String, String> {
        let mut env: BTreeMap<String, String> = self.providers.env().into_iter().collect();
        env.insert("SMS_MFA_AUTH0_DOMAIN".into(), DOMAIN.into());
        env.insert("SMS_MFA_AUTH0_CLIENT_ID".into(), auth0::CLIENT_ID.into());
        env.insert(
            "SMS_MFA_AUTH0_CLIENT_SECRET".into(),
            auth0::CLIENT_SECRET.into(),
        );
        env.insert("SMS_MFA_AUTH0_BASE_URL".into(), self.tenant.uri());
        env
    }
}

/// The environment lookup of a sandbox run over `base` (the process's):
/// the simulation's settings (`overlay`) only; a real `SMS_MFA_*` value of
/// the shell never reaches the sandbox, other variables (`NO_COLOR`, `CI`,
/// ...) do.
pub fn lookup(
    overlay: BTreeMap<String, String>,
    base: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    move |name: &str| {
        overlay.get(name).cloned().or_else(|| {
            (!name.starts_with("SMS_MFA_"))
                .then(|| base(name))
                .flatten()
        })
    }
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    #[test]
    fn the_shells_sms_mfa_values_never_reach_the_sandbox() {
        let shell = |name: &str| Some(format!("shell {name}"));
        let overlay = BTreeMap::from([("SMS_MFA_TWILIO_BASE_URL".to_string(), "sim".to_string())]);
        let env = lookup(overlay, shell);
        assert_eq!(env("SMS_MFA_TWILIO_BASE_URL").as_deref(), Some("sim"));
        assert_eq!(env("SMS_MFA_TWILIO_AUTH_TOKEN"), None);
        assert_eq!(env("NO_COLOR").as_deref(), Some("shell NO_COLOR"));
    }
}
