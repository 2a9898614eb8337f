//! `sms-mfa doctor`'s output: text grouped by category, or JSON. Pure.

use super::{Check, Status, Summary};
use crate::checklist::Category;

/// How the text is written.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Style {
    /// ANSI colours (a terminal, and NO_COLOR unset).
    pub(crate) color: bool,
    /// The evidence of every check, not only of problems.
    pub(crate) verbose: bool,
}

pub(crate) fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Warning => "!",
        Status::Fail => "✗",
        Status::Error => "?",
        Status::Skipped => "-",
    }
}

fn paint(on: bool, code: &str, text: &str) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn color_of(status: Status) -> &'static str {
    match status {
        Status::Pass => "32",
        Status::Warning | Status::Error => "33",
        Status::Fail => "31",
        Status::Skipped => "2",
    }
}

/// The text report. `heading` is the first line (profile, provider, tenant).
pub(crate) fn text(heading: &str, checks: &[Check], style: Style) -> String {
    let c = style.color;
    let mut out = format!("{}\n", paint(c, "1", heading));
    for category in Category::ALL {
        let in_it: Vec<&Check> = checks.iter().filter(|x| x.category == category).collect();
        if in_it.is_empty() {
            continue;
        }
        out.push('\n');
        out.push_str(&paint(c, "1", category.label()));
        out.push('\n');
        for check in in_it {
            // The text may come from a provider or the tenant: sanitized
            // before it is painted (the writer lets only colours through).
            let clean = |t: &str| crate::sanitize::sanitize(t).into_owned();
            let check = &Check {
                title: clean(&check.title),
                evidence: clean(&check.evidence),
                remediation: check.remediation.as_ref().map(|r| super::Remediation {
                    text: clean(&r.text),
                    command: r.command.as_deref().map(clean),
                    action: r.action,
                }),
                ..check.clone()
            };
            let m = paint(c, color_of(check.status), mark(check.status));
            let title = if check.status == Status::Skipped {
                paint(c, "2", &format!("{} (skipped)", check.title))
            } else if check.status == Status::Error {
                format!("{} (could not check)", check.title)
            } else {
                check.title.clone()
            };
            out.push_str(&format!("  {m} {title}\n"));
            if check.status.problem() || style.verbose {
                out.push_str(&format!("      {}\n", check.evidence));
            }
            if let Some(r) = &check.remediation {
                out.push_str(&format!("      {} {}\n", paint(c, "1", "fix:"), r.text));
                if let Some(cmd) = &r.command {
                    out.push_str(&format!("      {} {cmd}\n", paint(c, "1", "run:")));
                }
            }
        }
    }
    let s = Summary::of(checks);
    out.push('\n');
    let mut parts = Vec::new();
    if s.fail > 0 {
        parts.push(plural(s.fail, "failure", "failures"));
    }
    if s.warning > 0 {
        parts.push(plural(s.warning, "warning", "warnings"));
    }
    if s.error > 0 {
        parts.push(format!("{} could not be checked", s.error));
    }
    let mut last = s.headline();
    if !parts.is_empty() {
        last.push_str(&format!(" ({})", parts.join(", ")));
    }
    last.push('.');
    if s.skipped > 0 && !style.verbose {
        last.push_str(&format!(
            " {} skipped: --verbose says why.",
            plural(s.skipped, "check", "checks")
        ));
    }
    out.push_str(&paint(c, if s.fail > 0 { "1;31" } else { "1" }, &last));
    out.push('\n');
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The JSON report: the list of checks.
pub(crate) fn json(checks: &[Check]) -> String {
    serde_json::to_string_pretty(checks).expect("checks serialize")
}
