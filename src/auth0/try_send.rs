//! Auth0's own end-to-end test of the Custom phone provider.

use super::{ApiError, Connection};
use reqwest::Method;
use serde_json::json;

/// Why Auth0's test could not be asked for, or was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TryError {
    /// The tenant has no Custom phone provider yet.
    #[error("the tenant has no Custom phone provider: plan and apply the fix first")]
    NoCustomProvider,
    #[error("{0}. {hint}", hint = .0.hint())]
    Refused(ApiError),
}

/// Auth0's own end-to-end test (Unified Phone Experience): Auth0 sends a
/// message to `to` through the Custom phone provider, so through the
/// deployed Action. Returns Auth0's message.
pub async fn try_custom(conn: &Connection, to: &str) -> Result<String, TryError> {
    let providers = conn
        .get("/branding/phone/providers")
        .await
        .map_err(TryError::Refused)?;
    let id = providers["providers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "custom")
        .and_then(|p| p["id"].as_str())
        .ok_or(TryError::NoCustomProvider)?
        .to_string();
    let v = conn
        .send(
            Method::POST,
            &format!(
                "/branding/phone/providers/{}/try",
                crate::http::segment(&id)
            ),
            Some(&json!({"to": to, "delivery_method": "text"})),
        )
        .await
        .map_err(TryError::Refused)?;
    Ok(v["message"]
        .as_str()
        .unwrap_or("Auth0 accepted the test")
        .to_string())
}
