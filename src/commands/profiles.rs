//! `sms-mfa profiles`: every profile on this machine, like `auth0 tenants
//! list`: its tenant domain and generation, its provider, the wizard's
//! step, and its last check. Continue with one through `--profile NAME`
//! (or SMS_MFA_PROFILE); a new name makes a new profile.

use super::OK;
use crate::config::{self, Paths};
use serde::Serialize;
use serde_json::json;
use std::io::{self, Write};

pub(crate) use crate::config::{known, remember};

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Row {
    pub(crate) name: String,
    pub(crate) current: bool,
    pub(crate) tenant: Option<String>,
    pub(crate) generation: Option<String>,
    pub(crate) provider: Option<String>,
    pub(crate) step: String,
    pub(crate) last_check: Option<super::status::LastCheck>,
}

/// The names of the profiles in the config folder, sorted (nothing is
/// read but the folder).
pub fn names(paths: &Paths) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(paths.profiles_dir())
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.strip_suffix(".toml").map(str::to_string)
        })
        .filter(|n| config::check_profile_name(n).is_ok())
        .collect();
    names.sort();
    names
}

/// The profiles in the config folder, by name.
pub(crate) fn list(paths: &Paths, current: &str) -> Vec<Row> {
    names(paths)
        .into_iter()
        .map(|name| {
            let p = config::load(paths, &name).profile;
            let known = known(paths, &name);
            let tenant = p
                .settings
                .get("auth0")
                .and_then(|m| m.get("AUTH0_DOMAIN"))
                .cloned();
            let generation = known
                .filter(|k| tenant.as_deref().is_none_or(|t| t == k.domain))
                .map(|k| k.generation);
            Row {
                current: name == current,
                tenant,
                generation,
                provider: p.provider.clone(),
                step: format!("{:?}", p.step).to_lowercase(),
                last_check: super::status::last(paths, &name),
                name,
            }
        })
        .collect()
}

/// The last check, in words: "doctor passed AT", "never checked".
pub(crate) fn check_words(last: Option<&super::status::LastCheck>) -> String {
    match last {
        Some(c) if c.exit_code == 0 => format!("{} passed {}", c.command, c.at),
        Some(c) => format!(
            "{} found {} problem(s) {}",
            c.command,
            c.problems.len(),
            c.at
        ),
        None => "never checked".into(),
    }
}

/// The rows for the wizard's profile chooser (the same list).
pub fn chooser_rows(paths: &Paths) -> Vec<crate::wizard::chooser::ProfileRow> {
    list(paths, "")
        .into_iter()
        .map(|r| crate::wizard::chooser::ProfileRow {
            last_check: check_words(r.last_check.as_ref()),
            name: r.name,
            tenant: r.tenant,
            generation: r.generation,
            provider: r.provider,
            step: r.step,
        })
        .collect()
}

/// `sms-mfa profiles [--json]`. Exit 0.
pub fn run(paths: &Paths, current: &str, out: &mut dyn Write, json: bool) -> io::Result<u8> {
    let rows = list(paths, current);
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&json!(rows))?)?;
        return Ok(OK);
    }
    if rows.is_empty() {
        writeln!(
            out,
            "No profiles yet: run `sms-mfa` to set one up (`--profile NAME` names it)."
        )?;
        return Ok(OK);
    }
    for r in &rows {
        let mark = if r.current { "*" } else { " " };
        let check = check_words(r.last_check.as_ref());
        writeln!(
            out,
            "{mark} {}  {}  {}  {}  step {}  {check}",
            r.name,
            r.tenant.as_deref().unwrap_or("(no tenant)"),
            r.generation.as_deref().unwrap_or("-"),
            r.provider.as_deref().unwrap_or("(no provider)"),
            r.step,
        )?;
    }
    writeln!(
        out,
        "\nContinue with one: sms-mfa --profile NAME (or SMS_MFA_PROFILE=NAME); a new name starts a new profile."
    )?;
    Ok(OK)
}
