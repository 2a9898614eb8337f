//! Step 4's quick way in (Ctrl-P on the connection form): the tenant
//! domain, one pasted Management API token (masked), and then the plan of
//! `tenant connect`, made on `y`.

use crate::tui::widgets::{self, ACCENT, BAD, DIM};
use crate::wizard::{Busy, ConnectForm, Task, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

/// Where the token comes from, as the screen says it.
pub(crate) const WHERE: &str = "Dashboard > Applications > APIs > Auth0 Management API > API Explorer: copy the token. Used once, never stored.";

/// What the form says first: what it does, where the token is, the other
/// way.
fn intro_lines() -> Vec<Line<'static>> {
    vec![
        Line::styled("Connect with one pasted token", Style::new().bold()),
        Line::raw(WHERE),
        Line::styled(
            "sms-mfa makes its own Machine to Machine application with exactly the scopes it needs. Esc: enter an existing application's client id and secret instead.",
            DIM,
        ),
    ]
}

pub(crate) fn draw(frame: &mut Frame, area: Rect, w: &Wizard, c: &ConnectForm) {
    let busy = match &w.busy {
        Some(Busy {
            task: Task::Connecting(apply),
            ticks,
            ..
        }) => Some(widgets::spinner(
            *ticks,
            if *apply {
                "Creating sms-mfa's application and its grant… (Esc stops waiting)".into()
            } else {
                "Reading the tenant to plan the connection… (Esc stops waiting)".into()
            },
        )),
        _ => None,
    };
    let [top, rest] = Layout::vertical([
        Constraint::Length(if busy.is_some() { 1 } else { 0 }),
        Constraint::Min(0),
    ])
    .areas(area);
    if let Some(line) = busy {
        frame.render_widget(Paragraph::new(line), top);
    }
    if let Some(p) = &c.plan {
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Connect ", Style::new().bold()),
                Span::raw(format!("{} · {}", p.domain, p.generation.label())),
            ]),
            Line::raw(""),
        ];
        for (i, l) in p.lines.iter().enumerate() {
            lines.push(Line::raw(format!("  {}. {l}", i + 1)));
        }
        for n in &p.notes {
            lines.push(Line::styled(format!("Note: {n}"), DIM));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "y makes these changes · Esc closes the plan (nothing changes)",
            Style::new().fg(ACCENT),
        ));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
        return;
    }
    let intro_text = crate::tui::wrap::wrap(&intro_lines(), rest.width);
    let [intro, d_label, d_input, t_label, t_input, help] = Layout::vertical([
        Constraint::Length(intro_text.len() as u16 + 1),
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Min(0),
    ])
    .areas(rest);
    frame.render_widget(Paragraph::new(intro_text), intro);
    let label = |t: &'static str, focused: bool| {
        Line::from(vec![
            Span::raw(if focused { "▸ " } else { "  " }),
            Span::styled(t, Style::new().bold()),
        ])
    };
    frame.render_widget(
        label("Tenant domain (a pasted https://…/ works)", c.focus == 0),
        d_label,
    );
    let mut cursor = widgets::input(
        frame,
        Rect {
            x: d_input.x + 2,
            width: d_input.width.saturating_sub(2),
            height: 1,
            ..d_input
        },
        &c.domain,
        c.focus == 0,
        false,
        "acme.eu.auth0.com",
    );
    frame.render_widget(
        label("Management API token (hidden)", c.focus == 1),
        t_label,
    );
    let token_cursor = widgets::input(
        frame,
        Rect {
            x: t_input.x + 2,
            width: t_input.width.saturating_sub(2),
            height: 1,
            ..t_input
        },
        &c.token,
        c.focus == 1,
        false,
        "paste the token here",
    );
    cursor = cursor.or(token_cursor);
    if let Some(p) = cursor {
        frame.set_cursor_position(p);
    }
    let text = match &c.error {
        Some(e) => Text::from(Line::styled(e.clone(), Style::new().fg(BAD))),
        None => Text::from(Line::styled(
            "Enter reads the tenant and shows the plan; nothing changes before y.",
            DIM,
        )),
    };
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), help);
}
