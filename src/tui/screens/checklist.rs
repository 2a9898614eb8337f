//! Step 5: the troubleshooting checklist, with what the wizard can tell.

use crate::checklist::{self, Status};
use crate::tui::widgets::{ACCENT, BAD, DIM, OK};
use crate::wizard::Wizard;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let items = &w.checklist.items;
    let statuses: Vec<Status> = items.iter().map(|i| checklist::status(i, w)).collect();
    let passed = statuses
        .iter()
        .filter(|s| matches!(s, Status::Pass(_)))
        .count();
    let failed = statuses
        .iter()
        .filter(|s| matches!(s, Status::Fail(_)))
        .count();
    let manual = statuses.len() - passed - failed;
    let wide = area.width >= 90;
    let [summary, rest] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Line::from(vec![
            Span::styled(format!("{passed} passed"), Style::new().fg(OK).bold()),
            Span::raw(" · "),
            Span::styled(
                format!("{failed} failed"),
                if failed > 0 {
                    Style::new().fg(BAD).bold()
                } else {
                    DIM
                },
            ),
            Span::raw(" · "),
            Span::raw(format!("{manual} to check by hand")),
        ]),
        summary,
    );
    let (list, details) = if wide {
        let [l, d] =
            Layout::horizontal([Constraint::Percentage(42), Constraint::Min(0)]).areas(rest);
        (l, d)
    } else {
        let [l, d] = Layout::vertical([Constraint::Length(items.len() as u16), Constraint::Min(0)])
            .areas(rest);
        (l, d)
    };
    let lines: Vec<Line> = items
        .iter()
        .zip(&statuses)
        .enumerate()
        .map(|(i, (item, status))| {
            let selected = i == w.checklist_cursor;
            let (mark, style) = mark(status);
            let title = if selected {
                Span::styled(item.title.clone(), Style::new().fg(ACCENT).bold())
            } else {
                Span::raw(item.title.clone())
            };
            Line::from(vec![
                Span::styled(
                    if selected { "▸ " } else { "  " },
                    Style::new().fg(ACCENT).bold(),
                ),
                Span::styled(format!("{mark} "), style),
                title,
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    if details.height < 3 {
        return;
    }
    let item = &items[w.checklist_cursor];
    let status = &statuses[w.checklist_cursor];
    let (mark, style) = mark(status);
    let evidence = match status {
        Status::Pass(e) | Status::Fail(e) | Status::Manual(e) => e.clone(),
    };
    let mut guides: Vec<&str> = item.source.iter().map(|s| guide_name(s)).collect();
    guides.dedup();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::styled(evidence, style),
        ]),
        Line::raw(""),
        Line::raw(item.explain.clone()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("How to check: ", Style::new().bold()),
            Span::raw(item.how.clone()),
        ]),
    ];
    if !guides.is_empty() {
        lines.push(Line::styled(
            format!("From the guides for {}.", guides.join(", ")),
            DIM,
        ));
    }
    let block = Block::default()
        .borders(if wide { Borders::LEFT } else { Borders::TOP })
        .border_type(BorderType::Plain)
        .border_style(DIM)
        .title(Line::from(format!(" {} · {} ", item.category, item.id)).style(DIM));
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .wrap(Wrap { trim: false }),
        details,
    );
}

fn mark(status: &Status) -> (&'static str, Style) {
    match status {
        Status::Pass(_) => ("✓", Style::new().fg(OK)),
        Status::Fail(_) => ("✗", Style::new().fg(BAD)),
        Status::Manual(_) => ("○", DIM),
    }
}

fn guide_name(seed: &str) -> &'static str {
    match seed {
        "000" | "001" => "Esendex",
        "002" => "Vonage",
        "003" => "Twilio",
        "004" => "Infobip",
        _ => "other",
    }
}
