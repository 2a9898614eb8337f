//! The simulated SMS provider APIs (Twilio Programmable Messaging, Twilio
//! Verify, Vonage, Infobip, Esendex) on one loopback server.
//!
//! One loopback server ([`super::server`]) with one catch-all responder answers every
//! provider on its real paths (they do not collide), the way the clients in
//! `src/providers/clients/` call them:
//!
//! | provider | simulated |
//! | --- | --- |
//! | Twilio 2010-04-01 | `GET Accounts/{Sid}.json`, `POST Messages.json`, `GET Messages/{Sid}.json` (accepted messages are `delivered`), `GET IncomingPhoneNumbers.json` (three numbers, one of them voice only), `GET OutgoingCallerIds.json` (`Accounts::verified`) |
//! | Twilio Messaging v1 | `GET /v1/Services`, `GET /v1/Services/{Sid}/PhoneNumbers` (one service, sending from the first number) |
//! | Twilio Verify v2 | `GET Services` (two: one with custom codes off), `GET Services/{Sid}`, `POST Services/{Sid}/Verifications` (`Channel=sms`, `CustomCode`) |
//! | Vonage | `GET /account/get-balance`, `GET /account/numbers` (two numbers, one without SMS), `POST /sms/json` (always HTTP 200, a status per message) |
//! | Infobip | `GET /account/1/balance`, `POST /sms/3/messages` (`Authorization: App KEY`; HTTP 200 may carry REJECTED) |
//! | Esendex | `GET /v1.0/accounts`, `POST /v1.0/messagedispatcher` (JSON) |
//!
//! Where the shapes come from: every request that has an operation in the
//! vendors' official OpenAPI specs (../shared/specs, rules extracted into
//! assets/specs/requests.json) is checked with [`spec::problems`], and one
//! the spec does not allow gets the provider's own 400 answer. Answer
//! bodies follow the specs' schemas and examples (Twilio, Vonage SMS and
//! Account, Infobip v3); the error codes and their meaning come from
//! assets/providers.toml and ../shared/reference/PROVIDERS.md. Infobip's
//! `/account/1/balance` and all of Esendex have no spec: their shapes
//! follow PROVIDERS.md (Esendex's error bodies are undocumented short texts).
//!
//! What the accounts are like comes from [`Accounts`]: only the sandbox
//! credentials ([`credentials`]) authenticate, a recipient must be E.164,
//! a trial account reaches only `verified` numbers, `insufficient_funds`
//! recipients fail for lack of money, Verify custom codes can be off, and
//! Vonage and Infobip report `balance` (0 or less: every message fails for
//! lack of funds). Not simulated: delivery failures after acceptance,
//! rate limits, Verify channels other than `sms`, Esendex's XML dispatch
//! requests, paging beyond one page.
//!
//! The responder never panics on its input: anything unexpected gets the
//! provider's error answer.
//!
//! Here: the accounts, the sandbox credentials, the responder, and what the
//! vendors share (the delivery records' outcome codes and paging). Each
//! vendor's API is in its own file: `twilio.rs` (Programmable Messaging,
//! Messaging v1), `verify.rs`, `vonage.rs`, `infobip.rs`, `esendex.rs`.

use super::spec;
use crate::providers::{Catalog, Kind};
/// A number the simulated providers deliver to: E.164 and in a range
/// libphonenumber's metadata knows (a real provider refuses numbers that
/// do not exist; the wizard only warns about unknown ranges, as its
/// metadata may lag).
fn e164(number: &str) -> Result<String, String> {
    let n = crate::providers::validate::e164(number)?;
    match crate::providers::phone::known(&n) {
        crate::providers::phone::Known::Valid => Ok(n),
        _ => Err(format!("{n} is not a number in service")),
    }
}
use super::server::{Request, Respond, Response, Server};

mod esendex;
mod infobip;
mod twilio;
mod verify;
mod vonage;
use esendex::*;
use infobip::*;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use twilio::*;
use verify::*;
use vonage::*;

/// What the simulated provider accounts are like (a scenario's `[accounts]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Accounts {
    /// A trial account: only `verified` numbers are reached (Twilio type
    /// "Trial", error 21608; Vonage status 29; Infobip REJECTED 18).
    pub trial: bool,
    /// The numbers a trial account may reach (E.164).
    pub verified: Vec<String>,
    /// Recipients whose messages fail for lack of funds, with each
    /// provider's own insufficient-funds answer.
    pub insufficient_funds: Vec<String>,
    /// Twilio Verify: custom verification codes enabled on the service.
    pub custom_codes: bool,
    /// The balance Vonage and Infobip report.
    pub balance: f64,
    /// Messages sent before the sandbox started: what every provider's
    /// delivery records show (and the tenant's log, see
    /// `Scenario::tenant`).
    pub history: Vec<Past>,
}

/// A message of the scenario's past.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Past {
    /// The recipient, E.164.
    pub to: String,
    /// How long before the sandbox started.
    pub minutes_ago: u32,
    pub outcome: Outcome,
    /// `action-failed`: the error code and text the tenant's log carries.
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

/// What became of a past message. The codes each provider reports for
/// them are in [`outcome_codes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Delivered,
    /// The handset is off or out of coverage (Twilio 30003).
    Unreachable,
    /// The carrier filtered it (Twilio 30007).
    Filtered,
    /// The recipient replied STOP (Twilio 21610).
    OptedOut,
    /// Auth0 logged a send, and the provider never got it.
    NeverReached,
    /// The Action failed before calling the provider (Auth0 logs the
    /// failure; the provider has no record).
    ActionFailed,
}

impl Outcome {
    /// Whether the provider has a record of it.
    pub(crate) fn reached_provider(self) -> bool {
        !matches!(self, Outcome::NeverReached | Outcome::ActionFailed)
    }
}

/// A message the simulated providers have a record of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimRecord {
    /// The provider that took it (None: the scenario's past, in every
    /// provider's records).
    pub(crate) provider: Option<&'static str>,
    pub(crate) id: Option<String>,
    pub(crate) seq: u64,
    pub(crate) to: String,
    /// Seconds since the UNIX epoch.
    pub(crate) at: i64,
    pub(crate) outcome: Outcome,
}

impl Default for Accounts {
    fn default() -> Accounts {
        Accounts {
            trial: false,
            verified: Vec::new(),
            insufficient_funds: Vec::new(),
            custom_codes: true,
            balance: 25.0,
            history: Vec::new(),
        }
    }
}

/// A message a simulated provider accepted: what the phone would show.
pub use crate::providers::delivered::Delivered;

/// Told about every accepted message, as it is accepted.
pub type OnDelivery = Arc<dyn Fn(Delivered) + Send + Sync>;

/// The simulated accounts' state.
pub struct State {
    pub accounts: Accounts,
    pub(crate) inbox: Vec<Delivered>,
    /// Every message's delivery record, oldest first.
    pub(crate) records: Vec<SimRecord>,
}

/// The running simulation.
pub struct Providers {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
}

impl Providers {
    /// Serve every provider's API on one loopback port.
    pub async fn serve(accounts: Accounts, on_delivery: Option<OnDelivery>) -> Providers {
        Providers::serve_with_delay(accounts, on_delivery, std::time::Duration::ZERO).await
    }

    /// The same, every answer `delay` late.
    pub async fn serve_with_delay(
        accounts: Accounts,
        on_delivery: Option<OnDelivery>,
        delay: std::time::Duration,
    ) -> Providers {
        let now = crate::providers::delivery::now();
        let mut records: Vec<SimRecord> = accounts
            .history
            .iter()
            .enumerate()
            .filter(|(_, p)| p.outcome.reached_provider())
            .map(|(i, p)| SimRecord {
                provider: None,
                id: None,
                // Apart from the ids of messages sent later (from 1).
                seq: 0x5eed_0000 + i as u64,
                to: p.to.clone(),
                at: now - i64::from(p.minutes_ago) * 60,
                outcome: p.outcome,
            })
            .collect();
        records.sort_by_key(|r| r.at);
        let state = Arc::new(Mutex::new(State {
            accounts,
            inbox: Vec::new(),
            records,
        }));
        let server = Server::start(Responder {
            state: state.clone(),
            on_delivery,
            next_id: AtomicU64::new(1),
            delay,
        });
        Providers { server, state }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The environment that points every provider's client here:
    /// `SMS_MFA_<base_setting>` of every catalog provider (TWILIO_BASE_URL,
    /// TWILIO_VERIFY_BASE_URL, VONAGE_BASE_URL, INFOBIP_BASE_URL,
    /// ESENDEX_BASE_URL), each this server.
    pub fn env(&self) -> Vec<(String, String)> {
        let uri = self.uri();
        Catalog::builtin()
            .providers
            .iter()
            .filter_map(|p| p.base_setting.as_deref())
            .map(|name| (crate::settings::env_var(name), uri.clone()))
            .collect()
    }

    pub fn inbox(&self) -> Vec<Delivered> {
        lock(&self.state).inbox.clone()
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // A panic elsewhere while holding the lock leaves the data usable.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

// ---- The sandbox accounts (the values of tests/common/fakes.rs) ----

const TWILIO_SID: &str = "AC0123456789abcdef0123456789abcdef";
const TWILIO_TOKEN: &str = "fedcba98765432100123456789abcdef";
/// The account's one number, SMS-capable (IncomingPhoneNumbers).
const TWILIO_NUMBER: &str = "+15005550006";
/// The account's one Messaging Service; it sends from `TWILIO_NUMBER`.
const TWILIO_MESSAGING_SERVICE: &str = "MG0123456789abcdef0123456789abcdef";
const VERIFY_SERVICE: &str = "VA0123456789abcdef0123456789abcdef";
/// A second Verify service, custom codes off (Verify v2 `custom_code_enabled`
/// false): picking it in step 2 shows why it cannot carry Auth0's code.
const VERIFY_NO_CUSTOM: &str = "VAfedcba9876543210fedcba9876543210";
/// The account's numbers, as IncomingPhoneNumbers lists them: (number,
/// friendly name, SMS-capable). Sends are taken from the SMS-capable ones.
const TWILIO_NUMBERS: [(&str, &str, bool); 3] = [
    (TWILIO_NUMBER, "sms-mfa sandbox", true),
    ("+15005550007", "Support line (voice only)", false),
    ("+15005550008", "Second SMS number", true),
];
/// Vonage's numbers (`/account/numbers`): (msisdn, country, features).
const VONAGE_NUMBERS: [(&str, &str, &[&str]); 2] = [
    ("14155550199", "US", &["VOICE", "SMS"]),
    ("447700900123", "GB", &["VOICE"]),
];
const VONAGE_KEY: &str = "abcd1234";
const VONAGE_SECRET: &str = "s3cr3tValue";
const VONAGE_FROM: &str = "+14155550199";
const INFOBIP_KEY: &str = "0123456789abcdef0123456789abcdef-01234567";
const ESENDEX_ACCOUNT: &str = "EX0000001";
const ESENDEX_USER: &str = "admin@example.com";
const ESENDEX_PASSWORD: &str = "correct-horse";

/// The sandbox account's settings for `provider`, as a user types them in
/// step 2: (setting name, value).
///
/// The base URLs are not among them: [`Providers::env`] sets them all.
/// That includes Infobip's `INFOBIP_BASE_URL`, although the catalog makes it
/// required: `secrets::resolve` reads `SMS_MFA_INFOBIP_BASE_URL` first (the
/// environment wins), and the settings form counts a setting the
/// environment sets as present (`Stored::present`), so the form and
/// `check_settings` are satisfied without it being typed. Typing it too
/// would only earn the "set in the environment and wins" warning.
pub fn credentials(provider: &str) -> Vec<(&'static str, &'static str)> {
    match provider.parse::<Kind>() {
        Ok(Kind::Twilio) => vec![
            ("TWILIO_ACCOUNT_SID", TWILIO_SID),
            ("TWILIO_AUTH_TOKEN", TWILIO_TOKEN),
            ("TWILIO_PHONE_NUMBER", TWILIO_NUMBER),
        ],
        Ok(Kind::TwilioVerify) => vec![
            ("TWILIO_ACCOUNT_SID", TWILIO_SID),
            ("TWILIO_AUTH_TOKEN", TWILIO_TOKEN),
            ("TWILIO_VERIFY_SERVICE_SID", VERIFY_SERVICE),
        ],
        Ok(Kind::Vonage) => vec![
            ("VONAGE_API_KEY", VONAGE_KEY),
            ("VONAGE_API_SECRET", VONAGE_SECRET),
            ("VONAGE_FROM_NUMBER", VONAGE_FROM),
        ],
        Ok(Kind::Infobip) => vec![("INFOBIP_API_KEY", INFOBIP_KEY)],
        Ok(Kind::Esendex) => vec![
            ("ESENDEX_ACCOUNT", ESENDEX_ACCOUNT),
            ("ESENDEX_USERNAME", ESENDEX_USER),
            ("ESENDEX_PASSWORD", ESENDEX_PASSWORD),
        ],
        Err(_) => Vec::new(),
    }
}

/// The catalog id of the provider whose API `path` belongs to.
pub fn provider_of(path: &str) -> Option<&'static str> {
    match path {
        "/sms/json" | "/account/get-balance" | "/account/numbers" => Some("vonage"),
        p if p.starts_with("/v1/Services") => Some("twilio-messaging"),
        p if p.starts_with("/2010-04-01/") => Some("twilio"),
        p if p.starts_with("/v2/") => Some("twilio-verify"),
        p if p.starts_with("/sms/") || p.starts_with("/account/1/") => Some("infobip"),
        p if p.starts_with("/v1.0/") => Some("esendex"),
        _ => None,
    }
}

/// The spec operation (assets/specs/requests.json) a request to `method`
/// `path` is, where the vendor's spec has one (Infobip's balance and
/// Esendex have none).
pub fn operation(method: &str, path: &str) -> Option<&'static str> {
    let provider = provider_of(path)?;
    spec::find(&format!("{provider}."), method, path)
}

// ---- The responder ----

struct Responder {
    state: Arc<Mutex<State>>,
    on_delivery: Option<OnDelivery>,
    next_id: AtomicU64,
    /// Added to every answer (benchmarks: a far-away API).
    delay: std::time::Duration,
}

impl Respond for Responder {
    fn respond(&self, req: &Request) -> Response {
        let (reply, accepted) = {
            let mut state = lock(&self.state);
            let mut call = Call {
                req,
                path: req.url.path(),
                method: req.method.as_str(),
                accounts: &state.accounts,
                inbox: &state.inbox,
                records: &state.records,
                next_id: &self.next_id,
                accepted: Vec::new(),
            };
            let reply = answer(&mut call);
            let accepted = call.accepted;
            state.inbox.extend(accepted.iter().cloned());
            let now = crate::providers::delivery::now();
            for d in &accepted {
                let seq = state.records.len() as u64 + 1000;
                state.records.push(SimRecord {
                    provider: Some(d.provider),
                    id: Some(d.id.clone()),
                    seq,
                    to: d.to.clone(),
                    at: now,
                    outcome: Outcome::Delivered,
                });
            }
            (reply, accepted)
        };
        // Outside the lock: the listener may look at the inbox.
        if let Some(tell) = &self.on_delivery {
            for d in accepted {
                tell(d);
            }
        }
        reply.response().set_delay(self.delay)
    }
}

fn answer(c: &mut Call) -> Reply {
    if c.path == "/v2/reports/records" {
        return vonage_records(c);
    }
    match provider_of(c.path) {
        // Twilio's Messaging API: a spec of its own, part of Twilio.
        Some("twilio-messaging") => twilio_messaging(c),
        Some(id) => match id.parse::<Kind>() {
            Ok(Kind::Twilio) => twilio(c),
            Ok(Kind::TwilioVerify) => twilio_verify(c),
            Ok(Kind::Vonage) => vonage(c),
            Ok(Kind::Infobip) => infobip(c),
            Ok(Kind::Esendex) => esendex(c),
            Err(_) => Reply::text(404, "Not Found"),
        },
        None => Reply::text(404, "Not Found"),
    }
}

/// An answer: the status and the body.
struct Reply {
    status: u16,
    body: Body,
}

enum Body {
    Json(Value),
    Text(String),
    Xml(String),
}

impl Reply {
    fn json(status: u16, v: Value) -> Reply {
        Reply {
            status,
            body: Body::Json(v),
        }
    }

    fn text(status: u16, t: impl Into<String>) -> Reply {
        Reply {
            status,
            body: Body::Text(t.into()),
        }
    }

    fn xml(status: u16, x: String) -> Reply {
        Reply {
            status,
            body: Body::Xml(x),
        }
    }

    fn response(self) -> Response {
        let t = Response::new(self.status);
        match self.body {
            Body::Json(v) => t.set_body_json(v),
            Body::Text(s) => t.set_body_raw(s, "text/plain; charset=utf-8"),
            Body::Xml(s) => t.set_body_raw(s, "application/xml; charset=utf-8"),
        }
    }
}

/// Why an account refuses a valid recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// A trial account, and the recipient is not verified.
    Trial,
    /// No money for this message.
    Funds,
}

/// One request, with what the accounts are like.
struct Call<'a> {
    req: &'a Request,
    path: &'a str,
    method: &'a str,
    accounts: &'a Accounts,
    /// What was accepted before this request.
    inbox: &'a [Delivered],
    /// Every message's delivery record.
    records: &'a [SimRecord],
    next_id: &'a AtomicU64,
    /// What this request has accepted.
    accepted: Vec<Delivered>,
}

impl Call<'_> {
    fn op(&self) -> Option<&'static str> {
        operation(self.method, self.path)
    }

    /// A field of the form-encoded body (the first, if repeated).
    fn field(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(&self.req.body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    fn query(&self, name: &str) -> Option<String> {
        self.req
            .url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.req.headers.get(name).and_then(|h| h.to_str().ok())
    }

    fn basic_auth(&self, user: &str, password: &str) -> bool {
        self.header("authorization") == Some(super::server::basic_auth(user, password).as_str())
    }

    /// The path's segments after the leading slash.
    fn segment(&self, i: usize) -> &str {
        self.path.split('/').nth(i + 1).unwrap_or("")
    }

    /// Whether the account refuses `to` (E.164). Providers that report a
    /// balance also refuse every message when it is used up.
    fn refusal(&self, to: &str, has_balance: bool) -> Option<Refusal> {
        let a = self.accounts;
        if a.trial && !a.verified.iter().any(|v| v == to) {
            Some(Refusal::Trial)
        } else if a.insufficient_funds.iter().any(|n| n == to) || (has_balance && a.balance <= 0.0)
        {
            Some(Refusal::Funds)
        } else {
            None
        }
    }

    fn new_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    fn deliver(&mut self, provider: &'static str, id: &str, to: &str, from: &str, text: &str) {
        self.accepted.push(Delivered {
            provider,
            id: id.to_string(),
            to: to.to_string(),
            from: from.to_string(),
            text: text.to_string(),
        });
    }
}

/// A recipient sent as digits without `+` (Vonage, Infobip, Esendex), as
/// E.164 with its plus; Esendex also takes a leading `+`.
fn digits_to_e164(raw: &str, plus_allowed: bool) -> Option<String> {
    let digits = if plus_allowed {
        raw.strip_prefix('+').unwrap_or(raw)
    } else {
        raw
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    e164(&format!("+{digits}")).ok()
}

/// A sender as the phone shows it: digits get their plus back.
fn shown_sender(from: &str) -> String {
    if !from.is_empty() && from.chars().all(|c| c.is_ascii_digit()) {
        format!("+{from}")
    } else {
        from.to_string()
    }
}

/// A message id in the GUID form Infobip and Esendex use.
fn guid(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// Whether the spec's problems include a missing required field.
fn lacks_fields(problems: &[String]) -> bool {
    problems.iter().any(|p| p.contains("lacks fields"))
}

// ---- Delivery records (`sms-mfa trace`) ----
//
// Each provider's list endpoint over the same records, in its own shape:
// Twilio's Messages list (twilio_api_v2010.json, `ListMessageResponse`,
// paged with `Page`/`PageSize` and `next_page_uri`), Verify's Attempts
// (twilio_verify_v2.json, `ListVerificationAttemptResponse`, `meta`),
// Infobip's `GET /sms/3/logs` (infobip_sms.json,
// `LogResponseSmsLogSmsMessageContent`, cursor paging), Esendex's message
// headers (the Esendex REST API reference, "Message Headers", XML) and
// Vonage's synchronous Reports API (github:Nexmo/api-specification
// `definitions/reports.yml`, `GET /v2/reports/records`, 24 hours at most
// per request). The codes each reports per outcome: Twilio's error
// dictionary (30003, 30007, 21610), Infobip's "Response status and error
// codes", Esendex's status words, Vonage's delivery-receipt error codes.

/// What `provider` reports for an outcome: (status, code, text).
pub(crate) fn outcome_codes(
    provider: Kind,
    outcome: Outcome,
) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    match (provider, outcome) {
        (Kind::Twilio | Kind::TwilioVerify, Outcome::Delivered) => ("delivered", None, None),
        (Kind::Twilio | Kind::TwilioVerify, Outcome::Unreachable) => (
            "undelivered",
            Some("30003"),
            Some("Unreachable destination handset"),
        ),
        (Kind::Twilio | Kind::TwilioVerify, Outcome::Filtered) => {
            ("undelivered", Some("30007"), Some("Message filtered"))
        }
        (Kind::Twilio | Kind::TwilioVerify, _) => (
            "failed",
            Some("21610"),
            Some("Attempt to send to unsubscribed recipient"),
        ),
        (Kind::Esendex, Outcome::Delivered) => ("Delivered", None, None),
        (Kind::Esendex, Outcome::Unreachable) => ("Expired", None, None),
        (Kind::Esendex, Outcome::Filtered) => ("Rejected", None, None),
        (Kind::Esendex, _) => ("Failed", None, None),
        (Kind::Vonage, Outcome::Delivered) => ("delivered", Some("0"), Some("Delivered")),
        (Kind::Vonage, Outcome::Unreachable) => {
            ("failed", Some("2"), Some("Absent Subscriber Temporary"))
        }
        (Kind::Vonage, Outcome::Filtered) => ("rejected", Some("6"), Some("Anti-Spam Rejection")),
        (Kind::Vonage, _) => ("failed", Some("4"), Some("Call barred by user")),
        // Infobip's logs carry their own status and error objects (`infobip_logs`).
        (Kind::Infobip, _) => ("unknown", None, None),
    }
}

/// The records `provider` has, newest first.
fn records_of<'a>(c: &'a Call, provider: &str) -> Vec<&'a SimRecord> {
    let mut v: Vec<&SimRecord> = c
        .records
        .iter()
        .filter(|r| r.provider.is_none_or(|p| p == provider))
        .collect();
    v.sort_by(|a, b| b.at.cmp(&a.at).then(b.seq.cmp(&a.seq)));
    v
}

/// `Mon, 23 Nov 2026 10:00:00 +0000`.
fn rfc2822(t: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso = crate::providers::delivery::rfc3339(t);
    let month: usize = iso[5..7].parse().unwrap_or(1);
    format!(
        "{}, {} {} {} {} +0000",
        DAYS[t.div_euclid(86_400).rem_euclid(7) as usize],
        &iso[8..10],
        MONTHS[month - 1],
        &iso[..4],
        &iso[11..19]
    )
}

/// Page `items` with `page` and `size`: (this page, whether more follow).
fn page_of<T: Clone>(items: &[T], page: usize, size: usize) -> (Vec<T>, bool) {
    let start = page.saturating_mul(size).min(items.len());
    let end = start.saturating_add(size).min(items.len());
    (items[start..end].to_vec(), end < items.len())
}

fn query_usize(c: &Call, name: &str, default: usize) -> usize {
    c.query(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The request's query with `Page` and `PageToken` set to the next page.
fn next_query(c: &Call, page: usize) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in c.req.url.query_pairs() {
        if k != "Page" && k != "PageToken" {
            ser.append_pair(&k, &v);
        }
    }
    ser.append_pair("Page", &page.to_string());
    ser.append_pair("PageToken", &format!("PA{page}"));
    ser.finish()
}
