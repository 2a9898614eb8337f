//! [`Effect::Trace`](crate::wizard::Effect::Trace): the provider's client
//! and the tenant connection from the profile's settings (the keyring off
//! the event loop), then `crate::trace::gather`, as `sms-mfa trace` does.

use super::{Services, timed};
use crate::providers::clients::{self, Client, Settings};
use crate::providers::delivery::{self, CannotLook, Query};
use crate::secrets;
use crate::settings;
use crate::trace::Trace;
use crate::wizard::TenantCall;

/// How far back the view looks.
pub const WINDOW: i64 = 24 * 3600;

pub async fn perform(
    s: &Services,
    op: u64,
    call: TenantCall,
    to: Option<String>,
) -> Result<Trace, String> {
    let s2 = s.clone();
    let c = call.clone();
    let (provider, tenant) = timed(secrets::TIMEOUT * 8, move || {
        let provider = c
            .provider
            .as_deref()
            .and_then(|id| s2.catalog.get(id))
            .map(|p| {
                (
                    p,
                    settings::resolve(&c.profile_name, &c.profile, p, &*s2.store, &*s2.env),
                )
            });
        let tenant = crate::ops::tenant::connection_settings(s2.ctx(&c.profile_name), &c.profile)
            .unwrap_or_default();
        Ok((provider, tenant))
    })
    .await
    .map_err(|e| format!("the keyring: {e}"))?;
    let client = match provider {
        None => Err(CannotLook {
            provider: "no provider".into(),
            reason: "no provider is chosen".into(),
            fix: "Choose one in step 1.".into(),
        }),
        Some((p, resolved)) => clients::check_settings(p, &resolved)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                Client::new(
                    s.catalog,
                    &p.id,
                    &Settings::from_resolved(resolved),
                    s.http.clone(),
                )
                .map_err(|e| e.to_string())
            })
            .map_err(|reason| CannotLook {
                provider: p.id.clone(),
                reason: format!("the settings of {} are not usable: {reason}", p.name),
                fix: "Complete them in step 2.".into(),
            }),
    };
    let conn = super::tenant::connect(s, op, &call.profile_name, &tenant).await;
    let q = Query {
        to: to.filter(|t| !t.is_empty()),
        since: delivery::now() - WINDOW,
        limit: delivery::DEFAULT_RECORDS,
    };
    Ok(crate::trace::gather(
        client.as_ref().map_err(Clone::clone),
        conn.as_ref().map_err(Clone::clone),
        &q,
    )
    .await)
}
