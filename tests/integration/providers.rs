//! The provider clients against loopback fakes (wiremock). Every request is
//! checked against the vendor's OpenAPI spec (common/spec.rs) and for the
//! exact values sent; the fakes answer with the documented bodies, for
//! success and for every mapped error, plus malformed JSON, HTTP 500, a
//! stall and a refused connection. The exact requests of the success paths
//! are asserted once more against the sandbox's simulated provider APIs
//! (src/sandbox/providers/), with the same assertions: the simulation
//! takes exactly what the real clients send.

use crate::common;

use common::spec;
use sms_mfa::providers::Catalog;
use sms_mfa::providers::clients::{Client, Http, Recipient, Settings};
use sms_mfa::providers::outcome::{ErrorClass, Failure};
use sms_mfa::sandbox::providers::{Accounts, Providers};
use sms_mfa::sandbox::server::Request;
use sms_mfa::settings::Value;
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "fedcba98765432100123456789abcdef";
const VA: &str = "VA0123456789abcdef0123456789abcdef";
const MG: &str = "MG0123456789abcdef0123456789abcdef";
const TO: &str = "+14155550100";
const TEXT: &str = "Your verification code is 123456";
/// Basic base64(SID:TOKEN)
fn twilio_auth() -> String {
    format!("Basic {}", b64(&format!("{SID}:{TOKEN}")))
}

fn b64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn settings(base_name: &str, base: &str, pairs: &[(&str, &str)]) -> Settings {
    let mut s = Settings::default();
    s.insert(base_name, Value::Plain(base.to_string()));
    for (k, v) in pairs {
        s.insert(k, Value::Plain(v.to_string()));
    }
    s
}

fn twilio_settings(base: &str) -> Settings {
    settings(
        "TWILIO_BASE_URL",
        base,
        &[
            ("TWILIO_ACCOUNT_SID", SID),
            ("TWILIO_AUTH_TOKEN", TOKEN),
            ("TWILIO_PHONE_NUMBER", "+15005550006"),
        ],
    )
}

fn verify_settings(base: &str) -> Settings {
    settings(
        "TWILIO_VERIFY_BASE_URL",
        base,
        &[
            ("TWILIO_ACCOUNT_SID", SID),
            ("TWILIO_AUTH_TOKEN", TOKEN),
            ("TWILIO_VERIFY_SERVICE_SID", VA),
        ],
    )
}

fn vonage_settings(base: &str) -> Settings {
    settings(
        "VONAGE_BASE_URL",
        base,
        &[
            ("VONAGE_API_KEY", "abcd1234"),
            ("VONAGE_API_SECRET", "s3cr3tValue"),
            ("VONAGE_FROM_NUMBER", "+14155550199"),
        ],
    )
}

const INFOBIP_KEY: &str = "0123456789abcdef0123456789abcdef-01234567";

fn infobip_settings(base: &str) -> Settings {
    settings(
        "INFOBIP_BASE_URL",
        base,
        &[
            ("INFOBIP_API_KEY", INFOBIP_KEY),
            ("INFOBIP_SENDER", "InfoSMS"),
        ],
    )
}

fn esendex_settings(base: &str) -> Settings {
    settings(
        "ESENDEX_BASE_URL",
        base,
        &[
            ("ESENDEX_ACCOUNT", "EX0000001"),
            ("ESENDEX_USERNAME", "admin@example.com"),
            ("ESENDEX_PASSWORD", "correct-horse"),
        ],
    )
}

fn settings_for(provider: &str, base: &str) -> Settings {
    match provider {
        "twilio" => twilio_settings(base),
        "twilio-verify" => verify_settings(base),
        "vonage" => vonage_settings(base),
        "infobip" => infobip_settings(base),
        "esendex" => esendex_settings(base),
        other => panic!("{other}"),
    }
}

fn client(provider: &str, s: &Settings) -> Client {
    Client::new(Catalog::builtin(), provider, s, Http::new()).unwrap()
}

fn to() -> Recipient {
    Recipient::parse(TO).unwrap()
}

async fn only_request(server: &MockServer) -> Request {
    let r = server.received_requests().await.unwrap();
    assert_eq!(r.len(), 1, "exactly one request: {r:?}");
    common::fakes::recorded(&r[0])
}

// ---- The exact requests of the success paths ----
//
// Each asserted on what a wiremock fake below received, and again on what
// the sandbox's simulation received (`the_sandbox_gets_*`).

fn assert_header(req: &Request, name: &str, value: &str) {
    assert_eq!(
        req.headers.get(name).and_then(|h| h.to_str().ok()),
        Some(value),
        "header {name}"
    );
}

fn assert_call(req: &Request, method: &str, path: &str) {
    assert_eq!(
        (req.method.as_str(), req.url.path()),
        (method, path),
        "{req:?}"
    );
}

/// Twilio Messages.json: To, Body, and the sender (`From` or
/// `MessagingServiceSid`), form-encoded, Basic auth.
fn assert_twilio_send(req: &Request, sender: (&str, &str)) {
    assert_call(
        req,
        "POST",
        &format!("/2010-04-01/Accounts/{SID}/Messages.json"),
    );
    assert_header(req, "authorization", &twilio_auth());
    spec::check("twilio.send", req);
    assert_eq!(
        spec::form(req),
        [
            ("To".to_string(), TO.to_string()),
            ("Body".into(), TEXT.into()),
            (sender.0.into(), sender.1.into())
        ]
    );
}

fn assert_twilio_account_check(req: &Request) {
    assert_call(req, "GET", &format!("/2010-04-01/Accounts/{SID}.json"));
    assert_header(req, "authorization", &twilio_auth());
    assert_eq!(req.url.query(), None);
    spec::check("twilio.account", req);
}

fn assert_twilio_status_read(req: &Request, sid: &str) {
    assert_call(
        req,
        "GET",
        &format!("/2010-04-01/Accounts/{SID}/Messages/{sid}.json"),
    );
    assert_header(req, "authorization", &twilio_auth());
    spec::check("twilio.message", req);
}

/// A Verification: To, Channel=sms and the code as CustomCode.
fn assert_verify_send(req: &Request, code: &str) {
    assert_call(req, "POST", &format!("/v2/Services/{VA}/Verifications"));
    assert_header(req, "authorization", &twilio_auth());
    spec::check("twilio-verify.send", req);
    assert_eq!(
        spec::form(req),
        [
            ("To".to_string(), TO.to_string()),
            ("Channel".into(), "sms".into()),
            ("CustomCode".into(), code.into())
        ]
    );
}

fn assert_verify_service_check(req: &Request) {
    assert_call(req, "GET", &format!("/v2/Services/{VA}"));
    assert_header(req, "authorization", &twilio_auth());
    spec::check("twilio-verify.service", req);
}

/// Vonage /sms/json: the credentials in the form, numbers without +.
fn assert_vonage_send(req: &Request) {
    assert_call(req, "POST", "/sms/json");
    spec::check("vonage.send", req);
    assert_eq!(
        spec::form(req),
        [
            ("api_key".to_string(), "abcd1234".to_string()),
            ("api_secret".into(), "s3cr3tValue".into()),
            ("from".into(), "14155550199".into()),
            ("to".into(), "14155550100".into()),
            ("text".into(), TEXT.into())
        ]
    );
}

fn assert_vonage_balance(req: &Request) {
    assert_call(req, "GET", "/account/get-balance");
    spec::check("vonage.balance", req);
    let q: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
    assert_eq!(
        q,
        [
            ("api_key".to_string(), "abcd1234".to_string()),
            ("api_secret".into(), "s3cr3tValue".into())
        ]
    );
}

/// Infobip v3 JSON with `Authorization: App KEY`.
fn assert_infobip_send(req: &Request) {
    assert_call(req, "POST", "/sms/3/messages");
    assert_header(req, "authorization", &format!("App {INFOBIP_KEY}"));
    assert_header(req, "content-type", "application/json");
    spec::check("infobip.send", req);
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"messages": [{
            "sender": "InfoSMS",
            "destinations": [{"to": "14155550100"}],
            "content": {"text": TEXT},
        }]})
    );
}

fn assert_infobip_balance(req: &Request) {
    assert_call(req, "GET", "/account/1/balance");
    assert_header(req, "authorization", &format!("App {INFOBIP_KEY}"));
}

fn esendex_auth() -> String {
    format!("Basic {}", b64("admin@example.com:correct-horse"))
}

/// Esendex's dispatcher: JSON with the account reference, Basic auth.
fn assert_esendex_dispatch(req: &Request) {
    assert_call(req, "POST", "/v1.0/messagedispatcher");
    assert_header(req, "authorization", &esendex_auth());
    assert_header(req, "content-type", "application/json");
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"accountreference": "EX0000001",
            "messages": [{"to": "14155550100", "body": TEXT}]})
    );
}

fn assert_esendex_accounts(req: &Request) {
    assert_call(req, "GET", "/v1.0/accounts");
    assert_header(req, "authorization", &esendex_auth());
}

fn assert_failure(f: &Failure, class: ErrorClass, code: &str, message_part: &str) {
    assert_eq!(f.class, class, "{f:?}");
    assert_eq!(f.code.as_deref(), Some(code), "{f:?}");
    assert!(f.message.contains(message_part), "{f:?}");
    assert!(!f.hint().is_empty());
}

// ---- Twilio Programmable Messaging ----

fn twilio_error(code: u32, status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status,
    }))
}

#[tokio::test]
async fn twilio_send_posts_the_documented_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/2010-04-01/Accounts/{SID}/Messages.json")))
        .and(header("authorization", twilio_auth().as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "account_sid": SID, "api_version": "2010-04-01", "body": TEXT,
            "direction": "outbound-api", "error_code": null, "error_message": null,
            "from": "+15005550006", "num_segments": "1", "price": null,
            "sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "to": TO,
        })))
        .mount(&server)
        .await;
    let a = client("twilio", &twilio_settings(&server.uri()))
        .send_test(&to(), TEXT)
        .await
        .unwrap();
    assert_eq!(a.id, "SM0123456789abcdef0123456789abcdef");
    assert_eq!(a.status.as_deref(), Some("queued"));
    assert!(a.trackable);
    assert_twilio_send(&only_request(&server).await, ("From", "+15005550006"));
}

#[tokio::test]
async fn twilio_send_with_a_messaging_service() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            serde_json::json!({"sid": "SMx", "status": "accepted", "error_code": null}),
        ))
        .mount(&server)
        .await;
    let mut s = twilio_settings(&server.uri());
    s.insert("TWILIO_MESSAGING_SERVICE_SID", Value::Plain(MG.into()));
    let a = client("twilio", &s).send_test(&to(), TEXT).await.unwrap();
    assert_eq!(a.status.as_deref(), Some("accepted"));
    // The service, and no From.
    assert_twilio_send(&only_request(&server).await, ("MessagingServiceSid", MG));
}

#[tokio::test]
async fn twilio_errors_are_classified() {
    let cases = [
        (20003, 401, ErrorClass::Authentication),
        (20404, 404, ErrorClass::NotFound),
        (21211, 400, ErrorClass::InvalidRecipient),
        (21408, 400, ErrorClass::SenderNotAllowed),
        (21606, 400, ErrorClass::SenderNotAllowed),
        (21608, 400, ErrorClass::TrialUnverified),
        (21610, 400, ErrorClass::InvalidRecipient),
        (21614, 400, ErrorClass::InvalidRecipient),
        (20429, 429, ErrorClass::RateLimited),
        (30001, 400, ErrorClass::Rejected), // unmapped: the message carries it
    ];
    for (code, status, class) in cases {
        let server = MockServer::start().await;
        let message = format!("Twilio says {code}");
        Mock::given(method("POST"))
            .respond_with(twilio_error(code, status, &message))
            .mount(&server)
            .await;
        let f = client("twilio", &twilio_settings(&server.uri()))
            .send_test(&to(), TEXT)
            .await
            .unwrap_err();
        assert_failure(&f, class, &code.to_string(), &message);
        assert_eq!(f.http_status, Some(status));
    }
}

#[tokio::test]
async fn twilio_account_check_reports_trial_and_suspended() {
    for (kind, status, usable, warns) in [
        ("Full", "active", true, 0),
        ("Trial", "active", true, 1),
        ("Full", "suspended", false, 1),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/2010-04-01/Accounts/{SID}.json")))
            .and(header("authorization", twilio_auth().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "sid": SID, "friendly_name": "Acme", "status": status, "type": kind,
            })))
            .mount(&server)
            .await;
        let r = client("twilio", &twilio_settings(&server.uri()))
            .check_credentials()
            .await
            .unwrap();
        assert_eq!(r.usable, usable, "{r:?}");
        assert_eq!(r.warnings.len(), warns, "{r:?}");
        assert!(r.summary.contains(kind) && r.summary.contains("Acme"));
        assert_twilio_account_check(&only_request(&server).await);
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(twilio_error(20003, 401, "Authenticate"))
        .mount(&server)
        .await;
    let f = client("twilio", &twilio_settings(&server.uri()))
        .check_credentials()
        .await
        .unwrap_err();
    assert_failure(&f, ErrorClass::Authentication, "20003", "Authenticate");
}

#[tokio::test]
async fn twilio_delivery_status_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/2010-04-01/Accounts/{SID}/Messages/SMx.json"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "sid": "SMx", "status": "undelivered", "error_code": 30003, "error_message": null,
        })))
        .mount(&server)
        .await;
    let d = client("twilio", &twilio_settings(&server.uri()))
        .delivery_status("SMx")
        .await
        .expect("Twilio reports delivery")
        .unwrap();
    assert!(d.final_ && !d.delivered);
    assert_eq!(d.status, "undelivered");
    assert_eq!(d.error_code.as_deref(), Some("30003"));
    assert_twilio_status_read(&only_request(&server).await, "SMx");
}

// ---- Twilio Verify ----

#[tokio::test]
async fn verify_sends_a_custom_code_to_the_service_sid() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v2/Services/{VA}/Verifications")))
        .and(header("authorization", twilio_auth().as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "sid": "VE0123456789abcdef0123456789abcdef", "service_sid": VA,
            "account_sid": SID, "to": TO, "channel": "sms", "status": "pending", "valid": false,
        })))
        .mount(&server)
        .await;
    let a = client("twilio-verify", &verify_settings(&server.uri()))
        .send_test(&to(), TEXT)
        .await
        .unwrap();
    assert_eq!(a.status.as_deref(), Some("pending"));
    let code = a.code_sent.clone().unwrap();
    assert!(
        code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()),
        "{code}"
    );
    assert_verify_send(&only_request(&server).await, &code);
}

#[tokio::test]
async fn verify_errors_are_classified() {
    for (code, status, class) in [
        (60200, 400, ErrorClass::InvalidRecipient),
        // Max send attempts: a retry only extends the block, so not
        // temporary, whatever the HTTP status.
        (60203, 429, ErrorClass::Rejected),
        (60410, 403, ErrorClass::RateLimited),
        (20404, 404, ErrorClass::NotFound),
        (20003, 401, ErrorClass::Authentication),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(twilio_error(code, status, "Verify says no"))
            .mount(&server)
            .await;
        let f = client("twilio-verify", &verify_settings(&server.uri()))
            .send_test(&to(), TEXT)
            .await
            .unwrap_err();
        assert_failure(&f, class, &code.to_string(), "Verify says no");
        assert_eq!(f.class.temporary(), code == 60410, "{code}");
    }
}

#[tokio::test]
async fn verify_service_check_needs_custom_codes() {
    for (enabled, usable) in [(true, true), (false, false)] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/v2/Services/{VA}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "sid": VA, "friendly_name": "Acme MFA", "custom_code_enabled": enabled,
            })))
            .mount(&server)
            .await;
        let r = client("twilio-verify", &verify_settings(&server.uri()))
            .check_credentials()
            .await
            .unwrap();
        assert_eq!(r.usable, usable);
        assert_eq!(r.warnings.is_empty(), enabled, "{r:?}");
        assert_verify_service_check(&only_request(&server).await);
    }
}

// ---- Vonage ----

#[tokio::test]
async fn vonage_sends_digits_only_and_reads_the_message_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sms/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "message-count": "1",
            "messages": [{"to": "14155550100", "message-id": "0A0000000123ABCD1",
                "status": "0", "remaining-balance": "3.14159265", "message-price": "0.03330000",
                "network": "12345"}],
        })))
        .mount(&server)
        .await;
    let a = client("vonage", &vonage_settings(&server.uri()))
        .send_test(&to(), TEXT)
        .await
        .unwrap();
    assert_eq!(a.id, "0A0000000123ABCD1");
    assert_vonage_send(&only_request(&server).await);
}

#[tokio::test]
async fn vonage_http_200_with_a_failed_status_is_a_failure() {
    let expected = [
        ("1", ErrorClass::RateLimited),
        ("4", ErrorClass::Authentication),
        ("5", ErrorClass::ProviderError),
        ("6", ErrorClass::InvalidRecipient),
        ("9", ErrorClass::InsufficientFunds),
        ("15", ErrorClass::SenderNotAllowed),
        ("29", ErrorClass::TrialUnverified),
        ("33", ErrorClass::InvalidRecipient),
    ];
    for status in (1..=15).chain([29, 33]).map(|s| s.to_string()) {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "message-count": "1",
                "messages": [{"status": status, "error-text": format!("Error {status}")}],
            })))
            .mount(&server)
            .await;
        let f = client("vonage", &vonage_settings(&server.uri()))
            .send_test(&to(), TEXT)
            .await
            .unwrap_err();
        assert_eq!(f.code.as_deref(), Some(status.as_str()));
        assert!(f.message.contains(&format!("Error {status}")), "{f:?}");
        assert!(f.meaning.is_some(), "status {status} is mapped: {f:?}");
        if let Some((_, class)) = expected.iter().find(|(s, _)| *s == status) {
            assert_eq!(f.class, *class, "status {status}");
        }
    }
}

#[tokio::test]
async fn vonage_balance_check() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/account/get-balance"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"value": 10.28, "autoReload": false})),
        )
        .mount(&server)
        .await;
    let r = client("vonage", &vonage_settings(&server.uri()))
        .check_credentials()
        .await
        .unwrap();
    assert!(r.usable && r.summary.contains("10.28"), "{r:?}");
    assert_vonage_balance(&only_request(&server).await);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "type": "https://developer.nexmo.com/api-errors#unauthorized",
            "title": "Invalid credentials supplied",
        })))
        .mount(&server)
        .await;
    let f = client("vonage", &vonage_settings(&server.uri()))
        .check_credentials()
        .await
        .unwrap_err();
    assert_eq!(f.class, ErrorClass::Authentication);
    assert!(f.message.contains("Invalid credentials supplied"));
}

// ---- Infobip ----

fn infobip_answer(group: u32, group_name: &str, id: u32, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "bulkId": "2034072219640523072",
        "messages": [{
            "messageId": "2250be2d4219-3af1-78856-aabe-1362af1edfd2",
            "status": {"groupId": group, "groupName": group_name, "id": id, "name": name,
                "description": format!("{name} description")},
            "destination": "14155550100",
        }],
    }))
}

#[tokio::test]
async fn infobip_sends_v3_json_with_the_app_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sms/3/messages"))
        .and(header(
            "authorization",
            format!("App {INFOBIP_KEY}").as_str(),
        ))
        .respond_with(infobip_answer(1, "PENDING", 26, "PENDING_ACCEPTED"))
        .mount(&server)
        .await;
    let a = client("infobip", &infobip_settings(&server.uri()))
        .send_test(&to(), TEXT)
        .await
        .unwrap();
    assert_eq!(a.id, "2250be2d4219-3af1-78856-aabe-1362af1edfd2");
    assert_infobip_send(&only_request(&server).await);
}

#[tokio::test]
async fn infobip_rejected_with_http_200_is_a_failure() {
    for (id, name, class) in [
        (8, "REJECTED_PREFIX_MISSING", ErrorClass::InvalidRecipient),
        (11, "REJECTED_SENDER", ErrorClass::SenderNotAllowed),
        (
            12,
            "REJECTED_NOT_ENOUGH_CREDITS",
            ErrorClass::InsufficientFunds,
        ),
        (
            18,
            "REJECTED_DESTINATION_NOT_REGISTERED",
            ErrorClass::TrialUnverified,
        ),
        (52, "REJECTED_DESTINATION", ErrorClass::InvalidRecipient),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(infobip_answer(5, "REJECTED", id, name))
            .mount(&server)
            .await;
        let f = client("infobip", &infobip_settings(&server.uri()))
            .send_test(&to(), TEXT)
            .await
            .unwrap_err();
        assert_failure(&f, class, &id.to_string(), name);
    }
    // HTTP 401 with the documented ApiError body.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "errorCode": "E401",
            "description": "The request lacks valid authentication credentials for the requested resource.",
            "action": "Check the resources and adjust authentication credentials.",
            "violations": [], "resources": [],
        })))
        .mount(&server)
        .await;
    let f = client("infobip", &infobip_settings(&server.uri()))
        .send_test(&to(), TEXT)
        .await
        .unwrap_err();
    assert_failure(
        &f,
        ErrorClass::Authentication,
        "http 401",
        "lacks valid authentication",
    );
}

#[tokio::test]
async fn infobip_balance_check() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/account/1/balance"))
        .and(header(
            "authorization",
            format!("App {INFOBIP_KEY}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"balance": 47.79, "currency": "EUR"})),
        )
        .mount(&server)
        .await;
    let r = client("infobip", &infobip_settings(&server.uri()))
        .check_credentials()
        .await
        .unwrap();
    assert!(r.usable && r.summary.contains("47.79 EUR"), "{r:?}");
    assert_infobip_balance(&only_request(&server).await);
}

/// A key made for sending only (scope `sms:message:send`) gets 403
/// FORBIDDEN on the balance: the body is the `ApiException` example of
/// Infobip's account-management OpenAPI spec (`x-scopes:
/// account-management:manage`). A warning, not a failure; 401 stays one.
#[tokio::test]
async fn an_infobip_key_that_may_not_read_the_balance_is_still_usable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/account/1/balance"))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!(
            {"requestError": {"serviceException": {"messageId": "FORBIDDEN", "text": "Forbidden"}}}
        )))
        .mount(&server)
        .await;
    let r = client("infobip", &infobip_settings(&server.uri()))
        .check_credentials()
        .await
        .unwrap();
    assert!(r.usable, "{r:?}");
    assert!(
        r.warnings[0].contains("cannot read the account balance")
            && r.warnings[0].contains("sending is not affected"),
        "{r:?}"
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/account/1/balance"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!(
            {"requestError": {"serviceException": {"messageId": "UNAUTHORIZED", "text": "Invalid login details"}}}
        )))
        .mount(&server)
        .await;
    let f = client("infobip", &infobip_settings(&server.uri()))
        .check_credentials()
        .await
        .unwrap_err();
    assert_eq!(f.class, ErrorClass::Authentication, "{f:?}");
}

// ---- Esendex ----

#[tokio::test]
async fn esendex_dispatches_json_with_the_account_reference() {
    for answer in [
        r#"{"batch":{"batchid":"b1","messageheaders":[{"uri":"https://api.esendex.com/v1.0/MessageHeaders/m-1","id":"m-1"}]}}"#,
        r#"<?xml version="1.0" encoding="utf-8"?><messageheaders batchid="b1" xmlns="http://api.esendex.com/ns/"><messageheader uri="https://api.esendex.com/v1.0/MessageHeaders/m-1" id="m-1" /></messageheaders>"#,
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1.0/messagedispatcher"))
            .and(header(
                "authorization",
                format!("Basic {}", b64("admin@example.com:correct-horse")).as_str(),
            ))
            .and(header("content-type", "application/json"))
            .respond_with(ResponseTemplate::new(200).set_body_string(answer))
            .mount(&server)
            .await;
        let a = client("esendex", &esendex_settings(&server.uri()))
            .send_test(&to(), TEXT)
            .await
            .unwrap();
        assert_eq!(a.id, "m-1");
        assert_esendex_dispatch(&only_request(&server).await);
    }
}

#[tokio::test]
async fn esendex_errors_show_status_and_body() {
    for (status, class) in [
        (401, ErrorClass::Authentication),
        (403, ErrorClass::Authentication),
        (400, ErrorClass::Rejected),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status).set_body_string(format!("Esendex {status} text")),
            )
            .mount(&server)
            .await;
        let f = client("esendex", &esendex_settings(&server.uri()))
            .send_test(&to(), TEXT)
            .await
            .unwrap_err();
        assert_failure(
            &f,
            class,
            &format!("http {status}"),
            &format!("Esendex {status} text"),
        );
    }
}

#[tokio::test]
async fn esendex_accounts_check_finds_the_reference() {
    for (refs, usable) in [("EX0000001", true), ("EX0000002", false)] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1.0/accounts"))
            .respond_with(ResponseTemplate::new(200).set_body_string(format!(
                r#"<?xml version="1.0" encoding="utf-8"?><accounts xmlns="http://api.esendex.com/ns/"><account id="A1" uri="u"><reference>{refs}</reference><label>x</label></account></accounts>"#
            )))
            .mount(&server)
            .await;
        let r = client("esendex", &esendex_settings(&server.uri()))
            .check_credentials()
            .await
            .unwrap();
        assert_eq!(r.usable, usable, "{r:?}");
        assert_esendex_accounts(&only_request(&server).await);
    }
}

// ---- the same requests, to the sandbox's simulated APIs ----

/// The simulation of the sandbox's provider accounts (accepting).
async fn sandbox() -> Providers {
    Providers::serve(Accounts::default(), None).await
}

/// The latest request the simulation received, after `n` in all.
async fn request_n(sim: &Providers, n: usize) -> Request {
    let mut r = sim.server.received_requests();
    assert_eq!(r.len(), n, "{r:?}");
    r.pop().unwrap()
}

#[tokio::test]
async fn the_sandbox_gets_the_same_twilio_requests() {
    let sim = sandbox().await;
    let c = client("twilio", &twilio_settings(&sim.uri()));
    assert!(c.check_credentials().await.unwrap().usable);
    assert_twilio_account_check(&request_n(&sim, 1).await);
    let a = c.send_test(&to(), TEXT).await.unwrap();
    assert_twilio_send(&request_n(&sim, 2).await, ("From", "+15005550006"));
    let d = c.delivery_status(&a.id).await.unwrap().unwrap();
    assert!(d.delivered, "{d:?}");
    assert_twilio_status_read(&request_n(&sim, 3).await, &a.id);
    let mut s = twilio_settings(&sim.uri());
    s.insert("TWILIO_MESSAGING_SERVICE_SID", Value::Plain(MG.into()));
    client("twilio", &s).send_test(&to(), TEXT).await.unwrap();
    assert_twilio_send(&request_n(&sim, 4).await, ("MessagingServiceSid", MG));
    assert_eq!(sim.inbox().len(), 2);
}

#[tokio::test]
async fn the_sandbox_gets_the_same_verify_requests() {
    let sim = sandbox().await;
    let c = client("twilio-verify", &verify_settings(&sim.uri()));
    assert!(c.check_credentials().await.unwrap().usable);
    assert_verify_service_check(&request_n(&sim, 1).await);
    let a = c.send_test(&to(), TEXT).await.unwrap();
    assert_verify_send(&request_n(&sim, 2).await, &a.code_sent.unwrap());
}

#[tokio::test]
async fn the_sandbox_gets_the_same_vonage_requests() {
    let sim = sandbox().await;
    let c = client("vonage", &vonage_settings(&sim.uri()));
    assert!(c.check_credentials().await.unwrap().usable);
    assert_vonage_balance(&request_n(&sim, 1).await);
    c.send_test(&to(), TEXT).await.unwrap();
    assert_vonage_send(&request_n(&sim, 2).await);
}

#[tokio::test]
async fn the_sandbox_gets_the_same_infobip_requests() {
    let sim = sandbox().await;
    let c = client("infobip", &infobip_settings(&sim.uri()));
    assert!(c.check_credentials().await.unwrap().usable);
    assert_infobip_balance(&request_n(&sim, 1).await);
    c.send_test(&to(), TEXT).await.unwrap();
    assert_infobip_send(&request_n(&sim, 2).await);
}

#[tokio::test]
async fn the_sandbox_gets_the_same_esendex_requests() {
    let sim = sandbox().await;
    let c = client("esendex", &esendex_settings(&sim.uri()));
    assert!(c.check_credentials().await.unwrap().usable);
    assert_esendex_accounts(&request_n(&sim, 1).await);
    c.send_test(&to(), TEXT).await.unwrap();
    assert_esendex_dispatch(&request_n(&sim, 2).await);
}

// ---- faults, for every provider ----

const PROVIDERS: [&str; 5] = ["twilio", "twilio-verify", "vonage", "infobip", "esendex"];

#[tokio::test]
async fn malformed_json_and_http_500_are_provider_errors() {
    for p in PROVIDERS {
        for (status, body) in [
            (200, "{not json"),
            (201, "<html>oops</html>"),
            (500, "Internal Server Error"),
        ] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(status).set_body_string(body))
                .mount(&server)
                .await;
            let r = client(p, &settings_for(p, &server.uri()))
                .send_test(&to(), TEXT)
                .await;
            if p == "esendex" && status != 500 {
                // Esendex answers are parsed defensively: no id is an error too.
                assert!(r.is_err(), "{p}: {r:?}");
            }
            let f = r.unwrap_err();
            assert_eq!(f.class, ErrorClass::ProviderError, "{p} {status}: {f:?}");
            assert!(f.class.temporary());
        }
    }
}

#[tokio::test]
async fn a_stalled_provider_times_out_as_a_network_problem() {
    for p in PROVIDERS {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(30)))
            .mount(&server)
            .await;
        let http = Http::with_timeouts(Duration::from_secs(1), Duration::from_millis(500));
        let started = std::time::Instant::now();
        let f = Client::new(Catalog::builtin(), p, &settings_for(p, &server.uri()), http)
            .unwrap()
            .send_test(&to(), TEXT)
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(f.class, ErrorClass::Network, "{p}: {f:?}");
        assert!(f.message.contains("no answer"), "{f:?}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_network_problem() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again: nobody listens
    for p in PROVIDERS {
        let f = client(p, &settings_for(p, &format!("http://127.0.0.1:{port}")))
            .send_test(&to(), TEXT)
            .await
            .unwrap_err();
        assert_eq!(f.class, ErrorClass::Network, "{p}: {f:?}");
        assert!(f.message.contains("could not connect"), "{f:?}");
    }
}

#[test]
fn plain_http_is_refused_unless_loopback() {
    for p in PROVIDERS {
        let r = Client::new(
            Catalog::builtin(),
            p,
            &settings_for(p, "http://api.example.com"),
            Http::new(),
        );
        let Err(e) = r else {
            panic!("{p}: http to a remote host was accepted")
        };
        assert!(e.to_string().contains("http"), "{p}: {e}");
    }
}

/// The fake's answer carrying error `code` of `provider`, in the shape that
/// provider documents.
fn error_answer(provider: &str, code: &str) -> ResponseTemplate {
    if let Some(status) = code.strip_prefix("http ") {
        let status: u16 = status.parse().unwrap();
        return match provider {
            "infobip" => ResponseTemplate::new(status).set_body_json(serde_json::json!({
                "errorCode": format!("E{status}"), "description": format!("Infobip {status}"),
                "action": "Check.", "violations": [], "resources": [],
            })),
            "twilio" | "twilio-verify" => ResponseTemplate::new(status).set_body_json(
                serde_json::json!({"message": format!("Twilio {status}"), "status": status}),
            ),
            _ => ResponseTemplate::new(status).set_body_string(format!("HTTP {status} text")),
        };
    }
    match provider {
        "twilio" | "twilio-verify" => {
            twilio_error(code.parse().unwrap(), 400, &format!("Twilio {code}"))
        }
        "vonage" => ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "message-count": "1",
            "messages": [{"status": code, "error-text": format!("Vonage {code}")}],
        })),
        "infobip" => infobip_answer(
            5,
            "REJECTED",
            code.parse().unwrap(),
            &format!("REJECTED_{code}"),
        ),
        other => panic!("{other} has no coded errors"),
    }
}

#[tokio::test]
async fn every_mapped_error_of_every_provider_is_recognised() {
    let mut checked = 0;
    for p in PROVIDERS {
        let provider = Catalog::builtin().get(p).unwrap();
        for known in &provider.errors {
            // Codes only delivery records carry (Infobip's `error N` and
            // `status N`, Vonage's `dlr N`, Esendex's `status NAME`): the
            // delivery-record tests below read them.
            if known.code.contains(' ') && !known.code.starts_with("http ") {
                continue;
            }
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(error_answer(p, &known.code))
                .mount(&server)
                .await;
            let f = client(p, &settings_for(p, &server.uri()))
                .send_test(&to(), TEXT)
                .await
                .unwrap_err();
            assert_eq!(f.class, known.class, "{p} {}: {f:?}", known.code);
            assert_eq!(
                f.meaning.as_deref(),
                Some(known.meaning.as_str()),
                "{p} {}",
                known.code
            );
            assert!(!f.message.is_empty());
            checked += 1;
        }
    }
    // The send-time codes; the delivery-only ones are skipped above.
    assert_eq!(checked, 79, "every mapped error of the catalog is checked");
}

/// Found by fuzzing (tests/fuzz.rs): an error body whose message is empty
/// left nothing to read. Every provider now says there was no message.
#[tokio::test]
async fn an_empty_error_message_still_says_something() {
    for p in PROVIDERS {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(
                ResponseTemplate::new(400)
                    .set_body_json(serde_json::json!({"message": "", "code": 21211})),
            )
            .mount(&server)
            .await;
        let c = client(p, &settings_for(p, &server.uri()));
        let f = c.check_credentials().await.unwrap_err();
        assert!(!f.message.trim().is_empty(), "{p}: {f:?}");
        let f = c.send_test(&to(), TEXT).await.unwrap_err();
        assert!(!f.message.trim().is_empty(), "{p}: {f:?}");
    }
}

/// An answer that trickles in (one byte every 100 ms) is cut by the
/// request timeout, body included: a network problem, in bounded time.
#[tokio::test]
async fn a_trickling_answer_is_cut_by_the_request_timeout() {
    let server = common::hostile::raw("127.0.0.1", common::hostile::trickle);
    for p in PROVIDERS {
        let http = Http::with_timeouts(Duration::from_secs(1), Duration::from_secs(1));
        let started = std::time::Instant::now();
        let f = Client::new(Catalog::builtin(), p, &settings_for(p, &server.uri()), http)
            .unwrap()
            .check_credentials()
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(4), "{p}: took {took:?}");
        assert_eq!(f.class, ErrorClass::Network, "{p}: {f:?}");
        assert!(f.message.contains("no answer"), "{p}: {f:?}");
    }
    assert!(server.hits() >= PROVIDERS.len(), "every client asked");
}

/// A redirect (any of the four) is an error that names where it pointed,
/// and nothing reaches that address: not the credentials, not the message.
#[tokio::test]
async fn a_redirect_is_never_followed_and_names_where_it_pointed() {
    use common::hostile::{raw, redirect};
    let elsewhere = raw("127.0.0.2", |s| {
        use std::io::Write;
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}");
    });
    for status in [301, 302, 307, 308] {
        // U+202E in the Location: shown escaped, never raw.
        let to_url = format!("{}/steal?x=\u{202e}", elsewhere.uri());
        let here = raw("127.0.0.1", redirect(status, to_url));
        for p in PROVIDERS {
            let c = client(p, &settings_for(p, &here.uri()));
            let sent = c.send_test(&to(), TEXT).await.unwrap_err();
            let checked = c.check_credentials().await.unwrap_err();
            for f in [sent, checked] {
                assert!(
                    f.message.contains(&format!(
                        "HTTP {status}, a redirect to {}/steal",
                        elsewhere.uri()
                    )),
                    "{p}: {f:?}"
                );
                assert!(
                    f.message.contains("x=\\u{202e}") && !f.message.contains('\u{202e}'),
                    "the location is sanitized: {f:?}"
                );
                assert_eq!(f.http_status, Some(status), "{p}");
            }
        }
        assert!(here.hits() > 0);
    }
    assert_eq!(elsewhere.hits(), 0, "nothing reached the redirect's target");
}

/// A body over the limit, announced, chunked or without end, is an error
/// that says so, for every provider's client.
#[tokio::test]
async fn an_answer_over_the_body_limit_is_an_error_that_says_so() {
    use common::hostile::{endless, large, raw};
    let limit = sms_mfa::http::BODY_LIMIT;
    let servers = [
        raw("127.0.0.1", large(limit + 1, true)),
        raw("127.0.0.1", large(limit + 1, false)),
        raw("127.0.0.1", endless),
    ];
    for server in &servers {
        for p in PROVIDERS {
            let f = client(p, &settings_for(p, &server.uri()))
                .check_credentials()
                .await
                .unwrap_err();
            assert!(f.message.contains("larger than 1 MiB"), "{p}: {f:?}");
        }
    }
    // Exactly the limit is read.
    let at_limit = raw("127.0.0.1", large(limit, false));
    let f = client("vonage", &settings_for("vonage", &at_limit.uri()))
        .check_credentials()
        .await
        .unwrap_err();
    assert!(!f.message.contains("larger than"), "{f:?}");
}

// ---- Delivery records (`sms-mfa trace`): each provider's list endpoint ----
//
// The fakes answer in the shapes of the vendors' specs: Twilio's
// `ListMessageResponse` (twilio_api_v2010.json) and
// `ListVerificationAttemptResponse` (twilio_verify_v2.json), Infobip's
// `GET /sms/3/logs` with its cursor and its 403 `ApiError403`
// (infobip_sms.json), Esendex's XML message headers (the Esendex REST API
// reference), Vonage's `GET /v2/reports/records` and its 403 body
// (github:Nexmo/api-specification `definitions/reports.yml`).

use sms_mfa::providers::delivery::{self, Query, State};

fn query_of(to: Option<&str>) -> Query {
    Query {
        to: to.map(str::to_string),
        since: delivery::now() - 3600,
        limit: 200,
    }
}

fn minutes_ago_2822(m: i64) -> String {
    // Twilio writes RFC 2822 times; built from the ISO form.
    let t = delivery::now() - m * 60;
    let iso = delivery::rfc3339(t);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month: usize = iso[5..7].parse().unwrap();
    format!(
        "Wed, {} {} {} {} +0000",
        &iso[8..10],
        MONTHS[month - 1],
        &iso[..4],
        &iso[11..19]
    )
}

fn twilio_listed(
    sid: &str,
    status: &str,
    code: Option<u32>,
    text: Option<&str>,
    m: i64,
) -> serde_json::Value {
    serde_json::json!({
        "sid": sid, "to": TO, "from": "+15005550006", "status": status,
        "error_code": code, "error_message": text, "direction": "outbound-api",
        "date_sent": minutes_ago_2822(m), "date_created": minutes_ago_2822(m),
        "account_sid": SID, "body": "Your code is 1", "num_segments": "1",
    })
}

#[tokio::test]
async fn twilio_records_are_paged_filtered_and_mapped() {
    let server = MockServer::start().await;
    let list = format!("/2010-04-01/Accounts/{SID}/Messages.json");
    let next = format!("{list}?To=%2B14155550100&PageSize=100&Page=1&PageToken=PA1");
    Mock::given(method("GET"))
        .and(path(list.clone()))
        .and(wiremock::matchers::query_param("Page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "messages": [twilio_listed("SM3", "failed", Some(21610), Some("Attempt to send to unsubscribed recipient"), 30)],
            "next_page_uri": null, "page": 1, "page_size": 100,
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(list.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "messages": [
                twilio_listed("SM1", "delivered", None, None, 5),
                twilio_listed("SM2", "undelivered", Some(30007), Some("Message filtered"), 10),
                // Before the window: left out.
                twilio_listed("SM0", "delivered", None, None, 120),
            ],
            "next_page_uri": next, "page": 0, "page_size": 100,
        })))
        .mount(&server)
        .await;
    let c = client("twilio", &twilio_settings(&server.uri()));
    let r = c.delivery_records(&query_of(Some(TO))).await.unwrap();
    let ids: Vec<&str> = r.records.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["SM1", "SM2", "SM3"]);
    assert!(!r.truncated);
    assert_eq!(r.records[0].state, State::Delivered);
    let filtered = &r.records[1];
    assert_eq!(filtered.state, State::Failed);
    assert_eq!(filtered.code.as_deref(), Some("30007"));
    assert_eq!(filtered.class, Some(ErrorClass::SenderNotAllowed));
    assert!(filtered.meaning.as_deref().unwrap().contains("filtered"));
    assert!(
        filtered
            .fix
            .as_deref()
            .unwrap()
            .contains("Register the sender")
    );
    assert_eq!(filtered.message.as_deref(), Some("Message filtered"));
    assert_eq!(r.records[2].class, Some(ErrorClass::InvalidRecipient));
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2, "two pages");
    for req in &reqs {
        let req = &common::fakes::recorded(req);
        spec::check("twilio.messages", req);
        assert_header(req, "authorization", &twilio_auth());
    }
    let first: Vec<(String, String)> = reqs[0].url.query_pairs().into_owned().collect();
    assert!(first.contains(&("To".into(), TO.into())), "{first:?}");
    assert!(first.contains(&("DateSent>".into(), delivery::day(delivery::now() - 3600))));
}

#[tokio::test]
async fn twilio_refusing_the_list_is_a_cannot_look_with_its_reason() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})))
        .mount(&server)
        .await;
    let c = client("twilio", &twilio_settings(&server.uri()));
    let e = c.delivery_records(&query_of(Some(TO))).await.unwrap_err();
    assert_eq!(e.provider, "twilio");
    assert!(e.reason.contains("[20003] Authenticate"), "{e:?}");
    assert!(e.fix.contains("may read"), "{e:?}");
}

#[tokio::test]
async fn verify_attempts_are_read_with_their_channel_status() {
    let server = MockServer::start().await;
    let at = delivery::rfc3339(delivery::now() - 600);
    Mock::given(method("GET"))
        .and(path("/v2/Attempts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "attempts": [
                {"sid": "VL1", "verification_sid": "VE1", "date_created": at, "conversion_status": "unconverted",
                 "channel": "sms", "channel_data": {"to": TO, "status": "undelivered", "error_code": "30003"}},
                {"sid": "VL2", "verification_sid": "VE2", "date_created": at, "conversion_status": "converted",
                 "channel": "sms", "channel_data": {"to": TO}},
            ],
            "meta": {"page": 0, "page_size": 100, "next_page_url": null, "key": "attempts"},
        })))
        .mount(&server)
        .await;
    let c = client("twilio-verify", &verify_settings(&server.uri()));
    let r = c.delivery_records(&query_of(Some(TO))).await.unwrap();
    assert_eq!(r.records.len(), 2);
    assert_eq!(r.records[0].code.as_deref(), Some("30003"));
    assert_eq!(r.records[0].class, Some(ErrorClass::InvalidRecipient));
    assert_eq!(
        r.records[1].state,
        State::Delivered,
        "converted: it arrived"
    );
    let req = only_request(&server).await;
    spec::check("twilio-verify.attempts", &req);
    let q: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
    for want in [
        ("VerifyServiceSid", VA),
        ("Channel", "sms"),
        ("ChannelData.To", TO),
    ] {
        assert!(q.contains(&(want.0.into(), want.1.into())), "{q:?}");
    }
}

#[tokio::test]
async fn infobip_logs_follow_the_cursor_and_map_status_and_error() {
    let server = MockServer::start().await;
    let at = format!(
        "{}.000+0000",
        &delivery::rfc3339(delivery::now() - 300)[..19]
    );
    let entry = |id: &str, status: serde_json::Value, error: serde_json::Value| {
        serde_json::json!({"destination": "14155550100", "messageId": id, "sentAt": at,
            "status": status, "error": error})
    };
    Mock::given(method("GET"))
        .and(path("/sms/3/logs"))
        .and(wiremock::matchers::query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "results": [entry("m3",
                serde_json::json!({"groupId": 4, "groupName": "EXPIRED", "id": 15, "name": "EXPIRED_EXPIRED", "description": "Message expired"}),
                serde_json::json!({"groupId": 0, "id": 0, "name": "NO_ERROR"}))],
            "cursor": {"limit": 100}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/sms/3/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "results": [
                entry("m1",
                    serde_json::json!({"groupId": 3, "groupName": "DELIVERED", "id": 5, "name": "DELIVERED_TO_HANDSET"}),
                    serde_json::json!({"groupId": 0, "id": 0, "name": "NO_ERROR"})),
                entry("m2",
                    serde_json::json!({"groupId": 2, "groupName": "UNDELIVERABLE", "id": 9, "name": "UNDELIVERABLE_NOT_DELIVERED", "description": "Message sent not delivered", "action": "Contact the operator"}),
                    serde_json::json!({"groupId": 1, "groupName": "HANDSET_ERRORS", "id": 27, "name": "EC_ABSENT_SUBSCRIBER", "description": "Absent Subscriber"})),
            ],
            "cursor": {"limit": 100, "nextCursor": "c2"}})))
        .mount(&server)
        .await;
    let c = client("infobip", &infobip_settings(&server.uri()));
    let r = c.delivery_records(&query_of(Some(TO))).await.unwrap();
    let got: Vec<(&str, State, Option<&str>)> = r
        .records
        .iter()
        .map(|x| (x.id.as_str(), x.state, x.code.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("m1", State::Delivered, None),
            ("m2", State::Failed, Some("error 27")),
            ("m3", State::Failed, Some("status 15")),
        ]
    );
    assert!(
        r.records[1]
            .message
            .as_deref()
            .unwrap()
            .contains("EC_ABSENT_SUBSCRIBER")
    );
    assert!(r.records[1].meaning.is_some() && r.records[2].meaning.is_some());
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        let req = &common::fakes::recorded(req);
        spec::check("infobip.logs", req);
        assert_header(req, "authorization", &format!("App {INFOBIP_KEY}"));
        let q: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
        assert!(
            q.contains(&("destination".into(), "14155550100".into())),
            "{q:?}"
        );
    }
}

#[tokio::test]
async fn an_infobip_key_without_the_logs_scope_cannot_look_and_says_why() {
    let server = MockServer::start().await;
    // The spec's ApiError403.
    Mock::given(method("GET"))
        .and(path("/sms/3/logs"))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "errorCode": "E403", "description": "Forbidden", "action": "Check the API key's scopes",
            "violations": [], "resources": []})))
        .mount(&server)
        .await;
    let c = client("infobip", &infobip_settings(&server.uri()));
    let e = c.delivery_records(&query_of(Some(TO))).await.unwrap_err();
    assert!(e.reason.contains("sms:logs:read"), "{e:?}");
    assert!(e.reason.contains("E403 Forbidden"), "{e:?}");
    assert!(e.fix.contains("API keys"), "{e:?}");
}

#[tokio::test]
async fn esendex_message_headers_are_paged_and_filtered_here() {
    let server = MockServer::start().await;
    let at = format!("{}.000Z", &delivery::rfc3339(delivery::now() - 300)[..19]);
    let header = |id: &str, to: &str, status: &str| {
        format!(
            r#"<messageheader id="{id}" uri="/v1.0/messageheaders/{id}"><reference>EX0000001</reference><status>{status}</status><sentat>{at}</sentat><to><phonenumber>{to}</phonenumber></to><direction>Outbound</direction></messageheader>"#
        )
    };
    let page = |start: usize, items: Vec<String>| {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><messageheaders startindex="{start}" count="{}" totalcount="101" xmlns="http://api.esendex.com/ns/">{}</messageheaders>"#,
            items.len(),
            items.join("")
        )
    };
    let mut first: Vec<String> = (0..99)
        .map(|i| header(&format!("other-{i}"), "447700900123", "Delivered"))
        .collect();
    first.push(header("m1", "14155550100", "Failed"));
    Mock::given(method("GET"))
        .and(path("/v1.0/messageheaders"))
        .and(wiremock::matchers::query_param("startIndex", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            page(100, vec![header("m2", "14155550100", "Delivered")]),
            "application/xml",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/messageheaders"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(page(0, first), "application/xml"))
        .mount(&server)
        .await;
    let c = client("esendex", &esendex_settings(&server.uri()));
    let r = c.delivery_records(&query_of(Some(TO))).await.unwrap();
    let got: Vec<(&str, State, Option<&str>)> = r
        .records
        .iter()
        .map(|x| (x.id.as_str(), x.state, x.code.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("m1", State::Failed, Some("status Failed")),
            ("m2", State::Delivered, None)
        ]
    );
    assert!(r.records[0].meaning.is_some());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn vonage_reads_the_reports_api_or_says_why_it_cannot() {
    let server = MockServer::start().await;
    let at = delivery::rfc3339(delivery::now() - 600);
    Mock::given(method("GET"))
        .and(path("/v2/reports/records"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "request_status": "SUCCESS", "product": "SMS", "direction": "outbound", "items_count": 1,
            "records": [{"message_id": "v1", "to": "14155550100", "date_received": at,
                "status": "failed", "error_code": "2", "error_code_description": "Absent Subscriber Temporary"}]})))
        .mount(&server)
        .await;
    let c = client("vonage", &vonage_settings(&server.uri()));
    let r = c.delivery_records(&query_of(Some(TO))).await.unwrap();
    assert_eq!(r.records.len(), 1);
    assert_eq!(r.records[0].code.as_deref(), Some("dlr 2"));
    assert_eq!(r.records[0].class, Some(ErrorClass::InvalidRecipient));
    let req = only_request(&server).await;
    assert_header(
        &req,
        "authorization",
        &format!("Basic {}", b64("abcd1234:s3cr3tValue")),
    );
    let q: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
    for want in [
        ("account_id", "abcd1234"),
        ("product", "SMS"),
        ("direction", "outbound"),
    ] {
        assert!(q.contains(&(want.0.into(), want.1.into())), "{q:?}");
    }
    let start = q.iter().find(|(k, _)| k == "date_start").unwrap();
    let end = q.iter().find(|(k, _)| k == "date_end").unwrap();
    let span = delivery::parse_iso(&end.1).unwrap() - delivery::parse_iso(&start.1).unwrap();
    assert!(span <= 86_400, "at most 24 hours per request (the spec)");

    let refusing = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "title": "Forbidden", "detail": "User not authorized to query the requested data"})))
        .mount(&refusing)
        .await;
    let c = client("vonage", &vonage_settings(&refusing.uri()));
    let e = c.delivery_records(&query_of(Some(TO))).await.unwrap_err();
    assert!(e.reason.contains("User not authorized"), "{e:?}");
    assert!(e.reason.contains("webhook"), "{e:?}");
}

#[tokio::test]
async fn every_code_the_simulated_providers_report_is_in_the_catalog() {
    use sms_mfa::sandbox::providers::{Outcome, Past};
    let outcomes = [
        Outcome::Delivered,
        Outcome::Unreachable,
        Outcome::Filtered,
        Outcome::OptedOut,
    ];
    let history = outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| Past {
            to: TO.into(),
            minutes_ago: 5 + i as u32,
            outcome: *o,
            code: None,
            message: None,
        })
        .collect();
    let sim = Providers::serve(
        Accounts {
            history,
            ..Accounts::default()
        },
        None,
    )
    .await;
    for p in ["twilio", "twilio-verify", "vonage", "infobip", "esendex"] {
        let c = client(p, &settings_for(p, &sim.uri()));
        let r = c.delivery_records(&query_of(Some(TO))).await.unwrap();
        assert_eq!(r.records.len(), 4, "{p}: {r:?}");
        let failed: Vec<_> = r
            .records
            .iter()
            .filter(|x| x.state == State::Failed)
            .collect();
        assert_eq!(failed.len(), 3, "{p}");
        for x in failed {
            assert!(
                x.meaning.is_some() && x.class.is_some() && x.fix.is_some(),
                "{p}: code {:?} not in the catalog",
                x.code
            );
        }
    }
}

#[tokio::test]
async fn a_look_is_bounded_by_its_limit() {
    use sms_mfa::sandbox::providers::{Outcome, Past};
    let history = (0..250)
        .map(|i| Past {
            to: TO.into(),
            minutes_ago: 1 + i % 50,
            outcome: Outcome::Delivered,
            code: None,
            message: None,
        })
        .collect();
    let sim = Providers::serve(
        Accounts {
            history,
            ..Accounts::default()
        },
        None,
    )
    .await;
    for p in ["twilio", "twilio-verify", "infobip", "esendex", "vonage"] {
        let c = client(p, &settings_for(p, &sim.uri()));
        let r = c.delivery_records(&query_of(Some(TO))).await.unwrap();
        assert_eq!(r.records.len(), 200, "{p}");
        assert!(r.truncated, "{p}");
        assert!(
            r.records.windows(2).all(|w| w[0].at >= w[1].at),
            "{p}: newest first"
        );
    }
}

/// Issue 20: the pickers' lists follow the provider's paging, bounded.
/// Twilio's 2010 lists page by `next_page_uri` (twilio_api_v2010.json,
/// `ListIncomingPhoneNumberResponse`), an absolute link's host replaced by
/// the configured one; an endless list stops after five pages and says it
/// was cut short. Vonage pages by `index`/`size` until the answer's
/// `count` (Numbers API reference, "List the numbers you own").
#[tokio::test]
async fn the_senders_lists_follow_the_pages_and_stop_at_the_bound() {
    use sms_mfa::providers::clients::{MAX_PAGES, list_senders};
    use wiremock::matchers::query_param;
    let numbers_path = format!("/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json");
    let number = |n: &str| serde_json::json!({"phone_number": n, "friendly_name": n, "capabilities": {"sms": true}});
    let twilio = |base: &str| {
        settings(
            "TWILIO_BASE_URL",
            base,
            &[("TWILIO_ACCOUNT_SID", SID), ("TWILIO_AUTH_TOKEN", TOKEN)],
        )
    };
    let numbers_asked =
        |reqs: &[wiremock::Request], p: &str| reqs.iter().filter(|r| r.url.path() == p).count();

    // Two pages: both read, the second through the link on this host.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(numbers_path.clone()))
        .and(query_param("Page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "incoming_phone_numbers": [number("+15005550009")], "next_page_uri": null,
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(numbers_path.clone()))
        .and(query_param("PageSize", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "incoming_phone_numbers": [number("+15005550006")],
            "next_page_uri": format!("https://api.twilio.com{numbers_path}?PageSize=100&Page=1&PageToken=PA1"),
        })))
        .mount(&server)
        .await;
    let s = list_senders(
        Catalog::builtin(),
        "twilio",
        &twilio(&server.uri()),
        Http::new(),
    )
    .await
    .unwrap();
    let values: Vec<&str> = s
        .choices
        .iter()
        .filter(|c| c.setting == "TWILIO_PHONE_NUMBER")
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(values, ["+15005550006", "+15005550009"]);
    assert!(
        !s.notes.iter().any(|n| n.contains("Only the first")),
        "{s:?}"
    );

    // An endless list: five pages, then a note.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(numbers_path.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "incoming_phone_numbers": [number("+15005550006")],
            "next_page_uri": format!("{numbers_path}?Page=2&PageToken=PA2"),
        })))
        .mount(&server)
        .await;
    let s = list_senders(
        Catalog::builtin(),
        "twilio",
        &twilio(&server.uri()),
        Http::new(),
    )
    .await
    .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(numbers_asked(&reqs, &numbers_path), MAX_PAGES);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("Only the first 200 numbers")),
        "{s:?}"
    );

    // Vonage: 150 numbers in pages of 100.
    let server = MockServer::start().await;
    let page = |from: usize, n: usize| {
        let numbers: Vec<serde_json::Value> = (from..from + n)
            .map(|i| serde_json::json!({"country": "US", "msisdn": format!("1415555{i:04}"), "features": ["SMS"]}))
            .collect();
        serde_json::json!({"count": 150, "numbers": numbers})
    };
    Mock::given(method("GET"))
        .and(path("/account/numbers"))
        .and(query_param("index", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(100, 50)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/account/numbers"))
        .and(query_param("index", "1"))
        .and(query_param("size", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0, 100)))
        .mount(&server)
        .await;
    let s = settings(
        "VONAGE_BASE_URL",
        &server.uri(),
        &[
            ("VONAGE_API_KEY", "abcd1234"),
            ("VONAGE_API_SECRET", "s3cr3tValue"),
        ],
    );
    let s = list_senders(Catalog::builtin(), "vonage", &s, Http::new())
        .await
        .unwrap();
    assert_eq!(s.choices.len(), 150);
    assert_eq!(s.choices[149].value, "+14155550149");
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(numbers_asked(&reqs, "/account/numbers"), 2);
}
