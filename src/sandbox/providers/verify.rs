//! The simulated Twilio Verify v2 API: services, verifications with a
//! custom code, and the Attempts list (delivery records).

use super::*;
use crate::providers::Kind;

// ---- Twilio Verify v2 (twilio_verify_v2.json) ----

/// The SMS Twilio Verify sends with a code.
pub(super) fn verify_text(code: &str) -> String {
    format!("Your verification code is {code}")
}

pub(super) fn twilio_verify(c: &mut Call) -> Reply {
    if !c.basic_auth(TWILIO_SID, TWILIO_TOKEN) {
        return twilio_unauthenticated();
    }
    let Some(op) = c.op() else {
        return twilio_not_found(c.path);
    };
    if op == "twilio-verify.attempts" {
        return verify_attempts(c);
    }
    if op == "twilio-verify.services" {
        let problems = spec::problems(op, c.req);
        if !problems.is_empty() {
            return twilio_error(
                400,
                60200,
                format!("Invalid parameter: {}", problems.join("; ")),
            );
        }
        let services: Vec<Value> = [VERIFY_SERVICE, VERIFY_NO_CUSTOM]
            .iter()
            .map(|sid| verify_service(c, sid))
            .collect();
        return Reply::json(
            200,
            json!({"services": services, "meta": {"page": 0, "page_size": 50,
                "first_page_url": "https://verify.twilio.com/v2/Services?PageSize=50&Page=0",
                "previous_page_url": null, "next_page_url": null, "key": "services",
                "url": "https://verify.twilio.com/v2/Services?PageSize=50&Page=0"}}),
        );
    }
    // /v2/Services/{Sid}[/Verifications]
    let service = c.segment(2).to_string();
    if service != VERIFY_SERVICE && service != VERIFY_NO_CUSTOM {
        return twilio_not_found(c.path);
    }
    let problems = spec::problems(op, c.req);
    if !problems.is_empty() {
        return twilio_error(
            400,
            60200,
            format!("Invalid parameter: {}", problems.join("; ")),
        );
    }
    match op {
        "twilio-verify.service" => Reply::json(200, verify_service(c, &service)),
        "twilio-verify.send" => verify_send(c, &service),
        _ => twilio_not_found(c.path),
    }
}

/// A Verify service as `GET /v2/Services/{Sid}` shows it
/// (twilio_verify_v2.json `verify.v2.service`).
pub(super) fn verify_service(c: &Call, sid: &str) -> Value {
    let (name, custom) = if sid == VERIFY_SERVICE {
        ("sms-mfa sandbox", c.accounts.custom_codes)
    } else {
        ("Login codes (custom codes off)", false)
    };
    json!({
        "sid": sid, "account_sid": TWILIO_SID,
        "friendly_name": name, "code_length": 6,
        "custom_code_enabled": custom,
        "lookup_enabled": false, "skip_sms_to_landlines": false,
        "do_not_share_warning_enabled": false, "psd2_enabled": false,
        "date_created": "2026-11-23T10:00:00Z", "date_updated": "2026-11-23T10:00:00Z",
        "url": format!("https://verify.twilio.com/v2/Services/{sid}"),
    })
}

pub(super) fn verify_send(c: &mut Call, service: &str) -> Reply {
    let raw_to = c.field("To").unwrap_or_default();
    let Ok(to) = e164(&raw_to) else {
        return twilio_error(400, 60200, format!("Invalid parameter `To`: {raw_to}"));
    };
    let channel = c.field("Channel").unwrap_or_default();
    if channel != "sms" {
        // The sandbox simulates the sms channel only.
        return twilio_error(
            400,
            60200,
            format!("Invalid parameter `Channel`: {channel}"),
        );
    }
    let custom = c.field("CustomCode");
    let allowed = service == VERIFY_SERVICE && c.accounts.custom_codes;
    if custom.is_some() && !allowed {
        return twilio_error(403, 60204, "Custom code not allowed");
    }
    if let Some(code) = &custom
        && !(4..=10).contains(&code.chars().count())
    {
        return twilio_error(
            400,
            60200,
            format!("Invalid parameter `CustomCode`: {code}"),
        );
    }
    if let Some(r) = c.refusal(&to, false) {
        return twilio_refusal(r, &to);
    }
    let code = custom.unwrap_or_else(crate::providers::clients::random_code);
    let sid = format!("VE{:032x}", c.new_id());
    c.deliver(
        "twilio-verify",
        &sid,
        &to,
        "Twilio Verify",
        &verify_text(&code),
    );
    Reply::json(
        201,
        json!({
            "sid": sid, "service_sid": service, "account_sid": TWILIO_SID,
            "to": to, "channel": "sms", "status": "pending", "valid": false,
            "lookup": {}, "amount": null, "payee": null,
            "send_code_attempts": [{"attempt_sid": format!("VL{:032x}", c.new_id()),
                "channel": "sms", "time": "2026-11-23T10:00:00.000Z"}],
            "date_created": "2026-11-23T10:00:00Z", "date_updated": "2026-11-23T10:00:00Z",
            "url": format!("https://verify.twilio.com/v2/Services/{service}/Verifications/{sid}"),
        }),
    )
}

pub(super) fn verify_attempts(c: &mut Call) -> Reply {
    if c.query("VerifyServiceSid")
        .is_some_and(|s| s != VERIFY_SERVICE)
    {
        return twilio_error(404, 20404, "The requested resource /Services was not found");
    }
    let to = c.query("ChannelData.To");
    let verification = c.query("VerificationSid");
    let since = c
        .query("DateCreatedAfter")
        .and_then(|d| crate::providers::delivery::parse_iso(&d));
    let all: Vec<&SimRecord> = records_of(c, "twilio-verify")
        .into_iter()
        .filter(|r| to.as_deref().is_none_or(|t| t == r.to))
        .filter(|r| verification.is_none() || r.id == verification)
        .filter(|r| since.is_none_or(|s| r.at >= s))
        .collect();
    let size = query_usize(c, "PageSize", 50).clamp(1, 1000);
    let page = query_usize(c, "Page", 0);
    let (items, more) = page_of(&all, page, size);
    let attempts: Vec<Value> = items
        .iter()
        .map(|r| {
            let (status, code, _) = outcome_codes(Kind::TwilioVerify, r.outcome);
            let date = crate::providers::delivery::rfc3339(r.at);
            json!({
                "sid": format!("VL{:032x}", r.seq), "account_sid": TWILIO_SID,
                "service_sid": VERIFY_SERVICE,
                "verification_sid": r.id.clone().unwrap_or_else(|| format!("VE{:032x}", r.seq)),
                "date_created": date, "date_updated": date,
                "conversion_status": "unconverted", "channel": "sms", "price": null,
                "channel_data": {"to": r.to, "status": status, "error_code": code},
                "url": format!("https://verify.twilio.com/v2/Attempts/VL{:032x}", r.seq),
            })
        })
        .collect();
    let base = "https://verify.twilio.com/v2/Attempts";
    let url = format!("{base}?{}", c.req.url.query().unwrap_or(""));
    let next = more.then(|| format!("{base}?{}", next_query(c, page + 1)));
    Reply::json(
        200,
        json!({
            "attempts": attempts,
            "meta": {"page": page, "page_size": size, "first_page_url": url,
                "previous_page_url": null, "url": url, "next_page_url": next, "key": "attempts"},
        }),
    )
}
