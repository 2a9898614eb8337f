//! Twilio Verify v2: a Verification with `Channel=sms` and the code Auth0
//! would send as `CustomCode`. The service SID is `VA...`, never the
//! Account SID.

use super::twilio::twilio_failure;
use super::{Api, Recipient, Settings, SetupError, SmsClient, random_code};
use crate::providers::outcome::{Accepted, CredentialReport, Failure};
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
            trackable: false,
            code_sent: Some(code),
        })
    }
}
