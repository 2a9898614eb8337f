//! Step 4: the tenant. The connection form, the checks with their
//! findings, the fix plan waiting for a confirmation, and what an apply did.

use crate::auth0::inspect::{Generation, Status};
use crate::auth0::{inspect, plan as fix};
use crate::tui::widgets::{self, ACCENT, BAD, DIM, OK, WARN};
use crate::tui::{fields, wrap};
use crate::wizard::{Busy, Task, TenantWork, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const GRANT: &str = "Grant scopes in Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications (https://manage.auth0.com/#/apis).";

pub(crate) fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
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
    fields::draw(frame, list, group, form, loading, w);
    if help.height >= 3 {
        let setting = &group.settings[form.focus];
        let mut lines = Vec::new();
        let state = form.state(group, form.focus);
        if !matches!(
            state,
            crate::wizard::FieldState::Valid | crate::wizard::FieldState::Empty
        ) && !matches!(state, crate::wizard::FieldState::Missing(_))
        {
            lines.push(widgets::state_line(&state));
        }
        lines.push(Line::raw(setting.help.clone()));
        let (read, write) = scopes(w.tenant.generation());
        lines.push(Line::from(vec![
            Span::styled("Check needs: ", Style::new().bold()),
            Span::raw(read),
        ]));
        lines.push(Line::from(vec![
            Span::styled("Fix needs: ", Style::new().bold()),
            Span::raw(write),
        ]));
        lines.push(Line::styled(GRANT, DIM));
        let h = help
            .height
            .min(widgets::rows_for(&lines, help.width.saturating_sub(2)) + 2);
        widgets::scroll_box(
            frame,
            Rect { height: h, ..help },
            widgets::titled_box(&format!("Where to find {}", setting.label)),
            lines,
            &w.scroll,
        );
    }
}

/// The scopes to grant, for the tenant's generation when it is known:
/// Unified Phone Experience tenants have no hooks.
fn scopes(g: Option<Generation>) -> (String, String) {
    let hooks = |s: &&str| s.ends_with(":hooks");
    match g {
        Some(Generation::UnifiedPhone) => (
            inspect::SCOPES
                .iter()
                .filter(|s| !hooks(s))
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
            fix::WRITE_SCOPES
                .iter()
                .filter(|s| !hooks(s))
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Some(_) => (inspect::SCOPES.join(" "), fix::WRITE_SCOPES.join(" ")),
        None => {
            let plain = |v: &[&str]| {
                v.iter()
                    .filter(|s| !hooks(s))
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            (
                format!(
                    "{} (and read:hooks on classic tenants)",
                    plain(&inspect::SCOPES)
                ),
                format!(
                    "{} (and update:hooks on classic tenants)",
                    plain(&fix::WRITE_SCOPES)
                ),
            )
        }
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
        Some(Ok(m)) => {
            head.push(Line::styled(
                format!("Auth0's test: accepted ({m}); the message should arrive within a minute."),
                Style::new().fg(OK),
            ));
            if let Some(why) = tried_caveat(w) {
                head.push(Line::styled(why, Style::new().fg(WARN)));
            }
        }
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
    // The selected finding's box keeps five rows, the list (which scrolls
    // to the selection) three; what happened (apply, Auth0's test) the rest.
    let head_rows = widgets::rows_for(&head, area.width)
        .min(area.height.saturating_sub(n.min(3) + 5))
        .max(1);
    let list_rows = n.min(area.height.saturating_sub(head_rows + 5)).max(1);
    let [top, list, details] = Layout::vertical([
        Constraint::Length(head_rows),
        Constraint::Length(list_rows),
        Constraint::Min(0),
    ])
    .areas(area);
    let head = wrap::wrap(&head, top.width);
    let cut = head.len() > top.height as usize;
    let mut head: Vec<Line> = head.into_iter().take(top.height as usize).collect();
    if cut && let Some(last) = head.last_mut() {
        // (the full text of the apply is in the notice and the backup)
        last.spans.push(Span::styled(" …", DIM));
    }
    frame.render_widget(Paragraph::new(head), top);
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
    let offset = (cursor + 1).saturating_sub(list.height as usize) as u16;
    frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), list);
    if details.height >= 3
        && let Some(f) = r.findings.get(cursor)
    {
        let mut text = vec![Line::raw(f.detail.clone())];
        if let Some(next) = next_step(f) {
            text.push(Line::styled(next, Style::new().fg(ACCENT)));
        }
        if !r.missing_scopes.is_empty() {
            text.push(Line::styled(
                format!("The token lacks {}. {GRANT}", r.missing_scopes.join(", ")),
                Style::new().fg(WARN),
            ));
        }
        let h = details
            .height
            .min(widgets::rows_for(&text, details.width.saturating_sub(2)) + 2);
        widgets::scroll_box(
            frame,
            Rect {
                height: h,
                ..details
            },
            widgets::titled_box(f.title),
            text,
            &w.scroll,
        );
    }
}

/// Why an accepted Auth0 test may still not arrive: Auth0 accepts the
/// request before the Action runs; a trial account reaches only verified
/// numbers.
fn tried_caveat(w: &Wizard) -> Option<String> {
    let trial = w
        .credentials
        .as_ref()
        .and_then(|c| c.result.as_ref().ok())
        .and_then(|r| r.trial)
        .unwrap_or(false);
    let to = w.test.recipient.value();
    if trial {
        return Some(format!(
            "! A trial account delivers only to verified numbers: if nothing arrives, {to} is probably not one (verify it in the provider's console). Auth0's logs (failed SMS) carry the provider's error."
        ));
    }
    Some(
        "Accepted means Auth0 took the request; if nothing arrives, Auth0's logs (failed SMS) carry the provider's error."
            .to_string(),
    )
}

/// What the wizard does about a failed finding, in the wizard's words.
fn next_step(f: &inspect::Finding) -> Option<&'static str> {
    (f.status == Status::Fail)
        .then_some("f plans the fix (nothing changes until you press y); from a shell, `sms-mfa tenant apply` does the same.")
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
    widgets::scroll_box(
        frame,
        area,
        ratatui::widgets::Block::default(),
        lines,
        &w.scroll,
    );
}
