//! Vonage (Nexmo) SMS API: `/sms/json`, form-encoded, credentials in the
//! body. Always HTTP 200: success or failure is each message's `status`.

use super::{Api, Recipient, Settings, SetupError, SmsClient};
use crate::providers::delivery::{
    CannotLook, Query, Record, Records, State, parse_time, plus, rfc3339,
};
use crate::providers::outcome::{Accepted, CredentialReport, Delivery, Failure};
use serde::Deserialize;

pub struct Vonage {
    pub(super) api: Api,
    key: String,
    secret: String,
    from: String,
}

impl Vonage {
    pub(super) fn new(api: Api, s: &Settings) -> Result<Vonage, SetupError> {
        Ok(Vonage {
            key: s.need("VONAGE_API_KEY")?.to_string(),
            secret: s.need("VONAGE_API_SECRET")?.to_string(),
            // A number is sent without its +; an alphanumeric sender as is.
            from: s
                .need("VONAGE_FROM_NUMBER")?
                .trim_start_matches('+')
                .to_string(),
            api,
        })
    }
}

#[derive(Deserialize)]
struct SmsResponse {
    messages: Vec<SmsMessage>,
}

#[derive(Deserialize)]
struct SmsMessage {
    status: String,
    #[serde(rename = "message-id")]
    message_id: Option<String>,
    #[serde(rename = "error-text")]
    error_text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Balance {
    value: f64,
    auto_reload: Option<bool>,
}

impl SmsClient for Vonage {
    async fn check_credentials(&self) -> Result<CredentialReport, Failure> {
        let req = self
            .api
            .http
            .client
            .get(self.api.url("/account/get-balance"))
            .query(&[("api_key", &self.key), ("api_secret", &self.secret)]);
        let (status, body) = self.api.http.call(req).await?;
        if status != 200 {
            return Err(self.api.failure(None, Some(status), super::excerpt(&body)));
        }
        let b: Balance =
            serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))?;
        let mut warnings = Vec::new();
        if b.value <= 0.0 {
            warnings.push("The balance is zero: messages will fail with status 9 (insufficient credit). Top up the account.".to_string());
        }
        Ok(CredentialReport {
            summary: format!(
                "balance {:.2} EUR{}",
                b.value,
                if b.auto_reload == Some(true) {
                    ", auto-reload on"
                } else {
                    ""
                }
            ),
            usable: b.value > 0.0,
            warnings,
            trial: None,
            custom_codes: None,
        })
    }

    async fn send_test(&self, to: &Recipient, text: &str) -> Result<Accepted, Failure> {
        let mut form = vec![
            ("api_key", self.key.clone()),
            ("api_secret", self.secret.clone()),
            ("from", self.from.clone()),
            ("to", to.digits().to_string()),
            ("text", text.to_string()),
        ];
        if !text.is_ascii() {
            form.push(("type", "unicode".to_string()));
        }
        let req = self
            .api
            .http
            .client
            .post(self.api.url("/sms/json"))
            .form(&form);
        let (status, body) = self.api.http.call(req).await?;
        if !(200..300).contains(&status) {
            return Err(self.api.failure(None, Some(status), super::excerpt(&body)));
        }
        let r: SmsResponse =
            serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))?;
        let Some(m) = r.messages.into_iter().next() else {
            return Err(self.api.unexpected(status, &body));
        };
        if m.status != "0" {
            let message = m
                .error_text
                .unwrap_or_else(|| format!("status {}", m.status));
            return Err(self.api.failure(Some(&m.status), Some(status), message));
        }
        Ok(Accepted {
            id: m.message_id.unwrap_or_default(),
            status: Some("accepted".into()),
            // The Reports API finds it by id, where the account has it.
            trackable: true,
            code_sent: None,
        })
    }

    /// `GET /v2/reports/records?…&id=ID` (the spec: with `id`, no dates).
    async fn delivery_status(&self, id: &str) -> Option<Result<Delivery, Failure>> {
        let req = self
            .api
            .http
            .client
            .get(format!("{}/v2/reports/records", self.reports_base()))
            .query(&[
                ("account_id", self.key.as_str()),
                ("product", "SMS"),
                ("direction", "outbound"),
                ("id", id),
            ])
            .basic_auth(&self.key, Some(&self.secret));
        let found = async {
            let (status, body) = self
                .api
                .http
                .call(req)
                .await
                .map_err(|f| self.api.cannot(WHAT, f))?;
            self.records_page(status, &body, &super::by_id_query())
        }
        .await;
        Some(super::status_of(found))
    }
}

/// An answer of the synchronous Reports API, `GET /v2/reports/records`
/// (Vonage's Reports API spec, github:Nexmo/api-specification
/// `definitions/reports.yml`: `json_record_response`, SMS outbound).
#[derive(Deserialize)]
struct ReportPage {
    #[serde(default)]
    records: Vec<ReportRecord>,
}

/// `json_sms_outbound`: `status` is one of delivered, expired, failed,
/// rejected, accepted, buffered, unknown, deleted.
#[derive(Deserialize)]
struct ReportRecord {
    message_id: Option<String>,
    to: Option<String>,
    date_received: Option<String>,
    status: Option<String>,
    error_code: Option<serde_json::Value>,
    error_code_description: Option<String>,
}

/// The Reports API's host: not the SMS API's (`rest.nexmo.com`) but
/// `api.nexmo.com` (the spec's `servers`); an overridden base URL (a
/// test server) answers both.
const REPORTS_BASE: &str = "https://api.nexmo.com";
/// A request covers at most 24 hours (the spec: `date_end` "Must be no
/// more than 24 hours later than `date_start`").
const WINDOW: i64 = 86_400;
/// How many days back a look goes at most.
const MAX_WINDOWS: i64 = 7;

impl Vonage {
    /// `GET /v2/reports/records?account_id=KEY&product=SMS&direction=outbound&date_start=…&date_end=…`,
    /// one request per 24 hours, all at once; the recipient is filtered
    /// here (the API has no such filter). Where the account may not use
    /// the Reports API, the answer says so: Vonage otherwise reports
    /// delivery only to a webhook.
    pub(crate) async fn delivery_records(&self, q: &Query) -> Result<Records, CannotLook> {
        let base = self.reports_base();
        let now = crate::providers::delivery::now();
        let since = q.since.max(now - MAX_WINDOWS * WINDOW);
        let mut windows = Vec::new();
        let mut start = since;
        while start < now {
            windows.push((start, (start + WINDOW).min(now + 1)));
            start += WINDOW;
        }
        let calls = windows.iter().map(|(from, to)| {
            let (start, end) = (offset_time(*from), offset_time(*to));
            let req = self
                .api
                .http
                .client
                .get(format!("{base}/v2/reports/records"))
                .query(&[
                    ("account_id", self.key.as_str()),
                    ("product", "SMS"),
                    ("direction", "outbound"),
                    ("date_start", start.as_str()),
                    ("date_end", end.as_str()),
                ])
                .basic_auth(&self.key, Some(&self.secret));
            self.api.http.call(req)
        });
        let answers = futures::future::join_all(calls).await;
        let mut out = Vec::new();
        for answer in answers {
            let (status, body) = answer.map_err(|f| self.api.cannot(WHAT, f))?;
            out.extend(self.records_page(status, &body, q)?.records);
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.at));
        let truncated = out.len() > q.limit();
        out.truncate(q.limit());
        Ok(Records {
            records: out,
            truncated,
        })
    }
}

impl Vonage {
    /// The Reports API's host: `api.nexmo.com` unless the base URL is
    /// overridden (a test server answers both).
    fn reports_base(&self) -> String {
        if self.api.base == self.api.p.base_url {
            REPORTS_BASE.to_string()
        } else {
            self.api.base.clone()
        }
    }

    /// One answer of `GET /v2/reports/records`, read.
    fn records_page(&self, status: u16, body: &str, q: &Query) -> Result<Records, CannotLook> {
        let mut out = Vec::new();
        if status == 401 || status == 403 {
            let detail = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v["detail"].as_str().map(str::to_string))
                .unwrap_or_else(|| super::excerpt(body));
            return Err(CannotLook {
                provider: self.api.p.id.clone(),
                reason: format!(
                    "Vonage's Reports API refused (HTTP {status}: {detail}). Vonage's SMS API reports delivery only to a webhook (delivery receipts), so without the Reports API there is no record sms-mfa can read."
                ),
                fix: "Ask Vonage to enable the Reports API for this account, or read the delivery receipts in the Vonage Dashboard (Logs > SMS).".into(),
            });
        }
        if status != 200 {
            return Err(self.api.cannot(
                WHAT,
                self.api.failure(None, Some(status), super::excerpt(body)),
            ));
        }
        let page: ReportPage = serde_json::from_str(body)
            .map_err(|_| self.api.cannot(WHAT, self.api.unexpected(status, body)))?;
        for r in page.records {
            let to = r.to.unwrap_or_default();
            let at = r.date_received.as_deref().and_then(parse_time).unwrap_or(0);
            if at < q.since || !q.wants(&to) {
                continue;
            }
            let status = r.status.unwrap_or_else(|| "unknown".into());
            let state = match status.as_str() {
                "delivered" => State::Delivered,
                "expired" | "failed" | "rejected" => State::Failed,
                _ => State::Pending,
            };
            let code = super::twilio::code_text(r.error_code.as_ref())
                .filter(|c| c != "0")
                .map(|c| format!("dlr {c}"));
            out.push(Record::mapped(
                &self.api.p.errors,
                &self.api.p.id,
                r.message_id.unwrap_or_default(),
                plus(&to),
                at,
                status,
                state,
                code,
                r.error_code_description,
            ));
        }
        Ok(Records {
            records: out,
            truncated: false,
        })
    }
}

const WHAT: &str = "the SMS records (Reports API)";

/// `yyyy-mm-ddThh:mm:ss+0000`, the spec's `date_start` format.
fn offset_time(t: i64) -> String {
    format!("{}+0000", &rfc3339(t)[..19])
}
