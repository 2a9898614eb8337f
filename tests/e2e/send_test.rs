//! `sms-mfa send-test` and `check-credentials`, the real binary against
//! loopback fakes of every provider, settings from the environment; and the
//! wizard sending through a fake that stalls, in a pseudo-terminal.

use crate::common;

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

/// A Twilio fake (its documented shapes) whose every printed field carries
/// terminal escapes: the account name, the message id (also a path
/// traversal), the status, the delivery error; or, `refusing`, error
/// messages.
async fn hostile_twilio(refusing: bool) -> MockServer {
    use common::hostile::EVIL;
    let server = MockServer::start().await;
    if refusing {
        let refusal = |code: u32| {
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"code": code, "message": EVIL, "status": 400}))
        };
        Mock::given(method("POST"))
            .respond_with(refusal(21211))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(refusal(20003))
            .mount(&server)
            .await;
        return server;
    }
    Mock::given(method("GET"))
        .and(path(format!("/2010-04-01/Accounts/{SID}.json")))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "sid": SID, "friendly_name": EVIL, "status": "active", "type": "Trial"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "sid": HOSTILE_ID, "status": EVIL, "error_code": null})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(r"/Messages/.*\.json$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "sid": HOSTILE_ID, "status": "undelivered", "error_code": 30003,
            "error_message": EVIL})))
        .mount(&server)
        .await;
    server
}

/// A message id that is a path traversal with an escape sequence in it.
const HOSTILE_ID: &str = "../../steal?x=\u{1b}[2J";

/// Text from a provider (names, ids, statuses, error messages) and a
/// setting from the environment reach the terminal of every headless
/// command only with their controls made visible; the message id goes
/// into the `--follow` URL as one escaped path segment.
#[tokio::test]
async fn escape_sequences_from_a_provider_never_reach_the_terminal() {
    use common::hostile::assert_clean;
    let home = tempfile::tempdir().unwrap();
    let good = hostile_twilio(false).await;
    let bad = hostile_twilio(true).await;
    let to = ["--to", "+14155550100"];
    let runs: Vec<(&str, Vec<&str>, &MockServer)> = vec![
        (
            "check-credentials",
            vec!["check-credentials", "--provider", "twilio"],
            &good,
        ),
        (
            "refused check-credentials",
            vec!["check-credentials", "--provider", "twilio"],
            &bad,
        ),
        (
            "send-test --follow",
            [&["send-test", "--provider", "twilio", "--follow"][..], &to].concat(),
            &good,
        ),
        (
            "refused send-test",
            [&["send-test", "--provider", "twilio"][..], &to].concat(),
            &bad,
        ),
        (
            "doctor",
            [&["doctor", "--provider", "twilio", "--verbose"][..], &to].concat(),
            &good,
        ),
        (
            "refused doctor",
            [&["doctor", "--provider", "twilio", "--verbose"][..], &to].concat(),
            &bad,
        ),
    ];
    for (what, a, server) in runs {
        let r = run(home.path(), args(&a), env_for("twilio", &server.uri())).await;
        assert_clean(what, &r.stdout);
        assert_clean(what, &r.stderr);
        assert!(
            r.stdout.contains("\\u{1b}]0;pwned\\u{7}") && r.stdout.contains("\\u{202e}"),
            "{what}: the text is shown, its controls visible: {r:?}"
        );
    }
    // The id stayed one segment of the status URL: nothing else was asked.
    let paths: Vec<String> = good
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with(&format!("/2010-04-01/Accounts/{SID}"))),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("/Messages/..%2F..%2Fsteal%3Fx%3D%1B%5B2J.json")),
        "{paths:?}"
    );
    // The JSON stays exact: serde escapes the controls, nothing is lost.
    let r = run(
        home.path(),
        args(&["check-credentials", "--provider", "twilio", "--json"]),
        env_for("twilio", &good.uri()),
    )
    .await;
    assert_clean("check-credentials --json", &r.stdout);
    assert!(
        json(&r)["summary"]
            .as_str()
            .unwrap()
            .contains(common::hostile::EVIL)
    );
    // A setting from the environment, listed.
    let mut env = env_for("esendex", "https://api.esendex.com");
    env.retain(|(k, _)| *k != "SMS_MFA_ESENDEX_USERNAME");
    env.push(("SMS_MFA_ESENDEX_USERNAME", common::hostile::EVIL.into()));
    let r = run(
        home.path(),
        args(&["secrets", "list", "--provider", "esendex"]),
        env,
    )
    .await;
    assert_clean("secrets list", &r.stdout);
    assert_clean("secrets list", &r.stderr);
    assert!(r.stdout.contains("\\u{202e}"), "{r:?}");
    // The log holds no raw control either, and is private.
    let log = home.path().join("data/sms-mfa/logs/sms-mfa.log");
    assert_clean("the log", &std::fs::read_to_string(&log).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&log), 0o600);
        assert_eq!(mode(log.parent().unwrap()), 0o700);
    }
}

/// A setting typed with a control character is refused, and nothing is
/// stored.
#[tokio::test]
async fn a_setting_with_a_control_character_is_refused() {
    let home = tempfile::tempdir().unwrap();
    for (name, value) in [
        ("ESENDEX_USERNAME", "admin\u{1b}[2J@example.com"),
        ("ESENDEX_USERNAME", "admin\u{202e}@example.com"),
        ("ESENDEX_BASE_URL", "https://api.esendex.com\r"),
        ("ESENDEX_BASE_URL", "https://user:pw@api.esendex.com"),
        ("ESENDEX_BASE_URL", "https://api.esendex.com/#top"),
    ] {
        let h = home.path().to_path_buf();
        let r = tokio::task::spawn_blocking(move || {
            sms_mfa(&h, &["secrets", "set", "esendex", name], value, &[])
        })
        .await
        .unwrap();
        assert_eq!(r.code, 2, "{name}={value:?}: {r:?}");
        common::hostile::assert_clean("secrets set", &r.stderr);
    }
    assert!(
        !home
            .path()
            .join("config/sms-mfa/profiles/default.toml")
            .exists(),
        "nothing stored"
    );
}

/// An answer without end, or of 400 MiB: `check-credentials` stops at the
/// body limit with a message that says so, its peak memory far below
/// 64 MiB (400 MiB took it to 4.5 GB before the limit).
#[tokio::test]
async fn huge_or_endless_answers_stop_at_the_limit_in_little_memory() {
    use common::hostile::{endless, large, measured, raw};
    let home = tempfile::tempdir().unwrap();
    for (what, server) in [
        ("endless", raw("127.0.0.1", endless)),
        ("400 MiB", raw("127.0.0.1", large(400 * 1024 * 1024, false))),
    ] {
        let env = env_for("vonage", &server.uri());
        let h = home.path().to_path_buf();
        let r = tokio::task::spawn_blocking(move || {
            measured(&h, &["check-credentials", "--provider", "vonage"], &env)
        })
        .await
        .unwrap();
        eprintln!("check-credentials, {what} answer: peak {} KiB", r.peak_kib);
        assert_eq!(r.code, 1, "{what}: {r:?}");
        assert!(r.stdout.contains("larger than 1 MiB"), "{what}: {r:?}");
        assert!(r.peak_kib < 64 * 1024, "{what}: peak {} KiB", r.peak_kib);
    }
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

/// A log that cannot be opened (here: the data folder is a file) is a
/// visible warning on standard error, and the command still runs.
#[tokio::test]
async fn a_log_that_cannot_be_opened_is_a_visible_warning() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("data"), "not a folder").unwrap();
    let r = run(home.path(), args(&["code", "--provider", "twilio"]), vec![]).await;
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("sms-mfa: warning: Logging is off: cannot create"),
        "{r:?}"
    );
}
