//! One key press handled and one frame drawn at 120x40, for every screen.
//! Budget: under 1 ms a frame. Run: `cargo bench --bench frame`.

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sms_mfa::checklist::Checklist;
use sms_mfa::config::Profile;
use sms_mfa::providers::Catalog;
use sms_mfa::tui::view;
use sms_mfa::wizard::{InputRequest, Msg, Step, Wizard};
use std::hint::black_box;

fn at(step: Step) -> Wizard {
    let mut profile = Profile {
        provider: Some("twilio".into()),
        step,
        test_recipient: Some("+14155550100".into()),
        ..Profile::default()
    };
    profile.settings.entry("twilio".into()).or_default().insert(
        "TWILIO_ACCOUNT_SID".into(),
        "AC0123456789abcdef0123456789abcdef".into(),
    );
    Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        "bench",
        profile,
        None,
    )
}

fn frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("update_and_draw_120x40");
    for step in Step::ALL {
        // A key that changes what is drawn on this screen, and its undo.
        let (key, undo) = match step {
            Step::Secrets | Step::TestMessage => (
                Msg::Edit(InputRequest::InsertChar('7')),
                Msg::Edit(InputRequest::DeletePrevChar),
            ),
            Step::Done => (Msg::Help, Msg::Back),
            _ => (Msg::Down, Msg::Up),
        };
        let mut w = at(step);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let mut flip = false;
        group.bench_function(format!("{step:?}"), |b| {
            b.iter(|| {
                flip = !flip;
                w.update(if flip { key.clone() } else { undo.clone() });
                terminal.draw(|f| view::draw(f, black_box(&w))).unwrap();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
