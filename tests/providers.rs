//! The provider clients against loopback fakes (wiremock). Every request is
//! checked against the vendor's OpenAPI spec (common/spec.rs) and for the
//! exact values sent; the fakes answer with the documented bodies, for
//! success and for every mapped error, plus malformed JSON, HTTP 500, a
//! stall and a refused connection. The exact requests of the success paths
//! are asserted once more against the sandbox's simulated provider APIs
//! (src/sandbox/providers.rs), with the same assertions: the simulation
//! takes exactly what the real clients send.

mod common;

use common::spec;
use sms_mfa::providers::Catalog;
use sms_mfa::providers::clients::{Client, Http, Recipient, Settings};
use sms_mfa::providers::outcome::{ErrorClass, Failure};
use sms_mfa::sandbox::providers::{Accounts, Providers};
use sms_mfa::secrets::Value;
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

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
    let mut r = server.received_requests().await.unwrap();
    assert_eq!(r.len(), 1, "exactly one request: {r:?}");
    r.remove(0)
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
    let mut r = sim.server.received_requests().await.unwrap();
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
    assert_eq!(checked, 64, "every mapped error of the catalog is checked");
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
