//! `sms-mfa tenant apply` and `tenant try` against a fake tenant with
//! state (src/sandbox/auth0.rs): the plan, the exact writes, the backup,
//! a second apply that writes nothing, a failure part-way.

use crate::common;

use common::auth0::{self, ALL_READ, Fake, Tenant};
use common::fakes;
use common::keyring::{Run, sms_mfa};
use serde_json::{Value, json};
use sms_mfa::codegen::{self, Target};
use sms_mfa::providers::Catalog;
use std::path::Path;
use std::time::Duration;

const TWILIO_API: &str = "https://api.twilio.com";

fn env(fake: &Fake, provider: &str, api: &str) -> Vec<(&'static str, String)> {
    let mut e = fake.env();
    e.extend(fakes::env_for(provider, api));
    e
}

async fn run(home: &Path, args: &[&str], env: Vec<(&'static str, String)>) -> (Run, Value) {
    let home = home.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let r = tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        sms_mfa(&home, &a, "", &env)
    })
    .await
    .unwrap();
    let doc: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
    (r, doc)
}

fn kinds(doc: &Value) -> Vec<String> {
    doc["changes"]
        .as_array()
        .unwrap_or_else(|| panic!("no changes: {doc:#}"))
        .iter()
        .map(|c| c["kind"].as_str().unwrap().to_string())
        .collect()
}

/// The writes, as (METHOD path).
fn lines(writes: &[(String, String, String, Value)]) -> Vec<String> {
    writes
        .iter()
        .map(|(_, m, p, _)| format!("{m} {p}"))
        .collect()
}

fn body<'a>(writes: &'a [(String, String, String, Value)], what: &str) -> &'a Value {
    &writes
        .iter()
        .find(|(_, m, p, _)| format!("{m} {p}") == what)
        .unwrap_or_else(|| panic!("no {what} in {:?}", lines(writes)))
        .3
}

fn secrets_sent(v: &Value) -> Vec<(String, String)> {
    let mut s: Vec<(String, String)> = v["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["name"].as_str().unwrap().into(),
                x["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    s.sort();
    s
}

fn status<'a>(doc: &'a Value, id: &str) -> &'a str {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .and_then(|f| f["status"].as_str())
        .unwrap_or_else(|| panic!("no {id}: {doc:#}"))
}

fn twilio_code(target: Target) -> String {
    let p = Catalog::builtin().get("twilio").unwrap();
    codegen::render(p, target, Some(TWILIO_API)).unwrap()
}

#[tokio::test]
async fn a_fresh_unified_phone_tenant_is_planned_applied_and_then_left_alone() {
    let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "twilio", TWILIO_API);

    // The dry run reads and plans, and writes nothing.
    let (r, doc) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--json"],
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 1, "changes pending: {r:?}");
    assert_eq!(
        kinds(&doc),
        [
            "create-action",
            "deploy",
            "create-phone-provider",
            "enable-factor",
            "message-types"
        ],
        "no binding step on custom-phone-provider"
    );
    assert_eq!(doc["trigger"], "custom-phone-provider");
    assert!(
        doc["notes"].to_string().contains("MFA policy is empty"),
        "the policy is left to a person: {doc:#}"
    );
    assert!(fake.writes().await.is_empty(), "a dry run never writes");

    // Applied: exactly these writes, in this order.
    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "twilio",
            "--apply",
            "--json",
        ],
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(doc["applied"]["failed"], Value::Null, "{doc:#}");
    let writes = fake.writes().await;
    assert_eq!(
        lines(&writes),
        [
            "POST /api/v2/actions/actions",
            "POST /api/v2/actions/actions/act_100/deploy",
            "POST /api/v2/branding/phone/providers",
            "PUT /api/v2/guardian/factors/sms",
            "PUT /api/v2/guardian/factors/phone/message-types",
        ]
    );
    let create = body(&writes, "POST /api/v2/actions/actions");
    assert_eq!(create["name"], "sms-mfa-twilio");
    assert_eq!(
        create["supported_triggers"],
        json!([{"id": "custom-phone-provider", "version": "v1"}])
    );
    assert_eq!(create["runtime"], "node22");
    assert_eq!(
        create["code"].as_str().unwrap(),
        twilio_code(Target::CustomPhoneProvider)
    );
    assert_eq!(
        secrets_sent(create),
        [
            ("TWILIO_ACCOUNT_SID".to_string(), fakes::SID.to_string()),
            ("TWILIO_AUTH_TOKEN".to_string(), fakes::TOKEN.to_string()),
            (
                "TWILIO_PHONE_NUMBER".to_string(),
                "+15005550006".to_string()
            ),
        ]
    );
    assert_eq!(
        body(&writes, "PUT /api/v2/guardian/factors/phone/message-types"),
        &json!({"message_types": ["sms"]})
    );
    assert_eq!(
        body(&writes, "POST /api/v2/branding/phone/providers"),
        &json!({"name": "custom", "configuration": {"delivery_methods": ["text"]}, "credentials": {}})
    );
    assert_eq!(
        body(&writes, "PUT /api/v2/guardian/factors/sms"),
        &json!({"enabled": true})
    );
    // It waited for the build before deploying.
    let calls = fake.calls().await;
    let deploy_at = calls.iter().position(|c| c.2.ends_with("/deploy")).unwrap();
    let polls = calls[..deploy_at]
        .iter()
        .filter(|c| c.1 == "GET" && c.2 == "/api/v2/actions/actions/act_100")
        .count();
    assert_eq!(polls, 2, "building, then built");
    // The backup folder holds the settings it replaced.
    let backups: Vec<_> = std::fs::read_dir(home.path().join("data/sms-mfa/backups"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1);
    let settings =
        std::fs::read_to_string(backups[0].as_ref().unwrap().path().join("settings.json")).unwrap();
    assert!(settings.contains("\"sms_enabled\": false"), "{settings}");
    // No secret reached the output or the data dir.
    for text in [&r.stdout, &r.stderr, &settings] {
        assert!(!text.contains(fakes::TOKEN) && !text.contains(auth0::CLIENT_SECRET));
    }
    let applied = std::fs::read_to_string(
        home.path()
            .join("data/sms-mfa/applied")
            .read_dir()
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    )
    .unwrap();
    assert!(applied.contains("digest") && !applied.contains(fakes::TOKEN));

    // The tenant check now passes everything but the policy.
    let (r, doc) = run(home.path(), &["tenant", "check", "--json"], env.clone()).await;
    assert_eq!(r.code, 1, "only the empty policy is left: {r:?}");
    for id in [
        "generation",
        "sms-enabled",
        "provider-custom",
        "message-types",
        "one-live-code",
        "secret-names",
        "failure-logs",
    ] {
        assert_eq!(status(&doc, id), "pass", "{id}: {doc:#}");
    }
    // The failure logs were asked for with a Lucene query in q (docs
    // "Retrieve Log Events Using Management API"; go-auth0's recording
    // TestLogManager_Search), never the older `search`.
    let logs: Vec<String> = fake
        .server
        .received_requests()
        .iter()
        .filter(|r| r.url.path() == "/api/v2/logs")
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect();
    assert!(!logs.is_empty());
    for q in &logs {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect();
        assert!(
            pairs.iter().any(|(k, v)| k == "q"
                && v.starts_with("type:(gd_send_sms_failure OR")
                && v.contains("actions_execution_failed")),
            "{pairs:?}"
        );
        assert!(!pairs.iter().any(|(k, _)| k == "search"), "{pairs:?}");
    }
    assert_eq!(status(&doc, "mfa-policy"), "fail");

    // A second apply changes nothing.
    let before = fake.writes().await.len();
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--apply"],
        env,
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Nothing to change"), "{}", r.stdout);
    assert_eq!(
        fake.writes().await.len(),
        before,
        "no write the second time"
    );
}

#[tokio::test]
async fn a_classic_tenant_with_a_legacy_hook_moves_to_an_action_and_keeps_the_hook() {
    let seed = include_str!("../../assets/sandbox/infobip-guide-hook.js");
    let mut t = Tenant::classic_with_hook(seed);
    t.selected_provider = "auth0".into();
    let fake = auth0::serve(t, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "infobip", "https://xyz123.api.infobip.com");
    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "infobip",
            "--apply",
            "--json",
        ],
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    let writes = fake.writes().await;
    assert_eq!(
        lines(&writes),
        [
            "POST /api/v2/actions/actions",
            "POST /api/v2/actions/actions/act_100/deploy",
            "PATCH /api/v2/actions/triggers/send-phone-message/bindings",
            "PATCH /api/v2/hooks/hook_1",
            "PUT /api/v2/guardian/factors/phone/selected-provider",
            "PUT /api/v2/guardian/factors/phone/message-types",
        ]
    );
    let create = body(&writes, "POST /api/v2/actions/actions");
    assert_eq!(
        create["supported_triggers"],
        json!([{"id": "send-phone-message", "version": "v2"}]),
        "the trigger's CURRENT version, not a hard-coded one"
    );
    let names: Vec<String> = secrets_sent(create).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        names,
        ["INFOBIP_API_KEY", "INFOBIP_BASE_URL"],
        "the optional sender is not set, so not sent"
    );
    assert_eq!(
        body(&writes, "PATCH /api/v2/hooks/hook_1"),
        &json!({"enabled": false})
    );
    assert_eq!(
        body(
            &writes,
            "PUT /api/v2/guardian/factors/phone/selected-provider"
        ),
        &json!({"provider": "phone-message-hook"})
    );
    assert_eq!(
        body(&writes, "PUT /api/v2/guardian/factors/phone/message-types"),
        &json!({"message_types": ["sms", "voice"]})
    );
    assert!(doc["notes"].to_string().contains("end of life"), "{doc:#}");
    // The hook is disabled, never deleted, and its code was saved first.
    let state = fake.tenant();
    assert_eq!(state.hooks.len(), 1);
    assert_eq!(state.hooks[0]["enabled"], false);
    let folder = Path::new(doc["backup"].as_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(folder.join("hook-send-sms.js")).unwrap(),
        seed
    );

    // Checked afterwards: the Action is the one live code.
    let (r, doc) = run(home.path(), &["tenant", "check", "--json"], env.clone()).await;
    assert_eq!(r.code, 0, "{r:?}\n{doc:#}");
    assert_eq!(status(&doc, "secret-names"), "pass");

    let before = fake.writes().await.len();
    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "infobip",
            "--apply",
            "--json",
        ],
        env,
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(kinds(&doc), Vec::<String>::new());
    assert_eq!(fake.writes().await.len(), before);
}

/// Classic tenants may run several send-phone-message Actions; binding
/// decides which: ours is updated and bound alone, the other unbound and
/// kept, both codes saved first.
#[tokio::test]
async fn an_outdated_action_is_updated_another_unbound_and_both_codes_saved_first() {
    let mut t = Tenant::fresh_upe()
        .with_bound_action(
            "act_1",
            "sms-mfa-twilio",
            "send-phone-message",
            "// old code",
        )
        .with_bound_action("act_2", "my-sms", "send-phone-message", "// theirs");
    t.upe = false;
    t.sms_enabled = true;
    t.selected_provider = "phone-message-hook".into();
    t.message_types = vec!["sms".into()];
    let fake = auth0::serve(t, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "twilio",
            "--apply",
            "--json",
        ],
        env(&fake, "twilio", TWILIO_API),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(kinds(&doc), ["update-action", "deploy", "bind"]);
    let writes = fake.writes().await;
    assert_eq!(
        lines(&writes),
        [
            "PATCH /api/v2/actions/actions/act_1",
            "POST /api/v2/actions/actions/act_1/deploy",
            "PATCH /api/v2/actions/triggers/send-phone-message/bindings",
        ]
    );
    let update = body(&writes, "PATCH /api/v2/actions/actions/act_1");
    assert_eq!(
        update["code"].as_str().unwrap(),
        twilio_code(Target::SendPhoneMessage)
    );
    assert_eq!(secrets_sent(update).len(), 3);
    assert_eq!(
        body(
            &writes,
            "PATCH /api/v2/actions/triggers/send-phone-message/bindings"
        ),
        &json!({"bindings": [{"ref": {"type": "action_id", "value": "act_1"}, "display_name": "sms-mfa-twilio"}]}),
        "only ours stays bound"
    );
    let folder = Path::new(doc["backup"].as_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(folder.join("action-sms-mfa-twilio.js")).unwrap(),
        "// old code"
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("action-my-sms.js")).unwrap(),
        "// theirs"
    );
    assert_eq!(fake.tenant().actions.len(), 2, "the other Action is kept");
}

/// The tenant the Auth0 docs describe ("Configure a Custom Phone
/// Provider"): an Action made in the dashboard on custom-phone-provider,
/// deployed, not bound (no binding step), then the custom phone provider.
fn dashboard_tenant(provider: &str) -> Tenant {
    let p = Catalog::builtin().get(provider).unwrap();
    let code = codegen::render(p, Target::CustomPhoneProvider, None).unwrap();
    let mut t = Tenant::fresh_upe().with_bound_action(
        "act_dash",
        "Custom Phone Provider",
        "custom-phone-provider",
        &code,
    );
    t.bindings.clear();
    t.actions[0]["secrets"] = json!(
        codegen::action_secrets(p)
            .iter()
            .map(|n| json!({"name": n, "updated_at": "2026-11-01T10:00:00.000Z"}))
            .collect::<Vec<_>>()
    );
    t.sms_enabled = true;
    t.policies = json!(["all-applications"]);
    t.message_types = vec!["sms".into()];
    t.phone_providers
        .push(json!({"id": "pro_1", "tenant": "acme", "name": "custom",
        "channel": "phone", "disabled": false, "configuration": {"delivery_methods": ["text"]}}));
    t
}

#[tokio::test]
async fn a_dashboard_action_is_live_adopted_updated_in_place_and_never_duplicated() {
    let fake = auth0::serve(dashboard_tenant("vonage"), Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "twilio", TWILIO_API);
    let old_code = fake.tenant().actions[0]["code"]
        .as_str()
        .unwrap()
        .to_string();

    // The check sees the deployed Action as live (it said "nothing bound"),
    // and, with no provider chosen yet, reads it as the Vonage code it is.
    let (r, doc) = run(home.path(), &["tenant", "check", "--json"], env.clone()).await;
    assert_eq!(
        r.code, 0,
        "a tenant set up the documented way is healthy: {doc:#}"
    );
    assert_eq!(status(&doc, "one-live-code"), "pass", "{doc:#}");
    let live = doc["findings"][5]["detail"].to_string();
    assert!(live.contains("Custom Phone Provider"), "{live}");

    let (r, doc) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio"],
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("Update the Action 'Custom Phone Provider' (made elsewhere; Auth0 allows one Action on custom-phone-provider) in place: replace its code with the generated Twilio Programmable SMS code"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("saved to the backup first"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("Create the Action"), "{}", r.stdout);
    assert_eq!(doc, Value::Null);

    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "twilio",
            "--apply",
            "--json",
        ],
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(kinds(&doc), ["update-action", "deploy"]);
    assert_eq!(doc["adopted"], "Custom Phone Provider");
    assert_eq!(doc["action"], "Custom Phone Provider", "its name is kept");
    let writes = fake.writes().await;
    assert_eq!(
        lines(&writes),
        [
            "PATCH /api/v2/actions/actions/act_dash",
            "POST /api/v2/actions/actions/act_dash/deploy",
        ]
    );
    let update = body(&writes, "PATCH /api/v2/actions/actions/act_dash");
    assert_eq!(
        update["code"].as_str().unwrap(),
        twilio_code(Target::CustomPhoneProvider)
    );
    assert_eq!(update["runtime"], "node22");
    assert!(update.get("name").is_none(), "never renamed: {update}");
    let folder = Path::new(doc["backup"].as_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(folder.join("action-Custom_Phone_Provider.js")).unwrap(),
        old_code,
        "the dashboard's code is in the backup"
    );
    let t = fake.tenant();
    let on_trigger = t
        .actions
        .iter()
        .filter(|a| a["supported_triggers"][0]["id"] == "custom-phone-provider")
        .count();
    assert_eq!(on_trigger, 1, "one Action on the trigger afterwards");

    // Clean, and a second apply writes nothing.
    let (r, doc) = run(home.path(), &["tenant", "check", "--json"], env.clone()).await;
    assert_eq!(r.code, 0, "{r:?} {doc:#}");
    let before = fake.writes().await.len();
    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "twilio",
            "--apply",
            "--json",
        ],
        env,
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(kinds(&doc), Vec::<String>::new());
    assert_eq!(fake.writes().await.len(), before);
}

#[tokio::test]
async fn switching_provider_updates_the_same_action() {
    let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--apply"],
        env(&fake, "twilio", TWILIO_API),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    let before = fake.writes().await.len();
    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "vonage",
            "--apply",
            "--json",
        ],
        env(&fake, "vonage", "https://rest.nexmo.com"),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(kinds(&doc), ["update-action", "deploy"], "{doc:#}");
    assert_eq!(doc["changes"][0]["rename"], "sms-mfa-vonage");
    let writes = fake.writes().await[before..].to_vec();
    assert_eq!(
        lines(&writes),
        [
            "PATCH /api/v2/actions/actions/act_100",
            "POST /api/v2/actions/actions/act_100/deploy",
        ]
    );
    let update = body(&writes, "PATCH /api/v2/actions/actions/act_100");
    assert_eq!(update["name"], "sms-mfa-vonage");
    let p = Catalog::builtin().get("vonage").unwrap();
    assert_eq!(
        update["code"].as_str().unwrap(),
        codegen::render(
            p,
            Target::CustomPhoneProvider,
            Some("https://rest.nexmo.com")
        )
        .unwrap()
    );
    let names: Vec<String> = secrets_sent(update).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        names,
        ["VONAGE_API_KEY", "VONAGE_API_SECRET", "VONAGE_FROM_NUMBER"]
    );
    let t = fake.tenant();
    assert_eq!(t.actions.len(), 1, "still one Action");
    assert_eq!(t.actions[0]["name"], "sms-mfa-vonage");
    // The next Vonage plan is empty.
    let (r, doc) = run(
        home.path(),
        &["tenant", "apply", "--provider", "vonage", "--json"],
        env(&fake, "vonage", "https://rest.nexmo.com"),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(kinds(&doc), Vec::<String>::new());
}

/// A second Action on custom-phone-provider, as the support article quotes
/// Auth0's answer: its own message and fix, never "lacks a scope"; another
/// 403 that is not about a scope keeps Auth0's text.
#[tokio::test]
async fn the_cardinality_refusal_is_told_apart_from_a_missing_scope() {
    let mut t = Tenant::fresh_upe();
    t.fail = Some((
        "POST".into(),
        "/api/v2/actions/actions".into(),
        403,
        json!({"statusCode": 403, "error": "Forbidden",
            "message": "custom-phone-provider can only have one supported Action",
            "errorCode": "actions_cardinality_custom_phone_provider_not_allowed"}),
    ));
    let fake = auth0::serve(t, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "twilio", TWILIO_API);
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--apply"],
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout
            .contains("custom-phone-provider can only have one supported Action")
            && r.stdout
                .contains("Auth0 allows one Action on the custom-phone-provider trigger")
            && r.stdout.contains("updates that Action in place"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("lacks a scope"), "{}", r.stdout);

    fake.state.lock().unwrap().fail = Some((
        "POST".into(),
        "/api/v2/actions/actions".into(),
        403,
        json!({"statusCode": 403, "error": "Forbidden",
            "message": "Actions are disabled for this tenant", "errorCode": "feature_disabled"}),
    ));
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--apply"],
        env,
    )
    .await;
    assert!(
        r.stdout.contains("Actions are disabled for this tenant"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("lacks a scope"), "{}", r.stdout);
}

/// The factor offers voice only (sandbox scenario `voice-only`): found, and
/// fixed by adding SMS, within the provider's delivery methods.
#[tokio::test]
async fn a_voice_only_factor_is_found_and_fixed() {
    let sc = sms_mfa::sandbox::Scenarios::builtin()
        .get("voice-only")
        .unwrap();
    let fake = auth0::serve(sc.tenant(), Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "twilio", TWILIO_API);
    let (_, doc) = run(home.path(), &["tenant", "check", "--json"], env.clone()).await;
    assert_eq!(status(&doc, "message-types"), "fail", "{doc:#}");
    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "twilio",
            "--apply",
            "--json",
        ],
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        kinds(&doc).contains(&"message-types".to_string()),
        "{doc:#}"
    );
    assert_eq!(
        body(
            &fake.writes().await,
            "PUT /api/v2/guardian/factors/phone/message-types"
        ),
        &json!({"message_types": ["sms", "voice"]})
    );
    let (_, doc) = run(home.path(), &["tenant", "check", "--json"], env).await;
    assert_eq!(status(&doc, "message-types"), "pass", "{doc:#}");
}

#[tokio::test]
async fn a_failed_change_says_what_was_applied_and_the_next_apply_finishes_the_rest() {
    let mut t = Tenant::fresh_upe();
    t.fail = Some((
        "POST".into(),
        "/api/v2/branding/phone/providers".into(),
        500,
        json!({"statusCode": 500, "error": "Internal Server Error", "message": "Something went wrong"}),
    ));
    let fake = auth0::serve(t, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "twilio", TWILIO_API);
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--apply"],
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    let out = &r.stdout;
    assert!(
        out.contains("✓ Create the Action 'sms-mfa-twilio'"),
        "{out}"
    );
    assert!(out.contains("✓ Deploy 'sms-mfa-twilio'"), "{out}");
    assert!(
        out.contains("✗ Create the Custom phone provider") && out.contains("Something went wrong"),
        "{out}"
    );
    assert!(
        out.contains("- not applied: Enable the Phone Message (sms) MFA factor"),
        "{out}"
    );
    assert!(!fake.tenant().sms_enabled, "nothing after the failure ran");

    fake.state.lock().unwrap().fail = None;
    let before = fake.writes().await.len();
    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "twilio",
            "--apply",
            "--json",
        ],
        env,
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        kinds(&doc),
        ["create-phone-provider", "enable-factor", "message-types"]
    );
    assert_eq!(
        lines(&fake.writes().await[before..]),
        [
            "POST /api/v2/branding/phone/providers",
            "PUT /api/v2/guardian/factors/sms",
            "PUT /api/v2/guardian/factors/phone/message-types"
        ]
    );
}

#[tokio::test]
async fn a_changed_secret_value_is_pushed_again_without_touching_the_code() {
    let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let env1 = env(&fake, "twilio", TWILIO_API);
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--apply"],
        env1.clone(),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    let rotated = "00112233445566778899aabbccddeeff";
    let mut env2 = env1.clone();
    env2.retain(|(k, _)| *k != "SMS_MFA_TWILIO_AUTH_TOKEN");
    env2.push(("SMS_MFA_TWILIO_AUTH_TOKEN", rotated.into()));
    let before = fake.writes().await.len();
    let (r, doc) = run(
        home.path(),
        &[
            "tenant",
            "apply",
            "--provider",
            "twilio",
            "--apply",
            "--json",
        ],
        env2,
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(kinds(&doc), ["update-action", "deploy"]);
    let writes = fake.writes().await[before..].to_vec();
    let update = body(&writes, "PATCH /api/v2/actions/actions/act_100");
    assert!(update.get("code").is_none(), "the code is unchanged");
    assert!(
        secrets_sent(update).contains(&("TWILIO_AUTH_TOKEN".into(), rotated.into())),
        "{update}"
    );
    // And a change made on the dashboard (a newer updated_at) is noticed.
    {
        let mut t = fake.state.lock().unwrap();
        t.actions[0]["secrets"][0]["updated_at"] = json!("2026-11-23T23:00:00.000Z");
    }
    let (r, doc) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--json"],
        env1,
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(kinds(&doc), ["update-action", "deploy"]);
}

#[tokio::test]
async fn missing_write_scopes_change_nothing_and_are_named() {
    let mut t = Tenant::fresh_upe();
    t.scopes = ALL_READ.into();
    let fake = auth0::serve(t, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--apply"],
        env(&fake, "twilio", TWILIO_API),
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    for s in [
        "create:actions",
        "create:phone_providers",
        "update:guardian_factors",
    ] {
        assert!(r.stderr.contains(s), "{s}: {}", r.stderr);
    }
    assert!(
        !r.stderr.contains("update:actions"),
        "nothing to bind or update: {}",
        r.stderr
    );
    assert!(fake.writes().await.is_empty());
    assert!(!home.path().join("data/sms-mfa/backups").exists());
}

#[tokio::test]
async fn apply_without_a_provider_or_its_secrets_cannot_plan() {
    let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let (r, _) = run(home.path(), &["tenant", "apply"], fake.env()).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--provider"), "{}", r.stderr);
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio"],
        fake.env(),
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("TWILIO_ACCOUNT_SID is not set"),
        "{}",
        r.stderr
    );
    assert!(fake.calls().await.is_empty(), "nothing asked of the tenant");
}

#[tokio::test]
async fn auth0_tries_the_custom_phone_provider_end_to_end() {
    let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let (r, _) = run(
        home.path(),
        &["tenant", "try", "--to", "+14155550100"],
        fake.env(),
    )
    .await;
    assert_eq!(r.code, 2, "no Custom provider yet: {r:?}");
    assert!(r.stderr.contains("tenant apply"), "{}", r.stderr);

    fake.state
        .lock()
        .unwrap()
        .phone_providers
        .push(json!({"id": "pro_1", "name": "custom",
        "disabled": false, "configuration": {"delivery_methods": ["text"]}}));
    let (r, doc) = run(
        home.path(),
        &["tenant", "try", "--to", "+14155550100", "--json"],
        fake.env(),
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(doc["ok"], true);
    assert_eq!(
        fake.tenant().tries,
        [json!({"to": "+14155550100", "delivery_method": "text"})]
    );
    let (r, _) = run(home.path(), &["tenant", "try", "--to", "0155"], fake.env()).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(
        fake.tenant().tries.len(),
        1,
        "nothing sent for a bad number"
    );
}

/// The wizard's tenant step in a pseudo-terminal against the fake tenant:
/// resumed on step 4 with the connection in the environment, it checks at
/// once, plans the fix on f, applies it on y, checks again, and plans
/// nothing the second time; t has Auth0 send its own test.
#[tokio::test]
async fn the_wizard_checks_plans_applies_and_tries_the_tenant() {
    use common::{CTRL_C, Session};
    let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
    let env = env(&fake, "twilio", TWILIO_API);
    let state = fake.state.clone();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/sms-mfa/profiles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("default.toml"),
        "provider = \"twilio\"\nstep = \"tenant\"\ntest_recipient = \"+14155550100\"\n",
    )
    .unwrap();
    let path = home.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut s = Session::spawn_with(&[], &path, 110, 32, &env);
        s.wait_for("Step 4 of 5");
        s.wait_for("4 problems found");
        assert!(
            s.screen().contains("✗ SMS factor enabled"),
            "{}",
            s.screen()
        );
        s.send("f");
        s.wait_for("5 changes planned");
        assert!(
            state.lock().unwrap().actions.is_empty(),
            "nothing applied before y"
        );
        s.send("y");
        s.wait_for("Last apply: 5 applied");
        s.wait_for("1 problem found"); // the empty MFA policy, left to a person
        assert!(state.lock().unwrap().sms_enabled);
        s.send("f");
        s.wait_for("Nothing to change");
        s.send("t");
        s.wait_for("Auth0's test: accepted");
        assert_eq!(
            state.lock().unwrap().tries,
            [json!({"to": "+14155550100", "delivery_method": "text"})]
        );
        s.send(CTRL_C);
        let _ = s.wait_exit();
    })
    .await
    .unwrap();
    assert_eq!(fake.writes().await.len(), 5 + 1, "five changes and one try");
}

/// The runtime tells the wizard about a rate-limit wait before the answer
/// (the countdown on screen), then answers with the check.
#[tokio::test]
async fn the_runtime_reports_a_rate_limit_wait_then_the_check() {
    use sms_mfa::sandbox::server::Response;
    use sms_mfa::tui::effects::perform;
    use sms_mfa::wizard::{Effect, Msg, TenantAnswer, TenantCall, TenantWork};
    let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
    // The first GET of the factors only.
    let answered = std::sync::atomic::AtomicBool::new(false);
    fake.server.answer_with(move |r| {
        (r.method == "GET"
            && r.url.path() == "/api/v2/guardian/factors"
            && !answered.swap(true, std::sync::atomic::Ordering::SeqCst))
        .then(|| Response::new(429).insert_header("retry-after", "1"))
    });
    let env: std::collections::HashMap<&str, String> = fake.env().into_iter().collect();
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let services = common::services(dir.path(), move |n| env.get(n).cloned(), Some(tx));
    let effect = Effect::Tenant {
        op: 7,
        call: TenantCall {
            profile_name: "default".into(),
            profile: Default::default(),
            provider: None,
        },
        work: TenantWork::Check,
    };
    let answer = perform(effect, &services).await;
    let Some(Msg::TenantDone {
        op: 7,
        result: Ok(TenantAnswer::Checked(report)),
    }) = answer
    else {
        panic!("{answer:?}")
    };
    assert_eq!(
        report
            .findings
            .iter()
            .find(|f| f.id == "sms-enabled")
            .unwrap()
            .status,
        sms_mfa::auth0::inspect::Status::Fail,
        "answered after the wait"
    );
    assert_eq!(
        rx.try_recv().unwrap(),
        Msg::RateLimited {
            op: 7,
            secs: 1,
            path: "/guardian/factors".into()
        }
    );
}

/// The simulated tenant holds the rules of the real service (each from the
/// source named in src/sandbox/auth0.rs), so a plan that breaks one fails
/// here as it would for real.
#[tokio::test]
async fn the_simulated_tenant_holds_the_real_rules() {
    use reqwest::Method;
    use sms_mfa::auth0::Connection;
    let mut t = Tenant::fresh_upe();
    t.scopes.push_str(" read:phone_templates");
    let fake = auth0::serve(t, Duration::ZERO).await;
    let conn = Connection::with_token(fake.uri(), auth0::TOKEN.into());
    let action = |name: &str| {
        json!({"name": name, "code": "exports.onExecuteCustomPhoneProvider = async () => {};",
            "runtime": "node22", "dependencies": [], "secrets": [],
            "supported_triggers": [{"id": "custom-phone-provider", "version": "v1"}]})
    };
    let custom = json!({"name": "custom", "configuration": {"delivery_methods": ["text"]}, "credentials": {}});

    // No custom phone provider before a deployed custom-phone-provider Action.
    let e = conn
        .send(Method::POST, "/branding/phone/providers", Some(&custom))
        .await
        .unwrap_err();
    assert_eq!(e.status, 400);
    assert!(
        e.error_code
            .as_deref()
            .is_some_and(|c| c.ends_with("deployed_action_not_found")),
        "{e:?}"
    );
    assert!(
        e.hint()
            .contains("deployed custom-phone-provider Action first")
    );

    // One Action on custom-phone-provider: a second is refused with the
    // support article's answer, whatever its name.
    let a = conn
        .send(
            Method::POST,
            "/actions/actions",
            Some(&action("Custom Phone Provider")),
        )
        .await
        .unwrap();
    let e = conn
        .send(
            Method::POST,
            "/actions/actions",
            Some(&action("sms-mfa-twilio")),
        )
        .await
        .unwrap_err();
    assert_eq!(e.status, 403);
    assert_eq!(
        e.error_code.as_deref(),
        Some("actions_cardinality_custom_phone_provider_not_allowed")
    );
    assert!(!e.hint().contains("scope"), "{}", e.hint());
    // Listed by trigger, whatever its name.
    let listed = conn
        .get("/actions/actions?triggerId=custom-phone-provider")
        .await
        .unwrap();
    assert_eq!(listed["actions"].as_array().unwrap().len(), 1);
    assert_eq!(listed["actions"][0]["name"], "Custom Phone Provider");

    // Deployed, the provider can be made.
    let id = a["id"].as_str().unwrap();
    conn.get(&format!("/actions/actions/{id}")).await.unwrap();
    conn.get(&format!("/actions/actions/{id}")).await.unwrap();
    conn.send(Method::POST, &format!("/actions/actions/{id}/deploy"), None)
        .await
        .unwrap();
    conn.send(Method::POST, "/branding/phone/providers", Some(&custom))
        .await
        .unwrap();

    // Message types work on this generation, within the delivery methods.
    assert_eq!(
        conn.get("/guardian/factors/phone/message-types")
            .await
            .unwrap(),
        json!({"message_types": []})
    );
    let e = conn
        .send(
            Method::PUT,
            "/guardian/factors/phone/message-types",
            Some(&json!({"message_types": ["sms", "voice"]})),
        )
        .await
        .unwrap_err();
    assert_eq!(e.status, 400, "voice is not a delivery method: {e:?}");
    conn.send(
        Method::PUT,
        "/guardian/factors/phone/message-types",
        Some(&json!({"message_types": ["sms"]})),
    )
    .await
    .unwrap();
    // The legacy selected-provider endpoint stays refused.
    let e = conn
        .get("/guardian/factors/phone/selected-provider")
        .await
        .unwrap_err();
    assert_eq!(e.status, 403);

    // Runtimes as the service names them.
    let triggers = conn.get("/actions/triggers").await.unwrap();
    assert!(triggers.to_string().contains("node18-actions"));

    // The phone notification templates are readable, all five kinds.
    let templates = conn.get("/branding/phone/templates").await.unwrap();
    let kinds: Vec<&str> = templates["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "otp_verify",
            "otp_enroll",
            "change_password",
            "blocked_account",
            "password_breach"
        ]
    );

    // Logs: `q` is a Lucene query; `search` is a starts-with search on
    // client_name, connection and user_name that finds no failure by type.
    fake.state.lock().unwrap().logs = json!([
        {"log_id": "1", "date": "2026-11-23T09:00:00.000Z", "type": "gd_send_sms_failure"},
        {"log_id": "2", "date": "2026-11-23T09:01:00.000Z", "type": "sapi"},
        {"log_id": "3", "date": "2026-11-23T09:02:00.000Z", "type": "fn"},
    ]);
    let q = conn
        .get("/logs?q=type%3A(gd_send_sms_failure%20OR%20fn)&sort=date%3A-1&per_page=5")
        .await
        .unwrap();
    let ids: Vec<&str> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["log_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["3", "1"], "matching, newest first");
    let old = conn
        .get("/logs?search=type%3A(gd_send_sms_failure%20OR%20fn)&per_page=5")
        .await
        .unwrap();
    assert_eq!(old, json!([]));
}

/// A tenant whose every printed field carries terminal escapes: an Action
/// and a phone provider named with them, failure logs, error answers.
fn hostile_tenant() -> Tenant {
    use common::hostile::EVIL;
    let mut t = Tenant::fresh_upe().with_bound_action(
        "act_1",
        EVIL,
        "custom-phone-provider",
        "exports.onExecuteCustomPhoneProvider = async () => {};",
    );
    t.phone_providers = vec![json!({"id": "pro_1", "tenant": "acme", "name": EVIL,
        "channel": "phone", "disabled": true,
        "configuration": {"delivery_methods": ["voice"]},
        "created_at": "2026-11-01T10:00:00.000Z", "updated_at": "2026-11-01T10:00:00.000Z"})];
    t.logs = json!([{"date": "2026-11-23T10:00:00.000Z", "type": "fn",
        "description": EVIL, "details": {"error": EVIL, "message": EVIL}}]);
    t
}

/// Text from the tenant (names, logs, Auth0's error bodies) reaches the
/// terminal of `tenant check`, `apply` (the plan and the result lines) and
/// `try` only with its controls made visible.
#[tokio::test]
async fn escape_sequences_from_the_tenant_never_reach_the_terminal() {
    use common::hostile::{EVIL, assert_clean};
    let refusal = json!({"statusCode": 409, "error": EVIL, "message": EVIL, "errorCode": EVIL});
    let fake = auth0::serve(hostile_tenant(), Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "twilio", TWILIO_API);
    let visible = |what: &str, r: &Run| {
        assert_clean(what, &r.stdout);
        assert_clean(what, &r.stderr);
        assert!(
            (r.stdout.clone() + &r.stderr).contains("\\u{1b}]0;pwned\\u{7}"),
            "{what}: the text is shown, its controls visible: {r:?}"
        );
    };
    let (r, _) = run(home.path(), &["tenant", "check"], env.clone()).await;
    visible("tenant check", &r);
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio"],
        env.clone(),
    )
    .await;
    visible("tenant apply (the plan)", &r);
    // The Action on the trigger is adopted: its update is refused.
    fake.state.lock().unwrap().fail = Some((
        "PATCH".into(),
        "/api/v2/actions/actions/act_1".into(),
        409,
        refusal.clone(),
    ));
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--apply"],
        env.clone(),
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    visible("tenant apply --apply (the result)", &r);
    {
        let mut t = fake.state.lock().unwrap();
        t.phone_providers[0]["name"] = json!("custom");
        t.fail = Some((
            "POST".into(),
            "/api/v2/branding/phone/providers/pro_1/try".into(),
            409,
            refusal,
        ));
    }
    let (r, _) = run(
        home.path(),
        &["tenant", "try", "--to", "+14155550100"],
        env.clone(),
    )
    .await;
    visible("tenant try", &r);
    // A token refusal with escapes in Auth0's words.
    let token = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(
            wiremock::ResponseTemplate::new(401)
                .set_body_json(json!({"error": EVIL, "error_description": EVIL})),
        )
        .mount(&token)
        .await;
    let mut e = env.clone();
    e.retain(|(k, _)| *k != "SMS_MFA_AUTH0_BASE_URL");
    e.push(("SMS_MFA_AUTH0_BASE_URL", token.uri()));
    let (r, _) = run(home.path(), &["tenant", "check"], e).await;
    assert_eq!(r.code, 2, "{r:?}");
    visible("tenant check, token refused", &r);
}

/// `tenant apply --apply` in the background, sent SIGTERM `times` times
/// (100 ms apart) once the fake has made the Action.
async fn apply_signalled(
    home: &Path,
    env: &[(&'static str, String)],
    fake: &Fake,
    times: usize,
) -> Run {
    let state = fake.state.clone();
    let (h, e) = (home.to_path_buf(), env.to_vec());
    tokio::task::spawn_blocking(move || {
        let child = common::keyring::command(
            &h,
            &["tenant", "apply", "--provider", "twilio", "--apply"],
            &e,
        )
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
        let asked = std::time::Instant::now();
        while state.lock().unwrap().actions.is_empty() {
            assert!(asked.elapsed() < Duration::from_secs(20), "never started");
            std::thread::sleep(Duration::from_millis(2));
        }
        for i in 0..times {
            if i > 0 {
                std::thread::sleep(Duration::from_millis(100));
            }
            common::keyring::signal(child.id(), libc::SIGTERM);
        }
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

/// SIGTERM while `tenant apply --apply` runs against a slow tenant: the
/// change in progress finishes, the result says what was applied and what
/// was not, exit 143; the record holds the Action made, so the next plan
/// lists exactly what was not applied.
#[tokio::test]
async fn sigterm_during_a_headless_apply_reports_and_records_what_was_done() {
    // Every Management API answer takes 250 ms: the apply is slow.
    let fake = auth0::serve(Tenant::fresh_upe(), Duration::from_millis(250)).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "twilio", TWILIO_API);
    // The signal comes once the first change (the Action) is made.
    let r = apply_signalled(home.path(), &env, &fake, 1).await;
    assert_eq!(r.code, 143, "{r:?}");
    assert!(
        r.stderr
            .contains("SIGTERM: finishing the change in progress"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("✓ Create the Action 'sms-mfa-twilio'"),
        "{r:?}"
    );
    assert!(r.stdout.contains("Interrupted by SIGTERM"), "{r:?}");
    let not_applied: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("- not applied: "))
        .collect();
    assert!(!not_applied.is_empty(), "stopped part-way: {r:?}");
    // The record holds the Action made.
    let dir = home.path().join("data/sms-mfa/applied");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let record: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let made = fake.tenant().actions[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        record["sms-mfa-twilio"]["action_id"],
        made.as_str(),
        "{record:#}"
    );
    // The next plan lists exactly what was not applied.
    let (_, doc) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--json"],
        env,
    )
    .await;
    let next: Vec<String> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["description"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(next, not_applied, "{doc:#}");
}

/// Every file `tenant apply` creates (backups with the tenant's old code,
/// the record, the log, the profile and its lock) is 0600 in 0700 folders.
#[cfg(unix)]
#[tokio::test]
async fn every_file_the_program_creates_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tenant::fresh_upe().with_bound_action(
        "act_old",
        "old-sms",
        "custom-phone-provider",
        "exports.onExecuteCustomPhoneProvider = async () => { /* API_KEY=... */ };",
    );
    let fake = auth0::serve(t, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "twilio", TWILIO_API);
    let h = home.path().to_path_buf();
    let r = tokio::task::spawn_blocking(move || {
        sms_mfa(
            &h,
            &["secrets", "set", "twilio", "TWILIO_PHONE_NUMBER"],
            "+15005550006",
            &[],
        )
    })
    .await
    .unwrap();
    assert_eq!(r.code, 0, "{r:?}");
    let (r, _) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--apply"],
        env,
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    let mut files = Vec::new();
    let mut dirs = vec![
        home.path().join("config/sms-mfa"),
        home.path().join("data/sms-mfa"),
    ];
    let mut seen = 0;
    while let Some(d) = dirs.pop() {
        let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", d.display());
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{}", p.display());
                files.push(p);
            }
            seen += 1;
        }
    }
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in [
        "default.toml",
        "default.toml.lock",
        "sms-mfa.log",
        "settings.json",
        "action-old-sms.js",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    assert!(seen >= 8, "{names:?}");
}

/// A second signal abandons the change in progress: it is listed as maybe
/// made, the rest as not applied, exit 143; the next plan reads the tenant
/// and shows what is left (the Action exists, its secrets are set again
/// since their push was never confirmed).
#[tokio::test]
async fn a_second_signal_abandons_the_change_in_progress() {
    let fake = auth0::serve(Tenant::fresh_upe(), Duration::from_millis(400)).await;
    let home = tempfile::tempdir().unwrap();
    let env = env(&fake, "twilio", TWILIO_API);
    // The fake has made the Action; its answer is 400 ms away.
    let r = apply_signalled(home.path(), &env, &fake, 2).await;
    assert_eq!(r.code, 143, "{r:?}");
    assert!(
        r.stdout.contains(
            "✗ Create the Action 'sms-mfa-twilio' for custom-phone-provider with the generated code and its secrets: abandoned while in progress"
        ),
        "{r:?}"
    );
    assert!(r.stdout.contains("- not applied: Deploy"), "{r:?}");
    assert!(r.stdout.contains("Interrupted by SIGTERM: 0 of 5"), "{r:?}");
    let (_, doc) = run(
        home.path(),
        &["tenant", "apply", "--provider", "twilio", "--json"],
        env,
    )
    .await;
    let kinds = kinds(&doc);
    assert!(!kinds.contains(&"create-action".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"update-action".to_string()), "{kinds:?}");
}

// ---- tenant connect / disconnect (issue 20) ----

mod connect {
    use super::auth0::{self, Tenant};
    use serde_json::Value;
    use sms_mfa::auth0::connect as c;
    use sms_mfa::auth0::inspect::Generation;
    use sms_mfa::commands::{self, connect as cmd};
    use sms_mfa::config::Paths;
    use sms_mfa::providers::Catalog;
    use sms_mfa::sandbox::spec;
    use sms_mfa::secrets::{MemoryStore, SecretStore, entry_user};
    use std::collections::{BTreeMap, BTreeSet};
    use std::time::Duration;

    const SECRET_USER: &str = "default/auth0/AUTH0_CLIENT_SECRET";

    struct Run {
        code: u8,
        out: String,
        err: String,
        doc: Value,
    }

    /// `tenant connect` (or `disconnect`) in-process against `fake`, with
    /// `token` pasted on standard input.
    async fn run(
        fake: &auth0::Fake,
        dir: &std::path::Path,
        store: &MemoryStore,
        token: &str,
        disconnect: bool,
        apply: bool,
        rotate: bool,
    ) -> Run {
        run_on(
            fake,
            dir,
            store,
            token,
            "https://acme.eu.auth0.com/",
            disconnect,
            apply,
            rotate,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_on(
        fake: &auth0::Fake,
        dir: &std::path::Path,
        store: &MemoryStore,
        token: &str,
        domain: &str,
        disconnect: bool,
        apply: bool,
        rotate: bool,
    ) -> Run {
        let paths = Paths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
        };
        let mut env: BTreeMap<String, String> = BTreeMap::new();
        env.insert("SMS_MFA_AUTH0_BASE_URL".into(), fake.uri());
        let env = move |n: &str| env.get(n).cloned();
        let ctx = commands::tenant::Context {
            paths: &paths,
            profile: "default",
            catalog: Catalog::builtin(),
            store,
            env: &env,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let token = token.to_string();
        let mut read = || Ok(token.clone());
        let mut confirm = |_: &str| None;
        let mut io = cmd::Io {
            out: &mut out,
            err: &mut err,
            read_token: &mut read,
            confirm: &mut confirm,
        };
        let args = cmd::Args {
            domain: Some(domain),
            apply,
            rotate_secret: rotate,
            json: true,
        };
        let code = if disconnect {
            cmd::disconnect(&ctx, &mut io, args).await.unwrap()
        } else {
            cmd::connect(&ctx, &mut io, args).await.unwrap()
        };
        let out = String::from_utf8(out).unwrap();
        Run {
            code,
            doc: serde_json::from_str(&out).unwrap_or(Value::Null),
            out,
            err: String::from_utf8(err).unwrap(),
        }
    }

    fn all() -> String {
        auth0::explorer_token_all()
    }

    /// The scopes granted for generation `g` are exactly those the
    /// operations check, plan, apply and try call need, as the Management
    /// API's specification names them (assets/specs/requests.json).
    fn assert_exact_per_spec(g: Generation, granted: &BTreeSet<String>) {
        let mut needed = BTreeSet::new();
        for op in c::operations(g) {
            let rule: Vec<String> = spec::rule(op)["scopes"]
                .as_array()
                .unwrap_or_else(|| panic!("{op} has no scopes in the spec"))
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect();
            let covered: Vec<&String> = rule.iter().filter(|s| granted.contains(*s)).collect();
            assert!(!covered.is_empty(), "{g:?}: {op} needs one of {rule:?}");
            needed.insert(covered[0].clone());
        }
        assert_eq!(
            &needed, granted,
            "{g:?}: no scope more than the operations use"
        );
    }

    #[tokio::test]
    async fn connect_on_each_generation_makes_one_app_with_exactly_its_scopes_then_writes_nothing()
    {
        for (tenant, g) in [
            (Tenant::fresh_upe(), Generation::UnifiedPhone),
            (
                super::Tenant::classic_with_hook("module.exports = () => {}"),
                Generation::Classic,
            ),
        ] {
            let fake = auth0::serve(tenant, Duration::ZERO).await;
            let dir = tempfile::tempdir().unwrap();
            let store = MemoryStore::new();
            // The plan first: nothing written.
            let r = run(&fake, dir.path(), &store, &all(), false, false, false).await;
            assert_eq!(r.code, 1, "{}{}", r.out, r.err);
            let kinds: Vec<&str> = r.doc["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["kind"].as_str().unwrap())
                .collect();
            assert_eq!(kinds, ["create_app", "create_grant"], "{:#}", r.doc);
            assert_eq!(r.doc["applied"], Value::Null);
            assert!(fake.writes().await.is_empty());
            assert!(
                r.doc["changes"][1]["description"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("these {} scopes", c::scopes(g).len()))
            );

            let r = run(&fake, dir.path(), &store, &all(), false, true, false).await;
            assert_eq!(r.code, 0, "{}{}", r.out, r.err);
            let writes = fake.writes().await;
            let ops: Vec<&str> = writes.iter().map(|w| w.0.as_str()).collect();
            assert_eq!(ops, ["auth0.clients.post", "auth0.client-grants.post"]);
            let app = &writes[0].3;
            assert_eq!(app["name"], "sms-mfa");
            assert_eq!(app["app_type"], "non_interactive");
            assert_eq!(
                app["grant_types"],
                serde_json::json!(["client_credentials"])
            );
            let grant = &writes[1].3;
            assert_eq!(grant["audience"], "https://acme.eu.auth0.com/api/v2/");
            let granted: BTreeSet<String> = grant["scope"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect();
            assert_exact_per_spec(g, &granted);
            if g == Generation::UnifiedPhone {
                assert!(!granted.iter().any(|s| s.contains("hooks")), "{granted:?}");
            }
            let t = fake.tenant();
            assert_eq!((t.clients.len(), t.grants.len()), (1, 1));
            let id = t.clients[0]["client_id"].as_str().unwrap().to_string();
            // The secret is in the keyring, the domain and id in the profile.
            let secret = store
                .get(SECRET_USER)
                .unwrap()
                .map(|s| secrecy::ExposeSecret::expose_secret(&s).to_string());
            assert_eq!(secret.as_deref(), t.clients[0]["_secret"].as_str());
            let profile = sms_mfa::config::load(
                &Paths {
                    config_dir: dir.path().join("config"),
                    data_dir: dir.path().join("data"),
                },
                "default",
            )
            .profile;
            assert_eq!(
                profile.settings["auth0"]["AUTH0_DOMAIN"],
                "acme.eu.auth0.com"
            );
            assert_eq!(profile.settings["auth0"]["AUTH0_CLIENT_ID"], id);

            // The application's own token reads the tenant with no scope missing.
            let conn = sms_mfa::auth0::Connection::connect(
                fake.uri(),
                "acme.eu.auth0.com",
                &id,
                secret.as_deref().unwrap(),
            )
            .await
            .unwrap();
            let report = sms_mfa::auth0::inspect::inspect(&conn, None).await;
            assert_eq!(report.generation, Some(g));
            assert_eq!(
                sms_mfa::auth0::inspect::missing_scopes(&conn, report.generation),
                Vec::<&str>::new()
            );

            // Again: nothing to change, nothing written.
            let before = fake.writes().await.len();
            let r = run(&fake, dir.path(), &store, &all(), false, true, false).await;
            assert_eq!(r.code, 0, "{}{}", r.out, r.err);
            assert_eq!(r.doc["changes"], serde_json::json!([]));
            assert_eq!(
                fake.writes().await.len(),
                before,
                "the second run writes nothing"
            );
        }
    }

    #[tokio::test]
    async fn a_grant_with_other_scopes_is_corrected_in_place() {
        let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::new();
        assert_eq!(
            run(&fake, dir.path(), &store, &all(), false, true, false)
                .await
                .code,
            0
        );
        {
            let mut t = fake.state.lock().unwrap();
            t.grants[0]["scope"] = serde_json::json!(["read:hooks", "read:tenant_settings"]);
        }
        let before = fake.writes().await.len();
        let r = run(&fake, dir.path(), &store, &all(), false, true, false).await;
        assert_eq!(r.code, 0, "{}{}", r.out, r.err);
        let writes = fake.writes().await;
        assert_eq!(writes.len(), before + 1);
        assert_eq!(writes[before].0, "auth0.client-grant.patch");
        assert_eq!(
            r.doc["changes"][0]["remove"],
            serde_json::json!(["read:hooks"])
        );
        let granted: BTreeSet<String> = fake.tenant().grants[0]["scope"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        assert_exact_per_spec(Generation::UnifiedPhone, &granted);
        assert_eq!(fake.tenant().clients.len(), 1, "no second application");
    }

    #[tokio::test]
    async fn a_token_lacking_a_scope_is_reported_before_anything_is_written() {
        let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::new();
        let lacking = c::CONNECT_NEEDS
            .iter()
            .filter(|s| **s != "create:client_grants")
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let r = run(
            &fake,
            dir.path(),
            &store,
            &auth0::explorer_token(&lacking),
            false,
            true,
            false,
        )
        .await;
        assert_eq!(r.code, 2, "{}{}", r.out, r.err);
        assert!(r.err.contains("create:client_grants"), "{}", r.err);
        assert!(fake.writes().await.is_empty());
        assert!(fake.calls().await.is_empty(), "not even a read");
        assert_eq!(store.get(SECRET_USER).unwrap().map(|_| ()), None);
        // Rotating needs update:client_keys too.
        let r = run(
            &fake,
            dir.path(),
            &store,
            &auth0::explorer_token(&c::CONNECT_NEEDS.join(" ")),
            false,
            true,
            true,
        )
        .await;
        assert_eq!(r.code, 2);
        assert!(r.err.contains("update:client_keys"), "{}", r.err);
        assert!(fake.writes().await.is_empty());
    }

    #[tokio::test]
    async fn rotate_secret_updates_the_keyring_and_disconnect_removes_both() {
        let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::new();
        assert_eq!(
            run(&fake, dir.path(), &store, &all(), false, true, false)
                .await
                .code,
            0
        );
        let first = store
            .get(SECRET_USER)
            .unwrap()
            .map(|s| secrecy::ExposeSecret::expose_secret(&s).to_string())
            .unwrap();
        let r = run(&fake, dir.path(), &store, &all(), false, true, true).await;
        assert_eq!(r.code, 0, "{}{}", r.out, r.err);
        let second = store
            .get(SECRET_USER)
            .unwrap()
            .map(|s| secrecy::ExposeSecret::expose_secret(&s).to_string())
            .unwrap();
        assert_ne!(first, second);
        assert_eq!(
            fake.tenant().clients[0]["_secret"].as_str(),
            Some(second.as_str())
        );
        assert_eq!(
            fake.writes().await.last().unwrap().0,
            "auth0.client.rotate-secret"
        );

        // Disconnect: the plan first, then both removed.
        let r = run(&fake, dir.path(), &store, &all(), true, false, false).await;
        assert_eq!(r.code, 1, "{}{}", r.out, r.err);
        assert_eq!(fake.tenant().clients.len(), 1);
        let r = run(&fake, dir.path(), &store, &all(), true, true, false).await;
        assert_eq!(r.code, 0, "{}{}", r.out, r.err);
        let t = fake.tenant();
        assert_eq!((t.clients.len(), t.grants.len()), (0, 0));
        assert_eq!(store.get(SECRET_USER).unwrap().map(|_| ()), None);
        assert_eq!(
            entry_user("default", "auth0", "AUTH0_CLIENT_SECRET"),
            SECRET_USER
        );
        // And again: nothing there, nothing written.
        let before = fake.writes().await.len();
        let r = run(&fake, dir.path(), &store, &all(), true, true, false).await;
        assert_eq!(r.code, 0);
        assert_eq!(fake.writes().await.len(), before);
    }

    #[tokio::test]
    async fn a_custom_domain_is_explained_and_nothing_is_asked() {
        let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::new();
        let r = run_on(
            &fake,
            dir.path(),
            &store,
            &all(),
            "https://login.acme.com/",
            false,
            true,
            false,
        )
        .await;
        assert_eq!(r.code, 2, "{}{}", r.out, r.err);
        assert!(
            r.err.contains("custom domain") && r.err.contains("auth0.com"),
            "{}",
            r.err
        );
        assert!(fake.calls().await.is_empty());
        // A pasted URL of the canonical domain is taken as it is.
        let r = run_on(
            &fake,
            dir.path(),
            &store,
            &all(),
            " HTTPS://ACME.eu.auth0.com/ ",
            false,
            false,
            false,
        )
        .await;
        assert_eq!(r.code, 1, "{}{}", r.out, r.err);
        assert_eq!(r.doc["tenant"], "acme.eu.auth0.com");
    }

    /// A keyring that hangs (a frozen Secret Service) while the wizard's
    /// connect stores the new secret: the store is called off the event
    /// loop and given up after the keyring timeout, and the loop keeps
    /// running meanwhile (on one thread, a ticker still ticks). Called in
    /// place (`Keep::Here`) the store would hold the loop for the whole
    /// hang (checked: the test then fails).
    #[tokio::test(flavor = "current_thread")]
    async fn a_hanging_keyring_does_not_hold_the_wizards_event_loop() {
        use secrecy::SecretString;
        use sms_mfa::secrets::StoreError;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU32, Ordering};
        struct Hanging;
        impl SecretStore for Hanging {
            fn get(&self, _: &str) -> Result<Option<SecretString>, StoreError> {
                Ok(None)
            }
            fn set(&self, _: &str, _: &SecretString) -> Result<(), StoreError> {
                std::thread::sleep(Duration::from_secs(6));
                Ok(())
            }
            fn delete(&self, _: &str) -> Result<bool, StoreError> {
                Ok(false)
            }
            fn describe(&self) -> String {
                "a frozen keyring".into()
            }
        }
        let fake = auth0::serve(Tenant::fresh_upe(), Duration::ZERO).await;
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
        };
        let token = auth0::explorer_token(&c::CONNECT_NEEDS.join(" "));
        let conn = c::PastedToken::parse(&token).unwrap().connect(fake.uri());
        let found = c::observe(&conn, "acme.eu.auth0.com", None).await.unwrap();
        let local = c::Local::read(&paths, "default", &Hanging).unwrap();
        let plan = c::plan("acme.eu.auth0.com", &found, &local, false);
        let ticks = Arc::new(AtomicU32::new(0));
        let t = Arc::clone(&ticks);
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                t.fetch_add(1, Ordering::Relaxed);
            }
        });
        let started = std::time::Instant::now();
        let out = c::execute(
            &conn,
            &plan,
            &paths,
            "default",
            c::Keep::OffLoop(Arc::new(Hanging)),
        )
        .await;
        let took = started.elapsed();
        ticker.abort();
        let (what, why) = out.failed.expect("the store timed out");
        assert!(what.contains("Create application"), "{what}");
        assert!(why.contains("does not answer"), "{why}");
        assert!(
            took >= sms_mfa::secrets::TIMEOUT && took < Duration::from_secs(6),
            "{took:?}"
        );
        assert!(
            ticks.load(Ordering::Relaxed) >= 30,
            "the loop ran while the keyring hung: {} ticks",
            ticks.load(Ordering::Relaxed)
        );
    }
}
