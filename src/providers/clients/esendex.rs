//! Esendex REST API: `/v1.0/messagedispatcher`, JSON, HTTP Basic with the
//! username and password (or API token), and the account reference.

use super::{Api, Recipient, Settings, SetupError, SmsClient};
use crate::providers::outcome::{Accepted, CredentialReport, Failure};
use serde_json::json;

pub struct Esendex {
    pub(super) api: Api,
    account: String,
    user: String,
    password: String,
}

impl Esendex {
    pub(super) fn new(api: Api, s: &Settings) -> Result<Esendex, SetupError> {
        Ok(Esendex {
            account: s.need("ESENDEX_ACCOUNT")?.to_string(),
            user: s.need("ESENDEX_USERNAME")?.to_string(),
            password: s.need("ESENDEX_PASSWORD")?.to_string(),
            api,
        })
    }

    /// Esendex error bodies are short undocumented texts: show them as they are.
    fn failure(&self, status: u16, body: &str) -> Failure {
        self.api.failure(None, Some(status), super::excerpt(body))
    }
}

/// The message id of a dispatch answer, JSON
/// (`{"batch":{"messageheaders":[{"id"}]}}`) or XML
/// (`<messageheader id="..."`): parsed defensively, the JSON form is not
/// documented.
fn message_id(body: &str) -> Option<String> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        for ptr in ["/batch/messageheaders/0/id", "/messageheaders/0/id"] {
            if let Some(id) = v.pointer(ptr).and_then(|x| x.as_str()) {
                return Some(id.to_string());
            }
        }
        return None;
    }
    let at = body.find("<messageheader ")?;
    let rest = &body[at..];
    let start = rest.find(" id=\"")? + 5;
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].to_string())
}

/// The account references (EX + 7 digits) named in an accounts answer, JSON or XML.
pub(super) fn references(body: &str) -> Vec<String> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 9 <= bytes.len() {
        if &bytes[i..i + 2] == b"EX" && bytes[i + 2..i + 9].iter().all(u8::is_ascii_digit) {
            let r = body[i..i + 9].to_string();
            if !out.contains(&r) {
                out.push(r);
            }
            i += 9;
        } else {
            i += 1;
        }
    }
    out
}

impl SmsClient for Esendex {
    async fn check_credentials(&self) -> Result<CredentialReport, Failure> {
        let req = self
            .api
            .http
            .client
            .get(self.api.url("/v1.0/accounts"))
            .basic_auth(&self.user, Some(&self.password))
            .header("Accept", "application/json");
        let (status, body) = self.api.http.call(req).await?;
        if status != 200 {
            return Err(self.failure(status, &body));
        }
        let refs = references(&body);
        let ok = refs.contains(&self.account);
        let mut warnings = Vec::new();
        if !ok {
            warnings.push(format!(
                "These credentials may not use account {}; they may use: {}. Fix ESENDEX_ACCOUNT.",
                self.account,
                if refs.is_empty() {
                    "none".to_string()
                } else {
                    refs.join(", ")
                }
            ));
        }
        Ok(CredentialReport {
            summary: format!("{} account reference(s): {}", refs.len(), refs.join(", ")),
            warnings,
            usable: ok,
            trial: None,
            custom_codes: None,
        })
    }

    async fn send_test(&self, to: &Recipient, text: &str) -> Result<Accepted, Failure> {
        let req = self
            .api
            .http
            .client
            .post(self.api.url("/v1.0/messagedispatcher"))
            .basic_auth(&self.user, Some(&self.password))
            .header("Accept", "application/json")
            .json(&json!({
                "accountreference": self.account,
                "messages": [{"to": to.digits(), "body": text}],
            }));
        let (status, body) = self.api.http.call(req).await?;
        if !(200..300).contains(&status) {
            return Err(self.failure(status, &body));
        }
        let id = message_id(&body).ok_or_else(|| self.api.unexpected(status, &body))?;
        Ok(Accepted {
            id,
            status: Some("submitted".into()),
            trackable: false,
            code_sent: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_json_and_xml() {
        assert_eq!(
            message_id(r#"{"batch":{"batchid":"b","messageheaders":[{"id":"m-1","uri":"u"}]}}"#),
            Some("m-1".into())
        );
        assert_eq!(
            message_id(
                r#"<?xml version="1.0"?><messageheaders batchid="b"><messageheader id="m-2" uri="u"/></messageheaders>"#
            ),
            Some("m-2".into())
        );
        assert_eq!(message_id("{}"), None);
        assert_eq!(
            references(
                "<accounts><account id=\"x\"><reference>EX0000001</reference></account><account><reference>EX0000002</reference></account></accounts>"
            ),
            ["EX0000001", "EX0000002"]
        );
    }
}
