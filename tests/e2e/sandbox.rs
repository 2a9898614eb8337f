//! `sms-mfa --sandbox` in a pseudo-terminal, as a new user on a fresh
//! machine: no provider account, no tenant, no keyring. For each of the five
//! providers, from the first screen to a clean checklist; and a broken
//! scenario to a clean checklist through the wizard's own fixes.

use crate::common;

use common::{Session, walk};
use sms_mfa::sandbox::Scenarios;

fn sandbox(args: &[&str]) -> (tempfile::TempDir, Session) {
    let home = tempfile::tempdir().unwrap();
    let mut all = vec!["--sandbox"];
    all.extend_from_slice(args);
    let s = Session::spawn_with(&all, home.path(), 120, 40, &[]);
    (home, s)
}

/// Every screen says it is the sandbox.
fn assert_sandbox(s: &Session) {
    let screen = s.screen();
    assert!(screen.contains(" SANDBOX "), "{screen}");
}

/// The walk, checking at each step that the screen says SANDBOX.
fn onboard_provider(s: &Session, id: &str) {
    s.wait_for("Step 1 of 5");
    assert_sandbox(s);
    walk::onboard_provider(s, id, "Stored");
    assert_sandbox(s);
    // The simulated phone got it.
    s.wait_for("+14155550100 from");
}

fn fix_tenant_and_finish(s: &Session) {
    s.wait_for("Step 4 of 5");
    assert_sandbox(s);
    walk::fix_tenant_and_finish(s);
    assert_sandbox(s);
}

#[test]
fn every_provider_from_the_first_screen_to_a_clean_checklist() {
    for id in ["twilio", "twilio-verify", "vonage", "infobip", "esendex"] {
        let (_home, mut s) = sandbox(&[]);
        onboard_provider(&s, id);
        fix_tenant_and_finish(&s);
        s.send("q");
        assert_eq!(s.wait_exit(), 0, "{id}");
    }
}

#[test]
fn a_broken_tenant_reaches_a_clean_checklist_through_the_wizards_fixes() {
    let (_home, mut s) = sandbox(&["--scenario", "broken-three-ways"]);
    onboard_provider(&s, "twilio");
    s.wait_for("Step 4 of 5");
    s.wait_for_within("problems found", walk::SLOW);
    let screen = s.screen();
    for broken in [
        "✗ SMS factor enabled",
        "✗ Delivery provider is Custom",
        "✗ Secret names match the code",
    ] {
        assert!(screen.contains(broken), "{broken}: {screen}");
    }
    fix_tenant_and_finish(&s);
    // Back on step 4, Auth0's own test reaches the simulated phone through
    // the Action's provider.
    s.send(common::ESC);
    s.wait_for("Step 5 of 5");
    s.send(common::ESC);
    s.wait_for("Step 4 of 5");
    s.wait_for("✓ Delivery provider is Custom");
    s.send("t");
    s.wait_for_within("Auth0's test: accepted", walk::SLOW);
    s.wait_for_wrapped("the Action's code was not run");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

/// A tenant set up the way Auth0's docs describe, with another provider's
/// code in the dashboard's Action: the wizard adopts that Action (Auth0
/// allows only one) and reaches a clean checklist; and a factor that
/// offers voice only.
#[test]
fn the_dashboard_action_and_voice_only_scenarios_reach_a_clean_checklist() {
    for (scenario, broken) in [
        ("dashboard-action", "✗ Secret names match the code"),
        ("voice-only", "✗ Message types include SMS"),
    ] {
        let (_home, mut s) = sandbox(&["--scenario", scenario]);
        onboard_provider(&s, "twilio");
        s.wait_for("Step 4 of 5");
        s.wait_for_within("problem", walk::SLOW);
        assert!(s.screen().contains(broken), "{scenario}: {}", s.screen());
        s.send("f");
        s.wait_for_within("changes planned", walk::SLOW);
        if scenario == "dashboard-action" {
            s.wait_for("Custom Phone Provider");
            assert!(
                !s.screen().contains("Create the Action"),
                "adopted, never a second one: {}",
                s.screen()
            );
        }
        s.send("y");
        s.wait_for_within("Last apply:", walk::SLOW);
        s.wait_for_within("Every check passed.", walk::SLOW);
        s.send(common::ENTER);
        s.wait_for("Step 5 of 5");
        s.wait_for_within("No problems found.", walk::SLOW);
        s.send("q");
        assert_eq!(s.wait_exit(), 0, "{scenario}");
    }
}

#[test]
fn scenarios_are_listed_and_an_unknown_one_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let run = common::keyring::sms_mfa(home.path(), &["--sandbox", "--scenario", "help"], "", &[]);
    assert_eq!(run.code, 0, "{run:?}");
    for s in &Scenarios::builtin().list {
        assert!(run.stdout.contains(&s.name), "{}", run.stdout);
    }
    let run = common::keyring::sms_mfa(home.path(), &["--sandbox", "--scenario", "nope"], "", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown scenario \"nope\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("new-tenant"), "{}", run.stderr);
    let run = common::keyring::sms_mfa(home.path(), &["--scenario", "new-tenant"], "", &[]);
    assert_eq!(run.code, 2, "--scenario needs --sandbox");
    // A command that works on real settings only never runs under
    // --sandbox (it would be the real one).
    for args in [
        &["--sandbox", "secrets", "list"][..],
        &[
            "--sandbox",
            "secrets",
            "delete",
            "twilio",
            "TWILIO_AUTH_TOKEN",
        ],
        &["--sandbox", "code", "--provider", "twilio"],
        &["--sandbox", "status"],
    ] {
        let run = common::keyring::sms_mfa(home.path(), args, "", &[]);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr
                .contains("works on real settings only. Nothing was run."),
            "{run:?}"
        );
    }
    // A real profile named by SMS_MFA_PROFILE is never written.
    let real = home.path().join("config/sms-mfa/profiles/prod.toml");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::write(&real, "provider = \"vonage\"\nstep = \"tenant\"\n").unwrap();
    let mut s = Session::spawn_with(
        &["--sandbox"],
        home.path(),
        100,
        30,
        &[("SMS_MFA_PROFILE", "prod")],
    );
    s.wait_for("profile sandbox");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        "provider = \"vonage\"\nstep = \"tenant\"\n"
    );
}

/// Every scenario builds a tenant the simulated Management API serves, and
/// the doctor's tenant checks find what the scenario says is broken.
#[tokio::test]
async fn every_scenario_is_served_and_checked() {
    use sms_mfa::auth0::{Connection, inspect};
    for sc in &Scenarios::builtin().list {
        let sb = sms_mfa::sandbox::Sandbox::start(sc, None).await;
        let env = sb.env();
        let conn = Connection::connect(
            env["SMS_MFA_AUTH0_BASE_URL"].clone(),
            sms_mfa::sandbox::DOMAIN,
            sms_mfa::sandbox::auth0::CLIENT_ID,
            sms_mfa::sandbox::auth0::CLIENT_SECRET,
        )
        .await
        .unwrap();
        let report = inspect::inspect(&conn, None).await;
        let fails: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.status == inspect::Status::Fail)
            .map(|f| f.id)
            .collect();
        let expect: &[&str] = match sc.name.as_str() {
            "new-tenant" => &["sms-enabled", "provider-custom", "one-live-code"],
            // Its history: a code refused with 21608 (Auth0's `fn` entry).
            "trial-account" => &[
                "sms-enabled",
                "provider-custom",
                "one-live-code",
                "failure-logs",
            ],
            "classic-hook" => &["secret-names", "hooks-end-of-life"],
            "broken-three-ways" => &["sms-enabled", "provider-custom", "secret-names"],
            "factor-disabled" => &["sms-enabled"],
            "provider-not-custom" => &["provider-custom"],
            "action-not-bound" | "action-not-deployed" => &["one-live-code"],
            // Set up the documented way, with Vonage code: healthy.
            "dashboard-action" => &[],
            "voice-only" => &["message-types"],
            "no-policy" => &["mfa-policy"],
            "failure-logs" => &["failure-logs"],
            other => panic!("a test for scenario {other}"),
        };
        assert_eq!(fails, expect, "{}", sc.name);
    }
}

/// Auth0's own test reaches the simulated phone only when it would for
/// real: the custom provider enabled, the bound Action with its secrets,
/// and a recipient the provider account may reach (found by review: it
/// always "delivered").
#[tokio::test]
async fn auth0s_test_delivers_only_when_the_tenant_and_account_would() {
    use serde_json::json;
    use sms_mfa::auth0::{Connection, try_send};
    let sc = Scenarios::builtin().get("broken-three-ways").unwrap();
    let sb = sms_mfa::sandbox::Sandbox::start(sc, None).await;
    let conn = Connection::with_token(
        sb.env()["SMS_MFA_AUTH0_BASE_URL"].clone(),
        sms_mfa::sandbox::auth0::TOKEN.into(),
    );
    // The provider is disabled: Auth0 refuses.
    let e = try_send::try_custom(&conn, "+14155550100")
        .await
        .unwrap_err();
    assert!(format!("{e}").contains("disabled"), "{e}");
    sb.tenant.state.lock().unwrap().phone_providers[0]["disabled"] = json!(false);
    // Enabled, but the Action has no secrets: accepted, nothing arrives.
    try_send::try_custom(&conn, "+14155550100").await.unwrap();
    assert!(sb.providers.inbox().is_empty());
    sb.tenant.state.lock().unwrap().actions[0]["secrets"] = json!([{"name": "TWILIO_AUTH_TOKEN"}]);
    try_send::try_custom(&conn, "+14155550100").await.unwrap();
    let inbox = sb.providers.inbox();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].to, "+14155550100");
    assert_eq!(inbox[0].provider, "twilio");
    // A trial account does not reach an unverified number.
    sb.providers.state.lock().unwrap().accounts.trial = true;
    try_send::try_custom(&conn, "+14155550100").await.unwrap();
    assert_eq!(sb.providers.inbox().len(), 1);
}

/// The headless commands under --sandbox: against the in-process
/// simulations, marked SANDBOX, with the simulated accounts' settings;
/// the shell's real SMS_MFA_* values, the real profile and the keyring are
/// never used.
#[test]
fn headless_commands_run_against_the_simulations_and_touch_nothing_real() {
    let home = tempfile::tempdir().unwrap();
    let real = home.path().join("config/sms-mfa/profiles/default.toml");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::write(&real, "provider = \"vonage\"\nstep = \"tenant\"\n").unwrap();
    // A real tenant and provider in the environment: never reached.
    let env = [
        ("SMS_MFA_AUTH0_BASE_URL", "https://real-tenant.invalid"),
        ("SMS_MFA_TWILIO_BASE_URL", "https://real-provider.invalid"),
        (
            "SMS_MFA_TWILIO_AUTH_TOKEN",
            "0123456789abcdef0123456789abcdef",
        ),
    ]
    .map(|(k, v)| (k, v.to_string()));
    let run = |args: &[&str]| common::keyring::sms_mfa(home.path(), args, "", &env);
    let r = run(&[
        "--sandbox",
        "tenant",
        "apply",
        "--provider",
        "twilio",
        "--apply",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("SANDBOX · scenario new-tenant"), "{r:?}");
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["changes"][0]["kind"], "create-action");
    assert!(
        doc["tenant"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:"),
        "{doc}"
    );

    let r = run(&[
        "--sandbox",
        "--scenario",
        "voice-only",
        "tenant",
        "check",
        "--json",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("\"message-types\""), "{}", r.stdout);

    let r = run(&[
        "--sandbox",
        "send-test",
        "--provider",
        "twilio",
        "--to",
        "+14155550100",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Accepted by Twilio"), "{r:?}");

    let r = run(&[
        "--sandbox",
        "check-credentials",
        "--provider",
        "esendex",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");

    let r = run(&["--sandbox", "doctor", "--provider", "twilio", "--json"]);
    assert_eq!(r.code, 2, "a new tenant has problems: {r:?}");
    assert!(r.stdout.trim_start().starts_with('['), "{}", r.stdout);

    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        "provider = \"vonage\"\nstep = \"tenant\"\n",
        "the real profile is untouched"
    );
    assert!(
        !home.path().join("data/sms-mfa/backups").exists(),
        "no backup of a simulated tenant among the real ones"
    );
}

/// A failed delivery of the failure-logs scenario (Twilio 30003, ten
/// minutes before the sandbox started) in step 5's recent-deliveries check
/// and in the "Recent deliveries" view (`d`), with its meaning and fix.
#[test]
fn a_failed_delivery_shows_in_the_checklist_and_the_trace_view() {
    let (_home, mut s) = sandbox(&["--scenario", "failure-logs"]);
    onboard_provider(&s, "twilio");
    s.wait_for("Step 4 of 5");
    s.send("c");
    s.wait_for("Step 5 of 5");
    s.wait_for_within("problems found", walk::SLOW);
    // The row: a warning (the test message after it was delivered).
    s.wait_for("The provider delivered the recent messages");
    // Its details: select it.
    let mut found = false;
    for _ in 0..30 {
        if s.screen().contains("[30003]") {
            found = true;
            break;
        }
        s.send(common::DOWN);
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    assert!(found, "the check's evidence names 30003: {}", s.screen());
    // The details pane (beside the list): the meaning and the fix.
    s.wait_for("[30003]: Unreachable destination");
    s.wait_for("Fix: Ask the user to check the phone is on");
    // The trace of step 3's recipient.
    s.send("d");
    s.wait_for("Recent deliveries · +14155550100");
    s.wait_for_within("code 30003: Unreachable destination handset", walk::SLOW);
    s.wait_for("the code never");
    s.wait_for("→ Ask the user to check the phone is on");
    // Refreshable, and Esc returns to the checklist.
    s.send("r");
    s.wait_for_within("code 30003", walk::SLOW);
    s.send(common::ESC);
    s.wait_gone("Recent deliveries ·");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

/// Issue 20 in the sandbox: Twilio Verify's services picked from the list
/// in step 2 (Ctrl-F). The one without custom codes says why it will not
/// work, and is refused by the test message; the one with them sends. Then
/// step 4's token form (Ctrl-P) connects the simulated tenant.
#[test]
fn verify_services_are_picked_from_the_list_and_the_tenant_connected_with_a_token() {
    use common::{CTRL_N, DOWN, ENTER, ESC, TAB};
    let (_home, mut s) = sandbox(&[]);
    s.wait_for("Step 1 of 5");
    s.send(DOWN); // Twilio Verify
    s.send(ENTER);
    s.wait_for("Step 2 of 5");
    let creds = sms_mfa::sandbox::providers::credentials("twilio-verify");
    s.send(creds[0].1);
    s.send(TAB);
    s.send(creds[1].1);
    s.send(TAB);
    s.send("\x06"); // Ctrl-F
    s.wait_for("TWILIO_VERIFY_SERVICE_SID from the account");
    s.wait_for_wrapped("custom codes are off");
    s.send(DOWN);
    s.send(ENTER);
    s.wait_for_wrapped("will not work: custom codes are off");
    assert!(
        s.screen().contains("[VAfedcba9876543210fedcba9876543210"),
        "{}",
        s.screen()
    );
    s.send(CTRL_N);
    walk::send_test_message(&s);
    s.wait_for_within("60204", walk::SLOW);
    // Back to step 2: the service with custom codes, picked.
    s.send(ESC);
    s.wait_for("Step 2 of 5");
    s.send("\x06");
    s.wait_for("TWILIO_VERIFY_SERVICE_SID from the account");
    s.send(ENTER); // the first usable one is preselected
    s.wait_until("the service with custom codes", |t| {
        t.contains("[VA0123456789abcdef0123456789abcdef")
    });
    s.send(CTRL_N);
    s.wait_for("Step 3 of 5");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for_within("Accepted by", walk::SLOW);
    s.send(CTRL_N);
    s.wait_for("Step 4 of 5");
    s.wait_for_within("problem", walk::SLOW);
    s.send("e");
    s.send("\x10"); // Ctrl-P: the sandbox fills in its token
    s.wait_for("Connect with one pasted token");
    s.send(ENTER);
    s.wait_for_within("Create application 'sms-mfa'", walk::SLOW);
    s.send("y");
    s.wait_for_within("f plan", walk::SLOW);
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
