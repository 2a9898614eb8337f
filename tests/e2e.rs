//! A whole onboarding as a new user would do it: the normal wizard (not
//! `--sandbox`) in a pseudo-terminal, against the simulated provider and
//! Auth0 APIs (started by the test and kept across runs) and a real Secret
//! Service. Then quit, start again, and find everything still there.

mod common;

use common::keyring::TestKeyring;
use common::{ENTER, ESC, Session, TAB, walk};
use sms_mfa::config::{self, Paths};
use sms_mfa::sandbox::auth0::{self, CLIENT_ID, CLIENT_SECRET};
use sms_mfa::sandbox::providers::{self, Accounts, Providers};
use sms_mfa::sandbox::{Scenarios, auth0::Tenant};
use sms_mfa::wizard::Step;
use std::time::Duration;

const DOMAIN: &str = "acme.eu.auth0.com";

/// A fresh machine: a real keyring, the simulated provider APIs and the
/// simulated tenant in `tenant`'s state.
struct Machine {
    keyring: TestKeyring,
    providers: Providers,
    tenant: auth0::Fake,
}

impl Machine {
    async fn new(tenant: Tenant) -> Machine {
        Machine {
            keyring: TestKeyring::unlocked(),
            providers: Providers::serve(Accounts::default(), None).await,
            tenant: auth0::serve(tenant, Duration::ZERO).await,
        }
    }

    /// The environment a user on this machine has: the session bus, and
    /// the APIs' addresses (the only thing the simulation changes).
    fn env(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = self
            .keyring
            .env()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        env.extend(self.providers.env());
        env.push(("SMS_MFA_AUTH0_BASE_URL".into(), self.tenant.uri()));
        env
    }
}

fn spawn(home: &std::path::Path, env: &[(String, String)]) -> Session {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Session::spawn_with(&[], home, 120, 40, &env)
}

/// Onboard `id` from the first screen to Done, typing everything.
fn onboard(s: &Session, id: &str) {
    walk::onboard_provider(s, id, "in the OS keyring (service sms-mfa,");
    // Step 4: the connection, typed; the secret goes to the keyring.
    s.wait_for("Step 4 of 5");
    s.wait_for("Tenant domain");
    s.send(DOMAIN);
    s.send(TAB);
    s.send(CLIENT_ID);
    s.send(TAB);
    s.send(CLIENT_SECRET);
    s.send(ENTER);
    walk::fix_tenant_and_finish(s);
}

async fn onboard_and_come_back(id: &'static str) {
    let m = Machine::new(Tenant::fresh_upe()).await;
    m.tenant.state.lock().unwrap().policies = serde_json::json!(["all-applications"]);
    let home = m.keyring.home();
    let env = m.env();
    let h = home.clone();
    let e = env.clone();
    tokio::task::spawn_blocking(move || {
        let mut s = spawn(&h, &e);
        onboard(&s, id);
        s.send("q");
        assert_eq!(s.wait_exit(), 0, "{id}");
        assert!(!s.alternate_screen(), "the terminal is restored");
    })
    .await
    .unwrap();

    // Everything is where it should be.
    let paths = Paths {
        config_dir: home.join("config/sms-mfa"),
        data_dir: home.join("data/sms-mfa"),
    };
    let profile = config::load(&paths, "default").profile;
    assert_eq!(profile.provider.as_deref(), Some(id));
    assert_eq!(profile.step, Step::Done);
    assert_eq!(profile.test_recipient.as_deref(), Some("+14155550100"));
    assert_eq!(profile.settings["auth0"]["AUTH0_DOMAIN"], DOMAIN);
    let p = sms_mfa::providers::Catalog::builtin().get(id).unwrap();
    for (name, value) in providers::credentials(id) {
        if p.setting(name).unwrap().secret {
            assert_eq!(
                m.keyring.lookup(&format!("default/{id}/{name}")).as_deref(),
                Some(value),
                "{id} {name} in the keyring"
            );
        } else {
            assert_eq!(
                profile.settings[id][name], value,
                "{id} {name} in the profile"
            );
        }
    }
    assert_eq!(
        m.keyring
            .lookup("default/auth0/AUTH0_CLIENT_SECRET")
            .as_deref(),
        Some(CLIENT_SECRET)
    );
    let t = m.tenant.tenant();
    assert!(t.sms_enabled);
    assert_eq!(t.actions.len(), 1);
    assert_eq!(t.actions[0]["name"], format!("sms-mfa-{id}"));
    let inbox = m.providers.inbox();
    assert_eq!(inbox.len(), 1, "one test message, nothing else sent");
    assert_eq!(inbox[0].to, "+14155550100");

    // Start again: resumed where it ended, and the checklist is still clean
    // with what is stored (nothing typed this time).
    let writes = m.tenant.writes().await.len();
    tokio::task::spawn_blocking(move || {
        let mut s = spawn(&home, &env);
        s.wait_for("Finished");
        s.send(ESC);
        s.wait_for("Step 5 of 5");
        s.wait_for_within("No problems found.", walk::SLOW);
        s.send("q");
        assert_eq!(s.wait_exit(), 0);
    })
    .await
    .unwrap();
    assert_eq!(
        m.tenant.writes().await.len(),
        writes,
        "checking writes nothing"
    );
}

#[tokio::test]
async fn twilio_onboarding_survives_a_restart() {
    onboard_and_come_back("twilio").await;
}

#[tokio::test]
async fn twilio_verify_onboarding_survives_a_restart() {
    onboard_and_come_back("twilio-verify").await;
}

#[tokio::test]
async fn vonage_onboarding_survives_a_restart() {
    onboard_and_come_back("vonage").await;
}

#[tokio::test]
async fn infobip_onboarding_survives_a_restart() {
    onboard_and_come_back("infobip").await;
}

#[tokio::test]
async fn esendex_onboarding_survives_a_restart() {
    onboard_and_come_back("esendex").await;
}

/// The reverse: a tenant broken three ways reaches a clean checklist
/// through the wizard's own fixes.
#[tokio::test]
async fn a_tenant_broken_three_ways_is_fixed_by_the_wizard() {
    let broken = Scenarios::builtin()
        .get("broken-three-ways")
        .unwrap()
        .tenant();
    let m = Machine::new(broken).await;
    let home = m.keyring.home();
    let env = m.env();
    tokio::task::spawn_blocking(move || {
        let mut s = spawn(&home, &env);
        onboard(&s, "twilio");
        s.send("q");
        assert_eq!(s.wait_exit(), 0);
    })
    .await
    .unwrap();
    let t = m.tenant.tenant();
    assert!(t.sms_enabled);
    assert_eq!(t.phone_providers[0]["disabled"], false);
    assert!(
        t.actions[0]["secrets"].as_array().unwrap().len() >= 3,
        "{}",
        t.actions[0]["secrets"]
    );
}
