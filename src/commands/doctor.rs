//! `sms-mfa doctor`: the troubleshooting checklist, checked, for a shell.
//! Text grouped by category (or `--json`); exit 0 no problems, 1 warnings
//! (or checks that could not run) only, 2 failures.

use super::provider::Context;
use crate::config;
use crate::doctor::{self, Event, report};
use crate::providers::clients::Http;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

pub struct Args<'a> {
    pub provider: Option<&'a str>,
    pub to: Option<&'a str>,
    pub json: bool,
    pub verbose: bool,
    /// ANSI colours in the text.
    pub color: bool,
    /// [`doctor::SLOW_AFTER`], but in tests.
    pub slow_after: Duration,
}

pub async fn run(
    ctx: &Context<'_>,
    http: &Http,
    out: &mut dyn Write,
    err: &mut dyn Write,
    args: Args<'_>,
) -> io::Result<u8> {
    let loaded = config::load(ctx.paths, ctx.profile);
    if let Some(n) = &loaded.notice {
        writeln!(err, "sms-mfa: {n}")?;
    }
    let profile = loaded.profile;
    let provider = match args.provider.or(profile.provider.as_deref()) {
        None => None,
        Some(id) => match ctx.catalog.get(id) {
            Some(p) => Some(p),
            None => {
                let ids = ctx.catalog.providers.iter().map(|p| p.id.as_str());
                return super::unknown_provider(err, id, ids);
            }
        },
    };
    let prepared = doctor::prepare(
        ctx.catalog,
        ctx.store,
        ctx.env,
        ctx.profile,
        &profile,
        provider,
        args.to.map(str::to_string),
    );
    // Progress goes straight to standard error while the checks run.
    let sink: doctor::Sink = Arc::new(|event| match event {
        Event::Slow { ids, after } => eprintln!(
            "sms-mfa: still checking after {} s: {}",
            after.as_secs(),
            ids.join(", ")
        ),
        Event::RateLimited { secs, path } => {
            eprintln!("sms-mfa: Auth0 rate limit on {path}: waiting {secs} s")
        }
        Event::Done(_) => {}
    });
    let found = doctor::run(&prepared, ctx.catalog, http.clone(), args.slow_after, sink).await;
    let mut checks = doctor::assemble(crate::checklist::Checklist::builtin(), &found);
    doctor::commands_for(&mut checks, provider.map(|p| p.id.as_str()), ctx.profile);
    if args.json {
        writeln!(out, "{}", report::json(&checks))?;
    } else {
        let heading = format!(
            "sms-mfa doctor · profile {} · {}",
            ctx.profile,
            provider.map_or("no provider chosen", |p| p.name.as_str())
        );
        let style = report::Style {
            color: args.color,
            verbose: args.verbose,
        };
        write!(out, "{}", report::text(&heading, &checks, style))?;
    }
    let code = doctor::Summary::of(&checks).exit_code();
    let problems = checks
        .iter()
        .filter(|c| matches!(c.status, doctor::Status::Fail | doctor::Status::Warning))
        .map(|c| c.id.clone())
        .collect();
    super::status::record(ctx.paths, ctx.profile, "doctor", code, problems);
    Ok(code)
}
