//! From the tenant as it is to the tenant as the chosen provider needs it.
//!
//! [`observe`] reads what a plan depends on (through
//! [`super::observe`]); [`plan`] is pure: it lists the changes;
//! [`super::apply`] makes them in order, after saving the code and
//! settings they replace. Applying a plan and planning again gives an
//! empty plan.

use super::apply::Applied;
use super::observe::{
    ActionInfo, Bound, ForPlan, Generation, Hook, Observed, Phone, PhoneProvider, needs_binding,
    observe_plan,
};
use super::{Connection, Unreadable};
use crate::codegen::Target;
use serde::Serialize;
use std::collections::BTreeSet;

/// The name of the Action sms-mfa manages for a provider.
pub(crate) fn action_name(provider_id: &str) -> String {
    format!("sms-mfa-{provider_id}")
}

/// The trigger the sending code runs on, per generation.
pub(crate) fn target(generation: Generation) -> Target {
    match generation {
        Generation::UnifiedPhone => Target::CustomPhoneProvider,
        Generation::Classic => Target::SendPhoneMessage,
    }
}

/// The Action to write on a Unified Phone Experience tenant, among those
/// on the custom-phone-provider trigger (Auth0 allows one since its 2026
/// rollout; older tenants may have several): sms-mfa's own for `ours`,
/// else any of sms-mfa's, else a deployed one, else the first.
pub(crate) fn adopt<'a>(on_trigger: &'a [ActionInfo], ours: &str) -> Option<&'a ActionInfo> {
    on_trigger
        .iter()
        .find(|a| a.name == ours)
        .or_else(|| on_trigger.iter().find(|a| a.name.starts_with("sms-mfa-")))
        .or_else(|| on_trigger.iter().find(|a| a.deployed))
        .or_else(|| on_trigger.first())
}

/// The values of `provider`'s Action secrets from its resolved settings,
/// or what is missing or invalid.
pub(crate) fn action_values(
    provider: &crate::providers::Provider,
    resolved: &[crate::settings::Resolved],
) -> Result<Vec<(String, String)>, Vec<String>> {
    crate::providers::clients::check_settings(provider, resolved).map_err(|e| e.0)?;
    let names = crate::codegen::action_secrets(provider);
    Ok(resolved
        .iter()
        .filter(|r| names.contains(&r.name))
        .filter_map(|r| Some((r.name.clone(), r.value.as_ref()?.expose().to_string())))
        .collect())
}

/// What a plan depends on: the tenant as [`observe_plan`] read it, every
/// read answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub(crate) generation: Generation,
    pub(crate) sms_enabled: bool,
    /// Classic: the selected phone provider.
    pub(crate) selected_provider: Option<String>,
    /// The phone factor's message types (both generations).
    pub(crate) message_types: Vec<String>,
    /// Unified Phone Experience: the phone providers.
    pub(crate) phone_providers: Vec<PhoneProvider>,
    /// Classic: the send-phone-message hooks.
    pub(crate) hooks: Vec<Hook>,
    /// The Actions bound to the trigger, in order (read only where the
    /// trigger needs bindings).
    pub(crate) bindings: Vec<Bound>,
    /// See [`needs_binding`].
    pub(crate) needs_binding: bool,
    /// Unified Phone Experience: the other Actions on custom-phone-provider
    /// (from before Auth0 allowed only one).
    pub(crate) others_on_trigger: Vec<String>,
    /// The trigger's current version and default runtime.
    pub(crate) trigger_version: String,
    pub(crate) runtime: String,
    /// The Action the plan writes, when it exists: sms-mfa's own, or on a
    /// Unified Phone Experience tenant the one on custom-phone-provider,
    /// whatever its name.
    pub(crate) action: Option<ActionInfo>,
    pub(crate) policies: Vec<String>,
}

impl Tenant {
    pub(crate) fn trigger(&self) -> Target {
        target(self.generation)
    }

    /// The tenant for a plan of sms-mfa's Action named `action`, from
    /// what was read; the first read that gave no answer, in the order the
    /// plan depends on them, if any. On a Unified Phone Experience tenant
    /// the Action on the trigger is adopted ([`adopt`]), never a second one
    /// made.
    pub(crate) fn new(obs: &Observed, p: &ForPlan, action: &str) -> Result<Tenant, Unreadable> {
        let generation = obs.generation();
        let trigger = p.trigger.clone()?;
        let f = &obs.factor;
        let mut t = Tenant {
            generation,
            sms_enabled: f.sms_enabled.clone()?,
            selected_provider: None,
            message_types: f.message_types.clone()?,
            phone_providers: Vec::new(),
            hooks: Vec::new(),
            bindings: Vec::new(),
            needs_binding: needs_binding(generation, trigger.binding_policy.as_deref()),
            others_on_trigger: Vec::new(),
            trigger_version: trigger.version,
            runtime: trigger.runtime,
            action: None,
            policies: f.policies.clone()?,
        };
        let own = p.named.clone()?.into_iter().find(|a| a.name == action);
        match &obs.phone {
            Phone::UnifiedPhone {
                providers,
                on_trigger,
            } => {
                t.phone_providers = providers.clone()?;
                let on_trigger = on_trigger.clone()?;
                t.action = adopt(&on_trigger, action).cloned().or(own);
                let adopted = t.action.as_ref().map(|a| a.id.clone());
                t.others_on_trigger = on_trigger
                    .into_iter()
                    .filter(|a| Some(&a.id) != adopted.as_ref())
                    .map(|a| a.name)
                    .collect();
            }
            Phone::Classic { selected, hooks } => {
                t.action = own;
                t.selected_provider = Some(selected.clone()?.unwrap_or_default());
                t.hooks = match hooks {
                    Ok(h) => h.clone(),
                    // Tenants that never had hooks answer with an error.
                    Err(Unreadable::Refused(_, e)) if e.status == 403 || e.status == 400 => {
                        Vec::new()
                    }
                    Err(e) => return Err(e.clone()),
                };
            }
        }
        let bound = obs.bindings.clone().transpose()?.unwrap_or_default();
        let codes = p.codes.clone()?;
        // The code of every other bound Action, for the backup.
        let ours = t.action.as_ref().map(|a| a.id.clone());
        let listed = |id: &str| {
            obs.on_trigger()
                .iter()
                .chain(p.named.as_deref().unwrap_or_default())
                .find(|a| a.id == id)
                .map(|a| a.code.clone())
        };
        t.bindings = bound
            .into_iter()
            .map(|b| {
                let code = match Some(&b.action_id) == ours.as_ref() {
                    true => None,
                    false => codes
                        .get(&b.action_id)
                        .cloned()
                        .flatten()
                        .or_else(|| listed(&b.action_id)),
                };
                Bound { code, ..b }
            })
            .collect();
        Ok(t)
    }
}

/// Read what a plan for `action` (sms-mfa's name for the provider's
/// Action, see [`action_name`]) depends on.
pub async fn observe(conn: &Connection, action: &str) -> Result<Tenant, Unreadable> {
    let (obs, p) = observe_plan(conn, action).await.map_err(|u| u.settings)?;
    Tenant::new(&obs, &p, action)
}

/// What the tenant should run: the generated code and the secret values.
pub(crate) struct Desired {
    pub(crate) provider: String,
    pub(crate) action: String,
    pub(crate) code: String,
    /// Name and value of each Action secret, sorted by name.
    pub(crate) secrets: Vec<(String, String)>,
    /// A SHA-256 of the tenant, the Action name and the secret values:
    /// recorded after an apply, so that the next plan knows whether the
    /// write-only values changed. Never the values themselves.
    pub(crate) digest: String,
}

impl Desired {
    pub(crate) fn new(
        base: &str,
        provider: &str,
        code: String,
        mut secrets: Vec<(String, String)>,
    ) -> Desired {
        use sha2::{Digest, Sha256};
        secrets.sort();
        let action = action_name(provider);
        let mut h = Sha256::new();
        for part in [base, action.as_str()] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        for (k, v) in &secrets {
            h.update(k.as_bytes());
            h.update([0]);
            h.update(v.as_bytes());
            h.update([0]);
        }
        let digest = h
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        Desired {
            provider: provider.to_string(),
            action,
            code,
            secrets,
            digest,
        }
    }

    fn names(&self) -> BTreeSet<String> {
        self.secrets.iter().map(|(k, _)| k.clone()).collect()
    }
}

impl std::fmt::Debug for Desired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desired")
            .field("action", &self.action)
            .field("secrets", &self.names())
            .finish_non_exhaustive()
    }
}

/// One change to the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    CreateAction,
    UpdateAction {
        id: String,
        code: bool,
        secrets: bool,
        triggers: bool,
        /// sms-mfa's Action for another provider gets this provider's name.
        #[serde(skip_serializing_if = "Option::is_none")]
        rename: Option<String>,
    },
    Deploy,
    Bind {
        unbind: Vec<String>,
    },
    DisableHook {
        id: String,
        name: String,
    },
    SelectCustom {
        from: String,
    },
    CreatePhoneProvider,
    UpdatePhoneProvider {
        id: String,
        from: String,
        disabled: bool,
        methods: Vec<String>,
    },
    EnableFactor,
    MessageTypes {
        to: Vec<String>,
    },
}

/// Every scope a change may need (see [`Change::scope`]).
pub(crate) const WRITE_SCOPES: [&str; 6] = [
    "create:actions",
    "update:actions",
    "update:guardian_factors",
    "create:phone_providers",
    "update:phone_providers",
    "update:hooks",
];

impl Change {
    /// The scope the write needs.
    pub(crate) fn scope(&self) -> &'static str {
        match self {
            Change::CreateAction | Change::Deploy => "create:actions",
            Change::UpdateAction { .. } | Change::Bind { .. } => "update:actions",
            Change::DisableHook { .. } => "update:hooks",
            Change::CreatePhoneProvider => "create:phone_providers",
            Change::UpdatePhoneProvider { .. } => "update:phone_providers",
            Change::SelectCustom { .. } | Change::EnableFactor | Change::MessageTypes { .. } => {
                "update:guardian_factors"
            }
        }
    }
}

/// The changes, in the order they are applied, and what sms-mfa leaves to
/// a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The Action written, by the name it has after the apply.
    pub action: String,
    pub trigger: &'static str,
    /// The name of the Action the plan updates in place when that is not
    /// sms-mfa's own for this provider (made in the dashboard, by another
    /// tool, or by sms-mfa for another provider).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adopted: Option<String>,
    /// The provider whose code is written, for people.
    #[serde(skip)]
    pub provider_name: String,
    pub changes: Vec<Change>,
    pub notes: Vec<String>,
}

impl Plan {
    pub(crate) fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// One line per change, for people.
    pub fn describe(&self, c: &Change) -> String {
        let a = &self.action;
        let t = self.trigger;
        match c {
            Change::CreateAction => {
                format!("Create the Action '{a}' for {t} with the generated code and its secrets")
            }
            Change::UpdateAction {
                code,
                secrets,
                triggers,
                rename,
                ..
            } => {
                let p = &self.provider_name;
                let mut what = Vec::new();
                if *code {
                    what.push(format!("replace its code with the generated {p} code"));
                }
                if *triggers {
                    what.push(format!("move it to the {t} trigger"));
                }
                if *secrets {
                    what.push("set its secrets from the keyring".to_string());
                }
                if let Some(new) = rename {
                    what.push(format!("rename it '{new}'"));
                }
                match &self.adopted {
                    Some(old) if !old.starts_with("sms-mfa-") => format!(
                        "Update the Action '{old}' (made elsewhere; Auth0 allows one Action on {t}) in place: {}; its current code is saved to the backup first",
                        what.join(", ")
                    ),
                    Some(old) => format!(
                        "Update the Action '{old}' in place: {}; its current code is saved to the backup first",
                        what.join(", ")
                    ),
                    None => format!("Update the Action '{a}': {}", what.join(", ")),
                }
            }
            Change::Deploy => format!("Deploy '{a}' and wait for Auth0 to build it"),
            Change::Bind { unbind } if unbind.is_empty() => {
                format!("Bind '{a}' to the {t} trigger")
            }
            Change::Bind { unbind } => format!(
                "Bind '{a}' to the {t} trigger in place of {} (unbound, not deleted)",
                unbind
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Change::DisableHook { name, .. } => format!(
                "Disable the legacy hook '{name}': the Action replaces it (the hook is kept, not deleted)"
            ),
            Change::SelectCustom { from } => format!(
                "Set the SMS delivery provider to Custom (phone-message-hook), now '{from}'"
            ),
            Change::CreatePhoneProvider => {
                "Create the Custom phone provider (Branding > Phone Provider), delivering text messages".into()
            }
            Change::UpdatePhoneProvider { from, disabled, methods, .. } => {
                let mut what = Vec::new();
                if from != "custom" {
                    what.push(format!("switch it from '{from}' to Custom"));
                }
                if *disabled {
                    what.push("enable it".into());
                }
                what.push(format!("delivery methods {}", methods.join(", ")));
                format!("Update the phone provider: {}", what.join(", "))
            }
            Change::EnableFactor => "Enable the Phone Message (sms) MFA factor".into(),
            Change::MessageTypes { to } => {
                format!("Set the phone message types to {}", to.join(", "))
            }
        }
    }
}

/// The message types the phone factor should offer: SMS, and of the
/// others those the Unified Phone Experience provider delivers (there the
/// factor's types must be a subset of the provider's delivery methods:
/// docs "Use Auth0's Unified Phone Experience for MFA"). `methods` is None
/// on classic tenants. Order kept, SMS first when added.
pub(crate) fn wanted_types(types: &[String], methods: Option<&[String]>) -> Vec<String> {
    let delivers = |t: &str| {
        let method = if t == "sms" { "text" } else { t };
        methods.is_none_or(|m| method == "text" || m.iter().any(|x| x == method))
    };
    let mut out: Vec<String> = types.iter().filter(|t| delivers(t)).cloned().collect();
    if !out.iter().any(|t| t == "sms") {
        out.insert(0, "sms".into());
    }
    out
}

/// The changes that bring the tenant to `want`. Pure.
pub(crate) fn plan(obs: &Tenant, want: &Desired, applied: Option<&Applied>) -> Plan {
    let trigger = obs.trigger().id();
    let mut d = Draft::default();
    let provider_name = crate::providers::Catalog::builtin()
        .get(&want.provider)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| want.provider.clone());
    let (name, adopted) = d.action(obs, want, applied);
    if !obs.others_on_trigger.is_empty() {
        d.notes.push(format!(
            "The tenant has more Actions on {trigger} ({}), made before Auth0 allowed only one: sms-mfa leaves them alone; delete them in Actions > Library once codes arrive.",
            obs.others_on_trigger
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if obs.needs_binding {
        d.binding(obs);
    }
    let methods = match obs.generation {
        Generation::Classic => {
            d.classic(obs);
            None
        }
        Generation::UnifiedPhone => Some(d.phone_provider(obs, want)),
    };
    if !obs.sms_enabled {
        d.changes.push(Change::EnableFactor);
    }
    let types = wanted_types(&obs.message_types, methods.as_deref());
    if types != obs.message_types {
        d.changes.push(Change::MessageTypes { to: types });
    }
    if obs.policies.is_empty() {
        d.notes.push("The MFA policy is empty, so nobody is asked for a code unless an Action requires MFA. sms-mfa does not change who is asked: set \"Require Multi-factor Auth\" in Security > Multi-factor Auth.".into());
    }
    Plan {
        action: name,
        trigger,
        adopted,
        provider_name,
        changes: d.changes,
        notes: d.notes,
    }
}

/// A plan's changes and notes, as they are found.
#[derive(Default)]
struct Draft {
    changes: Vec<Change>,
    notes: Vec<String>,
}

impl Draft {
    /// Create, or update in place, and deploy the Action. Returns the name
    /// it has after the apply and, when not sms-mfa's own for this
    /// provider, the name of the Action adopted.
    fn action(
        &mut self,
        obs: &Tenant,
        want: &Desired,
        applied: Option<&Applied>,
    ) -> (String, Option<String>) {
        let Some(a) = &obs.action else {
            self.changes.push(Change::CreateAction);
            self.changes.push(Change::Deploy);
            return (want.action.clone(), None);
        };
        let want_trigger = format!("{}@{}", obs.trigger().id(), obs.trigger_version);
        // sms-mfa's Action for another provider takes this one's name;
        // one made elsewhere keeps its own.
        let rename =
            (a.name != want.action && a.name.starts_with("sms-mfa-")).then(|| want.action.clone());
        let (mut name, mut adopted) = (want.action.clone(), None);
        if a.name != want.action {
            adopted = Some(a.name.clone());
            if rename.is_none() {
                name = a.name.clone();
            }
        }
        let code = a.code != want.code;
        let triggers = a.triggers != [want_trigger];
        let names_missing = !want.names().is_subset(&a.secrets);
        let unknown_values = applied.is_none_or(|r| {
            r.action_id != a.id || r.digest != want.digest || r.secrets_updated != a.secrets_updated
        });
        let secrets = names_missing || unknown_values;
        let mut deploy = !a.all_changes_deployed || !a.deployed;
        if code || triggers || secrets || rename.is_some() {
            self.changes.push(Change::UpdateAction {
                id: a.id.clone(),
                code,
                secrets,
                triggers,
                rename,
            });
            deploy = true;
            if secrets && !names_missing {
                self.notes.push("Action secret values cannot be read back: sms-mfa sets them from the keyring unless it recorded pushing these same values, and nobody changed them since.".into());
            }
        }
        if deploy {
            self.changes.push(Change::Deploy);
        }
        (name, adopted)
    }

    /// Bind the Action to the trigger, in place of any other.
    fn binding(&mut self, obs: &Tenant) {
        let ours = obs.action.as_ref().map(|a| a.id.as_str());
        let others: Vec<String> = obs
            .bindings
            .iter()
            .filter(|b| Some(b.action_id.as_str()) != ours)
            .map(|b| b.name.clone())
            .collect();
        let bound = ours.is_some_and(|id| obs.bindings.iter().any(|b| b.action_id == id));
        if !bound || !others.is_empty() {
            self.changes.push(Change::Bind { unbind: others });
        }
    }

    /// Classic: disable the hooks, select Custom.
    fn classic(&mut self, obs: &Tenant) {
        for h in obs.hooks.iter().filter(|h| h.enabled) {
            self.changes.push(Change::DisableHook {
                id: h.id.clone(),
                name: h.name.clone(),
            });
        }
        if obs.hooks.iter().any(|h| h.enabled) {
            self.notes.push("Hooks reached end of life on 2026-11-18: the plan moves the tenant to a send-phone-message Action and disables the hook, which stays on the tenant (delete it yourself once codes arrive).".into());
        }
        let from = obs.selected_provider.clone().unwrap_or_default();
        if from != "phone-message-hook" {
            self.changes.push(Change::SelectCustom { from });
        }
    }

    /// Unified Phone Experience: a Custom phone provider, enabled, that
    /// delivers text. Returns the delivery methods it will have.
    fn phone_provider(&mut self, obs: &Tenant, want: &Desired) -> Vec<String> {
        let custom = obs.phone_providers.iter().find(|p| p.name == "custom");
        let with_text = |p: &PhoneProvider| {
            let mut m = p.methods.clone();
            if !m.iter().any(|x| x == "text") {
                m.insert(0, "text".into());
            }
            m
        };
        let mut methods = vec!["text".into()];
        match (custom, obs.phone_providers.first()) {
            (Some(c), _) => {
                methods = with_text(c);
                if c.disabled || !c.methods.iter().any(|x| x == "text") {
                    self.changes.push(Change::UpdatePhoneProvider {
                        id: c.id.clone(),
                        from: c.name.clone(),
                        disabled: c.disabled,
                        methods: with_text(c),
                    });
                }
            }
            (None, Some(other)) => self.changes.push(Change::UpdatePhoneProvider {
                id: other.id.clone(),
                from: other.name.clone(),
                disabled: other.disabled,
                methods: vec!["text".into()],
            }),
            (None, None) => self.changes.push(Change::CreatePhoneProvider),
        }
        if want.provider == crate::providers::Kind::TwilioVerify.id() {
            self.notes.push(VERIFY_NOTICES.into());
        }
        methods
    }
}

/// What Twilio Verify cannot do on a Unified Phone Experience tenant, said
/// by the plan, the wizard and `doctor`.
pub(crate) const VERIFY_NOTICES: &str = "On Unified Phone Experience tenants Auth0 also sends account notices (blocked account, password change, breached password) through this Action. Twilio Verify sends only one-time codes, so the Action drops those notices (Auth0 logs the reason); Twilio Programmable SMS would deliver them.";

/// The write scopes the plan needs that the token lacks.
pub(crate) fn missing_scopes(conn: &Connection, plan: &Plan) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = plan
        .changes
        .iter()
        .map(Change::scope)
        .filter(|s| !conn.has_scope(s))
        .collect();
    out.sort();
    out.dedup();
    out
}
/// The tenant read, what it should run, and the plan between them.
pub struct Prepared {
    pub(crate) obs: Tenant,
    pub(crate) want: Desired,
    pub(crate) plan: Plan,
    /// Write scopes the plan needs that the token lacks.
    pub(crate) missing: Vec<&'static str>,
}

/// Why there is no plan: each front end words it (all three are the
/// user's to fix: the base URL, the connection's scopes, the settings).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    /// A base URL for the code that the tenant's servers cannot reach;
    /// found before the tenant is read.
    #[error(transparent)]
    Undeployable(#[from] crate::codegen::Undeployable),
    /// The tenant's phone set-up could not be read.
    #[error("cannot read the tenant: {0}.")]
    Unreadable(Unreadable),
    /// The code could not be rendered (no template; a base URL that is not
    /// one, in the renderer's words).
    #[error("{0}")]
    Render(String),
}

/// Read the tenant and plan the changes for `provider`, whose Action
/// secrets have `values`; `base` is the provider API base URL to write into
/// the code (None: the provider's own).
pub async fn prepare(
    conn: &Connection,
    paths: &crate::config::Paths,
    provider: &crate::providers::Provider,
    values: Vec<(String, String)>,
    base: Option<&str>,
) -> Result<Prepared, PrepareError> {
    // A loopback or private-network API address only for a tenant that is
    // itself on this machine (the sandbox, the tests' fakes): a real
    // tenant's servers cannot reach it. The same for a base URL kept as an
    // Action secret (Infobip's).
    let secret_base = provider.base_setting.as_deref().and_then(|name| {
        values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    });
    for b in base.into_iter().chain(secret_base) {
        crate::codegen::deployable(b, &conn.base)?;
    }
    let action = action_name(&provider.id);
    let obs = observe(conn, &action)
        .await
        .map_err(PrepareError::Unreadable)?;
    let code =
        crate::codegen::render(provider, obs.trigger(), base).map_err(PrepareError::Render)?;
    let want = Desired::new(&conn.base, &provider.id, code, values);
    // The record is kept by the name the Action has after the apply.
    let record_name = match &obs.action {
        Some(a) if !a.name.starts_with("sms-mfa-") => a.name.clone(),
        _ => action,
    };
    let record = {
        let (paths, base, action) = (paths.clone(), conn.base.clone(), record_name);
        // Disk work off the async thread (the wizard's event loop runs there).
        tokio::task::spawn_blocking(move || Applied::load(&paths, &base, &action))
            .await
            .ok()
            .flatten()
    };
    let plan = plan(&obs, &want, record.as_ref());
    let missing = missing_scopes(conn, &plan);
    Ok(Prepared {
        obs,
        want,
        plan,
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, deployed: bool) -> ActionInfo {
        ActionInfo {
            id: format!("id-{name}"),
            name: name.into(),
            code: String::new(),
            runtime: "node22".into(),
            triggers: vec!["custom-phone-provider@v1".into()],
            secrets: BTreeSet::new(),
            secrets_updated: String::new(),
            all_changes_deployed: deployed,
            deployed,
        }
    }

    #[test]
    fn the_trigger_follows_the_generation() {
        assert_eq!(
            target(Generation::UnifiedPhone),
            Target::CustomPhoneProvider
        );
        assert_eq!(target(Generation::Classic), Target::SendPhoneMessage);
        let mut o = upe(None);
        assert_eq!(o.trigger(), Target::CustomPhoneProvider);
        o.generation = Generation::Classic;
        assert_eq!(o.trigger(), Target::SendPhoneMessage);
    }

    #[test]
    fn the_action_adopted_is_ours_then_any_of_ours_then_a_deployed_one() {
        let list = [
            info("Custom Phone Provider", false),
            info("Other", true),
            info("sms-mfa-vonage", false),
            info("sms-mfa-twilio", false),
        ];
        assert_eq!(
            adopt(&list, "sms-mfa-twilio").unwrap().name,
            "sms-mfa-twilio"
        );
        assert_eq!(
            adopt(&list[..3], "sms-mfa-twilio").unwrap().name,
            "sms-mfa-vonage"
        );
        assert_eq!(adopt(&list[..2], "sms-mfa-twilio").unwrap().name, "Other");
        assert_eq!(
            adopt(&list[..1], "sms-mfa-twilio").unwrap().name,
            "Custom Phone Provider"
        );
        assert!(adopt(&[], "sms-mfa-twilio").is_none());
    }

    #[test]
    fn message_types_get_sms_and_keep_only_what_the_provider_delivers() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(wanted_types(&v(&["voice"]), None), v(&["sms", "voice"]));
        assert_eq!(wanted_types(&v(&[]), None), v(&["sms"]));
        assert_eq!(
            wanted_types(&v(&["voice", "sms"]), None),
            v(&["voice", "sms"])
        );
        let text = v(&["text"]);
        assert_eq!(wanted_types(&v(&["voice"]), Some(&text)), v(&["sms"]));
        assert_eq!(
            wanted_types(&v(&["sms", "voice"]), Some(&text)),
            v(&["sms"])
        );
        let both = v(&["text", "voice"]);
        assert_eq!(
            wanted_types(&v(&["voice"]), Some(&both)),
            v(&["sms", "voice"])
        );
        assert_eq!(wanted_types(&v(&["sms"]), Some(&both)), v(&["sms"]));
    }

    fn upe(action: Option<ActionInfo>) -> Tenant {
        Tenant {
            generation: Generation::UnifiedPhone,
            sms_enabled: true,
            selected_provider: None,
            message_types: vec!["sms".into()],
            phone_providers: vec![PhoneProvider {
                id: "pro_1".into(),
                name: "custom".into(),
                disabled: false,
                methods: vec!["text".into()],
            }],
            hooks: vec![],
            bindings: vec![],
            needs_binding: false,
            others_on_trigger: vec![],
            trigger_version: "v1".into(),
            runtime: "node22".into(),
            action,
            policies: vec!["all-applications".into()],
        }
    }

    fn want(provider: &str, code: &str) -> Desired {
        Desired::new(
            "https://acme",
            provider,
            code.into(),
            vec![("K".into(), "v".into())],
        )
    }

    fn ours(name: &str, code: &str, w: &Desired) -> (ActionInfo, Applied) {
        let mut a = info(name, true);
        a.code = code.into();
        a.secrets = BTreeSet::from(["K".to_string()]);
        let r = Applied {
            action_id: a.id.clone(),
            digest: w.digest.clone(),
            secrets_updated: String::new(),
        };
        (a, r)
    }

    #[test]
    fn a_tenant_as_wanted_plans_nothing() {
        let w = want("twilio", "CODE");
        let (a, r) = ours("sms-mfa-twilio", "CODE", &w);
        let p = plan(&upe(Some(a)), &w, Some(&r));
        assert_eq!(p.changes, vec![]);
        assert_eq!(p.adopted, None);
        assert_eq!(p.action, "sms-mfa-twilio");
    }

    #[test]
    fn an_action_made_elsewhere_is_updated_in_place_under_its_own_name() {
        let w = want("twilio", "CODE");
        let (a, _) = ours("Custom Phone Provider", "OTHER", &w);
        let p = plan(&upe(Some(a)), &w, None);
        assert_eq!(
            p.changes,
            vec![
                Change::UpdateAction {
                    id: "id-Custom Phone Provider".into(),
                    code: true,
                    secrets: true,
                    triggers: false,
                    rename: None,
                },
                Change::Deploy
            ]
        );
        assert_eq!(p.adopted.as_deref(), Some("Custom Phone Provider"));
        assert_eq!(p.action, "Custom Phone Provider");
        let line = p.describe(&p.changes[0]);
        assert!(
            line.contains("made elsewhere") && line.contains("saved to the backup"),
            "{line}"
        );
    }

    #[test]
    fn our_action_for_another_provider_is_renamed() {
        let w = want("vonage", "CODE");
        let (a, _) = ours("sms-mfa-twilio", "OLD", &w);
        let p = plan(&upe(Some(a)), &w, None);
        assert!(matches!(
            &p.changes[0],
            Change::UpdateAction { rename: Some(n), .. } if n == "sms-mfa-vonage"
        ));
        assert_eq!(p.action, "sms-mfa-vonage");
        assert_eq!(p.adopted.as_deref(), Some("sms-mfa-twilio"));
        let line = p.describe(&p.changes[0]);
        assert!(
            !line.contains("made elsewhere") && line.contains("rename it 'sms-mfa-vonage'"),
            "{line}"
        );
    }

    #[test]
    fn an_undeployed_action_is_deployed_and_no_bind_on_unified_phone() {
        let w = want("twilio", "CODE");
        let (mut a, r) = ours("sms-mfa-twilio", "CODE", &w);
        a.deployed = false;
        let p = plan(&upe(Some(a.clone())), &w, Some(&r));
        assert_eq!(p.changes, vec![Change::Deploy]);
        a.deployed = true;
        a.all_changes_deployed = false;
        assert_eq!(
            plan(&upe(Some(a)), &w, Some(&r)).changes,
            vec![Change::Deploy]
        );
        let p = plan(&upe(None), &w, None);
        assert_eq!(p.changes, vec![Change::CreateAction, Change::Deploy]);
    }

    #[test]
    fn a_trigger_bound_unified_phone_trigger_is_bound() {
        let w = want("twilio", "CODE");
        let (a, r) = ours("sms-mfa-twilio", "CODE", &w);
        let mut o = upe(Some(a));
        o.needs_binding = true;
        assert_eq!(
            plan(&o, &w, Some(&r)).changes,
            vec![Change::Bind { unbind: vec![] }]
        );
    }

    #[test]
    fn voice_only_gets_sms_and_verify_gets_its_notice() {
        let w = want("twilio-verify", "CODE");
        let (a, r) = ours("sms-mfa-twilio-verify", "CODE", &w);
        let mut o = upe(Some(a));
        o.message_types = vec!["voice".into()];
        o.phone_providers[0].methods = vec!["text".into(), "voice".into()];
        let p = plan(&o, &w, Some(&r));
        assert_eq!(
            p.changes,
            vec![Change::MessageTypes {
                to: vec!["sms".into(), "voice".into()]
            }]
        );
        assert_eq!(p.notes, vec![VERIFY_NOTICES.to_string()]);
        o.generation = Generation::Classic;
        o.selected_provider = Some("phone-message-hook".into());
        o.message_types = vec!["sms".into()];
        o.needs_binding = false;
        assert!(
            plan(&o, &w, Some(&r)).notes.is_empty(),
            "classic tenants send codes only"
        );
    }

    #[test]
    fn older_extra_actions_on_the_trigger_are_named_and_left_alone() {
        let w = want("twilio", "CODE");
        let (a, r) = ours("sms-mfa-twilio", "CODE", &w);
        let mut o = upe(Some(a));
        o.others_on_trigger = vec!["my-sms".into()];
        let p = plan(&o, &w, Some(&r));
        assert!(p.changes.is_empty());
        assert!(p.notes[0].contains("'my-sms'"), "{:?}", p.notes);
    }

    #[test]
    fn every_change_needs_a_listed_write_scope() {
        let all = [
            Change::CreateAction,
            Change::UpdateAction {
                id: String::new(),
                code: true,
                secrets: true,
                triggers: true,
                rename: None,
            },
            Change::Deploy,
            Change::Bind { unbind: vec![] },
            Change::DisableHook {
                id: String::new(),
                name: String::new(),
            },
            Change::SelectCustom {
                from: String::new(),
            },
            Change::CreatePhoneProvider,
            Change::UpdatePhoneProvider {
                id: String::new(),
                from: String::new(),
                disabled: false,
                methods: vec![],
            },
            Change::EnableFactor,
            Change::MessageTypes { to: vec![] },
        ];
        let used: BTreeSet<&str> = all.iter().map(Change::scope).collect();
        assert_eq!(used, WRITE_SCOPES.into_iter().collect::<BTreeSet<_>>());
    }

    fn refused(status: u16) -> Unreadable {
        Unreadable::Refused(
            "/x".into(),
            crate::auth0::ApiError {
                status,
                error: "e".into(),
                message: "m".into(),
                error_code: None,
            },
        )
    }

    fn seen(phone: Phone, bindings: Option<Vec<Bound>>) -> Observed {
        Observed {
            factor: crate::auth0::observe::Factor {
                sms_enabled: Ok(true),
                message_types: Ok(vec!["sms".into()]),
                policies: Ok(vec!["p".into()]),
            },
            phone,
            trigger: None,
            bindings: bindings.map(Ok),
            failure_logs: None,
            live_code: None,
        }
    }

    fn for_plan(named: Vec<ActionInfo>, codes: &[(&str, &str)]) -> ForPlan {
        ForPlan {
            named: Ok(named),
            trigger: Ok(crate::auth0::observe::Trigger {
                version: "v2".into(),
                runtime: "node18".into(),
                binding_policy: Some("trigger-bound".into()),
            }),
            codes: Ok(codes
                .iter()
                .map(|(k, v)| (k.to_string(), Some(v.to_string())))
                .collect()),
        }
    }

    fn bound(name: &str) -> Bound {
        Bound {
            action_id: format!("id-{name}"),
            name: name.into(),
            code: None,
        }
    }

    #[test]
    fn a_unified_phone_tenant_adopts_the_action_on_the_trigger() {
        let mut listed = info("other", true);
        listed.code = "LISTED".into();
        let phone = Phone::UnifiedPhone {
            providers: Ok(vec![]),
            on_trigger: Ok(vec![info("sms-mfa-twilio", false), listed]),
        };
        let o = seen(
            phone,
            Some(vec![bound("sms-mfa-twilio"), bound("other"), bound("far")]),
        );
        let p = for_plan(vec![info("sms-mfa-twilio", false)], &[("id-far", "FAR")]);
        let t = Tenant::new(&o, &p, "sms-mfa-twilio").unwrap();
        assert_eq!(t.generation, Generation::UnifiedPhone);
        assert_eq!(t.action.as_ref().unwrap().name, "sms-mfa-twilio");
        assert_eq!(t.others_on_trigger, ["other"]);
        assert!(t.needs_binding, "trigger-bound");
        assert_eq!(
            (t.trigger_version.as_str(), t.runtime.as_str()),
            ("v2", "node18")
        );
        let codes: Vec<Option<&str>> = t.bindings.iter().map(|b| b.code.as_deref()).collect();
        assert_eq!(
            codes,
            [None, Some("LISTED"), Some("FAR")],
            "ours is not backed up as a bound Action; a listed one's code is the listing's"
        );
        assert_eq!(t.selected_provider, None);
    }

    #[test]
    fn a_classic_tenant_without_hooks_and_the_first_unread_answer() {
        let phone = |hooks| Phone::Classic {
            selected: Ok(None),
            hooks,
        };
        let o = seen(phone(Err(refused(403))), Some(vec![]));
        let p = for_plan(vec![info("sms-mfa-twilio", true), info("x", true)], &[]);
        let t = Tenant::new(&o, &p, "sms-mfa-twilio").unwrap();
        assert_eq!(t.generation, Generation::Classic);
        assert!(
            t.hooks.is_empty(),
            "tenants that never had hooks answer 403"
        );
        assert_eq!(t.selected_provider.as_deref(), Some(""));
        assert_eq!(t.action.as_ref().unwrap().name, "sms-mfa-twilio");
        assert!(t.others_on_trigger.is_empty());
        let o = seen(phone(Err(refused(500))), Some(vec![]));
        assert_eq!(Tenant::new(&o, &p, "sms-mfa-twilio"), Err(refused(500)));
        let mut o = seen(phone(Ok(vec![])), Some(vec![]));
        o.factor.policies = Err(Unreadable::Scope("read:mfa_policies"));
        o.factor.sms_enabled = Err(Unreadable::Scope("read:guardian_factors"));
        assert_eq!(
            Tenant::new(&o, &p, "sms-mfa-twilio"),
            Err(Unreadable::Scope("read:guardian_factors")),
            "in the order the plan reads them"
        );
        let mut p2 = p.clone();
        p2.trigger = Err(Unreadable::Scope("read:actions"));
        assert_eq!(
            Tenant::new(&o, &p2, "sms-mfa-twilio"),
            Err(Unreadable::Scope("read:actions")),
            "the trigger first"
        );
        let o = seen(phone(Ok(vec![])), Some(vec![]));
        let mut p3 = p;
        p3.codes = Err(refused(404));
        assert_eq!(Tenant::new(&o, &p3, "sms-mfa-twilio"), Err(refused(404)));
    }
}
