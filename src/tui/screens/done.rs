//! The end: what was set up and what is left.

use crate::tui::widgets::{DIM, OK, WARN};
use crate::wizard::Wizard;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let done = |t: String| Line::from(vec![Span::styled("✓ ", Style::new().fg(OK)), Span::raw(t)]);
    let todo = |t: String| {
        Line::from(vec![
            Span::styled("! ", Style::new().fg(WARN)),
            Span::raw(t),
        ])
    };
    let mut lines = vec![
        Line::styled("Where things stand", Style::new().bold()),
        Line::raw(""),
    ];
    match w.provider() {
        Some(p) => lines.push(done(format!("Provider: {}", p.name))),
        None => lines.push(todo("No provider chosen (step 1).".into())),
    }
    if w.settings_complete() {
        lines.push(done("Credentials entered and valid.".into()));
    } else {
        lines.push(todo("Credentials incomplete (step 2).".into()));
    }
    match w.profile.test_recipient.as_deref() {
        Some(r) => lines.push(done(format!("Test recipient: {r}"))),
        None => lines.push(todo("No test recipient (step 3).".into())),
    }
    if let (Some(p), Some(form)) = (w.provider(), w.form.as_ref()) {
        let secret: Vec<usize> = (0..p.settings.len())
            .filter(|&i| p.settings[i].secret)
            .collect();
        let stored = secret.iter().filter(|&&i| form.stored[i].present()).count();
        if stored == secret.len() {
            lines.push(done(format!(
                "Secrets: in the OS keyring as service {}, user {}/{}/NAME (or set in the environment).",
                w.keyring_service(),
                w.profile_name,
                p.id
            )));
        } else {
            lines.push(todo(format!(
                "Secrets: {stored} of {} stored in the OS keyring (step 2).",
                secret.len()
            )));
        }
    }
    match &w.test.result {
        Some(crate::wizard::SendResult::Accepted { accepted, .. }) => lines.push(done(format!(
            "Test message accepted by the provider (message id {}).",
            accepted.id
        ))),
        Some(crate::wizard::SendResult::Failed(_)) => {
            lines.push(todo("The test message failed (step 3).".into()))
        }
        None => lines.push(todo(
            "No test message sent in this session (step 3).".into(),
        )),
    }
    lines.push(todo(
        "The tenant was not checked here: run `sms-mfa tenant check`.".into(),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "Progress is saved in profile '{}'. Enter quits; Esc goes back.",
            w.profile_name
        ),
        DIM,
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
