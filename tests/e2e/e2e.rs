//! A whole onboarding as a new user would do it: the normal wizard (not
//! `--sandbox`) in a pseudo-terminal, against the simulated provider and
//! Auth0 APIs (started by the test and kept across runs) and a real Secret
//! Service. Then quit, start again, and find everything still there.

use crate::common;

use common::keyring::TestKeyring;
use common::{ENTER, ESC, Session, TAB, walk};
use sms_mfa::config::{self, Paths};
use sms_mfa::sandbox::auth0::{self, CLIENT_ID, CLIENT_SECRET};
use sms_mfa::sandbox::providers::{self, Accounts, Providers};
use sms_mfa::sandbox::server::Response;
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

/// Step 4's connection form, typed: the domain, the client, `secret`.
/// With no connection the step opens on the pasted-token form; Esc
/// switches to the client id and secret.
fn type_connection(s: &Session, secret: &str) {
    s.wait_for("Connect with one pasted token");
    s.send(ESC);
    s.wait_for("Client ID");
    s.wait_for("Tenant domain");
    s.send(DOMAIN);
    s.send(TAB);
    s.send(CLIENT_ID);
    s.send(TAB);
    s.send(secret);
    s.send(ENTER);
}

/// Onboard `id` from the first screen to Done, typing everything.
fn onboard(s: &Session, id: &str) {
    walk::onboard_provider(s, id, "in the OS keyring (service sms-mfa,");
    // Step 4: the connection, typed; the secret goes to the keyring.
    s.wait_for("Step 4 of 5");
    type_connection(s, CLIENT_SECRET);
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

// Fault injection in the same harness: each case ends with a clear
// message, a restored terminal, the profile file intact, and nothing done
// on the tenant the user is not told about.

/// The profile can be read back, whole.
fn profile_intact(home: &std::path::Path, provider: &str) {
    let paths = Paths {
        config_dir: home.join("config/sms-mfa"),
        data_dir: home.join("data/sms-mfa"),
    };
    let loaded = config::load(&paths, "default");
    assert_eq!(loaded.notice, None, "the profile reads back");
    assert_eq!(loaded.profile.provider.as_deref(), Some(provider));
}

/// Quit and check the terminal was given back.
fn quit(mut s: Session) {
    s.send(common::CTRL_C);
    // Typed input not saved yet: the wizard asks first.
    let asked = std::time::Instant::now();
    while asked.elapsed() < Duration::from_secs(1) {
        if s.screen().contains("Quit without saving") {
            s.send("y");
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(s.wait_exit(), 0);
    assert!(!s.alternate_screen(), "the terminal is restored");
}

/// Make the provider answer every send with `answer` from now on.
async fn provider_fault(m: &Machine, answer: Response) {
    m.providers.server.answer_with(move |r| {
        (r.method == "POST" && r.url.path().ends_with("/Messages.json")).then(|| answer.clone())
    });
}

#[tokio::test]
async fn provider_faults_mid_flow_end_in_a_clear_message() {
    use serde_json::json;
    let cases: Vec<(Response, &str)> = vec![
        (
            Response::new(500).set_body_json(
                json!({"code": 20500, "message": "Internal Server Error", "status": 500}),
            ),
            "Not sent: Provider error (temporary).",
        ),
        (
            Response::new(429).set_body_json(
                json!({"code": 20429, "message": "Too Many Requests", "status": 429}),
            ),
            "Not sent: Rate limited (temporary).",
        ),
        (
            Response::new(201).set_body_string("{\"sid\": \"SM0"),
            "unexpected answer (HTTP 201)",
        ),
    ];
    for (answer, message) in cases {
        let m = Machine::new(Tenant::fresh_upe()).await;
        provider_fault(&m, answer).await;
        let home = m.keyring.home();
        let env = m.env();
        tokio::task::spawn_blocking(move || {
            let s = spawn(&home, &env);
            walk::enter_account(&s, "twilio");
            walk::send_test_message(&s);
            s.wait_for_within(message, walk::SLOW);
            quit(s);
            profile_intact(&home, "twilio");
        })
        .await
        .unwrap();
        assert!(m.providers.inbox().is_empty(), "nothing was delivered");
    }
}

#[tokio::test]
async fn a_stalled_provider_is_cancelled_with_esc() {
    let m = Machine::new(Tenant::fresh_upe()).await;
    provider_fault(&m, Response::new(201).set_delay(Duration::from_secs(60))).await;
    let home = m.keyring.home();
    let env = m.env();
    tokio::task::spawn_blocking(move || {
        let s = spawn(&home, &env);
        walk::enter_account(&s, "twilio");
        walk::send_test_message(&s);
        s.wait_for("Sending through Twilio Programmable SMS");
        s.send(ESC);
        s.wait_for_wrapped("Cancelled. If the request had already reached the provider");
        // The form is editable again, and the terminal survives a resize.
        s.resize(20, 5);
        s.wait_for("Enlarge the terminal");
        s.resize(120, 40);
        s.wait_for("Step 3 of 5");
        quit(s);
        profile_intact(&home, "twilio");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_locked_or_missing_keyring_keeps_the_input_and_says_what_to_do() {
    for (keyring, kind) in [
        (TestKeyring::never_unlocked(), "locked"),
        (TestKeyring::bus_only(), "unavailable"),
    ] {
        let m = Machine {
            keyring,
            providers: Providers::serve(Accounts::default(), None).await,
            tenant: auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await,
        };
        let home = m.keyring.home();
        let env = m.env();
        tokio::task::spawn_blocking(move || {
            let s = spawn(&home, &env);
            walk::enter_account(&s, "twilio");
            s.wait_for_within(&format!("keyring {kind}"), walk::SLOW);
            assert!(s.screen().contains("Step 2 of 5"), "{}", s.screen());
            quit(s);
            profile_intact(&home, "twilio");
        })
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn a_refused_auth0_client_is_reported_and_nothing_is_written() {
    let m = Machine::new(Tenant::fresh_upe()).await;
    let home = m.keyring.home();
    let env = m.env();
    tokio::task::spawn_blocking(move || {
        let s = spawn(&home, &env);
        walk::onboard_provider(&s, "twilio", "in the OS keyring (service sms-mfa,");
        type_connection(
            &s,
            "a-wrong-client-secret-that-auth0-refuses-0123456789abcdefABCDEF",
        );
        s.wait_for_within("could not get a Management API token", walk::SLOW);
        quit(s);
        profile_intact(&home, "twilio");
    })
    .await
    .unwrap();
    assert!(m.tenant.writes().await.is_empty(), "nothing written");
}

/// SIGTERM while the plan is being applied: exit 143 with the terminal
/// restored; on the next start the tenant is checked again and the plan
/// shows exactly what is left, so nothing half-applied goes unmentioned.
#[tokio::test]
async fn sigterm_during_an_apply_is_told_on_the_next_start() {
    let m = Machine {
        keyring: TestKeyring::unlocked(),
        providers: Providers::serve(Accounts::default(), None).await,
        // Every Management API answer takes 250 ms: the apply is slow.
        tenant: auth0::serve(Tenant::fresh_upe(), Duration::from_millis(250)).await,
    };
    let home = m.keyring.home();
    let env = m.env();
    let h = home.clone();
    let e = env.clone();
    let state = m.tenant.state.clone();
    tokio::task::spawn_blocking(move || {
        let mut s = spawn(&h, &e);
        walk::onboard_provider(&s, "twilio", "in the OS keyring (service sms-mfa,");
        type_connection(&s, CLIENT_SECRET);
        s.wait_for_within("problems found", walk::SLOW);
        s.send("f");
        s.wait_for_within("changes planned", walk::SLOW);
        s.send("y");
        s.wait_for("Applying the plan");
        // The signal comes once the first change (the Action) is made.
        let asked = std::time::Instant::now();
        while state.lock().unwrap().actions.is_empty() {
            assert!(asked.elapsed() < walk::SLOW, "the apply never started");
            std::thread::sleep(Duration::from_millis(10));
        }
        common::keyring::signal(s.pid(), libc::SIGTERM);
        assert_eq!(s.wait_exit(), 143);
        assert!(!s.alternate_screen(), "the terminal is restored");
    })
    .await
    .unwrap();
    profile_intact(&home, "twilio");
    let done = m.tenant.writes().await.len();
    assert!((1..5).contains(&done), "stopped part-way ({done} writes)");
    tokio::task::spawn_blocking(move || {
        let s = spawn(&home, &env);
        s.wait_for("Step 4 of 5");
        s.wait_for_within("problem", walk::SLOW);
        s.send("f");
        // What is left, and no more: the next apply finishes the rest.
        s.wait_for_within("planned", walk::SLOW);
        // The Action made before the signal is not made again; its
        // secrets cannot be read back, so they are set again (said so).
        let screen = s.screen();
        assert!(
            !screen.contains("Create the Action"),
            "what was done is not planned again: {screen}"
        );
        assert!(
            screen.contains("Update the Action 'sms-mfa-twilio'"),
            "{screen}"
        );
        quit(s);
    })
    .await
    .unwrap();
}

/// Issue 20: a new user on a fresh profile types two credentials, picks
/// the number from the account's list in step 2 (it opens by itself), and
/// reaches a checked (and fixed) tenant by pasting only a token in step 4
/// (its first screen): sms-mfa's own application is
/// made with its grant, its secret lands in the real keyring, and the
/// pasted token is in no file and was never drawn.
#[tokio::test]
async fn a_new_user_connects_the_tenant_by_pasting_one_token() {
    let m = Machine::new(Tenant::fresh_upe()).await;
    m.tenant.state.lock().unwrap().policies = serde_json::json!(["all-applications"]);
    let home = m.keyring.home();
    let env = m.env();
    let token = auth0::explorer_token(&sms_mfa::auth0::connect::CONNECT_NEEDS.join(" "));
    let t = token.clone();
    let h = home.clone();
    let transcript = tokio::task::spawn_blocking(move || {
        let mut s = spawn(&h, &env);
        // Step 2: two credentials typed, the number picked from the list.
        s.wait_for("Step 1 of 5");
        s.send(ENTER); // Twilio Programmable SMS
        s.wait_for("Step 2 of 5");
        let creds = providers::credentials("twilio");
        s.send(creds[0].1);
        s.send(TAB);
        s.send(creds[1].1);
        s.send(TAB); // onto the empty From number: its list opens by itself
        s.wait_for("TWILIO_PHONE_NUMBER from the account");
        s.wait_for_within("Second SMS number", walk::SLOW);
        assert!(s.screen().contains("not SMS-capable"), "{}", s.screen());
        s.send(common::DOWN);
        s.send(common::DOWN);
        s.send(ENTER);
        s.wait_gone("TWILIO_PHONE_NUMBER from the account");
        assert!(s.screen().contains("[+15005550008"), "{}", s.screen());
        s.send(common::CTRL_N);
        s.wait_for_wrapped("in the OS keyring (service sms-mfa,");
        walk::send_test_message(&s);
        s.wait_for_within("Accepted by", walk::SLOW);
        s.send(common::CTRL_N);
        // No connection yet: step 4 opens on the token form by itself.
        s.wait_for("Step 4 of 5");
        s.wait_for("Connect with one pasted token");
        s.wait_for("API Explorer");
        s.wait_for("Used once, never stored");
        s.send("https://acme.eu.auth0.com/");
        s.send(ENTER);
        s.send(&t);
        s.send(ENTER);
        s.wait_for_within("Create application 'sms-mfa'", walk::SLOW);
        s.wait_for("these 11 scopes");
        s.send("y");
        walk::fix_tenant_and_finish(&s);
        s.send("q");
        assert_eq!(s.wait_exit(), 0);
        s.transcript()
    })
    .await
    .unwrap();
    let t = m.tenant.tenant();
    assert_eq!((t.clients.len(), t.grants.len()), (1, 1));
    assert_eq!(
        m.keyring
            .lookup("default/auth0/AUTH0_CLIENT_SECRET")
            .as_deref(),
        t.clients[0]["_secret"].as_str()
    );
    let paths = Paths {
        config_dir: home.join("config/sms-mfa"),
        data_dir: home.join("data/sms-mfa"),
    };
    let profile = config::load(&paths, "default").profile;
    assert_eq!(profile.settings["auth0"]["AUTH0_DOMAIN"], DOMAIN);
    assert_eq!(
        profile.settings["auth0"]["AUTH0_CLIENT_ID"],
        t.clients[0]["client_id"].as_str().unwrap()
    );
    assert!(
        t.sms_enabled,
        "the fix was applied with the new application"
    );
    let payload = token.split('.').nth(1).unwrap();
    let needle = &payload[..32];
    assert!(
        !transcript
            .windows(needle.len())
            .any(|w| w == needle.as_bytes()),
        "the token was drawn"
    );
    let mut stack = vec![home.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{} holds the token",
                    p.display()
                );
            }
        }
    }
}
