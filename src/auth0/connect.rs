//! `tenant connect` and `tenant disconnect`: from one pasted, short-lived
//! Management API token (Dashboard > Applications > APIs > Auth0 Management
//! API > API Explorer) to sms-mfa's own Machine to Machine application with
//! exactly the scopes its checks and changes use on this tenant's
//! generation. The token is used for this run only: it is never stored.
//!
//! The calls, as the Management API v2 specification defines them
//! (`../shared/specs/auth0_management_api_v2.json`; the request rules are
//! in assets/specs/requests.json): `GET /tenants/settings` (the
//! generation), `GET /clients`, `POST /clients` (`app_type`
//! `non_interactive`, `grant_types` `["client_credentials"]`), `GET
//! /client-grants`, `POST /client-grants`, `PATCH /client-grants/{id}`,
//! `POST /clients/{id}/rotate-secret`, `DELETE /client-grants/{id}` and
//! `DELETE /clients/{id}`. Shapes as go-auth0 v1.45.0 recorded them
//! (test/data/recordings/TestClient_*.yaml, TestClientGrantManager_*.yaml):
//! the created client carries `client_id` and `client_secret`, rotate-secret
//! answers the client with its new `client_secret`.

use super::observe::{Generation, generation_of};
use super::{ApiError, Connection};
use crate::config::{self, Paths};
use crate::secrets::{SecretStore, StoreError, entry_user};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The application's name on the tenant: how a second run finds it.
pub(crate) const APP_NAME: &str = "sms-mfa";
const APP_DESCRIPTION: &str = "Made by sms-mfa (tenant connect): reads and, when confirmed, changes the tenant's SMS MFA settings.";

/// The settings group the connection is stored under.
pub(crate) const GROUP: &str = "auth0";

/// Scopes every generation's check, plan and apply use.
const COMMON: [&str; 8] = [
    "read:tenant_settings",
    "read:guardian_factors",
    "read:mfa_policies",
    "read:actions",
    "read:logs",
    "create:actions",
    "update:actions",
    "update:guardian_factors",
];

/// The Management API operations (names of assets/specs/requests.json)
/// that `tenant check`, `tenant apply` and `tenant try` call on a tenant of
/// this generation: the grant's scopes are exactly what these need.
pub fn operations(g: Generation) -> Vec<&'static str> {
    let mut ops = vec![
        "auth0.tenant-settings",
        "auth0.factors",
        "auth0.factor.put",
        "auth0.message-types",
        "auth0.message-types.put",
        "auth0.policies",
        "auth0.logs",
        "auth0.actions",
        "auth0.actions.post",
        "auth0.action",
        "auth0.action.patch",
        "auth0.action.deploy",
        "auth0.action-version",
        "auth0.triggers",
        "auth0.bindings",
        "auth0.bindings.patch",
    ];
    match g {
        Generation::UnifiedPhone => ops.extend([
            "auth0.phone-providers",
            "auth0.phone-providers.post",
            "auth0.phone-provider.patch",
            "auth0.phone-provider.try",
        ]),
        Generation::Classic => ops.extend([
            "auth0.selected-provider",
            "auth0.selected-provider.put",
            "auth0.hooks",
            "auth0.hook.patch",
            "auth0.hook-secrets",
        ]),
    }
    ops
}

/// The scopes sms-mfa's application is granted on a tenant of generation
/// `g`, sorted: no hook scopes on Unified Phone Experience tenants (hooks
/// answer 403 there), no phone-provider scopes on classic ones.
pub fn scopes(g: Generation) -> Vec<&'static str> {
    let mut s: Vec<&'static str> = COMMON.to_vec();
    match g {
        Generation::UnifiedPhone => s.extend([
            "read:phone_providers",
            "create:phone_providers",
            "update:phone_providers",
        ]),
        Generation::Classic => s.extend(["read:hooks", "update:hooks"]),
    }
    s.sort_unstable();
    s
}

/// What the pasted token must carry to connect.
pub const CONNECT_NEEDS: [&str; 6] = [
    "read:tenant_settings",
    "read:clients",
    "create:clients",
    "read:client_grants",
    "create:client_grants",
    "update:client_grants",
];
/// And to rotate the secret.
pub(crate) const ROTATE_NEEDS: &str = "update:client_keys";
/// What the pasted token must carry to disconnect.
pub(crate) const DISCONNECT_NEEDS: [&str; 4] = [
    "read:clients",
    "delete:clients",
    "read:client_grants",
    "delete:client_grants",
];

/// The Management API's audience on `domain`.
pub(crate) fn audience(domain: &str) -> String {
    format!("https://{domain}/api/v2/")
}

pub(crate) use crate::providers::validate::canonical_domain;

/// Base64url (RFC 4648 §5, padding optional) decoded, for a JWT's payload.
fn base64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The scopes a Management API access token carries: its JWT payload's
/// `scope` claim, space-separated (RFC 8693 §4.2; Auth0 docs "Access Token
/// Profiles"). None when the token is not a readable JWT.
pub(crate) fn token_scopes(token: &str) -> Option<BTreeSet<String>> {
    let mut parts = token.trim().split('.');
    let (_, payload) = (parts.next()?, parts.next()?);
    let bytes = base64url(payload)?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    let s = v.get("scope")?.as_str()?;
    Some(s.split_whitespace().map(str::to_string).collect())
}

/// The scopes of `needs` the token lacks (none when its scopes are
/// unknown: Auth0 then refuses each call by itself).
pub(crate) fn lacking(conn: &Connection, needs: &[&'static str]) -> Vec<&'static str> {
    needs
        .iter()
        .copied()
        .filter(|s| !conn.has_scope(s))
        .collect()
}

/// sms-mfa's application on the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct App {
    pub(crate) client_id: String,
    pub(crate) name: String,
}

/// Its grant on the Management API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Grant {
    pub(crate) id: String,
    pub(crate) scope: Vec<String>,
}

/// What the tenant has now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub(crate) generation: Generation,
    pub(crate) app: Option<App>,
    pub(crate) grant: Option<Grant>,
    /// How many applications are named sms-mfa (more than one: a note).
    pub(crate) same_name: usize,
}

fn list<'a>(v: &'a Value, key: &str) -> Vec<&'a Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => other[key]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
    }
}

/// Read the generation, sms-mfa's application (the one with `known_id`,
/// else the first named [`APP_NAME`]) and its grant for the Management API.
pub async fn observe(
    conn: &Connection,
    domain: &str,
    known_id: Option<&str>,
) -> Result<Found, ApiError> {
    let settings = conn.get("/tenants/settings").await?;
    let generation = generation_of(&settings);
    let mut apps = Vec::new();
    for page in 0..20 {
        let v = conn
            .get(&format!(
                "/clients?app_type=non_interactive&fields=client_id%2Cname&include_fields=true&per_page=100&page={page}"
            ))
            .await?;
        let got = list(&v, "clients");
        let n = got.len();
        apps.extend(got.into_iter().map(|c| App {
            client_id: c["client_id"].as_str().unwrap_or_default().to_string(),
            name: c["name"].as_str().unwrap_or_default().to_string(),
        }));
        if n < 100 {
            break;
        }
    }
    let same_name = apps.iter().filter(|a| a.name == APP_NAME).count();
    let app = known_id
        .and_then(|id| apps.iter().find(|a| a.client_id == id))
        .or_else(|| apps.iter().find(|a| a.name == APP_NAME))
        .cloned();
    let grant = match &app {
        Some(a) => {
            let aud = audience(domain);
            let v = conn
                .get(&format!(
                    "/client-grants?client_id={}&audience={}",
                    crate::http::segment(&a.client_id),
                    crate::http::segment(&aud)
                ))
                .await?;
            list(&v, "client_grants")
                .into_iter()
                .find(|g| g["client_id"] == a.client_id.as_str() && g["audience"] == aud.as_str())
                .map(|g| Grant {
                    id: g["id"].as_str().unwrap_or_default().to_string(),
                    scope: g["scope"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect(),
                })
        }
        None => None,
    };
    Ok(Found {
        generation,
        app,
        grant,
        same_name,
    })
}

/// One change `tenant connect` makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// `POST /clients`, then its secret into the keyring.
    CreateApp,
    /// `POST /client-grants`.
    CreateGrant { scopes: Vec<String> },
    /// `PATCH /client-grants/{id}`.
    UpdateGrant {
        id: String,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// `POST /clients/{id}/rotate-secret`, then the new one into the keyring.
    RotateSecret { client_id: String, why: String },
    /// The domain and client id into the profile (local).
    SaveProfile { domain: String, client_id: String },
}

/// The plan: what `--apply` (or `y`) would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub(crate) domain: String,
    pub(crate) generation: Generation,
    pub(crate) scopes: Vec<&'static str>,
    pub(crate) app: Option<App>,
    pub changes: Vec<Change>,
    pub(crate) notes: Vec<String>,
}

impl Plan {
    pub(crate) fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The change for people.
    pub(crate) fn describe(&self, c: &Change) -> String {
        match c {
            Change::CreateApp => format!(
                "Create application '{APP_NAME}' (Machine to Machine, client credentials) and store its secret in the keyring"
            ),
            Change::CreateGrant { scopes } => format!(
                "Authorize it for the Auth0 Management API with these {} scopes: {}",
                scopes.len(),
                scopes.join(" ")
            ),
            Change::UpdateGrant { add, remove, .. } => {
                let mut parts = Vec::new();
                if !add.is_empty() {
                    parts.push(format!("add {}", add.join(" ")));
                }
                if !remove.is_empty() {
                    parts.push(format!("remove {}", remove.join(" ")));
                }
                format!("Correct the application's scopes: {}", parts.join("; "))
            }
            Change::RotateSecret { why, .. } => {
                format!(
                    "Rotate the application's secret and store the new one in the keyring ({why})"
                )
            }
            Change::SaveProfile { domain, client_id } => {
                format!(
                    "Save the tenant domain {domain} and the client id {client_id} in the profile"
                )
            }
        }
    }
}

/// What is stored locally now.
#[derive(Debug, Clone, Default)]
pub struct Local {
    pub(crate) domain: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) secret_stored: bool,
}

impl Local {
    /// The profile's and the keyring's entries for the connection.
    pub fn read(
        paths: &Paths,
        profile: &str,
        store: &dyn SecretStore,
    ) -> Result<Local, crate::secrets::StoreError> {
        let p = config::load(paths, profile).profile;
        let get = |n: &str| p.settings.get(GROUP).and_then(|m| m.get(n)).cloned();
        let secret_stored = store
            .get(&entry_user(profile, GROUP, "AUTH0_CLIENT_SECRET"))?
            .is_some();
        Ok(Local {
            domain: get("AUTH0_DOMAIN"),
            client_id: get("AUTH0_CLIENT_ID"),
            secret_stored,
        })
    }
}

/// Plan the connection: pure.
pub fn plan(domain: &str, found: &Found, local: &Local, rotate: bool) -> Plan {
    let want = scopes(found.generation);
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let want_set: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
    match (&found.app, &found.grant) {
        (None, _) => {
            changes.push(Change::CreateApp);
            changes.push(Change::CreateGrant {
                scopes: want_set.iter().cloned().collect(),
            });
        }
        (Some(_), None) => changes.push(Change::CreateGrant {
            scopes: want_set.iter().cloned().collect(),
        }),
        (Some(_), Some(g)) => {
            let have: BTreeSet<String> = g.scope.iter().cloned().collect();
            let add: Vec<String> = want_set.difference(&have).cloned().collect();
            let remove: Vec<String> = have.difference(&want_set).cloned().collect();
            if !add.is_empty() || !remove.is_empty() {
                changes.push(Change::UpdateGrant {
                    id: g.id.clone(),
                    add,
                    remove,
                });
            }
        }
    }
    if let Some(a) = &found.app {
        let ours = local.client_id.as_deref() == Some(a.client_id.as_str());
        if rotate {
            changes.push(Change::RotateSecret {
                client_id: a.client_id.clone(),
                why: "--rotate-secret".into(),
            });
        } else if !ours || !local.secret_stored {
            changes.push(Change::RotateSecret {
                client_id: a.client_id.clone(),
                why: "the keyring has no secret for it, and Auth0 shows a secret only when it is made".into(),
            });
        }
        if !ours || local.domain.as_deref() != Some(domain) {
            changes.push(Change::SaveProfile {
                domain: domain.to_string(),
                client_id: a.client_id.clone(),
            });
        }
    } else if rotate {
        notes.push(
            "--rotate-secret: there is no application yet; its first secret is made with it."
                .into(),
        );
    }
    if found.same_name > 1 {
        notes.push(format!(
            "The tenant has {} applications named '{APP_NAME}'; this one is used: {}.",
            found.same_name,
            found.app.as_ref().map_or("", |a| a.client_id.as_str())
        ));
    }
    Plan {
        domain: domain.to_string(),
        generation: found.generation,
        scopes: want,
        app: found.app.clone(),
        changes,
        notes,
    }
}

/// The scopes the pasted token needs for `plan`.
pub(crate) fn needs(plan: &Plan) -> Vec<&'static str> {
    let mut n: Vec<&'static str> = CONNECT_NEEDS.to_vec();
    if plan
        .changes
        .iter()
        .any(|c| matches!(c, Change::RotateSecret { .. }))
    {
        n.push(ROTATE_NEEDS);
    }
    n
}

/// What an apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub(crate) applied: Vec<String>,
    pub failed: Option<(String, String)>,
    pub(crate) not_applied: Vec<String>,
    pub(crate) client_id: Option<String>,
}

impl Outcome {
    pub(crate) fn ok(&self) -> bool {
        self.failed.is_none()
    }
}

/// Where [`execute`] keeps the new client secret, and how it calls the
/// store (the OS keyring can block for seconds).
pub enum Keep<'a> {
    /// Called in place: a headless command, which has nothing else to run
    /// meanwhile.
    Here(&'a dyn SecretStore),
    /// Called on a blocking thread and given up after the keyring timeout
    /// ([`crate::secrets::TIMEOUT`]); the profile is written on a blocking
    /// thread too. For the wizard, whose event loop must never wait on the
    /// keyring or the disk.
    OffLoop(Arc<dyn SecretStore>),
}

impl Keep<'_> {
    async fn secret(&self, profile: &str, answer: &Value) -> Result<(), String> {
        let secret = answer["client_secret"]
            .as_str()
            .filter(|s| !s.is_empty())
            .ok_or("Auth0's answer has no client_secret")?;
        let secret = SecretString::from(secret.to_string());
        let user = entry_user(profile, GROUP, "AUTH0_CLIENT_SECRET");
        let said = |e: StoreError| format!("{}: {}", e.title(), e.remedy());
        match self {
            Keep::Here(store) => store.set(&user, &secret).map_err(said),
            Keep::OffLoop(store) => {
                let store = Arc::clone(store);
                let task = tokio::task::spawn_blocking(move || store.set(&user, &secret));
                match tokio::time::timeout(crate::secrets::TIMEOUT, task).await {
                    Ok(Ok(r)) => r.map_err(said),
                    Ok(Err(e)) => Err(format!("the keyring task failed: {e}")),
                    Err(_) => Err(said(StoreError::Timeout(crate::secrets::TIMEOUT))),
                }
            }
        }
    }

    async fn profile(
        &self,
        paths: &Paths,
        profile: &str,
        domain: &str,
        client_id: &str,
    ) -> Result<(), String> {
        match self {
            Keep::Here(_) => save_profile(paths, profile, domain, client_id),
            Keep::OffLoop(_) => {
                let (paths, profile) = (paths.clone(), profile.to_string());
                let (domain, client_id) = (domain.to_string(), client_id.to_string());
                tokio::task::spawn_blocking(move || {
                    save_profile(&paths, &profile, &domain, &client_id)
                })
                .await
                .map_err(|e| format!("cannot save the profile: {e}"))?
            }
        }
    }
}

fn save_profile(paths: &Paths, profile: &str, domain: &str, client_id: &str) -> Result<(), String> {
    config::update(paths, profile, |p| {
        let m = p.settings.entry(GROUP.to_string()).or_default();
        m.insert("AUTH0_DOMAIN".into(), domain.to_string());
        m.insert("AUTH0_CLIENT_ID".into(), client_id.to_string());
    })
    .map(|_| ())
    .map_err(|e| format!("cannot save the profile: {e}"))
}

/// Make the plan's changes in order; stop at the first failure. A new
/// secret goes to the keyring the moment Auth0 shows it (as `keep` says).
pub async fn execute(
    conn: &Connection,
    plan: &Plan,
    paths: &Paths,
    profile: &str,
    keep: Keep<'_>,
) -> Outcome {
    let mut out = Outcome {
        client_id: plan.app.as_ref().map(|a| a.client_id.clone()),
        ..Outcome::default()
    };
    let mut profile_saved = false;
    for (i, c) in plan.changes.iter().enumerate() {
        let r: Result<(), String> = async {
            match c {
                Change::CreateApp => {
                    let body = json!({
                        "name": APP_NAME,
                        "description": APP_DESCRIPTION,
                        "app_type": "non_interactive",
                        "grant_types": ["client_credentials"],
                        "token_endpoint_auth_method": "client_secret_post",
                    });
                    let v = conn
                        .send(reqwest::Method::POST, "/clients", Some(&body))
                        .await
                        .map_err(|e| format!("{e}. {}", e.hint()))?;
                    let id = v["client_id"]
                        .as_str()
                        .ok_or("Auth0's answer has no client_id")?
                        .to_string();
                    out.client_id = Some(id.clone());
                    keep.secret(profile, &v).await?;
                    keep.profile(paths, profile, &plan.domain, &id).await?;
                    profile_saved = true;
                    Ok(())
                }
                Change::CreateGrant { scopes } => {
                    let id = out.client_id.clone().ok_or("no application")?;
                    let body = json!({"client_id": id, "audience": audience(&plan.domain), "scope": scopes});
                    conn.send(reqwest::Method::POST, "/client-grants", Some(&body))
                        .await
                        .map(|_| ())
                        .map_err(|e| format!("{e}. {}", e.hint()))
                }
                Change::UpdateGrant { id, .. } => {
                    let body = json!({"scope": plan.scopes});
                    conn.send(
                        reqwest::Method::PATCH,
                        &format!("/client-grants/{}", crate::http::segment(id)),
                        Some(&body),
                    )
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("{e}. {}", e.hint()))
                }
                Change::RotateSecret { client_id, .. } => {
                    let v = conn
                        .send(
                            reqwest::Method::POST,
                            &format!("/clients/{}/rotate-secret", crate::http::segment(client_id)),
                            None,
                        )
                        .await
                        .map_err(|e| format!("{e}. {}", e.hint()))?;
                    keep.secret(profile, &v).await
                }
                Change::SaveProfile { domain, client_id } => {
                    if profile_saved {
                        return Ok(());
                    }
                    keep.profile(paths, profile, domain, client_id).await
                }
            }
        }
        .await;
        match r {
            Ok(()) => out.applied.push(plan.describe(c)),
            Err(e) => {
                out.failed = Some((plan.describe(c), e));
                out.not_applied = plan.changes[i + 1..]
                    .iter()
                    .map(|c| plan.describe(c))
                    .collect();
                break;
            }
        }
    }
    out
}

/// What `tenant disconnect` would remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Removal {
    pub(crate) app: Option<App>,
    pub(crate) grant: Option<Grant>,
    pub(crate) secret_stored: bool,
}

/// Remove sms-mfa's application (its grant first), the keyring entry and
/// the client id from the profile. Returns what was done, or the first
/// failure after what was done.
pub(crate) async fn disconnect(
    conn: &Connection,
    removal: &Removal,
    paths: &Paths,
    profile: &str,
    store: &dyn SecretStore,
) -> Result<Vec<String>, (Vec<String>, String)> {
    let mut done = Vec::new();
    if let Some(g) = &removal.grant {
        conn.send(
            reqwest::Method::DELETE,
            &format!("/client-grants/{}", crate::http::segment(&g.id)),
            None,
        )
        .await
        .map_err(|e| (done.clone(), format!("{e}. {}", e.hint())))?;
        done.push(format!("Removed the grant {}", g.id));
    }
    if let Some(a) = &removal.app {
        conn.send(
            reqwest::Method::DELETE,
            &format!("/clients/{}", crate::http::segment(&a.client_id)),
            None,
        )
        .await
        .map_err(|e| (done.clone(), format!("{e}. {}", e.hint())))?;
        done.push(format!(
            "Deleted application '{}' ({})",
            a.name, a.client_id
        ));
    }
    match store.delete(&entry_user(profile, GROUP, "AUTH0_CLIENT_SECRET")) {
        Ok(true) => done.push("Deleted the client secret from the keyring".into()),
        Ok(false) => {}
        Err(e) => return Err((done, format!("{}: {}", e.title(), e.remedy()))),
    }
    let removed = config::update(paths, profile, |p| {
        p.settings
            .get_mut(GROUP)
            .and_then(|m| m.remove("AUTH0_CLIENT_ID"))
            .is_some()
    })
    .map_err(|e| (done.clone(), format!("cannot save the profile: {e}")))?;
    if removed.value {
        done.push("Removed the client id from the profile".into());
    }
    Ok(done)
}

/// The pasted token, held for one run: masked in `Debug`, zeroized on
/// drop.
pub struct PastedToken(SecretString);

impl PastedToken {
    /// A token from what was pasted: one line, no spaces; `Bearer ` is
    /// dropped.
    pub fn parse(raw: &str) -> Result<PastedToken, String> {
        let t = raw.trim();
        let t = t.strip_prefix("Bearer ").unwrap_or(t).trim();
        if t.is_empty() {
            return Err("no token was given".into());
        }
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("the token has spaces or line breaks in it: paste it as one line".into());
        }
        Ok(PastedToken(SecretString::from(t.to_string())))
    }

    /// A connection to `base` with it; its scopes read from the token.
    pub fn connect(&self, base: String) -> Connection {
        let t = self.0.expose_secret();
        let mut c = Connection::with_token(base, t.to_string());
        c.scopes = token_scopes(t);
        c
    }
}

impl std::fmt::Debug for PastedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PastedToken(<secret>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::validate::DomainError;

    #[test]
    fn domains_as_pasted() {
        for ok in [
            "acme.eu.auth0.com",
            "https://acme.eu.auth0.com/",
            " HTTPS://Acme.EU.auth0.com/api/v2/ ",
            "http://acme.eu.auth0.com",
            "acme.eu.auth0.com.",
        ] {
            assert_eq!(
                canonical_domain(ok).as_deref(),
                Ok("acme.eu.auth0.com"),
                "{ok}"
            );
        }
        assert!(matches!(
            canonical_domain("login.acme.com"),
            Err(DomainError::Custom(_))
        ));
        assert!(matches!(
            canonical_domain("https://login.acme.com/"),
            Err(DomainError::Custom(_))
        ));
        assert!(matches!(
            canonical_domain("auth0.com"),
            Err(DomainError::Custom(_))
        ));
        assert_eq!(canonical_domain("  "), Err(DomainError::Empty));
        assert!(matches!(
            canonical_domain("acme eu"),
            Err(DomainError::Invalid(_))
        ));
        assert!(matches!(
            canonical_domain("user@acme.auth0.com"),
            Err(DomainError::Invalid(_))
        ));
        assert!(
            canonical_domain("login.acme.com")
                .unwrap_err()
                .to_string()
                .contains("custom domain")
        );
    }

    #[test]
    fn scopes_per_generation() {
        let upe = scopes(Generation::UnifiedPhone);
        let classic = scopes(Generation::Classic);
        assert_eq!(upe.len(), 11);
        assert_eq!(classic.len(), 10);
        assert!(!upe.iter().any(|s| s.contains("hooks")));
        assert!(!classic.iter().any(|s| s.contains("phone_providers")));
    }

    #[test]
    fn jwt_scopes_are_read() {
        // {"scope":"read:clients create:clients"}
        let t = "eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6InJlYWQ6Y2xpZW50cyBjcmVhdGU6Y2xpZW50cyJ9.sig";
        let s = token_scopes(t).unwrap();
        assert_eq!(
            s.into_iter().collect::<Vec<_>>(),
            ["create:clients", "read:clients"]
        );
        assert_eq!(token_scopes("opaque-token"), None);
    }

    #[test]
    fn a_pasted_token_is_one_line_and_never_printed() {
        let t = PastedToken::parse("Bearer abc.def.ghi\n").unwrap();
        assert_eq!(format!("{t:?}"), "PastedToken(<secret>)");
        assert!(PastedToken::parse("a b").is_err());
        assert!(PastedToken::parse("").is_err());
    }

    fn found(app: bool, grant: Option<Vec<&str>>) -> Found {
        Found {
            generation: Generation::UnifiedPhone,
            app: app.then(|| App {
                client_id: "C1".into(),
                name: APP_NAME.into(),
            }),
            grant: grant.map(|s| Grant {
                id: "cgr_1".into(),
                scope: s.into_iter().map(str::to_string).collect(),
            }),
            same_name: usize::from(app),
        }
    }

    #[test]
    fn the_plan_follows_what_is_there() {
        let local = Local::default();
        let p = plan("acme.auth0.com", &found(false, None), &local, false);
        assert_eq!(p.changes.len(), 2);
        assert!(p.describe(&p.changes[1]).contains("these 11 scopes"));
        let ours = Local {
            domain: Some("acme.auth0.com".into()),
            client_id: Some("C1".into()),
            secret_stored: true,
        };
        let all = scopes(Generation::UnifiedPhone);
        assert!(
            plan(
                "acme.auth0.com",
                &found(true, Some(all.clone())),
                &ours,
                false
            )
            .is_empty()
        );
        let mut extra = all.clone();
        extra.push("read:hooks");
        extra.retain(|s| *s != "read:logs");
        let p = plan("acme.auth0.com", &found(true, Some(extra)), &ours, false);
        assert_eq!(
            p.changes,
            [Change::UpdateGrant {
                id: "cgr_1".into(),
                add: vec!["read:logs".into()],
                remove: vec!["read:hooks".into()]
            }]
        );
        let p = plan(
            "acme.auth0.com",
            &found(true, Some(all.clone())),
            &ours,
            true,
        );
        assert!(matches!(p.changes[..], [Change::RotateSecret { .. }]));
        assert!(needs(&p).contains(&ROTATE_NEEDS));
        let p = plan(
            "acme.auth0.com",
            &found(true, Some(all)),
            &Local::default(),
            false,
        );
        assert!(matches!(
            p.changes[..],
            [Change::RotateSecret { .. }, Change::SaveProfile { .. }]
        ));
    }
}
