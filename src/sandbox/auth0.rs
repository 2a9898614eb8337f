//! The simulated Auth0 tenant on loopback: the Management API with state, so that
//! what `tenant apply` writes is what the next `tenant check` reads.
//!
//! Every request is matched to an operation of the official specs (rules
//! in assets/specs/requests.json): an unknown path answers 404, a token
//! without the operation's scope 403, a body with fields the spec does not
//! define 400, as Auth0 does, with Auth0's error body. Unified Phone
//! Experience tenants answer the legacy phone endpoints with 403
//! "deprecated feature".
//!
//! The rules of the real service it holds to, each from an outside source:
//!
//! - One Action per tenant on `custom-phone-provider`: a second one (made,
//!   or moved onto the trigger) answers 403 with `errorCode`
//!   `actions_cardinality_custom_phone_provider_not_allowed` (Auth0 support
//!   article "End-of-Life Rollout for Multiple Custom Phone/Email Provider
//!   Actions"; docs "Use Auth0's Unified Phone Experience for MFA": "You can
//!   only set one Action per custom phone provider").
//! - The documented set-up has no binding step: create the Action, deploy
//!   it, then create the `custom` phone provider (docs "Configure a Custom
//!   Phone Provider"; terraform-provider-auth0's `auth0_phone_provider`
//!   example, which depends on the Action and has no trigger binding).
//!   Making the provider `custom` without a deployed custom-phone-provider
//!   Action is refused (the docs name
//!   `custom_email_provider_deployed_action_not_found` for the email twin;
//!   the phone code is our assumption, and the client recognises any code
//!   ending in `deployed_action_not_found`).
//! - The phone factor's message types keep working on Unified Phone
//!   Experience tenants (docs, UPE page: `GET/PUT
//!   /guardian/factors/phone/message-types` among the Guardian endpoints
//!   that still work), and must be a subset of the provider's delivery
//!   methods (same page); selected-provider and hooks answer 403.
//! - Logs take the Lucene query in `q` (the Management API spec's own
//!   description of `GET /logs`; docs "Log Search Query Syntax"); the older
//!   `search` parameter is a case-insensitive starts-with search on
//!   client_name, connection and user_name (the spec's parameter text).
//! - Runtimes as the service names them: `node18-actions`, `node22`
//!   (auth0-deploy-cli e2e recordings; Terraform guides).

use super::server::{Request, Respond, Response, Server};
use super::spec;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const TOKEN: &str = "tok-123";
pub const CLIENT_ID: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
pub const CLIENT_SECRET: &str =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_01";
pub const ALL_READ: &str = "read:tenant_settings read:guardian_factors read:mfa_policies read:phone_providers read:actions read:hooks read:logs";
pub(crate) const ALL_WRITE: &str = "create:actions update:actions update:hooks create:phone_providers update:phone_providers update:guardian_factors";

/// A tenant's state, as the fake serves it.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub upe: bool,
    pub scopes: String,
    pub sms_enabled: bool,
    pub selected_provider: String,
    pub message_types: Vec<String>,
    pub policies: Value,
    pub phone_providers: Vec<Value>,
    pub hooks: Vec<Value>,
    pub hook_secrets: BTreeMap<String, Value>,
    /// Full Action objects; `_polls` (private) counts the GETs it stays building.
    pub actions: Vec<Value>,
    /// Trigger id -> bindings.
    pub bindings: BTreeMap<String, Vec<Value>>,
    pub(crate) versions: Vec<Value>,
    pub logs: Value,
    /// How many GETs a written Action reports `building` before `built`.
    pub(crate) build_polls: u32,
    /// Answer this `(METHOD, path)` with this status and body.
    pub fail: Option<(String, String, u16, Value)>,
    /// Bodies of `try` requests Auth0 accepted.
    pub tries: Vec<Value>,
    pub(crate) clock: u64,
    /// Applications (`_secret` private: the answer shows `client_secret`
    /// only when it is made or rotated).
    pub clients: Vec<Value>,
    /// Client grants.
    pub grants: Vec<Value>,
}

impl Tenant {
    /// A new Unified Phone Experience tenant with nothing set up: the sms
    /// factor off, no phone provider, no Action, policy "never".
    pub fn fresh_upe() -> Tenant {
        Tenant {
            upe: true,
            scopes: format!("{ALL_READ} {ALL_WRITE}"),
            sms_enabled: false,
            selected_provider: "auth0".into(),
            message_types: vec![],
            policies: json!([]),
            phone_providers: vec![],
            hooks: vec![],
            hook_secrets: BTreeMap::new(),
            actions: vec![],
            bindings: BTreeMap::new(),
            versions: vec![],
            logs: json!([]),
            build_polls: 1,
            fail: None,
            tries: vec![],
            clock: 0,
            clients: vec![],
            grants: vec![],
        }
    }

    /// A tenant with classic phone settings and a live legacy hook.
    pub fn classic_with_hook(script: &str) -> Tenant {
        let mut t = Tenant {
            upe: false,
            selected_provider: "phone-message-hook".into(),
            message_types: vec!["voice".into()],
            policies: json!(["all-applications"]),
            sms_enabled: true,
            ..Tenant::fresh_upe()
        };
        t.hooks
            .push(json!({"id": "hook_1", "name": "send-sms", "script": script,
            "triggerId": "send-phone-message", "enabled": true, "dependencies": {}}));
        t.hook_secrets
            .insert("hook_1".into(), json!({"API_KEY": "_VALUE_NOT_SHOWN_"}));
        t
    }

    /// Add a deployed Action bound to its trigger.
    pub fn with_bound_action(mut self, id: &str, name: &str, trigger: &str, code: &str) -> Tenant {
        let version = if trigger == "send-phone-message" {
            "v2"
        } else {
            "v1"
        };
        self.actions.push(json!({"id": id, "name": name,
            "supported_triggers": [{"id": trigger, "version": version}],
            "code": code, "runtime": "node22", "dependencies": [], "secrets": [],
            "status": "built", "all_changes_deployed": true,
            "deployed_version": {"id": format!("ver_{id}"), "number": 1, "status": "built"},
            "created_at": "2026-11-01T10:00:00.000Z", "updated_at": "2026-11-01T10:00:00.000Z"}));
        self.bindings
            .entry(trigger.into())
            .or_default()
            .push(json!({
            "id": format!("bnd_{id}"), "trigger_id": trigger, "display_name": name,
            "action": {"id": id, "name": name}}));
        self
    }

    fn now(&mut self) -> String {
        self.clock += 1;
        format!(
            "2026-11-23T10:{:02}:{:02}.000Z",
            self.clock / 60,
            self.clock % 60
        )
    }
}

/// A running fake: its address, the state, and what it received.
pub struct Fake {
    pub server: Server,
    pub state: Arc<Mutex<Tenant>>,
}

impl Fake {
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The environment that points `sms-mfa` at this fake.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("SMS_MFA_AUTH0_DOMAIN", "acme.eu.auth0.com".into()),
            ("SMS_MFA_AUTH0_CLIENT_ID", CLIENT_ID.into()),
            ("SMS_MFA_AUTH0_CLIENT_SECRET", CLIENT_SECRET.into()),
            ("SMS_MFA_AUTH0_BASE_URL", self.uri()),
        ]
    }

    /// Every request after the token: `(operation, method, path, body)`.
    pub async fn calls(&self) -> Vec<(String, String, String, Value)> {
        self.server
            .received_requests()
            .iter()
            .filter(|r| r.url.path().starts_with("/api/v2"))
            .map(|r| {
                let op = spec::find("auth0.", r.method.as_str(), r.url.path()).unwrap_or("?");
                (
                    op.to_string(),
                    r.method.to_string(),
                    r.url.path().to_string(),
                    serde_json::from_slice(&r.body).unwrap_or(Value::Null),
                )
            })
            .collect()
    }

    /// The calls that change something.
    pub async fn writes(&self) -> Vec<(String, String, String, Value)> {
        self.calls()
            .await
            .into_iter()
            .filter(|(_, m, _, _)| m != "GET")
            .collect()
    }

    pub fn tenant(&self) -> Tenant {
        self.state.lock().unwrap().clone()
    }
}

/// Serve `tenant`, answering every call after `delay`.
pub async fn serve(tenant: Tenant, delay: Duration) -> Fake {
    serve_with(tenant, delay, None).await
}

/// Told of every `try` Auth0 accepts (the tenant, the request body): the
/// sandbox delivers it to the simulated phone.
pub(crate) type OnTry = Arc<dyn Fn(&Tenant, &Value) + Send + Sync>;

/// [`serve`], with `on_try`.
pub(crate) async fn serve_with(tenant: Tenant, delay: Duration, on_try: Option<OnTry>) -> Fake {
    let state = Arc::new(Mutex::new(tenant));
    let server = Server::start(Responder {
        state: state.clone(),
        delay,
        on_try,
    });
    Fake { server, state }
}

const CUSTOM_PHONE: &str = "custom-phone-provider";

/// The Action (or a create or update body) lists `trigger`.
fn supports(a: &Value, trigger: &str) -> bool {
    a["supported_triggers"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| s["id"] == trigger)
}

fn has_deployed_custom_action(t: &Tenant) -> bool {
    t.actions.iter().any(|a| {
        supports(a, CUSTOM_PHONE) && a.get("deployed_version").is_some_and(|v| !v.is_null())
    })
}

/// A second Action on custom-phone-provider (support article "End-of-Life
/// Rollout for Multiple Custom Phone/Email Provider Actions").
fn cardinality() -> (u16, Value) {
    error(
        403,
        "Forbidden",
        "Only one action is allowed for the custom-phone-provider trigger.",
        Some("actions_cardinality_custom_phone_provider_not_allowed"),
    )
}

/// The custom phone provider needs a deployed Action (docs "Configure a
/// Custom Phone Provider"; the code is modelled on the email twin's).
fn no_deployed_action() -> (u16, Value) {
    error(
        400,
        "Bad Request",
        "A deployed action for the custom-phone-provider trigger is required before a custom phone provider can be configured.",
        Some("custom_phone_provider_deployed_action_not_found"),
    )
}

/// `GET /logs`: `q` is a Lucene query (a subset here: `type:X`,
/// `type:(X OR Y)`, ranges `date:[X TO *]`, terms joined by AND); `search` alone is the spec's
/// starts-with search on client_name, connection and user_name; paged with
/// `per_page`, newest first for `sort=date:-1`.
fn logs(all: &Value, query: &BTreeMap<String, String>) -> Value {
    let entries = all.as_array().cloned().unwrap_or_default();
    let mut out: Vec<Value> = match (query.get("q"), query.get("search")) {
        (Some(q), _) => entries.into_iter().filter(|e| lucene(q, e)).collect(),
        (None, Some(s)) => {
            let s = s.to_lowercase();
            entries
                .into_iter()
                .filter(|e| {
                    ["client_name", "connection", "user_name"].iter().any(|f| {
                        e[*f]
                            .as_str()
                            .is_some_and(|v| v.to_lowercase().starts_with(&s))
                    })
                })
                .collect()
        }
        (None, None) => entries,
    };
    if query.get("sort").map(String::as_str) == Some("date:-1") {
        out.sort_by(|a, b| b["date"].as_str().cmp(&a["date"].as_str()));
    }
    let per_page = query
        .get("per_page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(50);
    let page = query
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(0);
    Value::Array(
        out.into_iter()
            .skip(page * per_page)
            .take(per_page)
            .collect(),
    )
}

/// Does the entry match the query's `field:value` terms (AND between
/// terms, OR inside parentheses)? A field is a dotted path into the entry.
fn lucene(q: &str, entry: &Value) -> bool {
    let mut rest = q.trim();
    while !rest.is_empty() {
        let Some((field, after)) = rest.split_once(':') else {
            return false;
        };
        let field = field.trim().trim_start_matches("AND ").trim();
        if let Some(inner) = after.strip_prefix('[') {
            // A range, `date:[FROM TO UNTIL]` with `*` for open (docs "Log
            // Search Query Syntax"); times compared as times.
            let Some((range, after)) = inner.split_once(']') else {
                return false;
            };
            let Some((from, until)) = range.split_once(" TO ") else {
                return false;
            };
            let mut v = entry;
            for part in field.split('.') {
                v = &v[part];
            }
            let text = v.as_str().unwrap_or_default();
            let time = crate::providers::delivery::parse_iso;
            let cmp = |a: &str, b: &str| match (time(a), time(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => a.cmp(b),
            };
            let (from, until) = (from.trim(), until.trim());
            if (from != "*" && cmp(text, from).is_lt())
                || (until != "*" && cmp(text, until).is_gt())
            {
                return false;
            }
            rest = after.trim();
            continue;
        }
        let (values, after) = if let Some(inner) = after.strip_prefix('(') {
            let Some((inside, after)) = inner.split_once(')') else {
                return false;
            };
            (
                inside.split(" OR ").map(str::trim).collect::<Vec<_>>(),
                after,
            )
        } else {
            let end = after.find(' ').unwrap_or(after.len());
            (vec![&after[..end]], &after[end..])
        };
        let mut v = entry;
        for part in field.split('.') {
            v = &v[part];
        }
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        if !values.iter().any(|x| x.trim_matches('"') == text) {
            return false;
        }
        rest = after.trim();
    }
    true
}

/// The tenant's phone notification templates as `GET
/// /branding/phone/templates` lists them (the types of the docs'
/// custom-phone-provider event: `otp_verify`, `otp_enroll`,
/// `change_password`, `blocked_account`, `password_breach`).
fn phone_templates() -> Vec<Value> {
    [
        ("otp_verify", "Your verification code is {{ code }}"),
        ("otp_enroll", "Your enrollment code is {{ code }}"),
        ("change_password", "Your password was changed."),
        (
            "blocked_account",
            "Your account was blocked after too many attempts.",
        ),
        (
            "password_breach",
            "Your password was found in a data breach.",
        ),
    ]
    .iter()
    .enumerate()
    .map(|(i, (kind, text))| {
        json!({"id": format!("tem_{i}"), "channel": "phone", "customizable": true, "tenant": "acme",
            "type": kind, "disabled": false,
            "content": {"syntax": "liquid", "from": "", "body": {"text": text, "voice": text}}})
    })
    .collect()
}

struct Responder {
    state: Arc<Mutex<Tenant>>,
    delay: Duration,
    on_try: Option<OnTry>,
}

fn error(status: u16, error: &str, message: &str, code: Option<&str>) -> (u16, Value) {
    let mut v = json!({"statusCode": status, "error": error, "message": message});
    if let Some(c) = code {
        v["errorCode"] = json!(c);
    }
    (status, v)
}

/// An Action as the API shows it (without the fake's private fields, and
/// with secret values never returned).
fn public(a: &Value) -> Value {
    let mut a = a.clone();
    if let Some(o) = a.as_object_mut() {
        o.retain(|k, _| !k.starts_with('_'));
    }
    a
}

impl Respond for Responder {
    fn respond(&self, req: &Request) -> Response {
        let (status, body) = self.answer(req);
        let mut r = Response::new(status).set_delay(self.delay);
        if !body.is_null() {
            r = r.set_body_json(body);
        }
        r
    }
}

impl Responder {
    fn answer(&self, req: &Request) -> (u16, Value) {
        let mut t = self.state.lock().unwrap();
        let path = req.url.path().to_string();
        let method = req.method.as_str().to_string();
        if method == "POST" && path == "/oauth/token" {
            let p = spec::problems("auth0.token", req);
            if !p.is_empty() {
                return error(400, "invalid_request", &p.join("; "), None);
            }
            let form: BTreeMap<String, String> = url::form_urlencoded::parse(&req.body)
                .into_owned()
                .collect();
            let id = form.get("client_id").map(String::as_str).unwrap_or("");
            let secret = form.get("client_secret").map(String::as_str).unwrap_or("");
            let made = t
                .clients
                .iter()
                .any(|c| c["client_id"] == id && c["_secret"] == secret);
            if made {
                // A token for an application `tenant connect` made: its
                // grant's scopes (Auth0 docs "Get Access Tokens": the
                // token's scope is what the client grant allows).
                let scope = grant_scopes(&t, id);
                return (
                    200,
                    json!({"access_token": format!("{MADE_PREFIX}{id}"), "expires_in": 86400, "scope": scope, "token_type": "Bearer"}),
                );
            }
            if secret != CLIENT_SECRET {
                return (
                    401,
                    json!({"error": "access_denied", "error_description": "Unauthorized"}),
                );
            }
            return (
                200,
                json!({"access_token": TOKEN, "expires_in": 86400, "scope": t.scopes, "token_type": "Bearer"}),
            );
        }
        let Some(op) = spec::find("auth0.", &method, &path) else {
            return error(404, "Not Found", "Not Found", None);
        };
        let bearer = req
            .headers
            .get("authorization")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or("");
        let granted: String = if bearer == TOKEN {
            t.scopes.clone()
        } else if let Some(id) = bearer.strip_prefix(MADE_PREFIX)
            && t.clients.iter().any(|c| c["client_id"] == id)
        {
            grant_scopes(&t, id)
        } else if let Some(s) = explorer_scopes(bearer) {
            s
        } else {
            return error(401, "Unauthorized", "Invalid token", None);
        };
        let scopes: Vec<&str> = spec::rule(op)["scopes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str())
            .collect();
        if !scopes.iter().any(|s| granted.split(' ').any(|g| g == *s)) {
            return error(
                403,
                "Forbidden",
                &format!("Insufficient scope, expected any of: {}", scopes.join(",")),
                Some("insufficient_scope"),
            );
        }
        let p = spec::problems(op, req);
        if !p.is_empty() {
            return error(
                400,
                "Bad Request",
                &format!("Payload validation error: {}", p.join("; ")),
                Some("invalid_body"),
            );
        }
        if let Some((m, fp, status, body)) = &t.fail
            && *m == method
            && *fp == path
        {
            return (*status, body.clone());
        }
        // Message types keep working on Unified Phone Experience tenants.
        let legacy = op.starts_with("auth0.selected-provider") || op.starts_with("auth0.hook");
        if t.upe && legacy {
            return error(
                403,
                "Forbidden",
                "Insufficient privileges to use this deprecated feature",
                Some("insufficient_scope"),
            );
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let seg: Vec<&str> = path.trim_start_matches("/api/v2/").split('/').collect();
        let query: BTreeMap<String, String> = req.url.query_pairs().into_owned().collect();
        match op {
            "auth0.tenant-settings" => (
                200,
                json!({"friendly_name": "Acme", "phone_consolidated_experience": t.upe}),
            ),
            "auth0.factors" => (
                200,
                json!([{"name": "sms", "enabled": t.sms_enabled, "trial_expired": false},
                    {"name": "otp", "enabled": true, "trial_expired": false}]),
            ),
            "auth0.factor.put" => {
                if seg[2] == "sms" {
                    t.sms_enabled = body["enabled"] == true;
                }
                (200, json!({"enabled": body["enabled"]}))
            }
            "auth0.selected-provider" => (200, json!({"provider": t.selected_provider})),
            "auth0.selected-provider.put" => {
                t.selected_provider = body["provider"].as_str().unwrap_or("").into();
                (200, body)
            }
            "auth0.message-types" => (200, json!({"message_types": t.message_types})),
            "auth0.message-types.put" => {
                let types: Vec<String> =
                    serde_json::from_value(body["message_types"].clone()).unwrap_or_default();
                // UPE: a subset of the custom provider's delivery methods.
                if t.upe
                    && let Some(p) = t.phone_providers.iter().find(|p| p["name"] == "custom")
                {
                    let methods = &p["configuration"]["delivery_methods"];
                    let lacking: Vec<&String> = types
                        .iter()
                        .filter(|ty| {
                            let method = if *ty == "sms" { "text" } else { ty.as_str() };
                            !methods
                                .as_array()
                                .is_some_and(|m| m.iter().any(|x| x == method))
                        })
                        .collect();
                    if !lacking.is_empty() {
                        return error(
                            400,
                            "Bad Request",
                            &format!(
                                "The message types must be a subset of the phone provider's delivery methods: {lacking:?} is not delivered."
                            ),
                            Some("invalid_body"),
                        );
                    }
                }
                t.message_types = types;
                (200, body)
            }
            "auth0.policies" => (200, t.policies.clone()),
            "auth0.logs" => (200, logs(&t.logs, &query)),
            "auth0.phone-templates" => (200, json!({"templates": phone_templates()})),
            "auth0.hooks" => {
                let trigger = query.get("triggerId");
                let list: Vec<Value> = t
                    .hooks
                    .iter()
                    .filter(|h| trigger.is_none_or(|tr| h["triggerId"] == tr.as_str()))
                    .cloned()
                    .collect();
                (200, Value::Array(list))
            }
            "auth0.hook.patch" => match t.hooks.iter_mut().find(|h| h["id"] == seg[1]) {
                Some(h) => {
                    for (k, v) in body.as_object().into_iter().flatten() {
                        h[k] = v.clone();
                    }
                    (201, h.clone())
                }
                None => error(404, "Not Found", "Hook not found", Some("inexistent_hook")),
            },
            "auth0.hook-secrets" => (
                200,
                t.hook_secrets.get(seg[1]).cloned().unwrap_or(json!({})),
            ),
            "auth0.triggers" => (
                200,
                json!({"triggers": [
                    {"id": "post-login", "version": "v3", "status": "CURRENT", "runtimes": ["node18-actions", "node22"], "default_runtime": "node22", "compatible_triggers": []},
                    {"id": "send-phone-message", "version": "v1", "status": "DEPRECATED", "runtimes": ["node18-actions"], "default_runtime": "node18-actions", "compatible_triggers": []},
                    {"id": "send-phone-message", "version": "v2", "status": "CURRENT", "runtimes": ["node18-actions", "node22"], "default_runtime": "node22", "compatible_triggers": []},
                    {"id": "custom-phone-provider", "version": "v1", "status": "CURRENT", "runtimes": ["node18-actions", "node22"], "default_runtime": "node22", "compatible_triggers": []},
                ]}),
            ),
            "auth0.actions" => {
                let name = query.get("actionName");
                let trigger = query.get("triggerId");
                let list: Vec<Value> = t
                    .actions
                    .iter()
                    .filter(|a| name.is_none_or(|n| a["name"] == n.as_str()))
                    .filter(|a| trigger.is_none_or(|tr| supports(a, tr)))
                    .map(public)
                    .collect();
                let n = list.len();
                (
                    200,
                    json!({"actions": list, "total": n, "page": 0, "per_page": 20}),
                )
            }
            "auth0.actions.post" => {
                if t.actions.iter().any(|a| a["name"] == body["name"]) {
                    return error(
                        409,
                        "Conflict",
                        "An action with this name already exists.",
                        None,
                    );
                }
                if supports(&body, CUSTOM_PHONE)
                    && t.actions.iter().any(|a| supports(a, CUSTOM_PHONE))
                {
                    return cardinality();
                }
                let now = t.now();
                let id = format!("act_{}", t.actions.len() + 100);
                let secrets: Vec<Value> = body["secrets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| json!({"name": s["name"], "updated_at": now}))
                    .collect();
                let a = json!({"id": id, "name": body["name"], "supported_triggers": body["supported_triggers"],
                    "code": body["code"], "runtime": body["runtime"], "dependencies": body["dependencies"],
                    "secrets": secrets, "status": "pending", "all_changes_deployed": false,
                    "created_at": now, "updated_at": now, "_polls": t.build_polls,
                    "_values": body["secrets"]});
                t.actions.push(a.clone());
                (201, public(&a))
            }
            "auth0.action" => match t.actions.iter_mut().find(|a| a["id"] == seg[2]) {
                Some(a) => {
                    let polls = a["_polls"].as_u64().unwrap_or(0);
                    if polls > 0 {
                        a["_polls"] = json!(polls - 1);
                        a["status"] = json!("building");
                    } else {
                        a["status"] = json!("built");
                    }
                    (200, public(a))
                }
                None => error(404, "Not Found", "Action not found", None),
            },
            "auth0.action.patch" => {
                let now = t.now();
                let polls = t.build_polls;
                if supports(&body, CUSTOM_PHONE)
                    && t.actions
                        .iter()
                        .any(|a| a["id"] != seg[2] && supports(a, CUSTOM_PHONE))
                {
                    return cardinality();
                }
                match t.actions.iter_mut().find(|a| a["id"] == seg[2]) {
                    Some(a) => {
                        for (k, v) in body.as_object().into_iter().flatten() {
                            if k == "secrets" {
                                let list: Vec<Value> = v
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .map(|s| json!({"name": s["name"], "updated_at": now}))
                                    .collect();
                                a["secrets"] = Value::Array(list);
                                a["_values"] = v.clone();
                            } else {
                                a[k] = v.clone();
                            }
                        }
                        a["all_changes_deployed"] = json!(false);
                        a["status"] = json!("pending");
                        a["_polls"] = json!(polls);
                        a["updated_at"] = json!(now);
                        (200, public(a))
                    }
                    None => error(404, "Not Found", "Action not found", None),
                }
            }
            "auth0.action.deploy" => {
                let now = t.now();
                let n = t.versions.len() + 1;
                let Some(a) = t.actions.iter_mut().find(|a| a["id"] == seg[2]) else {
                    return error(404, "Not Found", "Action not found", None);
                };
                if a["status"] != "built" {
                    return error(
                        400,
                        "Bad Request",
                        "The action must be built before it can be deployed.",
                        None,
                    );
                }
                let v = json!({"id": format!("ver_{n}"), "action_id": a["id"], "code": a["code"],
                    "dependencies": [], "deployed": true, "runtime": a["runtime"], "secrets": a["secrets"],
                    "status": "built", "number": n, "errors": [],
                    "action": {"id": a["id"], "name": a["name"], "supported_triggers": a["supported_triggers"], "all_changes_deployed": true},
                    "built_at": now, "created_at": now, "updated_at": now,
                    "supported_triggers": a["supported_triggers"]});
                a["all_changes_deployed"] = json!(true);
                a["deployed_version"] = v.clone();
                t.versions.push(v.clone());
                (202, v)
            }
            "auth0.action-version" => match t.versions.iter().find(|v| v["id"] == seg[4]) {
                Some(v) => (200, v.clone()),
                None => error(404, "Not Found", "Version not found", None),
            },
            "auth0.bindings" => {
                let list = t.bindings.get(seg[2]).cloned().unwrap_or_default();
                let n = list.len();
                (
                    200,
                    json!({"bindings": list, "total": n, "page": 0, "per_page": 20}),
                )
            }
            "auth0.bindings.patch" => {
                let trigger = seg[2].to_string();
                let mut list = Vec::new();
                for b in body["bindings"].as_array().into_iter().flatten() {
                    let r = &b["ref"];
                    let found = t.actions.iter().find(|a| match r["type"].as_str() {
                        Some("action_id") => a["id"] == r["value"],
                        Some("action_name") => a["name"] == r["value"],
                        _ => false,
                    });
                    let Some(a) = found else {
                        return error(400, "Bad Request", "The action does not exist.", None);
                    };
                    if a.get("deployed_version").is_none_or(Value::is_null) {
                        return error(
                            400,
                            "Bad Request",
                            "An action must be deployed before it can be bound.",
                            None,
                        );
                    }
                    let supports = a["supported_triggers"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|s| s["id"] == trigger.as_str());
                    if !supports {
                        return error(
                            400,
                            "Bad Request",
                            "The action does not support this trigger.",
                            None,
                        );
                    }
                    list.push(
                        json!({"id": format!("bnd_{}", a["id"].as_str().unwrap_or("")),
                        "trigger_id": trigger, "display_name": b["display_name"],
                        "action": public(a)}),
                    );
                }
                t.bindings.insert(trigger, list.clone());
                (200, json!({"bindings": list}))
            }
            "auth0.phone-providers" => (200, json!({"providers": t.phone_providers})),
            "auth0.phone-providers.post" => {
                if !t.phone_providers.is_empty() {
                    return error(409, "Conflict", "A phone provider already exists.", None);
                }
                if body["name"] == "custom" && !has_deployed_custom_action(&t) {
                    return no_deployed_action();
                }
                let now = t.now();
                let p = json!({"id": "pro_1", "tenant": "acme", "name": body["name"], "channel": "phone",
                    "disabled": body["disabled"].as_bool().unwrap_or(false),
                    "configuration": body["configuration"], "created_at": now, "updated_at": now});
                t.phone_providers.push(p.clone());
                (201, p)
            }
            "auth0.phone-provider.patch" => {
                if body["name"] == "custom" && !has_deployed_custom_action(&t) {
                    return no_deployed_action();
                }
                let now = t.now();
                match t.phone_providers.iter_mut().find(|p| p["id"] == seg[3]) {
                    Some(p) => {
                        for (k, v) in body.as_object().into_iter().flatten() {
                            if k != "credentials" {
                                p[k] = v.clone();
                            }
                        }
                        p["updated_at"] = json!(now);
                        (200, p.clone())
                    }
                    None => error(404, "Not Found", "Phone provider not found", None),
                }
            }
            "auth0.phone-provider.try" => {
                let Some(provider) = t.phone_providers.iter().find(|p| p["id"] == seg[3]) else {
                    return error(404, "Not Found", "Phone provider not found", None);
                };
                if provider["disabled"] == true {
                    return error(400, "Bad Request", "The phone provider is disabled.", None);
                }
                if let Some(f) = &self.on_try {
                    f(&t, &body);
                }
                t.tries.push(body);
                (202, json!({"code": 202, "message": "Notification sent"}))
            }
            "auth0.clients" => {
                let app_type = query.get("app_type");
                let list: Vec<Value> = t
                    .clients
                    .iter()
                    .filter(|c| app_type.is_none_or(|a| c["app_type"] == a.as_str()))
                    .map(client_public)
                    .collect();
                let per_page = query
                    .get("per_page")
                    .and_then(|p| p.parse::<usize>().ok())
                    .unwrap_or(50);
                let page = query
                    .get("page")
                    .and_then(|p| p.parse::<usize>().ok())
                    .unwrap_or(0);
                let list: Vec<Value> = list
                    .into_iter()
                    .skip(page * per_page)
                    .take(per_page)
                    .collect();
                (200, Value::Array(list))
            }
            "auth0.client" => match t.clients.iter().find(|c| c["client_id"] == seg[1]) {
                Some(c) => (200, client_public(c)),
                None => error(
                    404,
                    "Not Found",
                    "The client does not exist",
                    Some("inexistent_client"),
                ),
            },
            "auth0.clients.post" => {
                t.clock += 1;
                let n = t.clock;
                let id = made_id(n);
                let secret = made_secret(n);
                let mut c = body.clone();
                c["client_id"] = json!(id);
                c["tenant"] = json!("acme");
                c["is_first_party"] = json!(true);
                if c.get("grant_types").is_none() {
                    c["grant_types"] = json!([
                        "authorization_code",
                        "implicit",
                        "refresh_token",
                        "client_credentials"
                    ]);
                }
                c["_secret"] = json!(secret);
                t.clients.push(c.clone());
                let mut shown = client_public(&c);
                shown["client_secret"] = json!(secret);
                (201, shown)
            }
            "auth0.client.rotate-secret" => {
                t.clock += 1;
                let secret = made_secret(t.clock);
                match t.clients.iter_mut().find(|c| c["client_id"] == seg[1]) {
                    Some(c) => {
                        c["_secret"] = json!(secret);
                        let mut shown = client_public(c);
                        shown["client_secret"] = json!(secret);
                        (200, shown)
                    }
                    None => error(
                        404,
                        "Not Found",
                        "The client does not exist",
                        Some("inexistent_client"),
                    ),
                }
            }
            "auth0.client.delete" => {
                // Deleting twice answers 204 both times (go-auth0
                // TestClient_Delete.yaml).
                t.clients.retain(|c| c["client_id"] != seg[1]);
                (204, Value::Null)
            }
            "auth0.client-grants" => {
                let list: Vec<Value> = t
                    .grants
                    .iter()
                    .filter(|g| {
                        query
                            .get("client_id")
                            .is_none_or(|c| g["client_id"] == c.as_str())
                    })
                    .filter(|g| {
                        query
                            .get("audience")
                            .is_none_or(|a| g["audience"] == a.as_str())
                    })
                    .cloned()
                    .collect();
                (200, Value::Array(list))
            }
            "auth0.client-grants.post" => {
                if !t
                    .clients
                    .iter()
                    .any(|c| c["client_id"] == body["client_id"])
                {
                    return error(
                        404,
                        "Not Found",
                        "The client does not exist",
                        Some("inexistent_client"),
                    );
                }
                if let Some(bad) = body["scope"].as_array().into_iter().flatten().find(|s| {
                    !s.as_str()
                        .is_some_and(|s| spec::management_scopes().contains(s))
                }) {
                    return error(
                        400,
                        "Bad Request",
                        &format!("Scope {bad} is not defined for this API"),
                        Some("invalid_body"),
                    );
                }
                t.clock += 1;
                let g = json!({"id": format!("cgr_{:016}", t.clock), "client_id": body["client_id"],
                    "audience": body["audience"], "scope": body["scope"]});
                t.grants.push(g.clone());
                (201, g)
            }
            "auth0.client-grant.patch" => {
                if let Some(bad) = body["scope"].as_array().into_iter().flatten().find(|s| {
                    !s.as_str()
                        .is_some_and(|s| spec::management_scopes().contains(s))
                }) {
                    return error(
                        400,
                        "Bad Request",
                        &format!("Scope {bad} is not defined for this API"),
                        Some("invalid_body"),
                    );
                }
                match t.grants.iter_mut().find(|g| g["id"] == seg[1]) {
                    Some(g) => {
                        if let Some(s) = body.get("scope") {
                            g["scope"] = s.clone();
                        }
                        (200, g.clone())
                    }
                    None => error(
                        404,
                        "Not Found",
                        "The grant does not exist",
                        Some("inexistent_client_grant"),
                    ),
                }
            }
            "auth0.client-grant.delete" => {
                t.grants.retain(|g| g["id"] != seg[1]);
                (204, Value::Null)
            }
            _ => error(404, "Not Found", "Not Found", None),
        }
    }
}

/// What the tokens of the applications `tenant connect` makes look like here.
const MADE_PREFIX: &str = "tok-made-";

/// A made application's client id: 32 letters and digits, as Auth0's are.
fn made_id(n: u64) -> String {
    format!("SmsMfaApp{n:023}")
}

fn made_secret(n: u64) -> String {
    format!(
        "s{n:015}-{}",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
    )
}

/// The scopes of client `id`'s grants, space-separated.
fn grant_scopes(t: &Tenant, id: &str) -> String {
    t.grants
        .iter()
        .filter(|g| g["client_id"] == id)
        .flat_map(|g| g["scope"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A client as the API lists it: never its secret.
fn client_public(c: &Value) -> Value {
    let mut c = public(c);
    if let Some(o) = c.as_object_mut() {
        o.remove("client_secret");
    }
    c
}

/// The scopes of an API Explorer token (a JWT whose payload has `scope`,
/// Auth0 docs "Get Management API Access Tokens for Testing" and "Access
/// Token Profiles"); None for anything else.
fn explorer_scopes(bearer: &str) -> Option<String> {
    let s = crate::auth0::connect::token_scopes(bearer)?;
    Some(s.into_iter().collect::<Vec<_>>().join(" "))
}

/// An API Explorer token for this simulation, carrying `scopes` (an
/// unsigned JWT: the simulation reads only its payload).
pub fn explorer_token(scopes: &str) -> String {
    explorer_token_with_id(scopes, "sandbox")
}

/// [`explorer_token`] with this `jti` (a canary for the tests).
pub fn explorer_token_with_id(scopes: &str, jti: &str) -> String {
    let payload = json!({"iss": "https://sms-mfa-sandbox.us.auth0.com/", "aud": "https://sms-mfa-sandbox.us.auth0.com/api/v2/",
        "gty": "client-credentials", "scope": scopes, "jti": jti});
    format!(
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.sandbox",
        base64url(payload.to_string().as_bytes())
    )
}

/// Every scope the API Explorer token of the sandbox carries: all the
/// Management API's (the explorer token has all scopes).
pub fn explorer_token_all() -> String {
    let all: Vec<&str> = spec::management_scopes()
        .iter()
        .map(String::as_str)
        .collect();
    explorer_token(&all.join(" "))
}

fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
