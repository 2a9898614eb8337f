//! The sandbox's simulated provider APIs (src/sandbox/providers/) against
//! the real provider clients: the sandbox account's credentials work, a
//! test message is accepted and lands in the simulated inbox, and every
//! account state (wrong credentials, trial, no funds, Verify without custom
//! codes) gets the provider's own answer, which the client classifies.
//! Every request the clients send is one the vendors' specs allow; what the
//! clients cannot send (a recipient that is not E.164, a request the spec
//! does not allow, garbage) is sent raw and gets the provider's documented
//! error body, never a dropped connection.

use serde_json::{Value as Json, json};
use sms_mfa::config::Profile;
use sms_mfa::providers::Catalog;
use sms_mfa::providers::clients::{Client, Http, Recipient, Settings, check_settings};
use sms_mfa::providers::outcome::{Accepted, ErrorClass, Failure, Ownership, Told};
use sms_mfa::providers::{Validation, validate};
use sms_mfa::sandbox::providers::{
    Accounts, Delivered, OnDelivery, Providers, credentials, operation,
};
use sms_mfa::sandbox::spec;
use sms_mfa::secrets::{self, MemoryStore, SecretStore};
use sms_mfa::settings::{self, Value};
use std::sync::{Arc, Mutex};

const PROVIDERS: [&str; 5] = ["twilio", "twilio-verify", "vonage", "infobip", "esendex"];
const TO: &str = "+14155550100";
/// The number a trial account has verified.
const VERIFIED: &str = "+14155550101";
const TEXT: &str = "Your verification code is 123456";
const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "fedcba98765432100123456789abcdef";
const VA: &str = "VA0123456789abcdef0123456789abcdef";

/// The simulation, and what its `on_delivery` heard.
async fn serve(accounts: Accounts) -> (Providers, Arc<Mutex<Vec<Delivered>>>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let h = heard.clone();
    let on_delivery: OnDelivery = Arc::new(move |d| h.lock().unwrap().push(d));
    (Providers::serve(accounts, Some(on_delivery)).await, heard)
}

/// The settings a user of the sandbox has for `id`: what step 2 asks
/// (`credentials`), and the base URL from the sandbox's environment.
fn settings(sim: &Providers, id: &str) -> Settings {
    let mut s = Settings::default();
    for (name, value) in credentials(id) {
        s.insert(name, Value::Plain(value.to_string()));
    }
    let base = Catalog::builtin()
        .get(id)
        .unwrap()
        .base_setting
        .clone()
        .unwrap();
    let env = sim.env();
    let (_, uri) = env
        .iter()
        .find(|(k, _)| *k == settings::env_var(&base))
        .unwrap_or_else(|| panic!("env() sets {base}: {env:?}"));
    s.insert(&base, Value::Plain(uri.clone()));
    s
}

fn client_of(id: &str, s: &Settings) -> Client {
    Client::new(Catalog::builtin(), id, s, Http::new()).unwrap()
}

fn client(sim: &Providers, id: &str) -> Client {
    client_of(id, &settings(sim, id))
}

/// The client with one setting changed.
fn client_with(sim: &Providers, id: &str, name: &str, value: &str) -> Client {
    let mut s = settings(sim, id);
    s.insert(name, Value::Plain(value.to_string()));
    client_of(id, &s)
}

fn to(n: &str) -> Recipient {
    Recipient::parse(n).unwrap()
}

/// Each provider's secret, wrong (and well-formed).
fn wrong_secret(id: &str) -> (&'static str, &'static str) {
    match id {
        "twilio" | "twilio-verify" => ("TWILIO_AUTH_TOKEN", "00000000000000000000000000000000"),
        "vonage" => ("VONAGE_API_SECRET", "wrongSecret1"),
        "infobip" => (
            "INFOBIP_API_KEY",
            "ffffffffffffffffffffffffffffffff-00000000",
        ),
        "esendex" => ("ESENDEX_PASSWORD", "wrong-horse"),
        other => panic!("{other}"),
    }
}

/// Who the phone shows as the sender of the sandbox account's messages.
fn sender(id: &str) -> &'static str {
    match id {
        "twilio" => "+15005550006",
        "twilio-verify" => "Twilio Verify",
        "vonage" => "+14155550199",
        "infobip" => "InfoSMS",
        "esendex" => "Esendex",
        other => panic!("{other}"),
    }
}

/// What the phone shows: the text sent, or for Verify its template with
/// the code the client passed.
fn shown_text(a: &Accepted) -> String {
    match &a.code_sent {
        Some(code) => format!("Your verification code is {code}"),
        None => TEXT.to_string(),
    }
}

async fn sent(sim: &Providers, id: &str, n: &str) -> Result<Accepted, Failure> {
    client(sim, id).send_test(&to(n), TEXT).await
}

fn assert_code(f: &Failure, code: &str) {
    assert_eq!(f.code.as_deref(), Some(code), "{f:?}");
}

/// Every request the simulation received, routed to a provider, and those
/// the vendors' specs have an operation for are allowed by them.
async fn assert_requests_follow_the_specs(sim: &Providers) {
    let requests = sim.server.received_requests();
    let mut checked = 0;
    for r in &requests {
        let path = r.url.path();
        assert!(
            sms_mfa::sandbox::providers::provider_of(path).is_some(),
            "{path}"
        );
        if let Some(op) = operation(r.method.as_str(), path) {
            let problems = spec::problems(op, r);
            assert!(problems.is_empty(), "{op}: {problems:?}");
            checked += 1;
        }
    }
    assert!(checked > 0, "no request had a spec operation: {requests:?}");
}

#[tokio::test]
async fn every_provider_accepts_the_sandbox_account_and_delivers() {
    let (sim, heard) = serve(Accounts::default()).await;
    for id in PROVIDERS {
        let c = client(&sim, id);
        let report = c
            .check_credentials()
            .await
            .unwrap_or_else(|f| panic!("{id}: {f:?}"));
        assert!(
            report.usable && report.warnings.is_empty(),
            "{id}: {report:?}"
        );
        let a = c
            .send_test(&to(TO), TEXT)
            .await
            .unwrap_or_else(|f| panic!("{id}: {f:?}"));
        assert!(!a.id.is_empty(), "{id}: {a:?}");
        let inbox = sim.inbox();
        let last = inbox.last().unwrap();
        assert_eq!(
            last,
            &Delivered {
                provider: last.provider,
                id: a.id.clone(),
                to: TO.into(),
                from: sender(id).into(),
                text: shown_text(&a),
            },
            "{id}"
        );
        assert_eq!(last.provider, id);
        assert_eq!(*heard.lock().unwrap(), inbox, "on_delivery heard it");
    }
    assert_eq!(sim.inbox().len(), 5);
    assert_requests_follow_the_specs(&sim).await;
}

#[tokio::test]
async fn wrong_credentials_are_authentication_failures() {
    let (sim, heard) = serve(Accounts::default()).await;
    for id in PROVIDERS {
        let (name, value) = wrong_secret(id);
        let c = client_with(&sim, id, name, value);
        let check = c.check_credentials().await.unwrap_err();
        assert_eq!(check.class, ErrorClass::Authentication, "{id}: {check:?}");
        let send = c.send_test(&to(TO), TEXT).await.unwrap_err();
        assert_eq!(send.class, ErrorClass::Authentication, "{id}: {send:?}");
        // Each provider's own answer.
        let (check_code, send_code) = match id {
            "twilio" | "twilio-verify" => ("20003", "20003"),
            "vonage" => ("http 401", "4"),
            _ => ("http 401", "http 401"),
        };
        assert_code(&check, check_code);
        assert_code(&send, send_code);
        if id.starts_with("twilio") {
            assert_eq!(send.message, "Authenticate");
        }
        if id == "vonage" {
            assert_eq!(send.message, "Bad Credentials");
        }
    }
    // A Twilio Account SID that is not the sandbox's fails the same way.
    let c = client_with(
        &sim,
        "twilio",
        "TWILIO_ACCOUNT_SID",
        "ACffffffffffffffffffffffffffffffff",
    );
    let f = c.check_credentials().await.unwrap_err();
    assert_eq!(f.class, ErrorClass::Authentication);
    assert_code(&f, "20003");
    assert!(sim.inbox().is_empty() && heard.lock().unwrap().is_empty());
    assert_requests_follow_the_specs(&sim).await;
}

/// A raw request to the simulation: (status, body text).
async fn raw(req: reqwest::RequestBuilder) -> (u16, String) {
    let resp = req.send().await.expect("the simulation answers");
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

fn json_of(body: &str) -> Json {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn a_recipient_that_is_not_e164_gets_each_providers_answer() {
    let (sim, _) = serve(Accounts::default()).await;
    let http = reqwest::Client::new();
    let base = sim.uri();
    for bad in ["+1415", "+10005550100", "14155550100"] {
        // Twilio: 400, code 21211.
        let (status, body) = raw(http
            .post(format!("{base}/2010-04-01/Accounts/{SID}/Messages.json"))
            .basic_auth(SID, Some(TOKEN))
            .form(&[("To", bad), ("From", "+15005550006"), ("Body", TEXT)]))
        .await;
        let v = json_of(&body);
        assert_eq!((status, v["code"].clone()), (400, json!(21211)), "{body}");
        assert_eq!(v["status"], 400);
        assert!(v["message"].as_str().unwrap().contains(bad), "{body}");
        // Twilio Verify: 400, code 60200.
        let (status, body) = raw(http
            .post(format!("{base}/v2/Services/{VA}/Verifications"))
            .basic_auth(SID, Some(TOKEN))
            .form(&[("To", bad), ("Channel", "sms"), ("CustomCode", "123456")]))
        .await;
        assert_eq!(
            (status, json_of(&body)["code"].clone()),
            (400, json!(60200)),
            "{body}"
        );
    }
    for bad in ["1415", "10005550100", "+14155550100", "4155550100x"] {
        // Vonage: HTTP 200, the message's status "3".
        let (status, body) = raw(http.post(format!("{base}/sms/json")).form(&[
            ("api_key", "abcd1234"),
            ("api_secret", "s3cr3tValue"),
            ("from", "14155550199"),
            ("to", bad),
            ("text", TEXT),
        ]))
        .await;
        let v = json_of(&body);
        assert_eq!(status, 200);
        assert_eq!(v["messages"][0]["status"], "3", "{body}");
        assert!(v["messages"][0]["error-text"].is_string(), "{body}");
        // Infobip: HTTP 200, REJECTED 52 (invalid destination).
        let (status, body) = raw(http
            .post(format!("{base}/sms/3/messages"))
            .header(
                "Authorization",
                "App 0123456789abcdef0123456789abcdef-01234567",
            )
            .json(
                &json!({"messages": [{"destinations": [{"to": bad}], "content": {"text": TEXT}}]}),
            ))
        .await;
        let v = json_of(&body);
        assert_eq!(status, 200);
        let s = &v["messages"][0]["status"];
        assert_eq!(
            (
                s["groupId"].clone(),
                s["groupName"].clone(),
                s["id"].clone()
            ),
            (json!(5), json!("REJECTED"), json!(52)),
            "{body}"
        );
        assert_eq!(s["name"], "REJECTED_DESTINATION");
    }
    // Esendex (which also takes a leading +): 400 with a short text.
    for bad in ["1415", "10005550100", "+10005550100", "4155550100x"] {
        let (status, body) = raw(http
            .post(format!("{base}/v1.0/messagedispatcher"))
            .basic_auth("admin@example.com", Some("correct-horse"))
            .header("Accept", "application/json")
            .json(&json!({"accountreference": "EX0000001",
                "messages": [{"to": bad, "body": TEXT}]})))
        .await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("invalid recipient"), "{body}");
    }
    assert!(sim.inbox().is_empty(), "{:?}", sim.inbox());
}

#[tokio::test]
async fn a_trial_account_reaches_only_verified_numbers() {
    let (sim, _) = serve(Accounts {
        trial: true,
        verified: vec![VERIFIED.into()],
        ..Accounts::default()
    })
    .await;
    for id in PROVIDERS {
        let r = sent(&sim, id, TO).await;
        match id {
            // Esendex has no documented trial refusal: it accepts.
            "esendex" => {
                r.unwrap();
            }
            _ => {
                let f = r.unwrap_err();
                let code = match id {
                    "twilio" | "twilio-verify" => "21608",
                    "vonage" => "29",
                    _ => "18",
                };
                assert_code(&f, code);
                assert_eq!(f.class, ErrorClass::TrialUnverified, "{id}: {f:?}");
            }
        }
        let a = sent(&sim, id, VERIFIED)
            .await
            .unwrap_or_else(|f| panic!("{id}: {f:?}"));
        assert_eq!(sim.inbox().last().unwrap().id, a.id);
    }
    // Twilio tells without sending: the account type, the caller ids.
    let c = client(&sim, "twilio");
    let r = c.check_credentials().await.unwrap();
    assert_eq!(r.trial, Some(true), "{r:?}");
    assert!(
        r.summary.contains("Trial") && r.warnings.len() == 1,
        "{r:?}"
    );
    assert_eq!(
        c.destination_verified(&to(TO)).await.unwrap(),
        Told::Known(false)
    );
    assert_eq!(
        c.destination_verified(&to(VERIFIED)).await.unwrap(),
        Told::Known(true)
    );
    // A full account is "Full".
    let (full, _) = serve(Accounts::default()).await;
    let r = client(&full, "twilio").check_credentials().await.unwrap();
    assert_eq!(r.trial, Some(false), "{r:?}");
    assert_requests_follow_the_specs(&sim).await;
}

#[tokio::test]
async fn a_recipient_without_funds_gets_each_providers_answer() {
    let (sim, _) = serve(Accounts {
        insufficient_funds: vec![TO.into()],
        ..Accounts::default()
    })
    .await;
    for id in PROVIDERS {
        let f = sent(&sim, id, TO).await.unwrap_err();
        match id {
            "vonage" => assert_code(&f, "9"),
            "infobip" => assert_code(&f, "12"),
            "esendex" => assert_code(&f, "http 402"),
            // Twilio has no per-message funds code: an account out of
            // funds is not active (20005).
            _ => {
                assert_code(&f, "20005");
                assert!(f.message.contains("funds"), "{f:?}");
            }
        }
        assert_eq!(f.class, ErrorClass::InsufficientFunds, "{id}: {f:?}");
    }
    assert!(sim.inbox().is_empty());
    for id in PROVIDERS {
        sent(&sim, id, VERIFIED)
            .await
            .unwrap_or_else(|f| panic!("{id}: {f:?}"));
    }
    assert_requests_follow_the_specs(&sim).await;
}

#[tokio::test]
async fn vonage_and_infobip_report_the_balance_and_refuse_when_it_is_used_up() {
    let (sim, _) = serve(Accounts {
        balance: 12.5,
        ..Accounts::default()
    })
    .await;
    for id in ["vonage", "infobip"] {
        let r = client(&sim, id).check_credentials().await.unwrap();
        assert!(r.usable && r.summary.contains("12.50"), "{id}: {r:?}");
    }
    let (empty, _) = serve(Accounts {
        balance: 0.0,
        ..Accounts::default()
    })
    .await;
    for id in ["vonage", "infobip"] {
        let r = client(&empty, id).check_credentials().await.unwrap();
        assert!(!r.usable && r.summary.contains("0.00"), "{id}: {r:?}");
        let f = sent(&empty, id, TO).await.unwrap_err();
        assert_eq!(f.class, ErrorClass::InsufficientFunds, "{id}: {f:?}");
    }
    assert!(empty.inbox().is_empty());
}

#[tokio::test]
async fn verify_without_custom_codes_is_unusable_and_refuses_the_code() {
    let (sim, _) = serve(Accounts {
        custom_codes: false,
        ..Accounts::default()
    })
    .await;
    let c = client(&sim, "twilio-verify");
    let r = c.check_credentials().await.unwrap();
    assert!(!r.usable, "{r:?}");
    assert_eq!(r.custom_codes, Some(false));
    assert_eq!(r.warnings.len(), 1, "{r:?}");
    let f = c.send_test(&to(TO), TEXT).await.unwrap_err();
    // Twilio's answer: 403, 60204 "Custom code not allowed".
    assert_code(&f, "60204");
    assert_eq!(f.http_status, Some(403));
    assert_eq!(f.message, "Custom code not allowed");
    assert_eq!(
        f.class,
        ErrorClass::Rejected,
        "not an authentication failure: {f:?}"
    );
    assert!(f.hint().contains("Custom verification codes"), "{f:?}");
    assert!(sim.inbox().is_empty());
    assert_requests_follow_the_specs(&sim).await;
}

#[tokio::test]
async fn twilio_reports_accepted_messages_delivered() {
    let (sim, _) = serve(Accounts::default()).await;
    let c = client(&sim, "twilio");
    let a = c.send_test(&to(TO), TEXT).await.unwrap();
    assert!(a.trackable);
    assert_eq!(a.status.as_deref(), Some("queued"));
    let d = c.delivery_status(&a.id).await.unwrap().unwrap();
    assert!(d.final_ && d.delivered, "{d:?}");
    assert_eq!(d.status, "delivered");
    assert_eq!(d.error_code, None);
    // A message the account never sent.
    let f = c
        .delivery_status("SM00000000000000000000000000000999")
        .await
        .unwrap()
        .unwrap_err();
    assert_code(&f, "20404");
    assert_requests_follow_the_specs(&sim).await;
}

#[tokio::test]
async fn twilio_sends_only_from_the_accounts_own_number_or_service() {
    let (sim, _) = serve(Accounts::default()).await;
    let c = client(&sim, "twilio");
    assert_eq!(
        c.sender_owned().await.unwrap(),
        Told::Known(Ownership {
            sender: "+15005550006".into(),
            owned: true,
            sms_capable: Some(true),
        })
    );
    let other = client_with(&sim, "twilio", "TWILIO_PHONE_NUMBER", "+14155550199");
    match other.sender_owned().await.unwrap() {
        Told::Known(o) => assert!(!o.owned && o.sms_capable.is_none(), "{o:?}"),
        t => panic!("{t:?}"),
    }
    let f = other.send_test(&to(TO), TEXT).await.unwrap_err();
    assert_eq!(f.class, ErrorClass::SenderNotAllowed, "{f:?}");
    assert_code(&f, "21606");
    // The account's Messaging Service sends from the account's number.
    let service = client_with(
        &sim,
        "twilio",
        "TWILIO_MESSAGING_SERVICE_SID",
        "MG0123456789abcdef0123456789abcdef",
    );
    let a = service.send_test(&to(TO), TEXT).await.unwrap();
    assert_eq!(a.status.as_deref(), Some("accepted"));
    assert_eq!(sim.inbox().last().unwrap().from, "+15005550006");
    let f = client_with(
        &sim,
        "twilio",
        "TWILIO_MESSAGING_SERVICE_SID",
        "MGffffffffffffffffffffffffffffffff",
    )
    .send_test(&to(TO), TEXT)
    .await
    .unwrap_err();
    assert_code(&f, "21701");
    assert_eq!(sim.inbox().len(), 1);
    assert_requests_follow_the_specs(&sim).await;
}

#[tokio::test]
async fn requests_the_specs_do_not_allow_get_the_providers_400() {
    let (sim, _) = serve(Accounts::default()).await;
    let http = reqwest::Client::new();
    let base = sim.uri();
    let twilio = format!("{base}/2010-04-01/Accounts/{SID}/Messages.json");
    // A field the spec does not define.
    let (status, body) = raw(http.post(&twilio).basic_auth(SID, Some(TOKEN)).form(&[
        ("To", TO),
        ("From", "+15005550006"),
        ("Body", TEXT),
        ("Text", TEXT),
    ]))
    .await;
    let v = json_of(&body);
    assert_eq!((status, v["code"].clone()), (400, json!(20001)), "{body}");
    assert!(v["message"].as_str().unwrap().contains("Text"), "{body}");
    // The required To missing.
    let (status, body) = raw(http
        .post(&twilio)
        .basic_auth(SID, Some(TOKEN))
        .form(&[("From", "+15005550006"), ("Body", TEXT)]))
    .await;
    assert_eq!(
        (status, json_of(&body)["code"].clone()),
        (400, json!(21604)),
        "{body}"
    );
    // Verify without Channel.
    let (status, body) = raw(http
        .post(format!("{base}/v2/Services/{VA}/Verifications"))
        .basic_auth(SID, Some(TOKEN))
        .form(&[("To", TO)]))
    .await;
    assert_eq!(
        (status, json_of(&body)["code"].clone()),
        (400, json!(60200)),
        "{body}"
    );
    // Vonage without to: status 2 (missing parameters) in an HTTP 200.
    let (status, body) = raw(http.post(format!("{base}/sms/json")).form(&[
        ("api_key", "abcd1234"),
        ("api_secret", "s3cr3tValue"),
        ("from", "14155550199"),
        ("text", TEXT),
    ]))
    .await;
    assert_eq!(status, 200);
    assert_eq!(json_of(&body)["messages"][0]["status"], "2", "{body}");
    // Vonage's balance without credentials: 401.
    let (status, body) = raw(http.get(format!("{base}/account/get-balance"))).await;
    assert_eq!(status, 401);
    assert_eq!(json_of(&body)["error-code"], "401", "{body}");
    // Infobip with a field the spec does not define, and with no JSON.
    let infobip = format!("{base}/sms/3/messages");
    let key = "App 0123456789abcdef0123456789abcdef-01234567";
    let (status, body) = raw(http.post(&infobip).header("Authorization", key).json(
        &json!({"messages": [{"destinations": [{"to": "14155550100", "phone": "x"}],
            "content": {"text": TEXT}}]}),
    ))
    .await;
    let v = json_of(&body);
    assert_eq!(
        (status, v["errorCode"].clone()),
        (400, json!("E400")),
        "{body}"
    );
    assert!(v["violations"].to_string().contains("phone"), "{body}");
    let (status, body) = raw(http
        .post(&infobip)
        .header("Authorization", key)
        .header("Content-Type", "application/json")
        .body("{not json"))
    .await;
    assert_eq!(
        (status, json_of(&body)["errorCode"].clone()),
        (400, json!("E400"))
    );
    assert!(sim.inbox().is_empty());
}

#[tokio::test]
async fn odd_requests_get_answers_and_the_simulation_keeps_working() {
    let (sim, _) = serve(Accounts::default()).await;
    let http = reqwest::Client::new();
    let base = sim.uri();
    let key = "App 0123456789abcdef0123456789abcdef-01234567";
    let bodies: [&[u8]; 8] = [
        b"",
        b"\xff\xfe\x00garbage",
        b"null",
        b"[]",
        b"{\"messages\": \"x\"}",
        b"{\"messages\": [1, {\"destinations\": \"x\", \"content\": {\"text\": 5}}, {\"destinations\": [{\"to\": 5}, 7], \"content\": {\"text\": \"t\"}}]}",
        b"{\"accountreference\": \"EX0000001\", \"messages\": [{\"to\": 5}, null]}",
        b"To=%FF%FE&Body=&From=&Channel=%00&api_key=abcd1234&api_secret=s3cr3tValue&to=&from=&text=",
    ];
    let paths = [
        "/",
        "/2010-04-01/",
        "/2010-04-01/Accounts/",
        "/2010-04-01/Accounts/.json",
        "/2010-04-01/Accounts/ACx.json",
        &format!("/2010-04-01/Accounts/{SID}.json"),
        &format!("/2010-04-01/Accounts/{SID}/Messages.json"),
        &format!("/2010-04-01/Accounts/{SID}/Messages/.json"),
        &format!("/2010-04-01/Accounts/{SID}/Messages/SM%F0%9F%98%80.json"),
        &format!("/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json?PhoneNumber=%FF"),
        "/v2/",
        "/v2/Services/",
        &format!("/v2/Services/{VA}"),
        &format!("/v2/Services/{VA}/Verifications"),
        "/sms/json",
        "/sms/xml",
        "/account/get-balance?api_key=abcd1234&api_secret=s3cr3tValue&api_key=x",
        "/sms/3/messages",
        "/sms/2/text/advanced",
        "/account/1/balance",
        "/v1.0/accounts",
        "/v1.0/messagedispatcher",
        "/v1.0/%F0%9F%98%80",
    ];
    let mut answered = 0;
    let mut infobip_parsed = 0;
    for path in paths {
        for method in [
            reqwest::Method::GET,
            reqwest::Method::POST,
            reqwest::Method::DELETE,
        ] {
            for body in bodies {
                for ct in [
                    "application/x-www-form-urlencoded",
                    "application/json",
                    "text/xml",
                ] {
                    // Infobip's App key alone (a second Authorization
                    // header would be appended, and the first one read),
                    // so its body parser is reached too.
                    let (status, _) = raw(http
                        .request(method.clone(), format!("{base}{path}"))
                        .header("Authorization", key)
                        .header("Content-Type", ct)
                        .body(body.to_vec()))
                    .await;
                    assert!((200..600).contains(&status));
                    if path.starts_with("/sms/3") && status != 401 {
                        infobip_parsed += 1;
                    }
                    answered += 1;
                }
            }
            // The right credentials for the Basic-auth providers.
            for (user, password) in [(SID, TOKEN), ("admin@example.com", "correct-horse")] {
                for body in bodies {
                    let (status, _) = raw(http
                        .request(method.clone(), format!("{base}{path}"))
                        .basic_auth(user, Some(password))
                        .header("Content-Type", "application/json")
                        .body(body.to_vec()))
                    .await;
                    assert!((200..600).contains(&status));
                    answered += 1;
                }
            }
        }
    }
    assert!(answered > 1000);
    assert!(infobip_parsed > 0, "Infobip's body parser was reached");
    // Still serving, and nothing odd was delivered.
    assert!(sim.inbox().is_empty(), "{:?}", sim.inbox());
    for id in PROVIDERS {
        sent(&sim, id, TO)
            .await
            .unwrap_or_else(|f| panic!("{id}: {f:?}"));
    }
}

#[tokio::test]
async fn env_and_credentials_configure_every_client_as_the_wizard_resolves_them() {
    let (sim, _) = serve(Accounts::default()).await;
    let env = sim.env();
    let mut names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "SMS_MFA_ESENDEX_BASE_URL",
            "SMS_MFA_INFOBIP_BASE_URL",
            "SMS_MFA_TWILIO_BASE_URL",
            "SMS_MFA_TWILIO_VERIFY_BASE_URL",
            "SMS_MFA_VONAGE_BASE_URL",
        ]
    );
    assert!(env.iter().all(|(_, v)| *v == sim.uri()), "{env:?}");
    assert!(credentials("telesign").is_empty());
    assert!(credentials("").is_empty());
    let catalog = Catalog::builtin();
    for id in PROVIDERS {
        let provider = catalog.get(id).unwrap();
        // What step 2 stores: secrets in the keyring, the rest in the
        // profile; the base URLs come from the sandbox's environment.
        let store = MemoryStore::new();
        let mut profile = Profile::default();
        for (name, value) in credentials(id) {
            let setting = provider
                .settings
                .iter()
                .find(|s| s.name == name)
                .unwrap_or_else(|| panic!("{id}: {name} is a setting"));
            assert!(
                matches!(validate(setting, value), Validation::Ok),
                "{id} {name}: {:?}",
                validate(setting, value)
            );
            if setting.secret {
                store
                    .set(
                        &secrets::entry_user("sandbox", id, name),
                        &secrecy::SecretString::from(value.to_string()),
                    )
                    .unwrap();
            } else {
                profile
                    .settings
                    .entry(id.to_string())
                    .or_default()
                    .insert(name.to_string(), value.to_string());
            }
        }
        let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let resolved = settings::resolve("sandbox", &profile, provider, &store, &lookup);
        check_settings(provider, &resolved).unwrap_or_else(|e| panic!("{id}: {e}"));
        let c = client_of(id, &Settings::from_resolved(resolved));
        let r = c
            .check_credentials()
            .await
            .unwrap_or_else(|f| panic!("{id}: {f:?}"));
        assert!(r.usable, "{id}: {r:?}");
    }
}

// ---- `sms-mfa trace`: both sides joined, against the simulations ----
//
// The provider side is the simulated providers' delivery records (each in
// its vendor's list shape, see src/sandbox/providers/), the tenant side
// the simulated Management API's `GET /logs` with the matching events
// (`history_logs`).

mod trace_joined {
    use sms_mfa::auth0::Connection;
    use sms_mfa::providers::Catalog;
    use sms_mfa::providers::clients::{Client, Http, Settings};
    use sms_mfa::providers::delivery::{self, Query};
    use sms_mfa::sandbox::providers::{Accounts, Outcome, Past, Providers, credentials};
    use sms_mfa::sandbox::{auth0, scenario};
    use sms_mfa::settings::Value;
    use sms_mfa::trace::{self, Trace, Verdict};
    use std::time::Duration;

    const TO: &str = "+14155550100";

    fn past(m: u32, outcome: Outcome) -> Past {
        Past {
            to: TO.into(),
            minutes_ago: m,
            outcome,
            code: None,
            message: None,
        }
    }

    fn client_for(provider: &str, base: &str) -> Client {
        let mut s = Settings::default();
        let p = Catalog::builtin().get(provider).unwrap();
        s.insert(
            p.base_setting.as_deref().unwrap(),
            Value::Plain(base.into()),
        );
        for (k, v) in credentials(provider) {
            s.insert(k, Value::Plain(v.into()));
        }
        Client::new(Catalog::builtin(), provider, &s, Http::new()).unwrap()
    }

    async fn traced_with(
        provider: &str,
        history: Vec<Past>,
        to: Option<&str>,
        base: Option<String>,
    ) -> Trace {
        let mut tenant = auth0::Tenant::fresh_upe();
        tenant.logs = serde_json::Value::Array(scenario::history_logs(&history));
        let fake = auth0::serve(tenant, Duration::ZERO).await;
        let sim = Providers::serve(
            Accounts {
                history,
                ..Accounts::default()
            },
            None,
        )
        .await;
        let c = client_for(provider, &base.unwrap_or_else(|| sim.uri()));
        let conn = Connection::with_token(fake.uri(), auth0::TOKEN.into());
        let q = Query {
            to: to.map(str::to_string),
            since: delivery::now() - 3600,
            limit: 200,
        };
        trace::gather(Ok(&c), Ok(&conn), &q).await
    }

    async fn traced(provider: &str, history: Vec<Past>) -> Trace {
        traced_with(provider, history, Some(TO), None).await
    }

    #[tokio::test]
    async fn delivered_for_every_provider() {
        for p in ["twilio", "twilio-verify", "vonage", "infobip", "esendex"] {
            let t = traced(p, vec![past(5, Outcome::Delivered)]).await;
            assert_eq!(t.verdict, Verdict::Delivered, "{p}: {t:#?}");
            assert_eq!(t.verdict.exit_code(), 0);
            let sources: Vec<&str> = t.timeline.iter().map(|e| e.source.as_str()).collect();
            assert_eq!(sources, ["auth0", p], "{p}: Auth0's request first");
            assert!(t.findings.is_empty(), "{p}: {:?}", t.findings);
        }
    }

    #[tokio::test]
    async fn undelivered_with_a_carrier_code() {
        let t = traced(
            "twilio",
            vec![past(30, Outcome::Delivered), past(5, Outcome::Filtered)],
        )
        .await;
        assert_eq!(t.verdict, Verdict::NotDelivered);
        assert_eq!(t.verdict.exit_code(), 1);
        let f = t.findings.iter().find(|f| f.kind == "undelivered").unwrap();
        assert!(f.text.contains("[30007]"), "{f:?}");
        assert!(f.fix.contains("Register the sender"), "{f:?}");
        let last = t.timeline.last().unwrap();
        assert_eq!(
            last.message.as_deref(),
            Some("Message filtered"),
            "the provider's text kept"
        );
        let text = trace::text(&t);
        assert!(text.contains("code 30007: Message filtered"), "{text}");
    }

    #[tokio::test]
    async fn auth0_logged_a_send_and_the_provider_has_nothing() {
        let t = traced(
            "infobip",
            vec![past(30, Outcome::Delivered), past(5, Outcome::NeverReached)],
        )
        .await;
        assert_eq!(t.verdict, Verdict::NotDelivered, "{t:#?}");
        let f: Vec<&str> = t.findings.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(f, ["never-reached-provider"]);
        assert!(t.findings[0].fix.contains("Action"));
    }

    #[tokio::test]
    async fn an_action_failure_before_the_provider() {
        let mut p = past(5, Outcome::ActionFailed);
        p.code = Some("21608".into());
        p.message = Some("The number +14155550100 is unverified.".into());
        let t = traced("twilio", vec![p]).await;
        assert_eq!(t.verdict, Verdict::NotDelivered, "{t:#?}");
        let f = &t.findings[0];
        assert_eq!(f.kind, "failed-before-provider");
        assert!(f.text.contains("is unverified"), "{f:?}");
        assert_eq!(t.timeline[0].code.as_deref(), Some("21608"));
    }

    #[tokio::test]
    async fn a_provider_that_cannot_list_says_so() {
        use wiremock::matchers::{method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let refusing = MockServer::start().await;
        // Infobip's spec: GET /sms/3/logs needs sms:logs:read (x-scopes);
        // a sending key gets the ApiError403 body.
        Mock::given(method("GET"))
            .and(path("/sms/3/logs"))
            .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
                "errorCode": "E403", "description": "Forbidden", "violations": [], "resources": []})))
            .mount(&refusing)
            .await;
        let t = traced_with(
            "infobip",
            vec![past(5, Outcome::Delivered)],
            Some(TO),
            Some(refusing.uri()),
        )
        .await;
        assert_eq!(t.verdict, Verdict::CannotLook);
        assert_eq!(t.verdict.exit_code(), 2);
        let f = &t.findings[0];
        assert_eq!(f.kind, "cannot-look");
        assert!(f.text.contains("sms:logs:read"), "{f:?}");
        // Auth0's side is still shown.
        assert_eq!(t.timeline.len(), 1);
        assert!(trace::text(&t).contains("Could not look at the provider's records"));
    }

    #[tokio::test]
    async fn without_a_recipient_the_latest_failures_of_everyone() {
        let mut other = past(20, Outcome::Unreachable);
        other.to = "+14155550123".into();
        let t = traced_with(
            "esendex",
            vec![
                past(40, Outcome::Delivered),
                other,
                past(10, Outcome::Filtered),
            ],
            None,
            None,
        )
        .await;
        assert_eq!(t.verdict, Verdict::NotDelivered);
        let tos: Vec<Option<&str>> = t.timeline.iter().map(|e| e.to.as_deref()).collect();
        assert_eq!(
            tos,
            [Some("+14155550123"), Some(TO)],
            "failures only, oldest first"
        );
    }
}

/// Step 3 follows delivery for every provider with a status API: the
/// message just sent is found by its id (Twilio's message, Verify's
/// attempts by `VerificationSid`, Infobip's logs by `messageId`, Esendex's
/// `GET /v1.0/messageheaders/{id}`, Vonage's Reports API by `id`) and
/// reads delivered.
#[tokio::test]
async fn a_sent_message_is_followed_to_delivered_by_every_provider() {
    use sms_mfa::providers::delivery::{self, Query};
    let sim = Providers::serve(Accounts::default(), None).await;
    for p in ["twilio", "twilio-verify", "vonage", "infobip", "esendex"] {
        let c = client(&sim, p);
        let a = c
            .send_test(&to("+14155550100"), "Your code is 1")
            .await
            .unwrap();
        assert!(a.trackable, "{p}");
        let d = c.delivery_status(&a.id).await.expect(p).unwrap();
        assert!(d.final_ && d.delivered, "{p}: {d:?}");
        // An id the provider does not know is not delivered.
        let unknown = c
            .delivery_status("00000000-0000-4000-8000-00000000ffff")
            .await;
        assert!(
            !matches!(unknown, Some(Ok(ref d)) if d.delivered),
            "{p}: {unknown:?}"
        );
        // And the message is among the records of the recipient.
        let r = c
            .delivery_records(&Query {
                to: Some("+14155550100".into()),
                since: delivery::now() - 60,
                limit: 10,
            })
            .await
            .unwrap();
        assert_eq!(r.records.len(), 1, "{p}");
    }
}

/// Pick, not paste (issue 20): each provider's listing against the
/// simulated accounts, every request within the specs, and the choices
/// what the account has: SMS-capable numbers usable and a voice-only one
/// not; the Messaging Service with its sender; the Verify service without
/// custom codes marked unusable with the reason.
#[tokio::test]
async fn each_provider_lists_what_the_account_may_send_from() {
    use sms_mfa::providers::clients::{ListError, list_senders};
    let (sim, _) = serve(Accounts::default()).await;
    let list = |id: &'static str| {
        let s = settings(&sim, id);
        async move { list_senders(Catalog::builtin(), id, &s, Http::new()).await }
    };
    let picked = |s: &sms_mfa::providers::clients::Senders, setting: &str| -> Vec<(String, bool)> {
        s.choices
            .iter()
            .filter(|c| c.setting == setting)
            .map(|c| (c.value.clone(), c.usable))
            .collect()
    };

    let t = list("twilio").await.unwrap();
    assert_eq!(
        picked(&t, "TWILIO_PHONE_NUMBER"),
        [
            ("+15005550006".to_string(), true),
            ("+15005550007".to_string(), false),
            ("+15005550008".to_string(), true)
        ]
    );
    let services = picked(&t, "TWILIO_MESSAGING_SERVICE_SID");
    assert_eq!(
        services,
        [("MG0123456789abcdef0123456789abcdef".to_string(), true)]
    );
    let mg = t
        .choices
        .iter()
        .find(|c| c.setting == "TWILIO_MESSAGING_SERVICE_SID")
        .unwrap();
    assert_eq!(mg.note.as_deref(), Some("sends from +15005550006"));
    // A listed SMS number sends; the voice-only one is refused by Twilio too.
    let ok = client_with(&sim, "twilio", "TWILIO_PHONE_NUMBER", "+15005550008");
    assert!(ok.send_test(&to(TO), TEXT).await.is_ok());
    let voice = client_with(&sim, "twilio", "TWILIO_PHONE_NUMBER", "+15005550007");
    assert_code(&voice.send_test(&to(TO), TEXT).await.unwrap_err(), "21606");

    let v = list("twilio-verify").await.unwrap();
    let verify = picked(&v, "TWILIO_VERIFY_SERVICE_SID");
    assert_eq!(verify.len(), 2);
    assert_eq!(verify[0], (VA.to_string(), true));
    assert!(!verify[1].1, "custom codes off: {verify:?}");
    let off = &v.choices[1];
    assert!(
        off.note
            .as_deref()
            .unwrap()
            .contains("custom codes are off"),
        "{off:?}"
    );
    // Picking it anyway: the send with Auth0's code is refused (60204).
    let c = client_with(
        &sim,
        "twilio-verify",
        "TWILIO_VERIFY_SERVICE_SID",
        &off.value,
    );
    assert_code(&c.send_test(&to(TO), TEXT).await.unwrap_err(), "60204");

    let vn = list("vonage").await.unwrap();
    assert_eq!(
        picked(&vn, "VONAGE_FROM_NUMBER"),
        [
            ("+14155550199".to_string(), true),
            ("+447700900123".to_string(), false)
        ]
    );
    let e = list("esendex").await.unwrap();
    assert_eq!(
        picked(&e, "ESENDEX_ACCOUNT"),
        [("EX0000001".to_string(), true)]
    );
    let i = list("infobip").await.unwrap();
    assert!(i.choices.is_empty());
    assert!(
        i.notes[0].contains("no documented endpoint"),
        "{:?}",
        i.notes
    );
    assert_requests_follow_the_specs(&sim).await;

    // Credentials the provider refuses: its error, classified.
    let mut s = settings(&sim, "twilio");
    s.insert(
        "TWILIO_AUTH_TOKEN",
        Value::Plain("00000000000000000000000000000000".into()),
    );
    match list_senders(Catalog::builtin(), "twilio", &s, Http::new()).await {
        Err(ListError::Provider(f)) => assert_eq!(f.class, ErrorClass::Authentication, "{f:?}"),
        other => panic!("{other:?}"),
    }
    // No credentials: a settings error, nothing asked.
    let before = sim.server.received_requests().len();
    let bare = Settings::default();
    assert!(matches!(
        list_senders(Catalog::builtin(), "vonage", &bare, Http::new()).await,
        Err(ListError::Settings(_))
    ));
    assert_eq!(sim.server.received_requests().len(), before);
}
