//! Infobip SMS API v3: `{base}/sms/3/messages`, `Authorization: App KEY`,
//! numbers without `+`. HTTP 200 can still carry a REJECTED status.

use super::{Api, Recipient, Settings, SetupError, SmsClient};
use crate::providers::outcome::{Accepted, CredentialReport, Failure};
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
            trackable: false,
            code_sent: None,
        })
    }
}
