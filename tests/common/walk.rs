//! A new user's walk through the wizard in a pseudo-terminal, shared by the
//! sandbox and end-to-end tests.

use super::{CTRL_N, DOWN, ENTER, Session, TAB};
use sms_mfa::providers::Catalog;
use sms_mfa::sandbox::providers;
use std::time::Duration;

/// The checks take a moment longer than a key press (the tenant's build).
pub const SLOW: Duration = Duration::from_secs(20);

/// Steps 1 to 3: pick provider `id`, type the simulated account's settings,
/// send the test message to +14155550100 and see it accepted. `stored` is
/// what the screen says once step 2's secrets are stored.
pub fn onboard_provider(s: &Session, id: &str, stored: &str) {
    enter_account(s, id);
    s.wait_for_wrapped(stored);
    send_test_message(s);
    s.wait_for_within("Accepted by", SLOW);
    s.send(CTRL_N);
}

/// Step 3: type +14155550100 and send the default text.
pub fn send_test_message(s: &Session) {
    s.wait_for("Step 3 of 5");
    s.send("+14155550100");
    s.send(ENTER);
    s.send(ENTER);
}

/// Steps 1 and 2: pick provider `id`, type the simulated account's
/// settings and continue (Ctrl-N).
pub fn enter_account(s: &Session, id: &str) {
    let catalog = Catalog::builtin();
    let index = catalog.index_of(id).unwrap();
    s.wait_for("Step 1 of 5");
    for _ in 0..index {
        s.send(DOWN);
    }
    s.send(ENTER);
    s.wait_for("Step 2 of 5");
    let creds = providers::credentials(id);
    assert!(!creds.is_empty(), "a simulated account for {id}");
    for setting in &catalog.get(id).unwrap().settings {
        if let Some((_, value)) = creds.iter().find(|(n, _)| *n == setting.name) {
            s.send(value);
        }
        s.send(TAB);
    }
    s.send(CTRL_N);
}

/// Step 4 once connected: check, plan, apply; then the checklist, clean,
/// and Done.
pub fn fix_tenant_and_finish(s: &Session) {
    s.wait_for("Step 4 of 5");
    s.wait_for_within("problem", SLOW);
    s.send("f");
    s.wait_for_within("changes planned", SLOW);
    s.send("y");
    s.wait_for_within("Last apply:", SLOW);
    s.wait_for_within("Every check passed.", SLOW);
    s.send(ENTER);
    s.wait_for("Step 5 of 5");
    s.wait_for_within("No problems found.", SLOW);
    let screen = s.screen();
    assert!(screen.contains("✗ 0 failed · ! 0 warnings"), "{screen}");
    assert_eq!(
        screen.matches('✗').count(),
        1,
        "only the summary's: {screen}"
    );
    s.send(ENTER);
    s.wait_for("Finished");
}
