//! Wiring only: parse the command line, set up logging and the runtime, run.

use clap::Parser;
use sms_mfa::checklist::Checklist;
use sms_mfa::cli::{Cli, Command};
use sms_mfa::commands;
use sms_mfa::config::{self, Paths};
use sms_mfa::providers::Catalog;
use sms_mfa::tui::{self, Exit};
use sms_mfa::wizard::Wizard;
use std::process::ExitCode;

use sms_mfa::commands::{FAILURE, USAGE};
use sms_mfa::providers::Setting;
use sms_mfa::secrets::{self, OsKeyring};
use std::io::{IsTerminal, Read};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = config::check_profile_name(&cli.profile) {
        eprintln!("sms-mfa: {e}");
        return ExitCode::from(USAGE);
    }
    let Some(paths) = Paths::from_platform() else {
        eprintln!("sms-mfa: cannot find a home directory for the config and data files; set HOME.");
        return ExitCode::from(FAILURE);
    };
    let _ = color_eyre::install();
    let log = sms_mfa::logging::init(&paths, &cli.log_level);
    let mut notice = None;
    match &log {
        Ok((_, file)) => {
            tracing::info!(version = env!("CARGO_PKG_VERSION"), log = %file.display(), "starting")
        }
        Err(e) => notice = Some(format!("Logging is off: {e}.")),
    }
    if let Some(Command::Secrets(cmd)) = &cli.command {
        let store = OsKeyring::new();
        let ctx = commands::secrets::Context {
            paths: &paths,
            profile: &cli.profile,
            catalog: Catalog::builtin(),
            store: &store,
            env: &secrets::process_env,
        };
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        let mut io = commands::secrets::Io {
            out: &mut out,
            err: &mut err,
            read_value: &mut read_value,
        };
        return ExitCode::from(commands::secrets::run(cmd, &ctx, &mut io));
    }
    if let Some(Command::Tenant(cmd)) = &cli.command {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return ExitCode::from(FAILURE);
        };
        let store = OsKeyring::new();
        let ctx = commands::tenant::Context {
            paths: &paths,
            profile: &cli.profile,
            catalog: Catalog::builtin(),
            store: &store,
            env: &secrets::process_env,
        };
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        use sms_mfa::cli::TenantCommand;
        let code = runtime.block_on(async {
            match cmd {
                TenantCommand::Check { json } => {
                    commands::tenant::check(&ctx, &mut out, &mut err, *json).await
                }
                TenantCommand::Apply {
                    provider,
                    apply,
                    json,
                } => {
                    commands::tenant::apply(
                        &ctx,
                        provider.as_deref(),
                        *apply,
                        *json,
                        &mut out,
                        &mut err,
                    )
                    .await
                }
                TenantCommand::Try { to, json } => {
                    commands::tenant::try_send(&ctx, to, *json, &mut out, &mut err).await
                }
            }
        });
        runtime.shutdown_timeout(std::time::Duration::from_millis(200));
        return ExitCode::from(code.unwrap_or(FAILURE));
    }
    if let Some(Command::Code { provider, target }) = &cli.command {
        let profile = config::load(&paths, &cli.profile);
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        let code = commands::code::print(
            Catalog::builtin(),
            &profile.profile,
            &secrets::process_env,
            provider,
            target,
            &mut out,
            &mut err,
        );
        return ExitCode::from(code.unwrap_or(FAILURE));
    }
    if let Some(
        cmd
        @ (Command::SendTest { .. } | Command::CheckCredentials { .. } | Command::Doctor { .. }),
    ) = &cli.command
    {
        return ExitCode::from(provider_command(cmd, &cli.profile, &paths));
    }
    if !std::io::stdout().is_terminal() {
        eprintln!("sms-mfa: the wizard needs a terminal; run it in one (see --help).");
        return ExitCode::from(USAGE);
    }
    let loaded = config::load(&paths, &cli.profile);
    let notice = loaded.notice.or(notice);
    let wizard = Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        &cli.profile,
        loaded.profile,
        notice,
    );
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sms-mfa: cannot start the async runtime: {e}");
            return ExitCode::from(FAILURE);
        }
    };
    let services = tui::Services::os(paths, Catalog::builtin());
    let result = runtime.block_on(tui::run(wizard, services));
    // A keyring call that is still waiting (at most its timeout) must not
    // hold the exit up.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(Exit::Quit) => ExitCode::SUCCESS,
        Ok(Exit::Signal(n)) => {
            tracing::info!(signal = n, "ended by signal");
            ExitCode::from(128 + n as u8)
        }
        Err(e) => {
            eprintln!("sms-mfa: terminal error: {e}");
            ExitCode::from(FAILURE)
        }
    }
}

/// The value for `secrets set`: a hidden prompt on a terminal (a visible
/// one for settings that are not secret), else all of standard input.
fn read_value(setting: &Setting) -> std::io::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let prompt = format!("{} ({}): ", setting.label, setting.name);
        if setting.secret {
            return rpassword::prompt_password(prompt);
        }
        eprint!("{prompt}");
        let mut line = String::new();
        stdin.read_line(&mut line)?;
        return Ok(line);
    }
    let mut text = String::new();
    stdin.lock().take(64 * 1024).read_to_string(&mut text)?;
    Ok(text)
}

/// `send-test`, `check-credentials` and `doctor`, on a small async runtime.
fn provider_command(cmd: &Command, profile: &str, paths: &sms_mfa::config::Paths) -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sms-mfa: cannot start the async runtime: {e}");
            return FAILURE;
        }
    };
    let store = OsKeyring::new();
    let ctx = commands::provider::Context {
        paths,
        profile,
        catalog: Catalog::builtin(),
        store: &store,
        env: &secrets::process_env,
        http: sms_mfa::providers::clients::Http::new(),
    };
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let result = runtime.block_on(async {
        match cmd {
            Command::SendTest {
                provider,
                to,
                text,
                json,
                follow,
            } => {
                let args = commands::provider::SendTest {
                    provider,
                    to,
                    text,
                    json: *json,
                    follow: *follow,
                };
                commands::provider::send_test(&ctx, &mut out, &mut err, args).await
            }
            Command::CheckCredentials { provider, json } => {
                commands::provider::check_credentials(&ctx, &mut out, &mut err, provider, *json)
                    .await
            }
            Command::Doctor {
                provider,
                to,
                json,
                verbose,
            } => {
                let args = commands::doctor::Args {
                    provider: provider.as_deref(),
                    to: to.as_deref(),
                    json: *json,
                    verbose: *verbose,
                    color: sms_mfa::doctor::report::use_color(
                        std::io::stdout().is_terminal(),
                        std::env::var("NO_COLOR").ok().as_deref(),
                    ),
                    slow_after: sms_mfa::doctor::SLOW_AFTER,
                };
                commands::doctor::run(&ctx, &mut out, &mut err, args).await
            }
            Command::Secrets(_) | Command::Code { .. } | Command::Tenant(_) => {
                unreachable!("handled before")
            }
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    result.unwrap_or(FAILURE)
}
