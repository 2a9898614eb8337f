//! The simulated Infobip API: SMS v3, the balance, and the SMS logs
//! (delivery records).

use super::*;

// ---- Infobip (infobip_sms.json; the balance as PROVIDERS.md) ----

/// The v3 API's error body (`ApiError`).
pub(super) fn infobip_error(
    status: u16,
    code: &str,
    description: &str,
    violations: Vec<Value>,
) -> Reply {
    Reply::json(
        status,
        json!({
            "errorCode": code, "description": description,
            "action": "Check the syntax, violations and adjust the request.",
            "violations": violations, "resources": [],
        }),
    )
}

/// A message's status of the v3 answer.
pub(super) fn infobip_status(
    group_id: u32,
    group: &str,
    id: u32,
    name: &str,
    description: &str,
) -> Value {
    json!({"groupId": group_id, "groupName": group, "id": id, "name": name, "description": description})
}

pub(super) fn infobip_rejected(id: u32, name: &str, description: &str) -> Value {
    infobip_status(5, "REJECTED", id, name, description)
}

pub(super) fn infobip(c: &mut Call) -> Reply {
    let balance = c.method == "GET" && c.path == "/account/1/balance";
    let key = format!("App {INFOBIP_KEY}");
    if c.header("authorization") != Some(key.as_str()) {
        return if balance {
            // The legacy API's error body.
            Reply::json(
                401,
                json!({"requestError": {"serviceException": {
                    "messageId": "UNAUTHORIZED", "text": "Invalid login details"}}}),
            )
        } else {
            // The spec's ApiError401 example.
            infobip_error(
                401,
                "E401",
                "The request lacks valid authentication credentials for the requested resource.",
                vec![],
            )
        };
    }
    if balance {
        return Reply::json(
            200,
            json!({"balance": c.accounts.balance, "currency": "EUR"}),
        );
    }
    match c.op() {
        Some("infobip.send") => infobip_send(c),
        Some("infobip.logs") => infobip_logs(c),
        _ => infobip_error(404, "E404", "Requested resource not found.", vec![]),
    }
}

/// One destination of a v3 request, read.
struct Destination {
    raw: String,
    text: String,
    sender: String,
}

pub(super) fn infobip_send(c: &mut Call) -> Reply {
    let problems = spec::problems("infobip.send", c.req);
    let mut violations: Vec<Value> = problems
        .iter()
        .map(|p| json!({"property": "messages", "violation": p}))
        .collect();
    let body: Value = serde_json::from_slice(&c.req.body).unwrap_or(Value::Null);
    let mut destinations = Vec::new();
    let messages = body["messages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for (i, m) in messages.iter().enumerate() {
        let Some(text) = m.pointer("/content/text").and_then(Value::as_str) else {
            violations.push(json!({"property": format!("messages[{i}].content.text"),
                "violation": "must not be blank"}));
            continue;
        };
        let sender = m["sender"].as_str().unwrap_or("InfoSMS");
        let list = m["destinations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (j, d) in list.iter().enumerate() {
            match d["to"].as_str() {
                Some(to) => destinations.push(Destination {
                    raw: to.to_string(),
                    text: text.to_string(),
                    sender: shown_sender(sender),
                }),
                None => violations.push(json!({
                    "property": format!("messages[{i}].destinations[{j}].to"),
                    "violation": "must be a string"})),
            }
        }
    }
    if messages.is_empty() {
        violations.push(json!({"property": "messages", "violation": "must not be empty"}));
    }
    if !violations.is_empty() {
        return infobip_error(400, "E400", "Request cannot be processed.", violations);
    }
    let bulk = c.new_id();
    let mut answers = Vec::new();
    for d in destinations {
        let id = guid(c.new_id());
        // International format without `+`.
        let status = match digits_to_e164(&d.raw, false) {
            None => infobip_rejected(52, "REJECTED_DESTINATION", "Invalid destination address"),
            Some(to) => match c.refusal(&to, true) {
                Some(Refusal::Trial) => infobip_rejected(
                    18,
                    "REJECTED_DESTINATION_NOT_REGISTERED",
                    "Destination not registered",
                ),
                Some(Refusal::Funds) => {
                    infobip_rejected(12, "REJECTED_NOT_ENOUGH_CREDITS", "Not enough credits")
                }
                None => {
                    c.deliver("infobip", &id, &to, &d.sender, &d.text);
                    infobip_status(
                        1,
                        "PENDING",
                        26,
                        "PENDING_ACCEPTED",
                        "Message sent to next instance",
                    )
                }
            },
        };
        answers.push(
            json!({"messageId": id, "status": status, "destination": d.raw,
            "details": {"messageCount": 1}}),
        );
    }
    Reply::json(
        200,
        json!({"bulkId": format!("{bulk:019}"), "messages": answers}),
    )
}

pub(super) fn infobip_logs(c: &mut Call) -> Reply {
    let problems = spec::problems("infobip.logs", c.req);
    if !problems.is_empty() {
        return infobip_error(400, "E400", &problems.join("; "), vec![]);
    }
    let to = c.query("destination");
    let message = c.query("messageId");
    let since = c
        .query("sentSince")
        .and_then(|d| crate::providers::delivery::parse_iso(&d));
    let all: Vec<&SimRecord> = records_of(c, "infobip")
        .into_iter()
        .filter(|r| message.is_none() || r.id == message)
        .filter(|r| {
            to.as_deref()
                .is_none_or(|t| t == r.to.trim_start_matches('+'))
        })
        .filter(|r| since.is_none_or(|s| r.at >= s))
        .collect();
    let size = query_usize(c, "limit", 50).clamp(1, 1000);
    // The cursor is opaque to clients; here it is the offset.
    let offset = query_usize(c, "cursor", 0);
    let (items, more) = page_of(&all[offset.min(all.len())..], 0, size);
    let results: Vec<Value> = items
        .iter()
        .map(|r| {
            let (status, error) = match r.outcome {
                Outcome::Delivered => (
                    json!({"groupId": 3, "groupName": "DELIVERED", "id": 5, "name": "DELIVERED_TO_HANDSET", "description": "Message delivered to handset"}),
                    json!({"groupId": 0, "groupName": "OK", "id": 0, "name": "NO_ERROR", "description": "No Error", "permanent": false}),
                ),
                Outcome::Unreachable => (
                    json!({"groupId": 2, "groupName": "UNDELIVERABLE", "id": 9, "name": "UNDELIVERABLE_NOT_DELIVERED", "description": "Message sent not delivered"}),
                    json!({"groupId": 1, "groupName": "HANDSET_ERRORS", "id": 27, "name": "EC_ABSENT_SUBSCRIBER", "description": "Absent Subscriber", "permanent": false}),
                ),
                Outcome::Filtered => (
                    json!({"groupId": 2, "groupName": "UNDELIVERABLE", "id": 4, "name": "UNDELIVERABLE_REJECTED_OPERATOR", "description": "Message rejected by operator"}),
                    json!({"groupId": 0, "groupName": "OK", "id": 0, "name": "NO_ERROR", "description": "No Error", "permanent": false}),
                ),
                _ => (
                    json!({"groupId": 5, "groupName": "REJECTED", "id": 14, "name": "REJECTED_DESTINATION_BLOCKLISTED", "description": "Destination is on a blocklist"}),
                    json!({"groupId": 0, "groupName": "OK", "id": 0, "name": "NO_ERROR", "description": "No Error", "permanent": false}),
                ),
            };
            let date = format!(
                "{}.000+0000",
                &crate::providers::delivery::rfc3339(r.at)[..19]
            );
            json!({
                "sender": "InfoSMS", "destination": r.to.trim_start_matches('+'),
                "bulkId": null,
                "messageId": r.id.clone().unwrap_or_else(|| guid(r.seq)),
                "sentAt": date, "doneAt": date, "messageCount": 1,
                "price": {"pricePerMessage": 0.01, "currency": "EUR"},
                "status": status, "error": error,
            })
        })
        .collect();
    let next = more.then(|| (offset + items.len()).to_string());
    Reply::json(
        200,
        json!({"results": results, "cursor": {"limit": size, "nextCursor": next}}),
    )
}
