//! The sandbox's scenarios, as data (`assets/scenarios.toml`): the
//! simulated tenant's state and the simulated provider accounts.

use super::auth0;
use super::providers::{Accounts, Outcome, Past};
use crate::codegen::{self, Target};
use crate::providers::Catalog;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::OnceLock;

pub(crate) const SCENARIOS_TOML: &str = include_str!("../../assets/scenarios.toml");
const INFOBIP_GUIDE_HOOK: &str = include_str!("../../assets/sandbox/infobip-guide-hook.js");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenarios {
    #[serde(rename = "scenario")]
    pub list: Vec<Scenario>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub(crate) summary: String,
    pub(crate) tenant: TenantSpec,
    #[serde(default)]
    pub(crate) accounts: Accounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Generation {
    UnifiedPhone,
    Classic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum CustomProvider {
    None,
    Enabled,
    Disabled,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TenantSpec {
    pub(crate) generation: Generation,
    pub(crate) sms_enabled: bool,
    pub(crate) policies: Vec<String>,
    #[serde(default)]
    pub(crate) selected_provider: Option<String>,
    /// The phone factor's message types, on either generation (default on
    /// unified-phone: ["sms"] once a custom provider exists, else []).
    #[serde(default)]
    pub(crate) message_types: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) custom_provider: Option<CustomProvider>,
    /// unified-phone: the custom provider's delivery methods (default ["text"]).
    #[serde(default)]
    pub(crate) delivery_methods: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) hook: Option<String>,
    #[serde(default)]
    pub(crate) hook_secrets: Vec<String>,
    #[serde(default)]
    pub(crate) action: Option<ActionSpec>,
    #[serde(default)]
    pub(crate) logs: Vec<LogSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionSpec {
    pub(crate) provider: String,
    /// The Action's name (default `sms-mfa-PROVIDER`: sms-mfa's own; any
    /// other is one made in the dashboard or by another tool).
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// Classic: bound to send-phone-message (unified-phone tenants have no
    /// binding step).
    #[serde(default = "yes")]
    pub(crate) bound: bool,
    #[serde(default = "yes")]
    pub(crate) deployed: bool,
    /// The secret names configured (default: every one the provider's code reads).
    #[serde(default)]
    pub(crate) secrets: Option<Vec<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogSpec {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl Scenarios {
    pub fn builtin() -> &'static Scenarios {
        static LIST: OnceLock<Scenarios> = OnceLock::new();
        LIST.get_or_init(|| Scenarios::parse(SCENARIOS_TOML).expect("embedded scenarios"))
    }

    /// Parse and check: unique names, known providers and hooks, and what
    /// belongs to one generation not set on the other.
    pub(crate) fn parse(text: &str) -> Result<Scenarios, String> {
        let s: Scenarios = toml::from_str(text).map_err(|e| e.to_string())?;
        if s.list.is_empty() {
            return Err("no scenarios".into());
        }
        let mut names = std::collections::HashSet::new();
        for sc in &s.list {
            if !names.insert(sc.name.as_str()) {
                return Err(format!("duplicate scenario {}", sc.name));
            }
            let t = &sc.tenant;
            let classic = t.generation == Generation::Classic;
            if classic && (t.custom_provider.is_some() || t.delivery_methods.is_some()) {
                return Err(format!(
                    "{}: custom_provider and delivery_methods are for unified-phone tenants",
                    sc.name
                ));
            }
            if !classic && (t.selected_provider.is_some() || t.hook.is_some()) {
                return Err(format!(
                    "{}: selected_provider and hook are for classic tenants",
                    sc.name
                ));
            }
            if let Some(h) = &t.hook
                && h != "infobip-guide"
            {
                return Err(format!("{}: unknown hook {h:?}", sc.name));
            }
            if let Some(a) = &t.action
                && Catalog::builtin().get(&a.provider).is_none()
            {
                return Err(format!("{}: unknown provider {:?}", sc.name, a.provider));
            }
        }
        Ok(s)
    }

    pub fn get(&self, name: &str) -> Option<&Scenario> {
        self.list.iter().find(|s| s.name == name)
    }

    pub fn default_scenario(&self) -> &Scenario {
        &self.list[0]
    }

    /// `--scenario help`: every scenario, a line each.
    pub fn help(&self) -> String {
        let width = self.list.iter().map(|s| s.name.len()).max().unwrap_or(0);
        let mut out = String::from("Scenarios of `sms-mfa --sandbox --scenario NAME`:\n\n");
        for (i, s) in self.list.iter().enumerate() {
            out.push_str(&format!(
                "  {:width$}  {}{}\n",
                s.name,
                s.summary,
                if i == 0 { " (default)" } else { "" }
            ));
        }
        out
    }
}

impl Scenario {
    /// The simulated tenant in this scenario's state.
    pub fn tenant(&self) -> auth0::Tenant {
        let spec = &self.tenant;
        let mut t = auth0::Tenant::fresh_upe();
        t.upe = spec.generation == Generation::UnifiedPhone;
        t.sms_enabled = spec.sms_enabled;
        t.policies = json!(spec.policies);
        if let Some(p) = &spec.selected_provider {
            t.selected_provider = p.clone();
        }
        let has_provider = matches!(
            spec.custom_provider,
            Some(CustomProvider::Enabled) | Some(CustomProvider::Disabled)
        );
        t.message_types = spec.message_types.clone().unwrap_or_else(|| {
            if has_provider {
                vec!["sms".into()]
            } else {
                vec![]
            }
        });
        if has_provider {
            // As go-auth0's recording TestBrandingManager_CreatePhoneProvider
            // answers.
            let methods = spec
                .delivery_methods
                .clone()
                .unwrap_or_else(|| vec!["text".into()]);
            t.phone_providers.push(json!({
                "id": "pro_sandbox", "tenant": "sandbox", "name": "custom", "channel": "phone",
                "disabled": spec.custom_provider == Some(CustomProvider::Disabled),
                "configuration": {"delivery_methods": methods},
                "created_at": "2026-11-01T10:00:00.000Z", "updated_at": "2026-11-01T10:00:00.000Z"}));
        }
        if spec.hook.is_some() {
            t.hooks.push(json!({"id": "hook_1", "name": "send-sms",
                "script": INFOBIP_GUIDE_HOOK, "triggerId": "send-phone-message",
                "enabled": true, "dependencies": {}}));
            let secrets: serde_json::Map<String, Value> = spec
                .hook_secrets
                .iter()
                .map(|n| (n.clone(), json!("_VALUE_NOT_SHOWN_")))
                .collect();
            t.hook_secrets
                .insert("hook_1".into(), Value::Object(secrets));
        }
        if let Some(a) = &spec.action
            && let Some(p) = Catalog::builtin().get(&a.provider)
        {
            let target = match spec.generation {
                Generation::UnifiedPhone => Target::CustomPhoneProvider,
                Generation::Classic => Target::SendPhoneMessage,
            };
            let code = codegen::render(p, target, None).unwrap_or_default();
            let id = format!("act_{}", p.id);
            let name = a
                .name
                .clone()
                .unwrap_or_else(|| format!("sms-mfa-{}", p.id));
            t = t.with_bound_action(&id, &name, target.id(), &code);
            if !a.bound || spec.generation == Generation::UnifiedPhone {
                t.bindings.clear();
            }
            if !a.deployed
                && let Some(action) = t.actions.last_mut()
            {
                action["deployed_version"] = Value::Null;
                action["all_changes_deployed"] = json!(false);
            }
            let names = a
                .secrets
                .clone()
                .unwrap_or_else(|| codegen::action_secrets(p).into_iter().collect());
            let secrets: Vec<Value> = names
                .iter()
                .map(|n| json!({"name": n, "updated_at": "2026-11-01T10:00:00.000Z"}))
                .collect();
            if let Some(action) = t.actions.last_mut() {
                action["secrets"] = Value::Array(secrets);
            }
        }
        t.logs = Value::Array(
            spec.logs
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    json!({"log_id": format!("sandbox-{i}"), "date": format!("2026-11-23T09:{:02}:00.000Z", 50 - i),
                        "type": l.kind, "description": "Failed to send SMS",
                        "details": {"provider_error": {"errorCode": l.code, "message": l.message}}})
                })
                .collect(),
        );
        if let Value::Array(logs) = &mut t.logs {
            logs.extend(history_logs(&self.accounts.history));
        }
        t
    }
}

/// The tenant's side of the accounts' past messages: a send request for
/// each (`gd_send_sms`, "MFA SMS sent", with `details.to`), or the failure
/// an Action that never reached the provider leaves (`fn` with
/// `details.to` and the provider's error: docs "Log Event Type Codes",
/// ../shared/reference/AUTH0.md). Dated from now.
pub fn history_logs(history: &[Past]) -> Vec<Value> {
    let now = crate::providers::delivery::now();
    history
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let at = now - i64::from(p.minutes_ago) * 60;
            let date = format!("{}.000Z", &crate::providers::delivery::rfc3339(at)[..19]);
            if p.outcome == Outcome::ActionFailed {
                json!({"log_id": format!("sandbox-history-{i}"), "date": date, "type": "fn",
                    "description": "Failed to send SMS",
                    "details": {"notification_type": "sms", "to": p.to,
                        "provider_error": {"errorCode": p.code, "message": p.message}}})
            } else {
                json!({"log_id": format!("sandbox-history-{i}"), "date": date,
                    "type": "gd_send_sms", "description": "MFA SMS sent",
                    "details": {"to": p.to}})
            }
        })
        .collect()
}
