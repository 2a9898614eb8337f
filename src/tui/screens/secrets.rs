//! Step 2: the provider's settings and secrets.

use crate::tui::fields;
use crate::tui::widgets::{self, BAD, DIM, OK};
use crate::wizard::{Busy, Task, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};

use fields::FIELD_HEIGHT;

pub fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let (Some(provider), Some(form)) = (w.provider(), w.form.as_ref()) else {
        frame.render_widget(Line::raw("Choose a provider first (Esc)."), area);
        return;
    };
    let n = form.fields.len() as u16;
    let [intro, fields, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(n * FIELD_HEIGHT),
        Constraint::Min(0),
    ])
    .areas(area);
    let status = match &w.busy {
        Some(Busy {
            task: Task::Loading,
            ticks,
            ..
        }) => widgets::spinner(*ticks, "Checking the OS keyring… (Esc stops)".into()),
        Some(Busy {
            task: Task::Storing(names),
            ticks,
            ..
        }) => widgets::spinner(
            *ticks,
            format!(
                "Storing {} secret{} in {}… (Esc cancels)",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                w.secret_home()
            ),
        ),
        _ => {
            let mut spans = vec![
                Span::raw("Credentials for "),
                Span::styled(provider.name.clone(), Style::new().bold()),
            ];
            spans.extend(credential_status(w));
            Line::from(spans)
        }
    };
    frame.render_widget(status, intro);
    let loading = matches!(
        w.busy,
        Some(Busy {
            task: Task::Loading,
            ..
        })
    );
    fields::draw(
        frame,
        fields,
        provider,
        form,
        loading,
        w.secret_home_short(),
    );
    if let Some(e) = &w.keyring_error
        && help.height >= 3
    {
        // When the keyring fails, what to do about it matters more than
        // where to find a value.
        widgets::panel(
            frame,
            Rect {
                height: help.height.min(8),
                ..help
            },
            e.title(),
            Text::from(vec![
                Line::raw(e.remedy()),
                Line::styled("Ctrl-L checks again.", DIM),
            ]),
        );
    } else if help.height >= 3 {
        let setting = &provider.settings[form.focus];
        let mut lines = vec![Line::raw(setting.help.clone())];
        if setting.secret {
            lines.push(Line::styled(
                if form.reveal {
                    "Shown while you type; Ctrl-R hides it."
                } else {
                    "Masked; Ctrl-R shows it while you type."
                },
                DIM,
            ));
        }
        let h = help.height.min(6);
        widgets::panel(
            frame,
            Rect { height: h, ..help },
            &format!("Where to find {}", setting.label),
            Text::from(lines),
        );
    }
}

/// What the provider said about the saved credentials, after the name.
fn credential_status(w: &Wizard) -> Vec<Span<'static>> {
    use crate::wizard::CallError;
    let checked = w
        .credentials
        .as_ref()
        .filter(|c| w.provider().is_some_and(|p| p.id == c.provider));
    match checked.map(|c| &c.result) {
        _ if w.checking_credentials.is_some() => {
            vec![Span::styled("  · checking with the provider…", DIM)]
        }
        Some(Ok(r)) if r.usable => vec![Span::styled(
            format!("  ✓ {}", r.summary),
            Style::new().fg(OK),
        )],
        Some(Ok(r)) => vec![Span::styled(
            format!("  ✗ {}", r.warnings.first().unwrap_or(&r.summary)),
            Style::new().fg(BAD),
        )],
        Some(Err(CallError::Failed(f))) => vec![Span::styled(
            format!(
                "  ✗ {} [{}]",
                f.class.title(),
                f.code.as_deref().unwrap_or("-")
            ),
            Style::new().fg(BAD),
        )],
        _ => vec![Span::styled(
            format!("  · secrets go to {}", w.secret_home()),
            DIM,
        )],
    }
}
