//! The tenant's side of a message: its SMS log events (the send requests
//! and the failures), read with the Management API's `q` Lucene search,
//! paged, through [`Connection::read`] (which waits out a 429 within
//! [`super::MAX_RATE_WAIT`]).
//!
//! Sources: the docs' "Log Event Type Codes" (`gd_send_sms` "MFA SMS
//! sent", `gd_send_sms_failure`, `gd_send_voice`, `gd_send_voice_failure`,
//! `fn` "Failed Sending Notification" with `details.to`,
//! `actions_execution_failed`); "Log Search Query Syntax" (`type:(A OR
//! B)`, ranges `date:[X TO *]`); `GET /logs` in the Management API spec
//! (`page`, `per_page` up to 100, `sort=date:-1`; search paging stops at
//! 1,000 results).

use super::{Connection, Unreadable, inspect};
use crate::providers::delivery::{digits, parse_time, plus, rfc3339};
use serde::Serialize;
use serde_json::Value;

/// The SMS-related log types: sends and failures, text and voice.
pub(crate) const SMS_TYPES: [&str; 6] = [
    "gd_send_sms",
    "gd_send_sms_failure",
    "gd_send_voice",
    "gd_send_voice_failure",
    "fn",
    "actions_execution_failed",
];

/// Logs per page (the API's maximum).
pub(crate) const PER_PAGE: usize = 100;
/// Auth0 pages a search up to this many results.
pub(crate) const MAX_EVENTS: usize = 1000;

/// The Lucene query for SMS events since a time.
pub(crate) fn query(since: i64) -> String {
    format!(
        "type:({}) AND date:[{} TO *]",
        SMS_TYPES.join(" OR "),
        rfc3339(since)
    )
}

/// One log event, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub(crate) log_id: String,
    /// Seconds since the UNIX epoch.
    pub at: i64,
    /// The log type (`gd_send_sms`).
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// The recipient in E.164, where the event names one.
    pub(crate) to: Option<String>,
    /// Whether it records a failure (not a send request).
    pub(crate) failure: bool,
    /// Auth0's description.
    pub(crate) description: String,
    /// The provider's (or the Action's) error code pulled out of `details`.
    pub(crate) code: Option<String>,
    /// The provider's (or the Action's) error text pulled out of `details`.
    pub(crate) error: Option<String>,
}

impl Event {
    /// Read one log entry; `None` for one that is not about a phone message.
    pub(crate) fn read(e: &Value) -> Option<Event> {
        let kind = e["type"].as_str()?.to_string();
        if !SMS_TYPES.contains(&kind.as_str()) || !inspect::is_phone_failure(e) {
            return None;
        }
        let d = &e["details"];
        let error = [
            &d["provider_error"]["message"],
            &d["failure_details"]["message"],
            &d["error"]["message"],
            &d["error"],
        ]
        .iter()
        .find_map(|v| v.as_str().map(str::to_string));
        let code = [
            &d["provider_error"]["errorCode"],
            &d["failure_details"]["errorCode"],
            &d["error"]["code"],
        ]
        .iter()
        .find_map(|v| match v {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        Some(Event {
            log_id: e["log_id"]
                .as_str()
                .or(e["_id"].as_str())
                .unwrap_or_default()
                .to_string(),
            at: e["date"].as_str().and_then(parse_time).unwrap_or(0),
            failure: !matches!(kind.as_str(), "gd_send_sms" | "gd_send_voice"),
            kind,
            to: phone_in(d),
            description: e["description"].as_str().unwrap_or_default().to_string(),
            code,
            error,
        })
    }

    /// Voice rather than text.
    pub(crate) fn voice(&self) -> bool {
        self.kind.contains("voice")
    }
}

/// The recipient named in `details`: `to` (the documented field of `fn`),
/// `phone_number`, `recipient`, or the first string anywhere in it that
/// reads as a whole phone number (`+` and 8 to 15 digits). The docs do not
/// fix where `gd_send_sms` puts the number, so every place is tried.
pub(crate) fn phone_in(details: &Value) -> Option<String> {
    fn looks_phone(s: &str) -> bool {
        let s = s.trim();
        let n = digits(s).len();
        s.starts_with('+')
            && (8..=15).contains(&n)
            && s.chars().all(|c| c.is_ascii_digit() || "+ -()".contains(c))
    }
    for k in ["to", "phone_number", "recipient", "phone"] {
        if let Some(s) = details[k].as_str().filter(|s| looks_phone(s)) {
            return Some(plus(s));
        }
    }
    fn walk(v: &Value, depth: u8) -> Option<String> {
        if depth > 4 {
            return None;
        }
        match v {
            Value::String(s) if looks_phone(s) => Some(plus(s)),
            Value::Object(o) => o.values().find_map(|x| walk(x, depth + 1)),
            Value::Array(a) => a.iter().find_map(|x| walk(x, depth + 1)),
            _ => None,
        }
    }
    walk(details, 0)
}

/// What the tenant logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Events {
    /// Newest first.
    pub events: Vec<Event>,
    /// More matched than were read.
    pub(crate) truncated: bool,
}

/// The SMS events since `since` (for one recipient, or all), newest
/// first, at most `limit` of them (and never past Auth0's 1,000), one
/// page after another.
pub async fn read(
    conn: &Connection,
    to: Option<&str>,
    since: i64,
    limit: usize,
) -> Result<Events, Unreadable> {
    let limit = limit.clamp(1, MAX_EVENTS);
    let q = query(since);
    let mut out = Vec::new();
    let mut truncated = false;
    for page in 0..MAX_EVENTS / PER_PAGE {
        let path = format!(
            "/logs?q={}&sort=date%3A-1&per_page={PER_PAGE}&page={page}",
            crate::http::segment(&q)
        );
        let v = conn.read("read:logs", &path).await?;
        let entries = v.as_array().cloned().unwrap_or_default();
        let n = entries.len();
        for e in &entries {
            let Some(ev) = Event::read(e) else { continue };
            if ev.at < since {
                continue;
            }
            if let Some(t) = to
                && ev.to.as_deref().is_none_or(|x| digits(x) != digits(t))
            {
                continue;
            }
            if out.len() >= limit {
                truncated = true;
                break;
            }
            out.push(ev);
        }
        if truncated || n < PER_PAGE {
            break;
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    Ok(Events {
        events: out,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_failure_and_its_number() {
        let e = json!({"log_id": "1", "date": "2026-11-23T09:50:00.000Z", "type": "fn",
            "description": "Failed to send SMS",
            "details": {"to": "+14155550100", "provider_error": {"errorCode": "21608", "message": "unverified"}}});
        let ev = Event::read(&e).unwrap();
        assert_eq!(ev.to.as_deref(), Some("+14155550100"));
        assert_eq!(ev.code.as_deref(), Some("21608"));
        assert!(ev.failure);
        let mail = json!({"type": "fn", "details": {"email_type": "verify", "to": "a@b.c"}});
        assert_eq!(Event::read(&mail), None);
        let nested = json!({"details": {"request": {"body": {"phone": "+44 7911 123456"}}}});
        assert_eq!(
            phone_in(&nested["details"]).as_deref(),
            Some("+447911123456")
        );
    }
}
