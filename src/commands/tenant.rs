//! `sms-mfa tenant check`: the tenant's SMS MFA set-up, read through the
//! Management API.

use super::{FAILURE, OK, USAGE};
use crate::auth0::inspect::{self, Status};
use crate::auth0::{self, Connection};
use crate::config::{self, Paths};
use crate::providers::Catalog;
use crate::providers::clients::check_settings;
use crate::secrets::{self, SecretStore};
use serde_json::json;
use std::io::{self, Write};

/// The scopes every check together needs.
pub const SCOPES: [&str; 7] = [
    "read:tenant_settings",
    "read:hooks",
    "read:guardian_factors",
    "read:mfa_policies",
    "read:phone_providers",
    "read:actions",
    "read:logs",
];

pub struct Context<'a> {
    pub paths: &'a Paths,
    pub profile: &'a str,
    pub catalog: &'static Catalog,
    pub store: &'a dyn SecretStore,
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

/// Connect with the profile's settings; on failure, print why and return
/// the exit code (2: cannot check).
async fn connect(ctx: &Context<'_>, err: &mut dyn Write) -> io::Result<Result<Connection, u8>> {
    let env = |n: &str| (ctx.env)(n).filter(|v| !v.is_empty());
    let loaded = config::load(ctx.paths, ctx.profile);
    let Some(group) = ctx.catalog.tenant.as_ref() else {
        writeln!(err, "sms-mfa: this build has no tenant settings")?;
        return Ok(Err(USAGE));
    };
    let resolved = secrets::resolve(ctx.profile, &loaded.profile, group, ctx.store, ctx.env);
    let get = |name: &str| {
        resolved
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.value.as_ref())
            .map(|v| v.expose().to_string())
    };
    let domain = get("AUTH0_DOMAIN");
    let base_override = env("SMS_MFA_AUTH0_BASE_URL");
    let base = match auth0::base_url(domain.as_deref().unwrap_or(""), base_override.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            writeln!(err, "sms-mfa: {e}")?;
            return Ok(Err(USAGE));
        }
    };
    if let Some(token) = env("SMS_MFA_AUTH0_TOKEN") {
        if domain.is_none() && base_override.is_none() {
            writeln!(
                err,
                "sms-mfa: AUTH0_DOMAIN is not set (sms-mfa secrets set auth0 AUTH0_DOMAIN, or SMS_MFA_AUTH0_DOMAIN)."
            )?;
            return Ok(Err(USAGE));
        }
        return Ok(Ok(Connection::with_token(base, token)));
    }
    if let Err(e) = check_settings(group, &resolved) {
        writeln!(err, "sms-mfa: the tenant connection is not usable:")?;
        for p in &e.0 {
            writeln!(err, "  - {p}")?;
        }
        writeln!(
            err,
            "  Or give a Management API token in SMS_MFA_AUTH0_TOKEN."
        )?;
        return Ok(Err(USAGE));
    }
    let (domain, id, secret) = (
        domain.unwrap_or_default(),
        get("AUTH0_CLIENT_ID").unwrap_or_default(),
        get("AUTH0_CLIENT_SECRET").unwrap_or_default(),
    );
    match Connection::connect(base, &domain, &id, &secret).await {
        Ok(c) => Ok(Ok(c)),
        Err(e) => {
            writeln!(err, "sms-mfa: could not get a Management API token: {e}.")?;
            writeln!(err, "  {}", e.hint())?;
            Ok(Err(USAGE))
        }
    }
}

pub async fn check(
    ctx: &Context<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    json: bool,
) -> io::Result<u8> {
    let conn = match connect(ctx, err).await? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let profile = config::load(ctx.paths, ctx.profile).profile;
    let provider = profile
        .provider
        .as_deref()
        .and_then(|id| ctx.catalog.get(id));
    let report = inspect::inspect(&conn, provider).await;
    // Hooks exist only on tenants with classic phone settings.
    let upe = report.generation == Some(inspect::Generation::UnifiedPhone);
    let missing: Vec<&str> = SCOPES
        .iter()
        .copied()
        .filter(|s| !(conn.has_scope(s) || (upe && *s == "read:hooks")))
        .collect();
    let code = if report.any_fail() {
        FAILURE
    } else if report.all_pass() {
        OK
    } else {
        USAGE // something could not be checked
    };
    if json {
        let doc = json!({
            "generation": report.generation,
            "findings": report.findings,
            "missing_scopes": missing,
            "ok": code == OK,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(code);
    }
    if let Some(g) = report.generation {
        writeln!(
            out,
            "Tenant {} · {}",
            conn.base,
            match g {
                inspect::Generation::UnifiedPhone => "Unified Phone Experience",
                inspect::Generation::Classic => "classic phone settings",
            }
        )?;
    }
    for f in &report.findings {
        let mark = match f.status {
            Status::Pass => "✓",
            Status::Fail => "✗",
            Status::Skipped => "-",
            Status::Error => "!",
        };
        writeln!(out, "{mark} {}: {}", f.title, f.detail)?;
    }
    if !missing.is_empty() {
        writeln!(
            out,
            "\nThe token lacks {}: grant them to the client under Applications > APIs > Auth0 Management API > Machine to Machine Applications.",
            missing.join(", ")
        )?;
    }
    Ok(code)
}
