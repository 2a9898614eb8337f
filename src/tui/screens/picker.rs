//! Step 2's picker (opened by itself once the credentials are there, or
//! Ctrl-F): the account's values for one field, listed by the provider's
//! API, in a box over the lower part of the form.

use crate::tui::widgets::{self, ACCENT, BAD, DIM, OK};
use crate::wizard::{Picker, Wizard};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

pub(crate) fn draw(frame: &mut Frame, area: Rect, _w: &Wizard, p: &Picker) {
    let mut lines = Vec::new();
    if p.loading {
        lines.push(widgets::spinner(
            p.ticks,
            "Asking the provider with the credentials above…".into(),
        ));
    }
    if let Some(e) = &p.error {
        lines.push(Line::styled(clean(e), Style::new().fg(BAD)));
        lines.push(Line::styled(
            "The field still takes any value typed by hand.",
            DIM,
        ));
    }
    for (i, c) in p.choices.iter().enumerate() {
        let (mark, colour) = if c.usable { ("✓", OK) } else { ("✗", BAD) };
        let selected = i == p.cursor;
        let mut spans = vec![
            Span::styled(if selected { "▸ " } else { "  " }, Style::new().fg(ACCENT)),
            Span::styled(format!("{mark} "), Style::new().fg(colour)),
            Span::styled(clean(&c.value), Style::new().bold()),
            Span::raw(format!("  {}", clean(&c.label))),
        ];
        if let Some(n) = &c.note {
            spans.push(Span::styled(format!(" — {}", clean(n)), DIM));
        }
        lines.push(Line::from(spans));
    }
    if !p.loading && p.error.is_none() && p.choices.is_empty() {
        lines.push(Line::raw("The account has none: type the value by hand."));
    }
    for n in &p.notes {
        lines.push(Line::styled(clean(n), DIM));
    }
    // The lines, the borders, and a row for an error that wraps.
    let rows = lines.len() as u16 + 2 + u16::from(p.error.is_some());
    let height = rows.clamp(3, area.height.max(3)).min(area.height);
    let r = Rect {
        y: area.y + area.height - height,
        height,
        ..area
    };
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(
                Block::bordered()
                    .border_type(BorderType::Rounded)
                    .title(format!(" {} from the account ", p.setting)),
            ),
        r,
    );
}

/// The provider's text (its numbers' names, its error) as the terminal may
/// show it: controls and BiDi marks as visible escapes.
fn clean(s: &str) -> String {
    crate::sanitize::sanitize(s).into_owned()
}
