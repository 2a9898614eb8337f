//! The generated Action code, over the current step: scrollable, with the
//! secrets it reads and the keys to switch trigger or write it to a file.

use crate::codegen;
use crate::tui::widgets::{self, ACCENT, BAD, DIM};
use crate::wizard::Wizard;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

pub(crate) fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let r = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    frame.render_widget(Clear, r);
    let target = w.code_view.target;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(ACCENT))
        .title(Line::from(format!(" Action code · {} ", target.id())).bold());
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let Some(p) = w.provider() else { return };
    let secrets: Vec<String> = codegen::action_secrets(p).into_iter().collect();
    let about_lines = vec![
        Line::raw(format!("{}, {}.", target.describe(), p.name)),
        Line::from(vec![
            Span::styled("Action secrets it reads: ", Style::new().bold()),
            Span::raw(secrets.join(", ")),
        ]),
    ];
    let about_height = widgets::rows_for(&about_lines, inner.width) + 1;
    // What `w` did (or any notice) shows here, over the step's own line.
    let notice_rows = w
        .notice
        .as_ref()
        .map_or(0, |n| widgets::notice_rows(n, inner.width).min(3));
    let [about, code_area, notice, keys] = Layout::vertical([
        Constraint::Length(about_height),
        Constraint::Min(1),
        Constraint::Length(notice_rows),
        Constraint::Length(1),
    ])
    .areas(inner);
    widgets::notice(frame, notice, w.notice.as_ref());
    frame.render_widget(
        Paragraph::new(crate::tui::wrap::wrap(&about_lines, about.width)),
        about,
    );
    match w.code() {
        Some(Ok(code)) => {
            let total = code.lines().count();
            let lines: Vec<Line> = code
                .lines()
                .skip(w.code_view.scroll as usize)
                .take(code_area.height as usize)
                .map(|l| Line::raw(l.to_string()))
                .collect();
            frame.render_widget(Paragraph::new(lines), code_area);
            let shown_to = (w.code_view.scroll as usize + code_area.height as usize).min(total);
            frame.render_widget(
                Line::styled(
                    format!(
                        "{}-{shown_to}/{total} · ↑↓ PgUp PgDn · Tab other trigger · w write file · Esc close",
                        w.code_view.scroll as usize + 1
                    ),
                    DIM,
                ),
                keys,
            );
        }
        Some(Err(e)) => frame.render_widget(Line::styled(e, Style::new().fg(BAD)), code_area),
        None => {}
    }
}
