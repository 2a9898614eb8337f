//! Pick, not paste: what an account may send from, listed with the
//! credentials just typed, for step 2's pickers and `sms-mfa provider
//! senders`.
//!
//! | provider | listed | endpoint (source) |
//! | --- | --- | --- |
//! | Twilio | SMS-capable numbers | `GET /2010-04-01/Accounts/{Sid}/IncomingPhoneNumbers.json` (twilio_api_v2010.json) |
//! | Twilio | Messaging Services, with their senders | `GET https://messaging.twilio.com/v1/Services`, `GET /v1/Services/{Sid}/PhoneNumbers` (twilio-oai spec/json/twilio_messaging_v1.json) |
//! | Twilio Verify | Verify services and `custom_code_enabled` | `GET https://verify.twilio.com/v2/Services` (twilio_verify_v2.json) |
//! | Vonage | the account's numbers and their features | `GET https://rest.nexmo.com/account/numbers` (Vonage Numbers API reference, "List the numbers you own": `api_key`, `api_secret`; answer `{count, numbers: [{msisdn, features}]}`) |
//! | Esendex | the account references | `GET /v1.0/accounts` (PROVIDERS.md) |
//! | Infobip | nothing: no documented endpoint lists an account's senders | — |
//!
//! Paged lists are followed, bounded: at most [`MAX_PAGES`] pages and
//! [`MAX_ITEMS`] entries per list (Twilio's 2010 lists by `next_page_uri`,
//! its v1/v2 lists by `meta.next_page_url`, per the twilio-oai specs;
//! Vonage's by `index`/`size` against the answer's `count`, per the Numbers
//! API reference). A list cut short says so in the notes.

use super::twilio::twilio_failure;
use super::{Api, Http, Settings, SetupError, base_url};
use crate::providers::outcome::Failure;
use crate::providers::{Catalog, Kind};
use serde::Serialize;
use serde_json::Value;

/// One thing to pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// The setting it fills (`TWILIO_PHONE_NUMBER`).
    pub setting: String,
    /// The value it puts there.
    pub value: String,
    /// What it is, for people (the friendly name, the features).
    pub label: String,
    /// Whether sms-mfa can send through it.
    pub usable: bool,
    /// Why not, or what to know.
    pub note: Option<String>,
}

/// Why nothing could be listed.
#[derive(Debug, Clone)]
pub enum ListError {
    /// The settings do not allow the call (missing credentials).
    Settings(SetupError),
    /// The provider refused or failed (classified).
    Provider(Failure),
}

impl From<Failure> for ListError {
    fn from(f: Failure) -> ListError {
        ListError::Provider(f)
    }
}

impl From<SetupError> for ListError {
    fn from(e: SetupError) -> ListError {
        ListError::Settings(e)
    }
}

/// What a provider's API lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Senders {
    pub provider: String,
    pub choices: Vec<Choice>,
    /// Why some list could not be had (the manual field still works).
    pub notes: Vec<String>,
}

fn choice(setting: &str, value: &str, label: String, usable: bool, note: Option<String>) -> Choice {
    Choice {
        setting: setting.into(),
        value: value.into(),
        label,
        usable,
        note,
    }
}

/// GET `url` with HTTP Basic; the JSON answer, or the provider's error.
async fn get_basic(
    api: &Api,
    url: &str,
    user: &str,
    password: &str,
    query: &[(&str, &str)],
    twilio: bool,
) -> Result<Value, Failure> {
    let req = api
        .http
        .client
        .get(url)
        .query(query)
        .basic_auth(user, Some(password))
        .header("Accept", "application/json");
    let (status, body) = api.http.call(req).await?;
    if status != 200 {
        return Err(if twilio {
            twilio_failure(api, status, &body)
        } else {
            api.failure(None, Some(status), super::excerpt(&body))
        });
    }
    serde_json::from_str(&body).map_err(|_| api.unexpected(status, &body))
}

/// At most this many pages of one list are read.
pub const MAX_PAGES: usize = 5;
/// At most this many entries of one list are kept.
pub const MAX_ITEMS: usize = 200;

/// A Twilio list, page after page: the first page at `url` with `query`,
/// then the answer's next-page link (`next_page_uri` in the 2010 API,
/// `meta.next_page_url` in Messaging v1 and Verify v2), kept on `host` so
/// that paging never leaves the configured base URL. The entries under
/// `key`, and whether the list was cut short.
async fn twilio_list(
    api: &Api,
    host: &str,
    url: String,
    auth: (&str, &str),
    query: &[(&str, &str)],
    key: &str,
) -> Result<(Vec<Value>, bool), Failure> {
    let mut out = Vec::new();
    let mut next = Some(url);
    let mut pages = 0;
    while let Some(url) = next.take() {
        let q: &[(&str, &str)] = if pages == 0 { query } else { &[] };
        let v = get_basic(api, &url, auth.0, auth.1, q, true).await?;
        pages += 1;
        out.extend(items(&v, key).cloned());
        let link = v["next_page_uri"]
            .as_str()
            .or_else(|| v["meta"]["next_page_url"].as_str())
            .filter(|l| !l.is_empty());
        if out.len() >= MAX_ITEMS || pages >= MAX_PAGES {
            let more = link.is_some() || out.len() > MAX_ITEMS;
            out.truncate(MAX_ITEMS);
            return Ok((out, more));
        }
        next = link.and_then(|l| on_host(host, l));
    }
    Ok((out, false))
}

/// A next-page link (a path, or an absolute URL) on `host`: its path and
/// query kept, its host replaced.
fn on_host(host: &str, link: &str) -> Option<String> {
    if link.starts_with('/') && !link.starts_with("//") {
        return Some(format!("{host}{link}"));
    }
    let u = url::Url::parse(link).ok()?;
    let mut rest = u.path().to_string();
    if let Some(q) = u.query() {
        rest.push('?');
        rest.push_str(q);
    }
    Some(format!("{host}{rest}"))
}

/// The note for a list cut short.
fn cut_short(what: &str) -> String {
    format!("Only the first {MAX_ITEMS} {what} are listed: type any other by hand.")
}

fn items<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v[key].as_array().into_iter().flatten()
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// Twilio's other API hosts: the real one, or the overridden base (the
/// sandbox and the tests serve every Twilio API on one address).
fn twilio_host(base: &str, default: &str, real: &str) -> String {
    if base == default {
        real.to_string()
    } else {
        base.to_string()
    }
}

/// List what the account of `provider` may send from (or, for Twilio
/// Verify, its services). A failure is the provider's, classified.
pub async fn list_senders(
    catalog: &'static Catalog,
    provider: &str,
    settings: &Settings,
    http: Http,
) -> Result<Senders, ListError> {
    let p = catalog
        .get(provider)
        .ok_or_else(|| SetupError(vec![format!("unknown provider {provider}")]))?;
    let base = base_url(p, settings)?;
    let api = Api {
        base: base.clone(),
        http,
        p,
    };
    let mut out = Senders {
        provider: p.id.clone(),
        choices: Vec::new(),
        notes: Vec::new(),
    };
    match p.kind {
        Some(Kind::Twilio) => {
            let sid = settings.need("TWILIO_ACCOUNT_SID")?;
            let token = settings.need("TWILIO_AUTH_TOKEN")?;
            let (numbers, more) = twilio_list(
                &api,
                &base,
                api.url(&format!(
                    "/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json",
                    crate::http::segment(sid)
                )),
                (sid, token),
                &[("PageSize", "100")],
                "incoming_phone_numbers",
            )
            .await?;
            for n in &numbers {
                let sms = n["capabilities"]["sms"].as_bool().unwrap_or(false);
                out.choices.push(choice(
                    "TWILIO_PHONE_NUMBER",
                    text(n, "phone_number"),
                    text(n, "friendly_name").to_string(),
                    sms,
                    (!sms).then(|| "not SMS-capable".to_string()),
                ));
            }
            if more {
                out.notes.push(cut_short("numbers"));
            }
            let messaging = twilio_host(&base, &p.base_url, "https://messaging.twilio.com");
            match twilio_list(
                &api,
                &messaging,
                format!("{messaging}/v1/Services"),
                (sid, token),
                &[("PageSize", "50")],
                "services",
            )
            .await
            {
                Ok((services, more)) => {
                    if more {
                        out.notes.push(cut_short("Messaging Services"));
                    }
                    for s in &services {
                        let service = text(s, "sid");
                        let senders = get_basic(
                            &api,
                            &format!(
                                "{messaging}/v1/Services/{}/PhoneNumbers",
                                crate::http::segment(service)
                            ),
                            sid,
                            token,
                            &[("PageSize", "50")],
                            true,
                        )
                        .await
                        .map(|v| {
                            items(&v, "phone_numbers")
                                .map(|n| text(n, "phone_number").to_string())
                                .collect::<Vec<_>>()
                        });
                        let (usable, note) = match senders {
                            Ok(list) if list.is_empty() => {
                                (false, Some("no senders in its pool: add a number to it in the Twilio Console".to_string()))
                            }
                            Ok(list) => (true, Some(format!("sends from {}", list.join(", ")))),
                            Err(e) => (true, Some(format!("its senders could not be listed: {}", e.message))),
                        };
                        out.choices.push(choice(
                            "TWILIO_MESSAGING_SERVICE_SID",
                            service,
                            text(s, "friendly_name").to_string(),
                            usable,
                            note,
                        ));
                    }
                }
                Err(e) => out.notes.push(format!(
                    "Messaging Services could not be listed ({}): type the MG… SID by hand if you use one.",
                    e.message
                )),
            }
        }
        Some(Kind::TwilioVerify) => {
            let sid = settings.need("TWILIO_ACCOUNT_SID")?;
            let token = settings.need("TWILIO_AUTH_TOKEN")?;
            let (services, more) = twilio_list(
                &api,
                &base,
                api.url("/v2/Services"),
                (sid, token),
                &[("PageSize", "50")],
                "services",
            )
            .await?;
            if more {
                out.notes.push(cut_short("Verify services"));
            }
            for s in &services {
                let custom = s["custom_code_enabled"].as_bool().unwrap_or(false);
                out.choices.push(choice(
                    "TWILIO_VERIFY_SERVICE_SID",
                    text(s, "sid"),
                    text(s, "friendly_name").to_string(),
                    custom,
                    Some(if custom {
                        "custom codes enabled".to_string()
                    } else {
                        "custom codes are off: Auth0 passes its own code, so every send would fail (Twilio error 60204). Ask Twilio support to enable custom verification codes, or pick another service.".to_string()
                    }),
                ));
            }
        }
        Some(Kind::Vonage) => {
            let key = settings.need("VONAGE_API_KEY")?;
            let secret = settings.need("VONAGE_API_SECRET")?;
            // Pages of `size` (at most 100) from `index` 1, until the
            // answer's `count` is reached: Nexmo's Numbers API reference,
            // "List owned numbers" (`index` page index, default 1; `size`
            // page size, max 100, default 10), as also in the Numbers API
            // OpenAPI spec 1.0.20 (github:ballerina-platform/openapi-connectors
            // APIs/vonage.numbers).
            let mut numbers: Vec<Value> = Vec::new();
            let mut more = false;
            for index in 1..=MAX_PAGES {
                let index = index.to_string();
                let req = api.http.client.get(api.url("/account/numbers")).query(&[
                    ("api_key", key),
                    ("api_secret", secret),
                    ("size", "100"),
                    ("index", index.as_str()),
                ]);
                let (status, body) = api.http.call(req).await?;
                if status != 200 {
                    return Err(api.failure(None, Some(status), super::excerpt(&body)).into());
                }
                let v: Value =
                    serde_json::from_str(&body).map_err(|_| api.unexpected(status, &body))?;
                let before = numbers.len();
                numbers.extend(items(&v, "numbers").cloned());
                let count = v["count"].as_u64().unwrap_or(0) as usize;
                more = numbers.len() < count;
                if !more || numbers.len() == before || numbers.len() >= MAX_ITEMS {
                    break;
                }
            }
            more |= numbers.len() > MAX_ITEMS;
            numbers.truncate(MAX_ITEMS);
            for n in &numbers {
                let features: Vec<&str> = items(n, "features").filter_map(Value::as_str).collect();
                let sms = features.contains(&"SMS");
                let msisdn = text(n, "msisdn");
                out.choices.push(choice(
                    "VONAGE_FROM_NUMBER",
                    &format!("+{}", msisdn.trim_start_matches('+')),
                    format!("{} {}", text(n, "country"), features.join("+")).trim().to_string(),
                    sms,
                    (!sms).then(|| "no SMS feature".to_string()),
                ));
            }
            if more {
                out.notes.push(cut_short("numbers"));
            }
            out.notes.push(
                "An alphanumeric sender id (like ACME) works in many countries too: type it by hand.".into(),
            );
        }
        Some(Kind::Esendex) => {
            let user = settings.need("ESENDEX_USERNAME")?;
            let password = settings.need("ESENDEX_PASSWORD")?;
            let req = api
                .http
                .client
                .get(api.url("/v1.0/accounts"))
                .basic_auth(user, Some(password))
                .header("Accept", "application/json");
            let (status, body) = api.http.call(req).await?;
            if status != 200 {
                return Err(api.failure(None, Some(status), super::excerpt(&body)).into());
            }
            for r in super::esendex_references(&body) {
                out.choices.push(choice("ESENDEX_ACCOUNT", &r, "account reference".into(), true, None));
            }
        }
        Some(Kind::Infobip) | None => out.notes.push(format!(
            "{}'s API has no documented endpoint that lists an account's senders: type the sender by hand (a number in E.164 form, or an alphanumeric id your account may use).",
            p.name
        )),
    }
    Ok(out)
}
