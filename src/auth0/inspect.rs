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
pub(crate) const SCOPES: [&str; 7] = [
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

    pub(crate) fn any_fail(&self) -> bool {
        self.findings.iter().any(|f| f.status == Status::Fail)
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
pub(crate) fn is_phone_failure(e: &Value) -> bool {
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
pub(crate) fn judge(seen: &Result<Observed, Unobserved>, provider: Option<&Provider>) -> Report {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth0::ApiError;
    use crate::auth0::observe::{ActionInfo, Bound, Factor, Hook};
    use serde_json::json;

    fn action(name: &str, deployed: bool) -> ActionInfo {
        ActionInfo {
            id: format!("id-{name}"),
            name: name.into(),
            code: String::new(),
            runtime: "node22".into(),
            triggers: vec![],
            secrets: BTreeSet::new(),
            secrets_updated: String::new(),
            all_changes_deployed: deployed,
            deployed,
        }
    }

    fn factor() -> Factor {
        Factor {
            sms_enabled: Ok(true),
            message_types: Ok(vec!["sms".into()]),
            policies: Ok(vec!["all-applications".into()]),
        }
    }

    fn live_code(script: &str, secrets: &[&str]) -> LiveCode {
        LiveCode {
            script: script.into(),
            secrets: secrets.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn custom(disabled: bool, methods: &[&str]) -> PhoneProvider {
        PhoneProvider {
            id: "pro_1".into(),
            name: "custom".into(),
            disabled,
            methods: methods.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A Unified Phone Experience tenant as it should be.
    fn upe() -> Observed {
        Observed {
            factor: factor(),
            phone: Phone::UnifiedPhone {
                providers: Ok(vec![custom(false, &["text"])]),
                on_trigger: Ok(vec![action("my-sms", true)]),
            },
            trigger: None,
            bindings: None,
            failure_logs: Some(Ok(vec![])),
            live_code: Some(Ok(live_code("event.secrets.KEY", &["KEY"]))),
        }
    }

    fn hook(name: &str, enabled: bool) -> Hook {
        Hook {
            id: format!("id-{name}"),
            name: name.into(),
            enabled,
            script: format!("HOOK {name}"),
        }
    }

    /// A classic tenant sending through one bound Action.
    fn classic() -> Observed {
        Observed {
            phone: Phone::Classic {
                selected: Ok(Some("phone-message-hook".into())),
                hooks: Ok(vec![hook("old", false)]),
            },
            bindings: Some(Ok(vec![Bound {
                action_id: "act_1".into(),
                name: "sms".into(),
                code: None,
            }])),
            ..upe()
        }
    }

    fn refused() -> Unreadable {
        Unreadable::Refused(
            "/x".into(),
            ApiError {
                status: 500,
                error: "Internal".into(),
                message: "boom".into(),
                error_code: None,
            },
        )
    }

    fn judged(o: Observed) -> Report {
        judge(&Ok(o), None)
    }

    fn at(r: &Report, id: &str) -> (Status, String) {
        let f = r.findings.iter().find(|f| f.id == id).unwrap();
        (f.status, f.detail.clone())
    }

    #[test]
    fn a_tenant_as_it_should_be_passes_everything_in_order() {
        for o in [upe(), classic()] {
            let r = judged(o.clone());
            assert_eq!(r.findings.iter().map(|f| f.id).collect::<Vec<_>>(), IDS);
            assert!(r.all_pass() && !r.any_fail(), "{r:#?}");
            assert_eq!(r.generation, Some(o.generation()));
            assert_eq!(r.live_code.as_deref(), Some("event.secrets.KEY"));
        }
        let r = judged(upe());
        assert!(
            at(&r, "generation")
                .1
                .starts_with("Unified Phone Experience")
        );
        assert_eq!(
            at(&r, "mfa-policy").1,
            "MFA policy: [\"all-applications\"]."
        );
        assert_eq!(at(&r, "one-live-code").1, "Live: Action 'my-sms'.");
        assert_eq!(
            at(&r, "message-types").1,
            "The phone factor offers sms; the custom phone provider delivers text."
        );
        assert_eq!(
            at(&r, "secret-names").1,
            "The code reads the configured secrets: KEY."
        );
        let r = judged(classic());
        assert!(at(&r, "generation").1.starts_with("Classic phone settings"));
        assert_eq!(
            at(&r, "hooks-end-of-life").1,
            "No send-phone-message hook is enabled."
        );
    }

    #[test]
    fn an_unknown_generation_skips_what_depends_on_it() {
        let u = Unobserved {
            settings: Unreadable::Scope("read:tenant_settings"),
            factor: factor(),
            failure_logs: Some(Ok(vec![])),
        };
        let r = judge(&Err(u), None);
        assert_eq!(r.generation, None);
        assert_eq!(r.live_code, None);
        assert_eq!(
            at(&r, "generation"),
            (
                Status::Skipped,
                "Skipped: the token lacks the read:tenant_settings scope.".into()
            )
        );
        for id in [
            "provider-custom",
            "message-types",
            "one-live-code",
            "hooks-end-of-life",
        ] {
            assert_eq!(
                at(&r, id),
                (
                    Status::Skipped,
                    "Skipped: the tenant generation is unknown.".into()
                ),
                "{id}"
            );
        }
        assert_eq!(at(&r, "secret-names").0, Status::Skipped);
        for id in ["sms-enabled", "mfa-policy", "failure-logs"] {
            assert_eq!(at(&r, id).0, Status::Pass, "{id}");
        }
    }

    #[test]
    fn a_refused_read_is_an_error_with_auth0s_words_and_the_hint() {
        let mut o = upe();
        o.factor.sms_enabled = Err(refused());
        o.factor.policies = Err(Unreadable::Scope("read:mfa_policies"));
        let r = judged(o);
        let (s, d) = at(&r, "sms-enabled");
        assert_eq!(s, Status::Error);
        assert!(
            d.contains("boom") && d.contains("Auth0 refused the request"),
            "{d}"
        );
        assert_eq!(at(&r, "mfa-policy").0, Status::Skipped);
        assert!(
            !r.all_pass() && !r.any_fail(),
            "an error and a skip, no failure"
        );
    }

    #[test]
    fn the_factor_and_the_policy_fail_when_off_or_empty() {
        let mut o = upe();
        o.factor.sms_enabled = Ok(false);
        o.factor.policies = Ok(vec![]);
        let r = judged(o);
        assert_eq!(at(&r, "sms-enabled").0, Status::Fail);
        assert!(
            at(&r, "mfa-policy")
                .1
                .starts_with("The MFA policy is empty")
        );
        assert_eq!(at(&r, "mfa-policy").0, Status::Fail);
        assert!(r.any_fail());
    }

    #[test]
    fn the_custom_phone_provider_disabled_missing_or_unread() {
        let with = |providers: Read<Vec<PhoneProvider>>| {
            let mut o = upe();
            o.phone = Phone::UnifiedPhone {
                providers,
                on_trigger: Ok(vec![action("my-sms", true)]),
            };
            judged(o)
        };
        let r = with(Ok(vec![custom(true, &["text"])]));
        assert_eq!(
            at(&r, "provider-custom"),
            (
                Status::Fail,
                "The custom phone provider is disabled.".into()
            )
        );
        assert_eq!(
            at(&r, "message-types"),
            (Status::Skipped, "Skipped: the provider is disabled.".into())
        );
        let mut twilio = custom(false, &["text"]);
        twilio.name = "twilio".into();
        let r = with(Ok(vec![twilio]));
        assert!(
            at(&r, "provider-custom")
                .1
                .starts_with("No custom phone provider (configured: twilio)."),
            "{r:?}"
        );
        assert_eq!(
            at(&r, "message-types").1,
            "Skipped: there is no custom phone provider."
        );
        let r = with(Ok(vec![]));
        assert!(at(&r, "provider-custom").1.contains("(none is configured)"));
        let r = with(Err(Unreadable::Scope("read:phone_providers")));
        assert_eq!(at(&r, "provider-custom").0, Status::Skipped);
        assert_eq!(at(&r, "message-types").0, Status::Skipped);
    }

    #[test]
    fn unified_phone_message_types_are_sms_and_what_the_provider_delivers() {
        let with = |methods: &[&str], types: Read<Vec<String>>| {
            let mut o = upe();
            o.factor.message_types = types;
            o.phone = Phone::UnifiedPhone {
                providers: Ok(vec![custom(false, methods)]),
                on_trigger: Ok(vec![action("my-sms", true)]),
            };
            at(&judged(o), "message-types")
        };
        let v = |a: &[&str]| Ok(a.iter().map(|s| s.to_string()).collect());
        let (s, d) = with(&["voice"], v(&["sms"]));
        assert_eq!(s, Status::Fail);
        assert!(d.contains("does not list \"text\""), "{d}");
        let (s, d) = with(&["text", "voice"], v(&["voice"]));
        assert_eq!(s, Status::Fail);
        assert!(
            d.starts_with("The phone factor offers voice: nobody is offered SMS"),
            "{d}"
        );
        let (_, d) = with(&["text"], v(&[]));
        assert!(
            d.starts_with("The phone factor offers no message type:"),
            "{d}"
        );
        let (s, d) = with(&["text"], v(&["sms", "voice"]));
        assert_eq!(s, Status::Fail);
        assert!(
            d.starts_with(
                "The phone factor offers voice but the custom phone provider delivers only text"
            ),
            "{d}"
        );
        let (s, d) = with(&["text", "voice"], v(&["sms", "voice"]));
        assert_eq!(s, Status::Pass, "{d}");
        assert_eq!(with(&["text"], Err(refused())).0, Status::Error);
    }

    #[test]
    fn classic_provider_and_message_types() {
        let mut o = classic();
        o.phone = Phone::Classic {
            selected: Ok(Some("twilio".into())),
            hooks: Ok(vec![]),
        };
        o.factor.message_types = Ok(vec!["voice".into()]);
        let r = judged(o.clone());
        assert_eq!(
            at(&r, "provider-custom"),
            (Status::Fail, "The SMS delivery provider is \"twilio\": Auth0 never calls your code. Select Custom in Security > Multi-factor Auth > Phone Message.".into())
        );
        assert_eq!(
            at(&r, "message-types"),
            (
                Status::Fail,
                "The message types are [\"voice\"]: SMS is not offered.".into()
            )
        );
        o.phone = Phone::Classic {
            selected: Ok(None),
            hooks: Ok(vec![]),
        };
        o.factor.message_types = Err(refused());
        let r = judged(o.clone());
        assert!(
            at(&r, "provider-custom")
                .1
                .starts_with("The SMS delivery provider is null:")
        );
        assert_eq!(at(&r, "message-types").0, Status::Error);
        o.phone = Phone::Classic {
            selected: Err(refused()),
            hooks: Err(refused()),
        };
        let r = judged(o);
        assert_eq!(at(&r, "provider-custom").0, Status::Error);
        assert_eq!(at(&r, "hooks-end-of-life").0, Status::Error);
    }

    #[test]
    fn live_code_none_undeployed_several_or_unread() {
        let on_trigger = |list: Read<Vec<ActionInfo>>| {
            let mut o = upe();
            o.phone = Phone::UnifiedPhone {
                providers: Ok(vec![custom(false, &["text"])]),
                on_trigger: list,
            };
            o.live_code = None;
            judged(o)
        };
        let r = on_trigger(Ok(vec![action("a", false), action("b", false)]));
        assert_eq!(at(&r, "one-live-code").0, Status::Fail);
        assert!(
            at(&r, "one-live-code").1.starts_with(
                "The Action 'a', 'b' on the custom-phone-provider trigger was never deployed"
            ),
            "{r:?}"
        );
        let r = on_trigger(Ok(vec![]));
        assert!(
            at(&r, "one-live-code")
                .1
                .starts_with("No Action on the custom-phone-provider trigger")
        );
        assert_eq!(
            at(&r, "secret-names").1,
            "Skipped: needs exactly one live piece of code."
        );
        let r = on_trigger(Ok(vec![action("a", true), action("b", true)]));
        assert_eq!(
            at(&r, "one-live-code"),
            (
                Status::Fail,
                "2 pieces of code are live (Action 'a', Action 'b'): only one should send the code.".into()
            )
        );
        let r = on_trigger(Err(Unreadable::Scope("read:actions")));
        assert_eq!(at(&r, "one-live-code").0, Status::Skipped);
        let r = on_trigger(Ok(vec![action("a", true)]));
        assert_eq!(
            at(&r, "secret-names"),
            (
                Status::Skipped,
                "Skipped: the live code was not read.".into()
            )
        );

        let mut o = classic();
        o.bindings = Some(Ok(vec![]));
        let r = judged(o.clone());
        assert!(
            at(&r, "one-live-code")
                .1
                .starts_with("No code is bound to the send-phone-message trigger")
        );
        o.bindings = Some(Err(refused()));
        o.phone = Phone::Classic {
            selected: Ok(Some("phone-message-hook".into())),
            hooks: Ok(vec![hook("h", true)]),
        };
        o.live_code = Some(Err(refused()));
        let r = judged(o);
        assert_eq!(at(&r, "one-live-code").0, Status::Error);
        // The enabled hook is still the one live piece of code.
        assert_eq!(at(&r, "secret-names").0, Status::Error);
        assert_eq!(
            r.live_code.as_deref(),
            Some("HOOK h"),
            "a hook's code came with the list"
        );
    }

    #[test]
    fn an_enabled_hook_is_live_and_past_its_end_of_life() {
        let mut o = classic();
        o.bindings = Some(Ok(vec![]));
        o.phone = Phone::Classic {
            selected: Ok(Some("phone-message-hook".into())),
            hooks: Ok(vec![hook("h", true), hook("off", false)]),
        };
        let r = judged(o.clone());
        let (s, d) = at(&r, "one-live-code");
        assert_eq!(s, Status::Pass);
        assert!(
            d.starts_with("Live: hook 'h'. Hooks reached end of life"),
            "{d}"
        );
        let (s, d) = at(&r, "hooks-end-of-life");
        assert_eq!(s, Status::Fail);
        assert!(
            d.starts_with("The send-phone-message hook 'h' is still enabled."),
            "{d}"
        );
        // A hook whose secrets were refused keeps its code for the doctor;
        // an Action's code is read with its secrets.
        o.live_code = Some(Err(refused()));
        assert_eq!(judged(o).live_code.as_deref(), Some("HOOK h"));
        let mut o = upe();
        o.live_code = Some(Err(refused()));
        let r = judged(o);
        assert_eq!(r.live_code, None);
        assert_eq!(at(&r, "secret-names").0, Status::Error);
    }

    #[test]
    fn secret_names_follow_the_code_and_the_provider() {
        let with = |name: &str, code: LiveCode, provider: Option<&Provider>| {
            let mut o = upe();
            o.phone = Phone::UnifiedPhone {
                providers: Ok(vec![custom(false, &["text"])]),
                on_trigger: Ok(vec![action(name, true)]),
            };
            o.live_code = Some(Ok(code));
            at(&judge(&Ok(o), provider), "secret-names")
        };
        let (s, d) = with("x", live_code("secrets.A; secrets['B']", &["A", "C"]), None);
        assert_eq!(s, Status::Fail);
        assert_eq!(
            d,
            "the code reads B but no such secret is configured (it gets undefined); configured but never read: C."
        );
        let twilio = crate::providers::Catalog::builtin().get("twilio").unwrap();
        let script = "secrets.TWILIO_ACCOUNT_SID; secrets.TWILIO_AUTH_TOKEN; secrets.TWILIO_PHONE_NUMBER; secrets.TWILIO_MESSAGING_SERVICE_SID";
        let (s, d) = with(
            "x",
            live_code(
                script,
                &[
                    "TWILIO_ACCOUNT_SID",
                    "TWILIO_AUTH_TOKEN",
                    "TWILIO_PHONE_NUMBER",
                ],
            ),
            Some(twilio),
        );
        assert_eq!(s, Status::Pass, "{d}");
        assert_eq!(
            d,
            "The code reads the configured secrets: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER (optional, not set: TWILIO_MESSAGING_SERVICE_SID)."
        );
        // sms-mfa's own Action names its provider.
        let (s, d) = with(
            "sms-mfa-twilio",
            live_code("secrets.TWILIO_ACCOUNT_SID", &["TWILIO_ACCOUNT_SID"]),
            None,
        );
        assert_eq!(s, Status::Fail);
        assert_eq!(
            d,
            "Twilio Programmable SMS needs TWILIO_AUTH_TOKEN as secrets; Twilio Programmable SMS needs one of TWILIO_MESSAGING_SERVICE_SID, TWILIO_PHONE_NUMBER as a secret."
        );
        let (s, _) = with(
            "other",
            live_code("secrets.TWILIO_ACCOUNT_SID", &["TWILIO_ACCOUNT_SID"]),
            None,
        );
        assert_eq!(
            s,
            Status::Pass,
            "an Action made elsewhere names no provider"
        );
    }

    #[test]
    fn failure_logs_count_phone_failures_only() {
        let with = |logs: Option<Read<Vec<Value>>>| {
            let mut o = upe();
            o.failure_logs = logs;
            at(&judged(o), "failure-logs")
        };
        let sms = |n: u32| {
            json!({"type": "gd_send_sms_failure", "date": format!("2026-01-0{n}"),
                   "details": {"error": {"message": format!("err {n}")}}})
        };
        let email = json!({"type": "fn", "details": {"email_type": "verify"}});
        let (s, d) = with(Some(Ok(vec![email.clone()])));
        assert_eq!(s, Status::Pass, "{d}");
        let all: Vec<Value> = (1..=7).map(sms).chain([email]).collect();
        let (s, d) = with(Some(Ok(all)));
        assert_eq!(s, Status::Fail);
        assert_eq!(
            d,
            "5 recent failure(s); latest: 2026-01-01 gd_send_sms_failure: err 1 | 2026-01-02 gd_send_sms_failure: err 2 | 2026-01-03 gd_send_sms_failure: err 3"
        );
        assert_eq!(
            with(Some(Err(Unreadable::Scope("read:logs")))).0,
            Status::Skipped
        );
        assert_eq!(
            with(None),
            (Status::Skipped, "Skipped: the logs were not read.".into())
        );
    }

    #[test]
    fn a_failure_entry_is_a_phone_one_unless_it_says_otherwise() {
        assert!(is_phone_failure(&json!({"type": "gd_send_sms_failure"})));
        assert!(is_phone_failure(
            &json!({"type": "fn", "details": {"to": "+14155550100"}})
        ));
        assert!(!is_phone_failure(
            &json!({"type": "fn", "details": {"to": "a@b.c"}})
        ));
        assert!(!is_phone_failure(
            &json!({"type": "fn", "details": {"email_type": "x"}})
        ));
        assert!(is_phone_failure(
            &json!({"type": "actions_execution_failed", "details": {"trigger": "send-phone-message"}})
        ));
        assert!(is_phone_failure(
            &json!({"type": "actions_execution_failed", "details": {"trigger": "custom-phone-provider"}})
        ));
        assert!(!is_phone_failure(
            &json!({"type": "actions_execution_failed", "details": {"trigger": "post-login"}})
        ));
    }

    #[test]
    fn missing_scopes_depend_on_the_generation() {
        let mut conn = Connection::with_token("http://127.0.0.1:1".into(), "t".into());
        assert!(
            missing_scopes(&conn, None).is_empty(),
            "unknown scopes: assume yes"
        );
        conn.scopes = Some(BTreeSet::from(["read:logs".to_string()]));
        let upe = missing_scopes(&conn, Some(Generation::UnifiedPhone));
        assert!(upe.contains(&"read:phone_providers") && !upe.contains(&"read:hooks"));
        assert!(!upe.contains(&"read:logs"));
        let classic = missing_scopes(&conn, Some(Generation::Classic));
        assert!(classic.contains(&"read:hooks") && !classic.contains(&"read:phone_providers"));
        assert_eq!(missing_scopes(&conn, None).len(), SCOPES.len() - 1);
    }
}
