//! `sms-mfa doctor` against a fake provider and the fake tenant
//! (src/sandbox/auth0.rs), in each broken state the source documents name
//! and in a healthy one. The healthy tenant is reached the way a user
//! reaches it: `tenant apply --apply` on a fresh tenant, and the MFA policy
//! set by hand (sms-mfa never changes who is asked for MFA).
//!
//! The fake Twilio answers as the 2010-04-01 API documents (accounts,
//! IncomingPhoneNumbers, OutgoingCallerIds, Messages), refuses wrong
//! credentials with Twilio's own error body, and every request it gets is
//! checked against the official spec's rules.

use crate::common;

use common::auth0::{self, Fake};
use common::{fakes, spec};
use serde_json::{Value, json};
use sms_mfa::checklist::Checklist;
use sms_mfa::commands::{self, doctor::Args};
use sms_mfa::config::{self, Paths, Profile};
use sms_mfa::doctor::{Check, Status};
use sms_mfa::providers::Catalog;
use sms_mfa::providers::clients::Http;
use sms_mfa::secrets::MemoryStore;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

/// A Twilio account as the fake serves it.
#[derive(Clone)]
struct Account {
    trial: bool,
    /// Verified caller ids (what a trial account may reach).
    verified: Vec<&'static str>,
    /// The account's numbers, and whether each can send SMS.
    numbers: Vec<(&'static str, bool)>,
}

impl Account {
    fn full() -> Account {
        Account {
            trial: false,
            verified: vec![],
            numbers: vec![("+15005550006", true)],
        }
    }
}

fn twilio_error(status: u16, code: u32, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "code": code, "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status}))
}

fn page(key: &str, items: Vec<Value>) -> Value {
    json!({key: items, "page": 0, "page_size": 50, "start": 0, "end": 0,
        "first_page_uri": "/", "next_page_uri": null, "previous_page_uri": null, "uri": "/"})
}

fn twilio_answer(a: &Account, req: &Request) -> ResponseTemplate {
    let op = spec::find("twilio.", req.method.as_str(), req.url.path());
    if let Some(op) = op {
        spec::check(op, &fakes::recorded(req));
    }
    if !wiremock::matchers::basic_auth(fakes::SID, fakes::TOKEN).matches(req) {
        return twilio_error(401, 20003, "Authenticate");
    }
    let query = |name: &str| {
        req.url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_string())
    };
    match op {
        Some("twilio.account") => ResponseTemplate::new(200).set_body_json(json!({
            "sid": fakes::SID, "friendly_name": "Acme", "status": "active",
            "type": if a.trial { "Trial" } else { "Full" }})),
        Some("twilio.incoming-numbers") => {
            let want = query("PhoneNumber");
            let items = a
                .numbers
                .iter()
                .filter(|(n, _)| want.as_deref().is_none_or(|w| w == *n))
                .map(|(n, sms)| json!({"phone_number": n, "capabilities": {"sms": sms, "voice": true, "mms": false, "fax": false}}))
                .collect();
            ResponseTemplate::new(200).set_body_json(page("incoming_phone_numbers", items))
        }
        Some("twilio.caller-ids") => {
            let want = query("PhoneNumber");
            let items = a
                .verified
                .iter()
                .filter(|n| want.as_deref().is_none_or(|w| w == **n))
                .map(|n| json!({"phone_number": n, "friendly_name": n}))
                .collect();
            ResponseTemplate::new(200).set_body_json(page("outgoing_caller_ids", items))
        }
        // No messages yet (ListMessageResponse, twilio_api_v2010.json).
        Some("twilio.messages") => {
            ResponseTemplate::new(200).set_body_json(page("messages", vec![]))
        }
        _ => twilio_error(404, 20404, "The requested resource was not found"),
    }
}

async fn twilio(a: Account) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(move |req: &Request| twilio_answer(&a, req))
        .mount(&server)
        .await;
    server
}

/// A machine with a profile, a provider fake and a tenant fake.
struct World {
    _home: tempfile::TempDir,
    paths: Paths,
    env: BTreeMap<String, String>,
    _provider: MockServer,
    tenant: Fake,
}

impl World {
    async fn new(provider: &str, account: Account, tenant: auth0::Tenant) -> World {
        let home = tempfile::tempdir().unwrap();
        // Where the binary looks with XDG_CONFIG_HOME=HOME/config and
        // XDG_DATA_HOME=HOME/data (the PTY and headless harnesses set them).
        let paths = Paths {
            config_dir: home.path().join("config/sms-mfa"),
            data_dir: home.path().join("data/sms-mfa"),
        };
        let server = if provider == "twilio" {
            twilio(account).await
        } else {
            fakes::happy_fake(provider).await
        };
        let tenant = auth0::serve(tenant, Duration::ZERO).await;
        let mut env: BTreeMap<String, String> = fakes::env_for(provider, &server.uri())
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        env.extend(tenant.env().into_iter().map(|(k, v)| (k.to_string(), v)));
        let profile = Profile {
            provider: Some(provider.into()),
            test_recipient: Some("+14155550100".into()),
            ..Profile::default()
        };
        config::save(&paths, "default", &profile).unwrap();
        World {
            _home: home,
            paths,
            env,
            _provider: server,
            tenant,
        }
    }

    /// A healthy tenant: fresh, fixed with `tenant apply --apply`, and the
    /// policy set to "all-applications" by hand.
    async fn healthy(provider: &str) -> World {
        let w = World::new(provider, Account::full(), auth0::Tenant::fresh_upe()).await;
        let (code, out, err) = w.apply(provider).await;
        assert_eq!(code, 0, "{out}\n{err}");
        w.tenant.state.lock().unwrap().policies = json!(["all-applications"]);
        w
    }

    async fn apply(&self, provider: &str) -> (u8, String, String) {
        let store = MemoryStore::new();
        let env = |n: &str| self.env.get(n).cloned();
        let ctx = commands::tenant::Context {
            paths: &self.paths,
            profile: "default",
            catalog: Catalog::builtin(),
            store: &store,
            env: &env,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = commands::tenant::apply(&ctx, Some(provider), true, false, &mut out, &mut err)
            .await
            .unwrap();
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    /// `sms-mfa doctor [--to TO]`: the exit code, the text, and the checks
    /// (from `--json`).
    async fn doctor(&self, to: Option<&str>) -> (u8, String, Vec<Check>) {
        let store = MemoryStore::new();
        let env = |n: &str| self.env.get(n).cloned();
        let ctx = commands::provider::Context {
            paths: &self.paths,
            profile: "default",
            catalog: Catalog::builtin(),
            store: &store,
            env: &env,
        };
        let run = |json: bool| {
            let ctx = &ctx;
            async move {
                let (mut out, mut err) = (Vec::new(), Vec::new());
                let args = Args {
                    provider: None,
                    to,
                    json,
                    verbose: false,
                    color: false,
                    slow_after: sms_mfa::doctor::SLOW_AFTER,
                };
                let code = commands::doctor::run(ctx, &Http::new(), &mut out, &mut err, args)
                    .await
                    .unwrap();
                (code, String::from_utf8(out).unwrap())
            }
        };
        let (code, text) = run(false).await;
        let (json_code, json) = run(true).await;
        assert_eq!(code, json_code);
        let checks = parse(&json);
        (code, text, checks)
    }
}

/// `--json` read back: every object has the documented fields.
fn parse(json: &str) -> Vec<Check> {
    let v: Value = serde_json::from_str(json).unwrap();
    let list = v.as_array().expect("a list");
    assert_eq!(list.len(), Checklist::builtin().items.len());
    list.iter()
        .map(|c| {
            for key in [
                "id",
                "category",
                "status",
                "title",
                "evidence",
                "remediation",
            ] {
                assert!(c.get(key).is_some(), "{key} in {c}");
            }
            let status = match c["status"].as_str().unwrap() {
                "pass" => Status::Pass,
                "warning" => Status::Warning,
                "fail" => Status::Fail,
                "skipped" => Status::Skipped,
                "could-not-check" => Status::Error,
                other => panic!("status {other}"),
            };
            assert_eq!(
                c["remediation"].is_null(),
                !status.problem(),
                "a problem, and only a problem, has a remediation: {c}"
            );
            Check {
                id: c["id"].as_str().unwrap().into(),
                category: serde_json::from_value(c["category"].clone()).unwrap(),
                status,
                title: c["title"].as_str().unwrap().into(),
                evidence: c["evidence"].as_str().unwrap().into(),
                remediation: None,
            }
        })
        .collect()
}

/// The ids of the checks that are not pass or skipped.
fn problems(checks: &[Check]) -> BTreeSet<&str> {
    checks
        .iter()
        .filter(|c| c.status.problem())
        .map(|c| c.id.as_str())
        .collect()
}

fn get<'a>(checks: &'a [Check], id: &str) -> &'a Check {
    checks.iter().find(|c| c.id == id).unwrap()
}

/// The checks a healthy set-up cannot run: Twilio Programmable SMS has no
/// Verify service, and the doctor never sends.
const INHERENTLY_SKIPPED: [&str; 2] = ["verify-custom-codes", "test-message"];

#[tokio::test]
async fn a_healthy_setup_passes_everything() {
    let w = World::healthy("twilio").await;
    let (code, text, checks) = w.doctor(None).await;
    assert_eq!(problems(&checks), BTreeSet::new(), "{text}");
    let skipped: BTreeSet<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Skipped)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(skipped, BTreeSet::from(INHERENTLY_SKIPPED), "{text}");
    assert_eq!(code, 0);
    assert!(
        text.trim_end()
            .ends_with("no problems found. 2 checks skipped: --verbose says why."),
        "{text}"
    );
    assert!(
        get(&checks, "sender-owned")
            .evidence
            .contains("+15005550006")
    );
    assert!(
        get(&checks, "tenant-connection")
            .evidence
            .contains("Unified Phone Experience")
    );
    assert!(!text.contains('\x1b'), "no colour when told so");
}

#[tokio::test]
async fn a_fresh_tenant_fails_where_the_guides_say_and_names_the_fix() {
    let w = World::new("twilio", Account::full(), auth0::Tenant::fresh_upe()).await;
    let (code, text, checks) = w.doctor(None).await;
    assert_eq!(
        problems(&checks),
        BTreeSet::from([
            "sms-enabled",
            "provider-custom",
            "mfa-policy",
            "one-live-code"
        ]),
        "{text}"
    );
    assert_eq!(code, 2);
    assert!(
        get(&checks, "one-live-code")
            .evidence
            .contains("No Action on the custom-phone-provider trigger")
    );
    // Fixes under each problem, with the command that applies them.
    let provider = text.split("SMS delivery is set to Custom").nth(1).unwrap();
    assert!(
        provider.contains("fix: Switch the delivery provider to Custom"),
        "{text}"
    );
    assert!(
        provider.contains("run: sms-mfa tenant apply --provider twilio --apply"),
        "{text}"
    );
    assert!(text.contains("4 problems found (4 failures)."), "{text}");
}

/// On a Unified Phone Experience tenant the deployed Action on the trigger
/// is live without a binding (docs "Configure a Custom Phone Provider");
/// one whose changes were never deployed is not.
#[tokio::test]
async fn an_action_that_was_never_deployed_is_not_live() {
    let w = World::healthy("twilio").await;
    assert!(
        w.tenant.state.lock().unwrap().bindings.is_empty(),
        "nothing was bound"
    );
    {
        let mut t = w.tenant.state.lock().unwrap();
        t.actions[0]["deployed_version"] = serde_json::Value::Null;
        t.actions[0]["all_changes_deployed"] = json!(false);
    }
    let (code, _, checks) = w.doctor(None).await;
    assert_eq!(problems(&checks), BTreeSet::from(["one-live-code"]));
    assert!(
        get(&checks, "one-live-code")
            .evidence
            .contains("'sms-mfa-twilio' on the custom-phone-provider trigger was never deployed"),
        "{:?}",
        get(&checks, "one-live-code")
    );
    assert_eq!(code, 2);
}

/// A classic tenant's Action is live only when bound to send-phone-message.
#[tokio::test]
async fn a_classic_action_that_is_not_bound_is_not_live() {
    let w = World::healthy("twilio").await;
    {
        let mut t = w.tenant.state.lock().unwrap();
        t.upe = false;
        t.selected_provider = "phone-message-hook".into();
        t.actions[0]["supported_triggers"] = json!([{"id": "send-phone-message", "version": "v2"}]);
    }
    let (code, _, checks) = w.doctor(None).await;
    assert_eq!(problems(&checks), BTreeSet::from(["one-live-code"]));
    assert!(
        get(&checks, "one-live-code")
            .evidence
            .contains("No code is bound to the send-phone-message trigger"),
    );
    assert_eq!(code, 2);
}

#[tokio::test]
async fn a_provider_that_is_not_custom_fails() {
    let w = World::healthy("twilio").await;
    w.tenant.state.lock().unwrap().phone_providers[0]["disabled"] = json!(true);
    let (_, _, checks) = w.doctor(None).await;
    assert_eq!(problems(&checks), BTreeSet::from(["provider-custom"]));
    assert!(
        get(&checks, "provider-custom")
            .evidence
            .contains("disabled")
    );
}

#[tokio::test]
async fn a_classic_tenant_on_another_provider_fails_custom() {
    let w = World::healthy("twilio").await;
    {
        let mut t = w.tenant.state.lock().unwrap();
        t.upe = false;
        t.selected_provider = "twilio".into();
        t.message_types = vec!["sms".into()];
        // The Action is bound to the classic trigger.
        let id = t.actions[0]["id"].clone();
        t.actions[0]["supported_triggers"] = json!([{"id": "send-phone-message", "version": "v2"}]);
        t.bindings.insert(
            "send-phone-message".into(),
            vec![json!({"id": "bnd_1", "trigger_id": "send-phone-message", "display_name": "sms-mfa-twilio",
                "action": {"id": id, "name": "sms-mfa-twilio"}})],
        );
    }
    let (_, text, checks) = w.doctor(None).await;
    assert!(problems(&checks).contains("provider-custom"), "{text}");
    assert!(
        get(&checks, "provider-custom")
            .evidence
            .contains("\"twilio\"")
    );
}

#[tokio::test]
async fn missing_secrets_fail_on_both_sides() {
    // The Action's secrets removed on the tenant.
    let w = World::healthy("twilio").await;
    w.tenant.state.lock().unwrap().actions[0]["secrets"] = json!([]);
    let (_, _, checks) = w.doctor(None).await;
    assert_eq!(problems(&checks), BTreeSet::from(["secret-names"]));
    let e = &get(&checks, "secret-names").evidence;
    assert!(
        e.contains("TWILIO_AUTH_TOKEN") && e.contains("no such secret"),
        "{e}"
    );
    // And the auth token missing here: nothing to check the provider with.
    let mut w = World::healthy("twilio").await;
    w.env.remove("SMS_MFA_TWILIO_AUTH_TOKEN");
    let (code, _, checks) = w.doctor(None).await;
    assert_eq!(get(&checks, "settings-complete").status, Status::Fail);
    assert!(
        get(&checks, "settings-complete")
            .evidence
            .contains("TWILIO_AUTH_TOKEN is not set")
    );
    assert_eq!(get(&checks, "credentials-valid").status, Status::Skipped);
    assert_eq!(code, 2);
}

#[tokio::test]
async fn wrong_credentials_fail_with_the_providers_own_error() {
    let mut w = World::healthy("twilio").await;
    w.env.insert(
        "SMS_MFA_TWILIO_AUTH_TOKEN".into(),
        "00000000000000000000000000000000".into(),
    );
    let (_, _, checks) = w.doctor(None).await;
    let c = get(&checks, "credentials-valid");
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.evidence.contains("[20003] Authenticate"),
        "{}",
        c.evidence
    );
    // One cause, one failure: the sender is not blamed for it.
    assert_eq!(get(&checks, "sender-owned").status, Status::Skipped);
    assert_eq!(problems(&checks), BTreeSet::from(["credentials-valid"]));
}

#[tokio::test]
async fn the_infobip_samples_secret_name_mismatch_is_named() {
    let script = include_str!("../../assets/sandbox/infobip-guide-hook.js");
    let mut t = auth0::Tenant::classic_with_hook(script);
    // As the guide says: the secret is created as INFOBIP_API_KEY.
    t.hook_secrets.insert(
        "hook_1".into(),
        json!({"INFOBIP_API_KEY": "_VALUE_NOT_SHOWN_"}),
    );
    t.message_types = vec!["sms".into()];
    let w = World::new("infobip", Account::full(), t).await;
    let (_, text, checks) = w.doctor(None).await;
    let e = &get(&checks, "secret-names").evidence;
    assert_eq!(get(&checks, "secret-names").status, Status::Fail, "{text}");
    assert!(
        e.contains("reads API_KEY but no such secret is configured"),
        "{e}"
    );
    assert!(e.contains("never read: INFOBIP_API_KEY"), "{e}");
    // The hook itself is past its end of life, with the migration as fix.
    assert_eq!(get(&checks, "hooks-end-of-life").status, Status::Fail);
    let hooks = text
        .split("No tenant still depends on a Hook")
        .nth(1)
        .unwrap();
    assert!(hooks.contains("fix: Migrate to an Action"), "{text}");
    // The migration works: after `tenant apply`, both pass.
    let (code, out, err) = w.apply("infobip").await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (_, text, checks) = w.doctor(None).await;
    assert_eq!(get(&checks, "secret-names").status, Status::Pass, "{text}");
    assert_eq!(
        get(&checks, "hooks-end-of-life").status,
        Status::Pass,
        "{text}"
    );
}

#[tokio::test]
async fn a_number_not_in_e164_fails() {
    let w = World::healthy("twilio").await;
    let (code, _, checks) = w.doctor(Some("0044 7700 900123")).await;
    assert_eq!(problems(&checks), BTreeSet::from(["recipient-e164"]));
    assert!(
        get(&checks, "recipient-e164")
            .evidence
            .contains("\"0044 7700 900123\" is not E.164")
    );
    assert_eq!(code, 2);
}

#[tokio::test]
async fn a_trial_account_and_an_unverified_number_fail() {
    let trial = Account {
        trial: true,
        verified: vec!["+447911123456"],
        ..Account::full()
    };
    let w = World::new("twilio", trial, auth0::Tenant::fresh_upe()).await;
    let (_, _, checks) = w.doctor(None).await;
    let c = get(&checks, "trial-destination");
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.evidence
            .contains("+14155550100 is not a verified caller id"),
        "{}",
        c.evidence
    );
    assert!(c.evidence.contains("21608"));
    // A verified number reaches the test, but real users will not be: a warning.
    let (_, _, checks) = w.doctor(Some("+447911123456")).await;
    assert_eq!(get(&checks, "trial-destination").status, Status::Warning);
}

#[tokio::test]
async fn a_sender_the_account_does_not_own_fails() {
    let w = World::healthy("twilio").await;
    let mut w2 = w;
    w2.env
        .insert("SMS_MFA_TWILIO_PHONE_NUMBER".into(), "+15005550001".into());
    let (_, _, checks) = w2.doctor(None).await;
    assert_eq!(problems(&checks), BTreeSet::from(["sender-owned"]));
    assert!(
        get(&checks, "sender-owned")
            .evidence
            .contains("+15005550001 is not a number of this account")
    );
}

#[tokio::test]
async fn a_disabled_factor_fails() {
    let w = World::healthy("twilio").await;
    w.tenant.state.lock().unwrap().sms_enabled = false;
    let (_, _, checks) = w.doctor(None).await;
    assert_eq!(problems(&checks), BTreeSet::from(["sms-enabled"]));
}

#[tokio::test]
async fn no_policy_fails_with_a_fix_by_hand() {
    let w = World::healthy("twilio").await;
    w.tenant.state.lock().unwrap().policies = json!([]);
    let (_, text, checks) = w.doctor(None).await;
    assert_eq!(problems(&checks), BTreeSet::from(["mfa-policy"]));
    let policy = text.split("MFA is required by a policy").nth(1).unwrap();
    assert!(
        policy.contains("fix: Set 'Require Multi-factor Auth' to Always"),
        "{text}"
    );
}

#[tokio::test]
async fn failure_logs_show_the_providers_error_text() {
    let w = World::healthy("twilio").await;
    w.tenant.state.lock().unwrap().logs = json!([{
        "date": "2026-11-22T09:14:03.120Z", "type": "gd_send_sms_failure",
        "description": "Failed to send SMS",
        "details": {"provider_error": {"errorCode": 21608,
            "message": "The number +14155550100 is unverified. Trial accounts cannot send messages to unverified numbers."}}
    }]);
    let (_, _, checks) = w.doctor(None).await;
    assert_eq!(problems(&checks), BTreeSet::from(["failure-logs"]));
    let e = &get(&checks, "failure-logs").evidence;
    assert!(
        e.contains("[21608]: The number +14155550100 is unverified."),
        "{e}"
    );
}

#[tokio::test]
async fn one_check_that_errors_does_not_stop_the_others() {
    let w = World::healthy("twilio").await;
    w.tenant.state.lock().unwrap().fail = Some((
        "GET".into(),
        "/api/v2/guardian/policies".into(),
        503,
        json!({"statusCode": 503, "error": "Service Unavailable", "message": "Try again later"}),
    ));
    let (code, _, checks) = w.doctor(None).await;
    assert_eq!(get(&checks, "mfa-policy").status, Status::Error);
    assert_eq!(problems(&checks), BTreeSet::from(["mfa-policy"]));
    assert_eq!(code, 1, "could not check: exit 1, not a failure");
}

#[tokio::test]
async fn a_slow_check_says_so_while_it_runs() {
    let mut w = World::healthy("twilio").await;
    // A tenant that answers each call after 400 ms.
    let slow = auth0::serve(w.tenant.tenant(), Duration::from_millis(400)).await;
    w.env.insert("SMS_MFA_AUTH0_BASE_URL".into(), slow.uri());
    let store = MemoryStore::new();
    let env = |n: &str| w.env.get(n).cloned();
    let loaded = config::load(&w.paths, "default").profile;
    let provider = Catalog::builtin().get("twilio");
    let prepared = sms_mfa::doctor::prepare(
        Catalog::builtin(),
        &store,
        &env,
        "default",
        &loaded,
        provider,
        None,
    );
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let started = std::time::Instant::now();
    let found = sms_mfa::doctor::run(
        &prepared,
        Catalog::builtin(),
        Http::new(),
        Duration::from_millis(300),
        Arc::new(move |e| seen.lock().unwrap().push((started.elapsed(), e))),
    )
    .await;
    let total = started.elapsed();
    let events = events.lock().unwrap();
    let slow_at = events
        .iter()
        .find_map(|(t, e)| match e {
            sms_mfa::doctor::Event::Slow { ids, .. } => Some((*t, ids.clone())),
            _ => None,
        })
        .expect("the tenant's checks said they were slow");
    assert_eq!(slow_at.1, sms_mfa::doctor::tenant_ids());
    assert!(slow_at.0 < total, "said while running, not after");
    // The provider's group (fast) reported before the tenant's finished.
    let provider_done = events
        .iter()
        .position(|(_, e)| matches!(e, sms_mfa::doctor::Event::Done(f) if f.iter().any(|x| x.id == "credentials-valid")))
        .unwrap();
    let tenant_done = events
        .iter()
        .position(|(_, e)| matches!(e, sms_mfa::doctor::Event::Done(f) if f.iter().any(|x| x.id == "sms-enabled")))
        .unwrap();
    assert!(provider_done < tenant_done);
    assert_eq!(found.len(), Checklist::builtin().items.len());
}

/// The text as a person reads it, loopback ports replaced.
fn stable(text: &str) -> String {
    regex::Regex::new(r"127\.0\.0\.1:\d+")
        .unwrap()
        .replace_all(text, "127.0.0.1:PORT")
        .into_owned()
}

#[tokio::test]
async fn doctor_text_output() {
    // A trial account, a fresh tenant: problems in three categories.
    let trial = Account {
        trial: true,
        ..Account::full()
    };
    let w = World::new("twilio", trial, auth0::Tenant::fresh_upe()).await;
    let (code, text, _) = w.doctor(None).await;
    assert_eq!(code, 2);
    insta::assert_snapshot!("doctor_text", stable(&text));
}

/// `sms-mfa ARGS` headless (no terminal), off the test's runtime.
async fn headless(w: &World, args: &'static [&'static str]) -> common::keyring::Run {
    let home = w._home.path().to_path_buf();
    let env: Vec<(String, String)> = w.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        common::keyring::sms_mfa(&home, args, "", &env)
    })
    .await
    .unwrap()
}

/// The real binary, headless: exit codes as documented, and no escape
/// codes without a terminal.
#[tokio::test]
async fn the_binary_prints_plain_text_without_a_terminal() {
    let w = World::healthy("twilio").await;
    let run = headless(&w, &["doctor"]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .starts_with("sms-mfa doctor · profile default · Twilio Programmable SMS\n"),
        "the profile's provider: {}",
        run.stdout
    );
    assert!(run.stdout.contains("no problems found"));
    assert!(!run.stdout.contains('\x1b'));
    // A warning only: exit 1.
    w.tenant.state.lock().unwrap().scopes = auth0::ALL_READ.replace(" read:logs", "");
    let run = headless(&w, &["doctor", "--verbose"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("The token lacks read:logs"),
        "{}",
        run.stdout
    );
    // A failure: exit 2, and --json lists it.
    w.tenant.state.lock().unwrap().sms_enabled = false;
    let run = headless(&w, &["doctor", "--json"]).await;
    assert_eq!(run.code, 2, "a failure: exit 2");
    let checks = parse(&run.stdout);
    assert!(problems(&checks).contains("sms-enabled"));
    let run = headless(&w, &["doctor", "--provider", "sinch"]).await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown provider \"sinch\""),
        "{}",
        run.stderr
    );
}

/// In a terminal the marks are coloured, unless NO_COLOR is set.
#[tokio::test]
async fn colour_on_a_terminal_and_never_with_no_color() {
    let w = World::healthy("twilio").await;
    let home = w._home.path().to_path_buf();
    for (no_color, coloured) in [(None, true), (Some("1"), false)] {
        let mut env: Vec<(String, String)> =
            w.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if let Some(v) = no_color {
            env.push(("NO_COLOR".into(), v.into()));
        }
        let h = home.clone();
        let raw = tokio::task::spawn_blocking(move || {
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let mut s = common::Session::spawn_with(&["doctor"], &h, 120, 60, &env);
            s.wait_for_wrapped("no problems found");
            s.wait_exit();
            String::from_utf8_lossy(&s.transcript()).into_owned()
        })
        .await
        .unwrap();
        assert_eq!(
            raw.contains("\x1b[32m✓"),
            coloured,
            "NO_COLOR={no_color:?}: {raw:?}"
        );
    }
}

/// The wizard's checklist in a pseudo-terminal against the fakes: resumed
/// on step 5 it checks at once; `a` on a tenant problem plans the fix in
/// step 4 (nothing written before y); after y and Enter the checklist runs
/// again, and r after the policy is set by hand finds nothing left.
#[tokio::test]
async fn the_wizard_checklist_checks_and_fixes_through_the_plan() {
    use common::{ENTER, Session};
    let w = World::new("twilio", Account::full(), auth0::Tenant::fresh_upe()).await;
    let profile = Profile {
        provider: Some("twilio".into()),
        step: sms_mfa::wizard::Step::Checklist,
        test_recipient: Some("+14155550100".into()),
        ..Profile::default()
    };
    config::save(&w.paths, "default", &profile).unwrap();
    let state = w.tenant.state.clone();
    let home = w._home.path().to_path_buf();
    let env: Vec<(String, String)> = w.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut s = Session::spawn_with(&[], &home, 110, 34, &env);
        s.wait_for("Step 5 of 5");
        s.wait_for("4 problems found");
        assert!(
            s.screen().contains("✗ The SMS factor is enabled"),
            "{}",
            s.screen()
        );
        assert!(
            s.screen()
                .contains("✓ The provider accepts the credentials"),
            "{}",
            s.screen()
        );
        // The checklist opens on its first problem.
        s.wait_for("▸ ✗ The SMS factor is enabled");
        s.send("a");
        s.wait_for("Step 4 of 5");
        s.wait_for("changes planned");
        assert!(
            state.lock().unwrap().actions.is_empty(),
            "nothing applied before y"
        );
        s.send("y");
        s.wait_for("Last apply: 5 applied");
        s.wait_for("1 problem found");
        s.send(ENTER);
        s.wait_for("Step 5 of 5");
        s.wait_for("1 problem found: ↑↓ selects one");
        assert!(
            s.screen().contains("✗ MFA is required by a policy"),
            "{}",
            s.screen()
        );
        state.lock().unwrap().policies = json!(["all-applications"]);
        s.send("r");
        s.wait_for("No problems found.");
        s.send("q");
        let _ = s.wait_exit();
    })
    .await
    .unwrap();
}

/// The commands under each problem run as shown: the provider's id, and
/// the profile when it is not the default (found by review).
#[test]
fn fix_commands_name_the_provider_and_the_profile() {
    let found = vec![
        sms_mfa::doctor::Found {
            id: "credentials-valid",
            status: Status::Fail,
            evidence: "e".into(),
            fix: None,
        },
        sms_mfa::doctor::Found {
            id: "sms-enabled",
            status: Status::Fail,
            evidence: "e".into(),
            fix: None,
        },
    ];
    let command = |checks: &[Check], id: &str| {
        get(checks, id)
            .remediation
            .as_ref()
            .unwrap()
            .command
            .clone()
            .unwrap()
    };
    let mut checks = sms_mfa::doctor::assemble(Checklist::builtin(), &found);
    sms_mfa::doctor::commands_for(&mut checks, Some("vonage"), "default");
    assert_eq!(
        command(&checks, "credentials-valid"),
        "sms-mfa check-credentials --provider vonage"
    );
    let mut checks = sms_mfa::doctor::assemble(Checklist::builtin(), &found);
    sms_mfa::doctor::commands_for(&mut checks, Some("vonage"), "staging");
    assert_eq!(
        command(&checks, "sms-enabled"),
        "sms-mfa --profile staging tenant apply --provider vonage --apply"
    );
    // Every command of the checklist parses as sms-mfa's own command line.
    use clap::Parser;
    for item in &Checklist::builtin().items {
        if let Some(cmd) = &item.command {
            let line = cmd
                .replace("PROVIDER", "twilio")
                .replace("NUMBER", "+14155550100");
            let args: Vec<&str> = line.split_whitespace().collect();
            assert!(
                sms_mfa::cli::Cli::try_parse_from(&args).is_ok(),
                "{}: {line}",
                item.id
            );
        }
    }
}

/// Twilio Verify sends only one-time codes: on a Unified Phone Experience
/// tenant the plan and the doctor say once that account notices are
/// dropped (Programmable SMS would deliver them).
#[tokio::test]
async fn verify_says_it_will_not_deliver_account_notices() {
    let w = World::new("twilio-verify", Account::full(), auth0::Tenant::fresh_upe()).await;
    let (code, out, err) = w.apply("twilio-verify").await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        out.matches("Twilio Verify sends only one-time codes")
            .count(),
        1,
        "the plan says it once: {out}"
    );
    w.tenant.state.lock().unwrap().policies = json!(["all-applications"]);
    let (code, _, checks) = w.doctor(None).await;
    assert_eq!(code, 0, "a fact, not a problem");
    let e = &get(&checks, "verify-custom-codes").evidence;
    assert_eq!(
        e.matches("Twilio Verify sends only one-time codes, so the Action drops those notices")
            .count(),
        1,
        "{e}"
    );
    assert!(
        e.contains("Twilio Programmable SMS would deliver them"),
        "{e}"
    );
}

/// The live code calling a loopback or private-network address fails the
/// doctor's code-reachable check for a real tenant (Auth0 can never reach
/// it), passes for a tenant on this machine, and is skipped when the code
/// could not be read.
#[test]
fn live_code_calling_a_local_address_is_flagged() {
    use sms_mfa::auth0::inspect::Report;
    use sms_mfa::doctor::tenant_found;
    let report = |code: Option<&str>| Report {
        generation: None,
        findings: vec![],
        live_code: code.map(str::to_string),
    };
    let local = "const BASE_URL = \"http://127.0.0.1:8080\";";
    let check = |base: &str, code: Option<&str>| {
        let v = tenant_found(base, &report(code), &[]);
        let f = v.into_iter().find(|f| f.id == "code-reachable").unwrap();
        (f.status, f.evidence)
    };
    let (s, e) = check("https://acme.eu.auth0.com", Some(local));
    assert_eq!(s, Status::Fail, "{e}");
    assert!(
        e.contains("http://127.0.0.1:8080 (a loopback address)"),
        "{e}"
    );
    let (s, e) = check("http://127.0.0.1:4000", Some(local));
    assert_eq!(s, Status::Pass, "{e}");
    let public = "const BASE_URL = \"https://api.twilio.com\";";
    assert_eq!(
        check("https://acme.eu.auth0.com", Some(public)).0,
        Status::Pass
    );
    assert_eq!(check("https://acme.eu.auth0.com", None).0, Status::Skipped);
}
