//! Step 1: the provider list.

use crate::tui::widgets::{self, ACCENT, DIM};
use crate::wizard::Wizard;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub(crate) fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let n = w.catalog.providers.len() as u16;
    let [intro, list, details] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(n * 2),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new("Which service should deliver your Auth0 MFA codes?")
            .wrap(Wrap { trim: true }),
        intro,
    );
    let chosen = w.profile.provider.as_deref();
    let mut lines = Vec::new();
    for (i, p) in w.catalog.providers.iter().enumerate() {
        let selected = i == w.provider_cursor;
        let marker = if selected { "▸ " } else { "  " };
        let mut name = vec![
            Span::styled(marker, Style::new().fg(ACCENT).bold()),
            if selected {
                Span::styled(p.name.clone(), Style::new().fg(ACCENT).bold())
            } else {
                Span::styled(p.name.clone(), Style::new().bold())
            },
        ];
        if chosen == Some(p.id.as_str()) {
            name.push(Span::styled("  (current)", DIM));
        }
        lines.push(Line::from(name));
        lines.push(Line::from(vec![
            Span::raw("    "),
            Span::styled(p.description.clone(), DIM),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), list);
    if details.height >= 4 {
        let p = &w.catalog.providers[w.provider_cursor];
        // What is needed: required settings, a one-of group as
        // "X or Y"; optional ones apart.
        use crate::providers::Required;
        let mut needs: Vec<String> = Vec::new();
        let mut optional: Vec<String> = Vec::new();
        let mut groups: Vec<&str> = Vec::new();
        for s in &p.settings {
            match &s.required {
                Required::Yes => needs.push(s.label.clone()),
                Required::No => optional.push(s.label.trim_end_matches(" (optional)").to_string()),
                Required::OneOf(g) if !groups.contains(&g.as_str()) => {
                    groups.push(g);
                    let members: Vec<String> = p
                        .settings
                        .iter()
                        .filter(|m| m.required == Required::OneOf(g.clone()))
                        .map(|m| format!("a {}", m.label))
                        .collect();
                    needs.push(members.join(" or "));
                }
                Required::OneOf(_) => {}
            }
        }
        let secrets: Vec<&str> = p
            .settings
            .iter()
            .filter(|s| s.secret)
            .map(|s| s.label.as_str())
            .collect();
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Needs: ", Style::new().bold()),
                Span::raw(needs.join(", ")),
            ]),
            Line::from(vec![
                Span::styled("Secret: ", Style::new().bold()),
                Span::raw(secrets.join(", ")),
            ]),
        ];
        if !optional.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("Optional: ", Style::new().bold()),
                Span::raw(optional.join(", ")),
            ]));
        }
        lines.push(Line::from(vec![
            Span::styled("Console: ", Style::new().bold()),
            Span::raw(p.console.clone()),
        ]));
        let h = details
            .height
            .min(widgets::rows_for(&lines, details.width.saturating_sub(2)) + 2);
        widgets::scroll_box(
            frame,
            Rect {
                height: h,
                ..details
            },
            widgets::titled_box(&p.name),
            lines,
            &w.scroll,
        );
    }
}
