//! The simulated Esendex API: accounts, the JSON message dispatcher, and
//! the message headers (delivery records).

use super::*;
use crate::providers::Kind;

// ---- Esendex (no spec: PROVIDERS.md; errors are short texts) ----

/// Whether the client asked for JSON (else Esendex answers XML).
pub(super) fn wants_json(c: &Call) -> bool {
    c.header("accept").is_some_and(|a| a.contains("json"))
}

pub(super) fn esendex(c: &mut Call) -> Reply {
    if !c.basic_auth(ESENDEX_USER, ESENDEX_PASSWORD) {
        return Reply::text(401, "Unauthorized: the username or password is wrong");
    }
    match (c.method, c.path) {
        ("GET", "/v1.0/accounts") => {
            if wants_json(c) {
                Reply::json(
                    200,
                    json!({"accounts": [{"id": "A1", "reference": ESENDEX_ACCOUNT,
                        "label": "sms-mfa sandbox", "type": "Professional",
                        "messagesremaining": 2000}]}),
                )
            } else {
                Reply::xml(
                    200,
                    format!(
                        r#"<?xml version="1.0" encoding="utf-8"?><accounts xmlns="http://api.esendex.com/ns/"><account id="A1" uri="/v1.0/accounts/A1"><reference>{ESENDEX_ACCOUNT}</reference><label>sms-mfa sandbox</label><type>Professional</type><messagesremaining>2000</messagesremaining></account></accounts>"#
                    ),
                )
            }
        }
        ("POST", "/v1.0/messagedispatcher") => esendex_dispatch(c),
        ("GET", "/v1.0/messageheaders") => esendex_headers(c),
        ("GET", p) if p.starts_with("/v1.0/messageheaders/") => esendex_header(c),
        _ => Reply::text(404, "Not Found"),
    }
}

pub(super) fn esendex_dispatch(c: &mut Call) -> Reply {
    let json_body = c
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"));
    if !json_body {
        return Reply::text(
            400,
            "Bad Request: the sandbox reads JSON dispatches (Content-Type: application/json)",
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(&c.req.body) else {
        return Reply::text(400, "Bad Request: the body is not valid JSON");
    };
    let Some(account) = body["accountreference"].as_str() else {
        return Reply::text(400, "Bad Request: accountreference is required");
    };
    if account != ESENDEX_ACCOUNT {
        return Reply::text(
            403,
            format!("Forbidden: these credentials may not use account {account}"),
        );
    }
    let messages = body["messages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if messages.is_empty() {
        return Reply::text(400, "Bad Request: messages is required");
    }
    // The whole batch is refused if one message is invalid.
    let mut batch = Vec::new();
    for m in messages {
        let (Some(raw), Some(text)) = (m["to"].as_str(), m["body"].as_str()) else {
            return Reply::text(400, "Bad Request: every message needs to and body");
        };
        let Some(to) = digits_to_e164(raw, true) else {
            return Reply::text(400, format!("Bad Request: invalid recipient {raw}"));
        };
        let from = m["from"]
            .as_str()
            .or(body["from"].as_str())
            .unwrap_or("Esendex");
        // Esendex has no documented trial refusal (a trial account gets
        // credits, not a list of allowed numbers): a trial reaches anyone.
        if c.refusal(&to, false) == Some(Refusal::Funds) {
            return Reply::text(402, "Payment Required: not enough message credits");
        }
        batch.push((to, shown_sender(from), text.to_string()));
    }
    let batch_id = guid(c.new_id());
    let mut headers = Vec::new();
    for (to, from, text) in batch {
        let id = guid(c.new_id());
        c.deliver("esendex", &id, &to, &from, &text);
        headers.push(id);
    }
    if wants_json(c) {
        let list: Vec<Value> = headers
            .iter()
            .map(|id| json!({"uri": format!("/v1.0/messageheaders/{id}"), "id": id}))
            .collect();
        Reply::json(
            200,
            json!({"batch": {"batchid": batch_id, "messageheaders": list}}),
        )
    } else {
        let list: String = headers
            .iter()
            .map(|id| format!(r#"<messageheader uri="/v1.0/messageheaders/{id}" id="{id}" />"#))
            .collect();
        Reply::xml(
            200,
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?><messageheaders batchid="{batch_id}" xmlns="http://api.esendex.com/ns/">{list}</messageheaders>"#
            ),
        )
    }
}

pub(super) fn esendex_headers(c: &mut Call) -> Reply {
    let start = query_usize(c, "startIndex", 0);
    let count = query_usize(c, "count", 15).clamp(1, 1000);
    let all = records_of(c, "esendex");
    let (items, _) = page_of(&all[start.min(all.len())..], 0, count);
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><messageheaders startindex="{start}" count="{}" totalcount="{}" xmlns="http://api.esendex.com/ns/">"#,
        items.len(),
        all.len()
    );
    for r in &items {
        xml.push_str(&esendex_header_xml(r));
    }
    xml.push_str("</messageheaders>");
    Reply::xml(200, xml)
}

/// One message header, as the list and `GET /v1.0/messageheaders/{id}`
/// show it.
pub(super) fn esendex_header_xml(r: &SimRecord) -> String {
    let (status, code, text) = outcome_codes(Kind::Esendex, r.outcome);
    let id = r.id.clone().unwrap_or_else(|| guid(r.seq));
    let date = format!("{}.000Z", &crate::providers::delivery::rfc3339(r.at)[..19]);
    let failure = match (code, text) {
        (Some(code), Some(text)) => format!(
            "<failurereason><code>{code}</code><description>{text}</description><permanentfailure>true</permanentfailure></failurereason>"
        ),
        _ => String::new(),
    };
    format!(
        r#"<messageheader id="{id}" uri="/v1.0/messageheaders/{id}"><reference>{ESENDEX_ACCOUNT}</reference><status>{status}</status><sentat>{date}</sentat><laststatusat>{date}</laststatusat><submittedat>{date}</submittedat><type>SMS</type><to><phonenumber>{}</phonenumber></to><from><phonenumber>sms-mfa</phonenumber></from><summary>Your code is 123456</summary><body uri="/v1.0/messageheaders/{id}/body"/><direction>Outbound</direction><parts>1</parts><username>{ESENDEX_USER}</username>{failure}</messageheader>"#,
        r.to.trim_start_matches('+')
    )
}

/// `GET /v1.0/messageheaders/{id}`: one message's header (XML).
pub(super) fn esendex_header(c: &mut Call) -> Reply {
    let id = c.segment(2).to_string();
    match records_of(c, "esendex")
        .into_iter()
        .find(|r| r.id.as_deref() == Some(id.as_str()) || guid(r.seq) == id)
    {
        Some(r) => Reply::xml(
            200,
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?>{}"#,
                esendex_header_xml(r).replacen(
                    "<messageheader ",
                    r#"<messageheader xmlns="http://api.esendex.com/ns/" "#,
                    1
                )
            ),
        ),
        None => Reply::text(404, "Not Found"),
    }
}
