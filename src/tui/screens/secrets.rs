//! Step 2: the provider's settings and secrets.

use crate::tui::widgets::{self, ACCENT, DIM};
use crate::wizard::{FieldState, Wizard};
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
    frame.render_widget(
        Line::from(vec![
            Span::raw("Credentials for "),
            Span::styled(provider.name.clone(), Style::new().bold()),
        ]),
        intro,
    );
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
        if setting.secret {
            let where_ = if field.value().is_empty() {
                "  secret"
            } else {
                "  secret · held in memory only"
            };
            label.push(Span::styled(where_, DIM));
        } else if field.saved.is_some() && !field.unsaved() {
            label.push(Span::styled("  saved in profile", DIM));
        }
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
        let placeholder = if focused {
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
    if help.height >= 3 {
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
