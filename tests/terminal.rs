//! The real binary in a pseudo-terminal: what a person sees and does.

mod support;

use support::{CTRL_C, DOWN, ENTER, Session};

const PROVIDERS: [&str; 5] = [
    "Twilio Programmable SMS",
    "Twilio Verify",
    "Vonage SMS (Nexmo)",
    "Infobip SMS",
    "Esendex",
];

#[test]
fn first_run_lists_providers_and_opens_twilio_secrets() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    s.wait_for("Step 1 of 5");
    let screen = s.screen();
    for p in PROVIDERS {
        assert!(screen.contains(p), "{p} missing:\n{screen}");
    }
    s.send(ENTER);
    s.wait_for("TWILIO_ACCOUNT_SID");
    assert!(s.alternate_screen());
    s.send(CTRL_C); // nothing typed: quits without asking
    assert_eq!(s.wait_exit(), 0);
    assert!(
        !s.alternate_screen(),
        "the terminal left the alternate screen"
    );
}

#[test]
fn resume_on_the_secrets_step() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    s.wait_for("Step 1 of 5");
    s.send(ENTER);
    s.wait_for("TWILIO_ACCOUNT_SID");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
    let profile =
        std::fs::read_to_string(home.path().join("config/sms-mfa/profiles/default.toml")).unwrap();
    assert!(
        profile.contains("step = \"secrets\"") && profile.contains("provider = \"twilio\""),
        "{profile}"
    );

    let mut s = Session::spawn(&[], home.path());
    s.wait_for("Step 2 of 5");
    assert!(s.screen().contains("TWILIO_ACCOUNT_SID"));
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn quit_with_typed_input_asks_first() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    s.wait_for("Step 1 of 5");
    s.send(DOWN);
    s.send(DOWN);
    s.send(ENTER);
    s.wait_for("VONAGE_API_KEY");
    s.send("abcd1234");
    s.wait_for("abcd1234");
    s.send(CTRL_C);
    s.wait_for("Quit without saving?");
    s.send("n");
    s.wait_gone("Quit without saving?");
    assert!(
        s.screen().contains("abcd1234"),
        "the typed value is still there"
    );
    s.send(CTRL_C);
    s.wait_for("Quit without saving?");
    s.send("y");
    assert_eq!(s.wait_exit(), 0);
    assert!(!s.alternate_screen());
}

#[test]
fn corrupt_profile_is_moved_aside_and_the_wizard_starts_fresh() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/sms-mfa/profiles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("default.toml"), "step = [[[ garbage").unwrap();
    let mut s = Session::spawn(&[], home.path());
    s.wait_for("starts fresh");
    assert!(s.screen().contains("default.toml.bak"), "{}", s.screen());
    assert!(s.screen().contains("Step 1 of 5"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(
        std::fs::read_to_string(dir.join("default.toml.bak")).unwrap(),
        "step = [[[ garbage"
    );
}

#[test]
fn tiny_terminal_asks_to_enlarge_and_recovers() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    s.wait_for("Step 1 of 5");
    s.resize(20, 5);
    s.wait_for("Enlarge");
    s.resize(80, 24);
    s.wait_for("Twilio Programmable SMS");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(!s.alternate_screen());
}

#[test]
fn sigterm_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    s.wait_for("Step 1 of 5");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &s.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(s.wait_exit(), 143);
    assert!(!s.alternate_screen());
}

#[test]
fn profiles_are_kept_apart() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&["--profile", "acme"], home.path());
    s.wait_for("profile acme");
    s.send(DOWN);
    s.send(DOWN);
    s.send(ENTER);
    s.wait_for("VONAGE_API_KEY");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);

    let mut s = Session::spawn(&[], home.path());
    s.wait_for("Step 1 of 5");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);

    let mut s = Session::spawn(&["--profile", "acme"], home.path());
    s.wait_for("VONAGE_API_KEY");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn invalid_profile_name_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&["--profile", "../x"], home.path());
    assert_eq!(s.wait_exit(), 2);
    assert!(
        s.screen().contains("invalid profile name"),
        "{}",
        s.screen()
    );
}
