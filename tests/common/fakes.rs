//! Loopback fakes of the five providers that accept everything, as the
//! providers document their answers, and the settings that point at them.

use serde_json::Value;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A request a wiremock fake received, as the sandbox's servers record it
/// (what `spec::check` and the shared request assertions read).
pub fn recorded(r: &wiremock::Request) -> sms_mfa::sandbox::server::Request {
    sms_mfa::sandbox::server::Request {
        method: r.method.clone(),
        url: r.url.clone(),
        headers: r.headers.clone(),
        body: r.body.clone(),
    }
}

pub const SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const TOKEN: &str = "fedcba98765432100123456789abcdef";

/// The environment that configures `provider` against the fake at `base`.
pub fn env_for(provider: &str, base: &str) -> Vec<(&'static str, String)> {
    let pairs: Vec<(&'static str, &str)> = match provider {
        "twilio" => vec![
            ("SMS_MFA_TWILIO_ACCOUNT_SID", SID),
            ("SMS_MFA_TWILIO_AUTH_TOKEN", TOKEN),
            ("SMS_MFA_TWILIO_PHONE_NUMBER", "+15005550006"),
            ("SMS_MFA_TWILIO_BASE_URL", base),
        ],
        "twilio-verify" => vec![
            ("SMS_MFA_TWILIO_ACCOUNT_SID", SID),
            ("SMS_MFA_TWILIO_AUTH_TOKEN", TOKEN),
            (
                "SMS_MFA_TWILIO_VERIFY_SERVICE_SID",
                "VA0123456789abcdef0123456789abcdef",
            ),
            ("SMS_MFA_TWILIO_VERIFY_BASE_URL", base),
        ],
        "vonage" => vec![
            ("SMS_MFA_VONAGE_API_KEY", "abcd1234"),
            ("SMS_MFA_VONAGE_API_SECRET", "s3cr3tValue"),
            ("SMS_MFA_VONAGE_FROM_NUMBER", "+14155550199"),
            ("SMS_MFA_VONAGE_BASE_URL", base),
        ],
        "infobip" => vec![
            (
                "SMS_MFA_INFOBIP_API_KEY",
                "0123456789abcdef0123456789abcdef-01234567",
            ),
            ("SMS_MFA_INFOBIP_BASE_URL", base),
        ],
        "esendex" => vec![
            ("SMS_MFA_ESENDEX_ACCOUNT", "EX0000001"),
            ("SMS_MFA_ESENDEX_USERNAME", "admin@example.com"),
            ("SMS_MFA_ESENDEX_PASSWORD", "correct-horse"),
            ("SMS_MFA_ESENDEX_BASE_URL", base),
        ],
        other => panic!("{other}"),
    };
    pairs.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

/// A fake of `provider` that accepts messages and credentials, as documented.
pub async fn happy_fake(provider: &str) -> MockServer {
    let server = MockServer::start().await;
    let (send_path, send, check_path, check): (&str, Value, &str, Value) = match provider {
        "twilio" => (
            r"^/2010-04-01/Accounts/AC[0-9a-f]{32}/Messages\.json$",
            serde_json::json!({"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "error_code": null}),
            r"^/2010-04-01/Accounts/AC[0-9a-f]{32}\.json$",
            serde_json::json!({"sid": SID, "friendly_name": "Acme", "status": "active", "type": "Full"}),
        ),
        "twilio-verify" => (
            r"^/v2/Services/VA[0-9a-f]{32}/Verifications$",
            serde_json::json!({"sid": "VE0123456789abcdef0123456789abcdef", "status": "pending"}),
            r"^/v2/Services/VA[0-9a-f]{32}$",
            serde_json::json!({"sid": "VA0", "friendly_name": "Acme", "custom_code_enabled": true}),
        ),
        "vonage" => (
            r"^/sms/json$",
            serde_json::json!({"message-count": "1", "messages": [{"status": "0", "message-id": "0A0000000123ABCD1", "to": "14155550100"}]}),
            r"^/account/get-balance$",
            serde_json::json!({"value": 10.28, "autoReload": false}),
        ),
        "infobip" => (
            r"^/sms/3/messages$",
            serde_json::json!({"bulkId": "b", "messages": [{"messageId": "ib-1", "status": {"groupId": 1, "groupName": "PENDING", "id": 26, "name": "PENDING_ACCEPTED"}, "destination": "14155550100"}]}),
            r"^/account/1/balance$",
            serde_json::json!({"balance": 47.79, "currency": "EUR"}),
        ),
        "esendex" => (
            r"^/v1\.0/messagedispatcher$",
            serde_json::json!({"batch": {"batchid": "b", "messageheaders": [{"id": "es-1", "uri": "u"}]}}),
            r"^/v1\.0/accounts$",
            serde_json::json!({"accounts": [{"id": "A1", "reference": "EX0000001"}]}),
        ),
        other => panic!("{other}"),
    };
    Mock::given(method("POST"))
        .and(path_regex(send_path))
        .respond_with(
            ResponseTemplate::new(if provider.starts_with("twilio") {
                201
            } else {
                200
            })
            .set_body_json(send),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(check_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(check))
        .mount(&server)
        .await;
    // The delivery records (doctor's recent-deliveries check): an account
    // with no messages yet, in each list's documented shape (Twilio's
    // ListMessageResponse and ListVerificationAttemptResponse, Infobip's
    // GET /sms/3/logs, Vonage's Reports API, Esendex's message headers).
    let (list_path, list) = match provider {
        "twilio" => (
            r"^/2010-04-01/Accounts/AC[0-9a-f]{32}/Messages\.json$",
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"messages": [], "next_page_uri": null})),
        ),
        "twilio-verify" => (
            r"^/v2/Attempts$",
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"attempts": [], "meta": {"next_page_url": null}}),
            ),
        ),
        "vonage" => (
            r"^/v2/reports/records$",
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"request_status": "SUCCESS", "items_count": 0, "records": []}),
            ),
        ),
        "infobip" => (
            r"^/sms/3/logs$",
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"results": []})),
        ),
        _ => (
            r"^/v1\.0/messageheaders$",
            ResponseTemplate::new(200).set_body_raw(
                r#"<?xml version="1.0" encoding="utf-8"?><messageheaders startindex="0" count="0" totalcount="0" xmlns="http://api.esendex.com/ns/"></messageheaders>"#,
                "application/xml",
            ),
        ),
    };
    Mock::given(method("GET"))
        .and(path_regex(list_path))
        .respond_with(list)
        .mount(&server)
        .await;
    server
}

/// The same settings as Action secrets (names without SMS_MFA_, and no
/// base-URL override but Infobip's, which is a real secret).
pub fn secrets_for(provider: &str, base: &str) -> serde_json::Map<String, Value> {
    env_for(provider, base)
        .into_iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("SMS_MFA_")?;
            (!name.ends_with("_BASE_URL") || name == "INFOBIP_BASE_URL")
                .then(|| (name.to_string(), Value::String(v)))
        })
        .collect()
}
