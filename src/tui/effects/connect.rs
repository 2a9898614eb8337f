//! [`Effect::Connect`](crate::wizard::Effect::Connect): `tenant connect`
//! for the wizard, with the same operations as the command
//! ([`crate::auth0::connect`]). The pasted token is used for this call and
//! dropped with it.

use super::{Services, timed};
use crate::auth0::connect::{self as c, PastedToken};
use crate::secrets::{self, Secret};
use crate::wizard::{ConnectAnswer, ConnectView};

pub(super) async fn perform(
    s: &Services,
    profile_name: String,
    domain: String,
    token: Secret,
    apply: bool,
) -> Result<ConnectAnswer, String> {
    let token = PastedToken::parse(token.expose())?;
    let base = crate::auth0::base_url(&domain, (s.env)("SMS_MFA_AUTH0_BASE_URL").as_deref())?;
    let conn = token.connect(base);
    drop(token);
    let local = {
        let (paths, store, name) = (s.paths.clone(), s.store.clone(), profile_name.clone());
        timed(secrets::TIMEOUT * 2, move || {
            c::Local::read(&paths, &name, &*store)
        })
        .await
        .map_err(|e| format!("the keyring: {e}"))?
    };
    let missing = c::lacking(&conn, &c::CONNECT_NEEDS);
    if !missing.is_empty() {
        return Err(format!(
            "Nothing was changed: the token lacks {}. Copy the API Explorer's token again (it has every scope).",
            missing.join(", ")
        ));
    }
    let found = c::observe(&conn, &domain, local.client_id.as_deref())
        .await
        .map_err(|e| format!("Could not read the tenant: {e}. {}", e.hint()))?;
    let plan = c::plan(&domain, &found, &local, false);
    let missing = c::lacking(&conn, &c::needs(&plan));
    if !missing.is_empty() {
        return Err(format!(
            "Nothing was changed: the token lacks {}.",
            missing.join(", ")
        ));
    }
    {
        // Disk work off the event loop.
        let (paths, name, d) = (s.paths.clone(), profile_name.clone(), domain.clone());
        let g = plan.generation.label();
        let _ = tokio::task::spawn_blocking(move || crate::config::remember(&paths, &name, &d, g))
            .await;
    }
    if !apply || plan.is_empty() {
        return Ok(ConnectAnswer::Planned(ConnectView {
            domain: plan.domain.clone(),
            generation: plan.generation,
            scopes: plan.scopes.iter().map(|s| s.to_string()).collect(),
            lines: plan.changes.iter().map(|ch| plan.describe(ch)).collect(),
            notes: plan.notes.clone(),
        }));
    }
    // The keyring and the profile are written off the event loop.
    let keep = c::Keep::OffLoop(s.store.clone());
    let outcome = c::execute(&conn, &plan, &s.paths, &profile_name, keep).await;
    drop(conn);
    if let Some((what, e)) = outcome.failed {
        return Err(format!(
            "{what}: {e}. Done before it: {}. Try again: it continues from what is there.",
            if outcome.applied.is_empty() {
                "nothing".to_string()
            } else {
                outcome.applied.join("; ")
            }
        ));
    }
    Ok(ConnectAnswer::Connected {
        domain: plan.domain,
        client_id: outcome.client_id.unwrap_or_default(),
        applied: outcome.applied,
    })
}
