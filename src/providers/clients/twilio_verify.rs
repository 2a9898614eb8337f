//! Twilio Verify v2: a Verification with `Channel=sms` and the code Auth0
//! would send as `CustomCode`. The service SID is `VA...`, never the
//! Account SID.

use super::twilio::{list_page, twilio_failure};
use super::{Api, Recipient, Settings, SetupError, SmsClient, random_code};
use crate::providers::delivery::{
    CannotLook, MAX_RECORDS, PAGE_SIZE, Query, Record, Records, State, parse_time, plus, rfc3339,
};
use crate::providers::outcome::{Accepted, CredentialReport, Delivery, Failure};
use serde::Deserialize;

pub struct TwilioVerify {
    pub(super) api: Api,
    sid: String,
    token: String,
    service: String,
}

impl TwilioVerify {
    pub(super) fn new(api: Api, s: &Settings) -> Result<TwilioVerify, SetupError> {
        Ok(TwilioVerify {
            sid: s.need("TWILIO_ACCOUNT_SID")?.to_string(),
            token: s.need("TWILIO_AUTH_TOKEN")?.to_string(),
            service: s.need("TWILIO_VERIFY_SERVICE_SID")?.to_string(),
            api,
        })
    }
}

#[derive(Deserialize)]
struct Service {
    friendly_name: Option<String>,
    custom_code_enabled: Option<bool>,
}

#[derive(Deserialize)]
struct Verification {
    sid: String,
    status: Option<String>,
}

impl SmsClient for TwilioVerify {
    async fn check_credentials(&self) -> Result<CredentialReport, Failure> {
        let req = self
            .api
            .http
            .client
            .get(self.api.url(&format!("/v2/Services/{}", self.service)))
            .basic_auth(&self.sid, Some(&self.token));
        let (status, body) = self.api.http.call(req).await?;
        if status != 200 {
            return Err(twilio_failure(&self.api, status, &body));
        }
        let s: Service =
            serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))?;
        let custom = s.custom_code_enabled.unwrap_or(false);
        let mut warnings = Vec::new();
        if !custom {
            warnings.push(
                "Custom codes are not enabled on this Verify service: Auth0 passes its own code, so every send fails. Ask Twilio support to enable custom verification codes."
                    .to_string(),
            );
        }
        Ok(CredentialReport {
            summary: format!(
                "Verify service '{}', custom codes {}",
                s.friendly_name.unwrap_or_default(),
                if custom { "enabled" } else { "disabled" }
            ),
            warnings,
            usable: custom,
            trial: None,
            custom_codes: Some(custom),
        })
    }

    async fn send_test(&self, to: &Recipient, _text: &str) -> Result<Accepted, Failure> {
        let code = random_code();
        let form = [
            ("To", to.e164().to_string()),
            ("Channel", "sms".to_string()),
            ("CustomCode", code.clone()),
        ];
        let req = self
            .api
            .http
            .client
            .post(
                self.api
                    .url(&format!("/v2/Services/{}/Verifications", self.service)),
            )
            .basic_auth(&self.sid, Some(&self.token))
            .form(&form);
        let (status, body) = self.api.http.call(req).await?;
        if !(200..300).contains(&status) {
            return Err(twilio_failure(&self.api, status, &body));
        }
        let v: Verification =
            serde_json::from_str(&body).map_err(|_| self.api.unexpected(status, &body))?;
        Ok(Accepted {
            id: v.sid,
            status: v.status,
            // Its attempts carry the SMS's status (Verify Attempts API).
            trackable: true,
            code_sent: Some(code),
        })
    }

    async fn delivery_status(&self, id: &str) -> Option<Result<Delivery, Failure>> {
        Some(super::status_of(
            self.attempts(&super::by_id_query(), Some(id)).await,
        ))
    }
}

/// One page of `GET /v2/Attempts` (`ListVerificationAttemptResponse` in
/// Twilio's Verify v2 OpenAPI spec: `attempts`, `meta.next_page_url`).
#[derive(Deserialize)]
struct AttemptPage {
    #[serde(default)]
    attempts: Vec<Attempt>,
    meta: Option<Meta>,
}

#[derive(Deserialize)]
struct Meta {
    next_page_url: Option<String>,
}

/// `verify.v2.verification_attempt`: `channel_data` is a free object in
/// the spec; for SMS, Twilio's "Verification Attempts" reference shows
/// `to`, `status` and `error_code` of the message inside it.
#[derive(Deserialize)]
struct Attempt {
    sid: Option<String>,
    verification_sid: Option<String>,
    date_created: Option<String>,
    conversion_status: Option<String>,
    channel_data: Option<serde_json::Value>,
}

impl TwilioVerify {
    /// `GET /v2/Attempts?VerifyServiceSid=…&Channel=sms&ChannelData.To=…&DateCreatedAfter=…`,
    /// following `meta.next_page_url` until the limit.
    pub(crate) async fn delivery_records(&self, q: &Query) -> Result<Records, CannotLook> {
        self.attempts(q, None).await
    }

    /// The attempts, of one verification (`VerificationSid`) or all.
    async fn attempts(&self, q: &Query, verification: Option<&str>) -> Result<Records, CannotLook> {
        const WHAT: &str = "the verification attempts (Verify Attempts)";
        let mut params = vec![
            ("VerifyServiceSid", self.service.clone()),
            ("Channel", "sms".to_string()),
            ("DateCreatedAfter", rfc3339(q.since)),
            ("PageSize", PAGE_SIZE.min(q.limit()).to_string()),
        ];
        if let Some(to) = &q.to {
            params.push(("ChannelData.To", to.clone()));
        }
        if let Some(v) = verification {
            params.push(("VerificationSid", v.to_string()));
        }
        let mut next = Some(self.api.url("/v2/Attempts"));
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
            let page: AttemptPage = serde_json::from_str(&body)
                .map_err(|_| self.api.cannot(WHAT, self.api.unexpected(status, &body)))?;
            let next_url = page.meta.and_then(|m| m.next_page_url);
            for a in page.attempts {
                let data = a.channel_data.unwrap_or(serde_json::Value::Null);
                let to = data["to"].as_str().unwrap_or_default().to_string();
                let at = a.date_created.as_deref().and_then(parse_time).unwrap_or(0);
                if at < q.since || !q.wants(&to) {
                    continue;
                }
                if out.len() >= q.limit() {
                    truncated = true;
                    break;
                }
                let converted = a.conversion_status.as_deref() == Some("converted");
                let (status, state) = match data["status"].as_str() {
                    Some(s) => (s.to_string(), super::twilio::twilio_state(s)),
                    // The user typed the code: it arrived.
                    None if converted => ("converted".to_string(), State::Delivered),
                    None => (
                        a.conversion_status
                            .clone()
                            .unwrap_or_else(|| "unknown".into()),
                        State::Pending,
                    ),
                };
                let state = if converted { State::Delivered } else { state };
                out.push(Record::mapped(
                    &self.api.p.errors,
                    &self.api.p.id,
                    a.sid.or(a.verification_sid).unwrap_or_default(),
                    plus(&to),
                    at,
                    status,
                    state,
                    super::twilio::code_text(data.get("error_code")),
                    data["error_message"].as_str().map(str::to_string),
                ));
            }
            if truncated || pages >= MAX_RECORDS / PAGE_SIZE {
                truncated |= next_url.is_some();
                break;
            }
            next = next_url.as_deref().and_then(|u| self.api.next_page(u));
        }
        Ok(Records {
            records: out,
            truncated,
        })
    }
}
