//! The tenant work of [`Effect::Tenant`](crate::wizard::Effect::Tenant):
//! connect with the profile's settings (the keyring off the event loop),
//! then check, plan, apply or try. The same services as `sms-mfa tenant`.

use super::{Services, timed};
use crate::auth0::{self, Connection, inspect, plan};
use crate::secrets;
use crate::settings;
use crate::settings::Resolved;
use crate::wizard::{ApplyView, Msg, PlanView, TenantAnswer, TenantCall, TenantReport, TenantWork};

/// Resolve the connection's settings and, when the work needs them, the
/// provider's Action secrets (keyring calls under their timeout).
async fn settings(
    s: &Services,
    call: &TenantCall,
    with_provider: bool,
) -> Result<(Vec<Resolved>, Option<Vec<(String, String)>>), String> {
    let s2 = s.clone();
    let call = call.clone();
    timed(secrets::TIMEOUT * 8, move || {
        let Some(group) = s2.catalog.tenant.as_ref() else {
            return Ok(Err("this build has no tenant settings".to_string()));
        };
        let conn = settings::resolve(
            &call.profile_name,
            &call.profile,
            group,
            &*s2.store,
            &*s2.env,
        );
        if !with_provider {
            return Ok(Ok((conn, None)));
        }
        let Some(p) = call.provider.as_deref().and_then(|id| s2.catalog.get(id)) else {
            return Ok(Err("choose a provider first (step 1)".to_string()));
        };
        let resolved =
            settings::resolve(&call.profile_name, &call.profile, p, &*s2.store, &*s2.env);
        let values = match plan::action_values(p, &resolved) {
            Ok(v) => v,
            Err(problems) => {
                return Ok(Err(format!(
                    "the {} settings are not usable, so the Action's secrets cannot be set: {}",
                    p.name,
                    problems.join("; ")
                )));
            }
        };
        Ok(Ok((conn, Some(values))))
    })
    .await
    .map_err(|e| format!("the keyring: {e}"))?
}

pub(super) async fn connect(
    s: &Services,
    op: u64,
    resolved: &[Resolved],
) -> Result<Connection, String> {
    let Some(group) = s.catalog.tenant.as_ref() else {
        return Err("this build has no tenant settings".into());
    };
    let overrides = auth0::Overrides::from_env(&*s.env);
    let conn = auth0::open(group, resolved, overrides).await.map_err(|e| {
        let mut t = e.title;
        for d in e.details {
            t.push(' ');
            t.push_str(&d);
        }
        t
    })?;
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
    let (resolved, values) = settings(s, &call, needs_provider).await?;
    let conn = connect(s, op, &resolved).await?;
    match work {
        TenantWork::Check => {
            let provider = call.provider.as_deref().and_then(|id| s.catalog.get(id));
            let report = inspect::inspect(&conn, provider).await;
            let missing = inspect::missing_scopes(&conn, report.generation)
                .into_iter()
                .map(str::to_string)
                .collect();
            Ok(TenantAnswer::Checked(TenantReport {
                base: conn.base.clone(),
                generation: report.generation,
                findings: report.findings,
                missing_scopes: missing,
            }))
        }
        TenantWork::Plan | TenantWork::Apply { .. } => {
            let p = call
                .provider
                .as_deref()
                .and_then(|id| s.catalog.get(id))
                .ok_or("choose a provider first (step 1)")?;
            let base = {
                let env = |n: &str| (s.env)(n);
                crate::settings::base_override(p, &call.profile, &env)
            };
            let prepared = plan::prepare(
                &conn,
                &s.paths,
                p,
                values.unwrap_or_default(),
                base.as_deref(),
            )
            .await?;
            let TenantWork::Apply { expected } = work else {
                return Ok(TenantAnswer::Planned(plan_view(&conn, &prepared, false)));
            };
            if prepared.plan.changes != expected {
                return Ok(TenantAnswer::Planned(plan_view(&conn, &prepared, true)));
            }
            let never = std::sync::atomic::AtomicBool::new(false);
            let done = auth0::apply::execute(&conn, &s.paths, &prepared, &|_| {}, &never).await?;
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
