//! `sms-mfa list-senders --provider ID`: what the account may send from
//! (numbers, Messaging Services, Verify services, account references),
//! listed with its credentials, for scripts and for choosing a value to
//! store with `secrets set`.

use super::provider::Context;
use super::{FAILURE, OK, USAGE};
use crate::config;
use crate::providers::clients::{self, Http, ListError, Settings};
use crate::settings;
use serde_json::json;
use std::io::{self, Write};

/// Exit 0: listed (possibly empty), 1: the provider refused or failed, 2:
/// unknown provider or its credentials missing.
pub async fn run(
    ctx: &Context<'_>,
    http: &Http,
    out: &mut dyn Write,
    err: &mut dyn Write,
    provider: &str,
    json: bool,
) -> io::Result<u8> {
    let Some(p) = ctx.catalog.get(provider) else {
        let ids = ctx.catalog.providers.iter().map(|p| p.id.as_str());
        return super::unknown_provider(err, provider, ids);
    };
    let loaded = config::load(ctx.paths, ctx.profile);
    let resolved = settings::resolve(ctx.profile, &loaded.profile, p, ctx.store, ctx.env);
    let settings = Settings::of(&resolved);
    let result = clients::list_senders(ctx.catalog, &p.id, &settings, http.clone()).await;
    let (senders, failure) = match result {
        Ok(s) => (Some(s), None),
        Err(ListError::Settings(e)) => {
            writeln!(
                err,
                "sms-mfa: the credentials of {} are not usable: {e}. Store them with `sms-mfa secrets set {} NAME` (or SMS_MFA_<NAME>).",
                p.id, p.id
            )?;
            return Ok(USAGE);
        }
        Err(ListError::Provider(f)) => (None, Some(f)),
    };
    if json {
        let doc = json!({
            "provider": p.id,
            "choices": senders.as_ref().map(|s| &s.choices),
            "notes": senders.as_ref().map(|s| s.notes.clone()).unwrap_or_default(),
            "error": failure.as_ref().map(|f| json!({
                "class": f.class, "title": f.class.title(), "hint": f.hint(),
                "code": f.code, "message": f.message, "http_status": f.http_status,
            })),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(if failure.is_some() { FAILURE } else { OK });
    }
    if let Some(f) = &failure {
        writeln!(
            out,
            "✗ {} could not list the senders: {}.",
            p.name,
            f.class.title()
        )?;
        writeln!(out, "  {}", f.hint())?;
        writeln!(
            out,
            "  The provider said: [{}] {}",
            f.code.as_deref().unwrap_or("no code"),
            f.message
        )?;
        writeln!(
            out,
            "  Any value can still be stored by hand: sms-mfa secrets set {} NAME",
            p.id
        )?;
        return Ok(FAILURE);
    }
    let s = senders.unwrap_or_else(|| clients::Senders {
        provider: p.id.clone(),
        choices: vec![],
        notes: vec![],
    });
    let mut last = "";
    for c in &s.choices {
        if c.setting != last {
            writeln!(out, "{}:", c.setting)?;
            last = &c.setting;
        }
        let mark = if c.usable { "✓" } else { "✗" };
        let note = c
            .note
            .as_deref()
            .map(|n| format!(" — {n}"))
            .unwrap_or_default();
        writeln!(out, "  {mark} {}  {}{note}", c.value, c.label)?;
    }
    if s.choices.is_empty() && s.notes.is_empty() {
        writeln!(out, "{} lists nothing for this account.", p.name)?;
    }
    for n in &s.notes {
        writeln!(out, "Note: {n}")?;
    }
    Ok(OK)
}
