//! The end: what was set up and what is left, from the same state the
//! step bar reads (see `Wizard::step_mark`).

use crate::doctor::Status;
use crate::tui::widgets::{self, BAD, DIM, OK, WARN};
use crate::wizard::{Mark, SendResult, Step, Wizard};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

pub(crate) fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let line = |mark: Mark, t: String| {
        let (m, style) = match mark {
            Mark::Done => ("✓ ", Style::new().fg(OK)),
            Mark::Failed => ("✗ ", Style::new().fg(BAD)),
            Mark::Skipped | Mark::Pending | Mark::Current => ("! ", Style::new().fg(WARN)),
        };
        Line::from(vec![Span::styled(m, style), Span::raw(t)])
    };
    let mut lines = vec![Line::styled("Where things stand", Style::new().bold())];
    match w.provider() {
        Some(p) => lines.push(line(Mark::Done, format!("Provider: {}", p.name))),
        None => lines.push(line(Mark::Pending, "No provider chosen (step 1).".into())),
    }
    let secrets = w.secrets_at();
    match w.step_mark(Step::Secrets) {
        Mark::Done => {
            let at = secrets
                .as_ref()
                .filter(|s| !s.places.is_empty())
                .map(|s| format!("; secrets in {}", s.places.join(" and ")))
                .unwrap_or_default();
            lines.push(line(
                Mark::Done,
                format!("Credentials complete and valid{at}."),
            ));
        }
        Mark::Failed if w.credentials_failed() => lines.push(line(
            Mark::Failed,
            "The provider refused the credentials (step 2).".into(),
        )),
        m if w.loading_settings() => lines.push(line(
            m,
            "Credentials: asking the keyring what is stored…".into(),
        )),
        m => {
            let detail = match &secrets {
                Some(s) if s.unknown => " (the keyring could not be read)".to_string(),
                Some(s) => format!(" ({} of {} secrets stored)", s.present, s.total),
                None => String::new(),
            };
            lines.push(line(m, format!("Credentials incomplete{detail} (step 2).")));
        }
    }
    match w.profile.test_recipient.as_deref() {
        Some(r) => lines.push(line(Mark::Done, format!("Test recipient: {r}"))),
        None => lines.push(line(Mark::Pending, "No test recipient (step 3).".into())),
    }
    let test = match (&w.test.result, w.step_mark(Step::TestMessage)) {
        (Some(SendResult::Accepted { accepted, .. }), Mark::Done) => format!(
            "Test message accepted by the provider (message id {}).",
            accepted.id
        ),
        (Some(SendResult::Accepted { .. }), _) => {
            "The test message was accepted but not delivered (step 3).".into()
        }
        (Some(SendResult::Failed(_)), _) => {
            "The test message failed and was skipped (step 3).".into()
        }
        (None, _) => "No test message sent in this session (step 3).".into(),
    };
    lines.push(line(w.step_mark(Step::TestMessage), test));
    let applied = w
        .tenant
        .applied
        .as_ref()
        .map(|a| a.outcome.applied.len())
        .filter(|n| *n > 0)
        .map(|n| {
            format!(
                " after {n} change{} applied here",
                if n == 1 { "" } else { "s" }
            )
        })
        .unwrap_or_default();
    let tenant = match w.tenant_outcome() {
        Some(Status::Pass) => format!("Tenant checked: every check passed{applied}."),
        Some(Status::Fail) => "Tenant checked: problems are left (step 4, f plans the fix).".into(),
        Some(Status::Error) => "The tenant could not be checked (step 4).".into(),
        Some(_) => format!("Tenant checked{applied}: some checks could not run (step 4)."),
        None => "The tenant was not checked: step 4, or `sms-mfa tenant check` later.".into(),
    };
    lines.push(line(w.step_mark(Step::Tenant), tenant));
    let checklist = match w.step_mark(Step::Checklist) {
        Mark::Done => "Checklist: no failed check.".to_string(),
        Mark::Failed => "Checklist: some checks failed (step 5).".to_string(),
        _ => "The checklist did not run to the end (step 5).".to_string(),
    };
    lines.push(line(w.step_mark(Step::Checklist), checklist));
    if let Some(s) = &w.sandbox {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "Sandbox: every answer was simulated (scenario {}); nothing reached a real provider or tenant{}.",
                s.scenario,
                if s.memory_only.is_some() {
                    ", and the secrets were kept in memory only"
                } else {
                    ""
                }
            ),
            Style::new().fg(WARN),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "Progress is saved in profile '{}'. Enter quits; Esc goes back.",
            w.profile_name
        ),
        DIM,
    ));
    widgets::scroll_box(frame, area, Block::default(), lines, &w.scroll);
}
