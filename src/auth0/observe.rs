//! Read the tenant's phone set-up once, as a typed value: the phone
//! factor, the generation (detected here only), the phone provider or the
//! classic selected provider and hooks, the Actions on the trigger and
//! those bound to it. Independent calls run concurrently; a read whose
//! scope the token lacks is not made, and each read that gave no answer
//! says why ([`Read`]). [`super::inspect`] judges an observation and
//! [`super::plan`] plans from one; [`Ask`] says what either needs beyond
//! the common reads.

use super::{Connection, Unreadable};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A read's answer, or why there is none.
pub(crate) type Read<T> = Result<T, Unreadable>;

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
    pub(crate) fn label(self) -> &'static str {
        match self {
            Generation::UnifiedPhone => "Unified Phone Experience",
            Generation::Classic => "classic phone settings",
        }
    }

    /// The id of the trigger the sending code runs on.
    pub(crate) fn trigger(self) -> &'static str {
        match self {
            Generation::UnifiedPhone => "custom-phone-provider",
            Generation::Classic => "send-phone-message",
        }
    }
}

/// The generation from `GET /tenants/settings`: Terraform treats a missing
/// `phone_consolidated_experience` as enabled.
pub(crate) fn generation_of(settings: &Value) -> Generation {
    match settings.get("phone_consolidated_experience") {
        Some(Value::Bool(false)) => Generation::Classic,
        _ => Generation::UnifiedPhone,
    }
}

/// Does the trigger need its Actions bound? Classic triggers do; Auth0
/// manages the bindings of an `entity-bound` trigger itself ("Tenants
/// cannot manage entity-bound bindings": the trigger's `binding_policy`,
/// Management API spec). The documented custom-phone-provider set-up has
/// no binding step (docs "Configure a Custom Phone Provider"; Terraform's
/// `auth0_phone_provider` example), so there a binding is planned only
/// when the tenant says the trigger is `trigger-bound`.
pub(crate) fn needs_binding(generation: Generation, binding_policy: Option<&str>) -> bool {
    match generation {
        Generation::Classic => binding_policy != Some("entity-bound"),
        Generation::UnifiedPhone => binding_policy == Some("trigger-bound"),
    }
}

/// The log types of a failed phone message (docs "Log Event Type Codes":
/// `gd_send_sms_failure`, `gd_send_voice_failure`, `fn` "Failed Sending
/// Notification", `actions_execution_failed`), as the Lucene query of the
/// Management API's `q` parameter (docs "Log Search Query Syntax").
pub(crate) const FAILURE_QUERY: &str =
    "type:(gd_send_sms_failure OR gd_send_voice_failure OR fn OR actions_execution_failed)";

/// `GET /logs` for the latest `n` entries matching the Lucene query `q`.
pub(crate) fn logs_path(q: &str, n: u32) -> String {
    format!(
        "/logs?q={}&sort=date%3A-1&per_page={n}",
        crate::http::segment(q)
    )
}

/// What to read besides the phone set-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Ask {
    /// For a check: the latest failure entries in the logs, and the one
    /// live piece of code whole (its code and secret names).
    pub(crate) check: bool,
    /// The trigger on classic tenants too (a plan needs its version and
    /// runtime; it is always read on Unified Phone Experience tenants).
    pub(crate) trigger: bool,
}

impl Ask {
    /// What a check of the tenant reads.
    pub(crate) fn check() -> Ask {
        Ask {
            check: true,
            trigger: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PhoneProvider {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) disabled: bool,
    pub(crate) methods: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hook {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) enabled: bool,
    pub(crate) script: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bound {
    pub(crate) action_id: String,
    pub(crate) name: String,
    /// The code of the bound Action (for the backup).
    pub(crate) code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionInfo {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) code: String,
    pub(crate) runtime: String,
    /// The triggers it supports, as `id@version`.
    pub(crate) triggers: Vec<String>,
    pub(crate) secrets: BTreeSet<String>,
    /// The latest `updated_at` of its secrets.
    pub(crate) secrets_updated: String,
    pub(crate) all_changes_deployed: bool,
    /// It has a deployed version (what Auth0 runs).
    pub(crate) deployed: bool,
}

impl ActionInfo {
    /// From an Action as `GET /actions/actions` lists it.
    pub(crate) fn from_json(a: &Value) -> ActionInfo {
        let secrets = a["secrets"].as_array().cloned().unwrap_or_default();
        ActionInfo {
            id: s(&a["id"]),
            name: s(&a["name"]),
            code: s(&a["code"]),
            runtime: s(&a["runtime"]),
            triggers: a["supported_triggers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| format!("{}@{}", s(&t["id"]), s(&t["version"])))
                .collect(),
            secrets: secrets.iter().map(|x| s(&x["name"])).collect(),
            secrets_updated: secrets
                .iter()
                .map(|x| s(&x["updated_at"]))
                .max()
                .unwrap_or_default(),
            all_changes_deployed: a["all_changes_deployed"] == true,
            deployed: a["deployed_version"].is_object(),
        }
    }
}

/// The trigger's current version, default runtime and binding policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Trigger {
    pub(crate) version: String,
    pub(crate) runtime: String,
    pub(crate) binding_policy: Option<String>,
}

/// The phone factor, read whatever the generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Factor {
    /// The Phone Message (sms) factor is enabled.
    pub(crate) sms_enabled: Read<bool>,
    /// The phone factor's message types.
    pub(crate) message_types: Read<Vec<String>>,
    /// The MFA policies.
    pub(crate) policies: Read<Vec<String>>,
}

/// Where "Custom" lives, per generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phone {
    UnifiedPhone {
        /// The phone providers (Branding > Phone Provider).
        providers: Read<Vec<PhoneProvider>>,
        /// The Actions on the custom-phone-provider trigger.
        on_trigger: Read<Vec<ActionInfo>>,
    },
    Classic {
        /// The selected phone provider (`provider`, when it says).
        selected: Read<Option<String>>,
        /// The send-phone-message hooks.
        hooks: Read<Vec<Hook>>,
    },
}

/// The tenant as read; its generation is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Observed {
    pub(crate) factor: Factor,
    pub(crate) phone: Phone,
    /// Read on Unified Phone Experience tenants (its binding policy says
    /// whether bindings are read), and on classic ones when asked.
    pub(crate) trigger: Option<Read<Trigger>>,
    /// The Actions bound to the trigger, in order (their `code` is None
    /// here: see `codes`); read on classic tenants, and where
    /// [`needs_binding`] says so.
    pub(crate) bindings: Option<Read<Vec<Bound>>>,
    /// Asked for a check: the latest entries of [`FAILURE_QUERY`].
    pub(crate) failure_logs: Option<Read<Vec<Value>>>,
    /// Asked for a check, when exactly one piece of code is live.
    pub(crate) live_code: Option<Read<LiveCode>>,
}

/// What a plan reads besides an [`Observed`] ([`observe_plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ForPlan {
    /// The Actions by sms-mfa's name for the provider.
    pub(crate) named: Read<Vec<ActionInfo>>,
    pub(crate) trigger: Read<Trigger>,
    /// The code of each bound Action by its id, for those not among the
    /// Actions listed already (which carry theirs).
    pub(crate) codes: Read<BTreeMap<String, Option<String>>>,
}

/// The tenant settings gave no answer, so the generation is unknown:
/// what could be read regardless.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unobserved {
    pub(crate) settings: Unreadable,
    pub(crate) factor: Factor,
    pub(crate) failure_logs: Option<Read<Vec<Value>>>,
}

/// The sending code found on the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Code {
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

impl Code {
    /// For people: `hook 'x'`, `Action 'y'`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Code::Hook { name, .. } => format!("hook '{name}'"),
            Code::Action { name, .. } => format!("Action '{name}'"),
        }
    }
}

/// The code Auth0 runs to send a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Live {
    pub(crate) code: Vec<Code>,
    /// Unified Phone Experience: Actions on the trigger never deployed.
    pub(crate) undeployed: Vec<String>,
    /// Why the Actions (bound, or on the trigger) could not be read: then
    /// `code` holds the enabled hooks only.
    pub(crate) unread: Option<Unreadable>,
}

/// The one live piece of code, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LiveCode {
    pub(crate) script: String,
    /// The names of its secrets.
    pub(crate) secrets: BTreeSet<String>,
}

impl Observed {
    pub(crate) fn generation(&self) -> Generation {
        match self.phone {
            Phone::UnifiedPhone { .. } => Generation::UnifiedPhone,
            Phone::Classic { .. } => Generation::Classic,
        }
    }

    /// The Actions on the trigger, as listed (with their code).
    pub(crate) fn on_trigger(&self) -> &[ActionInfo] {
        match &self.phone {
            Phone::UnifiedPhone {
                on_trigger: Ok(l), ..
            } => l,
            _ => &[],
        }
    }

    /// The live sending code: the enabled hooks, and the Actions bound to
    /// the trigger (or, where the trigger needs no binding, the deployed
    /// Actions on it).
    pub(crate) fn live(&self) -> Live {
        let mut live = Live {
            code: Vec::new(),
            undeployed: Vec::new(),
            unread: None,
        };
        if let Phone::Classic { hooks: Ok(h), .. } = &self.phone {
            for hook in h.iter().filter(|h| h.enabled) {
                live.code.push(Code::Hook {
                    id: hook.id.clone(),
                    name: hook.name.clone(),
                    script: hook.script.clone(),
                });
            }
        }
        match (&self.bindings, &self.phone) {
            (Some(Ok(b)), _) => {
                for binding in b {
                    live.code.push(Code::Action {
                        id: binding.action_id.clone(),
                        name: binding.name.clone(),
                    });
                }
            }
            (Some(Err(m)), _) => live.unread = Some(m.clone()),
            (None, Phone::UnifiedPhone { on_trigger, .. }) => match on_trigger {
                // Unified Phone Experience: the deployed Action on the trigger.
                Ok(list) => {
                    for a in list {
                        if a.deployed {
                            live.code.push(Code::Action {
                                id: a.id.clone(),
                                name: a.name.clone(),
                            });
                        } else {
                            live.undeployed.push(a.name.clone());
                        }
                    }
                }
                Err(m) => live.unread = Some(m.clone()),
            },
            // Classic tenants' bindings are always read.
            (None, Phone::Classic { .. }) => {}
        }
        live
    }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// The trigger's current version, its default runtime and its binding
/// policy, from `GET /actions/triggers` (the CURRENT entry, else the
/// highest version; `v1` and `node22` when the tenant does not say).
pub(crate) fn trigger_defaults(
    triggers: &Value,
    trigger: &str,
) -> (String, String, Option<String>) {
    let versions: Vec<&Value> = triggers["triggers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["id"] == trigger)
        .collect();
    let current = versions
        .iter()
        .find(|t| t["status"] == "CURRENT")
        .or_else(|| versions.iter().max_by_key(|t| s(&t["version"])));
    let field = |k: &str, default: &str| {
        current
            .map(|t| s(&t[k]))
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.into())
    };
    (
        field("version", "v1"),
        field("default_runtime", "node22"),
        current.and_then(|t| t["binding_policy"].as_str().map(str::to_string)),
    )
}

fn actions(v: &Value) -> Vec<ActionInfo> {
    v["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(ActionInfo::from_json)
        .collect()
}

fn providers(v: &Value) -> Vec<PhoneProvider> {
    v["providers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| PhoneProvider {
            id: s(&p["id"]),
            name: s(&p["name"]),
            disabled: p["disabled"] == true,
            methods: strings(&p["configuration"]["delivery_methods"]),
        })
        .collect()
}

fn hooks(v: &Value) -> Vec<Hook> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|h| Hook {
            id: s(&h["id"]),
            name: s(&h["name"]),
            enabled: h["enabled"] == true,
            script: s(&h["script"]),
        })
        .collect()
}

fn bindings(v: &Value) -> Vec<Bound> {
    v["bindings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| Bound {
            action_id: s(&b["action"]["id"]),
            name: b["action"]["name"]
                .as_str()
                .or(b["display_name"].as_str())
                .unwrap_or_default()
                .to_string(),
            code: None,
        })
        .collect()
}

fn action_path(id: &str) -> String {
    format!("/actions/actions/{}", crate::http::segment(id))
}

/// The trigger's current version, runtime and binding policy.
async fn read_trigger(conn: &Connection, generation: Generation) -> Read<Trigger> {
    conn.read("read:actions", "/actions/triggers")
        .await
        .map(|t| {
            let (version, runtime, binding_policy) = trigger_defaults(&t, generation.trigger());
            Trigger {
                version,
                runtime,
                binding_policy,
            }
        })
}

/// Read the tenant: what every observation needs, and what `ask` adds.
pub(crate) async fn observe(conn: &Connection, ask: Ask) -> Result<Observed, Unobserved> {
    let logs_path = logs_path(FAILURE_QUERY, 20);
    let (settings, factors, policies, types, logs) = futures::join!(
        conn.read("read:tenant_settings", "/tenants/settings"),
        conn.read("read:guardian_factors", "/guardian/factors"),
        conn.read("read:mfa_policies", "/guardian/policies"),
        conn.read(
            "read:guardian_factors",
            "/guardian/factors/phone/message-types"
        ),
        async {
            match ask.check {
                true => Some(conn.read("read:logs", &logs_path).await),
                false => None,
            }
        },
    );
    let factor = Factor {
        sms_enabled: factors.map(|f| {
            f.as_array()
                .into_iter()
                .flatten()
                .any(|f| f["name"] == "sms" && f["enabled"] == true)
        }),
        message_types: types.map(|t| strings(&t["message_types"])),
        policies: policies.map(|p| strings(&p)),
    };
    let failure_logs = logs.map(|l| l.map(|v| v.as_array().cloned().unwrap_or_default()));
    let generation = match settings {
        Ok(s) => generation_of(&s),
        Err(settings) => {
            return Err(Unobserved {
                settings,
                factor,
                failure_logs,
            });
        }
    };
    let (phone, trigger, bindings) = match generation {
        Generation::UnifiedPhone => read_upe(conn).await,
        Generation::Classic => read_classic(conn, ask.trigger).await,
    };
    let mut obs = Observed {
        factor,
        phone,
        trigger,
        bindings,
        failure_logs,
        live_code: None,
    };
    if ask.check {
        obs.live_code = read_live(conn, &obs).await;
    }
    Ok(obs)
}

type Setup = (Phone, Option<Read<Trigger>>, Option<Read<Vec<Bound>>>);

/// Unified Phone Experience: the phone providers, the trigger, the
/// Actions on it, and the bindings where the trigger is `trigger-bound`
/// (otherwise the Action on the trigger is live once deployed).
async fn read_upe(conn: &Connection) -> Setup {
    let generation = Generation::UnifiedPhone;
    let trigger = generation.trigger();
    let on_trigger_path = format!("/actions/actions?triggerId={trigger}&per_page=50");
    let (providers_read, trigger_read, on_trigger) = futures::join!(
        conn.read("read:phone_providers", "/branding/phone/providers"),
        read_trigger(conn, generation),
        conn.read("read:actions", &on_trigger_path),
    );
    let policy = trigger_read
        .as_ref()
        .ok()
        .and_then(|t| t.binding_policy.as_deref());
    let bindings = if needs_binding(generation, policy) {
        let path = format!("/actions/triggers/{trigger}/bindings");
        Some(conn.read("read:actions", &path).await.map(|b| bindings(&b)))
    } else {
        None
    };
    let phone = Phone::UnifiedPhone {
        providers: providers_read.map(|p| providers(&p)),
        on_trigger: on_trigger.map(|a| actions(&a)),
    };
    (phone, Some(trigger_read), bindings)
}

/// Classic: the selected provider, the hooks, the bindings, and the
/// trigger when asked.
async fn read_classic(conn: &Connection, with_trigger: bool) -> Setup {
    let generation = Generation::Classic;
    let bindings_path = format!("/actions/triggers/{}/bindings", generation.trigger());
    let (selected, hooks_read, bound, trigger) = futures::join!(
        conn.read(
            "read:guardian_factors",
            "/guardian/factors/phone/selected-provider"
        ),
        conn.read("read:hooks", "/hooks?triggerId=send-phone-message"),
        conn.read("read:actions", &bindings_path),
        async {
            match with_trigger {
                true => Some(read_trigger(conn, generation).await),
                false => None,
            }
        },
    );
    let phone = Phone::Classic {
        selected: selected.map(|v| v["provider"].as_str().map(str::to_string)),
        hooks: hooks_read.map(|h| hooks(&h)),
    };
    (phone, trigger, Some(bound.map(|b| bindings(&b))))
}

/// Read the tenant for a plan of sms-mfa's Action named `action`: the
/// observation with the trigger, the Actions of that name (concurrently),
/// then the code of the bound Actions not listed already (for the
/// backup).
pub(crate) async fn observe_plan(
    conn: &Connection,
    action: &str,
) -> Result<(Observed, ForPlan), Unobserved> {
    let by_name = format!(
        "/actions/actions?actionName={}",
        url::form_urlencoded::byte_serialize(action.as_bytes()).collect::<String>()
    );
    let ask = Ask {
        check: false,
        trigger: true,
    };
    let (seen, named) = futures::join!(observe(conn, ask), conn.read("read:actions", &by_name));
    let obs = seen?;
    let named = named.map(|v| actions(&v));
    let trigger = match &obs.trigger {
        Some(t) => t.clone(),
        None => read_trigger(conn, obs.generation()).await,
    };
    let listed: BTreeSet<&str> = obs
        .on_trigger()
        .iter()
        .chain(named.as_deref().unwrap_or_default())
        .map(|a| a.id.as_str())
        .collect();
    let codes = read_codes(conn, &obs, &listed).await;
    let plan = ForPlan {
        named,
        trigger,
        codes,
    };
    Ok((obs, plan))
}

/// The code of each bound Action not `listed` already, for the backup.
async fn read_codes(
    conn: &Connection,
    obs: &Observed,
    listed: &BTreeSet<&str>,
) -> Read<BTreeMap<String, Option<String>>> {
    let unlisted: Vec<&str> = match &obs.bindings {
        Some(Ok(b)) => b
            .iter()
            .map(|b| b.action_id.as_str())
            .filter(|id| !listed.contains(id))
            .collect(),
        _ => Vec::new(),
    };
    let read = futures::future::join_all(
        unlisted
            .iter()
            .map(|id| async move { conn.read("read:actions", &action_path(id)).await }),
    )
    .await;
    let mut codes = BTreeMap::new();
    for (id, code) in unlisted.into_iter().zip(read) {
        codes.insert(id.to_string(), code?["code"].as_str().map(str::to_string));
    }
    Ok(codes)
}

/// The one live piece of code whole (None: not exactly one is live).
async fn read_live(conn: &Connection, obs: &Observed) -> Option<Read<LiveCode>> {
    let live = obs.live();
    let [code] = live.code.as_slice() else {
        return None;
    };
    Some(match code {
        Code::Hook { id, script, .. } => conn
            .read(
                "read:hooks",
                &format!("/hooks/{}/secrets", crate::http::segment(id)),
            )
            .await
            .map(|v| LiveCode {
                script: script.clone(),
                secrets: v
                    .as_object()
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default(),
            }),
        Code::Action { id, .. } => {
            conn.read("read:actions", &action_path(id))
                .await
                .map(|v| LiveCode {
                    script: v["code"].as_str().unwrap_or("").to_string(),
                    secrets: strings_of(&v["secrets"], "name"),
                })
        }
    })
}

/// The `key` of each object in the array `v`.
fn strings_of(v: &Value, key: &str) -> BTreeSet<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s[key].as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An Action as go-auth0's recordings show it (TestActionManager_*:
    /// secrets as `{name, updated_at}`, `deployed_version` once deployed).
    #[test]
    fn an_action_is_read_from_the_api_shape() {
        let a = ActionInfo::from_json(&json!({
            "id": "act_1", "name": "Custom Phone Provider", "code": "CODE", "runtime": "node22",
            "supported_triggers": [{"id": "custom-phone-provider", "version": "v1"}],
            "secrets": [{"name": "B", "updated_at": "2026-01-02T00:00:00Z"},
                        {"name": "A", "updated_at": "2026-01-03T00:00:00Z"}],
            "all_changes_deployed": true,
            "deployed_version": {"id": "ver_1", "status": "built"},
        }));
        assert_eq!(a.id, "act_1");
        assert_eq!(a.name, "Custom Phone Provider");
        assert_eq!(a.code, "CODE");
        assert_eq!(a.runtime, "node22");
        assert_eq!(a.triggers, ["custom-phone-provider@v1"]);
        assert_eq!(
            a.secrets,
            BTreeSet::from(["A".to_string(), "B".to_string()])
        );
        assert_eq!(a.secrets_updated, "2026-01-03T00:00:00Z", "the latest");
        assert!(a.all_changes_deployed && a.deployed);
        let b = ActionInfo::from_json(&json!({"id": "act_2", "all_changes_deployed": false,
            "deployed_version": null}));
        assert!(!b.all_changes_deployed && !b.deployed);
        assert_eq!(b.secrets_updated, "");
        assert_eq!(strings(&json!(["sms", 3, "voice"])), ["sms", "voice"]);
        assert!(strings(&json!(null)).is_empty());
        assert_eq!(s(&json!("x")), "x");
        assert_eq!(s(&json!(1)), "");
    }

    /// As go-auth0's TestActionManager_Triggers recording lists them (a
    /// DEPRECATED and a CURRENT version; runtimes named like
    /// `node18-actions`), with the newer `binding_policy`.
    #[test]
    fn the_triggers_current_version_runtime_and_binding_policy() {
        let t = json!({"triggers": [
            {"id": "send-phone-message", "version": "v1", "status": "DEPRECATED", "default_runtime": "node12"},
            {"id": "send-phone-message", "version": "v2", "status": "CURRENT", "default_runtime": "node18-actions",
             "binding_policy": "trigger-bound"},
            {"id": "custom-phone-provider", "version": "v3", "status": "DEPRECATED", "default_runtime": ""},
            {"id": "custom-phone-provider", "version": "v2", "status": "DEPRECATED"},
        ]});
        assert_eq!(
            trigger_defaults(&t, "send-phone-message"),
            (
                "v2".into(),
                "node18-actions".into(),
                Some("trigger-bound".into())
            )
        );
        assert_eq!(
            trigger_defaults(&t, "custom-phone-provider"),
            ("v3".into(), "node22".into(), None),
            "no CURRENT: the highest version; an empty runtime: the default"
        );
        assert_eq!(
            trigger_defaults(&json!({}), "post-login"),
            ("v1".into(), "node22".into(), None)
        );
    }

    #[test]
    fn bindings_are_planned_where_the_trigger_needs_them() {
        use Generation::*;
        assert!(needs_binding(Classic, None));
        assert!(needs_binding(Classic, Some("trigger-bound")));
        assert!(!needs_binding(Classic, Some("entity-bound")));
        assert!(!needs_binding(UnifiedPhone, None));
        assert!(!needs_binding(UnifiedPhone, Some("entity-bound")));
        assert!(needs_binding(UnifiedPhone, Some("trigger-bound")));
    }
}
