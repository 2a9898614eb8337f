//! Step 4: the tenant check.

use crate::checklist::TENANT_CHECKS;
use crate::tui::widgets::{self, ACCENT, DIM, WARN};
use crate::wizard::Wizard;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let [banner, list, details] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(TENANT_CHECKS.len() as u16),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(
            "The wizard does not connect to the tenant yet: nothing below has been checked here. Run `sms-mfa tenant check` in a shell to check them now. Enter continues to the checklist.",
            Style::new().fg(WARN),
        ))
        .wrap(Wrap { trim: true }),
        banner,
    );
    let lines: Vec<Line> = TENANT_CHECKS
        .iter()
        .enumerate()
        .map(|(i, (title, _))| {
            let selected = i == w.tenant_cursor;
            Line::from(vec![
                Span::styled(
                    if selected { "▸ " } else { "  " },
                    Style::new().fg(ACCENT).bold(),
                ),
                Span::styled("– ", DIM),
                if selected {
                    Span::styled(*title, Style::new().fg(ACCENT).bold())
                } else {
                    Span::raw(*title)
                },
                Span::styled("  not checked", DIM),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    if details.height >= 3 {
        let (title, what) = TENANT_CHECKS[w.tenant_cursor];
        let d = Rect {
            y: details.y + 1,
            height: details.height.saturating_sub(1).min(4),
            ..details
        };
        widgets::panel(frame, d, title, Text::from(what));
    }
}
