//! Step 2: the provider's settings and secrets.

use crate::tui::fields;
use crate::tui::widgets::{self, ACCENT, BAD, DIM, OK};
use crate::wizard::{Busy, FieldState, Task, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use fields::FIELD_HEIGHT;

pub(crate) fn draw(frame: &mut Frame, area: Rect, w: &Wizard) {
    let (Some(provider), Some(form)) = (w.provider(), w.form.as_ref()) else {
        frame.render_widget(Line::raw("Choose a provider first (Esc)."), area);
        return;
    };
    // The fields scroll (the focused one in view) before the guidance
    // box gets less room than its text needs (up to 8 rows).
    let (title, lines) = guidance(w, provider, form);
    let wanted = (widgets::rows_for(&lines, area.width.saturating_sub(2)) + 2).min(8);
    let n = form.fields.len() as u16;
    let room = area.height.saturating_sub(1 + wanted) / FIELD_HEIGHT;
    let fields_h = n.min(room.max(1)) * FIELD_HEIGHT;
    let [intro, fields, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(fields_h),
        Constraint::Min(0),
    ])
    .areas(area);
    let status = match &w.busy {
        Some(Busy {
            task: Task::Loading,
            ticks,
            ..
        }) => widgets::spinner(*ticks, "Checking the OS keyring… (Esc stops)".into()),
        Some(Busy {
            task: Task::Storing(names),
            ticks,
            ..
        }) => widgets::spinner(
            *ticks,
            format!(
                "Storing {} secret{} in {}… (Esc cancels)",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                w.secret_home()
            ),
        ),
        _ => {
            let mut spans = vec![
                // (less chrome when narrow)
                Span::raw(if area.width >= 78 {
                    "Credentials for "
                } else {
                    ""
                }),
                Span::styled(provider.name.clone(), Style::new().bold()),
            ];
            spans.extend(credential_status(w, area.width >= 78));
            Line::from(spans)
        }
    };
    frame.render_widget(status, intro);
    let loading = matches!(
        w.busy,
        Some(Busy {
            task: Task::Loading,
            ..
        })
    );
    fields::draw(frame, fields, provider, form, loading, w);
    if help.height < 3 {
        return;
    }
    let h = help
        .height
        .min(widgets::rows_for(&lines, help.width.saturating_sub(2)) + 2);
    widgets::scroll_box(
        frame,
        Rect { height: h, ..help },
        widgets::titled_box(&title),
        lines,
        &w.scroll,
    );
}

/// The guidance box: what to do about the keyring when it fails, else
/// where to find the focused value (and what is wrong with it).
fn guidance(
    w: &Wizard,
    provider: &crate::providers::Provider,
    form: &crate::wizard::SettingsForm,
) -> (String, Vec<Line<'static>>) {
    match &w.keyring_error {
        Some(e) => (e.title().to_string(), keyring_advice(w, e)),
        None => {
            let setting = &provider.settings[form.focus];
            let mut lines = Vec::new();
            let state = form.state(provider, form.focus);
            if !matches!(state, FieldState::Valid | FieldState::Empty)
                && !matches!(state, FieldState::Missing(_))
            {
                lines.push(widgets::state_line(&state));
            }
            lines.push(Line::raw(setting.help.clone()));
            if setting.secret {
                lines.push(Line::styled(
                    if form.reveal {
                        "Shown while you type; Ctrl-R hides it."
                    } else {
                        "Masked; Ctrl-R shows it while you type."
                    },
                    DIM,
                ));
            }
            (format!("Where to find {}", setting.label), lines)
        }
    }
}

/// What to do when the keyring fails, from where the user is: what works
/// now, and the exact commands for a fresh start.
fn keyring_advice(w: &Wizard, e: &crate::secrets::StoreError) -> Vec<Line<'static>> {
    use crate::secrets::StoreError;
    let cmd = |t: &str| Line::styled(format!("  {t}"), Style::new().fg(ACCENT));
    let mut lines = Vec::new();
    match e {
        StoreError::Unavailable { .. } if w.sandbox.is_none() => {
            lines.push(Line::from(vec![
                Span::styled("Now: ", Style::new().bold()),
                Span::raw(
                    "Ctrl-S keeps what you type here in memory for this session only (nothing is written; gone when you quit), so the test, the checklist and the tenant fix work now.",
                ),
            ]));
            lines.push(Line::from(vec![
                Span::styled("For good: ", Style::new().bold()),
                Span::raw(
                "no Secret Service answers this process, and one started now in another shell would not reach it. Quit (Ctrl-C: the secrets typed here are lost, the rest is saved), then in this shell run:",
                ),
            ]));
            lines.push(cmd("eval \"$(dbus-launch --sh-syntax)\""));
            lines.push(cmd("gnome-keyring-daemon --unlock --components=secrets"));
            lines.push(cmd("sms-mfa"));
            lines.push(Line::raw(
                "(the daemon reads the keyring password from standard input; Ctrl-D ends it). The wizard resumes at this step. Or set SMS_MFA_<NAME> in the environment before starting sms-mfa.",
            ));
        }
        StoreError::Locked { .. } => {
            if w.sandbox.is_none() {
                lines.push(Line::raw(
                    "Ctrl-S keeps what you type here in memory for this session only (gone when you quit). Or:",
                ));
            }
            lines.push(Line::raw(
                "Unlock the login keyring (Seahorse, or in another terminal of this session:",
            ));
            lines.push(cmd(
                "gnome-keyring-daemon --replace --unlock --components=secrets",
            ));
            lines.push(Line::raw(
                "with the password on standard input), then Ctrl-L here checks again; what you typed stays.",
            ));
        }
        _ => {
            lines.push(Line::raw(e.remedy()));
            lines.push(Line::styled("Ctrl-L checks the keyring again.", DIM));
        }
    }
    lines
}

/// What the provider said about the saved credentials, after the name.
fn credential_status(w: &Wizard, wide: bool) -> Vec<Span<'static>> {
    use crate::wizard::CallError;
    let checked = w
        .credentials
        .as_ref()
        .filter(|c| w.provider().is_some_and(|p| p.id == c.provider));
    match checked.map(|c| &c.result) {
        _ if w.checking_credentials.is_some() => {
            vec![Span::styled("  · checking with the provider…", DIM)]
        }
        Some(Ok(r)) if r.usable => vec![Span::styled(
            format!("  ✓ {}", r.summary),
            Style::new().fg(OK),
        )],
        Some(Ok(r)) => vec![Span::styled(
            format!("  ✗ {}", r.warnings.first().unwrap_or(&r.summary)),
            Style::new().fg(BAD),
        )],
        Some(Err(CallError::Failed(f))) => vec![Span::styled(
            format!(
                "  ✗ {} [{}]",
                f.class.title(),
                f.code.as_deref().unwrap_or("-")
            ),
            Style::new().fg(BAD),
        )],
        _ if w.keyring_error.is_some() => vec![Span::styled(
            "  · the keyring cannot be reached",
            Style::new().fg(BAD),
        )],
        _ => vec![Span::styled(
            format!(
                "  · secrets go to {}",
                if wide {
                    w.secret_home()
                } else {
                    w.secret_home_short()
                }
            ),
            DIM,
        )],
    }
}
