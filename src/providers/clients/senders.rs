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
//! Only the first page of each list is read (up to 100 entries).

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
            let v = get_basic(
                &api,
                &api.url(&format!(
                    "/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json",
                    crate::http::segment(sid)
                )),
                sid,
                token,
                &[("PageSize", "100")],
                true,
            )
            .await?;
            for n in items(&v, "incoming_phone_numbers") {
                let sms = n["capabilities"]["sms"].as_bool().unwrap_or(false);
                out.choices.push(choice(
                    "TWILIO_PHONE_NUMBER",
                    text(n, "phone_number"),
                    text(n, "friendly_name").to_string(),
                    sms,
                    (!sms).then(|| "not SMS-capable".to_string()),
                ));
            }
            let messaging = twilio_host(&base, &p.base_url, "https://messaging.twilio.com");
            match get_basic(
                &api,
                &format!("{messaging}/v1/Services"),
                sid,
                token,
                &[("PageSize", "50")],
                true,
            )
            .await
            {
                Ok(v) => {
                    for s in items(&v, "services") {
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
            let v = get_basic(&api, &api.url("/v2/Services"), sid, token, &[("PageSize", "50")], true).await?;
            for s in items(&v, "services") {
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
            let req = api
                .http
                .client
                .get(api.url("/account/numbers"))
                .query(&[("api_key", key), ("api_secret", secret), ("size", "100")]);
            let (status, body) = api.http.call(req).await?;
            if status != 200 {
                return Err(api.failure(None, Some(status), super::excerpt(&body)).into());
            }
            let v: Value =
                serde_json::from_str(&body).map_err(|_| api.unexpected(status, &body))?;
            for n in items(&v, "numbers") {
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
