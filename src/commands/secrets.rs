//! `sms-mfa secrets set|list|delete|check`.

use super::{FAILURE, OK, USAGE};
use crate::cli::SecretsCommand;
use crate::config;
use crate::providers::{Provider, Setting, Validation, validate};
use crate::secrets::{self, StoreError};
use crate::settings;
use crate::settings::{Resolved, Source};
use secrecy::SecretString;
use serde_json::json;
use std::io::{self, Write};

/// What the commands work on.
pub use crate::ops::Ctx as Context;

/// Where the commands read and write.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Reads the value for `secrets set` (standard input or a hidden prompt).
    pub read_value: &'a mut dyn FnMut(&Setting) -> io::Result<String>,
}

/// Run one `secrets` subcommand; returns the exit code.
pub fn run(cmd: &SecretsCommand, ctx: &Context, io: &mut Io, json: bool) -> u8 {
    let result = match cmd {
        SecretsCommand::Set { provider, name } => set(ctx, io, provider, name),
        SecretsCommand::List { provider } => list(ctx, io, provider.as_deref(), json),
        SecretsCommand::Delete { provider, name } => delete(ctx, io, provider, name),
        SecretsCommand::Check => check(ctx, io, json),
    };
    // A closed pipe (`| head`) is not worth a second error.
    result.unwrap_or(FAILURE)
}

/// The provider and setting named on the command line, or a usage error
/// that lists the valid names.
fn lookup<'c>(
    ctx: &'c Context,
    io: &mut Io,
    provider: &str,
    name: &str,
) -> io::Result<Result<(&'c Provider, &'c Setting), u8>> {
    let Some(p) = ctx.catalog.group(provider) else {
        let ids = ctx.catalog.groups().map(|p| p.id.as_str());
        return super::unknown_provider(io.err, provider, ids).map(Err);
    };
    let upper = name.to_ascii_uppercase();
    let Some(s) = p.settings.iter().find(|s| s.name == upper) else {
        let names: Vec<&str> = p.settings.iter().map(|s| s.name.as_str()).collect();
        writeln!(
            io.err,
            "sms-mfa: {} has no setting {name:?}; its settings are: {}",
            p.id,
            names.join(", ")
        )?;
        return Ok(Err(USAGE));
    };
    Ok(Ok((p, s)))
}

fn report_store_error(io: &mut Io, doing: &str, e: &StoreError) -> io::Result<u8> {
    writeln!(io.err, "sms-mfa: could not {doing}: {e}.")?;
    writeln!(io.err, "  {}", e.remedy())?;
    Ok(FAILURE)
}

fn env_note(ctx: &Context, io: &mut Io, name: &str) -> io::Result<()> {
    let var = settings::env_var(name);
    if (ctx.env)(&var).is_some_and(|v| !v.is_empty()) {
        writeln!(
            io.err,
            "note: {var} is set in this environment and wins over the stored value."
        )?;
    }
    Ok(())
}

fn set(ctx: &Context, io: &mut Io, provider: &str, name: &str) -> io::Result<u8> {
    let (p, s) = match lookup(ctx, io, provider, name)? {
        Ok(found) => found,
        Err(code) => return Ok(code),
    };
    let raw = match (io.read_value)(s) {
        Ok(v) => zeroize::Zeroizing::new(v),
        // Ctrl-D at the hidden prompt: no value, as with empty input.
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            zeroize::Zeroizing::new(String::new())
        }
        // --no-input (or CI=true) and nothing to read: the caller said why.
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
            writeln!(io.err, "sms-mfa: {e}")?;
            return Ok(USAGE);
        }
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            writeln!(
                io.err,
                "sms-mfa: the value for {} is not UTF-8 text; give it as plain text.",
                s.name
            )?;
            return Ok(USAGE);
        }
        Err(e) => {
            writeln!(io.err, "sms-mfa: could not read the value: {e}")?;
            return Ok(FAILURE);
        }
    };
    let value = raw
        .strip_suffix("\r\n")
        .or_else(|| raw.strip_suffix('\n'))
        .unwrap_or(&raw);
    let value = SecretString::from(value.to_string());
    drop(raw);
    let value = SecretString::from(crate::providers::validate::normalize(
        s,
        secrecy::ExposeSecret::expose_secret(&value),
    ));
    let v = secrecy::ExposeSecret::expose_secret(&value);
    if v.is_empty() {
        writeln!(
            io.err,
            "sms-mfa: no value was given for {}. Pipe it in, e.g. printf %s \"$VALUE\" | sms-mfa secrets set {} {}",
            s.name, p.id, s.name
        )?;
        return Ok(USAGE);
    }
    if v.contains('\n') {
        writeln!(
            io.err,
            "sms-mfa: the value for {} has more than one line; give exactly one line.",
            s.name
        )?;
        return Ok(USAGE);
    }
    match validate(s, v) {
        Validation::Error(m) => {
            writeln!(io.err, "sms-mfa: invalid {}: {m}", s.name)?;
            return Ok(USAGE);
        }
        Validation::Warn(m) => writeln!(io.err, "warning: {}: {m}", s.name)?,
        Validation::Ok => {}
    }
    if s.secret {
        let user = secrets::entry_user(ctx.profile, &p.id, &s.name);
        if let Err(e) = ctx.store.set(&user, &value) {
            return report_store_error(io, &format!("store {} in the keyring", s.name), &e);
        }
        tracing::info!(entry = %user, "secret stored");
        writeln!(
            io.out,
            "Stored {} for {} in the OS keyring ({}): service {}, user {user}.",
            s.name,
            p.id,
            ctx.store.describe(),
            secrets::SERVICE
        )?;
    } else {
        // Under the profile's lock: what others write meanwhile stays.
        let done = config::update(ctx.paths, ctx.profile, |profile| {
            profile
                .settings
                .entry(p.id.clone())
                .or_default()
                .insert(s.name.clone(), v.to_string());
        });
        if let Ok(config::Updated {
            notice: Some(n), ..
        }) = &done
        {
            writeln!(io.err, "sms-mfa: {n}")?;
        }
        match done {
            Ok(done) => writeln!(
                io.out,
                "Stored {} for {} in profile {} ({}).",
                s.name,
                p.id,
                ctx.profile,
                done.path.display()
            )?,
            Err(e) => {
                writeln!(io.err, "sms-mfa: could not save the profile: {e}")?;
                return Ok(FAILURE);
            }
        }
    }
    env_note(ctx, io, &s.name)?;
    Ok(OK)
}

fn delete(ctx: &Context, io: &mut Io, provider: &str, name: &str) -> io::Result<u8> {
    let (p, s) = match lookup(ctx, io, provider, name)? {
        Ok(found) => found,
        Err(code) => return Ok(code),
    };
    if s.secret {
        let user = secrets::entry_user(ctx.profile, &p.id, &s.name);
        match ctx.store.delete(&user) {
            Ok(true) => writeln!(
                io.out,
                "Deleted {} for {} from the OS keyring (user {user}).",
                s.name, p.id
            )?,
            Ok(false) => writeln!(
                io.out,
                "Nothing to delete: no {} for {} in the OS keyring (user {user}).",
                s.name, p.id
            )?,
            Err(e) => {
                return report_store_error(io, &format!("delete {} from the keyring", s.name), &e);
            }
        }
    } else {
        let done = config::update(ctx.paths, ctx.profile, |profile| {
            let removed = profile
                .settings
                .get_mut(&p.id)
                .and_then(|m| m.remove(&s.name))
                .is_some();
            if let Some(m) = profile.settings.get(&p.id)
                && m.is_empty()
            {
                profile.settings.remove(&p.id);
            }
            removed
        });
        let removed = match done {
            Ok(d) => {
                if let Some(n) = d.notice {
                    writeln!(io.err, "sms-mfa: {n}")?;
                }
                d.value
            }
            Err(e) => {
                writeln!(io.err, "sms-mfa: could not save the profile: {e}")?;
                return Ok(FAILURE);
            }
        };
        if removed {
            writeln!(
                io.out,
                "Deleted {} for {} from profile {}.",
                s.name, p.id, ctx.profile
            )?;
        } else {
            writeln!(
                io.out,
                "Nothing to delete: no {} for {} in profile {}.",
                s.name, p.id, ctx.profile
            )?;
        }
    }
    let var = settings::env_var(&s.name);
    if (ctx.env)(&var).is_some_and(|v| !v.is_empty()) {
        writeln!(
            io.err,
            "note: {var} is still set in this environment and is still used."
        )?;
    }
    Ok(OK)
}

/// The providers `list` shows, each with its resolved settings.
struct Listed<'c> {
    provider: &'c Provider,
    chosen: bool,
    settings: Vec<Resolved>,
}

fn list(ctx: &Context, io: &mut Io, only: Option<&str>, json: bool) -> io::Result<u8> {
    let profile = config::load(ctx.paths, ctx.profile);
    if let Some(n) = &profile.notice {
        writeln!(io.err, "sms-mfa: {n}")?;
    }
    let profile = profile.profile;
    let candidates: Vec<&Provider> = match only {
        Some(id) => match ctx.catalog.group(id) {
            Some(p) => vec![p],
            None => {
                let ids = ctx.catalog.groups().map(|p| p.id.as_str());
                return super::unknown_provider(io.err, id, ids);
            }
        },
        None => ctx.catalog.groups().collect(),
    };
    let mut shown = Vec::new();
    for p in candidates {
        let settings = settings::resolve(ctx.profile, &profile, p, ctx.store, ctx.env);
        let chosen = profile.provider.as_deref() == Some(p.id.as_str());
        let stored = settings
            .iter()
            .any(|r| matches!(r.source, Source::Keyring | Source::Profile) || r.shadowed.is_some());
        let failed = settings.iter().any(|r| r.error.is_some());
        if only.is_some() || chosen || stored || failed {
            shown.push(Listed {
                provider: p,
                chosen,
                settings,
            });
        }
    }
    let error = shown
        .iter()
        .flat_map(|l| l.settings.iter())
        .find_map(|r| r.error.clone());
    if json {
        print_list_json(ctx, io, &shown, error.as_ref())?;
    } else {
        print_list_text(ctx, io, &shown, error.as_ref())?;
    }
    Ok(if error.is_some() { FAILURE } else { OK })
}

fn print_list_text(
    ctx: &Context,
    io: &mut Io,
    shown: &[Listed],
    error: Option<&StoreError>,
) -> io::Result<()> {
    writeln!(
        io.out,
        "Profile {} · secrets in the OS keyring ({}) · SMS_MFA_<NAME> in the environment wins over the keyring and the profile",
        ctx.profile,
        ctx.store.describe()
    )?;
    if shown.is_empty() {
        writeln!(
            io.out,
            "\nNothing is stored for profile {} yet. Run the wizard (sms-mfa), or `sms-mfa secrets set PROVIDER NAME`.",
            ctx.profile
        )?;
    }
    for l in shown {
        writeln!(
            io.out,
            "\n{} ({}){}",
            l.provider.id,
            l.provider.name,
            if l.chosen {
                ", chosen in the wizard"
            } else {
                ""
            }
        )?;
        let width = l
            .settings
            .iter()
            .map(|r| r.name.len())
            .max()
            .unwrap_or(4)
            .max(4);
        writeln!(
            io.out,
            "  {:width$}  {:6}  {:11}  DETAIL",
            "NAME", "KIND", "SOURCE"
        )?;
        for (r, s) in l.settings.iter().zip(&l.provider.settings) {
            writeln!(
                io.out,
                "  {:width$}  {:6}  {:11}  {}",
                r.name,
                if r.secret { "secret" } else { "plain" },
                r.source.as_str(),
                detail(ctx, &l.provider.id, r, s)
            )?;
        }
    }
    if let Some(e) = error {
        writeln!(io.err, "\nsms-mfa: {e}.\n  {}", e.remedy())?;
    }
    Ok(())
}

/// The DETAIL column: where the value is, and anything wrong with it.
fn detail(ctx: &Context, provider: &str, r: &Resolved, s: &Setting) -> String {
    let mut parts = Vec::new();
    match r.source {
        Source::Environment => {
            let mut t = settings::env_var(&r.name);
            if let Some(also) = r.shadowed {
                t.push_str(&format!(
                    " (also in the {}; the environment wins)",
                    also.as_str()
                ));
            }
            parts.push(t);
        }
        Source::Keyring => parts.push(format!(
            "user {}",
            secrets::entry_user(ctx.profile, provider, &r.name)
        )),
        Source::Profile => {
            if let Some(v) = &r.value {
                parts.push(v.expose().to_string());
            }
        }
        Source::Missing => parts.push(if s.required == crate::providers::Required::No {
            "optional".to_string()
        } else {
            "not set".to_string()
        }),
        Source::Unknown => {
            if let Some(e) = &r.error {
                parts.push(format!("keyring {}", e.kind()));
            }
        }
    }
    if !r.secret
        && r.source == Source::Environment
        && let Some(v) = &r.value
    {
        parts.push(format!("= {}", v.expose()));
    }
    match &r.check {
        Validation::Error(m) => parts.push(format!("INVALID: {m}")),
        Validation::Warn(m) => parts.push(format!("warning: {m}")),
        Validation::Ok => {}
    }
    parts.join(" · ")
}

fn print_list_json(
    ctx: &Context,
    io: &mut Io,
    shown: &[Listed],
    error: Option<&StoreError>,
) -> io::Result<()> {
    let providers: Vec<_> = shown
        .iter()
        .map(|l| {
            let settings: Vec<_> = l
                .settings
                .iter()
                .map(|r| {
                    json!({
                        "name": r.name,
                        "secret": r.secret,
                        "source": r.source,
                        "env_var": settings::env_var(&r.name),
                        "shadowed": r.shadowed,
                        "keyring_user": r.secret.then(|| secrets::entry_user(ctx.profile, &l.provider.id, &r.name)),
                        "value": (!r.secret).then(|| r.value.as_ref().map(|v| v.expose().to_string())).flatten(),
                        "valid": !r.check.is_error(),
                        "problem": r.check.message(),
                        "error": r.error.as_ref().map(|e| e.kind()),
                    })
                })
                .collect();
            json!({
                "id": l.provider.id,
                "name": l.provider.name,
                "chosen": l.chosen,
                "settings": settings,
            })
        })
        .collect();
    let doc = json!({
        "profile": ctx.profile,
        "store": ctx.store.describe(),
        "keyring_service": secrets::SERVICE,
        "providers": providers,
        "error": error.map(error_json),
    });
    writeln!(io.out, "{}", serde_json::to_string_pretty(&doc)?)
}

fn error_json(e: &StoreError) -> serde_json::Value {
    json!({ "kind": e.kind(), "message": e.to_string(), "remedy": e.remedy() })
}

fn check(ctx: &Context, io: &mut Io, json: bool) -> io::Result<u8> {
    let user = format!("{}/_probe/{}", ctx.profile, std::process::id());
    let result = secrets::probe(ctx.store, &user);
    if json {
        let doc = match &result {
            Ok(took) => json!({
                "healthy": true,
                "store": ctx.store.describe(),
                "millis": took.as_secs_f64() * 1000.0,
                "error": null,
            }),
            Err(e) => json!({
                "healthy": false,
                "store": ctx.store.describe(),
                "millis": null,
                "error": error_json(e),
            }),
        };
        writeln!(io.out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        match &result {
            Ok(took) => writeln!(
                io.out,
                "✓ The OS keyring ({}) is reachable, writable and unlocked: a probe entry was written, read back and deleted in {} ms.",
                ctx.store.describe(),
                took.as_millis()
            )?,
            Err(e) => {
                writeln!(io.out, "✗ The OS keyring ({}): {e}.", ctx.store.describe())?;
                writeln!(io.out, "  {}", e.remedy())?;
            }
        }
    }
    Ok(if result.is_ok() { OK } else { FAILURE })
}
