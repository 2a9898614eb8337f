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

use super::spec;
use crate::providers::Catalog;
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
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

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
    pub fn reached_provider(self) -> bool {
        !matches!(self, Outcome::NeverReached | Outcome::ActionFailed)
    }
}

/// A message the simulated providers have a record of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRecord {
    /// The provider that took it (None: the scenario's past, in every
    /// provider's records).
    pub provider: Option<&'static str>,
    pub id: Option<String>,
    pub seq: u64,
    pub to: String,
    /// Seconds since the UNIX epoch.
    pub at: i64,
    pub outcome: Outcome,
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
    pub inbox: Vec<Delivered>,
    /// Every message's delivery record, oldest first.
    pub records: Vec<SimRecord>,
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
            .map(|name| (crate::secrets::env_var(name), uri.clone()))
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
    match provider {
        "twilio" => vec![
            ("TWILIO_ACCOUNT_SID", TWILIO_SID),
            ("TWILIO_AUTH_TOKEN", TWILIO_TOKEN),
            ("TWILIO_PHONE_NUMBER", TWILIO_NUMBER),
        ],
        "twilio-verify" => vec![
            ("TWILIO_ACCOUNT_SID", TWILIO_SID),
            ("TWILIO_AUTH_TOKEN", TWILIO_TOKEN),
            ("TWILIO_VERIFY_SERVICE_SID", VERIFY_SERVICE),
        ],
        "vonage" => vec![
            ("VONAGE_API_KEY", VONAGE_KEY),
            ("VONAGE_API_SECRET", VONAGE_SECRET),
            ("VONAGE_FROM_NUMBER", VONAGE_FROM),
        ],
        "infobip" => vec![("INFOBIP_API_KEY", INFOBIP_KEY)],
        "esendex" => vec![
            ("ESENDEX_ACCOUNT", ESENDEX_ACCOUNT),
            ("ESENDEX_USERNAME", ESENDEX_USER),
            ("ESENDEX_PASSWORD", ESENDEX_PASSWORD),
        ],
        _ => Vec::new(),
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
        Some("twilio") => twilio(c),
        Some("twilio-verify") => twilio_verify(c),
        Some("twilio-messaging") => twilio_messaging(c),
        Some("vonage") => vonage(c),
        Some("infobip") => infobip(c),
        Some("esendex") => esendex(c),
        _ => Reply::text(404, "Not Found"),
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

// ---- Twilio Programmable Messaging (twilio_api_v2010.json) ----

/// A fixed timestamp in Twilio's RFC 2822 form.
const TWILIO_DATE: &str = "Mon, 23 Nov 2026 10:00:00 +0000";

/// Twilio's error body: `{"code","message","more_info","status"}`.
fn twilio_error(status: u16, code: u32, message: impl Into<String>) -> Reply {
    Reply::json(
        status,
        json!({
            "code": code,
            "message": message.into(),
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": status,
        }),
    )
}

fn twilio_not_found(path: &str) -> Reply {
    twilio_error(
        404,
        20404,
        format!("The requested resource {path} was not found"),
    )
}

fn twilio_unauthenticated() -> Reply {
    twilio_error(401, 20003, "Authenticate")
}

/// Twilio's answer when the account refuses `to`.
fn twilio_refusal(refusal: Refusal, to: &str) -> Reply {
    match refusal {
        Refusal::Trial => twilio_error(
            400,
            21608,
            format!(
                "The number {to} is unverified. Trial accounts cannot send messages to unverified numbers; verify {to} at twilio.com/user/account/phone-numbers/verified, or purchase a Twilio number to send messages to unverified numbers"
            ),
        ),
        // Twilio has no per-message "no funds" code: an account without
        // funds is not active (20005, "potentially because you ran out of
        // funds"; the HTTP status is not documented, 400 here).
        Refusal::Funds => twilio_error(
            400,
            20005,
            "Account not active: the account has run out of funds",
        ),
    }
}

/// A list page of the 2010 API, everything on the first page.
fn twilio_page(key: &str, uri: &str, items: Vec<Value>) -> Value {
    let end = items.len().saturating_sub(1);
    json!({
        key: items, "page": 0, "page_size": 50, "start": 0, "end": end,
        "first_page_uri": uri, "next_page_uri": null, "previous_page_uri": null, "uri": uri,
    })
}

fn twilio_message(d: &Delivered, status: &str, service: Option<&str>) -> Value {
    let from = match (status, service) {
        // A Messaging Service picks the sender after accepting.
        ("accepted", Some(_)) => Value::Null,
        _ => json!(d.from),
    };
    json!({
        "account_sid": TWILIO_SID, "api_version": "2010-04-01", "body": d.text,
        "date_created": TWILIO_DATE, "date_updated": TWILIO_DATE,
        "date_sent": if status == "delivered" { json!(TWILIO_DATE) } else { Value::Null },
        "direction": "outbound-api", "error_code": null, "error_message": null,
        "from": from, "messaging_service_sid": service, "num_media": "0", "num_segments": "1",
        "price": null, "price_unit": "USD", "sid": d.id, "status": status, "to": d.to,
        "uri": format!("/2010-04-01/Accounts/{TWILIO_SID}/Messages/{}.json", d.id),
    })
}

fn twilio(c: &mut Call) -> Reply {
    if !c.basic_auth(TWILIO_SID, TWILIO_TOKEN) {
        return twilio_unauthenticated();
    }
    let Some(op) = c.op() else {
        return twilio_not_found(c.path);
    };
    // /2010-04-01/Accounts/{Sid}.json or /2010-04-01/Accounts/{Sid}/...
    let account = c.segment(2);
    if account != TWILIO_SID && account != format!("{TWILIO_SID}.json") {
        return twilio_not_found(c.path);
    }
    let problems = spec::problems(op, c.req);
    if !problems.is_empty() {
        return if op == "twilio.send" && c.field("To").is_none() {
            twilio_error(400, 21604, "A 'To' phone number is required.")
        } else {
            twilio_error(
                400,
                20001,
                format!("Unknown parameters: {}", problems.join("; ")),
            )
        };
    }
    let uri = c.path.to_string();
    match op {
        "twilio.account" => Reply::json(
            200,
            json!({
                "sid": TWILIO_SID, "owner_account_sid": TWILIO_SID,
                "friendly_name": "sms-mfa sandbox", "status": "active",
                "type": if c.accounts.trial { "Trial" } else { "Full" },
                "date_created": TWILIO_DATE, "date_updated": TWILIO_DATE,
                "uri": uri,
            }),
        ),
        "twilio.incoming-numbers" => {
            let want = c.query("PhoneNumber");
            let items = TWILIO_NUMBERS
                .iter()
                .filter(|(n, _, _)| want.as_deref().is_none_or(|w| w == *n))
                .enumerate()
                .map(|(i, (n, name, sms))| {
                    json!({
                        "sid": format!("PN0123456789abcdef0123456789abcde{i}"), "account_sid": TWILIO_SID,
                        "phone_number": n, "friendly_name": name,
                        "capabilities": {"voice": true, "sms": sms, "mms": sms, "fax": false},
                    })
                })
                .collect();
            Reply::json(200, twilio_page("incoming_phone_numbers", &uri, items))
        }
        "twilio.caller-ids" => {
            let want = c.query("PhoneNumber");
            let items = c
                .accounts
                .verified
                .iter()
                .filter(|n| want.as_deref().is_none_or(|w| w == n.as_str()))
                .enumerate()
                .map(|(i, n)| {
                    json!({
                        "sid": format!("PN{:032x}", i + 1), "account_sid": TWILIO_SID,
                        "phone_number": n, "friendly_name": n,
                    })
                })
                .collect();
            Reply::json(200, twilio_page("outgoing_caller_ids", &uri, items))
        }
        "twilio.message" => {
            let sid = c.segment(4).trim_end_matches(".json");
            match c
                .inbox
                .iter()
                .find(|d| d.provider == "twilio" && d.id == sid)
            {
                Some(d) => Reply::json(200, twilio_message(d, "delivered", None)),
                None => twilio_not_found(c.path),
            }
        }
        "twilio.send" => twilio_send(c),
        "twilio.messages" => twilio_messages(c),
        _ => twilio_not_found(c.path),
    }
}

fn twilio_send(c: &mut Call) -> Reply {
    let service = c.field("MessagingServiceSid");
    let from = match (&service, c.field("From")) {
        (Some(mg), _) if mg != TWILIO_MESSAGING_SERVICE => {
            return twilio_error(
                400,
                21701,
                format!("The Messaging Service Sid {mg} is invalid."),
            );
        }
        (Some(_), _) => TWILIO_NUMBER.to_string(),
        (None, Some(from))
            if !TWILIO_NUMBERS
                .iter()
                .any(|(n, _, sms)| *sms && *n == from.as_str()) =>
        {
            return twilio_error(
                400,
                21606,
                format!(
                    "The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."
                ),
            );
        }
        (None, Some(from)) => from,
        (None, None) => return twilio_error(400, 21603, "A 'From' phone number is required."),
    };
    let text = c.field("Body").unwrap_or_default();
    if text.is_empty() {
        return twilio_error(400, 21602, "Message body is required.");
    }
    if text.chars().count() > 1600 {
        return twilio_error(
            400,
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        );
    }
    let raw_to = c.field("To").unwrap_or_default();
    let Ok(to) = e164(&raw_to) else {
        return twilio_error(400, 21211, format!("Invalid 'To' Phone Number: {raw_to}"));
    };
    if let Some(r) = c.refusal(&to, false) {
        return twilio_refusal(r, &to);
    }
    let d = Delivered {
        provider: "twilio",
        id: format!("SM{:032x}", c.new_id()),
        to,
        from,
        text,
    };
    let status = if service.is_some() {
        "accepted"
    } else {
        "queued"
    };
    let body = twilio_message(&d, status, service.as_deref());
    c.accepted.push(d);
    Reply::json(201, body)
}

// ---- Twilio Verify v2 (twilio_verify_v2.json) ----

/// The SMS Twilio Verify sends with a code.
fn verify_text(code: &str) -> String {
    format!("Your verification code is {code}")
}

fn twilio_verify(c: &mut Call) -> Reply {
    if !c.basic_auth(TWILIO_SID, TWILIO_TOKEN) {
        return twilio_unauthenticated();
    }
    let Some(op) = c.op() else {
        return twilio_not_found(c.path);
    };
    if op == "twilio-verify.attempts" {
        return verify_attempts(c);
    }
    if op == "twilio-verify.services" {
        let problems = spec::problems(op, c.req);
        if !problems.is_empty() {
            return twilio_error(
                400,
                60200,
                format!("Invalid parameter: {}", problems.join("; ")),
            );
        }
        let services: Vec<Value> = [VERIFY_SERVICE, VERIFY_NO_CUSTOM]
            .iter()
            .map(|sid| verify_service(c, sid))
            .collect();
        return Reply::json(
            200,
            json!({"services": services, "meta": {"page": 0, "page_size": 50,
                "first_page_url": "https://verify.twilio.com/v2/Services?PageSize=50&Page=0",
                "previous_page_url": null, "next_page_url": null, "key": "services",
                "url": "https://verify.twilio.com/v2/Services?PageSize=50&Page=0"}}),
        );
    }
    // /v2/Services/{Sid}[/Verifications]
    let service = c.segment(2).to_string();
    if service != VERIFY_SERVICE && service != VERIFY_NO_CUSTOM {
        return twilio_not_found(c.path);
    }
    let problems = spec::problems(op, c.req);
    if !problems.is_empty() {
        return twilio_error(
            400,
            60200,
            format!("Invalid parameter: {}", problems.join("; ")),
        );
    }
    match op {
        "twilio-verify.service" => Reply::json(200, verify_service(c, &service)),
        "twilio-verify.send" => verify_send(c, &service),
        _ => twilio_not_found(c.path),
    }
}

/// A Verify service as `GET /v2/Services/{Sid}` shows it
/// (twilio_verify_v2.json `verify.v2.service`).
fn verify_service(c: &Call, sid: &str) -> Value {
    let (name, custom) = if sid == VERIFY_SERVICE {
        ("sms-mfa sandbox", c.accounts.custom_codes)
    } else {
        ("Login codes (custom codes off)", false)
    };
    json!({
        "sid": sid, "account_sid": TWILIO_SID,
        "friendly_name": name, "code_length": 6,
        "custom_code_enabled": custom,
        "lookup_enabled": false, "skip_sms_to_landlines": false,
        "do_not_share_warning_enabled": false, "psd2_enabled": false,
        "date_created": "2026-11-23T10:00:00Z", "date_updated": "2026-11-23T10:00:00Z",
        "url": format!("https://verify.twilio.com/v2/Services/{sid}"),
    })
}

// ---- Twilio Messaging v1 (twilio-oai spec/json/twilio_messaging_v1.json) ----

fn twilio_messaging(c: &mut Call) -> Reply {
    if !c.basic_auth(TWILIO_SID, TWILIO_TOKEN) {
        return twilio_unauthenticated();
    }
    let Some(op) = c.op() else {
        return twilio_not_found(c.path);
    };
    let problems = spec::problems(op, c.req);
    if !problems.is_empty() {
        return twilio_error(
            400,
            20001,
            format!("Unknown parameters: {}", problems.join("; ")),
        );
    }
    let meta = |key: &str| {
        json!({"page": 0, "page_size": 50, "previous_page_url": null,
        "next_page_url": null, "key": key,
        "first_page_url": format!("https://messaging.twilio.com{}?PageSize=50&Page=0", c.path),
        "url": format!("https://messaging.twilio.com{}?PageSize=50&Page=0", c.path)})
    };
    match op {
        "twilio-messaging.services" => Reply::json(
            200,
            json!({"services": [{
                "sid": TWILIO_MESSAGING_SERVICE, "account_sid": TWILIO_SID,
                "friendly_name": "sms-mfa sandbox service", "usecase": "notifications",
                "sticky_sender": true, "date_created": TWILIO_DATE, "date_updated": TWILIO_DATE,
                "url": format!("https://messaging.twilio.com/v1/Services/{TWILIO_MESSAGING_SERVICE}"),
            }], "meta": meta("services")}),
        ),
        "twilio-messaging.phone-numbers" if c.segment(2) == TWILIO_MESSAGING_SERVICE => {
            Reply::json(
                200,
                json!({"phone_numbers": [{
                "sid": "PN0123456789abcdef0123456789abcde0", "account_sid": TWILIO_SID,
                "service_sid": TWILIO_MESSAGING_SERVICE, "phone_number": TWILIO_NUMBER,
                "country_code": "US", "capabilities": ["SMS", "Voice"],
                "date_created": TWILIO_DATE, "date_updated": TWILIO_DATE,
            }], "meta": meta("phone_numbers")}),
            )
        }
        _ => twilio_not_found(c.path),
    }
}

fn verify_send(c: &mut Call, service: &str) -> Reply {
    let raw_to = c.field("To").unwrap_or_default();
    let Ok(to) = e164(&raw_to) else {
        return twilio_error(400, 60200, format!("Invalid parameter `To`: {raw_to}"));
    };
    let channel = c.field("Channel").unwrap_or_default();
    if channel != "sms" {
        // The sandbox simulates the sms channel only.
        return twilio_error(
            400,
            60200,
            format!("Invalid parameter `Channel`: {channel}"),
        );
    }
    let custom = c.field("CustomCode");
    let allowed = service == VERIFY_SERVICE && c.accounts.custom_codes;
    if custom.is_some() && !allowed {
        return twilio_error(403, 60204, "Custom code not allowed");
    }
    if let Some(code) = &custom
        && !(4..=10).contains(&code.chars().count())
    {
        return twilio_error(
            400,
            60200,
            format!("Invalid parameter `CustomCode`: {code}"),
        );
    }
    if let Some(r) = c.refusal(&to, false) {
        return twilio_refusal(r, &to);
    }
    let code = custom.unwrap_or_else(crate::providers::clients::random_code);
    let sid = format!("VE{:032x}", c.new_id());
    c.deliver(
        "twilio-verify",
        &sid,
        &to,
        "Twilio Verify",
        &verify_text(&code),
    );
    Reply::json(
        201,
        json!({
            "sid": sid, "service_sid": service, "account_sid": TWILIO_SID,
            "to": to, "channel": "sms", "status": "pending", "valid": false,
            "lookup": {}, "amount": null, "payee": null,
            "send_code_attempts": [{"attempt_sid": format!("VL{:032x}", c.new_id()),
                "channel": "sms", "time": "2026-11-23T10:00:00.000Z"}],
            "date_created": "2026-11-23T10:00:00Z", "date_updated": "2026-11-23T10:00:00Z",
            "url": format!("https://verify.twilio.com/v2/Services/{service}/Verifications/{sid}"),
        }),
    )
}

// ---- Vonage (vonage_sms.yml, vonage_account.yml) ----

/// `/sms/json` always answers HTTP 200; a failure is the message's status.
fn vonage_error(status: &str, text: impl Into<String>) -> Reply {
    Reply::json(
        200,
        json!({"message-count": "1", "messages": [{"status": status, "error-text": text.into()}]}),
    )
}

/// The Account API's error body (`ErrorAuthenticationFailedAccountBalance`).
fn vonage_account_error(status: u16, label: impl Into<String>) -> Reply {
    Reply::json(
        status,
        json!({"error-code": status.to_string(), "error-code-label": label.into()}),
    )
}

fn vonage(c: &mut Call) -> Reply {
    if c.path == "/account/numbers" {
        // No spec among ../shared/specs: the Vonage Numbers API reference
        // ("List the numbers you own": GET /account/numbers with api_key
        // and api_secret; `{count, numbers: [{country, msisdn, type,
        // features}]}`; 401 on bad credentials).
        let authenticated = c.query("api_key").as_deref() == Some(VONAGE_KEY)
            && c.query("api_secret").as_deref() == Some(VONAGE_SECRET);
        if !authenticated {
            return vonage_account_error(401, "authentication failed");
        }
        let numbers: Vec<Value> = VONAGE_NUMBERS
            .iter()
            .map(|(msisdn, country, features)| {
                json!({"country": country, "msisdn": msisdn, "type": "mobile-lvn", "features": features})
            })
            .collect();
        return Reply::json(200, json!({"count": numbers.len(), "numbers": numbers}));
    }
    match c.op() {
        Some("vonage.balance") => {
            let authenticated = c.query("api_key").as_deref() == Some(VONAGE_KEY)
                && c.query("api_secret").as_deref() == Some(VONAGE_SECRET);
            if !authenticated {
                return vonage_account_error(401, "authentication failed");
            }
            let problems = spec::problems("vonage.balance", c.req);
            if !problems.is_empty() {
                return vonage_account_error(400, problems.join("; "));
            }
            Reply::json(
                200,
                json!({"value": c.accounts.balance, "autoReload": false}),
            )
        }
        Some("vonage.send") => vonage_send(c),
        _ => Reply::text(404, "Not Found"),
    }
}

fn vonage_send(c: &mut Call) -> Reply {
    let problems = spec::problems("vonage.send", c.req);
    if !problems.is_empty() {
        let status = if lacks_fields(&problems) { "2" } else { "3" };
        return vonage_error(status, problems.join("; "));
    }
    if c.field("api_key").as_deref() != Some(VONAGE_KEY)
        || c.field("api_secret").as_deref() != Some(VONAGE_SECRET)
    {
        return vonage_error("4", "Bad Credentials");
    }
    let raw_to = c.field("to").unwrap_or_default();
    // Digits only, no `+` (the spec's `\d{7,15}`).
    let Some(to) = digits_to_e164(&raw_to, false) else {
        return vonage_error("3", format!("Invalid to address: {raw_to}"));
    };
    let text = c.field("text").unwrap_or_default();
    if text.is_empty() {
        return vonage_error("2", "Missing text param");
    }
    match c.refusal(&to, true) {
        Some(Refusal::Trial) => {
            return vonage_error("29", "Non White-listed Destination - rejected");
        }
        Some(Refusal::Funds) => return vonage_error("9", "Partner quota exceeded"),
        None => {}
    }
    let from = shown_sender(&c.field("from").unwrap_or_default());
    let id = format!("0A{:015X}", c.new_id());
    c.deliver("vonage", &id, &to, &from, &text);
    Reply::json(
        200,
        json!({
            "message-count": "1",
            "messages": [{
                "to": raw_to, "message-id": id, "status": "0",
                "remaining-balance": format!("{:.8}", c.accounts.balance),
                "message-price": "0.03330000", "network": "12345",
            }],
        }),
    )
}

// ---- Infobip (infobip_sms.json; the balance as PROVIDERS.md) ----

/// The v3 API's error body (`ApiError`).
fn infobip_error(status: u16, code: &str, description: &str, violations: Vec<Value>) -> Reply {
    Reply::json(
        status,
        json!({
            "errorCode": code, "description": description,
            "action": "Check the syntax, violations and adjust the request.",
            "violations": violations, "resources": [],
        }),
    )
}

/// A message's status of the v3 answer.
fn infobip_status(group_id: u32, group: &str, id: u32, name: &str, description: &str) -> Value {
    json!({"groupId": group_id, "groupName": group, "id": id, "name": name, "description": description})
}

fn infobip_rejected(id: u32, name: &str, description: &str) -> Value {
    infobip_status(5, "REJECTED", id, name, description)
}

fn infobip(c: &mut Call) -> Reply {
    let balance = c.method == "GET" && c.path == "/account/1/balance";
    let key = format!("App {INFOBIP_KEY}");
    if c.header("authorization") != Some(key.as_str()) {
        return if balance {
            // The legacy API's error body.
            Reply::json(
                401,
                json!({"requestError": {"serviceException": {
                    "messageId": "UNAUTHORIZED", "text": "Invalid login details"}}}),
            )
        } else {
            // The spec's ApiError401 example.
            infobip_error(
                401,
                "E401",
                "The request lacks valid authentication credentials for the requested resource.",
                vec![],
            )
        };
    }
    if balance {
        return Reply::json(
            200,
            json!({"balance": c.accounts.balance, "currency": "EUR"}),
        );
    }
    match c.op() {
        Some("infobip.send") => infobip_send(c),
        Some("infobip.logs") => infobip_logs(c),
        _ => infobip_error(404, "E404", "Requested resource not found.", vec![]),
    }
}

/// One destination of a v3 request, read.
struct Destination {
    raw: String,
    text: String,
    sender: String,
}

fn infobip_send(c: &mut Call) -> Reply {
    let problems = spec::problems("infobip.send", c.req);
    let mut violations: Vec<Value> = problems
        .iter()
        .map(|p| json!({"property": "messages", "violation": p}))
        .collect();
    let body: Value = serde_json::from_slice(&c.req.body).unwrap_or(Value::Null);
    let mut destinations = Vec::new();
    let messages = body["messages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for (i, m) in messages.iter().enumerate() {
        let Some(text) = m.pointer("/content/text").and_then(Value::as_str) else {
            violations.push(json!({"property": format!("messages[{i}].content.text"),
                "violation": "must not be blank"}));
            continue;
        };
        let sender = m["sender"].as_str().unwrap_or("InfoSMS");
        let list = m["destinations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (j, d) in list.iter().enumerate() {
            match d["to"].as_str() {
                Some(to) => destinations.push(Destination {
                    raw: to.to_string(),
                    text: text.to_string(),
                    sender: shown_sender(sender),
                }),
                None => violations.push(json!({
                    "property": format!("messages[{i}].destinations[{j}].to"),
                    "violation": "must be a string"})),
            }
        }
    }
    if messages.is_empty() {
        violations.push(json!({"property": "messages", "violation": "must not be empty"}));
    }
    if !violations.is_empty() {
        return infobip_error(400, "E400", "Request cannot be processed.", violations);
    }
    let bulk = c.new_id();
    let mut answers = Vec::new();
    for d in destinations {
        let id = guid(c.new_id());
        // International format without `+`.
        let status = match digits_to_e164(&d.raw, false) {
            None => infobip_rejected(52, "REJECTED_DESTINATION", "Invalid destination address"),
            Some(to) => match c.refusal(&to, true) {
                Some(Refusal::Trial) => infobip_rejected(
                    18,
                    "REJECTED_DESTINATION_NOT_REGISTERED",
                    "Destination not registered",
                ),
                Some(Refusal::Funds) => {
                    infobip_rejected(12, "REJECTED_NOT_ENOUGH_CREDITS", "Not enough credits")
                }
                None => {
                    c.deliver("infobip", &id, &to, &d.sender, &d.text);
                    infobip_status(
                        1,
                        "PENDING",
                        26,
                        "PENDING_ACCEPTED",
                        "Message sent to next instance",
                    )
                }
            },
        };
        answers.push(
            json!({"messageId": id, "status": status, "destination": d.raw,
            "details": {"messageCount": 1}}),
        );
    }
    Reply::json(
        200,
        json!({"bulkId": format!("{bulk:019}"), "messages": answers}),
    )
}

// ---- Esendex (no spec: PROVIDERS.md; errors are short texts) ----

/// Whether the client asked for JSON (else Esendex answers XML).
fn wants_json(c: &Call) -> bool {
    c.header("accept").is_some_and(|a| a.contains("json"))
}

fn esendex(c: &mut Call) -> Reply {
    if !c.basic_auth(ESENDEX_USER, ESENDEX_PASSWORD) {
        return Reply::text(401, "Unauthorized: the username or password is wrong");
    }
    match (c.method, c.path) {
        ("GET", "/v1.0/accounts") => {
            if wants_json(c) {
                Reply::json(
                    200,
                    json!({"accounts": [{"id": "A1", "reference": ESENDEX_ACCOUNT,
                        "label": "sms-mfa sandbox", "type": "Professional",
                        "messagesremaining": 2000}]}),
                )
            } else {
                Reply::xml(
                    200,
                    format!(
                        r#"<?xml version="1.0" encoding="utf-8"?><accounts xmlns="http://api.esendex.com/ns/"><account id="A1" uri="/v1.0/accounts/A1"><reference>{ESENDEX_ACCOUNT}</reference><label>sms-mfa sandbox</label><type>Professional</type><messagesremaining>2000</messagesremaining></account></accounts>"#
                    ),
                )
            }
        }
        ("POST", "/v1.0/messagedispatcher") => esendex_dispatch(c),
        ("GET", "/v1.0/messageheaders") => esendex_headers(c),
        ("GET", p) if p.starts_with("/v1.0/messageheaders/") => esendex_header(c),
        _ => Reply::text(404, "Not Found"),
    }
}

fn esendex_dispatch(c: &mut Call) -> Reply {
    let json_body = c
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"));
    if !json_body {
        return Reply::text(
            400,
            "Bad Request: the sandbox reads JSON dispatches (Content-Type: application/json)",
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(&c.req.body) else {
        return Reply::text(400, "Bad Request: the body is not valid JSON");
    };
    let Some(account) = body["accountreference"].as_str() else {
        return Reply::text(400, "Bad Request: accountreference is required");
    };
    if account != ESENDEX_ACCOUNT {
        return Reply::text(
            403,
            format!("Forbidden: these credentials may not use account {account}"),
        );
    }
    let messages = body["messages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if messages.is_empty() {
        return Reply::text(400, "Bad Request: messages is required");
    }
    // The whole batch is refused if one message is invalid.
    let mut batch = Vec::new();
    for m in messages {
        let (Some(raw), Some(text)) = (m["to"].as_str(), m["body"].as_str()) else {
            return Reply::text(400, "Bad Request: every message needs to and body");
        };
        let Some(to) = digits_to_e164(raw, true) else {
            return Reply::text(400, format!("Bad Request: invalid recipient {raw}"));
        };
        let from = m["from"]
            .as_str()
            .or(body["from"].as_str())
            .unwrap_or("Esendex");
        // Esendex has no documented trial refusal (a trial account gets
        // credits, not a list of allowed numbers): a trial reaches anyone.
        if c.refusal(&to, false) == Some(Refusal::Funds) {
            return Reply::text(402, "Payment Required: not enough message credits");
        }
        batch.push((to, shown_sender(from), text.to_string()));
    }
    let batch_id = guid(c.new_id());
    let mut headers = Vec::new();
    for (to, from, text) in batch {
        let id = guid(c.new_id());
        c.deliver("esendex", &id, &to, &from, &text);
        headers.push(id);
    }
    if wants_json(c) {
        let list: Vec<Value> = headers
            .iter()
            .map(|id| json!({"uri": format!("/v1.0/messageheaders/{id}"), "id": id}))
            .collect();
        Reply::json(
            200,
            json!({"batch": {"batchid": batch_id, "messageheaders": list}}),
        )
    } else {
        let list: String = headers
            .iter()
            .map(|id| format!(r#"<messageheader uri="/v1.0/messageheaders/{id}" id="{id}" />"#))
            .collect();
        Reply::xml(
            200,
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?><messageheaders batchid="{batch_id}" xmlns="http://api.esendex.com/ns/">{list}</messageheaders>"#
            ),
        )
    }
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
pub fn outcome_codes(
    provider: &str,
    outcome: Outcome,
) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    match (provider, outcome) {
        ("twilio" | "twilio-verify", Outcome::Delivered) => ("delivered", None, None),
        ("twilio" | "twilio-verify", Outcome::Unreachable) => (
            "undelivered",
            Some("30003"),
            Some("Unreachable destination handset"),
        ),
        ("twilio" | "twilio-verify", Outcome::Filtered) => {
            ("undelivered", Some("30007"), Some("Message filtered"))
        }
        ("twilio" | "twilio-verify", _) => (
            "failed",
            Some("21610"),
            Some("Attempt to send to unsubscribed recipient"),
        ),
        ("esendex", Outcome::Delivered) => ("Delivered", None, None),
        ("esendex", Outcome::Unreachable) => ("Expired", None, None),
        ("esendex", Outcome::Filtered) => ("Rejected", None, None),
        ("esendex", _) => ("Failed", None, None),
        ("vonage", Outcome::Delivered) => ("delivered", Some("0"), Some("Delivered")),
        ("vonage", Outcome::Unreachable) => {
            ("failed", Some("2"), Some("Absent Subscriber Temporary"))
        }
        ("vonage", Outcome::Filtered) => ("rejected", Some("6"), Some("Anti-Spam Rejection")),
        ("vonage", _) => ("failed", Some("4"), Some("Call barred by user")),
        (_, _) => ("unknown", None, None),
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

fn twilio_messages(c: &mut Call) -> Reply {
    let to = c.query("To");
    let since = c
        .query("DateSent>")
        .and_then(|d| crate::providers::delivery::parse_iso(&d));
    let all: Vec<&SimRecord> = records_of(c, "twilio")
        .into_iter()
        .filter(|r| to.as_deref().is_none_or(|t| t == r.to))
        .filter(|r| since.is_none_or(|s| r.at >= s))
        .collect();
    let size = query_usize(c, "PageSize", 50).clamp(1, 1000);
    let page = query_usize(c, "Page", 0);
    let (items, more) = page_of(&all, page, size);
    let messages: Vec<Value> = items
        .iter()
        .map(|r| {
            let (status, code, text) = outcome_codes("twilio", r.outcome);
            let sid = r.id.clone().unwrap_or_else(|| format!("SM{:032x}", r.seq));
            let date = rfc2822(r.at);
            json!({
                "account_sid": TWILIO_SID, "api_version": "2010-04-01", "body": "Your code is 123456",
                "date_created": date, "date_updated": date, "date_sent": date,
                "direction": "outbound-api",
                "error_code": code.and_then(|c| c.parse::<u32>().ok()),
                "error_message": text,
                "from": TWILIO_NUMBER, "messaging_service_sid": null, "num_media": "0",
                "num_segments": "1", "price": null, "price_unit": "USD", "sid": sid,
                "status": status, "to": r.to,
                "uri": format!("/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json"),
            })
        })
        .collect();
    let uri = format!("{}?{}", c.path, c.req.url.query().unwrap_or(""));
    let next = more.then(|| format!("{}?{}", c.path, next_query(c, page + 1)));
    Reply::json(
        200,
        json!({
            "messages": messages, "page": page, "page_size": size,
            "start": page * size, "end": (page * size + items.len()).saturating_sub(1),
            "first_page_uri": uri, "next_page_uri": next, "previous_page_uri": null, "uri": uri,
        }),
    )
}

fn verify_attempts(c: &mut Call) -> Reply {
    if c.query("VerifyServiceSid")
        .is_some_and(|s| s != VERIFY_SERVICE)
    {
        return twilio_error(404, 20404, "The requested resource /Services was not found");
    }
    let to = c.query("ChannelData.To");
    let verification = c.query("VerificationSid");
    let since = c
        .query("DateCreatedAfter")
        .and_then(|d| crate::providers::delivery::parse_iso(&d));
    let all: Vec<&SimRecord> = records_of(c, "twilio-verify")
        .into_iter()
        .filter(|r| to.as_deref().is_none_or(|t| t == r.to))
        .filter(|r| verification.is_none() || r.id == verification)
        .filter(|r| since.is_none_or(|s| r.at >= s))
        .collect();
    let size = query_usize(c, "PageSize", 50).clamp(1, 1000);
    let page = query_usize(c, "Page", 0);
    let (items, more) = page_of(&all, page, size);
    let attempts: Vec<Value> = items
        .iter()
        .map(|r| {
            let (status, code, _) = outcome_codes("twilio-verify", r.outcome);
            let date = crate::providers::delivery::rfc3339(r.at);
            json!({
                "sid": format!("VL{:032x}", r.seq), "account_sid": TWILIO_SID,
                "service_sid": VERIFY_SERVICE,
                "verification_sid": r.id.clone().unwrap_or_else(|| format!("VE{:032x}", r.seq)),
                "date_created": date, "date_updated": date,
                "conversion_status": "unconverted", "channel": "sms", "price": null,
                "channel_data": {"to": r.to, "status": status, "error_code": code},
                "url": format!("https://verify.twilio.com/v2/Attempts/VL{:032x}", r.seq),
            })
        })
        .collect();
    let base = "https://verify.twilio.com/v2/Attempts";
    let url = format!("{base}?{}", c.req.url.query().unwrap_or(""));
    let next = more.then(|| format!("{base}?{}", next_query(c, page + 1)));
    Reply::json(
        200,
        json!({
            "attempts": attempts,
            "meta": {"page": page, "page_size": size, "first_page_url": url,
                "previous_page_url": null, "url": url, "next_page_url": next, "key": "attempts"},
        }),
    )
}

fn infobip_logs(c: &mut Call) -> Reply {
    let problems = spec::problems("infobip.logs", c.req);
    if !problems.is_empty() {
        return infobip_error(400, "E400", &problems.join("; "), vec![]);
    }
    let to = c.query("destination");
    let message = c.query("messageId");
    let since = c
        .query("sentSince")
        .and_then(|d| crate::providers::delivery::parse_iso(&d));
    let all: Vec<&SimRecord> = records_of(c, "infobip")
        .into_iter()
        .filter(|r| message.is_none() || r.id == message)
        .filter(|r| {
            to.as_deref()
                .is_none_or(|t| t == r.to.trim_start_matches('+'))
        })
        .filter(|r| since.is_none_or(|s| r.at >= s))
        .collect();
    let size = query_usize(c, "limit", 50).clamp(1, 1000);
    // The cursor is opaque to clients; here it is the offset.
    let offset = query_usize(c, "cursor", 0);
    let (items, more) = page_of(&all[offset.min(all.len())..], 0, size);
    let results: Vec<Value> = items
        .iter()
        .map(|r| {
            let (status, error) = match r.outcome {
                Outcome::Delivered => (
                    json!({"groupId": 3, "groupName": "DELIVERED", "id": 5, "name": "DELIVERED_TO_HANDSET", "description": "Message delivered to handset"}),
                    json!({"groupId": 0, "groupName": "OK", "id": 0, "name": "NO_ERROR", "description": "No Error", "permanent": false}),
                ),
                Outcome::Unreachable => (
                    json!({"groupId": 2, "groupName": "UNDELIVERABLE", "id": 9, "name": "UNDELIVERABLE_NOT_DELIVERED", "description": "Message sent not delivered"}),
                    json!({"groupId": 1, "groupName": "HANDSET_ERRORS", "id": 27, "name": "EC_ABSENT_SUBSCRIBER", "description": "Absent Subscriber", "permanent": false}),
                ),
                Outcome::Filtered => (
                    json!({"groupId": 2, "groupName": "UNDELIVERABLE", "id": 4, "name": "UNDELIVERABLE_REJECTED_OPERATOR", "description": "Message rejected by operator"}),
                    json!({"groupId": 0, "groupName": "OK", "id": 0, "name": "NO_ERROR", "description": "No Error", "permanent": false}),
                ),
                _ => (
                    json!({"groupId": 5, "groupName": "REJECTED", "id": 14, "name": "REJECTED_DESTINATION_BLOCKLISTED", "description": "Destination is on a blocklist"}),
                    json!({"groupId": 0, "groupName": "OK", "id": 0, "name": "NO_ERROR", "description": "No Error", "permanent": false}),
                ),
            };
            let date = format!(
                "{}.000+0000",
                &crate::providers::delivery::rfc3339(r.at)[..19]
            );
            json!({
                "sender": "InfoSMS", "destination": r.to.trim_start_matches('+'),
                "bulkId": null,
                "messageId": r.id.clone().unwrap_or_else(|| guid(r.seq)),
                "sentAt": date, "doneAt": date, "messageCount": 1,
                "price": {"pricePerMessage": 0.01, "currency": "EUR"},
                "status": status, "error": error,
            })
        })
        .collect();
    let next = more.then(|| (offset + items.len()).to_string());
    Reply::json(
        200,
        json!({"results": results, "cursor": {"limit": size, "nextCursor": next}}),
    )
}

fn esendex_headers(c: &mut Call) -> Reply {
    let start = query_usize(c, "startIndex", 0);
    let count = query_usize(c, "count", 15).clamp(1, 1000);
    let all = records_of(c, "esendex");
    let (items, _) = page_of(&all[start.min(all.len())..], 0, count);
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><messageheaders startindex="{start}" count="{}" totalcount="{}" xmlns="http://api.esendex.com/ns/">"#,
        items.len(),
        all.len()
    );
    for r in &items {
        xml.push_str(&esendex_header_xml(r));
    }
    xml.push_str("</messageheaders>");
    Reply::xml(200, xml)
}

/// One message header, as the list and `GET /v1.0/messageheaders/{id}`
/// show it.
fn esendex_header_xml(r: &SimRecord) -> String {
    let (status, code, text) = outcome_codes("esendex", r.outcome);
    let id = r.id.clone().unwrap_or_else(|| guid(r.seq));
    let date = format!("{}.000Z", &crate::providers::delivery::rfc3339(r.at)[..19]);
    let failure = match (code, text) {
        (Some(code), Some(text)) => format!(
            "<failurereason><code>{code}</code><description>{text}</description><permanentfailure>true</permanentfailure></failurereason>"
        ),
        _ => String::new(),
    };
    format!(
        r#"<messageheader id="{id}" uri="/v1.0/messageheaders/{id}"><reference>{ESENDEX_ACCOUNT}</reference><status>{status}</status><sentat>{date}</sentat><laststatusat>{date}</laststatusat><submittedat>{date}</submittedat><type>SMS</type><to><phonenumber>{}</phonenumber></to><from><phonenumber>sms-mfa</phonenumber></from><summary>Your code is 123456</summary><body uri="/v1.0/messageheaders/{id}/body"/><direction>Outbound</direction><parts>1</parts><username>{ESENDEX_USER}</username>{failure}</messageheader>"#,
        r.to.trim_start_matches('+')
    )
}

/// `GET /v1.0/messageheaders/{id}`: one message's header (XML).
fn esendex_header(c: &mut Call) -> Reply {
    let id = c.segment(2).to_string();
    match records_of(c, "esendex")
        .into_iter()
        .find(|r| r.id.as_deref() == Some(id.as_str()) || guid(r.seq) == id)
    {
        Some(r) => Reply::xml(
            200,
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?>{}"#,
                esendex_header_xml(r).replacen(
                    "<messageheader ",
                    r#"<messageheader xmlns="http://api.esendex.com/ns/" "#,
                    1
                )
            ),
        ),
        None => Reply::text(404, "Not Found"),
    }
}

fn vonage_records(c: &mut Call) -> Reply {
    if !c.basic_auth(VONAGE_KEY, VONAGE_SECRET) {
        return Reply::json(
            401,
            json!({"type": "https://developer.nexmo.com/api-errors#unauthorized", "title": "Unauthorized", "detail": "You did not provide correct credentials."}),
        );
    }
    let time = |n: &str| {
        c.query(n)
            .and_then(|d| crate::providers::delivery::parse_iso(&d))
    };
    // By id: no dates (the spec: "If you specify `id`, you must not
    // specify `status`, `date_start` or `date_end`").
    let by_id = c.query("id");
    let (from, until) = match (&by_id, time("date_start"), time("date_end")) {
        (Some(_), None, None) => (i64::MIN, i64::MAX),
        (None, Some(f), Some(u)) => (f, u),
        _ => (0, -1),
    };
    if until < from {
        return Reply::json(
            422,
            json!({"title": "Unprocessable entity", "invalid_parameters": [{"reason": "Missing required parameter", "name": "date_end"}]}),
        );
    }
    if (by_id.is_none() && until - from > 86_400) || c.query("product").as_deref() != Some("SMS") {
        return Reply::json(
            422,
            json!({"type": "https://developer.nexmo.com/api-errors/reports#invalid-filter", "title": "Invalid filter", "detail": "date_end must be no more than 24 hours after date_start"}),
        );
    }
    let records: Vec<Value> = records_of(c, "vonage")
        .into_iter()
        .filter(|r| r.at >= from && r.at < until)
        .filter(|r| by_id.is_none() || r.id == by_id)
        .map(|r| {
            let (status, code, text) = outcome_codes("vonage", r.outcome);
            json!({
                "account_id": VONAGE_KEY,
                "message_id": r.id.clone().unwrap_or_else(|| guid(r.seq)),
                "client_ref": null, "direction": "outbound",
                "from": VONAGE_FROM.trim_start_matches('+'),
                "to": r.to.trim_start_matches('+'),
                "date_received": crate::providers::delivery::rfc3339(r.at),
                "date_finalized": crate::providers::delivery::rfc3339(r.at),
                "status": status, "error_code": code, "error_code_description": text,
                "currency": "EUR", "total_price": "0.0114",
            })
        })
        .collect();
    Reply::json(
        200,
        json!({
            "_links": {"self": {"href": format!("https://api.nexmo.com{}?{}", c.path, c.req.url.query().unwrap_or(""))}},
            "request_id": "00000000-0000-4000-8000-000000000000",
            "request_status": "SUCCESS", "account_id": VONAGE_KEY,
            "product": "SMS", "direction": "outbound", "include_message": false,
            "show_concatenated": false, "items_count": records.len(), "records": records,
        }),
    )
}
