//! `sms-mfa send-test` and `sms-mfa check-credentials`: the provider
//! clients with the settings of the profile (environment, keyring,
//! profile), for scripts and CI.

use super::{FAILURE, OK, USAGE};
use crate::ops;
use crate::providers::clients::{Client, Http, Recipient};
use crate::providers::outcome::{Accepted, ErrorClass, Failure};
use serde_json::json;
use std::io::{self, Write};
use std::time::Duration;

/// What the commands work with: the operations' context. The HTTP client
/// the provider's is built on is passed beside it, as to the operations.
pub use crate::ops::Ctx as Context;

/// How long `--follow` waits for a final delivery status, and how often it asks.
pub(crate) const FOLLOW_FOR: Duration = Duration::from_secs(30);
pub(crate) const FOLLOW_EVERY: Duration = Duration::from_secs(2);

/// Build the provider's client from the profile's settings; on failure,
/// print why and return the exit code.
fn client(
    ctx: &Context,
    http: &Http,
    err: &mut dyn Write,
    provider: &str,
) -> io::Result<Result<(Client, &'static str), u8>> {
    let (made, notice) = ops::provider::client_of_profile(*ctx, Some(provider), http.clone());
    if let Err(ops::provider::Error::UnknownProvider(id)) = &made {
        let ids = ctx.catalog.providers.iter().map(|p| p.id.as_str());
        return super::unknown_provider(err, id, ids).map(Err);
    }
    if let Some(n) = &notice {
        writeln!(err, "sms-mfa: {n}")?;
    }
    match made {
        Ok((c, p)) => Ok(Ok((c, p.name.as_str()))),
        Err(ops::provider::Error::Unusable {
            provider,
            problems,
            keyring,
            ..
        }) => {
            writeln!(
                err,
                "sms-mfa: the settings of {provider} for profile {} are not usable:",
                ctx.profile
            )?;
            for problem in &problems {
                writeln!(err, "  - {problem}")?;
            }
            if let Some(k) = keyring {
                writeln!(err, "  {}", k.remedy())?;
                return Ok(Err(FAILURE));
            }
            writeln!(
                err,
                "  See `sms-mfa secrets list --provider {provider}`; nothing was sent."
            )?;
            Ok(Err(USAGE))
        }
        Err(e) => {
            writeln!(err, "sms-mfa: {e}; nothing was sent.")?;
            Ok(Err(USAGE))
        }
    }
}

/// The failure fields of an outcome that did not fail: all null, so that
/// every outcome has the same keys.
fn no_failure(mut doc: serde_json::Value) -> serde_json::Value {
    for k in [
        "class",
        "title",
        "hint",
        "temporary",
        "code",
        "message",
        "http_status",
    ] {
        doc[k] = serde_json::Value::Null;
    }
    doc
}

fn failure_json(f: &Failure) -> serde_json::Value {
    json!({
        "class": f.class,
        "title": f.class.title(),
        "hint": f.hint(),
        "temporary": f.class.temporary(),
        "code": f.code,
        "message": f.message,
        "http_status": f.http_status,
    })
}

fn print_failure(out: &mut dyn Write, name: &str, f: &Failure) -> io::Result<()> {
    writeln!(out, "✗ {name}: {}.", f.class.title())?;
    writeln!(out, "  {}", f.hint())?;
    let code = f.code.as_deref().unwrap_or("no code");
    writeln!(out, "  The provider said: [{code}] {}", f.message)
}

/// The arguments of `send-test`.
pub struct SendTest<'a> {
    pub provider: &'a str,
    pub to: &'a str,
    pub text: &'a str,
    pub json: bool,
    pub follow: bool,
}

/// `send-test`.
pub async fn send_test(
    ctx: &Context<'_>,
    http: &Http,
    out: &mut dyn Write,
    err: &mut dyn Write,
    args: SendTest<'_>,
) -> io::Result<u8> {
    let SendTest {
        provider,
        to,
        text,
        json,
        follow,
    } = args;
    let recipient = match Recipient::parse(to) {
        Ok(r) => r,
        Err(e) => {
            writeln!(
                err,
                "sms-mfa: invalid recipient {to:?}: {e} Nothing was sent."
            )?;
            return Ok(USAGE);
        }
    };
    let n = text.chars().count();
    if n == 0 || n > 1600 {
        writeln!(
            err,
            "sms-mfa: the text must have 1 to 1600 characters (it has {n}). Nothing was sent."
        )?;
        return Ok(USAGE);
    }
    let (client, name) = match client(ctx, http, err, provider)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    tracing::info!(provider, "sending a test message");
    let result = client.send_test(&recipient, text).await;
    let mut deliveries = Vec::new();
    let mut code = match &result {
        Ok(_) => OK,
        Err(_) => FAILURE,
    };
    if !json {
        match &result {
            Ok(a) => print_accepted(out, name, &recipient, a)?,
            Err(f) => print_failure(out, name, f)?,
        }
    }
    if let (true, Ok(a)) = (follow, &result)
        && a.trackable
    {
        let started = std::time::Instant::now();
        let mut last = a.status.clone();
        loop {
            tokio::time::sleep(FOLLOW_EVERY).await;
            let Some(status) = client.delivery_status(&a.id).await else {
                break;
            };
            match status {
                Ok(d) => {
                    if last.as_deref() != Some(d.status.as_str()) && !json {
                        let extra = match (&d.error_code, &d.error_message) {
                            (Some(c), Some(m)) => format!(" [{c}] {m}"),
                            (Some(c), None) => format!(" [{c}]"),
                            _ => String::new(),
                        };
                        writeln!(out, "  delivery: {}{extra}", d.status)?;
                    }
                    last = Some(d.status.clone());
                    let done = d.final_;
                    if done && !d.delivered {
                        code = FAILURE;
                    }
                    deliveries.push(d);
                    if done {
                        break;
                    }
                }
                Err(f) => {
                    if !json {
                        writeln!(out, "  delivery status unavailable: {}", f.message)?;
                    }
                    break;
                }
            }
            if started.elapsed() >= FOLLOW_FOR {
                if !json {
                    writeln!(
                        out,
                        "  no final status within {} s; look the message up in the provider's logs.",
                        FOLLOW_FOR.as_secs()
                    )?;
                }
                break;
            }
        }
    }
    if json {
        let doc = match &result {
            Ok(a) => no_failure(json!({
                "outcome": "accepted",
                "provider": provider,
                "to": recipient.e164(),
                "id": a.id,
                "status": a.status,
                "code_sent": a.code_sent,
                "delivery": deliveries,
            })),
            Err(f) => {
                let mut d = failure_json(f);
                d["outcome"] = json!(if f.class == ErrorClass::Network {
                    "failed"
                } else {
                    "rejected"
                });
                d["provider"] = json!(provider);
                d["to"] = json!(recipient.e164());
                d["id"] = json!(null);
                d["status"] = json!(null);
                d["code_sent"] = json!(null);
                d["delivery"] = json!([]);
                d
            }
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    }
    Ok(code)
}

fn print_accepted(out: &mut dyn Write, name: &str, to: &Recipient, a: &Accepted) -> io::Result<()> {
    writeln!(
        out,
        "✓ Accepted by {name} for {}: message id {}{}.",
        to.e164(),
        a.id,
        a.status
            .as_deref()
            .map(|s| format!(", status {s}"))
            .unwrap_or_default()
    )?;
    if let Some(c) = &a.code_sent {
        writeln!(out, "  The code sent was {c}.")?;
    }
    writeln!(
        out,
        "  Accepted is not delivered: find the id in the provider's logs if the message does not arrive."
    )
}

/// `check-credentials`.
pub async fn check_credentials(
    ctx: &Context<'_>,
    http: &Http,
    out: &mut dyn Write,
    err: &mut dyn Write,
    provider: &str,
    json: bool,
) -> io::Result<u8> {
    let (client, name) = match client(ctx, http, err, provider)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let result = client.check_credentials().await;
    let code = match &result {
        Ok(r) if r.usable => OK,
        _ => FAILURE,
    };
    if json {
        let doc = match &result {
            Ok(r) => no_failure(json!({
                "outcome": if r.usable { "ok" } else { "unusable" },
                "provider": provider,
                "summary": r.summary,
                "warnings": r.warnings,
            })),
            Err(f) => {
                let mut d = failure_json(f);
                d["outcome"] = json!(if f.class == ErrorClass::Network {
                    "failed"
                } else {
                    "rejected"
                });
                d["provider"] = json!(provider);
                d["summary"] = json!(null);
                d["warnings"] = json!([]);
                d
            }
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(code);
    }
    match &result {
        Ok(r) => {
            let mark = if r.usable { "✓" } else { "✗" };
            writeln!(
                out,
                "{mark} {name} accepted the credentials: {}.",
                r.summary
            )?;
            for w in &r.warnings {
                writeln!(out, "  ! {w}")?;
            }
        }
        Err(f) => print_failure(out, name, f)?,
    }
    Ok(code)
}
