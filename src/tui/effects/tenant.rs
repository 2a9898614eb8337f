//! The tenant work of [`Effect::Tenant`](crate::wizard::Effect::Tenant):
//! connect with the profile's settings (the keyring off the event loop),
//! then check, plan, apply or try. The same services as `sms-mfa tenant`.

use super::{Services, timed};
use crate::auth0::{self, Connection, plan};
use crate::ops::tenant;
use crate::secrets;
use crate::settings::Resolved;
use crate::wizard::{ApplyView, Msg, PlanView, TenantAnswer, TenantCall, TenantReport, TenantWork};

/// Resolve the connection's settings and, when the work needs them, the
/// provider's Action secrets and base URL (keyring calls under their
/// timeout, off the event loop).
async fn settings(
    s: &Services,
    call: &TenantCall,
    with_provider: bool,
) -> Result<(Vec<Resolved>, Option<Inputs>), String> {
    let s2 = s.clone();
    let call = call.clone();
    timed(secrets::TIMEOUT * 8, move || {
        let ctx = s2.ctx(&call.profile_name);
        let words = |e: tenant::Error| match e {
            tenant::Error::NoProvider => "choose a provider first (step 1)".to_string(),
            e => e.to_string(),
        };
        let inner = || {
            let conn = tenant::connection_settings(ctx, &call.profile).map_err(words)?;
            if !with_provider {
                return Ok((conn, None));
            }
            let i = tenant::provider_inputs(ctx, &call.profile, call.provider.as_deref())
                .map_err(words)?;
            let inputs = Inputs {
                provider: i.provider.id.clone(),
                values: i.values,
                base: i.base,
            };
            Ok((conn, Some(inputs)))
        };
        Ok(inner())
    })
    .await
    .map_err(|e| format!("the keyring: {e}"))?
}

/// [`tenant::ProviderInputs`], owned, to leave the keyring's thread.
struct Inputs {
    provider: String,
    values: Vec<(String, String)>,
    base: Option<String>,
}

pub(super) async fn connect(
    s: &Services,
    op: u64,
    profile: &str,
    resolved: &[Resolved],
) -> Result<Connection, String> {
    let conn = tenant::connect(s.ctx(profile), resolved)
        .await
        .map_err(|e| e.to_string())?;
    let notify = s.notify.clone();
    Ok(conn.on_rate_limit(move |wait, path| {
        if let Some(tx) = &notify {
            let _ = tx.send(Msg::RateLimited {
                op,
                secs: wait.as_secs(),
                path: path.to_string(),
            });
        }
    }))
}

fn plan_view(conn: &Connection, p: &plan::Prepared, changed: bool) -> PlanView {
    PlanView {
        base: conn.base.clone(),
        generation: p.obs.generation,
        lines: p.plan.changes.iter().map(|c| p.plan.describe(c)).collect(),
        plan: p.plan.clone(),
        missing_scopes: p.missing.iter().map(|s| s.to_string()).collect(),
        changed,
    }
}

pub(super) async fn perform(
    s: &Services,
    op: u64,
    call: TenantCall,
    work: TenantWork,
) -> Result<TenantAnswer, String> {
    let needs_provider = matches!(work, TenantWork::Plan | TenantWork::Apply { .. });
    let (resolved, inputs) = settings(s, &call, needs_provider).await?;
    let conn = connect(s, op, &call.profile_name, &resolved).await?;
    match work {
        TenantWork::Check => {
            let provider = call.provider.as_deref().and_then(|id| s.catalog.get(id));
            let checked = tenant::check(&conn, provider).await;
            Ok(TenantAnswer::Checked(TenantReport {
                base: conn.base.clone(),
                generation: checked.report.generation,
                findings: checked.report.findings,
                missing_scopes: checked
                    .missing_scopes
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            }))
        }
        TenantWork::Plan | TenantWork::Apply { .. } => {
            let i = inputs.ok_or("choose a provider first (step 1)")?;
            let provider = s
                .catalog
                .get(&i.provider)
                .ok_or("choose a provider first (step 1)")?;
            let inputs = tenant::ProviderInputs {
                provider,
                values: i.values,
                base: i.base,
            };
            let prepared = tenant::plan(&conn, &s.paths, inputs)
                .await
                .map_err(|e| e.to_string())?;
            let TenantWork::Apply { expected } = work else {
                return Ok(TenantAnswer::Planned(plan_view(&conn, &prepared, false)));
            };
            if prepared.plan.changes != expected {
                return Ok(TenantAnswer::Planned(plan_view(&conn, &prepared, true)));
            }
            let never = std::sync::atomic::AtomicBool::new(false);
            let done = auth0::apply::execute(&conn, &s.paths, &prepared, &|_| {}, &never)
                .await
                .map_err(|e| e.to_string())?;
            Ok(TenantAnswer::Applied(ApplyView {
                outcome: done.outcome,
                backup: done.backup,
                record_error: done.record_error,
            }))
        }
        TenantWork::Try { to } => auth0::try_send::try_custom(&conn, &to)
            .await
            .map(TenantAnswer::Tried)
            .map_err(|e| format!("Auth0 could not send the test: {e}")),
    }
}
