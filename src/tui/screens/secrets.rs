//! Step 2: the provider's settings and secrets.

use crate::secrets::{Source, env_var};
use crate::tui::widgets::{self, ACCENT, BAD, DIM, OK};
use crate::wizard::{Busy, FieldState, Task, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};

/// Lines per field: label, input, message.
const FIELD_HEIGHT: u16 = 3;

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
                "Storing {} secret{} in the OS keyring… (Esc cancels)",
                names.len(),
                if names.len() == 1 { "" } else { "s" }
            ),
        ),
        Some(Busy {
            task: Task::Sending,
            ..
        })
        | None => {
            let mut spans = vec![
                Span::raw("Credentials for "),
                Span::styled(provider.name.clone(), Style::new().bold()),
            ];
            spans.extend(credential_status(w));
            Line::from(spans)
        }
    };
    frame.render_widget(status, intro);
    // When the terminal is short, scroll so the focused field is visible.
    let visible = (fields.height / FIELD_HEIGHT).max(1) as usize;
    let first = form.focus.saturating_sub(visible - 1);
    for (row, i) in (first..form.fields.len()).take(visible).enumerate() {
        let setting = &provider.settings[i];
        let field = &form.fields[i];
        let focused = i == form.focus;
        let y = fields.y + row as u16 * FIELD_HEIGHT;
        let mut state = form.state(provider, i);
        if matches!(state, FieldState::Missing(_)) && !form.show_missing {
            state = FieldState::Empty;
        }
        let mut label = vec![
            Span::styled(
                if focused { "▸ " } else { "  " },
                Style::new().fg(ACCENT).bold(),
            ),
            Span::styled(
                setting.label.clone(),
                if focused {
                    Style::new().bold().fg(ACCENT)
                } else {
                    Style::new().bold()
                },
            ),
            Span::styled(format!("  {}", setting.name), DIM),
        ];
        label.push(origin(w, i, setting.secret, &setting.name, field));
        frame.render_widget(
            Line::from(label),
            Rect {
                y,
                height: 1,
                ..fields
            },
        );
        let input_area = Rect {
            x: fields.x + 4,
            y: y + 1,
            width: fields.width.saturating_sub(4),
            height: 1,
        };
        let placeholder = if form.stored[i].source == Source::Environment {
            format!("(set by {}; leave empty)", env_var(&setting.name))
        } else if form.stored[i].present() {
            "(stored: leave empty to keep, or type a new value)".to_string()
        } else if focused {
            format!("e.g. {}", setting.example)
        } else {
            String::new()
        };
        if let Some(pos) =
            widgets::input(frame, input_area, field, focused, form.reveal, &placeholder)
        {
            frame.set_cursor_position(pos);
        }
        let msg = widgets::state_line(&state);
        frame.render_widget(
            msg,
            Rect {
                x: fields.x + 4,
                y: y + 2,
                width: fields.width.saturating_sub(4),
                height: 1,
            },
        );
    }
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

/// Where a field's value is, next to its label. Never the value.
fn origin(
    w: &Wizard,
    i: usize,
    secret: bool,
    name: &str,
    field: &crate::wizard::TextField,
) -> Span<'static> {
    let Some(form) = w.form.as_ref() else {
        return Span::raw("");
    };
    let stored = &form.stored[i];
    let typed = !field.value().is_empty();
    if stored.source == Source::Environment {
        return Span::styled(
            format!("  from {} (env wins)", env_var(name)),
            Style::new().fg(OK),
        );
    }
    if secret {
        let checking = matches!(
            w.busy,
            Some(Busy {
                task: Task::Loading,
                ..
            })
        );
        return match (typed, stored.source) {
            (true, Source::Keyring) => {
                Span::styled("  secret · replaces the stored one on Next", DIM)
            }
            (true, _) => Span::styled("  secret · stored in the keyring on Next", DIM),
            (false, Source::Keyring) => {
                Span::styled("  secret · stored in the keyring", Style::new().fg(OK))
            }
            (false, Source::Unknown) if checking => Span::styled("  secret · checking…", DIM),
            (false, Source::Unknown) => {
                Span::styled("  secret · keyring unavailable", Style::new().fg(BAD))
            }
            (false, _) => Span::styled("  secret · not stored yet", DIM),
        };
    }
    if field.saved.is_some() && !field.unsaved() {
        Span::styled("  saved in profile", DIM)
    } else {
        Span::raw("")
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
        _ => vec![Span::styled("  · secrets go to the OS keyring", DIM)],
    }
}
