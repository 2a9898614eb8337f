//! Twilio Programmable Messaging (API 2010-04-01): Messages.json,
//! form-encoded, HTTP Basic with the Account SID and auth token.

use super::{Api, Recipient, Settings, SetupError, SmsClient};
use crate::providers::delivery::{
    CannotLook, MAX_RECORDS, PAGE_SIZE, Query, Record, Records, State, day, parse_time, plus,
};
use crate::providers::outcome::{Accepted, CredentialReport, Delivery, Failure, Ownership, Told};
use serde::Deserialize;

pub struct Twilio {
    pub(super) api: Api,
    sid: String,
    token: String,
    from: Option<String>,
    messaging_service: Option<String>,
}

/// Twilio's error body: `{"code","message","more_info","status"}`.
#[derive(Deserialize)]
pub(super) struct TwilioError {
    pub(crate) code: Option<u64>,
    pub(crate) message: Option<String>,
}

/// Classify a Twilio (or Twilio Verify) error answer.
/// One page of a Twilio list with Basic authentication (`query` on the
/// first page only: the next pages' URLs carry it): the status and body,
/// or why the list cannot be read.
pub(super) async fn list_page(
    api: &Api,
    sid: &str,
    token: &str,
    url: String,
    query: Option<&[(&str, String)]>,
    what: &str,
) -> Result<(u16, String), CannotLook> {
    let mut req = api.http.client.get(url).basic_auth(sid, Some(token));
    if let Some(q) = query {
        req = req.query(q);
    }
    let (status, body) = api.http.call(req).await.map_err(|f| api.cannot(what, f))?;
    if status != 200 {
        return Err(api.cannot(what, twilio_failure(api, status, &body)));
    }
    Ok((status, body))
}

pub(super) fn twilio_failure(api: &Api, status: u16, body: &str) -> Failure {
    match serde_json::from_str::<TwilioError>(body) {
        Ok(e) => {
            let code = e.code.map(|c| c.to_string());
            let message = e.message.unwrap_or_else(|| super::excerpt(body));
            api.failure(code.as_deref(), Some(status), message)
        }
        Err(_) => api.unexpected(status, body),
    }
}

impl Twilio {
    pub(super) fn new(api: Api, s: &Settings) -> Result<Twilio, SetupError> {
        let from = s.get("TWILIO_PHONE_NUMBER").map(str::to_string);
        let messaging_service = s.get("TWILIO_MESSAGING_SERVICE_SID").map(str::to_string);
        if from.is_none() && messaging_service.is_none() {
            return Err(SetupError(vec![
                "one of TWILIO_PHONE_NUMBER, TWILIO_MESSAGING_SERVICE_SID must be set".into(),
            ]));
        }
        Ok(Twilio {
            sid: s.need("TWILIO_ACCOUNT_SID")?.to_string(),
            token: s.need("TWILIO_AUTH_TOKEN")?.to_string(),
            from,
            messaging_service,
            api,
        })
    }

    fn account_url(&self, rest: &str) -> String {
        self.api
            .url(&format!("/2010-04-01/Accounts/{}{rest}", self.sid))
    }
}

#[derive(Deserialize)]
struct Account {
    friendly_name: Option<String>,
    status: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct IncomingNumbers {
    incoming_phone_numbers: Vec<IncomingNumber>,
}

#[derive(Deserialize)]
struct IncomingNumber {
    phone_number: Option<String>,
    capabilities: Option<Capabilities>,
}

#[derive(Deserialize)]
struct Capabilities {
    sms: Option<bool>,
}

#[derive(Deserialize)]
struct CallerIds {
    outgoing_caller_ids: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Message {
    sid: String,
    status: Option<String>,
    error_code: Option<serde_json::Value>,
    error_message: Option<String>,
}

impl Twilio {
    /// A GET on the account, its JSON answer parsed.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        rest: &str,
        query: &[(&str, &str)],
    ) -> Result<T, Failure> {
        let req = self
            .api
            .http
            .client
            .get(self.account_url(rest))
            .query(query)
            .basic_auth(&self.sid, Some(&self.token));
        let (status, body) = self.api.http.call(req).await?;
        if status != 200 {
            return Err(twilio_failure(&self.api, status, &body));
        }
        serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))
    }

    /// Whether `From` is one of the account's numbers (IncomingPhoneNumbers),
    /// and SMS-capable. A Messaging Service picks its own sender.
    pub(crate) async fn sender_owned(&self) -> Result<Told<Ownership>, Failure> {
        let Some(from) = self
            .from
            .as_deref()
            .filter(|_| self.messaging_service.is_none())
        else {
            return Ok(Told::Untold(
                "The Messaging Service chooses the sender from its own pool.".into(),
            ));
        };
        let list: IncomingNumbers = self
            .get("/IncomingPhoneNumbers.json", &[("PhoneNumber", from)])
            .await?;
        let found = list
            .incoming_phone_numbers
            .iter()
            .find(|n| n.phone_number.as_deref() == Some(from));
        Ok(Told::Known(Ownership {
            sender: from.to_string(),
            owned: found.is_some(),
            sms_capable: found.and_then(|n| n.capabilities.as_ref()?.sms),
        }))
    }

    /// Whether `to` is a verified caller id of the account (what a trial
    /// account may send to).
    pub(crate) async fn destination_verified(&self, to: &Recipient) -> Result<bool, Failure> {
        let list: CallerIds = self
            .get("/OutgoingCallerIds.json", &[("PhoneNumber", to.e164())])
            .await?;
        Ok(!list.outgoing_caller_ids.is_empty())
    }
}

impl SmsClient for Twilio {
    async fn check_credentials(&self) -> Result<CredentialReport, Failure> {
        let req = self
            .api
            .http
            .client
            .get(self.account_url(".json"))
            .basic_auth(&self.sid, Some(&self.token));
        let (status, body) = self.api.http.call(req).await?;
        if status != 200 {
            return Err(twilio_failure(&self.api, status, &body));
        }
        let a: Account =
            serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))?;
        let kind = a.kind.unwrap_or_else(|| "unknown".into());
        let state = a.status.unwrap_or_else(|| "unknown".into());
        let mut warnings = Vec::new();
        if kind.eq_ignore_ascii_case("trial") {
            warnings.push(
                "Trial account: it only reaches verified numbers (Twilio error 21608 for others). Upgrade before real users enroll."
                    .to_string(),
            );
        }
        let usable = state == "active";
        if !usable {
            warnings.push(format!(
                "The account is {state}: it cannot send. Reactivate it in the Twilio Console."
            ));
        }
        Ok(CredentialReport {
            summary: format!(
                "{kind} account '{}', {state}",
                a.friendly_name.unwrap_or_default()
            ),
            warnings,
            usable,
            trial: Some(kind.eq_ignore_ascii_case("trial")),
            custom_codes: None,
        })
    }

    async fn send_test(&self, to: &Recipient, text: &str) -> Result<Accepted, Failure> {
        let mut form = vec![("To", to.e164().to_string()), ("Body", text.to_string())];
        match (&self.messaging_service, &self.from) {
            (Some(mg), _) => form.push(("MessagingServiceSid", mg.clone())),
            (None, Some(from)) => form.push(("From", from.clone())),
            (None, None) => unreachable!("checked in new()"),
        }
        let req = self
            .api
            .http
            .client
            .post(self.account_url("/Messages.json"))
            .basic_auth(&self.sid, Some(&self.token))
            .form(&form);
        let (status, body) = self.api.http.call(req).await?;
        if !(200..300).contains(&status) {
            return Err(twilio_failure(&self.api, status, &body));
        }
        let m: Message =
            serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))?;
        Ok(Accepted {
            id: m.sid,
            status: m.status,
            trackable: true,
            code_sent: None,
        })
    }

    async fn delivery_status(&self, id: &str) -> Option<Result<Delivery, Failure>> {
        let req = self
            .api
            .http
            .client
            .get(self.account_url(&format!("/Messages/{}.json", crate::http::segment(id))))
            .basic_auth(&self.sid, Some(&self.token));
        let result = async {
            let (status, body) = self.api.http.call(req).await?;
            if status != 200 {
                return Err(twilio_failure(&self.api, status, &body));
            }
            let m: Message =
                serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))?;
            let s = m.status.unwrap_or_else(|| "unknown".into());
            let error_code = match m.error_code {
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s),
                _ => None,
            };
            let error_message = m.error_message.or_else(|| {
                let code = error_code.as_deref()?;
                self.api
                    .p
                    .errors
                    .iter()
                    .find(|e| e.code == code)
                    .map(|e| e.meaning.clone())
            });
            Ok(Delivery {
                final_: matches!(
                    s.as_str(),
                    "delivered" | "undelivered" | "failed" | "canceled" | "read"
                ),
                delivered: matches!(s.as_str(), "delivered" | "read"),
                status: s,
                error_code,
                error_message,
            })
        }
        .await;
        Some(result)
    }
}

/// One page of the Messages list (`ListMessageResponse` in Twilio's
/// OpenAPI spec: `messages`, `next_page_uri`).
#[derive(Deserialize)]
struct MessagePage {
    #[serde(default)]
    messages: Vec<ListedMessage>,
    next_page_uri: Option<String>,
}

/// The fields of `api.v2010.account.message` a record needs.
#[derive(Deserialize)]
struct ListedMessage {
    sid: String,
    to: Option<String>,
    status: Option<String>,
    error_code: Option<serde_json::Value>,
    error_message: Option<String>,
    date_sent: Option<String>,
    date_created: Option<String>,
    direction: Option<String>,
}

/// Twilio's `error_code`: a number, a string, or null.
pub(super) fn code_text(v: Option<&serde_json::Value>) -> Option<String> {
    match v {
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A Twilio message status (`message_enum_status` in the spec) as a state.
pub(super) fn twilio_state(status: &str) -> State {
    match status {
        "delivered" | "read" => State::Delivered,
        "undelivered" | "failed" | "canceled" => State::Failed,
        _ => State::Pending,
    }
}

impl Twilio {
    /// `GET Messages.json?To=…&DateSent>=DAY&PageSize=…`, following
    /// `next_page_uri` until the limit (Twilio's spec: the list is newest
    /// first; `DateSent>` takes a day, so earlier messages of that day are
    /// dropped here).
    pub(crate) async fn delivery_records(&self, q: &Query) -> Result<Records, CannotLook> {
        const WHAT: &str = "the message list (Messages.json)";
        let mut params = vec![
            ("PageSize", PAGE_SIZE.min(q.limit()).to_string()),
            ("DateSent>", day(q.since)),
        ];
        if let Some(to) = &q.to {
            params.push(("To", to.clone()));
        }
        let mut next = Some(self.account_url("/Messages.json"));
        let mut first = true;
        let mut out = Vec::new();
        let mut truncated = false;
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            let query = first.then_some(params.as_slice());
            first = false;
            let (status, body) =
                list_page(&self.api, &self.sid, &self.token, url, query, WHAT).await?;
            let page: MessagePage = serde_json::from_str(&body)
                .map_err(|_| self.api.cannot(WHAT, self.api.unexpected(status, &body)))?;
            for m in page.messages {
                if m.direction
                    .as_deref()
                    .is_some_and(|d| d.starts_with("inbound"))
                {
                    continue;
                }
                let to = m.to.unwrap_or_default();
                let at = m
                    .date_sent
                    .as_deref()
                    .or(m.date_created.as_deref())
                    .and_then(parse_time)
                    .unwrap_or(0);
                if at < q.since || !q.wants(&to) {
                    continue;
                }
                if out.len() >= q.limit() {
                    truncated = true;
                    break;
                }
                let status = m.status.unwrap_or_else(|| "unknown".into());
                let state = twilio_state(&status);
                out.push(Record::mapped(
                    &self.api.p.errors,
                    &self.api.p.id,
                    m.sid,
                    plus(&to),
                    at,
                    status,
                    state,
                    code_text(m.error_code.as_ref()),
                    m.error_message,
                ));
            }
            if truncated || pages >= MAX_RECORDS / PAGE_SIZE {
                truncated |= page.next_page_uri.is_some();
                break;
            }
            next = page
                .next_page_uri
                .as_deref()
                .and_then(|u| self.api.next_page(u));
        }
        Ok(Records {
            records: out,
            truncated,
        })
    }
}
