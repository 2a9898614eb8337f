//! Say what is right and what is not in the tenant's SMS MFA set-up, for
//! each tenant generation: [`judge`] is pure over what
//! [`super::observe`] read; [`inspect`] reads and judges. A check whose
//! scope the token lacks is skipped, naming the scope.

use super::observe::{
    self, Ask, Code, Live, LiveCode, Observed, Phone, PhoneProvider, Read, Unobserved,
};
use super::{Connection, Unreadable};
use crate::codegen;
use crate::providers::{Provider, Required};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

pub use super::observe::Generation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    /// Not run: the token lacks a scope, or an earlier answer was missing.
    Skipped,
    /// Auth0 refused the call.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    pub detail: String,
}

/// The ids of the findings, in the order [`inspect`] reports them.
pub const IDS: [&str; 9] = [
    "generation",
    "sms-enabled",
    "provider-custom",
    "message-types",
    "mfa-policy",
    "one-live-code",
    "secret-names",
    "hooks-end-of-life",
    "failure-logs",
];

/// The scopes every check together needs.
pub const SCOPES: [&str; 7] = [
    "read:tenant_settings",
    "read:hooks",
    "read:guardian_factors",
    "read:mfa_policies",
    "read:phone_providers",
    "read:actions",
    "read:logs",
];

/// The scopes of [`SCOPES`] the token lacks for a tenant of `generation`
/// (hooks exist only on classic tenants, phone providers only on Unified
/// Phone Experience ones: [`super::connect::scopes`]).
pub fn missing_scopes(conn: &Connection, generation: Option<Generation>) -> Vec<&'static str> {
    let needed = generation.map(super::connect::scopes);
    SCOPES
        .iter()
        .copied()
        .filter(|s| needed.as_ref().is_none_or(|n| n.contains(s)))
        .filter(|s| !conn.has_scope(s))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub generation: Option<Generation>,
    pub findings: Vec<Finding>,
    /// The one live piece of code, when it was read (the doctor looks for
    /// addresses in it that Auth0 cannot reach).
    #[serde(skip)]
    pub live_code: Option<String>,
}

impl Report {
    /// Everything checked passed.
    pub fn all_pass(&self) -> bool {
        self.findings.iter().all(|f| f.status == Status::Pass)
    }

    pub fn any_fail(&self) -> bool {
        self.findings.iter().any(|f| f.status == Status::Fail)
    }

    pub fn get(&self, id: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.id == id)
    }
}

fn finding(
    id: &'static str,
    title: &'static str,
    status: Status,
    detail: impl Into<String>,
) -> Finding {
    Finding {
        id,
        title,
        status,
        detail: detail.into(),
    }
}

/// A finding for a call that gave no answer.
fn missing(id: &'static str, title: &'static str, m: &Unreadable) -> Finding {
    match m {
        Unreadable::Scope(s) => finding(
            id,
            title,
            Status::Skipped,
            format!("Skipped: the token lacks the {s} scope."),
        ),
        Unreadable::Refused(_, e) => {
            finding(id, title, Status::Error, format!("{e}. {}", e.hint()))
        }
    }
}

/// A finding skipped because the generation is unknown.
fn unknown_generation(id: &'static str, title: &'static str) -> Finding {
    finding(
        id,
        title,
        Status::Skipped,
        "Skipped: the tenant generation is unknown.",
    )
}

/// Is a failure entry about a phone message? `fn` also covers e-mail
/// (`details.email_type`, go-auth0's recorded `fn` entry), and
/// `actions_execution_failed` every trigger: only the phone ones count.
pub fn is_phone_failure(e: &Value) -> bool {
    match e["type"].as_str() {
        Some("fn") => {
            e["details"]["email_type"].is_null()
                && !e["details"]["to"].as_str().is_some_and(|t| t.contains('@'))
        }
        Some("actions_execution_failed") => {
            let text = e.to_string();
            text.contains("custom-phone-provider") || text.contains("send-phone-message")
        }
        _ => true,
    }
}

/// Inspect the tenant. `provider` is the one chosen in the wizard: the
/// secrets of the live code are compared with what it needs.
pub async fn inspect(conn: &Connection, provider: Option<&Provider>) -> Report {
    judge(&observe::observe(conn, Ask::check()).await, provider)
}

/// The findings over what was read, in the order of [`IDS`]. Pure.
pub fn judge(seen: &Result<Observed, Unobserved>, provider: Option<&Provider>) -> Report {
    let (factor, logs, obs) = match seen {
        Ok(o) => (&o.factor, &o.failure_logs, Some(o)),
        Err(u) => (&u.factor, &u.failure_logs, None),
    };
    let live = obs.map(Observed::live);
    let (secrets, live_code) = secret_names(obs, live.as_ref(), provider);
    let [provider_custom, message_types] = provider_and_types(obs, &factor.message_types);
    let findings = vec![
        generation(seen),
        sms_enabled(&factor.sms_enabled),
        provider_custom,
        message_types,
        mfa_policy(&factor.policies),
        one_live_code(obs, live.as_ref()),
        secrets,
        hooks_end_of_life(obs),
        failure_logs(logs.as_ref()),
    ];
    Report {
        generation: obs.map(Observed::generation),
        findings,
        live_code,
    }
}

/// 1. The generation.
fn generation(seen: &Result<Observed, Unobserved>) -> Finding {
    const GEN: &str = "Tenant generation";
    match seen.as_ref().map(Observed::generation) {
        Ok(Generation::UnifiedPhone) => finding(
            "generation",
            GEN,
            Status::Pass,
            "Unified Phone Experience: \"Custom\" is a phone provider backed by a custom-phone-provider Action.",
        ),
        Ok(Generation::Classic) => finding(
            "generation",
            GEN,
            Status::Pass,
            "Classic phone settings: \"Custom\" is the phone-message-hook provider, with a send-phone-message Action.",
        ),
        Err(u) => missing("generation", GEN, &u.settings),
    }
}

/// 2. The sms factor.
fn sms_enabled(enabled: &Read<bool>) -> Finding {
    const SMS: &str = "SMS factor enabled";
    match enabled {
        Ok(true) => finding(
            "sms-enabled",
            SMS,
            Status::Pass,
            "The Phone Message (sms) factor is enabled.",
        ),
        Ok(false) => finding(
            "sms-enabled",
            SMS,
            Status::Fail,
            "The Phone Message (sms) factor is disabled: nobody can enroll or receive a code. Enable it in Security > Multi-factor Auth.",
        ),
        Err(m) => missing("sms-enabled", SMS, m),
    }
}

const TYPES: &str = "Message types include SMS";
const CUSTOM: &str = "Delivery provider is Custom";

/// 3 and 4: the Custom provider, and the message types.
fn provider_and_types(obs: Option<&Observed>, types: &Read<Vec<String>>) -> [Finding; 2] {
    match obs.map(|o| &o.phone) {
        Some(Phone::UnifiedPhone { providers, .. }) => upe_provider(providers, types),
        Some(Phone::Classic { selected, .. }) => [classic_provider(selected), classic_types(types)],
        None => [
            unknown_generation("provider-custom", CUSTOM),
            unknown_generation("message-types", TYPES),
        ],
    }
}

/// Unified Phone Experience: the custom phone provider, and the message
/// types it delivers.
fn upe_provider(providers: &Read<Vec<PhoneProvider>>, types: &Read<Vec<String>>) -> [Finding; 2] {
    let list = match providers {
        Ok(list) => list,
        Err(m) => {
            return [
                missing("provider-custom", CUSTOM, m),
                missing("message-types", TYPES, m),
            ];
        }
    };
    match list.iter().find(|p| p.name == "custom") {
        Some(p) if !p.disabled => [
            finding(
                "provider-custom",
                CUSTOM,
                Status::Pass,
                "A custom phone provider is configured and enabled.",
            ),
            upe_types(p, types),
        ],
        Some(_) => [
            finding(
                "provider-custom",
                CUSTOM,
                Status::Fail,
                "The custom phone provider is disabled.",
            ),
            finding(
                "message-types",
                TYPES,
                Status::Skipped,
                "Skipped: the provider is disabled.",
            ),
        ],
        None => {
            let names: Vec<&str> = list
                .iter()
                .map(|p| p.name.as_str())
                .filter(|n| !n.is_empty())
                .collect();
            [
                finding(
                    "provider-custom",
                    CUSTOM,
                    Status::Fail,
                    format!(
                        "No custom phone provider ({}). Create one under Branding > Phone Provider > Custom, after deploying the Action.",
                        if names.is_empty() {
                            "none is configured".to_string()
                        } else {
                            format!("configured: {}", names.join(", "))
                        }
                    ),
                ),
                finding(
                    "message-types",
                    TYPES,
                    Status::Skipped,
                    "Skipped: there is no custom phone provider.",
                ),
            ]
        }
    }
}

/// Classic: the selected provider is Custom (phone-message-hook).
fn classic_provider(selected: &Read<Option<String>>) -> Finding {
    match selected {
        Ok(Some(p)) if p == "phone-message-hook" => finding(
            "provider-custom",
            CUSTOM,
            Status::Pass,
            "The SMS delivery provider is Custom (phone-message-hook).",
        ),
        Ok(p) => finding(
            "provider-custom",
            CUSTOM,
            Status::Fail,
            format!(
                "The SMS delivery provider is {}: Auth0 never calls your code. Select Custom in Security > Multi-factor Auth > Phone Message.",
                Value::from(p.clone())
            ),
        ),
        Err(m) => missing("provider-custom", CUSTOM, m),
    }
}

/// Classic: SMS is among the message types.
fn classic_types(types: &Read<Vec<String>>) -> Finding {
    match types {
        Ok(v) if v.iter().any(|x| x == "sms") => finding(
            "message-types",
            TYPES,
            Status::Pass,
            "SMS is among the phone message types.",
        ),
        Ok(v) => finding(
            "message-types",
            TYPES,
            Status::Fail,
            format!(
                "The message types are {}: SMS is not offered.",
                Value::from(v.clone())
            ),
        ),
        Err(m) => missing("message-types", TYPES, m),
    }
}

/// 5. A policy that asks for MFA.
fn mfa_policy(policies: &Read<Vec<String>>) -> Finding {
    const POLICY: &str = "An MFA policy asks for the factor";
    match policies {
        Ok(v) if !v.is_empty() => finding(
            "mfa-policy",
            POLICY,
            Status::Pass,
            format!("MFA policy: {}.", Value::from(v.clone())),
        ),
        Ok(_) => finding(
            "mfa-policy",
            POLICY,
            Status::Fail,
            "The MFA policy is empty: nobody is asked for a second factor unless an Action requires it. Set \"Require Multi-factor Auth\" to Always (or Adaptive) in Security > Multi-factor Auth.",
        ),
        Err(m) => missing("mfa-policy", POLICY, m),
    }
}

/// 6. Exactly one live sending code.
fn one_live_code(obs: Option<&Observed>, live: Option<&Live>) -> Finding {
    const LIVE: &str = "Exactly one live sending code";
    let (Some(obs), Some(live)) = (obs, live) else {
        return unknown_generation("one-live-code", LIVE);
    };
    if let Some(m) = &live.unread {
        return missing("one-live-code", LIVE, m);
    }
    let trigger = obs.generation().trigger();
    let code = &live.code;
    match code.len() {
        0 if !live.undeployed.is_empty() => finding(
            "one-live-code",
            LIVE,
            Status::Fail,
            format!(
                "The Action {} on the {trigger} trigger was never deployed: Auth0 has nothing to call. sms-mfa tenant apply deploys it (after you confirm).",
                live.undeployed
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        0 if obs.bindings.is_none() => finding(
            "one-live-code",
            LIVE,
            Status::Fail,
            format!(
                "No Action on the {trigger} trigger: Auth0 has nothing to call. sms-mfa tenant apply creates and deploys one (after you confirm)."
            ),
        ),
        0 => finding(
            "one-live-code",
            LIVE,
            Status::Fail,
            format!(
                "No code is bound to the {trigger} trigger: Auth0 has nothing to call. sms-mfa tenant apply creates, deploys and binds the Action (after you confirm)."
            ),
        ),
        1 => {
            let mut d = format!("Live: {}.", code[0].describe());
            if matches!(code[0], Code::Hook { .. }) {
                d.push_str(" Hooks reached end of life on 2026-11-18: replace it with a send-phone-message Action.");
            }
            finding("one-live-code", LIVE, Status::Pass, d)
        }
        n => finding(
            "one-live-code",
            LIVE,
            Status::Fail,
            format!(
                "{n} pieces of code are live ({}): only one should send the code.",
                code.iter()
                    .map(Code::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    }
}

/// 7. Secret names of the live code, and that code when it was read.
fn secret_names(
    obs: Option<&Observed>,
    live: Option<&Live>,
    provider: Option<&Provider>,
) -> (Finding, Option<String>) {
    const ID: &str = "secret-names";
    const T: &str = "Secret names match the code";
    let one = match live.map(|l| l.code.as_slice()) {
        Some([one]) => one,
        _ => {
            return (
                finding(
                    ID,
                    T,
                    Status::Skipped,
                    "Skipped: needs exactly one live piece of code.",
                ),
                None,
            );
        }
    };
    match obs.and_then(|o| o.live_code.as_ref()) {
        Some(Ok(code)) => (
            secret_names_of(one, code, provider),
            Some(code.script.clone()),
        ),
        Some(Err(m)) => {
            // A hook's code came with the list of hooks.
            let script = match one {
                Code::Hook { script, .. } => Some(script.clone()),
                Code::Action { .. } => None,
            };
            (missing(ID, T, m), script)
        }
        None => (
            finding(
                ID,
                T,
                Status::Skipped,
                "Skipped: the live code was not read.",
            ),
            None,
        ),
    }
}

/// 8. Hooks' end of life.
fn hooks_end_of_life(obs: Option<&Observed>) -> Finding {
    const HOOKS: &str = "No tenant still depends on a Hook";
    let hooks = match obs.map(|o| &o.phone) {
        Some(Phone::UnifiedPhone { .. }) => {
            return finding(
                "hooks-end-of-life",
                HOOKS,
                Status::Pass,
                "Unified Phone Experience tenants send through an Action, never a hook.",
            );
        }
        Some(Phone::Classic { hooks, .. }) => hooks,
        None => return unknown_generation("hooks-end-of-life", HOOKS),
    };
    let enabled: Vec<String> = match hooks {
        Ok(h) => h
            .iter()
            .filter(|h| h.enabled)
            .map(|h| format!("'{}'", h.name))
            .collect(),
        Err(m) => return missing("hooks-end-of-life", HOOKS, m),
    };
    if enabled.is_empty() {
        finding(
            "hooks-end-of-life",
            HOOKS,
            Status::Pass,
            "No send-phone-message hook is enabled.",
        )
    } else {
        finding(
            "hooks-end-of-life",
            HOOKS,
            Status::Fail,
            format!(
                "The send-phone-message hook {} is still enabled. Hooks reached end of life on 2026-11-18: its code must move to a send-phone-message Action.",
                enabled.join(", ")
            ),
        )
    }
}

/// 9. Recent delivery failures.
fn failure_logs(logs: Option<&Read<Vec<Value>>>) -> Finding {
    const LOGS: &str = "No recent delivery failures";
    let entries: Vec<&Value> = match logs {
        Some(Ok(v)) => v.iter().filter(|e| is_phone_failure(e)).take(5).collect(),
        Some(Err(m)) => return missing("failure-logs", LOGS, m),
        None => {
            return finding(
                "failure-logs",
                LOGS,
                Status::Skipped,
                "Skipped: the logs were not read.",
            );
        }
    };
    if entries.is_empty() {
        return finding(
            "failure-logs",
            LOGS,
            Status::Pass,
            "No gd_send_sms_failure, gd_send_voice_failure, fn or phone actions_execution_failed entries in the tenant's logs.",
        );
    }
    let lines: Vec<String> = entries.iter().take(3).map(|e| describe_log(e)).collect();
    finding(
        "failure-logs",
        LOGS,
        Status::Fail,
        format!(
            "{} recent failure(s); latest: {}",
            entries.len(),
            lines.join(" | ")
        ),
    )
}

/// The message types on a Unified Phone Experience tenant: the factor
/// offers SMS, the provider delivers text, and every type the factor
/// offers is one the provider delivers (docs "Use Auth0's Unified Phone
/// Experience for MFA": "Desired MFA factors must be a subset of the
/// delivery methods you configure at the tenant-level").
fn upe_types(provider: &PhoneProvider, types: &Read<Vec<String>>) -> Finding {
    const TYPES: &str = "Message types include SMS";
    let methods: Vec<&str> = provider.methods.iter().map(String::as_str).collect();
    if !methods.contains(&"text") {
        return finding(
            "message-types",
            TYPES,
            Status::Fail,
            "The custom phone provider does not list \"text\" in its delivery methods: no SMS is sent.",
        );
    }
    let types: Vec<&str> = match types {
        Ok(v) => v.iter().map(String::as_str).collect(),
        Err(m) => return missing("message-types", TYPES, m),
    };
    let undelivered: Vec<&str> = types
        .iter()
        .copied()
        .filter(|t| !methods.contains(&if *t == "sms" { "text" } else { t }))
        .collect();
    if !types.contains(&"sms") {
        finding(
            "message-types",
            TYPES,
            Status::Fail,
            format!(
                "The phone factor offers {}: nobody is offered SMS, although the provider delivers text.",
                if types.is_empty() {
                    "no message type".to_string()
                } else {
                    types.join(", ")
                }
            ),
        )
    } else if !undelivered.is_empty() {
        finding(
            "message-types",
            TYPES,
            Status::Fail,
            format!(
                "The phone factor offers {} but the custom phone provider delivers only {}: users who choose it get nothing.",
                undelivered.join(", "),
                methods.join(", ")
            ),
        )
    } else {
        finding(
            "message-types",
            TYPES,
            Status::Pass,
            format!(
                "The phone factor offers {}; the custom phone provider delivers {}.",
                types.join(", "),
                methods.join(", ")
            ),
        )
    }
}

/// One failure log entry in a line, with the provider's error text pulled
/// out of `details`.
pub fn describe_log(e: &Value) -> String {
    let d = &e["details"];
    let text = [
        &d["provider_error"]["message"],
        &d["failure_details"]["message"],
        &d["error"]["message"],
        &d["error"],
    ]
    .iter()
    .find_map(|v| v.as_str().map(str::to_string))
    .unwrap_or_else(|| e["description"].as_str().unwrap_or("").to_string());
    let code = [
        &d["provider_error"]["errorCode"],
        &d["failure_details"]["errorCode"],
    ]
    .iter()
    .find_map(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    format!(
        "{} {}{}: {}",
        e["date"].as_str().unwrap_or("?"),
        e["type"].as_str().unwrap_or("?"),
        code.map(|c| format!(" [{c}]")).unwrap_or_default(),
        text
    )
}

/// The secret-names finding over the one live piece of code, read whole.
fn secret_names_of(code: &Code, live: &LiveCode, provider: Option<&Provider>) -> Finding {
    const ID: &str = "secret-names";
    const T: &str = "Secret names match the code";
    let (script, configured) = (&live.script, &live.secrets);
    // sms-mfa's own Action names its provider.
    let own = match code {
        Code::Action { name, .. } => name
            .strip_prefix("sms-mfa-")
            .and_then(|id| crate::providers::Catalog::builtin().get(id))
            .or_else(|| codegen::provider_of(script)),
        Code::Hook { .. } => None,
    };
    let provider = provider.or(own);
    let (mut problems, optional) = secrets_read(provider, script, configured);
    if let Some(p) = provider {
        problems.extend(secrets_needed(p, configured));
    }
    let unset = if optional.is_empty() {
        String::new()
    } else {
        format!(" (optional, not set: {})", optional.join(", "))
    };
    if problems.is_empty() {
        let configured: Vec<&str> = configured.iter().map(String::as_str).collect();
        finding(
            ID,
            T,
            Status::Pass,
            format!(
                "The code reads the configured secrets: {}{unset}.",
                configured.join(", ")
            ),
        )
    } else {
        finding(ID, T, Status::Fail, format!("{}.", problems.join("; ")))
    }
}

/// Whether `n` is a setting `provider` requires, and how.
fn required(provider: Option<&Provider>, n: &str) -> Option<Required> {
    provider
        .and_then(|p| p.setting(n))
        .map(|s| s.required.clone())
}

/// What is wrong between the secrets the code reads and those configured,
/// and the optional settings left unset.
fn secrets_read(
    provider: Option<&Provider>,
    script: &str,
    configured: &BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let m = codegen::compare(script, configured);
    // The provider's optional settings (and the alternatives of a one-of
    // group) may be left unset: the generated code reads them with care.
    let (optional, missing): (Vec<String>, Vec<String>) = m
        .missing
        .into_iter()
        .partition(|n| matches!(required(provider, n), Some(r) if r != Required::Yes));
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "the code reads {} but no such secret is configured (it gets undefined)",
            missing.join(", ")
        ));
    }
    if !m.unused.is_empty() {
        problems.push(format!(
            "configured but never read: {}",
            m.unused.join(", ")
        ));
    }
    (problems, optional)
}

/// The secrets provider `p` needs that are not configured: each required
/// one, and one of each one-of group.
fn secrets_needed(p: &Provider, configured: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let names = codegen::action_secrets(p);
    let required = |n: &str| required(Some(p), n);
    let absent: Vec<&str> = names
        .iter()
        .filter(|n| required(n) == Some(Required::Yes) && !configured.contains(*n))
        .map(String::as_str)
        .collect();
    if !absent.is_empty() {
        problems.push(format!("{} needs {} as secrets", p.name, absent.join(", ")));
    }
    let mut groups: Vec<String> = names
        .iter()
        .filter_map(|n| match required(n) {
            Some(Required::OneOf(g)) => Some(g),
            _ => None,
        })
        .collect();
    groups.dedup();
    for g in groups {
        let members: Vec<&str> = names
            .iter()
            .filter(|n| required(n) == Some(Required::OneOf(g.clone())))
            .map(String::as_str)
            .collect();
        if !members.iter().any(|n| configured.contains(*n)) {
            problems.push(format!(
                "{} needs one of {} as a secret",
                p.name,
                members.join(", ")
            ));
        }
    }
    problems
}
