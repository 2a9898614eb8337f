//! Vonage (Nexmo) SMS API: `/sms/json`, form-encoded, credentials in the
//! body. Always HTTP 200: success or failure is each message's `status`.

use super::{Api, Recipient, Settings, SetupError, SmsClient};
use crate::providers::outcome::{Accepted, CredentialReport, Failure};
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
            trackable: false,
            code_sent: None,
        })
    }
}
