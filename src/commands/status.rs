//! `sms-mfa status`: where you stand, in a few lines, like `gh auth
//! status`: the profile and its step, the provider and where each of its
//! settings comes from, the tenant connection, and the last check's result
//! (recorded by `doctor` and `tenant check`).

use super::secrets::Context;
use super::{FAILURE, OK};
use crate::config::{self, Paths};
use crate::providers::{Provider, Required};
use crate::settings;
use crate::settings::{Resolved, Source};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The last `doctor` or `tenant check` of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LastCheck {
    pub(crate) command: String,
    /// RFC 3339, UTC.
    pub(crate) at: String,
    pub(crate) exit_code: u8,
    /// The ids of the checks that failed or warned.
    pub(crate) problems: Vec<String>,
}

fn last_check_file(paths: &Paths, profile: &str) -> std::path::PathBuf {
    paths
        .data_dir
        .join("last-check")
        .join(format!("{profile}.json"))
}

/// Record a check's result for `status` (best effort: a check that cannot
/// record still reports).
pub(crate) fn record(
    paths: &Paths,
    profile: &str,
    command: &str,
    exit_code: u8,
    problems: Vec<String>,
) {
    let at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let last = LastCheck {
        command: command.into(),
        at,
        exit_code,
        problems,
    };
    if let Ok(text) = serde_json::to_string_pretty(&last) {
        let _ = config::write_atomic(&last_check_file(paths, profile), text.as_bytes());
    }
}

pub(crate) fn last(paths: &Paths, profile: &str) -> Option<LastCheck> {
    let bytes = config::read_capped(&last_check_file(paths, profile), 64 * 1024).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn settings_json(resolved: &[Resolved], provider: &Provider) -> Vec<Value> {
    resolved
        .iter()
        .map(|r| {
            let required = provider
                .setting(&r.name)
                .map(|s| s.required.clone())
                .unwrap_or(Required::No);
            json!({
                "name": r.name,
                "secret": r.secret,
                "source": r.source.as_str(),
                "required": required != Required::No,
            })
        })
        .collect()
}

fn complete(provider: &Provider, resolved: &[Resolved]) -> bool {
    crate::providers::clients::check_settings(provider, resolved).is_ok()
}

/// `sms-mfa status [--json]`. Exit 0 ready, 1 not (yet) set up.
pub fn run(ctx: &Context, out: &mut dyn Write, json: bool) -> io::Result<u8> {
    let loaded = config::load(ctx.paths, ctx.profile);
    let profile = &loaded.profile;
    let file = ctx.paths.profile_file(ctx.profile);
    let provider = profile
        .provider
        .as_deref()
        .and_then(|id| ctx.catalog.get(id));
    let resolved = provider.map(|p| settings::resolve(ctx.profile, profile, p, ctx.store, ctx.env));
    let provider_ready = match (provider, &resolved) {
        (Some(p), Some(r)) => complete(p, r),
        _ => false,
    };
    let tenant = ctx.catalog.tenant.as_ref().map(|t| {
        (
            t,
            settings::resolve(ctx.profile, profile, t, ctx.store, ctx.env),
        )
    });
    let token = (ctx.env)("SMS_MFA_AUTH0_TOKEN").is_some_and(|v| !v.is_empty());
    let get = |name: &str| {
        tenant
            .as_ref()
            .and_then(|(_, r)| r.iter().find(|x| x.name == name))
    };
    let domain = get("AUTH0_DOMAIN")
        .and_then(|r| r.value.as_ref())
        .map(|v| v.expose().to_string());
    let tenant_ready = match &tenant {
        Some((t, r)) => complete(t, r) || (token && domain.is_some()),
        None => false,
    };
    let last = last(ctx.paths, ctx.profile);
    let ready = provider_ready && tenant_ready;
    let code = if ready { OK } else { FAILURE };
    if json {
        let doc = json!({
            "profile": ctx.profile,
            "profile_file": file,
            "step": profile.step,
            "provider": provider.map(|p| json!({
                "id": p.id,
                "name": p.name,
                "settings": settings_json(resolved.as_deref().unwrap_or_default(), p),
                "complete": provider_ready,
            })),
            "tenant": tenant.as_ref().map(|(t, r)| json!({
                "domain": domain,
                "token_from_environment": token,
                "settings": settings_json(r, t),
                "complete": tenant_ready,
            })),
            "last_check": last,
            "ready": ready,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(code);
    }
    writeln!(
        out,
        "Profile {} ({}{})",
        ctx.profile,
        file.display(),
        if file.exists() { "" } else { ", not saved yet" }
    )?;
    writeln!(
        out,
        "  Wizard step: {}",
        match profile.step.number() {
            Some(n) => format!("{n} of 5, {}", profile.step.title()),
            None => "done".to_string(),
        }
    )?;
    let line = |r: &Resolved, p: &Provider| {
        let required = p
            .setting(&r.name)
            .is_some_and(|s| s.required != Required::No);
        let source = match (r.source, required) {
            (Source::Missing, true) => "missing (required)".to_string(),
            (Source::Missing, false) => "not set (optional)".to_string(),
            (s, _) => s.as_str().to_string(),
        };
        format!("    {:<28} {source}", r.name)
    };
    match (provider, &resolved) {
        (Some(p), Some(r)) => {
            writeln!(
                out,
                "✓ Provider: {} ({}){}",
                p.name,
                p.id,
                if provider_ready {
                    ""
                } else {
                    ": settings incomplete"
                }
            )?;
            for x in r {
                writeln!(out, "{}", line(x, p))?;
            }
        }
        _ => writeln!(
            out,
            "✗ Provider: none chosen (run sms-mfa, or sms-mfa send-test --provider ID)"
        )?,
    }
    match &tenant {
        Some((t, r)) => {
            let mark = if tenant_ready { "✓" } else { "✗" };
            let what = match (&domain, tenant_ready) {
                (Some(d), true) => d.to_string(),
                (Some(d), false) => format!("{d}: connection incomplete"),
                (None, _) => "not connected (AUTH0_DOMAIN is not set)".to_string(),
            };
            writeln!(out, "{mark} Tenant: {what}")?;
            if token {
                writeln!(out, "    a ready token in SMS_MFA_AUTH0_TOKEN")?;
            }
            for x in r {
                writeln!(out, "{}", line(x, t))?;
            }
        }
        None => writeln!(out, "✗ Tenant: no connection settings in the catalog")?,
    }
    match &last {
        Some(l) if l.problems.is_empty() && l.exit_code == 0 => {
            writeln!(out, "✓ Last check: {} at {}: no problems", l.command, l.at)?
        }
        Some(l) => writeln!(
            out,
            "! Last check: {} at {}: exit {}{}",
            l.command,
            l.at,
            l.exit_code,
            if l.problems.is_empty() {
                String::new()
            } else {
                format!(", problems: {}", l.problems.join(", "))
            }
        )?,
        None => writeln!(
            out,
            "- Last check: none yet (sms-mfa doctor, or sms-mfa tenant check)"
        )?,
    }
    Ok(code)
}
