//! Step 5: the troubleshooting checklist, checked. The list with a mark per
//! check and a summary line; the details of the selected check (evidence,
//! explanation, how to look by hand, the fix and what `a` does).

use crate::checklist::{Category, FixAction};
use crate::doctor::{Status, Summary};
use crate::tui::widgets::{self, ACCENT, BAD, DIM, OK, WARN};
use crate::wizard::{Row, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

pub(crate) fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let rows = w.checklist_rows();
    if rows.is_empty() {
        return;
    }
    let cursor = w.checklist_cursor.min(rows.len() - 1);
    let [summary, rest] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(summary_lines(w, &rows)), summary);

    // The list, with a heading per category.
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    let mut last: Option<Category> = None;
    for (i, row) in rows.iter().enumerate() {
        if last != Some(row.check.category) {
            last = Some(row.check.category);
            lines.push(Line::styled(
                row.check.category.label().to_string(),
                Style::new().bold(),
            ));
        }
        if i == cursor {
            selected_line = lines.len();
        }
        lines.push(row_line(w, row, i == cursor));
    }
    let wide = rest.width >= 90;
    let (list, details) = if wide {
        // As wide as the longest title, but at most 55% of the width.
        let longest = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 1;
        let width = longest.min(rest.width * 55 / 100);
        let [l, d] =
            Layout::horizontal([Constraint::Length(width), Constraint::Min(0)]).areas(rest);
        (l, d)
    } else {
        // Half for the list (it scrolls to the selection), half for what
        // the selected check says.
        let height = (lines.len() as u16).min(rest.height / 2);
        let [l, d] = Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(rest);
        (l, d)
    };
    // Scroll so that the selected row (and its heading) are in view.
    let h = list.height as usize;
    let offset = if h == 0 {
        0
    } else {
        (selected_line + 1).saturating_sub(h)
    };
    frame.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), list);
    if details.height < 3 {
        return;
    }
    let row = &rows[cursor];
    let (block, lines) = details_pane(w, row, wide);
    widgets::scroll_box(frame, details, block, lines, &w.scroll);
}

fn summary_lines(w: &Wizard, rows: &[Row]) -> Vec<Line<'static>> {
    let checks: Vec<_> = rows
        .iter()
        .filter(|r| !r.running)
        .map(|r| r.check.clone())
        .collect();
    let s = Summary::of(&checks);
    let mut spans = vec![
        Span::styled(format!("✓ {} passed", s.pass), Style::new().fg(OK).bold()),
        Span::raw(" · "),
        Span::styled(
            format!("✗ {} failed", s.fail),
            if s.fail > 0 {
                Style::new().fg(BAD).bold()
            } else {
                DIM
            },
        ),
        Span::raw(" · "),
        Span::styled(
            format!(
                "! {} warning{}",
                s.warning,
                if s.warning == 1 { "" } else { "s" }
            ),
            if s.warning > 0 {
                Style::new().fg(WARN).bold()
            } else {
                DIM
            },
        ),
    ];
    if s.error > 0 {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            format!("? {} could not check", s.error),
            Style::new().fg(WARN),
        ));
    }
    spans.push(Span::raw(" · "));
    spans.push(Span::styled(format!("- {} skipped", s.skipped), DIM));
    let mut lines = vec![Line::from(spans)];
    let running = rows.iter().filter(|r| r.running).count();
    if running > 0 {
        let secs = w.doctor.ticks / 10;
        let mut label = format!(
            "{running} check{} running… {secs} s",
            if running == 1 { "" } else { "s" }
        );
        if rows.iter().any(|r| r.slow) {
            label.push_str(" (slow: waiting for an answer)");
        }
        lines.push(widgets::spinner(w.doctor.ticks, label));
    }
    lines
}

fn mark(status: Status) -> (&'static str, Style) {
    match status {
        Status::Pass => ("✓", Style::new().fg(OK)),
        Status::Fail => ("✗", Style::new().fg(BAD)),
        Status::Warning => ("!", Style::new().fg(WARN)),
        Status::Error => ("?", Style::new().fg(WARN)),
        Status::Skipped => ("-", DIM),
    }
}

fn row_line(w: &Wizard, row: &Row, selected: bool) -> Line<'static> {
    let pointer = Span::styled(
        if selected { "▸ " } else { "  " },
        Style::new().fg(ACCENT).bold(),
    );
    let title = if selected {
        Span::styled(row.check.title.clone(), Style::new().fg(ACCENT).bold())
    } else {
        Span::raw(row.check.title.clone())
    };
    if row.running {
        let mut spans = vec![pointer];
        spans.extend(widgets::spinner(w.doctor.ticks, String::new()).spans);
        spans.push(title);
        if row.slow {
            spans.push(Span::styled(
                format!(
                    " still running after {} s",
                    crate::doctor::SLOW_AFTER.as_secs()
                ),
                Style::new().fg(WARN),
            ));
        }
        return Line::from(spans);
    }
    let (m, style) = mark(row.check.status);
    Line::from(vec![pointer, Span::styled(format!("{m} "), style), title])
}

fn details_pane(w: &Wizard, row: &Row, wide: bool) -> (Block<'static>, Vec<Line<'static>>) {
    let c = &row.check;
    let item = w.checklist.get(&c.id);
    let (m, style) = mark(c.status);
    let mut lines = vec![if row.running {
        Line::styled(
            if row.slow {
                format!(
                    "Still running after {} s: waiting for an answer; the other checks go on.",
                    crate::doctor::SLOW_AFTER.as_secs()
                )
            } else {
                "Checking…".to_string()
            },
            Style::new().fg(ACCENT),
        )
    } else {
        Line::from(vec![
            Span::styled(format!("{m} {}: ", c.status.label()), style.bold()),
            Span::styled(c.evidence.clone(), style),
        ])
    }];
    if let Some(r) = &c.remediation {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("Fix: ", Style::new().bold()),
            Span::raw(r.text.clone()),
        ]));
        if let Some(action) = r.action {
            lines.push(Line::from(vec![
                Span::styled("a ", Style::new().fg(ACCENT).bold()),
                Span::raw(match action {
                    FixAction::TenantPlan => {
                        "plans the tenant fix in step 4; nothing changes until you press y there."
                    }
                    FixAction::Secrets => "opens step 2, the provider's settings.",
                    FixAction::TestMessage => "opens step 3, the test message.",
                    FixAction::Tenant => "opens step 4's connection.",
                }),
            ]));
        }
        if let Some(cmd) = &r.command {
            lines.push(Line::from(vec![
                Span::styled("From a shell: ", DIM),
                Span::raw(cmd.clone()),
            ]));
        }
    }
    if let Some(item) = item {
        lines.push(Line::raw(""));
        lines.push(Line::raw(item.explain.clone()));
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("How to check by hand: ", Style::new().bold()),
            Span::raw(item.how.clone()),
        ]));
        let mut guides: Vec<&str> = item.source.iter().map(|s| guide_name(s)).collect();
        guides.dedup();
        if !guides.is_empty() {
            lines.push(Line::styled(
                format!("From the guides for {}.", guides.join(", ")),
                DIM,
            ));
        }
    }
    let block = Block::default()
        .borders(if wide { Borders::LEFT } else { Borders::TOP })
        .border_type(BorderType::Plain)
        .border_style(DIM)
        .title(Line::from(format!(" {} · {} ", c.category.label(), c.id)).style(DIM));
    (block, lines)
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
