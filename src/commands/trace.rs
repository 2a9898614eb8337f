//! `sms-mfa trace` and `sms-mfa logs`: what happened to the messages,
//! from Auth0's log to the handset, for a shell.

use super::USAGE;
use super::provider::Context;
use crate::auth0::Connection;
use crate::auth0::events::{self, Event};
use crate::ops;
use crate::providers::clients::{Client, Http, Recipient};
use crate::providers::delivery::{self, CannotLook, Query};
use crate::trace::{self, Trace};
use serde_json::json;
use std::io::{self, Write};
use std::time::Duration;

/// The provider's client with the profile's settings, or why there is none.
pub(crate) fn provider_client(
    ctx: &Context<'_>,
    http: &Http,
    provider: Option<&str>,
) -> Result<Client, CannotLook> {
    let (made, _) = ops::provider::client_of_profile(*ctx, provider, http.clone());
    made.map(|(c, _)| c).map_err(|e| {
        let (provider, fix) = match &e {
            ops::provider::Error::NoProvider => (
                "no provider".to_string(),
                "Give --provider ID, or choose one in the wizard (step 1).".to_string(),
            ),
            ops::provider::Error::UnknownProvider(id) => (
                id.clone(),
                format!(
                    "Use one of: {}.",
                    ctx.catalog
                        .providers
                        .iter()
                        .map(|p| p.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            ops::provider::Error::Unusable { provider, .. } => (
                provider.clone(),
                format!("See `sms-mfa secrets list --provider {provider}`."),
            ),
            ops::provider::Error::Setup(_) => (
                provider.unwrap_or("the profile's provider").to_string(),
                "See `sms-mfa secrets list`.".to_string(),
            ),
        };
        CannotLook {
            provider,
            reason: e.to_string(),
            fix,
        }
    })
}

/// The tenant connection with the profile's settings, or why there is none
/// (the one of every tenant command: [`super::tenant::open`]).
pub(crate) async fn tenant(ctx: &Context<'_>) -> Result<Connection, String> {
    super::tenant::open(ctx).await.map_err(|e| e.to_string())
}

/// The arguments of `trace`.
pub struct Args<'a> {
    pub to: Option<&'a str>,
    pub since: &'a str,
    pub provider: Option<&'a str>,
    pub limit: usize,
    pub json: bool,
}

/// The JSON of a trace (the README's field table lists these keys).
pub(crate) fn to_json(t: &Trace) -> serde_json::Value {
    let entry = |e: &trace::Entry| {
        json!({
            "at": delivery::rfc3339(e.at),
            "source": e.source,
            "what": e.what,
            "to": e.to,
            "id": e.id,
            "state": e.state,
            "code": e.code,
            "message": e.message,
            "meaning": e.meaning,
            "fix": e.fix,
        })
    };
    let side = |read: bool, truncated: bool, count: usize, reason: Option<(&str, &str)>| {
        json!({
            "read": read,
            "count": count,
            "truncated": truncated,
            "reason": reason.map(|r| r.0),
            "fix": reason.map(|r| r.1),
        })
    };
    let provider = match &t.provider_side {
        trace::Side::Read(r) => side(true, r.truncated, r.records.len(), None),
        trace::Side::CannotLook { reason, fix } => side(false, false, 0, Some((reason, fix))),
    };
    let tenant = match &t.auth0_side {
        trace::Side::Read(r) => side(true, r.truncated, r.events.len(), None),
        trace::Side::CannotLook { reason, fix } => side(false, false, 0, Some((reason, fix))),
    };
    json!({
        "to": t.to,
        "since": delivery::rfc3339(t.since),
        "provider": t.provider,
        "verdict": t.verdict,
        "timeline": t.timeline.iter().map(entry).collect::<Vec<_>>(),
        "findings": t.findings.iter().map(|f| json!({
            "kind": f.kind,
            "at": f.at.map(delivery::rfc3339),
            "text": f.text,
            "fix": f.fix,
        })).collect::<Vec<_>>(),
        "provider_records": provider,
        "auth0_events": tenant,
    })
}

/// `trace`.
pub async fn run(
    ctx: &Context<'_>,
    http: &Http,
    out: &mut dyn Write,
    err: &mut dyn Write,
    args: Args<'_>,
) -> io::Result<u8> {
    let since = match delivery::parse_duration(args.since) {
        Ok(s) => delivery::now() - s,
        Err(e) => {
            writeln!(err, "sms-mfa: --since {e}")?;
            return Ok(USAGE);
        }
    };
    let to = match args.to.map(Recipient::parse).transpose() {
        Ok(r) => r.map(|r| r.e164().to_string()),
        Err(e) => {
            writeln!(err, "sms-mfa: --to: {e}")?;
            return Ok(USAGE);
        }
    };
    if let Some(p) = args.provider
        && ctx.catalog.get(p).is_none()
    {
        let ids = ctx.catalog.providers.iter().map(|p| p.id.as_str());
        return super::unknown_provider(err, p, ids);
    }
    let q = Query {
        to,
        since,
        limit: args.limit,
    };
    let client = provider_client(ctx, http, args.provider);
    let conn = tenant(ctx).await;
    let t = trace::gather(
        client.as_ref().map_err(Clone::clone),
        conn.as_ref().map_err(Clone::clone),
        &q,
    )
    .await;
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&to_json(&t)).unwrap_or_default()
        )?;
    } else {
        write!(out, "{}", trace::text(&t))?;
    }
    Ok(t.verdict.exit_code())
}

/// The arguments of `logs`.
pub struct LogsArgs<'a> {
    pub since: &'a str,
    pub follow: bool,
    pub every: Duration,
    /// Stop following after this long (None: until interrupted).
    pub for_: Option<Duration>,
    pub json: bool,
}

/// The shortest poll interval: Auth0's Management API allows a few
/// requests a second on the smallest plans ("Management API Endpoint
/// Rate Limits"); one `GET /logs` every 2 s stays far inside that, and a
/// 429 is waited out by the connection.
pub(crate) const MIN_EVERY: Duration = Duration::from_secs(2);

fn event_json(e: &Event) -> serde_json::Value {
    json!({
        "at": delivery::rfc3339(e.at),
        "type": e.kind,
        "to": e.to,
        "failure": e.failure,
        "description": e.description,
        "code": e.code,
        "error": e.error,
        "log_id": e.log_id,
    })
}

fn event_line(e: &Event) -> String {
    format!(
        "{} {} {} {}{}{}",
        delivery::rfc3339(e.at),
        e.kind,
        e.to.as_deref().unwrap_or("-"),
        e.description,
        e.code
            .as_deref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default(),
        e.error
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default(),
    )
}

/// `logs [--follow]`.
pub async fn logs(
    ctx: &Context<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    args: LogsArgs<'_>,
) -> io::Result<u8> {
    let mut since = match delivery::parse_duration(args.since) {
        Ok(s) => delivery::now() - s,
        Err(e) => {
            writeln!(err, "sms-mfa: --since {e}")?;
            return Ok(USAGE);
        }
    };
    let conn = match tenant(ctx).await {
        Ok(c) => c,
        Err(e) => {
            writeln!(err, "sms-mfa: {e}")?;
            return Ok(USAGE);
        }
    };
    let every = args.every.max(MIN_EVERY);
    let started = tokio::time::Instant::now();
    let mut seen = std::collections::HashSet::new();
    let mut all = Vec::new();
    loop {
        let read = match events::read(&conn, None, since, events::MAX_EVENTS).await {
            Ok(r) => r,
            Err(u) => {
                writeln!(err, "sms-mfa: cannot read the tenant's logs: {u}")?;
                return Ok(USAGE);
            }
        };
        // Oldest first, each event once.
        for e in read.events.into_iter().rev() {
            if !seen.insert(e.log_id.clone()) {
                continue;
            }
            since = since.max(e.at);
            if args.json {
                all.push(event_json(&e));
            } else {
                writeln!(out, "{}", event_line(&e))?;
                out.flush()?;
            }
        }
        if !args.follow {
            break;
        }
        let left = args.for_.map(|f| f.saturating_sub(started.elapsed()));
        if left.is_some_and(|l| l.is_zero()) {
            break;
        }
        let nap = left.map_or(every, |l| l.min(every));
        tokio::select! {
            _ = tokio::time::sleep(nap) => {}
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json!({"events": all})).unwrap_or_default()
        )?;
    }
    Ok(super::OK)
}
