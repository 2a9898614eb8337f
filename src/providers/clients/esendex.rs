//! Esendex REST API: `/v1.0/messagedispatcher`, JSON, HTTP Basic with the
//! username and password (or API token), and the account reference.

use super::{Api, Recipient, Settings, SetupError, SmsClient};
use crate::providers::delivery::{
    CannotLook, MAX_RECORDS, PAGE_SIZE, Query, Record, Records, State, parse_time, plus,
};
use crate::providers::outcome::{Accepted, CredentialReport, Delivery, Failure};
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
            // One message's header carries its status.
            trackable: true,
            code_sent: None,
        })
    }

    /// `GET /v1.0/messageheaders/{id}`: the message's header, its status.
    async fn delivery_status(&self, id: &str) -> Option<Result<Delivery, Failure>> {
        const WHAT: &str = "the message header (GET /v1.0/messageheaders/ID)";
        let req = self
            .api
            .http
            .client
            .get(self.api.url(&format!(
                "/v1.0/messageheaders/{}",
                crate::http::segment(id)
            )))
            .basic_auth(&self.user, Some(&self.password))
            .header("Accept", "application/xml");
        let found = async {
            let (status, body) = self
                .api
                .http
                .call(req)
                .await
                .map_err(|f| self.api.cannot(WHAT, f))?;
            if status != 200 {
                return Err(self.api.cannot(WHAT, self.failure(status, &body)));
            }
            let (list, _) = headers(&body);
            let records = list
                .into_iter()
                .map(|h| {
                    let at = tag(h, "sentat")
                        .as_deref()
                        .and_then(parse_time)
                        .unwrap_or(0);
                    self.record(h, tag(h, "phonenumber").unwrap_or_default(), at)
                })
                .collect();
            Ok(Records {
                records,
                truncated: false,
            })
        }
        .await;
        Some(super::status_of(found))
    }
}

/// The text of the first `<name>…</name>` in `xml` (no attributes on it,
/// entities for &, <, > and quotes decoded).
fn tag(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))?;
    Some(
        xml[start..start + end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
            .trim()
            .to_string(),
    )
}

/// An attribute of the first element in `xml`: `name="value"`.
fn attribute(xml: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let head = &xml[..xml.find('>')?];
    let start = head.find(&key)? + key.len();
    let end = head[start..].find('"')?;
    Some(head[start..start + end].to_string())
}

/// The `<messageheader>` elements of a `GET /v1.0/messageheaders` answer
/// (Esendex REST API reference, "Message Headers": `id` attribute,
/// `status`, `sentat`/`submittedat`/`laststatusat`, `to/phonenumber`,
/// `direction`, and for a failed message `failurereason` with `code` and
/// `description`), and the `totalcount` of the list.
fn headers(xml: &str) -> (Vec<&str>, Option<usize>) {
    let total = xml
        .find("<messageheaders")
        .and_then(|i| attribute(&xml[i..], "totalcount"))
        .and_then(|t| t.parse().ok());
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<messageheader ") {
        let block = &rest[at..];
        let end = block
            .find("</messageheader>")
            .map(|e| e + "</messageheader>".len())
            .or_else(|| block.find("/>").map(|e| e + 2))
            .unwrap_or(block.len());
        out.push(&block[..end]);
        rest = &block[end..];
    }
    (out, total)
}

/// Esendex's status words (Message Headers reference: Submitted, Sent,
/// Delivered, Failed, Expired, Rejected, Scheduled, Acknowledged…).
fn esendex_state(status: &str) -> State {
    match status.to_ascii_lowercase().as_str() {
        "delivered" | "acknowledged" => State::Delivered,
        "failed" | "expired" | "rejected" => State::Failed,
        _ => State::Pending,
    }
}

impl Esendex {
    /// One message header as a record.
    fn record(&self, h: &str, to: String, at: i64) -> Record {
        let status = tag(h, "status").unwrap_or_else(|| "Unknown".into());
        let state = esendex_state(&status);
        let reason = tag(h, "failurereason").map(|r| {
            let code = tag(&r, "code");
            let text = tag(&r, "description").unwrap_or(r.clone());
            match code {
                Some(c) => format!("[{c}] {text}"),
                None => text,
            }
        });
        let code = (state == State::Failed).then(|| format!("status {status}"));
        Record::mapped(
            &self.api.p.errors,
            &self.api.p.id,
            attribute(h, "id").unwrap_or_default(),
            plus(&to),
            at,
            status,
            state,
            code,
            reason,
        )
    }

    /// `GET /v1.0/messageheaders?startIndex=…&count=…&accountreference=…`
    /// (newest first), the recipient and time filtered here: the list has
    /// no recipient filter.
    pub(crate) async fn delivery_records(&self, q: &Query) -> Result<Records, CannotLook> {
        const WHAT: &str = "the message headers (GET /v1.0/messageheaders)";
        let mut out = Vec::new();
        let mut truncated = false;
        let mut start = 0usize;
        'pages: for _ in 0..MAX_RECORDS / PAGE_SIZE {
            let req = self
                .api
                .http
                .client
                .get(self.api.url("/v1.0/messageheaders"))
                .query(&[
                    ("startIndex", start.to_string()),
                    ("count", PAGE_SIZE.to_string()),
                    ("accountreference", self.account.clone()),
                ])
                .basic_auth(&self.user, Some(&self.password))
                .header("Accept", "application/xml");
            let (status, body) = self
                .api
                .http
                .call(req)
                .await
                .map_err(|f| self.api.cannot(WHAT, f))?;
            if status != 200 {
                return Err(self.api.cannot(WHAT, self.failure(status, &body)));
            }
            if !body.contains("<messageheaders") {
                return Err(self.api.cannot(WHAT, self.api.unexpected(status, &body)));
            }
            let (list, total) = headers(&body);
            let n = list.len();
            for h in list {
                if tag(h, "direction").is_some_and(|d| d.eq_ignore_ascii_case("inbound")) {
                    continue;
                }
                let at = ["sentat", "submittedat", "laststatusat"]
                    .iter()
                    .find_map(|t| tag(h, t).as_deref().and_then(parse_time))
                    .unwrap_or(0);
                if at < q.since {
                    // Newest first: the rest is older still.
                    break 'pages;
                }
                let to = tag(h, "phonenumber").unwrap_or_default();
                if !q.wants(&to) {
                    continue;
                }
                if out.len() >= q.limit() {
                    truncated = true;
                    break 'pages;
                }
                out.push(self.record(h, to, at));
            }
            start += n;
            if n < PAGE_SIZE || total.is_some_and(|t| start >= t) {
                break;
            }
        }
        Ok(Records {
            records: out,
            truncated,
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
