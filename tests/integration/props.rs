//! Property tests: random message sequences never panic and always leave a
//! legal state; drawing any reachable state at any size never panics.

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sms_mfa::checklist::Checklist;
use sms_mfa::config::Profile;
use sms_mfa::providers::Catalog;
use sms_mfa::tui::view;
use sms_mfa::wizard::{InputRequest, Msg, Overlay, Step, Wizard};

fn input_request() -> impl Strategy<Value = InputRequest> {
    prop_oneof![
        4 => any::<char>().prop_map(InputRequest::InsertChar),
        4 => proptest::sample::select(vec!['A', 'C', '0', '1', 'f', '+', '4', ' ', 'é', '🙂']).prop_map(InputRequest::InsertChar),
        1 => (0usize..80).prop_map(InputRequest::SetCursor),
        1 => proptest::sample::select(vec![
            InputRequest::GoToPrevChar,
            InputRequest::GoToNextChar,
            InputRequest::GoToPrevWord,
            InputRequest::GoToNextWord,
            InputRequest::GoToStart,
            InputRequest::GoToEnd,
            InputRequest::DeletePrevChar,
            InputRequest::DeleteNextChar,
            InputRequest::DeletePrevWord,
            InputRequest::DeleteNextWord,
            InputRequest::DeleteLine,
            InputRequest::DeleteTillEnd,
            InputRequest::DeleteFromStart,
            InputRequest::Yank,
        ]),
    ]
}

fn msg() -> impl Strategy<Value = Msg> {
    prop_oneof![
        3 => proptest::sample::select(vec![
            Msg::Up,
            Msg::Down,
            Msg::Enter,
            Msg::Next,
            Msg::Back,
            Msg::NextField,
            Msg::PrevField,
            Msg::ToggleReveal,
            Msg::Help,
            Msg::OpenChecklist,
            Msg::Quit,
            Msg::Answer(false),
            Msg::Saved(Ok(())),
        ]),
        1 => Just(Msg::Answer(true)),
        1 => ".{0,40}".prop_map(|e| Msg::Saved(Err(e))),
        6 => input_request().prop_map(Msg::Edit),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    proptest::sample::select(Step::ALL.to_vec())
}

/// Start states: fresh, or resumed from any profile (including nonsense).
fn start() -> impl Strategy<Value = Wizard> {
    (
        proptest::option::of(proptest::sample::select(vec![
            "twilio",
            "twilio-verify",
            "vonage",
            "infobip",
            "esendex",
            "nope",
        ])),
        step(),
        proptest::option::of(".{0,20}"),
    )
        .prop_map(|(provider, step, recipient)| {
            let profile = Profile {
                provider: provider.map(str::to_string),
                step,
                test_recipient: recipient,
                ..Profile::default()
            };
            Wizard::new(Catalog::builtin(), Checklist::builtin(), "p", profile, None)
        })
}

fn assert_legal(w: &Wizard) {
    let c = Catalog::builtin();
    assert!(w.provider_cursor < c.providers.len());
    assert!(w.checklist_cursor < w.checklist.items.len());
    assert!(w.tenant_cursor < sms_mfa::auth0::inspect::IDS.len());
    if matches!(
        w.step,
        Step::Secrets | Step::TestMessage | Step::Tenant | Step::Done
    ) {
        assert!(w.provider().is_some(), "{:?} without a provider", w.step);
    }
    if let Some(form) = &w.form {
        assert!(form.focus < form.fields.len());
        assert!(c.get(&form.provider).is_some());
    }
    assert!(w.test.focus < 2);
    if w.checklist_return.is_some() {
        assert_eq!(w.step, Step::Checklist);
    } else if !w.quitting {
        assert_eq!(w.profile.step, w.step, "the saved step follows the wizard");
    }
    if w.overlay == Some(Overlay::ConfirmQuit) {
        assert!(w.unsaved_input());
    }
    // A secret never reaches the profile.
    for (provider, settings) in &w.profile.settings {
        let p = c.get(provider).unwrap();
        for name in settings.keys() {
            assert!(
                !p.setting(name).unwrap().secret,
                "{name} saved in the profile"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_messages_keep_the_wizard_legal(mut w in start(), msgs in proptest::collection::vec(msg(), 0..80)) {
        // Resumed states are legal too (a step without a provider is reset).
        if !matches!(w.step, Step::Provider | Step::Checklist) {
            assert!(w.provider().is_some());
        }
        for m in msgs {
            let quitting = w.quitting;
            let effects = w.update(m);
            if quitting {
                prop_assert!(effects.is_empty(), "no effects after quitting");
            }
            assert_legal(&w);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn drawing_never_panics_at_any_size(
        mut w in start(),
        msgs in proptest::collection::vec(msg(), 0..40),
        width in 1u16..=250,
        height in 1u16..=80,
    ) {
        for m in msgs {
            w.update(m);
        }
        let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
        t.draw(|f| view::draw(f, &w)).unwrap();
    }
}

#[test]
fn drawing_every_step_at_every_small_size() {
    for step in Step::ALL {
        let profile = Profile {
            provider: Some("infobip".into()),
            step,
            ..Profile::default()
        };
        let mut w = Wizard::new(Catalog::builtin(), Checklist::builtin(), "p", profile, None);
        for overlay in [None, Some(Msg::Help)] {
            if let Some(m) = overlay.clone() {
                w.update(m);
            }
            for width in 1..=100 {
                for height in 1..=30 {
                    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
                    t.draw(|f| view::draw(f, &w)).unwrap();
                }
            }
        }
    }
}
