//! Infobip SMS API v3: `{base}/sms/3/messages`, `Authorization: App KEY`,
//! numbers without `+`. HTTP 200 can still carry a REJECTED status.

use super::{Api, Recipient, Settings, SetupError, SmsClient};
use crate::providers::delivery::{
    CannotLook, MAX_RECORDS, PAGE_SIZE, Query, Record, Records, State, digits, parse_time, plus,
    rfc3339,
};
use crate::providers::outcome::{Accepted, CredentialReport, Delivery, Failure};
use serde::Deserialize;
use serde_json::json;

pub struct Infobip {
    pub(super) api: Api,
    key: String,
    sender: Option<String>,
}

impl Infobip {
    pub(super) fn new(api: Api, s: &Settings) -> Result<Infobip, SetupError> {
        Ok(Infobip {
            key: s.need("INFOBIP_API_KEY")?.to_string(),
            sender: s.get("INFOBIP_SENDER").map(str::to_string),
            api,
        })
    }

    fn auth(&self) -> String {
        format!("App {}", self.key)
    }

    /// An error answer: v3 `{"errorCode","description",...}` or the legacy
    /// `{"requestError":{"serviceException":{"messageId","text"}}}`.
    fn failure(&self, status: u16, body: &str) -> Failure {
        let v: serde_json::Value = match serde_json::from_str(body) {
            Ok(v) => v,
            Err(_) => return self.api.unexpected(status, body),
        };
        let message = if let Some(d) = v.get("description").and_then(|d| d.as_str()) {
            let code = v.get("errorCode").and_then(|c| c.as_str()).unwrap_or("");
            let mut m = format!("{code} {d}").trim().to_string();
            if let Some(vs) = v.get("violations").and_then(|x| x.as_array()) {
                for x in vs {
                    m.push_str(&format!(
                        "; {}: {}",
                        x.get("property").and_then(|p| p.as_str()).unwrap_or("?"),
                        x.get("violation").and_then(|p| p.as_str()).unwrap_or("?")
                    ));
                }
            }
            m
        } else if let Some(e) = v.pointer("/requestError/serviceException") {
            format!(
                "{} {}",
                e.get("messageId").and_then(|x| x.as_str()).unwrap_or(""),
                e.get("text").and_then(|x| x.as_str()).unwrap_or("")
            )
            .trim()
            .to_string()
        } else {
            super::excerpt(body)
        };
        self.api.failure(None, Some(status), message)
    }
}

#[derive(Deserialize)]
struct Response {
    messages: Vec<Message>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    message_id: Option<String>,
    status: Status,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    group_id: Option<u32>,
    group_name: Option<String>,
    id: Option<u32>,
    name: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct Balance {
    balance: f64,
    currency: Option<String>,
}

/// Infobip's status group of rejected messages.
const REJECTED: u32 = 5;

impl SmsClient for Infobip {
    async fn check_credentials(&self) -> Result<CredentialReport, Failure> {
        let req = self
            .api
            .http
            .client
            .get(self.api.url("/account/1/balance"))
            .header("Authorization", self.auth())
            .header("Accept", "application/json");
        let (status, body) = self.api.http.call(req).await?;
        // The balance needs the `account-management:manage` scope (Infobip's
        // OpenAPI spec, `x-scopes` of GET /account/1/balance; 403 FORBIDDEN
        // without it). A key made for sending only (`sms:message:send`, what
        // the catalog says to create) is valid all the same.
        if status == 403 {
            return Ok(CredentialReport {
                summary: "API key accepted; balance not readable".into(),
                usable: true,
                warnings: vec!["This API key cannot read the account balance (it lacks the account-management:manage scope): sending is not affected, but sms-mfa cannot warn you before the credits run out.".into()],
                trial: None,
                custom_codes: None,
            });
        }
        if status != 200 {
            return Err(self.failure(status, &body));
        }
        let b: Balance =
            serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))?;
        let mut warnings = Vec::new();
        if b.balance <= 0.0 {
            warnings.push("The balance is zero: messages will be rejected (not enough credits). Top up the account.".to_string());
        }
        Ok(CredentialReport {
            summary: format!(
                "balance {:.2} {}",
                b.balance,
                b.currency.unwrap_or_default()
            ),
            usable: b.balance > 0.0,
            warnings,
            trial: None,
            custom_codes: None,
        })
    }

    async fn send_test(&self, to: &Recipient, text: &str) -> Result<Accepted, Failure> {
        let mut message = json!({
            "destinations": [{"to": to.digits()}],
            "content": {"text": text},
        });
        if let Some(s) = &self.sender {
            message["sender"] = json!(s.trim_start_matches('+'));
        }
        let req = self
            .api
            .http
            .client
            .post(self.api.url("/sms/3/messages"))
            .header("Authorization", self.auth())
            .header("Accept", "application/json")
            .json(&json!({ "messages": [message] }));
        let (status, body) = self.api.http.call(req).await?;
        if !(200..300).contains(&status) {
            return Err(self.failure(status, &body));
        }
        let r: Response =
            serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))?;
        let Some(m) = r.messages.into_iter().next() else {
            return Err(self.api.unexpected(status, &body));
        };
        if m.status.group_id == Some(REJECTED) {
            let id = m.status.id.map(|i| i.to_string());
            let message = format!(
                "{} {}",
                m.status.name.unwrap_or_else(|| "REJECTED".into()),
                m.status.description.unwrap_or_default()
            )
            .trim()
            .to_string();
            return Err(self.api.failure(id.as_deref(), None, message));
        }
        Ok(Accepted {
            id: m.message_id.unwrap_or_default(),
            status: m.status.group_name.or(m.status.name),
            // Its log carries the status (GET /sms/3/logs?messageId=).
            trackable: true,
            code_sent: None,
        })
    }

    async fn delivery_status(&self, id: &str) -> Option<Result<Delivery, Failure>> {
        Some(super::status_of(
            self.logs(&super::by_id_query(), Some(id)).await,
        ))
    }
}

/// `GET /sms/3/logs` (`LogResponseSmsLogSmsMessageContent` in Infobip's
/// SMS OpenAPI spec: `results`, `cursor.nextCursor`).
#[derive(Deserialize)]
struct LogPage {
    #[serde(default)]
    results: Vec<LogEntry>,
    cursor: Option<Cursor>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cursor {
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogEntry {
    destination: Option<String>,
    message_id: Option<String>,
    sent_at: Option<String>,
    status: Option<LogStatus>,
    error: Option<LogError>,
}

/// `MessageStatus`: `groupName` is one of PENDING, UNDELIVERABLE,
/// DELIVERED, EXPIRED, REJECTED (`MessageGeneralStatus`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogStatus {
    group_name: Option<String>,
    id: Option<i64>,
    name: Option<String>,
    description: Option<String>,
    action: Option<String>,
}

/// `MessageError`: id 0 is "no error".
#[derive(Deserialize)]
struct LogError {
    id: Option<i64>,
    name: Option<String>,
    description: Option<String>,
}

/// How far back Infobip keeps logs (the spec's `limit`: "you can only
/// access logs for the last 48h").
const LOGS_KEPT: i64 = 48 * 3600;

impl Infobip {
    /// `GET /sms/3/logs?destination=…&sentSince=…&limit=…&useCursor=true`,
    /// then `cursor=nextCursor` until the limit. Delivery reports
    /// (`/sms/3/reports`) are not read: each is handed out once, and
    /// taking them would steal them from whoever else fetches them; the
    /// logs carry the same status and error.
    pub(crate) async fn delivery_records(&self, q: &Query) -> Result<Records, CannotLook> {
        self.logs(q, None).await
    }

    /// The logs, of one message (`messageId`) or all.
    async fn logs(&self, q: &Query, message: Option<&str>) -> Result<Records, CannotLook> {
        const WHAT: &str = "the SMS logs (GET /sms/3/logs)";
        let since = q.since.max(crate::providers::delivery::now() - LOGS_KEPT);
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        let mut truncated = false;
        for _ in 0..MAX_RECORDS / PAGE_SIZE {
            let mut params = vec![
                ("sentSince", iso_millis(since)),
                ("limit", PAGE_SIZE.min(q.limit()).to_string()),
                ("useCursor", "true".to_string()),
            ];
            if let Some(to) = &q.to {
                params.push(("destination", digits(to)));
            }
            if let Some(c) = &cursor {
                params.push(("cursor", c.clone()));
            }
            if let Some(m) = message {
                params.push(("messageId", m.to_string()));
            }
            let req = self
                .api
                .http
                .client
                .get(self.api.url("/sms/3/logs"))
                .query(&params)
                .header("Authorization", self.auth())
                .header("Accept", "application/json");
            let (status, body) = self
                .api
                .http
                .call(req)
                .await
                .map_err(|f| self.api.cannot(WHAT, f))?;
            if status == 403 {
                // The spec's x-scopes of GET /sms/3/logs: sms:logs:read or
                // sms:manage; the catalog tells people to make a key with
                // sms:message:send only.
                let f = self.failure(status, &body);
                return Err(CannotLook {
                    provider: self.api.p.id.clone(),
                    reason: format!(
                        "Infobip refused to show the SMS logs (HTTP 403: {}): the API key lacks the sms:logs:read scope.",
                        f.message
                    ),
                    fix: "Create an API key with the sms:logs:read scope (Infobip Portal > Developer tools > API keys) and give it to sms-mfa for tracing; sending keeps its own key.".into(),
                });
            }
            if status != 200 {
                return Err(self.api.cannot(WHAT, self.failure(status, &body)));
            }
            let page: LogPage = serde_json::from_str(&body)
                .map_err(|_| self.api.cannot(WHAT, self.api.unexpected(status, &body)))?;
            let n = page.results.len();
            for e in page.results {
                let to = e.destination.clone().unwrap_or_default();
                let at = e.sent_at.as_deref().and_then(parse_time).unwrap_or(0);
                if at < q.since || !q.wants(&to) {
                    continue;
                }
                if out.len() >= q.limit() {
                    truncated = true;
                    break;
                }
                out.push(log_record(&self.api, e, to, at));
            }
            cursor = page
                .cursor
                .and_then(|c| c.next_cursor)
                .filter(|c| !c.is_empty());
            if truncated || cursor.is_none() || n == 0 {
                break;
            }
        }
        truncated |= cursor.is_some() && out.len() >= q.limit();
        Ok(Records {
            records: out,
            truncated,
        })
    }
}

/// `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, the spec's `sentSince` format.
fn iso_millis(t: i64) -> String {
    let s = rfc3339(t);
    format!("{}.000+0000", &s[..19])
}

/// One log entry as a record: the state from the status group, the code
/// the catalog keys (`error N` for an error id, the status id of a
/// REJECTED message as at sending, else `status N`).
fn log_record(api: &super::Api, e: LogEntry, to: String, at: i64) -> Record {
    let st = e.status;
    let group = st
        .as_ref()
        .and_then(|s| s.group_name.clone())
        .unwrap_or_else(|| "PENDING".into());
    let state = match group.as_str() {
        "DELIVERED" => State::Delivered,
        "PENDING" | "ACCEPTED" => State::Pending,
        _ => State::Failed,
    };
    let error_id = e.error.as_ref().and_then(|x| x.id).filter(|i| *i != 0);
    let status_id = st.as_ref().and_then(|s| s.id);
    let code = match (error_id, status_id) {
        (Some(i), _) => Some(format!("error {i}")),
        (None, Some(i)) if group == "REJECTED" => Some(i.to_string()),
        (None, Some(i)) if state == State::Failed => Some(format!("status {i}")),
        _ => None,
    };
    let mut text = Vec::new();
    if let Some(s) = &st {
        let t = format!(
            "{} {}",
            s.name.as_deref().unwrap_or(""),
            s.description.as_deref().unwrap_or("")
        );
        if !t.trim().is_empty() {
            text.push(t.trim().to_string());
        }
        if let Some(a) = s.action.as_deref().filter(|a| !a.is_empty()) {
            text.push(a.to_string());
        }
    }
    if let Some(x) = e.error.as_ref().filter(|_| error_id.is_some()) {
        text.push(
            format!(
                "{} {}",
                x.name.as_deref().unwrap_or(""),
                x.description.as_deref().unwrap_or("")
            )
            .trim()
            .to_string(),
        );
    }
    let status = st.and_then(|s| s.name).unwrap_or_else(|| group.clone());
    Record::mapped(
        &api.p.errors,
        &api.p.id,
        e.message_id.unwrap_or_default(),
        plus(&to),
        at,
        status,
        state,
        code,
        (!text.is_empty()).then(|| text.join("; ")),
    )
}
