//! `sms-mfa code`: the Action code for a provider, on standard output.

use super::{OK, USAGE};
use crate::codegen::{self, Target};
use crate::config::Profile;
use crate::providers::Catalog;
use crate::providers::validate::{Validation, https_url};
use std::io::{self, Write};

/// What the code is rendered from.
pub struct Args<'a> {
    pub catalog: &'static Catalog,
    pub profile: &'a Profile,
    /// Looks an environment variable up (the base-URL override).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub provider: &'a str,
    pub target: &'a str,
}

/// `sms-mfa code`: the code on `out`, the secrets it reads (or why there
/// is no code) on `err`.
pub fn print(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let Args {
        catalog,
        profile,
        env,
        provider,
        target,
    } = *args;
    let Some(p) = catalog.get(provider) else {
        let ids = catalog.providers.iter().map(|p| p.id.as_str());
        return super::unknown_provider(err, provider, ids);
    };
    let Some(t) = Target::parse(target) else {
        let ids: Vec<&str> = Target::ALL.iter().map(|t| t.id()).collect();
        writeln!(
            err,
            "sms-mfa: unknown target {target:?}; use one of: {}",
            ids.join(", ")
        )?;
        return Ok(USAGE);
    };
    let base = crate::settings::base_override(p, profile, env);
    if let Some(b) = &base
        && let Validation::Error(m) = https_url(b, None)
    {
        writeln!(err, "sms-mfa: the API base URL {b:?}: {m}")?;
        return Ok(USAGE);
    }
    if let Some(b) = &base {
        // The tenant the code is for: the one this machine's settings
        // reach, when it is on this machine (the sandbox, a test fake).
        let tenant = env("SMS_MFA_AUTH0_BASE_URL")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "on Auth0".into());
        if let Err(e) = codegen::deployable(b, &tenant) {
            writeln!(err, "sms-mfa: {e}.")?;
            return Ok(USAGE);
        }
    }
    match codegen::render(p, t, base.as_deref()) {
        Ok(code) => {
            out.write_all(code.as_bytes())?;
            let names: Vec<String> = codegen::action_secrets(p).into_iter().collect();
            writeln!(err, "{} for {}.", t.describe(), p.name)?;
            writeln!(
                err,
                "Add these Action secrets (exactly these names): {}",
                names.join(", ")
            )?;
            Ok(OK)
        }
        Err(e) => {
            writeln!(err, "sms-mfa: {e}")?;
            Ok(USAGE)
        }
    }
}

/// `sms-mfa code --json`: `{provider, target, code, secrets}` on `out`, or
/// (when the code cannot be printed) the reason on `err`, which the
/// caller's `--json` rules turn into the error object.
pub fn json(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let mut code = Vec::new();
    if print(args, &mut code, &mut io::sink())? != OK {
        return print(args, &mut io::sink(), err);
    }
    let secrets: Vec<String> = args
        .catalog
        .get(args.provider)
        .map(|p| codegen::action_secrets(p).into_iter().collect())
        .unwrap_or_default();
    let doc = serde_json::json!({"provider": args.provider, "target": args.target,
        "code": String::from_utf8_lossy(&code), "secrets": secrets});
    writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    Ok(OK)
}
