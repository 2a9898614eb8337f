//! `sms-mfa send-test` and `check-credentials`, the real binary against
//! loopback fakes of every provider, settings from the environment; and the
//! wizard sending through a fake that stalls, in a pseudo-terminal.

mod common;

use common::keyring::{Run, sms_mfa};
use common::{ENTER, ESC, Session};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::fakes::{SID, TOKEN, env_for, happy_fake};

/// Run the binary off the async runtime (the fake keeps answering).
async fn run(home: &Path, args: Vec<String>, env: Vec<(&'static str, String)>) -> Run {
    let home = home.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sms_mfa(&home, &args, "", &env)
    })
    .await
    .unwrap()
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {r:?}"))
}

#[tokio::test]
async fn every_seed_provider_sends_and_checks_against_its_fake() {
    let home = tempfile::tempdir().unwrap();
    for p in ["twilio", "twilio-verify", "vonage", "infobip", "esendex"] {
        let server = happy_fake(p).await;
        let env = env_for(p, &server.uri());
        let r = run(
            home.path(),
            args(&[
                "send-test",
                "--provider",
                p,
                "--to",
                "+14155550100",
                "--json",
            ]),
            env.clone(),
        )
        .await;
        assert_eq!(r.code, 0, "{p}: {r:?}");
        let doc = json(&r);
        assert_eq!(doc["outcome"], "accepted", "{p}: {doc:#}");
        assert!(!doc["id"].as_str().unwrap().is_empty());
        assert_eq!(doc["to"], "+14155550100");
        if p == "twilio-verify" {
            assert_eq!(doc["code_sent"].as_str().unwrap().len(), 6);
        }
        let r = run(
            home.path(),
            args(&["check-credentials", "--provider", p, "--json"]),
            env.clone(),
        )
        .await;
        assert_eq!(r.code, 0, "{p}: {r:?}");
        assert_eq!(json(&r)["outcome"], "ok", "{p}: {r:?}");
        // The text form says it plainly.
        let r = run(
            home.path(),
            args(&["send-test", "--provider", p, "--to", "+14155550100"]),
            env,
        )
        .await;
        assert!(r.stdout.contains("✓ Accepted by"), "{p}: {r:?}");
        assert!(!r.stdout.contains(TOKEN) && !r.stderr.contains(TOKEN));
    }
}

#[tokio::test]
async fn a_rejection_is_exit_1_with_class_hint_and_the_providers_words() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "code": 21211,
            "message": "The 'To' number +14155550100 is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211",
            "status": 400,
        })))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let env = env_for("twilio", &server.uri());
    let r = run(
        home.path(),
        args(&[
            "send-test",
            "--provider",
            "twilio",
            "--to",
            "+14155550100",
            "--json",
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    let doc = json(&r);
    assert_eq!(doc["outcome"], "rejected");
    assert_eq!(doc["class"], "invalid-recipient");
    assert_eq!(doc["code"], "21211");
    assert_eq!(doc["http_status"], 400);
    assert!(
        doc["message"]
            .as_str()
            .unwrap()
            .contains("not a valid phone number")
    );
    assert!(!doc["hint"].as_str().unwrap().is_empty());
    let r = run(
        home.path(),
        args(&["send-test", "--provider", "twilio", "--to", "+14155550100"]),
        env,
    )
    .await;
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("✗") && r.stdout.contains("[21211]"),
        "{r:?}"
    );
}

#[tokio::test]
async fn bad_input_is_exit_2_and_sends_nothing() {
    let server = happy_fake("twilio").await;
    let home = tempfile::tempdir().unwrap();
    let env = env_for("twilio", &server.uri());
    // An invalid recipient.
    let r = run(
        home.path(),
        args(&[
            "send-test",
            "--provider",
            "twilio",
            "--to",
            "+1 415 555",
            "--json",
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("invalid recipient") && r.stderr.contains("Nothing was sent"));
    // A missing setting, named, with how to set it.
    let without: Vec<_> = env
        .iter()
        .filter(|(k, _)| *k != "SMS_MFA_TWILIO_ACCOUNT_SID")
        .cloned()
        .collect();
    let r = run(
        home.path(),
        args(&["send-test", "--provider", "twilio", "--to", "+14155550100"]),
        without,
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("TWILIO_ACCOUNT_SID is not set"), "{r:?}");
    assert!(
        r.stderr
            .contains("sms-mfa secrets set twilio TWILIO_ACCOUNT_SID"),
        "{r:?}"
    );
    // A secret that only an unreachable keyring could hold: an operational
    // failure (exit 1) with the keyring's remedy, not "missing".
    let without: Vec<_> = env
        .iter()
        .filter(|(k, _)| *k != "SMS_MFA_TWILIO_AUTH_TOKEN")
        .cloned()
        .collect();
    let r = run(
        home.path(),
        args(&["send-test", "--provider", "twilio", "--to", "+14155550100"]),
        without,
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("TWILIO_AUTH_TOKEN: the keyring could not be read")
            && r.stderr.contains("dbus-launch"),
        "{r:?}"
    );
    // Plain http to a host that is not loopback.
    let mut remote = env.clone();
    remote.retain(|(k, _)| *k != "SMS_MFA_TWILIO_BASE_URL");
    remote.push(("SMS_MFA_TWILIO_BASE_URL", "http://api.example.com".into()));
    let r = run(
        home.path(),
        args(&["check-credentials", "--provider", "twilio"]),
        remote,
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("TWILIO_BASE_URL"), "{r:?}");
    // An unknown provider.
    let r = run(
        home.path(),
        args(&["send-test", "--provider", "pigeon", "--to", "+14155550100"]),
        env,
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing reached the provider"
    );
}

#[tokio::test]
async fn an_unreachable_provider_is_exit_1_network() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let home = tempfile::tempdir().unwrap();
    let r = run(
        home.path(),
        args(&[
            "send-test",
            "--provider",
            "vonage",
            "--to",
            "+14155550100",
            "--json",
        ]),
        env_for("vonage", &format!("http://127.0.0.1:{port}")),
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    let doc = json(&r);
    assert_eq!(doc["outcome"], "failed");
    assert_eq!(doc["class"], "network");
    assert_eq!(doc["temporary"], true);
}

#[tokio::test]
async fn follow_reads_twilio_delivery_until_final() {
    let server = happy_fake("twilio").await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/2010-04-01/Accounts/{SID}/Messages/SM0123456789abcdef0123456789abcdef.json"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "sid": "SM0123456789abcdef0123456789abcdef", "status": "undelivered",
            "error_code": 30003, "error_message": "Unreachable destination handset",
        })))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let r = run(
        home.path(),
        args(&[
            "send-test",
            "--provider",
            "twilio",
            "--to",
            "+14155550100",
            "--follow",
            "--json",
        ]),
        env_for("twilio", &server.uri()),
    )
    .await;
    assert_eq!(r.code, 1, "undelivered: {r:?}");
    let doc = json(&r);
    assert_eq!(doc["outcome"], "accepted");
    assert_eq!(doc["delivery"][0]["status"], "undelivered");
    assert_eq!(doc["delivery"][0]["error_code"], "30003");
}

/// The wizard sending through a fake that stalls: the spinner's elapsed
/// time advances on screen, and Esc returns to an editable form.
#[tokio::test]
async fn the_wizard_shows_a_stalled_send_and_esc_cancels_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "sid": SID, "friendly_name": "Acme", "status": "active", "type": "Full",
        })))
        .mount(&server)
        .await;
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        let profile = home.path().join("config/sms-mfa/profiles");
        std::fs::create_dir_all(&profile).unwrap();
        std::fs::write(
            profile.join("default.toml"),
            "provider = \"twilio\"\nstep = \"test-message\"\n",
        )
        .unwrap();
        let env = env_for("twilio", &uri);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut s = Session::spawn_with(&[], home.path(), 100, 30, &env);
        s.wait_for("Step 3 of 5");
        s.send("+14155550100");
        s.send(ENTER);
        s.send(ENTER); // send
        s.wait_for("Sending through Twilio Programmable SMS");
        let elapsed = |screen: &str| -> Option<f64> {
            let at = screen.find("SMS… ")? + "SMS… ".len();
            screen[at..].split(' ').next()?.parse().ok()
        };
        s.wait_until("0.5 s or more on the clock", |screen| {
            elapsed(screen).is_some_and(|t| t >= 0.5)
        });
        let first = elapsed(&s.screen()).unwrap();
        s.wait_until("the clock to move on", |screen| {
            elapsed(screen).is_some_and(|t| t >= first + 0.5)
        });
        s.send(ESC);
        s.wait_for("Cancelled");
        assert!(!s.screen().contains("Sending through"), "{}", s.screen());
        // The form is editable again: typing changes the text.
        s.send("!");
        s.wait_for("123456!");
        assert!(s.screen().contains("Step 3 of 5"));
        s.send("\x03");
        let _ = s.wait_exit();
    })
    .await
    .unwrap();
}
