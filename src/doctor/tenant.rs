//! The tenant's checks: the connection, and the inspection's findings.

use super::model::{Found, Status, checklist_id, found};
use super::{Event, Prepared, Sink};
use crate::auth0::{self, inspect};
use crate::providers::Catalog;

/// The tenant's: the inspection's findings, the generation being part of
/// the connection check.
pub fn tenant_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = inspect::IDS.iter().map(|id| checklist_id(id)).collect();
    ids.push(CODE_REACHABLE);
    ids
}

/// The check that the live code calls no address Auth0 cannot reach.
pub const CODE_REACHABLE: &str = "code-reachable";

/// Whether the live code calls a loopback or private-network address
/// (allowed only for a tenant on this machine: the sandbox, a test fake).
fn code_reachable(base: &str, code: Option<&str>) -> Found {
    let Some(code) = code else {
        return found(
            CODE_REACHABLE,
            Status::Skipped,
            "Skipped: needs exactly one live piece of code, read.",
        );
    };
    let local = crate::codegen::local_urls(code);
    if local.is_empty() {
        return found(
            CODE_REACHABLE,
            Status::Pass,
            "The live code calls no loopback or private-network address.",
        );
    }
    let list: Vec<String> = local
        .iter()
        .map(|(u, why)| format!("{u} ({why})"))
        .collect();
    if crate::codegen::local_url(base).is_some() {
        return found(
            CODE_REACHABLE,
            Status::Pass,
            format!(
                "The live code calls {}, which this tenant reaches: it runs on this machine too.",
                list.join(", ")
            ),
        );
    }
    found(
        CODE_REACHABLE,
        Status::Fail,
        format!(
            "The live code calls {}: Auth0's servers cannot reach it, so no message is sent.",
            list.join(", ")
        ),
    )
}

/// Every tenant check but the connection skipped, for `reason`.
fn tenant_skipped(reason: &str) -> Vec<Found> {
    tenant_ids()[1..]
        .iter()
        .map(|id| found(id, Status::Skipped, reason))
        .collect()
}

pub(super) async fn tenant_checks(
    p: &Prepared,
    catalog: &'static Catalog,
    sink: Sink,
) -> Vec<Found> {
    const ID: &str = "tenant-connection";
    let Some(group) = catalog.tenant.as_ref() else {
        let mut v = vec![found(
            ID,
            Status::Skipped,
            "This build has no tenant settings.",
        )];
        v.extend(tenant_skipped("Skipped: no tenant connection."));
        return v;
    };
    let configured = p.overrides.token.is_some() || p.connection.iter().any(|r| r.value.is_some());
    if !configured {
        let mut v = vec![found(
            ID,
            Status::Skipped,
            "No Auth0 connection: enter AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET in step 4 (or set SMS_MFA_AUTH0_TOKEN) to check the tenant.",
        )];
        v.extend(tenant_skipped(
            "Skipped: no Auth0 connection (step 4, or SMS_MFA_AUTH0_TOKEN).",
        ));
        return v;
    }
    let conn = match auth0::open(group, &p.connection, p.overrides.clone()).await {
        Ok(c) => c.on_rate_limit(move |wait, path| {
            sink(Event::RateLimited {
                secs: wait.as_secs(),
                path: path.to_string(),
            })
        }),
        Err(e) => {
            let mut evidence = e.title;
            for d in e.details {
                evidence.push(' ');
                evidence.push_str(&d);
            }
            let mut v = vec![found(ID, Status::Error, evidence)];
            v.extend(tenant_skipped(
                "Skipped: the Management API could not be reached.",
            ));
            return v;
        }
    };
    let report = inspect::inspect(&conn, p.provider).await;
    let missing = inspect::missing_scopes(&conn, report.generation);
    tenant_found(&conn.base, &report, &missing)
}

/// The tenant checks from an inspection report. Pure.
pub fn tenant_found(base: &str, report: &inspect::Report, missing: &[&str]) -> Vec<Found> {
    let mut v = Vec::new();
    for f in &report.findings {
        let id = checklist_id(f.id);
        let status = match f.status {
            inspect::Status::Pass => Status::Pass,
            inspect::Status::Fail => Status::Fail,
            inspect::Status::Skipped => Status::Skipped,
            inspect::Status::Error => Status::Error,
        };
        if id == "tenant-connection" {
            let mut evidence = format!("{base}: {}", f.detail);
            let status = if status == Status::Pass && !missing.is_empty() {
                evidence.push_str(&format!(
                    " The token lacks {}: the checks that need them are skipped.",
                    missing.join(", ")
                ));
                Status::Warning
            } else {
                status
            };
            v.push(found(id, status, evidence));
        } else {
            v.push(found(id, status, f.detail.clone()));
        }
    }
    v.push(code_reachable(base, report.live_code.as_deref()));
    v
}
