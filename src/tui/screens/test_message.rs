//! Step 3: the test message.

use crate::tui::widgets::{self, ACCENT, DIM, WARN};
use crate::wizard::{FieldState, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};

pub fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let t = &w.test;
    let [
        r_label,
        r_input,
        r_msg,
        _,
        m_label,
        m_input,
        m_msg,
        _,
        preview,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    let label = |text: &str, focused: bool| {
        Line::from(vec![
            Span::styled(
                if focused { "▸ " } else { "  " },
                Style::new().fg(ACCENT).bold(),
            ),
            Span::styled(
                text.to_string(),
                if focused {
                    Style::new().bold().fg(ACCENT)
                } else {
                    Style::new().bold()
                },
            ),
        ])
    };
    let indent = |r: Rect| Rect {
        x: r.x + 4,
        width: r.width.saturating_sub(4),
        ..r
    };
    frame.render_widget(
        label("Recipient (E.164, e.g. +14155550100)", t.focus == 0),
        r_label,
    );
    let placeholder = if t.focus == 0 {
        "e.g. +14155550100"
    } else {
        ""
    };
    if let Some(p) = widgets::input(
        frame,
        indent(r_input),
        &t.recipient,
        t.focus == 0,
        false,
        placeholder,
    ) {
        frame.set_cursor_position(p);
    }
    frame.render_widget(widgets::state_line(&t.recipient_state()), indent(r_msg));
    frame.render_widget(label("Message text", t.focus == 1), m_label);
    if let Some(p) = widgets::input(frame, indent(m_input), &t.text, t.focus == 1, false, "") {
        frame.set_cursor_position(p);
    }
    let text_state = t.text_state();
    let count = if text_state == FieldState::Valid {
        Line::styled(segments(t.text.value()), DIM)
    } else {
        widgets::state_line(&text_state)
    };
    frame.render_widget(count, indent(m_msg));

    if preview.height < 3 {
        return;
    }
    let provider = w
        .provider()
        .map_or("(no provider chosen)".to_string(), |p| p.name.clone());
    let to = match (t.recipient.value(), t.recipient_state()) {
        ("", _) => "(enter a recipient)".to_string(),
        (v, FieldState::Valid) => match country(v) {
            Some(c) => format!("{v} ({c})"),
            None => v.to_string(),
        },
        (v, _) => format!("{v} (not valid yet)"),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("To:   ", Style::new().bold()),
            Span::raw(to),
        ]),
        Line::from(vec![
            Span::styled("Via:  ", Style::new().bold()),
            Span::raw(provider),
        ]),
        Line::from(vec![
            Span::styled("Text: ", Style::new().bold()),
            Span::raw(t.text.value().to_string()),
        ]),
        Line::raw(""),
    ];
    if t.send_requested {
        lines.push(Line::styled(
            "Not sent: this build cannot send through the provider yet. Ctrl-N continues to the tenant step.",
            Style::new().fg(WARN),
        ));
    } else {
        lines.push(Line::styled(
            "Enter on the message sends it; Ctrl-N continues without sending.",
            DIM,
        ));
    }
    let h = preview.height.min(lines.len() as u16 + 2);
    widgets::panel(
        frame,
        Rect {
            height: h,
            ..preview
        },
        "Preview",
        Text::from(lines),
    );
}

/// Characters and SMS segments (GSM-7: 160 or 153 per part; else UCS-2: 70 or 67).
pub fn segments(text: &str) -> String {
    let n = text.chars().count();
    let gsm = text.chars().all(|c| c.is_ascii() && !c.is_ascii_control());
    let (single, multi) = if gsm { (160, 153) } else { (70, 67) };
    let parts = if n <= single { 1 } else { n.div_ceil(multi) };
    format!(
        "{n} characters, {parts} SMS segment{}{}",
        if parts == 1 { "" } else { "s" },
        if gsm { "" } else { " (Unicode)" }
    )
}

/// The region a valid E.164 number belongs to, e.g. "US".
fn country(number: &str) -> Option<String> {
    let n = phonenumber::parse(None, number).ok()?;
    n.country().id().map(|id| format!("{id:?}"))
}
