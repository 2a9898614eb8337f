//! The generated Action code: it reads exactly the catalog's secrets, and it
//! runs. Every template is executed with node against the loopback fakes,
//! with a realistic event, for a success, a rejection and the trigger's
//! special cases; and each defect of the guides' samples is shown absent.

use crate::common;

use common::fakes::{happy_fake, secrets_for};
use common::spec;
use serde_json::{Value, json};
use sms_mfa::codegen::{self, Target};
use sms_mfa::providers::Catalog;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROVIDERS: [&str; 5] = ["twilio", "twilio-verify", "vonage", "infobip", "esendex"];
const TO: &str = "+14155550100";
const CODE: &str = "482913";

fn render(provider: &str, target: Target, base: &str) -> String {
    let p = Catalog::builtin().get(provider).unwrap();
    codegen::render(p, target, Some(base)).unwrap()
}

/// The event Auth0 passes to the trigger.
fn event(target: Target, secrets: serde_json::Map<String, Value>, voice: bool) -> Value {
    let text = format!(
        "{CODE} is your verification code for Acme. Please enter this code to verify your enrollment."
    );
    match target {
        Target::SendPhoneMessage => json!({
            "message_options": {
                "recipient": TO, "text": text, "code": CODE,
                "action": "second-factor-authentication",
                "message_type": if voice { "voice" } else { "sms" },
            },
            "request": {"language": "en", "ip": "203.0.113.7"},
            "user": {"user_id": "auth0|123"},
            "secrets": secrets,
        }),
        Target::CustomPhoneProvider => json!({
            "notification": {
                "recipient": TO, "as_text": text, "as_voice": format!("Your code is {CODE}"),
                "code": CODE, "delivery_method": if voice { "voice" } else { "text" },
                "message_type": "otp_verify", "from": null, "locale": "en",
            },
            "user": {"user_id": "auth0|123"},
            "secrets": secrets,
        }),
    }
}

/// What running the Action did.
#[derive(Debug)]
struct Outcome {
    /// The error thrown, if any.
    error: Option<String>,
    /// api.notification.drop / retry calls.
    calls: Vec<(String, String)>,
    /// Anything the code printed.
    logged: String,
}

const HARNESS: &str = r#"
const action = require(process.argv[2]);
const event = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const calls = [];
const api = { notification: {
  drop: (r) => calls.push(["drop", r]),
  retry: (r) => calls.push(["retry", r]),
} };
const logged = [];
for (const k of ["log", "info", "warn", "error", "debug"]) console[k] = (...a) => logged.push(a.join(" "));
const run = action.onExecuteSendPhoneMessage || action.onExecuteCustomPhoneProvider;
run(event, api).then(
  () => process.stdout.write(JSON.stringify({ error: null, calls, logged: logged.join("\n") })),
  (e) => process.stdout.write(JSON.stringify({ error: String(e && e.message), calls, logged: logged.join("\n") })),
);
"#;

/// Run `code` with node on `event` (off the async runtime: the fake keeps answering).
async fn run_node(code: String, event: Value) -> Outcome {
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let action = dir.path().join("action.js");
        std::fs::write(&action, code).unwrap();
        std::fs::write(dir.path().join("harness.js"), HARNESS).unwrap();
        std::fs::write(dir.path().join("event.json"), event.to_string()).unwrap();
        let out = std::process::Command::new("node")
            .arg(dir.path().join("harness.js"))
            .arg(&action)
            .arg(dir.path().join("event.json"))
            .output()
            .expect("node is installed (.ci/run installs nodejs)");
        assert!(
            out.status.success(),
            "node failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
        Outcome {
            error: v["error"].as_str().map(str::to_string),
            calls: v["calls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_str().unwrap().into(), c[1].as_str().unwrap().into()))
                .collect(),
            logged: v["logged"].as_str().unwrap_or("").to_string(),
        }
    })
    .await
    .unwrap()
}

#[test]
fn every_template_reads_exactly_the_catalogs_secrets() {
    for id in PROVIDERS {
        let p = Catalog::builtin().get(id).unwrap();
        for target in Target::ALL {
            let code = codegen::render(p, target, None).unwrap();
            let m = codegen::compare(&code, &codegen::action_secrets(p));
            assert!(m.is_empty(), "{id} {target:?}: {m:?}");
            assert!(code.contains(&p.base_url), "{id}: the default API base URL");
        }
    }
}

#[test]
fn the_check_catches_the_infobip_guides_wrong_secret_name() {
    let sample = include_str!("../../assets/sandbox/infobip-guide-hook.js");
    let p = Catalog::builtin().get("infobip").unwrap();
    let m = codegen::compare(sample, &codegen::action_secrets(p));
    assert_eq!(m.missing, ["API_KEY"], "the sample reads API_KEY");
    assert!(m.unused.contains(&"INFOBIP_API_KEY".to_string()), "{m:?}");
    assert!(codegen::secrets_read("x = secrets['A'] + event.secrets.B").len() == 2);
}

/// Each provider's request as it reaches the fake, checked against the spec
/// where there is one, with the event's recipient and text or code.
async fn assert_request(provider: &str, server: &MockServer) {
    let reqs: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(common::fakes::recorded)
        .collect();
    assert_eq!(reqs.len(), 1, "{provider}: one request");
    let r = &reqs[0];
    let auth = r
        .headers
        .get("authorization")
        .map(|h| h.to_str().unwrap().to_string());
    match provider {
        "twilio" => {
            spec::check("twilio.send", r);
            let form = spec::form(r);
            assert!(form.contains(&("To".into(), TO.into())), "{form:?}");
            assert!(form.iter().any(|(k, v)| k == "Body" && v.contains(CODE)));
            assert!(auth.unwrap().starts_with("Basic "));
        }
        "twilio-verify" => {
            spec::check("twilio-verify.send", r);
            assert!(
                r.url.path().starts_with("/v2/Services/VA"),
                "the Verify service SID, not the Account SID: {}",
                r.url.path()
            );
            let form = spec::form(r);
            assert!(
                form.contains(&("CustomCode".into(), CODE.into())),
                "{form:?}"
            );
            assert!(form.contains(&("Channel".into(), "sms".into())));
        }
        "vonage" => {
            spec::check("vonage.send", r);
            let form = spec::form(r);
            assert!(
                form.contains(&("to".into(), "14155550100".into())),
                "digits only: {form:?}"
            );
        }
        "infobip" => {
            spec::check("infobip.send", r);
            assert_eq!(
                auth.as_deref(),
                Some("App 0123456789abcdef0123456789abcdef-01234567"),
                "the key from INFOBIP_API_KEY"
            );
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(body["messages"][0]["destinations"][0]["to"], "14155550100");
        }
        "esendex" => {
            assert_eq!(r.url.path(), "/v1.0/messagedispatcher");
            assert!(
                r.headers["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json")
            );
            let body: Value = serde_json::from_slice(&r.body).expect("a JSON body, not a form");
            assert_eq!(body["accountreference"], "EX0000001");
            assert_eq!(body["messages"][0]["to"], "14155550100");
            assert!(auth.unwrap().starts_with("Basic "));
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn every_template_sends_the_right_request_and_succeeds_quietly() {
    for p in PROVIDERS {
        for target in Target::ALL {
            let server = happy_fake(p).await;
            let code = render(p, target, &server.uri());
            let o = run_node(code, event(target, secrets_for(p, &server.uri()), false)).await;
            assert_eq!(o.error, None, "{p} {target:?}");
            assert!(o.calls.is_empty(), "{p} {target:?}: {:?}", o.calls);
            assert!(
                !o.logged.contains(CODE),
                "{p}: the code is never logged: {}",
                o.logged
            );
            assert_request(p, &server).await;
        }
    }
}

/// A permanent rejection in each provider's documented shape.
fn rejection(provider: &str) -> ResponseTemplate {
    match provider {
        "twilio" | "twilio-verify" => ResponseTemplate::new(400).set_body_json(json!({
            "code": 21211, "message": "The 'To' number is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400,
        })),
        "vonage" => ResponseTemplate::new(200).set_body_json(json!({
            "message-count": "1", "messages": [{"status": "4", "error-text": "Bad Credentials"}],
        })),
        "infobip" => ResponseTemplate::new(200).set_body_json(json!({
            "bulkId": "b", "messages": [{"messageId": "m", "destination": "14155550100",
                "status": {"groupId": 5, "groupName": "REJECTED", "id": 12,
                    "name": "REJECTED_NOT_ENOUGH_CREDITS", "description": "Not enough credits"}}],
        })),
        "esendex" => ResponseTemplate::new(403).set_body_string("Account reference not allowed"),
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn a_rejection_throws_with_the_providers_code_and_text() {
    let expect = [
        ("twilio", "[21211]"),
        ("twilio-verify", "[21211]"),
        ("vonage", "[4] Bad Credentials"),
        ("infobip", "[12] REJECTED_NOT_ENOUGH_CREDITS"),
        ("esendex", "Account reference not allowed (HTTP 403)"),
    ];
    for (p, says) in expect {
        for target in Target::ALL {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(rejection(p))
                .mount(&server)
                .await;
            let code = render(p, target, &server.uri());
            let o = run_node(code, event(target, secrets_for(p, &server.uri()), false)).await;
            let err = o
                .error
                .unwrap_or_else(|| panic!("{p} {target:?}: no error"));
            assert!(
                err.contains(says) && err.starts_with("sms-mfa "),
                "{p}: {err}"
            );
            assert!(o.calls.is_empty(), "a permanent error is not retried");
        }
    }
}

#[tokio::test]
async fn custom_phone_provider_retries_temporary_failures_and_drops_voice() {
    for p in PROVIDERS {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
            .mount(&server)
            .await;
        let code = render(p, Target::CustomPhoneProvider, &server.uri());
        let o = run_node(
            code.clone(),
            event(
                Target::CustomPhoneProvider,
                secrets_for(p, &server.uri()),
                false,
            ),
        )
        .await;
        assert_eq!(o.error, None, "{p}");
        assert_eq!(o.calls.len(), 1, "{p}: {:?}", o.calls);
        assert_eq!(o.calls[0].0, "retry", "{p}");
        assert!(o.calls[0].1.contains("HTTP 503"), "{:?}", o.calls);

        let o = run_node(
            code,
            event(
                Target::CustomPhoneProvider,
                secrets_for(p, &server.uri()),
                true,
            ),
        )
        .await;
        assert_eq!(o.calls.len(), 1);
        assert_eq!(o.calls[0].0, "drop", "{p}: voice is dropped with a reason");
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "voice sent nothing"
        );
    }
    // The send-phone-message trigger has no drop: a voice request throws.
    let server = happy_fake("twilio").await;
    let code = render("twilio", Target::SendPhoneMessage, &server.uri());
    let o = run_node(
        code,
        event(
            Target::SendPhoneMessage,
            secrets_for("twilio", &server.uri()),
            true,
        ),
    )
    .await;
    assert!(o.error.unwrap().contains("SMS only"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A notice that is not a one-time code (docs, custom-phone-provider event
/// object: `message_type` `blocked_account`, `change_password`,
/// `password_breach`; `code` absent). Every SMS provider sends its text;
/// Twilio Verify, which sends only codes, drops it with a reason and calls
/// nothing (it used to send `CustomCode=undefined`).
fn notice(secrets: serde_json::Map<String, Value>) -> Value {
    json!({
        "notification": {
            "recipient": TO,
            "as_text": "We detected suspicious activity on your account. Logins from this IP have been blocked.",
            "as_voice": "We detected suspicious activity on your account.",
            "delivery_method": "text", "message_type": "blocked_account",
            "from": null, "locale": "en",
        },
        "user": {"user_id": "auth0|123"},
        "secrets": secrets,
    })
}

#[tokio::test]
async fn account_notices_go_out_as_text_and_verify_drops_them() {
    for p in PROVIDERS {
        let server = happy_fake(p).await;
        let code = render(p, Target::CustomPhoneProvider, &server.uri());
        let o = run_node(code, notice(secrets_for(p, &server.uri()))).await;
        assert_eq!(o.error, None, "{p}");
        let reqs = server.received_requests().await.unwrap();
        if p == "twilio-verify" {
            assert_eq!(o.calls.len(), 1, "{:?}", o.calls);
            assert_eq!(o.calls[0].0, "drop");
            assert!(
                o.calls[0].1.contains("one-time codes only")
                    && o.calls[0].1.contains("blocked_account"),
                "{:?}",
                o.calls
            );
            assert!(reqs.is_empty(), "Twilio was not called: {reqs:?}");
            continue;
        }
        assert!(o.calls.is_empty(), "{p}: {:?}", o.calls);
        assert_eq!(reqs.len(), 1, "{p}");
        let body = String::from_utf8_lossy(&reqs[0].body).to_string();
        let sent = if body.starts_with('{') {
            body.clone()
        } else {
            url::form_urlencoded::parse(body.as_bytes())
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        };
        assert!(
            sent.contains("Logins from this IP have been blocked") && !sent.contains("undefined"),
            "{p}: the notice's text is sent: {sent}"
        );
    }
}

#[tokio::test]
async fn a_refused_connection_is_temporary() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let code = render("vonage", Target::CustomPhoneProvider, &base);
    let o = run_node(
        code,
        event(
            Target::CustomPhoneProvider,
            secrets_for("vonage", &base),
            false,
        ),
    )
    .await;
    assert_eq!(
        o.calls.first().map(|c| c.0.as_str()),
        Some("retry"),
        "{o:?}"
    );
}

/// One regression test per defect of the guides' samples (SEED-BUGS.md).
#[test]
fn none_of_the_seed_defects_is_in_our_code() {
    let catalog = Catalog::builtin();
    for p in PROVIDERS {
        for target in Target::ALL {
            let code = codegen::render(catalog.get(p).unwrap(), target, None).unwrap();
            // All seeds: written for Hooks (end of life 2026-11-18).
            assert!(
                !code.contains("module.exports") && !code.contains("context.webtask"),
                "{p}"
            );
            assert!(code.contains("exports.onExecute"), "{p}");
            // Vonage seed: the retired nexmo package; no npm dependency at all.
            assert!(!code.contains("require("), "{p}: no dependencies");
            // Infobip seed: a hard-coded account base URL.
            assert!(!code.contains("2622w.api.infobip.com"), "{p}");
        }
    }
    let esendex = codegen::render(
        catalog.get("esendex").unwrap(),
        Target::SendPhoneMessage,
        None,
    )
    .unwrap();
    // Esendex seeds: ESENDEX_SECRET vs ESENDEX_PASSWORD; undefined names.
    assert!(!esendex.contains("ESENDEX_SECRET"));
    assert!(!esendex.contains("querystring") && !esendex.contains("toNumber"));
    assert!(esendex.contains("accountreference: secrets.ESENDEX_ACCOUNT"));
    // Verify seed: the Account SID as the service SID.
    let verify = codegen::render(
        catalog.get("twilio-verify").unwrap(),
        Target::SendPhoneMessage,
        None,
    )
    .unwrap();
    assert!(verify.contains("secrets.TWILIO_VERIFY_SERVICE_SID"));
    assert!(!verify.contains("Services/${encodeURIComponent(sid)}"));
    // Infobip seed: the key read from API_KEY ("App undefined").
    let infobip = codegen::render(
        catalog.get("infobip").unwrap(),
        Target::SendPhoneMessage,
        None,
    )
    .unwrap();
    assert!(infobip.contains("App ${secrets.INFOBIP_API_KEY}"));
}

#[test]
fn the_code_command_prints_the_action() {
    use common::keyring::sms_mfa;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let r = sms_mfa(
        h,
        &[
            "code",
            "--provider",
            "twilio",
            "--target",
            "send-phone-message",
        ],
        "",
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let p = Catalog::builtin().get("twilio").unwrap();
    assert_eq!(
        r.stdout,
        codegen::render(p, Target::SendPhoneMessage, None).unwrap()
    );
    assert!(r.stderr.contains("TWILIO_AUTH_TOKEN"), "{r:?}");
    // The default target is the Unified Phone Experience's.
    let r = sms_mfa(h, &["code", "--provider", "vonage"], "", &[]);
    assert!(r.stdout.contains("exports.onExecuteCustomPhoneProvider"));
    // A base URL override (regional host, test server) is written in.
    let r = sms_mfa(
        h,
        &["code", "--provider", "vonage"],
        "",
        &[(
            "SMS_MFA_VONAGE_BASE_URL",
            "https://rest-eu.example.com".into(),
        )],
    );
    assert!(
        r.stdout
            .contains(r#"const BASE_URL = "https://rest-eu.example.com";"#)
    );
    for bad in [
        vec!["code", "--provider", "pigeon"],
        vec!["code", "--provider", "twilio", "--target", "hook"],
    ] {
        let r = sms_mfa(h, &bad, "", &[]);
        assert_eq!(r.code, 2, "{bad:?}: {r:?}");
        assert!(r.stdout.is_empty());
    }
    let r = sms_mfa(
        h,
        &["code", "--provider", "vonage"],
        "",
        &[("SMS_MFA_VONAGE_BASE_URL", "http://rest.example.com".into())],
    );
    assert_eq!(r.code, 2, "plain http to a remote host: {r:?}");
}

#[tokio::test]
async fn the_runtime_writes_the_code_to_the_data_directory() {
    use sms_mfa::tui::effects::perform;
    use sms_mfa::wizard::{Effect, Msg};
    let dir = tempfile::tempdir().unwrap();
    let services = common::services(dir.path(), |_| None, None);
    let effect = Effect::WriteCode {
        file_name: "default-vonage-custom-phone-provider.js".into(),
        code: "exports.x = 1;\n".into(),
    };
    let Some(Msg::CodeWritten(Ok(path))) = perform(effect, &services).await else {
        panic!("not written")
    };
    assert_eq!(
        path,
        dir.path()
            .join("data/code/default-vonage-custom-phone-provider.js")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "exports.x = 1;\n");
    #[cfg(unix)]
    {
        // The code may be edited with keys pasted in: private.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }
}

/// What is written into the code is the parsed URL's own serialization;
/// a value with a control character, credentials, a fragment or a path is
/// refused (the URL parser would have stripped a trailing CR silently).
#[test]
fn base_urls_are_normalized_and_unsafe_ones_refused() {
    let p = Catalog::builtin().get("twilio").unwrap();
    let t = Target::CustomPhoneProvider;
    let code = codegen::render(p, t, Some("HTTPS://API.Twilio.COM:443/")).unwrap();
    assert!(code.contains("\"https://api.twilio.com\""), "{code}");
    for bad in [
        "https://api.twilio.com\r",
        "https://api.twilio.com\n",
        "https://api\u{202e}.twilio.com",
        "https://user:password@api.twilio.com",
        "https://:password@api.twilio.com",
        "https://api.twilio.com#fragment",
        "https://api.twilio.com/#",
        "https://api.twilio.com/2010-04-01",
        "https://api.twilio.com/?x=1",
        "javascript:alert(1)",
        "https://api.twilio.com\"+process.exit()+\"",
    ] {
        let e = codegen::render(p, t, Some(bad)).unwrap_err();
        assert!(e.contains("base URL"), "{bad:?}: {e}");
        assert!(
            !e.chars().any(sms_mfa::sanitize::is_unsafe),
            "the message shows the value safely: {e:?}"
        );
    }
}

/// Addresses Auth0's servers cannot reach: found in code, refused for a
/// real tenant, allowed for a tenant on this machine (sandbox, fakes).
#[test]
fn local_addresses_go_only_into_code_for_a_local_tenant() {
    for local in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "https://10.1.2.3",
        "https://192.168.1.20",
        "https://172.16.0.1",
        "https://169.254.169.254",
        "https://100.64.0.1",
        "http://[::1]:9",
        "https://[fd00::1]",
        "https://[fe80::1]",
        "https://[::ffff:10.0.0.1]",
        "https://printer.local",
        "https://0.0.0.0",
    ] {
        assert!(codegen::local_url(local).is_some(), "{local}");
        let e = codegen::deployable(local, "https://acme.eu.auth0.com").unwrap_err();
        assert_eq!(e.base, local);
        assert!(
            e.to_string().contains("Auth0's servers cannot reach it"),
            "{e}"
        );
        assert!(codegen::deployable(local, "http://127.0.0.1:4000").is_ok());
    }
    for public in [
        "https://api.twilio.com",
        "https://8.8.8.8",
        "https://172.32.0.1",
    ] {
        assert_eq!(codegen::local_url(public), None, "{public}");
        assert!(codegen::deployable(public, "https://acme.eu.auth0.com").is_ok());
    }
    let code =
        "const A = \"https://api.twilio.com\"; fetch(`http://127.0.0.1:9/x`); // http://10.0.0.5/";
    let found: Vec<String> = codegen::local_urls(code)
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    assert_eq!(found, ["http://127.0.0.1:9/x", "http://10.0.0.5"]);
}

/// The plan refuses to put a loopback base URL into an Action for a real
/// tenant, before reading it; Infobip's base URL (an Action secret) too.
#[tokio::test]
async fn the_plan_refuses_a_local_base_url_for_a_real_tenant() {
    use sms_mfa::auth0::{Connection, plan};
    let dir = tempfile::tempdir().unwrap();
    let paths = sms_mfa::config::Paths {
        config_dir: dir.path().join("c"),
        data_dir: dir.path().join("d"),
    };
    // Never contacted: the refusal comes first.
    let conn = Connection::with_token("https://acme.eu.auth0.com".into(), "t".into());
    let twilio = Catalog::builtin().get("twilio").unwrap();
    let e = plan::prepare(&conn, &paths, twilio, vec![], Some("http://127.0.0.1:9"))
        .await
        .err()
        .unwrap();
    assert!(matches!(e, plan::PrepareError::Undeployable(_)), "{e}");
    assert!(
        e.to_string()
            .contains("http://127.0.0.1:9 is a loopback address"),
        "{e}"
    );
    let infobip = Catalog::builtin().get("infobip").unwrap();
    let values = vec![(
        "INFOBIP_BASE_URL".to_string(),
        "https://10.0.0.7".to_string(),
    )];
    let e = plan::prepare(&conn, &paths, infobip, values, None)
        .await
        .err()
        .unwrap();
    assert!(e.to_string().contains("private-network address"), "{e}");
}

/// `sms-mfa code` says why it will not write a loopback base URL into
/// code, unless the tenant (SMS_MFA_AUTH0_BASE_URL) is on this machine too.
#[test]
fn the_code_command_refuses_a_local_base_url_for_a_real_tenant() {
    let home = tempfile::tempdir().unwrap();
    let base = ("SMS_MFA_TWILIO_BASE_URL", "http://127.0.0.1:9".to_string());
    let args = ["code", "--provider", "twilio"];
    let r = common::keyring::sms_mfa(home.path(), &args, "", std::slice::from_ref(&base));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("Auth0's servers cannot reach it"),
        "{r:?}"
    );
    assert!(r.stdout.is_empty(), "{r:?}");
    let tenant = (
        "SMS_MFA_AUTH0_BASE_URL",
        "http://127.0.0.1:4000".to_string(),
    );
    let r = common::keyring::sms_mfa(home.path(), &args, "", &[base, tenant]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("\"http://127.0.0.1:9\""), "{r:?}");
}
