//! What the checks find, and the checks as shown: a status and evidence
//! per check, joined with the checklist's text, and the summary.

use crate::checklist::{Category, Checklist, FixAction};
use serde::Serialize;

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    /// Not run; the evidence says why.
    Skipped,
    /// Works now, but will stop codes arriving for some users.
    Warning,
    /// The check could not run to the end; the evidence has the error.
    #[serde(rename = "could-not-check")]
    Error,
    Fail,
}

impl Status {
    /// Whether it counts as a problem (anything but pass and skipped).
    pub fn problem(self) -> bool {
        matches!(self, Status::Warning | Status::Error | Status::Fail)
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Skipped => "skipped",
            Status::Warning => "warning",
            Status::Error => "could not check",
            Status::Fail => "fail",
        }
    }
}

/// One check's status and evidence, before it is joined with the
/// checklist's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: &'static str,
    pub status: Status,
    pub evidence: String,
    /// What to do, when it is not the checklist's fix (a temporary failure).
    pub fix: Option<String>,
}

pub(super) fn found(id: &'static str, status: Status, evidence: impl Into<String>) -> Found {
    Found {
        id,
        status,
        evidence: evidence.into(),
        fix: None,
    }
}

/// What to do about a check that did not pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remediation {
    pub(crate) text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// What the wizard's `a` key does.
    #[serde(skip)]
    pub(crate) action: Option<FixAction>,
}

/// A check, as shown and as `--json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: String,
    pub category: Category,
    pub status: Status,
    pub title: String,
    pub evidence: String,
    /// None when the check passed or was skipped.
    pub remediation: Option<Remediation>,
}

/// Join what was found with the checklist's text, in the checklist's order.
/// An item nothing was found for is skipped, saying so.
pub fn assemble(checklist: &Checklist, found: &[Found]) -> Vec<Check> {
    checklist
        .items
        .iter()
        .map(|item| {
            let f = found.iter().find(|f| f.id == item.id);
            let (status, evidence, fix) = match f {
                Some(f) => (f.status, f.evidence.clone(), f.fix.clone()),
                None => (
                    Status::Skipped,
                    "Not checked by this build.".to_string(),
                    None,
                ),
            };
            Check {
                id: item.id.clone(),
                category: item.category,
                status,
                title: item.title.clone(),
                evidence,
                remediation: status.problem().then(|| Remediation {
                    text: fix.unwrap_or_else(|| item.fix.clone()),
                    command: item.command.clone(),
                    action: item.action,
                }),
            }
        })
        .collect()
}

/// Make each remediation's command runnable for this profile and provider:
/// PROVIDER replaced by its id (ID when none is chosen), `--profile NAME`
/// added unless it is the default profile.
pub fn commands_for(checks: &mut [Check], provider: Option<&str>, profile: &str) {
    for c in checks.iter_mut() {
        let Some(cmd) = c.remediation.as_mut().and_then(|r| r.command.as_mut()) else {
            continue;
        };
        let mut text = cmd.replace("PROVIDER", provider.unwrap_or("ID"));
        if profile != crate::config::DEFAULT_PROFILE
            && let Some(rest) = text.strip_prefix("sms-mfa ")
        {
            text = format!("sms-mfa --profile {profile} {rest}");
        }
        *cmd = text;
    }
}

/// The checklist id of an inspection finding (the tenant generation is part
/// of the connection check).
pub fn checklist_id(finding: &'static str) -> &'static str {
    match finding {
        "generation" => "tenant-connection",
        other => other,
    }
}

/// How many problems of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub(crate) pass: usize,
    pub(crate) warning: usize,
    pub(crate) fail: usize,
    pub(crate) error: usize,
    pub(crate) skipped: usize,
}

impl Summary {
    pub(crate) fn of(checks: &[Check]) -> Summary {
        let mut s = Summary::default();
        for c in checks {
            match c.status {
                Status::Pass => s.pass += 1,
                Status::Warning => s.warning += 1,
                Status::Fail => s.fail += 1,
                Status::Error => s.error += 1,
                Status::Skipped => s.skipped += 1,
            }
        }
        s
    }

    pub(crate) fn problems(&self) -> usize {
        self.warning + self.fail + self.error
    }

    /// `doctor`'s exit code: 0 no problems, 1 warnings (or checks that could
    /// not run) only, 2 failures.
    pub(crate) fn exit_code(&self) -> u8 {
        if self.fail > 0 {
            2
        } else if self.problems() > 0 {
            1
        } else {
            0
        }
    }

    /// "3 problems found", or "no problems found".
    pub(crate) fn headline(&self) -> String {
        match self.problems() {
            0 => "no problems found".into(),
            1 => "1 problem found".into(),
            n => format!("{n} problems found"),
        }
    }
}
