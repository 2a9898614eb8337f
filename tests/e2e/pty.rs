//! The real binary in a pseudo-terminal: what a person sees and does.

use crate::common;

use common::{CTRL_C, DOWN, ENTER, Session};
use std::path::{Path, PathBuf};

const PROVIDERS: [&str; 5] = [
    "Twilio Programmable SMS",
    "Twilio Verify",
    "Vonage SMS (Nexmo)",
    "Infobip SMS",
    "Esendex",
];

/// Where the wizard keeps profile `name` under a test's HOME.
fn profile_file(home: &Path, name: &str) -> PathBuf {
    home.join("config/sms-mfa/profiles")
        .join(format!("{name}.toml"))
}

/// Wait for step 1 with the whole provider list drawn.
fn wait_for_provider_list(s: &Session) {
    s.wait_for("Step 1 of 5");
    s.wait_until("all five providers", |screen| {
        PROVIDERS.iter().all(|p| screen.contains(p))
    });
}

#[test]
fn first_run_lists_providers_and_opens_twilio_secrets() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    wait_for_provider_list(&s);
    assert!(
        s.alternate_screen(),
        "the wizard runs on the alternate screen"
    );
    s.send(ENTER);
    s.wait_for("TWILIO_ACCOUNT_SID");
    s.send(CTRL_C); // nothing typed: quits without asking
    assert_eq!(s.wait_exit(), 0);
    assert!(
        !s.alternate_screen(),
        "the terminal is still on the alternate screen:\n{}",
        s.screen()
    );
}

#[test]
fn resume_on_secrets_step() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    wait_for_provider_list(&s);
    s.send(ENTER);
    s.wait_for("TWILIO_ACCOUNT_SID");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);

    let file = profile_file(home.path(), "default");
    let profile = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{} was not written: {e}", file.display()));
    assert!(profile.contains("step = \"secrets\""), "{profile}");
    assert!(profile.contains("provider = \"twilio\""), "{profile}");

    let mut s = Session::spawn(&[], home.path());
    s.wait_for("Step 2 of 5");
    s.wait_for("TWILIO_ACCOUNT_SID");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn quit_with_typed_input_asks_first() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    wait_for_provider_list(&s);
    s.send(DOWN);
    s.send(DOWN);
    s.send(ENTER);
    s.wait_for("VONAGE_API_KEY");
    s.send("abcd1234");
    s.wait_for("abcd1234");
    s.send(CTRL_C);
    s.wait_for("Quit without saving?");
    s.send("n");
    s.wait_until("the dialog gone and the typed value shown", |screen| {
        !screen.contains("Quit without saving?") && screen.contains("abcd1234")
    });
    s.send(CTRL_C);
    s.wait_for("Quit without saving?");
    s.send("y");
    assert_eq!(s.wait_exit(), 0);
    assert!(!s.alternate_screen(), "{}", s.screen());
}

#[test]
fn corrupt_profile_is_moved_aside() {
    let home = tempfile::tempdir().unwrap();
    let file = profile_file(home.path(), "default");
    let garbage = "step = [[[ this is not toml\n";
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, garbage).unwrap();

    let mut s = Session::spawn(&[], home.path());
    wait_for_provider_list(&s);
    // The notice names a temporary path, so where it wraps varies.
    s.wait_for_wrapped("moved to");
    s.wait_for_wrapped("the wizard starts fresh");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);

    let bak = file.with_extension("toml.bak");
    assert_eq!(
        std::fs::read_to_string(&bak)
            .unwrap_or_else(|e| panic!("{} is missing: {e}", bak.display())),
        garbage
    );
}

#[test]
fn tiny_terminal_asks_to_enlarge_and_recovers() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    wait_for_provider_list(&s);
    s.resize(20, 5);
    s.wait_for("Enlarge");
    s.resize(80, 24);
    wait_for_provider_list(&s);
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(!s.alternate_screen(), "{}", s.screen());
}

#[test]
fn sigterm_restores_terminal() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    wait_for_provider_list(&s);
    assert!(s.alternate_screen());
    common::keyring::signal(s.pid(), libc::SIGTERM);
    assert_eq!(s.wait_exit(), 128 + 15);
    assert!(
        !s.alternate_screen(),
        "the terminal is still on the alternate screen:\n{}",
        s.screen()
    );
}

#[test]
fn profile_flag_keeps_profiles_apart() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&["--profile", "acme"], home.path());
    wait_for_provider_list(&s);
    s.wait_for("profile acme");
    s.send(DOWN);
    s.send(DOWN);
    s.send(ENTER);
    s.wait_for("VONAGE_API_KEY");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
    assert!(profile_file(home.path(), "acme").exists());
    assert!(!profile_file(home.path(), "default").exists());

    let mut s = Session::spawn(&[], home.path());
    wait_for_provider_list(&s);
    s.wait_for("profile default");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);

    // And acme still resumes where it was left.
    let mut s = Session::spawn(&["--profile", "acme"], home.path());
    s.wait_for("Step 2 of 5");
    s.wait_for("VONAGE_API_KEY");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn invalid_profile_name_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&["--profile", "../x"], home.path());
    assert_eq!(s.wait_exit(), 2);
    let screen = s.screen();
    assert!(screen.contains("invalid profile name"), "{screen}");
    assert!(!s.alternate_screen(), "{screen}");
    for dir in ["config", "data"] {
        assert!(
            !home.path().join(dir).exists(),
            "{dir}: nothing is written for a refused profile name"
        );
    }
}

/// `secrets set` while the wizard is open on the same profile: the
/// wizard's next save keeps it (it merges its own changes over the file
/// instead of writing its copy over it).
#[test]
fn a_headless_write_while_the_wizard_is_open_survives_its_next_save() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    wait_for_provider_list(&s);
    let r = common::keyring::sms_mfa(
        home.path(),
        &["secrets", "set", "auth0", "AUTH0_DOMAIN"],
        "acme.eu.auth0.com",
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    s.send(ENTER); // Twilio: the wizard saves the provider and the step
    s.wait_for("TWILIO_ACCOUNT_SID");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
    let profile = std::fs::read_to_string(profile_file(home.path(), "default")).unwrap();
    assert!(profile.contains("provider = \"twilio\""), "{profile}");
    assert!(
        profile.contains("AUTH0_DOMAIN = \"acme.eu.auth0.com\""),
        "the headless write survived: {profile}"
    );
}

/// A second wizard on a profile that one has open says which process has
/// it, and offers read-only (which saves nothing) or quit.
#[test]
fn a_second_wizard_on_the_profile_is_told_who_has_it() {
    let home = tempfile::tempdir().unwrap();
    let mut first = Session::spawn(&[], home.path());
    wait_for_provider_list(&first);
    let told = format!("profile default in use by PID {}", first.pid());
    let mut second = Session::spawn(&[], home.path());
    second.wait_for_wrapped(&told);
    second.send("q\r");
    assert_eq!(second.wait_exit(), 0);
    let mut third = Session::spawn(&[], home.path());
    third.wait_for_wrapped(&told);
    third.send("r\r");
    wait_for_provider_list(&third);
    third.wait_for_wrapped("Read-only");
    third.send(ENTER); // would save the provider and the step
    third.wait_for("TWILIO_ACCOUNT_SID");
    third.send(CTRL_C);
    assert_eq!(third.wait_exit(), 0);
    assert!(
        !profile_file(home.path(), "default").exists(),
        "the read-only wizard saved nothing"
    );
    first.send("q");
    assert_eq!(first.wait_exit(), 0);
}

/// At 80x24, the sandbox's Twilio after a send: the preview shows the
/// delivery status, not just "Accepted" (issue 18: the box closed there).
#[test]
fn at_80x24_the_preview_after_a_send_shows_the_delivery_status() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&["--sandbox"], home.path());
    common::walk::enter_account(&s, "twilio");
    common::walk::send_test_message(&s);
    s.wait_for_within("Accepted by", common::walk::SLOW);
    s.wait_for_within("Delivery: queued → delivered", common::walk::SLOW);
    s.wait_for("✓ Delivered to the handset.");
    let screen = s.screen();
    assert!(screen.contains("Ctrl-O shows the Action code"), "{screen}");
    assert!(!screen.contains("more ↓"), "nothing left below: {screen}");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
}

/// At 80x24 the help is longer than the screen: it says so, scrolls, and
/// its last line can be reached.
#[test]
fn at_80x24_the_help_scrolls_to_its_last_line() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::spawn(&[], home.path());
    wait_for_provider_list(&s);
    s.send(ENTER);
    s.wait_for("TWILIO_ACCOUNT_SID");
    s.send("\x1bOP"); // F1
    s.wait_for("Esc closes this help");
    s.wait_for("more ↓");
    let screen = s.screen();
    assert!(
        !screen.contains("Ctrl-A Ctrl-E") && !screen.contains("resume."),
        "the end is below at first: {screen}"
    );
    for _ in 0..10 {
        s.send("\x1b[6~"); // PgDn
    }
    s.wait_for("end · PgUp scrolls back");
    s.wait_until("the help's last line", |screen| {
        screen.contains("resume.") && screen.contains("Ctrl-A Ctrl-E")
    });
    s.wait_for("Esc closes this help");
    s.send(common::ESC);
    s.wait_gone("Esc closes this help");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);
}

/// Issue 20: with two profiles on disk and no --profile, the first screen
/// lists them (tenant, provider, step, last check); the second one is
/// chosen and the wizard opens on it, where it was left. With --profile
/// the list is skipped.
#[test]
fn two_profiles_open_on_the_chooser_and_the_second_is_picked() {
    use sms_mfa::config::{self, Paths, Profile, Step};
    let home = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_dir: home.path().join("config/sms-mfa"),
        data_dir: home.path().join("data/sms-mfa"),
    };
    config::save(&paths, "default", &Profile::default()).unwrap();
    let mut staging = Profile {
        provider: Some("vonage".into()),
        step: Step::Secrets,
        ..Profile::default()
    };
    staging.settings.insert(
        "auth0".into(),
        [(
            "AUTH0_DOMAIN".to_string(),
            "staging.eu.auth0.com".to_string(),
        )]
        .into(),
    );
    config::save(&paths, "staging", &staging).unwrap();

    let mut s = Session::spawn(&[], home.path());
    s.wait_for("Which profile?");
    s.wait_for("staging.eu.auth0.com");
    let screen = s.screen();
    assert!(screen.contains("vonage · step secrets"), "{screen}");
    assert!(screen.contains("never checked"), "{screen}");
    assert!(
        screen.contains("▸ default"),
        "the default profile first: {screen}"
    );
    s.send(DOWN);
    s.wait_for("▸ staging");
    s.send(ENTER);
    s.wait_for("profile staging");
    s.wait_for("Step 2 of 5");
    s.wait_for("VONAGE_API_KEY");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 0);

    // Named: no list.
    let mut s = Session::spawn(&["--profile", "default"], home.path());
    wait_for_provider_list(&s);
    s.wait_for("profile default");
    assert!(!s.screen().contains("Which profile?"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
