//! "Recent deliveries", over the checklist: the trace of step 3's
//! recipient (Auth0's log and the provider's records, one timeline), each
//! failure with its code, meaning and fix. Outside text goes through the
//! sanitizer.

use crate::tui::widgets::{ACCENT, BAD, DIM};
use crate::wizard::Wizard;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

pub(crate) fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let r = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    frame.render_widget(Clear, r);
    let to = w
        .profile
        .test_recipient
        .as_deref()
        .filter(|t| !t.is_empty())
        .unwrap_or("every recipient");
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(ACCENT))
        .title(Line::from(format!(" Recent deliveries · {to} ")).bold());
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let [body, keys] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let lines: Vec<Line<'static>> = match &w.deliveries.result {
        _ if w.deliveries.running.is_some() => vec![Line::styled(
            "Reading the provider's records and the tenant's log…",
            DIM,
        )],
        None => vec![],
        Some(Err(e)) => vec![Line::styled(
            crate::sanitize::sanitize(e).to_string(),
            Style::new().fg(BAD),
        )],
        Some(Ok(t)) => crate::sanitize::sanitize(&crate::trace::text(t))
            .lines()
            .map(|l| {
                if l.contains("not delivered") || l.starts_with("  • ") {
                    Line::styled(l.to_string(), Style::new().fg(BAD))
                } else {
                    Line::raw(l.to_string())
                }
            })
            .collect(),
    };
    // Wrapped with a hanging indent, so a record's details stay under it.
    let lines = crate::tui::wrap::wrap(&lines, body.width);
    frame.render_widget(Paragraph::new(lines).scroll((w.deliveries.scroll, 0)), body);
    frame.render_widget(Line::styled("↑↓ scroll · r refresh · Esc close", DIM), keys);
}
