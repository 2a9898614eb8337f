//! The Auth0 Management API: a client-credentials token, GET calls that
//! respect the rate limit, and Auth0's error bodies kept as they are.
//! [`inspect`] reads the tenant's SMS factor with it.

pub mod apply;
pub mod connect;
pub mod events;
pub mod inspect;
pub(crate) mod observe;
pub mod plan;
pub mod try_send;

use crate::providers::validate::{Validation, https_url};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;

/// How long a call may wait in total for the rate limit to reset.
pub(crate) const MAX_RATE_WAIT: Duration = Duration::from_secs(30);

/// Told how long a rate-limit wait lasts, and for which path.
pub(crate) type RateWait = std::sync::Arc<dyn Fn(Duration, &str) + Send + Sync>;

/// Where and how to reach the tenant.
pub struct Connection {
    /// `https://DOMAIN`, or the `SMS_MFA_AUTH0_BASE_URL` override.
    pub(crate) base: String,
    pub(crate) token: String,
    /// The scopes the token carries (None: unknown, e.g. a ready-made token).
    pub(crate) scopes: Option<BTreeSet<String>>,
    http: reqwest::Client,
    on_wait: Option<RateWait>,
}

/// An answer Auth0 refused, as Auth0 wrote it, with a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub(crate) error: String,
    pub(crate) message: String,
    pub error_code: Option<String>,
}

impl ApiError {
    fn network(message: String) -> ApiError {
        ApiError {
            status: 0,
            error: "network".into(),
            message,
            error_code: None,
        }
    }

    /// What to do about the common ones. A refusal is put down to a missing
    /// scope only when Auth0 says so: any other 403 keeps Auth0's text.
    pub fn hint(&self) -> &'static str {
        let code = self.error_code.as_deref().unwrap_or("");
        if code == CARDINALITY {
            return "Auth0 allows one Action on the custom-phone-provider trigger, and the tenant has one already: sms-mfa updates that Action in place. Plan again (sms-mfa tenant apply) to see which one it adopts.";
        }
        if code.ends_with("deployed_action_not_found") {
            return "The Custom phone provider needs a deployed custom-phone-provider Action first: sms-mfa tenant apply creates and deploys the Action before it sets the provider.";
        }
        let scope =
            code == "insufficient_scope" || self.message.to_ascii_lowercase().contains("scope");
        match self.status {
            0 => "Check the tenant domain (or SMS_MFA_AUTH0_BASE_URL), the network and the proxy.",
            401 => {
                "The client id or secret is wrong, or the token expired: check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET."
            }
            403 if self.message.to_ascii_lowercase().contains("deprecated") => {
                "This endpoint is not available on Unified Phone Experience tenants: the phone settings live under Branding > Phone Provider."
            }
            403 if scope => {
                "The Management API client lacks a scope: grant it under Applications > APIs > Auth0 Management API > Machine to Machine Applications."
            }
            404 => "Not found on this tenant.",
            429 => "Rate limited: try again in a minute.",
            _ => "Auth0 refused the request; its message is above.",
        }
    }
}

/// Its `Display` says the status and Auth0's words; [`ApiError::hint`]
/// what to do.
impl std::error::Error for ApiError {}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.status == 0 {
            return write!(f, "{}", self.message);
        }
        write!(f, "HTTP {} {}: {}", self.status, self.error, self.message)?;
        if let Some(c) = &self.error_code {
            write!(f, " ({c})")?;
        }
        Ok(())
    }
}

/// The `errorCode` of a second Action on custom-phone-provider (Auth0
/// support article "End-of-Life Rollout for Multiple Custom Phone/Email
/// Provider Actions").
pub(crate) const CARDINALITY: &str = "actions_cardinality_custom_phone_provider_not_allowed";

fn api_error(status: u16, body: &str) -> ApiError {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    ApiError {
        status,
        error: s("error").unwrap_or_default(),
        message: s("message")
            .or_else(|| s("error_description"))
            .unwrap_or_else(|| body.chars().take(200).collect()),
        error_code: s("errorCode"),
    }
}

/// The base URL: the override when given (https, or http on loopback),
/// else `https://DOMAIN`.
pub(crate) fn base_url(domain: &str, override_url: Option<&str>) -> Result<String, String> {
    match override_url.filter(|u| !u.is_empty()) {
        Some(u) => match https_url(u, None) {
            Validation::Error(m) => Err(format!("SMS_MFA_AUTH0_BASE_URL: {m}")),
            _ => Ok(u.trim_end_matches('/').to_string()),
        },
        None => Ok(format!("https://{domain}")),
    }
}

/// Why a read gave no answer: the token lacks the scope (the call was not
/// made), or Auth0 refused it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error(
        "the token lacks the {0} scope: grant it to the client under Applications > APIs > Auth0 Management API > Machine to Machine Applications"
    )]
    Scope(&'static str),
    #[error("{0}: {1}. {hint}", hint = .1.hint())]
    Refused(String, ApiError),
}

/// `SMS_MFA_AUTH0_TOKEN` and `SMS_MFA_AUTH0_BASE_URL`, read from the
/// environment before connecting.
#[derive(Clone, Default)]
pub(crate) struct Overrides {
    pub(crate) token: Option<String>,
    pub(crate) base_url: Option<String>,
}

/// The token never in a Debug print.
impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overrides")
            .field("token", &self.token.as_ref().map(|_| "[hidden]"))
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl Overrides {
    pub(crate) fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Overrides {
        let get = |n: &str| env(n).filter(|v| !v.is_empty());
        Overrides {
            token: get("SMS_MFA_AUTH0_TOKEN"),
            base_url: get("SMS_MFA_AUTH0_BASE_URL"),
        }
    }
}

/// Why no connection could be made: a title and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpenError {
    pub(crate) title: String,
    pub(crate) details: Vec<String>,
}

/// Connect with the tenant group's resolved settings (`AUTH0_DOMAIN`,
/// `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`), or the ready token in
/// `SMS_MFA_AUTH0_TOKEN`; `SMS_MFA_AUTH0_BASE_URL` overrides the address.
pub(crate) async fn open(
    group: &crate::providers::Provider,
    resolved: &[crate::settings::Resolved],
    env: Overrides,
) -> Result<Connection, OpenError> {
    let get = |name: &str| {
        resolved
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.value.as_ref())
            .map(|v| v.expose().to_string())
    };
    let fail = |title: String, details: Vec<String>| Err(OpenError { title, details });
    // A pasted https://acme.eu.auth0.com/ (in the environment, say) is
    // the domain acme.eu.auth0.com.
    let domain = get("AUTH0_DOMAIN").map(|d| connect::canonical_domain(&d).unwrap_or(d));
    let base_override = env.base_url;
    let base = match base_url(domain.as_deref().unwrap_or(""), base_override.as_deref()) {
        Ok(b) => b,
        Err(e) => return fail(e, vec![]),
    };
    if let Some(token) = env.token {
        if domain.is_none() && base_override.is_none() {
            return fail(
                "AUTH0_DOMAIN is not set (sms-mfa secrets set auth0 AUTH0_DOMAIN, or SMS_MFA_AUTH0_DOMAIN).".into(),
                vec![],
            );
        }
        return Ok(Connection::with_token(base, token));
    }
    if let Err(e) = crate::providers::clients::check_settings(group, resolved) {
        let mut details = e.0;
        details.push("Or give a Management API token in SMS_MFA_AUTH0_TOKEN.".into());
        return fail("the tenant connection is not usable:".into(), details);
    }
    let (domain, id, secret) = (
        domain.unwrap_or_default(),
        get("AUTH0_CLIENT_ID").unwrap_or_default(),
        get("AUTH0_CLIENT_SECRET").unwrap_or_default(),
    );
    Connection::connect(base, &domain, &id, &secret)
        .await
        .or_else(|e| {
            fail(
                format!("could not get a Management API token: {e}."),
                vec![e.hint().to_string()],
            )
        })
}

fn client() -> reqwest::Client {
    crate::http::client(crate::http::CONNECT_TIMEOUT, crate::http::REQUEST_TIMEOUT)
}

/// Read an answer through [`crate::http::read`]: no redirect, the body
/// limit; either is an error that says so.
async fn read(resp: reqwest::Response, what: &str) -> Result<(u16, String), ApiError> {
    crate::http::read(resp).await.map_err(|e| match e {
        crate::http::ReadError::Transport(e) => ApiError::network(format!("{what}: {e}")),
        other => {
            let status = match &other {
                crate::http::ReadError::Redirect { status, .. }
                | crate::http::ReadError::TooLarge { status } => *status,
                crate::http::ReadError::Transport(_) => 0,
            };
            ApiError {
                status,
                error: "unusable answer".into(),
                message: format!("{what}: {other}"),
                error_code: None,
            }
        }
    })
}

impl Connection {
    /// Exchange client credentials for a Management API token.
    pub async fn connect(
        base: String,
        domain: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<Connection, ApiError> {
        let http = client();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("audience", &format!("https://{domain}/api/v2/")),
        ];
        let resp = http
            .post(format!("{base}/oauth/token"))
            .form(&form)
            .send()
            .await
            .map_err(|e| ApiError::network(format!("could not reach {base}: {e}")))?;
        let (status, body) = read(resp, "POST /oauth/token").await?;
        if status != 200 {
            return Err(api_error(status, &body));
        }
        let v: Value = serde_json::from_str(&body).map_err(|_| api_error(status, &body))?;
        let token = v["access_token"]
            .as_str()
            .ok_or_else(|| api_error(status, &body))?
            .to_string();
        let scopes = v["scope"]
            .as_str()
            .map(|s| s.split_whitespace().map(str::to_string).collect());
        Ok(Connection {
            base,
            token,
            scopes,
            http,
            on_wait: None,
        })
    }

    /// Use a token made elsewhere (`SMS_MFA_AUTH0_TOKEN`): its scopes are
    /// not known, so every check is tried.
    pub fn with_token(base: String, token: String) -> Connection {
        Connection {
            base,
            token,
            scopes: None,
            http: client(),
            on_wait: None,
        }
    }

    /// Whether the token may use `scope` (unknown scopes: assume yes).
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scopes.as_ref().is_none_or(|s| s.contains(scope))
    }

    /// Call `on_wait(seconds, path)` before each rate-limit wait, so a
    /// screen can show the countdown.
    pub(crate) fn on_rate_limit(
        mut self,
        f: impl Fn(Duration, &str) + Send + Sync + 'static,
    ) -> Self {
        self.on_wait = Some(std::sync::Arc::new(f));
        self
    }

    /// GET `/api/v2{path}` if the token has `scope` (as far as known).
    pub(crate) async fn read(&self, scope: &'static str, path: &str) -> Result<Value, Unreadable> {
        if !self.has_scope(scope) {
            return Err(Unreadable::Scope(scope));
        }
        self.get(path)
            .await
            .map_err(|e| Unreadable::Refused(path.to_string(), e))
    }

    /// GET `/api/v2{path}`.
    pub async fn get(&self, path: &str) -> Result<Value, ApiError> {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// Call `/api/v2{path}`, waiting out a 429 (until `Retry-After` or
    /// `x-ratelimit-reset`, at most [`MAX_RATE_WAIT`] in all). An empty
    /// answer body reads as `null`.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let mut waited = Duration::ZERO;
        loop {
            let mut req = self
                .http
                .request(method.clone(), format!("{}/api/v2{path}", self.base))
                .bearer_auth(&self.token);
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = req
                .send()
                .await
                .map_err(|e| ApiError::network(format!("{method} {path}: {e}")))?;
            let status = resp.status().as_u16();
            if status == 429 {
                let wait = rate_wait(resp.headers());
                if waited + wait <= MAX_RATE_WAIT {
                    tracing::info!(?wait, path, "rate limited, waiting");
                    if let Some(f) = &self.on_wait {
                        f(wait, path);
                    }
                    tokio::time::sleep(wait).await;
                    waited += wait;
                    continue;
                }
            }
            let (status, text) = read(resp, &format!("{method} {path}")).await?;
            if !(200..300).contains(&status) {
                return Err(api_error(status, &text));
            }
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            return serde_json::from_str(&text).map_err(|_| api_error(status, &text));
        }
    }
}

/// How long a 429 asks to wait: `Retry-After` seconds, else until the
/// `x-ratelimit-reset` UNIX time, else one second.
fn rate_wait(h: &reqwest::header::HeaderMap) -> Duration {
    let num = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    if let Some(s) = num("retry-after") {
        return Duration::from_secs(s.min(60));
    }
    if let Some(reset) = num("x-ratelimit-reset") {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        return Duration::from_secs(reset.saturating_sub(now).clamp(1, 60));
    }
    Duration::from_secs(1)
}

#[cfg(test)]
mod debug_tests {
    #[test]
    fn the_override_token_is_never_in_a_debug_print() {
        let o = super::Overrides {
            token: Some("eyJ-secret-token".into()),
            base_url: Some("http://127.0.0.1:1".into()),
        };
        let d = format!("{o:?}");
        assert!(
            !d.contains("eyJ-secret-token") && d.contains("[hidden]"),
            "{d}"
        );
    }
}
