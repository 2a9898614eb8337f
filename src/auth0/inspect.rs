//! Read the tenant's SMS MFA set-up and say what is right and what is not,
//! for each tenant generation. Independent calls run concurrently; a check
//! whose scope the token lacks is skipped, naming the scope.

use super::{Connection, Unreadable};
use crate::codegen;
use crate::providers::{Provider, Required};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generation {
    /// Unified Phone Experience: "Custom" is a phone provider backed by a
    /// custom-phone-provider Action.
    UnifiedPhone,
    /// Classic phone settings: "Custom" is `phone-message-hook`, with a
    /// send-phone-message Action (or a legacy hook).
    Classic,
}

impl Generation {
    /// Its name for people.
    pub fn label(self) -> &'static str {
        match self {
            Generation::UnifiedPhone => "Unified Phone Experience",
            Generation::Classic => "classic phone settings",
        }
    }
}

/// The generation from `GET /tenants/settings`: Terraform treats a missing
/// `phone_consolidated_experience` as enabled.
pub fn generation_of(settings: &Value) -> Generation {
    match settings.get("phone_consolidated_experience") {
        Some(Value::Bool(false)) => Generation::Classic,
        _ => Generation::UnifiedPhone,
    }
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

/// The sending code found on the tenant.
enum Code {
    Hook {
        id: String,
        name: String,
        script: String,
    },
    Action {
        id: String,
        name: String,
    },
}

/// The log types of a failed phone message (docs "Log Event Type Codes":
/// `gd_send_sms_failure`, `gd_send_voice_failure`, `fn` "Failed Sending
/// Notification", `actions_execution_failed`), as the Lucene query of the
/// Management API's `q` parameter (docs "Log Search Query Syntax").
pub const FAILURE_QUERY: &str =
    "type:(gd_send_sms_failure OR gd_send_voice_failure OR fn OR actions_execution_failed)";

/// `GET /logs` for the latest `n` entries matching the Lucene query `q`.
pub fn logs_path(q: &str, n: u32) -> String {
    format!(
        "/logs?q={}&sort=date%3A-1&per_page={n}",
        crate::http::segment(q)
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
    let logs_path = logs_path(FAILURE_QUERY, 20);
    let (settings, factors, policies, logs, types) = futures::join!(
        conn.read("read:tenant_settings", "/tenants/settings"),
        conn.read("read:guardian_factors", "/guardian/factors"),
        conn.read("read:mfa_policies", "/guardian/policies"),
        conn.read("read:logs", &logs_path),
        conn.read(
            "read:guardian_factors",
            "/guardian/factors/phone/message-types"
        ),
    );
    let mut findings = Vec::new();

    let generation = settings.as_ref().ok().map(generation_of);

    // What the generation decides: where "Custom" and the code live.
    let trigger = match generation {
        Some(Generation::Classic) => "send-phone-message",
        _ => "custom-phone-provider",
    };
    let bindings_path = format!("/actions/triggers/{trigger}/bindings");
    // Unified Phone Experience: the Action on the trigger is live once
    // deployed; bindings only where the trigger is `trigger-bound`
    // (see plan::needs_binding).
    let mut on_trigger = None;
    let (providers, selected, hooks, bindings) = match generation {
        Some(Generation::UnifiedPhone) => {
            let on_trigger_path = format!("/actions/actions?triggerId={trigger}&per_page=50");
            let (p, triggers, acts) = futures::join!(
                conn.read("read:phone_providers", "/branding/phone/providers"),
                conn.read("read:actions", "/actions/triggers"),
                conn.read("read:actions", &on_trigger_path),
            );
            let policy = triggers.ok().and_then(|t| {
                t["triggers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|x| x["id"] == trigger && x["status"] == "CURRENT")
                    .and_then(|x| x["binding_policy"].as_str().map(str::to_string))
            });
            let b = if super::plan::needs_binding(Generation::UnifiedPhone, policy.as_deref()) {
                Some(conn.read("read:actions", &bindings_path).await)
            } else {
                on_trigger = Some(acts);
                None
            };
            (Some(p), None, None, b)
        }
        Some(Generation::Classic) => {
            let (s, h, b) = futures::join!(
                conn.read(
                    "read:guardian_factors",
                    "/guardian/factors/phone/selected-provider"
                ),
                conn.read("read:hooks", "/hooks?triggerId=send-phone-message"),
                conn.read("read:actions", &bindings_path),
            );
            (None, Some(s), Some(h), Some(b))
        }
        None => (None, None, None, None),
    };

    // 1. Generation
    const GEN: &str = "Tenant generation";
    findings.push(match (&settings, generation) {
        (_, Some(Generation::UnifiedPhone)) => finding("generation", GEN, Status::Pass, "Unified Phone Experience: \"Custom\" is a phone provider backed by a custom-phone-provider Action."),
        (_, Some(Generation::Classic)) => finding("generation", GEN, Status::Pass, "Classic phone settings: \"Custom\" is the phone-message-hook provider, with a send-phone-message Action."),
        (Err(m), None) => missing("generation", GEN, m),
        (Ok(_), None) => unreachable!("settings answered"),
    });

    // 2. The sms factor
    const SMS: &str = "SMS factor enabled";
    findings.push(match &factors {
        Ok(list) => {
            let sms = list
                .as_array()
                .and_then(|a| a.iter().find(|f| f["name"] == "sms"));
            match sms.map(|f| f["enabled"] == true) {
                Some(true) => finding("sms-enabled", SMS, Status::Pass, "The Phone Message (sms) factor is enabled."),
                _ => finding("sms-enabled", SMS, Status::Fail, "The Phone Message (sms) factor is disabled: nobody can enroll or receive a code. Enable it in Security > Multi-factor Auth."),
            }
        }
        Err(m) => missing("sms-enabled", SMS, m),
    });

    // 3 and 4: message types and the Custom provider
    const TYPES: &str = "Message types include SMS";
    const CUSTOM: &str = "Delivery provider is Custom";
    match generation {
        Some(Generation::UnifiedPhone) => match providers.as_ref().unwrap() {
            Ok(v) => {
                let list = v["providers"].as_array().cloned().unwrap_or_default();
                let custom = list.iter().find(|p| p["name"] == "custom");
                match custom {
                    Some(p) if p["disabled"] != true => {
                        findings.push(finding(
                            "provider-custom",
                            CUSTOM,
                            Status::Pass,
                            "A custom phone provider is configured and enabled.",
                        ));
                        findings.push(upe_types(p, &types));
                    }
                    Some(_) => {
                        findings.push(finding(
                            "provider-custom",
                            CUSTOM,
                            Status::Fail,
                            "The custom phone provider is disabled.",
                        ));
                        findings.push(finding(
                            "message-types",
                            TYPES,
                            Status::Skipped,
                            "Skipped: the provider is disabled.",
                        ));
                    }
                    None => {
                        let names: Vec<String> = list
                            .iter()
                            .filter_map(|p| p["name"].as_str().map(str::to_string))
                            .collect();
                        findings.push(finding("provider-custom", CUSTOM, Status::Fail, format!(
                            "No custom phone provider ({}). Create one under Branding > Phone Provider > Custom, after deploying the Action.",
                            if names.is_empty() { "none is configured".to_string() } else { format!("configured: {}", names.join(", ")) }
                        )));
                        findings.push(finding(
                            "message-types",
                            TYPES,
                            Status::Skipped,
                            "Skipped: there is no custom phone provider.",
                        ));
                    }
                }
            }
            Err(m) => {
                findings.push(missing("provider-custom", CUSTOM, m));
                findings.push(missing("message-types", TYPES, m));
            }
        },
        Some(Generation::Classic) => {
            findings.push(match selected.as_ref().unwrap() {
                Ok(v) if v["provider"] == "phone-message-hook" => finding("provider-custom", CUSTOM, Status::Pass, "The SMS delivery provider is Custom (phone-message-hook)."),
                Ok(v) => finding("provider-custom", CUSTOM, Status::Fail, format!(
                    "The SMS delivery provider is {}: Auth0 never calls your code. Select Custom in Security > Multi-factor Auth > Phone Message.",
                    v["provider"]
                )),
                Err(m) => missing("provider-custom", CUSTOM, m),
            });
            findings.push(match &types {
                Ok(v)
                    if v["message_types"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x == "sms")) =>
                {
                    finding(
                        "message-types",
                        TYPES,
                        Status::Pass,
                        "SMS is among the phone message types.",
                    )
                }
                Ok(v) => finding(
                    "message-types",
                    TYPES,
                    Status::Fail,
                    format!(
                        "The message types are {}: SMS is not offered.",
                        v["message_types"]
                    ),
                ),
                Err(m) => missing("message-types", TYPES, m),
            });
        }
        None => {
            findings.push(finding(
                "provider-custom",
                CUSTOM,
                Status::Skipped,
                "Skipped: the tenant generation is unknown.",
            ));
            findings.push(finding(
                "message-types",
                TYPES,
                Status::Skipped,
                "Skipped: the tenant generation is unknown.",
            ));
        }
    }

    // 5. A policy that asks for MFA
    const POLICY: &str = "An MFA policy asks for the factor";
    findings.push(match &policies {
        Ok(v) if v.as_array().is_some_and(|a| !a.is_empty()) => {
            finding("mfa-policy", POLICY, Status::Pass, format!("MFA policy: {v}."))
        }
        Ok(_) => finding("mfa-policy", POLICY, Status::Fail, "The MFA policy is empty: nobody is asked for a second factor unless an Action requires it. Set \"Require Multi-factor Auth\" to Always (or Adaptive) in Security > Multi-factor Auth."),
        Err(m) => missing("mfa-policy", POLICY, m),
    });

    // 6. Exactly one live sending code
    const LIVE: &str = "Exactly one live sending code";
    let mut live: Vec<Code> = Vec::new();
    let mut undeployed: Vec<String> = Vec::new();
    let mut live_problem = None;
    if let Some(Ok(h)) = &hooks {
        for hook in h
            .as_array()
            .into_iter()
            .flatten()
            .filter(|x| x["enabled"] == true)
        {
            live.push(Code::Hook {
                id: hook["id"].as_str().unwrap_or("").to_string(),
                name: hook["name"].as_str().unwrap_or("").to_string(),
                script: hook["script"].as_str().unwrap_or("").to_string(),
            });
        }
    }
    match (&bindings, &on_trigger) {
        (None, Some(Ok(list))) => {
            // Unified Phone Experience: the deployed Action on the trigger.
            for a in list["actions"].as_array().into_iter().flatten() {
                if a["deployed_version"].is_object() {
                    live.push(Code::Action {
                        id: a["id"].as_str().unwrap_or("").to_string(),
                        name: a["name"].as_str().unwrap_or("").to_string(),
                    });
                } else {
                    undeployed.push(a["name"].as_str().unwrap_or("").to_string());
                }
            }
        }
        (None, Some(Err(m))) => live_problem = Some(missing("one-live-code", LIVE, m)),
        (Some(Ok(b)), _) => {
            for binding in b["bindings"].as_array().into_iter().flatten() {
                live.push(Code::Action {
                    id: binding["action"]["id"].as_str().unwrap_or("").to_string(),
                    name: binding["action"]["name"]
                        .as_str()
                        .or(binding["display_name"].as_str())
                        .unwrap_or("")
                        .to_string(),
                });
            }
        }
        (Some(Err(m)), _) => live_problem = Some(missing("one-live-code", LIVE, m)),
        (None, None) => {
            live_problem = Some(finding(
                "one-live-code",
                LIVE,
                Status::Skipped,
                "Skipped: the tenant generation is unknown.",
            ))
        }
    }
    let describe = |c: &Code| match c {
        Code::Hook { name, .. } => format!("hook '{name}'"),
        Code::Action { name, .. } => format!("Action '{name}'"),
    };
    findings.push(match (live_problem, live.len()) {
        (Some(f), _) => f,
        (None, 0) if !undeployed.is_empty() => finding("one-live-code", LIVE, Status::Fail, format!(
            "The Action {} on the {trigger} trigger was never deployed: Auth0 has nothing to call. sms-mfa tenant apply deploys it (after you confirm).",
            undeployed.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
        )),
        (None, 0) if on_trigger.is_some() => finding("one-live-code", LIVE, Status::Fail, format!(
            "No Action on the {trigger} trigger: Auth0 has nothing to call. sms-mfa tenant apply creates and deploys one (after you confirm)."
        )),
        (None, 0) => finding("one-live-code", LIVE, Status::Fail, format!(
            "No code is bound to the {trigger} trigger: Auth0 has nothing to call. sms-mfa tenant apply creates, deploys and binds the Action (after you confirm)."
        )),
        (None, 1) => {
            let mut d = format!("Live: {}.", describe(&live[0]));
            if matches!(live[0], Code::Hook { .. }) {
                d.push_str(" Hooks reached end of life on 2026-11-18: replace it with a send-phone-message Action.");
            }
            finding("one-live-code", LIVE, Status::Pass, d)
        }
        (None, _) => finding("one-live-code", LIVE, Status::Fail, format!(
            "{} pieces of code are live ({}): only one should send the code.",
            live.len(),
            live.iter().map(describe).collect::<Vec<_>>().join(", ")
        )),
    });

    // 7. Secret names of the live code
    const SECRETS: &str = "Secret names match the code";
    let mut live_code = None;
    findings.push(if live.len() != 1 {
        finding(
            "secret-names",
            SECRETS,
            Status::Skipped,
            "Skipped: needs exactly one live piece of code.",
        )
    } else {
        let (f, code) = secret_names(conn, &live[0], provider).await;
        live_code = code;
        f
    });

    // 8. Hooks' end of life
    const HOOKS: &str = "No tenant still depends on a Hook";
    findings.push(match (generation, &hooks) {
        (Some(Generation::UnifiedPhone), _) => finding(
            "hooks-end-of-life",
            HOOKS,
            Status::Pass,
            "Unified Phone Experience tenants send through an Action, never a hook.",
        ),
        (_, Some(Ok(_))) => {
            // The enabled hooks are among the live code found above.
            let enabled: Vec<String> = live
                .iter()
                .filter_map(|c| match c {
                    Code::Hook { name, .. } => Some(format!("'{name}'")),
                    Code::Action { .. } => None,
                })
                .collect();
            if enabled.is_empty() {
                finding(
                    "hooks-end-of-life",
                    HOOKS,
                    Status::Pass,
                    "No send-phone-message hook is enabled.",
                )
            } else {
                finding("hooks-end-of-life", HOOKS, Status::Fail, format!(
                    "The send-phone-message hook {} is still enabled. Hooks reached end of life on 2026-11-18: its code must move to a send-phone-message Action.",
                    enabled.join(", ")
                ))
            }
        }
        (_, Some(Err(m))) => missing("hooks-end-of-life", HOOKS, m),
        (_, None) => finding(
            "hooks-end-of-life",
            HOOKS,
            Status::Skipped,
            "Skipped: the tenant generation is unknown.",
        ),
    });

    // 9. Recent delivery failures
    const LOGS: &str = "No recent delivery failures";
    let logs = logs.map(|v| {
        Value::Array(
            v.as_array()
                .into_iter()
                .flatten()
                .filter(|e| is_phone_failure(e))
                .take(5)
                .cloned()
                .collect(),
        )
    });
    findings.push(match &logs {
        Ok(v) => match v.as_array().filter(|a| !a.is_empty()) {
            None => finding(
                "failure-logs",
                LOGS,
                Status::Pass,
                "No gd_send_sms_failure, gd_send_voice_failure, fn or phone actions_execution_failed entries in the tenant's logs.",
            ),
            Some(entries) => {
                let lines: Vec<String> = entries.iter().take(3).map(describe_log).collect();
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
        },
        Err(m) => missing("failure-logs", LOGS, m),
    });

    Report {
        generation,
        findings,
        live_code,
    }
}

/// The message types on a Unified Phone Experience tenant: the factor
/// offers SMS, the provider delivers text, and every type the factor
/// offers is one the provider delivers (docs "Use Auth0's Unified Phone
/// Experience for MFA": "Desired MFA factors must be a subset of the
/// delivery methods you configure at the tenant-level").
fn upe_types(provider: &Value, types: &Result<Value, Unreadable>) -> Finding {
    const TYPES: &str = "Message types include SMS";
    let methods: Vec<&str> = provider["configuration"]["delivery_methods"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !methods.contains(&"text") {
        return finding(
            "message-types",
            TYPES,
            Status::Fail,
            "The custom phone provider does not list \"text\" in its delivery methods: no SMS is sent.",
        );
    }
    let types: Vec<&str> = match types {
        Ok(v) => v["message_types"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect(),
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

/// The secret-names finding, and the live code when it could be read.
async fn secret_names(
    conn: &Connection,
    code: &Code,
    provider: Option<&Provider>,
) -> (Finding, Option<String>) {
    const ID: &str = "secret-names";
    const T: &str = "Secret names match the code";
    let (script, configured): (String, BTreeSet<String>) = match code {
        Code::Hook { id, script, .. } => {
            match conn
                .read(
                    "read:hooks",
                    &format!("/hooks/{}/secrets", crate::http::segment(id)),
                )
                .await
            {
                Ok(v) => (
                    script.clone(),
                    v.as_object()
                        .map(|o| o.keys().cloned().collect())
                        .unwrap_or_default(),
                ),
                Err(m) => return (missing(ID, T, &m), Some(script.clone())),
            }
        }
        Code::Action { id, .. } => {
            match conn
                .read(
                    "read:actions",
                    &format!("/actions/actions/{}", crate::http::segment(id)),
                )
                .await
            {
                Ok(v) => (
                    v["code"].as_str().unwrap_or("").to_string(),
                    v["secrets"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|s| s["name"].as_str().map(str::to_string))
                        .collect(),
                ),
                Err(m) => return (missing(ID, T, &m), None),
            }
        }
    };
    // sms-mfa's own Action names its provider.
    let own = match code {
        Code::Action { name, .. } => name
            .strip_prefix("sms-mfa-")
            .and_then(|id| crate::providers::Catalog::builtin().get(id))
            .or_else(|| codegen::provider_of(&script)),
        Code::Hook { .. } => None,
    };
    let provider = provider.or(own);
    let required = |n: &str| {
        provider
            .and_then(|p| p.setting(n))
            .map(|s| s.required.clone())
    };
    let m = codegen::compare(&script, &configured);
    // The provider's optional settings (and the alternatives of a one-of
    // group) may be left unset: the generated code reads them with care.
    let (optional, missing): (Vec<String>, Vec<String>) = m
        .missing
        .into_iter()
        .partition(|n| matches!(required(n), Some(r) if r != Required::Yes));
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
    if let Some(p) = provider {
        let names = codegen::action_secrets(p);
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
    }
    let configured: Vec<String> = configured.into_iter().collect();
    let unset = if optional.is_empty() {
        String::new()
    } else {
        format!(" (optional, not set: {})", optional.join(", "))
    };
    let f = if problems.is_empty() {
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
    };
    (f, Some(script))
}
