//! The fields of a settings form (a provider's, or the tenant connection):
//! label, where the value is, the input, and its validation message.

use crate::providers::Provider;
use crate::settings::{Source, env_var};
use crate::tui::widgets::{self, ACCENT, BAD, DIM, OK};
use crate::wizard::{FieldState, SettingsForm, Wizard};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Lines per field: label, input, message.
pub(crate) const FIELD_HEIGHT: u16 = 3;

/// Draw the form's fields in `fields`; `loading`: the keyring is being asked.
pub(crate) fn draw(
    frame: &mut Frame,
    fields: Rect,
    provider: &Provider,
    form: &SettingsForm,
    loading: bool,
    w: &Wizard,
) {
    let home = w.secret_home_short();
    let sandbox = w.sandbox.is_some();
    // When the terminal is short, scroll so the focused field is visible.
    let visible = (fields.height / FIELD_HEIGHT).max(1) as usize;
    let first = form.focus.saturating_sub(visible - 1);
    // Say that fields are out of view, and how to reach them.
    let below = form.fields.len().saturating_sub(first + visible);
    let hint = match (first, below) {
        (0, 0) => None,
        (0, n) => Some(format!(
            "↓ {n} more field{} (Tab)",
            if n == 1 { "" } else { "s" }
        )),
        (n, 0) => Some(format!(
            "↑ {n} more field{} (Shift-Tab)",
            if n == 1 { "" } else { "s" }
        )),
        (a, b) => Some(format!("↑ {a} ↓ {b} more fields (Tab)")),
    };
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
        label.push(
            if w.is_kept(&form.provider, &setting.name) && field.value().is_empty() {
                Span::styled(
                    "  secret · in memory for this session only",
                    Style::new().fg(crate::tui::widgets::WARN),
                )
            } else {
                origin(form, i, setting, loading, home, sandbox)
            },
        );
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
        let placeholder = if form.stored[i].source == Source::Environment && sandbox {
            "(set by the sandbox; leave empty)".to_string()
        } else if form.stored[i].source == Source::Environment {
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
        let msg = widgets::state_line_fit(&state, fields.width.saturating_sub(4));
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
    if let Some(hint) = hint
        && fields.height > 0
    {
        // On the last shown field's message row, else its label row, where
        // it does not cover anything.
        let shown = visible.min(form.fields.len() - first) as u16;
        let last = fields.y + shown * FIELD_HEIGHT - 1;
        let width = Span::raw(hint.as_str()).width() as u16;
        let right = fields.x + fields.width;
        let buf = frame.buffer_mut();
        let used = |y: u16| {
            (fields.x..right)
                .rev()
                .find(|&x| buf[(x, y)].symbol() != " ")
                .map_or(fields.x, |x| x + 1)
        };
        let row = [last, last - 2]
            .into_iter()
            .find(|&y| used(y) + 2 + width <= right);
        if let Some(y) = row {
            frame.render_widget(
                Line::styled(hint, Style::new().fg(ACCENT))
                    .alignment(ratatui::layout::Alignment::Right),
                Rect {
                    y,
                    height: 1,
                    ..fields
                },
            );
        }
    }
}

/// Where a field's value is, next to its label. Never the value.
fn origin(
    form: &SettingsForm,
    i: usize,
    setting: &crate::providers::Setting,
    checking: bool,
    home: &'static str,
    sandbox: bool,
) -> Span<'static> {
    let (secret, name, field) = (setting.secret, setting.name.as_str(), &form.fields[i]);
    let stored = &form.stored[i];
    let typed = !field.value().is_empty();
    if stored.source == Source::Environment && sandbox {
        // The sandbox points the provider at its simulation itself.
        return Span::styled("  set by the sandbox (simulated API)", Style::new().fg(OK));
    }
    if stored.source == Source::Environment {
        return Span::styled(
            format!("  from {} (env wins)", env_var(name)),
            Style::new().fg(OK),
        );
    }
    if secret {
        return match (typed, stored.source) {
            (true, Source::Keyring) => {
                Span::styled("  secret · replaces the stored one on Next", DIM)
            }
            (true, _) => Span::styled(format!("  secret · stored in {home} on Next"), DIM),
            (false, Source::Keyring) => {
                Span::styled(format!("  secret · stored in {home}"), Style::new().fg(OK))
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
