//! The simulated Twilio APIs: Programmable Messaging (2010-04-01),
//! Messaging v1 (services) and the Messages list (delivery records).

use super::*;
use crate::providers::Kind;

// ---- Twilio Programmable Messaging (twilio_api_v2010.json) ----

/// A fixed timestamp in Twilio's RFC 2822 form.
pub(super) const TWILIO_DATE: &str = "Mon, 23 Nov 2026 10:00:00 +0000";

/// Twilio's error body: `{"code","message","more_info","status"}`.
pub(super) fn twilio_error(status: u16, code: u32, message: impl Into<String>) -> Reply {
    Reply::json(
        status,
        json!({
            "code": code,
            "message": message.into(),
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": status,
        }),
    )
}

pub(super) fn twilio_not_found(path: &str) -> Reply {
    twilio_error(
        404,
        20404,
        format!("The requested resource {path} was not found"),
    )
}

pub(super) fn twilio_unauthenticated() -> Reply {
    twilio_error(401, 20003, "Authenticate")
}

/// Twilio's answer when the account refuses `to`.
pub(super) fn twilio_refusal(refusal: Refusal, to: &str) -> Reply {
    match refusal {
        Refusal::Trial => twilio_error(
            400,
            21608,
            format!(
                "The number {to} is unverified. Trial accounts cannot send messages to unverified numbers; verify {to} at twilio.com/user/account/phone-numbers/verified, or purchase a Twilio number to send messages to unverified numbers"
            ),
        ),
        // Twilio has no per-message "no funds" code: an account without
        // funds is not active (20005, "potentially because you ran out of
        // funds"; the HTTP status is not documented, 400 here).
        Refusal::Funds => twilio_error(
            400,
            20005,
            "Account not active: the account has run out of funds",
        ),
    }
}

/// A list page of the 2010 API, everything on the first page.
pub(super) fn twilio_page(key: &str, uri: &str, items: Vec<Value>) -> Value {
    let end = items.len().saturating_sub(1);
    json!({
        key: items, "page": 0, "page_size": 50, "start": 0, "end": end,
        "first_page_uri": uri, "next_page_uri": null, "previous_page_uri": null, "uri": uri,
    })
}

pub(super) fn twilio_message(d: &Delivered, status: &str, service: Option<&str>) -> Value {
    let from = match (status, service) {
        // A Messaging Service picks the sender after accepting.
        ("accepted", Some(_)) => Value::Null,
        _ => json!(d.from),
    };
    json!({
        "account_sid": TWILIO_SID, "api_version": "2010-04-01", "body": d.text,
        "date_created": TWILIO_DATE, "date_updated": TWILIO_DATE,
        "date_sent": if status == "delivered" { json!(TWILIO_DATE) } else { Value::Null },
        "direction": "outbound-api", "error_code": null, "error_message": null,
        "from": from, "messaging_service_sid": service, "num_media": "0", "num_segments": "1",
        "price": null, "price_unit": "USD", "sid": d.id, "status": status, "to": d.to,
        "uri": format!("/2010-04-01/Accounts/{TWILIO_SID}/Messages/{}.json", d.id),
    })
}

pub(super) fn twilio(c: &mut Call) -> Reply {
    if !c.basic_auth(TWILIO_SID, TWILIO_TOKEN) {
        return twilio_unauthenticated();
    }
    let Some(op) = c.op() else {
        return twilio_not_found(c.path);
    };
    // /2010-04-01/Accounts/{Sid}.json or /2010-04-01/Accounts/{Sid}/...
    let account = c.segment(2);
    if account != TWILIO_SID && account != format!("{TWILIO_SID}.json") {
        return twilio_not_found(c.path);
    }
    let problems = spec::problems(op, c.req);
    if !problems.is_empty() {
        return if op == "twilio.send" && c.field("To").is_none() {
            twilio_error(400, 21604, "A 'To' phone number is required.")
        } else {
            twilio_error(
                400,
                20001,
                format!("Unknown parameters: {}", problems.join("; ")),
            )
        };
    }
    let uri = c.path.to_string();
    match op {
        "twilio.account" => Reply::json(
            200,
            json!({
                "sid": TWILIO_SID, "owner_account_sid": TWILIO_SID,
                "friendly_name": "sms-mfa sandbox", "status": "active",
                "type": if c.accounts.trial { "Trial" } else { "Full" },
                "date_created": TWILIO_DATE, "date_updated": TWILIO_DATE,
                "uri": uri,
            }),
        ),
        "twilio.incoming-numbers" => {
            let want = c.query("PhoneNumber");
            let items = TWILIO_NUMBERS
                .iter()
                .filter(|(n, _, _)| want.as_deref().is_none_or(|w| w == *n))
                .enumerate()
                .map(|(i, (n, name, sms))| {
                    json!({
                        "sid": format!("PN0123456789abcdef0123456789abcde{i}"), "account_sid": TWILIO_SID,
                        "phone_number": n, "friendly_name": name,
                        "capabilities": {"voice": true, "sms": sms, "mms": sms, "fax": false},
                    })
                })
                .collect();
            Reply::json(200, twilio_page("incoming_phone_numbers", &uri, items))
        }
        "twilio.caller-ids" => {
            let want = c.query("PhoneNumber");
            let items = c
                .accounts
                .verified
                .iter()
                .filter(|n| want.as_deref().is_none_or(|w| w == n.as_str()))
                .enumerate()
                .map(|(i, n)| {
                    json!({
                        "sid": format!("PN{:032x}", i + 1), "account_sid": TWILIO_SID,
                        "phone_number": n, "friendly_name": n,
                    })
                })
                .collect();
            Reply::json(200, twilio_page("outgoing_caller_ids", &uri, items))
        }
        "twilio.message" => {
            let sid = c.segment(4).trim_end_matches(".json");
            match c
                .inbox
                .iter()
                .find(|d| d.provider == "twilio" && d.id == sid)
            {
                Some(d) => Reply::json(200, twilio_message(d, "delivered", None)),
                None => twilio_not_found(c.path),
            }
        }
        "twilio.send" => twilio_send(c),
        "twilio.messages" => twilio_messages(c),
        _ => twilio_not_found(c.path),
    }
}

pub(super) fn twilio_send(c: &mut Call) -> Reply {
    let service = c.field("MessagingServiceSid");
    let from = match (&service, c.field("From")) {
        (Some(mg), _) if mg != TWILIO_MESSAGING_SERVICE => {
            return twilio_error(
                400,
                21701,
                format!("The Messaging Service Sid {mg} is invalid."),
            );
        }
        (Some(_), _) => TWILIO_NUMBER.to_string(),
        (None, Some(from))
            if !TWILIO_NUMBERS
                .iter()
                .any(|(n, _, sms)| *sms && *n == from.as_str()) =>
        {
            return twilio_error(
                400,
                21606,
                format!(
                    "The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."
                ),
            );
        }
        (None, Some(from)) => from,
        (None, None) => return twilio_error(400, 21603, "A 'From' phone number is required."),
    };
    let text = c.field("Body").unwrap_or_default();
    if text.is_empty() {
        return twilio_error(400, 21602, "Message body is required.");
    }
    if text.chars().count() > 1600 {
        return twilio_error(
            400,
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        );
    }
    let raw_to = c.field("To").unwrap_or_default();
    let Ok(to) = e164(&raw_to) else {
        return twilio_error(400, 21211, format!("Invalid 'To' Phone Number: {raw_to}"));
    };
    if let Some(r) = c.refusal(&to, false) {
        return twilio_refusal(r, &to);
    }
    let d = Delivered {
        provider: "twilio",
        id: format!("SM{:032x}", c.new_id()),
        to,
        from,
        text,
    };
    let status = if service.is_some() {
        "accepted"
    } else {
        "queued"
    };
    let body = twilio_message(&d, status, service.as_deref());
    c.accepted.push(d);
    Reply::json(201, body)
}

// ---- Twilio Messaging v1 (twilio-oai spec/json/twilio_messaging_v1.json) ----

pub(super) fn twilio_messaging(c: &mut Call) -> Reply {
    if !c.basic_auth(TWILIO_SID, TWILIO_TOKEN) {
        return twilio_unauthenticated();
    }
    let Some(op) = c.op() else {
        return twilio_not_found(c.path);
    };
    let problems = spec::problems(op, c.req);
    if !problems.is_empty() {
        return twilio_error(
            400,
            20001,
            format!("Unknown parameters: {}", problems.join("; ")),
        );
    }
    let meta = |key: &str| {
        json!({"page": 0, "page_size": 50, "previous_page_url": null,
        "next_page_url": null, "key": key,
        "first_page_url": format!("https://messaging.twilio.com{}?PageSize=50&Page=0", c.path),
        "url": format!("https://messaging.twilio.com{}?PageSize=50&Page=0", c.path)})
    };
    match op {
        "twilio-messaging.services" => Reply::json(
            200,
            json!({"services": [{
                "sid": TWILIO_MESSAGING_SERVICE, "account_sid": TWILIO_SID,
                "friendly_name": "sms-mfa sandbox service", "usecase": "notifications",
                "sticky_sender": true, "date_created": TWILIO_DATE, "date_updated": TWILIO_DATE,
                "url": format!("https://messaging.twilio.com/v1/Services/{TWILIO_MESSAGING_SERVICE}"),
            }], "meta": meta("services")}),
        ),
        "twilio-messaging.phone-numbers" if c.segment(2) == TWILIO_MESSAGING_SERVICE => {
            Reply::json(
                200,
                json!({"phone_numbers": [{
                "sid": "PN0123456789abcdef0123456789abcde0", "account_sid": TWILIO_SID,
                "service_sid": TWILIO_MESSAGING_SERVICE, "phone_number": TWILIO_NUMBER,
                "country_code": "US", "capabilities": ["SMS", "Voice"],
                "date_created": TWILIO_DATE, "date_updated": TWILIO_DATE,
            }], "meta": meta("phone_numbers")}),
            )
        }
        _ => twilio_not_found(c.path),
    }
}

pub(super) fn twilio_messages(c: &mut Call) -> Reply {
    let to = c.query("To");
    let since = c
        .query("DateSent>")
        .and_then(|d| crate::providers::delivery::parse_iso(&d));
    let all: Vec<&SimRecord> = records_of(c, "twilio")
        .into_iter()
        .filter(|r| to.as_deref().is_none_or(|t| t == r.to))
        .filter(|r| since.is_none_or(|s| r.at >= s))
        .collect();
    let size = query_usize(c, "PageSize", 50).clamp(1, 1000);
    let page = query_usize(c, "Page", 0);
    let (items, more) = page_of(&all, page, size);
    let messages: Vec<Value> = items
        .iter()
        .map(|r| {
            let (status, code, text) = outcome_codes(Kind::Twilio, r.outcome);
            let sid = r.id.clone().unwrap_or_else(|| format!("SM{:032x}", r.seq));
            let date = rfc2822(r.at);
            json!({
                "account_sid": TWILIO_SID, "api_version": "2010-04-01", "body": "Your code is 123456",
                "date_created": date, "date_updated": date, "date_sent": date,
                "direction": "outbound-api",
                "error_code": code.and_then(|c| c.parse::<u32>().ok()),
                "error_message": text,
                "from": TWILIO_NUMBER, "messaging_service_sid": null, "num_media": "0",
                "num_segments": "1", "price": null, "price_unit": "USD", "sid": sid,
                "status": status, "to": r.to,
                "uri": format!("/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json"),
            })
        })
        .collect();
    let uri = format!("{}?{}", c.path, c.req.url.query().unwrap_or(""));
    let next = more.then(|| format!("{}?{}", c.path, next_query(c, page + 1)));
    Reply::json(
        200,
        json!({
            "messages": messages, "page": page, "page_size": size,
            "start": page * size, "end": (page * size + items.len()).saturating_sub(1),
            "first_page_uri": uri, "next_page_uri": next, "previous_page_uri": null, "uri": uri,
        }),
    )
}
