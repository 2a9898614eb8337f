//! [`Effect::Trace`](crate::wizard::Effect::Trace): the provider's client
//! and the tenant connection from the profile's settings (the keyring off
//! the event loop), then `crate::trace::gather`, as `sms-mfa trace` does.

use super::{Services, timed};
use crate::ops;
use crate::providers::delivery::{self, CannotLook, Query};
use crate::secrets;
use crate::trace::Trace;
use crate::wizard::TenantCall;

/// How far back the view looks.
pub(crate) const WINDOW: i64 = 24 * 3600;

pub(crate) async fn perform(
    s: &Services,
    op: u64,
    call: TenantCall,
    to: Option<String>,
) -> Result<Trace, String> {
    let s2 = s.clone();
    let c = call.clone();
    let (client, tenant) = timed(secrets::TIMEOUT * 8, move || {
        let ctx = s2.ctx(&c.profile_name);
        let client = match c.provider.as_deref() {
            None => Err(CannotLook {
                provider: "no provider".into(),
                reason: "no provider is chosen".into(),
                fix: "Choose one in step 1.".into(),
            }),
            Some(id) => ops::provider::client(ctx, &c.profile, Some(id), s2.http.clone())
                .map(|(client, _)| client)
                .map_err(|e| CannotLook {
                    provider: id.to_string(),
                    reason: e.to_string(),
                    fix: "Complete them in step 2.".into(),
                }),
        };
        let tenant = ops::tenant::connection_settings(ctx, &c.profile).unwrap_or_default();
        Ok((client, tenant))
    })
    .await
    .map_err(|e| format!("the keyring: {e}"))?;
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
