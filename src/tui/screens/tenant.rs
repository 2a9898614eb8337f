//! Step 4: the tenant. The connection form, the checks with their
//! findings, the fix plan waiting for a confirmation, and what an apply did.

use crate::auth0::inspect::{Generation, Status};
use crate::auth0::{inspect, plan as fix};
use crate::tui::fields;
use crate::tui::widgets::{self, ACCENT, BAD, DIM, OK, WARN};
use crate::wizard::{Busy, Task, TenantWork, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

const GRANT: &str = "Grant scopes in Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications (https://manage.auth0.com/#/apis).";

pub fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    if let Some(line) = status(w) {
        let [top, rest] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), top);
        return body(frame, rest, w);
    }
    body(frame, area, w)
}

fn body(frame: &mut Frame, area: Rect, w: &Wizard) {
    if let Some(c) = &w.tenant.connect {
        super::connect::draw(frame, area, w, c);
    } else if w.tenant.editing {
        connection(frame, area, w);
    } else if let Some(p) = &w.tenant.plan {
        plan(frame, area, w, p);
    } else {
        report(frame, area, w);
    }
}

/// The spinner while the tenant is worked on, with the rate-limit countdown.
fn status(w: &Wizard) -> Option<Line<'static>> {
    let Busy { task, ticks, .. } = w.busy.as_ref()?;
    let what = match task {
        Task::LoadingTenant => "Checking the OS keyring for the connection…",
        Task::StoringTenant(_) => "Storing the client secret in the OS keyring…",
        Task::Tenant(TenantWork::Check) => "Checking the tenant through the Management API…",
        Task::Tenant(TenantWork::Plan) => "Reading the tenant to plan the fix…",
        Task::Tenant(TenantWork::Apply { .. }) => {
            "Applying the plan (deploying the Action waits for Auth0's build)…"
        }
        Task::Tenant(TenantWork::Try { .. }) => "Asking Auth0 to send its test…",
        _ => return None,
    };
    let mut text = format!("{what} (Esc stops waiting)");
    if let Some(r) = &w.tenant.rate_limit {
        let left = r.secs.saturating_sub((ticks - r.since) / 10);
        text = format!(
            "Auth0 rate limit on {}: waiting {left} s before asking again… (Esc stops)",
            r.path
        );
    }
    Some(widgets::spinner(*ticks, text))
}

fn connection(frame: &mut Frame, area: Rect, w: &Wizard) {
    let (Some(group), Some(form)) = (w.catalog.tenant.as_ref(), w.tenant.form.as_ref()) else {
        return;
    };
    let n = form.fields.len() as u16;
    let [intro, list, help] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(n * fields::FIELD_HEIGHT),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                "Ctrl-P: paste one Management API token and sms-mfa makes its own application.",
                Style::new().bold(),
            ),
            Span::styled(
                " Or use an existing Machine to Machine application (or SMS_MFA_AUTH0_TOKEN):",
                DIM,
            ),
        ]))
        .wrap(Wrap { trim: true }),
        intro,
    );
    let loading = matches!(
        w.busy,
        Some(Busy {
            task: Task::LoadingTenant,
            ..
        })
    );
    fields::draw(frame, list, group, form, loading, w.secret_home_short());
    if help.height >= 3 {
        let setting = &group.settings[form.focus];
        // Per generation once known (no hook scopes on Unified Phone
        // Experience tenants); before the first check, every one.
        let (read, write) = match w.tenant.generation() {
            Some(g) => crate::auth0::connect::scopes(g)
                .into_iter()
                .partition::<Vec<_>, _>(|s| s.starts_with("read:")),
            None => (inspect::SCOPES.to_vec(), fix::WRITE_SCOPES.to_vec()),
        };
        let lines = vec![
            Line::raw(setting.help.clone()),
            Line::from(vec![
                Span::styled("Check needs: ", Style::new().bold()),
                Span::raw(read.join(" ")),
            ]),
            Line::from(vec![
                Span::styled("Fix needs:   ", Style::new().bold()),
                Span::raw(write.join(" ")),
            ]),
            Line::styled(GRANT, DIM),
        ];
        widgets::panel(
            frame,
            Rect {
                height: help.height.min(9),
                ..help
            },
            &format!("Where to find {}", setting.label),
            Text::from(lines),
        );
    }
}

fn mark(s: Status) -> Span<'static> {
    match s {
        Status::Pass => Span::styled("✓ ", Style::new().fg(OK)),
        Status::Fail => Span::styled("✗ ", Style::new().fg(BAD)),
        Status::Skipped => Span::styled("- ", DIM),
        Status::Error => Span::styled("! ", Style::new().fg(WARN)),
    }
}

fn generation(g: Option<Generation>) -> &'static str {
    g.map_or("generation unknown", Generation::label)
}

fn report(frame: &mut Frame, area: Rect, w: &Wizard) {
    let mut head: Vec<Line> = Vec::new();
    if let Some(a) = &w.tenant.applied {
        let o = &a.outcome;
        head.push(Line::styled(
            format!(
                "Last apply: {} applied{}{}; backup in {}",
                o.applied.len(),
                if o.failed.is_some() { ", 1 failed" } else { "" },
                if o.not_applied.is_empty() {
                    String::new()
                } else {
                    format!(", {} not applied", o.not_applied.len())
                },
                a.backup.display()
            ),
            if o.ok() {
                Style::new().fg(OK)
            } else {
                Style::new().fg(BAD)
            },
        ));
        if let Some((c, e)) = &o.failed {
            head.push(Line::styled(format!("✗ {c}: {e}"), Style::new().fg(BAD)));
        }
    }
    match &w.tenant.tried {
        Some(Ok(m)) => head.push(Line::styled(
            format!("Auth0's test: accepted ({m}); the message should arrive within a minute."),
            Style::new().fg(OK),
        )),
        Some(Err(e)) => head.push(Line::styled(
            format!("Auth0's test: {e}"),
            Style::new().fg(BAD),
        )),
        None => {}
    }
    let r = match &w.tenant.report {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            head.push(Line::styled(
                format!("Could not check: {e}"),
                Style::new().fg(BAD),
            ));
            head.push(Line::styled(
                "e edits the connection, r tries again, Enter continues to the checklist.",
                DIM,
            ));
            frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: true }), area);
            return;
        }
        None => {
            // Not checked yet: what will be checked.
            head.push(Line::styled(
                "Not checked yet: r checks the tenant, e edits the connection.",
                DIM,
            ));
            let titles = crate::auth0::inspect::IDS
                .iter()
                .filter_map(|id| w.checklist.get(crate::doctor::checklist_id(id)));
            head.extend(titles.map(|item| {
                Line::from(vec![Span::styled("– ", DIM), Span::raw(item.title.clone())])
            }));
            frame.render_widget(Paragraph::new(head), area);
            return;
        }
    };
    head.insert(
        0,
        Line::from(vec![
            Span::styled(r.base.clone(), Style::new().bold()),
            Span::styled(format!(" · {}", generation(r.generation)), DIM),
        ]),
    );
    let n = r.findings.len() as u16;
    let head_rows = widgets::wrapped_rows(&head, area.width).min(area.height / 3);
    let [top, list, details] = Layout::vertical([
        Constraint::Length(head_rows),
        Constraint::Length(n),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: true }), top);
    let cursor = w.tenant_cursor.min(r.findings.len().saturating_sub(1));
    let lines: Vec<Line> = r
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let selected = i == cursor;
            Line::from(vec![
                Span::styled(
                    if selected { "▸ " } else { "  " },
                    Style::new().fg(ACCENT).bold(),
                ),
                mark(f.status),
                if selected {
                    Span::styled(f.title, Style::new().fg(ACCENT).bold())
                } else {
                    Span::raw(f.title)
                },
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    if details.height >= 3
        && let Some(f) = r.findings.get(cursor)
    {
        let mut text = vec![Line::raw(f.detail.clone())];
        if !r.missing_scopes.is_empty() {
            text.push(Line::styled(
                format!("The token lacks {}. {GRANT}", r.missing_scopes.join(", ")),
                Style::new().fg(WARN),
            ));
        }
        widgets::panel(
            frame,
            Rect {
                y: details.y + 1,
                height: details.height.saturating_sub(1).min(8),
                ..details
            },
            f.title,
            Text::from(text),
        );
    }
}

fn plan(frame: &mut Frame, area: Rect, w: &Wizard, p: &crate::wizard::PlanView) {
    let mut lines = vec![Line::from(vec![Span::styled(
        format!(
            "Plan for {} · {} · {} change{}",
            p.base,
            generation(Some(p.generation)),
            p.lines.len(),
            if p.lines.len() == 1 { "" } else { "s" }
        ),
        Style::new().bold(),
    )])];
    if p.lines.is_empty() {
        lines.push(Line::styled(
            "Nothing to change: the tenant already runs this provider's Action.",
            Style::new().fg(OK),
        ));
    }
    let cursor = w.tenant_cursor.min(p.lines.len().saturating_sub(1));
    for (i, l) in p.lines.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(
                if i == cursor { "▸ " } else { "  " },
                Style::new().fg(ACCENT).bold(),
            ),
            Span::styled(format!("{}. ", i + 1), DIM),
            Span::raw(l.clone()),
        ]));
    }
    for n in &p.plan.notes {
        lines.push(Line::styled(format!("Note: {n}"), DIM));
    }
    if !p.missing_scopes.is_empty() {
        lines.push(Line::styled(
            format!(
                "Cannot apply: the client lacks {}. {GRANT}",
                p.missing_scopes.join(", ")
            ),
            Style::new().fg(BAD),
        ));
    } else if !p.lines.is_empty() {
        lines.push(Line::styled(
            "The tenant's current code and settings are saved to the data directory before the first change. y applies, Esc closes the plan.",
            Style::new().fg(ACCENT),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}
