//! Every screen drawn into a `TestBackend` at 80x24 and 120x40, compared
//! with the reviewed snapshots in tests/snapshots/.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sms_mfa::checklist::Checklist;
use sms_mfa::config::Profile;
use sms_mfa::providers::Catalog;
use sms_mfa::tui::view;
use sms_mfa::wizard::{InputRequest, Msg, Step, Wizard};

fn fresh() -> Wizard {
    Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        "default",
        Profile::default(),
        None,
    )
}

fn feed(w: &mut Wizard, msgs: &[Msg]) {
    for m in msgs {
        w.update(m.clone());
    }
}

fn typed(w: &mut Wizard, text: &str) {
    for c in text.chars() {
        w.update(Msg::Edit(InputRequest::InsertChar(c)));
    }
}

fn secrets(provider: usize) -> Wizard {
    let mut w = fresh();
    feed(&mut w, &vec![Msg::Down; provider]);
    feed(&mut w, &[Msg::Enter]);
    w
}

fn filled_twilio() -> Wizard {
    let mut w = secrets(0);
    typed(&mut w, "AC0123456789abcdef0123456789abcdef");
    w.update(Msg::NextField);
    typed(&mut w, "fedcba98765432100123456789abcdef");
    w.update(Msg::NextField);
    typed(&mut w, "+14155550100");
    w
}

fn test_step() -> Wizard {
    let mut w = filled_twilio();
    w.update(Msg::Next);
    assert_eq!(w.step, Step::TestMessage);
    w
}

fn tenant_step() -> Wizard {
    let mut w = test_step();
    typed(&mut w, "+447911123456");
    w.update(Msg::Next);
    assert_eq!(w.step, Step::Tenant);
    w
}

fn checklist_step() -> Wizard {
    let mut w = tenant_step();
    w.update(Msg::Next);
    w
}

fn states() -> Vec<(&'static str, Wizard)> {
    let mut v = vec![("provider", fresh())];
    let mut w = fresh();
    feed(&mut w, &[Msg::Down, Msg::Down]);
    v.push(("provider_cursor_on_vonage", w));
    v.push(("secrets_twilio_empty", secrets(0)));
    let mut w = secrets(1);
    typed(&mut w, "AC0123456789abcdef0123456789abcdef");
    w.update(Msg::NextField);
    typed(&mut w, "fedcba9876543210");
    w.update(Msg::NextField);
    typed(&mut w, "AC0123456789abcdef0123456789abcdef");
    v.push(("secrets_verify_validation_errors", w));
    let mut w = secrets(3);
    w.update(Msg::Next);
    v.push(("secrets_infobip_refused_next", w));
    let mut w = filled_twilio();
    feed(&mut w, &[Msg::PrevField, Msg::ToggleReveal]);
    v.push(("secrets_twilio_revealed", w));
    let mut w = filled_twilio();
    feed(&mut w, &[Msg::PrevField]);
    v.push(("secrets_twilio_masked", w));
    v.push(("test_message_empty", test_step()));
    let mut w = test_step();
    typed(&mut w, "+1 415 555");
    v.push(("test_message_invalid_recipient", w));
    let mut w = test_step();
    typed(&mut w, "+447911123456");
    feed(&mut w, &[Msg::Enter, Msg::Enter]);
    v.push(("test_message_send_unavailable", w));
    v.push(("tenant", tenant_step()));
    v.push(("checklist", checklist_step()));
    let mut w = checklist_step();
    feed(&mut w, &[Msg::Down, Msg::Down, Msg::Down]);
    v.push(("checklist_recipient_item", w));
    let mut w = secrets(2);
    w.update(Msg::OpenChecklist);
    v.push(("checklist_detour_from_secrets", w));
    let mut w = checklist_step();
    w.update(Msg::Next);
    v.push(("done", w));
    let mut w = fresh();
    w.update(Msg::Help);
    v.push(("help_provider", w));
    let mut w = test_step();
    w.update(Msg::Help);
    v.push(("help_test_message", w));
    let mut w = secrets(4);
    typed(&mut w, "EX");
    w.update(Msg::Quit);
    v.push(("confirm_quit", w));
    let w = Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        "acme",
        Profile::default(),
        Some("The saved progress in /home/u/.config/sms-mfa/profiles/acme.toml could not be read as a profile (expected `=`). It was moved to /home/u/.config/sms-mfa/profiles/acme.toml.bak and the wizard starts fresh.".into()),
    );
    v.push(("provider_corrupt_profile_notice", w));
    v
}

fn render(w: &Wizard, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| view::draw(f, w)).unwrap();
    t
}

#[test]
fn every_screen_at_80x24() {
    for (name, w) in states() {
        insta::assert_snapshot!(format!("{name}_80x24"), render(&w, 80, 24).backend());
    }
}

#[test]
fn every_screen_at_120x40() {
    for (name, w) in states() {
        insta::assert_snapshot!(format!("{name}_120x40"), render(&w, 120, 40).backend());
    }
}

#[test]
fn too_small_asks_to_enlarge() {
    insta::assert_snapshot!("too_small_40x10", render(&fresh(), 40, 10).backend());
}

#[test]
fn secret_values_are_never_drawn_unless_revealed() {
    let secret = "fedcba98765432100123456789abcdef";
    for (name, w) in states() {
        let revealed = name.contains("revealed");
        for (cols, rows) in [(80, 24), (120, 40), (250, 80)] {
            let screen = format!("{}", render(&w, cols, rows).backend());
            assert_eq!(screen.contains(secret), revealed, "{name} at {cols}x{rows}");
        }
    }
}
