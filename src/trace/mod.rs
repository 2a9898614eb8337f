//! One message from the login to the handset: the tenant's SMS log events
//! and the provider's delivery records for a recipient and a time window,
//! joined into one timeline, oldest first, with the gaps as findings.
//!
//! [`join`] is pure (tested with made-up sides); [`gather`] reads both
//! sides at once (the two chains of pages run concurrently) and joins them.
//! `sms-mfa trace`, `doctor`'s recent-failures check and the wizard's
//! "Recent deliveries" view all use these two.

use crate::auth0::events::{self, Event, Events};
use crate::auth0::{Connection, Unreadable};
use crate::providers::clients::Client;
use crate::providers::delivery::{CannotLook, Query, Record, Records, State, clock, digits};
use serde::Serialize;

/// How far apart Auth0's log of a send and the provider's record of the
/// message may be and still be one message: the Action calls the provider
/// and Auth0 logs when it returns.
pub(crate) const MATCH_WINDOW: i64 = 60;
/// How many failures the all-recipients view lists.
pub(crate) const LATEST_FAILURES: usize = 20;

/// What one side gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Side<T> {
    Read(T),
    /// It could not be read: why, and what to do.
    CannotLook {
        reason: String,
        fix: String,
    },
}

impl<T> Side<T> {
    pub fn read(&self) -> Option<&T> {
        match self {
            Side::Read(t) => Some(t),
            Side::CannotLook { .. } => None,
        }
    }
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Seconds since the UNIX epoch.
    pub(crate) at: i64,
    /// `auth0` or the provider's catalog id.
    pub source: String,
    /// What happened, in a few words.
    pub(crate) what: String,
    pub to: Option<String>,
    /// The provider's message id or Auth0's log id.
    pub(crate) id: String,
    /// The provider's state (provider entries only).
    pub(crate) state: Option<State>,
    pub code: Option<String>,
    /// The outside text (the provider's or Auth0's), kept as it came.
    pub message: Option<String>,
    pub(crate) meaning: Option<String>,
    pub(crate) fix: Option<String>,
}

/// A gap or a failure worth a person's attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `undelivered`, `pending`, `never-reached-provider`,
    /// `failed-before-provider`, `not-asked-by-auth0`, `cannot-look`.
    pub kind: String,
    pub(crate) at: Option<i64>,
    pub text: String,
    pub fix: String,
}

/// How the latest message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Delivered,
    NotDelivered,
    NothingFound,
    CannotLook,
}

impl Verdict {
    /// 0 delivered (or, for every recipient, no failure); 1 not delivered
    /// or nothing found; 2 cannot look.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Delivered => 0,
            Verdict::NotDelivered | Verdict::NothingFound => 1,
            Verdict::CannotLook => 2,
        }
    }
}

/// The joined story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    pub(crate) to: Option<String>,
    pub(crate) since: i64,
    pub(crate) provider: String,
    pub verdict: Verdict,
    /// Oldest first.
    pub timeline: Vec<Entry>,
    pub findings: Vec<Finding>,
    pub provider_side: Side<Records>,
    pub auth0_side: Side<Events>,
}

fn provider_entry(r: &Record, name: &str) -> Entry {
    let what = match r.state {
        State::Delivered => format!("{name}: {} {} (delivered)", r.status, r.id),
        State::Pending => format!(
            "{name} accepted {}: {} (no final status yet)",
            r.id, r.status
        ),
        State::Failed => format!("{name}: {} {} (not delivered)", r.status, r.id),
    };
    Entry {
        at: r.at,
        source: r.provider.clone(),
        what,
        to: Some(r.to.clone()),
        id: r.id.clone(),
        state: Some(r.state),
        code: r.code.clone(),
        message: r.message.clone(),
        meaning: r.meaning.clone(),
        fix: r.fix.clone(),
    }
}

fn auth0_entry(e: &Event) -> Entry {
    let channel = if e.voice() { "voice call" } else { "SMS" };
    let what = match e.kind.as_str() {
        "gd_send_sms" | "gd_send_voice" => format!("Auth0 asked for an MFA code by {channel}"),
        "actions_execution_failed" => "Auth0: the phone Action failed".to_string(),
        "fn" => "Auth0: sending the notification failed".to_string(),
        _ => format!("Auth0: the MFA {channel} failed"),
    };
    let fix = e.failure.then(|| {
        "Read the Action's error below (Auth0 Dashboard > Monitoring > Logs, Raw tab); `sms-mfa tenant check` checks the Action and its secrets.".to_string()
    });
    Entry {
        at: e.at,
        source: "auth0".into(),
        what: format!("{what} ({})", e.kind),
        to: e.to.clone(),
        id: e.log_id.clone(),
        state: None,
        code: e.code.clone(),
        // A failure's text; a send request has nothing more to say.
        message: e
            .error
            .clone()
            .or_else(|| (e.failure && !e.description.is_empty()).then(|| e.description.clone())),
        meaning: None,
        fix,
    }
}

fn same_number(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| digits(a) == digits(b))
}

/// Whether a provider record answers an Auth0 event: the same number
/// (where the event names one) within [`MATCH_WINDOW`].
fn near(e: &Event, r: &Record) -> bool {
    (r.at - e.at).abs() <= MATCH_WINDOW && (e.to.is_none() || same_number(e.to.as_deref(), &r.to))
}

/// Join the two sides. `to`: one recipient, or (None) the latest
/// failures of every recipient.
pub(crate) fn join(
    to: Option<&str>,
    since: i64,
    provider: &str,
    provider_side: Side<Records>,
    auth0_side: Side<Events>,
) -> Trace {
    let records: Vec<&Record> = provider_side
        .read()
        .map(|r| r.records.iter().collect())
        .unwrap_or_default();
    let events: Vec<&Event> = auth0_side
        .read()
        .map(|e| e.events.iter().collect())
        .unwrap_or_default();
    let mut findings = Vec::new();
    let mut timeline = Vec::new();

    if let Side::CannotLook { reason, fix } = &provider_side {
        findings.push(Finding {
            kind: "cannot-look".into(),
            at: None,
            text: format!("Could not look at {provider}'s records: {reason}"),
            fix: fix.clone(),
        });
    }
    if let Side::CannotLook { reason, fix } = &auth0_side {
        findings.push(Finding {
            kind: "cannot-look".into(),
            at: None,
            text: format!("Could not read the tenant's logs: {reason}"),
            fix: fix.clone(),
        });
    }
    for e in &events {
        let answered = records.iter().any(|r| near(e, r));
        if answered || provider_side.read().is_none() {
            continue;
        }
        if e.failure {
            let why = e.error.clone().unwrap_or_else(|| e.description.clone());
            findings.push(Finding {
                kind: "failed-before-provider".into(),
                at: Some(e.at),
                text: format!(
                    "{} Auth0 logged a failure ({}) and {provider} has no record of the message: it failed before reaching the provider: {why}",
                    clock(e.at),
                    e.kind
                ),
                fix: "Fix what the Action's error says (often a secret name or value, or the provider refusing the request): `sms-mfa tenant check` and `sms-mfa doctor` check both.".into(),
            });
        } else {
            findings.push(Finding {
                kind: "never-reached-provider".into(),
                at: Some(e.at),
                text: format!(
                    "{} Auth0 logged a send ({}) and {provider} has no record of it: the code never reached the provider.",
                    clock(e.at),
                    e.kind
                ),
                fix: "Look at the Action's failure in the tenant's logs (Monitoring > Logs) and check that the Action sends with this provider's account (`sms-mfa tenant check`).".into(),
            });
        }
    }
    if auth0_side.read().is_some() && to.is_some() {
        let unasked: Vec<&&Record> = records
            .iter()
            .filter(|r| !events.iter().any(|e| near(e, r)))
            .collect();
        if let Some(first) = unasked.last() {
            findings.push(Finding {
                kind: "not-asked-by-auth0".into(),
                at: Some(first.at),
                text: format!(
                    "{provider} has {} message(s) to this number that Auth0 did not log a send for (a test message, another application on the same account, or a code sent outside Auth0).",
                    unasked.len()
                ),
                fix: "Nothing to fix if they were test messages; otherwise check which application uses this provider account.".into(),
            });
        }
    }
    for r in &records {
        if to.is_none() && r.state != State::Failed {
            continue;
        }
        timeline.push(provider_entry(r, provider));
        if r.state == State::Failed {
            findings.push(Finding {
                kind: "undelivered".into(),
                at: Some(r.at),
                text: format!(
                    "{} {provider} did not deliver {} to {}: {}{}",
                    clock(r.at),
                    r.id,
                    r.to,
                    r.code
                        .as_deref()
                        .map(|c| format!("[{c}] "))
                        .unwrap_or_default(),
                    r.meaning
                        .clone()
                        .or_else(|| r.message.clone())
                        .unwrap_or_else(|| r.status.clone())
                ),
                fix: r.fix.clone().unwrap_or_default(),
            });
        }
    }
    for e in &events {
        if to.is_none() && !e.failure {
            continue;
        }
        timeline.push(auth0_entry(e));
    }
    // Oldest first; at the same second Auth0's request before the provider.
    timeline.sort_by(|a, b| {
        a.at.cmp(&b.at)
            .then_with(|| (a.source != "auth0").cmp(&(b.source != "auth0")))
    });
    findings.sort_by_key(|f| f.at.unwrap_or(i64::MIN));
    if to.is_none() {
        let n = timeline.len().saturating_sub(LATEST_FAILURES);
        timeline.drain(..n);
    }

    let latest_record = records.iter().max_by_key(|r| r.at);
    let latest_event = events.iter().max_by_key(|e| e.at);
    let verdict = if provider_side.read().is_none() {
        Verdict::CannotLook
    } else if to.is_none() {
        if findings
            .iter()
            .any(|f| f.kind != "not-asked-by-auth0" && f.kind != "cannot-look")
        {
            Verdict::NotDelivered
        } else {
            Verdict::Delivered
        }
    } else {
        match (latest_record, latest_event) {
            // A send Auth0 logged after the provider's latest message,
            // with no record of its own: the latest code never arrived.
            (_, Some(e))
                if !records.iter().any(|r| near(e, r))
                    && latest_record.is_none_or(|r| e.at > r.at) =>
            {
                Verdict::NotDelivered
            }
            (Some(r), _) if r.state == State::Delivered => Verdict::Delivered,
            (Some(_), _) => Verdict::NotDelivered,
            (None, _) => Verdict::NothingFound,
        }
    };
    if to.is_some()
        && let Some(r) = latest_record.filter(|r| r.state == State::Pending)
        && verdict == Verdict::NotDelivered
    {
        findings.push(Finding {
            kind: "pending".into(),
            at: Some(r.at),
            text: format!(
                "{} {provider} has no final status for {} yet ({}).",
                clock(r.at),
                r.id,
                r.status
            ),
            fix: "Wait a minute and trace again; a message pending for hours was not delivered."
                .into(),
        });
    }
    Trace {
        to: to.map(str::to_string),
        since,
        provider: provider.to_string(),
        verdict,
        timeline,
        findings,
        provider_side,
        auth0_side,
    }
}

/// The Auth0 side's reading of an [`Unreadable`].
pub(crate) fn unreadable(u: &Unreadable) -> Side<Events> {
    Side::CannotLook {
        reason: u.to_string(),
        fix: match u {
            Unreadable::Scope(_) => "Grant read:logs to the Management API client.".into(),
            Unreadable::Refused(_, e) => e.hint().to_string(),
        },
    }
}

fn cannot(c: CannotLook) -> Side<Records> {
    Side::CannotLook {
        reason: c.reason,
        fix: c.fix,
    }
}

/// Read both sides at once and join them. A side with nothing to read it
/// with (no provider settings, no tenant connection) comes as the reason.
pub async fn gather(
    client: Result<&Client, CannotLook>,
    conn: Result<&Connection, String>,
    q: &Query,
) -> Trace {
    let provider = match &client {
        Ok(c) => c.name().to_string(),
        Err(c) => c.provider.clone(),
    };
    let provider_side = async {
        match client {
            Ok(c) => c.delivery_records(q).await.map_or_else(cannot, Side::Read),
            Err(c) => cannot(c),
        }
    };
    let auth0_side = async {
        match conn {
            Ok(conn) => match events::read(conn, q.to.as_deref(), q.since, q.limit).await {
                Ok(e) => Side::Read(e),
                Err(u) => unreadable(&u),
            },
            Err(reason) => Side::CannotLook {
                reason,
                fix: "Set up the tenant connection (sms-mfa secrets set auth0 AUTH0_CLIENT_SECRET, with AUTH0_DOMAIN and AUTH0_CLIENT_ID), or give a token in SMS_MFA_AUTH0_TOKEN.".into(),
            },
        }
    };
    let (p, a) = futures::join!(provider_side, auth0_side);
    join(q.to.as_deref(), q.since, &provider, p, a)
}

/// The timeline as text, one line per entry and the findings after it.
pub fn text(t: &Trace) -> String {
    let mut s = String::new();
    match &t.to {
        Some(to) => s.push_str(&format!(
            "Trace for {to} since {} UTC · {}\n",
            crate::providers::delivery::rfc3339(t.since),
            t.provider
        )),
        None => s.push_str(&format!(
            "Latest failures, every recipient, since {} UTC · {}\n",
            crate::providers::delivery::rfc3339(t.since),
            t.provider
        )),
    }
    if t.timeline.is_empty() {
        s.push_str("  (nothing recorded on either side)\n");
    }
    for e in &t.timeline {
        let to = match (&t.to, &e.to) {
            (None, Some(n)) => format!(" to {n}"),
            _ => String::new(),
        };
        s.push_str(&format!("{} {}{to}\n", clock(e.at), e.what));
        if let Some(c) = &e.code {
            s.push_str(&format!("         code {c}"));
            if let Some(m) = &e.meaning {
                s.push_str(&format!(": {m}"));
            }
            s.push('\n');
        }
        if let Some(m) = &e.message {
            s.push_str(&format!("         said: {m}\n"));
        }
        if let Some(f) = &e.fix {
            s.push_str(&format!("         → {f}\n"));
        }
    }
    if !t.findings.is_empty() {
        s.push_str("Findings:\n");
        for f in &t.findings {
            s.push_str(&format!("  • {}\n    → {}\n", f.text, f.fix));
        }
    }
    s.push_str(match t.verdict {
        Verdict::Delivered if t.to.is_some() => "The latest message was delivered.\n",
        Verdict::Delivered => "No failures found.\n",
        Verdict::NotDelivered if t.to.is_some() => "The latest message was not delivered.\n",
        Verdict::NotDelivered => "Failures found.\n",
        Verdict::NothingFound => "Nothing found for this number in this window.\n",
        Verdict::CannotLook => "Could not look at the provider's records.\n",
    });
    s
}
