//! `sms-mfa tenant connect` and `tenant disconnect`: sms-mfa's own Machine
//! to Machine application, made (or corrected, or removed) with one pasted
//! Management API token that is used once and never stored.

use super::tenant::Context;
use super::{FAILURE, OK, USAGE};
use crate::auth0::connect::{self as c, PastedToken};
use crate::auth0::{self, Connection};
use crate::config;
use serde_json::json;
use std::io::{self, Write};

/// Where the token comes from, said before it is asked for.
pub(crate) const WHERE: &str = "Paste a Management API token: Auth0 Dashboard > Applications > APIs > Auth0 Management API > API Explorer (create a test application there if asked), copy the token. It is used for this run only and never stored.";

/// How the command meets the user.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// The token as pasted (standard input, or a hidden prompt).
    pub read_token: &'a mut dyn FnMut() -> io::Result<String>,
    /// Ask `question` [y/N]; None when it cannot be asked (no terminal,
    /// --no-input, --json).
    pub confirm: &'a mut dyn FnMut(&str) -> Option<bool>,
}

pub struct Args<'a> {
    pub domain: Option<&'a str>,
    pub apply: bool,
    pub rotate_secret: bool,
    pub json: bool,
}

/// The domain: `--domain`, else the profile's (or SMS_MFA_AUTH0_DOMAIN).
fn domain(
    ctx: &Context<'_>,
    given: Option<&str>,
    err: &mut dyn Write,
) -> io::Result<Result<String, u8>> {
    let stored = || {
        (ctx.env)("SMS_MFA_AUTH0_DOMAIN")
            .filter(|v| !v.is_empty())
            .or_else(|| {
                config::load(ctx.paths, ctx.profile)
                    .profile
                    .settings
                    .get(c::GROUP)
                    .and_then(|m| m.get("AUTH0_DOMAIN"))
                    .cloned()
            })
    };
    let Some(raw) = given.map(str::to_string).or_else(stored) else {
        writeln!(
            err,
            "sms-mfa: which tenant? Pass --domain acme.eu.auth0.com (Dashboard > Settings > General shows it)."
        )?;
        return Ok(Err(USAGE));
    };
    match c::canonical_domain(&raw) {
        Ok(d) => Ok(Ok(d)),
        Err(e) => {
            writeln!(err, "sms-mfa: {e}.")?;
            Ok(Err(USAGE))
        }
    }
}

/// The pasted token (SMS_MFA_AUTH0_TOKEN, else what `read_token` gives),
/// as a connection to the tenant.
fn token(
    ctx: &Context<'_>,
    io: &mut Io<'_>,
    domain: &str,
    json: bool,
) -> io::Result<Result<Connection, u8>> {
    let from_env = (ctx.env)("SMS_MFA_AUTH0_TOKEN").filter(|v| !v.is_empty());
    let raw = match from_env {
        Some(t) => zeroize::Zeroizing::new(t),
        None => {
            if !json {
                writeln!(io.err, "{WHERE}")?;
            }
            match (io.read_token)() {
                Ok(t) => zeroize::Zeroizing::new(t),
                Err(e) => {
                    writeln!(io.err, "sms-mfa: {e}")?;
                    return Ok(Err(USAGE));
                }
            }
        }
    };
    let token = match PastedToken::parse(&raw) {
        Ok(t) => t,
        Err(e) => {
            writeln!(io.err, "sms-mfa: {e}. {WHERE}")?;
            return Ok(Err(USAGE));
        }
    };
    drop(raw);
    let base = match auth0::base_url(domain, (ctx.env)("SMS_MFA_AUTH0_BASE_URL").as_deref()) {
        Ok(b) => b,
        Err(e) => {
            writeln!(io.err, "sms-mfa: {e}")?;
            return Ok(Err(USAGE));
        }
    };
    Ok(Ok(token.connect(base)))
}

fn lacks(err: &mut dyn Write, missing: &[&str]) -> io::Result<u8> {
    writeln!(
        err,
        "sms-mfa: nothing was changed: the pasted token lacks {}. The API Explorer's token has every scope: copy it again from Dashboard > Applications > APIs > Auth0 Management API > API Explorer.",
        missing.join(", ")
    )?;
    Ok(USAGE)
}

/// What connect and disconnect start from: the tenant's domain, what is
/// stored here, and the connection the pasted token gives; or the exit
/// code after saying why not.
fn start(
    ctx: &Context<'_>,
    io: &mut Io<'_>,
    args: &Args<'_>,
) -> io::Result<Result<(String, c::Local, Connection), u8>> {
    let domain = match domain(ctx, args.domain, io.err)? {
        Ok(d) => d,
        Err(code) => return Ok(Err(code)),
    };
    let local = match c::Local::read(ctx.paths, ctx.profile, ctx.store) {
        Ok(l) => l,
        Err(e) => {
            writeln!(io.err, "sms-mfa: {}: {}", e.title(), e.remedy())?;
            return Ok(Err(FAILURE));
        }
    };
    Ok(token(ctx, io, &domain, args.json)?.map(|conn| (domain, local, conn)))
}

/// `sms-mfa tenant connect`. Exit 0: connected (or nothing to change), 1:
/// changes pending (dry run) or a change failed, 2: cannot plan.
pub async fn connect(ctx: &Context<'_>, io: &mut Io<'_>, args: Args<'_>) -> io::Result<u8> {
    let (domain, local, conn) = match start(ctx, io, &args)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let mut needs: Vec<&'static str> = c::CONNECT_NEEDS.to_vec();
    if args.rotate_secret {
        needs.push(c::ROTATE_NEEDS);
    }
    let missing = c::lacking(&conn, &needs);
    if !missing.is_empty() {
        return lacks(io.err, &missing);
    }
    let found = match c::observe(&conn, &domain, local.client_id.as_deref()).await {
        Ok(f) => f,
        Err(e) => {
            writeln!(
                io.err,
                "sms-mfa: could not read the tenant: {e}. {}",
                e.hint()
            )?;
            return Ok(USAGE);
        }
    };
    let plan = c::plan(&domain, &found, &local, args.rotate_secret);
    super::profiles::remember(ctx.paths, ctx.profile, &domain, plan.generation.label());
    let missing = c::lacking(&conn, &c::needs(&plan));
    if !missing.is_empty() {
        return lacks(io.err, &missing);
    }
    let changes: Vec<serde_json::Value> = plan
        .changes
        .iter()
        .map(|ch| {
            let mut v = serde_json::to_value(ch).unwrap_or_default();
            v["description"] = json!(plan.describe(ch));
            v
        })
        .collect();
    let doc = |applied: Option<&c::Outcome>| {
        json!({
            "tenant": plan.domain,
            "generation": plan.generation,
            "application": applied.and_then(|o| o.client_id.clone()).or(plan.app.as_ref().map(|a| a.client_id.clone())),
            "scopes": plan.scopes,
            "changes": changes,
            "notes": plan.notes,
            "applied": applied,
        })
    };
    if !args.json {
        writeln!(
            io.out,
            "Tenant {} · {}",
            plan.domain,
            plan.generation.label()
        )?;
        if plan.is_empty() {
            writeln!(
                io.out,
                "Nothing to change: application '{}' ({}) has exactly the {} scopes sms-mfa uses, and its secret is in the keyring.",
                c::APP_NAME,
                plan.app.as_ref().map_or("", |a| a.client_id.as_str()),
                plan.scopes.len()
            )?;
        } else {
            writeln!(io.out, "Plan ({} changes):", plan.changes.len())?;
            for (i, ch) in plan.changes.iter().enumerate() {
                writeln!(io.out, "  {}. {}", i + 1, plan.describe(ch))?;
            }
        }
        for n in &plan.notes {
            writeln!(io.out, "Note: {n}")?;
        }
    }
    if plan.is_empty() {
        if args.json {
            writeln!(io.out, "{}", serde_json::to_string_pretty(&doc(None))?)?;
        }
        return Ok(OK);
    }
    let go = args.apply || (!args.json && (io.confirm)("Make these changes?") == Some(true));
    if !go {
        if args.json {
            writeln!(io.out, "{}", serde_json::to_string_pretty(&doc(None))?)?;
        } else {
            writeln!(
                io.out,
                "Dry run: nothing was changed. Run `sms-mfa tenant connect --apply` to make these changes."
            )?;
        }
        return Ok(FAILURE);
    }
    let outcome = c::execute(
        &conn,
        &plan,
        ctx.paths,
        ctx.profile,
        c::Keep::Here(ctx.store),
    )
    .await;
    drop(conn); // the token is forgotten
    if args.json {
        writeln!(
            io.out,
            "{}",
            serde_json::to_string_pretty(&doc(Some(&outcome)))?
        )?;
    } else {
        for a in &outcome.applied {
            writeln!(io.out, "✓ {a}")?;
        }
        if let Some((what, e)) = &outcome.failed {
            writeln!(io.out, "✗ {what}: {e}")?;
        }
        for n in &outcome.not_applied {
            writeln!(io.out, "- not applied: {n}")?;
        }
        if outcome.ok() {
            writeln!(
                io.out,
                "Connected: the token you pasted is forgotten; sms-mfa now uses its own application. Check the tenant with `sms-mfa tenant check`."
            )?;
        } else {
            writeln!(
                io.out,
                "Stopped at the failed change; what is listed as applied stays applied. Run `sms-mfa tenant connect` again: it continues from what is there."
            )?;
        }
    }
    Ok(if outcome.ok() { OK } else { FAILURE })
}

/// `sms-mfa tenant disconnect`: delete sms-mfa's application (and its
/// grant) on the tenant, and its secret from the keyring. Exit 0: removed
/// (or nothing there), 1: not confirmed or a step failed, 2: cannot start.
pub async fn disconnect(ctx: &Context<'_>, io: &mut Io<'_>, args: Args<'_>) -> io::Result<u8> {
    let (domain, local, conn) = match start(ctx, io, &args)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let missing = c::lacking(&conn, &c::DISCONNECT_NEEDS);
    if !missing.is_empty() {
        return lacks(io.err, &missing);
    }
    let found = match c::observe(&conn, &domain, local.client_id.as_deref()).await {
        Ok(f) => f,
        Err(e) => {
            writeln!(
                io.err,
                "sms-mfa: could not read the tenant: {e}. {}",
                e.hint()
            )?;
            return Ok(USAGE);
        }
    };
    // Only the application this profile uses, or the one named sms-mfa.
    let removal = c::Removal {
        app: found.app.clone(),
        grant: found.grant.clone(),
        secret_stored: local.secret_stored,
    };
    let nothing = removal.app.is_none() && !removal.secret_stored;
    let doc = |removed: Option<&Vec<String>>, error: Option<&str>| {
        json!({
            "tenant": domain,
            "application": removal.app.as_ref().map(|a| &a.client_id),
            "grant": removal.grant.as_ref().map(|g| &g.id),
            "keyring_entry": removal.secret_stored,
            "removed": removed,
            "error": error,
        })
    };
    if !args.json {
        writeln!(io.out, "Tenant {domain}")?;
        if nothing {
            writeln!(
                io.out,
                "Nothing to remove: no application '{}' and no stored secret.",
                c::APP_NAME
            )?;
        } else {
            writeln!(io.out, "Plan:")?;
            if let Some(a) = &removal.app {
                writeln!(
                    io.out,
                    "  - delete application '{}' ({}) and its Management API grant",
                    a.name, a.client_id
                )?;
            }
            if removal.secret_stored {
                writeln!(io.out, "  - delete its client secret from the keyring")?;
            }
        }
    }
    if nothing {
        if args.json {
            writeln!(
                io.out,
                "{}",
                serde_json::to_string_pretty(&doc(None, None))?
            )?;
        }
        return Ok(OK);
    }
    let go = args.apply || (!args.json && (io.confirm)("Delete them?") == Some(true));
    if !go {
        if args.json {
            writeln!(
                io.out,
                "{}",
                serde_json::to_string_pretty(&doc(None, None))?
            )?;
        } else {
            writeln!(
                io.out,
                "Nothing was removed. Run `sms-mfa tenant disconnect --apply` to remove it."
            )?;
        }
        return Ok(FAILURE);
    }
    let r = c::disconnect(&conn, &removal, ctx.paths, ctx.profile, ctx.store).await;
    drop(conn);
    let (done, error) = match &r {
        Ok(d) => (d.clone(), None),
        Err((d, e)) => (d.clone(), Some(e.as_str())),
    };
    if args.json {
        writeln!(
            io.out,
            "{}",
            serde_json::to_string_pretty(&doc(Some(&done), error))?
        )?;
    } else {
        for d in &done {
            writeln!(io.out, "✓ {d}")?;
        }
        if let Some(e) = error {
            writeln!(io.out, "✗ {e}")?;
        }
    }
    Ok(if r.is_ok() { OK } else { FAILURE })
}
