//! `sms-mfa tenant check` against the fake Management API on loopback
//! (src/sandbox/auth0.rs, which follows the official spec), for each
//! tenant generation, in good and broken states.

use crate::common;

use common::keyring::{Run, sms_mfa};
use serde_json::{Value, json};
use sms_mfa::codegen::{self, Target};
use sms_mfa::providers::Catalog;
use sms_mfa::sandbox::server::{Request, Response};
use std::path::Path;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::auth0::{self, ALL_READ as ALL_SCOPES, CLIENT_ID, CLIENT_SECRET};

/// A tenant as the fake serves it.
struct Tenant {
    upe: bool,
    sms_enabled: bool,
    /// Classic: the selected provider. UPE: the phone providers' names.
    provider: &'static str,
    message_types: Value,
    policies: Value,
    hooks: Value,
    hook_secrets: Value,
    bindings: Value,
    action: Value,
    logs: Value,
    scopes: &'static str,
}

fn twilio_action(target: Target) -> Value {
    let p = Catalog::builtin().get("twilio").unwrap();
    let code = codegen::render(p, target, None).unwrap();
    let secrets: Vec<Value> = codegen::action_secrets(p)
        .into_iter()
        .map(|n| json!({"name": n, "updated_at": "2026-11-20T10:00:00.000Z"}))
        .collect();
    let version = if target == Target::SendPhoneMessage {
        "v2"
    } else {
        "v1"
    };
    json!({"id": "act_1", "name": "sms-mfa twilio", "code": code, "secrets": secrets,
        "supported_triggers": [{"id": target.id(), "version": version}],
        "runtime": "node22", "status": "built", "all_changes_deployed": true,
        "deployed_version": {"id": "ver_1", "number": 1, "status": "built", "deployed": true}})
}

fn binding() -> Value {
    json!({"bindings": [{"id": "b1", "display_name": "sms-mfa twilio",
        "action": {"id": "act_1", "name": "sms-mfa twilio"}}], "total": 1, "page": 0, "per_page": 20})
}

fn good_upe() -> Tenant {
    Tenant {
        upe: true,
        sms_enabled: true,
        provider: "custom",
        message_types: json!({"message_types": ["sms"]}),
        policies: json!(["all-applications"]),
        hooks: json!([]),
        hook_secrets: json!({}),
        bindings: binding(),
        action: twilio_action(Target::CustomPhoneProvider),
        logs: json!([]),
        scopes: ALL_SCOPES,
    }
}

fn good_classic() -> Tenant {
    Tenant {
        upe: false,
        provider: "phone-message-hook",
        message_types: json!({"message_types": ["sms"]}),
        action: twilio_action(Target::SendPhoneMessage),
        ..good_upe()
    }
}

/// The tenant on the fake Management API (src/sandbox/auth0.rs).
async fn serve(t: &Tenant) -> sms_mfa::sandbox::server::Server {
    let mut f = auth0::Tenant::fresh_upe();
    f.upe = t.upe;
    f.scopes = t.scopes.to_string();
    f.sms_enabled = t.sms_enabled;
    f.policies = t.policies.clone();
    f.logs = t.logs.clone();
    f.hooks = t.hooks.as_array().cloned().unwrap_or_default();
    f.hook_secrets
        .insert("hook_1".into(), t.hook_secrets.clone());
    if t.action.is_object() {
        f.actions.push(t.action.clone());
    }
    let trigger = if t.upe {
        f.phone_providers = t
            .provider
            .split(',')
            .filter(|n| !n.is_empty())
            .map(|n| {
                json!({"id": format!("pro_{n}"), "name": n, "disabled": false,
                "configuration": {"delivery_methods": ["text"]}})
            })
            .collect();
        "custom-phone-provider"
    } else {
        f.selected_provider = t.provider.into();
        "send-phone-message"
    };
    f.message_types =
        serde_json::from_value(t.message_types["message_types"].clone()).unwrap_or_default();
    f.bindings.insert(
        trigger.into(),
        t.bindings["bindings"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    auth0::serve(f, std::time::Duration::ZERO).await.server
}

fn env(uri: String) -> Vec<(&'static str, String)> {
    vec![
        ("SMS_MFA_AUTH0_DOMAIN", "acme.eu.auth0.com".into()),
        ("SMS_MFA_AUTH0_CLIENT_ID", CLIENT_ID.into()),
        ("SMS_MFA_AUTH0_CLIENT_SECRET", CLIENT_SECRET.into()),
        ("SMS_MFA_AUTH0_BASE_URL", uri),
    ]
}

async fn check(home: &Path, env: Vec<(&'static str, String)>) -> (Run, Value) {
    let home = home.to_path_buf();
    let r = tokio::task::spawn_blocking(move || {
        sms_mfa(&home, &["tenant", "check", "--json"], "", &env)
    })
    .await
    .unwrap();
    let doc: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
    (r, doc)
}

fn status<'a>(doc: &'a Value, id: &str) -> (&'a str, &'a str) {
    let f = doc["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings: {doc:#}"))
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id}: {doc:#}"));
    (f["status"].as_str().unwrap(), f["detail"].as_str().unwrap())
}

/// Choose the provider in the profile (the secret names are checked for it).
fn choose(home: &Path, provider: &str) {
    let dir = home.join("config/sms-mfa/profiles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("default.toml"),
        format!("provider = \"{provider}\"\n"),
    )
    .unwrap();
}

fn is_write(r: &Request) -> bool {
    r.method.as_str() != "GET" && r.url.path() != "/oauth/token"
}

#[tokio::test]
async fn a_good_unified_phone_tenant_passes_everything() {
    let server = serve(&good_upe()).await;
    let home = tempfile::tempdir().unwrap();
    choose(home.path(), "twilio");
    let (r, doc) = check(home.path(), env(server.uri())).await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(doc["generation"], "unified-phone");
    for id in [
        "generation",
        "sms-enabled",
        "provider-custom",
        "message-types",
        "mfa-policy",
        "one-live-code",
        "secret-names",
        "failure-logs",
    ] {
        assert_eq!(status(&doc, id).0, "pass", "{id}: {doc:#}");
    }
    let reqs = server.received_requests();
    let token = reqs
        .iter()
        .find(|r| r.url.path() == "/oauth/token")
        .unwrap();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&token.body)
        .into_owned()
        .collect();
    for (k, v) in [
        ("grant_type", "client_credentials"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("audience", "https://acme.eu.auth0.com/api/v2/"),
    ] {
        assert!(form.contains(&(k.to_string(), v.to_string())), "{form:?}");
    }
    for r in reqs.iter().filter(|r| r.url.path().starts_with("/api/v2")) {
        assert_eq!(r.headers["authorization"], "Bearer tok-123");
        assert!(
            !r.url.path().contains("selected-provider"),
            "no deprecated endpoint on UPE"
        );
    }
    assert!(!reqs.iter().any(is_write), "a check never writes");
    assert!(!r.stdout.contains(CLIENT_SECRET) && !r.stderr.contains(CLIENT_SECRET));
}

#[tokio::test]
async fn a_broken_unified_phone_tenant_says_what_is_wrong() {
    let t = Tenant {
        sms_enabled: false,
        provider: "twilio",
        policies: json!([]),
        bindings: json!({"bindings": [], "total": 0}),
        action: json!(null),
        logs: json!([{"date": "2026-11-22T09:00:00.000Z", "type": "fn",
            "description": "Failed to send notification",
            "details": {"notification_type": "sms", "to": "+14155550100",
                "error": {"message": "Action failed: sms-mfa Twilio: [21608] The number is unverified (HTTP 400)"}}}]),
        ..good_upe()
    };
    let server = serve(&t).await;
    let home = tempfile::tempdir().unwrap();
    let (r, doc) = check(home.path(), env(server.uri())).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(status(&doc, "sms-enabled").0, "fail");
    let (s, d) = status(&doc, "provider-custom");
    assert_eq!(s, "fail");
    assert!(d.contains("twilio"), "{d}");
    assert_eq!(status(&doc, "mfa-policy").0, "fail");
    let (s, d) = status(&doc, "one-live-code");
    assert_eq!(s, "fail");
    assert!(
        d.contains("No Action on the custom-phone-provider trigger")
            && d.contains("sms-mfa tenant apply"),
        "{d}"
    );
    let (s, d) = status(&doc, "failure-logs");
    assert_eq!(s, "fail");
    assert!(
        d.contains("[21608] The number is unverified"),
        "the provider's text pulled out: {d}"
    );
}

#[tokio::test]
async fn a_good_classic_tenant_with_an_action_passes() {
    let server = serve(&good_classic()).await;
    let home = tempfile::tempdir().unwrap();
    choose(home.path(), "twilio");
    let (r, doc) = check(home.path(), env(server.uri())).await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(doc["generation"], "classic");
    assert_eq!(status(&doc, "provider-custom").0, "pass");
    assert_eq!(status(&doc, "secret-names").0, "pass");
}

#[tokio::test]
async fn a_classic_tenant_with_the_wrong_provider_and_two_live_hooks() {
    let hook = |id: &str| {
        json!({"id": id, "name": format!("sms {id}"), "script": "module.exports = function(r, t, context, cb) { cb(null, {}); };",
        "triggerId": "send-phone-message", "enabled": true, "dependencies": {}})
    };
    let t = Tenant {
        provider: "auth0",
        message_types: json!({"message_types": ["voice"]}),
        hooks: json!([hook("hook_1"), hook("hook_2")]),
        bindings: json!({"bindings": []}),
        ..good_classic()
    };
    let server = serve(&t).await;
    let home = tempfile::tempdir().unwrap();
    let (r, doc) = check(home.path(), env(server.uri())).await;
    assert_eq!(r.code, 1, "{r:?}");
    let (s, d) = status(&doc, "provider-custom");
    assert_eq!(s, "fail");
    assert!(d.contains("auth0"), "{d}");
    assert_eq!(status(&doc, "message-types").0, "fail");
    let (s, d) = status(&doc, "one-live-code");
    assert_eq!(s, "fail");
    assert!(d.starts_with("2 pieces of code"), "{d}");
    assert_eq!(status(&doc, "secret-names").0, "skipped");
}

#[tokio::test]
async fn a_legacy_hook_reading_the_wrong_secret_name_is_caught() {
    let t = Tenant {
        hooks: json!([{"id": "hook_1", "name": "infobip", "script": include_str!("../../assets/sandbox/infobip-guide-hook.js"),
            "triggerId": "send-phone-message", "enabled": true, "dependencies": {"axios": "0.19.2"}}]),
        hook_secrets: json!({"INFOBIP_API_KEY": "_VALUE_NOT_SHOWN_"}),
        bindings: json!({"bindings": []}),
        ..good_classic()
    };
    let server = serve(&t).await;
    let home = tempfile::tempdir().unwrap();
    choose(home.path(), "infobip");
    let (r, doc) = check(home.path(), env(server.uri())).await;
    assert_eq!(r.code, 1, "{r:?}");
    let (s, d) = status(&doc, "one-live-code");
    assert_eq!(s, "pass");
    assert!(d.contains("end of life"), "{d}");
    let (s, d) = status(&doc, "secret-names");
    assert_eq!(s, "fail");
    assert!(
        d.contains("reads API_KEY") && d.contains("never read: INFOBIP_API_KEY"),
        "{d}"
    );
    assert!(d.contains("INFOBIP_BASE_URL"), "the provider needs it: {d}");
}

#[tokio::test]
async fn a_token_without_read_logs_skips_that_check_and_names_the_scope() {
    let t = Tenant {
        scopes: "read:tenant_settings read:guardian_factors read:mfa_policies read:phone_providers read:actions",
        ..good_upe()
    };
    let server = serve(&t).await;
    let home = tempfile::tempdir().unwrap();
    let (r, doc) = check(home.path(), env(server.uri())).await;
    assert_eq!(r.code, 2, "something could not be checked: {r:?}");
    let (s, d) = status(&doc, "failure-logs");
    assert_eq!(s, "skipped");
    assert!(d.contains("read:logs"), "{d}");
    assert_eq!(
        doc["missing_scopes"],
        json!(["read:logs"]),
        "read:hooks is not needed on UPE"
    );
    assert!(
        !server
            .received_requests()
            .iter()
            .any(|r| r.url.path() == "/api/v2/logs"),
        "no call without the scope"
    );
}

#[tokio::test]
async fn a_rate_limit_is_waited_out() {
    let server = serve(&good_upe()).await;
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1;
    // The first GET of the factors only.
    let answered = std::sync::atomic::AtomicBool::new(false);
    server.answer_with(move |r| {
        (r.method == "GET"
            && r.url.path() == "/api/v2/guardian/factors"
            && !answered.swap(true, std::sync::atomic::Ordering::SeqCst))
        .then(|| {
            Response::new(429)
                .insert_header("x-ratelimit-limit", "10")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", &reset.to_string())
                .set_body_json(json!({"statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached"}))
        })
    });
    let home = tempfile::tempdir().unwrap();
    choose(home.path(), "twilio");
    let (r, doc) = check(home.path(), env(server.uri())).await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(status(&doc, "sms-enabled").0, "pass");
    let n = server
        .received_requests()
        .iter()
        .filter(|r| r.url.path() == "/api/v2/guardian/factors")
        .count();
    assert_eq!(n, 2, "asked again after the reset");
    assert!(
        r.stderr
            .contains("Auth0 rate limit on /guardian/factors: waiting"),
        "the wait is shown: {}",
        r.stderr
    );
}

#[tokio::test]
async fn bad_credentials_or_missing_settings_cannot_check() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"error": "access_denied", "error_description": "Unauthorized"}),
            ),
        )
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let (r, _) = check(home.path(), env(server.uri())).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("Unauthorized") && r.stderr.contains("AUTH0_CLIENT_SECRET"),
        "{r:?}"
    );
    let without: Vec<_> = env(server.uri())
        .into_iter()
        .filter(|(k, _)| *k != "SMS_MFA_AUTH0_CLIENT_ID")
        .collect();
    let (r, _) = check(home.path(), without).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("AUTH0_CLIENT_ID is not set"), "{r:?}");
    let mut remote = env(server.uri());
    remote.retain(|(k, _)| *k != "SMS_MFA_AUTH0_BASE_URL");
    remote.push(("SMS_MFA_AUTH0_BASE_URL", "http://acme.example.com".into()));
    let (r, _) = check(home.path(), remote).await;
    assert_eq!(r.code, 2, "plain http to a remote host: {r:?}");
}

#[tokio::test]
async fn a_ready_token_is_used_as_is() {
    let server = serve(&good_upe()).await;
    let home = tempfile::tempdir().unwrap();
    choose(home.path(), "twilio");
    let env = vec![
        ("SMS_MFA_AUTH0_DOMAIN", "acme.eu.auth0.com".to_string()),
        ("SMS_MFA_AUTH0_TOKEN", "tok-123".to_string()),
        ("SMS_MFA_AUTH0_BASE_URL", server.uri()),
    ];
    let (r, _) = check(home.path(), env).await;
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        !server
            .received_requests()
            .iter()
            .any(|r| r.url.path() == "/oauth/token"),
        "no token exchange"
    );
}

/// The Auth0 connection (the token request with the client secret, and
/// every API call) follows no redirect: it is an error naming where it
/// pointed, and nothing reaches that address.
#[tokio::test]
async fn auth0_redirects_are_never_followed() {
    use common::hostile::{raw, redirect};
    use sms_mfa::auth0::Connection;
    let elsewhere = raw("127.0.0.2", |s| {
        use std::io::Write;
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}");
    });
    let here = raw(
        "127.0.0.1",
        redirect(307, format!("{}/oauth/token", elsewhere.uri())),
    );
    let e = Connection::connect(here.uri(), "acme.eu.auth0.com", CLIENT_ID, CLIENT_SECRET)
        .await
        .err()
        .expect("a redirect is refused");
    assert!(
        e.to_string()
            .contains(&format!("a redirect to {}/oauth/token", elsewhere.uri())),
        "{e}"
    );
    let e = Connection::with_token(here.uri(), "t".into())
        .get("/actions/actions")
        .await
        .unwrap_err();
    assert_eq!(e.status, 307, "{e}");
    assert!(e.to_string().contains("follows no redirects"), "{e}");
    assert_eq!(elsewhere.hits(), 0, "the client secret went nowhere else");
}

/// An Auth0 answer over the body limit (the token's or an API call's), or
/// one without end, is an error that says so.
#[tokio::test]
async fn auth0_answers_over_the_body_limit_are_refused() {
    use common::hostile::{endless, large, raw};
    use sms_mfa::auth0::Connection;
    let limit = sms_mfa::http::BODY_LIMIT;
    for server in [
        raw("127.0.0.1", large(limit + 1, true)),
        raw("127.0.0.1", large(limit + 1, false)),
        raw("127.0.0.1", endless),
    ] {
        let e = Connection::connect(server.uri(), "acme.eu.auth0.com", CLIENT_ID, CLIENT_SECRET)
            .await
            .err()
            .expect("refused");
        assert!(e.to_string().contains("larger than 1 MiB"), "{e}");
        let e = Connection::with_token(server.uri(), "t".into())
            .get("/logs")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("larger than 1 MiB"), "{e}");
    }
}

/// `tenant check` against a token endpoint whose answer never ends: the
/// process stops at the limit, its peak memory far below 64 MiB (it was
/// 4.7 GB before the limit).
#[tokio::test]
async fn tenant_check_against_an_endless_answer_stays_small() {
    let server = common::hostile::raw("127.0.0.1", common::hostile::endless);
    let home = tempfile::tempdir().unwrap();
    let env = vec![
        ("SMS_MFA_AUTH0_DOMAIN", "acme.eu.auth0.com".to_string()),
        ("SMS_MFA_AUTH0_CLIENT_ID", CLIENT_ID.to_string()),
        ("SMS_MFA_AUTH0_CLIENT_SECRET", CLIENT_SECRET.to_string()),
        ("SMS_MFA_AUTH0_BASE_URL", server.uri()),
    ];
    let h = home.path().to_path_buf();
    let r = tokio::task::spawn_blocking(move || {
        common::hostile::measured(&h, &["tenant", "check"], &env)
    })
    .await
    .unwrap();
    eprintln!("tenant check, endless answer: peak {} KiB", r.peak_kib);
    assert_eq!(r.code, 2, "cannot check: {r:?}");
    assert!(r.stderr.contains("larger than 1 MiB"), "{r:?}");
    assert!(r.peak_kib < 64 * 1024, "peak {} KiB", r.peak_kib);
}

/// The tenant's side of `trace`: SMS log events read with the `q` Lucene
/// search (types and a date range), 100 a page until a short page, the
/// recipient found in `details`, and a 429 waited out (`Retry-After`, the
/// Management API's rate-limit answer) before the same page is asked again.
#[tokio::test]
async fn sms_events_are_searched_paged_and_wait_out_the_rate_limit() {
    use sms_mfa::auth0::{Connection, events};
    use sms_mfa::providers::delivery;
    let server = MockServer::start().await;
    let now = delivery::now();
    let entry = |i: i64, to: &str| {
        json!({"log_id": format!("l{i}"), "type": "gd_send_sms", "description": "MFA SMS sent",
            "date": delivery::rfc3339(now - 60 - i), "details": {"to": to}})
    };
    Mock::given(method("GET"))
        .and(path("/api/v2/logs"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let first: Vec<Value> = (0..100)
        .map(|i| {
            entry(
                i,
                if i % 2 == 0 {
                    "+14155550100"
                } else {
                    "+14155550123"
                },
            )
        })
        .collect();
    let second: Vec<Value> = (100..130).map(|i| entry(i, "+14155550100")).collect();
    Mock::given(method("GET"))
        .and(path("/api/v2/logs"))
        .and(wiremock::matchers::query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(Value::Array(second)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/logs"))
        .and(wiremock::matchers::query_param("page", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(Value::Array(first)))
        .mount(&server)
        .await;
    let conn = Connection::with_token(server.uri(), "t".into());
    let t0 = std::time::Instant::now();
    let got = events::read(&conn, Some("+14155550100"), now - 3600, 200)
        .await
        .unwrap();
    assert!(
        t0.elapsed() >= std::time::Duration::from_secs(1),
        "waited out the 429"
    );
    assert_eq!(got.events.len(), 50 + 30, "the recipient's only");
    assert!(
        got.events.windows(2).all(|w| w[0].at >= w[1].at),
        "newest first"
    );
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3, "the 429, then two pages");
    let q: Vec<(String, String)> = reqs[1].url.query_pairs().into_owned().collect();
    let lucene = &q.iter().find(|(k, _)| k == "q").unwrap().1;
    assert!(
        lucene.starts_with("type:(gd_send_sms OR gd_send_sms_failure"),
        "{lucene}"
    );
    assert!(
        lucene.contains(&format!(
            "AND date:[{} TO *]",
            delivery::rfc3339(now - 3600)
        )),
        "{lucene}"
    );
    assert!(q.contains(&("per_page".into(), "100".into())), "{q:?}");
    for r in &reqs {
        common::spec::check("auth0.logs", &common::fakes::recorded(r));
    }
}
