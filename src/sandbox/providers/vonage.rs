//! The simulated Vonage APIs: SMS, Account, and the Reports API
//! (delivery records).

use super::*;
use crate::providers::Kind;

// ---- Vonage (vonage_sms.yml, vonage_account.yml) ----

/// `/sms/json` always answers HTTP 200; a failure is the message's status.
pub(super) fn vonage_error(status: &str, text: impl Into<String>) -> Reply {
    Reply::json(
        200,
        json!({"message-count": "1", "messages": [{"status": status, "error-text": text.into()}]}),
    )
}

/// The Account API's error body (`ErrorAuthenticationFailedAccountBalance`).
pub(super) fn vonage_account_error(status: u16, label: impl Into<String>) -> Reply {
    Reply::json(
        status,
        json!({"error-code": status.to_string(), "error-code-label": label.into()}),
    )
}

pub(super) fn vonage(c: &mut Call) -> Reply {
    if c.path == "/account/numbers" {
        // No spec among ../shared/specs: the Vonage Numbers API reference
        // ("List the numbers you own": GET /account/numbers with api_key
        // and api_secret; `{count, numbers: [{country, msisdn, type,
        // features}]}`; 401 on bad credentials).
        let authenticated = c.query("api_key").as_deref() == Some(VONAGE_KEY)
            && c.query("api_secret").as_deref() == Some(VONAGE_SECRET);
        if !authenticated {
            return vonage_account_error(401, "authentication failed");
        }
        let numbers: Vec<Value> = VONAGE_NUMBERS
            .iter()
            .map(|(msisdn, country, features)| {
                json!({"country": country, "msisdn": msisdn, "type": "mobile-lvn", "features": features})
            })
            .collect();
        return Reply::json(200, json!({"count": numbers.len(), "numbers": numbers}));
    }
    match c.op() {
        Some("vonage.balance") => {
            let authenticated = c.query("api_key").as_deref() == Some(VONAGE_KEY)
                && c.query("api_secret").as_deref() == Some(VONAGE_SECRET);
            if !authenticated {
                return vonage_account_error(401, "authentication failed");
            }
            let problems = spec::problems("vonage.balance", c.req);
            if !problems.is_empty() {
                return vonage_account_error(400, problems.join("; "));
            }
            Reply::json(
                200,
                json!({"value": c.accounts.balance, "autoReload": false}),
            )
        }
        Some("vonage.send") => vonage_send(c),
        _ => Reply::text(404, "Not Found"),
    }
}

pub(super) fn vonage_send(c: &mut Call) -> Reply {
    let problems = spec::problems("vonage.send", c.req);
    if !problems.is_empty() {
        let status = if lacks_fields(&problems) { "2" } else { "3" };
        return vonage_error(status, problems.join("; "));
    }
    if c.field("api_key").as_deref() != Some(VONAGE_KEY)
        || c.field("api_secret").as_deref() != Some(VONAGE_SECRET)
    {
        return vonage_error("4", "Bad Credentials");
    }
    let raw_to = c.field("to").unwrap_or_default();
    // Digits only, no `+` (the spec's `\d{7,15}`).
    let Some(to) = digits_to_e164(&raw_to, false) else {
        return vonage_error("3", format!("Invalid to address: {raw_to}"));
    };
    let text = c.field("text").unwrap_or_default();
    if text.is_empty() {
        return vonage_error("2", "Missing text param");
    }
    match c.refusal(&to, true) {
        Some(Refusal::Trial) => {
            return vonage_error("29", "Non White-listed Destination - rejected");
        }
        Some(Refusal::Funds) => return vonage_error("9", "Partner quota exceeded"),
        None => {}
    }
    let from = shown_sender(&c.field("from").unwrap_or_default());
    let id = format!("0A{:015X}", c.new_id());
    c.deliver("vonage", &id, &to, &from, &text);
    Reply::json(
        200,
        json!({
            "message-count": "1",
            "messages": [{
                "to": raw_to, "message-id": id, "status": "0",
                "remaining-balance": format!("{:.8}", c.accounts.balance),
                "message-price": "0.03330000", "network": "12345",
            }],
        }),
    )
}

pub(super) fn vonage_records(c: &mut Call) -> Reply {
    if !c.basic_auth(VONAGE_KEY, VONAGE_SECRET) {
        return Reply::json(
            401,
            json!({"type": "https://developer.nexmo.com/api-errors#unauthorized", "title": "Unauthorized", "detail": "You did not provide correct credentials."}),
        );
    }
    let time = |n: &str| {
        c.query(n)
            .and_then(|d| crate::providers::delivery::parse_iso(&d))
    };
    // By id: no dates (the spec: "If you specify `id`, you must not
    // specify `status`, `date_start` or `date_end`").
    let by_id = c.query("id");
    let (from, until) = match (&by_id, time("date_start"), time("date_end")) {
        (Some(_), None, None) => (i64::MIN, i64::MAX),
        (None, Some(f), Some(u)) => (f, u),
        _ => (0, -1),
    };
    if until < from {
        return Reply::json(
            422,
            json!({"title": "Unprocessable entity", "invalid_parameters": [{"reason": "Missing required parameter", "name": "date_end"}]}),
        );
    }
    if (by_id.is_none() && until - from > 86_400) || c.query("product").as_deref() != Some("SMS") {
        return Reply::json(
            422,
            json!({"type": "https://developer.nexmo.com/api-errors/reports#invalid-filter", "title": "Invalid filter", "detail": "date_end must be no more than 24 hours after date_start"}),
        );
    }
    let records: Vec<Value> = records_of(c, "vonage")
        .into_iter()
        .filter(|r| r.at >= from && r.at < until)
        .filter(|r| by_id.is_none() || r.id == by_id)
        .map(|r| {
            let (status, code, text) = outcome_codes(Kind::Vonage, r.outcome);
            json!({
                "account_id": VONAGE_KEY,
                "message_id": r.id.clone().unwrap_or_else(|| guid(r.seq)),
                "client_ref": null, "direction": "outbound",
                "from": VONAGE_FROM.trim_start_matches('+'),
                "to": r.to.trim_start_matches('+'),
                "date_received": crate::providers::delivery::rfc3339(r.at),
                "date_finalized": crate::providers::delivery::rfc3339(r.at),
                "status": status, "error_code": code, "error_code_description": text,
                "currency": "EUR", "total_price": "0.0114",
            })
        })
        .collect();
    Reply::json(
        200,
        json!({
            "_links": {"self": {"href": format!("https://api.nexmo.com{}?{}", c.path, c.req.url.query().unwrap_or(""))}},
            "request_id": "00000000-0000-4000-8000-000000000000",
            "request_status": "SUCCESS", "account_id": VONAGE_KEY,
            "product": "SMS", "direction": "outbound", "include_message": false,
            "show_concatenated": false, "items_count": records.len(), "records": records,
        }),
    )
}
