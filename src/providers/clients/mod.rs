//! One small client per provider, behind [`SmsClient`]: check the
//! credentials without sending, send a test message, and follow delivery
//! where the API can. reqwest directly, no vendor SDKs.

mod esendex;
mod infobip;
mod senders;
mod twilio;
mod twilio_verify;
mod vonage;

use super::delivery::{CannotLook, Query, Records};
use super::outcome::{Accepted, CredentialReport, Delivery, Failure, Ownership, Told, classify};
use super::validate::{Validation, https_url};
use super::{Catalog, Kind, Provider, Required};
use crate::settings::{Resolved, Source, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

pub(crate) use crate::http::{CONNECT_TIMEOUT, REQUEST_TIMEOUT};
use esendex::references as esendex_references;
pub use senders::{Choice, ListError, MAX_ITEMS, MAX_PAGES, Senders, list_senders};

/// What every provider client can do.
pub(crate) trait SmsClient {
    /// Ask the provider whether the credentials work, without sending.
    fn check_credentials(&self) -> impl Future<Output = Result<CredentialReport, Failure>> + Send;
    /// Send one message.
    fn send_test(
        &self,
        to: &Recipient,
        text: &str,
    ) -> impl Future<Output = Result<Accepted, Failure>> + Send;
    /// The delivery status of a sent message, where the API has one.
    fn delivery_status(
        &self,
        _id: &str,
    ) -> impl Future<Output = Option<Result<Delivery, Failure>>> + Send {
        async { None }
    }
}

/// An HTTP client with the timeouts above, built by [`crate::http`]: no
/// redirects followed, answers read up to [`crate::http::BODY_LIMIT`].
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    timeout: Duration,
}

impl Http {
    pub fn new() -> Http {
        Http::with_timeouts(CONNECT_TIMEOUT, REQUEST_TIMEOUT)
    }

    pub fn with_timeouts(connect: Duration, request: Duration) -> Http {
        let client = crate::http::client(connect, request);
        Http {
            client,
            timeout: request,
        }
    }

    /// Send a request; any answer with a body is Ok (the caller judges the
    /// status), a failure on the way is a network [`Failure`], and so are a
    /// redirect (never followed) and a body over the limit.
    async fn call(&self, req: reqwest::RequestBuilder) -> Result<(u16, String), Failure> {
        let resp = req.send().await.map_err(|e| self.network(e))?;
        crate::http::read(resp).await.map_err(|e| match e {
            crate::http::ReadError::Transport(e) => self.network(e),
            other => {
                let mut f = Failure::network(other.to_string());
                f.class = super::outcome::ErrorClass::ProviderError;
                if let crate::http::ReadError::Redirect { status, .. }
                | crate::http::ReadError::TooLarge { status } = other
                {
                    f.http_status = Some(status);
                }
                f
            }
        })
    }

    fn network(&self, e: reqwest::Error) -> Failure {
        let host = e
            .url()
            .map(|u| {
                let mut h = u.host_str().unwrap_or("?").to_string();
                if let Some(p) = u.port() {
                    h.push_str(&format!(":{p}"));
                }
                h
            })
            .unwrap_or_else(|| "the provider".into());
        let mut cause = String::new();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            cause = s.to_string();
            source = s.source();
        }
        let what = if e.is_timeout() {
            format!(
                "no answer from {host} within {} s",
                self.timeout.as_secs_f32()
            )
        } else if e.is_connect() {
            format!("could not connect to {host}: {cause}")
        } else {
            format!("request to {host} failed: {cause}")
        };
        Failure::network(what)
    }
}

impl Default for Http {
    fn default() -> Self {
        Http::new()
    }
}

/// A recipient number, parsed with libphonenumber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    e164: String,
}

impl Recipient {
    /// Parse a number in international form; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Recipient, String> {
        // Valid E.164 is already the canonical form: `+` and digits only.
        Ok(Recipient {
            e164: super::validate::e164(text)?,
        })
    }

    /// `+14155550100`
    pub(crate) fn e164(&self) -> &str {
        &self.e164
    }

    /// `14155550100`: what Vonage, Infobip and Esendex want.
    pub fn digits(&self) -> &str {
        self.e164.trim_start_matches('+')
    }
}

/// The settings a client is built from, by name.
#[derive(Default)]
pub struct Settings {
    values: BTreeMap<String, Value>,
}

impl Settings {
    pub fn from_resolved(resolved: Vec<Resolved>) -> Settings {
        let values = resolved
            .into_iter()
            .filter_map(|r| r.value.map(|v| (r.name, v)))
            .collect();
        Settings { values }
    }

    /// The same, copied from settings that stay with the caller.
    pub(crate) fn of(resolved: &[Resolved]) -> Settings {
        let values = resolved
            .iter()
            .filter_map(|r| Some((r.name.clone(), r.value.clone()?)))
            .collect();
        Settings { values }
    }

    pub fn insert(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_string(), value);
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(Value::expose)
            .filter(|v| !v.is_empty())
    }

    fn need(&self, name: &str) -> Result<&str, SetupError> {
        self.get(name)
            .ok_or_else(|| SetupError(vec![format!("{name} is not set")]))
    }
}

/// The settings do not allow a call: missing or invalid, each named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.join("; "))]
pub struct SetupError(pub(crate) Vec<String>);

/// Check resolved settings before any call: every required one present,
/// every present one valid. Problems name the setting and where it came from.
pub fn check_settings(provider: &Provider, resolved: &[Resolved]) -> Result<(), SetupError> {
    let mut problems = Vec::new();
    let present = |name: &str| resolved.iter().any(|r| r.name == name && r.value.is_some());
    for (s, r) in provider.settings.iter().zip(resolved) {
        if let Some(e) = &r.error
            && r.source == Source::Unknown
            && s.required != Required::No
        {
            problems.push(format!("{}: the keyring could not be read ({e})", s.name));
            continue;
        }
        match &s.required {
            Required::Yes if r.value.is_none() => problems.push(format!(
                "{} is not set (store it with `sms-mfa secrets set {} {}`, or set {})",
                s.name,
                provider.id,
                s.name,
                crate::settings::env_var(&s.name)
            )),
            Required::OneOf(group) if r.value.is_none() => {
                let members: Vec<&str> = provider
                    .settings
                    .iter()
                    .filter(|o| o.required == Required::OneOf(group.clone()))
                    .map(|o| o.name.as_str())
                    .collect();
                if !members.iter().any(|m| present(m)) && members.first() == Some(&s.name.as_str())
                {
                    problems.push(format!("one of {} must be set", members.join(", ")));
                }
            }
            _ => {}
        }
        if let Validation::Error(m) = &r.check {
            problems.push(format!("{} ({}): {m}", s.name, r.source.as_str()));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SetupError(problems))
    }
}

/// The API base URL: the override setting when set, else the provider's
/// default; without a trailing slash. Plain http only for loopback hosts.
pub(crate) fn base_url(provider: &Provider, settings: &Settings) -> Result<String, SetupError> {
    let name = provider.base_setting.as_deref();
    let url = match name.and_then(|n| settings.get(n)) {
        Some(v) => {
            if let Validation::Error(m) = https_url(v, None) {
                return Err(SetupError(vec![format!(
                    "{}: {m}",
                    name.unwrap_or("base URL")
                )]));
            }
            v.to_string()
        }
        None if !provider.base_url.is_empty() => provider.base_url.clone(),
        None => {
            return Err(SetupError(vec![format!(
                "{} is not set",
                name.unwrap_or("the base URL")
            )]));
        }
    };
    Ok(url.trim_end_matches('/').to_string())
}

/// A client for one of the catalog's providers.
pub enum Client {
    Twilio(twilio::Twilio),
    TwilioVerify(twilio_verify::TwilioVerify),
    Vonage(vonage::Vonage),
    Infobip(infobip::Infobip),
    Esendex(esendex::Esendex),
}

impl Client {
    /// Build the client of `provider` from its settings.
    pub fn new(
        catalog: &'static Catalog,
        provider: &str,
        settings: &Settings,
        http: Http,
    ) -> Result<Client, SetupError> {
        let p = catalog
            .get(provider)
            .ok_or_else(|| SetupError(vec![format!("unknown provider {provider}")]))?;
        let base = base_url(p, settings)?;
        let api = Api { base, http, p };
        // The one place a client is chosen: by the kind the catalog gave.
        Ok(match p.kind {
            Some(Kind::Twilio) => Client::Twilio(twilio::Twilio::new(api, settings)?),
            Some(Kind::TwilioVerify) => {
                Client::TwilioVerify(twilio_verify::TwilioVerify::new(api, settings)?)
            }
            Some(Kind::Vonage) => Client::Vonage(vonage::Vonage::new(api, settings)?),
            Some(Kind::Infobip) => Client::Infobip(infobip::Infobip::new(api, settings)?),
            Some(Kind::Esendex) => Client::Esendex(esendex::Esendex::new(api, settings)?),
            None => {
                return Err(SetupError(vec![format!(
                    "no client for provider {provider} in this build"
                )]));
            }
        })
    }

    pub async fn check_credentials(&self) -> Result<CredentialReport, Failure> {
        match self {
            Client::Twilio(c) => c.check_credentials().await,
            Client::TwilioVerify(c) => c.check_credentials().await,
            Client::Vonage(c) => c.check_credentials().await,
            Client::Infobip(c) => c.check_credentials().await,
            Client::Esendex(c) => c.check_credentials().await,
        }
    }

    pub async fn send_test(&self, to: &Recipient, text: &str) -> Result<Accepted, Failure> {
        match self {
            Client::Twilio(c) => c.send_test(to, text).await,
            Client::TwilioVerify(c) => c.send_test(to, text).await,
            Client::Vonage(c) => c.send_test(to, text).await,
            Client::Infobip(c) => c.send_test(to, text).await,
            Client::Esendex(c) => c.send_test(to, text).await,
        }
    }

    /// Whether the configured sender belongs to the account, where the API
    /// tells.
    pub async fn sender_owned(&self) -> Result<Told<Ownership>, Failure> {
        match self {
            Client::Twilio(c) => c.sender_owned().await,
            Client::TwilioVerify(_) => Ok(Told::Untold(
                "Twilio Verify sends from Twilio's own senders.".into(),
            )),
            other @ (Client::Vonage(_) | Client::Infobip(_) | Client::Esendex(_)) => {
                Ok(Told::Untold(format!(
                    "{}'s API does not list the senders an account may use.",
                    other.name()
                )))
            }
        }
    }

    /// Whether a trial account may send to `to`, where the API tells.
    pub async fn destination_verified(&self, to: &Recipient) -> Result<Told<bool>, Failure> {
        match self {
            Client::Twilio(c) => c.destination_verified(to).await.map(Told::Known),
            other @ (Client::TwilioVerify(_)
            | Client::Vonage(_)
            | Client::Infobip(_)
            | Client::Esendex(_)) => Ok(Told::Untold(format!(
                "{}'s API does not list the numbers a trial account may reach.",
                other.name()
            ))),
        }
    }

    /// The provider's name.
    pub(crate) fn name(&self) -> &'static str {
        let api = match self {
            Client::Twilio(c) => &c.api,
            Client::TwilioVerify(c) => &c.api,
            Client::Vonage(c) => &c.api,
            Client::Infobip(c) => &c.api,
            Client::Esendex(c) => &c.api,
        };
        api.p.name.as_str()
    }

    /// The provider's records of recent messages (newest first), paged
    /// and bounded by `q.limit`; or why they cannot be read.
    pub async fn delivery_records(&self, q: &Query) -> Result<Records, CannotLook> {
        match self {
            Client::Twilio(c) => c.delivery_records(q).await,
            Client::TwilioVerify(c) => c.delivery_records(q).await,
            Client::Vonage(c) => c.delivery_records(q).await,
            Client::Infobip(c) => c.delivery_records(q).await,
            Client::Esendex(c) => c.delivery_records(q).await,
        }
    }

    pub async fn delivery_status(&self, id: &str) -> Option<Result<Delivery, Failure>> {
        match self {
            Client::Twilio(c) => c.delivery_status(id).await,
            Client::TwilioVerify(c) => c.delivery_status(id).await,
            Client::Vonage(c) => c.delivery_status(id).await,
            Client::Infobip(c) => c.delivery_status(id).await,
            Client::Esendex(c) => c.delivery_status(id).await,
        }
    }
}

/// What every client shares: the base URL, the HTTP client, the catalog
/// entry (for its error table).
struct Api {
    base: String,
    http: Http,
    p: &'static Provider,
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Classify an error answer with this provider's table.
    fn failure(&self, code: Option<&str>, status: Option<u16>, message: String) -> Failure {
        classify(&self.p.errors, code, status, message)
    }

    /// An answer that is not what the API documents.
    fn unexpected(&self, status: u16, body: &str) -> Failure {
        let mut f = self.failure(
            None,
            Some(status),
            format!("unexpected answer (HTTP {status}): {}", excerpt(body)),
        );
        if f.class == super::outcome::ErrorClass::Rejected {
            f.class = super::outcome::ErrorClass::ProviderError;
        }
        f
    }
}

impl Api {
    /// A look that failed: the provider's refusal (or the network), said
    /// with what to do. A 401/403 on a list endpoint is the key lacking
    /// the right to read it.
    fn cannot(&self, what: &str, f: Failure) -> CannotLook {
        let code = f.code.as_deref().unwrap_or("no code");
        let reason = format!(
            "{} did not let sms-mfa read {what}: [{code}] {}",
            self.p.name, f.message
        );
        let fix = match f.http_status {
            Some(401 | 403) => format!(
                "Use credentials that may read {what} (see the provider's console), or read them in {}.",
                self.p.console
            ),
            _ => f.hint().to_string(),
        };
        CannotLook {
            provider: self.p.id.clone(),
            reason,
            fix,
        }
    }

    /// A next-page link from an answer, on this client's own host: a path
    /// (`/2010-04-01/…`) or an absolute URL whose path and query are kept,
    /// so that paging never leaves the configured base URL.
    fn next_page(&self, link: &str) -> Option<String> {
        if link.is_empty() {
            return None;
        }
        if link.starts_with('/') && !link.starts_with("//") {
            return Some(self.url(link));
        }
        let u = url::Url::parse(link).ok()?;
        let mut rest = u.path().to_string();
        if let Some(q) = u.query() {
            rest.push('?');
            rest.push_str(q);
        }
        Some(self.url(&rest))
    }
}

/// One record as a delivery status (step 3 and `send-test --follow`).
fn delivery_of(r: &super::delivery::Record) -> Delivery {
    use super::delivery::State;
    Delivery {
        status: r.status.clone(),
        final_: r.state != State::Pending,
        delivered: r.state == State::Delivered,
        error_code: r.code.clone(),
        error_message: r.message.clone().or_else(|| r.meaning.clone()),
    }
}

/// The latest record of a lookup by message id as a status; no record yet
/// is `pending`, and a look that failed is the failure.
fn status_of(found: Result<Records, CannotLook>) -> Result<Delivery, Failure> {
    match found {
        Ok(r) => Ok(r.records.first().map(delivery_of).unwrap_or(Delivery {
            status: "pending".into(),
            final_: false,
            delivered: false,
            error_code: None,
            error_message: None,
        })),
        Err(c) => Err(Failure {
            class: super::outcome::ErrorClass::Rejected,
            code: None,
            message: c.reason,
            meaning: Some(c.fix),
            http_status: None,
        }),
    }
}

/// A query for one message: any recipient, the last two days.
fn by_id_query() -> Query {
    Query {
        to: None,
        since: super::delivery::now() - 2 * 86_400,
        limit: 10,
    }
}

/// The first 200 characters of a body, on one line.
fn excerpt(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "(empty body)".into();
    }
    match one_line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

/// A random 6-digit code, as Auth0 would generate for an MFA challenge.
pub(crate) fn random_code() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    format!("{:06}", h.finish() % 1_000_000)
}
