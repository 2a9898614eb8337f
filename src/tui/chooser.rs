//! The profile chooser on screen (see [`crate::wizard::chooser`]): its keys,
//! its drawing, and the small loop `app::wizard` runs before the wizard.

use super::widgets::{self, ACCENT, BAD, DIM};
use crate::wizard::InputRequest;
use crate::wizard::chooser::{Chooser, ChooserMsg, Chosen};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The chooser's keys (the footer lists them).
pub(crate) fn footer(c: &Chooser) -> &'static str {
    if c.typing() {
        " Enter create  Esc back to the list  Ctrl-C quit"
    } else {
        " Enter continue  ↑↓ choose  n new profile  q quit"
    }
}

/// A key press as a chooser message.
pub(crate) fn key(c: &Chooser, k: &KeyEvent) -> Option<ChooserMsg> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        KeyCode::Char('c') if ctrl => Some(ChooserMsg::Quit),
        KeyCode::Enter => Some(ChooserMsg::Enter),
        KeyCode::Esc => Some(ChooserMsg::Back),
        KeyCode::Up if !c.typing() => Some(ChooserMsg::Up),
        KeyCode::Down if !c.typing() => Some(ChooserMsg::Down),
        _ if c.typing() => match super::keys::edit(k)? {
            crate::wizard::Msg::Edit(r) => Some(ChooserMsg::Edit(r)),
            _ => None,
        },
        KeyCode::Char('k') => Some(ChooserMsg::Up),
        KeyCode::Char('j') => Some(ChooserMsg::Down),
        KeyCode::Char('n') => Some(ChooserMsg::New),
        KeyCode::Char('q') => Some(ChooserMsg::Quit),
        _ => None,
    }
}

/// Pasted text into the name field.
fn paste(c: &Chooser, text: &str) -> Vec<ChooserMsg> {
    if !c.typing() {
        return vec![];
    }
    text.trim_end_matches(['\r', '\n'])
        .chars()
        .filter(|ch| !ch.is_control())
        .map(|ch| ChooserMsg::Edit(InputRequest::InsertChar(ch)))
        .collect()
}

pub fn draw(frame: &mut Frame, c: &Chooser) {
    let area = frame.area();
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled(" sms-mfa ", Style::new().bold()),
                Span::raw(" Which profile? "),
                Span::styled(format!("{} on this machine", c.rows.len()), DIM),
            ]),
            Line::styled(
                " One profile per tenant or setup: progress, settings and secrets are kept apart.",
                DIM,
            ),
        ]),
        head,
    );
    let mut lines = Vec::new();
    for (i, r) in c.rows.iter().enumerate() {
        let selected = i == c.cursor && !c.typing();
        lines.push(Line::from(vec![
            Span::styled(
                if selected { " ▸ " } else { "   " },
                Style::new().fg(ACCENT),
            ),
            Span::styled(r.name.clone(), Style::new().bold()),
            Span::raw(format!(
                "  {}",
                r.tenant.as_deref().unwrap_or("(no tenant)")
            )),
            Span::styled(
                r.generation
                    .as_deref()
                    .map(|g| format!(" · {g}"))
                    .unwrap_or_default(),
                DIM,
            ),
        ]));
        lines.push(Line::styled(
            format!(
                "     {} · step {} · {}",
                r.provider.as_deref().unwrap_or("(no provider)"),
                r.step,
                r.last_check
            ),
            DIM,
        ));
    }
    lines.push(Line::raw(""));
    let mut cursor = None;
    if let Some(field) = &c.naming {
        lines.push(Line::styled(
            " New profile's name (letters, digits, - _ .):",
            Style::new().bold(),
        ));
        let rows = widgets::wrapped_rows(&lines, body.width);
        let input = Rect {
            x: body.x + 3,
            y: body.y + rows.min(body.height.saturating_sub(1)),
            width: body.width.saturating_sub(3),
            height: 1,
        };
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
        cursor = widgets::input(frame, input, field, true, false, "e.g. staging");
        if let Some(e) = &c.error {
            let r = Rect {
                y: (input.y + 1).min(body.bottom().saturating_sub(1)),
                ..input
            };
            frame.render_widget(
                Paragraph::new(Line::styled(e.clone(), Style::new().fg(BAD)))
                    .wrap(Wrap { trim: true }),
                Rect {
                    height: body.bottom().saturating_sub(r.y).max(1),
                    ..r
                },
            );
        }
    } else {
        lines.push(Line::styled(
            " The same list: sms-mfa profiles. Skip this screen: --profile NAME.",
            DIM,
        ));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    }
    if let Some(p) = cursor {
        frame.set_cursor_position(p);
    }
    frame.render_widget(Paragraph::new(Line::styled(footer(c), DIM)), foot);
}

/// Show the chooser until the user chooses (main, before the wizard).
pub(crate) fn run(mut c: Chooser) -> std::io::Result<Chosen> {
    let mut terminal = ratatui::try_init()?;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    let result = (|| loop {
        terminal.draw(|f| draw(f, &c))?;
        let msgs = match crossterm::event::read()? {
            Event::Key(k) => key(&c, &k).into_iter().collect(),
            Event::Paste(text) => paste(&c, &text),
            _ => vec![],
        };
        for m in msgs {
            if let Some(chosen) = c.update(m) {
                return Ok(chosen);
            }
        }
    })();
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    result
}
