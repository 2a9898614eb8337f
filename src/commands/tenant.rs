//! `sms-mfa tenant check|apply|try`: the tenant's SMS MFA set-up, read,
//! fixed and tested through the Management API.

use super::{FAILURE, OK, USAGE};
use crate::auth0::inspect::{self, Status};
use crate::auth0::plan;
use crate::auth0::{self, Connection};
use crate::config;
use crate::ops::tenant;
use serde_json::json;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub use crate::ops::Ctx as Context;

/// The tenant connection with the profile's settings (`AUTH0_*` from the
/// environment, keyring and profile, or `SMS_MFA_AUTH0_TOKEN`), telling
/// rate-limit waits on standard error; or why there is none. Shared by
/// every command that reads the tenant.
pub(crate) async fn open(ctx: &Context<'_>) -> Result<Connection, tenant::Error> {
    let loaded = config::load(ctx.paths, ctx.profile);
    let resolved = tenant::connection_settings(*ctx, &loaded.profile)?;
    let c = tenant::connect(*ctx, &resolved).await?;
    Ok(c.on_rate_limit(|wait, path| {
        eprintln!(
            "sms-mfa: Auth0 rate limit on {}: waiting {} s",
            crate::sanitize::sanitize(path),
            wait.as_secs()
        );
    }))
}

/// Connect with the profile's settings; on failure, print why and return
/// the exit code (2: cannot check).
async fn connect(ctx: &Context<'_>, err: &mut dyn Write) -> io::Result<Result<Connection, u8>> {
    match open(ctx).await {
        Ok(c) => Ok(Ok(c)),
        Err(e) => {
            print_error(err, &e)?;
            Ok(Err(USAGE))
        }
    }
}

/// A tenant error as the commands print it: the headline, then one line
/// per remedy.
fn print_error(err: &mut dyn Write, e: &tenant::Error) -> io::Result<()> {
    match e {
        tenant::Error::Open(o) => {
            writeln!(err, "sms-mfa: {}", o.title)?;
            for d in &o.details {
                writeln!(err, "  - {d}")?;
            }
        }
        tenant::Error::NoProvider => writeln!(
            err,
            "sms-mfa: no provider chosen: pass --provider ID, or choose one in the wizard."
        )?,
        tenant::Error::Unusable { provider, problems } => {
            writeln!(
                err,
                "sms-mfa: the {provider} settings are not usable, so the Action's secrets cannot be set:"
            )?;
            for m in problems {
                writeln!(err, "  - {m}")?;
            }
        }
        other => writeln!(err, "sms-mfa: {other}")?,
    }
    Ok(())
}

pub async fn check(
    ctx: &Context<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    json: bool,
    colour: bool,
) -> io::Result<u8> {
    let conn = match connect(ctx, err).await? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let profile = config::load(ctx.paths, ctx.profile).profile;
    let provider = profile
        .provider
        .as_deref()
        .and_then(|id| ctx.catalog.get(id));
    let tenant::Checked {
        report,
        missing_scopes: missing,
    } = tenant::check(&conn, provider).await;
    let code = if report.any_fail() {
        FAILURE
    } else if report.all_pass() {
        OK
    } else {
        USAGE // something could not be checked
    };
    let problems = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.id.to_string())
        .collect();
    super::status::record(ctx.paths, ctx.profile, "tenant check", code, problems);
    if let Some(g) = report.generation {
        let domain = profile
            .settings
            .get("auth0")
            .and_then(|m| m.get("AUTH0_DOMAIN"))
            .cloned()
            .unwrap_or_else(|| conn.base.trim_start_matches("https://").to_string());
        super::profiles::remember(ctx.paths, ctx.profile, &domain, g.label());
    }
    if json {
        let doc = json!({
            "generation": report.generation,
            "findings": report.findings,
            "missing_scopes": missing,
            "ok": code == OK,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(code);
    }
    if let Some(g) = report.generation {
        writeln!(out, "Tenant {} · {}", conn.base, g.label())?;
    }
    for f in &report.findings {
        let (mark, paint) = match f.status {
            Status::Pass => ("✓", "32"),
            Status::Fail => ("✗", "31"),
            Status::Skipped => ("-", "2"),
            Status::Error => ("!", "33"),
        };
        let mark = if colour {
            format!("\x1b[{paint}m{mark}\x1b[0m")
        } else {
            mark.to_string()
        };
        writeln!(out, "{mark} {}: {}", f.title, f.detail)?;
    }
    if !missing.is_empty() {
        writeln!(
            out,
            "\nThe token lacks {}: grant them to the client under Applications > APIs > Auth0 Management API > Machine to Machine Applications.",
            missing.join(", ")
        )?;
    }
    Ok(code)
}

/// `sms-mfa tenant apply`: plan the changes for the provider; make them
/// only with `--apply`. Exit 0: nothing to change (or all applied), 1:
/// changes pending (dry run) or a change failed, 2: cannot plan.
pub async fn apply(
    ctx: &Context<'_>,
    provider: Option<&str>,
    write: bool,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let profile = config::load(ctx.paths, ctx.profile).profile;
    let inputs = match tenant::provider_inputs(*ctx, &profile, provider) {
        Ok(i) => i,
        Err(tenant::Error::UnknownProvider(id)) => {
            let ids = ctx.catalog.providers.iter().map(|p| p.id.as_str());
            return super::unknown_provider(err, &id, ids);
        }
        Err(e) => {
            print_error(err, &e)?;
            return Ok(USAGE);
        }
    };
    let p = inputs.provider;
    let conn = match connect(ctx, err).await? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let prepared = match tenant::plan(&conn, ctx.paths, inputs).await {
        Ok(x) => x,
        Err(e) => {
            writeln!(err, "sms-mfa: {e}")?;
            return Ok(USAGE);
        }
    };
    let (obs, the_plan, missing) = (&prepared.obs, &prepared.plan, &prepared.missing);
    let action = &the_plan.action;
    let changes: Vec<serde_json::Value> = the_plan
        .changes
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            v["description"] = json!(the_plan.describe(c));
            v
        })
        .collect();
    if !json {
        writeln!(
            out,
            "Tenant {} · {} · {}",
            conn.base,
            obs.generation.label(),
            p.name
        )?;
        if the_plan.is_empty() {
            writeln!(
                out,
                "Nothing to change: the tenant already runs '{action}' as its Custom SMS provider."
            )?;
        } else {
            writeln!(out, "Plan ({} changes):", the_plan.changes.len())?;
            for (i, c) in the_plan.changes.iter().enumerate() {
                writeln!(out, "  {}. {}", i + 1, the_plan.describe(c))?;
            }
        }
        for n in &the_plan.notes {
            writeln!(out, "Note: {n}")?;
        }
    }
    let doc = |applied: Option<&auth0::apply::Outcome>, backup: Option<&std::path::Path>| {
        json!({
            "tenant": conn.base,
            "generation": obs.generation,
            "provider": p.id,
            "action": action,
            "adopted": the_plan.adopted,
            "trigger": the_plan.trigger,
            "changes": changes,
            "notes": the_plan.notes,
            "missing_scopes": missing,
            "applied": applied,
            "backup": backup,
        })
    };
    if the_plan.is_empty() || !write {
        if json {
            writeln!(out, "{}", serde_json::to_string_pretty(&doc(None, None))?)?;
        } else if !the_plan.is_empty() {
            writeln!(
                out,
                "Dry run: nothing was changed. Run `sms-mfa tenant apply --apply` to make these changes."
            )?;
            if !missing.is_empty() {
                writeln!(
                    out,
                    "The token lacks {} for them: grant them under Applications > APIs > Auth0 Management API > Machine to Machine Applications.",
                    missing.join(", ")
                )?;
            }
        }
        return Ok(if the_plan.is_empty() { OK } else { FAILURE });
    }
    if !missing.is_empty() {
        writeln!(
            err,
            "sms-mfa: nothing was changed: the token lacks {}. Grant them under Applications > APIs > Auth0 Management API > Machine to Machine Applications.",
            missing.join(", ")
        )?;
        return Ok(USAGE);
    }
    // A signal (SIGINT, SIGTERM, SIGHUP) lets the change in progress
    // finish, then stops; a second one abandons it. Either way what was
    // applied, failed and not applied is printed, and the record of pushed
    // secrets is already saved after each change.
    let mut signals = crate::signals::Signals::new().ok();
    let stop = AtomicBool::new(false);
    // 1 + the index of the change in progress (0: none started).
    let started = AtomicUsize::new(0);
    let step = |i: usize| started.store(i + 1, Ordering::SeqCst);
    let mut signal: Option<i32> = None;
    let result = {
        let exec = auth0::apply::execute(&conn, ctx.paths, &prepared, &step, &stop);
        tokio::pin!(exec);
        loop {
            tokio::select! {
                r = &mut exec => break Some(r),
                n = next_signal(&mut signals) => {
                    if signal.is_some() {
                        break None;
                    }
                    signal = Some(n);
                    stop.store(true, Ordering::SeqCst);
                    writeln!(
                        err,
                        "sms-mfa: {}: finishing the change in progress, then stopping (signal again to stop at once).",
                        crate::signals::name(n)
                    )?;
                }
            }
        }
    };
    let (outcome, folder) = match result {
        Some(Ok(d)) => {
            if let Some(e) = &d.record_error {
                writeln!(err, "sms-mfa: {e}")?;
            }
            (d.outcome, Some(d.backup))
        }
        Some(Err(e)) => {
            writeln!(err, "sms-mfa: {e}")?;
            return Ok(signal.map_or(FAILURE, exit_for));
        }
        None => (abandoned(the_plan, started.load(Ordering::SeqCst)), None),
    };
    if !json && let Some(folder) = &folder {
        writeln!(
            out,
            "Saved the tenant's current code and settings to {}",
            folder.display()
        )?;
    }
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc(Some(&outcome), folder.as_deref()))?
        )?;
    } else {
        for a in &outcome.applied {
            writeln!(out, "✓ {a}")?;
        }
        if let Some((c, e)) = &outcome.failed {
            writeln!(out, "✗ {c}: {e}")?;
        }
        for n in &outcome.not_applied {
            writeln!(out, "- not applied: {n}")?;
        }
        if let Some(n) = signal {
            writeln!(
                out,
                "Interrupted by {}: {} of {} changes applied; what is listed as applied stays applied. Run `sms-mfa tenant apply` to see what is left, and `--apply` to make it.",
                crate::signals::name(n),
                outcome.applied.len(),
                the_plan.changes.len()
            )?;
        } else if outcome.ok() {
            writeln!(
                out,
                "Applied {} changes. Check with `sms-mfa tenant check`.",
                outcome.applied.len()
            )?;
            if obs.generation == inspect::Generation::UnifiedPhone {
                writeln!(
                    out,
                    "Then let Auth0 send a test through it: `sms-mfa tenant try --to +14155550100`."
                )?;
            }
        } else {
            writeln!(
                out,
                "Stopped at the failed change; what is listed as applied stays applied. Fix the cause and run the apply again: it continues from what is left."
            )?;
        }
    }
    if let Some(n) = signal {
        return Ok(exit_for(n));
    }
    Ok(if outcome.ok() { OK } else { FAILURE })
}

/// The exit code after signal `n`: 128 + N.
fn exit_for(n: i32) -> u8 {
    128u8.saturating_add(u8::try_from(n).unwrap_or(0))
}

/// The next signal, or never when none can be listened for.
async fn next_signal(signals: &mut Option<crate::signals::Signals>) -> i32 {
    match signals {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

/// What an apply abandoned during change `started - 1` did: the changes
/// before it were made (an apply stops at the first failure), that one may
/// or may not have been, the rest were not started.
fn abandoned(the_plan: &plan::Plan, started: usize) -> auth0::apply::Outcome {
    let describe = |c| the_plan.describe(c);
    let done = started.saturating_sub(1);
    let mut not_applied: Vec<String> = the_plan
        .changes
        .iter()
        .skip(started)
        .map(describe)
        .collect();
    let failed = match the_plan.changes.get(done) {
        Some(c) if started > 0 => Some((
            describe(c),
            "abandoned while in progress: it may or may not have been made; the next plan shows"
                .to_string(),
        )),
        Some(c) => {
            not_applied.insert(0, describe(c));
            None
        }
        None => None,
    };
    auth0::apply::Outcome {
        applied: the_plan.changes.iter().take(done).map(describe).collect(),
        failed,
        not_applied,
        interrupted: true,
        record: None,
        record_error: None,
    }
}

/// `sms-mfa tenant try --to NUMBER`: Auth0 sends a test message through the
/// Custom phone provider (Unified Phone Experience only).
pub async fn try_send(
    ctx: &Context<'_>,
    to: &str,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let to = match crate::providers::clients::Recipient::parse(to) {
        Ok(n) => n.e164().to_string(),
        Err(e) => {
            writeln!(err, "sms-mfa: {e}")?;
            return Ok(USAGE);
        }
    };
    let conn = match connect(ctx, err).await? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let r = auth0::try_send::try_custom(&conn, &to).await;
    if r == Err(auth0::try_send::TryError::NoCustomProvider) {
        writeln!(
            err,
            "sms-mfa: the tenant has no Custom phone provider: run `sms-mfa tenant apply` first."
        )?;
        return Ok(USAGE);
    }
    if json {
        let doc = match &r {
            Ok(m) => json!({"ok": true, "to": to, "message": m}),
            Err(e) => json!({"ok": false, "to": to, "error": e.to_string()}),
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        match &r {
            Ok(m) => writeln!(
                out,
                "Auth0 accepted the test to {to}: {m}. The message should arrive within a minute; if not, run `sms-mfa tenant check` for the failure logs."
            )?,
            Err(e) => writeln!(out, "Auth0 could not send the test to {to}: {e}")?,
        }
    }
    Ok(if r.is_ok() { OK } else { FAILURE })
}
