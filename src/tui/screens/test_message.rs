//! Step 3: the test message.

use crate::providers::Kind;
use crate::providers::outcome::ErrorClass;
use crate::tui::widgets::{self, ACCENT, BAD, DIM, OK, WARN};
use crate::wizard::{Busy, CallError, FieldState, SendResult, Task, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub(crate) fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let t = &w.test;
    // Less chrome first: the blank rows between the fields go when short.
    let gap = u16::from(area.height >= 22);
    // Very short: a field's status row goes while it only says "fine".
    let short = area.height < 14;
    let r_rows = u16::from(!(short && t.recipient_state() == FieldState::Valid));
    let m_rows = u16::from(!(short && t.text_state() == FieldState::Valid));
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
        Constraint::Length(r_rows),
        Constraint::Length(gap),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(m_rows),
        Constraint::Length(gap),
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
    frame.render_widget(
        widgets::state_line_fit(&t.recipient_state(), indent(r_msg).width),
        indent(r_msg),
    );
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
        (v, FieldState::Warning(_)) => v.to_string(),
        (v, _) => format!("{v} (not valid yet)"),
    };
    let busy_or_done = w.sending() || t.result.is_some();
    let mut lines = vec![Line::from(vec![
        Span::styled("To: ", Style::new().bold()),
        Span::raw(to),
        Span::styled("  via ", Style::new().bold()),
        Span::raw(provider),
    ])];
    if let FieldState::Warning(m) = t.recipient_state() {
        // The whole warning (the field's row shows its start).
        lines.push(Line::styled(format!("! {m}"), Style::new().fg(WARN)));
    }
    if !busy_or_done {
        // Once there is a result it needs the room; the text is in its field.
        lines.push(Line::from(vec![
            Span::styled("Text: ", Style::new().bold()),
            Span::raw(t.text.value().to_string()),
        ]));
    }
    // What just happened first, then the credentials, then the notes.
    lines.extend(result_lines(w));
    lines.extend(credential_lines(w));
    if w.provider()
        .is_some_and(|p| p.kind == Some(Kind::TwilioVerify))
    {
        lines.push(Line::styled(
            "Twilio Verify sends its own template with a code the wizard makes up, as Auth0 does; the text above is not used.",
            DIM,
        ));
    }
    if !busy_or_done {
        lines.push(Line::styled(
            "Enter on the message sends it; Ctrl-N continues without sending.",
            DIM,
        ));
    }
    // As tall as what it says; what does not fit scrolls.
    let h = preview
        .height
        .min(widgets::rows_for(&lines, preview.width.saturating_sub(2)) + 2);
    widgets::scroll_box(
        frame,
        Rect {
            height: h,
            ..preview
        },
        widgets::titled_box("Preview"),
        lines,
        &w.scroll,
    );
}

/// Characters and SMS segments (GSM-7: 160 or 153 per part; else UCS-2: 70 or 67).
pub(crate) fn segments(text: &str) -> String {
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
    crate::providers::phone::region(number)
}

/// The last credential check, one or two lines.
fn credential_lines(w: &Wizard) -> Vec<Line<'static>> {
    let label = Span::styled("Credentials: ", Style::new().bold());
    if w.checking_credentials.is_some() {
        return vec![Line::from(vec![
            label,
            Span::styled("checking with the provider…", DIM),
        ])];
    }
    let Some(c) = &w.credentials else {
        return vec![];
    };
    match &c.result {
        Ok(r) => {
            let (mark, style) = if r.usable {
                ("✓ ", Style::new().fg(OK))
            } else {
                ("✗ ", Style::new().fg(BAD))
            };
            let mut v = vec![Line::from(vec![
                label,
                Span::styled(mark, style),
                Span::raw(r.summary.clone()),
            ])];
            for warning in &r.warnings {
                v.push(Line::styled(
                    format!("  ! {warning}"),
                    Style::new().fg(WARN),
                ));
            }
            v
        }
        Err(CallError::Setup(p)) => vec![Line::from(vec![
            label,
            Span::styled(
                format!("not checked: {}", p.join("; ")),
                Style::new().fg(WARN),
            ),
        ])],
        Err(CallError::Failed(f)) => vec![
            Line::from(vec![
                label,
                Span::styled(format!("✗ {}", f.class.title()), Style::new().fg(BAD)),
                Span::styled(
                    format!(" [{}] {}", f.code.as_deref().unwrap_or("-"), f.message),
                    DIM,
                ),
            ]),
            Line::raw(format!("  {}", f.hint())),
        ],
    }
}

/// What the last send did, or how to send.
fn result_lines(w: &Wizard) -> Vec<Line<'static>> {
    let name = w
        .provider()
        .map_or("the provider".to_string(), |p| p.name.clone());
    if let Some(Busy {
        task: Task::Sending,
        ticks,
        ..
    }) = &w.busy
    {
        return vec![widgets::spinner(
            *ticks,
            format!(
                "Sending through {name}… {:.1} s (Esc cancels)",
                *ticks as f64 / 10.0
            ),
        )];
    }
    let mut v = Vec::new();
    match &w.test.result {
        None => {}
        Some(SendResult::Accepted {
            accepted,
            deliveries,
            following,
            follow_error,
            ..
        }) => {
            v.push(Line::from(vec![
                Span::styled("✓ Accepted by ", Style::new().fg(OK).bold()),
                Span::styled(name, Style::new().fg(OK).bold()),
                Span::raw(format!("  message id {}", accepted.id)),
            ]));
            if let Some(code) = &accepted.code_sent {
                v.push(Line::raw(format!("  The code sent was {code}.")));
            }
            if accepted.trackable {
                let mut trail: Vec<String> = accepted.status.iter().cloned().collect();
                for d in deliveries {
                    if trail.last() != Some(&d.status) {
                        trail.push(d.status.clone());
                    }
                }
                let mut spans = vec![Span::styled("  Delivery: ", Style::new().bold())];
                spans.push(Span::raw(trail.join(" → ")));
                if following.is_some() {
                    spans.push(Span::styled("  (following for up to 30 s)", DIM));
                }
                v.push(Line::from(spans));
                if deliveries.last().is_some_and(|d| d.delivered) {
                    v.push(Line::styled(
                        "  ✓ Delivered to the handset.",
                        Style::new().fg(OK),
                    ));
                }
                if let Some(d) = deliveries.last()
                    && d.final_
                    && !d.delivered
                {
                    v.push(Line::styled(
                        format!(
                            "  ✗ {} [{}] {}",
                            d.status,
                            d.error_code.as_deref().unwrap_or("-"),
                            d.error_message.as_deref().unwrap_or("")
                        ),
                        Style::new().fg(BAD),
                    ));
                }
                if let Some(e) = follow_error {
                    v.push(Line::styled(
                        format!("  Delivery status unavailable: {e}"),
                        DIM,
                    ));
                }
            } else {
                v.push(Line::styled(
                    "  Accepted is not delivered: if nothing arrives, find the id in the provider's logs.",
                    DIM,
                ));
            }
            v.push(Line::styled(
                "  Ctrl-O shows the Action code for the tenant, with the secrets it reads.",
                Style::new().fg(ACCENT),
            ));
        }
        Some(SendResult::Failed(CallError::Setup(problems))) => {
            v.push(Line::styled(
                "✗ Not sent: the settings are incomplete",
                Style::new().fg(BAD).bold(),
            ));
            for p in problems {
                v.push(Line::raw(format!("  - {p}")));
            }
        }
        Some(SendResult::Failed(CallError::Failed(f))) if f.class == ErrorClass::Network => {
            // Nothing answered: the provider said nothing, and the request
            // may still have reached it.
            v.push(Line::styled(
                format!("! No answer: {}", f.message),
                Style::new().fg(WARN).bold(),
            ));
            v.push(Line::raw(format!(
                "  {name} did not answer in time, so it is not known whether the message was sent: it may still arrive. Wait a minute before sending again."
            )));
            v.push(Line::raw(format!("  {}", f.hint())));
        }
        Some(SendResult::Failed(CallError::Failed(f))) => {
            v.push(Line::styled(
                format!("✗ {}", f.class.title()),
                Style::new().fg(BAD).bold(),
            ));
            v.push(Line::raw(format!("  {}", f.hint())));
            v.push(Line::styled(
                format!(
                    "  {name} said: [{}] {}{}",
                    f.code.as_deref().unwrap_or("no code"),
                    f.message,
                    f.http_status
                        .map(|s| format!(" (HTTP {s})"))
                        .unwrap_or_default()
                ),
                DIM,
            ));
        }
    }
    v
}
