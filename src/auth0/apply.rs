//! Make a plan's changes: [`execute`] saves what they replace ([`backup`]),
//! applies them in order ([`apply`]) and records the secret values pushed
//! ([`Applied`]), so that the next plan knows them.

use super::plan::{Change, Desired, Plan, Prepared, Tenant};
use super::{ApiError, Connection};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often and how long to wait for Auth0 to build an Action.
pub(crate) const BUILD_POLL: Duration = Duration::from_millis(500);
pub(crate) const BUILD_WAIT: Duration = Duration::from_secs(90);
/// What the last apply pushed, kept in the data dir per tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub(crate) action_id: String,
    pub(crate) digest: String,
    pub(crate) secrets_updated: String,
}

impl Applied {
    /// The record for `action` on the tenant at `base`, if any.
    pub(crate) fn load(paths: &crate::config::Paths, base: &str, action: &str) -> Option<Applied> {
        let bytes =
            crate::config::read_capped(&paths.applied_file(base), crate::config::FILE_LIMIT)
                .ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let all: std::collections::BTreeMap<String, Applied> = serde_json::from_str(&text).ok()?;
        all.get(action).cloned()
    }

    pub(crate) fn save(
        &self,
        paths: &crate::config::Paths,
        base: &str,
        action: &str,
    ) -> std::io::Result<()> {
        let file = paths.applied_file(base);
        let mut all: std::collections::BTreeMap<String, Applied> =
            crate::config::read_capped(&file, crate::config::FILE_LIMIT)
                .ok()
                .and_then(|t| serde_json::from_slice(&t).ok())
                .unwrap_or_default();
        all.insert(action.to_string(), self.clone());
        crate::config::write_atomic(&file, serde_json::to_string_pretty(&all)?.as_bytes())
    }
}

/// Save what the plan replaces: the code of the hooks it disables and of
/// the Actions it rewrites or unbinds, and the phone settings, as files in
/// a new folder under `dir`. Returns the folder.
pub(crate) fn backup(
    dir: &Path,
    host: &str,
    obs: &Tenant,
    plan: &Plan,
) -> std::io::Result<PathBuf> {
    let stamp = time::OffsetDateTime::now_utc();
    let name = format!(
        "{}-{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        safe(host),
        stamp.year(),
        u8::from(stamp.month()),
        stamp.day(),
        stamp.hour(),
        stamp.minute(),
        stamp.second()
    );
    let mut folder = dir.join(&name);
    let mut n = 1;
    while folder.exists() {
        n += 1;
        folder = dir.join(format!("{name}-{n}"));
    }
    // 0700 folders, 0600 files: the code saved often has keys pasted in.
    crate::config::private_dir(dir)?;
    crate::config::private_dir(&folder)?;
    let write = crate::config::write_private;
    for c in &plan.changes {
        if let Change::DisableHook { id, .. } = c
            && let Some(h) = obs.hooks.iter().find(|h| &h.id == id)
        {
            write(
                &folder.join(format!("hook-{}.js", safe(&h.name))),
                h.script.as_bytes(),
            )?;
        }
    }
    if let Some(a) = &obs.action
        && plan
            .changes
            .iter()
            .any(|c| matches!(c, Change::UpdateAction { .. }))
    {
        write(
            &folder.join(format!("action-{}.js", safe(&a.name))),
            a.code.as_bytes(),
        )?;
    }
    for b in &obs.bindings {
        if let Some(code) = &b.code {
            write(
                &folder.join(format!("action-{}.js", safe(&b.name))),
                code.as_bytes(),
            )?;
        }
    }
    let settings = json!({
        "generation": obs.generation,
        "sms_enabled": obs.sms_enabled,
        "selected_provider": obs.selected_provider,
        "message_types": obs.message_types,
        "phone_providers": obs.phone_providers,
        "bindings": obs.bindings.iter().map(|b| json!({"action_id": b.action_id, "name": b.name})).collect::<Vec<_>>(),
        "hooks": obs.hooks.iter().map(|h| json!({"id": h.id, "name": h.name, "enabled": h.enabled})).collect::<Vec<_>>(),
        "policies": obs.policies,
        "plan": plan,
    });
    write(
        &folder.join("settings.json"),
        serde_json::to_string_pretty(&settings)?.as_bytes(),
    )?;
    Ok(folder)
}

fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub applied: Vec<String>,
    /// The change that failed, and why.
    pub failed: Option<(String, String)>,
    pub not_applied: Vec<String>,
    /// Stopped before the end when asked to (a signal): what is listed as
    /// not applied was not started.
    pub interrupted: bool,
    /// What to record for the next plan (after the Action's secrets were set).
    #[serde(skip)]
    pub record: Option<Applied>,
    /// The record could not be saved (the next plan sets the secrets again).
    #[serde(skip)]
    pub record_error: Option<String>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.failed.is_none() && !self.interrupted
    }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn secrets_body(want: &Desired) -> Value {
    Value::Array(
        want.secrets
            .iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect(),
    )
}

fn latest_update(v: &Value) -> String {
    v["secrets"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| s(&x["updated_at"]))
        .max()
        .unwrap_or_default()
}

/// Wait until the Action (or one of its versions) is built.
async fn wait_built(conn: &Connection, path: &str) -> Result<(), ApiError> {
    let started = std::time::Instant::now();
    loop {
        let v = conn.get(path).await?;
        match v["status"].as_str().unwrap_or("built") {
            "built" => return Ok(()),
            "failed" => {
                let errors: Vec<String> = v["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| s(&e["msg"]))
                    .collect();
                return Err(ApiError {
                    status: 0,
                    error: "build".into(),
                    message: format!("Auth0 could not build the Action: {}", errors.join("; ")),
                    error_code: None,
                });
            }
            _ if started.elapsed() > BUILD_WAIT => {
                return Err(ApiError {
                    status: 0,
                    error: "build".into(),
                    message: format!(
                        "the Action was still building after {} s; run the apply again later",
                        BUILD_WAIT.as_secs()
                    ),
                    error_code: None,
                });
            }
            _ => tokio::time::sleep(BUILD_POLL).await,
        }
    }
}

/// Record `r` for the Action of `plan` on the tenant at `base`, off the
/// async thread; an error says the next plan sets the secrets again.
async fn save_record(
    paths: &crate::config::Paths,
    base: &str,
    action: &str,
    r: Applied,
) -> Option<String> {
    let (paths, base, action) = (paths.clone(), base.to_string(), action.to_string());
    tokio::task::spawn_blocking(move || r.save(&paths, &base, &action))
        .await
        .map_err(std::io::Error::other)
        .and_then(|r| r)
        .err()
        .map(|e| {
            format!("could not record the apply ({e}); the next plan will set the secrets again")
        })
}

/// Make the changes in order; stop at the first failure, or before the next
/// change once `stop` is set. `step(i)` is called before change `i` starts.
/// The record of pushed secrets is saved right after the change that pushed
/// them, so an apply cut short still leaves it.
pub(crate) async fn apply(
    conn: &Connection,
    paths: &crate::config::Paths,
    obs: &Tenant,
    plan: &Plan,
    want: &Desired,
    step: &(dyn Fn(usize) + Sync),
    stop: &std::sync::atomic::AtomicBool,
) -> Outcome {
    let mut out = Outcome {
        applied: Vec::new(),
        failed: None,
        not_applied: Vec::new(),
        interrupted: false,
        record: None,
        record_error: None,
    };
    let mut at = At {
        conn,
        obs,
        plan,
        want,
        action_id: obs.action.as_ref().map(|a| a.id.clone()),
        trigger: obs.trigger().id(),
        supported: json!([{"id": obs.trigger().id(), "version": obs.trigger_version}]),
    };
    for (i, c) in plan.changes.iter().enumerate() {
        if !out.interrupted
            && out.failed.is_none()
            && stop.load(std::sync::atomic::Ordering::SeqCst)
        {
            out.interrupted = true;
        }
        if out.failed.is_some() || out.interrupted {
            out.not_applied.push(plan.describe(c));
            continue;
        }
        step(i);
        match at.make(c).await {
            Ok(record) => {
                out.applied.push(plan.describe(c));
                if let Some(r) = record
                    && out.record.as_ref() != Some(&r)
                {
                    out.record = Some(r.clone());
                    out.record_error = save_record(paths, &conn.base, &plan.action, r).await;
                }
            }
            Err(e) => out.failed = Some((plan.describe(c), format!("{e}. {}", e.hint()))),
        }
    }
    out
}

/// Where an apply is: what it writes, and the Action's id once known.
struct At<'a> {
    conn: &'a Connection,
    obs: &'a Tenant,
    plan: &'a Plan,
    want: &'a Desired,
    action_id: Option<String>,
    trigger: &'static str,
    /// The trigger the Action supports, as the API takes it.
    supported: Value,
}

impl At<'_> {
    /// Make one change; the record to keep when it pushed the secrets.
    async fn make(&mut self, c: &Change) -> Result<Option<Applied>, ApiError> {
        if let Some((method, path, body)) = self.request(c) {
            self.conn.send(method, &path, Some(&body)).await?;
            return Ok(None);
        }
        match c {
            Change::CreateAction => self.create().await.map(Some),
            Change::UpdateAction {
                id,
                code,
                secrets,
                triggers,
                rename,
            } => {
                let body = self.update_body(*code, *secrets, *triggers, rename.as_deref());
                let v = self
                    .conn
                    .send(
                        Method::PATCH,
                        &format!("/actions/actions/{}", crate::http::segment(id)),
                        Some(&body),
                    )
                    .await?;
                Ok(Some(self.record(id.clone(), &v)))
            }
            Change::Deploy => self.deploy().await.map(|()| None),
            // One request each: see `request`.
            _ => Ok(None),
        }
    }

    /// What to record once `v`, the Action `id` as Auth0 answered a write
    /// of its secrets, holds the values wanted.
    fn record(&self, action_id: String, v: &Value) -> Applied {
        Applied {
            action_id,
            digest: self.want.digest.clone(),
            secrets_updated: latest_update(v),
        }
    }

    async fn create(&mut self) -> Result<Applied, ApiError> {
        let (want, obs) = (self.want, self.obs);
        let v = self
            .conn
            .send(
                Method::POST,
                "/actions/actions",
                Some(&json!({
                    "name": want.action,
                    "supported_triggers": self.supported,
                    "code": want.code,
                    "runtime": obs.runtime,
                    "dependencies": [],
                    "secrets": secrets_body(want),
                })),
            )
            .await?;
        let id = s(&v["id"]);
        self.action_id = Some(id.clone());
        Ok(self.record(id, &v))
    }

    /// The body of `PATCH /actions/actions/{id}`: what changes.
    fn update_body(
        &self,
        code: bool,
        secrets: bool,
        triggers: bool,
        rename: Option<&str>,
    ) -> Value {
        let mut body = serde_json::Map::new();
        if let Some(name) = rename {
            body.insert("name".into(), json!(name));
        }
        if code {
            body.insert("code".into(), json!(self.want.code));
            body.insert("runtime".into(), json!(self.obs.runtime));
        }
        if triggers {
            body.insert("supported_triggers".into(), self.supported.clone());
        }
        if secrets {
            body.insert("secrets".into(), secrets_body(self.want));
        }
        Value::Object(body)
    }

    /// Deploy the Action once built, and wait for the version to build.
    async fn deploy(&self) -> Result<(), ApiError> {
        let conn = self.conn;
        let id = self.action_id.clone().unwrap_or_default();
        wait_built(
            conn,
            &format!("/actions/actions/{}", crate::http::segment(&id)),
        )
        .await?;
        let v = conn
            .send(
                Method::POST,
                &format!("/actions/actions/{}/deploy", crate::http::segment(&id)),
                None,
            )
            .await?;
        if v["status"].as_str().is_some_and(|st| st != "built") {
            let vid = s(&v["id"]);
            wait_built(
                conn,
                &format!(
                    "/actions/actions/{}/versions/{}",
                    crate::http::segment(&id),
                    crate::http::segment(&vid)
                ),
            )
            .await?;
        }
        Ok(())
    }

    /// The one request of a change made with one: method, path and
    /// body (None: the Action's own changes, made by `make`).
    fn request(&self, c: &Change) -> Option<(Method, String, Value)> {
        Some(match c {
            Change::Bind { .. } => {
                let id = self.action_id.clone().unwrap_or_default();
                (
                    Method::PATCH,
                    format!("/actions/triggers/{}/bindings", self.trigger),
                    json!({"bindings": [{
                        "ref": {"type": "action_id", "value": id},
                        "display_name": self.plan.action,
                    }]}),
                )
            }
            Change::DisableHook { id, .. } => (
                Method::PATCH,
                format!("/hooks/{}", crate::http::segment(id)),
                json!({"enabled": false}),
            ),
            Change::SelectCustom { .. } => (
                Method::PUT,
                "/guardian/factors/phone/selected-provider".into(),
                json!({"provider": "phone-message-hook"}),
            ),
            Change::CreatePhoneProvider => (
                Method::POST,
                "/branding/phone/providers".into(),
                json!({"name": "custom",
                    "configuration": {"delivery_methods": ["text"]},
                    "credentials": {}}),
            ),
            Change::UpdatePhoneProvider {
                id, from, methods, ..
            } => {
                let mut body = json!({"disabled": false,
                    "configuration": {"delivery_methods": methods}});
                if from != "custom" {
                    body["name"] = json!("custom");
                    body["credentials"] = json!({});
                }
                (
                    Method::PATCH,
                    format!("/branding/phone/providers/{}", crate::http::segment(id)),
                    body,
                )
            }
            Change::EnableFactor => (
                Method::PUT,
                "/guardian/factors/sms".into(),
                json!({"enabled": true}),
            ),
            Change::MessageTypes { to } => (
                Method::PUT,
                "/guardian/factors/phone/message-types".into(),
                json!({"message_types": to}),
            ),
            Change::CreateAction | Change::UpdateAction { .. } | Change::Deploy => return None,
        })
    }
}
/// What [`execute`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Executed {
    pub(crate) outcome: Outcome,
    pub(crate) backup: PathBuf,
    /// The record of pushed secrets could not be saved (the next plan will
    /// set them again).
    pub(crate) record_error: Option<String>,
}

/// Why an apply did not start: nothing on the tenant was changed.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The connection lacks write scopes the plan needs.
    #[error(
        "nothing was changed: the token lacks {}. Grant them under Applications > APIs > Auth0 Management API > Machine to Machine Applications.",
        .0.join(", ")
    )]
    MissingScopes(Vec<&'static str>),
    /// The backup of what the plan replaces could not be written.
    #[error("nothing was changed: could not save a backup to {}: {error}", .dir.display())]
    Backup { dir: PathBuf, error: std::io::Error },
}

/// Back up what the plan replaces, apply it, and record what was pushed.
/// Refuses (changing nothing) when a write scope is missing or the backup
/// cannot be written.
pub(crate) async fn execute(
    conn: &Connection,
    paths: &crate::config::Paths,
    p: &Prepared,
    step: &(dyn Fn(usize) + Sync),
    stop: &std::sync::atomic::AtomicBool,
) -> Result<Executed, Refused> {
    if !p.missing.is_empty() {
        return Err(Refused::MissingScopes(p.missing.clone()));
    }
    let dir = paths.backups_dir();
    // Disk work off the async thread (the wizard's event loop runs there).
    let saved = {
        let (dir, base) = (dir.clone(), conn.base.clone());
        let (obs, plan) = (p.obs.clone(), p.plan.clone());
        tokio::task::spawn_blocking(move || backup(&dir, &base, &obs, &plan))
            .await
            .map_err(std::io::Error::other)
            .and_then(|r| r)
    };
    let backup = saved.map_err(|error| Refused::Backup { dir, error })?;
    let outcome = apply(conn, paths, &p.obs, &p.plan, &p.want, step, stop).await;
    let record_error = outcome.record_error.clone();
    Ok(Executed {
        outcome,
        backup,
        record_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_apply_says_nothing_was_changed_and_what_to_do() {
        let e = Refused::MissingScopes(vec!["update:actions", "update:guardian_factors"]);
        assert_eq!(
            e.to_string(),
            "nothing was changed: the token lacks update:actions, update:guardian_factors. Grant them under Applications > APIs > Auth0 Management API > Machine to Machine Applications."
        );
        let e = Refused::Backup {
            dir: PathBuf::from("/b"),
            error: std::io::Error::other("disk full"),
        };
        assert_eq!(
            e.to_string(),
            "nothing was changed: could not save a backup to /b: disk full"
        );
    }
}
