//! The OS keyring for real: a private D-Bus session and gnome-keyring per
//! test (see common/keyring.rs), driven through the headless commands and
//! through the wizard in a pseudo-terminal. What is stored is checked with
//! an independent client (secret-tool).

use crate::common;

use common::keyring::{Run, TestKeyring, sms_mfa};
use common::{CTRL_C, CTRL_N, ENTER, Session, TAB};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "fedcba98765432100123456789abcdef";
const OTHER_TOKEN: &str = "00112233445566778899aabbccddeeff";

fn env(k: &TestKeyring) -> Vec<(&'static str, String)> {
    k.env()
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

/// The `secrets list --json` entry of one setting.
fn setting<'a>(doc: &'a Value, provider: &str, name: &str) -> &'a Value {
    doc["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == provider)
        .unwrap_or_else(|| panic!("{provider} not listed: {doc:#}"))["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("{name} not listed: {doc:#}"))
}

fn list(home: &Path, k: &TestKeyring, extra: &[&str], more_env: &[(&str, String)]) -> Run {
    let mut args = vec!["secrets", "list", "--provider", "twilio", "--json"];
    args.extend_from_slice(extra);
    let mut e = env(k);
    e.extend(more_env.iter().cloned());
    sms_mfa(home, &args, "", &e)
}

#[test]
fn check_set_list_delete_round_trip() {
    let k = TestKeyring::unlocked();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();

    let r = sms_mfa(h, &["secrets", "check"], "", &env(&k));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("reachable, writable and unlocked"),
        "{r:?}"
    );
    let r = sms_mfa(h, &["secrets", "check", "--json"], "", &env(&k));
    assert_eq!(json(&r)["healthy"], true, "{r:?}");

    // A secret goes to the keyring, read from standard input (a trailing
    // newline, as `echo` adds, is not part of it).
    let r = sms_mfa(
        h,
        &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
        &format!("{TOKEN}\n"),
        &env(&k),
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("default/twilio/TWILIO_AUTH_TOKEN"),
        "{r:?}"
    );
    assert_eq!(
        k.lookup("default/twilio/TWILIO_AUTH_TOKEN").as_deref(),
        Some(TOKEN)
    );
    // A non-secret setting goes to the profile, not the keyring.
    let r = sms_mfa(
        h,
        &["secrets", "set", "twilio", "twilio_account_sid"],
        SID,
        &env(&k),
    );
    assert_eq!(r.code, 0, "{r:?}");
    let profile = std::fs::read_to_string(h.join("config/sms-mfa/profiles/default.toml")).unwrap();
    assert!(profile.contains(SID), "{profile}");
    assert!(!profile.contains(TOKEN), "{profile}");
    assert_eq!(k.lookup("default/twilio/TWILIO_ACCOUNT_SID"), None);

    let r = list(h, &k, &[], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains(TOKEN), "list never shows a secret");
    let doc = json(&r);
    let token = setting(&doc, "twilio", "TWILIO_AUTH_TOKEN");
    assert_eq!(token["source"], "keyring");
    assert_eq!(token["secret"], true);
    assert_eq!(token["value"], Value::Null);
    assert_eq!(token["keyring_user"], "default/twilio/TWILIO_AUTH_TOKEN");
    assert_eq!(
        setting(&doc, "twilio", "TWILIO_ACCOUNT_SID")["source"],
        "profile"
    );
    assert_eq!(
        setting(&doc, "twilio", "TWILIO_PHONE_NUMBER")["source"],
        "missing"
    );
    // The text form says the same, in columns.
    let r = sms_mfa(h, &["secrets", "list"], "", &env(&k));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .lines()
            .any(|l| l.contains("TWILIO_AUTH_TOKEN") && l.contains("keyring")),
        "{}",
        r.stdout
    );

    let r = sms_mfa(
        h,
        &["secrets", "delete", "twilio", "TWILIO_AUTH_TOKEN"],
        "",
        &env(&k),
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Deleted"), "{r:?}");
    assert_eq!(k.lookup("default/twilio/TWILIO_AUTH_TOKEN"), None);
    let r = sms_mfa(
        h,
        &["secrets", "delete", "twilio", "TWILIO_AUTH_TOKEN"],
        "",
        &env(&k),
    );
    assert_eq!(r.code, 0, "deleting twice is fine: {r:?}");
    assert!(r.stdout.contains("Nothing to delete"), "{r:?}");
    let doc = json(&list(h, &k, &[], &[]));
    assert_eq!(
        setting(&doc, "twilio", "TWILIO_AUTH_TOKEN")["source"],
        "missing"
    );

    // The tenant's Management API client secret is kept the same way.
    let client_secret = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_01";
    let r = sms_mfa(
        h,
        &["secrets", "set", "auth0", "AUTH0_CLIENT_SECRET"],
        client_secret,
        &env(&k),
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        k.lookup("default/auth0/AUTH0_CLIENT_SECRET").as_deref(),
        Some(client_secret)
    );
    let r = sms_mfa(h, &["secrets", "list", "--json"], "", &env(&k));
    let doc = json(&r);
    assert_eq!(
        setting(&doc, "auth0", "AUTH0_CLIENT_SECRET")["source"],
        "keyring",
        "listed by default once something is stored"
    );
    assert!(!r.stdout.contains(client_secret));
}

#[test]
fn invalid_input_is_refused_with_exit_2_and_nothing_is_stored() {
    let k = TestKeyring::unlocked();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for (args, input, says) in [
        (
            ["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
            "not-a-token",
            "32 hex",
        ),
        (
            ["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
            "",
            "no value",
        ),
        (
            ["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
            "fedcba98765432100123456789abcdef\nsecond line",
            "more than one line",
        ),
        (
            [
                "secrets",
                "set",
                "twilio-verify",
                "TWILIO_VERIFY_SERVICE_SID",
            ],
            SID,
            "starts with VA",
        ),
        (
            ["secrets", "set", "pigeon", "TWILIO_AUTH_TOKEN"],
            TOKEN,
            "twilio, twilio-verify",
        ),
        (
            ["secrets", "set", "twilio", "NOPE"],
            TOKEN,
            "TWILIO_ACCOUNT_SID",
        ),
        (
            ["secrets", "set", "auth0", "AUTH0_DOMAIN"],
            "https://login.acme.com/",
            "custom domain",
        ),
    ] {
        let r = sms_mfa(h, &args, input, &env(&k));
        assert_eq!(r.code, 2, "{args:?} {input:?}: {r:?}");
        assert!(r.stderr.contains(says), "{args:?}: {r:?}");
        assert_eq!(k.lookup("default/twilio/TWILIO_AUTH_TOKEN"), None);
        assert!(!r.stdout.contains(TOKEN) && !r.stderr.contains(TOKEN));
    }
    // The value is never taken from the command line.
    let r = sms_mfa(
        h,
        &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN", TOKEN],
        "",
        &env(&k),
    );
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn profiles_do_not_see_each_others_secrets() {
    let k = TestKeyring::unlocked();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let set = |profile: &str, value: &str| {
        sms_mfa(
            h,
            &[
                "--profile",
                profile,
                "secrets",
                "set",
                "twilio",
                "TWILIO_AUTH_TOKEN",
            ],
            value,
            &env(&k),
        )
    };
    assert_eq!(set("acme", TOKEN).code, 0);
    let doc = json(&list(h, &k, &["--profile", "globex"], &[]));
    assert_eq!(
        setting(&doc, "twilio", "TWILIO_AUTH_TOKEN")["source"],
        "missing"
    );
    assert_eq!(set("globex", OTHER_TOKEN).code, 0);
    assert_eq!(
        k.lookup("acme/twilio/TWILIO_AUTH_TOKEN").as_deref(),
        Some(TOKEN)
    );
    assert_eq!(
        k.lookup("globex/twilio/TWILIO_AUTH_TOKEN").as_deref(),
        Some(OTHER_TOKEN)
    );
    let r = sms_mfa(
        h,
        &[
            "--profile",
            "globex",
            "secrets",
            "delete",
            "twilio",
            "TWILIO_AUTH_TOKEN",
        ],
        "",
        &env(&k),
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        k.lookup("acme/twilio/TWILIO_AUTH_TOKEN").as_deref(),
        Some(TOKEN)
    );
    // The same provider's secret for another provider id is another entry too.
    let doc = json(&sms_mfa(
        h,
        &[
            "--profile",
            "acme",
            "secrets",
            "list",
            "--provider",
            "twilio-verify",
            "--json",
        ],
        "",
        &env(&k),
    ));
    assert_eq!(
        setting(&doc, "twilio-verify", "TWILIO_AUTH_TOKEN")["source"],
        "missing"
    );
}

#[test]
fn the_environment_wins_and_says_so() {
    let k = TestKeyring::unlocked();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert_eq!(
        sms_mfa(
            h,
            &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
            TOKEN,
            &env(&k)
        )
        .code,
        0
    );
    let over = [
        ("SMS_MFA_TWILIO_AUTH_TOKEN", OTHER_TOKEN.to_string()),
        ("SMS_MFA_TWILIO_ACCOUNT_SID", SID.to_string()),
    ];
    let r = list(h, &k, &[], &over);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains(OTHER_TOKEN), "{r:?}");
    let doc = json(&r);
    let token = setting(&doc, "twilio", "TWILIO_AUTH_TOKEN");
    assert_eq!(token["source"], "environment");
    assert_eq!(token["shadowed"], "keyring");
    assert_eq!(token["env_var"], "SMS_MFA_TWILIO_AUTH_TOKEN");
    let sid = setting(&doc, "twilio", "TWILIO_ACCOUNT_SID");
    assert_eq!(sid["source"], "environment");
    assert_eq!(sid["value"], SID, "non-secret values may be shown");
    let mut text_env = env(&k);
    text_env.extend(over.iter().cloned());
    let r = sms_mfa(h, &["secrets", "list"], "", &text_env);
    assert!(
        r.stdout.contains("the environment wins"),
        "the text says which wins: {}",
        r.stdout
    );
    // Setting a value while the variable is set stores it, and says it is
    // not the one in use.
    let r = sms_mfa(
        h,
        &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
        TOKEN,
        &text_env,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("SMS_MFA_TWILIO_AUTH_TOKEN is set"),
        "{r:?}"
    );
    // Without any keyring at all, the environment alone is enough.
    let r = sms_mfa(
        h,
        &["secrets", "list", "--provider", "twilio", "--json"],
        "",
        &over,
    );
    assert_eq!(r.code, 0, "the environment is enough: {r:?}");
    let doc = json(&r);
    assert_eq!(doc["error"], Value::Null, "{doc:#}");
    assert_eq!(
        setting(&doc, "twilio", "TWILIO_AUTH_TOKEN")["source"],
        "environment"
    );
}

#[test]
fn a_keyring_that_was_never_unlocked_is_reported_locked_not_empty() {
    let k = TestKeyring::never_unlocked();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let r = sms_mfa(h, &["secrets", "check"], "", &env(&k));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("locked"), "{r:?}");
    assert!(r.stdout.contains("Unlock"), "the remedy: {r:?}");
    let r = sms_mfa(h, &["secrets", "check", "--json"], "", &env(&k));
    assert_eq!(json(&r)["error"]["kind"], "locked", "{r:?}");
    let r = sms_mfa(
        h,
        &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
        TOKEN,
        &env(&k),
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("locked"), "{r:?}");
    // "Not found" from a keyring with no default collection is not believed.
    let r = list(h, &k, &[], &[]);
    assert_eq!(r.code, 1, "{r:?}");
    let doc = json(&r);
    assert_eq!(
        setting(&doc, "twilio", "TWILIO_AUTH_TOKEN")["source"],
        "unknown"
    );
    assert_eq!(doc["error"]["kind"], "locked");
}

#[test]
fn a_locked_login_keyring_is_reported_locked() {
    let mut k = TestKeyring::unlocked();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert_eq!(
        sms_mfa(
            h,
            &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
            TOKEN,
            &env(&k)
        )
        .code,
        0
    );
    // Restart the daemon without unlocking: the login keyring exists, locked.
    k.stop_daemon();
    assert!(
        k.home()
            .join(".local/share/keyrings/login.keyring")
            .exists(),
        "the login keyring was written"
    );
    k.start_daemon(false);
    let r = list(h, &k, &[], &[]);
    assert_eq!(r.code, 1, "{r:?}");
    let doc = json(&r);
    assert_eq!(doc["error"]["kind"], "locked", "{doc:#}");
    assert_eq!(
        setting(&doc, "twilio", "TWILIO_AUTH_TOKEN")["source"],
        "unknown",
        "a locked keyring is not reported as empty"
    );
    let r = sms_mfa(h, &["secrets", "check", "--json"], "", &env(&k));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(json(&r)["error"]["kind"], "locked", "{r:?}");
}

#[test]
fn no_session_bus_or_no_secret_service_is_reported_unavailable() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // The harness points DBUS_SESSION_BUS_ADDRESS at a socket that does not exist.
    let r = sms_mfa(h, &["secrets", "check"], "", &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("no OS keyring is reachable"), "{r:?}");
    assert!(r.stdout.contains("dbus-launch"), "the remedy: {r:?}");
    assert!(r.stdout.contains("SMS_MFA_"), "the override: {r:?}");

    let k = TestKeyring::bus_only();
    let r = sms_mfa(h, &["secrets", "check", "--json"], "", &env(&k));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(json(&r)["error"]["kind"], "unavailable", "{r:?}");
    let r = sms_mfa(
        h,
        &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
        TOKEN,
        &env(&k),
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("gnome-keyring-daemon"), "{r:?}");
    // Never a file instead: nothing anywhere under HOME holds the token.
    assert_eq!(grep_tree(h, TOKEN), Vec::<String>::new());
}

#[test]
fn a_keyring_that_does_not_answer_times_out() {
    let k = TestKeyring::unlocked();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    k.freeze();
    let started = Instant::now();
    let r = sms_mfa(h, &["secrets", "check"], "", &env(&k));
    let took = started.elapsed();
    assert_eq!(r.code, 1, "{r:?}");
    // libdbus (through dbus-secret-service) waits 2 s for each reply, so
    // the frozen daemon is reported then, before sms-mfa's own 5 s limit.
    assert!(r.stdout.contains("did not answer within 2 s"), "{r:?}");
    assert!(
        took >= Duration::from_millis(1800) && took < Duration::from_secs(20),
        "gave up after {took:?}, not after about 2 s"
    );
}

/// Files under `dir` whose bytes contain `needle`.
fn grep_tree(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p)
                && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
            {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

/// The command lines of every process on the machine that contain `needle`.
fn grep_processes(needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmdline) = std::fs::read(e.path().join("cmdline"))
            && cmdline
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        {
            hits.push(String::from_utf8_lossy(&cmdline).replace('\0', " "));
        }
    }
    hits
}

/// 32 random hex digits (a valid Twilio auth token), different every run.
fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    for i in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos(),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// The wizard stores what is typed in the keyring, shows it as stored on
/// return, and a random secret is found nowhere but in the keyring.
#[test]
fn wizard_stores_in_the_keyring_and_the_canary_leaks_nowhere() {
    let k = TestKeyring::unlocked();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let canary = random_token();
    let canary2 = random_token();
    assert_ne!(canary, canary2);
    let bus = k.env();
    let env: Vec<(&str, &str)> = bus.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let mut screens = Vec::new();
    let mut processes = Vec::new();

    let mut s = Session::spawn_with(&["--log-level", "trace"], h, 100, 30, &env);
    s.wait_for("Step 1 of 5");
    s.send(ENTER); // Twilio Programmable SMS
    s.wait_for("not stored yet");
    s.send(SID);
    s.send(TAB);
    s.send(&canary);
    s.wait_for("••••••••••••••••••••••••••••••••");
    s.send(TAB);
    s.send("+14155550100");
    s.wait_for("+14155550100");
    screens.push(s.screen());
    processes.extend(grep_processes(&canary));
    s.send(CTRL_N);
    s.wait_for("Stored 1 secret in the OS keyring");
    s.wait_for("Step 3 of 5");
    screens.push(s.screen());
    processes.extend(grep_processes(&canary));
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0, "nothing unsaved: quits without asking");
    let mut transcripts = vec![s.transcript()];
    assert_eq!(
        k.lookup("default/twilio/TWILIO_AUTH_TOKEN").as_deref(),
        Some(canary.as_str()),
        "the wizard stored the typed secret"
    );

    // On return the secret is shown as stored, never as its value.
    let mut s = Session::spawn_with(&[], h, 100, 30, &env);
    s.wait_for("Step 3 of 5");
    s.send("\x1b");
    s.wait_for("Step 2 of 5");
    s.wait_for("stored in the keyring");
    screens.push(s.screen());
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
    transcripts.push(s.transcript());

    // And through the headless command: the processes are searched while
    // it runs and holds half the value.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sms-mfa"))
        .args([
            "--log-level",
            "trace",
            "secrets",
            "set",
            "vonage",
            "VONAGE_API_SECRET",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", h)
        .env("XDG_CONFIG_HOME", h.join("config"))
        .env("XDG_DATA_HOME", h.join("data"))
        .env("DBUS_SESSION_BUS_ADDRESS", &k.address)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&canary2.as_bytes()[..8]).unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        processes.extend(grep_processes(&canary2[..8]));
        stdin.write_all(&canary2.as_bytes()[8..16]).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    screens.push(String::from_utf8_lossy(&out.stdout).into_owned());
    screens.push(String::from_utf8_lossy(&out.stderr).into_owned());
    assert_eq!(
        k.lookup("default/vonage/VONAGE_API_SECRET").as_deref(),
        Some(&canary2[..16])
    );
    let r = sms_mfa(h, &["secrets", "list"], "", &bus);
    screens.push(r.stdout + &r.stderr);

    for needle in [canary.as_str(), &canary2[..16]] {
        for dir in ["config", "data"] {
            assert_eq!(grep_tree(&h.join(dir), needle), Vec::<String>::new());
        }
        for (i, screen) in screens.iter().enumerate() {
            assert!(!screen.contains(needle), "screen {i} shows it:\n{screen}");
        }
        for t in &transcripts {
            assert!(
                !t.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "a frame drew it"
            );
        }
    }
    assert!(
        h.join("data/sms-mfa/logs/sms-mfa.log").exists(),
        "the log was written (and searched)"
    );
    assert_eq!(processes, Vec::<String>::new());
}

/// Without any keyring the wizard says so and what to do, and typed
/// secrets are kept (never written anywhere else).
#[test]
fn wizard_without_a_keyring_explains_and_keeps_the_input() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let mut s = Session::spawn_sized(&[], h, 100, 30); // no bus at all
    s.wait_for("Step 1 of 5");
    s.send(ENTER);
    s.wait_for("No OS keyring is reachable");
    s.wait_for("keyring unavailable");
    s.send(SID);
    s.send(TAB);
    s.send(TOKEN);
    s.send(TAB);
    s.send("+14155550100");
    s.wait_for("+14155550100");
    s.send(CTRL_N);
    s.wait_for("Not stored (keyring unavailable)");
    assert!(s.screen().contains("Step 2 of 5"), "{}", s.screen());
    s.send(CTRL_C);
    s.wait_for("Quit without saving?");
    s.send("y");
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(grep_tree(h, TOKEN), Vec::<String>::new());
}

/// `--sandbox` stores what is typed in step 2 under its own keyring
/// service, never among the real entries, and leaves real profiles alone.
#[test]
fn the_sandbox_keeps_its_secrets_apart() {
    let k = TestKeyring::unlocked();
    let h = k.home();
    let bus = k.env();
    let env: Vec<(&str, &str)> = bus.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let mut s = Session::spawn_with(&["--sandbox"], &h, 100, 30, &env);
    s.wait_for("Step 1 of 5");
    assert!(s.screen().contains(" SANDBOX "), "{}", s.screen());
    assert!(!s.screen().contains("No OS keyring"), "{}", s.screen());
    s.send(ENTER); // Twilio Programmable SMS
    s.wait_for("not stored yet");
    // Twilio's first three fields, in the form's order.
    for (_, value) in sms_mfa::sandbox::providers::credentials("twilio") {
        s.send(value);
        s.send(TAB);
    }
    s.send(CTRL_N);
    s.wait_for("service sms-mfa-sandbox, user sandbox/twilio/NAME");
    s.wait_for("Step 3 of 5");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
    let (_, token) = sms_mfa::sandbox::providers::credentials("twilio")
        .into_iter()
        .find(|(n, _)| *n == "TWILIO_AUTH_TOKEN")
        .unwrap();
    assert_eq!(
        k.lookup_in("sms-mfa-sandbox", "sandbox/twilio/TWILIO_AUTH_TOKEN")
            .as_deref(),
        Some(token)
    );
    assert_eq!(k.lookup("sandbox/twilio/TWILIO_AUTH_TOKEN"), None);
    assert_eq!(k.lookup("default/twilio/TWILIO_AUTH_TOKEN"), None);
    assert!(
        !h.join("config/sms-mfa/profiles/default.toml").exists(),
        "the real profile is not touched"
    );
}

/// 16 `secrets set` of different settings on one profile at once: each
/// read-modify-write holds the profile's lock, so all 16 are there
/// afterwards (without it, 13 of them left 5).
#[test]
fn parallel_secrets_set_on_one_profile_keep_every_setting() {
    use sms_mfa::providers::{Catalog, validate};
    let home = tempfile::tempdir().unwrap();
    let catalog = Catalog::builtin();
    let settings: Vec<(String, String, String)> = catalog
        .groups()
        .flat_map(|p| p.settings.iter().map(move |s| (p, s)))
        .filter(|(_, s)| !s.secret && !validate(s, &s.example).is_error())
        .map(|(p, s)| (p.id.clone(), s.name.clone(), s.example.clone()))
        .take(16)
        .collect();
    assert_eq!(settings.len(), 16, "16 non-secret settings: {settings:?}");
    let runs: Vec<_> = settings
        .iter()
        .cloned()
        .map(|(p, name, value)| {
            let home = home.path().to_path_buf();
            std::thread::spawn(move || sms_mfa(&home, &["secrets", "set", &p, &name], &value, &[]))
        })
        .collect();
    for r in runs {
        let r = r.join().unwrap();
        assert_eq!(r.code, 0, "{r:?}");
    }
    let text =
        std::fs::read_to_string(home.path().join("config/sms-mfa/profiles/default.toml")).unwrap();
    let profile: toml::Table = toml::from_str(&text).unwrap();
    for (p, name, value) in &settings {
        assert_eq!(
            profile["settings"][p.as_str()][name.as_str()].as_str(),
            Some(value.as_str()),
            "{p} {name} kept: {text}"
        );
    }
}

/// `tenant connect`: the pasted Management API token (a random canary in
/// it) is read at a hidden prompt, used, and found in no file, log, frame,
/// output or process argument; the application's secret lands in the real
/// keyring. Then `tenant disconnect`, with the token piped in, removes it.
#[test]
fn tenant_connect_forgets_the_pasted_token() {
    use sms_mfa::sandbox::auth0::{self, Tenant};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(auth0::serve(Tenant::fresh_upe(), Duration::ZERO));
    let k = TestKeyring::unlocked();
    let h = k.home();
    let canary = random_token();
    let all: Vec<String> = sms_mfa::sandbox::spec::management_scopes()
        .iter()
        .cloned()
        .collect();
    let token = auth0::explorer_token_with_id(&all.join(" "), &canary);
    // The canary as it appears in the token (base64url of the payload).
    let needle = token.split('.').nth(1).unwrap().to_string();
    let mut bus = k.env();
    bus.push(("SMS_MFA_AUTH0_BASE_URL", fake.uri()));
    let env: Vec<(&str, &str)> = bus.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let mut processes = Vec::new();

    let mut s = Session::spawn_with(
        &[
            "--log-level",
            "trace",
            "tenant",
            "connect",
            "--domain",
            "https://acme.eu.auth0.com/",
        ],
        &h,
        100,
        30,
        &env,
    );
    s.wait_for("API Explorer");
    s.wait_for("Management API token (hidden)");
    s.send(&token);
    processes.extend(grep_processes(&needle[..24]));
    s.send(ENTER);
    s.wait_for("Make these changes? [y/N]");
    assert!(
        s.screen().contains("Create application 'sms-mfa'"),
        "{}",
        s.screen()
    );
    processes.extend(grep_processes(&needle[..24]));
    s.send("y\r");
    s.wait_for("Connected");
    assert_eq!(s.wait_exit(), 0, "{}", s.screen());
    let mut screens = vec![s.screen()];
    let transcripts = [s.transcript()];
    let t = fake.tenant();
    assert_eq!(t.clients.len(), 1);
    assert_eq!(
        k.lookup("default/auth0/AUTH0_CLIENT_SECRET").as_deref(),
        t.clients[0]["_secret"].as_str(),
        "the application's secret is in the keyring"
    );

    // The stored connection works: tenant check with no token at all.
    let r = sms_mfa(&h, &["tenant", "check", "--json"], "", &bus);
    assert_eq!(json(&r)["missing_scopes"], serde_json::json!([]), "{r:?}");
    assert_eq!(json(&r)["generation"], "unified-phone", "{r:?}");
    screens.push(r.stdout + &r.stderr);
    // `profiles` lists it with the tenant and the generation seen.
    let r = sms_mfa(&h, &["profiles", "--json"], "", &bus);
    let v = json(&r);
    assert_eq!(v[0]["name"], "default", "{r:?}");
    assert_eq!(v[0]["tenant"], "acme.eu.auth0.com", "{r:?}");
    assert_eq!(v[0]["generation"], "Unified Phone Experience", "{r:?}");
    assert_eq!(v[0]["last_check"]["command"], "tenant check", "{r:?}");

    let r = sms_mfa(&h, &["tenant", "disconnect", "--apply"], &token, &bus);
    assert_eq!(r.code, 0, "{r:?}");
    screens.push(r.stdout + &r.stderr);
    assert_eq!(fake.tenant().clients.len(), 0);
    assert_eq!(k.lookup("default/auth0/AUTH0_CLIENT_SECRET"), None);

    for n in [needle.as_str(), &needle[..24], canary.as_str()] {
        assert_eq!(grep_tree(&h, n), Vec::<String>::new(), "a file holds it");
        for (i, screen) in screens.iter().enumerate() {
            assert!(!screen.contains(n), "screen {i} shows it:\n{screen}");
        }
        for t in &transcripts {
            assert!(
                !t.windows(n.len()).any(|w| w == n.as_bytes()),
                "a frame drew it"
            );
        }
    }
    assert!(
        h.join("data/sms-mfa/logs/sms-mfa.log").exists(),
        "the log was written (and searched)"
    );
    assert_eq!(processes, Vec::<String>::new());
}
